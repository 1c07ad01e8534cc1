/* The OFD document model, read side (GB/T 33190-2016 clauses 7.4-7.5 OFD.xml and Document.xml,
 * 7.6 pages, 7.9 resources, 7.14 attachments, 7.15 custom tags): what `info` shows and what the
 * verifier needs. Built once at open; every later accessor is read-only. */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include <libxml/parser.h>

/* Everything a model loader needs while walking one package. */
typedef struct {
    sc_ofd *ofd;       /* the package being built */
    sc_buf text;       /* scratch for element text */
    sc_buf page;       /* scratch for one page's text */
    bool ns_warned;    /* the namespace quirk is reported once */
    size_t text_total; /* page text kept so far (SC_OFD_MAX_TEXT_TOTAL) */
} loader;

/* Parse an entry. A missing or malformed file below OFD.xml is a warning and the part of the
 * model it held stays empty: `info` and the verifier still work on the rest (wild samples with
 * broken resource paths). SC_ENOMEM is the only error returned; *doc NULL means skipped. */
static int load_xml(loader *L, xmlDoc **doc, const char *path, const char *what)
{
    bool folded;
    const sc_ofd__entry *e = sc_ofd__find(L->ofd, path, &folded);
    const char *uri;
    int error;

    *doc = NULL;
    if (!e)
        return sc_ofd__warn(L->ofd, "model: %s %s is not in the package", what, path);
    if (folded &&
        (error = sc_ofd__warn(L->ofd, "package: %s found as %s (case differs)", path, e->name)) < 0)
        return error;
    if ((error = sc_ofd__xml_parse(doc, e->data, e->len, e->name)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_ofd__warn(L->ofd, "model: %s", sc_error_last()->message);
    }
    if (sc_ofd__xml_ns_quirk(*doc, &uri) && !L->ns_warned) {
        L->ns_warned = true;
        /* Foxit writes "http://www.ofdspec.org", one unknown producer "http://ns.ofd.cn/ofd",
         * others omit the namespace: elements are matched in the root's namespace instead. */
        return sc_ofd__warn(L->ofd, "package: %s uses the namespace \"%s\", not \"%s\"", e->name,
                            uri, SC_OFD_NS);
    }
    return 0;
}

static const char *child_text(loader *L, const xmlNode *parent, const char *local)
{
    return sc_ofd__xml_child_text(&L->ofd->pool, parent, local);
}

/* An ST_Loc from @p base_file, resolved into the pool; NULL with a warning when it is unusable
 * (*error set only for SC_ENOMEM). */
static const char *resolve(loader *L, const char *base_file, const char *loc, const char *what,
                           int *error)
{
    char abs[SC_OFD_MAX_PATH];
    *error = 0;
    if (!loc || !*loc)
        return NULL;
    if (sc_ofd__resolve(abs, base_file, loc) < 0) {
        *error = sc_ofd__warn(L->ofd, "model: %s \"%s\" in %s: %s", what, loc, base_file,
                              sc_error_last()->message);
        return NULL;
    }
    const char *p = sc_ofd__pstrdup(&L->ofd->pool, abs);
    if (!p)
        *error = SC_ENOMEM;
    return p;
}

/* ==== pages ================================================================================== */

typedef struct {
    size_t text, image, path; /* object counts */
    bool text_full;           /* SC_OFD_MAX_PAGE_TEXT reached */
} page_counts;

static int walk_content(loader *L, const xmlNode *node, page_counts *pc, int depth)
{
    int error;
    if (depth > SC_OFD_MAX_XML_DEPTH)
        return 0;
    for (const xmlNode *c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (sc_ofd__xml_is(c, "TextObject")) {
            pc->text++;
            for (const xmlNode *t = sc_ofd__xml_child(c, "TextCode"); t;
                 t = sc_ofd__xml_next(t, "TextCode")) {
                if ((error = sc_ofd__xml_text(&L->text, t)) < 0)
                    return error;
                if (pc->text_full || L->page.size + L->text.size + 1 > SC_OFD_MAX_PAGE_TEXT) {
                    pc->text_full = true;
                    continue;
                }
                if ((error = sc_buf_put(&L->page, L->text.ptr, L->text.size)) < 0)
                    return error;
            }
            if (!pc->text_full && (error = sc_buf_puts(&L->page, "\n")) < 0)
                return error;
            continue;
        }
        if (sc_ofd__xml_is(c, "ImageObject"))
            pc->image++;
        else if (sc_ofd__xml_is(c, "PathObject"))
            pc->path++;
        if (c->children && (error = walk_content(L, c->children, pc, depth + 1)) < 0)
            return error;
    }
    return 0;
}

/* The text of template @p t, read the first time a page shows it. A template file that is
 * missing (warned about at open) or malformed has none. */
static int template_text(loader *L, sc_ofd__template *t, const char **out)
{
    xmlDoc *doc = NULL;
    sc_buf saved = L->page;
    page_counts tc = {0, 0, 0, false};
    int error;
    if (t->text) {
        *out = t->text;
        return 0;
    }
    *out = t->text = "";
    if (!sc_ofd__find(L->ofd, t->path, NULL))
        return 0; /* missing: warned about when the TemplatePage was read */
    L->page = (sc_buf)SC_BUF_INIT;
    if ((error = load_xml(L, &doc, t->path, "template")) == 0 && doc) {
        const xmlNode *content = sc_ofd__xml_child(xmlDocGetRootElement(doc), "Content");
        if (content && content->children)
            error = walk_content(L, content->children, &tc, 1);
        if (error == 0 && L->page.size &&
            !(t->text = sc_ofd__pstrndup(&L->ofd->pool, (const char *)L->page.ptr, L->page.size)))
            error = SC_ENOMEM;
        *out = t->text;
    }
    xmlFreeDoc(doc);
    sc_buf_dispose_public(&L->page);
    L->page = saved;
    return error;
}

size_t sc_ofd__lower_bound_id(const void *base, size_t n, size_t stride, size_t id_offset,
                              unsigned long id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        unsigned long v;
        memcpy(&v, (const unsigned char *)base + mid * stride + id_offset, sizeof(v));
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t sc_ofd__page_templates(size_t out[SC_OFD_MAX_PAGE_TEMPLATES], const sc_ofd__doc *d,
                              const xmlNode *page_el, const char *zorder, bool *too_many)
{
    size_t n = 0, refs = 0;
    *too_many = false;
    for (const xmlNode *r = sc_ofd__xml_child(page_el, "Template"); r;
         r = sc_ofd__xml_next(r, "Template")) {
        if (++refs > SC_OFD_MAX_PAGE_TEMPLATES) {
            *too_many = true;
            break;
        }
        const char *id = sc_ofd__xml_attr(r, "TemplateID"), *z = sc_ofd__xml_attr(r, "ZOrder");
        unsigned long tid = id ? strtoul(id, NULL, 10) : 0;
        /* The first TemplatePage of that ID in CommonData: the lowest of equal IDs (sorted). */
        size_t k = sc_ofd__lower_bound_id(d->templates, d->template_count, sizeof(*d->templates),
                                          offsetof(sc_ofd__template, id), tid);
        if (k == d->template_count || d->templates[k].id != tid ||
            strcmp(z && *z ? z : d->templates[k].zorder, zorder) != 0)
            continue;
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = out[i] == k;
        if (!seen)
            out[n++] = k;
    }
    return n;
}

/* Append to the page's text that of the templates @p page_el shows with ZOrder @p zorder (the
 * reference's, else the TemplatePage's). */
static int add_template_text(loader *L, sc_ofd__doc *d, const xmlNode *page_el, const char *zorder,
                             page_counts *pc)
{
    size_t shown[SC_OFD_MAX_PAGE_TEMPLATES];
    bool too_many;
    size_t count = sc_ofd__page_templates(shown, d, page_el, zorder, &too_many);
    int error = 0;
    for (size_t i = 0; i < count && error == 0; i++) {
        const char *text = NULL;
        if ((error = template_text(L, &d->templates[shown[i]], &text)) < 0 || !*text)
            continue;
        size_t n = strlen(text);
        if (pc->text_full || L->page.size + n > SC_OFD_MAX_PAGE_TEXT)
            pc->text_full = true;
        else
            error = sc_buf_put(&L->page, text, n);
    }
    return error;
}

static int load_page(loader *L, sc_ofd__doc *d, const xmlNode *page_el, const char *doc_path)
{
    const char *id = sc_ofd__xml_attr(page_el, "ID");
    const char *base = sc_ofd__xml_attr(page_el, "BaseLoc");
    sc_ofd_page *p;
    xmlDoc *doc = NULL;
    page_counts pc = {0, 0, 0, false};
    int error;

    if ((error = sc_ofd__grow((void **)&d->pages, &d->page_cap, d->page_count, sizeof(*d->pages),
                              SC_OFD_MAX_PAGES)) < 0)
        return error == SC_ELIMIT ? sc_ofd__warn(L->ofd,
                                                 "model: more than %d pages; the rest "
                                                 "ignored",
                                                 SC_OFD_MAX_PAGES)
                                  : error;
    p = &d->pages[d->page_count++];
    memset(p, 0, sizeof(*p));
    p->id = id ? strtoul(id, NULL, 10) : 0;
    memcpy(p->box, d->box, sizeof(p->box));
    p->text = "";
    p->path = "";
    if (!(p->path = resolve(L, doc_path, base, "Page BaseLoc", &error))) {
        p->path = "";
        return error;
    }
    sc_buf_clear(&L->page);
    if ((error = load_xml(L, &doc, p->path, "page")) < 0 || !doc)
        return error;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *area = sc_ofd__xml_child(root, "Area");
    const xmlNode *box = sc_ofd__xml_child(area, "PhysicalBox");
    if (box) {
        double v[4];
        if ((error = sc_ofd__xml_text(&L->text, box)) < 0)
            goto done;
        if (sc_ofd__numbers(v, 4, (const char *)L->text.ptr) == 4)
            memcpy(p->box, v, sizeof(v));
    }
    /* Page/Content/Layer/...; the text of templates (Page/Template) under it and over it, whose
     * objects are not counted. */
    const xmlNode *content = sc_ofd__xml_child(root, "Content");
    if ((error = add_template_text(L, d, root, "Background", &pc)) < 0 ||
        (content && content->children &&
         (error = walk_content(L, content->children, &pc, 1)) < 0) ||
        (error = add_template_text(L, d, root, "Foreground", &pc)) < 0)
        goto done;
    p->text_count = pc.text;
    p->image_count = pc.image;
    p->path_count = pc.path;
    if (L->page.size && L->text_total + L->page.size > SC_OFD_MAX_TEXT_TOTAL) {
        if (L->text_total <= SC_OFD_MAX_TEXT_TOTAL) /* warned once */
            error = sc_ofd__warn(L->ofd,
                                 "model: more than %zu bytes of page text; the text of "
                                 "page %zu and later pages is not kept",
                                 SC_OFD_MAX_TEXT_TOTAL, d->page_count);
        L->text_total = SC_OFD_MAX_TEXT_TOTAL + 1;
    } else if (L->page.size) {
        L->text_total += L->page.size;
        if (!(p->text = sc_ofd__pstrndup(&L->ofd->pool, (const char *)L->page.ptr, L->page.size)))
            error = SC_ENOMEM;
    }
done:
    xmlFreeDoc(doc);
    return error;
}

/* ==== resources ============================================================================== */

static int add_resource(loader *L, sc_ofd__doc *d, const xmlNode *el, const char *kind,
                        const char *res_path, const char *base_dir_file, const char *file_el)
{
    sc_ofd_resource *r;
    const char *id = sc_ofd__xml_attr(el, "ID"), *file;
    int error;

    if ((error = sc_ofd__grow((void **)&d->res, &d->res_cap, d->res_count, sizeof(*d->res),
                              SC_OFD_MAX_RESOURCES)) < 0)
        return error == SC_ELIMIT ? 0 : error;
    r = &d->res[d->res_count];
    memset(r, 0, sizeof(*r));
    r->id = id ? strtoul(id, NULL, 10) : 0;
    r->kind = kind;
    r->name = "";
    r->path = "";
    r->format = "";
    if (strcmp(kind, "font") == 0) {
        const char *fn = sc_ofd__xml_attr(el, "FontName");
        r->name = sc_ofd__pstrdup(&L->ofd->pool, fn ? fn : "");
    } else if (strcmp(kind, "image") == 0 || strcmp(kind, "multimedia") == 0) {
        const char *t = sc_ofd__xml_attr(el, "Type"), *f = sc_ofd__xml_attr(el, "Format");
        r->name = sc_ofd__pstrdup(&L->ofd->pool, t ? t : "");
        r->format = sc_ofd__pstrdup(&L->ofd->pool, f ? f : "");
    }
    if (!r->name || !r->format)
        return SC_ENOMEM;
    d->res_count++;
    if (!file_el)
        return 0;
    if (!(file = child_text(L, el, file_el)))
        return SC_ENOMEM;
    if (!*file)
        return 0;
    if (!(r->path = resolve(L, base_dir_file, file, file_el, &error))) {
        r->path = "";
        return error;
    }
    r->is_embedded = sc_ofd__find(L->ofd, r->path, NULL) != NULL;
    if (!r->is_embedded && base_dir_file != res_path) {
        /* Broken BaseLoc (elicense sample: BaseLoc="Res_0" but the image lies beside the
         * resource file): the file relative to the resource file itself is used, with a
         * warning. */
        const char *alt = resolve(L, res_path, file, file_el, &error);
        if (error < 0)
            return error;
        if (alt && sc_ofd__find(L->ofd, alt, NULL)) {
            if ((error = sc_ofd__warn(L->ofd,
                                      "model: %s not found under the BaseLoc of %s; "
                                      "found at %s",
                                      r->path, res_path, alt)) < 0)
                return error;
            r->path = alt;
            r->is_embedded = 1;
        }
    }
    if (strcmp(kind, "image") == 0 && !*r->format && r->is_embedded) {
        const sc_ofd__entry *e = sc_ofd__find(L->ofd, r->path, NULL);
        const char *sniffed = e ? sc_picture_sniff(e->data, e->len) : NULL;
        if (sniffed)
            r->format = sniffed;
    }
    return 0;
}

/* A ColorSpace's Type, BitsPerComponent and Palette, for resolving colours (clause 8.3.1). */
static int add_space(loader *L, sc_ofd__doc *d, const xmlNode *el)
{
    const char *id = sc_ofd__xml_attr(el, "ID"), *type = sc_ofd__xml_attr(el, "Type");
    const char *bits = sc_ofd__xml_attr(el, "BitsPerComponent");
    sc_ofd__color_space *cs;
    int error;

    if ((error = sc_ofd__grow((void **)&d->spaces, &d->space_cap, d->space_count,
                              sizeof(*d->spaces), SC_OFD_MAX_RESOURCES)) < 0)
        return error == SC_ELIMIT ? 0 : error;
    cs = &d->spaces[d->space_count];
    memset(cs, 0, sizeof(*cs));
    cs->id = id ? strtoul(id, NULL, 10) : 0;
    cs->bits = bits ? (unsigned)strtoul(bits, NULL, 10) : 8;
    if (cs->bits < 1 || cs->bits > 16)
        cs->bits = 8;
    if (!(cs->type = sc_ofd__pstrdup(&L->ofd->pool, type && *type ? type : "RGB")))
        return SC_ENOMEM;
    const xmlNode *pal = sc_ofd__xml_child(el, "Palette");
    size_t n = 0;
    for (const xmlNode *cv = sc_ofd__xml_child(pal, "CV"); cv; cv = sc_ofd__xml_next(cv, "CV"))
        n++;
    if (n > SC_OFD_MAX_PALETTE) {
        if ((error = sc_ofd__warn(L->ofd,
                                  "model: ColorSpace %lu: Palette of %zu entries, more "
                                  "than %d; the rest ignored",
                                  cs->id, n, SC_OFD_MAX_PALETTE)) < 0)
            return error;
        n = SC_OFD_MAX_PALETTE;
    }
    if (n && (!(cs->palette = sc_ofd__palloc(&L->ofd->pool, n * sizeof(*cs->palette))) ||
              !(cs->palette_n = sc_ofd__palloc(&L->ofd->pool, n * sizeof(*cs->palette_n)))))
        return SC_ENOMEM;
    for (const xmlNode *cv = sc_ofd__xml_child(pal, "CV"); cv && cs->palette_count < n;
         cv = sc_ofd__xml_next(cv, "CV")) {
        if ((error = sc_ofd__xml_text(&L->text, cv)) < 0)
            return error;
        cs->palette_n[cs->palette_count] =
            sc_ofd__color_components(cs->palette[cs->palette_count], (const char *)L->text.ptr);
        cs->palette_count++;
    }
    d->space_count++;
    return 0;
}

/* A DrawParam's line width and colours (clause 8.2), which objects naming it inherit. */
static int add_param(loader *L, sc_ofd__doc *d, const xmlNode *el)
{
    const char *id = sc_ofd__xml_attr(el, "ID"), *rel = sc_ofd__xml_attr(el, "Relative");
    sc_ofd__draw_param *dp;
    int error;

    if ((error = sc_ofd__grow((void **)&d->params, &d->param_cap, d->param_count,
                              sizeof(*d->params), SC_OFD_MAX_RESOURCES)) < 0)
        return error == SC_ELIMIT ? 0 : error;
    dp = &d->params[d->param_count++];
    memset(dp, 0, sizeof(*dp));
    dp->id = id ? strtoul(id, NULL, 10) : 0;
    dp->relative = rel ? strtoul(rel, NULL, 10) : 0;
    dp->line_width = sc_ofd__coord(sc_ofd__xml_attr(el, "LineWidth"), -1);
    sc_ofd__color_read(&dp->fill, sc_ofd__xml_child(el, "FillColor"));
    sc_ofd__color_read(&dp->stroke, sc_ofd__xml_child(el, "StrokeColor"));
    return 0;
}

static int load_res(loader *L, sc_ofd__doc *d, const char *res_path)
{
    xmlDoc *doc = NULL;
    char base_file[SC_OFD_MAX_PATH + 2];
    int error;

    if ((error = load_xml(L, &doc, res_path, "resource file")) < 0 || !doc)
        return error;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const char *base = sc_ofd__xml_attr(root, "BaseLoc");
    const char *dir_file = res_path;
    /* Files inside the resource file are relative to its BaseLoc directory (clause 7.9). A
     * dummy file name makes that directory the base of resolve(). */
    if (base && *base) {
        char abs[SC_OFD_MAX_PATH];
        if (sc_ofd__resolve(abs, res_path, base) < 0) {
            if ((error = sc_ofd__warn(L->ofd, "model: BaseLoc \"%s\" of %s: %s", base, res_path,
                                      sc_error_last()->message)) < 0)
                goto done;
        } else {
            snprintf(base_file, sizeof(base_file), "%s/x", abs);
            if (!(dir_file = sc_ofd__pstrdup(&L->ofd->pool, base_file))) {
                error = SC_ENOMEM;
                goto done;
            }
        }
    }
    static const struct {
        const char *group, *item, *kind, *file;
    } kinds[] = {
        {"Fonts", "Font", "font", "FontFile"},
        {"MultiMedias", "MultiMedia", "image", "MediaFile"},
        {"ColorSpaces", "ColorSpace", "colorspace", "ICCProfile"},
        {"DrawParams", "DrawParam", "drawparam", NULL},
        {"CompositeGraphicUnits", "CompositeGraphicUnit", "composite", NULL},
    };
    for (const xmlNode *g = root->children; g; g = g->next) {
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            if (!sc_ofd__xml_is(g, kinds[k].group))
                continue;
            for (const xmlNode *it = sc_ofd__xml_child(g, kinds[k].item); it;
                 it = sc_ofd__xml_next(it, kinds[k].item)) {
                const char *kind = kinds[k].kind;
                if (strcmp(kind, "image") == 0) {
                    const char *t = sc_ofd__xml_attr(it, "Type");
                    if (t && strcasecmp(t, "Image") != 0)
                        kind = "multimedia";
                }
                if ((error = add_resource(L, d, it, kind, res_path, dir_file, kinds[k].file)) < 0)
                    goto done;
                if (strcmp(kind, "colorspace") == 0 && (error = add_space(L, d, it)) < 0)
                    goto done;
                if (strcmp(kind, "drawparam") == 0 && (error = add_param(L, d, it)) < 0)
                    goto done;
            }
        }
    }
done:
    xmlFreeDoc(doc);
    return error;
}

/* ==== attachments and custom tags ============================================================ */

static int add_item(loader *L, sc_ofd_item **arr, size_t *count, size_t *cap, const char *name,
                    const char *base, const char *loc, const char *format)
{
    sc_ofd_item *it;
    int error;
    if ((error = sc_ofd__grow((void **)arr, cap, *count, sizeof(**arr), SC_OFD_MAX_RESOURCES)) < 0)
        return error == SC_ELIMIT ? 0 : error;
    it = &(*arr)[*count];
    memset(it, 0, sizeof(*it));
    it->name = sc_ofd__pstrdup(&L->ofd->pool, name);
    it->format = sc_ofd__pstrdup(&L->ofd->pool, format);
    if (!it->name || !it->format)
        return SC_ENOMEM;
    if (!(it->path = resolve(L, base, loc, "FileLoc", &error))) {
        if (error < 0)
            return error;
        it->path = "";
    } else {
        const sc_ofd__entry *e = sc_ofd__find(L->ofd, it->path, NULL);
        it->size = e ? e->len : 0;
    }
    (*count)++;
    return 0;
}

static int load_attachments(loader *L, sc_ofd__doc *d, const char *path)
{
    xmlDoc *doc = NULL;
    int error;
    if ((error = load_xml(L, &doc, path, "attachments file")) < 0 || !doc)
        return error;
    const xmlNode *root = xmlDocGetRootElement(doc);
    for (const xmlNode *a = sc_ofd__xml_child(root, "Attachment"); a;
         a = sc_ofd__xml_next(a, "Attachment")) {
        const char *name = sc_ofd__xml_attr(a, "Name"), *fmt = sc_ofd__xml_attr(a, "Format");
        const char *loc = child_text(L, a, "FileLoc");
        if (!loc) {
            error = SC_ENOMEM;
            break;
        }
        if ((error = add_item(L, &d->attachments, &d->attachment_count, &d->attach_cap,
                              name ? name : "", path, loc, fmt ? fmt : "")) < 0)
            break;
    }
    xmlFreeDoc(doc);
    return error;
}

static int load_tags(loader *L, sc_ofd__doc *d, const char *path)
{
    xmlDoc *doc = NULL;
    int error;
    if ((error = load_xml(L, &doc, path, "custom tags file")) < 0 || !doc)
        return error;
    const xmlNode *root = xmlDocGetRootElement(doc);
    for (const xmlNode *t = sc_ofd__xml_child(root, "CustomTag"); t;
         t = sc_ofd__xml_next(t, "CustomTag")) {
        const char *type = sc_ofd__xml_attr(t, "TypeID");
        const char *loc = child_text(L, t, "FileLoc");
        if (!loc) {
            error = SC_ENOMEM;
            break;
        }
        if ((error = add_item(L, &d->tags, &d->tag_count, &d->tag_cap, type ? type : "", path, loc,
                              "")) < 0)
            break;
    }
    xmlFreeDoc(doc);
    return error;
}

/* Annotations.xml (clause 15.1): Page PageID -> FileLoc, relative to Annotations.xml. The files
 * are parsed when a page's objects are read; here only indexed, a missing one warned about. */
static int load_annotations(loader *L, sc_ofd__doc *d, const char *path)
{
    xmlDoc *doc = NULL;
    int error;
    if ((error = load_xml(L, &doc, path, "annotations file")) < 0 || !doc)
        return error;
    const xmlNode *root = xmlDocGetRootElement(doc);
    for (const xmlNode *pg = sc_ofd__xml_child(root, "Page"); pg;
         pg = sc_ofd__xml_next(pg, "Page")) {
        const char *id = sc_ofd__xml_attr(pg, "PageID"), *loc = child_text(L, pg, "FileLoc");
        const char *file;
        unsigned long pid = id ? strtoul(id, NULL, 10) : 0;
        size_t i = 0;
        if (!loc) {
            error = SC_ENOMEM;
            break;
        }
        while (i < d->page_count && d->pages[i].id != pid)
            i++;
        if (i == d->page_count) {
            if ((error = sc_ofd__warn(L->ofd, "model: %s: Page PageID %lu is not a page", path,
                                      pid)) < 0)
                break;
            continue;
        }
        if (!(file = resolve(L, path, loc, "Annotations FileLoc", &error))) {
            if (error < 0)
                break;
            continue;
        }
        if (!sc_ofd__find(L->ofd, file, NULL)) {
            if ((error = sc_ofd__warn(L->ofd, "model: PageAnnot file %s is not in the package",
                                      file)) < 0)
                break;
            continue;
        }
        if ((error = sc_ofd__grow((void **)&d->annots, &d->annot_cap, d->annot_count,
                                  sizeof(*d->annots), SC_OFD_MAX_PAGES)) < 0) {
            if (error == SC_ELIMIT)
                error = 0;
            break;
        }
        d->annots[d->annot_count++] = (sc_ofd__annot_file){i, file};
    }
    xmlFreeDoc(doc);
    return error;
}

static int space_cmp(const void *a, const void *b)
{
    unsigned long x = ((const sc_ofd__color_space *)a)->id,
                  y = ((const sc_ofd__color_space *)b)->id;
    return x < y ? -1 : x > y;
}

static int template_cmp(const void *a, const void *b)
{
    const sc_ofd__template *x = a, *y = b;
    return x->id != y->id ? (x->id < y->id ? -1 : 1) : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

void sc_ofd__templates_sort(sc_ofd__template *t, size_t n)
{
    if (n)
        qsort(t, n, sizeof(*t), template_cmp);
}

static int param_cmp(const void *a, const void *b)
{
    unsigned long x = ((const sc_ofd__draw_param *)a)->id, y = ((const sc_ofd__draw_param *)b)->id;
    return x < y ? -1 : x > y;
}

/* A TemplatePage: its ID, file (relative to Document.xml) and ZOrder; read with the objects. */
static int add_template(loader *L, sc_ofd__doc *d, const xmlNode *el, const char *doc_path)
{
    const char *id = sc_ofd__xml_attr(el, "ID"), *z = sc_ofd__xml_attr(el, "ZOrder");
    const char *file;
    int error;

    if (!(file = resolve(L, doc_path, sc_ofd__xml_attr(el, "BaseLoc"), "TemplatePage BaseLoc",
                         &error)))
        return error;
    if ((error = sc_ofd__grow((void **)&d->templates, &d->template_cap, d->template_count,
                              sizeof(*d->templates), SC_OFD_MAX_PAGES)) < 0)
        return error == SC_ELIMIT ? sc_ofd__warn(L->ofd,
                                                 "model: more than %d TemplatePages; the "
                                                 "rest ignored",
                                                 SC_OFD_MAX_PAGES)
                                  : error;
    if (!sc_ofd__find(L->ofd, file, NULL) &&
        (error = sc_ofd__warn(L->ofd, "model: TemplatePage file %s is not in the package", file)) <
            0)
        return error;
    sc_ofd__template *t = &d->templates[d->template_count];
    t->id = id ? strtoul(id, NULL, 10) : 0;
    t->path = file;
    t->text = NULL;
    t->seq = d->template_count;
    if (!(t->zorder = sc_ofd__pstrdup(&L->ofd->pool, z && *z ? z : "Background")))
        return SC_ENOMEM;
    d->template_count++;
    return 0;
}

/* ==== documents ============================================================================== */

static int load_document(loader *L, sc_ofd__doc *d)
{
    xmlDoc *doc = NULL;
    const char *path = d->info.doc_root;
    int error;

    if (!*path)
        return sc_ofd__warn(L->ofd, "model: DocBody without DocRoot");
    if ((error = load_xml(L, &doc, path, "document")) < 0 || !doc)
        return error;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *common = sc_ofd__xml_child(root, "CommonData");
    const xmlNode *area = sc_ofd__xml_child(common, "PageArea");
    const xmlNode *box = sc_ofd__xml_child(area, "PhysicalBox");
    if (box) {
        double v[4];
        if ((error = sc_ofd__xml_text(&L->text, box)) < 0)
            goto done;
        if (sc_ofd__numbers(v, 4, (const char *)L->text.ptr) == 4)
            memcpy(d->box, v, sizeof(v));
    }
    const xmlNode *dcs = sc_ofd__xml_child(common, "DefaultCS");
    if (dcs) {
        if ((error = sc_ofd__xml_text(&L->text, dcs)) < 0)
            goto done;
        d->default_cs = strtoul((const char *)L->text.ptr, NULL, 10);
    }
    for (const xmlNode *t = sc_ofd__xml_child(common, "TemplatePage"); t;
         t = sc_ofd__xml_next(t, "TemplatePage"))
        if ((error = add_template(L, d, t, path)) < 0)
            goto done;
    sc_ofd__templates_sort(d->templates, d->template_count); /* pages look them up by ID */
    /* Resources first: pages refer to them but are independent of them here. */
    for (const char *const *kind = (const char *const[]){"PublicRes", "DocumentRes", NULL}; *kind;
         kind++) {
        for (const xmlNode *r = sc_ofd__xml_child(common, *kind); r;
             r = sc_ofd__xml_next(r, *kind)) {
            const char *res;
            if ((error = sc_ofd__xml_text(&L->text, r)) < 0)
                goto done;
            if (!(res = resolve(L, path, (const char *)L->text.ptr, *kind, &error))) {
                if (error < 0)
                    goto done;
                continue;
            }
            if ((error = load_res(L, d, res)) < 0)
                goto done;
        }
    }
    const xmlNode *pages = sc_ofd__xml_child(root, "Pages");
    for (const xmlNode *p = sc_ofd__xml_child(pages, "Page"); p; p = sc_ofd__xml_next(p, "Page"))
        if ((error = load_page(L, d, p, path)) < 0)
            goto done;
    const struct {
        const char *el;
        int (*load)(loader *, sc_ofd__doc *, const char *);
    } parts[] = {{"Attachments", load_attachments},
                 {"CustomTags", load_tags},
                 {"Annotations", load_annotations}};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const xmlNode *el = sc_ofd__xml_child(root, parts[i].el);
        const char *file;
        if (!el)
            continue;
        if ((error = sc_ofd__xml_text(&L->text, el)) < 0)
            goto done;
        if (!(file = resolve(L, path, (const char *)L->text.ptr, parts[i].el, &error))) {
            if (error < 0)
                goto done;
            continue;
        }
        if ((error = parts[i].load(L, d, file)) < 0)
            goto done;
    }
    /* Objects look colour spaces and draw parameters up by ID (stable: the first of a duplicated
     * ID is not guaranteed to win, which the standard does not allow anyway). */
    if (d->space_count)
        qsort(d->spaces, d->space_count, sizeof(*d->spaces), space_cmp);
    if (d->param_count)
        qsort(d->params, d->param_count, sizeof(*d->params), param_cmp);
done:
    xmlFreeDoc(doc);
    return error;
}

static int load_doc_body(loader *L, const xmlNode *body)
{
    sc_ofd__doc *d;
    const xmlNode *info;
    int error;

    if ((error = sc_ofd__grow((void **)&L->ofd->docs, &L->ofd->doc_cap, L->ofd->doc_count,
                              sizeof(*L->ofd->docs), SC_OFD_MAX_DOCS)) < 0)
        return error == SC_ELIMIT ? sc_ofd__warn(L->ofd,
                                                 "model: more than %d documents; the "
                                                 "rest ignored",
                                                 SC_OFD_MAX_DOCS)
                                  : error;
    d = &L->ofd->docs[L->ofd->doc_count++];
    memset(d, 0, sizeof(*d));
    /* A4, the default when neither the page nor the document gives a PhysicalBox. */
    d->box[2] = 210;
    d->box[3] = 297;
    info = sc_ofd__xml_child(body, "DocInfo");
    if (!(d->info.doc_id = child_text(L, info, "DocID")) ||
        !(d->info.title = child_text(L, info, "Title")) ||
        !(d->info.creator = child_text(L, info, "Creator")) ||
        !(d->info.creator_version = child_text(L, info, "CreatorVersion")) ||
        !(d->info.creation_date = child_text(L, info, "CreationDate")))
        return SC_ENOMEM;
    d->info.doc_root = "";
    const xmlNode *root_el = sc_ofd__xml_child(body, "DocRoot");
    if (root_el) {
        const char *p;
        if ((error = sc_ofd__xml_text(&L->text, root_el)) < 0)
            return error;
        if ((p = resolve(L, "/OFD.xml", (const char *)L->text.ptr, "DocRoot", &error)))
            d->info.doc_root = p;
        else if (error < 0)
            return error;
    }
    const xmlNode *sigs = sc_ofd__xml_child(body, "Signatures");
    if (sigs) {
        /* Only the element's own text: Foxit nests a stray Signature element inside it. */
        if ((error = sc_ofd__xml_text(&L->text, sigs)) < 0)
            return error;
        d->signatures = resolve(L, "/OFD.xml", (const char *)L->text.ptr, "Signatures", &error);
        if (error < 0)
            return error;
        if (sc_ofd__xml_child(sigs, "Signature") &&
            (error = sc_ofd__warn(L->ofd, "package: OFD.xml DocBody/Signatures holds Signature "
                                          "elements (Foxit); ignored")) < 0)
            return error;
    }
    return load_document(L, d);
}

int sc_ofd__model_load(sc_ofd *ofd)
{
    loader L = {ofd, SC_BUF_INIT, SC_BUF_INIT, false, 0};
    const sc_ofd__entry *e;
    xmlDoc *doc = NULL;
    bool folded;
    const char *uri;
    int error = 0;

    if (!(e = sc_ofd__find(ofd, "/OFD.xml", &folded))) {
        error = sc_error_set(SC_EFORMAT, "no OFD.xml: not an OFD package");
        goto done;
    }
    if (folded &&
        (error = sc_ofd__warn(ofd, "package: /OFD.xml found as %s (case differs)", e->name)) < 0)
        goto done;
    if ((error = sc_ofd__xml_parse(&doc, e->data, e->len, e->name)) < 0)
        goto done;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "OFD") != 0) {
        error = sc_error_set(SC_EFORMAT, "OFD.xml: root element is <%s>, not <OFD>",
                             (const char *)root->name);
        goto done;
    }
    if (sc_ofd__xml_ns_quirk(doc, &uri)) {
        L.ns_warned = true;
        if ((error = sc_ofd__warn(ofd, "package: /OFD.xml uses the namespace \"%s\", not \"%s\"",
                                  uri, SC_OFD_NS)) < 0)
            goto done;
    }
    for (const xmlNode *b = sc_ofd__xml_child(root, "DocBody"); b;
         b = sc_ofd__xml_next(b, "DocBody"))
        if ((error = load_doc_body(&L, b)) < 0)
            goto done;
    if (ofd->doc_count == 0 && (error = sc_ofd__warn(ofd, "model: OFD.xml has no DocBody")) < 0)
        goto done;
done:
    if (doc)
        xmlFreeDoc(doc);
    sc_buf_dispose(&L.text);
    sc_buf_dispose(&L.page);
    return error;
}

void sc_ofd__model_free(sc_ofd *ofd)
{
    for (size_t i = 0; i < ofd->doc_count; i++) {
        sc_free(ofd->docs[i].pages);
        sc_free(ofd->docs[i].res);
        sc_free(ofd->docs[i].attachments);
        sc_free(ofd->docs[i].tags);
        sc_free(ofd->docs[i].spaces);
        sc_free(ofd->docs[i].params);
        sc_free(ofd->docs[i].annots);
        sc_free(ofd->docs[i].templates);
    }
    sc_free(ofd->docs);
}

/* ==== accessors ============================================================================== */

const sc_ofd_doc_info *sc_ofd_doc_info_of(const sc_ofd *ofd, size_t doc)
{
    return ofd && doc < ofd->doc_count ? &ofd->docs[doc].info : NULL;
}

size_t sc_ofd_doc_count(const sc_ofd *ofd)
{
    return ofd ? ofd->doc_count : 0;
}

size_t sc_ofd_page_count(const sc_ofd *ofd, size_t doc)
{
    return ofd && doc < ofd->doc_count ? ofd->docs[doc].page_count : 0;
}

const sc_ofd_page *sc_ofd_page_of(const sc_ofd *ofd, size_t doc, size_t i)
{
    return ofd && doc < ofd->doc_count && i < ofd->docs[doc].page_count ? &ofd->docs[doc].pages[i]
                                                                        : NULL;
}

size_t sc_ofd_resource_count(const sc_ofd *ofd, size_t doc)
{
    return ofd && doc < ofd->doc_count ? ofd->docs[doc].res_count : 0;
}

const sc_ofd_resource *sc_ofd_resource_of(const sc_ofd *ofd, size_t doc, size_t i)
{
    return ofd && doc < ofd->doc_count && i < ofd->docs[doc].res_count ? &ofd->docs[doc].res[i]
                                                                       : NULL;
}

size_t sc_ofd_attachment_count(const sc_ofd *ofd, size_t doc)
{
    return ofd && doc < ofd->doc_count ? ofd->docs[doc].attachment_count : 0;
}

const sc_ofd_item *sc_ofd_attachment_of(const sc_ofd *ofd, size_t doc, size_t i)
{
    return ofd && doc < ofd->doc_count && i < ofd->docs[doc].attachment_count
               ? &ofd->docs[doc].attachments[i]
               : NULL;
}

size_t sc_ofd_custom_tag_count(const sc_ofd *ofd, size_t doc)
{
    return ofd && doc < ofd->doc_count ? ofd->docs[doc].tag_count : 0;
}

const sc_ofd_item *sc_ofd_custom_tag_of(const sc_ofd *ofd, size_t doc, size_t i)
{
    return ofd && doc < ofd->doc_count && i < ofd->docs[doc].tag_count ? &ofd->docs[doc].tags[i]
                                                                       : NULL;
}
