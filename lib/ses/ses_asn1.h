/* lib/ses private: OpenSSL ASN.1 templates of the seal structures (GB/T 38540-2020 clause 7,
 * GM/T 0031-2014 clause 5, the ofdrw "version 5" layout) and the strict DER helpers around them.
 * Not part of the public API. */
#ifndef SC_SES_ASN1_H
#define SC_SES_ASN1_H

#include <openssl/asn1.h>
#include <openssl/asn1t.h>

#include "util/util.h"

/*
 * The C field names below are the standard's field names, camelCase and all, on purpose: OpenSSL
 * reports a decoding error with the template's field names ("Field=certList"), so naming them as
 * the standard does gives our error messages the standard's field path for free.
 * If a field is renamed here, the paths expected by tests/ses/seal.c and signature.c change too.
 */

/* GB/T 38540-2020 clause 7.1.2 (same in GM/T 0031-2014 clause 5.2.2):
 *   SES_Header ::= SEQUENCE {
 *       ID      IA5String,   -- "ES"
 *       version INTEGER,     -- 4 (GB/T 38540), 1 (GM/T 0031), 2 (KingGrid), 5 (ofdrw)
 *       vid     IA5String }  -- vendor id */
typedef struct {
    ASN1_IA5STRING *ID;
    ASN1_INTEGER *version;
    ASN1_IA5STRING *vid;
} SES_Header;
DECLARE_ASN1_FUNCTIONS(SES_Header)

/* GB/T 38540-2020 clause 7.1.4:
 *   CertDigestObj ::= SEQUENCE {
 *       type  PrintableString,   -- digest algorithm, "SM3"
 *       value OCTET STRING }     -- digest of the certificate DER */
typedef struct {
    ASN1_PRINTABLESTRING *type;
    ASN1_OCTET_STRING *value;
} CertDigestObj;
DECLARE_ASN1_FUNCTIONS(CertDigestObj)

/* GB/T 38540-2020 clause 7.1.4:
 *   SES_ESPropertyInfo ::= SEQUENCE {
 *       type         INTEGER,
 *       name         UTF8String,
 *       certListType INTEGER,            -- 1: certs, 2: certDigestList
 *       certList     SES_CertList,
 *       createDate   GeneralizedTime,
 *       validStart   GeneralizedTime,
 *       validEnd     GeneralizedTime }
 *   SES_CertList ::= CHOICE {
 *       certs          SEQUENCE OF OCTET STRING,
 *       certDigestList SEQUENCE OF CertDigestObj }
 * The CHOICE is untagged and both alternatives are a SEQUENCE OF, so no decoder can tell them
 * apart by tag: certList is read as SEQUENCE OF ANY and resolved with certListType afterwards.
 * Times are ASN1_TIME (UTCTime or GeneralizedTime): producers mix them up, and both are exact. */
typedef struct {
    ASN1_INTEGER *type;
    ASN1_UTF8STRING *name;
    ASN1_INTEGER *certListType;
    STACK_OF(ASN1_TYPE) * certList;
    ASN1_TIME *createDate;
    ASN1_TIME *validStart;
    ASN1_TIME *validEnd;
} SES_ESPropertyInfo;
DECLARE_ASN1_FUNCTIONS(SES_ESPropertyInfo)

/* GM/T 0031-2014 clause 5.2.4:
 *   SES_ESPropertyInfo ::= SEQUENCE {
 *       type       INTEGER,
 *       name       UTF8String,
 *       certList   SEQUENCE OF OCTET STRING,  -- DER certificates
 *       createDate UTCTime,
 *       validStart UTCTime,
 *       validEnd   UTCTime } */
typedef struct {
    ASN1_INTEGER *type;
    ASN1_UTF8STRING *name;
    STACK_OF(ASN1_OCTET_STRING) * certList;
    ASN1_TIME *createDate;
    ASN1_TIME *validStart;
    ASN1_TIME *validEnd;
} SES_ESPropertyInfo_v1;
DECLARE_ASN1_FUNCTIONS(SES_ESPropertyInfo_v1)

/* GB/T 38540-2020 clause 7.1.5 (GM/T 0031-2014 clause 5.2.5):
 *   SES_ESPictrueInfo ::= SEQUENCE {
 *       type   IA5String,     -- "PNG", "GIF", "ofd", ...
 *       data   OCTET STRING,
 *       width  INTEGER,       -- millimetres
 *       height INTEGER } */
typedef struct {
    ASN1_IA5STRING *type;
    ASN1_OCTET_STRING *data;
    ASN1_INTEGER *width;
    ASN1_INTEGER *height;
} SES_ESPictrueInfo;
DECLARE_ASN1_FUNCTIONS(SES_ESPictrueInfo)

/* GB/T 38540-2020 clause 7.1.6 (GM/T 0031-2014 clause 5.2.6):
 *   ExtData ::= SEQUENCE {
 *       extnID    OBJECT IDENTIFIER,
 *       critical  BOOLEAN DEFAULT FALSE,
 *       extnValue OCTET STRING }
 *   ExtensionDatas ::= SEQUENCE OF ExtData */
typedef struct {
    ASN1_OBJECT *extnID;
    ASN1_BOOLEAN critical;
    ASN1_OCTET_STRING *extnValue;
} ExtData;
DECLARE_ASN1_FUNCTIONS(ExtData)
DEFINE_STACK_OF(ExtData)

/* OpenSSL 3.0 declares no stack type for OCTET STRING; SEQUENCE OF OCTET STRING needs one. */
DEFINE_STACK_OF(ASN1_OCTET_STRING)

/* GB/T 38540-2020 clause 7.1.3:
 *   SES_SealInfo ::= SEQUENCE {
 *       header   SES_Header,
 *       esID     IA5String,
 *       property SES_ESPropertyInfo,
 *       picture  SES_ESPictrueInfo,
 *       extDatas ExtensionDatas OPTIONAL } */
typedef struct {
    SES_Header *header;
    ASN1_IA5STRING *esID;
    SES_ESPropertyInfo *property;
    SES_ESPictrueInfo *picture;
    STACK_OF(ExtData) * extDatas;
} SES_SealInfo;
DECLARE_ASN1_FUNCTIONS(SES_SealInfo)

/* GM/T 0031-2014 clause 5.2.3: as above with the GM/T 0031 SES_ESPropertyInfo. */
typedef struct {
    SES_Header *header;
    ASN1_IA5STRING *esID;
    SES_ESPropertyInfo_v1 *property;
    SES_ESPictrueInfo *picture;
    STACK_OF(ExtData) * extDatas;
} SES_SealInfo_v1;
DECLARE_ASN1_FUNCTIONS(SES_SealInfo_v1)

/* GB/T 38540-2020 clause 7.1.1, with ofdrw's "version 5" trailing timeStamp:
 *   SESeal ::= SEQUENCE {
 *       esealInfo   SES_SealInfo,
 *       cert        OCTET STRING,        -- the maker's certificate, DER
 *       signAlgID   OBJECT IDENTIFIER,
 *       signedValue BIT STRING,          -- the maker's signature over DER(esealInfo)
 *       timeStamp   [0] EXPLICIT BIT STRING OPTIONAL }   -- ofdrw v5 only */
typedef struct {
    SES_SealInfo *esealInfo;
    ASN1_OCTET_STRING *cert;
    ASN1_OBJECT *signAlgID;
    ASN1_BIT_STRING *signedValue;
    ASN1_BIT_STRING *timeStamp;
} SESeal;
DECLARE_ASN1_FUNCTIONS(SESeal)

/* GM/T 0031-2014 clause 5.2.7:
 *   SES_SignInfo ::= SEQUENCE {
 *       cert               OCTET STRING,
 *       signatureAlgorithm OBJECT IDENTIFIER,
 *       signData           BIT STRING }   -- over DER(SEQUENCE{esealInfo, cert, algorithm}) */
typedef struct {
    ASN1_OCTET_STRING *cert;
    ASN1_OBJECT *signatureAlgorithm;
    ASN1_BIT_STRING *signData;
} SES_SignInfo;
DECLARE_ASN1_FUNCTIONS(SES_SignInfo)

/* GM/T 0031-2014 clause 5.2.1:
 *   SESeal ::= SEQUENCE {
 *       esealInfo SES_SealInfo,
 *       signInfo  SES_SignInfo } */
typedef struct {
    SES_SealInfo_v1 *esealInfo;
    SES_SignInfo *signInfo;
} SESeal_v1;
DECLARE_ASN1_FUNCTIONS(SESeal_v1)

/* GB/T 38540-2020 clause 7.2.2:
 *   TBS_Sign ::= SEQUENCE {
 *       version      INTEGER,
 *       eseal        SESeal,
 *       timeInfo     GeneralizedTime,
 *       dataHash     BIT STRING,
 *       propertyInfo IA5String,
 *       extDatas     [0] EXPLICIT ExtensionDatas OPTIONAL }
 * eseal is read as ANY (checked to be a SEQUENCE) and parsed by the seal parser on its own bytes,
 * so a signature accepts every seal layout the seal parser accepts. */
typedef struct {
    ASN1_INTEGER *version;
    ASN1_TYPE *eseal;
    ASN1_TIME *timeInfo;
    ASN1_BIT_STRING *dataHash;
    ASN1_IA5STRING *propertyInfo;
    STACK_OF(ExtData) * extDatas;
} TBS_Sign;
DECLARE_ASN1_FUNCTIONS(TBS_Sign)

/* GB/T 38540-2020 clause 7.2.1:
 *   SES_Signature ::= SEQUENCE {
 *       toSign         TBS_Sign,
 *       cert           OCTET STRING,      -- the signer's certificate, DER
 *       signatureAlgID OBJECT IDENTIFIER,
 *       signature      BIT STRING,        -- over DER(toSign)
 *       timeStamp      [0] EXPLICIT BIT STRING OPTIONAL } */
typedef struct {
    TBS_Sign *toSign;
    ASN1_OCTET_STRING *cert;
    ASN1_OBJECT *signatureAlgID;
    ASN1_BIT_STRING *signature;
    ASN1_BIT_STRING *timeStamp;
} SES_Signature;
DECLARE_ASN1_FUNCTIONS(SES_Signature)

/* GM/T 0031-2014 clause 5.3.2:
 *   TBS_Sign ::= SEQUENCE {
 *       version            INTEGER,
 *       eseal              SESeal,
 *       timeInfo           BIT STRING,
 *       dataHash           BIT STRING,
 *       propertyInfo       IA5String,
 *       cert               OCTET STRING,
 *       signatureAlgorithm OBJECT IDENTIFIER }
 * timeInfo is read as ANY: the standard says BIT STRING (KingGrid puts the ASCII text
 * "20211014033404Z" in it), other producers write a UTCTime or GeneralizedTime. */
typedef struct {
    ASN1_INTEGER *version;
    ASN1_TYPE *eseal;
    ASN1_TYPE *timeInfo;
    ASN1_BIT_STRING *dataHash;
    ASN1_IA5STRING *propertyInfo;
    ASN1_OCTET_STRING *cert;
    ASN1_OBJECT *signatureAlgorithm;
} TBS_Sign_v1;
DECLARE_ASN1_FUNCTIONS(TBS_Sign_v1)

/* GM/T 0031-2014 clause 5.3.1:
 *   SES_Signature ::= SEQUENCE {
 *       toSign    TBS_Sign,
 *       signature BIT STRING } */
typedef struct {
    TBS_Sign_v1 *toSign;
    ASN1_BIT_STRING *signature;
} SES_Signature_v1;
DECLARE_ASN1_FUNCTIONS(SES_Signature_v1)

/* ---- strict DER walking ------------------------------------------------------------------ */

/** One TLV found in a buffer. Offsets count from the start of the buffer walked. */
typedef struct {
    size_t off;        /* offset of the identifier octet */
    size_t hdr;        /* bytes of identifier + length octets */
    size_t len;        /* bytes of content */
    unsigned char tag; /* the identifier octet (class, constructed bit, number < 31) */
} sc_ses_tlv;

/** Offset just past a TLV. */
static inline size_t sc_ses__tlv_end(const sc_ses_tlv *t)
{
    return t->off + t->hdr + t->len;
}

/**
 * Check that @p der is exactly one DER TLV tree: definite minimal lengths inside their parents,
 * low tag numbers, no constructed string encodings, BIT STRING unused-bit counts 0..7, nesting at
 * most SC_SES_MAX_DER_DEPTH, no bytes after the outer element, whose tag must be @p outer_tag.
 * Messages name @p root and give offsets shifted by @p base (the position of @p der in the
 * caller's input).
 * @return 0, SC_EFORMAT or SC_ELIMIT (too deep)
 */
int sc_ses__der_validate(const unsigned char *der, size_t len, unsigned char outer_tag,
                         const char *root, size_t base);

/**
 * The @p index-th child of a constructed TLV of an already validated buffer.
 * @return 0, or SC_ENOTFOUND when there are fewer children (no error is recorded)
 */
int sc_ses__der_child(sc_ses_tlv *out, const unsigned char *der, const sc_ses_tlv *parent,
                      size_t index);

/** The outer TLV of an already validated buffer. */
void sc_ses__der_root(sc_ses_tlv *out, const unsigned char *der, size_t len);

/** Number of children of a constructed TLV of an already validated buffer. */
size_t sc_ses__der_count(const unsigned char *der, const sc_ses_tlv *parent);

/**
 * Decode @p der (already validated) with template @p it; on failure turn OpenSSL's error queue
 * into "<root>.<field path>: <reason> (offset N)" (SC_EFORMAT) and empty the queue.
 * @return 0, SC_EFORMAT or SC_ENOMEM
 */
int sc_ses__d2i(ASN1_VALUE **out, const ASN1_ITEM *it, const unsigned char *der, size_t len,
                const char *root, size_t base);

/* ---- field helpers ----------------------------------------------------------------------- */

/** ASN1_TIME (UTCTime or GeneralizedTime) to seconds. @return 0 or SC_EFORMAT ("<path>: ...") */
int sc_ses__time(sc_time *out, const ASN1_TIME *t, const char *path, size_t off);
/** 1 if @p t is a GeneralizedTime without a zone (Suwell SDK), read by sc_ses__time as UTC+8. */
int sc_ses__time_is_local(const ASN1_TIME *t);

/** Time text "YYMMDDHHMMSSZ" / "YYYYMMDDHHMMSSZ" (KingGrid's BIT STRING timeInfo) to seconds. */
int sc_ses__time_text(sc_time *out, const unsigned char *text, size_t len, const char *path,
                      size_t off);

/** INTEGER to int within [min, max]. @return 0 or SC_EFORMAT */
int sc_ses__int(int64_t *out, const ASN1_INTEGER *v, int64_t min, int64_t max, const char *path,
                size_t off);

/**
 * Check an IA5String / PrintableString value: printable ASCII (0x20..0x7E), non-empty when
 * @p nonempty. @return 0 or SC_EFORMAT
 */
int sc_ses__check_ascii(const ASN1_STRING *s, bool nonempty, const char *path, size_t off);

/** Check a UTF8String value: well-formed UTF-8 (no overlongs, surrogates, NUL), non-empty. */
int sc_ses__check_utf8(const ASN1_STRING *s, const char *path, size_t off);

/** Dotted text of an OID into @p out. */
void sc_ses__oid_text(char *out, size_t size, const ASN1_OBJECT *oid);

/**
 * Check that @p oid is SM2-with-SM3 (1.2.156.10197.1.501), the only signature algorithm of
 * GB/T 38540 and GM/T 0031 that sealcert verifies. @return 0 or SC_EUNSUPPORTED naming the OID
 */
int sc_ses__check_sig_alg(const ASN1_OBJECT *oid, const char *path, size_t off);

/**
 * Content of a BIT STRING TLV of a validated buffer, unchanged: @p bytes and @p len after the
 * unused-bits octet, whose value goes to @p unused. OpenSSL's decoder masks the unused bits of
 * the last byte; signature values are read from here so they reach verification as received.
 */
void sc_ses__bit_string(const unsigned char **bytes, size_t *len, int *unused,
                        const unsigned char *der, const sc_ses_tlv *t);

/** Set a string's bytes. @return 0 or SC_ENOMEM */
int sc_ses__set_string(ASN1_STRING *s, const void *data, size_t len);

/** Set a BIT STRING to whole bytes with 0 unused bits (strict DER). @return 0 or SC_ENOMEM */
int sc_ses__set_bits(ASN1_BIT_STRING *bs, const unsigned char *data, size_t len);

/** i2d into a fresh OPENSSL_malloc'ed buffer (release with OPENSSL_free). @return 0 or SC_ENOMEM */
int sc_ses__encode(unsigned char **der, int *len, const ASN1_VALUE *val, const ASN1_ITEM *it);

#endif
