/* ASN.1 templates of GB/T 38540-2020 clause 7 and GM/T 0031-2014 clause 5 (seal and seal
 * signature structures; the ASN.1 is quoted in ses_asn1.h), a strict DER structure check, and
 * field helpers that turn decoded values into checked C values. */
#include "ses/ses_asn1.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/objects.h>

/* ---- templates (ASN.1 definitions and clauses: ses_asn1.h) -------------------------------- */

ASN1_SEQUENCE(SES_Header) = {
    ASN1_SIMPLE(SES_Header, ID, ASN1_IA5STRING),
    ASN1_SIMPLE(SES_Header, version, ASN1_INTEGER),
    ASN1_SIMPLE(SES_Header, vid, ASN1_IA5STRING),
} ASN1_SEQUENCE_END(SES_Header)
IMPLEMENT_ASN1_FUNCTIONS(SES_Header)

ASN1_SEQUENCE(CertDigestObj) = {
    ASN1_SIMPLE(CertDigestObj, type, ASN1_PRINTABLESTRING),
    ASN1_SIMPLE(CertDigestObj, value, ASN1_OCTET_STRING),
} ASN1_SEQUENCE_END(CertDigestObj)
IMPLEMENT_ASN1_FUNCTIONS(CertDigestObj)

ASN1_SEQUENCE(SES_ESPropertyInfo) = {
    ASN1_SIMPLE(SES_ESPropertyInfo, type, ASN1_INTEGER),
    ASN1_SIMPLE(SES_ESPropertyInfo, name, ASN1_UTF8STRING),
    ASN1_SIMPLE(SES_ESPropertyInfo, certListType, ASN1_INTEGER),
    ASN1_SEQUENCE_OF(SES_ESPropertyInfo, certList, ASN1_ANY),
    ASN1_SIMPLE(SES_ESPropertyInfo, createDate, ASN1_TIME),
    ASN1_SIMPLE(SES_ESPropertyInfo, validStart, ASN1_TIME),
    ASN1_SIMPLE(SES_ESPropertyInfo, validEnd, ASN1_TIME),
} ASN1_SEQUENCE_END(SES_ESPropertyInfo)
IMPLEMENT_ASN1_FUNCTIONS(SES_ESPropertyInfo)

ASN1_SEQUENCE(SES_ESPropertyInfo_v1) = {
    ASN1_SIMPLE(SES_ESPropertyInfo_v1, type, ASN1_INTEGER),
    ASN1_SIMPLE(SES_ESPropertyInfo_v1, name, ASN1_UTF8STRING),
    ASN1_SEQUENCE_OF(SES_ESPropertyInfo_v1, certList, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SES_ESPropertyInfo_v1, createDate, ASN1_TIME),
    ASN1_SIMPLE(SES_ESPropertyInfo_v1, validStart, ASN1_TIME),
    ASN1_SIMPLE(SES_ESPropertyInfo_v1, validEnd, ASN1_TIME),
} ASN1_SEQUENCE_END(SES_ESPropertyInfo_v1)
IMPLEMENT_ASN1_FUNCTIONS(SES_ESPropertyInfo_v1)

ASN1_SEQUENCE(SES_ESPictrueInfo) = {
    ASN1_SIMPLE(SES_ESPictrueInfo, type, ASN1_IA5STRING),
    ASN1_SIMPLE(SES_ESPictrueInfo, data, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SES_ESPictrueInfo, width, ASN1_INTEGER),
    ASN1_SIMPLE(SES_ESPictrueInfo, height, ASN1_INTEGER),
} ASN1_SEQUENCE_END(SES_ESPictrueInfo)
IMPLEMENT_ASN1_FUNCTIONS(SES_ESPictrueInfo)

/* ASN1_FBOOLEAN: DEFAULT FALSE, so the encoder omits FALSE as DER requires (X.690 11.5) while the
 * decoder still reads an explicit FALSE (河北戈德 writes one; the DER comparison reports it). */
ASN1_SEQUENCE(ExtData) = {
    ASN1_SIMPLE(ExtData, extnID, ASN1_OBJECT),
    ASN1_OPT(ExtData, critical, ASN1_FBOOLEAN),
    ASN1_SIMPLE(ExtData, extnValue, ASN1_OCTET_STRING),
} ASN1_SEQUENCE_END(ExtData)
IMPLEMENT_ASN1_FUNCTIONS(ExtData)

ASN1_SEQUENCE(SES_SealInfo) = {
    ASN1_SIMPLE(SES_SealInfo, header, SES_Header),
    ASN1_SIMPLE(SES_SealInfo, esID, ASN1_IA5STRING),
    ASN1_SIMPLE(SES_SealInfo, property, SES_ESPropertyInfo),
    ASN1_SIMPLE(SES_SealInfo, picture, SES_ESPictrueInfo),
    ASN1_SEQUENCE_OF_OPT(SES_SealInfo, extDatas, ExtData),
} ASN1_SEQUENCE_END(SES_SealInfo)
IMPLEMENT_ASN1_FUNCTIONS(SES_SealInfo)

ASN1_SEQUENCE(SES_SealInfo_v1) = {
    ASN1_SIMPLE(SES_SealInfo_v1, header, SES_Header),
    ASN1_SIMPLE(SES_SealInfo_v1, esID, ASN1_IA5STRING),
    ASN1_SIMPLE(SES_SealInfo_v1, property, SES_ESPropertyInfo_v1),
    ASN1_SIMPLE(SES_SealInfo_v1, picture, SES_ESPictrueInfo),
    ASN1_SEQUENCE_OF_OPT(SES_SealInfo_v1, extDatas, ExtData),
} ASN1_SEQUENCE_END(SES_SealInfo_v1)
IMPLEMENT_ASN1_FUNCTIONS(SES_SealInfo_v1)

ASN1_SEQUENCE(SESeal) = {
    ASN1_SIMPLE(SESeal, esealInfo, SES_SealInfo),
    ASN1_SIMPLE(SESeal, cert, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SESeal, signAlgID, ASN1_OBJECT),
    ASN1_SIMPLE(SESeal, signedValue, ASN1_BIT_STRING),
    ASN1_EXP_OPT(SESeal, timeStamp, ASN1_BIT_STRING, 0),
} ASN1_SEQUENCE_END(SESeal)
IMPLEMENT_ASN1_FUNCTIONS(SESeal)

ASN1_SEQUENCE(SES_SignInfo) = {
    ASN1_SIMPLE(SES_SignInfo, cert, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SES_SignInfo, signatureAlgorithm, ASN1_OBJECT),
    ASN1_SIMPLE(SES_SignInfo, signData, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(SES_SignInfo)
IMPLEMENT_ASN1_FUNCTIONS(SES_SignInfo)

ASN1_SEQUENCE(SESeal_v1) = {
    ASN1_SIMPLE(SESeal_v1, esealInfo, SES_SealInfo_v1),
    ASN1_SIMPLE(SESeal_v1, signInfo, SES_SignInfo),
} ASN1_SEQUENCE_END(SESeal_v1)
IMPLEMENT_ASN1_FUNCTIONS(SESeal_v1)

ASN1_SEQUENCE(TBS_Sign) = {
    ASN1_SIMPLE(TBS_Sign, version, ASN1_INTEGER),
    ASN1_SIMPLE(TBS_Sign, eseal, ASN1_ANY),
    ASN1_SIMPLE(TBS_Sign, timeInfo, ASN1_TIME),
    ASN1_SIMPLE(TBS_Sign, dataHash, ASN1_BIT_STRING),
    ASN1_SIMPLE(TBS_Sign, propertyInfo, ASN1_IA5STRING),
    ASN1_EXP_SEQUENCE_OF_OPT(TBS_Sign, extDatas, ExtData, 0),
} ASN1_SEQUENCE_END(TBS_Sign)
IMPLEMENT_ASN1_FUNCTIONS(TBS_Sign)

ASN1_SEQUENCE(SES_Signature) = {
    ASN1_SIMPLE(SES_Signature, toSign, TBS_Sign),
    ASN1_SIMPLE(SES_Signature, cert, ASN1_OCTET_STRING),
    ASN1_SIMPLE(SES_Signature, signatureAlgID, ASN1_OBJECT),
    ASN1_SIMPLE(SES_Signature, signature, ASN1_BIT_STRING),
    ASN1_EXP_OPT(SES_Signature, timeStamp, ASN1_BIT_STRING, 0),
} ASN1_SEQUENCE_END(SES_Signature)
IMPLEMENT_ASN1_FUNCTIONS(SES_Signature)

ASN1_SEQUENCE(TBS_Sign_v1) = {
    ASN1_SIMPLE(TBS_Sign_v1, version, ASN1_INTEGER),
    ASN1_SIMPLE(TBS_Sign_v1, eseal, ASN1_ANY),
    ASN1_SIMPLE(TBS_Sign_v1, timeInfo, ASN1_ANY),
    ASN1_SIMPLE(TBS_Sign_v1, dataHash, ASN1_BIT_STRING),
    ASN1_SIMPLE(TBS_Sign_v1, propertyInfo, ASN1_IA5STRING),
    ASN1_SIMPLE(TBS_Sign_v1, cert, ASN1_OCTET_STRING),
    ASN1_SIMPLE(TBS_Sign_v1, signatureAlgorithm, ASN1_OBJECT),
} ASN1_SEQUENCE_END(TBS_Sign_v1)
IMPLEMENT_ASN1_FUNCTIONS(TBS_Sign_v1)

ASN1_SEQUENCE(SES_Signature_v1) = {
    ASN1_SIMPLE(SES_Signature_v1, toSign, TBS_Sign_v1),
    ASN1_SIMPLE(SES_Signature_v1, signature, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(SES_Signature_v1)
IMPLEMENT_ASN1_FUNCTIONS(SES_Signature_v1)

/* ---- strict DER structure check ---------------------------------------------------------- */

/*
 * OpenSSL's decoder reads BER: it accepts indefinite lengths, non-minimal length octets and
 * constructed strings. A signed structure must be checked over the bytes as received, so
 * anything that lets two encodings of one value both pass is refused before decoding (GmSSL
 * src/asn1.c asn1_length_from_der does the same). The walk also gives byte offsets, which
 * OpenSSL's errors lack. Only constructed elements are entered: certificates inside OCTET
 * STRINGs are left to the certificate parser, so the walk costs a few dozen TLVs per seal.
 */

/* Read the TLV header at @p off, checking it against the enclosing @p end. */
static int read_tlv(sc_ses_tlv *t, const unsigned char *der, size_t off, size_t end,
                    const char *root, size_t base)
{
    size_t len, hdr, avail = end - off;
    unsigned char tag = der[off];

    if ((tag & 0x1f) == 0x1f)
        return sc_error_set(SC_EFORMAT,
                            "%s: high-number tag form is not used by seals (offset %zu)", root,
                            base + off);
    if (avail < 2)
        return sc_error_set(SC_EFORMAT, "%s: truncated header (offset %zu)", root, base + off);
    if (der[off + 1] < 0x80) {
        len = der[off + 1];
        hdr = 2;
    } else if (der[off + 1] == 0x80) {
        return sc_error_set(SC_EFORMAT, "%s: indefinite length, not DER (offset %zu)", root,
                            base + off);
    } else {
        size_t n = der[off + 1] & 0x7f;
        /* 4 length octets cover 4 GiB, far above every seal size limit. */
        if (n > 4)
            return sc_error_set(SC_EFORMAT, "%s: %zu length octets (offset %zu)", root, n,
                                base + off);
        if (avail < 2 + n)
            return sc_error_set(SC_EFORMAT, "%s: truncated header (offset %zu)", root, base + off);
        if (der[off + 2] == 0)
            return sc_error_set(SC_EFORMAT,
                                "%s: length with a leading zero octet, not DER (offset %zu)", root,
                                base + off);
        len = 0;
        for (size_t i = 0; i < n; i++)
            len = len << 8 | der[off + 2 + i];
        if (len < 0x80)
            return sc_error_set(SC_EFORMAT, "%s: long-form length %zu, not DER (offset %zu)", root,
                                len, base + off);
        hdr = 2 + n;
    }
    if (len > avail - hdr)
        return sc_error_set(SC_EFORMAT,
                            "%s: length %zu runs past the end (offset %zu, %zu bytes left)", root,
                            len, base + off, avail - hdr);
    t->off = off;
    t->hdr = hdr;
    t->len = len;
    t->tag = tag;
    return 0;
}

static int check_tlv(const sc_ses_tlv *t, const unsigned char *der, const char *root, size_t base)
{
    bool universal = (t->tag & 0xc0) == 0, constructed = (t->tag & 0x20) != 0;
    unsigned num = t->tag & 0x1f;

    if (universal && constructed && num != V_ASN1_SEQUENCE && num != V_ASN1_SET)
        return sc_error_set(SC_EFORMAT,
                            "%s: constructed encoding of universal type %u, not DER (offset %zu)",
                            root, num, base + t->off);
    if (universal && !constructed && (num == V_ASN1_SEQUENCE || num == V_ASN1_SET))
        return sc_error_set(SC_EFORMAT, "%s: primitive SEQUENCE or SET (offset %zu)", root,
                            base + t->off);
    if (universal && num == V_ASN1_BIT_STRING) {
        const unsigned char *c = der + t->off + t->hdr;
        if (t->len == 0 || c[0] > 7 || (t->len == 1 && c[0] != 0))
            return sc_error_set(SC_EFORMAT,
                                "%s: BIT STRING with a bad unused-bits count (offset %zu)", root,
                                base + t->off);
    }
    if (universal && (num == V_ASN1_BOOLEAN) && t->len != 1)
        return sc_error_set(SC_EFORMAT, "%s: BOOLEAN of %zu bytes (offset %zu)", root, t->len,
                            base + t->off);
    if (universal && (num == V_ASN1_INTEGER || num == V_ASN1_OBJECT) && t->len == 0)
        return sc_error_set(SC_EFORMAT, "%s: empty INTEGER or OBJECT IDENTIFIER (offset %zu)", root,
                            base + t->off);
    return 0;
}

static int walk(const unsigned char *der, const sc_ses_tlv *parent, int depth, const char *root,
                size_t base)
{
    size_t off = parent->off + parent->hdr, end = sc_ses__tlv_end(parent);
    int error;

    if (depth > SC_SES_MAX_DER_DEPTH)
        return sc_error_set(SC_ELIMIT, "%s: nested deeper than %d levels (offset %zu)", root,
                            SC_SES_MAX_DER_DEPTH, base + parent->off);
    while (off < end) {
        sc_ses_tlv t = {0};
        if ((error = read_tlv(&t, der, off, end, root, base)) < 0)
            return error;
        if ((error = check_tlv(&t, der, root, base)) < 0)
            return error;
        if ((t.tag & 0x20) && (error = walk(der, &t, depth + 1, root, base)) < 0)
            return error;
        off = sc_ses__tlv_end(&t);
    }
    return 0;
}

int sc_ses__der_validate(const unsigned char *der, size_t len, unsigned char outer_tag,
                         const char *root, size_t base)
{
    sc_ses_tlv t = {0};
    int error;

    if (len == 0)
        return sc_error_set(SC_EFORMAT, "%s: empty input", root);
    if (der[0] != outer_tag)
        return sc_error_set(SC_EFORMAT, "%s: expected tag 0x%02x, found 0x%02x (offset %zu)", root,
                            outer_tag, der[0], base);
    if ((error = read_tlv(&t, der, 0, len, root, base)) < 0)
        return error;
    if (sc_ses__tlv_end(&t) != len)
        return sc_error_set(SC_EFORMAT,
                            "%s: %zu trailing bytes after the outer SEQUENCE (offset %zu)", root,
                            len - sc_ses__tlv_end(&t), base + sc_ses__tlv_end(&t));
    if ((error = check_tlv(&t, der, root, base)) < 0)
        return error;
    return (t.tag & 0x20) ? walk(der, &t, 1, root, base) : 0;
}

/* Read a TLV header of an already validated buffer: no checks needed any more. */
static void tlv_at(sc_ses_tlv *t, const unsigned char *der, size_t off)
{
    t->off = off;
    t->tag = der[off];
    if (der[off + 1] < 0x80) {
        t->len = der[off + 1];
        t->hdr = 2;
    } else {
        size_t n = der[off + 1] & 0x7f;
        t->len = 0;
        for (size_t i = 0; i < n; i++)
            t->len = t->len << 8 | der[off + 2 + i];
        t->hdr = 2 + n;
    }
}

void sc_ses__der_root(sc_ses_tlv *out, const unsigned char *der, size_t len)
{
    (void)len;
    tlv_at(out, der, 0);
}

int sc_ses__der_child(sc_ses_tlv *out, const unsigned char *der, const sc_ses_tlv *parent,
                      size_t index)
{
    size_t off = parent->off + parent->hdr, end = sc_ses__tlv_end(parent);
    for (size_t i = 0; off < end; i++) {
        tlv_at(out, der, off);
        if (i == index)
            return 0;
        off = sc_ses__tlv_end(out);
    }
    return SC_ENOTFOUND;
}

size_t sc_ses__der_count(const unsigned char *der, const sc_ses_tlv *parent)
{
    size_t n = 0, off = parent->off + parent->hdr, end = sc_ses__tlv_end(parent);
    sc_ses_tlv t = {0};
    while (off < end) {
        tlv_at(&t, der, off);
        off = sc_ses__tlv_end(&t);
        n++;
    }
    return n;
}

void sc_ses__bit_string(const unsigned char **bytes, size_t *len, int *unused,
                        const unsigned char *der, const sc_ses_tlv *t)
{
    /* sc_ses__der_validate() guaranteed at least the unused-bits octet. */
    *unused = der[t->off + t->hdr];
    *bytes = der + t->off + t->hdr + 1;
    *len = t->len - 1;
}

/* ---- decoding with field paths ----------------------------------------------------------- */

#define MAX_PATH_FIELDS 8

/* Find the template of field @p name in a SEQUENCE item; its index is its position. */
static const ASN1_TEMPLATE *find_field(const ASN1_ITEM *it, const char *name, size_t *index)
{
    if (it->itype != ASN1_ITYPE_SEQUENCE)
        return NULL;
    for (long i = 0; i < it->tcount; i++) {
        if (strcmp(it->templates[i].field_name, name) == 0) {
            *index = (size_t)i;
            return &it->templates[i];
        }
    }
    return NULL;
}

/*
 * OpenSSL reports a template decoding failure as a chain of errors, innermost first, each
 * carrying "Field=<name>, Type=<type>". Their field names (ours are the standard's) give the path;
 * following the same names through the TLVs gives the offset. The child index equals the template
 * index because every OPTIONAL field of these structures comes last.
 */
int sc_ses__d2i(ASN1_VALUE **out, const ASN1_ITEM *it, const unsigned char *der, size_t len,
                const char *root, size_t base)
{
    const unsigned char *p = der;
    char fields[MAX_PATH_FIELDS][40];
    char path[256];
    size_t nfields = 0, used, off = 0;
    unsigned long e, first = 0;
    bool nomem = false, missing = false;
    const char *data;
    int flags;
    ASN1_VALUE *v;

    *out = NULL;
    v = ASN1_item_d2i(NULL, &p, (long)len, it);
    if (v && p == der + len) {
        *out = v;
        return 0;
    }
    /* Unreachable after sc_ses__der_validate() (one TLV, no trailing bytes), kept as a guard. */
    if (SC_NEVER(v != NULL)) {
        ASN1_item_free(v, it);
        return sc_error_set(SC_EFORMAT, "%s: trailing bytes (offset %zu)", root, base + len);
    }

    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        if (!first)
            first = e;
        if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
            nomem = true;
        if (data && (flags & ERR_TXT_STRING) && strncmp(data, "Field=", 6) == 0 &&
            nfields < MAX_PATH_FIELDS) {
            size_t n = strcspn(data + 6, ",");
            if (n >= sizeof(fields[0]))
                n = sizeof(fields[0]) - 1;
            memcpy(fields[nfields], data + 6, n);
            fields[nfields][n] = '\0';
            nfields++;
        }
    }
    if (nomem)
        return sc_error_oom();

    used = (size_t)snprintf(path, sizeof(path), "%s", root);
    {
        sc_ses_tlv cur;
        const ASN1_ITEM *item = it;
        bool descend = true;
        sc_ses__der_root(&cur, der, len);
        off = cur.off;
        for (size_t i = nfields; i-- > 0;) {
            const ASN1_TEMPLATE *tt;
            size_t index;
            if (used < sizeof(path))
                used += (size_t)snprintf(path + used, sizeof(path) - used, ".%s", fields[i]);
            if (!descend || !item || !(tt = find_field(item, fields[i], &index))) {
                descend = false;
                continue;
            }
            if (sc_ses__der_child(&cur, der, &cur, index) < 0) {
                off = sc_ses__tlv_end(&cur);
                missing = true;
                descend = false;
                continue;
            }
            off = cur.off;
            if (tt->flags & ASN1_TFLG_SK_MASK) {
                descend = false;
                continue;
            }
            if ((tt->flags & ASN1_TFLG_EXPTAG) && sc_ses__der_child(&cur, der, &cur, 0) < 0) {
                descend = false;
                continue;
            }
            item = ASN1_ITEM_ptr(tt->item);
        }
    }
    {
        const char *reason = first ? ERR_reason_error_string(first) : NULL;
        return sc_error_set(SC_EFORMAT, "%s: %s (offset %zu)", path,
                            missing ? "missing" : (reason ? reason : "malformed"), base + off);
    }
}

/* ---- field helpers ----------------------------------------------------------------------- */

int sc_ses__time_is_local(const ASN1_TIME *t)
{
    const unsigned char *d = t ? ASN1_STRING_get0_data(t) : NULL;
    if (!d || ASN1_STRING_type(t) != V_ASN1_GENERALIZEDTIME || ASN1_STRING_length(t) != 14)
        return 0;
    for (int i = 0; i < 14; i++)
        if (d[i] < '0' || d[i] > '9')
            return 0;
    return 1;
}

int sc_ses__time(sc_time *out, const ASN1_TIME *t, const char *path, size_t off)
{
    struct tm tm;
    /* Suwell SDK (bankreceipt-ceb sample) writes GeneralizedTime without a zone, "local time"
     * in X.680 terms: "20201122203202". Read as China Standard Time (UTC+8), the producer's;
     * the seal reports it (SC_SEAL_QUIRK_LOCAL_TIME). */
    if (sc_ses__time_is_local(t)) {
        const unsigned char *d = ASN1_STRING_get0_data(t);
        int v[6];
        v[0] = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        for (int i = 1; i < 6; i++)
            v[i] = (d[2 + 2 * i] - '0') * 10 + (d[3 + 2 * i] - '0');
        if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59)
            return sc_error_set(
                SC_EFORMAT, "%s: not a valid UTCTime or GeneralizedTime (offset %zu)", path, off);
        *out = sc_time_from_utc(v[0], v[1], v[2], v[3], v[4], v[5]) - 8 * 3600;
        return 0;
    }
    if (!t || !ASN1_TIME_to_tm(t, &tm)) {
        ERR_clear_error();
        return sc_error_set(SC_EFORMAT, "%s: not a valid UTCTime or GeneralizedTime (offset %zu)",
                            path, off);
    }
    *out = sc_time_from_utc(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                            tm.tm_sec);
    return 0;
}

int sc_ses__time_text(sc_time *out, const unsigned char *text, size_t len, const char *path,
                      size_t off)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int v[7] = {0}; /* year, month, day, hour, minute, second */
    size_t ylen = len == 15 ? 4 : 2, pos = 0;
    unsigned char compact[15];

    /* Suwell/FJSEAL: "2022-03-24 08:54:12" (local time, read as UTC+8) instead of
     * "20220324005412Z". */
    if (len == 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' &&
        text[16] == ':') {
        static const size_t at[14] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
        sc_time local;
        for (size_t i = 0; i < 14; i++)
            compact[i] = text[at[i]];
        compact[14] = 'Z';
        if (sc_ses__time_text(&local, compact, 15, path, off) < 0)
            return SC_EFORMAT;
        *out = local - 8 * 3600;
        return 0;
    }
    if ((len != 13 && len != 15) || text[len - 1] != 'Z')
        goto bad;
    for (size_t i = 0; i < len - 1; i++)
        if (text[i] < '0' || text[i] > '9')
            goto bad;
    for (size_t i = 0; i < ylen; i++)
        v[0] = v[0] * 10 + (text[pos++] - '0');
    for (int f = 1; f <= 5; f++, pos += 2)
        v[f] = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
    if (ylen == 2) /* RFC 5280 4.1.2.5.1: UTCTime years 50-99 are 19xx */
        v[0] += v[0] >= 50 ? 1900 : 2000;
    {
        bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
        if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > (v[1] == 2 && leap ? 29 : dm[v[1] - 1]) ||
            v[3] > 23 || v[4] > 59 || v[5] > 59)
            goto bad;
    }
    *out = sc_time_from_utc(v[0], v[1], v[2], v[3], v[4], v[5]);
    return 0;
bad:
    return sc_error_set(SC_EFORMAT, "%s: not a time text YYYYMMDDHHMMSSZ (offset %zu)", path, off);
}

int sc_ses__int(int64_t *out, const ASN1_INTEGER *v, int64_t min, int64_t max, const char *path,
                size_t off)
{
    int64_t x;
    if (!ASN1_INTEGER_get_int64(&x, v)) {
        ERR_clear_error();
        return sc_error_set(SC_EFORMAT, "%s: INTEGER out of range (offset %zu)", path, off);
    }
    if (x < min || x > max)
        return sc_error_set(SC_EFORMAT, "%s: %lld is not in %lld..%lld (offset %zu)", path,
                            (long long)x, (long long)min, (long long)max, off);
    *out = x;
    return 0;
}

int sc_ses__check_ascii(const ASN1_STRING *s, bool nonempty, const char *path, size_t off)
{
    const unsigned char *d = ASN1_STRING_get0_data(s);
    int n = ASN1_STRING_length(s);
    if (nonempty && n == 0)
        return sc_error_set(SC_EFORMAT, "%s: empty (offset %zu)", path, off);
    for (int i = 0; i < n; i++)
        if (d[i] < 0x20 || d[i] > 0x7e)
            return sc_error_set(
                SC_EFORMAT, "%s: byte 0x%02x at position %d is not printable ASCII (offset %zu)",
                path, d[i], i, off);
    return 0;
}

int sc_ses__check_utf8(const ASN1_STRING *s, const char *path, size_t off)
{
    const unsigned char *d = ASN1_STRING_get0_data(s);
    size_t n = (size_t)ASN1_STRING_length(s), i = 0;

    if (n == 0)
        return sc_error_set(SC_EFORMAT, "%s: empty (offset %zu)", path, off);
    while (i < n) {
        unsigned c = d[i], need;
        uint32_t cp, min;
        if (c == 0 || c < 0x80) {
            if (c == 0)
                goto bad;
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            need = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            need = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            goto bad;
        }
        if (n - i - 1 < need)
            goto bad;
        for (unsigned k = 1; k <= need; k++) {
            if ((d[i + k] & 0xc0) != 0x80)
                goto bad;
            cp = cp << 6 | (d[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            goto bad;
        i += need + 1;
    }
    return 0;
bad:
    return sc_error_set(SC_EFORMAT, "%s: not valid UTF-8 at byte %zu (offset %zu)", path, i, off);
}

void sc_ses__oid_text(char *out, size_t size, const ASN1_OBJECT *oid)
{
    if (OBJ_obj2txt(out, (int)size, oid, 1) <= 0) {
        ERR_clear_error();
        snprintf(out, size, "?");
    }
}

int sc_ses__check_sig_alg(const ASN1_OBJECT *oid, const char *path, size_t off)
{
    char text[80];
    sc_ses__oid_text(text, sizeof(text), oid);
    if (strcmp(text, SC_OID_SM2_WITH_SM3) != 0)
        return sc_error_set(SC_EUNSUPPORTED,
                            "%s: signature algorithm %s is not SM2-with-SM3 (%s) (offset %zu)",
                            path, text, SC_OID_SM2_WITH_SM3, off);
    return 0;
}

/* ---- encoding helpers ------------------------------------------------------------------ */

int sc_ses__set_string(ASN1_STRING *s, const void *data, size_t len)
{
    if (len > INT_MAX || !ASN1_STRING_set(s, data, (int)len))
        return sc_error_set_ossl(SC_ENOMEM, "cannot set a string");
    return 0;
}

/* Without ASN1_STRING_FLAG_BITS_LEFT OpenSSL would count the trailing zero bits of the last byte
 * as unused (what Suwell writes). */
int sc_ses__set_bits(ASN1_BIT_STRING *bs, const unsigned char *data, size_t len)
{
    int error;
    if ((error = sc_ses__set_string(bs, data, len)) < 0)
        return error;
    bs->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
    bs->flags |= ASN1_STRING_FLAG_BITS_LEFT;
    return 0;
}

int sc_ses__encode(unsigned char **der, int *len, const ASN1_VALUE *val, const ASN1_ITEM *it)
{
    *der = NULL;
    if ((*len = ASN1_item_i2d(val, der, it)) <= 0)
        return sc_error_set_ossl(SC_ENOMEM, "cannot encode %s", it->sname);
    return 0;
}
