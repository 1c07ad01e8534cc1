/* 2D-code tests: independent readers of what lib/ecert/ecert_code.c makes. zbarimg (Debian
 * zbar-tools) decodes QR codes from PNG files: a matrix drawn here with cairo, or a screenshot of
 * ofd.js. */
#ifndef SC_TEST_ECERT_CODE_UTIL_H
#define SC_TEST_ECERT_CODE_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include <cairo.h>

#include "common/test.h"

/* The identifier URL of a calibration certificate (T/CMA 4.5.5, percent-encoded as
 * sc_ecert_id_url_encode() makes it): 117 bytes. */
#define CODE_TEST_URL                                                                              \
    "https://cert.example.cn/v/"                                                                   \
    "1.2.156.112600.1%C2%B77%C2%B791350200776049653A%C2%B7CNAS%20L0001%C2%B7JZ2026-000123%C2%B70"

/* Run a shell command and return its standard output (a NUL-terminated buffer the caller
 * disposes); @p status gets the exit status (-1 when it did not exit). */
static inline sc_buf code_run(const char *cmd, int *status)
{
    sc_buf out = SC_BUF_INIT;
    char chunk[4096];
    size_t n;
    FILE *p = popen(cmd, "r");
    if (!p)
        fail_msg("cannot run %s", cmd);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        assert_int_equal(sc_buf_put(&out, chunk, n), 0);
    if (!out.ptr)
        assert_int_equal(sc_buf_puts(&out, ""), 0);
    int rc = pclose(p);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

/* What zbarimg reads in a PNG (its --raw output without the final newline); "" when nothing. */
static inline sc_buf code_zbar(const char *png)
{
    char cmd[2048];
    int status;
    snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s'", png);
    sc_buf out = code_run(cmd, &status);
    if (status == 127)
        fail_msg("zbarimg is not installed (Debian package zbar-tools, scripts/install-deps)");
    if (out.size > 0 && out.ptr[out.size - 1] == '\n')
        out.ptr[--out.size] = 0;
    return out;
}

#endif
