/* consumer.c - a program of another project built against an installed
 * alog (tests/package_test.sh): through pkg-config and through
 * find_package(alog).  It calls the core for real (options, record lists,
 * the k-way merge, the text wire) and prints what they gave, which the
 * test checks line by line. */
#include <stdio.h>
#include <string.h>

#include <alog/alog.h>
#include <alog/options.h>

/* Two producers' lists, each in time order, merged into one timeline. */
static int merged(void)
{
    static const int64_t at[2][3] = {{0, 30, 60}, {10, 20, 70}};
    alog_reclist *lists[2] = {alog_reclist_new(), alog_reclist_new()};
    int rc = lists[0] && lists[1] ? 0 : 1;
    for (uint32_t p = 0; rc == 0 && p < 2; p++)
        for (uint64_t s = 0; rc == 0 && s < 3; s++) {
            alog_record r = {.produce_ns = at[p][s], .seq = s, .producer = p};
            rc = alog_reclist_append(lists[p], &r);
        }
    alog_merge *m = rc == 0 ? alog_merge_new(lists, 2) : NULL;
    if (m != NULL) {
        printf("merged:");
        for (const alog_record *r; (r = alog_merge_next(m, NULL)) != NULL;)
            printf(" %u:%llu", (unsigned)r->producer,
                   (unsigned long long)r->seq);
        printf("\n");
    }
    alog_merge_free(m);
    alog_reclist_free(lists[0]);
    alog_reclist_free(lists[1]);
    return m != NULL ? 0 : 1;
}

/* The option table's parse, and a bad value's one-line message. */
static int options(void)
{
    char *good[] = {"consumer", "--count", "7", "--interval", "0.5,0.25",
                    NULL};
    char *bad[] = {"consumer", "--count", "0", NULL};
    char err[256];
    alog_config cfg;
    if (alog_options_parse(&cfg, ALOG_MODEL_ASYNC, NULL, 5, good, err,
                           sizeof err) != ALOG_PARSE_OK)
        return 1;
    printf("options: count=%llu producers=%u\n",
           (unsigned long long)cfg.count, alog_config_producers(&cfg));
    alog_config_free(&cfg);
    int v = alog_options_parse(&cfg, ALOG_MODEL_ASYNC, NULL, 3, bad, err,
                               sizeof err);
    alog_config_free(&cfg);
    printf("bad: %d %s\n", v, err);
    return 0;
}

int main(void)
{
    printf("alog %s\n", ALOG_VERSION);
    alog_record r = {.produce_ns = 200000000, .clock_ms = 200, .seq = 1,
                     .producer = 3};
    char line[128];
    int n = alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, line, sizeof line);
    if (n <= 0)
        return 1;
    printf("wire: %.*s", n, line);
    return merged() || options();
}
