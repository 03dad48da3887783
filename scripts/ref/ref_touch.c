/* alog-ref-touch - how fast this machine hands a process fresh memory.
 * A collector stores every record in memory it touches for the first time
 * (56 bytes a record), so first-touch bandwidth bounds its records/s no
 * matter how little work it does per record.  On bare metal that bound is
 * far above the pipe; in some VMs (memory backed lazily by the host) it is
 * the tightest bound of all.
 *
 *   alog-ref-touch [--bytes N]
 * Prints "# key=value": bytes, first_touch_bytes_per_s,
 * warm_bytes_per_s.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t n = (size_t)512 << 20;
    if (argc == 3 && strcmp(argv[1], "--bytes") == 0) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(argv[2], &end, 10);
        if (errno || end == argv[2] || *end || v == 0 || argv[2][0] == '-') {
            fprintf(stderr, "alog-ref-touch: --bytes '%s': must be a "
                            "positive integer\n", argv[2]);
            return 2;
        }
        n = (size_t)v;
    } else if (argc != 1) {
        fprintf(stderr, "usage: alog-ref-touch [--bytes N]\n");
        return 2;
    }
    char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("alog-ref-touch: mmap");
        return 1;
    }
    int64_t t0 = now_ns();
    memset(p, 1, n);
    int64_t t1 = now_ns();
    memset(p, 2, n);
    int64_t t2 = now_ns();
    /* Read back so neither memset can be dropped. */
    volatile char sink = p[n / 2];
    (void)sink;
    printf("# bytes=%zu\n# first_touch_bytes_per_s=%.0f\n"
           "# warm_bytes_per_s=%.0f\n",
           n, (double)n / ((double)(t1 - t0) / 1e9),
           (double)n / ((double)(t2 - t1) / 1e9));
    munmap(p, n);
    return 0;
}
