/* SM2 keys (GB/T 32918): generation, reading (PEM/DER, PKCS#8, SEC1, SPKI, PKCS#12), writing. */
#include "sm/sm_int.h"

#include <inttypes.h>
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

/* GB/T 32918.5 recommended curve parameters a, b, x_G, y_G, as hashed into Z. */
static const unsigned char sm2_abg[128] = {
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
    0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
    0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
    0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
    0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
    0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
    0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0};

/* Z_A = SM3(ENTL || ID || a || b || x_G || y_G || x_A || y_A) for the default ID (GB/T 32918.2
 * clause 5.5). Computed once per key so each signature costs one SM3 over the message only. */
static int compute_z(sc_key *k)
{
    unsigned char in[2 + SC_SM2_DEFAULT_ID_LEN + 128 + 64], pub[65];
    size_t pub_len = 0;
    if (!EVP_PKEY_get_octet_string_param(k->pkey, "encoded-pub-key", pub, sizeof(pub), &pub_len) ||
        pub_len != 65 || pub[0] != 0x04)
        return sc_error_set_ossl(SC_EUNSUPPORTED, "SM2 public key is not a point on the "
                                                  "recommended curve");
    in[0] = 0;
    in[1] = SC_SM2_DEFAULT_ID_LEN * 8;
    memcpy(in + 2, SC_SM2_DEFAULT_ID, SC_SM2_DEFAULT_ID_LEN);
    memcpy(in + 2 + SC_SM2_DEFAULT_ID_LEN, sm2_abg, sizeof(sm2_abg));
    memcpy(in + 2 + SC_SM2_DEFAULT_ID_LEN + 128, pub + 1, 64);
    return sc_sm3(k->z, in, sizeof(in));
}

/* A private key whose scalar can be read signs with sm2_fast.c; a key kept in a token (its
 * scalar unreadable) goes on signing through its provider. */
static int prepare_fast(sc_key *k)
{
    BIGNUM *priv = NULL;
    unsigned char d[32];
    int error = 0;
    if (EVP_PKEY_get_bn_param(k->pkey, "priv", &priv) != 1) {
        ERR_clear_error();
        return 0;
    }
    if (BN_bn2binpad(priv, d, sizeof(d)) != (int)sizeof(d))
        error = sc_error_set(SC_EINVALID, "SM2 private key longer than 32 bytes");
    else
        error = sc_sm__sm2_fast_new(&k->fast, d);
    OPENSSL_cleanse(d, sizeof(d));
    BN_clear_free(priv);
    return error;
}

int sc_sm__key_wrap(sc_key **out, EVP_PKEY *pkey)
{
    sc_key *k;
    int error;
    *out = NULL;
    if (!EVP_PKEY_is_a(pkey, "SM2")) {
        EVP_PKEY_free(pkey);
        return sc_error_set(SC_EUNSUPPORTED, "not an SM2 key");
    }
    if (!(k = sc_calloc(1, sizeof(*k)))) {
        EVP_PKEY_free(pkey);
        return sc_error_oom();
    }
    k->pkey = pkey;
    if ((error = compute_z(k)) < 0 || (error = prepare_fast(k)) < 0) {
        sc_key_free(k);
        return error;
    }
    *out = k;
    return 0;
}

int sc_key_generate(sc_key **out)
{
    EVP_PKEY *pkey;
    SC_ASSERT_ARG(out);
    *out = NULL;
    if (sc_util__ossl_init() < 0)
        return SC_ECRYPTO;
    if (!(pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2")))
        return sc_error_set_ossl(SC_ECRYPTO, "SM2 key generation");
    return sc_sm__key_wrap(out, pkey);
}

/* An EC key on the SM2 curve read from a SEC1 or PKCS#8 structure may come back with key type
 * "EC" (the OID says ecPublicKey). Re-decode it as "SM2" so signing uses SM2, not ECDSA. */
int sc_sm__pkey_to_sm2(EVP_PKEY **pkey)
{
    char curve[64] = "";
    unsigned char *der = NULL;
    const unsigned char *p;
    int len, is_private;
    EVP_PKEY *sm2 = NULL;
    OSSL_DECODER_CTX *dctx = NULL;
    size_t dlen;

    if (EVP_PKEY_is_a(*pkey, "SM2") || !EVP_PKEY_is_a(*pkey, "EC"))
        return 0;
    if (!EVP_PKEY_get_utf8_string_param(*pkey, "group", curve, sizeof(curve), NULL) ||
        strcmp(curve, "SM2") != 0)
        return 0;
    {
        BIGNUM *priv = NULL;
        is_private = EVP_PKEY_get_bn_param(*pkey, "priv", &priv) == 1;
        BN_clear_free(priv);
        ERR_clear_error();
    }
    len = is_private ? i2d_PrivateKey(*pkey, &der) : i2d_PUBKEY(*pkey, &der);
    if (len <= 0)
        return sc_error_set_ossl(SC_ECRYPTO, "SM2 key conversion");
    p = der;
    dlen = (size_t)len;
    dctx = OSSL_DECODER_CTX_new_for_pkey(
        &sm2, "DER", NULL, "SM2", is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, NULL, NULL);
    if (!dctx || !OSSL_DECODER_from_data(dctx, &p, &dlen) || !sm2) {
        OSSL_DECODER_CTX_free(dctx);
        OPENSSL_clear_free(der, (size_t)len);
        return sc_error_set_ossl(SC_ECRYPTO, "SM2 key conversion");
    }
    OSSL_DECODER_CTX_free(dctx);
    OPENSSL_clear_free(der, (size_t)len);
    EVP_PKEY_free(*pkey);
    *pkey = sm2;
    return 0;
}

static bool looks_encrypted(const unsigned char *p, size_t len)
{
    static const char *const markers[] = {"ENCRYPTED PRIVATE KEY", "Proc-Type: 4,ENCRYPTED"};
    for (size_t m = 0; m < 2; m++) {
        size_t ml = strlen(markers[m]);
        for (size_t i = 0; i + ml <= len && i < 4096; i++)
            if (memcmp(p + i, markers[m], ml) == 0)
                return true;
    }
    return false;
}

/* DER PKCS#12 starts with SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data ... } }. */
static bool looks_pkcs12(const unsigned char *p, size_t len)
{
    PKCS12 *p12;
    if (len < 4 || p[0] != 0x30)
        return false;
    p12 = d2i_PKCS12(NULL, &p, (long)len);
    ERR_clear_error();
    if (!p12)
        return false;
    PKCS12_free(p12);
    return true;
}

/* ---- bounding the key derivation of encrypted keys ---------------------------------------- */

/*
 * An encrypted PKCS#8 key or a PKCS#12 file names the cost of its own key derivation, and OpenSSL
 * runs whatever it says. So before OpenSSL derives anything, every PBE parameter set it would use
 * is read and its work added up: the iteration count for PBES1, PKCS#12 PBE and PBKDF2 (PBES2),
 * N*r*p for scrypt (PBES2). Each must stay within SC_SM_MAX_KDF_ITERATIONS, their sum within
 * SC_SM_MAX_KDF_TOTAL. Parameters that do not decode are left alone: OpenSSL decodes them with
 * the same templates (RFC 8018 A.3, A.4, PKCS#12 PBE RFC 7292 C) and refuses them too. Unknown
 * algorithms pass for the same reason.
 */

/* The value of a count; UINT64_MAX when negative or wider than 64 bits, as OpenSSL converts
 * counts to long or int, where a negative one can wrap to a large positive one. An absent count
 * (the PKCS#12 MAC's is optional) is 1. */
static uint64_t count_value(const ASN1_INTEGER *count)
{
    uint64_t v;
    if (!count)
        return 1;
    if (!ASN1_INTEGER_get_uint64(&v, count)) {
        ERR_clear_error();
        return UINT64_MAX;
    }
    return v;
}

/* Add one derivation of @p work units (@p kind names them) to the file's *total. */
static int add_kdf_work(uint64_t *total, uint64_t work, const char *what, const char *kind)
{
    if (work == UINT64_MAX)
        return sc_error_set(SC_ELIMIT, "%s: %s is negative or out of range", what, kind);
    if (work > SC_SM_MAX_KDF_ITERATIONS)
        return sc_error_set(SC_ELIMIT, "%s: %s %" PRIu64 " is over the limit %d", what, kind, work,
                            SC_SM_MAX_KDF_ITERATIONS);
    *total += work; /* both at most SC_SM_MAX_KDF_TOTAL: no overflow */
    if (*total > SC_SM_MAX_KDF_TOTAL)
        return sc_error_set(SC_ELIMIT,
                            "%s: the key derivations of the file add up to %" PRIu64
                            " iterations, over the limit %d",
                            what, *total, SC_SM_MAX_KDF_TOTAL);
    return 0;
}

/* The NID of @p alg and in *params its parameters, or NID_undef when they are not a SEQUENCE
 * (no PBE or KDF we check has other parameters). */
static int algor_params(const ASN1_STRING **params, const X509_ALGOR *alg)
{
    const ASN1_OBJECT *obj;
    const void *pval;
    int ptype;
    X509_ALGOR_get0(&obj, &ptype, &pval, alg);
    *params = pval;
    return ptype == V_ASN1_SEQUENCE ? OBJ_obj2nid(obj) : NID_undef;
}

/* Add the work of the PBE @p alg (@p what names its place in the file) to *total. */
static int check_pbe_algor(uint64_t *total, const X509_ALGOR *alg, const char *what)
{
    const ASN1_STRING *params;
    PBE2PARAM *pbe2 = NULL;
    int error = 0, nid = algor_params(&params, alg);

    if (nid == NID_pbes2 || nid == NID_pbmac1) {
        /* PBES2-params and PBMAC1-params (RFC 8018 A.4, A.5; the PKCS#12 MAC of RFC 9579, which
         * OpenSSL 3.4 reads) are both SEQUENCE { keyDerivationFunc, second AlgorithmIdentifier }:
         * the cost is in keyDerivationFunc */
        if (!(pbe2 = ASN1_item_unpack(params, ASN1_ITEM_rptr(PBE2PARAM))))
            goto done;
        nid = algor_params(&params, pbe2->keyfunc);
        if (nid == NID_id_pbkdf2) {
            PBKDF2PARAM *kdf = ASN1_item_unpack(params, ASN1_ITEM_rptr(PBKDF2PARAM));
            if (kdf)
                error = add_kdf_work(total, count_value(kdf->iter), what, "PBKDF2 iteration count");
            PBKDF2PARAM_free(kdf);
        }
#ifndef OPENSSL_NO_SCRYPT
        else if (nid == NID_id_scrypt) {
            /* RFC 7914 7: time grows with N*r*p; memory (128*r*(N+p)) OpenSSL caps at 32 MB */
            SCRYPT_PARAMS *sp = ASN1_item_unpack(params, ASN1_ITEM_rptr(SCRYPT_PARAMS));
            uint64_t nr, nrp;
            if (sp) {
                if (__builtin_mul_overflow(count_value(sp->costParameter),
                                           count_value(sp->blockSize), &nr) ||
                    __builtin_mul_overflow(nr, count_value(sp->parallelizationParameter), &nrp))
                    nrp = UINT64_MAX;
                error = add_kdf_work(total, nrp, what, "scrypt cost N*r*p");
            }
            SCRYPT_PARAMS_free(sp);
        }
#endif
    } else if (nid != NID_undef && EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, NULL, NULL, NULL)) {
        /* every other PBE OpenSSL knows (PBES1, PKCS#12 PBE) takes PBEParameter (RFC 8018 A.3) */
        PBEPARAM *pbe = ASN1_item_unpack(params, ASN1_ITEM_rptr(PBEPARAM));
        if (pbe)
            error = add_kdf_work(total, count_value(pbe->iter), what, "PBE iteration count");
        PBEPARAM_free(pbe);
    }
done:
    PBE2PARAM_free(pbe2);
    ERR_clear_error();
    return error;
}

/* If @p der starts with an EncryptedPrivateKeyInfo (RFC 5958 3), add the work of its PBE. */
static int check_epki(uint64_t *total, const unsigned char *der, long len)
{
    X509_SIG *sig = d2i_X509_SIG(NULL, &der, len);
    const X509_ALGOR *alg;
    int error;
    if (!sig) {
        ERR_clear_error();
        return 0;
    }
    X509_SIG_get0(sig, &alg, NULL);
    error = check_pbe_algor(total, alg, "encrypted PKCS#8 key");
    X509_SIG_free(sig);
    return error;
}

/*
 * Every EncryptedPrivateKeyInfo OSSL_DECODER might decrypt in a key file: the input as DER, and
 * the body of each PEM block whatever its label (the decoders try every structure on a label
 * they do not know). A PEM block with a header is first freed of its legacy encryption as
 * decode_pem2der.c does (same condition: a header over 10 characters): that is one MD5 round
 * (EVP_BytesToKey), but it may wrap a PBES2 key.
 */
static int check_pkcs8_kdf(const unsigned char *data, size_t len, const char *password)
{
    uint64_t total = 0;
    BIO *bio = NULL;
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long der_len = 0;
    int error;

    if ((error = check_epki(&total, data, (long)len)) < 0)
        return error;
    if (!(bio = BIO_new_mem_buf(data, (int)len)))
        return sc_error_set_ossl(SC_ENOMEM, "memory BIO");
    while (error == 0 && PEM_read_bio(bio, &name, &header, &der, &der_len)) {
        EVP_CIPHER_INFO cipher;
        long body_len = der_len;
        if (strlen(header) <= 10 ||
            (password && PEM_get_EVP_CIPHER_INFO(header, &cipher) &&
             PEM_do_header(&cipher, der, &body_len, NULL, (void *)password)))
            error = check_epki(&total, der, body_len);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_clear_free(der, (size_t)der_len);
    }
    ERR_clear_error(); /* PEM_read_bio's "no start line" at the end */
    BIO_free(bio);
    return error;
}

/* Add the work of the shrouded key bags among @p bags, also inside SafeContents bags (their
 * nesting is bounded by the DER decoder, ASN1_MAX_CONSTRUCTED_NEST). */
static int check_pkcs12_bags(uint64_t *total, const STACK_OF(PKCS12_SAFEBAG) * bags)
{
    int error = 0;
    for (int i = 0; error == 0 && i < sk_PKCS12_SAFEBAG_num(bags); i++) {
        const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
        const X509_ALGOR *alg;
        switch (PKCS12_SAFEBAG_get_nid(bag)) {
        case NID_pkcs8ShroudedKeyBag:
            X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, NULL);
            error = check_pbe_algor(total, alg, "PKCS#12 file: shrouded key bag");
            break;
        case NID_safeContentsBag:
            error = check_pkcs12_bags(total, PKCS12_SAFEBAG_get0_safes(bag));
            break;
        default:
            break;
        }
    }
    return error;
}

/*
 * Add the work of the derivations PKCS12_parse runs after the MAC (RFC 7292 4.1): it decrypts
 * every encrypted safe and a shrouded key bag. The first pass reads what needs no password: the
 * PBE of each encrypted safe and the key bags of plain safes, so that a file whose sum is over
 * the limit costs nothing. Key bags inside an encrypted safe can only be seen by decrypting it,
 * which the second pass (@p decrypt) does once the first has passed its cost; such a safe is
 * then derived twice, here and in PKCS12_parse. A safe that does not decrypt is skipped:
 * PKCS12_parse fails on it as well and reports it.
 */
static int check_pkcs12_safes(uint64_t *total, const PKCS12 *p12, bool decrypt,
                              const char *password)
{
    STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
    int error = 0;
    for (int i = 0; error == 0 && i < sk_PKCS7_num(safes); i++) {
        PKCS7 *p7 = sk_PKCS7_value(safes, i);
        STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
        if (PKCS7_type_is_data(p7)) {
            if (!decrypt)
                bags = PKCS12_unpack_p7data(p7);
        } else if (PKCS7_type_is_encrypted(p7) && p7->d.encrypted && p7->d.encrypted->enc_data &&
                   p7->d.encrypted->enc_data->algorithm) {
            if (decrypt)
                bags = PKCS12_unpack_p7encdata(p7, password, -1);
            else
                error = check_pbe_algor(total, p7->d.encrypted->enc_data->algorithm,
                                        "PKCS#12 file: encrypted safe contents");
        }
        if (error == 0 && bags)
            error = check_pkcs12_bags(total, bags);
        sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    }
    sk_PKCS7_pop_free(safes, PKCS7_free);
    ERR_clear_error();
    return error;
}

int sc_key_parse(sc_key **out, const void *data, size_t len, const char *password)
{
    OSSL_DECODER_CTX *dctx = NULL;
    EVP_PKEY *pkey = NULL;
    const unsigned char *p = data;
    size_t left = len;
    int error = 0;

    SC_ASSERT_ARG(out && (data || len == 0));
    *out = NULL;
    if (sc_util__ossl_init() < 0)
        return SC_ECRYPTO;
    if (len == 0)
        return sc_error_set(SC_EFORMAT, "empty key");
    if (len > SC_SM_MAX_KEY_FILE_SIZE)
        return sc_error_set(SC_ELIMIT, "key of %zu bytes is over the limit", len);
    if (looks_pkcs12(p, len))
        return sc_pkcs12_parse(out, NULL, data, len, password);
    if ((error = check_pkcs8_kdf(p, len, password)) < 0)
        return error;

    dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL, 0, NULL, NULL);
    if (!dctx) {
        error = sc_error_set_ossl(SC_ECRYPTO, "key decoder");
        goto done;
    }
    if (password &&
        !OSSL_DECODER_CTX_set_passphrase(dctx, (const unsigned char *)password, strlen(password))) {
        error = sc_error_set_ossl(SC_ECRYPTO, "key decoder");
        goto done;
    }
    if (!OSSL_DECODER_from_data(dctx, &p, &left) || !pkey) {
        if (looks_encrypted(data, len))
            error = sc_error_set(SC_EPASSWORD, password ? "wrong password for the encrypted key"
                                                        : "the key is encrypted: a password is "
                                                          "needed");
        else
            error = sc_error_set(SC_EFORMAT, "not a PEM or DER private or public key");
        ERR_clear_error();
        goto done;
    }
    if ((error = sc_sm__pkey_to_sm2(&pkey)) < 0)
        goto done;
    error = sc_sm__key_wrap(out, pkey);
    pkey = NULL;
done:
    OSSL_DECODER_CTX_free(dctx);
    EVP_PKEY_free(pkey);
    return error;
}

int sc_key_read_file(sc_key **out, const char *path, const char *password)
{
    sc_buf b = SC_BUF_INIT;
    int error;
    SC_ASSERT_ARG(out && path);
    *out = NULL;
    if ((error = sc_fs_read_file(&b, path, SC_SM_MAX_KEY_FILE_SIZE)) < 0)
        return error;
    error = sc_key_parse(out, b.ptr, b.size, password);
    sc_buf_dispose(&b);
    return error;
}

int sc_pkcs12_parse(sc_key **key_out, sc_cert **cert_out, const void *data, size_t len,
                    const char *password)
{
    const unsigned char *p = data;
    PKCS12 *p12 = NULL;
    EVP_PKEY *pkey = NULL;
    X509 *x509 = NULL;
    STACK_OF(X509) *ca = NULL;
    sc_key *key = NULL;
    sc_cert *cert = NULL;
    uint64_t kdf_total = 0; /* key derivation work the file asks for (iterations) */
    int error = 0;

    SC_ASSERT_ARG((key_out || cert_out) && (data || len == 0));
    if (key_out)
        *key_out = NULL;
    if (cert_out)
        *cert_out = NULL;
    if ((error = sc_util__ossl_init()) < 0)
        return error;
    if (len > SC_SM_MAX_KEY_FILE_SIZE)
        return sc_error_set(SC_ELIMIT, "PKCS#12 of %zu bytes is over the limit", len);
    if (!(p12 = d2i_PKCS12(NULL, &p, (long)len)))
        return sc_error_set_ossl(SC_EFORMAT, "not a PKCS#12 file");
    if (!password) {
        error = sc_error_set(SC_EPASSWORD, "PKCS#12 file: a password is needed");
        goto done;
    }
    if (PKCS12_mac_present(p12)) {
        const X509_ALGOR *mac_alg = NULL;
        const ASN1_INTEGER *mac_iter = NULL;
        PKCS12_get0_mac(NULL, &mac_alg, NULL, &mac_iter, p12);
        if ((error = add_kdf_work(&kdf_total, count_value(mac_iter), "PKCS#12 file",
                                  "MAC iteration count")) < 0 ||
            (error = check_pbe_algor(&kdf_total, mac_alg, "PKCS#12 file: MAC")) < 0)
            goto done;
    }
    if ((error = check_pkcs12_safes(&kdf_total, p12, false, NULL)) < 0)
        goto done;
    if (PKCS12_mac_present(p12) && !PKCS12_verify_mac(p12, password, -1)) {
        error = sc_error_set(SC_EPASSWORD, "PKCS#12 file: wrong password (MAC check failed)");
        ERR_clear_error();
        goto done;
    }
    if ((error = check_pkcs12_safes(&kdf_total, p12, true, password)) < 0)
        goto done;
    if (!PKCS12_parse(p12, password, &pkey, &x509, &ca)) {
        /* A legacy PBE (3DES, RC2-40) without the legacy provider lands here. */
        error = sc_error_set_ossl(SC_EFORMAT, "PKCS#12 file cannot be decrypted");
        goto done;
    }
    if (key_out) {
        if (!pkey) {
            error = sc_error_set(SC_ENOTFOUND, "PKCS#12 file holds no private key");
            goto done;
        }
        if ((error = sc_sm__pkey_to_sm2(&pkey)) < 0 || (error = sc_sm__key_wrap(&key, pkey)) < 0) {
            pkey = NULL;
            goto done;
        }
        pkey = NULL;
    }
    if (cert_out) {
        if (!x509) {
            error = sc_error_set(SC_ENOTFOUND, "PKCS#12 file holds no certificate");
            goto done;
        }
        error = sc_sm__cert_wrap(&cert, x509);
        x509 = NULL;
        if (error < 0)
            goto done;
    }
    if (key_out)
        *key_out = key;
    if (cert_out)
        *cert_out = cert;
    key = NULL;
    cert = NULL;
done:
    sc_key_free(key);
    sc_cert_free(cert);
    EVP_PKEY_free(pkey);
    X509_free(x509);
    sk_X509_pop_free(ca, X509_free);
    PKCS12_free(p12);
    return error;
}

int sc_key_has_private(const sc_key *key)
{
    BIGNUM *priv = NULL;
    int has;
    if (!key)
        return 0;
    has = EVP_PKEY_get_bn_param(key->pkey, "priv", &priv) == 1;
    BN_clear_free(priv);
    ERR_clear_error();
    return has;
}

int sc_key_equal_public(const sc_key *a, const sc_key *b)
{
    int r;
    if (!a || !b)
        return 0;
    r = EVP_PKEY_eq(a->pkey, b->pkey) == 1;
    ERR_clear_error();
    return r;
}

static int bio_to_buf(sc_buf *out, BIO *bio)
{
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    sc_buf tmp = SC_BUF_INIT;
    int error;
    if (n < 0 || (error = sc_buf_put(&tmp, p, (size_t)n)) < 0)
        return n < 0 ? sc_error_set(SC_ECRYPTO, "memory BIO") : error;
    sc_buf_dispose(out);
    *out = tmp;
    return 0;
}

int sc_key_write_pem(sc_buf *out, const sc_key *key, const char *password)
{
    BIO *bio = NULL;
    int error = 0;
    SC_ASSERT_ARG(out && key);
    if (!sc_key_has_private(key))
        return sc_error_set(SC_EINVALID, "the key has no private part");
    if (!(bio = BIO_new(BIO_s_mem())))
        return sc_error_set_ossl(SC_ENOMEM, "memory BIO");
    /* Encrypted keys: PBES2 with SM4-CBC (PBKDF2 with OpenSSL's default PRF). */
    if (!PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, password ? EVP_sm4_cbc() : NULL, NULL, 0,
                                       NULL, (void *)password)) {
        error = sc_error_set_ossl(SC_ECRYPTO, "writing the private key");
        goto done;
    }
    error = bio_to_buf(out, bio);
done:
    BIO_free(bio);
    return error;
}

int sc_key_write_public_pem(sc_buf *out, const sc_key *key)
{
    BIO *bio = NULL;
    int error = 0;
    SC_ASSERT_ARG(out && key);
    if (!(bio = BIO_new(BIO_s_mem())))
        return sc_error_set_ossl(SC_ENOMEM, "memory BIO");
    if (!PEM_write_bio_PUBKEY(bio, key->pkey))
        error = sc_error_set_ossl(SC_ECRYPTO, "writing the public key");
    else
        error = bio_to_buf(out, bio);
    BIO_free(bio);
    return error;
}

void sc_key_free(sc_key *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL clears private key material itself */
    sc_sm__sm2_fast_free(key->fast);
    sc_free(key);
}
