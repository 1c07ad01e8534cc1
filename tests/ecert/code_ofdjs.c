/* A certificate page with the 25 mm QR code of T/CMA 4.3.4, as software nobody here wrote shows
 * it: ofd.js 0.2.6 in headless Chromium (tests/web, docs/internals/ofdjs-test.md) renders the
 * page, anti-aliasing the vector path at its 4.7 px/mm, and zbarimg reads the URL back from the
 * screenshot. The same page without the code must not decode, so the check can fail. */
#include "ecert/code_util.h"

/* Run the harness on @p file with --screenshot to @p png; returns its exit code. */
static int ofdjs_screenshot(const char *file, const char *png)
{
    char cmd[4096];
    const char *src = getenv("SEALCERT_SOURCE");
    if (!src)
        fail_msg("SEALCERT_SOURCE is not set (run through ctest)");
    snprintf(cmd, sizeof(cmd),
             "node '%s/tests/web/ofdjs-check.mjs' --timeout 90 '%s' --expect-pages 1 "
             "--expect-no-errors --screenshot '%s' >'%s.json' 2>'%s.err'",
             src, file, png, file, file);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* An A4 page with the code's square at (x, y), @p size mm; no code when @p text is NULL. */
static void write_page(const char *path, sc_ecert_code_kind kind, const char *text, double x,
                       double y, double size)
{
    sc_ofd_writer_options wo = SC_OFD_WRITER_OPTIONS_INIT;
    sc_ofd_writer *w = NULL;
    sc_ecert_code *c = NULL;
    sc_buf doc = SC_BUF_INIT;
    size_t page;
    wo.creation_time = 1767225600; /* 2026-01-01: byte-identical runs */
    sc_assert_ok(sc_ofd_writer_new(&w, &wo));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 210, 297));
    /* a frame, so that the page without a code still has something drawn */
    sc_assert_ok(sc_ofd_writer_add_line(w, page, 20, 20, 190, 20, NULL));
    if (text) {
        sc_assert_ok(sc_ecert_code_encode(&c, kind, text));
        sc_assert_ok(sc_ecert_code_draw(w, page, c, x, y, size, SC_OFD_BLACK));
    }
    sc_assert_ok(sc_ofd_writer_finish(&doc, w));
    sc_assert_ok(sc_fs_write_atomic(path, doc.ptr, doc.size, true, 0644));
    sc_ofd_writer_free(w);
    sc_ecert_code_free(c);
    sc_buf_dispose(&doc);
}

static sc_buf render_and_decode(const char *ofd, const char *png)
{
    int rc = ofdjs_screenshot(ofd, png);
    if (rc != 0) {
        char err[1024];
        snprintf(err, sizeof(err), "%s.err", ofd);
        sc_buf e = sctest_read(err);
        fail_msg("ofd.js check of %s exited %d: %s", ofd, rc, (char *)e.ptr);
    }
    return code_zbar(png);
}

static void test_ecert_code_ofdjs__qr_25mm_decodes_from_the_screenshot(void **state)
{
    const char *ofd = sctest_tmp("code-qr.ofd"), *png = sctest_tmp("code-qr.png");
    write_page(ofd, SC_ECERT_CODE_QR, CODE_TEST_URL, 160, 30, 25);
    sc_buf got = render_and_decode(ofd, png);
    assert_string_equal((char *)got.ptr, CODE_TEST_URL);
    sc_buf_dispose(&got);
}

static void test_ecert_code_ofdjs__page_without_code_decodes_nothing(void **state)
{
    const char *ofd = sctest_tmp("code-none.ofd"), *png = sctest_tmp("code-none.png");
    write_page(ofd, SC_ECERT_CODE_QR, NULL, 0, 0, 0);
    sc_buf got = render_and_decode(ofd, png);
    assert_string_equal((char *)got.ptr, "");
    sc_buf_dispose(&got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecert_code_ofdjs__qr_25mm_decodes_from_the_screenshot),
        cmocka_unit_test(test_ecert_code_ofdjs__page_without_code_decodes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
