/* Shared test helpers: fixture paths, file reading, cmocka includes. */
#ifndef SC_TEST_H
#define SC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

/** Path of a file under the shared samples (../shared/samples); aborts the test if unset. */
const char *sctest_sample(const char *rel);
/** Path of a file under tests/data. */
const char *sctest_data(const char *rel);
/** Path of a scratch file under the build tree (directory created, file removed). */
const char *sctest_tmp(const char *name);
/** Read a whole file; fails the test when it cannot. Caller disposes. */
sc_buf sctest_read(const char *path);
/** Decode hex (whitespace ignored) into a buffer; fails the test on bad input. */
sc_buf sctest_hex(const char *hex);

/**
 * OOM injection (after SQLite src/test_malloc.c): run @p fn once counting our allocations (it
 * must succeed), then once more for each allocation N making the Nth fail. Every run must end in
 * 0 or SC_ENOMEM, never another code, a crash or (under ASan) a leak. @p fn frees all it makes.
 */
typedef int (*sctest_oom_fn)(void *payload);
void sctest_oom_loop(sctest_oom_fn fn, void *payload);

/** assert a library call returned 0, printing sc_error_last() otherwise. */
#define sc_assert_ok(expr)                                                                         \
    do {                                                                                           \
        int sc__rc = (expr);                                                                       \
        if (sc__rc != 0)                                                                           \
            fail_msg("%s returned %d: %s", #expr, sc__rc, sc_error_last()->message);               \
    } while (0)

#endif
