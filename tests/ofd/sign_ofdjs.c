/* A document written and sealed by sealcert is accepted by software nobody here wrote: ofd.js
 * 0.2.6 in headless Chromium (tests/web, docs/internals/ofdjs-test.md) opens it, draws the seal
 * where sc_ofd_sign put it, and reports the signature valid; the same check with the seal placed
 * elsewhere fails, so the check can fail. */
#include "ofd/sign_fixture.h"

#include <stdio.h>

static int harness(const char *file, const char *expectations)
{
    char cmd[4096];
    const char *src = getenv("SEALCERT_SOURCE");
    if (!src)
        fail_msg("SEALCERT_SOURCE is not set (run through ctest)");
    snprintf(cmd, sizeof(cmd),
             "node '%s/tests/web/ofdjs-check.mjs' --timeout 90 '%s' %s >'%s.json' 2>'%s.err'", src,
             file, expectations, file, file);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The harness accepts @p path with expectations @p exp; @p what names the check on failure. */
static void harness_ok(const char *path, const char *exp, const char *what)
{
    int rc = harness(path, exp);
    if (rc != 0) {
        char err[1024];
        snprintf(err, sizeof(err), "%s.err", path);
        sc_buf e = sctest_read(err);
        fail_msg("ofd.js check%s exited %d: %s", what, rc, (char *)e.ptr);
    }
}

static void write_tmp(const char *path, const sc_buf *b)
{
    sc_assert_ok(sc_fs_write_atomic(path, b->ptr, b->size, true, 0644));
}

/* ofd.js accepts @p signed_doc (the sample with one seal at page 1, centre (150, 230)) and
 * refuses the same file claimed with the seal elsewhere, so the check can fail. */
static void assert_accepted(const sign_fixture *f, const sc_buf *signed_doc, const char *name)
{
    sc_ofd *ofd = NULL;
    char exp[512];
    const char *path = sctest_tmp(name);

    sc_assert_ok(sc_ofd_open(&ofd, f->doc.ptr, f->doc.size, NULL));
    size_t refs = sc_ofd_entry_count(ofd) + 1; /* every file, plus the new Seal.esl */
    sc_ofd_free(ofd);
    write_tmp(path, signed_doc);
    snprintf(exp, sizeof(exp),
             "--expect-pages 2 --expect-signatures 1 --expect-valid --expect-seal 1,130,210,40,40 "
             "--expect-references %zu --expect-no-errors --expect-text 校准证书",
             refs);
    harness_ok(path, exp, "");
    assert_int_equal(harness(path, "--expect-signatures 1 --expect-seal 1,40,40,40,40"), 1);
}

static void test_ofd_sign_ofdjs__sealed_document_accepted(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    o.time = SIGN_TIME;
    o.page = 1;
    o.x_mm = 150; /* seal centre; the 40 mm seal spans 130..170 x 210..250 */
    o.y_mm = 230;
    sc_buf signed_doc = fixture_sign(f, &f->doc, &o);
    assert_accepted(f, &signed_doc, "sealed.ofd");
    sc_buf_dispose(&signed_doc);

    /* the same seal applied by the writer at finish (sc_ofd_writer_add_seal) */
    sc_ofd_writer *w = NULL;
    sc_assert_ok(sample_draw(&w, f->font, NULL, 1, NULL, NULL));
    sc_assert_ok(sc_ofd_writer_add_seal(w, f->seal, f->signer_key, f->signer, &o));
    sc_assert_ok(sc_ofd_writer_finish(&signed_doc, w));
    sc_ofd_writer_free(w);
    assert_accepted(f, &signed_doc, "writer-sealed.ofd");
    sc_buf_dispose(&signed_doc);
}

/* Characters outside the document's base set live in a second subset of the same font
 * (sc_ofd_writer_embed_chars): ofd.js draws them, in a document sealed at write time. */
static void test_ofd_sign_ofdjs__extra_subset_text(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_ofd_writer *w = NULL;
    sc_buf doc = SC_BUF_INIT;
    char base[4096];
    const char *path = sctest_tmp("extra-subset.ofd");

    o.time = SIGN_TIME;
    sample_base_chars(base, sizeof(base), "");
    sc_assert_ok(sample_draw(&w, f->font, NULL, 1, "证书 狠恨哼", base));
    sc_assert_ok(sc_ofd_writer_add_seal(w, f->seal, f->signer_key, f->signer, &o));
    sc_assert_ok(sc_ofd_writer_finish(&doc, w));
    sc_ofd_writer_free(w);
    write_tmp(path, &doc);
    harness_ok(path,
               "--expect-pages 2 --expect-signatures 1 --expect-valid --expect-no-errors "
               "--expect-text 狠恨哼 --expect-text 校准证书",
               " of the extra subset");
    sc_buf_dispose(&doc);
}

/* Sign @p doc with @p o and check with ofd.js that, besides the expectations @p exp, the seal is
 * drawn on page k + 1 at @p boxes[k] (x, y, width, height, mm) for each of the @p n pages. */
static void assert_seals_drawn(const sign_fixture *f, const sc_buf *doc,
                               const sc_ofd_sign_options *o, const char *name, const char *exp,
                               const double (*boxes)[4], int n, const char *what)
{
    char all[2048];
    const char *path = sctest_tmp(name);
    sc_buf signed_doc = fixture_sign(f, doc, o);

    write_tmp(path, &signed_doc);
    snprintf(all, sizeof(all), "%s", exp);
    for (int k = 0; k < n; k++) {
        size_t len = strlen(all);
        snprintf(all + len, sizeof(all) - len, " --expect-seal %d,%.3f,%.3f,%.3f,%.3f", k + 1,
                 boxes[k][0], boxes[k][1], boxes[k][2], boxes[k][3]);
    }
    harness_ok(path, all, what);
    sc_buf_dispose(&signed_doc);
}

/* A riding seal over 5 pages: ofd.js draws one slice of it on every page, each at the right
 * edge where sc_ofd_sign put it (page k: the seal's box starts 8 (k+1) mm left of the edge). */
static void test_ofd_sign_ofdjs__riding_seal_on_every_page(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_writer_options wo = SC_OFD_WRITER_OPTIONS_INIT;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_ofd_writer *w = NULL;
    sc_buf doc = SC_BUF_INIT;
    double boxes[5][4];

    wo.creation_time = SIGN_TIME;
    ts.font = f->font;
    sc_assert_ok(sc_ofd_writer_new(&w, &wo));
    for (int i = 0; i < 5; i++) {
        size_t page;
        char line[64];
        snprintf(line, sizeof(line), "校准证书 第 %d 页 共 5 页", i + 1);
        sc_assert_ok(sc_ofd_writer_add_page(&page, w, 210, 297));
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, 20, 30, 0, line, &ts));
    }
    sc_assert_ok(sc_ofd_writer_finish(&doc, w));
    sc_ofd_writer_free(w);

    o.time = SIGN_TIME;
    o.riding = 1;
    for (int k = 0; k < 5; k++) {
        boxes[k][0] = 210 - 8 * (k + 1);
        boxes[k][1] = 128.5;
        boxes[k][2] = boxes[k][3] = 40;
    }
    assert_seals_drawn(f, &doc, &o, "riding.ofd",
                       "--expect-pages 5 --expect-signatures 1 --expect-valid --expect-no-errors",
                       boxes, 5, " of the riding seal");
    sc_buf_dispose(&doc);
}

/* A keyword seal: ofd.js draws one seal on each page, centred on the word where the writer put
 * it, and reports the signature valid. */
static void test_ofd_sign_ofdjs__keyword_seal_on_the_words(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    double x[2], y[2], boxes[2][4];
    const sc_seal_picture *pic = sc_seal_picture_of(f->seal);
    sc_buf doc = keyword_document(f, x, y);

    o.time = SIGN_TIME;
    o.keyword = "（盖章）";
    for (int k = 0; k < 2; k++) {
        boxes[k][0] = x[k] - pic->width_mm / 2.0;
        boxes[k][1] = y[k] - pic->height_mm / 2.0;
        boxes[k][2] = pic->width_mm;
        boxes[k][3] = pic->height_mm;
    }
    assert_seals_drawn(f, &doc, &o, "keyword.ofd",
                       "--expect-pages 2 --expect-signatures 1 --expect-valid --expect-no-errors "
                       "--expect-text 盖章",
                       boxes, 2, " of the keyword seal");
    sc_buf_dispose(&doc);
}

/* A digitally signed document (no seal, Type="Sign") still opens in ofd.js without an error and
 * shows its text; ofd.js 0.2.6 lists only seal signatures, so it has nothing to say about ours. */
static void test_ofd_sign_ofdjs__digital_document_opens(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_ofd *ofd = NULL;
    sc_buf signed_doc = SC_BUF_INIT;
    const char *path = sctest_tmp("digital.ofd");

    o.time = SIGN_TIME;
    o.digital = 1;
    sc_assert_ok(sc_ofd_open(&ofd, f->doc.ptr, f->doc.size, NULL));
    sc_assert_ok(sc_ofd_sign(&signed_doc, ofd, NULL, f->signer_key, f->signer, &o));
    sc_ofd_free(ofd);
    write_tmp(path, &signed_doc);
    harness_ok(path, "--expect-pages 2 --expect-no-errors --expect-text 校准证书",
               "ofd.js check of the digitally signed document");
    sc_buf_dispose(&signed_doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_sign_ofdjs__sealed_document_accepted),
        cmocka_unit_test(test_ofd_sign_ofdjs__riding_seal_on_every_page),
        cmocka_unit_test(test_ofd_sign_ofdjs__extra_subset_text),
        cmocka_unit_test(test_ofd_sign_ofdjs__keyword_seal_on_the_words),
        cmocka_unit_test(test_ofd_sign_ofdjs__digital_document_opens),
    };
    return cmocka_run_group_tests(tests, sign_fixture_setup, sign_fixture_teardown);
}
