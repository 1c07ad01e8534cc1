/* SM4 (GB/T 32907-2016) in CBC and CTR modes, and sealcert's authenticated encryption
 * SM4-CTR + HMAC-SM3 (encrypt-then-MAC), through OpenSSL 3 EVP. */
#include "sm/sm_int.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>

/* Run one EVP cipher over the whole input into out (replacing its contents). */
static int cipher(sc_buf *out, const EVP_CIPHER *alg, int enc, const unsigned char *key,
                  const unsigned char *iv, const void *in, size_t len, int pad, const char *what)
{
    EVP_CIPHER_CTX *ctx = NULL;
    sc_buf tmp = SC_BUF_INIT;
    int n1 = 0, n2 = 0, error = 0;

    if (len > INT_MAX - 2 * SC_SM4_BLOCK_LEN)
        return sc_error_set(SC_ELIMIT, "%s: input of %zu bytes is too large", what, len);
    if ((error = sc_buf_grow(&tmp, len + SC_SM4_BLOCK_LEN)) < 0)
        return error;
    if (!(ctx = EVP_CIPHER_CTX_new()) || !EVP_CipherInit_ex(ctx, alg, NULL, key, iv, enc) ||
        !EVP_CIPHER_CTX_set_padding(ctx, pad)) {
        error = sc_error_set_ossl(SC_ECRYPTO, "%s: init", what);
        goto done;
    }
    if (!EVP_CipherUpdate(ctx, tmp.ptr, &n1, in, (int)len)) {
        error = sc_error_set_ossl(SC_ECRYPTO, "%s", what);
        goto done;
    }
    if (!EVP_CipherFinal_ex(ctx, tmp.ptr + n1, &n2)) {
        /* Only decryption can fail here, on a bad padding or an unpadded partial block. */
        error = sc_error_set_ossl(enc ? SC_ECRYPTO : SC_EFORMAT, "%s: bad length or padding", what);
        goto done;
    }
    tmp.size = (size_t)n1 + (size_t)n2;
    tmp.ptr[tmp.size] = '\0';
    sc_buf_dispose(out);
    *out = tmp;
    tmp = (sc_buf)SC_BUF_INIT;
done:
    EVP_CIPHER_CTX_free(ctx);
    sc_buf_dispose(&tmp);
    return error;
}

int sc_sm4_cbc_encrypt(sc_buf *out, const unsigned char key[SC_SM4_KEY_LEN],
                       const unsigned char iv[SC_SM4_BLOCK_LEN], const void *in, size_t len,
                       int pad)
{
    SC_ASSERT_ARG(out && key && iv && (in || len == 0));
    if (!pad && len % SC_SM4_BLOCK_LEN)
        return sc_error_set(SC_EINVALID,
                            "SM4-CBC without padding: %zu bytes is not a multiple "
                            "of 16",
                            len);
    return cipher(out, EVP_sm4_cbc(), 1, key, iv, in, len, pad, "SM4-CBC encrypt");
}

int sc_sm4_cbc_decrypt(sc_buf *out, const unsigned char key[SC_SM4_KEY_LEN],
                       const unsigned char iv[SC_SM4_BLOCK_LEN], const void *in, size_t len,
                       int pad)
{
    SC_ASSERT_ARG(out && key && iv && (in || len == 0));
    if (len % SC_SM4_BLOCK_LEN)
        return sc_error_set(SC_EFORMAT, "SM4-CBC ciphertext of %zu bytes is not a multiple of 16",
                            len);
    return cipher(out, EVP_sm4_cbc(), 0, key, iv, in, len, pad, "SM4-CBC decrypt");
}

int sc_sm4_ctr(sc_buf *out, const unsigned char key[SC_SM4_KEY_LEN],
               const unsigned char iv[SC_SM4_BLOCK_LEN], const void *in, size_t len)
{
    SC_ASSERT_ARG(out && key && iv && (in || len == 0));
    return cipher(out, EVP_sm4_ctr(), 1, key, iv, in, len, 0, "SM4-CTR");
}

/* ---- authenticated encryption ---------------------------------------------------------------
 * Format (docs/formats/aead.md): 0x01 || nonce[16] || SM4-CTR(ciphertext) || tag[32], where
 *   enc_key = HMAC-SM3(key, "sealcert aead v1 enc")[0..16)
 *   mac_key = HMAC-SM3(key, "sealcert aead v1 mac")
 *   tag     = HMAC-SM3(mac_key, 0x01 || nonce || be64(aad_len) || aad || ciphertext)
 * A random 128-bit nonce as the initial counter block: the chance of two messages under one
 * key sharing counter blocks stays negligible far beyond any realistic message count. */

#define AEAD_VERSION 0x01
#define AEAD_NONCE   16
#define AEAD_TAG     32

static int aead_keys(unsigned char enc[SC_SM3_DIGEST_LEN], unsigned char mac[SC_SM3_DIGEST_LEN],
                     const unsigned char *key)
{
    static const char enc_label[] = "sealcert aead v1 enc", mac_label[] = "sealcert aead v1 mac";
    int error;
    if ((error = sc_hmac_sm3(enc, key, SC_AEAD_KEY_LEN, enc_label, sizeof(enc_label) - 1)) < 0)
        return error;
    return sc_hmac_sm3(mac, key, SC_AEAD_KEY_LEN, mac_label, sizeof(mac_label) - 1);
}

static int aead_tag(unsigned char tag[AEAD_TAG], const unsigned char *mac_key,
                    const unsigned char *header, const void *aad, size_t aad_len,
                    const unsigned char *ct, size_t ct_len)
{
    unsigned char len_be[8];
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *ctx = NULL;
    OSSL_PARAM params[2];
    int error = 0;
    size_t out_len = 0;

    for (int i = 0; i < 8; i++)
        len_be[i] = (unsigned char)((uint64_t)aad_len >> (56 - 8 * i));
    params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SM3", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!(mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) || !(ctx = EVP_MAC_CTX_new(mac)) ||
        !EVP_MAC_init(ctx, mac_key, SC_SM3_DIGEST_LEN, params) ||
        !EVP_MAC_update(ctx, header, 1 + AEAD_NONCE) || !EVP_MAC_update(ctx, len_be, 8) ||
        (aad_len && !EVP_MAC_update(ctx, aad, aad_len)) ||
        (ct_len && !EVP_MAC_update(ctx, ct, ct_len)) ||
        !EVP_MAC_final(ctx, tag, &out_len, AEAD_TAG) || out_len != AEAD_TAG)
        error = sc_error_set_ossl(SC_ECRYPTO, "HMAC-SM3");
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return error;
}

int sc_aead_seal(sc_buf *out, const unsigned char key[SC_AEAD_KEY_LEN], const void *aad,
                 size_t aad_len, const void *in, size_t len)
{
    unsigned char enc_key[SC_SM3_DIGEST_LEN], mac_key[SC_SM3_DIGEST_LEN];
    unsigned char header[1 + AEAD_NONCE], tag[AEAD_TAG];
    sc_buf ct = SC_BUF_INIT, res = SC_BUF_INIT;
    int error;

    SC_ASSERT_ARG(out && key && (aad || aad_len == 0) && (in || len == 0));
    header[0] = AEAD_VERSION;
    if ((error = aead_keys(enc_key, mac_key, key)) < 0 ||
        (error = sc_random(header + 1, AEAD_NONCE)) < 0 ||
        (error = sc_sm4_ctr(&ct, enc_key, header + 1, in, len)) < 0 ||
        (error = aead_tag(tag, mac_key, header, aad, aad_len, ct.ptr, ct.size)) < 0 ||
        (error = sc_buf_put(&res, header, sizeof(header))) < 0 ||
        (error = sc_buf_put(&res, ct.ptr, ct.size)) < 0 ||
        (error = sc_buf_put(&res, tag, sizeof(tag))) < 0)
        goto done;
    sc_buf_dispose(out);
    *out = res;
    res = (sc_buf)SC_BUF_INIT;
done:
    sc_cleanse(enc_key, sizeof(enc_key));
    sc_cleanse(mac_key, sizeof(mac_key));
    sc_buf_dispose(&ct);
    sc_buf_dispose(&res);
    return error;
}

int sc_aead_open(sc_buf *out, const unsigned char key[SC_AEAD_KEY_LEN], const void *aad,
                 size_t aad_len, const void *in, size_t len)
{
    unsigned char enc_key[SC_SM3_DIGEST_LEN], mac_key[SC_SM3_DIGEST_LEN], tag[AEAD_TAG];
    const unsigned char *p = in;
    sc_buf pt = SC_BUF_INIT;
    size_t ct_len;
    int error;

    SC_ASSERT_ARG(out && key && (aad || aad_len == 0) && (in || len == 0));
    if (len < 1 + AEAD_NONCE + AEAD_TAG)
        return sc_error_set(SC_EFORMAT,
                            "sealed data of %zu bytes is shorter than the %d-byte "
                            "minimum",
                            len, 1 + AEAD_NONCE + AEAD_TAG);
    if (p[0] != AEAD_VERSION)
        return sc_error_set(SC_EFORMAT, "sealed data: unknown format version %u", p[0]);
    ct_len = len - 1 - AEAD_NONCE - AEAD_TAG;
    if ((error = aead_keys(enc_key, mac_key, key)) < 0 ||
        (error = aead_tag(tag, mac_key, p, aad, aad_len, p + 1 + AEAD_NONCE, ct_len)) < 0)
        goto done;
    if (CRYPTO_memcmp(tag, p + len - AEAD_TAG, AEAD_TAG) != 0) {
        error = sc_error_set(SC_ECRYPTO, "sealed data: authentication tag mismatch (wrong key, "
                                         "wrong associated data or altered bytes)");
        goto done;
    }
    if ((error = sc_sm4_ctr(&pt, enc_key, p + 1, p + 1 + AEAD_NONCE, ct_len)) < 0)
        goto done;
    sc_buf_dispose(out);
    *out = pt;
    pt = (sc_buf)SC_BUF_INIT;
done:
    sc_cleanse(enc_key, sizeof(enc_key));
    sc_cleanse(mac_key, sizeof(mac_key));
    sc_buf_dispose(&pt);
    return error;
}
