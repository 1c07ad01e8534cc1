/* lib/util: time parsing, buffers, atomic files with I/O faults, reports, errors. */
#include "common/test.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static void test_util_time__rfc3339(void **state)
{
    sc_time t;
    char out[21];
    (void)state;
    sc_assert_ok(sc_time_parse(&t, "2021-06-01T00:00:00Z"));
    assert_int_equal(t, 1622505600);
    sc_assert_ok(sc_time_parse(&t, "2021-06-01"));
    assert_int_equal(t, 1622505600);
    sc_assert_ok(sc_time_parse(&t, "2021-06-01T08:00:00+08:00"));
    assert_int_equal(t, 1622505600);
    sc_assert_ok(sc_time_parse(&t, "2024-02-29T23:59:59.123Z"));
    sc_time_format(out, t);
    assert_string_equal(out, "2024-02-29T23:59:59Z");
    sc_time_format(out, 0);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    sc_time_format(out, -1);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
}

static void test_util_time__rejects(void **state)
{
    static const char *bad[] = {"",
                                "2021-6-01",
                                "2021-13-01",
                                "2023-02-29",
                                "2021-06-01T00:00:00",
                                "2021-06-01T24:00:00Z",
                                "2021-06-01x",
                                "2021-06-01T00:00:00Zjunk",
                                NULL};
    sc_time t;
    (void)state;
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(sc_time_parse(&t, bad[i]), SC_EFORMAT);
        assert_non_null(strstr(sc_error_last()->message, "RFC 3339"));
    }
}

static void test_util_buf__grow_and_oom(void **state)
{
    sc_buf b = SC_BUF_INIT;
    static const char big[10000];
    (void)state;
    sc_assert_ok(sc_buf_puts(&b, "abc"));
    sc_assert_ok(sc_buf_printf(&b, "-%d", 42));
    assert_string_equal((char *)b.ptr, "abc-42");
    assert_int_equal(b.size, 6);
    sc_alloc_fail_after(1, false);
    assert_int_equal(sc_buf_put(&b, big, sizeof(big)), SC_ENOMEM);
    sc_alloc_fail_after(0, false);
    assert_string_equal((char *)b.ptr, "abc-42"); /* untouched by the failed append */
    sc_buf_dispose(&b);
    assert_null(b.ptr);
    sc_buf_dispose(NULL);
}

static void test_util_fs__atomic_write(void **state)
{
    const char *path = sctest_tmp("atomic.txt");
    sc_buf b = SC_BUF_INIT;
    (void)state;
    sc_assert_ok(sc_fs_write_atomic(path, "one", 3, false, 0644));
    assert_int_equal(sc_fs_write_atomic(path, "two", 3, false, 0644), SC_EEXISTS);
    /* A failing write (the 2nd guarded operation: write) leaves the original intact and no
     * temporary file behind. */
    sc_fs_fail_after(2, ENOSPC);
    assert_int_equal(sc_fs_write_atomic(path, "three", 5, true, 0644), SC_EIO);
    sc_fs_fail_after(0, 0);
    assert_non_null(strstr(sc_error_last()->message, "No space left"));
    sc_assert_ok(sc_fs_read_file(&b, path, 100));
    assert_string_equal((char *)b.ptr, "one");
    /* A failing rename too. */
    sc_fs_fail_after(4, EIO);
    assert_int_equal(sc_fs_write_atomic(path, "three", 5, true, 0644), SC_EIO);
    sc_fs_fail_after(0, 0);
    sc_assert_ok(sc_fs_read_file(&b, path, 100));
    assert_string_equal((char *)b.ptr, "one");
    sc_assert_ok(sc_fs_write_atomic(path, "three", 5, true, 0644));
    sc_assert_ok(sc_fs_read_file(&b, path, 100));
    assert_string_equal((char *)b.ptr, "three");
    assert_int_equal(sc_fs_read_file(&b, path, 4), SC_ELIMIT);
    assert_int_equal(sc_fs_read_file(&b, "/nonexistent/x", 4), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "/nonexistent/x"));
    sc_buf_dispose(&b);
    unlink(path);
}

/* Many files, one sync: temporaries, a sync, renames; a refused or failed rename leaves the
 * existing file and no temporary. */
static void test_util_fs__grouped_writes(void **state)
{
    const char *path = sctest_tmp("grouped.txt");
    char *tmp = NULL, dir[1024];
    sc_buf b = SC_BUF_INIT;
    (void)state;
    snprintf(dir, sizeof(dir), "%s", path);
    *strrchr(dir, '/') = 0;
    unlink(path);
    sc_assert_ok(sc_fs_write_temp(&tmp, path, "one", 3, false, 0644));
    assert_int_equal(access(path, F_OK), -1); /* not under its name before the commit */
    sc_assert_ok(sc_fs_sync_dir(dir, true));
    sc_assert_ok(sc_fs_commit(tmp, path, false));
    assert_int_equal(access(tmp, F_OK), -1);
    sc_free(tmp);
    sc_assert_ok(sc_fs_sync_dir(dir, false));
    sc_assert_ok(sc_fs_read_file(&b, path, 100));
    assert_string_equal((char *)b.ptr, "one");
    /* Exists: refused before writing, and again at the commit (the temporary goes). */
    assert_int_equal(sc_fs_write_temp(&tmp, path, "two", 3, false, 0644), SC_EEXISTS);
    assert_null(tmp);
    sc_assert_ok(sc_fs_write_temp(&tmp, path, "two", 3, true, 0644));
    assert_int_equal(sc_fs_commit(tmp, path, false), SC_EEXISTS);
    assert_int_equal(access(tmp, F_OK), -1);
    sc_free(tmp);
    /* A failing write leaves no temporary and no open descriptor. */
    int next_fd = dup(0);
    close(next_fd);
    sc_fs_fail_after(2, ENOSPC);
    assert_int_equal(sc_fs_write_temp(&tmp, path, "three", 5, true, 0644), SC_EIO);
    sc_fs_fail_after(0, 0);
    assert_non_null(strstr(sc_error_last()->message, "No space left"));
    assert_null(tmp);
    int fd = dup(0);
    assert_int_equal(fd, next_fd); /* the lowest free descriptor is free again */
    close(fd);
    assert_int_equal(sc_fs_sync_dir("/nonexistent", false), SC_ENOTFOUND);
    sc_assert_ok(sc_fs_read_file(&b, path, 100));
    assert_string_equal((char *)b.ptr, "one");
    sc_buf_dispose(&b);
    unlink(path);
}

static void test_util_report__verdict(void **state)
{
    sc_report *r = NULL, *r2 = NULL;
    (void)state;
    sc_assert_ok(sc_report_new(&r));
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_assert_ok(sc_report_add(r, "a", SC_STATUS_OK, "x.y", "fine"));
    sc_assert_ok(sc_report_add(r, "b", SC_STATUS_SKIP, NULL, "no trust"));
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_assert_ok(sc_report_add(r, "c", SC_STATUS_UNTRUSTED, NULL, "chain"));
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_UNTRUSTED);
    sc_assert_ok(sc_report_new(&r2));
    sc_assert_ok(sc_report_add(r2, "d", SC_STATUS_FAIL, "f", "bad %d", 7));
    sc_assert_ok(sc_report_merge(r, r2, "eseal."));
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_INVALID);
    assert_int_equal(sc_report_count(r), 4);
    assert_string_equal(sc_report_find(r, "d")->field, "eseal.f");
    assert_string_equal(sc_report_find(r, "d")->message, "bad 7");
    assert_null(sc_report_find(r, "zz"));
    assert_string_equal(sc_verdict_name(sc_report_verdict(r)), "invalid");
    sc_report_free(r);
    sc_report_free(r2);
}

/* Excerpts for messages stay valid UTF-8: cut at a character boundary, marked with "…". */
static void test_util_utf8__excerpt(void **state)
{
    char out[16], big[64];
    (void)state;
    assert_string_equal(sc_utf8_excerpt(big, sizeof(big), "短句", 40), "短句");
    assert_string_equal(sc_utf8_excerpt(big, sizeof(big), NULL, 40), "");
    /* 7 bytes would cut 备 (3 bytes) after its first byte: 6 bytes are kept */
    assert_string_equal(sc_utf8_excerpt(big, sizeof(big), "备注备注", 7), "备注\u2026");
    assert_string_equal(sc_utf8_excerpt(big, sizeof(big), "abcdefgh", 3), "abc\u2026");
    assert_string_equal(sc_utf8_excerpt(big, sizeof(big), "a\nb\tc", 40), "a b c");
    /* the buffer bounds it too: 16 bytes hold 12 and the mark */
    assert_string_equal(sc_utf8_excerpt(out, sizeof(out), "0123456789abcdefghij", 40),
                        "0123456789ab\u2026");
    char u8[5] = "";
    assert_int_equal(sc_utf8_put(u8, 0x9F98), 3);
    assert_string_equal(u8, "龘");
}

static void test_util_error__record(void **state)
{
    (void)state;
    sc_error_set(SC_EFORMAT, "field %s: bad", "X");
    sc_error_prefix("file.esl");
    assert_int_equal(sc_error_last()->code, SC_EFORMAT);
    assert_string_equal(sc_error_last()->message, "file.esl: field X: bad");
    sc_error_clear();
    assert_int_equal(sc_error_last()->code, 0);
    assert_string_equal(sc_error_name(SC_ELIMIT), "limit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util_time__rfc3339),
        cmocka_unit_test(test_util_time__rejects),
        cmocka_unit_test(test_util_buf__grow_and_oom),
        cmocka_unit_test(test_util_fs__atomic_write),
        cmocka_unit_test(test_util_report__verdict),
        cmocka_unit_test(test_util_fs__grouped_writes),
        cmocka_unit_test(test_util_error__record),
        cmocka_unit_test(test_util_utf8__excerpt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
