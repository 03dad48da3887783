/** @file
 * alog/hooks.h - test hooks: environment variables that change a run for testing, never unseen.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_HOOKS_H
#define ALOG_HOOKS_H

#include <stddef.h>

/** The value of test hook `name` (an ALOG_* environment variable that
 * changes a run for testing: hooks.c lists them), or NULL when it is unset
 * or empty, or not a listed hook. */
const char *alog_hook(const char *name);
/** The active hooks as "NAME=value NAME=value" into buf (values shown
 * printable, spaces as '?', cut at 64 bytes; "" when none).  Returns how
 * many are active. */
size_t alog_hooks_describe(char *buf, size_t cap);
/** The i-th test hook's name (0, 1, ... in hooks.c's order), and in *what
 * (when not NULL) one line of what it does; NULL past the last. */
const char *alog_hook_name(size_t i, const char **what);

#endif
