/* lib/ofd: the OFD document builder and its XML (GB/T 33190-2016 clauses 7 (package and
 * document), 8-11 (pages, graphics, text, images), 15-16 (attachments, custom tags)).
 *
 * Drawing calls append each object's XML to its layer's buffer at once, so a page costs one
 * buffer per layer and no object tree; text waits in a few open TextObjects per page (open_text)
 * until other drawing meets it, and fonts wait for finish(), because a font's subset must hold
 * every character the document used. IDs are handed out in call order, so the same calls give
 * the same IDs; MaxUnitID is the last one.
 *
 * Elements are written in the order of the standard's schema (Annex A), which strict readers
 * enforce. Numbers are written from integers in micrometres (at most 3 decimals, no exponent,
 * never a locale's decimal comma). Everything is UTF-8 with &, <, >, " escaped; control
 * characters are refused instead of escaped, since XML 1.0 cannot carry them.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "ofd/ofdw_int.h"

#define OFD_NS   "http://www.ofdspec.org/2016"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define MAX_MM   1e7 /* coordinates and sizes beyond 10 km are a caller's bug, not a page */

typedef struct {
    unsigned long id;       /* Layer ID */
    sc_ofd_layer_type type; /* Body, Background, Foreground */
    sc_buf xml;             /* the objects' XML (owned) */
} layer;

/* One TextCode of an open text object: its origin on the page (um) and the rest of it. */
typedef struct {
    int64_t x, y;       /* X and Y before the Boundary's corner is subtracted */
    size_t start, size; /* `" DeltaX="...">text</ofd:TextCode>` in open_text.tail */
} text_code;

/*
 * A text object still open on a page. Runs of one font resource, size and colour (a table's
 * cells, a box's lines, a cover's labels) become TextCodes of ONE TextObject, whose Boundary is
 * the box of them all, instead of an object each (clause 11.3 allows any number of TextCodes):
 * a third less page XML for a certificate, which every seal hashes and every zip deflates.
 *
 * A page keeps up to MAX_OPEN_TEXTS of them, written out in the order they were opened when
 * anything else is drawn on the page, a layer begins, or the document is finished. A run joins
 * the last open object of its style only when its box meets none of the objects opened after
 * that one: it is then drawn before them, which changes nothing where nothing overlaps; else it
 * opens a new object.
 */
typedef struct {
    unsigned long id, font_id; /* TextObject ID, Font resource ID */
    int64_t size;              /* um */
    sc_ofd_rgb color;
    int64_t x0, y0, x1, y1; /* the Boundary's box, um */
    text_code *codes;       /* owned */
    size_t ncodes, codes_cap;
    sc_buf tail; /* the TextCodes' text (owned) */
} open_text;

typedef struct {
    unsigned long id; /* Page ID */
    double width;     /* mm */
    double height;    /* mm */
    layer *layers;    /* owned; drawing goes to the last */
    size_t nlayers;   /* entries in layers */
    size_t layers_cap;
    open_text texts[8]; /* text not yet written to the last layer, in drawing order */
    size_t ntexts;      /* open entries of texts (the others keep their buffers) */
    unsigned long tpl_ids[SC_OFD_WRITER_MAX_PAGE_TEMPLATES]; /* TemplatePage IDs shown under it */
    size_t ntpl_ids;
    int64_t keep[SC_OFD_WRITER_MAX_KEEP_CLEAR][4]; /* boxes no merged Boundary meets: x0 y0 x1 y1,
                                                      um (sc_ofd_writer_keep_clear) */
    size_t nkeep;
} page;

#define MAX_OPEN_TEXTS (sizeof(((page *)0)->texts) / sizeof(((page *)0)->texts[0]))

typedef struct {
    const sc_ofd_font *font; /* borrowed */
    unsigned long id;        /* Font resource ID */
    uint64_t *bmp;           /* used BMP code points, 65536 bits (owned) */
    uint32_t *astral;        /* used code points above U+FFFF, sorted (owned) */
    size_t nastral;
    size_t astral_cap;
    sc_ofd__subset *subset; /* made at finish (a reference) */
    bool has_base;          /* sc_ofd_writer_embed_chars() gave a base set for this font */
    bool is_extra;          /* the second resource of a font: characters outside its base set */
    size_t extra;           /* index + 1 of this font's extra resource; 0: none yet */
} font_use;

typedef struct {
    unsigned long id;    /* MultiMedia ID */
    unsigned char *data; /* the file (owned) */
    size_t len;
    bool is_png; /* else JPEG */
} image;

typedef struct {
    unsigned long id;    /* Attachment ID; 0 for custom tags */
    char *name;          /* Attachment Name / CustomTag TypeID (owned) */
    char *file;          /* the attachment's file under Attachs/ (owned); NULL for tags */
    char *format;        /* Attachment Format or NULL (owned) */
    unsigned char *data; /* the file (owned) */
    size_t len;
} item;

typedef struct {
    const sc_seal *seal;      /* borrowed until finish; NULL for a digital signature */
    const sc_key *key;        /* borrowed until finish */
    const sc_cert *cert;      /* borrowed until finish */
    sc_ofd_sign_options opts; /* a copy; its keyword points at keyword */
    char *keyword;            /* opts.keyword copied (owned), or NULL */
} seal_use;

struct sc_ofd_writer {
    char *doc_id;  /* owned, NULL: derived */
    char *title;   /* owned or NULL */
    char *author;  /* owned or NULL */
    char *subject; /* owned or NULL */
    sc_time created;
    int level;                /* deflate level (libdeflate 1-9) */
    double page_w, page_h;    /* default page, mm */
    unsigned long next_id;    /* next unit ID */
    page *pages;              /* owned */
    size_t npages, pages_cap; /* */
    page *tpls;               /* template pages (owned), as pages without templates */
    size_t ntpls, tpls_cap;
    sc_ofd_writer_cache *cache; /* borrowed, or NULL */
    font_use *fonts;            /* owned */
    size_t nfonts, fonts_cap;   /* */
    image *images;              /* owned */
    size_t nimages, images_cap;
    item *atts; /* attachments (owned) */
    size_t natts, atts_cap;
    item *tags; /* custom tags (owned) */
    size_t ntags, tags_cap;
    seal_use *seals; /* applied at finish, in order (owned array) */
    size_t nseals, seals_cap;
    bool is_finished; /* finish() ran */
};

/* ---- small helpers ---------------------------------------------------------------------- */

/* Make room for one more element in a growable array. */
static int reserve(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4, bytes;
    if (sc_mul_overflow(&bytes, ncap, elem))
        return sc_error_set(SC_ELIMIT, "array of %zu elements", ncap);
    void *p = sc_realloc(*arr, bytes);
    if (!p)
        return sc_error_oom();
    *arr = p;
    *cap = ncap;
    return 0;
}

#define RESERVE(arr, n, cap) reserve((void **)&(arr), &(cap), (n), sizeof(*(arr)))

static bool is_len(double v)
{
    return isfinite(v) && v > -MAX_MM && v < MAX_MM;
}

static int64_t to_um(double mm)
{
    double v = mm * 1000.0;
    return v >= 0 ? (int64_t)(v + 0.5) : -(int64_t)(-v + 0.5);
}

/* A length in micrometres as mm with at most 3 decimals: "12.5", "-0.001", "0", written so that
 * it ends just before @p end; returns where it starts (at most 24 bytes before). */
static char *fmt_um(char *end, int64_t um)
{
    char *p = end;
    uint64_t u = um < 0 ? (uint64_t)(-um) : (uint64_t)um;
    unsigned frac = (unsigned)(u % 1000);
    u /= 1000;
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0)
            frac /= 10, digits--;
        for (int i = 0; i < digits; i++, frac /= 10)
            *--p = (char)('0' + frac % 10);
        *--p = '.';
    }
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (um < 0)
        *--p = '-';
    return p;
}

static int put_um(sc_buf *b, int64_t um)
{
    char tmp[32], *p = fmt_um(tmp + sizeof(tmp), um);
    return sc_buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static int put_mm(sc_buf *b, double mm)
{
    return put_um(b, to_um(mm));
}

static int put_ulong(sc_buf *b, unsigned long v)
{
    char tmp[24], *p = tmp + sizeof(tmp);
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    return sc_buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Escaped character data or attribute value (the input is already checked). */
static int put_esc(sc_buf *b, const char *s, size_t len)
{
    int error;
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            continue;
        }
        if ((error = sc_buf_put(b, s + from, i - from)) < 0 || (error = sc_buf_puts(b, rep)) < 0)
            return error;
        from = i + 1;
    }
    return sc_buf_put(b, s + from, len - from);
}

static int put_escs(sc_buf *b, const char *s)
{
    return put_esc(b, s, strlen(s));
}

static int put_rgb(sc_buf *b, sc_ofd_rgb c)
{
    int error;
    if ((error = put_ulong(b, c >> 16 & 0xFF)) < 0 || (error = sc_buf_puts(b, " ")) < 0 ||
        (error = put_ulong(b, c >> 8 & 0xFF)) < 0 || (error = sc_buf_puts(b, " ")) < 0)
        return error;
    return put_ulong(b, c & 0xFF);
}

/* Characters XML 1.0 cannot carry (section 2.2), plus C1 controls and non-characters. */
static bool is_bad_char(uint32_t c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F) ||
           c == 0xFFFE || c == 0xFFFF;
}

/* A caller's string for the XML: valid UTF-8, no control characters. */
static int check_string(const char *s, const char *what)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    while (p < end) {
        uint32_t c;
        size_t at = (size_t)(p - (const unsigned char *)s);
        if (!sc_utf8_next(&p, end, &c))
            return sc_error_set(SC_EFORMAT, "%s: invalid UTF-8 at byte %zu", what, at);
        if (is_bad_char(c) || c < 0x20)
            return sc_error_set(SC_EFORMAT, "%s: control character U+%04X at byte %zu", what,
                                (unsigned)c, at);
    }
    return 0;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

/* Tag types and attachment file names: they become file names in the package. */
static int check_name(const char *s, const char *what)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '.')
        return sc_error_set(SC_EINVALID, "%s \"%s\": 1-128 characters, not starting with '.'", what,
                            s);
    for (size_t i = 0; i < n; i++)
        if (!is_name_char(s[i]))
            return sc_error_set(SC_EINVALID, "%s \"%s\": only letters, digits, '.', '-', '_'", what,
                                s);
    return 0;
}

static char *dup_opt(const char *s, bool *is_oom)
{
    if (!s)
        return NULL;
    char *d = sc_strdup(s);
    if (!d)
        *is_oom = true;
    return d;
}

/* ---- writer ----------------------------------------------------------------------------- */

static void page_dispose(page *p)
{
    for (size_t i = 0; i < p->nlayers; i++)
        sc_buf_dispose_public(&p->layers[i].xml);
    sc_free(p->layers);
    for (size_t i = 0; i < MAX_OPEN_TEXTS; i++) {
        sc_free(p->texts[i].codes);
        sc_buf_dispose_public(&p->texts[i].tail);
    }
}

static void item_dispose(item *it)
{
    sc_free(it->name);
    sc_free(it->file);
    sc_free(it->format);
    sc_free(it->data);
}

void sc_ofd_writer_free(sc_ofd_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->npages; i++)
        page_dispose(&w->pages[i]);
    for (size_t i = 0; i < w->ntpls; i++)
        page_dispose(&w->tpls[i]);
    sc_free(w->tpls);
    for (size_t i = 0; i < w->nfonts; i++) {
        sc_ofd__subset_release(w->fonts[i].font, w->fonts[i].subset);
        sc_free(w->fonts[i].bmp);
        sc_free(w->fonts[i].astral);
    }
    for (size_t i = 0; i < w->nimages; i++)
        sc_free(w->images[i].data);
    for (size_t i = 0; i < w->natts; i++)
        item_dispose(&w->atts[i]);
    for (size_t i = 0; i < w->ntags; i++)
        item_dispose(&w->tags[i]);
    sc_free(w->pages);
    sc_free(w->fonts);
    sc_free(w->images);
    sc_free(w->atts);
    sc_free(w->tags);
    for (size_t i = 0; i < w->nseals; i++)
        sc_free(w->seals[i].keyword);
    sc_free(w->seals);
    sc_free(w->doc_id);
    sc_free(w->title);
    sc_free(w->author);
    sc_free(w->subject);
    sc_free(w);
}

int sc_ofd_writer_new(sc_ofd_writer **out, const sc_ofd_writer_options *opts)
{
    int error = 0;
    sc_ofd_writer_options def = SC_OFD_WRITER_OPTIONS_INIT, given = SC_OFD_WRITER_OPTIONS_INIT;
    sc_ofd_writer *w = NULL;
    bool is_oom = false;

    SC_ASSERT_ARG(out);
    *out = NULL;
    if (!opts)
        opts = &def;
    if (opts->version != 1 && opts->version != SC_OFD_WRITER_OPTIONS_VERSION)
        return sc_error_set(SC_EINVALID, "sc_ofd_writer_options: version %u, expected %u",
                            opts->version, SC_OFD_WRITER_OPTIONS_VERSION);
    /* A version-1 struct ends before the cache. */
    memcpy(&given, opts,
           opts->version >= 2 ? sizeof(given) : offsetof(sc_ofd_writer_options, cache));
    opts = &given;
    if (opts->compression_level < 0 || opts->compression_level > 9)
        return sc_error_set(SC_EINVALID, "compression_level %d: 1-9, or 0 for the default",
                            opts->compression_level);
    if (!is_len(opts->page_width) || !is_len(opts->page_height) || opts->page_width < 0 ||
        opts->page_height < 0)
        return sc_error_set(SC_EINVALID, "page size: not a positive length");
    const char *strs[] = {opts->doc_id, opts->title, opts->author, opts->subject};
    const char *names[] = {"DocID", "Title", "Author", "Subject"};
    for (size_t i = 0; i < 4; i++)
        if (strs[i] && (error = check_string(strs[i], names[i])) < 0)
            return error;

    if (!(w = sc_calloc(1, sizeof(*w))))
        return sc_error_oom();
    w->doc_id = dup_opt(opts->doc_id, &is_oom);
    w->title = dup_opt(opts->title, &is_oom);
    w->author = dup_opt(opts->author, &is_oom);
    w->subject = dup_opt(opts->subject, &is_oom);
    if (is_oom) {
        error = sc_error_oom();
        goto done;
    }
    w->created = opts->creation_time == SC_TIME_NOW ? sc_time_now() : opts->creation_time;
    w->level = opts->compression_level ? opts->compression_level : 1;
    w->page_w = opts->page_width > 0 ? opts->page_width : 210;
    w->page_h = opts->page_height > 0 ? opts->page_height : 297;
    w->next_id = 1;
    w->cache = opts->cache;
    *out = w;
    w = NULL;
done:
    sc_ofd_writer_free(w);
    return error;
}

static int check_open(const sc_ofd_writer *w)
{
    if (w->is_finished)
        return sc_error_set(SC_EINVALID, "the OFD writer is finished");
    return 0;
}

static int get_page(page **out, sc_ofd_writer *w, size_t index)
{
    int error = check_open(w);
    if (error < 0)
        return error;
    if (index & SC_OFD_WRITER_TEMPLATE) {
        size_t t = index & ~SC_OFD_WRITER_TEMPLATE;
        if (t >= w->ntpls)
            return sc_error_set(SC_EINVALID, "template %zu: the document has %zu templates", t,
                                w->ntpls);
        *out = &w->tpls[t];
        return 0;
    }
    if (index >= w->npages)
        return sc_error_set(SC_EINVALID, "page %zu: the document has %zu pages", index, w->npages);
    *out = &w->pages[index];
    return 0;
}

static int flush_text(page *p);

static int page_new_layer(page *p, sc_ofd_writer *w, sc_ofd_layer_type type)
{
    int error;
    if ((error = RESERVE(p->layers, p->nlayers, p->layers_cap)) < 0)
        return error;
    layer *l = &p->layers[p->nlayers++];
    memset(l, 0, sizeof(*l));
    l->id = w->next_id++;
    l->type = type;
    return 0;
}

/* Start page @p p (of w->pages or w->tpls, reserved): its ID, then one body layer. */
static int page_init(page *p, sc_ofd_writer *w, double width, double height)
{
    memset(p, 0, sizeof(*p));
    p->width = width;
    p->height = height;
    unsigned long saved = w->next_id;
    p->id = w->next_id++;
    int error = page_new_layer(p, w, SC_OFD_LAYER_BODY);
    if (error < 0) {
        page_dispose(p);
        w->next_id = saved;
    }
    return error;
}

int sc_ofd_writer_add_page(size_t *page_out, sc_ofd_writer *w, double width_mm, double height_mm)
{
    int error;
    SC_ASSERT_ARG(w);
    if ((error = check_open(w)) < 0)
        return error;
    if (!is_len(width_mm) || !is_len(height_mm) || width_mm < 0 || height_mm < 0)
        return sc_error_set(SC_EINVALID, "page size: not a positive length");
    if ((error = RESERVE(w->pages, w->npages, w->pages_cap)) < 0 ||
        (error = page_init(&w->pages[w->npages], w, width_mm > 0 ? width_mm : w->page_w,
                           height_mm > 0 ? height_mm : w->page_h)) < 0)
        return error;
    if (page_out)
        *page_out = w->npages;
    w->npages++;
    return 0;
}

int sc_ofd_writer_add_template(size_t *tpl_out, sc_ofd_writer *w)
{
    int error;
    SC_ASSERT_ARG(tpl_out);
    SC_ASSERT_ARG(w);
    if ((error = check_open(w)) < 0 || (error = RESERVE(w->tpls, w->ntpls, w->tpls_cap)) < 0 ||
        (error = page_init(&w->tpls[w->ntpls], w, w->page_w, w->page_h)) < 0)
        return error;
    *tpl_out = SC_OFD_WRITER_TEMPLATE | w->ntpls++;
    return 0;
}

int sc_ofd_writer_use_template(sc_ofd_writer *w, size_t index, size_t tpl)
{
    int error;
    page *p = NULL, *t = NULL;
    SC_ASSERT_ARG(w);
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (index & SC_OFD_WRITER_TEMPLATE)
        return sc_error_set(SC_EINVALID, "a template page cannot use a template");
    if (!(tpl & SC_OFD_WRITER_TEMPLATE))
        return sc_error_set(SC_EINVALID, "%zu is a page, not a template", tpl);
    if ((error = get_page(&t, w, tpl)) < 0)
        return error;
    for (size_t i = 0; i < p->ntpl_ids; i++)
        if (p->tpl_ids[i] == t->id)
            return sc_error_set(SC_EINVALID, "page %zu: shows template %zu already", index,
                                tpl & ~SC_OFD_WRITER_TEMPLATE);
    if (p->ntpl_ids == SC_OFD_WRITER_MAX_PAGE_TEMPLATES)
        return sc_error_set(SC_EINVALID, "page %zu: more than %d templates", index,
                            SC_OFD_WRITER_MAX_PAGE_TEMPLATES);
    p->tpl_ids[p->ntpl_ids++] = t->id;
    return 0;
}

int sc_ofd_writer_keep_clear(sc_ofd_writer *w, size_t index, double x, double y, double width,
                             double height)
{
    page *p;
    int error;
    SC_ASSERT_ARG(w);
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (!is_len(x) || !is_len(y) || !is_len(width) || !is_len(height) || width <= 0 || height <= 0)
        return sc_error_set(SC_EINVALID, "keep-clear box: not finite, or not positive");
    if (p->nkeep == SC_OFD_WRITER_MAX_KEEP_CLEAR)
        return sc_error_set(SC_ELIMIT, "page %zu: more than %d keep-clear boxes", index,
                            SC_OFD_WRITER_MAX_KEEP_CLEAR);
    int64_t *k = p->keep[p->nkeep++];
    k[0] = to_um(x), k[1] = to_um(y), k[2] = to_um(x + width), k[3] = to_um(y + height);
    return 0;
}

int sc_ofd_writer_add_layer(sc_ofd_writer *w, size_t index, sc_ofd_layer_type type)
{
    int error;
    page *p = NULL;
    SC_ASSERT_ARG(w);
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (type != SC_OFD_LAYER_BODY && type != SC_OFD_LAYER_BACKGROUND &&
        type != SC_OFD_LAYER_FOREGROUND)
        return sc_error_set(SC_EINVALID, "layer type %d", (int)type);
    if ((error = flush_text(p)) < 0)
        return error;
    return page_new_layer(p, w, type);
}

/* TextCodes in one TextObject at the most (open_text): every reader keeps an object whole. */
#define MAX_MERGED_CODES 256

/* Write the first open text object of @p p to the page's last layer; the others move up. */
static int flush_first_text(page *p)
{
    open_text *t = &p->texts[0];
    sc_buf *b = &p->layers[p->nlayers - 1].xml;
    size_t mark = b->size;
    int error;
    if ((error = sc_buf_puts(b, "<ofd:TextObject ID=\"")) < 0 ||
        (error = put_ulong(b, t->id)) < 0 || (error = sc_buf_puts(b, "\" Boundary=\"")) < 0 ||
        (error = put_um(b, t->x0)) < 0 || (error = sc_buf_puts(b, " ")) < 0 ||
        (error = put_um(b, t->y0)) < 0 || (error = sc_buf_puts(b, " ")) < 0 ||
        (error = put_um(b, t->x1 - t->x0)) < 0 || (error = sc_buf_puts(b, " ")) < 0 ||
        (error = put_um(b, t->y1 - t->y0)) < 0 || (error = sc_buf_puts(b, "\" Font=\"")) < 0 ||
        (error = put_ulong(b, t->font_id)) < 0 || (error = sc_buf_puts(b, "\" Size=\"")) < 0 ||
        (error = put_um(b, t->size)) < 0 ||
        (error = sc_buf_puts(b, "\"><ofd:FillColor Value=\"")) < 0 ||
        (error = put_rgb(b, t->color)) < 0 || (error = sc_buf_puts(b, "\"/>")) < 0)
        goto done;
    for (size_t i = 0; i < t->ncodes; i++) {
        const text_code *c = &t->codes[i];
        if ((error = sc_buf_puts(b, "<ofd:TextCode X=\"")) < 0 ||
            (error = put_um(b, c->x - t->x0)) < 0 || (error = sc_buf_puts(b, "\" Y=\"")) < 0 ||
            (error = put_um(b, c->y - t->y0)) < 0 ||
            (error = sc_buf_put(b, t->tail.ptr + c->start, c->size)) < 0)
            goto done;
    }
    if ((error = sc_buf_puts(b, "</ofd:TextObject>\n")) < 0)
        goto done;
    t->ncodes = 0;
    t->tail.size = 0;
    open_text done_one = *t; /* its buffers, for reuse */
    memmove(p->texts, p->texts + 1, (p->ntexts - 1) * sizeof(*t));
    p->texts[--p->ntexts] = done_one;
done:
    if (error < 0 && b->ptr) { /* no half-written object; the text stays open */
        b->size = mark;
        b->ptr[mark] = 0;
    }
    return error;
}

/* Write every open text object of @p p, in order. */
static int flush_text(page *p)
{
    int error = 0;
    while (p->ntexts > 0 && error == 0)
        error = flush_first_text(p);
    return error;
}

static bool boxes_meet(const open_text *t, int64_t x0, int64_t y0, int64_t x1, int64_t y1)
{
    return x0 < t->x1 && t->x0 < x1 && y0 < t->y1 && t->y0 < y1;
}

/* Whether open text @p t grown by the box x0 y0 x1 y1 would meet a keep-clear box of the page
 * (sc_ofd_writer_keep_clear): then the run gets an object of its own. */
static bool union_meets_kept(const page *p, const open_text *t, int64_t x0, int64_t y0, int64_t x1,
                             int64_t y1)
{
    open_text u = {.x0 = x0 < t->x0 ? x0 : t->x0,
                   .y0 = y0 < t->y0 ? y0 : t->y0,
                   .x1 = x1 > t->x1 ? x1 : t->x1,
                   .y1 = y1 > t->y1 ? y1 : t->y1};
    for (size_t i = 0; i < p->nkeep; i++) {
        const int64_t *k = p->keep[i];
        if (boxes_meet(&u, k[0], k[1], k[2], k[3]))
            return true;
    }
    return false;
}

/* The buffer drawing an object with Boundary @p box (mm) on a page goes to, after the open text
 * objects up to the last one that the box meets: the others stay open, to be drawn after it,
 * which changes nothing as they do not meet it (open_text). */
static int page_xml(sc_buf **out, page *p, const double box[4])
{
    int64_t x0 = to_um(box[0]), y0 = to_um(box[1]);
    int64_t x1 = x0 + to_um(box[2]), y1 = y0 + to_um(box[3]);
    size_t k = p->ntexts;
    while (k-- > 0 && !boxes_meet(&p->texts[k], x0, y0, x1, y1))
        ;
    int error = 0;
    for (size_t i = 0; k != SIZE_MAX && i <= k && error == 0; i++)
        error = flush_first_text(p);
    *out = &p->layers[p->nlayers - 1].xml;
    return error;
}

/* ---- text ------------------------------------------------------------------------------- */

double sc_ofd__style_size(const sc_ofd_text_style *style)
{
    return style->size > 0 ? style->size : 3.5;
}

double sc_ofd__style_line_height(const sc_ofd_text_style *style)
{
    return style->line_height > 0 ? style->line_height : 1.5 * sc_ofd__style_size(style);
}

static int check_style(const sc_ofd_text_style *style)
{
    if (!style || style->version != SC_OFD_TEXT_STYLE_VERSION || !style->font)
        return sc_error_set(SC_EINVALID, "sc_ofd_text_style: NULL, wrong version or no font");
    if (!is_len(style->size) || style->size < 0 || !is_len(style->line_height) ||
        style->line_height < 0 || (style->fallback_count > 0 && !style->fallbacks))
        return sc_error_set(SC_EINVALID, "sc_ofd_text_style: bad size, line height or fallbacks");
    return 0;
}

int sc_ofd__text_chars(sc_ofd__char **out, size_t *count, const char *text,
                       const sc_ofd_text_style *style, bool allow_newline)
{
    int error;
    size_t len = strlen(text), n = 0;
    sc_ofd__char *chars = NULL;
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    double size = sc_ofd__style_size(style);

    *out = NULL;
    *count = 0;
    if ((error = check_style(style)) < 0)
        return error;
    if (len > (size_t)SC_OFD_MAX_TEXT_CHARS * 4)
        return sc_error_set(SC_ELIMIT, "text of %zu bytes (most %d characters)", len,
                            SC_OFD_MAX_TEXT_CHARS);
    if (len > 0 && !(chars = sc_calloc(len, sizeof(*chars)))) /* at most one char per byte */
        return sc_error_oom();
    while (p < end) {
        uint32_t c, g;
        size_t at = (size_t)(p - (const unsigned char *)text);
        if (!sc_utf8_next(&p, end, &c)) {
            error = sc_error_set(SC_EFORMAT, "text: invalid UTF-8 at byte %zu", at);
            goto fail;
        }
        if (n >= SC_OFD_MAX_TEXT_CHARS) {
            error = sc_error_set(SC_ELIMIT, "text: more than %d characters", SC_OFD_MAX_TEXT_CHARS);
            goto fail;
        }
        if (c == '\n' && allow_newline) {
            chars[n++] = (sc_ofd__char){c, NULL, 0};
            continue;
        }
        if (c == '\t')
            c = ' ';
        if (c < 0x20 || is_bad_char(c)) {
            error = sc_error_set(SC_EFORMAT, "text: control character U+%04X at byte %zu",
                                 (unsigned)c, at);
            goto fail;
        }
        const sc_ofd_font *f = style->font;
        if (!sc_ofd__font_glyph(f, c, &g)) {
            f = NULL;
            for (size_t i = 0; i < style->fallback_count && !f; i++)
                if (style->fallbacks[i] && sc_ofd__font_glyph(style->fallbacks[i], c, &g))
                    f = style->fallbacks[i];
        }
        if (!f) {
            error = sc_error_set(
                SC_ENOTFOUND, "text: U+%04X (\"%.*s\", byte %zu) is not in font %s%s", (unsigned)c,
                (int)((size_t)((const char *)p - text) - at), text + at, at, style->font->full_name,
                style->fallback_count ? " nor in its fallbacks" : "");
            goto fail;
        }
        chars[n++] = (sc_ofd__char){c, f, sc_ofd__font_advance(f, g) * size};
    }
    *out = chars;
    *count = n;
    return 0;
fail:
    sc_free(chars);
    return error;
}

/* A new font resource (its ID now, in call order). Pointers into w->fonts move. */
static int font_use_new(size_t *out, sc_ofd_writer *w, const sc_ofd_font *font, bool is_extra)
{
    int error;
    if ((error = RESERVE(w->fonts, w->nfonts, w->fonts_cap)) < 0)
        return error;
    font_use *u = &w->fonts[w->nfonts];
    memset(u, 0, sizeof(*u));
    if (!(u->bmp = sc_calloc(65536 / 64, sizeof(uint64_t))))
        return sc_error_oom();
    u->font = font;
    u->is_extra = is_extra;
    u->id = w->next_id++;
    *out = w->nfonts++;
    return 0;
}

/* The (first) resource of @p font. */
static int font_use_of(font_use **out, sc_ofd_writer *w, const sc_ofd_font *font)
{
    int error;
    size_t i;
    for (i = 0; i < w->nfonts; i++) {
        if (w->fonts[i].font == font && !w->fonts[i].is_extra) {
            *out = &w->fonts[i];
            return 0;
        }
    }
    if ((error = font_use_new(&i, w, font, false)) < 0)
        return error;
    *out = &w->fonts[i];
    return 0;
}

/* Where @p cp is, or would go, in the sorted astral code points. */
static size_t astral_find(const font_use *u, uint32_t cp)
{
    size_t lo = 0, hi = u->nastral;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (u->astral[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool font_use_has(const font_use *u, uint32_t cp)
{
    if (cp < 0x10000)
        return (u->bmp[cp >> 6] >> (cp & 63)) & 1;
    size_t at = astral_find(u, cp);
    return at < u->nastral && u->astral[at] == cp;
}

/*
 * The resource that draws @p cp in @p font. With a base set (sc_ofd_writer_embed_chars), a
 * character outside it goes to a second, small subset of the same font instead of joining the
 * base subset: documents of one template share the base subset (a cache hit, deflated once)
 * whatever names and addresses they print, and only the few extra characters are subset per
 * document (docs/formats/ofd-writer.md, "Fonts"). Without a base set, one subset per font.
 */
static int font_use_for(size_t *out, sc_ofd_writer *w, const sc_ofd_font *font, uint32_t cp)
{
    font_use *u;
    int error;
    if ((error = font_use_of(&u, w, font)) < 0)
        return error;
    size_t base = (size_t)(u - w->fonts);
    if (!u->has_base || font_use_has(u, cp)) {
        *out = base;
        return 0;
    }
    if (!u->extra) {
        size_t x = 0;
        if ((error = font_use_new(&x, w, font, true)) < 0)
            return error;
        w->fonts[base].extra = x + 1;
    }
    *out = w->fonts[base].extra - 1;
    return 0;
}

static int font_use_mark(font_use *u, uint32_t cp)
{
    if (cp < 0x10000) {
        u->bmp[cp >> 6] |= (uint64_t)1 << (cp & 63);
        return 0;
    }
    size_t lo = astral_find(u, cp);
    if (lo < u->nastral && u->astral[lo] == cp)
        return 0;
    int error = RESERVE(u->astral, u->nastral, u->astral_cap);
    if (error < 0)
        return error;
    memmove(u->astral + lo + 1, u->astral + lo, (u->nastral - lo) * sizeof(*u->astral));
    u->astral[lo] = cp;
    u->nastral++;
    return 0;
}

int sc_ofd_writer_embed_chars(sc_ofd_writer *w, const sc_ofd_font *font, const char *text)
{
    int error;
    font_use *u = NULL;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(font);
    SC_ASSERT_ARG(text);
    if ((error = check_open(w)) < 0)
        return error;
    const unsigned char *p = (const unsigned char *)text, *end = p + strlen(text);
    while (p < end) {
        uint32_t c, g;
        size_t at = (size_t)(p - (const unsigned char *)text);
        if (!sc_utf8_next(&p, end, &c))
            return sc_error_set(SC_EFORMAT, "embedded characters: invalid UTF-8 at byte %zu", at);
        if (c < 0x20 || is_bad_char(c) || !sc_ofd__font_glyph(font, c, &g))
            continue;
        if ((!u && (error = font_use_of(&u, w, font)) < 0) || (error = font_use_mark(u, c)) < 0)
            return error;
        u->has_base = true;
    }
    return 0;
}

/* DeltaX (clause 11.3): the gaps between character origins, with runs of equal gaps written as
 * "g <count> <gap>" (the CJK case: one gap repeated). */
static int put_delta_x(sc_buf *b, const int64_t *gaps, size_t n)
{
    int error = 0;
    for (size_t i = 0; i < n && error == 0;) {
        size_t j = i + 1;
        while (j < n && gaps[j] == gaps[i])
            j++;
        if (i > 0)
            error = sc_buf_puts(b, " ");
        if (error == 0 && j - i >= 2) {
            if ((error = sc_buf_puts(b, "g ")) < 0 || (error = put_ulong(b, j - i)) < 0 ||
                (error = sc_buf_puts(b, " ")) < 0)
                return error;
        }
        if (error == 0)
            error = put_um(b, gaps[i]);
        i = j;
    }
    return error;
}

/* Chars[0, n) of font resource @p use, starting at x: a TextCode of an open text object of the
 * same style, or of a new one (open_text). *@p after: the text object the line's previous run
 * went to (0: none), which this one may not be written before, so that a line drawn in several
 * objects (fonts) reads in order; set to the object used. */
static int draw_run(sc_ofd_writer *w, page *p, double x, double baseline, const sc_ofd__char *chars,
                    size_t n, size_t use, const sc_ofd_text_style *style, unsigned long *after)
{
    int error;
    font_use *u = &w->fonts[use];
    int64_t *gaps = NULL;
    const sc_ofd_font *font = chars[0].font;
    double size = sc_ofd__style_size(style);
    open_text *t = NULL;
    sc_buf *b = NULL;
    size_t mark = 0;

    if (n > 1 && !(gaps = sc_calloc(n - 1, sizeof(*gaps))))
        return sc_error_oom();
    /* Each advance rounded to 1 um (a line of 100 characters is off by 0.05 mm at the most):
     * equal characters get equal gaps, and runs of them one "g" (all digits, in most fonts). */
    int64_t width = 0;
    for (size_t i = 0; i < n; i++) {
        if ((error = font_use_mark(u, chars[i].cp)) < 0)
            goto done;
        int64_t adv = to_um(chars[i].advance);
        if (i + 1 < n)
            gaps[i] = adv;
        width += adv;
    }
    double top = baseline - font->ascent * size, height = (font->ascent - font->descent) * size;
    const int64_t x0 = to_um(x), y0 = to_um(top), size_um = to_um(size);
    const int64_t x1 = x0 + (width > 0 ? width : 1), y1 = y0 + to_um(height);
    size_t k = p->ntexts;
    while (k-- > 0 && (p->texts[k].font_id != u->id || p->texts[k].size != size_um ||
                       p->texts[k].color != style->color))
        ;
    if (k < p->ntexts && p->texts[k].ncodes == MAX_MERGED_CODES)
        k = SIZE_MAX;
    for (size_t j = 0; *after && k < p->ntexts && j < p->ntexts; j++)
        if (p->texts[j].id == *after && k < j) /* it would be written before that run */
            k = SIZE_MAX;
    for (size_t j = k + 1; k < p->ntexts && j < p->ntexts; j++)
        if (boxes_meet(&p->texts[j], x0, y0, x1, y1))
            k = SIZE_MAX;
    if (k < p->ntexts && union_meets_kept(p, &p->texts[k], x0, y0, x1, y1))
        k = SIZE_MAX;
    if (k >= p->ntexts) { /* a new object */
        if (p->ntexts == MAX_OPEN_TEXTS && (error = flush_first_text(p)) < 0)
            goto done;
        k = p->ntexts;
    }
    t = &p->texts[k];
    b = &t->tail;
    if ((error = RESERVE(t->codes, t->ncodes, t->codes_cap)) < 0)
        goto done;
    mark = b->size;
    if (n > 1 &&
        ((error = sc_buf_puts(b, "\" DeltaX=\"")) < 0 || (error = put_delta_x(b, gaps, n - 1)) < 0))
        goto done;
    if ((error = sc_buf_puts(b, "\">")) < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        char u8[4];
        if ((error = put_esc(b, u8, sc_utf8_put(u8, chars[i].cp))) < 0)
            goto done;
    }
    if ((error = sc_buf_puts(b, "</ofd:TextCode>")) < 0)
        goto done;
    if (k == p->ntexts) {
        *t = (open_text){w->next_id++, u->id,    size_um, style->color, x0,     y0, x1,
                         y1,           t->codes, 0,       t->codes_cap, t->tail};
        p->ntexts++;
    } else {
        t->x0 = x0 < t->x0 ? x0 : t->x0, t->y0 = y0 < t->y0 ? y0 : t->y0;
        t->x1 = x1 > t->x1 ? x1 : t->x1, t->y1 = y1 > t->y1 ? y1 : t->y1;
    }
    t->codes[t->ncodes++] = (text_code){x0, y0 + to_um(font->ascent * size), mark, b->size - mark};
    *after = t->id;
done:
    if (error < 0 && b && b->ptr) { /* no half-written TextCode */
        b->size = mark;
        b->ptr[mark] = 0;
    }
    sc_free(gaps);
    return error;
}

int sc_ofd__writer_draw_chars(sc_ofd_writer *w, size_t index, double x, double baseline,
                              const sc_ofd__char *chars, size_t count,
                              const sc_ofd_text_style *style)
{
    int error;
    page *p = NULL;
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (!is_len(x) || !is_len(baseline))
        return sc_error_set(SC_EINVALID, "text position: not a finite length");
    unsigned long after = 0; /* the text object of the line's last run */
    for (size_t i = 0; i < count;) {
        if (!chars[i].font) { /* a newline: nothing to draw */
            x += chars[i++].advance;
            continue;
        }
        size_t j = i + 1, use, next;
        double run = chars[i].advance;
        if ((error = font_use_for(&use, w, chars[i].font, chars[i].cp)) < 0)
            return error;
        /* A run: one font. When one of its characters is outside the font's base set, the whole
         * run is drawn from the extra subset (which then holds those base characters too): a
         * line of data stays one TextObject instead of breaking at every character the base
         * set lacks, and readers that find text within an object find it whole. */
        for (; j < count && chars[j].font == chars[i].font; run += chars[j++].advance)
            if ((error = font_use_for(&next, w, chars[j].font, chars[j].cp)) < 0)
                return error;
            else if (next != use && w->fonts[next].is_extra)
                use = next;
        if ((error = draw_run(w, p, x, baseline, chars + i, j - i, use, style, &after)) < 0)
            return error;
        x += run;
        i = j;
    }
    return 0;
}

int sc_ofd_text_measure(double *width_out, const char *text, const sc_ofd_text_style *style)
{
    int error;
    sc_ofd__char *chars = NULL;
    size_t n = 0;
    SC_ASSERT_ARG(width_out);
    SC_ASSERT_ARG(text);
    if ((error = sc_ofd__text_chars(&chars, &n, text, style, false)) < 0)
        return error;
    double width = 0;
    for (size_t i = 0; i < n; i++)
        width += chars[i].advance;
    sc_free(chars);
    *width_out = width;
    return 0;
}

int sc_ofd_writer_add_text(double *width_out, sc_ofd_writer *w, size_t index, double x,
                           double baseline, double width, const char *text,
                           const sc_ofd_text_style *style)
{
    int error;
    sc_ofd__char *chars = NULL;
    size_t n = 0;
    page *p = NULL;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(text);
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (!is_len(width) || width < 0)
        return sc_error_set(SC_EINVALID, "text width: not a positive length");
    if ((error = sc_ofd__text_chars(&chars, &n, text, style, false)) < 0)
        return error;
    double adv = 0;
    for (size_t i = 0; i < n; i++)
        adv += chars[i].advance;
    double start = x;
    if (style->align == SC_OFD_ALIGN_CENTER)
        start = width > 0 ? x + (width - adv) / 2 : x - adv / 2;
    else if (style->align == SC_OFD_ALIGN_RIGHT)
        start = width > 0 ? x + width - adv : x - adv;
    error = sc_ofd__writer_draw_chars(w, index, start, baseline, chars, n, style);
    sc_free(chars);
    if (error == 0 && width_out)
        *width_out = adv;
    return error;
}

/* ---- paths ------------------------------------------------------------------------------ */

struct sc_ofd_path {
    char *ops; /* M L B A C: OFD AbbreviatedData commands (clause 9.3.5, table 36) (owned) */
    size_t n, cap;
    double *v; /* the operands of all commands, in order, mm (owned) */
    size_t nv, vcap;
};

/* How many operands a command has. */
static size_t cmd_operands(char op)
{
    return op == 'B' ? 6 : op == 'A' ? 7 : op == 'C' ? 0 : 2;
}

int sc_ofd_path_new(sc_ofd_path **out)
{
    SC_ASSERT_ARG(out);
    if (!(*out = sc_calloc(1, sizeof(**out))))
        return sc_error_oom();
    return 0;
}

void sc_ofd_path_free(sc_ofd_path *path)
{
    if (!path)
        return;
    sc_free(path->ops);
    sc_free(path->v);
    sc_free(path);
}

/* Room for one more command with @p nv operands. */
static int path_grow(sc_ofd_path *path, size_t nv)
{
    int error;
    if ((error = RESERVE(path->ops, path->n, path->cap)) < 0)
        return error;
    while (path->nv + nv > path->vcap)
        if ((error = RESERVE(path->v, path->vcap, path->vcap)) < 0)
            return error;
    return 0;
}

/* Inline: a 2D code adds a few thousand points per certificate. */
static inline int path_add(sc_ofd_path *path, char op, size_t nv, const double *v)
{
    int error;
    SC_ASSERT_ARG(path);
    for (size_t i = 0; i < nv; i++)
        if (!is_len(v[i]))
            return sc_error_set(SC_EINVALID, "path: operand %zu of '%c' is not a finite length", i,
                                op);
    if ((path->n == path->cap || path->nv + nv > path->vcap) && (error = path_grow(path, nv)) < 0)
        return error;
    path->ops[path->n++] = op;
    if (nv)
        memcpy(path->v + path->nv, v, nv * sizeof(*v));
    path->nv += nv;
    return 0;
}

int sc_ofd_path_move_to(sc_ofd_path *path, double x, double y)
{
    return path_add(path, 'M', 2, (double[]){x, y});
}

int sc_ofd_path_line_to(sc_ofd_path *path, double x, double y)
{
    return path_add(path, 'L', 2, (double[]){x, y});
}

int sc_ofd_path_curve_to(sc_ofd_path *path, double x1, double y1, double x2, double y2, double x,
                         double y)
{
    return path_add(path, 'B', 6, (double[]){x1, y1, x2, y2, x, y});
}

int sc_ofd_path_arc_to(sc_ofd_path *path, double rx, double ry, double rotation, int is_large,
                       int is_clockwise, double x, double y)
{
    if (rx < 0 || ry < 0)
        return sc_error_set(SC_EINVALID, "path: negative arc radius");
    return path_add(path, 'A', 7,
                    (double[]){rx, ry, rotation, is_large ? 1 : 0, is_clockwise ? 1 : 0, x, y});
}

int sc_ofd_path_close(sc_ofd_path *path)
{
    return path_add(path, 'C', 0, NULL);
}

int sc_ofd_path_rect(sc_ofd_path *path, double x, double y, double width, double height)
{
    int error;
    if ((error = sc_ofd_path_move_to(path, x, y)) < 0 ||
        (error = sc_ofd_path_line_to(path, x + width, y)) < 0 ||
        (error = sc_ofd_path_line_to(path, x + width, y + height)) < 0 ||
        (error = sc_ofd_path_line_to(path, x, y + height)) < 0)
        return error;
    return sc_ofd_path_close(path);
}

int sc_ofd_path_circle(sc_ofd_path *path, double cx, double cy, double r)
{
    int error;
    const double k = 0.5522847498 * r; /* control distance of a quarter circle as a cubic */
    if ((error = sc_ofd_path_move_to(path, cx + r, cy)) < 0 ||
        (error = sc_ofd_path_curve_to(path, cx + r, cy + k, cx + k, cy + r, cx, cy + r)) < 0 ||
        (error = sc_ofd_path_curve_to(path, cx - k, cy + r, cx - r, cy + k, cx - r, cy)) < 0 ||
        (error = sc_ofd_path_curve_to(path, cx - r, cy - k, cx - k, cy - r, cx, cy - r)) < 0 ||
        (error = sc_ofd_path_curve_to(path, cx + k, cy - r, cx + r, cy - k, cx + r, cy)) < 0)
        return error;
    return sc_ofd_path_close(path);
}

/* fmt_um() written forwards at @p at, returning the end. */
static char *put_path_um_any(char *at, int64_t um)
{
    char tmp[24], *p = fmt_um(tmp + sizeof(tmp), um);
    size_t len = (size_t)(tmp + sizeof(tmp) - p);
    memcpy(at, p, len);
    return at + len;
}

/* put_path_um_any(), inline for whole numbers of mm under 1000: all of a 2D code's coordinates
 * (in modules), a few thousand per certificate. */
static inline char *put_path_um(char *at, int64_t um)
{
    uint32_t u = (uint32_t)um / 1000;
    if (um < 0 || um >= 1000000 || (uint32_t)um != u * 1000)
        return put_path_um_any(at, um);
    if (u >= 100)
        *at++ = (char)('0' + u / 100), *at++ = (char)('0' + u / 10 % 10);
    else if (u >= 10)
        *at++ = (char)('0' + u / 10);
    *at++ = (char)('0' + u % 10);
    return at;
}

/* A PathObject's start, to the opening of its AbbreviatedData: Boundary @p box (mm), a CTM when
 * @p scale is not 1, line width, stroke, fill and their colours. */
static int put_path_head(sc_buf *b, unsigned long id, const double box[4], double scale, double lw,
                         const sc_ofd_path_style *style)
{
    int error;
    char ctm[64] = "";
    if (scale != 1) /* six decimals: a 57-module code is off by 0.03 um at most */
        snprintf(ctm, sizeof(ctm), "\" CTM=\"%.6f 0 0 %.6f 0 0", scale, scale);
    if ((error = sc_buf_puts(b, "<ofd:PathObject ID=\"")) < 0 || (error = put_ulong(b, id)) < 0 ||
        (error = sc_buf_puts(b, "\" Boundary=\"")) < 0 || (error = put_mm(b, box[0])) < 0 ||
        (error = sc_buf_puts(b, " ")) < 0 || (error = put_mm(b, box[1])) < 0 ||
        (error = sc_buf_puts(b, " ")) < 0 || (error = put_mm(b, box[2])) < 0 ||
        (error = sc_buf_puts(b, " ")) < 0 || (error = put_mm(b, box[3])) < 0 ||
        (error = sc_buf_puts(b, ctm)) < 0 || (error = sc_buf_puts(b, "\" LineWidth=\"")) < 0 ||
        (error = put_mm(b, lw)) < 0 ||
        (error = sc_buf_puts(b, style->has_stroke ? "\" Stroke=\"true" : "\" Stroke=\"false")) <
            0 ||
        (error = sc_buf_puts(b, style->has_fill ? "\" Fill=\"true\">" : "\" Fill=\"false\">")) < 0)
        return error;
    if (style->has_stroke &&
        ((error = sc_buf_puts(b, "<ofd:StrokeColor Value=\"")) < 0 ||
         (error = put_rgb(b, style->stroke)) < 0 || (error = sc_buf_puts(b, "\"/>")) < 0))
        return error;
    if (style->has_fill &&
        ((error = sc_buf_puts(b, "<ofd:FillColor Value=\"")) < 0 ||
         (error = put_rgb(b, style->fill)) < 0 || (error = sc_buf_puts(b, "\"/>")) < 0))
        return error;
    return sc_buf_puts(b, "<ofd:AbbreviatedData>");
}

int sc_ofd_writer_add_path(sc_ofd_writer *w, size_t index, const sc_ofd_path *path,
                           const sc_ofd_path_style *style)
{
    int error;
    page *p = NULL;
    sc_ofd_path_style def = SC_OFD_PATH_STYLE_INIT;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(path);
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (!style)
        style = &def;
    if ((style->version != 1 && style->version != SC_OFD_PATH_STYLE_VERSION) ||
        !is_len(style->line_width) || style->line_width < 0)
        return sc_error_set(SC_EINVALID, "sc_ofd_path_style: wrong version or line width");
    double scale = style->version >= 2 && style->scale > 0 ? style->scale : 1;
    if (style->version >= 2 && (!(style->scale >= 0) || style->scale > MAX_MM))
        return sc_error_set(SC_EINVALID, "sc_ofd_path_style: scale is not a finite length");
    if (scale != 1 && (style->has_stroke || !style->has_fill))
        return sc_error_set(SC_EINVALID, "sc_ofd_path_style: a scale only for filled paths "
                                         "without a stroke");
    if (path->n == 0 || path->ops[0] != 'M')
        return sc_error_set(SC_EINVALID, "path: empty or not starting with a move");
    double lw = style->line_width > 0 ? style->line_width : 0.25;

    /* Boundary: the box of all points (control points and arc radii included, so it is never
     * too small), grown by half the line width. */
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    for (size_t i = 0, at = 0; i < path->n; i++) {
        /* the points: x at an even operand, y after it; an arc's only point is its end (5) */
        const char op = path->ops[i];
        const size_t nv = cmd_operands(op);
        const double *v = path->v + at;
        at += nv;
        double grow = op == 'A' ? (v[0] > v[1] ? v[0] : v[1]) * 2 : 0;
        for (size_t k = op == 'A' ? 5 : 0; k + 1 < nv; k += 2) {
            double px = v[k], py = v[k + 1];
            x0 = px - grow < x0 ? px - grow : x0;
            y0 = py - grow < y0 ? py - grow : y0;
            x1 = px + grow > x1 ? px + grow : x1;
            y1 = py + grow > y1 ? py + grow : y1;
        }
    }
    if (scale == 1) {
        x0 -= lw / 2, y0 -= lw / 2, x1 += lw / 2, y1 += lw / 2;
    } else if (!is_len(x0 * scale) || !is_len(y0 * scale) || !is_len(x1 * scale) ||
               !is_len(y1 * scale)) {
        return sc_error_set(SC_EINVALID, "path: scaled coordinates are not finite lengths");
    }

    sc_buf *b;
    const double box[4] = {x0 * scale, y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale};
    if ((error = page_xml(&b, p, box)) < 0)
        return error;
    size_t mark = b->size;
    if ((error = put_path_head(b, w->next_id, box, scale, lw, style)) < 0)
        goto done;
    for (size_t i = 0, k = 0; i < path->n; i++) {
        /* One command at a time, written straight into the page XML: " L 12 3.5". */
        const char op = path->ops[i];
        const size_t nv = cmd_operands(op), most = 2 + nv * 25;
        const double *v = path->v + k;
        k += nv;
        if (most >= b->asize - b->size && (error = sc_buf_grow(b, most)) < 0)
            goto done;
        char *start = (char *)b->ptr + b->size, *at = start;
        if (i > 0)
            *at++ = ' ';
        *at++ = op;
        if (nv == 2) { /* M, L: most commands */
            *at++ = ' ';
            at = put_path_um(at, to_um(v[0] - x0)); /* relative to the Boundary */
            *at++ = ' ';
            at = put_path_um(at, to_um(v[1] - y0));
        } else {
            for (size_t j = 0; j < nv; j++) {
                double d = v[j];
                if (op != 'A')
                    d -= j % 2 == 0 ? x0 : y0;
                else if (j >= 5)
                    d -= j == 5 ? x0 : y0; /* an arc's end point, not its radii, rotation, flags */
                *at++ = ' ';
                at = put_path_um(at, to_um(d));
            }
        }
        *at = '\0';
        b->size += (size_t)(at - start);
    }
    if ((error = sc_buf_puts(b, "</ofd:AbbreviatedData></ofd:PathObject>\n")) < 0)
        goto done;
    w->next_id++;
done:
    if (error < 0 && b->ptr) {
        b->size = mark;
        b->ptr[mark] = 0;
    }
    return error;
}

/* ---- grid paths ------------------------------------------------------------------------- */

/* Whole-number coordinates at most this far from 0: a grid of a million cells a side. */
#define GRID_MAX 1000000

typedef struct {
    int32_t x, y;
} grid_point;

struct sc_ofd_grid_path {
    char *ops;       /* 'M', 'L' or 'C' per command (owned) */
    grid_point *pts; /* the points of M and L, in order (owned) */
    size_t n, cap, npoints, points_cap;
};

int sc_ofd_grid_path_new(sc_ofd_grid_path **out)
{
    SC_ASSERT_ARG(out);
    if (!(*out = sc_calloc(1, sizeof(**out))))
        return sc_error_oom();
    return 0;
}

void sc_ofd_grid_path_free(sc_ofd_grid_path *path)
{
    if (!path)
        return;
    sc_free(path->ops);
    sc_free(path->pts);
    sc_free(path);
}

static inline int grid_add(sc_ofd_grid_path *path, char op, int32_t x, int32_t y)
{
    int error;
    SC_ASSERT_ARG(path);
    if (op != 'C' && (x < -GRID_MAX || x > GRID_MAX || y < -GRID_MAX || y > GRID_MAX))
        return sc_error_set(SC_EINVALID, "grid path: point (%ld, %ld) beyond %d", (long)x, (long)y,
                            GRID_MAX);
    if ((path->n == path->cap && (error = RESERVE(path->ops, path->n, path->cap)) < 0) ||
        (op != 'C' && path->npoints == path->points_cap &&
         (error = RESERVE(path->pts, path->npoints, path->points_cap)) < 0))
        return error;
    path->ops[path->n++] = op;
    if (op != 'C')
        path->pts[path->npoints++] = (grid_point){x, y};
    return 0;
}

int sc_ofd_grid_path_move_to(sc_ofd_grid_path *path, int32_t x, int32_t y)
{
    return grid_add(path, 'M', x, y);
}

int sc_ofd_grid_path_line_to(sc_ofd_grid_path *path, int32_t x, int32_t y)
{
    return grid_add(path, 'L', x, y);
}

int sc_ofd_grid_path_close(sc_ofd_grid_path *path)
{
    return grid_add(path, 'C', 0, 0);
}

/* A whole number of at most 7 digits and a sign, written forwards at @p at; returns the end. */
static char *put_int_any(char *at, int32_t v)
{
    char tmp[12], *p = tmp + sizeof(tmp);
    uint32_t u = v < 0 ? (uint32_t) - (int64_t)v : (uint32_t)v;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (v < 0)
        *--p = '-';
    size_t len = (size_t)(tmp + sizeof(tmp) - p);
    memcpy(at, p, len);
    return at + len;
}

/* put_int_any(), inline for 0-99: a 2D code's corners. */
static inline char *put_int(char *at, int32_t v)
{
    if (v < 0 || v > 99)
        return put_int_any(at, v);
    if (v > 9)
        *at++ = (char)('0' + v / 10);
    *at++ = (char)('0' + v % 10);
    return at;
}

int sc_ofd_writer_fill_grid_path(sc_ofd_writer *w, size_t index, const sc_ofd_grid_path *path,
                                 double x, double y, double cell, sc_ofd_rgb fill)
{
    int error;
    page *p = NULL;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(path);
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (!is_len(x) || !is_len(y) || !is_len(cell) || !(cell >= 0.001))
        return sc_error_set(SC_EINVALID, "grid path: position or cell size (at least 1 um) is "
                                         "not a length");
    if (path->n == 0 || path->ops[0] != 'M')
        return sc_error_set(SC_EINVALID, "grid path: empty or not starting with a move");
    int32_t minx = INT32_MAX, miny = INT32_MAX, maxx = INT32_MIN, maxy = INT32_MIN;
    for (size_t i = 0; i < path->npoints; i++) {
        int32_t px = path->pts[i].x, py = path->pts[i].y;
        minx = px < minx ? px : minx, maxx = px > maxx ? px : maxx;
        miny = py < miny ? py : miny, maxy = py > maxy ? py : maxy;
    }
    /* The Boundary as sc_ofd_writer_add_path() computes it for the same points in cells under
     * a scale of @p cell (the same bytes), which must stay on the page's scale of lengths. */
    const double ox = x / cell, oy = y / cell;
    const double box[4] = {(ox + minx) * cell, (oy + miny) * cell,
                           ((ox + maxx) - (ox + minx)) * cell, ((oy + maxy) - (oy + miny)) * cell};
    if (!is_len(box[0]) || !is_len(box[1]) || !is_len(box[0] + box[2]) || !is_len(box[1] + box[3]))
        return sc_error_set(SC_EINVALID, "grid path: scaled coordinates are not finite lengths");
    sc_ofd_path_style style = SC_OFD_PATH_STYLE_INIT;
    style.has_stroke = 0;
    style.has_fill = 1;
    style.fill = fill;

    sc_buf *b;
    if ((error = page_xml(&b, p, box)) < 0)
        return error;
    size_t mark = b->size, most = path->n * 2 + path->npoints * 16;
    if ((error = put_path_head(b, w->next_id, box, cell, 0.25, &style)) < 0 ||
        (error = sc_buf_grow(b, most)) < 0)
        goto done;
    /* Straight into the page XML, relative to the Boundary: "M 0 0 L 6 0 ... C". */
    char *at = (char *)b->ptr + b->size;
    for (size_t i = 0, k = 0; i < path->n; i++) {
        if (i > 0)
            *at++ = ' ';
        *at++ = path->ops[i];
        if (path->ops[i] != 'C') {
            *at++ = ' ';
            at = put_int(at, path->pts[k].x - minx);
            *at++ = ' ';
            at = put_int(at, path->pts[k].y - miny);
            k++;
        }
    }
    *at = '\0';
    b->size = (size_t)(at - (char *)b->ptr);
    if ((error = sc_buf_puts(b, "</ofd:AbbreviatedData></ofd:PathObject>\n")) < 0)
        goto done;
    w->next_id++;
done:
    if (error < 0 && b->ptr) {
        b->size = mark;
        b->ptr[mark] = 0;
    }
    return error;
}

int sc_ofd_writer_add_line(sc_ofd_writer *w, size_t page_index, double x1, double y1, double x2,
                           double y2, const sc_ofd_path_style *style)
{
    char ops[2] = {'M', 'L'};
    double v[4] = {x1, y1, x2, y2};
    sc_ofd_path path = {ops, 2, 2, v, 4, 4};
    for (size_t i = 0; i < 4; i++)
        if (!is_len(v[i]))
            return sc_error_set(SC_EINVALID, "line: not a finite length");
    return sc_ofd_writer_add_path(w, page_index, &path, style);
}

/* ---- images ----------------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Pixel size from the PNG IHDR (ISO/IEC 15948 11.2.2) or a JPEG SOFn marker (ITU T.81 B.2.2). */
static int image_size(bool *is_png, uint32_t *wd, uint32_t *ht, const unsigned char *d, size_t n)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 8 && memcmp(d, png_sig, 8) == 0) {
        if (n < 24 || memcmp(d + 12, "IHDR", 4) != 0)
            return sc_error_set(SC_EFORMAT, "image: PNG without IHDR");
        *is_png = true, *wd = be32(d + 16), *ht = be32(d + 20);
        return 0;
    }
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        *is_png = false;
        for (size_t i = 2; i + 4 <= n;) {
            if (d[i] != 0xFF)
                return sc_error_set(SC_EFORMAT, "image: JPEG marker expected at byte %zu", i);
            unsigned m = d[i + 1];
            if (m == 0xFF) {
                i++;
                continue;
            }
            if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
                i += 2;
                continue;
            }
            size_t seg = (size_t)d[i + 2] << 8 | d[i + 3];
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                if (i + 9 > n)
                    break;
                *ht = (uint32_t)d[i + 5] << 8 | d[i + 6];
                *wd = (uint32_t)d[i + 7] << 8 | d[i + 8];
                return 0;
            }
            if (m == 0xD9 || m == 0xDA || seg < 2)
                break;
            i += 2 + seg;
        }
        return sc_error_set(SC_EFORMAT, "image: JPEG without a frame header (SOF)");
    }
    return sc_error_set(SC_EUNSUPPORTED, "image: neither PNG nor JPEG");
}

int sc_ofd_writer_add_image(sc_ofd_writer *w, size_t index, const void *data, size_t len, double x,
                            double y, double width, double height)
{
    int error;
    page *p = NULL;
    bool is_png;
    uint32_t pw = 0, ph = 0;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(data || len == 0);
    if ((error = get_page(&p, w, index)) < 0)
        return error;
    if (!is_len(x) || !is_len(y) || !is_len(width) || !is_len(height) || width <= 0 || height <= 0)
        return sc_error_set(SC_EINVALID, "image box: not finite, or empty");
    if (len > SC_OFD_MAX_IMAGE_SIZE)
        return sc_error_set(SC_ELIMIT, "image: %zu bytes (most %zu)", len, SC_OFD_MAX_IMAGE_SIZE);
    if ((error = image_size(&is_png, &pw, &ph, data, len)) < 0)
        return error;
    if (pw == 0 || ph == 0 || pw > SC_OFD_MAX_IMAGE_PIXELS || ph > SC_OFD_MAX_IMAGE_PIXELS)
        return sc_error_set(pw && ph ? SC_ELIMIT : SC_EFORMAT,
                            "image: %ux%u pixels (each side 1-%d)", (unsigned)pw, (unsigned)ph,
                            SC_OFD_MAX_IMAGE_PIXELS);

    image *img = NULL;
    for (size_t i = 0; i < w->nimages && !img; i++)
        if (w->images[i].len == len && memcmp(w->images[i].data, data, len) == 0)
            img = &w->images[i];
    if (!img) {
        if ((error = RESERVE(w->images, w->nimages, w->images_cap)) < 0)
            return error;
        img = &w->images[w->nimages];
        if (!(img->data = sc_memdup(data, len)))
            return sc_error_oom();
        img->len = len;
        img->is_png = is_png;
        img->id = w->next_id++;
        w->nimages++;
    }
    sc_buf *b;
    if ((error = page_xml(&b, p, (double[]){x, y, width, height})) < 0)
        return error;
    size_t mark = b->size;
    /* CTM maps the image's unit square onto the Boundary's size (clause 10.2). */
    if ((error = sc_buf_puts(b, "<ofd:ImageObject ID=\"")) < 0 ||
        (error = put_ulong(b, w->next_id)) < 0 || (error = sc_buf_puts(b, "\" Boundary=\"")) < 0 ||
        (error = put_mm(b, x)) < 0 || (error = sc_buf_puts(b, " ")) < 0 ||
        (error = put_mm(b, y)) < 0 || (error = sc_buf_puts(b, " ")) < 0 ||
        (error = put_mm(b, width)) < 0 || (error = sc_buf_puts(b, " ")) < 0 ||
        (error = put_mm(b, height)) < 0 || (error = sc_buf_puts(b, "\" CTM=\"")) < 0 ||
        (error = put_mm(b, width)) < 0 || (error = sc_buf_puts(b, " 0 0 ")) < 0 ||
        (error = put_mm(b, height)) < 0 || (error = sc_buf_puts(b, " 0 0\" ResourceID=\"")) < 0 ||
        (error = put_ulong(b, img->id)) < 0 || (error = sc_buf_puts(b, "\"/>\n")) < 0) {
        if (b->ptr) {
            b->size = mark;
            b->ptr[mark] = 0;
        }
        return error;
    }
    w->next_id++;
    return 0;
}

/* ---- attachments and custom tags -------------------------------------------------------- */

static int add_item(item **arr, size_t *n, size_t *cap, const char *name, const char *format,
                    const void *data, size_t len, unsigned long id)
{
    int error;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i].name, name) == 0)
            return sc_error_set(SC_EEXISTS, "\"%s\" is already in the document", name);
    if ((error = reserve((void **)arr, cap, *n, sizeof(**arr))) < 0)
        return error;
    item *it = &(*arr)[*n];
    memset(it, 0, sizeof(*it));
    it->id = id;
    if (!(it->name = sc_strdup(name)) || (format && !(it->format = sc_strdup(format))) ||
        !(it->data = len ? sc_memdup(data, len) : sc_malloc(1))) {
        item_dispose(it);
        return sc_error_oom();
    }
    it->len = len;
    (*n)++;
    return 0;
}

/* Is @p file in use (readers match package paths without regard to case), or reserved? */
static bool file_taken(const sc_ofd_writer *w, const char *file)
{
    if (strcasecmp(file, "Attachments.xml") == 0)
        return true;
    for (size_t i = 0; i < w->natts; i++)
        if (strcasecmp(w->atts[i].file, file) == 0)
            return true;
    return false;
}

/* The attachment's file under Attachs/: its name when that is a plain file name not in use,
 * else "Attach_<ID>" with the name's extension (or the format) when that one is plain, and a
 * "_<k>" more until it is free. Readers match package paths without regard to case, so no two
 * files differ by case only. */
static int attachment_file(char **out, const sc_ofd_writer *w, const char *name, const char *format)
{
    char file[SC_OFD_MAX_ATTACHMENT_NAME + 1];
    size_t n = strlen(name);
    bool plain = n > 0 && n <= 128 && name[0] != '.';
    for (size_t i = 0; plain && i < n; i++)
        plain = is_name_char(name[i]);
    if (plain)
        snprintf(file, sizeof(file), "%s", name);
    if (!plain || file_taken(w, file)) {
        const char *dot = strrchr(name, '.');
        const char *ext = dot && dot[1] ? dot + 1 : format;
        bool ext_plain = ext && *ext && strlen(ext) <= 8;
        for (const char *c = ext; ext_plain && *c; c++)
            ext_plain = is_name_char(*c) && *c != '.';
        for (size_t k = 1; k == 1 || file_taken(w, file); k++) {
            char more[24] = "";
            if (k > 1)
                snprintf(more, sizeof(more), "_%zu", k);
            snprintf(file, sizeof(file), "Attach_%lu%s%s%s", w->next_id, more, ext_plain ? "." : "",
                     ext_plain ? ext : "");
        }
    }
    if (!(*out = sc_strdup(file)))
        return sc_error_oom();
    return 0;
}

int sc_ofd_writer_add_attachment(sc_ofd_writer *w, const char *name, const char *format,
                                 const void *data, size_t len)
{
    int error;
    char *file = NULL;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(name);
    SC_ASSERT_ARG(data || len == 0);
    if ((error = check_open(w)) < 0 || (error = check_string(name, "attachment name")) < 0 ||
        (format && (error = check_string(format, "attachment format")) < 0))
        return error;
    if (!*name || strlen(name) > SC_OFD_MAX_ATTACHMENT_NAME)
        return sc_error_set(SC_EINVALID, "attachment name \"%s\": 1-%d bytes", name,
                            SC_OFD_MAX_ATTACHMENT_NAME);
    if ((error = attachment_file(&file, w, name, format)) < 0)
        return error;
    if ((error = add_item(&w->atts, &w->natts, &w->atts_cap, name, format, data, len, w->next_id)) <
        0) {
        sc_free(file);
        return error;
    }
    w->atts[w->natts - 1].file = file;
    w->next_id++;
    return 0;
}

int sc_ofd_writer_add_custom_tag(sc_ofd_writer *w, const char *type_id, const void *xml, size_t len)
{
    int error;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(type_id);
    SC_ASSERT_ARG(xml);
    if ((error = check_open(w)) < 0 || (error = check_name(type_id, "custom tag TypeID")) < 0)
        return error;
    if (len > INT32_MAX)
        return sc_error_set(SC_ELIMIT, "custom tag %s: %zu bytes", type_id, len);
    /* Well-formed, and nothing fetched or expanded while checking (STYLE.md 4). */
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        xmlResetLastError();
        if (e && e->code == XML_ERR_NO_MEMORY)
            return sc_error_oom();
        return sc_error_set(SC_EFORMAT, "custom tag %s: not well-formed XML (line %d)", type_id,
                            e ? e->line : 0);
    }
    xmlFreeDoc(doc);
    return add_item(&w->tags, &w->ntags, &w->tags_cap, type_id, NULL, xml, len, 0);
}

int sc_ofd_writer_add_custom_tag_pairs(sc_ofd_writer *w, const char *type_id,
                                       const char *const *keys, const char *const *values,
                                       size_t count)
{
    int error = 0;
    sc_buf b = SC_BUF_INIT;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(type_id);
    SC_ASSERT_ARG(count == 0 || (keys && values));
    if ((error = check_open(w)) < 0 || (error = check_name(type_id, "custom tag TypeID")) < 0)
        return error;
    for (size_t i = 0; i < count; i++) {
        if (!keys[i] || !values[i])
            return sc_error_set(SC_EINVALID, "custom tag %s: pair %zu is NULL", type_id, i);
        if ((error = check_string(keys[i], "custom tag key")) < 0 ||
            (error = check_string(values[i], "custom tag value")) < 0)
            return error;
    }
    if ((error = sc_buf_puts(&b, XML_DECL "<sc:Tags xmlns:sc=\"" SC_OFD_TAGS_NS "\">\n")) < 0)
        goto done;
    for (size_t i = 0; i < count; i++)
        if ((error = sc_buf_puts(&b, "<sc:Tag Name=\"")) < 0 ||
            (error = put_escs(&b, keys[i])) < 0 || (error = sc_buf_puts(&b, "\">")) < 0 ||
            (error = put_escs(&b, values[i])) < 0 || (error = sc_buf_puts(&b, "</sc:Tag>\n")) < 0)
            goto done;
    if ((error = sc_buf_puts(&b, "</sc:Tags>\n")) < 0)
        goto done;
    error = add_item(&w->tags, &w->ntags, &w->tags_cap, type_id, NULL, b.ptr, b.size, 0);
done:
    sc_buf_dispose(&b);
    return error;
}

int sc_ofd_writer_add_seal(sc_ofd_writer *w, const sc_seal *seal, const sc_key *key,
                           const sc_cert *cert, const sc_ofd_sign_options *opts)
{
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    char *keyword = NULL;
    int error;
    SC_ASSERT_ARG(w && key && cert);
    if ((error = check_open(w)) < 0)
        return error;
    if (opts && opts->version != SC_OFD_SIGN_OPTIONS_VERSION)
        return sc_error_set(SC_EINVALID, "sc_ofd_sign_options: version %u, expected %u",
                            opts->version, SC_OFD_SIGN_OPTIONS_VERSION);
    if ((error = sc_ofd__sign_check(seal, opts)) < 0 ||
        (error = RESERVE(w->seals, w->nseals, w->seals_cap)) < 0)
        return error;
    if (opts)
        o = *opts;
    /* The keyword is looked for at finish: copied, as the rest of the options. */
    if (o.keyword && !(o.keyword = keyword = sc_strdup(o.keyword)))
        return sc_error_oom();
    w->seals[w->nseals++] = (seal_use){seal, key, cert, o, keyword};
    return 0;
}

/* ---- finish: XML files and the zip ------------------------------------------------------ */

/* Package files in zip order. */
typedef struct {
    char name[160];           /* path inside the zip */
    sc_buf data;              /* owned XML, or empty when ext points at borrowed bytes */
    const unsigned char *ext; /* borrowed bytes (images, fonts, attachments) */
    size_t ext_len;
    bool compress;
    const sc_ofd__subset *sub;   /* a font: its cached deflate */
    sc_ofd__cached_file *cached; /* a template page from the writer cache (owned), or NULL */
} pkg_file;

typedef struct {
    pkg_file *files;
    size_t n, cap;
} pkg;

static int pkg_add(pkg_file **out, pkg *k, const char *name, size_t index, const char *suffix)
{
    int error;
    if ((error = RESERVE(k->files, k->n, k->cap)) < 0)
        return error;
    pkg_file *f = &k->files[k->n++];
    memset(f, 0, sizeof(*f));
    f->compress = true;
    char num[24] = "";
    if (suffix)
        snprintf(num, sizeof(num), "%zu", index);
    snprintf(f->name, sizeof(f->name), "%s%s%s", name, num, suffix ? suffix : "");
    *out = f;
    return 0;
}

static void date_of(char out[11], sc_time t)
{
    char s[21];
    sc_time_format(s, t);
    memcpy(out, s, 10);
    out[10] = 0;
}

/* A 128-bit FNV-style digest of the pages as the default DocID: the same document gets the
 * same DocID, and it never needs a random source (determinism). */
static void derive_doc_id(char out[33], const sc_ofd_writer *w)
{
    /* Two 64-bit FNV-1a streams over 8-byte words (a word at a time keeps it at memory speed). */
    uint64_t h1 = 0xcbf29ce484222325u, h2 = 0x84222325cbf29ce4u ^ (uint64_t)w->created;
    for (size_t i = 0; i < w->ntpls + w->npages; i++) {
        const page *p = i < w->ntpls ? &w->tpls[i] : &w->pages[i - w->ntpls];
        for (size_t l = 0; l < p->nlayers; l++) {
            const sc_buf *b = &p->layers[l].xml;
            size_t k = 0;
            for (; k + 8 <= b->size; k += 8) {
                uint64_t v;
                memcpy(&v, b->ptr + k, 8);
                h1 = (h1 ^ v) * 0x100000001b3u;
                h2 = (h2 ^ v ^ (h1 >> 29)) * 0x100000001b3u;
            }
            for (; k < b->size; k++) {
                h1 = (h1 ^ b->ptr[k]) * 0x100000001b3u;
                h2 = (h2 ^ b->ptr[k] ^ (h1 >> 29)) * 0x100000001b3u;
            }
        }
    }
    unsigned char raw[16];
    for (int i = 0; i < 8; i++)
        raw[i] = (unsigned char)(h1 >> (8 * i)), raw[8 + i] = (unsigned char)(h2 >> (8 * i));
    sc_hex(out, raw, 16);
}

/* Element text escaped as libxml2 writes it (xmlEscapeContent: &, <, >; quotes as they are; CR
 * never gets here, check_string() refuses it), so that OFD.xml is the same bytes whether the
 * signer (which rewrites it through libxml2 when it adds the signature list) or the writer
 * wrote it. */
static int put_content(sc_buf *b, const char *s)
{
    int error = 0;
    for (const char *from = s;; s++) {
        const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
        if (!rep && *s)
            continue;
        if ((error = sc_buf_put(b, from, (size_t)(s - from))) < 0 || !*s ||
            (error = sc_buf_puts(b, rep)) < 0)
            return error;
        from = s + 1;
    }
}

static int put_elem(sc_buf *b, const char *name, const char *value)
{
    int error;
    if (!value)
        return 0;
    if (!*value) /* as libxml2 writes an empty element */
        return (error = sc_buf_puts(b, "<ofd:")) < 0 || (error = sc_buf_puts(b, name)) < 0
                   ? error
                   : sc_buf_puts(b, "/>");
    if ((error = sc_buf_puts(b, "<ofd:")) < 0 || (error = sc_buf_puts(b, name)) < 0 ||
        (error = sc_buf_puts(b, ">")) < 0 || (error = put_content(b, value)) < 0 ||
        (error = sc_buf_puts(b, "</ofd:")) < 0 || (error = sc_buf_puts(b, name)) < 0)
        return error;
    return sc_buf_puts(b, ">");
}

/* Where the signer puts the signature list of the first document. */
#define SIGNATURES_LIST "/Doc_0/Signs/Signatures.xml"

/* /OFD.xml (clause 7.4): DocInfo children in CT_DocInfo order; with seals to apply at finish,
 * DocBody/Signatures naming the list the signer makes, as it would name it itself. */
static int emit_ofd_xml(sc_buf *b, const sc_ofd_writer *w, const char *doc_id)
{
    int error;
    char date[11];
    date_of(date, w->created);
    if ((error = sc_buf_puts(b, XML_DECL "<ofd:OFD xmlns:ofd=\"" OFD_NS
                                         "\" Version=\"1.0\" DocType=\"OFD\">"
                                         "<ofd:DocBody><ofd:DocInfo>")) < 0 ||
        (error = put_elem(b, "DocID", doc_id)) < 0 ||
        (error = put_elem(b, "Title", w->title)) < 0 ||
        (error = put_elem(b, "Author", w->author)) < 0 ||
        (error = put_elem(b, "Subject", w->subject)) < 0 ||
        (error = put_elem(b, "CreationDate", date)) < 0 ||
        (error = put_elem(b, "Creator", "sealcert")) < 0 ||
        (error = put_elem(b, "CreatorVersion", SC_VERSION)) < 0)
        return error;
    if ((error = sc_buf_puts(b, "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>")) <
            0 ||
        (w->nseals &&
         (error = sc_buf_puts(b, "<ofd:Signatures>" SIGNATURES_LIST "</ofd:Signatures>")) < 0))
        return error;
    return sc_buf_puts(b, "</ofd:DocBody></ofd:OFD>\n");
}

static int put_box(sc_buf *b, double width, double height)
{
    int error;
    if ((error = sc_buf_puts(b, "0 0 ")) < 0 || (error = put_mm(b, width)) < 0 ||
        (error = sc_buf_puts(b, " ")) < 0)
        return error;
    return put_mm(b, height);
}

/* /Doc_0/Document.xml (clause 7.5): CommonData, Pages, ..., Attachments, CustomTags. */
static int emit_document(sc_buf *b, const sc_ofd_writer *w)
{
    int error;
    if ((error = sc_buf_puts(b, XML_DECL "<ofd:Document xmlns:ofd=\"" OFD_NS "\">"
                                         "<ofd:CommonData><ofd:MaxUnitID>")) < 0 ||
        (error = put_ulong(b, w->next_id - 1)) < 0 ||
        (error = sc_buf_puts(b, "</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>")) < 0 ||
        (error = put_box(b, w->page_w, w->page_h)) < 0 ||
        (error = sc_buf_puts(b, "</ofd:PhysicalBox></ofd:PageArea>")) < 0)
        return error;
    if (w->nfonts && (error = sc_buf_puts(b, "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>")) < 0)
        return error;
    if (w->nimages &&
        (error = sc_buf_puts(b, "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>")) < 0)
        return error;
    for (size_t i = 0; i < w->ntpls; i++) {
        char loc[64];
        snprintf(loc, sizeof(loc), "\" BaseLoc=\"Tpls/Tpl_%zu/Content.xml\"/>", i);
        if ((error = sc_buf_puts(b, "<ofd:TemplatePage ID=\"")) < 0 ||
            (error = put_ulong(b, w->tpls[i].id)) < 0 || (error = sc_buf_puts(b, loc)) < 0)
            return error;
    }
    if ((error = sc_buf_puts(b, "</ofd:CommonData><ofd:Pages>")) < 0)
        return error;
    for (size_t i = 0; i < w->npages; i++) {
        char loc[64];
        snprintf(loc, sizeof(loc), "\" BaseLoc=\"Pages/Page_%zu/Content.xml\"/>", i);
        if ((error = sc_buf_puts(b, "<ofd:Page ID=\"")) < 0 ||
            (error = put_ulong(b, w->pages[i].id)) < 0 || (error = sc_buf_puts(b, loc)) < 0)
            return error;
    }
    if ((error = sc_buf_puts(b, "</ofd:Pages>")) < 0)
        return error;
    if (w->natts &&
        (error = sc_buf_puts(b, "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>")) < 0)
        return error;
    if (w->ntags &&
        (error = sc_buf_puts(b, "<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>")) < 0)
        return error;
    return sc_buf_puts(b, "</ofd:Document>\n");
}

/* PublicRes.xml (clause 7.9, 11.1): one Font per font used, its subset under Res/. */
static int emit_public_res(sc_buf *b, const sc_ofd_writer *w)
{
    int error;
    if ((error = sc_buf_puts(b, XML_DECL "<ofd:Res xmlns:ofd=\"" OFD_NS
                                         "\" BaseLoc=\"Res\"><ofd:Fonts>")) < 0)
        return error;
    for (size_t i = 0; i < w->nfonts; i++) {
        const font_use *u = &w->fonts[i];
        char file[48];
        snprintf(file, sizeof(file), "font_%zu.%s", i, u->font->is_cff ? "otf" : "ttf");
        if ((error = sc_buf_puts(b, "<ofd:Font ID=\"")) < 0 || (error = put_ulong(b, u->id)) < 0 ||
            (error = sc_buf_puts(b, "\" FontName=\"")) < 0 ||
            (error = put_escs(b, u->font->full_name)) < 0 ||
            (u->is_extra && (error = sc_buf_puts(b, " Extra")) < 0) ||
            (error = sc_buf_puts(b, "\" FamilyName=\"")) < 0 ||
            (error = put_escs(b, u->font->family)) < 0 ||
            (error = sc_buf_puts(b, "\"><ofd:FontFile>")) < 0 ||
            (error = sc_buf_puts(b, file)) < 0 ||
            (error = sc_buf_puts(b, "</ofd:FontFile></ofd:Font>")) < 0)
            return error;
    }
    return sc_buf_puts(b, "</ofd:Fonts></ofd:Res>\n");
}

/* DocumentRes.xml: MultiMedia Type="Image" per image, the file under Res/. */
static int emit_document_res(sc_buf *b, const sc_ofd_writer *w)
{
    int error;
    if ((error = sc_buf_puts(b, XML_DECL "<ofd:Res xmlns:ofd=\"" OFD_NS
                                         "\" BaseLoc=\"Res\"><ofd:MultiMedias>")) < 0)
        return error;
    for (size_t i = 0; i < w->nimages; i++) {
        const image *img = &w->images[i];
        char tail[96];
        snprintf(tail, sizeof(tail), "\" Type=\"Image\" Format=\"%s\"><ofd:MediaFile>image_%zu.%s",
                 img->is_png ? "PNG" : "JPEG", i, img->is_png ? "png" : "jpg");
        if ((error = sc_buf_puts(b, "<ofd:MultiMedia ID=\"")) < 0 ||
            (error = put_ulong(b, img->id)) < 0 || (error = sc_buf_puts(b, tail)) < 0 ||
            (error = sc_buf_puts(b, "</ofd:MediaFile></ofd:MultiMedia>")) < 0)
            return error;
    }
    return sc_buf_puts(b, "</ofd:MultiMedias></ofd:Res>\n");
}

/* Content.xml of a page or a template page (clause 8.2): the templates shown under it, Area, then
 * Content with the layers. */
static int emit_page(sc_buf *b, const page *p)
{
    static const char *const types[] = {"Body", "Background", "Foreground"};
    int error;
    if ((error = sc_buf_puts(b, XML_DECL "<ofd:Page xmlns:ofd=\"" OFD_NS "\">")) < 0)
        return error;
    for (size_t i = 0; i < p->ntpl_ids; i++)
        if ((error = sc_buf_puts(b, "<ofd:Template TemplateID=\"")) < 0 ||
            (error = put_ulong(b, p->tpl_ids[i])) < 0 ||
            (error = sc_buf_puts(b, "\" ZOrder=\"Background\"/>")) < 0)
            return error;
    if ((error = sc_buf_puts(b, "<ofd:Area><ofd:PhysicalBox>")) < 0 ||
        (error = put_box(b, p->width, p->height)) < 0 ||
        (error = sc_buf_puts(b, "</ofd:PhysicalBox></ofd:Area><ofd:Content>\n")) < 0)
        return error;
    for (size_t i = 0; i < p->nlayers; i++) {
        const layer *l = &p->layers[i];
        if ((error = sc_buf_puts(b, "<ofd:Layer ID=\"")) < 0 || (error = put_ulong(b, l->id)) < 0 ||
            (error = sc_buf_puts(b, "\" Type=\"")) < 0 ||
            (error = sc_buf_puts(b, types[l->type])) < 0 || (error = sc_buf_puts(b, "\">\n")) < 0 ||
            (error = sc_buf_put(b, l->xml.ptr, l->xml.size)) < 0 ||
            (error = sc_buf_puts(b, "</ofd:Layer>\n")) < 0)
            return error;
    }
    return sc_buf_puts(b, "</ofd:Content></ofd:Page>\n");
}

/* Attachments.xml (clause 15): CreationDate as xs:dateTime in UTC without a zone suffix (the form
 * Java readers parse), Size in KB as the standard asks. */
static int emit_attachments(sc_buf *b, const sc_ofd_writer *w)
{
    int error;
    char when[21];
    sc_time_format(when, w->created);
    when[19] = 0; /* drop the "Z" */
    if ((error = sc_buf_puts(b, XML_DECL "<ofd:Attachments xmlns:ofd=\"" OFD_NS "\">")) < 0)
        return error;
    for (size_t i = 0; i < w->natts; i++) {
        const item *a = &w->atts[i];
        if ((error = sc_buf_puts(b, "<ofd:Attachment ID=\"")) < 0 ||
            (error = put_ulong(b, a->id)) < 0 || (error = sc_buf_puts(b, "\" Name=\"")) < 0 ||
            (error = put_escs(b, a->name)) < 0)
            return error;
        if (a->format &&
            ((error = sc_buf_puts(b, "\" Format=\"")) < 0 || (error = put_escs(b, a->format)) < 0))
            return error;
        /* KB to 3 decimals: bytes * 1000 / 1024 as "micro" units of put_um. */
        if ((error = sc_buf_puts(b, "\" CreationDate=\"")) < 0 ||
            (error = sc_buf_puts(b, when)) < 0 || (error = sc_buf_puts(b, "\" Size=\"")) < 0 ||
            (error = put_um(b, (int64_t)((a->len * 1000 + 512) / 1024))) < 0 ||
            (error = sc_buf_puts(b, "\"><ofd:FileLoc>")) < 0 ||
            (error = put_escs(b, a->file)) < 0 ||
            (error = sc_buf_puts(b, "</ofd:FileLoc></ofd:Attachment>")) < 0)
            return error;
    }
    return sc_buf_puts(b, "</ofd:Attachments>\n");
}

/* CustomTags.xml (clause 16): CustomTag TypeID with its FileLoc, as the producers readers know
 * (Suwell, the e-invoice platforms) write it. */
static int emit_custom_tags(sc_buf *b, const sc_ofd_writer *w)
{
    int error;
    if ((error = sc_buf_puts(b, XML_DECL "<ofd:CustomTags xmlns:ofd=\"" OFD_NS "\">")) < 0)
        return error;
    for (size_t i = 0; i < w->ntags; i++) {
        const item *t = &w->tags[i];
        if ((error = sc_buf_puts(b, "<ofd:CustomTag TypeID=\"")) < 0 ||
            (error = put_escs(b, t->name)) < 0 ||
            (error = sc_buf_puts(b, "\"><ofd:FileLoc>Tag_")) < 0 ||
            (error = put_escs(b, t->name)) < 0 ||
            (error = sc_buf_puts(b, ".xml</ofd:FileLoc></ofd:CustomTag>")) < 0)
            return error;
    }
    return sc_buf_puts(b, "</ofd:CustomTags>\n");
}

/* The sorted code points a document used in one font. */
static int used_cps(uint32_t **out, size_t *n_out, const font_use *u)
{
    size_t n = u->nastral;
    for (size_t i = 0; i < 1024; i++)
        if (u->bmp[i]) /* most words are empty; popcount is a libgcc call without -mpopcnt */
            n += (size_t)__builtin_popcountll(u->bmp[i]);
    uint32_t *cps = sc_calloc(n ? n : 1, sizeof(*cps));
    if (!cps)
        return sc_error_oom();
    size_t k = 0;
    for (uint32_t i = 0; i < 1024; i++)
        for (uint64_t bits = u->bmp[i]; bits; bits &= bits - 1)
            cps[k++] = i * 64 + (uint32_t)__builtin_ctzll(bits);
    if (u->nastral)
        memcpy(cps + k, u->astral, u->nastral * sizeof(*cps));
    *out = cps;
    *n_out = n;
    return 0;
}

/*
 * The seals of sc_ofd_writer_add_seal(), applied by the same signer as sc_ofd_sign() to the
 * files about to be zipped: References over the bytes in hand, and one zip pass, instead of
 * zipping, opening, inflating and zipping again. The package is the one sc_ofd_sign() makes of
 * the unsigned document (at the default compression level, the same bytes but for the SM2
 * signature values): the signer keeps the reader's entry order and zips as sc_ofd_sign() does,
 * and the zip times are the last signing time, as there.
 */
static int seal_and_zip(sc_buf *out, const sc_ofd_writer *w, const sc_ofd__zip_entry *entries,
                        const pkg *k)
{
    size_t n = k->n;
    sc_ofd__sign_pkg *p = NULL;
    int error;

    /* OFD.xml names the list already (emit_ofd_xml): the signer then has no XML to rewrite. */
    if ((error = sc_ofd__sign_pkg_new(&p, "/Doc_0/Document.xml", SIGNATURES_LIST)) < 0)
        return error;
    for (size_t i = 0; i < n; i++) {
        /* Cached font subsets and template pages keep their digests: hashed once for every
         * document using them. */
        const unsigned char *sm3 = k->files[i].cached ? k->files[i].cached->sm3 : NULL;
        for (size_t f = 0; f < w->nfonts && !sm3; f++)
            if (entries[i].deflated && entries[i].deflated == w->fonts[f].subset->deflated &&
                (error = sc_ofd__subset_sm3(&sm3, w->fonts[f].font, w->fonts[f].subset)) < 0)
                goto done;
        if ((error = sc_ofd__sign_pkg_add(p, &entries[i], sm3)) < 0)
            goto done;
    }
    for (size_t i = 0; i < w->npages; i++) {
        /* As a reader gets them back from the XML: micrometres. */
        const page *pg = &w->pages[i];
        double box[4] = {0, 0, (double)to_um(pg->width) / 1000.0,
                         (double)to_um(pg->height) / 1000.0};
        char content[64];
        snprintf(content, sizeof(content), "/Doc_0/Pages/Page_%zu/Content.xml", i);
        if ((error = sc_ofd__sign_pkg_add_page(p, pg->id, box, content)) < 0)
            goto done;
    }
    for (size_t i = 0; i < w->nseals; i++) {
        const seal_use *s = &w->seals[i];
        if ((error = sc_ofd__sign_pkg_seal(p, s->seal, s->key, s->cert, &s->opts)) < 0)
            goto done;
    }
    error = sc_ofd__sign_pkg_zip(out, p, w->level);
done:
    sc_ofd__sign_pkg_free(p);
    return error;
}

int sc_ofd_writer_finish(sc_buf *out, sc_ofd_writer *w)
{
    int error = 0;
    pkg k = {NULL, 0, 0};
    sc_ofd__zip_entry *entries = NULL;
    pkg_file *f;
    char doc_id[33];

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(w);
    if ((error = check_open(w)) < 0)
        return error;
    if (w->npages == 0)
        return sc_error_set(SC_EINVALID, "the document has no page");
    for (size_t i = 0; i < w->npages; i++)
        if ((error = flush_text(&w->pages[i])) < 0)
            return error;
    for (size_t i = 0; i < w->ntpls; i++)
        if ((error = flush_text(&w->tpls[i])) < 0)
            return error;

    for (size_t i = 0; i < w->nfonts; i++) {
        font_use *u = &w->fonts[i];
        uint32_t *cps = NULL;
        size_t n = 0;
        if (u->subset)
            continue;
        if ((error = used_cps(&cps, &n, u)) < 0)
            goto done;
        error = sc_ofd__font_subset(&u->subset, u->font, cps, n, w->level);
        sc_free(cps);
        if (error < 0)
            goto done;
    }
    if (!w->doc_id)
        derive_doc_id(doc_id, w);

    if ((error = pkg_add(&f, &k, "OFD.xml", 0, NULL)) < 0 ||
        (error = emit_ofd_xml(&f->data, w, w->doc_id ? w->doc_id : doc_id)) < 0 ||
        (error = pkg_add(&f, &k, "Doc_0/Document.xml", 0, NULL)) < 0 ||
        (error = emit_document(&f->data, w)) < 0)
        goto done;
    if (w->nfonts && ((error = pkg_add(&f, &k, "Doc_0/PublicRes.xml", 0, NULL)) < 0 ||
                      (error = emit_public_res(&f->data, w)) < 0))
        goto done;
    if (w->nimages && ((error = pkg_add(&f, &k, "Doc_0/DocumentRes.xml", 0, NULL)) < 0 ||
                       (error = emit_document_res(&f->data, w)) < 0))
        goto done;
    for (size_t i = 0; i < w->ntpls; i++) {
        if ((error = pkg_add(&f, &k, "Doc_0/Tpls/Tpl_", i, "/Content.xml")) < 0 ||
            (error = emit_page(&f->data, &w->tpls[i])) < 0)
            goto done;
        if (w->cache && (error = sc_ofd__cache_file(&f->cached, w->cache, f->data.ptr, f->data.size,
                                                    w->level)) < 0)
            goto done;
    }
    for (size_t i = 0; i < w->npages; i++)
        if ((error = pkg_add(&f, &k, "Doc_0/Pages/Page_", i, "/Content.xml")) < 0 ||
            (error = emit_page(&f->data, &w->pages[i])) < 0)
            goto done;
    for (size_t i = 0; i < w->nfonts; i++) {
        const font_use *u = &w->fonts[i];
        if ((error = pkg_add(&f, &k, "Doc_0/Res/font_", i, u->font->is_cff ? ".otf" : ".ttf")) < 0)
            goto done;
        f->ext = u->subset->font, f->ext_len = u->subset->font_len, f->sub = u->subset;
    }
    for (size_t i = 0; i < w->nimages; i++) {
        if ((error =
                 pkg_add(&f, &k, "Doc_0/Res/image_", i, w->images[i].is_png ? ".png" : ".jpg")) < 0)
            goto done;
        f->ext = w->images[i].data, f->ext_len = w->images[i].len;
        f->compress = false; /* PNG and JPEG are compressed already */
    }
    if (w->natts) {
        if ((error = pkg_add(&f, &k, "Doc_0/Attachs/Attachments.xml", 0, NULL)) < 0 ||
            (error = emit_attachments(&f->data, w)) < 0)
            goto done;
        for (size_t i = 0; i < w->natts; i++) {
            if ((error = pkg_add(&f, &k, "Doc_0/Attachs/", 0, NULL)) < 0)
                goto done;
            snprintf(f->name, sizeof(f->name), "Doc_0/Attachs/%s", w->atts[i].file);
            f->ext = w->atts[i].data, f->ext_len = w->atts[i].len;
        }
    }
    if (w->ntags) {
        if ((error = pkg_add(&f, &k, "Doc_0/Tags/CustomTags.xml", 0, NULL)) < 0 ||
            (error = emit_custom_tags(&f->data, w)) < 0)
            goto done;
        for (size_t i = 0; i < w->ntags; i++) {
            if ((error = pkg_add(&f, &k, "Doc_0/Tags/", 0, NULL)) < 0)
                goto done;
            snprintf(f->name, sizeof(f->name), "Doc_0/Tags/Tag_%s.xml", w->tags[i].name);
            f->ext = w->tags[i].data, f->ext_len = w->tags[i].len;
        }
    }

    if (!(entries = sc_calloc(k.n, sizeof(*entries)))) {
        error = sc_error_oom();
        goto done;
    }
    for (size_t i = 0; i < k.n; i++) {
        const pkg_file *pf = &k.files[i];
        sc_ofd__zip_entry *e = &entries[i];
        e->name = pf->name;
        e->data = pf->ext ? pf->ext : pf->data.ptr;
        e->len = pf->ext ? pf->ext_len : pf->data.size;
        e->compress = pf->compress;
        if (pf->sub) {
            e->deflated = pf->sub->deflated;
            e->deflated_len = pf->sub->deflated_len;
            e->crc = pf->sub->crc;
        } else if (pf->cached) {
            e->crc = pf->cached->crc;
            e->has_crc = true;
            if (pf->cached->deflated_len > 0) {
                e->deflated = pf->cached->deflated;
                e->deflated_len = pf->cached->deflated_len;
            } else {
                e->compress = false; /* deflate did not pay */
            }
        }
    }
    if (w->nseals) {
        if ((error = seal_and_zip(out, w, entries, &k)) < 0)
            goto done;
    } else {
        sc_buf_clear(out);
        if ((error = sc_ofd__zip_write(out, entries, k.n, w->created, w->level)) < 0)
            goto done;
    }
    w->is_finished = true;

done:
    for (size_t i = 0; i < k.n; i++) {
        sc_buf_dispose_public(&k.files[i].data);
        sc_free(k.files[i].cached);
    }
    sc_free(k.files);
    sc_free(entries);
    return error;
}
