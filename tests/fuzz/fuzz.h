/* fuzz.h - what the fuzz targets share: the libFuzzer entry point, and a
 * property check that stops the run with the property's name (libFuzzer
 * then saves the input; the replay main exits non-zero). */
#ifndef ALOG_FUZZ_H
#define ALOG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Each target defines it; libFuzzer (or tests/fuzz/replay.c) calls it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold for every input. */
#define FUZZ_CHECK(cond)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,      \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

/* A small deterministic generator (splitmix64): chunk sizes and choices
 * derived from the input itself, so a saved input replays exactly. */
static inline uint64_t fuzz_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

#endif
