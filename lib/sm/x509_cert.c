/* SM2 X.509 certificates (GB/T 20518-2018): reading, accessors, signature checks. */
#include "sm/sm_int.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

int sc_sm__x509_set_sm2_id(X509 *x509)
{
    ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
    if (!id || !ASN1_OCTET_STRING_set(id, (const unsigned char *)SC_SM2_DEFAULT_ID,
                                      SC_SM2_DEFAULT_ID_LEN)) {
        ASN1_OCTET_STRING_free(id);
        return sc_error_set_ossl(SC_ENOMEM, "SM2 ID");
    }
    X509_set0_distinguishing_id(x509, id); /* takes ownership */
    return 0;
}

int sc_sm__asn1_time(sc_time *out, const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm)) {
        ERR_clear_error();
        return sc_error_set(SC_EFORMAT, "bad time");
    }
    *out = sc_time_from_utc(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                            tm.tm_sec);
    return 0;
}

static char *name_text(const X509_NAME *name)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *p = NULL, *s = NULL;
    long n;
    if (!bio)
        return NULL;
    /* RFC 2253/4514 order (most specific first), UTF-8 kept as UTF-8. */
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
        (n = BIO_get_mem_data(bio, &p)) >= 0)
        s = sc_strndup(p ? p : "", (size_t)n);
    BIO_free(bio);
    return s;
}

int sc_sm__cert_wrap(sc_cert **out, X509 *x509)
{
    sc_cert *c = NULL;
    unsigned char *der = NULL;
    EVP_PKEY *pkey = NULL;
    BIGNUM *serial = NULL;
    char *hex = NULL;
    int len, error = 0, nid;

    *out = NULL;
    if (!(c = sc_calloc(1, sizeof(*c)))) {
        X509_free(x509);
        return sc_error_oom();
    }
    c->x509 = x509;
    c->refs = 1;
    if ((len = i2d_X509(x509, &der)) <= 0) {
        error = sc_error_set_ossl(SC_EFORMAT, "certificate cannot be encoded");
        goto done;
    }
    c->der = sc_memdup(der, (size_t)len);
    c->der_len = (size_t)len;
    c->subject = name_text(X509_get_subject_name(x509));
    c->issuer = name_text(X509_get_issuer_name(x509));
    if (!(serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509), NULL)) ||
        !(hex = BN_bn2hex(serial))) {
        error = sc_error_set_ossl(SC_EFORMAT, "certificate serial number");
        goto done;
    }
    c->serial = sc_strdup(hex);
    if (!c->der || !c->subject || !c->issuer || !c->serial) {
        error = sc_error_oom();
        goto done;
    }
    if ((error = sc_sm__asn1_time(&c->not_before, X509_get0_notBefore(x509))) < 0 ||
        (error = sc_sm__asn1_time(&c->not_after, X509_get0_notAfter(x509))) < 0) {
        sc_error_prefix("certificate validity");
        goto done;
    }
    {
        const X509_ALGOR *alg = NULL;
        X509_get0_signature(NULL, &alg, x509);
        if (alg)
            OBJ_obj2txt(c->sig_alg, sizeof(c->sig_alg), alg->algorithm, 1);
    }
    nid = X509_get_signature_nid(x509);
    if (nid == NID_SM2_with_SM3 && (error = sc_sm__x509_set_sm2_id(x509)) < 0)
        goto done;
    /* The subject key: kept only when it is SM2 (an EC key on the SM2 curve is converted);
     * other keys make sc_cert_key() NULL. */
    if ((pkey = X509_get_pubkey(x509)) != NULL) {
        if ((error = sc_sm__pkey_to_sm2(&pkey)) < 0) {
            sc_error_prefix("certificate public key");
            goto done;
        }
        if (EVP_PKEY_is_a(pkey, "SM2")) {
            error = sc_sm__key_wrap(&c->key, pkey);
            pkey = NULL;
            if (error < 0) {
                sc_error_prefix("certificate public key");
                goto done;
            }
        }
    }
    ERR_clear_error();
    *out = c;
    c = NULL;
done:
    OPENSSL_free(der);
    OPENSSL_free(hex);
    BN_free(serial);
    EVP_PKEY_free(pkey);
    sc_cert_free(c);
    return error;
}

int sc_cert_parse(sc_cert **out, const void *data, size_t len)
{
    X509 *x509 = NULL;
    const unsigned char *p = data;

    SC_ASSERT_ARG(out && (data || len == 0));
    *out = NULL;
    if (sc_util__ossl_init() < 0)
        return SC_ECRYPTO;
    if (len == 0)
        return sc_error_set(SC_EFORMAT, "empty certificate");
    if (len > SC_SM_MAX_KEY_FILE_SIZE)
        return sc_error_set(SC_ELIMIT, "certificate of %zu bytes is over the limit", len);
    if (len > 10 && memcmp(p, "-----BEGIN", 10) == 0) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio)
            x509 = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        BIO_free(bio);
        if (!x509)
            return sc_error_set_ossl(SC_EFORMAT, "not a PEM certificate");
    } else {
        x509 = d2i_X509(NULL, &p, (long)len);
        if (!x509)
            return sc_error_set_ossl(SC_EFORMAT, "not a DER certificate");
        if (p != (const unsigned char *)data + len) {
            X509_free(x509);
            return sc_error_set(SC_EFORMAT, "%zu trailing bytes after the certificate",
                                len - (size_t)(p - (const unsigned char *)data));
        }
    }
    return sc_sm__cert_wrap(out, x509);
}

int sc_cert_read_file(sc_cert **out, const char *path, const char *password)
{
    sc_buf b = SC_BUF_INIT;
    int error;
    SC_ASSERT_ARG(out && path);
    *out = NULL;
    if ((error = sc_fs_read_file(&b, path, SC_SM_MAX_KEY_FILE_SIZE)) < 0)
        return error;
    if (b.size > 4 && b.ptr[0] == 0x30) {
        /* DER: a certificate, or a PKCS#12 whose certificate is wanted. */
        error = sc_cert_parse(out, b.ptr, b.size);
        if (error == SC_EFORMAT) {
            int e2 = sc_pkcs12_parse(NULL, out, b.ptr, b.size, password);
            if (e2 != SC_EFORMAT)
                error = e2;
            else
                sc_error_set(SC_EFORMAT, "not a certificate or PKCS#12 file");
        }
    } else {
        error = sc_cert_parse(out, b.ptr, b.size);
    }
    sc_buf_dispose(&b);
    return error;
}

const unsigned char *sc_cert_der(const sc_cert *cert, size_t *len)
{
    if (len)
        *len = cert ? cert->der_len : 0;
    return cert ? cert->der : NULL;
}

const char *sc_cert_subject(const sc_cert *cert)
{
    return cert ? cert->subject : "";
}

const char *sc_cert_issuer(const sc_cert *cert)
{
    return cert ? cert->issuer : "";
}

const char *sc_cert_serial(const sc_cert *cert)
{
    return cert ? cert->serial : "";
}

sc_time sc_cert_not_before(const sc_cert *cert)
{
    return cert ? cert->not_before : 0;
}

sc_time sc_cert_not_after(const sc_cert *cert)
{
    return cert ? cert->not_after : 0;
}

const char *sc_cert_sig_alg(const sc_cert *cert)
{
    return cert ? cert->sig_alg : "";
}

const sc_key *sc_cert_key(const sc_cert *cert)
{
    return cert ? cert->key : NULL;
}

int sc_cert_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const sc_cert *cert)
{
    SC_ASSERT_ARG(out && cert);
    return sc_sm3(out, cert->der, cert->der_len);
}

int sc_cert_equal(const sc_cert *a, const sc_cert *b)
{
    return a && b && a->der_len == b->der_len && memcmp(a->der, b->der, a->der_len) == 0;
}

int sc_cert_write_pem(sc_buf *out, const sc_cert *cert)
{
    BIO *bio;
    char *p = NULL;
    long n;
    int error;
    SC_ASSERT_ARG(out && cert);
    if (!(bio = BIO_new(BIO_s_mem())))
        return sc_error_set_ossl(SC_ENOMEM, "memory BIO");
    if (!PEM_write_bio_X509(bio, cert->x509) || (n = BIO_get_mem_data(bio, &p)) < 0)
        error = sc_error_set_ossl(SC_ECRYPTO, "writing the certificate");
    else
        error = sc_buf_set(out, p, (size_t)n);
    BIO_free(bio);
    return error;
}

sc_cert *sc_cert_ref(const sc_cert *cert)
{
    sc_cert *c = (sc_cert *)cert;
    if (c)
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    return c;
}

void sc_cert_free(sc_cert *cert)
{
    if (!cert || __atomic_sub_fetch(&cert->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    X509_free(cert->x509);
    sc_free(cert->der);
    sc_free(cert->subject);
    sc_free(cert->issuer);
    sc_free(cert->serial);
    sc_key_free(cert->key);
    sc_free(cert);
}

int sc_cert_check_signature(int *is_valid, const sc_cert *cert, const sc_cert *issuer)
{
    EVP_PKEY *pkey;
    int r;
    SC_ASSERT_ARG(is_valid && cert && issuer);
    *is_valid = 0;
    if (X509_get_signature_nid(cert->x509) != NID_SM2_with_SM3)
        return sc_error_set(SC_EUNSUPPORTED,
                            "certificate signature algorithm %s is not "
                            "SM2-with-SM3",
                            cert->sig_alg);
    if (!issuer->key)
        return sc_error_set(SC_EUNSUPPORTED, "issuer key is not an SM2 key");
    pkey = issuer->key->pkey;
    r = X509_verify(cert->x509, pkey);
    ERR_clear_error();
    *is_valid = r == 1;
    return 0;
}
