/* lib/ofd: seal-signing OFD documents, read back by our verifier: one seal, several seals,
 * riding seals, tampering, refusals, and signing another producer's signed file. */
#include "ofd/sign_fixture.h"

#include "ofd/ofdw_int.h"

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
    assert_true(deflated > 3);
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
    const char *name = "Doc_0/Document.xml";
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

/* Rebuild a package with one byte of one entry changed (the zip is rewritten, contents kept):
 * in XML a digit becomes another digit, so the file still parses; elsewhere a bit flips. */
static sc_buf tamper(const sc_buf *in, const char *name)
{
    sc_ofd *ofd = NULL;
    sc_buf out = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_open(&ofd, in->ptr, in->size, NULL));
    size_t n = sc_ofd_entry_count(ofd);
    sc_ofd__zip_entry *ze = calloc(n, sizeof(*ze));
    unsigned char *copy = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *en = sc_ofd_entry_name(ofd, i);
        const unsigned char *d;
        size_t len;
        sc_assert_ok(sc_ofd_entry(&d, &len, ofd, en));
        if (strcmp(en, name) == 0) {
            copy = malloc(len);
            memcpy(copy, d, len);
            size_t at = len / 2;
            if (strstr(en, ".xml")) {
                while (at < len && (copy[at] < '0' || copy[at] > '9'))
                    at++;
                if (at == len)
                    for (at = 0; at < len && (copy[at] < '0' || copy[at] > '9'); at++)
                        ;
                assert_true(at < len);
                copy[at] = copy[at] == '9' ? '8' : (unsigned char)(copy[at] + 1);
            } else {
                copy[at] ^= 0x01;
            }
            d = copy;
        }
        ze[i] = (sc_ofd__zip_entry){en + 1, d, len, true, NULL, 0, 0, false};
    }
    assert_non_null(copy);
    sc_assert_ok(sc_ofd__zip_write(&out, ze, n, SIGN_TIME, 1));
    free(copy);
    free(ze);
    sc_ofd_free(ofd);
    return out;
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
        const sc_report *r = sc_ofd_report_signature(rep, 0)->report;
        int found = 0;
        for (size_t k = 0; k < sc_report_count(r); k++)
            found |= sc_report_get(r, k)->status == SC_STATUS_FAIL &&
                     strstr(sc_report_get(r, k)->message, want) != NULL;
        if (!found)
            fail_msg("no failure naming %s", files[i]);
        sc_ofd_report_free(rep);
        sc_buf_dispose(&bad);
    }
    /* the Signature.xml itself: dataHash */
    sc_buf bad = tamper(&signed_doc, "/Doc_0/Signs/Sign_0/Signature.xml");
    sc_ofd_report *rep = verify_bytes(&bad, NULL);
    assert_int_equal(sc_report_find(sc_ofd_report_signature(rep, 0)->report, "data_hash")->status,
                     SC_STATUS_FAIL);
    sc_ofd_report_free(rep);
    sc_buf_dispose(&bad);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_sign__one_seal_verifies),
        cmocka_unit_test(test_ofd_sign__reader_checks_deflated_entries),
        cmocka_unit_test(test_ofd_sign__several_seals),
        cmocka_unit_test(test_ofd_sign__tampering_names_the_file),
        cmocka_unit_test(test_ofd_sign__refusals),
        cmocka_unit_test(test_ofd_sign__adds_to_ofdrw_file),
    };
    return cmocka_run_group_tests(tests, sign_fixture_setup, sign_fixture_teardown);
}
