/* primes_omp.h - the OpenMP program's primes job (omp/primes_omp.c). */
#ifndef ALOG_PRIMES_OMP_H
#define ALOG_PRIMES_OMP_H

#include <stdio.h>

#include "primes.h"

/* P threads of one team (default: OMP_NUM_THREADS or the cores), the
 * serial baseline first unless cfg->no_baseline.  Writes the report to
 * out; returns 0, ALOG_EINTR, ALOG_EIO or ALOG_ENOMEM (said through d). */
int alog_run_primes_omp(const alog_config *cfg, FILE *out,
                        const alog_diag *d);

#endif
