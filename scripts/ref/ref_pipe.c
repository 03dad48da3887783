/* alog-ref-pipe - raw pipe bandwidth between two processes: the ceiling
 * any pipe collector can reach.  The child writes large blocks, the
 * parent reads large blocks and throws them away; nothing is parsed.
 * Same pipe size, write size and read size as alog-producer and the
 * collector use unthrottled, so the only difference is the work per byte.
 *
 * With -- CMD ARGS the child is CMD instead, its stdout on the pipe: the
 * producer's own ceiling into a pipe whose reader does nothing, the bound
 * of every pipe collector for that producer (writing into a pipe costs
 * a producer more than writing into /dev/null).
 *
 *   alog-ref-pipe [--bytes N] [--write B] [--read B] [--pipe B] [-- CMD...]
 * Prints "# key=value" lines: bytes, seconds, bytes_per_s.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t arg_u64(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0 || s[0] == '-') {
        fprintf(stderr, "alog-ref-pipe: %s '%s': must be a positive "
                        "integer\n", opt, s);
        exit(2);
    }
    return v;
}

/* The child: CMD with its stdout on the pipe, or total bytes written in
 * blocks of wsize; never returns. */
_Noreturn static void child(const int p[2], char **cmd, uint64_t total,
                            size_t wsize)
{
    close(p[0]);
    if (cmd) {
        if (dup2(p[1], STDOUT_FILENO) < 0)
            _exit(127);
        close(p[1]);
        execvp(cmd[0], cmd);
        fprintf(stderr, "alog-ref-pipe: %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    char *b = malloc(wsize);
    if (!b)
        _exit(1);
    memset(b, 'x', wsize);
    for (uint64_t left = total; left > 0;) {
        size_t n = left < wsize ? (size_t)left : wsize;
        ssize_t w = write(p[1], b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(1);
        left -= (uint64_t)w;
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    uint64_t total = UINT64_C(4) << 30; /* 4 GiB */
    size_t wsize = 64 << 10, rsize = 256 << 10;
    int psize = 1 << 20;
    char **cmd = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
            cmd = argv + i + 1;
            break;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "usage: alog-ref-pipe [--bytes N] [--write B] "
                            "[--read B] [--pipe B] [-- CMD ARGS...]\n");
            return 2;
        }
        const char *o = argv[i], *v = argv[++i];
        if (strcmp(o, "--bytes") == 0)
            total = arg_u64(o, v);
        else if (strcmp(o, "--write") == 0)
            wsize = (size_t)arg_u64(o, v);
        else if (strcmp(o, "--read") == 0)
            rsize = (size_t)arg_u64(o, v);
        else if (strcmp(o, "--pipe") == 0)
            psize = (int)arg_u64(o, v);
        else {
            fprintf(stderr, "alog-ref-pipe: unknown option '%s'\n", o);
            return 2;
        }
    }
    int p[2];
    if (pipe(p) != 0) {
        perror("alog-ref-pipe: pipe");
        return 1;
    }
    (void)fcntl(p[0], F_SETPIPE_SZ, psize);
    int64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("alog-ref-pipe: fork");
        return 1;
    }
    if (pid == 0)
        child(p, cmd, total, wsize); /* never returns */
    close(p[1]);
    char *b = malloc(rsize);
    if (!b)
        return 1;
    uint64_t got = 0;
    for (;;) {
        ssize_t r = read(p[0], b, rsize);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (uint64_t)r;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    double s = (double)(now_ns() - t0) / 1e9;
    printf("# bytes=%" PRIu64 "\n# seconds=%.6f\n# bytes_per_s=%.0f\n", got, s,
           (double)got / s);
    free(b);
    return (cmd || got == total) && WIFEXITED(st) && WEXITSTATUS(st) == 0
               ? 0
               : 1;
}
