/* Shared by the OFD signer tests: a test CA, seal maker and signer, a seal with a drawn picture,
 * the writer's two-page sample document, and a two-page document with a keyword to sign on. */
#ifndef SC_TEST_OFD_SIGN_FIXTURE_H
#define SC_TEST_OFD_SIGN_FIXTURE_H

#include <stdlib.h>

#include "common/test.h"
#include "ofd/write_sample.h"

#define SIGN_TIME ((sc_time)1717286400) /* 2024-06-02T00:00:00Z */

typedef struct {
    sc_key *root_key, *maker_key, *signer_key;
    sc_cert *root, *maker, *signer;
    sc_seal *seal;
    sc_ofd_font *font;
    sc_buf doc; /* the writer's 2-page sample, unsigned */
} sign_fixture;

static inline sc_cert *fixture_issue(sc_key *key, sc_key *issuer_key, sc_cert *issuer,
                                     sc_cert_profile profile, const char *subject)
{
    sc_cert_issue_options o = SC_CERT_ISSUE_OPTIONS_INIT;
    sc_cert *c = NULL;
    o.profile = profile;
    o.subject = subject;
    o.not_before = 1704067200; /* 2024-01-01 */
    o.not_after = 1893456000;  /* 2030-01-01 */
    sc_assert_ok(sc_cert_issue(&c, key, issuer_key, issuer, &o));
    return c;
}

/* A seal named @p name (its picture says it too) made by the fixture's maker for its signer. */
static inline sc_seal *fixture_make_seal(const sign_fixture *f, const char *name)
{
    sc_seal_make_options mo = SC_SEAL_MAKE_OPTIONS_INIT;
    sc_seal_draw_options d = SC_SEAL_DRAW_OPTIONS_INIT;
    sc_buf png = SC_BUF_INIT;
    sc_seal *seal = NULL;
    d.org = "某某市计量测试研究院";
    d.name = name;
    d.px_per_mm = 6;
    sc_assert_ok(sc_seal_draw(&png, &d));
    const sc_cert *signers[] = {f->signer};
    mo.esid = "3201000000001";
    mo.name = name;
    mo.signer_certs = signers;
    mo.signer_cert_count = 1;
    mo.create_date = 1704067200;
    mo.valid_start = 1704067200;
    mo.valid_end = 1861920000; /* 2029-01-01 */
    mo.picture_type = "png";
    mo.picture = png.ptr;
    mo.picture_size = png.size;
    sc_assert_ok(sc_seal_make(&seal, f->maker_key, f->maker, &mo));
    sc_buf_dispose(&png);
    return seal;
}

static inline int sign_fixture_setup(void **state)
{
    sign_fixture *f = calloc(1, sizeof(*f));

    sc_assert_ok(sc_key_generate(&f->root_key));
    sc_assert_ok(sc_key_generate(&f->maker_key));
    sc_assert_ok(sc_key_generate(&f->signer_key));
    f->root = fixture_issue(f->root_key, f->root_key, NULL, SC_CERT_ROOT_CA, "CN=Test Root,C=CN");
    f->maker =
        fixture_issue(f->maker_key, f->root_key, f->root, SC_CERT_SEAL_MAKER, "CN=制章人,C=CN");
    f->signer =
        fixture_issue(f->signer_key, f->root_key, f->root, SC_CERT_SIGNER, "CN=签章人,C=CN");
    f->seal = fixture_make_seal(f, "校准电子证书专用章");
    sc_assert_ok(sc_ofd_font_load(&f->font, WQY_MICROHEI, 0));
    sc_assert_ok(sample_build(&f->doc, f->font, NULL, 1, NULL));
    *state = f;
    return 0;
}

static inline int sign_fixture_teardown(void **state)
{
    sign_fixture *f = *state;
    sc_seal_free(f->seal);
    sc_cert_free(f->root);
    sc_cert_free(f->maker);
    sc_cert_free(f->signer);
    sc_key_free(f->root_key);
    sc_key_free(f->maker_key);
    sc_key_free(f->signer_key);
    sc_ofd_font_free(f->font);
    sc_buf_dispose(&f->doc);
    free(f);
    return 0;
}

/* The seal for options @p o: none for a digital signature. */
static inline const sc_seal *fixture_seal(const sign_fixture *f, const sc_ofd_sign_options *o)
{
    return o && o->digital ? NULL : f->seal;
}

/* Sign @p in (bytes) and return the signed bytes (with the fixture's seal, or none when
 * o->digital). */
static inline sc_buf fixture_sign(const sign_fixture *f, const sc_buf *in,
                                  const sc_ofd_sign_options *o)
{
    sc_ofd *ofd = NULL;
    sc_buf out = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_open(&ofd, in->ptr, in->size, NULL));
    sc_assert_ok(sc_ofd_sign(&out, ofd, fixture_seal(f, o), f->signer_key, f->signer, o));
    sc_ofd_free(ofd);
    return out;
}

/* A two-page document with the keyword "（盖章）" once on each page, in one line of text: x, y
 * get the centre of its em box on page 1 and 2, from the writer's own measure of the line (not
 * from the signer's text positions). */
#define KW_SIZE 5.0
static inline sc_buf keyword_document(const sign_fixture *f, double x[2], double y[2])
{
    sc_ofd_writer_options wo = SC_OFD_WRITER_OPTIONS_INIT;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    sc_ofd_writer *w = NULL;
    sc_buf doc = SC_BUF_INIT;
    static const char *const prefix[] = {"甲方", "乙方（签字）与"};
    static const double left[] = {20, 60}, baseline[] = {250, 120};
    double pw, kw;

    wo.creation_time = SIGN_TIME;
    ts.font = f->font;
    ts.size = KW_SIZE;
    sc_assert_ok(sc_ofd_writer_new(&w, &wo));
    sc_assert_ok(sc_ofd_text_measure(&kw, "（盖章）", &ts));
    for (int i = 0; i < 2; i++) {
        size_t page;
        char line[128];
        snprintf(line, sizeof(line), "%s（盖章）：", prefix[i]);
        sc_assert_ok(sc_ofd_writer_add_page(&page, w, 210, 297));
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, 20, 30, 0, "合同书", &ts));
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, left[i], baseline[i], 0, line, &ts));
        sc_assert_ok(sc_ofd_text_measure(&pw, prefix[i], &ts));
        x[i] = left[i] + pw + kw / 2;
        y[i] = baseline[i] - 0.38 * KW_SIZE;
    }
    sc_assert_ok(sc_ofd_writer_finish(&doc, w));
    sc_ofd_writer_free(w);
    return doc;
}

#endif
