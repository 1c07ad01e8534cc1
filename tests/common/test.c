/* Shared test helpers. */
#include "common/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *env_dir(const char *var)
{
    const char *v = getenv(var);
    if (!v || !*v)
        fail_msg("environment variable %s is not set (run the tests through ctest)", var);
    return v;
}

/* A small ring of path buffers so a test can hold a few paths at once. */
static char *next_path(void)
{
    static char paths[8][1024];
    static unsigned next;
    return paths[next++ % 8];
}

const char *sctest_sample(const char *rel)
{
    char *p = next_path();
    snprintf(p, 1024, "%s/%s", env_dir("SEALCERT_SAMPLES"), rel);
    if (access(p, R_OK) != 0)
        fail_msg("sample file missing: %s", p);
    return p;
}

const char *sctest_data(const char *rel)
{
    char *p = next_path();
    snprintf(p, 1024, "%s/%s", env_dir("SEALCERT_TESTDATA"), rel);
    return p;
}

const char *sctest_tmp(const char *name)
{
    char *p = next_path();
    const char *dir = env_dir("SEALCERT_TMP");
    mkdir(dir, 0755);
    snprintf(p, 1024, "%s/%ld-%s", dir, (long)getpid(), name);
    unlink(p);
    return p;
}

sc_buf sctest_read(const char *path)
{
    sc_buf b = SC_BUF_INIT;
    if (sc_fs_read_file(&b, path, (size_t)1 << 30) < 0)
        fail_msg("cannot read %s: %s", path, sc_error_last()->message);
    return b;
}

sc_buf sctest_hex(const char *hex)
{
    sc_buf b = SC_BUF_INIT;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v = 0;
        if (*p >= '0' && *p <= '9')
            v = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            v = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            v = *p - 'A' + 10;
        else if (*p == ' ' || *p == '\n' || *p == '\t')
            continue;
        else
            fail_msg("bad hex digit '%c'", *p);
        if (hi < 0) {
            hi = v;
        } else {
            unsigned char byte = (unsigned char)(hi << 4 | v);
            if (sc_buf_put(&b, &byte, 1) < 0)
                fail_msg("out of memory");
            hi = -1;
        }
    }
    if (hi >= 0)
        fail_msg("odd number of hex digits");
    if (!b.ptr && sc_buf_grow(&b, 0) < 0)
        fail_msg("out of memory");
    return b;
}

void sctest_oom_loop(sctest_oom_fn fn, void *payload)
{
    size_t count;
    int rc;
    sc_alloc_fail_after(0, false);
    rc = fn(payload);
    count = sc_alloc_fail_after(0, false);
    if (rc != 0)
        fail_msg("OOM loop: the run without failures returned %d: %s", rc,
                 sc_error_last()->message);
    if (count == 0)
        fail_msg("OOM loop: the run made no allocation through sc_malloc");
    for (size_t n = 1; n <= count; n++) {
        sc_alloc_fail_after(n, false);
        rc = fn(payload);
        sc_alloc_fail_after(0, false);
        if (rc != 0 && rc != SC_ENOMEM)
            fail_msg("OOM loop: failing allocation %zu of %zu gave %d (%s), not SC_ENOMEM", n,
                     count, rc, sc_error_last()->message);
    }
}
