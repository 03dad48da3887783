/* replay.c - a main for the fuzz targets without libFuzzer (any
 * compiler): runs LLVMFuzzerTestOneInput once on every file named, or on
 * every file in a directory named, so the seed corpus (and any input a
 * fuzzing run saved) is a regression test in every build.  Exit 0 when all
 * ran; a failed property aborts. */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t m; buf != NULL && (m = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += m;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (nb == NULL)
                free(buf);
            buf = nb;
        }
    }
    int bad = ferror(f) || buf == NULL;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int bad = 0;
    unsigned long runs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            if (d == NULL) {
                perror(argv[i]);
                bad = 1;
                continue;
            }
            for (struct dirent *e; (e = readdir(d)) != NULL;) {
                if (e->d_name[0] == '.')
                    continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                bad |= run_file(path);
                runs++;
            }
            closedir(d);
        } else {
            bad |= run_file(argv[i]);
            runs++;
        }
    }
    printf("%lu input(s) replayed\n", runs);
    return bad || runs == 0;
}
