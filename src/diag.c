/* diag.c - one-line messages from library code, prefixed by the name the
 * program frame gave (the library itself never names a program). */
#include <stdarg.h>

#include "alog.h"

void alog_say(const alog_diag *d, const char *fmt, ...)
{
    if (d == NULL || d->f == NULL)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* One message, one line, whatever a value in it holds. */
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    fprintf(d->f, "%s: %s\n", d->prog ? d->prog : "alog", line);
    fflush(d->f);
}
