/* Tiny benchmark harness: run a body repeatedly for a fixed wall time, report ops/s. Prints one
 * line per figure, "name<TAB>value<TAB>unit", for scripts/bench.sh to set beside its baseline. */
#ifndef SC_BENCH_H
#define SC_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds per figure: BENCH_SECONDS in the environment, default 1. */
static inline double bench_seconds(void)
{
    const char *s = getenv("BENCH_SECONDS");
    double v = s ? strtod(s, NULL) : 1.0;
    return v > 0 ? v : 1.0;
}

/* BENCH_ONLY=NAME in the environment runs that figure alone (for profiling). */
static inline int bench_skip(const char *name)
{
    const char *only = getenv("BENCH_ONLY");
    return only && *only && strcmp(only, name) != 0;
}

/* Run `body` (a statement that evaluates `ok` to nonzero on success) until the time is up. */
#define BENCH_RUN(name, unit, per_op, body)                                                        \
    do {                                                                                           \
        if (bench_skip(name))                                                                      \
            break;                                                                                 \
        double b__end = bench_now() + bench_seconds(), b__start = bench_now(), b__t;               \
        long b__n = 0;                                                                             \
        do {                                                                                       \
            for (int b__i = 0; b__i < 16; b__i++, b__n++) {                                        \
                body;                                                                              \
            }                                                                                      \
        } while ((b__t = bench_now()) < b__end);                                                   \
        printf("%s\t%.1f\t%s\n", name, (double)b__n *(per_op) / (b__t - b__start), unit);          \
        fflush(stdout);                                                                            \
    } while (0)

#define BENCH_CHECK(expr)                                                                          \
    do {                                                                                           \
        if ((expr) != 0) {                                                                         \
            fprintf(stderr, "bench: %s: %s\n", #expr, sc_error_last()->message);                   \
            exit(2);                                                                               \
        }                                                                                          \
    } while (0)

#endif
