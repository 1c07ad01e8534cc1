/* Text positions of OFD pages (GB/T 33190-2016 clause 11: TextObject, TextCode, DeltaX and its
 * "g" abbreviation in 11.3; the Boundary and CTM of graphic units) and the keyword search the
 * signer places seals with. include/sealcert/ofd.h, "text positions", states the geometry. */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"

#include <math.h> /* isfinite, INFINITY: macros, no libm */
#include <stdlib.h>
#include <string.h>

/* The em box around the baseline, in em: the ideographic em box of CJK fonts (Noto Sans CJK,
 * Source Han: 880 units above the baseline and 120 below, of 1000). Without the font's metrics
 * this is the best guess of where a character's ink is, and for the CJK text seals are placed
 * on it is within a few hundredths of an em. */
#define EM_ABOVE 0.88
#define EM_BELOW 0.12

/* fmin/fmax without libm, which the library does not link (as ses_picture.c's sqrt). */
static double dmin(double a, double b)
{
    return a < b ? a : b;
}

static double dmax(double a, double b)
{
    return a > b ? a : b;
}

struct sc_ofd_page_text {
    sc_ofd_text_object *objects; /* owned array */
    size_t count, cap;           /* objects in use, allocated */
    sc_ofd__pool pool;           /* texts and character arrays */
};

/* One gap of DeltaX/DeltaY: to the next character's origin. */
typedef struct {
    double dx, dy; /* object space, mm */
    bool has_dx;   /* DeltaX gave dx (otherwise the spacing is unknown) */
} gap;

typedef struct {
    sc_ofd_page_text *t; /* being built */
    sc_buf code;         /* one TextCode's text */
    sc_buf text;         /* one TextObject's text */
    sc_ofd_char *chars;  /* one TextObject's characters; owned scratch */
    size_t nchars, chars_cap;
    size_t code_index; /* of the TextCode being placed, in its object */
    gap *gaps;         /* one TextCode's gaps; owned scratch */
    size_t gaps_cap;
    size_t text_bytes; /* of the page so far, against SC_OFD_MAX_PAGE_TEXT */
    bool is_full;      /* SC_OFD_MAX_PAGE_TEXT reached: the rest of the page is left out */
} walker;

/* Fill the first @p n gaps from a DeltaX (is_x) or DeltaY value: numbers, or "g N v" for N
 * equal gaps. Expansion stops at @p n, so "g 1000000000 1" costs no more than n numbers. */
static void parse_gaps(gap *g, size_t n, const char *attr, bool is_x)
{
    const char *p = attr;
    size_t i = 0;
    while (p && i < n) {
        char *end;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',')
            p++;
        if (!*p)
            break;
        double count = 1, v;
        if (*p == 'g') {
            count = strtod(p + 1, &end);
            if (end == p + 1 || !isfinite(count))
                break;
            p = end;
        }
        v = strtod(p, &end);
        if (end == p || !sc_ofd__is_coord(v))
            break;
        p = end;
        for (double k = 0; k < count && i < n; k++, i++) {
            if (is_x) {
                g[i].dx = v;
                g[i].has_dx = true;
            } else {
                g[i].dy = v;
            }
        }
    }
}

/* The bounding box on the page of the cell [x0, x1] x [y0, y1] in object space. */
static void cell_box(double out[4], const sc_ofd_text_object *o, double x0, double y0, double x1,
                     double y1)
{
    const double *m = o->ctm;
    double xs[4] = {x0, x1, x0, x1}, ys[4] = {y0, y0, y1, y1};
    double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
    for (int k = 0; k < 4; k++) {
        double px = o->boundary[0] + m[0] * xs[k] + m[2] * ys[k] + m[4];
        double py = o->boundary[1] + m[1] * xs[k] + m[3] * ys[k] + m[5];
        lo_x = dmin(lo_x, px);
        hi_x = dmax(hi_x, px);
        lo_y = dmin(lo_y, py);
        hi_y = dmax(hi_y, py);
    }
    out[0] = lo_x;
    out[1] = lo_y;
    out[2] = hi_x - lo_x;
    out[3] = hi_y - lo_y;
}

/* Place the characters of one TextCode, starting at (*x, *y); appends to W->chars. */
static int place_code(walker *W, const sc_ofd_text_object *o, const xmlNode *tc, double *x,
                      double *y)
{
    const unsigned char *p = W->code.ptr, *end = p + W->code.size;
    size_t n = 0, first = W->nchars;
    int error;

    /* Characters first (code points), then their gaps. */
    while (p < end) {
        uint32_t cp;
        if (!sc_utf8_next(&p, end, &cp)) {
            p++; /* libxml2 has checked the encoding; never loop on a bad byte anyway */
            continue;
        }
        if ((error = sc_ofd__grow((void **)&W->chars, &W->chars_cap, W->nchars, sizeof(*W->chars),
                                  SC_OFD_MAX_PAGE_TEXT)) < 0)
            return error;
        memset(&W->chars[W->nchars], 0, sizeof(*W->chars));
        W->chars[W->nchars].code = W->code_index;
        W->chars[W->nchars++].cp = cp;
        n++;
    }
    if (n == 0)
        return 0;
    if (n > W->gaps_cap) {
        size_t bytes;
        gap *g;
        if (sc_mul_overflow(&bytes, n, sizeof(*g)) || !(g = sc_realloc(W->gaps, bytes)))
            return sc_error_oom();
        W->gaps = g;
        W->gaps_cap = n;
    }
    memset(W->gaps, 0, n * sizeof(*W->gaps));
    parse_gaps(W->gaps, n - 1, sc_ofd__xml_attr(tc, "DeltaX"), true);
    parse_gaps(W->gaps, n - 1, sc_ofd__xml_attr(tc, "DeltaY"), false);
    for (size_t i = 0; i < n; i++) {
        sc_ofd_char *c = &W->chars[first + i];
        /* No DeltaX for this gap (none written, too few values, or the last character, which has
         * no next one): the spacing is unknown; the font size is the advance of a full-width
         * character, right for CJK text and too wide for Latin. */
        bool is_known = i + 1 < n && W->gaps[i].has_dx;
        double advance = is_known ? W->gaps[i].dx : o->size;
        c->is_advance_estimated = !is_known;
        c->x = o->boundary[0] + o->ctm[0] * *x + o->ctm[2] * *y + o->ctm[4];
        c->y = o->boundary[1] + o->ctm[1] * *x + o->ctm[3] * *y + o->ctm[5];
        cell_box(c->box, o, *x, *y - EM_ABOVE * o->size, *x + advance, *y + EM_BELOW * o->size);
        *x += advance;
        if (i + 1 < n)
            *y += W->gaps[i].dy;
    }
    return 0;
}

static int add_object(walker *W, const xmlNode *el)
{
    sc_ofd_page_text *t = W->t;
    sc_ofd_text_object o;
    double x = 0, y = 0;
    int error;

    memset(&o, 0, sizeof(o));
    const char *id = sc_ofd__xml_attr(el, "ID");
    o.id = id ? strtoul(id, NULL, 10) : 0;
    sc_ofd__unit_geometry(o.boundary, o.ctm, el);
    o.size = sc_ofd__coord(sc_ofd__xml_attr(el, "Size"), 0);
    if (o.size < 0)
        o.size = 0;
    W->nchars = 0;
    sc_buf_clear(&W->text);
    W->code_index = 0;
    for (const xmlNode *tc = sc_ofd__xml_child(el, "TextCode"); tc;
         tc = sc_ofd__xml_next(tc, "TextCode"), W->code_index++) {
        if ((error = sc_ofd__xml_raw_text(&W->code, tc)) < 0)
            return error;
        if (W->text_bytes + W->code.size > SC_OFD_MAX_PAGE_TEXT) {
            W->is_full = true;
            break;
        }
        W->text_bytes += W->code.size;
        /* X and Y: where the TextCode starts; absent, the previous TextCode's value (so the
         * first TextCode without them starts at the object's origin). */
        x = sc_ofd__coord(sc_ofd__xml_attr(tc, "X"), x);
        y = sc_ofd__coord(sc_ofd__xml_attr(tc, "Y"), y);
        double cx = x, cy = y;
        if ((error = place_code(W, &o, tc, &cx, &cy)) < 0 ||
            (error = sc_buf_put(&W->text, W->code.ptr, W->code.size)) < 0)
            return error;
    }
    if ((error = sc_ofd__grow((void **)&t->objects, &t->cap, t->count, sizeof(*t->objects),
                              SC_OFD_MAX_PAGE_TEXT)) < 0)
        return error;
    if (!(o.text = sc_ofd__pstrndup(&t->pool, W->text.ptr ? (const char *)W->text.ptr : "",
                                    W->text.size)))
        return SC_ENOMEM;
    if (W->nchars) {
        sc_ofd_char *chars = sc_ofd__palloc(&t->pool, W->nchars * sizeof(*chars));
        if (!chars)
            return SC_ENOMEM;
        memcpy(chars, W->chars, W->nchars * sizeof(*chars));
        o.chars = chars;
        o.char_count = W->nchars;
    }
    t->objects[t->count++] = o;
    return 0;
}

/* Every TextObject under @p node, in content order (layers and nested blocks). */
static int walk(walker *W, const xmlNode *node, int depth)
{
    int error;
    if (depth > SC_OFD_MAX_XML_DEPTH)
        return 0;
    for (const xmlNode *c = node; c && !W->is_full; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (sc_ofd__xml_is(c, "TextObject")) {
            if ((error = add_object(W, c)) < 0)
                return error;
            continue;
        }
        if (c->children && (error = walk(W, c->children, depth + 1)) < 0)
            return error;
    }
    return 0;
}

int sc_ofd__page_entry(const sc_ofd__entry **out, const sc_ofd *ofd, size_t doc, size_t page)
{
    *out = NULL;
    if (doc >= ofd->doc_count || page >= ofd->docs[doc].page_count)
        return sc_error_set(SC_EINVALID, "page: %zu is not a page of document %zu", page + 1, doc);
    const sc_ofd_page *pg = &ofd->docs[doc].pages[page];
    if (!*pg->path || !(*out = sc_ofd__find(ofd, pg->path, NULL)))
        return sc_error_set(SC_EFORMAT, "%s: the content of page %zu is not in the package",
                            *pg->path ? pg->path : "Page BaseLoc", page + 1);
    return 0;
}

/* The text objects of the templates page @p root shows with ZOrder @p zorder (the reference's,
 * else the TemplatePage's), as the model reads them: at most SC_OFD_MAX_PAGE_TEMPLATES
 * references, and a template whose file is missing or malformed is skipped (the model warned). */
static int walk_file(walker *W, const sc_ofd__text_src *src, const sc_ofd *ofd,
                     const sc_ofd__doc *d);

static int walk_templates(walker *W, const sc_ofd *ofd, const sc_ofd__doc *d, const xmlNode *root,
                          const char *zorder)
{
    size_t shown[SC_OFD_MAX_PAGE_TEMPLATES];
    bool too_many;
    size_t count = sc_ofd__page_templates(shown, d, root, zorder, &too_many);
    int error = 0;
    for (size_t i = 0; i < count && error == 0; i++) {
        const sc_ofd__entry *e = sc_ofd__find(ofd, d->templates[shown[i]].path, NULL);
        if (e) {
            sc_ofd__text_src src = {e->data, e->len, e->name, true};
            error = walk_file(W, &src, NULL, NULL);
        }
    }
    return error;
}

/* Walk the Content of one Content.xml; with @p d (and @p ofd), the templates it shows too, under
 * it (Background) and over it (Foreground). */
static int walk_file(walker *W, const sc_ofd__text_src *src, const sc_ofd *ofd,
                     const sc_ofd__doc *d)
{
    xmlDoc *x = NULL;
    int error;
    if ((error = sc_ofd__xml_parse(&x, src->data, src->len, src->name)) < 0) {
        if (!src->is_optional || error == SC_ENOMEM)
            return error;
        sc_error_clear(); /* a malformed template: no text, as in the model */
        return 0;
    }
    const xmlNode *root = xmlDocGetRootElement(x);
    const xmlNode *content = sc_ofd__xml_child(root, "Content");
    if ((d && (error = walk_templates(W, ofd, d, root, "Background")) < 0) ||
        (content && content->children && (error = walk(W, content->children, 1)) < 0) ||
        (d && (error = walk_templates(W, ofd, d, root, "Foreground")) < 0)) {
        xmlFreeDoc(x);
        return error;
    }
    xmlFreeDoc(x);
    return 0;
}

/* The text of @p n files as one page's, into @p out. */
static int text_of(sc_ofd_page_text **out, const sc_ofd__text_src *src, size_t n, const sc_ofd *ofd,
                   const sc_ofd__doc *d)
{
    sc_ofd_page_text *t = NULL;
    walker W;
    int error = 0;

    *out = NULL;
    memset(&W, 0, sizeof(W));
    if (!(t = sc_calloc(1, sizeof(*t))))
        return sc_error_oom();
    W.t = t;
    for (size_t i = 0; i < n && error == 0; i++)
        error = walk_file(&W, &src[i], ofd, d);
    if (error == 0) {
        *out = t;
        t = NULL;
    }
    sc_buf_dispose(&W.code);
    sc_buf_dispose(&W.text);
    sc_free(W.chars);
    sc_free(W.gaps);
    sc_ofd_page_text_free(t);
    return error;
}

int sc_ofd__page_text_parse(sc_ofd_page_text **out, const unsigned char *data, size_t len,
                            const char *name)
{
    sc_ofd__text_src src = {data, len, name, false};
    return text_of(out, &src, 1, NULL, NULL);
}

int sc_ofd__page_text_parse_all(sc_ofd_page_text **out, const sc_ofd__text_src *src, size_t n)
{
    return text_of(out, src, n, NULL, NULL);
}

int sc_ofd_page_text_load(sc_ofd_page_text **out, const sc_ofd *ofd, size_t doc, size_t page)
{
    const sc_ofd__entry *e;
    int error;

    SC_ASSERT_ARG(out && ofd);
    *out = NULL;
    if ((error = sc_ofd__page_entry(&e, ofd, doc, page)) < 0)
        return error;
    sc_ofd__text_src src = {e->data, e->len, e->name, false};
    return text_of(out, &src, 1, ofd, &ofd->docs[doc]);
}

size_t sc_ofd_page_text_count(const sc_ofd_page_text *text)
{
    return text ? text->count : 0;
}

const sc_ofd_text_object *sc_ofd_page_text_object(const sc_ofd_page_text *text, size_t i)
{
    return text && i < text->count ? &text->objects[i] : NULL;
}

void sc_ofd_page_text_free(sc_ofd_page_text *text)
{
    if (!text)
        return;
    sc_free(text->objects);
    sc_ofd__pool_free(&text->pool);
    sc_free(text);
}

/* ==== keyword search ========================================================================= */

/*
 * Does character @p b continue @p a: in the same TextCode, or else on @p a's baseline (within a
 * quarter of the em), starting where @p a ends, give or take half an em of overlap or one em of
 * gap? Then a word may run from one into the other: across the TextCodes of one TextObject (a
 * writer may put a table's cells into one object: those do not continue one another) and across
 * TextObjects (producers switch objects mid-word with the font).
 */
static bool continues(const sc_ofd_char *a, const sc_ofd_char *b, bool is_same_code)
{
    if (is_same_code)
        return true; /* one TextCode is one run of text, vertical ones too */
    double em = dmax(a->box[3], b->box[3]);
    double space = b->box[0] - (a->box[0] + a->box[2]);
    double dy = b->y > a->y ? b->y - a->y : a->y - b->y;
    return em > 0 && dy <= em / 4 && space >= -em / 2 && space <= em;
}

int sc_ofd__text_find(sc_ofd__box **out, size_t *count, const sc_ofd_page_text *text,
                      const char *keyword)
{
    uint32_t key[256];
    size_t klen = 0, n = 0, cap = 0;
    sc_ofd__box *boxes = NULL;
    const unsigned char *p = (const unsigned char *)keyword;
    int error;

    *out = NULL;
    *count = 0;
    while (*p) {
        if (klen == sizeof(key) / sizeof(key[0]))
            return sc_error_set(SC_EINVALID, "keyword: longer than %zu characters", klen);
        if (!sc_utf8_next(&p, NULL, &key[klen++]))
            return sc_error_set(SC_EINVALID, "keyword: not valid UTF-8");
    }
    if (klen == 0)
        return sc_error_set(SC_EINVALID, "keyword: empty");
    /* The page's characters in order, cut into runs of characters that continue one another;
     * occurrences do not overlap. */
    size_t total = 0;
    for (size_t i = 0; i < text->count; i++)
        total += text->objects[i].char_count;
    const sc_ofd_char **chars = NULL;
    size_t *object = NULL; /* the TextObject of each */
    if (total >= klen && (!(chars = sc_malloc(total * sizeof(*chars))) ||
                          !(object = sc_malloc(total * sizeof(*object))))) {
        sc_free(chars);
        return sc_error_oom();
    }
    for (size_t i = 0, at = 0; chars && i < text->count; i++)
        for (size_t c = 0; c < text->objects[i].char_count; c++, at++)
            chars[at] = &text->objects[i].chars[c], object[at] = i;
    for (size_t start = 0, end; chars && start < total; start = end) {
        for (end = start + 1;
             end < total &&
             continues(chars[end - 1], chars[end],
                       object[end - 1] == object[end] && chars[end - 1]->code == chars[end]->code);
             end++)
            ;
        const sc_ofd_char **run = chars + start;
        for (size_t s = 0; s + klen <= end - start;) {
            size_t k = 0;
            while (k < klen && run[s + k]->cp == key[k])
                k++;
            if (k < klen) {
                s++;
                continue;
            }
            if ((error = sc_ofd__grow((void **)&boxes, &cap, n, sizeof(*boxes),
                                      SC_OFD_MAX_KEYWORD_STAMPS)) < 0) {
                sc_free(boxes);
                sc_free(chars);
                sc_free(object);
                if (error == SC_ELIMIT)
                    return sc_error_set(SC_ELIMIT,
                                        "keyword: \"%s\" occurs more than %d times on a page",
                                        keyword, SC_OFD_MAX_KEYWORD_STAMPS);
                return error;
            }
            double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
            for (k = 0; k < klen; k++) {
                const double *b = run[s + k]->box;
                lo_x = dmin(lo_x, b[0]);
                lo_y = dmin(lo_y, b[1]);
                hi_x = dmax(hi_x, b[0] + b[2]);
                hi_y = dmax(hi_y, b[1] + b[3]);
            }
            boxes[n++] = (sc_ofd__box){{lo_x, lo_y, hi_x - lo_x, hi_y - lo_y}};
            s += klen;
        }
    }
    sc_free(chars);
    sc_free(object);
    *out = boxes;
    *count = n;
    return 0;
}
