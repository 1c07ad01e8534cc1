/* sealcert lib/sm: SM2 (GB/T 32918), SM3 (GB/T 32905), SM4 (GB/T 32907), keys and SM2 X.509
 * certificates (GB/T 20518), all through OpenSSL 3 EVP. */
#ifndef SC_INCLUDE_SM_H
#define SC_INCLUDE_SM_H

#include "common.h"
#include "buffer.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The SM2 user ID every interoperable implementation uses for Z (GB/T 35276 clause 10). */
#define SC_SM2_DEFAULT_ID     "1234567812345678"
#define SC_SM2_DEFAULT_ID_LEN 16

#define SC_SM3_DIGEST_LEN     32 /**< bytes in an SM3 digest */
#define SC_SM2_RAW_SIG_LEN    64 /**< bytes in a raw r||s SM2 signature */
#define SC_SM2_MAX_SIG_LEN    72 /**< bytes in the longest DER SEQUENCE{r,s} */
#define SC_SM4_KEY_LEN        16 /**< bytes in an SM4 key */
#define SC_SM4_BLOCK_LEN      16 /**< bytes in an SM4 block and IV */
#define SC_AEAD_KEY_LEN       32 /**< bytes in a sealcert SM4-CTR + HMAC-SM3 key */

/** Dotted OIDs of GM/T 0006 used across sealcert. */
#define SC_OID_SM2_WITH_SM3 "1.2.156.10197.1.501"
#define SC_OID_SM3          "1.2.156.10197.1.401"
#define SC_OID_SM2          "1.2.156.10197.1.301.1"

/* ---- random ------------------------------------------------------------------------------- */

/** Fill @p out with @p len bytes from the OpenSSL DRBG. @return 0 or SC_ECRYPTO */
SC_EXTERN int sc_random(void *out, size_t len);

/* ---- SM3 ---------------------------------------------------------------------------------- */

/**
 * SM3 digest of a byte string.
 * @param[out] out 32 bytes
 * @return 0 or SC_ECRYPTO
 */
SC_EXTERN int sc_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const void *data, size_t len);

typedef struct sc_sm3_ctx sc_sm3_ctx;

/** Start an incremental SM3 digest. @param[out] out owned by the caller (sc_sm3_free). */
SC_EXTERN int sc_sm3_new(sc_sm3_ctx **out);
/** Feed bytes. @return 0 or SC_ECRYPTO */
SC_EXTERN int sc_sm3_update(sc_sm3_ctx *ctx, const void *data, size_t len);
/** Finish into @p out and reset the context for a new digest. @return 0 or SC_ECRYPTO */
SC_EXTERN int sc_sm3_final(unsigned char out[SC_SM3_DIGEST_LEN], sc_sm3_ctx *ctx);
/** A copy of @p ctx in its current state. @param[out] out owned by the caller (sc_sm3_free)
 * @return 0, SC_ENOMEM or SC_ECRYPTO */
SC_EXTERN int sc_sm3_dup(sc_sm3_ctx **out, const sc_sm3_ctx *ctx);
/** Release a context; NULL is accepted. */
SC_EXTERN void sc_sm3_free(sc_sm3_ctx *ctx);

/**
 * HMAC-SM3 (RFC 2104 with SM3).
 * @param[out] out 32 bytes
 * @return 0 or SC_ECRYPTO
 */
SC_EXTERN int sc_hmac_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const void *key, size_t key_len,
                          const void *data, size_t len);

/* ---- SM4 ---------------------------------------------------------------------------------- */

/**
 * SM4-CBC encryption.
 * @param[out] out ciphertext (caller disposes)
 * @param pad 1 for PKCS#7 padding; 0 requires @p len to be a multiple of 16
 * @return 0, SC_EINVALID (unpadded length not a multiple of 16) or SC_ECRYPTO
 */
SC_EXTERN int sc_sm4_cbc_encrypt(sc_buf *out, const unsigned char key[SC_SM4_KEY_LEN],
                                 const unsigned char iv[SC_SM4_BLOCK_LEN], const void *in,
                                 size_t len, int pad);

/**
 * SM4-CBC decryption.
 * @return 0, SC_EFORMAT (bad length or padding) or SC_ECRYPTO
 */
SC_EXTERN int sc_sm4_cbc_decrypt(sc_buf *out, const unsigned char key[SC_SM4_KEY_LEN],
                                 const unsigned char iv[SC_SM4_BLOCK_LEN], const void *in,
                                 size_t len, int pad);

/**
 * SM4-CTR (encryption and decryption are the same operation); @p iv is the initial counter block.
 * @return 0 or SC_ECRYPTO
 */
SC_EXTERN int sc_sm4_ctr(sc_buf *out, const unsigned char key[SC_SM4_KEY_LEN],
                         const unsigned char iv[SC_SM4_BLOCK_LEN], const void *in, size_t len);

/**
 * Authenticated encryption: SM4-CTR then HMAC-SM3 over header, associated data and ciphertext
 * (encrypt-then-MAC; OpenSSL 3.0 has no SM4-GCM). Format and key derivation: docs/formats/aead.md.
 * @param[out] out version byte || 16-byte nonce || ciphertext || 32-byte tag
 * @param key 32 bytes; the SM4 and HMAC keys are derived from it
 * @param aad associated data, authenticated but not encrypted; may be NULL when @p aad_len is 0
 * @return 0 or SC_ECRYPTO
 */
SC_EXTERN int sc_aead_seal(sc_buf *out, const unsigned char key[SC_AEAD_KEY_LEN], const void *aad,
                           size_t aad_len, const void *in, size_t len);

/**
 * Check and decrypt what sc_aead_seal() produced.
 * @return 0, SC_EFORMAT (too short, unknown version) or SC_ECRYPTO (tag mismatch: wrong key,
 *         wrong associated data or altered bytes; nothing is written to @p out)
 */
SC_EXTERN int sc_aead_open(sc_buf *out, const unsigned char key[SC_AEAD_KEY_LEN], const void *aad,
                           size_t aad_len, const void *in, size_t len);

/* ---- SM2 keys ----------------------------------------------------------------------------- */

/** An SM2 key: a key pair, or a public key only. */
typedef struct sc_key sc_key;

/** Generate a new SM2 key pair. @param[out] out owned by the caller (sc_key_free). */
SC_EXTERN int sc_key_generate(sc_key **out);

/**
 * Read an SM2 key from memory: PEM or DER; PKCS#8 (plain or encrypted), SEC1 "EC PRIVATE KEY",
 * SubjectPublicKeyInfo, or PKCS#12 (key part; legacy PBE such as 3DES/RC2 accepted).
 * @param password for encrypted forms; NULL when none was given
 * @return 0, SC_EFORMAT (not a key), SC_EUNSUPPORTED (not an SM2 key), SC_EPASSWORD (encrypted
 *         and no or a wrong password), SC_ELIMIT (over 1 MiB, or a key derivation of more than
 *         1,000,000 iterations, 4,000,000 in all; checked before any runs)
 */
SC_EXTERN int sc_key_parse(sc_key **out, const void *data, size_t len, const char *password);

/** sc_key_parse() on a file's contents; SC_ENOTFOUND/SC_EIO when it cannot be read. */
SC_EXTERN int sc_key_read_file(sc_key **out, const char *path, const char *password);

/** 1 if the key holds a private part, else 0. */
SC_EXTERN int sc_key_has_private(const sc_key *key);

/** 1 if both keys have the same public point, else 0. */
SC_EXTERN int sc_key_equal_public(const sc_key *a, const sc_key *b);

/**
 * Write the private key as PEM PKCS#8, encrypted (PBES2, SM4-CBC) when @p password is not NULL.
 * @return 0, SC_EINVALID (no private part) or SC_ECRYPTO
 */
SC_EXTERN int sc_key_write_pem(sc_buf *out, const sc_key *key, const char *password);

/** Write the public key as PEM SubjectPublicKeyInfo. */
SC_EXTERN int sc_key_write_public_pem(sc_buf *out, const sc_key *key);

/** Release a key (private material is wiped); NULL is accepted. */
SC_EXTERN void sc_key_free(sc_key *key);

/* ---- SM2 signatures ----------------------------------------------------------------------- */

/** How an SM2 signature value was encoded. */
typedef enum {
    SC_SM2_SIG_DER = 0,         /**< DER SEQUENCE{INTEGER r, INTEGER s} (the standard form) */
    SC_SM2_SIG_RAW = 1,         /**< 64 bytes r||s (Suwell, Koal, tongz) */
    SC_SM2_SIG_DER_LENIENT = 2, /**< BER/DER whose INTEGERs lack the 0x00 pad (DianJu) */
} sc_sm2_sig_form;

/**
 * Sign with SM2: e = SM3(Z || msg), Z computed with the ID "1234567812345678".
 * @param[out] sig DER SEQUENCE{r,s} (caller disposes)
 * @return 0, SC_EINVALID (no private part) or SC_ECRYPTO
 */
SC_EXTERN int sc_sm2_sign(sc_buf *sig, const sc_key *key, const void *msg, size_t len);

/**
 * For signing many messages that start with the same long prefix: the SM3 state after
 * Z || @p prefix (Z of @p key, default ID), to be copied (sc_sm3_dup) for each message and
 * passed to sc_sm2_sign_prefixed(). The state is tied to @p key.
 * @param[out] out owned by the caller (sc_sm3_free)
 * @return 0, SC_ENOMEM or SC_ECRYPTO
 */
SC_EXTERN int sc_sm2_prefix_new(sc_sm3_ctx **out, const sc_key *key, const void *prefix,
                                size_t len);

/** 1 when @p state was made by sc_sm2_prefix_new() for @p key (and not used up), else 0. */
SC_EXTERN int sc_sm2_prefix_is_for(const sc_sm3_ctx *state, const sc_key *key);

/**
 * sc_sm2_sign() of prefix || @p rest, hashing only @p rest: @p state (from sc_sm2_prefix_new,
 * or a copy) is used up and only good for sc_sm3_free() afterwards.
 * @param[out] sig DER SEQUENCE{r,s} (caller disposes)
 * @return 0, SC_EINVALID (no private part; a state for another key or used up) or SC_ECRYPTO
 */
SC_EXTERN int sc_sm2_sign_prefixed(sc_buf *sig, const sc_key *key, sc_sm3_ctx *state,
                                   const void *rest, size_t len);

/**
 * Verify an SM2 signature over @p msg (Z with the ID "1234567812345678").
 * The signature may be DER, raw 64-byte r||s, or DER with unpadded INTEGERs.
 * @param[out] is_valid 1 if the signature is correct, 0 if not (including undecodable values)
 * @param[out] form when not NULL, the encoding that was found
 * @return 0 when the check ran (whatever its outcome), SC_ECRYPTO when it could not run
 */
SC_EXTERN int sc_sm2_verify(int *is_valid, sc_sm2_sig_form *form, const sc_key *key,
                            const void *msg, size_t len, const unsigned char *sig, size_t sig_len);

/**
 * sc_sm2_verify() of prefix || @p rest, hashing only @p rest: @p state from sc_sm2_prefix_new()
 * (or a copy) for @p key, used up as in sc_sm2_sign_prefixed(). For verifiers that see the same
 * long prefix again and again (a seal inside every TBS_Sign).
 * @return as sc_sm2_verify(); SC_EINVALID for a state made for another key or used up
 */
SC_EXTERN int sc_sm2_verify_prefixed(int *is_valid, sc_sm2_sig_form *form, const sc_key *key,
                                     sc_sm3_ctx *state, const void *rest, size_t len,
                                     const unsigned char *sig, size_t sig_len);

/**
 * Decode a signature value in any accepted form into raw r||s.
 * @return 0 or SC_EFORMAT (not a signature value; message says why)
 */
SC_EXTERN int sc_sm2_sig_to_raw(unsigned char rs[SC_SM2_RAW_SIG_LEN], sc_sm2_sig_form *form,
                                const unsigned char *sig, size_t sig_len);

/** Encode raw r||s as strict DER SEQUENCE{r,s}. @return 0 or SC_ENOMEM */
SC_EXTERN int sc_sm2_sig_from_raw(sc_buf *der, const unsigned char rs[SC_SM2_RAW_SIG_LEN]);

/* ---- certificates ------------------------------------------------------------------------- */

/** An X.509 certificate (SM2 or other; only SM2 ones can verify signatures here). */
typedef struct sc_cert sc_cert;

/**
 * Read one certificate from memory, PEM or DER.
 * @return 0 or SC_EFORMAT (message names the problem)
 */
SC_EXTERN int sc_cert_parse(sc_cert **out, const void *data, size_t len);

/** Read a certificate from a file: PEM, DER, or the certificate of a PKCS#12 file. */
SC_EXTERN int sc_cert_read_file(sc_cert **out, const char *path, const char *password);

/**
 * Read a PKCS#12 file's key and certificate (legacy PBE such as 3DES/RC2-40 accepted).
 * @param[out] key_out may be NULL when the key is not wanted
 * @param[out] cert_out may be NULL when the certificate is not wanted
 * @return 0, SC_EFORMAT, SC_EPASSWORD or SC_ELIMIT (as sc_key_parse(): file size, key
 *         derivation iterations of the MAC, encrypted safes and key bags)
 */
SC_EXTERN int sc_pkcs12_parse(sc_key **key_out, sc_cert **cert_out, const void *data, size_t len,
                              const char *password);

/** The DER bytes, borrowed from the certificate. */
SC_EXTERN const unsigned char *sc_cert_der(const sc_cert *cert, size_t *len);

/** Subject as one RFC 4514 line in UTF-8 ("CN=Test Certificate,O=OFD R&W,C=CN"); borrowed. */
SC_EXTERN const char *sc_cert_subject(const sc_cert *cert);

/** Issuer, as sc_cert_subject(); borrowed. */
SC_EXTERN const char *sc_cert_issuer(const sc_cert *cert);

/** Serial number as upper-case hexadecimal; borrowed. */
SC_EXTERN const char *sc_cert_serial(const sc_cert *cert);

/** Start of the validity period. */
SC_EXTERN sc_time sc_cert_not_before(const sc_cert *cert);

/** End of the validity period. */
SC_EXTERN sc_time sc_cert_not_after(const sc_cert *cert);

/** Dotted OID of the certificate's signature algorithm; borrowed. */
SC_EXTERN const char *sc_cert_sig_alg(const sc_cert *cert);

/** The subject public key if it is an SM2 key, else NULL; borrowed from the certificate. */
SC_EXTERN const sc_key *sc_cert_key(const sc_cert *cert);

/** SM3 of the DER certificate. */
SC_EXTERN int sc_cert_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const sc_cert *cert);

/** 1 if both certificates have the same DER bytes, else 0. */
SC_EXTERN int sc_cert_equal(const sc_cert *a, const sc_cert *b);

/** Write a certificate as PEM. */
SC_EXTERN int sc_cert_write_pem(sc_buf *out, const sc_cert *cert);

/** A new reference to the same certificate (cheap); release it with sc_cert_free(). */
SC_EXTERN sc_cert *sc_cert_ref(const sc_cert *cert);

/** Release a certificate; NULL is accepted. */
SC_EXTERN void sc_cert_free(sc_cert *cert);

/**
 * Check that @p issuer's key signed @p cert (SM2 with the default ID, SM3).
 * @param[out] is_valid 1 or 0
 * @return 0 when the check ran, SC_EUNSUPPORTED when the algorithm is not SM2-with-SM3
 */
SC_EXTERN int sc_cert_check_signature(int *is_valid, const sc_cert *cert, const sc_cert *issuer);

/* ---- issuing certificates (GB/T 20518 profiles) ------------------------------------------- */

/** Certificate profiles sealcert issues. */
typedef enum {
    SC_CERT_ROOT_CA = 1,    /**< self-signed root: CA:TRUE critical, keyCertSign + cRLSign */
    SC_CERT_SEAL_MAKER = 2, /**< seal maker (制章人): digitalSignature + nonRepudiation */
    SC_CERT_SIGNER = 3,     /**< signer (签章人): digitalSignature + nonRepudiation */
} sc_cert_profile;

typedef struct {
    unsigned int version;        /**< SC_CERT_ISSUE_OPTIONS_VERSION */
    sc_cert_profile profile;     /**< which extensions to write */
    const char *subject;         /**< RFC 4514 "CN=..,O=..,C=CN" or "/C=CN/O=../CN=.." (UTF-8) */
    sc_time not_before;          /**< SC_TIME_NOW: now */
    sc_time not_after;           /**< SC_TIME_NOW: not_before + days */
    int days;                    /**< validity when not_after is SC_TIME_NOW (default 365) */
    const unsigned char *serial; /**< big-endian serial; NULL: 16 random bytes */
    size_t serial_len;           /**< bytes in serial (at most 20) */
} sc_cert_issue_options;

#define SC_CERT_ISSUE_OPTIONS_VERSION 1
#define SC_CERT_ISSUE_OPTIONS_INIT                                                                 \
    {                                                                                              \
        SC_CERT_ISSUE_OPTIONS_VERSION, SC_CERT_SIGNER, NULL, SC_TIME_NOW, SC_TIME_NOW, 365, NULL,  \
            0                                                                                      \
    }

/**
 * Issue an SM2-with-SM3 certificate (the signature made with the default SM2 ID).
 * @param[out] out the certificate, owned by the caller
 * @param subject_key the key certified (public part used)
 * @param issuer_key the signing key; equal to subject_key for a root
 * @param issuer the issuer's certificate; NULL for a self-signed root
 * @return 0, SC_EINVALID (bad subject syntax, missing private key) or SC_ECRYPTO
 */
SC_EXTERN int sc_cert_issue(sc_cert **out, const sc_key *subject_key, const sc_key *issuer_key,
                            const sc_cert *issuer, const sc_cert_issue_options *opts);

/* ---- trust and chains --------------------------------------------------------------------- */

/** A set of trusted root (and intermediate) certificates. */
typedef struct sc_trust sc_trust;

/**
 * Load every certificate (PEM, may hold several, or DER) from the files of a directory.
 * Files that hold no certificate are skipped; a directory with none is SC_ENOTFOUND.
 */
SC_EXTERN int sc_trust_load_dir(sc_trust **out, const char *dir);

/** Build a trust set from certificates in memory (each is referenced, not copied). */
SC_EXTERN int sc_trust_new(sc_trust **out, const sc_cert *const *certs, size_t count);

/** Number of certificates in the set. */
SC_EXTERN size_t sc_trust_count(const sc_trust *trust);

/** Release a trust set; NULL is accepted. */
SC_EXTERN void sc_trust_free(sc_trust *trust);

/** Result of a chain check. */
typedef struct {
    int status;        /**< an sc_status: OK, UNTRUSTED (no path to a trusted root) or FAIL */
    char message[256]; /**< why, one line ("certificate has expired at depth 1", "ok") */
} sc_chain_result;

/**
 * Build and check the chain of @p leaf to @p trust at time @p at (strict X.509 path validation
 * with SM2 signatures checked with the default ID).
 * @param intermediates extra untrusted certificates that may complete the path; may be NULL
 * @return 0 when the check ran (outcome in @p result), a negative code when it could not
 */
SC_EXTERN int sc_cert_verify_chain(sc_chain_result *result, const sc_cert *leaf,
                                   const sc_trust *trust, const sc_cert *const *intermediates,
                                   size_t intermediate_count, sc_time at);

#ifdef __cplusplus
}
#endif
#endif
