/** @file
 * alog.h - public API of the alog core library.
 *
 * Data flows one way: producer -> wire -> transport -> per-producer list
 * -> stats -> report.  Records are plain structs; lists, results and
 * merges are opaque.  Every function returns 0 (ALOG_OK) or a negative
 * ALOG_E* code; the library never exits, only the programs' mains do.
 * Times are nanoseconds on CLOCK_MONOTONIC unless a comment says otherwise.
 */
#ifndef ALOG_H
#define ALOG_H

/* One header per concept, in the order data flows through them. */
#include "alog/version.h"
#include "alog/error.h"
#include "alog/diag.h"
#include "alog/hooks.h"
#include "alog/clock.h"
#include "alog/record.h"
#include "alog/wire.h"
#include "alog/sink.h"
#include "alog/reclist.h"
#include "alog/pace.h"
#include "alog/stats.h"
#include "alog/config.h"
#include "alog/signals.h"
#include "alog/work.h"
#include "alog/run.h"
#include "alog/result.h"
#include "alog/report.h"

#endif
