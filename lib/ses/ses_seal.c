/* Electronic seals (SESeal): parsing, accessors and making, GB/T 38540-2020 clause 7.1 and
 * GM/T 0031-2014 clause 5.2, plus the producer variants listed in docs/formats/ses.md. */
#include "ses/ses_int.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/objects.h>

/* ---- parsing ----------------------------------------------------------------------------- */

/* "<root><suffix>" into @p buf; paths are short, truncation only shortens a message. */
static const char *fpath(char buf[192], const char *root, const char *suffix)
{
    snprintf(buf, 192, "%s%s", root, suffix);
    return buf;
}

/* Offset in the caller's input of the @p index-th child of @p parent (or of parent itself). */
static size_t child_off(const sc_seal *seal, const sc_ses_tlv *parent, size_t index,
                        sc_ses_tlv *out)
{
    if (sc_ses__der_child(out, seal->der, parent, index) < 0)
        *out = *parent;
    return seal->base + out->off;
}

/* SES_SealInfo fields common to both layouts: header, esID, picture, extDatas. */
static int parse_common(sc_seal *seal, const SES_Header *header, const ASN1_IA5STRING *esid,
                        const SES_ESPictrueInfo *pic, const STACK_OF(ExtData) * ext,
                        const char *root)
{
    char p[192];
    sc_ses_tlv hdr, t;
    size_t off;
    int64_t v;
    int error;

    child_off(seal, &seal->info, 0, &hdr);
    off = child_off(seal, &hdr, 0, &t);
    if ((error = sc_ses__check_ascii(header->ID, true, fpath(p, root, ".esealInfo.header.ID"),
                                     off)) < 0)
        return error;
    if (ASN1_STRING_length(header->ID) != 2 || memcmp(ASN1_STRING_get0_data(header->ID), "ES", 2))
        return sc_error_set(SC_EFORMAT, "%s: \"%s\", expected \"ES\" (offset %zu)", p,
                            (const char *)ASN1_STRING_get0_data(header->ID), off);
    off = child_off(seal, &hdr, 1, &t);
    if ((error = sc_ses__int(&v, header->version, INT_MIN, INT_MAX,
                             fpath(p, root, ".esealInfo.header.version"), off)) < 0)
        return error;
    /* Known versions: 1 (GM/T 0031), 2 (KingGrid, GM/T 0031 layout), 3 (seen with the GM/T 0031
     * layout in drafts), 4 (GB/T 38540), 5 (ofdrw's GM/T 0031-2025 reading). */
    if (v < 1 || v > 5)
        return sc_error_set(SC_EUNSUPPORTED, "%s: unsupported version %lld (offset %zu)", p,
                            (long long)v, off);
    seal->version = (int)v;
    if (seal->layout == SC_SEAL_LAYOUT_GBT38540 ? v < 4 : v != 1)
        seal->quirks |= SC_SEAL_QUIRK_VERSION_LAYOUT;
    off = child_off(seal, &hdr, 2, &t);
    if ((error = sc_ses__check_ascii(header->vid, false, fpath(p, root, ".esealInfo.header.vid"),
                                     off)) < 0)
        return error;
    seal->vid = (const char *)ASN1_STRING_get0_data(header->vid);

    off = child_off(seal, &seal->info, 1, &t);
    if ((error = sc_ses__check_ascii(esid, true, fpath(p, root, ".esealInfo.esID"), off)) < 0)
        return error;
    seal->esid = (const char *)ASN1_STRING_get0_data(esid);

    {
        sc_ses_tlv ptlv;
        off = child_off(seal, &seal->info, 3, &ptlv);
        if ((error = sc_ses__check_ascii(pic->type, true, fpath(p, root, ".esealInfo.picture.type"),
                                         off)) < 0)
            return error;
        seal->picture.type = (const char *)ASN1_STRING_get0_data(pic->type);
        seal->picture.data = ASN1_STRING_get0_data(pic->data);
        seal->picture.size = (size_t)ASN1_STRING_length(pic->data);
        off = child_off(seal, &ptlv, 2, &t);
        if ((error = sc_ses__int(&seal->picture.width_mm, pic->width, 0, INT32_MAX,
                                 fpath(p, root, ".esealInfo.picture.width"), off)) < 0)
            return error;
        off = child_off(seal, &ptlv, 3, &t);
        if ((error = sc_ses__int(&seal->picture.height_mm, pic->height, 0, INT32_MAX,
                                 fpath(p, root, ".esealInfo.picture.height"), off)) < 0)
            return error;
    }
    seal->ext_count = ext ? (size_t)sk_ExtData_num(ext) : 0;
    return 0;
}

/* Parse the certificates of a type-1 certList. A certificate that does not parse leaves a NULL
 * entry: the seal is still readable, and verification reports the entry ("cert_list"). */
static int parse_certs(sc_seal *seal, sc_verify_cache *cache)
{
    int error;
    if (!(seal->certs = sc_calloc(seal->cert_count, sizeof(*seal->certs))))
        return sc_error_oom();
    for (size_t i = 0; i < seal->cert_count; i++) {
        error = sc_verify_cache_cert(&seal->certs[i], cache, seal->cert_ders[i],
                                     seal->cert_der_lens[i]);
        if (error == SC_ENOMEM)
            return error;
        if (error < 0)
            sc_error_clear();
    }
    return 0;
}

static int parse_times(sc_seal *seal, const ASN1_TIME *create, const ASN1_TIME *start,
                       const ASN1_TIME *end, const sc_ses_tlv *prop, size_t first, const char *root)
{
    char p[192];
    sc_ses_tlv t;
    int error;
    if ((error = sc_ses__time(&seal->create_date, create,
                              fpath(p, root, ".esealInfo.property.createDate"),
                              child_off(seal, prop, first, &t))) < 0 ||
        (error = sc_ses__time(&seal->valid_start, start,
                              fpath(p, root, ".esealInfo.property.validStart"),
                              child_off(seal, prop, first + 1, &t))) < 0 ||
        (error = sc_ses__time(&seal->valid_end, end, fpath(p, root, ".esealInfo.property.validEnd"),
                              child_off(seal, prop, first + 2, &t))) < 0)
        return error;
    if (sc_ses__time_is_local(create) || sc_ses__time_is_local(start) || sc_ses__time_is_local(end))
        seal->quirks |= SC_SEAL_QUIRK_LOCAL_TIME;
    return 0;
}

static int parse_cert_list_count(sc_seal *seal, int n, const sc_ses_tlv *list, const char *path)
{
    if (n <= 0)
        return sc_error_set(SC_EFORMAT, "%s: empty (offset %zu)", path, seal->base + list->off);
    if ((size_t)n > SC_SES_MAX_CERT_LIST)
        return sc_error_set(SC_ELIMIT, "%s: %d entries, over the limit of %d (offset %zu)", path, n,
                            SC_SES_MAX_CERT_LIST, seal->base + list->off);
    seal->cert_count = (size_t)n;
    return 0;
}

static int alloc_cert_ders(sc_seal *seal)
{
    seal->cert_ders = sc_calloc(seal->cert_count, sizeof(*seal->cert_ders));
    seal->cert_der_lens = sc_calloc(seal->cert_count, sizeof(*seal->cert_der_lens));
    return seal->cert_ders && seal->cert_der_lens ? 0 : sc_error_oom();
}

/* GB/T 38540 SES_ESPropertyInfo: certListType decides how the untagged certList CHOICE reads. */
static int parse_property_v4(sc_seal *seal, const SES_ESPropertyInfo *pr, const char *root)
{
    char p[192];
    sc_ses_tlv prop, t, list;
    int64_t v;
    int error, n;

    child_off(seal, &seal->info, 2, &prop);
    if ((error = sc_ses__int(&v, pr->type, 0, INT_MAX, fpath(p, root, ".esealInfo.property.type"),
                             child_off(seal, &prop, 0, &t))) < 0)
        return error;
    seal->type = (int)v;
    if ((error = sc_ses__check_utf8(pr->name, fpath(p, root, ".esealInfo.property.name"),
                                    child_off(seal, &prop, 1, &t))) < 0)
        return error;
    seal->name = (const char *)ASN1_STRING_get0_data(pr->name);
    if ((error = sc_ses__int(&v, pr->certListType, 1, 2,
                             fpath(p, root, ".esealInfo.property.certListType"),
                             child_off(seal, &prop, 2, &t))) < 0)
        return error;
    seal->cert_list_type = (int)v;

    child_off(seal, &prop, 3, &list);
    fpath(p, root, ".esealInfo.property.certList");
    n = sk_ASN1_TYPE_num(pr->certList);
    if ((error = parse_cert_list_count(seal, n, &list, p)) < 0)
        return error;
    if (seal->cert_list_type == 1 && (error = alloc_cert_ders(seal)) < 0)
        return error;
    if (seal->cert_list_type == 2 &&
        !(seal->digests = sc_calloc(seal->cert_count, sizeof(*seal->digests))))
        return sc_error_oom();
    for (int i = 0; i < n; i++) {
        const ASN1_TYPE *e = sk_ASN1_TYPE_value(pr->certList, i);
        size_t off = child_off(seal, &list, (size_t)i, &t);
        if (seal->cert_list_type == 1) {
            if (e->type != V_ASN1_OCTET_STRING)
                return sc_error_set(SC_EFORMAT,
                                    "%s[%d]: certListType 1 needs an OCTET STRING certificate, "
                                    "found tag 0x%02x (offset %zu)",
                                    p, i, t.tag, off);
            seal->cert_ders[i] = ASN1_STRING_get0_data(e->value.octet_string);
            seal->cert_der_lens[i] = (size_t)ASN1_STRING_length(e->value.octet_string);
        } else {
            char ep[224];
            CertDigestObj *d = NULL;
            if (e->type != V_ASN1_SEQUENCE)
                return sc_error_set(SC_EFORMAT,
                                    "%s[%d]: certListType 2 needs a CertDigestObj SEQUENCE, "
                                    "found tag 0x%02x (offset %zu)",
                                    p, i, t.tag, off);
            snprintf(ep, sizeof(ep), "%s[%d]", p, i);
            if ((error = sc_ses__d2i((ASN1_VALUE **)&d, ASN1_ITEM_rptr(CertDigestObj),
                                     seal->der + t.off, t.hdr + t.len, ep, off)) < 0)
                return error;
            seal->digests[i].obj = d;
            seal->digests[i].value = ASN1_STRING_get0_data(d->value);
            seal->digests[i].len = (size_t)ASN1_STRING_length(d->value);
            seal->digests[i].alg = (const char *)ASN1_STRING_get0_data(d->type);
            if ((error = sc_ses__check_ascii(d->type, true, ep, off)) < 0)
                return error;
            if (seal->digests[i].len == 0)
                return sc_error_set(SC_EFORMAT, "%s.value: empty digest (offset %zu)", ep, off);
        }
    }
    return parse_times(seal, pr->createDate, pr->validStart, pr->validEnd, &prop, 4, root);
}

/* GM/T 0031 SES_ESPropertyInfo: certList is always a list of certificates. */
static int parse_property_v1(sc_seal *seal, const SES_ESPropertyInfo_v1 *pr, const char *root)
{
    char p[192];
    sc_ses_tlv prop, t, list;
    int64_t v;
    int error, n;

    child_off(seal, &seal->info, 2, &prop);
    if ((error = sc_ses__int(&v, pr->type, 0, INT_MAX, fpath(p, root, ".esealInfo.property.type"),
                             child_off(seal, &prop, 0, &t))) < 0)
        return error;
    seal->type = (int)v;
    if ((error = sc_ses__check_utf8(pr->name, fpath(p, root, ".esealInfo.property.name"),
                                    child_off(seal, &prop, 1, &t))) < 0)
        return error;
    seal->name = (const char *)ASN1_STRING_get0_data(pr->name);
    seal->cert_list_type = 1;
    child_off(seal, &prop, 2, &list);
    n = sk_ASN1_OCTET_STRING_num(pr->certList);
    if ((error = parse_cert_list_count(seal, n, &list,
                                       fpath(p, root, ".esealInfo.property.certList"))) < 0 ||
        (error = alloc_cert_ders(seal)) < 0)
        return error;
    for (int i = 0; i < n; i++) {
        const ASN1_OCTET_STRING *e = sk_ASN1_OCTET_STRING_value(pr->certList, i);
        seal->cert_ders[i] = ASN1_STRING_get0_data(e);
        seal->cert_der_lens[i] = (size_t)ASN1_STRING_length(e);
    }
    return parse_times(seal, pr->createDate, pr->validStart, pr->validEnd, &prop, 3, root);
}

/* The maker's certificate, algorithm and signature: SESeal fields 2-4 (GB/T 38540) or
 * SES_SignInfo (GM/T 0031). @p parent holds the three TLVs from index @p first. */
static int parse_maker(sc_seal *seal, const ASN1_OCTET_STRING *cert, const ASN1_OBJECT *alg,
                       const sc_ses_tlv *parent, size_t first, const char *alg_path,
                       sc_verify_cache *cache)
{
    sc_ses_tlv tc, ta, ts;
    int error;

    child_off(seal, parent, first, &tc);
    child_off(seal, parent, first + 1, &ta);
    child_off(seal, parent, first + 2, &ts);
    if ((error = sc_ses__check_sig_alg(alg, alg_path, seal->base + ta.off)) < 0)
        return error;
    sc_ses__oid_text(seal->sig_alg, sizeof(seal->sig_alg), alg);
    seal->certalg_off = tc.off;
    seal->certalg_len = sc_ses__tlv_end(&ta) - tc.off;
    sc_ses__bit_string(&seal->sig, &seal->sig_len, &seal->sig_unused, seal->der, &ts);
    /* Suwell writes the count of trailing zero bits of the last byte as "unused bits"; the
     * bytes are used unchanged (see sc_ses__bit_string), the count is reported. */
    if (seal->sig_unused)
        seal->quirks |= SC_SEAL_QUIRK_SIG_UNUSED_BITS;
    seal->maker_cert_der = ASN1_STRING_get0_data(cert);
    seal->maker_cert_der_len = (size_t)ASN1_STRING_length(cert);
    error = sc_verify_cache_cert(&seal->maker_cert, cache, seal->maker_cert_der,
                                 seal->maker_cert_der_len);
    if (error == SC_ENOMEM)
        return error;
    if (error < 0) /* reported by sc_seal_verify ("maker_certificate") */
        sc_error_clear();
    return 0;
}

int sc_ses__seal_parse(sc_seal **out, const unsigned char *in, size_t len, bool borrow,
                       const char *root, size_t base, sc_verify_cache *cache)
{
    sc_seal *seal = NULL;
    sc_ses_tlv top, second, sign_info;
    char p[192];
    int error;

    *out = NULL;
    if (len > SC_SES_MAX_SEAL_SIZE)
        return sc_error_set(SC_ELIMIT, "%s: %zu bytes, over the limit of %zu", root, len,
                            SC_SES_MAX_SEAL_SIZE);
    if ((error = sc_ses__der_validate(in, len, 0x30, root, base)) < 0)
        return error;
    if (!(seal = sc_calloc(1, sizeof(*seal)))) {
        error = sc_error_oom();
        goto done;
    }
    if (pthread_mutex_init(&seal->tbs_lock, NULL) != 0) {
        error = sc_error_set(SC_ENOMEM, "seal: no mutex");
        goto done;
    }
    seal->has_tbs_lock = true;
    seal->base = base;
    seal->len = len;
    if (borrow) {
        seal->der = in;
    } else {
        if (!(seal->owned = sc_memdup(in, len))) {
            error = sc_error_oom();
            goto done;
        }
        seal->der = seal->owned;
    }

    /* The layout is decided by structure: KingGrid writes header version 2 with the GM/T 0031
     * layout and Suwell the GM/T 0031 layout under version 4, so the version cannot tell. The
     * second element is the maker's cert OCTET STRING (GB/T 38540) or SES_SignInfo (GM/T 0031). */
    sc_ses__der_root(&top, seal->der, len);
    if (sc_ses__der_child(&seal->info, seal->der, &top, 0) < 0 ||
        sc_ses__der_child(&second, seal->der, &top, 1) < 0) {
        error = sc_error_set(SC_EFORMAT, "%s: fewer than 2 elements (offset %zu)", root, base);
        goto done;
    }
    if (second.tag == V_ASN1_OCTET_STRING) {
        seal->layout = SC_SEAL_LAYOUT_GBT38540;
        if ((error = sc_ses__d2i((ASN1_VALUE **)&seal->v4, ASN1_ITEM_rptr(SESeal), seal->der, len,
                                 root, base)) < 0)
            goto done;
        if ((error = parse_common(seal, seal->v4->esealInfo->header, seal->v4->esealInfo->esID,
                                  seal->v4->esealInfo->picture, seal->v4->esealInfo->extDatas,
                                  root)) < 0 ||
            (error = parse_property_v4(seal, seal->v4->esealInfo->property, root)) < 0 ||
            (error = parse_maker(seal, seal->v4->cert, seal->v4->signAlgID, &top, 1,
                                 fpath(p, root, ".signAlgID"), cache)) < 0)
            goto done;
        seal->has_timestamp = seal->v4->timeStamp != NULL;
    } else if (second.tag == (V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED)) {
        seal->layout = SC_SEAL_LAYOUT_GMT0031;
        if ((error = sc_ses__d2i((ASN1_VALUE **)&seal->v1, ASN1_ITEM_rptr(SESeal_v1), seal->der,
                                 len, root, base)) < 0)
            goto done;
        sign_info = second;
        if ((error = parse_common(seal, seal->v1->esealInfo->header, seal->v1->esealInfo->esID,
                                  seal->v1->esealInfo->picture, seal->v1->esealInfo->extDatas,
                                  root)) < 0 ||
            (error = parse_property_v1(seal, seal->v1->esealInfo->property, root)) < 0 ||
            (error = parse_maker(seal, seal->v1->signInfo->cert,
                                 seal->v1->signInfo->signatureAlgorithm, &sign_info, 0,
                                 fpath(p, root, ".signInfo.signatureAlgorithm"), cache)) < 0)
            goto done;
    } else {
        error = sc_error_set(SC_EFORMAT,
                             "%s: second element is neither cert OCTET STRING (GB/T 38540) nor "
                             "signInfo SEQUENCE (GM/T 0031), found tag 0x%02x (offset %zu)",
                             root, second.tag, base + second.off);
        goto done;
    }
    if (seal->cert_list_type == 1 && (error = parse_certs(seal, cache)) < 0)
        goto done;

    *out = seal;
    seal = NULL;
done:
    sc_seal_free(seal);
    return error;
}

int sc_seal_parse(sc_seal **out, const void *der, size_t len)
{
    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(der || len == 0);
    *out = NULL;
    if (!der)
        return sc_error_set(SC_EFORMAT, "SESeal: empty input");
    return sc_ses__seal_parse(out, der, len, false, "SESeal", 0, NULL);
}

int sc_seal_parse_cached(sc_seal **out, const void *der, size_t len, sc_verify_cache *cache)
{
    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(der || len == 0);
    *out = NULL;
    if (!der)
        return sc_error_set(SC_EFORMAT, "SESeal: empty input");
    return sc_ses__seal_parse(out, der, len, false, "SESeal", 0, cache);
}

int sc_seal_read_file(sc_seal **out, const char *path)
{
    sc_buf buf = SC_BUF_INIT;
    int error;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(path);
    *out = NULL;
    if ((error = sc_fs_read_file(&buf, path, SC_SES_MAX_SEAL_SIZE)) < 0)
        goto done;
    error = sc_ses__seal_parse(out, buf.ptr, buf.size, false, "SESeal", 0, NULL);
done:
    sc_buf_dispose(&buf);
    return error;
}

void sc_seal_free(sc_seal *seal)
{
    if (!seal)
        return;
    if (seal->certs)
        for (size_t i = 0; i < seal->cert_count; i++)
            sc_cert_free(seal->certs[i]);
    if (seal->digests)
        for (size_t i = 0; i < seal->cert_count; i++)
            CertDigestObj_free(seal->digests[i].obj);
    sc_free(seal->certs);
    sc_free(seal->cert_ders);
    sc_free(seal->cert_der_lens);
    sc_free(seal->digests);
    sc_cert_free(seal->maker_cert);
    SESeal_free(seal->v4);
    SESeal_v1_free(seal->v1);
    sc_free(seal->owned);
    sc_sm3_free(seal->tbs_state);
    if (seal->has_tbs_lock)
        pthread_mutex_destroy(&seal->tbs_lock);
    sc_free(seal);
}

/* ---- accessors --------------------------------------------------------------------------- */

const unsigned char *sc_seal_der(const sc_seal *seal, size_t *len)
{
    if (len)
        *len = seal->len;
    return seal->der;
}

int sc_seal_sm3(unsigned char out[SC_SM3_DIGEST_LEN], const sc_seal *seal)
{
    sc_seal *s = (sc_seal *)(uintptr_t)seal; /* only the cache below changes */
    int expected = 0, error;

    SC_ASSERT_ARG(out && seal);
    if (atomic_load_explicit(&s->sm3_state, memory_order_acquire) == 2) {
        memcpy(out, s->sm3, SC_SM3_DIGEST_LEN);
        return 0;
    }
    if ((error = sc_sm3(out, seal->der, seal->len)) < 0)
        return error;
    /* One thread stores it; others racing it use their own result this time. */
    if (atomic_compare_exchange_strong(&s->sm3_state, &expected, 1)) {
        memcpy(s->sm3, out, SC_SM3_DIGEST_LEN);
        atomic_store_explicit(&s->sm3_state, 2, memory_order_release);
    }
    return 0;
}

int sc_seal_version(const sc_seal *seal)
{
    return seal->version;
}

sc_seal_layout sc_seal_layout_of(const sc_seal *seal)
{
    return seal->layout;
}

const char *sc_seal_vid(const sc_seal *seal)
{
    return seal->vid;
}

const char *sc_seal_esid(const sc_seal *seal)
{
    return seal->esid;
}

int sc_seal_type(const sc_seal *seal)
{
    return seal->type;
}

const char *sc_seal_name(const sc_seal *seal)
{
    return seal->name;
}

int sc_seal_cert_list_type(const sc_seal *seal)
{
    return seal->cert_list_type;
}

size_t sc_seal_cert_count(const sc_seal *seal)
{
    return seal->cert_count;
}

const sc_cert *sc_seal_cert(const sc_seal *seal, size_t i)
{
    return seal->certs && i < seal->cert_count ? seal->certs[i] : NULL;
}

const unsigned char *sc_seal_cert_digest(const sc_seal *seal, size_t i, size_t *len,
                                         const char **alg)
{
    if (!seal->digests || i >= seal->cert_count)
        return NULL;
    if (len)
        *len = seal->digests[i].len;
    if (alg)
        *alg = seal->digests[i].alg;
    return seal->digests[i].value;
}

sc_time sc_seal_create_date(const sc_seal *seal)
{
    return seal->create_date;
}

sc_time sc_seal_valid_start(const sc_seal *seal)
{
    return seal->valid_start;
}

sc_time sc_seal_valid_end(const sc_seal *seal)
{
    return seal->valid_end;
}

const sc_seal_picture *sc_seal_picture_of(const sc_seal *seal)
{
    return &seal->picture;
}

size_t sc_seal_ext_count(const sc_seal *seal)
{
    return seal->ext_count;
}

const sc_cert *sc_seal_maker_cert(const sc_seal *seal)
{
    return seal->maker_cert;
}

const char *sc_seal_sig_alg(const sc_seal *seal)
{
    return seal->sig_alg;
}

int sc_seal_has_timestamp(const sc_seal *seal)
{
    return seal->has_timestamp;
}

int sc_seal_lists_cert(const sc_seal *seal, const sc_cert *cert)
{
    const unsigned char *der;
    size_t len;

    if (!seal || !cert)
        return 0;
    der = sc_cert_der(cert, &len);
    if (seal->cert_list_type == 1) {
        /* Compare the entries' bytes, not parsed objects, so an entry that does not parse
         * still matches its own certificate exactly and nothing else. */
        for (size_t i = 0; i < seal->cert_count; i++)
            if (seal->cert_der_lens[i] == len && memcmp(seal->cert_ders[i], der, len) == 0)
                return 1;
        return 0;
    }
    for (size_t i = 0; i < seal->cert_count; i++) {
        unsigned char md[SC_SM3_DIGEST_LEN];
        /* GB/T 38540 names SM3 as the digest; other algorithms are never matched. */
        if (strcasecmp(seal->digests[i].alg, "SM3") != 0 ||
            seal->digests[i].len != SC_SM3_DIGEST_LEN)
            continue;
        if (sc_sm3(md, der, len) < 0) {
            sc_error_clear();
            return 0;
        }
        if (memcmp(md, seal->digests[i].value, SC_SM3_DIGEST_LEN) == 0)
            return 1;
    }
    return 0;
}

int sc_ses__v1_tbs(sc_buf *out, const unsigned char *info, size_t info_len,
                   const unsigned char *certalg, size_t certalg_len)
{
    unsigned char hdr[8], *p = hdr;
    size_t body;
    int total, error;

    /* SC_SES_MAX_SEAL_SIZE keeps this far from INT_MAX; checked anyway for a made seal. */
    if (sc_add_overflow(&body, info_len, certalg_len) || body > INT_MAX / 2)
        return sc_error_set(SC_ELIMIT, "SES_SealInfo: %zu bytes, too long to sign", info_len);
    total = ASN1_object_size(1, (int)body, V_ASN1_SEQUENCE);
    ASN1_put_object(&p, 1, (int)body, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
    sc_buf_clear(out);
    if ((error = sc_buf_grow(out, (size_t)total)) < 0 ||
        (error = sc_buf_put(out, hdr, (size_t)(p - hdr))) < 0 ||
        (error = sc_buf_put(out, info, info_len)) < 0 ||
        (error = sc_buf_put(out, certalg, certalg_len)) < 0)
        return error;
    return 0;
}

/* ---- making ------------------------------------------------------------------------------ */

static int check_ascii_opt(const char *s, const char *name)
{
    if (!s || !*s)
        return sc_error_set(SC_EINVALID, "%s: missing or empty", name);
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            return sc_error_set(SC_EINVALID, "%s: not printable ASCII (IA5String)", name);
    return 0;
}

static int check_make_options(const sc_key *maker_key, const sc_cert *maker_cert,
                              const sc_seal_make_options *o)
{
    const sc_key *cert_key;
    int error;

    if (o->version != SC_SEAL_MAKE_OPTIONS_VERSION)
        return sc_error_set(SC_EINVALID, "options: unknown version %u", o->version);
    if (o->seal_version != 4 && o->seal_version != 1)
        return sc_error_set(SC_EINVALID, "seal_version: %d, expected 4 or 1", o->seal_version);
    if ((error = check_ascii_opt(o->vid ? o->vid : "sealcert", "vid")) < 0 ||
        (error = check_ascii_opt(o->esid, "esid")) < 0)
        return error;
    if (!o->name || !*o->name)
        return sc_error_set(SC_EINVALID, "name: missing or empty");
    if (o->type < 0)
        return sc_error_set(SC_EINVALID, "type: %d is negative", o->type);
    if (o->cert_list_type != 1 && o->cert_list_type != 2)
        return sc_error_set(SC_EINVALID, "cert_list_type: %d, expected 1 or 2", o->cert_list_type);
    if (o->cert_list_type == 2 && o->seal_version == 1)
        return sc_error_set(SC_EINVALID,
                            "cert_list_type: 2 (digests) exists only in seal_version 4");
    if (!o->signer_certs || o->signer_cert_count == 0)
        return sc_error_set(SC_EINVALID, "signer_certs: no signer certificate");
    if (o->signer_cert_count > SC_SES_MAX_CERT_LIST)
        return sc_error_set(SC_EINVALID, "signer_certs: %zu, over the limit of %d",
                            o->signer_cert_count, SC_SES_MAX_CERT_LIST);
    for (size_t i = 0; i < o->signer_cert_count; i++)
        if (!o->signer_certs[i])
            return sc_error_set(SC_EINVALID, "signer_certs: entry %zu is NULL", i);
    if (o->valid_start == SC_TIME_NOW || o->valid_end == SC_TIME_NOW)
        return sc_error_set(SC_EINVALID, "valid_start, valid_end: required");
    if (o->valid_end <= o->valid_start)
        return sc_error_set(SC_EINVALID, "valid_end: not after valid_start");
    if (!o->picture || o->picture_size == 0)
        return sc_error_set(SC_EINVALID, "picture: missing");
    if (o->picture_size > SC_SES_MAX_PICTURE_SIZE)
        return sc_error_set(SC_EINVALID, "picture: %zu bytes, over the limit of %zu",
                            o->picture_size, SC_SES_MAX_PICTURE_SIZE);
    if ((error = check_ascii_opt(o->picture_type, "picture_type")) < 0)
        return error;
    if (o->picture_width_mm <= 0 || o->picture_height_mm <= 0 || o->picture_width_mm > INT32_MAX ||
        o->picture_height_mm > INT32_MAX)
        return sc_error_set(SC_EINVALID, "picture_width_mm, picture_height_mm: must be positive");
    if (!sc_key_has_private(maker_key))
        return sc_error_set(SC_EINVALID, "maker_key: no private key");
    if (!(cert_key = sc_cert_key(maker_cert)))
        return sc_error_set(SC_EINVALID, "maker_cert: not an SM2 certificate");
    if (!sc_key_equal_public(maker_key, cert_key))
        return sc_error_set(SC_EINVALID, "maker_key: does not match maker_cert");
    return 0;
}

/* GeneralizedTime (GB/T 38540) or UTCTime (GM/T 0031) for @p t. */
static int make_time(ASN1_TIME **out, sc_time t, int seal_version, const char *name)
{
    /* time_t is 64-bit on every platform we build for (Debian 12, 64-bit). */
    *out = seal_version == 1 ? ASN1_UTCTIME_set(NULL, (time_t)t)
                             : ASN1_GENERALIZEDTIME_set(NULL, (time_t)t);
    if (!*out)
        return sc_error_set_ossl(SC_EINVALID, "%s: cannot be written as %s", name,
                                 seal_version == 1 ? "UTCTime (1950-2049)" : "GeneralizedTime");
    return 0;
}

/* Fill the parts of SES_SealInfo shared by both layouts. */
static int make_common(SES_Header *h, ASN1_IA5STRING *esid, SES_ESPictrueInfo *pic,
                       const sc_seal_make_options *o)
{
    const char *vid = o->vid ? o->vid : "sealcert";
    int error;
    if ((error = sc_ses__set_string(h->ID, "ES", 2)) < 0 ||
        (error = sc_ses__set_string(h->vid, vid, strlen(vid))) < 0 ||
        (error = sc_ses__set_string(esid, o->esid, strlen(o->esid))) < 0 ||
        (error = sc_ses__set_string(pic->type, o->picture_type, strlen(o->picture_type))) < 0 ||
        (error = sc_ses__set_string(pic->data, o->picture, o->picture_size)) < 0)
        return error;
    if (!ASN1_INTEGER_set_int64(h->version, o->seal_version) ||
        !ASN1_INTEGER_set_int64(pic->width, o->picture_width_mm) ||
        !ASN1_INTEGER_set_int64(pic->height, o->picture_height_mm))
        return sc_error_set_ossl(SC_ENOMEM, "cannot set an INTEGER");
    return 0;
}

static int add_cert_entry(STACK_OF(ASN1_OCTET_STRING) * certs, STACK_OF(ASN1_TYPE) * any,
                          const sc_cert *cert, int cert_list_type)
{
    size_t len;
    const unsigned char *der = sc_cert_der(cert, &len);
    unsigned char md[SC_SM3_DIGEST_LEN];
    ASN1_OCTET_STRING *os = NULL;
    ASN1_TYPE *t = NULL;
    CertDigestObj *d = NULL;
    unsigned char *enc = NULL;
    int enc_len, error = 0;

    if (cert_list_type == 1) {
        if (!(os = ASN1_OCTET_STRING_new()) || (error = sc_ses__set_string(os, der, len)) < 0)
            goto oom;
        if (certs) {
            if (!sk_ASN1_OCTET_STRING_push(certs, os))
                goto oom;
            os = NULL;
        } else {
            if (!(t = ASN1_TYPE_new()))
                goto oom;
            ASN1_TYPE_set(t, V_ASN1_OCTET_STRING, os);
            os = NULL;
        }
    } else {
        if ((error = sc_cert_sm3(md, cert)) < 0)
            goto done;
        if (!(d = CertDigestObj_new()) || (error = sc_ses__set_string(d->type, "SM3", 3)) < 0 ||
            (error = sc_ses__set_string(d->value, md, sizeof(md))) < 0)
            goto oom;
        /* An ANY holding a SEQUENCE is written back verbatim: encode the CertDigestObj first. */
        if ((enc_len = i2d_CertDigestObj(d, &enc)) <= 0)
            goto oom;
        if (!(t = ASN1_TYPE_new()) || !(os = ASN1_STRING_type_new(V_ASN1_SEQUENCE)))
            goto oom;
        ASN1_STRING_set0(os, enc, enc_len);
        enc = NULL;
        ASN1_TYPE_set(t, V_ASN1_SEQUENCE, os);
        os = NULL;
    }
    if (t) {
        if (!sk_ASN1_TYPE_push(any, t))
            goto oom;
        t = NULL;
    }
    goto done;
oom:
    error = error < 0 ? error : sc_error_set_ossl(SC_ENOMEM, "cannot build certList");
done:
    ASN1_OCTET_STRING_free(os);
    ASN1_TYPE_free(t);
    CertDigestObj_free(d);
    OPENSSL_free(enc);
    return error;
}

int sc_seal_make(sc_seal **out, const sc_key *maker_key, const sc_cert *maker_cert,
                 const sc_seal_make_options *opts)
{
    sc_seal_make_options o = SC_SEAL_MAKE_OPTIONS_INIT;
    SESeal *s4 = NULL;
    SESeal_v1 *s1 = NULL;
    ASN1_TIME *times[3] = {NULL, NULL, NULL};
    ASN1_OCTET_STRING *cert_os = NULL;
    ASN1_OBJECT *alg = NULL;
    unsigned char *info = NULL, *certalg = NULL, *seal_der = NULL, *p;
    int info_len = 0, certalg_len = 0, seal_len = 0, n, error;
    sc_buf tbs = SC_BUF_INIT, sig = SC_BUF_INIT;
    const unsigned char *cert_der;
    size_t cert_len;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(maker_key);
    SC_ASSERT_ARG(maker_cert);
    *out = NULL;
    if (opts)
        o = *opts;
    if ((error = check_make_options(maker_key, maker_cert, &o)) < 0)
        return error;
    if (o.create_date == SC_TIME_NOW)
        o.create_date = sc_time_now();
    if ((error = make_time(&times[0], o.create_date, o.seal_version, "create_date")) < 0 ||
        (error = make_time(&times[1], o.valid_start, o.seal_version, "valid_start")) < 0 ||
        (error = make_time(&times[2], o.valid_end, o.seal_version, "valid_end")) < 0)
        goto done;

    cert_der = sc_cert_der(maker_cert, &cert_len);
    if (!(cert_os = ASN1_OCTET_STRING_new()) ||
        (error = sc_ses__set_string(cert_os, cert_der, cert_len)) < 0 ||
        !(alg = OBJ_txt2obj(SC_OID_SM2_WITH_SM3, 1))) {
        error = error < 0 ? error : sc_error_set_ossl(SC_ENOMEM, "cannot build the seal");
        goto done;
    }

    if (o.seal_version == 4) {
        SES_SealInfo *si;
        SES_ESPropertyInfo *pr;
        if (!(s4 = SESeal_new())) {
            error = sc_error_set_ossl(SC_ENOMEM, "cannot build the seal");
            goto done;
        }
        si = s4->esealInfo;
        pr = si->property;
        if ((error = make_common(si->header, si->esID, si->picture, &o)) < 0 ||
            (error = sc_ses__set_string(pr->name, o.name, strlen(o.name))) < 0)
            goto done;
        if (!ASN1_INTEGER_set_int64(pr->type, o.type) ||
            !ASN1_INTEGER_set_int64(pr->certListType, o.cert_list_type)) {
            error = sc_error_set_ossl(SC_ENOMEM, "cannot set an INTEGER");
            goto done;
        }
        for (size_t i = 0; i < o.signer_cert_count; i++)
            if ((error = add_cert_entry(NULL, pr->certList, o.signer_certs[i], o.cert_list_type)) <
                0)
                goto done;
        ASN1_TIME_free(pr->createDate);
        ASN1_TIME_free(pr->validStart);
        ASN1_TIME_free(pr->validEnd);
        pr->createDate = times[0];
        pr->validStart = times[1];
        pr->validEnd = times[2];
        times[0] = times[1] = times[2] = NULL;
        if ((error = sc_ses__encode(&info, &info_len, (ASN1_VALUE *)si,
                                    ASN1_ITEM_rptr(SES_SealInfo))) < 0)
            goto done;
        /* GB/T 38540 clause 8.1: the maker signs DER(SES_SealInfo). */
        if ((error = sc_sm2_sign(&sig, maker_key, info, (size_t)info_len)) < 0)
            goto done;
        ASN1_OCTET_STRING_free(s4->cert);
        ASN1_OBJECT_free(s4->signAlgID);
        s4->cert = cert_os;
        s4->signAlgID = alg;
        cert_os = NULL;
        alg = NULL;
        if ((error = sc_ses__set_bits(s4->signedValue, sig.ptr, sig.size)) < 0 ||
            (error = sc_ses__encode(&seal_der, &seal_len, (ASN1_VALUE *)s4,
                                    ASN1_ITEM_rptr(SESeal))) < 0)
            goto done;
    } else {
        SES_SealInfo_v1 *si;
        SES_ESPropertyInfo_v1 *pr;
        if (!(s1 = SESeal_v1_new())) {
            error = sc_error_set_ossl(SC_ENOMEM, "cannot build the seal");
            goto done;
        }
        si = s1->esealInfo;
        pr = si->property;
        if ((error = make_common(si->header, si->esID, si->picture, &o)) < 0 ||
            (error = sc_ses__set_string(pr->name, o.name, strlen(o.name))) < 0)
            goto done;
        if (!ASN1_INTEGER_set_int64(pr->type, o.type)) {
            error = sc_error_set_ossl(SC_ENOMEM, "cannot set an INTEGER");
            goto done;
        }
        for (size_t i = 0; i < o.signer_cert_count; i++)
            if ((error = add_cert_entry(pr->certList, NULL, o.signer_certs[i], 1)) < 0)
                goto done;
        ASN1_TIME_free(pr->createDate);
        ASN1_TIME_free(pr->validStart);
        ASN1_TIME_free(pr->validEnd);
        pr->createDate = times[0];
        pr->validStart = times[1];
        pr->validEnd = times[2];
        times[0] = times[1] = times[2] = NULL;
        ASN1_OCTET_STRING_free(s1->signInfo->cert);
        ASN1_OBJECT_free(s1->signInfo->signatureAlgorithm);
        s1->signInfo->cert = cert_os;
        s1->signInfo->signatureAlgorithm = alg;
        cert_os = NULL;
        alg = NULL;
        if ((error = sc_ses__encode(&info, &info_len, (ASN1_VALUE *)si,
                                    ASN1_ITEM_rptr(SES_SealInfo_v1))) < 0)
            goto done;
        /* GM/T 0031 clause 5.2.7: the maker signs DER(SEQUENCE{SES_SealInfo, cert, alg}). */
        n = i2d_ASN1_OCTET_STRING(s1->signInfo->cert, NULL) +
            i2d_ASN1_OBJECT(s1->signInfo->signatureAlgorithm, NULL);
        if (n <= 0 || !(certalg = OPENSSL_malloc((size_t)n))) {
            error = sc_error_set_ossl(SC_ENOMEM, "cannot encode SES_SignInfo");
            goto done;
        }
        p = certalg;
        i2d_ASN1_OCTET_STRING(s1->signInfo->cert, &p);
        i2d_ASN1_OBJECT(s1->signInfo->signatureAlgorithm, &p);
        certalg_len = (int)(p - certalg);
        if ((error = sc_ses__v1_tbs(&tbs, info, (size_t)info_len, certalg, (size_t)certalg_len)) <
                0 ||
            (error = sc_sm2_sign(&sig, maker_key, tbs.ptr, tbs.size)) < 0 ||
            (error = sc_ses__set_bits(s1->signInfo->signData, sig.ptr, sig.size)) < 0 ||
            (error = sc_ses__encode(&seal_der, &seal_len, (ASN1_VALUE *)s1,
                                    ASN1_ITEM_rptr(SESeal_v1))) < 0)
            goto done;
    }
    /* Parse what was written: the object is then exactly what a reader of the bytes sees. */
    error = sc_ses__seal_parse(out, seal_der, (size_t)seal_len, false, "SESeal", 0, NULL);
done:
    for (int i = 0; i < 3; i++)
        ASN1_TIME_free(times[i]);
    ASN1_OCTET_STRING_free(cert_os);
    ASN1_OBJECT_free(alg);
    SESeal_free(s4);
    SESeal_v1_free(s1);
    OPENSSL_free(info);
    OPENSSL_free(certalg);
    OPENSSL_free(seal_der);
    sc_buf_dispose(&tbs);
    sc_buf_dispose(&sig);
    return error;
}
