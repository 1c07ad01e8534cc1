/* lib/ses private: the seal and seal-signature objects shared by ses_seal.c, ses_seal_verify.c
 * and ses_signature.c. Not part of the public API. */
#ifndef SC_SES_INT_H
#define SC_SES_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "ses/ses_asn1.h"

/* One CertDigestObj of a type-2 certList. */
typedef struct {
    CertDigestObj *obj;         /* the decoded entry (owned) */
    const unsigned char *value; /* digest bytes, borrowed from obj */
    size_t len;                 /* bytes in value */
    const char *alg;            /* CertDigestObj.type ("SM3"), borrowed */
} sc_seal_digest;

/* Tolerated producer quirks found while parsing; each becomes a "format" WARN finding. */
enum {
    SC_SEAL_QUIRK_SIG_UNUSED_BITS = 1 << 0, /* Suwell: signature BIT STRING with unused bits */
    SC_SEAL_QUIRK_VERSION_LAYOUT = 1 << 1,  /* header version does not match the layout */
    SC_SEAL_QUIRK_LOCAL_TIME = 1 << 2,      /* Suwell SDK: GeneralizedTime without a zone */
};

struct sc_seal {
    unsigned char *owned;     /* our copy of the input; NULL when borrowed from a signature */
    const unsigned char *der; /* the seal DER: owned, or a slice of the parent's copy */
    size_t len;               /* bytes in der */
    size_t base;              /* offset of der in the caller's input, for messages */
    sc_seal_layout layout;    /* decided by structure, not by header version */
    SESeal *v4;               /* decoded GB/T 38540 / ofdrw v5 layout (owned), or NULL */
    SESeal_v1 *v1;            /* decoded GM/T 0031 layout (owned), or NULL */
    int version;              /* SES_Header.version */
    const char *vid;          /* borrowed from the decoded header (NUL-terminated) */
    const char *esid;         /* borrowed from the decoded SES_SealInfo */
    const char *name;         /* borrowed from the decoded property */
    int type;                 /* SES_ESPropertyInfo.type */
    int cert_list_type;       /* 1 certificates, 2 digests */
    size_t cert_count;        /* entries in certList (>= 1) */
    sc_cert **certs;          /* type 1: cert_count entries (owned), NULL where unparsable */
    const unsigned char **cert_ders;     /* type 1: DER of each entry, borrowed */
    size_t *cert_der_lens;               /* type 1: bytes of each entry */
    sc_seal_digest *digests;             /* type 2: cert_count entries (owned array) */
    sc_time create_date;                 /* SES_ESPropertyInfo.createDate */
    sc_time valid_start;                 /* SES_ESPropertyInfo.validStart */
    sc_time valid_end;                   /* SES_ESPropertyInfo.validEnd */
    sc_seal_picture picture;             /* pointers borrowed from the decoded picture */
    size_t ext_count;                    /* SES_SealInfo.extDatas entries */
    sc_cert *maker_cert;                 /* owned; NULL when the cert does not parse */
    const unsigned char *maker_cert_der; /* the maker cert OCTET STRING content, borrowed */
    size_t maker_cert_der_len;           /* bytes in maker_cert_der */
    char sig_alg[32];                    /* dotted OID of the maker's signature algorithm */
    int has_timestamp;                   /* ofdrw v5 timeStamp present */
    sc_ses_tlv info;                     /* SES_SealInfo within der: the GB/T 38540 signed bytes */
    size_t certalg_off;       /* cert TLV || algorithm TLV within der: GM/T 0031 adds them */
    size_t certalg_len;       /* bytes of both TLVs */
    const unsigned char *sig; /* maker signature value as received, borrowed from der */
    size_t sig_len;           /* bytes in sig */
    int sig_unused;           /* the BIT STRING's unused-bits count */
    unsigned quirks;          /* SC_SEAL_QUIRK_* */
    /* SM3 of der, made on first use (sc_seal_sm3): a signer hashes the seal into every
     * document's References, ~0.15 ms for a 50 KB picture. The seal is shared between threads,
     * so the state is atomic: 0 not yet, 1 being made, 2 sm3 is ready. */
    atomic_int sm3_state;
    unsigned char sm3[SC_SM3_DIGEST_LEN]; /* valid once sm3_state is 2 */
    /* The SM2 digest state of the last signer over the TBS_Sign bytes up to the end of this
     * seal (ses_signature_make.c): every signature with the seal hashes it again otherwise. */
    pthread_mutex_t tbs_lock;   /* guards the three fields below */
    bool has_tbs_lock;          /* tbs_lock was initialised */
    sc_sm3_ctx *tbs_state;      /* owned (sc_sm2_prefix_new), or NULL */
    unsigned char tbs_head[16]; /* the TBS_Sign bytes before the seal that tbs_state covers */
    size_t tbs_head_len;        /* bytes in tbs_head */
};

/* The signature's TBS_Sign.timeInfo encodings. */
typedef enum {
    SC_SES_TIME_GENERALIZED = 0, /* GeneralizedTime (GB/T 38540) */
    SC_SES_TIME_UTC = 1,         /* UTCTime */
    SC_SES_TIME_BIT_TEXT = 2,    /* KingGrid: BIT STRING of ASCII "20211014033404Z" */
} sc_ses_time_form;

struct sc_ses_signature {
    unsigned char *der;             /* our copy of the input (owned) */
    size_t len;                     /* bytes in der */
    sc_seal_layout layout;          /* decided by structure */
    SES_Signature *v4;              /* decoded GB/T 38540 layout (owned), or NULL */
    SES_Signature_v1 *v1;           /* decoded GM/T 0031 layout (owned), or NULL */
    int version;                    /* TBS_Sign.version */
    sc_seal *seal;                  /* owned; its bytes are a slice of der */
    sc_time time;                   /* TBS_Sign.timeInfo */
    sc_ses_time_form time_form;     /* how timeInfo was encoded */
    const unsigned char *data_hash; /* TBS_Sign.dataHash content as received, borrowed */
    size_t data_hash_len;           /* bytes in data_hash */
    int data_hash_unused;           /* its unused-bits count */
    int time_unused;                /* timeInfo BIT STRING's unused-bits count (Suwell) */
    const char *property_info;      /* borrowed from the decoded TBS_Sign */
    sc_cert *cert;                  /* signer certificate (owned), NULL when it does not parse */
    const unsigned char *cert_der;  /* its OCTET STRING content, borrowed */
    size_t cert_der_len;            /* bytes in cert_der */
    char sig_alg[32];               /* dotted OID of the signer's algorithm */
    int has_timestamp;              /* SES_Signature.timeStamp present */
    size_t ext_count;               /* TBS_Sign.extDatas entries */
    sc_ses_tlv tbs;                 /* TBS_Sign within der: the signed bytes */
    const unsigned char *sig;       /* signature value as received, borrowed from der */
    size_t sig_len;                 /* bytes in sig */
    int sig_unused;                 /* the BIT STRING's unused-bits count */
};

/**
 * Parse a seal. With @p borrow the seal points into @p der (which must outlive it: a signature's
 * own copy) instead of copying it. @p root names the structure in messages ("SESeal" or
 * "SES_Signature.toSign.eseal") and @p base is the offset of @p der in the caller's input.
 * Certificates come from @p cache when it is not NULL.
 */
int sc_ses__seal_parse(sc_seal **out, const unsigned char *der, size_t len, bool borrow,
                       const char *root, size_t base, sc_verify_cache *cache);

/**
 * Add a "format" WARN finding when the bytes at @p signed_der are not what DER re-encoding of
 * @p val gives; the signature is still checked over the bytes as received.
 * @return 0 or SC_ENOMEM
 */
int sc_ses__check_der(sc_report *report, const char *field, const ASN1_VALUE *val,
                      const ASN1_ITEM *it, const unsigned char *signed_der, size_t len);

/**
 * The GM/T 0031 maker-signed message DER(SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}) from
 * the SES_SealInfo TLV and the cert and algorithm TLVs, all as received (or as just encoded).
 * @return 0, SC_ENOMEM or SC_ELIMIT
 */
int sc_ses__v1_tbs(sc_buf *out, const unsigned char *info, size_t info_len,
                   const unsigned char *certalg, size_t certalg_len);

/** The seal maker's signature outcome remembered in a cache (ses_cache.c). */
typedef struct {
    int valid;            /* 1 verified, 0 not */
    int conv;             /* the convention that verified: 0 GB/T 38540, 1 GM/T 0031 */
    int fallback;         /* 1 when it verified only with the other layout's convention */
    sc_sm2_sig_form form; /* encoding of the signature value */
} sc_ses_maker_result;

/** Look up the maker result of a seal (keyed by its whole DER); 1 found, 0 not. */
int sc_ses__cache_maker_get(sc_verify_cache *cache, const sc_seal *seal, sc_ses_maker_result *out);

/**
 * The SM3 state after Z of @p key || @p prefix, as sc_sm2_prefix_new() makes it: a copy of the
 * one remembered for these very bytes and this key, or a new one (then remembered, unless
 * another signer's state is remembered for them). For the start of a TBS_Sign through its seal,
 * the same in every signature with one seal and signer.
 * @param[out] out owned by the caller (sc_sm3_free)
 * @return 0, SC_ENOMEM or SC_ECRYPTO
 */
int sc_ses__cache_tbs_state(sc_sm3_ctx **out, sc_verify_cache *cache, const sc_key *key,
                            const unsigned char *prefix, size_t len);

/**
 * What the deflate stream @p raw of a zip entry declared @p len bytes with CRC @p crc inflated
 * to the last time (the same stream, compared in full, and the same claims): copied to @p out
 * with its is_exact, 1; else 0. Only for streams of 4 KB and more and entries up to 256 KB.
 */
int sc_ses__cache_inflated_get(sc_verify_cache *cache, unsigned char *out, size_t len, uint32_t crc,
                               const unsigned char *raw, size_t raw_len, bool *is_exact);

/** Remember what @p raw inflated to, after its size and CRC were checked. Never fails. */
void sc_ses__cache_inflated_put(sc_verify_cache *cache, const unsigned char *raw, size_t raw_len,
                                uint32_t crc, const unsigned char *data, size_t len, bool is_exact);

/** Remember the maker result of a seal. @return 0 or SC_ENOMEM */
int sc_ses__cache_maker_put(sc_verify_cache *cache, const sc_seal *seal,
                            const sc_ses_maker_result *res);

#endif
