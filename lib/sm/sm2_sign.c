/* SM2 signatures (GB/T 32918.2) with SM3 and Z over the user ID "1234567812345678"
 * (GB/T 35276 clause 10), and the signature value encodings met in real files. */
#include "sm/sm_int.h"

#include <string.h>

#include <openssl/err.h>

/* Signing and verifying with the default ID hash the message after the key's precomputed Z_A
 * (sm2_key.c) and use the bare SM2 primitive: one SM3 less per operation than EVP_DigestSign.
 * Other IDs go through EVP_DigestVerify. OpenSSL 3.0 computes Z with an EMPTY ID unless one is
 * set on the context right after the init, so it is always set. */
static int digest_init(EVP_MD_CTX **out, const sc_key *key, const void *id, size_t id_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok;
    *out = NULL;
    if (!md)
        return sc_error_set_ossl(SC_ENOMEM, "SM2 context");
    ok = EVP_DigestVerifyInit_ex(md, &pctx, "SM3", NULL, NULL, key->pkey, NULL);
    if (!ok || EVP_PKEY_CTX_set1_id(pctx, id, id_len) <= 0) {
        EVP_MD_CTX_free(md);
        return sc_error_set_ossl(SC_ECRYPTO, "SM2 verify init");
    }
    *out = md;
    return 0;
}

/* e = SM3(Z_A || M) with the key's precomputed Z_A (default ID). */
static int message_digest(unsigned char e[SC_SM3_DIGEST_LEN], const sc_key *key, const void *msg,
                          size_t len)
{
    sc_sm3_ctx *c = NULL;
    int error;
    if ((error = sc_sm3_new(&c)) == 0 && (error = sc_sm3_update(c, key->z, sizeof(key->z))) == 0 &&
        (error = sc_sm3_update(c, msg, len)) == 0)
        error = sc_sm3_final(e, c);
    sc_sm3_free(c);
    return error;
}

/* Sign or verify the digest e with the SM2 signature primitive (no second hashing). */
static int pkey_op(const sc_key *key, int sign, const unsigned char *e, unsigned char *sig,
                   size_t *sig_len)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    int r;
    if (!ctx)
        return sc_error_set_ossl(SC_ENOMEM, "SM2 context");
    if (sign)
        r = EVP_PKEY_sign_init(ctx) == 1 &&
                    EVP_PKEY_sign(ctx, sig, sig_len, e, SC_SM3_DIGEST_LEN) == 1
                ? 1
                : -1;
    else
        r = EVP_PKEY_verify_init(ctx) == 1
                ? EVP_PKEY_verify(ctx, sig, *sig_len, e, SC_SM3_DIGEST_LEN)
                : -1;
    EVP_PKEY_CTX_free(ctx);
    if (r < 0 && sign)
        return sc_error_set_ossl(SC_ECRYPTO, "SM2 sign");
    ERR_clear_error(); /* a wrong signature leaves an error on the queue */
    return r == 1 ? 1 : 0;
}

/* The DER signature of the digest e: sm2_fast.c when the key's scalar is readable, else the
 * key's provider. */
static int sign_digest(sc_buf *sig, const sc_key *key, const unsigned char *e)
{
    unsigned char out[SC_SM2_MAX_SIG_LEN];
    size_t out_len = sizeof(out);
    int error;
    if (key->fast) {
        unsigned char rs[SC_SM2_RAW_SIG_LEN];
        if ((error = sc_sm__sm2_fast_sign(rs, key->fast, e)) < 0)
            return error;
        return sc_sm2_sig_from_raw(sig, rs);
    }
    if ((error = pkey_op(key, 1, e, out, &out_len)) < 0)
        return error;
    return sc_buf_set(sig, out, out_len);
}

static int check_private(const sc_key *key)
{
    if (!key->fast && !sc_key_has_private(key))
        return sc_error_set(SC_EINVALID, "the SM2 key has no private part");
    return 0;
}

int sc_sm2_sign(sc_buf *sig, const sc_key *key, const void *msg, size_t len)
{
    unsigned char e[SC_SM3_DIGEST_LEN];
    int error;

    SC_ASSERT_ARG(sig && key && (msg || len == 0));
    if ((error = check_private(key)) < 0 || (error = message_digest(e, key, msg, len)) < 0)
        return error;
    return sign_digest(sig, key, e);
}

/* A signer that puts the same long prefix in front of every message (a seal inside every
 * TBS_Sign, ~50 KB with its picture) hashes it once: the SM3 state after Z_A || prefix is kept
 * and copied for each message. The state remembers Z_A, so it cannot sign for another key. */
int sc_sm2_prefix_new(sc_sm3_ctx **out, const sc_key *key, const void *prefix, size_t len)
{
    sc_sm3_ctx *c = NULL;
    int error;
    SC_ASSERT_ARG(out && key && (prefix || len == 0));
    *out = NULL;
    if ((error = sc_sm3_new(&c)) < 0 || (error = sc_sm3_update(c, key->z, sizeof(key->z))) < 0 ||
        (error = sc_sm3_update(c, prefix, len)) < 0) {
        sc_sm3_free(c);
        return error;
    }
    memcpy(c->z, key->z, sizeof(c->z));
    c->has_z = true;
    *out = c;
    return 0;
}

int sc_sm2_prefix_is_for(const sc_sm3_ctx *state, const sc_key *key)
{
    return state && key && state->has_z && memcmp(state->z, key->z, sizeof(key->z)) == 0;
}

int sc_sm2_sign_prefixed(sc_buf *sig, const sc_key *key, sc_sm3_ctx *state, const void *rest,
                         size_t len)
{
    unsigned char e[SC_SM3_DIGEST_LEN];
    int error;

    SC_ASSERT_ARG(sig && key && state && (rest || len == 0));
    if ((error = check_private(key)) < 0)
        return error;
    if (!sc_sm2_prefix_is_for(state, key))
        return sc_error_set(SC_EINVALID, "SM2 prefix state: made for another key");
    state->has_z = false; /* used up */
    if ((error = sc_sm3_update(state, rest, len)) < 0 || (error = sc_sm3_final(e, state)) < 0)
        return error;
    return sign_digest(sig, key, e);
}

/* ---- signature value encodings ------------------------------------------------------------ */

/* Read one DER/BER INTEGER as an unsigned 32-byte big-endian number. Lenient: DianJu writes
 * r and s with the top bit set and no 0x00 pad (negative in DER); they are read as unsigned.
 * *strict stays true only for minimal, non-negative DER. */
static bool read_uint256(unsigned char out[32], const unsigned char **pp, const unsigned char *end,
                         bool *strict)
{
    const unsigned char *p = *pp;
    size_t n;
    if (end - p < 2 || p[0] != 0x02)
        return false;
    n = p[1];
    p += 2;
    if (n == 0 || n > 33 || (size_t)(end - p) < n)
        return false;
    if (p[0] & 0x80)
        *strict = false; /* negative in DER */
    if (n > 1 && p[0] == 0 && !(p[1] & 0x80))
        *strict = false; /* non-minimal */
    while (n > 0 && p[0] == 0) {
        p++;
        n--;
    }
    if (n > 32)
        return false;
    memset(out, 0, 32);
    memcpy(out + 32 - n, p, n);
    *pp = p + n;
    return true;
}

int sc_sm2_sig_to_raw(unsigned char rs[SC_SM2_RAW_SIG_LEN], sc_sm2_sig_form *form,
                      const unsigned char *sig, size_t sig_len)
{
    SC_ASSERT_ARG(rs && (sig || sig_len == 0));
    /* SEQUENCE with a short-form length covering exactly the rest: the only DER shape an SM2
     * signature (at most 72 bytes) can take. */
    if (sig_len >= 8 && sig[0] == 0x30 && sig[1] < 0x80 && (size_t)sig[1] + 2 == sig_len) {
        const unsigned char *p = sig + 2, *end = sig + sig_len;
        bool strict = true;
        if (read_uint256(rs, &p, end, &strict) && read_uint256(rs + 32, &p, end, &strict) &&
            p == end) {
            if (form)
                *form = strict ? SC_SM2_SIG_DER : SC_SM2_SIG_DER_LENIENT;
            return 0;
        }
    }
    /* Raw r||s, as Suwell, Koal and tongz write it. */
    if (sig_len == SC_SM2_RAW_SIG_LEN) {
        memcpy(rs, sig, SC_SM2_RAW_SIG_LEN);
        if (form)
            *form = SC_SM2_SIG_RAW;
        return 0;
    }
    return sc_error_set(SC_EFORMAT,
                        "SM2 signature value of %zu bytes is neither DER SEQUENCE{r,s} nor 64-byte "
                        "r||s",
                        sig_len);
}

int sc_sm2_sig_from_raw(sc_buf *der, const unsigned char rs[SC_SM2_RAW_SIG_LEN])
{
    unsigned char out[SC_SM2_MAX_SIG_LEN];
    size_t n = 2;
    SC_ASSERT_ARG(der && rs);
    out[0] = 0x30;
    for (int i = 0; i < 2; i++) {
        const unsigned char *v = rs + 32 * i;
        size_t len = 32;
        while (len > 1 && v[32 - len] == 0)
            len--;
        out[n++] = 0x02;
        out[n++] = (unsigned char)(len + (v[32 - len] & 0x80 ? 1 : 0));
        if (v[32 - len] & 0x80)
            out[n++] = 0;
        memcpy(out + n, v + 32 - len, len);
        n += len;
    }
    out[1] = (unsigned char)(n - 2);
    return sc_buf_set(der, out, n);
}

int sc_sm2_verify(int *is_valid, sc_sm2_sig_form *form, const sc_key *key, const void *msg,
                  size_t len, const unsigned char *sig, size_t sig_len)
{
    return sc_sm__verify_with_id(is_valid, form, key, SC_SM2_DEFAULT_ID, SC_SM2_DEFAULT_ID_LEN, msg,
                                 len, sig, sig_len);
}

/* A signature value in any accepted form as DER in @p norm (or @p sig itself when it is DER):
 * 0 and *der set, 1 when it is undecodable (checked, and not valid), or an error. */
static int sig_as_der(const unsigned char **der, size_t *der_len, sc_buf *norm,
                      sc_sm2_sig_form *form, const unsigned char *sig, size_t sig_len)
{
    unsigned char rs[SC_SM2_RAW_SIG_LEN];
    sc_sm2_sig_form f;
    int error;
    if (sc_sm2_sig_to_raw(rs, &f, sig, sig_len) < 0) {
        sc_error_clear();
        return 1;
    }
    if (form)
        *form = f;
    *der = sig, *der_len = sig_len;
    if (f != SC_SM2_SIG_DER) {
        if ((error = sc_sm2_sig_from_raw(norm, rs)) < 0)
            return error;
        *der = norm->ptr, *der_len = norm->size;
    }
    return 0;
}

int sc_sm__verify_with_id(int *is_valid, sc_sm2_sig_form *form, const sc_key *key, const void *id,
                          size_t id_len, const void *msg, size_t len, const unsigned char *sig,
                          size_t sig_len)
{
    const unsigned char *der;
    size_t der_len;
    sc_buf norm = SC_BUF_INIT;
    EVP_MD_CTX *md = NULL;
    int error, r;

    SC_ASSERT_ARG(is_valid && key && (msg || len == 0) && (sig || sig_len == 0));
    *is_valid = 0;
    if ((error = sig_as_der(&der, &der_len, &norm, form, sig, sig_len)) != 0)
        return error < 0 ? error : 0;
    if (id_len == SC_SM2_DEFAULT_ID_LEN && memcmp(id, SC_SM2_DEFAULT_ID, id_len) == 0) {
        /* The common case: Z_A precomputed with the key. */
        unsigned char e[SC_SM3_DIGEST_LEN];
        size_t n = der_len;
        if ((error = message_digest(e, key, msg, len)) < 0)
            goto done;
        *is_valid = pkey_op(key, 0, e, (unsigned char *)der, &n) == 1;
        goto done;
    }
    if ((error = digest_init(&md, key, id, id_len)) < 0)
        goto done;
    r = EVP_DigestVerify(md, der, der_len, msg, len);
    ERR_clear_error(); /* a wrong signature leaves an error on the queue */
    *is_valid = r == 1;
done:
    EVP_MD_CTX_free(md);
    sc_buf_dispose(&norm);
    return error;
}

int sc_sm2_verify_prefixed(int *is_valid, sc_sm2_sig_form *form, const sc_key *key,
                           sc_sm3_ctx *state, const void *rest, size_t len,
                           const unsigned char *sig, size_t sig_len)
{
    const unsigned char *der;
    size_t der_len;
    sc_buf norm = SC_BUF_INIT;
    unsigned char e[SC_SM3_DIGEST_LEN];
    int error;

    SC_ASSERT_ARG(is_valid && key && state && (rest || len == 0) && (sig || sig_len == 0));
    *is_valid = 0;
    if (!sc_sm2_prefix_is_for(state, key))
        return sc_error_set(SC_EINVALID, "SM2 prefix state: made for another key");
    state->has_z = false; /* used up */
    if ((error = sig_as_der(&der, &der_len, &norm, form, sig, sig_len)) != 0)
        return error < 0 ? error : 0;
    if ((error = sc_sm3_update(state, rest, len)) == 0 && (error = sc_sm3_final(e, state)) == 0)
        *is_valid = pkey_op(key, 0, e, (unsigned char *)der, &der_len) == 1;
    sc_buf_dispose(&norm);
    return error;
}
