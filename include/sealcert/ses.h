/* sealcert lib/ses: electronic seals and seal signatures, GB/T 38540-2020 (version 4),
 * GM/T 0031-2014 (version 1) and the ofdrw "version 5" layout; seal pictures. */
#ifndef SC_INCLUDE_SES_H
#define SC_INCLUDE_SES_H

#include "common.h"
#include "buffer.h"
#include "report.h"
#include "sm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- verification cache ------------------------------------------------------------------ */

/**
 * A cache shared by many verifications, for servers and batch verifiers: parsed certificates
 * (keyed by their DER bytes), seal makers' signature results (keyed by the whole seal DER, so
 * a hit means the very same signed bytes, signature and certificate) and the SM3 of larger
 * package files (4-256 KB: seal files, font subsets, pictures, keyed by their whole bytes, which
 * recur in every document of one seal or template), and the SM3 state after a TBS_Sign's start
 * through its seal (keyed by those bytes; one signer per seal). Thread-safe. Results are the same
 * with or without it; only the time changes. Bounded: a full table starts over.
 */
typedef struct sc_verify_cache sc_verify_cache;

/**
 * @param[out] out the cache, owned by the caller (sc_verify_cache_free)
 * @param max_entries entries per table (certificates, maker results); 0: 4096
 * @return 0 or SC_ENOMEM
 */
SC_EXTERN int sc_verify_cache_new(sc_verify_cache **out, size_t max_entries);

/** Release a cache; NULL is accepted. Objects obtained through it stay valid. */
SC_EXTERN void sc_verify_cache_free(sc_verify_cache *cache);

/**
 * sc_cert_parse() through the cache (DER only): a hit returns a new reference to the certificate
 * parsed before. @p cache may be NULL.
 * @param[out] out a reference owned by the caller (sc_cert_free)
 */
SC_EXTERN int sc_verify_cache_cert(sc_cert **out, sc_verify_cache *cache, const void *der,
                                   size_t len);

/**
 * sc_sm3() through the cache: for data of 4-256 KB a hit (the very same bytes, compared in full)
 * returns the digest computed before. @p cache may be NULL.
 * @return 0 or SC_ENOMEM
 */
SC_EXTERN int sc_verify_cache_sm3(unsigned char out[SC_SM3_DIGEST_LEN], sc_verify_cache *cache,
                                  const void *data, size_t len);

/* ---- seals (SESeal) ----------------------------------------------------------------------- */

/** A parsed electronic seal. Immutable; every borrowed pointer lives as long as the seal. */
typedef struct sc_seal sc_seal;

/** Which ASN.1 layout a seal follows (the header version alone does not tell: KingGrid writes 2).
 */
typedef enum {
    SC_SEAL_LAYOUT_GMT0031 = 1,  /**< GM/T 0031-2014: maker signs SEQUENCE{sealInfo, cert, alg} */
    SC_SEAL_LAYOUT_GBT38540 = 4, /**< GB/T 38540-2020 v4 (and ofdrw v5): maker signs sealInfo */
} sc_seal_layout;

/** Seal types of GB/T 38540 clause 7.1.4 / GB/T 33481: 01 法定名称章 ... 99 其他. */
typedef enum {
    SC_SEAL_TYPE_ORG = 1,      /**< 01 单位法定名称章 */
    SC_SEAL_TYPE_FINANCE = 2,  /**< 02 财务专用章 */
    SC_SEAL_TYPE_SPECIAL = 3,  /**< 03 业务专用章 (e.g. 校准电子证书专用章) */
    SC_SEAL_TYPE_PERSONAL = 4, /**< 04 法定代表人名章 */
    SC_SEAL_TYPE_INVOICE = 5,  /**< 05 发票专用章 */
    SC_SEAL_TYPE_OTHER = 99,   /**< 99 其他 */
} sc_seal_kind;

/** The seal picture (SES_ESPictrueInfo). */
typedef struct {
    const char *type;          /**< as stored: "PNG", "png", "jpg", "GIF", "ofd", ... (borrowed) */
    const unsigned char *data; /**< picture bytes (borrowed) */
    size_t size;               /**< bytes in data */
    int64_t width_mm;          /**< display width in millimetres */
    int64_t height_mm;         /**< display height in millimetres */
} sc_seal_picture;

/**
 * Parse a DER-encoded seal (SESeal). Strict: the whole input must be one SESeal, tags and lengths
 * exact; v1, v4 and v5 layouts accepted.
 * @param[out] out the seal, owned by the caller (sc_seal_free); it keeps a copy of the bytes
 * @return 0, SC_EFORMAT (message names the field and byte offset), SC_EUNSUPPORTED (unknown
 *         version) or SC_ELIMIT (over SC_SES_MAX_SEAL_SIZE)
 */
SC_EXTERN int sc_seal_parse(sc_seal **out, const void *der, size_t len);

/** sc_seal_parse() taking its certificates from @p cache (may be NULL). */
SC_EXTERN int sc_seal_parse_cached(sc_seal **out, const void *der, size_t len,
                                   sc_verify_cache *cache);

/** sc_seal_parse() on a file's contents. */
SC_EXTERN int sc_seal_read_file(sc_seal **out, const char *path);

/** The DER bytes of the seal as parsed or made; borrowed. */
SC_EXTERN const unsigned char *sc_seal_der(const sc_seal *seal, size_t *len);

/**
 * SM3 of sc_seal_der(), computed on the first call and kept in the seal (thread-safe), for
 * signers that reference the seal file in every document they seal.
 * @param[out] out the digest
 * @return 0 or SC_ECRYPTO
 */
SC_EXTERN int sc_seal_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const sc_seal *seal);

/** SES_Header.version (1, 2 (KingGrid), 4 or 5). */
SC_EXTERN int sc_seal_version(const sc_seal *seal);
/** The layout the seal was parsed with. */
SC_EXTERN sc_seal_layout sc_seal_layout_of(const sc_seal *seal);
/** SES_Header.vid (vendor id); borrowed. */
SC_EXTERN const char *sc_seal_vid(const sc_seal *seal);
/** SESeal.esID; borrowed. */
SC_EXTERN const char *sc_seal_esid(const sc_seal *seal);
/** SES_ESPropertyInfo.type. */
SC_EXTERN int sc_seal_type(const sc_seal *seal);
/** SES_ESPropertyInfo.name in UTF-8; borrowed. */
SC_EXTERN const char *sc_seal_name(const sc_seal *seal);
/** SES_ESPropertyInfo.certListType: 1 certificates, 2 certificate digests (v1 seals: 1). */
SC_EXTERN int sc_seal_cert_list_type(const sc_seal *seal);
/** Number of entries in certList. */
SC_EXTERN size_t sc_seal_cert_count(const sc_seal *seal);
/** The i-th certificate of a type-1 certList, or NULL (type 2, out of range); borrowed. */
SC_EXTERN const sc_cert *sc_seal_cert(const sc_seal *seal, size_t i);
/**
 * The i-th digest of a type-2 certList (CertDigestObj), or NULL; borrowed.
 * @param[out] len bytes in the digest
 * @param[out] alg CertDigestObj.type (e.g. "SM3"); may be NULL
 */
SC_EXTERN const unsigned char *sc_seal_cert_digest(const sc_seal *seal, size_t i, size_t *len,
                                                   const char **alg);
/** SES_ESPropertyInfo.createDate. */
SC_EXTERN sc_time sc_seal_create_date(const sc_seal *seal);
/** SES_ESPropertyInfo.validStart. */
SC_EXTERN sc_time sc_seal_valid_start(const sc_seal *seal);
/** SES_ESPropertyInfo.validEnd. */
SC_EXTERN sc_time sc_seal_valid_end(const sc_seal *seal);
/** The seal picture; borrowed. */
SC_EXTERN const sc_seal_picture *sc_seal_picture_of(const sc_seal *seal);
/** Number of SES_SealInfo.extDatas entries (0 when absent). */
SC_EXTERN size_t sc_seal_ext_count(const sc_seal *seal);
/** The maker's certificate (cert, v4; signInfo.cert, v1); borrowed; NULL if it does not parse. */
SC_EXTERN const sc_cert *sc_seal_maker_cert(const sc_seal *seal);
/** Dotted OID of the maker's signature algorithm; borrowed. */
SC_EXTERN const char *sc_seal_sig_alg(const sc_seal *seal);
/** 1 if the seal carries a timeStamp (ofdrw v5), else 0. */
SC_EXTERN int sc_seal_has_timestamp(const sc_seal *seal);
/**
 * 1 if @p cert belongs to the seal's certList (type 1: same DER; type 2: digest matches with the
 * named algorithm), else 0.
 */
SC_EXTERN int sc_seal_lists_cert(const sc_seal *seal, const sc_cert *cert);

/** Release a seal; NULL is accepted. */
SC_EXTERN void sc_seal_free(sc_seal *seal);

/** Options of sc_seal_make(). */
typedef struct {
    unsigned int version;               /**< SC_SEAL_MAKE_OPTIONS_VERSION */
    int seal_version;                   /**< 4 (GB/T 38540, default) or 1 (GM/T 0031) */
    const char *vid;                    /**< vendor id; NULL: "sealcert" */
    const char *esid;                   /**< seal code (required) */
    const char *name;                   /**< seal name, UTF-8 (required) */
    int type;                           /**< sc_seal_kind (default 3, business seal) */
    int cert_list_type;                 /**< 1 certificates (default) or 2 SM3 digests */
    const sc_cert *const *signer_certs; /**< the certificates allowed to sign with the seal */
    size_t signer_cert_count;           /**< at least one */
    sc_time create_date;                /**< SC_TIME_NOW: now */
    sc_time valid_start;                /**< required */
    sc_time valid_end;                  /**< required, after valid_start */
    const char *picture_type;           /**< "png", "jpg", "bmp", "gif", "svg", "ofd" */
    const unsigned char *picture;       /**< picture bytes (required) */
    size_t picture_size;                /**< bytes in picture */
    int64_t picture_width_mm;           /**< default 40 */
    int64_t picture_height_mm;          /**< default 40 */
} sc_seal_make_options;

#define SC_SEAL_MAKE_OPTIONS_VERSION 1
#define SC_SEAL_MAKE_OPTIONS_INIT                                                                  \
    {                                                                                              \
        SC_SEAL_MAKE_OPTIONS_VERSION, 4, NULL, NULL, NULL, 3, 1, NULL, 0, SC_TIME_NOW, 0, 0, NULL, \
            NULL, 0, 40, 40                                                                        \
    }

/**
 * Make and sign a seal: the maker signs DER(SES_SealInfo) (v4) or DER(SEQUENCE{SES_SealInfo,
 * cert, signatureAlgorithm}) (v1) with SM2-with-SM3. Strict DER.
 * @param[out] out the new seal, owned by the caller
 * @return 0, SC_EINVALID (a required option missing or inconsistent; message names it) or
 *         SC_ECRYPTO
 */
SC_EXTERN int sc_seal_make(sc_seal **out, const sc_key *maker_key, const sc_cert *maker_cert,
                           const sc_seal_make_options *opts);

/** Options of sc_seal_verify(). */
typedef struct {
    unsigned int version;   /**< SC_SEAL_VERIFY_OPTIONS_VERSION */
    sc_time at;             /**< time of the validity checks; SC_TIME_NOW: now */
    const sc_trust *trust;  /**< when not NULL, the maker's chain is checked against it */
    sc_verify_cache *cache; /**< when not NULL, maker-signature results are remembered */
} sc_seal_verify_options;

#define SC_SEAL_VERIFY_OPTIONS_VERSION 1
#define SC_SEAL_VERIFY_OPTIONS_INIT                                                                \
    {                                                                                              \
        SC_SEAL_VERIFY_OPTIONS_VERSION, SC_TIME_NOW, NULL, NULL                                    \
    }

/**
 * Verify a seal. Findings (check names are stable): "maker_signature" (over the signed bytes as
 * received; for v4 with the GB/T 38540 convention, v1 with GM/T 0031, the other tried as a
 * fallback and reported as a warning), "maker_certificate" (parses, SM2, validity at @p at),
 * "validity" (validStart <= at <= validEnd), "cert_list" (non-empty, every entry parses),
 * "chain" (skip without trust), "picture" (type and size).
 * @param[out] out the report, owned by the caller
 * @return 0 when verification ran (the verdict is in the report), SC_ENOMEM otherwise
 */
SC_EXTERN int sc_seal_verify(sc_report **out, const sc_seal *seal,
                             const sc_seal_verify_options *opts);

/* ---- seal signatures (SES_Signature) ------------------------------------------------------ */

/** A parsed seal signature (SES_Signature of GB/T 38540 clause 7.2, or GM/T 0031). */
typedef struct sc_ses_signature sc_ses_signature;

/**
 * Parse a DER-encoded SES_Signature (v4, v5, GM/T 0031 v1 incl. KingGrid's version-2 header and
 * BIT STRING time). Strict on tags and lengths; raw r||s signature values accepted.
 * @return 0, SC_EFORMAT, SC_EUNSUPPORTED or SC_ELIMIT
 */
SC_EXTERN int sc_ses_signature_parse(sc_ses_signature **out, const void *der, size_t len);

/** sc_ses_signature_parse() taking its certificates from @p cache (may be NULL). */
SC_EXTERN int sc_ses_signature_parse_cached(sc_ses_signature **out, const void *der, size_t len,
                                            sc_verify_cache *cache);

/** TBS_Sign.version. */
SC_EXTERN int sc_ses_signature_version(const sc_ses_signature *sig);
/** The embedded seal; borrowed. */
SC_EXTERN const sc_seal *sc_ses_signature_seal(const sc_ses_signature *sig);
/** TBS_Sign.timeInfo. */
SC_EXTERN sc_time sc_ses_signature_time(const sc_ses_signature *sig);
/** TBS_Sign.dataHash; borrowed. */
SC_EXTERN const unsigned char *sc_ses_signature_data_hash(const sc_ses_signature *sig, size_t *len);
/** TBS_Sign.propertyInfo (IA5String); borrowed. */
SC_EXTERN const char *sc_ses_signature_property_info(const sc_ses_signature *sig);
/** The signer's certificate (cert / signerCert); borrowed; NULL if it does not parse. */
SC_EXTERN const sc_cert *sc_ses_signature_cert(const sc_ses_signature *sig);
/** 1 if a timeStamp is present, else 0. */
SC_EXTERN int sc_ses_signature_has_timestamp(const sc_ses_signature *sig);
/** Release a signature; NULL is accepted. */
SC_EXTERN void sc_ses_signature_free(sc_ses_signature *sig);

/** Options of sc_ses_signature_verify(). */
typedef struct {
    unsigned int version;   /**< SC_SES_VERIFY_OPTIONS_VERSION */
    sc_time at;             /**< time of the validity checks; SC_TIME_NOW: TBS_Sign.timeInfo */
    const sc_trust *trust;  /**< when not NULL, signer and maker chains are checked */
    const void *data;       /**< the signed data (OFD: Signature.xml bytes); NULL: skip dataHash */
    size_t data_len;        /**< bytes in data */
    sc_verify_cache *cache; /**< when not NULL, the seal maker's result is remembered */
} sc_ses_verify_options;

#define SC_SES_VERIFY_OPTIONS_VERSION 1
#define SC_SES_VERIFY_OPTIONS_INIT                                                                 \
    {                                                                                              \
        SC_SES_VERIFY_OPTIONS_VERSION, SC_TIME_NOW, NULL, NULL, 0, NULL                            \
    }

/**
 * Verify a seal signature: "data_hash" (SM3(data) == dataHash), "signature" (signer's SM2
 * signature over DER(TBS_Sign) as received), "signer_certificate", "signer_in_cert_list",
 * then the embedded seal's findings with field prefix "eseal.".
 * @return 0 when verification ran, SC_ENOMEM otherwise
 */
SC_EXTERN int sc_ses_signature_verify(sc_report **out, const sc_ses_signature *sig,
                                      const sc_ses_verify_options *opts);

/** Options of sc_ses_signature_make(). */
typedef struct {
    unsigned int version;      /**< SC_SES_SIGN_OPTIONS_VERSION */
    sc_time time;              /**< TBS_Sign.timeInfo; SC_TIME_NOW: now */
    const char *property_info; /**< TBS_Sign.propertyInfo (OFD: the Signature.xml path) */
} sc_ses_sign_options;

#define SC_SES_SIGN_OPTIONS_VERSION 1
#define SC_SES_SIGN_OPTIONS_INIT                                                                   \
    {                                                                                              \
        SC_SES_SIGN_OPTIONS_VERSION, SC_TIME_NOW, NULL                                             \
    }

/**
 * Make a GB/T 38540-2020 seal signature (SES_Signature version 4): TBS_Sign{4, the seal's DER as
 * is, timeInfo, dataHash = SM3(@p data), propertyInfo}, signed with SM2-with-SM3 (DER r,s) by
 * @p key, whose certificate @p cert is embedded. Strict DER.
 * Refuses (SC_EINVALID, the message says why): a key that does not match @p cert, a certificate
 * the seal's certList does not list, a time outside the seal's validity or the certificate's.
 * A GM/T 0031 seal cannot make a version 4 signature (SC_EUNSUPPORTED).
 * @param[out] out the DER SES_Signature (caller disposes)
 * @return 0, SC_EINVALID, SC_EUNSUPPORTED or SC_ECRYPTO
 */
SC_EXTERN int sc_ses_signature_make(sc_buf *out, const sc_seal *seal, const sc_key *key,
                                    const sc_cert *cert, const void *data, size_t data_len,
                                    const sc_ses_sign_options *opts);

/* ---- seal pictures ------------------------------------------------------------------------ */

/** Options of sc_seal_draw(). */
typedef struct {
    unsigned int version; /**< SC_SEAL_DRAW_OPTIONS_VERSION */
    const char *org;      /**< organisation name along the upper arc, UTF-8 (required) */
    const char
        *name; /**< seal name, one line under the star, e.g. 校准电子证书专用章; may be NULL */
    const char *code;      /**< seal code, small along the lower arc; may be NULL */
    double diameter_mm;    /**< outer diameter, 10..100; default (and 0) 40 */
    double px_per_mm;      /**< raster resolution, 1..100; default (and 0) 12 (about 300 dpi) */
    uint32_t color;        /**< 0xRRGGBB; default 0xE60012 (seal red) */
    const char *font_file; /**< a CJK TrueType/OpenType font; NULL: the default Debian font */
} sc_seal_draw_options;

#define SC_SEAL_DRAW_OPTIONS_VERSION 1
#define SC_SEAL_DRAW_OPTIONS_INIT                                                                  \
    {                                                                                              \
        SC_SEAL_DRAW_OPTIONS_VERSION, NULL, NULL, NULL, 40.0, 12.0, 0xE60012, NULL                 \
    }

/**
 * Draw the standard round red seal: circle, five-pointed star, organisation name on the upper
 * arc, seal name under the star, code on the lower arc, on a transparent background;
 * deterministic PNG bytes (same options, font file and library versions: same bytes).
 * Layout and font choice: docs/formats/seal-picture.md.
 * @param[out] png the PNG (caller disposes); replaced only on success
 * @return 0, SC_EINVALID (no org, bad option, invalid UTF-8, or a character the font lacks: the
 *         message names it as U+XXXX), SC_ENOTFOUND (no CJK font; the message lists the paths
 *         tried), SC_EFORMAT (font_file is not a font) or SC_ERROR (cairo)
 */
SC_EXTERN int sc_seal_draw(sc_buf *png, const sc_seal_draw_options *opts);

/**
 * The picture type of image bytes by their magic: "png", "jpg", "bmp", "gif", "tif", "svg",
 * "ofd" (a zip), or NULL when unknown. Static string.
 */
SC_EXTERN const char *sc_picture_sniff(const void *data, size_t len);

/**
 * Convert a raster picture (png, jpg, bmp, gif, tif) to PNG; PNG is returned as-is after its
 * IHDR is checked. The type comes from sc_picture_sniff(), not from a stored type name.
 * @param[out] png the PNG (caller disposes); replaced only on success
 * @return 0, SC_EUNSUPPORTED (svg, ofd, unknown), SC_EFORMAT (undecodable or truncated image;
 *         the message carries the decoder's reason) or SC_ELIMIT (over SC_SES_MAX_PICTURE_SIZE
 *         bytes, or a declared dimension over SC_SES_MAX_PICTURE_PIXELS, refused before decoding)
 */
SC_EXTERN int sc_picture_to_png(sc_buf *png, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
