/* SM3 (GB/T 32905-2016) through libgcrypt; HMAC-SM3 and random bytes through OpenSSL 3. */
#include "sm/sm_int.h"

#include <pthread.h>
#include <string.h>

#include <gcrypt.h>

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

/* libgcrypt is used for SM3 alone: its AVX/BMI2 code hashes 1.4-1.5 times as fast as OpenSSL
 * 3.0's portable C, and hashing the signed files is a quarter of what issuing a certificate
 * costs. A library initialises libgcrypt only when the application has not (libgcrypt manual,
 * "Initializing the library"); secure memory is not needed for a hash. */
static pthread_once_t gcry_once = PTHREAD_ONCE_INIT;
static bool gcry_ok;

static void gcry_init(void)
{
    if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        if (!gcry_check_version(GCRYPT_VERSION))
            return;
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
    gcry_ok = gcry_md_test_algo(GCRY_MD_SM3) == 0;
}

static int sm3_ready(void)
{
    pthread_once(&gcry_once, gcry_init);
    return gcry_ok ? 0
                   : sc_error_set(SC_ECRYPTO, "SM3: libgcrypt %s does not offer it",
                                  gcry_check_version(NULL));
}

static int gcry_fail(gcry_error_t e, const char *what)
{
    if (gcry_err_code(e) == GPG_ERR_ENOMEM)
        return sc_error_oom();
    return sc_error_set(SC_ECRYPTO, "%s: %s", what, gcry_strerror(e));
}

int sc_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const void *data, size_t len)
{
    int error;
    SC_ASSERT_ARG(out && (data || len == 0));
    if ((error = sm3_ready()) < 0)
        return error;
    gcry_md_hash_buffer(GCRY_MD_SM3, out, len ? data : "", len);
    return 0;
}

int sc_sm3_new(sc_sm3_ctx **out)
{
    sc_sm3_ctx *c;
    gcry_error_t e;
    int error;
    SC_ASSERT_ARG(out);
    *out = NULL;
    if ((error = sm3_ready()) < 0)
        return error;
    if (!(c = sc_calloc(1, sizeof(*c))))
        return sc_error_oom();
    if ((e = gcry_md_open(&c->md, GCRY_MD_SM3, 0)) != 0) {
        sc_free(c);
        return gcry_fail(e, "SM3 init");
    }
    *out = c;
    return 0;
}

int sc_sm3_update(sc_sm3_ctx *ctx, const void *data, size_t len)
{
    SC_ASSERT_ARG(ctx && (data || len == 0));
    if (len)
        gcry_md_write(ctx->md, data, len);
    return 0;
}

int sc_sm3_final(unsigned char out[SC_SM3_DIGEST_LEN], sc_sm3_ctx *ctx)
{
    const unsigned char *d;
    SC_ASSERT_ARG(out && ctx);
    if (!(d = gcry_md_read(ctx->md, GCRY_MD_SM3)))
        return sc_error_set(SC_ECRYPTO, "SM3 final");
    memcpy(out, d, SC_SM3_DIGEST_LEN);
    gcry_md_reset(ctx->md); /* ready for the next message */
    return 0;
}

int sc_sm3_dup(sc_sm3_ctx **out, const sc_sm3_ctx *ctx)
{
    sc_sm3_ctx *c;
    gcry_error_t e;
    SC_ASSERT_ARG(out && ctx);
    *out = NULL;
    if (!(c = sc_calloc(1, sizeof(*c))))
        return sc_error_oom();
    if ((e = gcry_md_copy(&c->md, ctx->md)) != 0) {
        sc_free(c);
        return gcry_fail(e, "SM3 copy");
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
    gcry_md_close(ctx->md);
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
