/* Seal-signing OFD packages (GB/T 33190-2016 clause 18, GB/T 38540-2020 clause 9): a new
 * Signs/Sign_N per signature, References over the package, continue-sign layout. */
#include "ofd/ofd_int.h"
#include "ofd/ofdw_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#define OFD_NS "http://www.ofdspec.org/2016"

/* Default stamp position: the seal's centre this far from the right and bottom page edges. */
#define DEFAULT_RIGHT_MM  20.0
#define DEFAULT_BOTTOM_MM 30.0

/* A number in mm as OFD writes it: up to 3 decimals, no trailing zeros. */
static void fmt_mm(char out[32], double v)
{
    char *p;
    snprintf(out, 32, "%.3f", v);
    p = out + strlen(out) - 1;
    while (*p == '0')
        *p-- = '\0';
    if (*p == '.')
        *p = '\0';
    if (strcmp(out, "-0") == 0)
        memcpy(out, "0", 2);
}

/* Append @p s with the five XML special characters escaped (attribute-safe). */
static int put_escaped(sc_buf *b, const char *s)
{
    int error = 0;
    for (; *s && error == 0; s++) {
        switch (*s) {
        case '&':
            error = sc_buf_puts(b, "&amp;");
            break;
        case '<':
            error = sc_buf_puts(b, "&lt;");
            break;
        case '>':
            error = sc_buf_puts(b, "&gt;");
            break;
        case '"':
            error = sc_buf_puts(b, "&quot;");
            break;
        case '\'':
            error = sc_buf_puts(b, "&apos;");
            break;
        default:
            error = sc_buf_put(b, s, 1);
            break;
        }
    }
    return error;
}

/* Files that are compressed already (pictures, seals and signed values, which are mostly a
 * picture): deflating them again costs time and saves nothing, so they are stored. */
static bool precompressed(const char *name)
{
    static const char *const ext[] = {".png", ".jpg", ".jpeg", ".gif", ".esl", ".dat", ".ofd"};
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        size_t el = strlen(ext[i]);
        if (len > el && strcasecmp(name + len - el, ext[i]) == 0)
            return true;
    }
    return false;
}

/* The numeric part of an ID ("7", "s007"): ofdrw writes "s" prefixes; ST_ID is numeric. */
static unsigned long id_number(const char *s)
{
    unsigned long v = 0;
    if (!s)
        return 0;
    while (*s && (*s < '0' || *s > '9'))
        s++;
    for (; *s >= '0' && *s <= '9' && v < 100000000UL; s++)
        v = v * 10 + (unsigned long)(*s - '0');
    return v;
}

static int dump_xml(sc_buf *out, xmlDoc *doc, const char *name)
{
    xmlChar *mem = NULL;
    int size = 0, error;
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    if (!mem || size <= 0)
        return sc_error_set(SC_ENOMEM, "%s: cannot serialise", name);
    error = sc_buf_set(out, mem, (size_t)size);
    xmlFree(mem);
    return error;
}

/* OFD.xml with DocBody/Signatures pointing at @p list: inserted after DocRoot (and Versions), as
 * the schema orders DocBody: DocInfo, DocRoot, Versions, Signatures. */
static int add_signatures_ref(sc_buf *out, const sc_ofd__entry *ofd_xml, const char *list)
{
    xmlDoc *doc = NULL;
    xmlNode *body, *after, *node;
    int error;

    if ((error = sc_ofd__xml_parse(&doc, ofd_xml->data, ofd_xml->len, ofd_xml->name)) < 0)
        return error;
    body = sc_ofd__xml_child(xmlDocGetRootElement(doc), "DocBody");
    if (!body) {
        error = sc_error_set(SC_EFORMAT, "/OFD.xml: no DocBody");
        goto done;
    }
    after = sc_ofd__xml_child(body, "Versions");
    if (!after)
        after = sc_ofd__xml_child(body, "DocRoot");
    if (!(node = xmlNewDocNode(doc, body->ns, BAD_CAST "Signatures", BAD_CAST list))) {
        error = sc_error_oom();
        goto done;
    }
    if (after)
        xmlAddNextSibling(after, node);
    else
        xmlAddChild(body, node);
    error = dump_xml(out, doc, "/OFD.xml");
done:
    xmlFreeDoc(doc);
    return error;
}

/* Signatures.xml with MaxSignId first (schema order; ofdrw writes it last, sometimes twice) and
 * the new Signature appended. */
static int update_list(sc_buf *out, const sc_ofd__entry *list, unsigned long sig_id,
                       unsigned long max_id, const char *base_loc)
{
    char num[32];
    xmlDoc *doc = NULL;
    xmlNode *root, *n, *next, *max, *sig;
    int error;

    snprintf(num, sizeof(num), "%lu", max_id);
    if (!list) {
        sc_buf_clear(out);
        if ((error = sc_buf_printf(out,
                                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                   "<ofd:Signatures xmlns:ofd=\"" OFD_NS "\"><ofd:MaxSignId>%s"
                                   "</ofd:MaxSignId><ofd:Signature ID=\"%lu\" Type=\"Seal\" "
                                   "BaseLoc=\"",
                                   num, sig_id)) < 0 ||
            (error = put_escaped(out, base_loc)) < 0)
            return error;
        return sc_buf_puts(out, "\"/></ofd:Signatures>");
    }
    if ((error = sc_ofd__xml_parse(&doc, list->data, list->len, list->name)) < 0)
        return error;
    root = xmlDocGetRootElement(doc);
    for (n = root->children; n; n = next) {
        next = n->next;
        if (sc_ofd__xml_is(n, "MaxSignId")) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
    }
    char id[32];
    snprintf(id, sizeof(id), "%lu", sig_id);
    if (!(max = xmlNewDocNode(doc, root->ns, BAD_CAST "MaxSignId", BAD_CAST num)) ||
        !(sig = xmlNewDocNode(doc, root->ns, BAD_CAST "Signature", NULL)) ||
        !xmlNewProp(sig, BAD_CAST "ID", BAD_CAST id) ||
        !xmlNewProp(sig, BAD_CAST "Type", BAD_CAST "Seal") ||
        !xmlNewProp(sig, BAD_CAST "BaseLoc", BAD_CAST base_loc)) {
        error = sc_error_oom();
        goto done;
    }
    if (root->children)
        xmlAddPrevSibling(root->children, max);
    else
        xmlAddChild(root, max);
    xmlAddChild(root, sig);
    error = dump_xml(out, doc, list->name);
done:
    xmlFreeDoc(doc);
    return error;
}

/* The largest ID used by the existing signatures: MaxSignId and every Signature/@ID. */
static int max_sign_id(unsigned long *out, const sc_ofd__entry *list)
{
    xmlDoc *doc = NULL;
    int error;
    *out = 0;
    if (!list)
        return 0;
    if ((error = sc_ofd__xml_parse(&doc, list->data, list->len, list->name)) < 0)
        return error;
    if (!sc_ofd__xml_is(xmlDocGetRootElement(doc), "Signatures")) {
        xmlFreeDoc(doc);
        return sc_error_set(SC_EFORMAT, "%s: the root element is not Signatures", list->name);
    }
    for (xmlNode *n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
        unsigned long v = 0;
        if (sc_ofd__xml_is(n, "MaxSignId")) {
            xmlChar *t = xmlNodeGetContent(n);
            v = id_number((const char *)t);
            xmlFree(t);
        } else if (sc_ofd__xml_is(n, "Signature")) {
            v = id_number(sc_ofd__xml_attr(n, "ID"));
        }
        if (v > *out)
            *out = v;
    }
    xmlFreeDoc(doc);
    return 0;
}

static int add_reference(sc_buf *x, const char *name, const unsigned char *data, size_t len)
{
    unsigned char d[SC_SM3_DIGEST_LEN];
    char b64[48];
    int error;
    if ((error = sc_sm3(d, data, len)) < 0)
        return error;
    EVP_EncodeBlock((unsigned char *)b64, d, sizeof(d));
    if ((error = sc_buf_puts(x, "<ofd:Reference FileRef=\"")) < 0 ||
        (error = put_escaped(x, name)) < 0)
        return error;
    return sc_buf_printf(x, "\"><ofd:CheckValue>%s</ofd:CheckValue></ofd:Reference>", b64);
}

/* One StampAnnot: Boundary in page mm; Clip (riding seals) relative to the Boundary. */
static int add_stamp(sc_buf *x, unsigned long id, unsigned long page_id, const double b[4],
                     const double *clip)
{
    char v[8][32];
    for (int i = 0; i < 4; i++)
        fmt_mm(v[i], b[i]);
    int error =
        sc_buf_printf(x, "<ofd:StampAnnot ID=\"%lu\" PageRef=\"%lu\" Boundary=\"%s %s %s %s\"", id,
                      page_id, v[0], v[1], v[2], v[3]);
    if (error < 0 || !clip)
        return error < 0 ? error : sc_buf_puts(x, "/>");
    for (int i = 0; i < 4; i++)
        fmt_mm(v[4 + i], clip[i]);
    return sc_buf_printf(x, " Clip=\"%s %s %s %s\"/>", v[4], v[5], v[6], v[7]);
}

int sc_ofd_sign(sc_buf *out, const sc_ofd *ofd, const sc_seal *seal, const sc_key *key,
                const sc_cert *cert, const sc_ofd_sign_options *opts)
{
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    const sc_ofd__doc *doc;
    const sc_ofd__entry *ofd_xml, *list = NULL;
    const sc_seal_picture *pic;
    sc_buf new_ofd = SC_BUF_INIT, new_list = SC_BUF_INIT, xml = SC_BUF_INIT, sv = SC_BUF_INIT,
           zip = SC_BUF_INIT;
    sc_ofd__zip_entry *ze = NULL;
    /* Derived paths: the document directory plus at most 40 bytes ("/Signs/Sign_N/..."). */
    char dir[SC_OFD_MAX_PATH], list_path[SC_OFD_MAX_PATH + 64], sign_dir[SC_OFD_MAX_PATH + 64],
        seal_path[SC_OFD_MAX_PATH + 128], sig_path[SC_OFD_MAX_PATH + 128],
        sv_path[SC_OFD_MAX_PATH + 128], when[21];
    const unsigned char *seal_der;
    size_t seal_len, nz = 0, k;
    unsigned long max_id, sig_id, next_id;
    int error = 0;

    SC_ASSERT_ARG(out && ofd && seal && key && cert);
    if (opts)
        o = *opts;
    if (o.time == SC_TIME_NOW)
        o.time = sc_time_now();
    if (ofd->doc_count == 0 || ofd->docs[0].page_count == 0)
        return sc_error_set(SC_EFORMAT, "the package has no document with pages to sign");
    doc = &ofd->docs[0];
    if (!o.riding && o.page > doc->page_count)
        return sc_error_set(SC_EINVALID, "page: %zu, but the document has %zu pages", o.page,
                            doc->page_count);
    if (!(ofd_xml = sc_ofd__find(ofd, "/OFD.xml", NULL)))
        return sc_error_set(SC_EFORMAT, "/OFD.xml: not in the package");
    pic = sc_seal_picture_of(seal);
    seal_der = sc_seal_der(seal, &seal_len);

    /* Where things go: the document's directory, Signs/Sign_<k> for the first free k. */
    {
        const char *root = doc->info.doc_root, *slash = strrchr(root, '/');
        size_t dl = slash ? (size_t)(slash - root) : 0;
        if (dl + 40 >= sizeof(dir))
            return sc_error_set(SC_ELIMIT, "DocRoot path too long");
        memcpy(dir, root, dl);
        dir[dl] = '\0';
    }
    if (doc->signatures) {
        snprintf(list_path, sizeof(list_path), "%s", doc->signatures);
        list = sc_ofd__find(ofd, list_path, NULL);
    } else {
        snprintf(list_path, sizeof(list_path), "%s/Signs/Signatures.xml", dir);
    }
    for (k = 0;; k++) {
        snprintf(sign_dir, sizeof(sign_dir), "%s/Signs/Sign_%zu/", dir, k);
        bool used = false;
        for (size_t i = 0; i < ofd->entry_count && !used; i++)
            used = strncasecmp(ofd->entries[i].name, sign_dir, strlen(sign_dir)) == 0;
        if (!used)
            break;
    }
    snprintf(seal_path, sizeof(seal_path), "%sSeal.esl", sign_dir);
    snprintf(sig_path, sizeof(sig_path), "%sSignature.xml", sign_dir);
    snprintf(sv_path, sizeof(sv_path), "%sSignedValue.dat", sign_dir);
    if ((error = max_sign_id(&max_id, list)) < 0)
        return error;
    sig_id = max_id + 1;
    next_id = sig_id + 1;

    /* OFD.xml names the signature list once; after that it never changes again. */
    if (!doc->signatures && (error = add_signatures_ref(&new_ofd, ofd_xml, list_path)) < 0)
        goto done;

    /* Signature.xml, elements in the order of the schema (GB/T 33190 Annex A, Signature.xsd). */
    sc_time_format(when, o.time);
    if ((error = sc_buf_printf(&xml,
                               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<ofd:Signature xmlns:ofd=\"" OFD_NS "\"><ofd:SignedInfo>"
                               "<ofd:Provider ProviderName=\"sealcert\" Version=\"%s\" "
                               "Company=\"sealcert\"/>"
                               "<ofd:SignatureMethod>" SC_OID_SM2_WITH_SM3 "</ofd:SignatureMethod>"
                               "<ofd:SignatureDateTime>%s</ofd:SignatureDateTime>"
                               "<ofd:References CheckMethod=\"" SC_OID_SM3 "\">",
                               SC_VERSION, when)) < 0)
        goto done;
    /* Every file of the package at signing time except the signature list (continue-sign), with
     * OFD.xml as it will be, and the new seal file. */
    for (size_t i = 0; i < ofd->entry_count; i++) {
        const sc_ofd__entry *e = &ofd->entries[i];
        if (strcasecmp(e->name, list_path) == 0)
            continue;
        if (e == ofd_xml && new_ofd.ptr)
            error = add_reference(&xml, e->name, new_ofd.ptr, new_ofd.size);
        else
            error = add_reference(&xml, e->name, e->data, e->len);
        if (error < 0)
            goto done;
    }
    if ((error = add_reference(&xml, seal_path, seal_der, seal_len)) < 0 ||
        (error = sc_buf_puts(&xml, "</ofd:References>")) < 0)
        goto done;

    double w = (double)pic->width_mm, h = (double)pic->height_mm;
    if (o.riding) {
        /* 骑缝章: page k shows the k-th vertical slice of the seal at the right edge. */
        double slice = w / (double)doc->page_count;
        for (size_t i = 0; i < doc->page_count; i++) {
            const sc_ofd_page *pg = &doc->pages[i];
            double y = o.y_mm >= 0 ? o.y_mm : pg->box[3] / 2;
            double b[4] = {pg->box[2] - slice * (double)(i + 1), y - h / 2, w, h};
            double clip[4] = {slice * (double)i, 0, slice, h};
            if ((error = add_stamp(&xml, next_id++, pg->id, b, clip)) < 0)
                goto done;
        }
    } else {
        const sc_ofd_page *pg = &doc->pages[o.page ? o.page - 1 : doc->page_count - 1];
        double x = o.x_mm >= 0 ? o.x_mm : pg->box[2] - DEFAULT_RIGHT_MM - w / 2;
        double y = o.y_mm >= 0 ? o.y_mm : pg->box[3] - DEFAULT_BOTTOM_MM - h / 2;
        double b[4] = {x - w / 2, y - h / 2, w, h};
        if ((error = add_stamp(&xml, next_id++, pg->id, b, NULL)) < 0)
            goto done;
    }
    if ((error = sc_buf_puts(&xml, "<ofd:Seal><ofd:BaseLoc>")) < 0 ||
        (error = put_escaped(&xml, seal_path)) < 0 ||
        (error = sc_buf_puts(&xml, "</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo><ofd:SignedValue>")) <
            0 ||
        (error = put_escaped(&xml, sv_path)) < 0 ||
        (error = sc_buf_puts(&xml, "</ofd:SignedValue></ofd:Signature>")) < 0)
        goto done;

    /* The seal signature over the Signature.xml bytes (TBS_Sign.dataHash = SM3 of them). */
    {
        sc_ses_sign_options so = SC_SES_SIGN_OPTIONS_INIT;
        so.time = o.time;
        so.property_info = sig_path;
        if ((error = sc_ses_signature_make(&sv, seal, key, cert, xml.ptr, xml.size, &so)) < 0)
            goto done;
    }
    if ((error = update_list(&new_list, list, sig_id, next_id - 1, sig_path)) < 0)
        goto done;

    /* The package: OFD.xml first, every other entry as it was (the list replaced), then the new
     * signature's files. */
    if (!(ze = sc_calloc(ofd->entry_count + 4, sizeof(*ze)))) {
        error = sc_error_oom();
        goto done;
    }
    ze[nz++] = (sc_ofd__zip_entry){ofd_xml->name + 1,
                                   new_ofd.ptr ? new_ofd.ptr : ofd_xml->data,
                                   new_ofd.ptr ? new_ofd.size : ofd_xml->len,
                                   true,
                                   NULL,
                                   0,
                                   0};
    for (size_t i = 0; i < ofd->entry_count; i++) {
        const sc_ofd__entry *e = &ofd->entries[i];
        if (e == ofd_xml || e == list)
            continue;
        ze[nz++] =
            (sc_ofd__zip_entry){e->name + 1, e->data, e->len, !precompressed(e->name), NULL, 0, 0};
    }
    ze[nz++] = (sc_ofd__zip_entry){list_path + 1, new_list.ptr, new_list.size, true, NULL, 0, 0};
    /* The seal and the SignedValue are mostly the seal picture, already compressed: stored. */
    ze[nz++] = (sc_ofd__zip_entry){seal_path + 1, seal_der, seal_len, false, NULL, 0, 0};
    ze[nz++] = (sc_ofd__zip_entry){sig_path + 1, xml.ptr, xml.size, true, NULL, 0, 0};
    ze[nz++] = (sc_ofd__zip_entry){sv_path + 1, sv.ptr, sv.size, false, NULL, 0, 0};
    /* Level 1, as the writer: higher levels halve the rate for about 5% smaller files. */
    if ((error = sc_ofd__zip_write(&zip, ze, nz, o.time, 1)) < 0)
        goto done;
    sc_buf_dispose(out);
    *out = zip;
    zip = (sc_buf)SC_BUF_INIT;
done:
    sc_free(ze);
    sc_buf_dispose(&new_ofd);
    sc_buf_dispose(&new_list);
    sc_buf_dispose(&xml);
    sc_buf_dispose(&sv);
    sc_buf_dispose(&zip);
    return error;
}
