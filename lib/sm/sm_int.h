/* lib/sm private definitions shared by its files. Not part of the public API. */
#ifndef SC_SM_INT_H
#define SC_SM_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/util.h"

struct gcry_md_handle;

struct sc_sm3_ctx {
    struct gcry_md_handle *md; /* owned (gcry_md_hd_t) */
    unsigned char z[32];       /* with has_z: the Z_A hashed first (sc_sm2_prefix_new) */
    bool has_z;                /* the context is an SM2 message digest of the key with this Z_A */
};

/** A private key prepared for sm2_fast.c's constant-time signing (opaque, secret). */
typedef struct sc_sm__sm2_fast sc_sm__sm2_fast;

struct sc_key {
    EVP_PKEY *pkey;        /* owned; always an SM2 key ("SM2" key type) */
    unsigned char z[32];   /* Z_A with the default ID, computed once when the key is wrapped */
    sc_sm__sm2_fast *fast; /* owned; the private key for sm2_fast.c, NULL for a public key or
                              one whose private part cannot be read (a token's) */
};

struct sc_cert {
    X509 *x509;         /* owned; distinguishing ID set for SM2 signatures */
    unsigned char *der; /* owned DER bytes as read */
    size_t der_len;     /* bytes in der */
    char *subject;      /* owned RFC 4514 UTF-8 */
    char *issuer;       /* owned RFC 4514 UTF-8 */
    char *serial;       /* owned upper-case hex */
    char sig_alg[64];   /* dotted OID of the signature algorithm */
    sc_time not_before; /* validity start */
    sc_time not_after;  /* validity end */
    sc_key *key;        /* owned SM2 public key, or NULL for other key types */
    int refs;           /* reference count (sc_cert_ref / sc_cert_free); atomic */
};

/** Wrap an EVP_PKEY (ownership taken) after checking it is SM2. */
int sc_sm__key_wrap(sc_key **out, EVP_PKEY *pkey);

/**
 * An EC key on the SM2 curve read from a SEC1, PKCS#8 or SPKI structure may come back with key
 * type "EC"; replace it by the same key as type "SM2". Other keys are left alone.
 * @return 0 or SC_ECRYPTO
 */
int sc_sm__pkey_to_sm2(EVP_PKEY **pkey);

/** Make a certificate object from an X509 (ownership taken). */
int sc_sm__cert_wrap(sc_cert **out, X509 *x509);

/** Attach the default SM2 ID to a certificate so its SM2 signature verifies like everyone's. */
int sc_sm__x509_set_sm2_id(X509 *x509);

/** sc_sm2_verify() with another user ID (the GB/T 32918.2 example uses "ALICE123@YAHOO.COM"). */
int sc_sm__verify_with_id(int *is_valid, sc_sm2_sig_form *form, const sc_key *key, const void *id,
                          size_t id_len, const void *msg, size_t len, const unsigned char *sig,
                          size_t sig_len);

/**
 * Prepare the private key @p d (32 bytes big-endian) for sc_sm__sm2_fast_sign().
 * @return 0, SC_EINVALID (d not in [1, n - 2]) or SC_ENOMEM
 */
int sc_sm__sm2_fast_new(sc_sm__sm2_fast **out, const unsigned char d[32]);
void sc_sm__sm2_fast_free(sc_sm__sm2_fast *f);

/**
 * Sign the digest @p e (e = SM3(Z_A || M), 32 bytes) with a fresh random k: r || s, 32 bytes each.
 * @return 0 or SC_ECRYPTO (the random generator failed)
 */
int sc_sm__sm2_fast_sign(unsigned char rs[64], const sc_sm__sm2_fast *f, const unsigned char e[32]);

/**
 * The signature with a given k (tests: known answers), in constant time whatever k is.
 * @return 1, or 0 when k is not usable (k = 0, k >= n, r = 0, r + k = n or s = 0): @p rs is then
 * all zero
 */
int sc_sm__sm2_fast_sign_k(unsigned char rs[64], const sc_sm__sm2_fast *f,
                           const unsigned char e[32], const unsigned char k[32]);

/** (x, y) = k * G on the SM2 curve, k in [1, n - 1] (tests: compared with OpenSSL). */
void sc_sm__sm2_base_mul(unsigned char x[32], unsigned char y[32], const unsigned char k[32]);

/** Convert an ASN1_TIME to seconds since the epoch. */
int sc_sm__asn1_time(sc_time *out, const ASN1_TIME *t);

#endif
