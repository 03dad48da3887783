/* fds_helper.c - alog-test-fds: says which descriptors it was started with
 * ("fds: 0 1 2" on stderr), then becomes the program that was to run:
 * argv[1..] (as an --exec command's word), or $ALOG_TEST_FDS_THEN with
 * all of argv (as ALOG_PRODUCER, in place of alog-producer).  Shows that
 * a collector lets its children inherit nothing but stdin, stdout (their
 * pipe) and stderr. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        perror("alog-test-fds: /proc/self/fd");
        return 1;
    }
    int mine = dirfd(d), fds[64], n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        int fd = atoi(e->d_name);
        if (fd != mine && n < 64)
            fds[n++] = fd;
    }
    closedir(d);
    /* readdir gives no order: sort the few numbers. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
            int t = fds[j];
            fds[j] = fds[j - 1];
            fds[j - 1] = t;
        }
    char line[512] = "fds:";
    for (int i = 0; i < n; i++)
        snprintf(line + strlen(line), sizeof line - strlen(line), " %d",
                 fds[i]);
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
    const char *then = getenv("ALOG_TEST_FDS_THEN");
    if (then != NULL && then[0] != '\0') {
        argv[0] = (char *)then;
        execv(then, argv);
        perror(then);
        return 127;
    }
    if (argc < 2)
        return 0;
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
