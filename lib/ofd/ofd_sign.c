/* Seal-signing OFD packages (GB/T 33190-2016 clause 18, GB/T 38540-2020 clause 9) and digital
 * signatures (Type="Sign", GB/T 35275 SignedData): a new Signs/Sign_N per signature, References
 * over the package, continue-sign layout, stamps placed by position, riding or keyword. */
#include "ofd/ofd_int.h"
#include "ofd/ofdw_int.h"

#include <stddef.h>
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

/* ==== the package being signed ===============================================================
 * Both signing paths go through one signer: sc_ofd_sign() fills a sign_pkg from an opened
 * package (the entries' bytes and the deflate streams the reader kept), the writer fills one from
 * the files it is about to zip (sc_ofd_writer_add_seal). Each seal adds its files to the set,
 * which stays in the reader's entry order, so References, Signatures.xml and the zip order come
 * out as sc_ofd_sign() on the written package would make them. */

typedef struct {
    char *name;                    /* absolute package path ("/Doc_0/Document.xml"); owned */
    const unsigned char *data;     /* uncompressed bytes: borrowed, or own.ptr */
    size_t len;                    /* bytes in data */
    const unsigned char *deflated; /* raw deflate of data to copy as is, or NULL; borrowed */
    size_t deflated_len;           /* bytes in deflated */
    uint32_t crc;                  /* CRC-32 of data when has_crc */
    bool has_crc;                  /* crc known */
    bool compress;                 /* deflate (when no deflated) or store */
    const unsigned char *sm3;      /* SM3 of data when known, or NULL; borrowed */
    sc_buf own;                    /* bytes made by the signer (OFD.xml, ...) */
} sign_file;

struct sc_ofd__sign_pkg {
    sign_file *files;          /* sorted as the reader sorts entries; owned */
    size_t count, cap;         /* files in use, allocated */
    sc_ofd__sign_page *pages;  /* the first document's pages; owned */
    size_t npages, pages_cap;  /* pages in use, allocated */
    char dir[SC_OFD_MAX_PATH]; /* the document's directory ("/Doc_0"; "" at the root) */
    char *doc_root;            /* its Document.xml, absolute; owned */
    char *signatures;          /* DocBody/Signatures, absolute; owned; NULL: none yet */
    char *tail[3];             /* the last seal's Seal.esl, Signature.xml, SignedValue.dat */
    sc_time mtime;             /* zip time: the last seal's signing time */
};

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
static int add_signatures_ref(sc_buf *out, const sign_file *ofd_xml, const char *list)
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
static int update_list(sc_buf *out, const sign_file *list, unsigned long sig_id,
                       unsigned long max_id, const char *base_loc, const char *type)
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
                                   "</ofd:MaxSignId><ofd:Signature ID=\"%lu\" Type=\"%s\" "
                                   "BaseLoc=\"",
                                   num, sig_id, type)) < 0 ||
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
        !xmlNewProp(sig, BAD_CAST "Type", BAD_CAST type) ||
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
static int max_sign_id(unsigned long *out, const sign_file *list)
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

static int add_reference(sc_buf *x, const char *name, const unsigned char d[SC_SM3_DIGEST_LEN])
{
    char b64[48];
    int error;
    EVP_EncodeBlock((unsigned char *)b64, d, SC_SM3_DIGEST_LEN);
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

static void file_dispose(sign_file *f)
{
    sc_free(f->name);
    sc_buf_dispose_public(&f->own);
}

void sc_ofd__sign_pkg_free(sc_ofd__sign_pkg *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        file_dispose(&p->files[i]);
    sc_free(p->files);
    for (size_t i = 0; i < p->npages; i++)
        sc_free(p->pages[i].content);
    sc_free(p->pages);
    sc_free(p->signatures);
    sc_free(p->doc_root);
    for (size_t i = 0; i < 3; i++)
        sc_free(p->tail[i]);
    sc_free(p);
}

int sc_ofd__sign_pkg_new(sc_ofd__sign_pkg **out, const char *doc_root, const char *signatures)
{
    sc_ofd__sign_pkg *p;
    const char *slash = strrchr(doc_root, '/');
    size_t dl = slash ? (size_t)(slash - doc_root) : 0;

    *out = NULL;
    /* Derived paths: the document directory plus at most 40 bytes ("/Signs/Sign_N/..."). */
    if (dl + 40 >= SC_OFD_MAX_PATH)
        return sc_error_set(SC_ELIMIT, "DocRoot path too long");
    if (!(p = sc_calloc(1, sizeof(*p))))
        return sc_error_oom();
    memcpy(p->dir, doc_root, dl);
    p->dir[dl] = '\0';
    if (!(p->doc_root = sc_strdup(doc_root)) ||
        (signatures && !(p->signatures = sc_strdup(signatures)))) {
        sc_ofd__sign_pkg_free(p);
        return sc_error_oom();
    }
    *out = p;
    return 0;
}

static int file_cmp(const void *a, const void *b)
{
    return sc_ofd__name_cmp(((const sign_file *)a)->name, ((const sign_file *)b)->name);
}

/* A new file; the array is sorted again by the caller (sort_files). */
static int add_file(sign_file **out, sc_ofd__sign_pkg *p, const char *abs)
{
    /* The zip writer's limit: no Zip64. */
    int error = sc_ofd__grow((void **)&p->files, &p->cap, p->count, sizeof(*p->files), 0xFFFF);
    if (error < 0)
        return error;
    sign_file *f = &p->files[p->count];
    memset(f, 0, sizeof(*f));
    if (!(f->name = sc_strdup(abs)))
        return sc_error_oom();
    p->count++;
    *out = f;
    return 0;
}

static void sort_files(sc_ofd__sign_pkg *p)
{
    if (p->count > 1)
        qsort(p->files, p->count, sizeof(*p->files), file_cmp);
}

int sc_ofd__sign_pkg_add(sc_ofd__sign_pkg *p, const sc_ofd__zip_entry *e, const unsigned char *sm3)
{
    char abs[SC_OFD_MAX_PATH + 1];
    sign_file *f = NULL;
    int error;
    if (strlen(e->name) >= SC_OFD_MAX_PATH)
        return sc_error_set(SC_ELIMIT, "%s: path too long", e->name);
    abs[0] = '/';
    memcpy(abs + 1, e->name, strlen(e->name) + 1);
    if ((error = add_file(&f, p, abs)) < 0)
        return error;
    f->data = e->data;
    f->len = e->len;
    f->compress = e->compress;
    f->deflated = e->deflated;
    f->deflated_len = e->deflated_len;
    f->crc = e->crc;
    f->has_crc = e->has_crc || e->deflated;
    f->sm3 = sm3; /* sorted at the first seal */
    return 0;
}

int sc_ofd__sign_pkg_add_page(sc_ofd__sign_pkg *p, unsigned long id, const double box[4],
                              const char *content)
{
    char *c;
    int error = sc_ofd__grow((void **)&p->pages, &p->pages_cap, p->npages, sizeof(*p->pages),
                             SIZE_MAX / sizeof(*p->pages));
    if (error < 0)
        return error;
    if (!(c = sc_strdup(content)))
        return sc_error_oom();
    sc_ofd__sign_page *pg = &p->pages[p->npages++];
    pg->id = id;
    memcpy(pg->box, box, sizeof(pg->box));
    pg->content = c;
    return 0;
}

/* By absolute path: exact, else case-insensitive (as sc_ofd__find). */
static sign_file *find_file(sc_ofd__sign_pkg *p, const char *abs)
{
    sign_file *folded = NULL;
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->files[i].name, abs) == 0)
            return &p->files[i];
        if (!folded && strcasecmp(p->files[i].name, abs) == 0)
            folded = &p->files[i];
    }
    return folded;
}

/* Replace (or add) the file @p abs by bytes the signer made (taken from @p bytes), or by
 * @p len borrowed bytes at @p data when @p bytes is NULL. */
static int put_file(sc_ofd__sign_pkg *p, const char *abs, sc_buf *bytes, const unsigned char *data,
                    size_t len, bool compress)
{
    sign_file *f = find_file(p, abs);
    int error;
    if (!f && (error = add_file(&f, p, abs)) < 0)
        return error;
    sc_buf_dispose_public(&f->own);
    if (bytes) {
        f->own = *bytes;
        *bytes = (sc_buf)SC_BUF_INIT;
        data = f->own.ptr;
        len = f->own.size;
    }
    f->data = data;
    f->len = len;
    f->compress = compress;
    f->deflated = NULL;
    f->deflated_len = 0;
    f->has_crc = false;
    f->sm3 = NULL;
    return 0;
}

/* One w x h StampAnnot centred on each occurrence of o->keyword in the text of every page (or of
 * page o->page). The keyword is looked for page by page in the TextObjects' placed characters
 * (the pages' Content.xml as the set holds them), so what is stamped is what a reader draws
 * there, not a match in the page text that straddles two objects. */
/* The TemplatePages of the document's Document.xml, as the model reads them (sorted by ID, files
 * resolved, at most SC_OFD_MAX_PAGES), for the text a keyword seal searches: into d->templates,
 * their paths in @p paths (both owned by the caller). */
static int doc_templates(sc_ofd__doc *d, char ***paths, sc_ofd__sign_pkg *p)
{
    const sign_file *doc = find_file(p, p->doc_root);
    xmlDoc *x = NULL;
    size_t cap = 0, pcap = 0;
    int error;
    memset(d, 0, sizeof(*d));
    *paths = NULL;
    if (!doc)
        return 0;
    if ((error = sc_ofd__xml_parse(&x, doc->data, doc->len, doc->name)) < 0)
        return error;
    const xmlNode *common = sc_ofd__xml_child(xmlDocGetRootElement(x), "CommonData");
    for (const xmlNode *e = sc_ofd__xml_child(common, "TemplatePage");
         e && error == 0 && d->template_count < SC_OFD_MAX_PAGES;
         e = sc_ofd__xml_next(e, "TemplatePage")) {
        const char *id = sc_ofd__xml_attr(e, "ID"), *z = sc_ofd__xml_attr(e, "ZOrder");
        const char *loc = sc_ofd__xml_attr(e, "BaseLoc");
        char abs[SC_OFD_MAX_PATH], *path;
        if (!loc || sc_ofd__resolve(abs, p->doc_root, loc) < 0) {
            sc_error_clear(); /* no file: no text (the verifier reports it) */
            continue;
        }
        if ((error = sc_ofd__grow((void **)&d->templates, &cap, d->template_count,
                                  sizeof(*d->templates), SC_OFD_MAX_PAGES)) < 0 ||
            (error = sc_ofd__grow((void **)paths, &pcap, d->template_count, sizeof(**paths),
                                  SC_OFD_MAX_PAGES)) < 0)
            break;
        if (!(path = sc_strdup(abs))) {
            error = sc_error_oom();
            break;
        }
        (*paths)[d->template_count] = path;
        d->templates[d->template_count] =
            (sc_ofd__template){id ? strtoul(id, NULL, 10) : 0, path,
                               /* as the model compares ZOrder: as written, absent Background */
                               !z || !*z || strcmp(z, "Background") == 0 ? "Background"
                               : strcmp(z, "Foreground") == 0            ? "Foreground"
                                                                         : "",
                               NULL, d->template_count};
        d->template_count++;
    }
    xmlFreeDoc(x);
    sc_ofd__templates_sort(d->templates, d->template_count);
    return error;
}

static void doc_templates_free(sc_ofd__doc *d, char **paths)
{
    for (size_t i = 0; i < d->template_count; i++)
        sc_free(paths[i]);
    sc_free(paths);
    sc_free(d->templates);
}

/* The Content.xml files whose text a keyword seal searches on page @p page: its Background
 * templates, the page, its Foreground templates (in @p src, at most 2 * SC_OFD_MAX_PAGE_TEMPLATES
 * + 1), as sc_ofd_page_text_load() reads a page. */
static int page_sources(sc_ofd__text_src *src, size_t *n, sc_ofd__sign_pkg *p, const sc_ofd__doc *d,
                        const sign_file *page)
{
    size_t shown[2][SC_OFD_MAX_PAGE_TEMPLATES], count[2] = {0, 0};
    xmlDoc *x = NULL;
    bool too_many;
    int error;
    if (d->template_count) {
        if ((error = sc_ofd__xml_parse(&x, page->data, page->len, page->name)) < 0)
            return error;
        const xmlNode *root = xmlDocGetRootElement(x);
        count[0] = sc_ofd__page_templates(shown[0], d, root, "Background", &too_many);
        count[1] = sc_ofd__page_templates(shown[1], d, root, "Foreground", &too_many);
        xmlFreeDoc(x);
    }
    *n = 0;
    for (int side = 0; side < 2; side++) {
        if (side == 1)
            src[(*n)++] = (sc_ofd__text_src){page->data, page->len, page->name, false};
        for (size_t i = 0; i < count[side]; i++) {
            const sign_file *f = find_file(p, d->templates[shown[side][i]].path);
            if (f)
                src[(*n)++] = (sc_ofd__text_src){f->data, f->len, f->name, true};
        }
    }
    return 0;
}

static int add_keyword_stamps(sc_buf *x, unsigned long *next_id, sc_ofd__sign_pkg *p,
                              const sc_ofd_sign_options *o, double w, double h)
{
    size_t first = o->page ? o->page - 1 : 0, last = o->page ? o->page : p->npages;
    size_t total = 0;
    sc_ofd__doc tpls;
    char **paths = NULL;
    int error = doc_templates(&tpls, &paths, p);

    for (size_t i = first; i < last && error == 0; i++) {
        const sc_ofd__sign_page *pg = &p->pages[i];
        const sign_file *f = *pg->content ? find_file(p, pg->content) : NULL;
        sc_ofd_page_text *text = NULL;
        sc_ofd__box *found = NULL;
        sc_ofd__text_src src[2 * SC_OFD_MAX_PAGE_TEMPLATES + 1];
        size_t n = 0, nsrc = 0;
        if (!f) {
            error = sc_error_set(SC_EFORMAT, "%s: the content of page %zu is not in the package",
                                 *pg->content ? pg->content : "Page BaseLoc", i + 1);
            break;
        }
        if ((error = page_sources(src, &nsrc, p, &tpls, f)) < 0 ||
            (error = sc_ofd__page_text_parse_all(&text, src, nsrc)) < 0 ||
            (error = sc_ofd__text_find(&found, &n, text, o->keyword)) < 0)
            goto next;
        if (total + n > SC_OFD_MAX_KEYWORD_STAMPS) {
            error = sc_error_set(SC_ELIMIT, "keyword: \"%s\" occurs more than %d times", o->keyword,
                                 SC_OFD_MAX_KEYWORD_STAMPS);
            goto next;
        }
        total += n;
        for (size_t k = 0; k < n && error == 0; k++) {
            const double *v = found[k].v;
            double b[4] = {v[0] + v[2] / 2 - w / 2, v[1] + v[3] / 2 - h / 2, w, h};
            error = add_stamp(x, (*next_id)++, pg->id, b, NULL);
        }
    next:
        sc_free(found);
        sc_ofd_page_text_free(text);
    }
    doc_templates_free(&tpls, paths);
    if (error == 0 && total == 0) {
        if (o->page)
            return sc_error_set(SC_ENOTFOUND, "keyword: \"%s\" is not in the text of page %zu",
                                o->keyword, o->page);
        return sc_error_set(SC_ENOTFOUND, "keyword: \"%s\" is not in the text of the document",
                            o->keyword);
    }
    return error;
}

int sc_ofd__sign_check(const sc_seal *seal, const sc_ofd_sign_options *opts)
{
    if (!opts)
        return seal ? 0 : sc_error_set(SC_EINVALID, "seal: required (or a digital signature)");
    if (opts->digital && seal)
        return sc_error_set(SC_EINVALID, "seal: a digital signature carries no seal");
    if (!opts->digital && !seal)
        return sc_error_set(SC_EINVALID, "seal: required (or a digital signature)");
    if (opts->keyword && (opts->riding || opts->x_mm >= 0 || opts->y_mm >= 0))
        return sc_error_set(SC_EINVALID, "keyword: the stamp is centred on the keyword; x_mm, "
                                         "y_mm and riding do not apply");
    if (opts->keyword && !*opts->keyword)
        return sc_error_set(SC_EINVALID, "keyword: empty");
    return 0;
}

int sc_ofd__sign_pkg_seal(sc_ofd__sign_pkg *p, const sc_seal *seal, const sc_key *key,
                          const sc_cert *cert, const sc_ofd_sign_options *opts)
{
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    const sign_file *list;
    sign_file *ofd_xml;
    const sc_seal_picture *pic;
    sc_buf new_ofd = SC_BUF_INIT, new_list = SC_BUF_INIT, xml = SC_BUF_INIT, sv = SC_BUF_INIT;
    char list_path[SC_OFD_MAX_PATH + 64], sign_dir[SC_OFD_MAX_PATH + 64],
        seal_path[SC_OFD_MAX_PATH + 128], sig_path[SC_OFD_MAX_PATH + 128],
        sv_path[SC_OFD_MAX_PATH + 128], when[21];
    unsigned char digest[SC_SM3_DIGEST_LEN];
    const unsigned char *seal_der;
    size_t seal_len, k;
    unsigned long max_id, sig_id, next_id;
    int error = 0;

    if ((error = sc_ofd__sign_check(seal, opts)) < 0)
        return error;
    if (opts)
        o = *opts;
    if (o.time == SC_TIME_NOW)
        o.time = sc_time_now();
    if (p->npages == 0)
        return sc_error_set(SC_EFORMAT, "the package has no document with pages to sign");
    if (!o.riding && o.page > p->npages)
        return sc_error_set(SC_EINVALID, "page: %zu, but the document has %zu pages", o.page,
                            p->npages);
    sort_files(p);
    if (!(ofd_xml = find_file(p, "/OFD.xml")))
        return sc_error_set(SC_EFORMAT, "/OFD.xml: not in the package");
    if (seal) {
        pic = sc_seal_picture_of(seal);
        seal_der = sc_seal_der(seal, &seal_len);
    } else {
        pic = NULL;
        seal_der = NULL;
        seal_len = 0;
    }

    /* Where things go: the document's directory, Signs/Sign_<k> for the first free k. */
    if (p->signatures) {
        snprintf(list_path, sizeof(list_path), "%s", p->signatures);
        list = find_file(p, list_path);
    } else {
        snprintf(list_path, sizeof(list_path), "%s/Signs/Signatures.xml", p->dir);
        list = NULL;
    }
    for (k = 0;; k++) {
        snprintf(sign_dir, sizeof(sign_dir), "%s/Signs/Sign_%zu/", p->dir, k);
        bool used = false;
        for (size_t i = 0; i < p->count && !used; i++)
            used = strncasecmp(p->files[i].name, sign_dir, strlen(sign_dir)) == 0;
        if (!used)
            break;
    }
    snprintf(seal_path, sizeof(seal_path), "%sSeal.esl", sign_dir);
    const bool seal_file = seal && !o.no_seal_file;
    snprintf(sig_path, sizeof(sig_path), "%sSignature.xml", sign_dir);
    snprintf(sv_path, sizeof(sv_path), "%sSignedValue.dat", sign_dir);
    if ((error = max_sign_id(&max_id, list)) < 0)
        return error;
    sig_id = max_id + 1;
    next_id = sig_id + 1;

    /* OFD.xml names the signature list once; after that it never changes again. */
    if (!p->signatures && (error = add_signatures_ref(&new_ofd, ofd_xml, list_path)) < 0)
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
    for (size_t i = 0; i < p->count; i++) {
        const sign_file *f = &p->files[i];
        if (strcasecmp(f->name, list_path) == 0)
            continue;
        if (f == ofd_xml && new_ofd.ptr)
            error = sc_sm3(digest, new_ofd.ptr, new_ofd.size);
        else if (f->sm3)
            memcpy(digest, f->sm3, sizeof(digest));
        else
            error = sc_sm3(digest, f->data, f->len);
        if (error < 0 || (error = add_reference(&xml, f->name, digest)) < 0)
            goto done;
    }
    if ((seal_file && ((error = sc_seal_sm3(digest, seal)) < 0 ||
                       (error = add_reference(&xml, seal_path, digest)) < 0)) ||
        (error = sc_buf_puts(&xml, "</ofd:References>")) < 0)
        goto done;

    /* A digital signature has no picture: a stamp only where one was asked for. */
    double w = pic ? (double)pic->width_mm : SC_OFD_DIGITAL_STAMP_MM,
           h = pic ? (double)pic->height_mm : SC_OFD_DIGITAL_STAMP_MM;
    if (o.keyword) {
        if ((error = add_keyword_stamps(&xml, &next_id, p, &o, w, h)) < 0)
            goto done;
    } else if (o.riding) {
        /* 骑缝章: page k shows the k-th vertical slice of the seal at the right edge. */
        double slice = w / (double)p->npages;
        for (size_t i = 0; i < p->npages; i++) {
            const sc_ofd__sign_page *pg = &p->pages[i];
            double y = o.y_mm >= 0 ? o.y_mm : pg->box[3] / 2;
            double b[4] = {pg->box[2] - slice * (double)(i + 1), y - h / 2, w, h};
            double clip[4] = {slice * (double)i, 0, slice, h};
            if ((error = add_stamp(&xml, next_id++, pg->id, b, clip)) < 0)
                goto done;
        }
    } else if (seal || o.page || o.x_mm >= 0 || o.y_mm >= 0) {
        const sc_ofd__sign_page *pg = &p->pages[o.page ? o.page - 1 : p->npages - 1];
        double x = o.x_mm >= 0 ? o.x_mm : pg->box[2] - DEFAULT_RIGHT_MM - w / 2;
        double y = o.y_mm >= 0 ? o.y_mm : pg->box[3] - DEFAULT_BOTTOM_MM - h / 2;
        double b[4] = {x - w / 2, y - h / 2, w, h};
        if ((error = add_stamp(&xml, next_id++, pg->id, b, NULL)) < 0)
            goto done;
    }
    if (seal_file && ((error = sc_buf_puts(&xml, "<ofd:Seal><ofd:BaseLoc>")) < 0 ||
                      (error = put_escaped(&xml, seal_path)) < 0 ||
                      (error = sc_buf_puts(&xml, "</ofd:BaseLoc></ofd:Seal>")) < 0))
        goto done;
    if ((error = sc_buf_puts(&xml, "</ofd:SignedInfo><ofd:SignedValue>")) < 0 ||
        (error = put_escaped(&xml, sv_path)) < 0 ||
        (error = sc_buf_puts(&xml, "</ofd:SignedValue></ofd:Signature>")) < 0)
        goto done;

    /* The seal signature over the Signature.xml bytes (TBS_Sign.dataHash = SM3 of them), or the
     * SignedData of a digital signature over them. */
    if (!seal) {
        if ((error = sc_ofd__signed_data_make(&sv, key, cert, xml.ptr, xml.size)) < 0)
            goto done;
    } else {
        sc_ses_sign_options so = SC_SES_SIGN_OPTIONS_INIT;
        so.time = o.time;
        so.property_info = sig_path;
        if ((error = sc_ses_signature_make(&sv, seal, key, cert, xml.ptr, xml.size, &so)) < 0)
            goto done;
    }
    if ((error = update_list(&new_list, list, sig_id, next_id - 1, sig_path,
                             seal ? "Seal" : "Sign")) < 0)
        goto done;

    /* Everything is made: now the set changes, and nothing below fails but for memory, after
     * which the caller discards the set. The seal and the SignedValue are mostly the seal
     * picture, already compressed: stored. */
    char *tail[3] = {seal_file ? sc_strdup(seal_path) : NULL, sc_strdup(sig_path),
                     sc_strdup(sv_path)};
    char *sigs = p->signatures ? NULL : sc_strdup(list_path);
    if ((seal_file && !tail[0]) || !tail[1] || !tail[2] || (!p->signatures && !sigs)) {
        for (size_t i = 0; i < 3; i++)
            sc_free(tail[i]);
        sc_free(sigs);
        error = sc_error_oom();
        goto done;
    }
    for (size_t i = 0; i < 3; i++) {
        sc_free(p->tail[i]);
        p->tail[i] = tail[i];
    }
    if (sigs)
        p->signatures = sigs;
    if ((new_ofd.ptr && (error = put_file(p, ofd_xml->name, &new_ofd, NULL, 0, true)) < 0) ||
        (error = put_file(p, list_path, &new_list, NULL, 0, true)) < 0 ||
        (seal_file && (error = put_file(p, seal_path, NULL, seal_der, seal_len, false)) < 0) ||
        (error = put_file(p, sig_path, &xml, NULL, 0, true)) < 0 ||
        (error = put_file(p, sv_path, &sv, NULL, 0, false)) < 0)
        goto done;
    sort_files(p);
    p->mtime = o.time;
done:
    sc_buf_dispose_public(&new_ofd);
    sc_buf_dispose_public(&new_list);
    sc_buf_dispose_public(&xml);
    sc_buf_dispose_public(&sv);
    return error;
}

int sc_ofd__sign_pkg_zip(sc_buf *out, const sc_ofd__sign_pkg *p, int level)
{
    const sign_file **order;
    sc_ofd__zip_entry *ze = NULL;
    sc_buf zip = SC_BUF_INIT;
    size_t n = 0, t;
    int error;

    if (!(order = sc_calloc(p->count + 1, sizeof(*order))) ||
        !(ze = sc_calloc(p->count + 1, sizeof(*ze)))) {
        sc_free(order);
        return sc_error_oom();
    }
    /* The order sc_ofd_sign has always written: OFD.xml, every other entry as it was, the list,
     * then the last signature's files. */
    for (size_t i = 0; i < p->count; i++)
        if (strcasecmp(p->files[i].name, "/OFD.xml") == 0 && n == 0)
            order[n++] = &p->files[i];
    for (size_t i = 0; i < p->count; i++) {
        const sign_file *f = &p->files[i];
        bool is_late = p->signatures && strcasecmp(f->name, p->signatures) == 0;
        for (t = 0; t < 3 && !is_late; t++)
            is_late = p->tail[t] && strcmp(f->name, p->tail[t]) == 0;
        if (!is_late && (n == 0 || f != order[0]))
            order[n++] = f;
    }
    for (size_t i = 0; i < p->count; i++)
        if (p->signatures && strcasecmp(p->files[i].name, p->signatures) == 0)
            order[n++] = &p->files[i];
    for (t = 0; t < 3; t++)
        for (size_t i = 0; i < p->count; i++)
            if (p->tail[t] && strcmp(p->files[i].name, p->tail[t]) == 0)
                order[n++] = &p->files[i];
    for (size_t i = 0; i < n; i++) {
        const sign_file *f = order[i];
        ze[i] = (sc_ofd__zip_entry){.name = f->name + 1,
                                    .data = f->data,
                                    .len = f->len,
                                    .compress = f->compress || f->deflated,
                                    .deflated = f->deflated,
                                    .deflated_len = f->deflated_len,
                                    .crc = f->crc,
                                    .has_crc = f->has_crc};
    }
    if ((error = sc_ofd__zip_write(&zip, ze, n, p->mtime, level)) == 0) {
        sc_buf_dispose_public(out); /* a package is public: no wiping */
        *out = zip;
    } else {
        sc_buf_dispose_public(&zip);
    }
    sc_free(order);
    sc_free(ze);
    return error;
}

int sc_ofd_sign(sc_buf *out, const sc_ofd *ofd, const sc_seal *seal, const sc_key *key,
                const sc_cert *cert, const sc_ofd_sign_options *opts)
{
    const sc_ofd__doc *doc;
    sc_ofd__sign_pkg *p = NULL;
    int error;

    SC_ASSERT_ARG(out && ofd && key && cert);
    if ((error = sc_ofd__sign_check(seal, opts)) < 0)
        return error;
    if (ofd->doc_count == 0 || ofd->docs[0].page_count == 0)
        return sc_error_set(SC_EFORMAT, "the package has no document with pages to sign");
    doc = &ofd->docs[0];
    if ((error = sc_ofd__sign_pkg_new(&p, doc->info.doc_root, doc->signatures)) < 0)
        return error;
    for (size_t i = 0; i < ofd->entry_count; i++) {
        const sc_ofd__entry *e = &ofd->entries[i];
        /* Copied as stored: the deflate stream the reader kept; entries that were stored (or
         * compressed otherwise) deflated unless their format is compressed already. */
        sc_ofd__zip_entry ze = {.name = e->name + 1,
                                .data = e->data,
                                .len = e->len,
                                .compress = e->raw || !precompressed(e->name),
                                .deflated = e->raw,
                                .deflated_len = e->raw_len,
                                .crc = e->crc,
                                .has_crc = true};
        if ((error = sc_ofd__sign_pkg_add(p, &ze, NULL)) < 0)
            goto done;
    }
    for (size_t i = 0; i < doc->page_count; i++)
        if ((error = sc_ofd__sign_pkg_add_page(p, doc->pages[i].id, doc->pages[i].box,
                                               doc->pages[i].path)) < 0)
            goto done;
    /* Level 1, as the writer: higher levels halve the rate for about 5% smaller files. */
    if ((error = sc_ofd__sign_pkg_seal(p, seal, key, cert, opts)) == 0)
        error = sc_ofd__sign_pkg_zip(out, p, 1);
done:
    sc_ofd__sign_pkg_free(p);
    return error;
}
