/* lib/sm: reading keys and certificates (PEM, DER, PKCS#12), issuing, trust and chains. */
#include "common/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "sm/sm_int.h"

#define KEYS "ofdrw/keys/"

static void test_sm_keys__sample_pem_and_pkcs12(void **state)
{
    sc_key *user = NULL, *p12key = NULL;
    sc_cert *cert = NULL, *p12cert = NULL;
    sc_buf sig = SC_BUF_INIT;
    int valid;
    (void)state;
    sc_assert_ok(sc_key_read_file(&user, sctest_sample(KEYS "user_key.pem"), NULL));
    assert_true(sc_key_has_private(user));
    sc_assert_ok(sc_cert_read_file(&cert, sctest_sample(KEYS "user_cert.pem"), NULL));
    assert_true(sc_key_equal_public(user, sc_cert_key(cert)));
    assert_string_equal(sc_cert_serial(cert), "01719D2DAB60");
    assert_non_null(strstr(sc_cert_subject(cert), "CN=Test Certificate"));
    assert_string_equal(sc_cert_sig_alg(cert), SC_OID_SM2_WITH_SM3);

    /* USER.p12 uses legacy PBE (3DES/RC2-40): needs OpenSSL's legacy provider. */
    sc_assert_ok(sc_key_read_file(&p12key, sctest_sample(KEYS "USER.p12"), "777777"));
    sc_assert_ok(sc_cert_read_file(&p12cert, sctest_sample(KEYS "USER.p12"), "777777"));
    assert_true(sc_key_equal_public(p12key, user));
    assert_true(sc_cert_equal(p12cert, cert));
    sc_assert_ok(sc_sm2_sign(&sig, p12key, "x", 1));
    sc_assert_ok(sc_sm2_verify(&valid, NULL, sc_cert_key(cert), "x", 1, sig.ptr, sig.size));
    assert_int_equal(valid, 1);
    sc_key_free(user);
    sc_key_free(p12key);
    sc_cert_free(cert);
    sc_cert_free(p12cert);
    sc_buf_dispose(&sig);
}

static void test_sm_keys__password_errors(void **state)
{
    sc_key *key = NULL;
    sc_buf pem = SC_BUF_INIT;
    (void)state;
    assert_int_equal(sc_key_read_file(&key, sctest_sample(KEYS "USER.p12"), "wrong"), SC_EPASSWORD);
    assert_non_null(strstr(sc_error_last()->message, "wrong password"));
    assert_int_equal(sc_key_read_file(&key, sctest_sample(KEYS "USER.p12"), NULL), SC_EPASSWORD);
    assert_null(key);

    /* encrypted PKCS#8 (SM4-CBC) round trip */
    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_key_write_pem(&pem, key, "s3cret"));
    assert_non_null(strstr((char *)pem.ptr, "ENCRYPTED PRIVATE KEY"));
    sc_key *back = NULL;
    sc_assert_ok(sc_key_parse(&back, pem.ptr, pem.size, "s3cret"));
    assert_true(sc_key_equal_public(back, key));
    sc_key_free(back);
    back = NULL;
    assert_int_equal(sc_key_parse(&back, pem.ptr, pem.size, "nope"), SC_EPASSWORD);
    assert_int_equal(sc_key_parse(&back, pem.ptr, pem.size, NULL), SC_EPASSWORD);
    assert_non_null(strstr(sc_error_last()->message, "password"));
    assert_int_equal(sc_key_parse(&back, "garbage", 7, NULL), SC_EFORMAT);
    assert_int_equal(sc_key_parse(&back, "", 0, NULL), SC_EFORMAT);
    sc_key_free(key);
    sc_buf_dispose(&pem);
}

static void test_sm_keys__public_only_and_der(void **state)
{
    sc_key *key = NULL, *pub = NULL;
    sc_buf pem = SC_BUF_INIT;
    (void)state;
    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_key_write_public_pem(&pem, key));
    sc_assert_ok(sc_key_parse(&pub, pem.ptr, pem.size, NULL));
    assert_false(sc_key_has_private(pub));
    assert_true(sc_key_equal_public(pub, key));
    sc_buf sig = SC_BUF_INIT;
    assert_int_equal(sc_sm2_sign(&sig, pub, "x", 1), SC_EINVALID);
    assert_int_equal(sc_key_write_pem(&pem, pub, NULL), SC_EINVALID);
    sc_key_free(key);
    sc_key_free(pub);
    sc_buf_dispose(&pem);
}

static void test_sm_certs__sample_chain(void **state)
{
    sc_cert *root = NULL, *user = NULL, *maker = NULL;
    sc_trust *trust = NULL;
    sc_chain_result res;
    sc_time at;
    int valid;
    (void)state;
    sc_assert_ok(sc_cert_read_file(&root, sctest_sample(KEYS "root_cert.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&user, sctest_sample(KEYS "user_cert.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&maker, sctest_sample(KEYS "sealbuilder_cert.pem"), NULL));
    /* The ofdrw root signed both (SM2 with the default ID)... */
    sc_assert_ok(sc_cert_check_signature(&valid, user, root));
    assert_int_equal(valid, 1);
    sc_assert_ok(sc_cert_check_signature(&valid, maker, root));
    assert_int_equal(valid, 1);
    sc_assert_ok(sc_cert_check_signature(&valid, user, maker));
    assert_int_equal(valid, 0);
    /* ...but its keyUsage lacks keyCertSign, so strict path validation refuses it, inside the
     * validity period as well as after it. */
    const sc_cert *anchors[] = {root};
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    sc_assert_ok(sc_time_parse(&at, "2021-06-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, user, trust, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_FAIL);
    if (!strstr(res.message, "certificate signing"))
        fail_msg("chain message: %s", res.message);
    assert_int_equal(sc_cert_not_after(user) - sc_cert_not_before(user), 2 * 365 * 86400);
    sc_trust_free(trust);
    sc_cert_free(root);
    sc_cert_free(user);
    sc_cert_free(maker);
}

/* Issue a root, a seal maker and a signer; check profiles, chain at several times, and that the
 * OpenSSL CLI accepts the chain with the SM2 ID. */
static void test_sm_certs__issue_and_chain(void **state)
{
    sc_key *rk = NULL, *mk = NULL, *other_k = NULL;
    sc_cert *root = NULL, *maker = NULL, *other = NULL, *back = NULL;
    sc_trust *trust = NULL, *wrong = NULL;
    sc_cert_issue_options o = SC_CERT_ISSUE_OPTIONS_INIT;
    sc_chain_result res;
    sc_buf pem = SC_BUF_INIT;
    static const unsigned char serial[] = {0x01, 0x02};
    (void)state;

    sc_assert_ok(sc_key_generate(&rk));
    sc_assert_ok(sc_key_generate(&mk));
    sc_assert_ok(sc_key_generate(&other_k));
    o.profile = SC_CERT_ROOT_CA;
    o.subject = "CN=sealcert 测试根 CA,O=sealcert,C=CN";
    sc_assert_ok(sc_time_parse(&o.not_before, "2026-01-01"));
    sc_assert_ok(sc_time_parse(&o.not_after, "2036-01-01"));
    sc_assert_ok(sc_cert_issue(&root, rk, rk, NULL, &o));
    assert_string_equal(sc_cert_subject(root), "CN=sealcert 测试根 CA,O=sealcert,C=CN");
    assert_string_equal(sc_cert_issuer(root), sc_cert_subject(root));
    sc_assert_ok(sc_cert_issue(&other, other_k, other_k, NULL, &o));

    o.profile = SC_CERT_SEAL_MAKER;
    o.subject = "/C=CN/O=某某计量院/CN=制章人";
    o.serial = serial;
    o.serial_len = sizeof(serial);
    sc_assert_ok(sc_time_parse(&o.not_after, "2028-01-01"));
    sc_assert_ok(sc_cert_issue(&maker, mk, rk, root, &o));
    assert_string_equal(sc_cert_subject(maker), "CN=制章人,O=某某计量院,C=CN");
    assert_string_equal(sc_cert_serial(maker), "0102");

    const sc_cert *anchors[] = {root}, *wrong_anchors[] = {other};
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    sc_assert_ok(sc_trust_new(&wrong, wrong_anchors, 1));
    sc_time at;
    sc_assert_ok(sc_time_parse(&at, "2027-01-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, maker, trust, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_OK);
    sc_assert_ok(sc_time_parse(&at, "2029-01-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, maker, trust, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_FAIL);
    assert_non_null(strstr(res.message, "expired"));
    sc_assert_ok(sc_time_parse(&at, "2027-01-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, maker, wrong, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_UNTRUSTED);

    /* PEM round trip, then `openssl verify` with the SM2 ID */
    sc_assert_ok(sc_cert_write_pem(&pem, maker));
    sc_assert_ok(sc_cert_parse(&back, pem.ptr, pem.size));
    assert_true(sc_cert_equal(back, maker));
    const char *mf = sctest_tmp("maker.pem"), *rf = sctest_tmp("root.pem");
    sc_assert_ok(sc_fs_write_atomic(mf, pem.ptr, pem.size, true, 0644));
    sc_assert_ok(sc_cert_write_pem(&pem, root));
    sc_assert_ok(sc_fs_write_atomic(rf, pem.ptr, pem.size, true, 0644));
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "openssl verify -attime %lld -vfyopt distid:1234567812345678 -CAfile %s %s "
             ">/dev/null 2>&1",
             (long long)at, rf, mf);
    assert_int_equal(system(cmd), 0);

    /* misuse */
    o.subject = "no equals sign";
    sc_cert *bad = NULL;
    assert_int_equal(sc_cert_issue(&bad, mk, rk, root, &o), SC_EINVALID);
    o.subject = "CN=x";
    assert_int_equal(sc_cert_issue(&bad, mk, mk, root, &o), SC_EINVALID); /* key != issuer's */
    o.not_after = o.not_before;
    assert_int_equal(sc_cert_issue(&bad, mk, rk, root, &o), SC_EINVALID);
    assert_null(bad);

    sc_trust_free(trust);
    sc_trust_free(wrong);
    sc_cert_free(root);
    sc_cert_free(maker);
    sc_cert_free(other);
    sc_cert_free(back);
    sc_key_free(rk);
    sc_key_free(mk);
    sc_key_free(other_k);
    sc_buf_dispose(&pem);
}

static void test_sm_certs__bad_input(void **state)
{
    sc_cert *c = NULL;
    sc_trust *t = NULL;
    sc_buf der = SC_BUF_INIT;
    (void)state;
    assert_int_equal(sc_cert_parse(&c, "junk", 4), SC_EFORMAT);
    assert_int_equal(sc_cert_parse(&c, "-----BEGIN CERTIFICATE-----\nAA\n", 31), SC_EFORMAT);
    der = sctest_read(sctest_sample("ofdrw/keys/user_cert.pem"));
    sc_assert_ok(sc_cert_parse(&c, der.ptr, der.size));
    size_t len;
    const unsigned char *p = sc_cert_der(c, &len);
    unsigned char *copy = malloc(len + 1);
    memcpy(copy, p, len);
    copy[len] = 0;
    sc_cert *c2 = NULL;
    assert_int_equal(sc_cert_parse(&c2, copy, len + 1), SC_EFORMAT); /* trailing byte */
    assert_non_null(strstr(sc_error_last()->message, "trailing"));
    for (size_t cut = 1; cut < len; cut += 37)
        assert_int_equal(sc_cert_parse(&c2, copy, cut), SC_EFORMAT);
    free(copy);
    assert_int_equal(sc_trust_load_dir(&t, "/nonexistent"), SC_ENOTFOUND);
    sc_assert_ok(sc_trust_load_dir(&t, sctest_sample("ofdrw/keys")));
    assert_true(sc_trust_count(t) >= 4); /* the PEM certificates; keys and p12 skipped */
    sc_trust_free(t);
    sc_cert_free(c);
    sc_buf_dispose(&der);
}

/* ---- key derivation limits (SC_SM_MAX_KDF_ITERATIONS) ------------------------------------- */

/* Counts the files are made with: each distinct and 3 bytes long in DER, like OVER (the limit
 * plus one) and AT (the limit), so a made file can be patched to ask for more without changing
 * any length. Making a file never runs a derivation of more than KDF_BASE + 3 iterations. */
#define KDF_BASE  40960
#define KEY_ITER  (KDF_BASE + 1)
#define SAFE_ITER (KDF_BASE + 2)
#define MAC_ITER  (KDF_BASE + 3)
#define OVER      (SC_SM_MAX_KDF_ITERATIONS + 1)
#define AT        SC_SM_MAX_KDF_ITERATIONS
#define KDF_PASS  "kdf-pass"

/* Replace the one DER INTEGER @p from (3 content bytes) in @p der by @p to. */
static void replace_count(unsigned char *der, size_t len, long from, long to)
{
    const unsigned char pat[5] = {0x02, 0x03, (unsigned char)(from >> 16),
                                  (unsigned char)(from >> 8), (unsigned char)from};
    const unsigned char rep[5] = {0x02, 0x03, (unsigned char)(to >> 16), (unsigned char)(to >> 8),
                                  (unsigned char)to};
    int hits = 0;
    assert_true(from >= 0x8000 && from < 0x800000 && to >= 0x8000 && to < 0x800000);
    for (size_t i = 0; i + sizeof(pat) <= len; i++)
        if (memcmp(der + i, pat, sizeof(pat)) == 0) {
            memcpy(der + i, rep, sizeof(rep));
            hits++;
        }
    assert_int_equal(hits, 1);
}

/* @p obj, an @p it, re-decoded with the count @p from replaced by @p to; frees @p obj. */
static void *patch_count(const ASN1_ITEM *it, void *obj, long from, long to)
{
    unsigned char *der = NULL;
    const unsigned char *p;
    int len = ASN1_item_i2d(obj, &der, it);
    void *back;
    assert_true(len > 0);
    ASN1_item_free(obj, it);
    replace_count(der, (size_t)len, from, to);
    p = der;
    back = ASN1_item_d2i(NULL, &p, len, it);
    assert_non_null(back);
    OPENSSL_free(der);
    return back;
}

/* The @p len bytes at *der (from i2d, freed here) as an sc_buf. */
static sc_buf der_buf(unsigned char **der, int len)
{
    sc_buf b = SC_BUF_INIT;
    assert_true(len > 0);
    sc_assert_ok(sc_buf_put(&b, *der, (size_t)len));
    OPENSSL_free(*der);
    *der = NULL;
    return b;
}

typedef struct {
    int key_nid;      /* PBE of the shrouded key bag (a cipher NID: PBES2 with PBKDF2) */
    long key_iter;    /* its count once patched (KEY_ITER: left alone) */
    int safe_nid;     /* PBE of the encrypted safe holding the certificate */
    long safe_iter;   /* its count once patched (SAFE_ITER: left alone) */
    int extra_safes;  /* more encrypted safes like the first, each patched to safe_iter */
    long mac_iter;    /* the MAC's count once patched (MAC_ITER: left alone) */
    bool key_in_safe; /* the key bag inside the encrypted safe instead of a plain one */
} p12_spec;

#define P12_SPEC_INIT                                                                              \
    {                                                                                              \
        NID_aes_256_cbc, KEY_ITER, NID_aes_256_cbc, SAFE_ITER, 0, MAC_ITER, false                  \
    }

/* Append an encrypted safe of @p bags to @p safes, its count patched to @p iter. */
static void add_encrypted_safe(STACK_OF(PKCS7) * *safes, STACK_OF(PKCS12_SAFEBAG) * bags, int nid,
                               long iter)
{
    assert_non_null(PKCS12_add_safe(safes, bags, nid, SAFE_ITER, KDF_PASS));
    int last = sk_PKCS7_num(*safes) - 1;
    if (iter != SAFE_ITER)
        sk_PKCS7_set(
            *safes, last,
            patch_count(ASN1_ITEM_rptr(PKCS7), sk_PKCS7_value(*safes, last), SAFE_ITER, iter));
}

/* A PKCS#12 file of @p key and @p cert (password KDF_PASS) as @p spec says. */
static sc_buf make_p12(const sc_key *key, const sc_cert *cert, const p12_spec *spec)
{
    STACK_OF(PKCS12_SAFEBAG) *certs = NULL, *keys = NULL;
    STACK_OF(PKCS7) *safes = NULL;
    PKCS12 *p12;
    unsigned char *der = NULL;
    assert_non_null(PKCS12_add_cert(&certs, cert->x509));
    assert_non_null(PKCS12_add_key(spec->key_in_safe ? &certs : &keys, key->pkey, 0, KEY_ITER,
                                   spec->key_nid, KDF_PASS));
    STACK_OF(PKCS12_SAFEBAG) *with_key = spec->key_in_safe ? certs : keys;
    int last = sk_PKCS12_SAFEBAG_num(with_key) - 1;
    if (spec->key_iter != KEY_ITER)
        sk_PKCS12_SAFEBAG_set(with_key, last,
                              patch_count(ASN1_ITEM_rptr(PKCS12_SAFEBAG),
                                          sk_PKCS12_SAFEBAG_value(with_key, last), KEY_ITER,
                                          spec->key_iter));
    for (int i = 0; i <= spec->extra_safes; i++)
        add_encrypted_safe(&safes, certs, spec->safe_nid, spec->safe_iter);
    if (keys)
        assert_non_null(PKCS12_add_safe(&safes, keys, -1, 0, NULL));
    assert_non_null(p12 = PKCS12_add_safes(safes, 0));
    assert_int_equal(PKCS12_set_mac(p12, KDF_PASS, -1, NULL, 0, MAC_ITER, NULL), 1);
    sc_buf out = der_buf(&der, i2d_PKCS12(p12, &der));
    if (spec->mac_iter != MAC_ITER)
        replace_count(out.ptr, out.size, MAC_ITER, spec->mac_iter);
    PKCS12_free(p12);
    sk_PKCS7_pop_free(safes, PKCS7_free);
    sk_PKCS12_SAFEBAG_pop_free(certs, PKCS12_SAFEBAG_free);
    sk_PKCS12_SAFEBAG_pop_free(keys, PKCS12_SAFEBAG_free);
    return out;
}

static void make_identity(sc_key **key, sc_cert **cert)
{
    sc_cert_issue_options o = SC_CERT_ISSUE_OPTIONS_INIT;
    o.profile = SC_CERT_ROOT_CA;
    o.subject = "CN=kdf,C=CN";
    sc_assert_ok(sc_key_generate(key));
    sc_assert_ok(sc_cert_issue(cert, *key, *key, NULL, &o));
}

/* sc_pkcs12_parse() of a file made as @p spec says returns @p code; an error names @p field. */
static void expect_p12(const sc_key *key, const sc_cert *cert, const p12_spec *spec, int code,
                       const char *field)
{
    sc_key *k = NULL;
    sc_cert *c = NULL;
    sc_buf der = make_p12(key, cert, spec);
    int rc = sc_pkcs12_parse(&k, &c, der.ptr, der.size, KDF_PASS);
    if (rc != code)
        fail_msg("sc_pkcs12_parse returned %d, not %d: %s", rc, code, sc_error_last()->message);
    if (code == 0) {
        assert_true(sc_key_equal_public(k, key));
        assert_true(sc_cert_equal(c, cert));
    } else {
        assert_null(k);
        assert_null(c);
        if (!strstr(sc_error_last()->message, field) ||
            !strstr(sc_error_last()->message, "over the limit"))
            fail_msg("message: %s", sc_error_last()->message);
    }
    sc_key_free(k);
    sc_cert_free(c);
    sc_buf_dispose(&der);
}

/* Files at ordinary counts read as before: PKCS12_create's (2048, OpenSSL 3's defaults), and
 * ours with the key bag in the plain safe or in the encrypted one, encrypted with PBES2 or with
 * PKCS#12 PBE (3DES), up to counts at the limit. */
static void test_sm_keys__kdf_pkcs12_normal_counts(void **state)
{
    sc_key *key = NULL, *back = NULL;
    sc_cert *cert = NULL;
    p12_spec spec = P12_SPEC_INIT;
    unsigned char *der = NULL;
    (void)state;
    make_identity(&key, &cert);
    PKCS12 *p12 = PKCS12_create(KDF_PASS, "kdf", key->pkey, cert->x509, NULL, NID_aes_256_cbc,
                                NID_aes_256_cbc, 2048, 2048, 0);
    assert_non_null(p12);
    sc_buf file = der_buf(&der, i2d_PKCS12(p12, &der));
    PKCS12_free(p12);
    sc_assert_ok(sc_key_parse(&back, file.ptr, file.size, KDF_PASS));
    assert_true(sc_key_equal_public(back, key));
    sc_key_free(back);
    back = NULL;
    expect_p12(key, cert, &spec, 0, NULL);
    spec.key_in_safe = true;
    expect_p12(key, cert, &spec, 0, NULL);
    spec.safe_nid = NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
    expect_p12(key, cert, &spec, 0, NULL);
    /* a wrong password is still a wrong password */
    assert_int_equal(sc_pkcs12_parse(&back, NULL, file.ptr, file.size, "wrong"), SC_EPASSWORD);
    sc_key_free(key);
    sc_key_free(back);
    sc_cert_free(cert);
    sc_buf_dispose(&file);
}

/* Each derivation over the limit is refused before it runs: the MAC (its count, or a PBMAC1
 * MAC's PBKDF2), the shrouded key bag (in the plain safe and inside the encrypted one), the
 * encrypted safe (PBES2 and PKCS#12 PBE), and a file whose derivations add up to more than
 * SC_SM_MAX_KDF_TOTAL. Without the checks each
 * runs its PBKDF2 (a quarter to half a second) and then fails on the password or the
 * decryption. */
static void test_sm_keys__kdf_pkcs12_over_limit(void **state)
{
    sc_key *key = NULL;
    sc_cert *cert = NULL;
    const p12_spec init = P12_SPEC_INIT;
    p12_spec spec = init;
    sc_key *k = NULL;
    sc_cert *c = NULL;
    (void)state;
    make_identity(&key, &cert);

    spec.mac_iter = OVER;
    expect_p12(key, cert, &spec, SC_ELIMIT, "PKCS#12 file: MAC iteration count 1000001");
    spec = init;
    spec.key_iter = OVER;
    expect_p12(key, cert, &spec, SC_ELIMIT, "shrouded key bag: PBKDF2 iteration count 1000001");
    spec.key_in_safe = true;
    expect_p12(key, cert, &spec, SC_ELIMIT, "shrouded key bag: PBKDF2 iteration count 1000001");
    spec = init;
    spec.safe_iter = OVER;
    expect_p12(key, cert, &spec, SC_ELIMIT, "encrypted safe contents: PBKDF2 iteration count");
    spec.safe_nid = NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
    expect_p12(key, cert, &spec, SC_ELIMIT, "encrypted safe contents: PBE iteration count");
    spec = init;
    spec.safe_iter = AT; /* each at the limit, four of them over the total */
    spec.extra_safes = 3;
    expect_p12(key, cert, &spec, SC_ELIMIT, "add up to");

    /* a PBMAC1 MAC (RFC 9579, read by OpenSSL 3.4): the count of its PBKDF2 */
    spec = init;
    sc_buf plain = make_p12(key, cert, &spec);
    const unsigned char *in = plain.ptr;
    PKCS12 *p12 = d2i_PKCS12(NULL, &in, (long)plain.size);
    const X509_ALGOR *mac_alg = NULL, *pbes2;
    const void *params;
    unsigned char *out = NULL;
    assert_non_null(p12);
    PKCS12_get0_mac(NULL, &mac_alg, NULL, NULL, p12);
    assert_non_null(
        pbes2 = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), OVER, NULL, 0, NULL, NID_hmacWithSHA256));
    int ptype;
    X509_ALGOR_get0(NULL, &ptype, &params, pbes2);
    assert_int_equal(ptype, V_ASN1_SEQUENCE);
    assert_int_equal(X509_ALGOR_set0((X509_ALGOR *)mac_alg, OBJ_nid2obj(NID_pbmac1),
                                     V_ASN1_SEQUENCE, ASN1_STRING_dup(params)),
                     1);
    X509_ALGOR_free((X509_ALGOR *)pbes2);
    sc_buf pbmac1 = der_buf(&out, i2d_PKCS12(p12, &out));
    PKCS12_free(p12);
    assert_int_equal(sc_pkcs12_parse(NULL, &c, pbmac1.ptr, pbmac1.size, KDF_PASS), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message,
                           "PKCS#12 file: MAC: PBKDF2 iteration count 1000001 is over"));
    sc_buf_dispose(&plain);
    sc_buf_dispose(&pbmac1);

    /* sc_key_parse() and sc_cert_read_file() take PKCS#12 files the same way */
    spec = init;
    spec.mac_iter = OVER;
    sc_buf der = make_p12(key, cert, &spec);
    assert_int_equal(sc_key_parse(&k, der.ptr, der.size, KDF_PASS), SC_ELIMIT);
    const char *path = sctest_tmp("kdf_over.p12");
    sc_assert_ok(sc_fs_write_atomic(path, der.ptr, der.size, true, 0600));
    assert_int_equal(sc_cert_read_file(&c, path, KDF_PASS), SC_ELIMIT);
    assert_null(k);
    assert_null(c);
    sc_key_free(key);
    sc_cert_free(cert);
    sc_buf_dispose(&der);
}

/* An EncryptedPrivateKeyInfo of @p key with PBES2 (SM4-CBC, PBKDF2 with KEY_ITER iterations)
 * patched to @p iter. */
static X509_SIG *make_pkcs8(const sc_key *key, long iter)
{
    PKCS8_PRIV_KEY_INFO *p8inf = EVP_PKEY2PKCS8(key->pkey);
    X509_SIG *p8;
    assert_non_null(p8inf);
    p8 = PKCS8_encrypt(-1, EVP_sm4_cbc(), KDF_PASS, -1, NULL, 0, KEY_ITER, p8inf);
    assert_non_null(p8);
    PKCS8_PRIV_KEY_INFO_free(p8inf);
    return iter == KEY_ITER ? p8 : patch_count(ASN1_ITEM_rptr(X509_SIG), p8, KEY_ITER, iter);
}

/* @p p8 as DER, as PEM, and as PEM under legacy encryption ("Proc-Type: 4,ENCRYPTED", which
 * OpenSSL's decoder removes before it decrypts the PKCS#8 inside). */
static void pkcs8_forms(sc_buf forms[3], X509_SIG *p8)
{
    unsigned char *der = NULL;
    BIO *bio;
    char *p;
    forms[0] = der_buf(&der, i2d_X509_SIG(p8, &der));
    for (int i = 1; i < 3; i++) {
        forms[i] = (sc_buf)SC_BUF_INIT;
        assert_non_null(bio = BIO_new(BIO_s_mem()));
        if (i == 1)
            assert_int_equal(PEM_write_bio_PKCS8(bio, p8), 1);
        else
            assert_int_equal(PEM_ASN1_write_bio((i2d_of_void *)i2d_X509_SIG, PEM_STRING_PKCS8, bio,
                                                p8, EVP_aes_128_cbc(), NULL, 0, NULL, KDF_PASS),
                             1);
        long n = BIO_get_mem_data(bio, &p);
        sc_assert_ok(sc_buf_put(&forms[i], p, (size_t)n));
        BIO_free(bio);
    }
    assert_non_null(strstr((char *)forms[2].ptr, "Proc-Type: 4,ENCRYPTED"));
}

/* Encrypted PKCS#8 keys: PBKDF2 over the limit is refused in DER, PEM and legacy-encrypted PEM
 * (without the check, a second of PBKDF2 and then SC_EPASSWORD); at KEY_ITER and at the limit
 * they read. scrypt: N*r*p over the limit is refused (here N=8, r=1, p=250000, which OpenSSL's
 * own memory bound of 32 MB lets through), a small one reads. */
static void test_sm_keys__kdf_pkcs8(void **state)
{
    sc_key *key = NULL, *back = NULL;
    sc_buf forms[3];
    (void)state;
    sc_assert_ok(sc_key_generate(&key));

    X509_SIG *p8 = make_pkcs8(key, OVER);
    pkcs8_forms(forms, p8);
    X509_SIG_free(p8);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sc_key_parse(&back, forms[i].ptr, forms[i].size, KDF_PASS), SC_ELIMIT);
        assert_null(back);
        if (!strstr(sc_error_last()->message,
                    "encrypted PKCS#8 key: PBKDF2 iteration count 1000001 is over the limit "
                    "1000000"))
            fail_msg("form %d: %s", i, sc_error_last()->message);
        sc_buf_dispose(&forms[i]);
    }
    /* without the password the legacy layer stays closed, as for the decoder */
    p8 = make_pkcs8(key, OVER);
    pkcs8_forms(forms, p8);
    X509_SIG_free(p8);
    assert_int_equal(sc_key_parse(&back, forms[2].ptr, forms[2].size, NULL), SC_EPASSWORD);
    for (int i = 0; i < 3; i++)
        sc_buf_dispose(&forms[i]);

    p8 = make_pkcs8(key, KEY_ITER);
    pkcs8_forms(forms, p8);
    X509_SIG_free(p8);
    for (int i = 0; i < 3; i++) {
        sc_assert_ok(sc_key_parse(&back, forms[i].ptr, forms[i].size, KDF_PASS));
        assert_true(sc_key_equal_public(back, key));
        sc_key_free(back);
        back = NULL;
        sc_buf_dispose(&forms[i]);
    }

    /* scrypt: over the limit refused (ciphertext is junk: nothing decrypts it anyway) */
    X509_ALGOR *alg = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0, NULL, 8, 1, 250000);
    ASN1_OCTET_STRING *junk;
    X509_ALGOR *sig_alg;
    assert_non_null(alg);
    assert_non_null(p8 = X509_SIG_new());
    X509_SIG_getm(p8, &sig_alg, &junk);
    assert_int_equal(X509_ALGOR_copy(sig_alg, alg), 1);
    assert_int_equal(ASN1_OCTET_STRING_set(junk, (const unsigned char *)"0123456789abcdef", 16), 1);
    X509_ALGOR_free(alg);
    pkcs8_forms(forms, p8);
    X509_SIG_free(p8);
    assert_int_equal(sc_key_parse(&back, forms[0].ptr, forms[0].size, KDF_PASS), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message, "scrypt cost N*r*p 2000000 is over"));
    for (int i = 0; i < 3; i++)
        sc_buf_dispose(&forms[i]);
    /* a small scrypt key reads */
    PKCS8_PRIV_KEY_INFO *p8inf = EVP_PKEY2PKCS8(key->pkey);
    alg = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0, NULL, 1024, 8, 1);
    assert_non_null(p8 = PKCS8_set0_pbe(KDF_PASS, -1, p8inf, alg));
    PKCS8_PRIV_KEY_INFO_free(p8inf);
    pkcs8_forms(forms, p8);
    X509_SIG_free(p8);
    sc_assert_ok(sc_key_parse(&back, forms[1].ptr, forms[1].size, KDF_PASS));
    assert_true(sc_key_equal_public(back, key));
    for (int i = 0; i < 3; i++)
        sc_buf_dispose(&forms[i]);
    sc_key_free(back);
    sc_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_keys__sample_pem_and_pkcs12),
        cmocka_unit_test(test_sm_keys__password_errors),
        cmocka_unit_test(test_sm_keys__public_only_and_der),
        cmocka_unit_test(test_sm_certs__sample_chain),
        cmocka_unit_test(test_sm_certs__issue_and_chain),
        cmocka_unit_test(test_sm_certs__bad_input),
        cmocka_unit_test(test_sm_keys__kdf_pkcs12_normal_counts),
        cmocka_unit_test(test_sm_keys__kdf_pkcs12_over_limit),
        cmocka_unit_test(test_sm_keys__kdf_pkcs8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
