/* alog-man - writes the man page of one program, from the option rows and
 * text its --help prints (alog_options_man), with that program's own
 * option set: `alog-man alog-async FILE`.  The build runs it for every
 * program it builds (scripts/man.cmake); it is no part of the install.
 * Exit 0, 1 if FILE cannot be written, 2 for a program it does not know. */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "options_async.h"
#ifdef ALOG_MAN_MPI
#include "options_mpi.h"
#endif
#ifdef ALOG_MAN_OMP
#include "options_omp.h"
#endif

/* Each program's model and option set, filled into *own. */
static int program_of(const char *name, alog_optset *own)
{
    static alog_async_opts async;
    static alog_producer_opts producer;
    if (strcmp(name, "alog-async") == 0) {
        *own = alog_async_optset(&async);
        return ALOG_MODEL_ASYNC;
    }
    if (strcmp(name, "alog-producer") == 0) {
        *own = alog_producer_optset(&producer);
        return ALOG_MODEL_PRODUCER;
    }
#ifdef ALOG_MAN_MPI
    static alog_mpi_opts mpi;
    if (strcmp(name, "alog-mpi") == 0) {
        *own = alog_mpi_optset(&mpi);
        return ALOG_MODEL_MPI;
    }
#endif
#ifdef ALOG_MAN_OMP
    static alog_omp_opts omp;
    if (strcmp(name, "alog-omp") == 0) {
        *own = alog_omp_optset(&omp);
        return ALOG_MODEL_OMP;
    }
#endif
    return -1;
}

int main(int argc, char **argv)
{
    alog_optset own;
    int model = argc == 3 ? program_of(argv[1], &own) : -1;
    if (model < 0) {
        fprintf(stderr, "alog-man: '%s': not a program of this build (usage: "
                        "alog-man PROGRAM FILE)\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    FILE *f = fopen(argv[2], "w");
    if (f == NULL) {
        perror(argv[2]);
        return 1;
    }
    alog_options_man(f, model, &own, argv[1]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
