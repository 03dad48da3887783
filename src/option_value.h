/* option_value.h - storing one option value (option_value.c), for the
 * parser (options.c): internal to alog_core, alog__ names. */
#ifndef ALOG_OPTION_VALUE_H
#define ALOG_OPTION_VALUE_H

#include "option.h"

/* Where a parse puts its one-line error: "<prog>: <what> (see --help)". */
typedef struct alog__perr {
    char *buf;        /* the message; NULL: none wanted */
    size_t len;       /* its room */
    const char *prog; /* the program's name */
} alog__perr;

/* Format the one-line message into e; returns ALOG_PARSE_BAD. */
int alog__opt_bad(const alog__perr *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "--<name> '<val>': <why>" through alog__opt_bad. */
int alog__opt_bad_value(const alog__perr *e, const alog_opt *o,
                        const char *val, const char *why);
/* Check val against row o and store it (into cfg for the core's rows,
 * into base for a model's): ALOG_PARSE_OK or ALOG_PARSE_BAD. */
int alog__opt_apply(alog_config *cfg, void *base, const alog_opt *o,
                    const char *val, const alog__perr *e);

#endif
