/* Verification of OFD signatures (GB/T 33190-2016 clause 18, GB/T 38540-2020 clause 9): every
 * Signature of Signatures.xml, its References, its SignedValue (SES_Signature for Type="Seal",
 * GB/T 35275 SignedData or a bare SM2 signature for Type="Sign"), and what no signature covers.
 * Check names are stable: docs/formats/ofd-verify.md (update it with any change here). */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

struct sc_ofd_report {
    sc_report *file;               /* file-level findings; owned */
    sc_ofd_signature_result *sigs; /* owned array; each report owned */
    size_t count, cap;             /* signatures in use, allocated */
    sc_ofd__pool pool;             /* the strings of the results */
};

/* State of one verification run. */
typedef struct {
    const sc_ofd *ofd;                /* the package */
    const sc_ofd_verify_options *opt; /* the caller's options */
    sc_ofd_report *rep;               /* being filled */
    bool *covered;                    /* per entry: some Reference names it; owned */
    bool *excluded;                   /* per entry: a signature's own file; owned */
    sc_buf text;                      /* scratch */
} run;

static void mark(bool *flags, const sc_ofd *ofd, const sc_ofd__entry *e)
{
    if (e)
        flags[e - ofd->entries] = true;
}

/* ==== small parsers ========================================================================== */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Base64 (blanks skipped, padding optional) into out (at most outlen bytes). -1 when not
 * base64 or too long. */
static long b64_decode(unsigned char *out, size_t outlen, const unsigned char *in, size_t len)
{
    size_t n = 0;
    unsigned acc = 0, bits = 0;
    bool pad = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            pad = true;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == outlen)
                return -1;
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (long)n;
}

/*
 * SignatureDateTime as producers write it: "2026-08-04 10:08:09" (ofdrw, iOFD: local time; the
 * producers are Chinese, so UTC+8 is assumed), "20211014033404Z" (DianJu: GeneralizedTime),
 * "180807153843Z" (KingGrid: UTCTime), RFC 3339. SC_TIME_NOW when unreadable.
 */
static sc_time parse_date(const char *s)
{
    int f[6] = {0, 0, 0, 0, 0, 0}, n = 0;
    size_t digits = 0;
    sc_time t;

    if (sc_time_parse(&t, s) == 0)
        return t;
    for (const char *p = s; *p; p++)
        digits += *p >= '0' && *p <= '9';
    size_t len = strlen(s);
    if (len && s[len - 1] == 'Z' && (digits == 14 || digits == 12) && digits == len - 1) {
        const char *p = s;
        int y = 0;
        for (size_t k = 0; k < digits - 10; k++)
            y = y * 10 + (*p++ - '0');
        if (digits == 12)
            y += y < 50 ? 2000 : 1900;
        for (int i = 1; i < 6; i++, p += 2)
            f[i] = (p[0] - '0') * 10 + (p[1] - '0');
        return sc_time_from_utc(y, f[1], f[2], f[3], f[4], f[5]);
    }
    /* "YYYY-M-D[ T]h:m:s": six numbers in any of these separators. */
    for (const char *p = s; *p && n < 6;) {
        if (*p < '0' || *p > '9') {
            p++;
            continue;
        }
        long v = 0;
        int k = 0;
        while (*p >= '0' && *p <= '9' && k < 5) {
            v = v * 10 + (*p++ - '0');
            k++;
        }
        f[n++] = (int)v;
    }
    if (n < 3 || f[0] < 1900 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
        f[4] > 59 || f[5] > 60)
        return SC_TIME_NOW;
    return sc_time_from_utc(f[0], f[1], f[2], f[3], f[4], f[5]) - 8 * 3600;
}

/* ==== one signature ========================================================================== */

/* Look up a Signature.xml-relative file; the absolute form ofdrw writes and the bare file name
 * some producers write ("SignValue.dat", DianJu) both resolve. */
static const sc_ofd__entry *find_rel(run *R, const char *base, const char *loc, bool *folded,
                                     char *abs)
{
    if (sc_ofd__resolve(abs, base, loc) < 0)
        return NULL;
    return sc_ofd__find(R->ofd, abs, folded);
}

static int check_references(run *R, sc_report *r, const xmlNode *info, const char *sig_path)
{
    const xmlNode *refs = sc_ofd__xml_child(info, "References");
    const char *method = sc_ofd__xml_attr(refs, "CheckMethod");
    const char *field = "Signature.SignedInfo.References";
    bool supported;
    size_t count = 0;
    char abs[SC_OFD_MAX_PATH];
    int error;

    if (!refs || !sc_ofd__xml_child(refs, "Reference"))
        return sc_report_add(r, "reference", SC_STATUS_FAIL, field,
                             "no References: %s signs no "
                             "file",
                             sig_path);
    /* GB/T 38540 clause 9: SM3, by name ("SM3", ofdrw) or by OID (DianJu, gomain). Anything
     * else (SHA1 of HNCA, iOFD's 1.2.156.10197.1.401.2) cannot be checked here. */
    if (!method || !*method)
        supported = true;
    else
        supported = strcasecmp(method, "SM3") == 0 || strcmp(method, SC_OID_SM3) == 0;
    if (!method && (error = sc_report_add(r, "format", SC_STATUS_WARN, field,
                                          "no CheckMethod; SM3 assumed")) < 0)
        return error;
    for (const xmlNode *ref = sc_ofd__xml_child(refs, "Reference"); ref;
         ref = sc_ofd__xml_next(ref, "Reference")) {
        const char *file = sc_ofd__xml_attr(ref, "FileRef");
        const sc_ofd__entry *e;
        unsigned char want[64], md[SC_SM3_DIGEST_LEN];
        long want_len;
        bool folded = false;

        if (++count > SC_OFD_MAX_REFERENCES)
            return sc_report_add(r, "reference", SC_STATUS_FAIL, field, "more than %d References",
                                 SC_OFD_MAX_REFERENCES);
        if (!file || sc_ofd__resolve(abs, "/", file) < 0) {
            if ((error = sc_report_add(r, "reference", SC_STATUS_FAIL, field,
                                       "Reference %zu: unusable FileRef \"%s\"", count,
                                       file ? file : "")) < 0)
                return error;
            continue;
        }
        e = sc_ofd__find(R->ofd, abs, &folded);
        mark(R->covered, R->ofd, e);
        if (!supported)
            continue;
        if (!e) {
            if ((error = sc_report_add(r, "reference", SC_STATUS_FAIL, field,
                                       "%s: referenced file is not in the package", abs)) < 0)
                return error;
            continue;
        }
        if (folded && (error = sc_report_add(r, "package", SC_STATUS_WARN, field,
                                             "%s: found as %s (case differs)", abs, e->name)) < 0)
            return error;
        if ((error = sc_ofd__xml_text(&R->text, sc_ofd__xml_child(ref, "CheckValue"))) < 0)
            return error;
        want_len = b64_decode(want, sizeof(want), R->text.ptr, R->text.size);
        if ((error = sc_verify_cache_sm3(md, R->opt->cache, e->data, e->len)) < 0)
            return error;
        if (want_len != SC_SM3_DIGEST_LEN)
            error = sc_report_add(r, "reference", SC_STATUS_FAIL, field,
                                  "%s: CheckValue is not a base64 SM3 digest", abs);
        else if (memcmp(md, want, sizeof(md)) != 0)
            error =
                sc_report_add(r, "reference", SC_STATUS_FAIL, field, "%s: digest mismatch", abs);
        else
            error = sc_report_add(r, "reference", SC_STATUS_OK, field, "%s: SM3 matches", abs);
        if (error < 0)
            return error;
    }
    if (!supported)
        return sc_report_add(r, "reference", SC_STATUS_UNSUPPORTED, field,
                             "CheckMethod \"%s\" is not supported (SM3 only); %zu References "
                             "not checked",
                             method, count);
    return 0;
}

/* Type="Seal": an SES_Signature over the Signature.xml bytes (GB/T 38540 clause 9.2). */
static int check_seal(run *R, sc_ofd_signature_result *res, sc_report *r, const unsigned char *sv,
                      size_t sv_len, const sc_ofd__entry *sig_file, const xmlNode *info)
{
    sc_ses_signature *sig = NULL;
    sc_report *sr = NULL;
    sc_ses_verify_options so = SC_SES_VERIFY_OPTIONS_INIT;
    int error;

    if ((error = sc_ses_signature_parse_cached(&sig, sv, sv_len, R->opt->cache)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(r, "signed_value",
                             error == SC_EUNSUPPORTED ? SC_STATUS_UNSUPPORTED : SC_STATUS_FAIL,
                             "SignedValue", "not an SES_Signature: %s", sc_error_last()->message);
    }
    so.at = R->opt->at;
    so.trust = R->opt->trust;
    so.cache = R->opt->cache;
    so.data = sig_file->data;
    so.data_len = sig_file->len;
    if ((error = sc_ses_signature_verify(&sr, sig, &so)) < 0 ||
        (error = sc_report_merge(r, sr, NULL)) < 0)
        goto done;
    const sc_seal *seal = sc_ses_signature_seal(sig);
    if (!(res->seal_name = sc_ofd__pstrdup(&R->rep->pool, seal ? sc_seal_name(seal) : "")) ||
        !(res->signer = sc_ofd__pstrdup(
              &R->rep->pool,
              sc_ses_signature_cert(sig) ? sc_cert_subject(sc_ses_signature_cert(sig)) : ""))) {
        error = SC_ENOMEM;
        goto done;
    }
    /* Seal/BaseLoc: the seal file beside the signature, when given, should be the seal the
     * SES_Signature embeds (a different one is what the signer claimed to use). */
    const xmlNode *seal_el = sc_ofd__xml_child(info, "Seal");
    if (seal_el && seal) {
        char abs[SC_OFD_MAX_PATH];
        const sc_ofd__entry *e;
        size_t der_len;
        const unsigned char *der = sc_seal_der(seal, &der_len);
        if ((error = sc_ofd__xml_text(&R->text, sc_ofd__xml_child(seal_el, "BaseLoc"))) < 0)
            goto done;
        if (R->text.size &&
            (e = find_rel(R, sig_file->name, (const char *)R->text.ptr, NULL, abs))) {
            bool same = e->len == der_len && memcmp(e->data, der, der_len) == 0;
            error = sc_report_add(r, "seal_file", same ? SC_STATUS_OK : SC_STATUS_WARN,
                                  "Signature.SignedInfo.Seal.BaseLoc",
                                  same ? "%s is the seal inside the SignedValue"
                                       : "%s differs from the seal inside the SignedValue",
                                  e->name);
        } else if (R->text.size) {
            error =
                sc_report_add(r, "seal_file", SC_STATUS_WARN, "Signature.SignedInfo.Seal.BaseLoc",
                              "%s: not in the package", (const char *)R->text.ptr);
        }
    }
done:
    sc_report_free(sr);
    sc_ses_signature_free(sig);
    return error;
}

static int load_signed_value(run *R, sc_report *r, const unsigned char **sv, size_t *sv_len,
                             sc_buf *decoded, const xmlNode *root, const sc_ofd__entry *sig_file)
{
    const sc_ofd__entry *e;
    char abs[SC_OFD_MAX_PATH];
    bool folded = false;
    int error;

    *sv = NULL;
    if ((error = sc_ofd__xml_text(&R->text, sc_ofd__xml_child(root, "SignedValue"))) < 0)
        return error;
    if (!R->text.size)
        return sc_report_add(r, "signed_value", SC_STATUS_FAIL, "Signature.SignedValue",
                             "no SignedValue");
    e = find_rel(R, sig_file->name, (const char *)R->text.ptr, &folded, abs);
    if (!e) {
        /* The oracle's fallback: the named file beside Signature.xml. */
        const char *slash = strrchr((const char *)R->text.ptr, '/');
        if (slash && slash[1])
            e = find_rel(R, sig_file->name, slash + 1, &folded, abs);
    }
    if (!e)
        return sc_report_add(r, "signed_value", SC_STATUS_FAIL, "Signature.SignedValue",
                             "%s: not in the package", (const char *)R->text.ptr);
    mark(R->excluded, R->ofd, e);
    if (folded && (error = sc_report_add(r, "package", SC_STATUS_WARN, "Signature.SignedValue",
                                         "%s found as %s (case differs)", abs, e->name)) < 0)
        return error;
    if (e->len > SC_OFD_MAX_SIGNED_VALUE)
        return sc_report_add(r, "signed_value", SC_STATUS_FAIL, "Signature.SignedValue",
                             "%s: %zu bytes, more than %zu", e->name, e->len,
                             SC_OFD_MAX_SIGNED_VALUE);
    *sv = e->data;
    *sv_len = e->len;
    /* KingGrid (foxit-kinggrid sample): the SignedValue file holds base64 text of the DER. */
    if (e->len >= 16 && e->data[0] != 0x30 && b64_value(e->data[0]) >= 0) {
        long n;
        if ((error = sc_buf_grow(decoded, e->len)) < 0)
            return error;
        if ((n = b64_decode(decoded->ptr, e->len, e->data, e->len)) > 0 &&
            decoded->ptr[0] == 0x30) {
            decoded->size = (size_t)n;
            *sv = decoded->ptr;
            *sv_len = decoded->size;
            return sc_report_add(r, "format", SC_STATUS_WARN, "Signature.SignedValue",
                                 "%s is base64 text, not DER (KingGrid); decoded", e->name);
        }
    }
    return 0;
}

static int verify_one(run *R, sc_ofd_signature_result *res, const xmlNode *el,
                      const char *list_path)
{
    const char *type = sc_ofd__xml_attr(el, "Type"), *base = sc_ofd__xml_attr(el, "BaseLoc");
    const char *id = sc_ofd__xml_attr(el, "ID");
    sc_ofd__pool *pool = &R->rep->pool;
    sc_report *r = NULL;
    xmlDoc *doc = NULL;
    sc_buf decoded = SC_BUF_INIT;
    const sc_ofd__entry *sig_file;
    char abs[SC_OFD_MAX_PATH];
    int error;

    if ((error = sc_report_new(&r)) < 0)
        return error;
    res->report = r;
    res->type = type && strcasecmp(type, "Sign") == 0 ? SC_OFD_SIG_SIGN : SC_OFD_SIG_SEAL;
    if (!(res->id = sc_ofd__pstrdup(pool, id ? id : "")) ||
        !(res->path = sc_ofd__pstrdup(pool, "")) || !(res->provider = res->path) ||
        !(res->method = res->path) || !(res->date = res->path) || !(res->seal_name = res->path) ||
        !(res->signer = res->path))
        return SC_ENOMEM;
    /* GB/T 33190 clause 18.1: Type is Seal (the default) or Sign. */
    if (type && strcasecmp(type, "Seal") != 0 && strcasecmp(type, "Sign") != 0)
        return sc_report_add(r, "signature_file", SC_STATUS_UNSUPPORTED, "Signatures.Signature",
                             "unknown Type \"%s\"", type);
    if (!base || sc_ofd__resolve(abs, list_path, base) < 0 ||
        !(sig_file = sc_ofd__find(R->ofd, abs, NULL)))
        return sc_report_add(r, "signature_file", SC_STATUS_FAIL, "Signatures.Signature.BaseLoc",
                             "%s: not in the package", base ? base : "(no BaseLoc)");
    mark(R->excluded, R->ofd, sig_file);
    if (!(res->path = sc_ofd__pstrdup(pool, sig_file->name)))
        return SC_ENOMEM;
    if ((error = sc_ofd__xml_parse(&doc, sig_file->data, sig_file->len, sig_file->name)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(r, "signature_file", SC_STATUS_FAIL, "Signature", "%s",
                             sc_error_last()->message);
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *info = sc_ofd__xml_child(root, "SignedInfo");
    if (!sc_ofd__xml_is(root, "Signature") || !info) {
        error = sc_report_add(r, "signature_file", SC_STATUS_FAIL, "Signature",
                              "%s: no Signature/SignedInfo", sig_file->name);
        goto done;
    }
    /* Provider: attributes (standard) or child elements (iOFD). */
    const xmlNode *prov = sc_ofd__xml_child(info, "Provider");
    const char *pname = sc_ofd__xml_attr(prov, "ProviderName");
    res->provider =
        pname ? sc_ofd__pstrdup(pool, pname) : sc_ofd__xml_child_text(pool, prov, "ProviderName");
    res->method = sc_ofd__xml_child_text(pool, info, "SignatureMethod");
    res->date = sc_ofd__xml_child_text(pool, info, "SignatureDateTime");
    if (!res->provider || !res->method || !res->date) {
        error = SC_ENOMEM;
        goto done;
    }
    /* Pages stamped: distinct PageRef values of the StampAnnots (a riding seal has one per
     * page). */
    {
        unsigned long seen[64];
        size_t nseen = 0;
        for (const xmlNode *sa = sc_ofd__xml_child(info, "StampAnnot"); sa;
             sa = sc_ofd__xml_next(sa, "StampAnnot")) {
            const char *pr = sc_ofd__xml_attr(sa, "PageRef");
            unsigned long v = pr ? strtoul(pr, NULL, 10) : 0;
            bool dup = false;
            for (size_t i = 0; i < nseen; i++)
                dup |= seen[i] == v;
            if (!dup) {
                res->page_count++;
                if (nseen < 64)
                    seen[nseen++] = v;
            }
        }
    }
    /* SM2 with SM3 by OID (GB/T 38540) or by name; RSA (HNCA 2018) cannot be checked. */
    if (*res->method && strcmp(res->method, SC_OID_SM2_WITH_SM3) != 0 &&
        strcasecmp(res->method, "SM2") != 0 && strcasecmp(res->method, "SM3withSM2") != 0 &&
        (error = sc_report_add(r, "signature_method", SC_STATUS_UNSUPPORTED,
                               "Signature.SignedInfo.SignatureMethod", "%s is not SM2 with SM3",
                               res->method)) < 0)
        goto done;
    if ((error = check_references(R, r, info, sig_file->name)) < 0)
        goto done;
    const unsigned char *sv;
    size_t sv_len = 0;
    if ((error = load_signed_value(R, r, &sv, &sv_len, &decoded, root, sig_file)) < 0 || !sv)
        goto done;
    if (res->type == SC_OFD_SIG_SEAL && !sc_ofd__is_content_info(sv, sv_len)) {
        error = check_seal(R, res, r, sv, sv_len, sig_file, info);
    } else {
        sc_ofd__sign_info si;
        sc_time when = parse_date(res->date);
        if (res->type == SC_OFD_SIG_SEAL &&
            (error = sc_report_add(r, "format", SC_STATUS_WARN, "Signatures.Signature.Type",
                                   "Type=\"Seal\" but the SignedValue is a SignedData")) < 0)
            goto done;
        if ((error = sc_ofd__verify_sign(r, &si, pool, sv, sv_len, sig_file->data, sig_file->len,
                                         "Signature.xml", R->opt->cert, R->opt->trust, R->opt->at,
                                         when == SC_TIME_NOW ? sc_time_now() : when)) < 0)
            goto done;
        res->signer = si.signer;
    }
    /* Without a trusted time the signing time is the signer's own claim: validity at that time
     * catches careless signers, not forgers (who would claim a time inside the validity), so
     * by default it warns rather than fails (docs/formats/ofd-verify.md). */
    if (R->opt->at == SC_TIME_NOW && !R->opt->strict) {
        static const char *const validity_checks[] = {"validity", "signer_certificate_validity",
                                                      "maker_certificate_validity", NULL};
        int n = sc_report__restatus(r, validity_checks, SC_STATUS_FAIL, SC_STATUS_WARN,
                                    " (at the signing time the signature claims; a failure with "
                                    "--strict or --at)");
        if (n < 0)
            error = n;
    }
done:
    sc_buf_dispose(&decoded);
    if (doc)
        xmlFreeDoc(doc);
    return error;
}

/* ==== the package ============================================================================ */

static int verify_list(run *R, const char *list_path)
{
    const sc_ofd__entry *e = sc_ofd__find(R->ofd, list_path, NULL);
    sc_report *file = R->rep->file;
    xmlDoc *doc = NULL;
    size_t max_ids = 0;
    int error = 0;

    if (!e)
        return sc_report_add(file, "signatures", SC_STATUS_FAIL, "DocBody.Signatures",
                             "%s: listed in OFD.xml but not in the package", list_path);
    if ((error = sc_ofd__xml_parse(&doc, e->data, e->len, e->name)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(file, "signatures", SC_STATUS_FAIL, "Signatures", "%s",
                             sc_error_last()->message);
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    for (const xmlNode *m = sc_ofd__xml_child(root, "MaxSignId"); m;
         m = sc_ofd__xml_next(m, "MaxSignId"))
        max_ids++;
    /* ofdrw 1.5 appended a second MaxSignId when adding a signature: harmless. */
    if (max_ids > 1 &&
        (error = sc_report_add(file, "package", SC_STATUS_WARN, "Signatures.MaxSignId",
                               "%s has %zu MaxSignId elements (old ofdrw)", e->name, max_ids)) < 0)
        goto done;
    for (const xmlNode *s = sc_ofd__xml_child(root, "Signature"); s;
         s = sc_ofd__xml_next(s, "Signature")) {
        sc_ofd_signature_result *res;
        if (R->rep->count >= SC_OFD_MAX_SIGNATURES) {
            error = sc_report_add(file, "signatures", SC_STATUS_FAIL, "Signatures",
                                  "more than %d signatures", SC_OFD_MAX_SIGNATURES);
            goto done;
        }
        if ((error = sc_ofd__grow((void **)&R->rep->sigs, &R->rep->cap, R->rep->count,
                                  sizeof(*R->rep->sigs), SC_OFD_MAX_SIGNATURES)) < 0)
            goto done;
        res = &R->rep->sigs[R->rep->count++];
        memset(res, 0, sizeof(*res));
        if ((error = verify_one(R, res, s, e->name)) < 0)
            goto done;
    }
done:
    xmlFreeDoc(doc);
    return error;
}

/* GM/T 0099-2020 integrity protection (gmt0099_integrity_protected.ofd): /OFDEntries.xml lists
 * the files and names a SignedValue, a GB/T 35275 SignedData whose content is SM3 of
 * OFDEntries.xml (ofdrw-crypto). The list's signature is checked; the listed files carry no
 * digest, so they are not counted as protected. */
static int verify_entries(run *R)
{
    const sc_ofd__entry *list = sc_ofd__find(R->ofd, "/OFDEntries.xml", NULL), *sv;
    sc_report *file = R->rep->file, *tmp = NULL;
    xmlDoc *doc = NULL;
    sc_ofd__sign_info si;
    char abs[SC_OFD_MAX_PATH];
    int error;

    if (!list)
        return 0;
    mark(R->excluded, R->ofd, list);
    if ((error = sc_ofd__xml_parse(&doc, list->data, list->len, list->name)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(file, "integrity", SC_STATUS_FAIL, "OFDEntries", "%s",
                             sc_error_last()->message);
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    if ((error = sc_ofd__xml_text(&R->text, sc_ofd__xml_child(root, "SignedValueLoc"))) < 0)
        goto done;
    if (!R->text.size || sc_ofd__resolve(abs, list->name, (const char *)R->text.ptr) < 0 ||
        !(sv = sc_ofd__find(R->ofd, abs, NULL))) {
        error = sc_report_add(file, "integrity", SC_STATUS_FAIL, "OFDEntries.SignedValueLoc",
                              "GM/T 0099 integrity protection without its SignedValue file");
        goto done;
    }
    mark(R->excluded, R->ofd, sv);
    /* No signingTime in ofdrw's container: the list's CreationDate is when it was signed. */
    const char *created = sc_ofd__xml_attr(root, "CreationDate");
    sc_time when = created ? parse_date(created) : SC_TIME_NOW;
    if ((error = sc_report_add(file, "integrity", SC_STATUS_INFO, "OFDEntries",
                               "GM/T 0099 integrity protection: %s signed by %s", list->name,
                               sv->name)) < 0 ||
        (error = sc_report_new(&tmp)) < 0 ||
        (error = sc_ofd__verify_sign(tmp, &si, &R->rep->pool, sv->data, sv->len, list->data,
                                     list->len, "OFDEntries.xml", NULL, R->opt->trust, R->opt->at,
                                     when == SC_TIME_NOW ? sc_time_now() : when)) < 0 ||
        (error = sc_report_merge(file, tmp, "OFDEntries.")) < 0)
        goto done;
done:
    sc_report_free(tmp);
    xmlFreeDoc(doc);
    return error;
}

static int add_unprotected(run *R)
{
    sc_buf list = SC_BUF_INIT;
    size_t n = 0;
    int error = 0;

    for (size_t i = 0; i < R->ofd->entry_count; i++) {
        if (R->covered[i] || R->excluded[i])
            continue;
        if (n < 10 &&
            (error = sc_buf_printf(&list, "%s%s", n ? ", " : "", R->ofd->entries[i].name)) < 0)
            goto done;
        n++;
    }
    if (n)
        error = sc_report_add(R->rep->file, "unprotected", SC_STATUS_WARN, "",
                              "%zu file%s no signature covers: %s%s", n, n == 1 ? "" : "s",
                              (const char *)list.ptr, n > 10 ? ", ..." : "");
    else
        error = sc_report_add(R->rep->file, "unprotected", SC_STATUS_OK, "",
                              "every file is covered by a signature");
done:
    sc_buf_dispose(&list);
    return error;
}

int sc_ofd_verify(sc_ofd_report **out, const sc_ofd *ofd, const sc_ofd_verify_options *opts)
{
    sc_ofd_verify_options o = SC_OFD_VERIFY_OPTIONS_INIT;
    run R;
    int error;

    SC_ASSERT_ARG(out);
    *out = NULL;
    SC_ASSERT_ARG(ofd);
    if (opts)
        o = *opts;
    memset(&R, 0, sizeof(R));
    R.ofd = ofd;
    R.opt = &o;
    if (!(R.rep = sc_calloc(1, sizeof(*R.rep))) ||
        !(R.covered = sc_calloc(ofd->entry_count + 1, sizeof(bool))) ||
        !(R.excluded = sc_calloc(ofd->entry_count + 1, sizeof(bool)))) {
        error = sc_error_oom();
        goto done;
    }
    if ((error = sc_report_new(&R.rep->file)) < 0)
        goto done;
    for (size_t i = 0; i < ofd->warning_count; i++)
        if ((error = sc_report_add(R.rep->file, "package", SC_STATUS_WARN, "", "%s",
                                   ofd->warnings[i])) < 0)
            goto done;
    for (size_t d = 0; d < ofd->doc_count; d++) {
        const char *list = ofd->docs[d].signatures;
        if (!list)
            continue;
        if ((error = verify_list(&R, list)) < 0)
            goto done;
        /* ContinueSign layout (ofdrw): Signatures.xml changes with every new signature, so no
         * signature protects it; not reported as unprotected. */
        const sc_ofd__entry *le = sc_ofd__find(ofd, list, NULL);
        if (le && !R.covered[le - ofd->entries])
            mark(R.excluded, ofd, le);
    }
    if ((error = verify_entries(&R)) < 0)
        goto done;
    if (R.rep->count == 0)
        error = sc_report_add(R.rep->file, "signatures", SC_STATUS_FAIL, "DocBody.Signatures",
                              "no signature");
    else
        error = sc_report_add(R.rep->file, "signatures", SC_STATUS_OK, "DocBody.Signatures",
                              "%zu signature%s", R.rep->count, R.rep->count == 1 ? "" : "s");
    if (error < 0 || (R.rep->count && (error = add_unprotected(&R)) < 0))
        goto done;
    *out = R.rep;
    R.rep = NULL;
done:
    sc_ofd_report_free(R.rep);
    sc_free(R.covered);
    sc_free(R.excluded);
    sc_buf_dispose(&R.text);
    return error;
}

sc_verdict sc_ofd_report_verdict(const sc_ofd_report *report)
{
    sc_verdict v;
    if (!report)
        return SC_VERDICT_INVALID;
    v = sc_report_verdict(report->file);
    if (report->count == 0)
        return SC_VERDICT_INVALID;
    for (size_t i = 0; i < report->count; i++) {
        sc_verdict s = sc_report_verdict(report->sigs[i].report);
        if (s > v)
            v = s;
    }
    return v;
}

const sc_report *sc_ofd_report_file(const sc_ofd_report *report)
{
    return report ? report->file : NULL;
}

size_t sc_ofd_report_signature_count(const sc_ofd_report *report)
{
    return report ? report->count : 0;
}

const sc_ofd_signature_result *sc_ofd_report_signature(const sc_ofd_report *report, size_t i)
{
    return report && i < report->count ? &report->sigs[i] : NULL;
}

void sc_ofd_report_free(sc_ofd_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->count; i++)
        sc_report_free((sc_report *)report->sigs[i].report);
    sc_free(report->sigs);
    sc_report_free(report->file);
    sc_ofd__pool_free(&report->pool);
    sc_free(report);
}
