/* SM3 (GB/T 32905-2016), HMAC-SM3 and random bytes through OpenSSL 3 EVP. */
#include "sm/sm_int.h"

#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

int sc_random(void *out, size_t len)
{
    SC_ASSERT_ARG(out || len == 0);
    if (len > INT_MAX || RAND_bytes(out, (int)len) != 1)
        return sc_error_set_ossl(SC_ECRYPTO, "random generator");
    return 0;
}

int sc_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const void *data, size_t len)
{
    unsigned int n = 0;
    SC_ASSERT_ARG(out && (data || len == 0));
    if (!EVP_Digest(data, len, out, &n, EVP_sm3(), NULL) || n != SC_SM3_DIGEST_LEN)
        return sc_error_set_ossl(SC_ECRYPTO, "SM3");
    return 0;
}

int sc_sm3_new(sc_sm3_ctx **out)
{
    sc_sm3_ctx *c;
    SC_ASSERT_ARG(out);
    *out = NULL;
    if (!(c = sc_calloc(1, sizeof(*c))))
        return sc_error_oom();
    if (!(c->md = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c->md, EVP_sm3(), NULL)) {
        sc_sm3_free(c);
        return sc_error_set_ossl(SC_ECRYPTO, "SM3 init");
    }
    *out = c;
    return 0;
}

int sc_sm3_update(sc_sm3_ctx *ctx, const void *data, size_t len)
{
    SC_ASSERT_ARG(ctx && (data || len == 0));
    if (!EVP_DigestUpdate(ctx->md, data, len))
        return sc_error_set_ossl(SC_ECRYPTO, "SM3 update");
    return 0;
}

int sc_sm3_final(unsigned char out[SC_SM3_DIGEST_LEN], sc_sm3_ctx *ctx)
{
    SC_ASSERT_ARG(out && ctx);
    if (!EVP_DigestFinal_ex(ctx->md, out, NULL) || !EVP_DigestInit_ex(ctx->md, EVP_sm3(), NULL))
        return sc_error_set_ossl(SC_ECRYPTO, "SM3 final");
    return 0;
}

int sc_sm3_dup(sc_sm3_ctx **out, const sc_sm3_ctx *ctx)
{
    sc_sm3_ctx *c;
    SC_ASSERT_ARG(out && ctx);
    *out = NULL;
    if (!(c = sc_calloc(1, sizeof(*c))))
        return sc_error_oom();
    if (!(c->md = EVP_MD_CTX_new()) || !EVP_MD_CTX_copy_ex(c->md, ctx->md)) {
        sc_sm3_free(c);
        return sc_error_set_ossl(SC_ECRYPTO, "SM3 copy");
    }
    memcpy(c->z, ctx->z, sizeof(c->z));
    c->has_z = ctx->has_z;
    *out = c;
    return 0;
}

void sc_sm3_free(sc_sm3_ctx *ctx)
{
    if (!ctx)
        return;
    EVP_MD_CTX_free(ctx->md);
    sc_free(ctx);
}

int sc_hmac_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const void *key, size_t key_len,
                const void *data, size_t len)
{
    unsigned int n = 0;
    SC_ASSERT_ARG(out && (key || key_len == 0) && (data || len == 0));
    if (key_len > INT_MAX || !HMAC(EVP_sm3(), key, (int)key_len, data, len, out, &n) ||
        n != SC_SM3_DIGEST_LEN)
        return sc_error_set_ossl(SC_ECRYPTO, "HMAC-SM3");
    return 0;
}
