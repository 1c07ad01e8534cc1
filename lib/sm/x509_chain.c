/* Trust sets and certificate path validation (RFC 5280 via OpenSSL's X509_verify_cert) with SM2
 * signatures checked with the default ID. */
#include "sm/sm_int.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

struct sc_trust {
    X509_STORE *store; /* owned; read-only after construction, so safe to share across threads */
    size_t count;      /* certificates added */
};

static int trust_alloc(sc_trust **out)
{
    sc_trust *t = sc_calloc(1, sizeof(*t));
    *out = NULL;
    if (!t)
        return sc_error_oom();
    if (!(t->store = X509_STORE_new())) {
        sc_free(t);
        return sc_error_set_ossl(SC_ENOMEM, "certificate store");
    }
    *out = t;
    return 0;
}

static int trust_add(sc_trust *t, X509 *x)
{
    if (X509_get_signature_nid(x) == NID_SM2_with_SM3 && sc_sm__x509_set_sm2_id(x) < 0)
        return SC_ENOMEM;
    if (!X509_STORE_add_cert(t->store, x)) {
        unsigned long e = ERR_peek_last_error();
        /* The same certificate twice in a directory is harmless. */
        if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
            return sc_error_set_ossl(SC_ECRYPTO, "adding a trusted certificate");
        ERR_clear_error();
        return 0;
    }
    t->count++;
    return 0;
}

int sc_trust_new(sc_trust **out, const sc_cert *const *certs, size_t count)
{
    sc_trust *t = NULL;
    int error;
    SC_ASSERT_ARG(out && (certs || count == 0));
    if ((error = trust_alloc(&t)) < 0)
        return error;
    for (size_t i = 0; i < count; i++)
        if ((error = trust_add(t, certs[i]->x509)) < 0) {
            sc_trust_free(t);
            return error;
        }
    *out = t;
    return 0;
}

/* Add every certificate of one file: PEM (possibly several) or DER. Files that hold no
 * certificate (keys, READMEs) are skipped. */
static int add_file(sc_trust *t, const char *path)
{
    sc_buf b = SC_BUF_INIT;
    BIO *bio = NULL;
    X509 *x = NULL;
    int error;

    if ((error = sc_fs_read_file(&b, path, SC_SM_MAX_KEY_FILE_SIZE)) < 0) {
        sc_error_clear();
        return 0;
    }
    if (b.size > 10 && memcmp(b.ptr, "-----BEGIN", 10) == 0) {
        if (!(bio = BIO_new_mem_buf(b.ptr, (int)b.size))) {
            error = sc_error_set_ossl(SC_ENOMEM, "memory BIO");
            goto done;
        }
        while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
            if (t->count >= SC_SM_MAX_TRUST_CERTS) {
                error = sc_error_set(SC_ELIMIT, "%s: more than %d trusted certificates", path,
                                     SC_SM_MAX_TRUST_CERTS);
                goto done;
            }
            if ((error = trust_add(t, x)) < 0)
                goto done;
            X509_free(x);
            x = NULL;
        }
    } else {
        const unsigned char *p = b.ptr;
        if ((x = d2i_X509(NULL, &p, (long)b.size)) != NULL && p == b.ptr + b.size)
            error = trust_add(t, x);
    }
    ERR_clear_error();
done:
    X509_free(x);
    BIO_free(bio);
    sc_buf_dispose(&b);
    return error;
}

int sc_trust_load_dir(sc_trust **out, const char *dir)
{
    sc_trust *t = NULL;
    DIR *d = NULL;
    struct dirent *e;
    int error;

    SC_ASSERT_ARG(out && dir);
    *out = NULL;
    if ((error = sc_util__ossl_init()) < 0)
        return error;
    if (!(d = opendir(dir)))
        return sc_error_set(SC_ENOTFOUND, "%s: cannot open trust directory", dir);
    if ((error = trust_alloc(&t)) < 0)
        goto done;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
            continue;
        if ((error = add_file(t, path)) < 0)
            goto done;
    }
    if (t->count == 0) {
        error = sc_error_set(SC_ENOTFOUND, "%s: no certificate in the trust directory", dir);
        goto done;
    }
    *out = t;
    t = NULL;
done:
    if (d)
        closedir(d);
    sc_trust_free(t);
    return error;
}

size_t sc_trust_count(const sc_trust *trust)
{
    return trust ? trust->count : 0;
}

void sc_trust_free(sc_trust *trust)
{
    if (!trust)
        return;
    X509_STORE_free(trust->store);
    sc_free(trust);
}

int sc_cert_verify_chain(sc_chain_result *result, const sc_cert *leaf, const sc_trust *trust,
                         const sc_cert *const *intermediates, size_t intermediate_count, sc_time at)
{
    X509_STORE_CTX *ctx = NULL;
    STACK_OF(X509) *untrusted = NULL;
    int error = 0, r, err, depth;

    SC_ASSERT_ARG(result && leaf && trust && (intermediates || intermediate_count == 0));
    memset(result, 0, sizeof(*result));
    if (!(ctx = X509_STORE_CTX_new()) || !(untrusted = sk_X509_new_null())) {
        error = sc_error_set_ossl(SC_ENOMEM, "chain context");
        goto done;
    }
    for (size_t i = 0; i < intermediate_count; i++)
        if (!sk_X509_push(untrusted, intermediates[i]->x509)) {
            error = sc_error_set_ossl(SC_ENOMEM, "chain context");
            goto done;
        }
    if (!X509_STORE_CTX_init(ctx, trust->store, leaf->x509, untrusted)) {
        error = sc_error_set_ossl(SC_ECRYPTO, "chain context");
        goto done;
    }
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx),
                               (time_t)(at == SC_TIME_NOW ? sc_time_now() : at));
    r = X509_verify_cert(ctx);
    err = X509_STORE_CTX_get_error(ctx);
    depth = X509_STORE_CTX_get_error_depth(ctx);
    ERR_clear_error();
    if (r == 1) {
        result->status = SC_STATUS_OK;
        snprintf(result->message, sizeof(result->message), "chain of %d to a trusted root",
                 X509_STORE_CTX_get0_chain(ctx) ? sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) : 0);
    } else {
        switch (err) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            result->status = SC_STATUS_UNTRUSTED;
            break;
        default:
            result->status = SC_STATUS_FAIL;
            break;
        }
        const char *why = X509_verify_cert_error_string(err);
        X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
        /* OpenSSL says "invalid CA certificate" for several reasons; name the common one (the
         * ofdrw test root is CA:TRUE without keyCertSign). */
        if (err == X509_V_ERR_INVALID_CA && bad &&
            (X509_get_extension_flags(bad) & EXFLAG_KUSAGE) &&
            !(X509_get_key_usage(bad) & KU_KEY_CERT_SIGN))
            why = "invalid CA certificate: key usage does not include certificate signing";
        snprintf(result->message, sizeof(result->message), "%s (depth %d)", why, depth);
    }
done:
    sk_X509_free(untrusted);
    X509_STORE_CTX_free(ctx);
    return error;
}
