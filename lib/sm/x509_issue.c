/* Issuing SM2-with-SM3 certificates with GB/T 20518-2018 profiles: root CA, seal maker (制章人),
 * signer (签章人). */
#include "sm/sm_int.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Parse "CN=a,O=b,C=CN" (RFC 4514: most specific first, "\," escapes) or "/C=CN/O=b/CN=a"
 * (OpenSSL style: least specific first) into an X509_NAME in DER order (C first). */
static int parse_subject(X509_NAME **out, const char *text)
{
    X509_NAME *name = NULL;
    char *copy = NULL, **parts = NULL;
    size_t nparts = 0, len;
    bool slash;
    int error = 0;

    *out = NULL;
    if (!text || !*text)
        return sc_error_set(SC_EINVALID, "subject: empty");
    len = strlen(text);
    slash = text[0] == '/';
    if (!(copy = sc_strdup(slash ? text + 1 : text)) ||
        !(parts = sc_calloc(len + 1, sizeof(*parts))) || !(name = X509_NAME_new())) {
        error = sc_error_oom();
        goto done;
    }
    /* Split on the separator, honouring backslash escapes (removed in place). */
    {
        char sep = slash ? '/' : ',', *w = copy, *start = copy;
        for (char *r = copy;; r++) {
            if (*r == '\\' && r[1]) {
                *w++ = *++r;
                continue;
            }
            if (*r == sep || *r == '\0') {
                bool end = *r == '\0';
                *w++ = '\0';
                parts[nparts++] = start;
                start = w;
                if (end)
                    break;
                continue;
            }
            *w++ = *r;
        }
    }
    for (size_t i = 0; i < nparts; i++) {
        /* RFC 4514 lists the most specific RDN first: add in reverse to get DER order. */
        char *part = parts[slash ? i : nparts - 1 - i], *eq;
        while (*part == ' ')
            part++;
        if (!(eq = strchr(part, '=')) || eq == part || !eq[1]) {
            error = sc_error_set(SC_EINVALID, "subject: '%s' is not TYPE=value", part);
            goto done;
        }
        *eq = '\0';
        if (!X509_NAME_add_entry_by_txt(name, part, MBSTRING_UTF8, (unsigned char *)eq + 1, -1, -1,
                                        0)) {
            ERR_clear_error();
            error = sc_error_set(SC_EINVALID, "subject: unknown attribute type '%s'", part);
            goto done;
        }
    }
    *out = name;
    name = NULL;
done:
    X509_NAME_free(name);
    sc_free(parts);
    sc_free(copy);
    return error;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    int ok = ext && X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    if (!ok)
        return sc_error_set_ossl(SC_ECRYPTO, "certificate extension %s", OBJ_nid2sn(nid));
    return 0;
}

static int set_time(ASN1_TIME *t, sc_time when)
{
    /* ASN1_TIME_set picks UTCTime up to 2049 and GeneralizedTime after, as RFC 5280 requires. */
    if (!ASN1_TIME_set(t, (time_t)when))
        return sc_error_set_ossl(SC_EINVALID, "certificate time out of range");
    return 0;
}

int sc_cert_issue(sc_cert **out, const sc_key *subject_key, const sc_key *issuer_key,
                  const sc_cert *issuer, const sc_cert_issue_options *opts)
{
    X509 *x = NULL;
    X509_NAME *subject = NULL;
    EVP_MD_CTX *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    ASN1_INTEGER *serial = NULL;
    BIGNUM *bn = NULL;
    X509V3_CTX v3;
    unsigned char rnd[16];
    sc_time nb, na;
    int error = 0;

    SC_ASSERT_ARG(out && subject_key && issuer_key && opts);
    *out = NULL;
    if (opts->version != SC_CERT_ISSUE_OPTIONS_VERSION)
        return sc_error_set(SC_EINVALID, "sc_cert_issue_options: unknown version %u",
                            opts->version);
    if (!sc_key_has_private(issuer_key))
        return sc_error_set(SC_EINVALID, "issuer key has no private part");
    if (!issuer && !sc_key_equal_public(subject_key, issuer_key))
        return sc_error_set(SC_EINVALID, "a self-signed certificate needs the subject key to sign");
    if (issuer && issuer->key && !sc_key_equal_public(issuer->key, issuer_key))
        return sc_error_set(SC_EINVALID, "issuer key does not match the issuer certificate");
    if (opts->serial_len > 20 || (opts->serial && opts->serial_len == 0))
        return sc_error_set(SC_EINVALID, "serial: 1 to 20 bytes (RFC 5280 4.1.2.2)");
    nb = opts->not_before == SC_TIME_NOW ? sc_time_now() : opts->not_before;
    na = opts->not_after == SC_TIME_NOW ? nb + (sc_time)(opts->days > 0 ? opts->days : 365) * 86400
                                        : opts->not_after;
    if (na <= nb)
        return sc_error_set(SC_EINVALID, "not_after must be later than not_before");
    if ((error = parse_subject(&subject, opts->subject)) < 0)
        return error;

    if (!(x = X509_new())) {
        error = sc_error_set_ossl(SC_ENOMEM, "certificate");
        goto done;
    }
    if (opts->serial) {
        bn = BN_bin2bn(opts->serial, (int)opts->serial_len, NULL);
    } else {
        if ((error = sc_random(rnd, sizeof(rnd))) < 0)
            goto done;
        rnd[0] &= 0x7f; /* positive */
        rnd[0] |= 0x40; /* and 16 bytes long */
        bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
    }
    if (!bn || !(serial = BN_to_ASN1_INTEGER(bn, NULL)) || !X509_set_version(x, X509_VERSION_3) ||
        !X509_set_serialNumber(x, serial) || !X509_set_subject_name(x, subject) ||
        !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x509) : subject) ||
        !X509_set_pubkey(x, subject_key->pkey)) {
        error = sc_error_set_ossl(SC_ECRYPTO, "certificate fields");
        goto done;
    }
    if ((error = set_time(X509_getm_notBefore(x), nb)) < 0 ||
        (error = set_time(X509_getm_notAfter(x), na)) < 0)
        goto done;

    X509V3_set_ctx(&v3, issuer ? issuer->x509 : x, x, NULL, NULL, 0);
    switch (opts->profile) {
    case SC_CERT_ROOT_CA:
        if ((error = add_ext(x, &v3, NID_basic_constraints, "critical,CA:TRUE")) < 0 ||
            (error = add_ext(x, &v3, NID_key_usage, "critical,keyCertSign,cRLSign")) < 0)
            goto done;
        break;
    case SC_CERT_SEAL_MAKER:
    case SC_CERT_SIGNER:
        if ((error = add_ext(x, &v3, NID_basic_constraints, "critical,CA:FALSE")) < 0 ||
            (error = add_ext(x, &v3, NID_key_usage, "critical,digitalSignature,nonRepudiation")) <
                0)
            goto done;
        break;
    default:
        error = sc_error_set(SC_EINVALID, "unknown certificate profile %d", (int)opts->profile);
        goto done;
    }
    if ((error = add_ext(x, &v3, NID_subject_key_identifier, "hash")) < 0 ||
        (issuer && (error = add_ext(x, &v3, NID_authority_key_identifier, "keyid:always")) < 0))
        goto done;

    /* Sign with SM2-with-SM3 and the default ID in Z, like every other implementation. */
    if (!(md = EVP_MD_CTX_new()) ||
        !EVP_DigestSignInit_ex(md, &pctx, "SM3", NULL, NULL, issuer_key->pkey, NULL) ||
        EVP_PKEY_CTX_set1_id(pctx, SC_SM2_DEFAULT_ID, SC_SM2_DEFAULT_ID_LEN) <= 0 ||
        X509_sign_ctx(x, md) <= 0) {
        error = sc_error_set_ossl(SC_ECRYPTO, "signing the certificate");
        goto done;
    }
    error = sc_sm__cert_wrap(out, x);
    x = NULL;
done:
    sc_cleanse(rnd, sizeof(rnd));
    X509_free(x);
    X509_NAME_free(subject);
    EVP_MD_CTX_free(md);
    ASN1_INTEGER_free(serial);
    BN_free(bn);
    return error;
}
