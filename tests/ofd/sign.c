/* lib/ofd: seal-signing OFD documents, read back by our verifier: one seal, several seals,
 * riding seals, tampering, refusals, signing another producer's signed file; text positions and
 * keyword placement; digital signatures (GB/T 35275 SignedData) alone and beside seals. */
#include "ofd/sign_fixture.h"

#include "ofd/ofdw_int.h"

#include <stdio.h>

static sc_ofd_report *verify_bytes(const sc_buf *b, const sc_trust *trust)
{
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    sc_ofd_verify_options o = SC_OFD_VERIFY_OPTIONS_INIT;
    o.trust = trust;
    sc_assert_ok(sc_ofd_open(&ofd, b->ptr, b->size, NULL));
    sc_assert_ok(sc_ofd_verify(&rep, ofd, &o));
    sc_ofd_free(ofd);
    return rep;
}

/* Every finding of every signature is ok, info or skip: no warning at all on our own output. */
static void assert_clean(const sc_ofd_report *rep)
{
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    for (size_t s = 0; s < sc_ofd_report_signature_count(rep); s++) {
        const sc_report *r = sc_ofd_report_signature(rep, s)->report;
        for (size_t i = 0; i < sc_report_count(r); i++) {
            const sc_finding *x = sc_report_get(r, i);
            if (x->status != SC_STATUS_OK && x->status != SC_STATUS_INFO &&
                x->status != SC_STATUS_SKIP)
                fail_msg("signature %zu: %s: %s: %s", s, x->check, sc_status_name(x->status),
                         x->message);
        }
    }
    const sc_finding *u = sc_report_find(sc_ofd_report_file(rep), "unprotected");
    assert_non_null(u);
    assert_int_equal(u->status, SC_STATUS_OK);
}

/* The local header of entry @p name in a zip we wrote (no data descriptors, no extra fields):
 * method, compressed bytes and their size; NULL when absent. */
static const unsigned char *zip_local(const sc_buf *z, const char *name, unsigned *method,
                                      size_t *csize)
{
    size_t pos = 0, nl = strlen(name);
    while (pos + 30 <= z->size && memcmp(z->ptr + pos, "PK\3\4", 4) == 0) {
        const unsigned char *h = z->ptr + pos;
        size_t cs = h[18] | h[19] << 8 | (size_t)h[20] << 16 | (size_t)h[21] << 24;
        size_t hl = h[26] | h[27] << 8, el = h[28] | h[29] << 8;
        if (hl == nl && memcmp(h + 30, name, nl) == 0) {
            *method = h[8] | h[9] << 8;
            *csize = cs;
            return h + 30 + hl + el;
        }
        pos += 30 + hl + el + cs;
    }
    return NULL;
}

/* Entries the signer did not change are copied as they were stored: the same deflate stream,
 * not deflated again; the files it makes are deflated (XML) or stored (seal, signed value). */
static void assert_copied_verbatim(const sign_fixture *f, const sc_buf *signed_doc)
{
    sc_ofd *ofd = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, f->doc.ptr, f->doc.size, NULL));
    size_t deflated = 0;
    for (size_t i = 0; i < sc_ofd_entry_count(ofd); i++) {
        const char *name = sc_ofd_entry_name(ofd, i) + 1;
        unsigned m1, m2;
        size_t c1, c2;
        const unsigned char *a = zip_local(&f->doc, name, &m1, &c1);
        const unsigned char *b = zip_local(signed_doc, name, &m2, &c2);
        assert_non_null(a);
        assert_non_null(b);
        if (strcmp(name, "OFD.xml") == 0)
            continue; /* it names Signatures.xml now */
        assert_int_equal(m1, m2);
        assert_int_equal(c1, c2);
        assert_memory_equal(a, b, c1);
        deflated += m1 == 8;
    }
    if (deflated < 3) /* the pages and the font subsets (small entries are stored) */
        fail_msg("%zu deflated entries", deflated);
    unsigned m;
    size_t c;
    assert_non_null(zip_local(signed_doc, "Doc_0/Signs/Sign_0/Signature.xml", &m, &c));
    assert_int_equal(m, 8);
    assert_non_null(zip_local(signed_doc, "Doc_0/Signs/Sign_0/Seal.esl", &m, &c));
    assert_int_equal(m, 0);
    /* The seal's digest, kept in the seal after the first signature, is the digest of its DER. */
    unsigned char d1[SC_SM3_DIGEST_LEN], d2[SC_SM3_DIGEST_LEN];
    size_t seal_len;
    const unsigned char *seal_der = sc_seal_der(f->seal, &seal_len);
    sc_assert_ok(sc_sm3(d1, seal_der, seal_len));
    sc_assert_ok(sc_seal_sm3(d2, f->seal));
    assert_memory_equal(d1, d2, sizeof(d1));
    sc_ofd_free(ofd);
}

/* The reader inflates deflated entries itself (to keep the stream): it makes libzip's checks,
 * the CRC and the declared size. */
static void test_ofd_sign__reader_checks_deflated_entries(void **state)
{
    sign_fixture *f = *state;
    const char *name = "Doc_0/Pages/Page_0/Content.xml";
    unsigned m;
    size_t c;
    sc_ofd *ofd = NULL;
    const unsigned char *body = zip_local(&f->doc, name, &m, &c);
    assert_non_null(body);
    assert_int_equal(m, 8);
    size_t local = (size_t)(body - f->doc.ptr) - 30 - strlen(name);
    /* Same field in the central directory record: the one that names the entry. */
    size_t central = 0;
    for (size_t i = f->doc.size - 46; i > 0; i--)
        if (memcmp(f->doc.ptr + i, "PK\1\2", 4) == 0 &&
            memcmp(f->doc.ptr + i + 46, name, strlen(name)) == 0) {
            central = i;
            break;
        }
    assert_true(central > 0);
    struct {
        size_t local_at, central_at; /* CRC or uncompressed size fields */
        const char *message;
    } cases[] = {{14, 16, "CRC error"}, {22, 24, "longer than its declared size"}};
    for (size_t k = 0; k < 2; k++) {
        sc_buf z = SC_BUF_INIT;
        sc_assert_ok(sc_buf_set(&z, f->doc.ptr, f->doc.size));
        z.ptr[local + cases[k].local_at] ^= 1;
        z.ptr[central + cases[k].central_at] ^= 1;
        if (k == 1 && (z.ptr[local + 22] & 1)) {
            /* the size went up by one: shorter instead */
            cases[k].message = "shorter than its declared size";
        }
        assert_int_equal(sc_ofd_open(&ofd, z.ptr, z.size, NULL), SC_EFORMAT);
        if (!strstr(sc_error_last()->message, cases[k].message))
            fail_msg("case %zu: %s", k, sc_error_last()->message);
        assert_non_null(strstr(sc_error_last()->message, name));
        sc_buf_dispose(&z);
    }
}

static void test_ofd_sign__one_seal_verifies(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_trust *trust = NULL;
    o.time = SIGN_TIME;
    sc_buf signed_doc = fixture_sign(f, &f->doc, &o);
    const sc_cert *anchors[] = {f->root};
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    sc_ofd_report *rep = verify_bytes(&signed_doc, trust);
    assert_clean(rep);
    assert_copied_verbatim(f, &signed_doc);
    assert_int_equal(sc_ofd_report_signature_count(rep), 1);
    const sc_ofd_signature_result *s = sc_ofd_report_signature(rep, 0);
    assert_string_equal(s->seal_name, "校准电子证书专用章");
    assert_string_equal(s->provider, "sealcert");
    assert_string_equal(s->path, "/Doc_0/Signs/Sign_0/Signature.xml");
    assert_int_equal(s->page_count, 1);
    assert_non_null(sc_report_find(s->report, "signer_chain"));
    assert_int_equal(sc_report_find(s->report, "signer_chain")->status, SC_STATUS_OK);
    sc_ofd_report_free(rep);
    sc_trust_free(trust);
    sc_buf_dispose(&signed_doc);
}

/* Open @p doc into *@p ofd, check that its first signature has no Seal.esl beside it, and return
 * that signature's Signature.xml (borrowed from *@p ofd). */
static const char *first_signature_xml(sc_ofd **ofd, const sc_buf *doc)
{
    const unsigned char *x;
    size_t len;
    sc_assert_ok(sc_ofd_open(ofd, doc->ptr, doc->size, NULL));
    assert_int_equal(sc_ofd_entry(&x, &len, *ofd, "/Doc_0/Signs/Sign_0/Seal.esl"), SC_ENOTFOUND);
    sc_assert_ok(sc_ofd_entry(&x, &len, *ofd, "/Doc_0/Signs/Sign_0/Signature.xml"));
    return (const char *)x;
}

/* no_seal_file: the seal only inside SignedValue.dat, as most producers write it; the signature
 * verifies, shows the seal, and the file is smaller by the seal. */
static void test_ofd_sign__without_seal_file(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_trust *trust = NULL;
    const sc_cert *anchors[] = {f->root};
    o.time = SIGN_TIME;
    sc_buf with = fixture_sign(f, &f->doc, &o);
    o.no_seal_file = 1;
    sc_buf without = fixture_sign(f, &f->doc, &o);
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    sc_ofd_report *rep = verify_bytes(&without, trust);
    assert_clean(rep);
    const sc_ofd_signature_result *s = sc_ofd_report_signature(rep, 0);
    assert_string_equal(s->seal_name, "校准电子证书专用章");
    assert_int_equal(s->page_count, 1);
    sc_ofd_report_free(rep);
    sc_trust_free(trust);

    size_t seal_len;
    sc_seal_der(f->seal, &seal_len);
    assert_true(without.size + seal_len <= with.size + 200 &&
                without.size + seal_len / 2 < with.size);
    sc_ofd *ofd = NULL;
    const char *x = first_signature_xml(&ofd, &without);
    assert_null(strstr((const char *)x, "<ofd:Seal>"));
    assert_null(strstr((const char *)x, "Seal.esl"));
    assert_non_null(strstr((const char *)x, "StampAnnot"));
    sc_ofd_free(ofd);
    sc_buf_dispose(&with);
    sc_buf_dispose(&without);
}

/* A second and a third seal leave the earlier ones valid (continue-sign). */
static void test_ofd_sign__several_seals(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    o.time = SIGN_TIME;
    sc_buf one = fixture_sign(f, &f->doc, &o);
    o.page = 1;
    o.x_mm = 60;
    o.y_mm = 60;
    sc_buf two = fixture_sign(f, &one, &o);
    sc_ofd_sign_options r = SC_OFD_SIGN_OPTIONS_INIT;
    r.time = SIGN_TIME;
    r.riding = 1;
    sc_buf three = fixture_sign(f, &two, &r);
    sc_ofd_report *rep = verify_bytes(&three, NULL);
    assert_clean(rep);
    assert_int_equal(sc_ofd_report_signature_count(rep), 3);
    assert_string_equal(sc_ofd_report_signature(rep, 1)->path, "/Doc_0/Signs/Sign_1/Signature.xml");
    assert_int_equal(sc_ofd_report_signature(rep, 2)->page_count, 2); /* riding: every page */
    sc_ofd_report_free(rep);

    /* MaxSignId first and only once; IDs unique */
    sc_ofd *ofd = NULL;
    const unsigned char *list;
    size_t len;
    sc_assert_ok(sc_ofd_open(&ofd, three.ptr, three.size, NULL));
    sc_assert_ok(sc_ofd_entry(&list, &len, ofd, "/Doc_0/Signs/Signatures.xml"));
    const char *max = strstr((const char *)list, "<ofd:MaxSignId>");
    assert_non_null(max);
    assert_non_null(strstr((const char *)list, "<ofd:MaxSignId>7</ofd:MaxSignId>"));
    assert_true(max < strstr((const char *)list, "<ofd:Signature "));
    assert_null(strstr(max + 15, "<ofd:MaxSignId>"));
    sc_ofd_free(ofd);
    sc_buf_dispose(&one);
    sc_buf_dispose(&two);
    sc_buf_dispose(&three);
}

/* The package @p in with entry @p name's bytes replaced (the zip is rewritten, other contents
 * kept). */
static sc_buf replace_entry(const sc_buf *in, const char *name, const void *data, size_t data_len)
{
    sc_ofd *ofd = NULL;
    sc_buf out = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_open(&ofd, in->ptr, in->size, NULL));
    size_t n = sc_ofd_entry_count(ofd);
    sc_ofd__zip_entry *ze = calloc(n, sizeof(*ze));
    for (size_t i = 0; i < n; i++) {
        const char *en = sc_ofd_entry_name(ofd, i);
        const unsigned char *d;
        size_t len;
        sc_assert_ok(sc_ofd_entry(&d, &len, ofd, en));
        if (strcmp(en, name) == 0) {
            d = data;
            len = data_len;
        }
        ze[i] = (sc_ofd__zip_entry){en + 1, d, len, true, NULL, 0, 0, false};
    }
    sc_assert_ok(sc_ofd__zip_write(&out, ze, n, SIGN_TIME, 1));
    free(ze);
    sc_ofd_free(ofd);
    return out;
}

/* Rebuild a package with one byte of one entry changed: in XML a digit becomes another digit, so
 * the file still parses; elsewhere a bit flips. */
static sc_buf tamper(const sc_buf *in, const char *name)
{
    sc_ofd *ofd = NULL;
    const unsigned char *d;
    size_t len;
    sc_assert_ok(sc_ofd_open(&ofd, in->ptr, in->size, NULL));
    sc_assert_ok(sc_ofd_entry(&d, &len, ofd, name));
    unsigned char *copy = malloc(len);
    memcpy(copy, d, len);
    size_t at = len / 2;
    if (strstr(name, ".xml")) {
        while (at < len && (copy[at] < '0' || copy[at] > '9'))
            at++;
        if (at == len)
            for (at = 0; at < len && (copy[at] < '0' || copy[at] > '9'); at++)
                ;
        assert_true(at < len);
        copy[at] = copy[at] == '9' ? '8' : (unsigned char)(copy[at] + 1);
    } else {
        /* A signed value ends in the signature value (SES_Signature and SignedData alike): a
         * byte there always counts, where the middle may fall in the signer certificate's own
         * signature, which only a chain check (--trust) looks at. */
        if (strstr(name, ".dat") && len > 8)
            at = len - 8;
        copy[at] ^= 0x01;
    }
    sc_buf out = replace_entry(in, name, copy, len);
    free(copy);
    sc_ofd_free(ofd);
    return out;
}

/* 1 when signature @p sig of @p rep has a failed finding whose message contains @p want. */
static int has_failure(const sc_ofd_report *rep, size_t sig, const char *want)
{
    const sc_report *r = sc_ofd_report_signature(rep, sig)->report;
    for (size_t k = 0; k < sc_report_count(r); k++)
        if (sc_report_get(r, k)->status == SC_STATUS_FAIL &&
            strstr(sc_report_get(r, k)->message, want) != NULL)
            return 1;
    return 0;
}

/* Changing a byte of @p file makes @p doc invalid; when @p check is not NULL, that finding of the
 * first signature is the one that fails. */
static void assert_tamper_fails(const sc_buf *doc, const char *file, const char *check)
{
    sc_buf bad = tamper(doc, file);
    sc_ofd_report *rep = verify_bytes(&bad, NULL);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_INVALID);
    if (check)
        assert_int_equal(sc_report_find(sc_ofd_report_signature(rep, 0)->report, check)->status,
                         SC_STATUS_FAIL);
    sc_ofd_report_free(rep);
    sc_buf_dispose(&bad);
}

static void test_ofd_sign__tampering_names_the_file(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    static const char *const files[] = {"/Doc_0/Pages/Page_1/Content.xml", "/Doc_0/Document.xml",
                                        "/Doc_0/Res/font_0.ttf", "/OFD.xml"};
    o.time = SIGN_TIME;
    sc_buf signed_doc = fixture_sign(f, &f->doc, &o);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        sc_buf bad = tamper(&signed_doc, files[i]);
        sc_ofd_report *rep = verify_bytes(&bad, NULL);
        char want[256];
        snprintf(want, sizeof(want), "%s: digest mismatch", files[i]);
        assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_INVALID);
        if (!has_failure(rep, 0, want))
            fail_msg("no failure naming %s", files[i]);
        sc_ofd_report_free(rep);
        sc_buf_dispose(&bad);
    }
    /* the Signature.xml itself: dataHash */
    assert_tamper_fails(&signed_doc, "/Doc_0/Signs/Sign_0/Signature.xml", "data_hash");
    sc_buf_dispose(&signed_doc);
}

static void test_ofd_sign__refusals(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_ofd *ofd = NULL;
    sc_buf out = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_open(&ofd, f->doc.ptr, f->doc.size, NULL));
    o.time = SIGN_TIME;
    /* the maker is not in the seal's certList */
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->maker_key, f->maker, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "certList"));
    /* outside the seal's validity (it ends 2029-01-01) */
    o.time = 1893456000 - 86400;
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    o.time = SIGN_TIME;
    o.page = 3;
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "2 pages"));
    /* a digital signature has no seal; a seal signature needs one */
    o.page = 0;
    o.digital = 1;
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "seal"));
    o.digital = 0;
    assert_int_equal(sc_ofd_sign(&out, ofd, NULL, f->signer_key, f->signer, &o), SC_EINVALID);
    assert_null(out.ptr);
    sc_ofd_free(ofd);
}

/* Another producer's signed file (ofdrw, continue-sign): our seal is added, theirs still holds. */
static void test_ofd_sign__adds_to_ofdrw_file(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_buf in = sctest_read(sctest_sample("ofdrw/ofdrw_v4_seal_hello.ofd"));
    o.time = SIGN_TIME;
    sc_buf out = fixture_sign(f, &in, &o);
    sc_ofd_report *rep = verify_bytes(&out, NULL);
    assert_int_equal(sc_ofd_report_signature_count(rep), 2);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    assert_string_equal(sc_ofd_report_signature(rep, 1)->path, "/Doc_0/Signs/Sign_1/Signature.xml");
    sc_ofd_report_free(rep);
    sc_buf_dispose(&in);
    sc_buf_dispose(&out);
}

/* ==== keyword placement ==================================================================== */

/* The StampAnnots of a Signature.xml: page ID and Boundary of each, in order. */
typedef struct {
    unsigned long page;
    double b[4];
} stamp;

static size_t stamps_of(stamp *out, size_t max, const sc_buf *doc, const char *sig_path)
{
    sc_ofd *ofd = NULL;
    const unsigned char *x;
    size_t len, n = 0;
    sc_assert_ok(sc_ofd_open(&ofd, doc->ptr, doc->size, NULL));
    sc_assert_ok(sc_ofd_entry(&x, &len, ofd, sig_path));
    for (const char *p = strstr((const char *)x, "<ofd:StampAnnot "); p && n < max;
         p = strstr(p + 1, "<ofd:StampAnnot ")) {
        const char *ref = strstr(p, "PageRef=\""), *box = strstr(p, "Boundary=\"");
        assert_non_null(ref);
        assert_non_null(box);
        out[n].page = strtoul(ref + 9, NULL, 10);
        assert_int_equal(sscanf(box + 10, "%lf %lf %lf %lf", &out[n].b[0], &out[n].b[1],
                                &out[n].b[2], &out[n].b[3]),
                         4);
        n++;
    }
    sc_ofd_free(ofd);
    return n;
}

/* Equal to the µm the writer rounds to, and then some (no libm in the test either). */
#define assert_mm(want, got)                                                                       \
    do {                                                                                           \
        double d__ = (double)(want) - (double)(got);                                               \
        if (d__ < -0.01 || d__ > 0.01)                                                             \
            fail_msg("%s = %.4f, not %.4f mm", #got, (double)(got), (double)(want));               \
    } while (0)

/* Text positions of a hand-written page: Boundary offset, "g" DeltaX, a TextCode without DeltaX
 * (font size as the advance), a CTM scaling by 2, a TextObject inside a PageBlock. */
static const char hand_page[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"2\">"
    "<ofd:TextObject ID=\"10\" Boundary=\"10 20 100 10\" Font=\"3\" Size=\"4\">"
    "<ofd:TextCode X=\"1\" Y=\"5\" DeltaX=\"g 2 4 3\">ABCD</ofd:TextCode>"
    "<ofd:TextCode X=\"20\">EF</ofd:TextCode></ofd:TextObject>"
    "<ofd:PageBlock><ofd:TextObject ID=\"11\" Boundary=\"50 100 40 40\" CTM=\"2 0 0 2 0 0\" "
    "Font=\"3\" Size=\"3\"><ofd:TextCode X=\"0\" Y=\"3\" DeltaX=\"3\">盖章</ofd:TextCode>"
    "</ofd:TextObject></ofd:PageBlock></ofd:Layer></ofd:Content></ofd:Page>";

static void test_ofd_sign__text_positions(void **state)
{
    sign_fixture *f = *state;
    sc_buf doc =
        replace_entry(&f->doc, "/Doc_0/Pages/Page_0/Content.xml", hand_page, strlen(hand_page));
    sc_ofd *ofd = NULL;
    sc_ofd_page_text *t = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, doc.ptr, doc.size, NULL));
    sc_assert_ok(sc_ofd_page_text_load(&t, ofd, 0, 0));
    assert_int_equal(sc_ofd_page_text_count(t), 2);
    const sc_ofd_text_object *o = sc_ofd_page_text_object(t, 0);
    assert_int_equal(o->id, 10);
    assert_string_equal(o->text, "ABCDEF");
    assert_int_equal(o->char_count, 6);
    /* X 1, gaps 4 4 3 (g 2 4, then 3); the second TextCode restarts at X 20, keeps Y 5 */
    static const double xs[] = {11, 15, 19, 22, 30, 34};
    static const int estimated[] = {0, 0, 0, 1, 1, 1}; /* "EF" has no DeltaX */
    for (size_t i = 0; i < 6; i++) {
        assert_mm(xs[i], o->chars[i].x);
        assert_mm(25, o->chars[i].y);
        assert_int_equal(o->chars[i].is_advance_estimated, estimated[i]);
    }
    assert_int_equal(o->chars[0].cp, 'A');
    assert_mm(4, o->chars[0].box[2]);             /* the gap */
    assert_mm(3, o->chars[2].box[2]);             /* the last gap of "g 2 4 3" */
    assert_mm(4, o->chars[3].box[2]);             /* last character: the font size */
    assert_mm(25 - 0.88 * 4, o->chars[0].box[1]); /* the em box on the baseline */
    assert_mm(4, o->chars[0].box[3]);
    o = sc_ofd_page_text_object(t, 1);
    assert_int_equal(o->char_count, 2);
    assert_int_equal(o->chars[0].cp, 0x76D6); /* 盖 */
    assert_mm(50, o->chars[0].x);
    assert_mm(106, o->chars[0].y);
    assert_mm(56, o->chars[1].x); /* the CTM doubles the gap */
    assert_mm(6, o->chars[1].box[2]);
    assert_mm(6, o->chars[1].box[3]);
    assert_null(sc_ofd_page_text_object(t, 2));
    sc_ofd_page_text_free(t);
    assert_int_equal(sc_ofd_page_text_load(&t, ofd, 0, 2), SC_EINVALID);
    assert_null(t);
    sc_ofd_free(ofd);
    sc_buf_dispose(&doc);
}

/* A word split over two TextObjects that continue one another on a line (校准 | 证书, as
 * producers write it when they switch fonts mid-word), and the same two objects a line apart,
 * which do not make one word. */
static const char split_page[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"2\">"
    "<ofd:TextObject ID=\"20\" Boundary=\"10 20 100 10\" Font=\"3\" Size=\"4\">"
    "<ofd:TextCode X=\"0\" Y=\"5\" DeltaX=\"4\">校准</ofd:TextCode></ofd:TextObject>"
    "<ofd:TextObject ID=\"21\" Boundary=\"18 20 100 10\" Font=\"4\" Size=\"4\">"
    "<ofd:TextCode X=\"0\" Y=\"5\" DeltaX=\"4\">证书</ofd:TextCode></ofd:TextObject>"
    "<ofd:TextObject ID=\"22\" Boundary=\"10 60 100 10\" Font=\"3\" Size=\"4\">"
    "<ofd:TextCode X=\"0\" Y=\"5\" DeltaX=\"4\">校准</ofd:TextCode></ofd:TextObject>"
    "<ofd:TextObject ID=\"23\" Boundary=\"18 70 100 10\" Font=\"4\" Size=\"4\">"
    "<ofd:TextCode X=\"0\" Y=\"5\" DeltaX=\"4\">证书</ofd:TextCode></ofd:TextObject>"
    "</ofd:Layer></ofd:Content></ofd:Page>";

/* Seal the fixture with @p page_xml as its page 1 and a keyword seal on @p keyword: the
 * stamps, at most @p max, into @p st; their number returned. */
static size_t keyword_stamps(sign_fixture *f, const char *page_xml, const char *keyword, stamp *st,
                             size_t max)
{
    sc_buf doc =
        replace_entry(&f->doc, "/Doc_0/Pages/Page_0/Content.xml", page_xml, strlen(page_xml));
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    o.time = SIGN_TIME;
    o.keyword = keyword;
    sc_buf out = fixture_sign(f, &doc, &o);
    size_t n = stamps_of(st, max, &out, "/Doc_0/Signs/Sign_0/Signature.xml");
    sc_buf_dispose(&out);
    sc_buf_dispose(&doc);
    return n;
}

/* Exactly one stamp for @p keyword on @p page_xml, centred at (cx, cy) mm. */
static void assert_one_stamp_at(void **state, const char *page_xml, const char *keyword, double cx,
                                double cy)
{
    stamp st[4];
    assert_int_equal(keyword_stamps(*state, page_xml, keyword, st, 4), 1);
    assert_mm(cx, st[0].b[0] + st[0].b[2] / 2);
    assert_mm(cy, st[0].b[1] + st[0].b[3] / 2);
}

static void test_ofd_sign__keyword_across_text_objects(void **state)
{
    stamp st[4];
    /* once: the pair on one line; cells 10..26 on baseline 25 */
    assert_one_stamp_at(state, split_page, "校准证书", 18, 25 - 0.38 * 4);
    /* a part of one object is still found in both places */
    assert_int_equal(keyword_stamps(*state, split_page, "证书", st, 4), 2);
}

/* A keyword spanning two TextCodes of one TextObject, and one under a CTM. */
static void test_ofd_sign__keyword_across_text_codes(void **state)
{
    /* D's cell 22..26, E's 30..34: centred at 28; the em box of size 4 on baseline 25 */
    assert_one_stamp_at(state, hand_page, "DE", 28, 25 - 0.38 * 4);
    assert_one_stamp_at(state, hand_page, "盖章", 56, 106 - 2 * 0.38 * 3);
}

static void test_ofd_sign__keyword_two_pages(void **state)
{
    sign_fixture *f = *state;
    double x[2], y[2];
    sc_buf doc = keyword_document(f, x, y);
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    stamp st[4];
    sc_ofd *ofd = NULL;
    o.time = SIGN_TIME;
    o.keyword = "（盖章）";
    sc_buf signed_doc = fixture_sign(f, &doc, &o);
    sc_ofd_report *rep = verify_bytes(&signed_doc, NULL);
    assert_clean(rep);
    assert_int_equal(sc_ofd_report_signature_count(rep), 1);
    assert_int_equal(sc_ofd_report_signature(rep, 0)->page_count, 2);
    sc_ofd_report_free(rep);
    assert_int_equal(stamps_of(st, 4, &signed_doc, "/Doc_0/Signs/Sign_0/Signature.xml"), 2);
    sc_assert_ok(sc_ofd_open(&ofd, doc.ptr, doc.size, NULL));
    const sc_seal_picture *pic = sc_seal_picture_of(f->seal);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(st[i].page, sc_ofd_page_of(ofd, 0, (size_t)i)->id);
        assert_mm(x[i], st[i].b[0] + st[i].b[2] / 2);
        assert_mm(y[i], st[i].b[1] + st[i].b[3] / 2);
        assert_mm(pic->width_mm, st[i].b[2]);
        assert_mm(pic->height_mm, st[i].b[3]);
    }
    sc_ofd_free(ofd);

    /* --page: only that page's occurrence */
    o.page = 2;
    sc_buf page2 = fixture_sign(f, &doc, &o);
    assert_int_equal(stamps_of(st, 4, &page2, "/Doc_0/Signs/Sign_0/Signature.xml"), 1);
    assert_mm(x[1], st[0].b[0] + st[0].b[2] / 2);
    sc_buf_dispose(&page2);
    sc_buf_dispose(&signed_doc);
    sc_buf_dispose(&doc);
}

static void test_ofd_sign__keyword_refusals(void **state)
{
    sign_fixture *f = *state;
    double x[2], y[2];
    sc_buf doc = keyword_document(f, x, y), out = SC_BUF_INIT;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_ofd *ofd = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, doc.ptr, doc.size, NULL));
    o.time = SIGN_TIME;
    o.keyword = "丙方";
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_ENOTFOUND);
    assert_string_equal(sc_error_last()->message,
                        "keyword: \"丙方\" is not in the text of the document");
    o.keyword = "甲方";
    o.page = 2; /* only on page 1 */
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "page 2"));
    o.page = 0;
    o.x_mm = 100;
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    o.x_mm = -1;
    o.riding = 1;
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    o.riding = 0;
    o.keyword = "";
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    o.keyword = "\xff";
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    o.keyword = "合"; /* once per page: fine */
    sc_assert_ok(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o));
    sc_buf_dispose(&out);
    sc_ofd_free(ofd);

    /* a keyword found more than SC_OFD_MAX_KEYWORD_STAMPS times is not a place to sign */
    char page[4096];
    int n = snprintf(page, sizeof(page),
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Page "
                     "xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"2\">"
                     "<ofd:TextObject ID=\"10\" Boundary=\"0 0 200 10\" Size=\"1\">"
                     "<ofd:TextCode X=\"0\" Y=\"1\" DeltaX=\"g 600 0.3\">");
    for (int i = 0; i < SC_OFD_MAX_KEYWORD_STAMPS + 1; i++)
        page[n++] = 'A';
    snprintf(page + n, sizeof(page) - (size_t)n,
             "</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>");
    sc_buf many = replace_entry(&doc, "/Doc_0/Pages/Page_0/Content.xml", page, strlen(page));
    sc_assert_ok(sc_ofd_open(&ofd, many.ptr, many.size, NULL));
    o.keyword = "A";
    assert_int_equal(sc_ofd_sign(&out, ofd, f->seal, f->signer_key, f->signer, &o), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message, "more than 500 times"));
    assert_null(out.ptr);
    sc_ofd_free(ofd);
    sc_buf_dispose(&many);
    sc_buf_dispose(&doc);
}

/* ==== digital signatures ===================================================================== */

static sc_buf sign_digital(const sign_fixture *f, const sc_buf *in, const sc_ofd_sign_options *opt)
{
    sc_ofd_sign_options o = opt ? *opt : (sc_ofd_sign_options)SC_OFD_SIGN_OPTIONS_INIT;
    o.time = SIGN_TIME;
    o.digital = 1;
    return fixture_sign(f, in, &o);
}

static void test_ofd_sign__digital_verifies(void **state)
{
    sign_fixture *f = *state;
    sc_trust *trust = NULL;
    const sc_cert *anchors[] = {f->root};
    stamp st[2];
    sc_buf doc = sign_digital(f, &f->doc, NULL);
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    sc_ofd_report *rep = verify_bytes(&doc, trust);
    assert_clean(rep);
    const sc_ofd_signature_result *s = sc_ofd_report_signature(rep, 0);
    assert_int_equal(s->type, SC_OFD_SIG_SIGN);
    assert_string_equal(s->method, "1.2.156.10197.1.501");
    assert_string_equal(s->signer, "CN=签章人,C=CN");
    assert_string_equal(s->seal_name, "");
    assert_int_equal(s->page_count, 0);
    assert_int_equal(sc_report_find(s->report, "message_digest")->status, SC_STATUS_OK);
    assert_int_equal(sc_report_find(s->report, "signature")->status, SC_STATUS_OK);
    assert_int_equal(sc_report_find(s->report, "signer_chain")->status, SC_STATUS_OK);
    sc_ofd_report_free(rep);
    sc_trust_free(trust);

    /* no seal, no stamp; the list says Sign; the SignedValue is a GB/T 35275 ContentInfo */
    sc_ofd *ofd = NULL;
    const unsigned char *x = (const unsigned char *)first_signature_xml(&ofd, &doc);
    size_t len;
    assert_null(strstr((const char *)x, "Seal"));
    assert_null(strstr((const char *)x, "StampAnnot"));
    sc_assert_ok(sc_ofd_entry(&x, &len, ofd, "/Doc_0/Signs/Signatures.xml"));
    assert_non_null(strstr((const char *)x, "Type=\"Sign\""));
    sc_assert_ok(sc_ofd_entry(&x, &len, ofd, "/Doc_0/Signs/Sign_0/SignedValue.dat"));
    static const unsigned char oid[] = {0x06, 0x0a, 0x2a, 0x81, 0x1c, 0xcf, 0x55,
                                        0x06, 0x01, 0x04, 0x02, 0x02}; /* 1.2.156.10197.6.1.4.2.2 */
    assert_true(len > 4 + sizeof(oid) && memcmp(x + 4, oid, sizeof(oid)) == 0);
    sc_ofd_free(ofd);
    sc_buf_dispose(&doc);

    /* a place asked for: one square stamp there */
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    o.page = 1;
    o.x_mm = 100;
    o.y_mm = 50;
    doc = sign_digital(f, &f->doc, &o);
    assert_int_equal(stamps_of(st, 2, &doc, "/Doc_0/Signs/Sign_0/Signature.xml"), 1);
    assert_mm(100 - SC_OFD_DIGITAL_STAMP_MM / 2, st[0].b[0]);
    assert_mm(SC_OFD_DIGITAL_STAMP_MM, st[0].b[3]);
    rep = verify_bytes(&doc, NULL);
    assert_clean(rep);
    assert_int_equal(sc_ofd_report_signature(rep, 0)->page_count, 1);
    sc_ofd_report_free(rep);
    sc_buf_dispose(&doc);
}

static void test_ofd_sign__digital_tampering_names_the_file(void **state)
{
    sign_fixture *f = *state;
    sc_buf doc = sign_digital(f, &f->doc, NULL);
    sc_buf bad = tamper(&doc, "/Doc_0/Pages/Page_1/Content.xml");
    sc_ofd_report *rep = verify_bytes(&bad, NULL);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_INVALID);
    assert_true(has_failure(rep, 0, "/Doc_0/Pages/Page_1/Content.xml: digest mismatch"));
    sc_ofd_report_free(rep);
    sc_buf_dispose(&bad);
    /* the Signature.xml: the content is no longer its SM3; the signature value itself */
    assert_tamper_fails(&doc, "/Doc_0/Signs/Sign_0/Signature.xml", "message_digest");
    assert_tamper_fails(&doc, "/Doc_0/Signs/Sign_0/SignedValue.dat", NULL);
    sc_buf_dispose(&doc);
}

/* A seal after a digital signature, and a digital signature after a seal: both stay valid. */
static void test_ofd_sign__digital_and_seal(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    o.time = SIGN_TIME;
    sc_buf digital = sign_digital(f, &f->doc, NULL);
    sc_buf both = fixture_sign(f, &digital, &o);
    sc_ofd_report *rep = verify_bytes(&both, NULL);
    assert_clean(rep);
    assert_int_equal(sc_ofd_report_signature_count(rep), 2);
    assert_int_equal(sc_ofd_report_signature(rep, 0)->type, SC_OFD_SIG_SIGN);
    assert_int_equal(sc_ofd_report_signature(rep, 1)->type, SC_OFD_SIG_SEAL);
    sc_ofd_report_free(rep);
    sc_buf sealed = fixture_sign(f, &f->doc, &o);
    sc_buf both2 = sign_digital(f, &sealed, NULL);
    rep = verify_bytes(&both2, NULL);
    assert_clean(rep);
    assert_int_equal(sc_ofd_report_signature(rep, 0)->type, SC_OFD_SIG_SEAL);
    assert_int_equal(sc_ofd_report_signature(rep, 1)->type, SC_OFD_SIG_SIGN);
    sc_ofd_report_free(rep);
    sc_buf_dispose(&digital);
    sc_buf_dispose(&both);
    sc_buf_dispose(&sealed);
    sc_buf_dispose(&both2);
}

/* OOM injection over a keyword seal and a digital signature: SC_ENOMEM or success, no leak. */
typedef struct {
    const sign_fixture *f;
    sc_ofd *ofd;
} oom_payload;

static int oom_sign(void *payload)
{
    oom_payload *p = payload;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_buf out = SC_BUF_INIT;
    int error;
    o.time = SIGN_TIME;
    o.keyword = "校准";
    if ((error = sc_ofd_sign(&out, p->ofd, p->f->seal, p->f->signer_key, p->f->signer, &o)) < 0)
        return error;
    sc_buf_dispose(&out);
    o.keyword = NULL;
    o.digital = 1;
    error = sc_ofd_sign(&out, p->ofd, NULL, p->f->signer_key, p->f->signer, &o);
    sc_buf_dispose(&out);
    return error;
}

static void test_ofd_sign__keyword_and_digital_out_of_memory(void **state)
{
    oom_payload p = {*state, NULL};
    sc_assert_ok(sc_ofd_open(&p.ofd, p.f->doc.ptr, p.f->doc.size, NULL));
    sctest_oom_loop(oom_sign, &p);
    sc_ofd_free(p.ofd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_sign__one_seal_verifies),
        cmocka_unit_test(test_ofd_sign__without_seal_file),
        cmocka_unit_test(test_ofd_sign__reader_checks_deflated_entries),
        cmocka_unit_test(test_ofd_sign__several_seals),
        cmocka_unit_test(test_ofd_sign__tampering_names_the_file),
        cmocka_unit_test(test_ofd_sign__refusals),
        cmocka_unit_test(test_ofd_sign__adds_to_ofdrw_file),
        cmocka_unit_test(test_ofd_sign__text_positions),
        cmocka_unit_test(test_ofd_sign__keyword_across_text_codes),
        cmocka_unit_test(test_ofd_sign__keyword_across_text_objects),
        cmocka_unit_test(test_ofd_sign__keyword_two_pages),
        cmocka_unit_test(test_ofd_sign__keyword_refusals),
        cmocka_unit_test(test_ofd_sign__digital_verifies),
        cmocka_unit_test(test_ofd_sign__digital_tampering_names_the_file),
        cmocka_unit_test(test_ofd_sign__digital_and_seal),
        cmocka_unit_test(test_ofd_sign__keyword_and_digital_out_of_memory),
    };
    return cmocka_run_group_tests(tests, sign_fixture_setup, sign_fixture_teardown);
}
