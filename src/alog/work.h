/** @file
 * alog/work.h - CPU work: the trial-division steps of --work and --collect-work.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_WORK_H
#define ALOG_WORK_H

#include <stdint.h>

/** Burn `steps` trial-division steps (the --work knob); returns a value
 * that depends on all of them so the compiler keeps the work. */
uint64_t alog_work(uint64_t steps);

#endif
