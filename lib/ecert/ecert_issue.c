/* Issuing a metrology electronic certificate (T/CMA draft, clauses 4.1-4.5 and 6.4): the data laid
 * out on a template, the identifier and facts in CustomTags, the code on page 1, the seal. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ecert_int.h"

/* The CustomTag TypeID under which sealcert keeps a certificate's facts (T/CMA 4.5.2). */
#define TAGS_TYPE_ID "sealcert.ecert"

/* ---- placeholders ---- */

typedef struct {
    const sc_ecert_template *t;
    const sc_ecert_data *d;
    const sc_ecert_fields *f;
    const sc_ecert_issue_options *o;
    const char *id, *url;     /* the identifier and what the code encodes */
    sc_buf supplement_notice; /* "对序号为<serial>的证书/报告的补充文件" or empty */
    size_t page, pages;       /* 1-based current page and the page count, for {page} {pages} */
    const char *row;          /* table rows of objects: "standards[3]"; NULL elsewhere */
    const char *item;         /* list item */
    size_t n;                 /* 1-based item / row number */
} env;

/* The value of placeholder @p name (NUL-terminated copy in @p tmp), or NULL when empty. */
static const char *lookup(env *e, const char *name, char *tmp, size_t cap)
{
    const char *v = NULL;
    /* The names below have no '.': a data path with one is none of them. */
    bool dotted = strchr(name, '.') != NULL;
    size_t number = dotted                       ? 0
                    : strcmp(name, "page") == 0  ? e->page
                    : strcmp(name, "pages") == 0 ? e->pages
                    : strcmp(name, "n") == 0     ? e->n
                                                 : 0;
    if (number) {
        snprintf(tmp, cap, "%zu", number);
        return tmp;
    }
    if (dotted)
        v = sc_ecert_data_get(e->d, name);
    else if (strcmp(name, "id") == 0)
        v = e->id;
    else if (strcmp(name, "url") == 0)
        v = e->url;
    else if (strcmp(name, "title") == 0)
        v = e->t->title;
    else if (strcmp(name, "type_name") == 0)
        v = sc_ecert_type_name(e->f->type);
    else if (strcmp(name, "supplement_notice") == 0)
        v = e->supplement_notice.size ? (const char *)e->supplement_notice.ptr : NULL;
    else if (strcmp(name, "supersedes") == 0)
        v = e->o->supersedes;
    else if (strcmp(name, "supplement_to") == 0)
        v = e->o->supplement_to;
    else if (strcmp(name, "item") == 0)
        v = e->item;
    else if (e->row) {
        size_t rn = strlen(e->row), nn = strlen(name);
        if (rn + 1 + nn < cap) { /* "<row>.<name>" */
            memcpy(tmp, e->row, rn);
            tmp[rn] = '.';
            memcpy(tmp + rn + 1, name, nn + 1);
        } else {
            snprintf(tmp, cap, "%s.%s", e->row, name); /* cut as it always was */
        }
        v = sc_ecert_data_get(e->d, tmp);
    } else
        v = sc_ecert_data_get(e->d, name);
    return v && *v ? v : NULL;
}

/* Substitute "{path}" placeholders ("{{" and "}}" are braces); empty values become the
 * template's "empty" text ("/", as printed certificates mark a field that does not apply). */
static int subst(sc_buf *out, env *e, const char *text)
{
    char name[160], tmp[192];
    int error = 0;
    sc_buf_clear(out);
    for (const char *p = text; *p && error == 0;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            error = sc_buf_put(out, p, 1);
            p += 2;
            continue;
        }
        if (*p != '{') {
            const char *q = p;
            while (*q && *q != '{' && !(q[0] == '}' && q[1] == '}'))
                q++;
            error = sc_buf_put(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        const char *end = strchr(p, '}');
        char ex[64];
        if (!end || (size_t)(end - p - 1) >= sizeof(name))
            return sc_error_set(SC_EFORMAT, "template text \"%s\": unclosed placeholder",
                                sc_utf8_excerpt(ex, sizeof(ex), text, 40));
        memcpy(name, p + 1, (size_t)(end - p - 1));
        name[end - p - 1] = '\0';
        const char *v = lookup(e, name, tmp, sizeof(tmp));
        error = sc_buf_puts(out, v ? v : e->t->empty);
        p = end + 1;
    }
    char ex[64];
    if (error == 0 && out->size > SC_ECERT_MAX_TEXT)
        return sc_error_set(SC_ELIMIT, "template text \"%s\": more than %zu bytes",
                            sc_utf8_excerpt(ex, sizeof(ex), text, 40), SC_ECERT_MAX_TEXT);
    if (error == 0 && !out->ptr)
        error = sc_buf_put(out, "", 0) < 0 ? SC_ENOMEM : sc_buf_grow(out, 1);
    return error;
}

/* An "if" condition: the placeholder is not empty. */
static int cond_holds(env *e, const char *cond)
{
    char tmp[192];
    return !cond || lookup(e, cond, tmp, sizeof(tmp)) != NULL;
}

/* ---- checks before drawing ---- */

/* The check of one certificate's characters: the template, and the code points already found in
 * one of its fonts (direct-mapped by the low bits: seen[cp % size] == cp + 1), so that a
 * character repeated across the data is looked up once. Lives for one certificate only. */
typedef struct {
    const sc_ecert_template *t;
    uint32_t seen[256];
} char_check;

/* The error for a character none of the template's fonts has: the field, the character, and
 * every font tried with its family, the fallbacks marked, so that the fix is clear. */
static int missing_char(const sc_ecert_template *t, sc_ecert__path *path, uint32_t cp)
{
    char fonts[512] = "", ch[8] = "";
    size_t n = 0;
    for (size_t i = 0; i < t->font_count && n < sizeof(fonts); i++) {
        bool fallback = false;
        for (size_t k = 0; k < t->fallback_count; k++)
            fallback = fallback || t->fallbacks[k] == t->fonts[i].font;
        n += (size_t)snprintf(fonts + n, sizeof(fonts) - n, "%s%s (%s%s)", i ? ", " : "",
                              t->fonts[i].name, sc_ofd_font_family(t->fonts[i].font),
                              fallback ? ", a fallback" : "");
    }
    /* The character itself when it can be shown (not a control, not a private-use point). */
    if (cp >= 0x20 && !(cp >= 0x7F && cp < 0xA0) && !(cp >= 0xE000 && cp <= 0xF8FF) && cp < 0xF0000)
        sc_utf8_put(ch, cp);
    return sc_error_set(SC_ENOTFOUND,
                        "%s: U+%04X%s%s%s is in none of the template's fonts, %s; add a font that "
                        "has it to the template's fonts and fallbacks",
                        sc_ecert__path_text(path), (unsigned)cp, *ch ? " \"" : "", ch,
                        *ch ? "\"" : "", t->font_count ? fonts : "none");
}

/* Every character of a data value must be in some font of the template: "a character no
 * configured font has is an error, not a blank box". The message names the field. */
static int check_chars(char_check *cc, sc_ecert__path *path, const char *s)
{
    const sc_ecert_template *t = cc->t;
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    while (*p) {
        if (*p < 0x80)
            cp = *p++;
        else if (!sc_utf8_next(&p, NULL, &cp))
            return sc_error_set(SC_EFORMAT, "%s: invalid UTF-8", sc_ecert__path_text(path));
        uint32_t *seen = &cc->seen[cp % (sizeof(cc->seen) / sizeof(*cc->seen))];
        if (cp == '\n' || cp == ' ' || *seen == cp + 1)
            continue;
        int found = 0;
        for (size_t i = 0; i < t->font_count && !found; i++)
            found = sc_ofd_font_has_char(t->fonts[i].font, cp);
        if (!found)
            return missing_char(t, path, cp);
        *seen = cp + 1;
    }
    return 0;
}

static int check_value_chars(void *cc, sc_ecert__path *path, const char *value)
{
    return check_chars(cc, path, value);
}

/* Every string of the data (and every number's text), named by its path: the documented fields
 * and whatever else a template binds. */
static int check_data_chars(const sc_ecert_template *t, const sc_ecert_data *d)
{
    char_check cc = {t, {0}};
    return sc_ecert__data_each_string(d, check_value_chars, &cc);
}

/* Every field the template requires and the data lacks, in one message ("dates.calibrated,
 * people.checked_by: missing"), so that one run shows what to add. */
static int check_required(const sc_ecert_template *t, const sc_ecert_data *d)
{
    sc_buf missing = SC_BUF_INIT;
    size_t n = 0;
    int error = 0;
    for (size_t i = 0; i < t->required_count && error == 0; i++) {
        const char *v = sc_ecert_data_get(d, t->required[i]);
        if (!v || !*v)
            error = sc_buf_printf(&missing, "%s%s", n++ ? ", " : "", t->required[i]);
    }
    if (error == 0 && n)
        error = sc_error_set(SC_EFORMAT, "%s: missing (the %s template needs %s)",
                             (const char *)missing.ptr, t->name, n > 1 ? "them" : "it");
    sc_buf_dispose(&missing);
    return error;
}

/* ---- layout: the flow ---- */

typedef enum { OP_TEXTBOX, OP_TABLE } op_kind;

/* One piece of the flow placed on a page; drawn in the second pass, once the page count (for
 * "第 N 页 共 M 页") is known. */
typedef struct {
    op_kind kind;
    size_t page;    /* 0-based */
    double x, y, w; /* top-left, width */
    char *text;     /* OP_TEXTBOX: substituted text, owned */
    const sc_ofd_text_style *style;
    sc_ofd_align align;
    sc_ofd_table *table; /* OP_TABLE: borrowed from the layout */
    size_t first, count; /* OP_TABLE rows */
} op;

typedef struct {
    env *e;
    op *ops;
    size_t op_count, op_cap;
    sc_ofd_table **tables; /* owned */
    size_t table_count;
    size_t page; /* current page, 0-based */
    double y;    /* cursor */
    sc_buf text;
} layout;

static double flow_top(const layout *l)
{
    return l->page == 0 && l->e->t->flow_cover_top > 0 ? l->e->t->flow_cover_top
                                                       : l->e->t->flow_top;
}

static double flow_bottom(const layout *l)
{
    const sc_ecert_template *t = l->e->t;
    return l->page == 0 && t->flow_cover_bottom > 0 ? t->flow_cover_bottom : t->flow_bottom;
}

static int new_page(layout *l)
{
    if (l->page + 1 >= SC_ECERT_MAX_PAGES)
        return sc_error_set(SC_ELIMIT, "more than %d pages", SC_ECERT_MAX_PAGES);
    l->page++;
    l->y = flow_top(l);
    return 0;
}

static int push_op(layout *l, const op *o)
{
    if (l->op_count == l->op_cap) {
        size_t cap = l->op_cap ? 2 * l->op_cap : 32;
        op *n = sc_realloc(l->ops, cap * sizeof(*n));
        if (!n)
            return sc_error_oom();
        l->ops = n, l->op_cap = cap;
    }
    l->ops[l->op_count++] = *o;
    return 0;
}

/* A wrapped paragraph at the cursor; a new page first when it does not fit (and @p keep more mm
 * must fit below it: headings stay with what follows). */
static int place_box(layout *l, const char *text, const sc_ofd_text_style *st, sc_ofd_align al,
                     double indent, double keep, double h, size_t lines)
{
    const sc_ecert_template *t = l->e->t;
    int error;
    if (h > t->flow_bottom - t->flow_top) {
        char ex[64];
        return sc_error_set(SC_ELIMIT,
                            "a paragraph of %zu lines without a line break is taller than a page: "
                            "\"%s\"; break it into lines",
                            lines, sc_utf8_excerpt(ex, sizeof(ex), text, 40));
    }
    if (l->y + h + keep > flow_bottom(l) && l->y > flow_top(l) && (error = new_page(l)) < 0)
        return error;
    op o = {OP_TEXTBOX, l->page, t->flow_x + indent, l->y, t->flow_w - indent, NULL, st, al, NULL,
            0,          0};
    if (!(o.text = sc_strdup(text)))
        return sc_error_oom();
    if ((error = push_op(l, &o)) < 0) {
        sc_free(o.text);
        return error;
    }
    l->y += h;
    return 0;
}

/* A paragraph; when not all of it fits here, its lines go on as far as they fit and the rest on
 * the next page, as a paragraph of several lines does in print. */
static int place_text(layout *l, const char *text, const sc_ofd_text_style *st, sc_ofd_align al,
                      double indent, double keep)
{
    double h = 0, w = l->e->t->flow_w - indent;
    size_t lines = 0;
    int error;
    sc_ofd_text_style s = *st;
    s.align = al;
    if ((error = sc_ofd_text_box_measure(&lines, &h, text, w, &s)) < 0)
        return error;
    if (!strchr(text, '\n') || l->y + h + keep <= flow_bottom(l))
        return place_box(l, text, st, al, indent, keep, h, lines);
    for (const char *p = text; error == 0;) {
        const char *nl = strchr(p, '\n');
        char *line = nl ? sc_strndup(p, (size_t)(nl - p)) : NULL;
        if (nl && !line)
            return sc_error_oom();
        const char *one = nl ? line : p;
        if ((error = sc_ofd_text_box_measure(&lines, &h, one, w, &s)) == 0)
            error = place_box(l, one, st, al, indent, nl ? 0 : keep, h, lines);
        sc_free(line);
        if (!nl)
            break;
        p = nl + 1;
    }
    return error;
}

/* Display width of a cell's text in half-width units (CJK counts 2), its longest line. */
static double text_units(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    double line = 0, best = 0;
    uint32_t cp;
    while (*p && (*p < 0x80 ? (cp = *p++, true) : sc_utf8_next(&p, NULL, &cp))) {
        if (cp == '\n') {
            line = 0;
            continue;
        }
        line += cp >= 0x2E80 ? 2 : 1;
        if (line > best)
            best = line;
    }
    return best;
}

/* Column widths for results tables, whose columns come with the data: shares of the flow's
 * width by the longest text of each column (a character count, not a measurement: measuring
 * every cell would cost more than laying the table out), at least 6 units each, capped at 40. */
/* The narrowest column of a results table, mm: with 0.8 mm of padding a side, four digits. */
#define MIN_COLUMN_MM 8.0

static void results_widths(double *widths, const sc_ecert_fields *f, double total)
{
    double sum = 0;
    for (size_t k = 0; k < f->column_count; k++) {
        double u = text_units(f->columns[k]) / 2; /* headings wrap onto two lines readily */
        for (size_t i = 0; i < f->row_count && i < 200; i++) {
            double c = text_units(f->rows[i][k]);
            if (c > u)
                u = c;
        }
        widths[k] = u < 6 ? 6 : u > 40 ? 40 : u;
        sum += widths[k];
    }
    for (size_t k = 0; k < f->column_count; k++)
        widths[k] = total * widths[k] / sum;
}

static void table_style(sc_ofd_table_style *ts, const sc_ecert__block *b)
{
    *ts = (sc_ofd_table_style)SC_OFD_TABLE_STYLE_INIT;
    ts->text = b->style->style;
    ts->header = b->header_style ? b->header_style->style : b->style->style;
    ts->padding = 0.8;
    ts->border_width = 0.2;
}

/* Build the table of a block: results (columns and rows from the data) or an array of objects
 * with the template's columns. */
static int build_table(sc_ofd_table **out, layout *l, const sc_ecert__block *b)
{
    env *e = l->e;
    const sc_ecert_fields *f = e->f;
    sc_ofd_table_style ts;
    sc_ofd_table *tab = NULL;
    double *widths = NULL;
    const char **cells = NULL;
    sc_buf *bufs = NULL;
    char row[96];
    int error = 0;
    int is_results = !b->cols;
    size_t cols = is_results ? f->column_count : b->col_count;

    *out = NULL;
    table_style(&ts, b);
    if (cols == 0)
        return sc_error_set(SC_EFORMAT, "results.columns: no columns");
    if (!(widths = sc_calloc(cols, sizeof(*widths))) ||
        !(cells = sc_calloc(cols, sizeof(*cells))) || !(bufs = sc_calloc(cols, sizeof(*bufs)))) {
        error = sc_error_oom();
        goto done;
    }
    if (is_results) {
        results_widths(widths, f, e->t->flow_w);
        /* Narrower, a cell breaks "1.0001 V" into a digit a line: unreadable, so refused. */
        for (size_t k = 0; k < cols && error == 0; k++)
            if (widths[k] < MIN_COLUMN_MM) {
                char ex[64];
                error = sc_error_set(SC_EINVALID,
                                     "results.columns: %zu columns do not fit the page's %.0f mm: "
                                     "column %zu (\"%s\") would be %.1f mm wide, under %.0f mm; "
                                     "give the table fewer columns",
                                     cols, e->t->flow_w, k + 1,
                                     sc_utf8_excerpt(ex, sizeof(ex), f->columns[k], 30), widths[k],
                                     MIN_COLUMN_MM);
            }
        if (error == 0)
            error = sc_ofd_table_new(&tab, cols, widths, (const char *const *)f->columns, &ts);
    } else {
        for (size_t k = 0; k < cols; k++) {
            widths[k] = b->cols[k].width;
            cells[k] = b->cols[k].title;
        }
        error = sc_ofd_table_new(&tab, cols, widths, cells, &ts);
    }
    if (error < 0)
        goto done;
    if (is_results) {
        for (size_t i = 0; i < f->row_count && error == 0; i++)
            if ((error = sc_ofd_table_add_row(tab, (const char *const *)f->rows[i])) < 0)
                sc_error_prefix("results.rows[%zu]", i);
    } else {
        size_t rows = sc_ecert_data_array_size(e->d, b->source);
        for (size_t i = 0; i < rows && error == 0; i++) {
            snprintf(row, sizeof(row), "%s[%zu]", b->source, i);
            e->row = row;
            e->n = i + 1;
            for (size_t k = 0; k < cols && error == 0; k++)
                if ((error = subst(&bufs[k], e, b->cols[k].value)) == 0)
                    cells[k] = (const char *)bufs[k].ptr;
            e->row = NULL;
            if (error == 0 && (error = sc_ofd_table_add_row(tab, cells)) < 0)
                sc_error_prefix("%s", row);
        }
    }
    if (error == 0 && sc_ofd_table_row_count(tab) == 0) {
        /* An empty table still shows its header, with a row of "/". */
        for (size_t k = 0; k < cols; k++)
            cells[k] = e->t->empty;
        error = sc_ofd_table_add_row(tab, cells);
    }
    if (error < 0)
        goto done;
    *out = tab;
    tab = NULL;
done:
    for (size_t k = 0; bufs && k < cols; k++)
        sc_buf_dispose(&bufs[k]);
    sc_free(bufs);
    sc_free(cells);
    sc_free(widths);
    sc_ofd_table_free(tab);
    return error;
}

static int place_table(layout *l, const sc_ecert__block *b)
{
    const sc_ecert_template *t = l->e->t;
    sc_ofd_table *tab = NULL, **tables;
    int error;
    if ((error = build_table(&tab, l, b)) < 0)
        return error;
    if (!(tables = sc_realloc(l->tables, (l->table_count + 1) * sizeof(*tables)))) {
        sc_ofd_table_free(tab);
        return sc_error_oom();
    }
    l->tables = tables;
    l->tables[l->table_count++] = tab;
    /* Rows flow across pages under a repeated header; a row taller than a whole page's room
     * would run off the page: refused, naming it. */
    size_t rows = sc_ofd_table_row_count(tab), first = 0;
    while (first < rows) {
        size_t fit = sc_ofd_table_rows_fit(tab, first, flow_bottom(l) - l->y);
        if (fit == 0) {
            if (l->y > flow_top(l) || l->page == 0) {
                if ((error = new_page(l)) < 0)
                    return error;
                continue;
            }
            return sc_error_set(SC_ELIMIT,
                                "%s%s[%zu]: a row %.0f mm tall, but a page has %.0f mm for the "
                                "table under its header; split its lines over several rows",
                                b->cols ? b->source : "results", b->cols ? "" : ".rows", first,
                                sc_ofd_table_row_height(tab, first),
                                flow_bottom(l) - flow_top(l) - sc_ofd_table_header_height(tab));
        }
        op o = {OP_TABLE, l->page, t->flow_x, l->y, 0, NULL, NULL, 0, tab, first, fit};
        if ((error = push_op(l, &o)) < 0)
            return error;
        double h = sc_ofd_table_header_height(tab);
        for (size_t i = first; i < first + fit; i++)
            h += sc_ofd_table_row_height(tab, i);
        l->y += h;
        first += fit;
        if (first < rows && (error = new_page(l)) < 0)
            return error;
    }
    return 0;
}

static int place_block(layout *l, const sc_ecert__block *b)
{
    env *e = l->e;
    int error = 0;
    if (!cond_holds(e, b->cond))
        return 0;
    switch (b->kind) {
    case SC_ECERT__BL_SPACE:
        l->y += b->space;
        return 0;
    case SC_ECERT__BL_BREAK:
        return new_page(l);
    case SC_ECERT__BL_HEADING:
    case SC_ECERT__BL_PARAGRAPH:
        if ((error = subst(&l->text, e, b->text)) < 0)
            return error;
        /* A heading keeps 15 mm (a table header and a row) with it. */
        return place_text(l, (const char *)l->text.ptr, &b->style->style, b->align, 0,
                          b->kind == SC_ECERT__BL_HEADING ? 15 : 0);
    case SC_ECERT__BL_LIST: {
        char path[96];
        size_t items = sc_ecert_data_array_size(e->d, b->source);
        /* An empty list says so, as an empty table does: the template's "empty" ("/"). */
        if (items == 0)
            return place_text(l, e->t->empty, &b->style->style, b->style->style.align, b->space, 0);
        for (size_t i = 0; i < items && error == 0; i++) {
            snprintf(path, sizeof(path), "%s[%zu]", b->source, i);
            e->item = sc_ecert_data_get(e->d, path); /* NULL (shown as "empty") for a non-string */
            e->n = i + 1;
            if ((error = subst(&l->text, e, b->text)) == 0)
                error = place_text(l, (const char *)l->text.ptr, &b->style->style,
                                   b->style->style.align, b->space, 0);
            e->item = NULL;
        }
        return error;
    }
    case SC_ECERT__BL_TABLE:
        return place_table(l, b);
    }
    return 0;
}

static void layout_dispose(layout *l)
{
    for (size_t i = 0; i < l->op_count; i++)
        sc_free(l->ops[i].text);
    sc_free(l->ops);
    for (size_t i = 0; i < l->table_count; i++)
        sc_ofd_table_free(l->tables[i]);
    sc_free(l->tables);
    sc_buf_dispose(&l->text);
}

/* ---- drawing ---- */

/* What page 1 shows, for the code's no-overlap rule and for content running into content:
 * boxes (x, y, w, h), each with the element that drew it and the template text it came from. */
typedef struct {
    const char *list; /* "every_page", "cover", "flow" */
    size_t index;     /* in the list */
    const char *text; /* the template's text of it ("{customer.name}", "批准人"); borrowed */
    const char *grew; /* in a "fields" element: the first value above or at it that wrapped
                         onto more lines than one, moving what follows down; NULL: none */
} box_owner;

typedef struct {
    double (*box)[4];
    box_owner *owner;
    size_t count, cap;
    box_owner now; /* the owner of the boxes added next */
} boxes;

static int add_box(boxes *b, double x, double y, double w, double h)
{
    if (!b) /* a page other than page 1: nothing to check there */
        return 0;
    if (b->count == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        double(*n)[4] = sc_realloc(b->box, cap * sizeof(*n));
        if (n)
            b->box = n;
        box_owner *o = n ? sc_realloc(b->owner, cap * sizeof(*o)) : NULL;
        if (!n || !o)
            return sc_error_oom();
        b->owner = o, b->cap = cap;
    }
    b->box[b->count][0] = x, b->box[b->count][1] = y;
    b->box[b->count][2] = w, b->box[b->count][3] = h;
    b->owner[b->count] = b->now;
    b->count++;
    return 0;
}

static double style_size(const sc_ofd_text_style *s)
{
    return s->size > 0 ? s->size : 3.5;
}

/* Draw one line of text; its box (the font size above the baseline, a quarter below). */
static int draw_line_text(sc_ofd_writer *w, boxes *bx, size_t page, double x, double baseline,
                          double width, const char *text, const sc_ofd_text_style *st,
                          sc_ofd_align al)
{
    double adv = 0;
    sc_ofd_text_style s = *st;
    s.align = al;
    int error = sc_ofd_writer_add_text(&adv, w, page, x, baseline, width, text, &s);
    if (error < 0 || !bx || !*text)
        return error;
    double left = x;
    if (width > 0)
        left = al == SC_OFD_ALIGN_LEFT    ? x
               : al == SC_OFD_ALIGN_RIGHT ? x + width - adv
                                          : x + (width - adv) / 2;
    else if (al == SC_OFD_ALIGN_RIGHT)
        left = x - adv;
    else if (al == SC_OFD_ALIGN_CENTER)
        left = x - adv / 2;
    return add_box(bx, left, baseline - style_size(st), adv, 1.25 * style_size(st));
}

/*
 * What of a certificate's content goes on its template pages: the elements no certificate
 * changes (lines, rectangles, images, text without placeholders, none with "if"), and the labels
 * and underlines of a cover's "fields" when every value of the certificate fits on one line (so
 * that no row moves). They are drawn first, on a template page under every page (cover, or flow
 * pages), so they are the same bytes for every certificate and the writer cache deflates and
 * hashes them once; the rest is drawn on the pages, over them.
 */
typedef enum {
    DRAW_STATIC,  /* template page: the static elements, the labels of fixed fields */
    DRAW_DYNAMIC, /* page: the others, the values of fixed fields */
} draw_pass;

/* Does @p s hold a placeholder ("{name}"; "{{" is a brace)? */
static bool has_placeholder(const char *s)
{
    for (; *s; s++)
        if (*s == '{') {
            if (s[1] != '{')
                return true;
            s++;
        }
    return false;
}

static bool el_is_static(const sc_ecert__el *el)
{
    if (el->cond)
        return false;
    switch (el->kind) {
    case SC_ECERT__EL_LINE:
    case SC_ECERT__EL_RECT:
    case SC_ECERT__EL_IMAGE:
        return true;
    case SC_ECERT__EL_TEXT:
    case SC_ECERT__EL_TEXTBOX:
        return !has_placeholder(el->text);
    case SC_ECERT__EL_FIELDS:
        return false;
    }
    return false;
}

/* The value box style of a "fields" element. */
static sc_ofd_text_style field_value_style(const sc_ecert__el *el)
{
    sc_ofd_text_style s = el->style->style;
    s.align = SC_OFD_ALIGN_LEFT;
    return s;
}

/* Are the rows of "fields" element @p el where an empty certificate has them: every value on
 * one line? (@p el is drawn on the cover, where {page} is 1.) */
static int fields_fixed(bool *out, env *e, const sc_ecert__el *el, sc_buf *text)
{
    int error = 0;
    *out = el->kind == SC_ECERT__EL_FIELDS && !el->cond && el->field_count > 0;
    if (!*out)
        return 0;
    sc_ofd_text_style s = field_value_style(el);
    for (size_t i = 0; *out && i < el->field_count; i++) {
        size_t lines = 0;
        if ((error = subst(text, e, el->fields[i].value)) < 0 ||
            (error = sc_ofd_text_box_measure(&lines, NULL, (const char *)text->ptr,
                                             el->w - el->label_width, &s)) < 0)
            return error;
        *out = lines == 1;
    }
    return 0;
}

static int draw_fields(sc_ofd_writer *w, env *e, boxes *bx, size_t page, const sc_ecert__el *el,
                       sc_buf *text, bool fixed, draw_pass pass)
{
    const sc_ofd_text_style *vs = &el->style->style, *ls = &el->label_style->style;
    const sc_ofd_text_style *es = el->label_en_style ? &el->label_en_style->style : ls;
    double y = el->y, vw = el->w - el->label_width;
    bool labels = !fixed || pass == DRAW_STATIC, values = !fixed || pass == DRAW_DYNAMIC;
    sc_ofd_text_style s = field_value_style(el);
    /* The label's baseline: the first line of the value box is centred in its line. */
    double line_h = s.line_height > 0 ? s.line_height : 1.5 * style_size(vs);
    const char *grew = NULL;
    int error = 0;
    for (size_t i = 0; i < el->field_count && error == 0; i++) {
        const sc_ecert__field *f = &el->fields[i];
        double h = line_h, lh = style_size(ls) * 1.3;
        double base = y + line_h / 2 + 0.35 * style_size(vs);
        if (bx)
            bx->now.text = f->label;
        if (labels &&
            ((error = draw_line_text(w, bx, page, el->x, base, 0, f->label, ls,
                                     SC_OFD_ALIGN_LEFT)) < 0 ||
             (f->label_en && (error = draw_line_text(w, bx, page, el->x, base + lh * 0.9, 0,
                                                     f->label_en, es, SC_OFD_ALIGN_LEFT)) < 0)))
            return error;
        if (values) {
            if (bx)
                bx->now.text = f->value;
            if ((error = subst(text, e, f->value)) < 0 ||
                (error = sc_ofd_writer_add_text_box(&h, w, page, el->x + el->label_width, y, vw,
                                                    (const char *)text->ptr, &s)) < 0)
                return error;
            if (!grew && h > line_h + 0.01)
                grew = f->value;
            if (bx)
                bx->now.grew = grew;
            if ((error = add_box(bx, el->x + el->label_width, y, vw, h)) < 0)
                return error;
            if (SC_NEVER(fixed && h != line_h))
                return sc_error_set(SC_ERROR, "fields: a value measured on one line took %.1f mm",
                                    h);
        }
        if (labels && el->underline > 0) {
            sc_ofd_path_style ps = SC_OFD_PATH_STYLE_INIT;
            ps.line_width = el->underline;
            ps.stroke = SC_OFD_RGB(0x60, 0x60, 0x60);
            if ((error = sc_ofd_writer_add_line(w, page, el->x + el->label_width, y + h + 0.3,
                                                el->x + el->w, y + h + 0.3, &ps)) < 0)
                return error;
        }
        double used = h + (f->label_en ? lh * 0.5 : 0);
        y += used > el->row_height ? used + 1.5 : el->row_height;
    }
    return error;
}

static int draw_element(sc_ofd_writer *w, env *e, boxes *bx, size_t page, const sc_ecert__el *el,
                        sc_buf *text, bool fixed, draw_pass pass)
{
    int error;
    if (el->kind == SC_ECERT__EL_FIELDS ? pass == DRAW_STATIC && !fixed
                                        : el_is_static(el) != (pass == DRAW_STATIC))
        return 0;
    if (!cond_holds(e, el->cond))
        return 0;
    switch (el->kind) {
    case SC_ECERT__EL_LINE:
        return sc_ofd_writer_add_line(w, page, el->x, el->y, el->x2, el->y2, &el->path);
    case SC_ECERT__EL_RECT: {
        sc_ofd_path *p = NULL;
        if ((error = sc_ofd_path_new(&p)) == 0 &&
            (error = sc_ofd_path_rect(p, el->x, el->y, el->w, el->h)) == 0)
            error = sc_ofd_writer_add_path(w, page, p, &el->path);
        sc_ofd_path_free(p);
        return error;
    }
    case SC_ECERT__EL_IMAGE:
        if ((error = sc_ofd_writer_add_image(w, page, el->image, el->image_len, el->x, el->y, el->w,
                                             el->h)) < 0)
            return error;
        return bx ? add_box(bx, el->x, el->y, el->w, el->h) : 0;
    case SC_ECERT__EL_FIELDS:
        return draw_fields(w, e, bx, page, el, text, fixed, pass);
    case SC_ECERT__EL_TEXT:
        if ((error = subst(text, e, el->text)) < 0)
            return error;
        return draw_line_text(w, bx, page, el->x, el->y, el->w, (const char *)text->ptr,
                              &el->style->style, el->align);
    case SC_ECERT__EL_TEXTBOX: {
        double h = 0;
        sc_ofd_text_style s = el->style->style;
        s.align = el->align;
        if ((error = subst(text, e, el->text)) < 0 ||
            (error = sc_ofd_writer_add_text_box(&h, w, page, el->x, el->y, el->w,
                                                (const char *)text->ptr, &s)) < 0)
            return error;
        return bx ? add_box(bx, el->x, el->y, el->w, h) : 0;
    }
    }
    return 0;
}

/* Draw the elements of a list in @p pass; @p fixed: which are fixed fields (NULL: none). */
static int draw_elements(sc_ofd_writer *w, env *e, boxes *bx, size_t page, const sc_ecert__el *els,
                         size_t count, const char *list, sc_buf *text, const bool *fixed,
                         draw_pass pass)
{
    int error = 0;
    for (size_t i = 0; i < count && error == 0; i++) {
        if (bx)
            bx->now = (box_owner){list, i, els[i].text, NULL};
        if ((error = draw_element(w, e, bx, page, &els[i], text, fixed && fixed[i], pass)) < 0)
            sc_error_prefix("template %s[%zu]", list, i);
    }
    return error;
}

/* Does a list hold anything for a template page? */
static bool any_static(const sc_ecert__el *els, size_t count, const bool *fixed)
{
    for (size_t i = 0; i < count; i++)
        if (el_is_static(&els[i]) || (fixed && fixed[i]))
            return true;
    return false;
}

static int draw_op(sc_ofd_writer *w, boxes *bx, const op *o, double flow_w)
{
    int error;
    if (o->kind == OP_TABLE) {
        double h = 0;
        if ((error = sc_ofd_writer_add_table(&h, w, o->page, o->x, o->y, o->table, o->first,
                                             o->count)) < 0)
            return error;
        return o->page == 0 && bx ? add_box(bx, o->x, o->y, flow_w, h) : 0;
    }
    double h = 0;
    sc_ofd_text_style s = *o->style;
    s.align = o->align;
    if ((error = sc_ofd_writer_add_text_box(&h, w, o->page, o->x, o->y, o->w, o->text, &s)) < 0)
        return error;
    return o->page == 0 && bx ? add_box(bx, o->x, o->y, o->w, h) : 0;
}

/* ---- content running into content ---- */

/* Boxes may touch (line heights are generous): they collide when they share more than this
 * in both directions. */
#define COLLIDE_MM 0.3

/* The data field of a template text: the path of its first placeholder ("customer.name" of
 * "{customer.name}"), in @p out; "" when it has none. */
static const char *field_of(char out[128], const char *text)
{
    const char *a = text ? strchr(text, '{') : NULL, *b = a ? strchr(a, '}') : NULL;
    size_t n = a && b && b > a + 1 ? (size_t)(b - a - 1) : 0;
    if (n >= 128)
        n = 127;
    memcpy(out, n ? a + 1 : "", n);
    out[n] = 0;
    return out;
}

typedef struct {
    double top;
    size_t index;
} box_top;

static int box_order(const void *a, const void *b)
{
    const box_top *x = a, *y = b;
    return x->top < y->top   ? -1
           : x->top > y->top ? 1
                             : (x->index > y->index) - (x->index < y->index);
}

/* "instrument.model: page 1: it wraps onto more lines than the template has room for, and "
 * or "customer.name: page 1: ": the field whose data took the room, for messages. */
static const char *culprit(char out[256], const box_owner *o)
{
    char f[128];
    if (o->grew && o->grew != o->text)
        snprintf(out, 256,
                 "%s: page 1: it wraps onto more lines than the template has room for, "
                 "and ",
                 field_of(f, o->grew));
    else if (*field_of(f, o->text))
        snprintf(out, 256, "%s: page 1: ", f);
    else
        snprintf(out, 256, "page 1: ");
    return out;
}

static int collision(const boxes *bx, size_t i, size_t k)
{
    const box_owner *a = &bx->owner[i], *b = &bx->owner[k];
    char fa[128], c[256], ta[64], tb[64];
    const double *at = bx->box[k]; /* where they meet: the top of the lower one */
    if (bx->box[i][1] > at[1])
        at = bx->box[i];
    /* Name the data that grew: a wrapped value, or one with a placeholder, else the later. */
    if ((!a->grew && b->grew) || (!a->grew && !*field_of(fa, a->text) && *field_of(fa, b->text))) {
        const box_owner *t = a;
        a = b, b = t;
    }
    return sc_error_set(SC_EINVALID,
                        "%s\"%s\" (template %s[%zu]) runs into \"%s\" (%s[%zu]) at (%.1f, %.1f "
                        "mm): the data needs more room than the template gives it; shorten it, or "
                        "give it more room in the template",
                        culprit(c, a), sc_utf8_excerpt(ta, sizeof(ta), a->text, 40), a->list,
                        a->index, sc_utf8_excerpt(tb, sizeof(tb), b->text, 40), b->list, b->index,
                        at[0], at[1]);
}

/* Page 1: no element's content over another's (a value wrapped onto more lines than the
 * template has room for runs into what follows it). Boxes are swept in order of their tops. */
static int check_page1(const boxes *bx)
{
    box_top *order = sc_malloc((bx->count ? bx->count : 1) * sizeof(*order));
    int error = 0;
    if (!order)
        return sc_error_oom();
    for (size_t i = 0; i < bx->count; i++)
        order[i] = (box_top){bx->box[i][1], i};
    qsort(order, bx->count, sizeof(*order), box_order);
    for (size_t i = 0; i < bx->count && error == 0; i++) {
        const double *a = bx->box[order[i].index];
        const box_owner *oa = &bx->owner[order[i].index];
        for (size_t k = i + 1; k < bx->count && error == 0; k++) {
            const double *b = bx->box[order[k].index];
            const box_owner *ob = &bx->owner[order[k].index];
            if (b[1] >= a[1] + a[3] - COLLIDE_MM)
                break; /* this one and every later one start below a */
            if (oa->list == ob->list && oa->index == ob->index)
                continue;
            if (a[0] + COLLIDE_MM < b[0] + b[2] && b[0] + COLLIDE_MM < a[0] + a[2])
                error = collision(bx, order[i].index, order[k].index);
        }
    }
    sc_free(order);
    return error;
}

/* No text of page 1 under seal @p index (box @p seal, its picture round: the circle counts). */
static int check_seal_clear(const boxes *bx, const double seal[4], size_t index)
{
    double r = seal[2] / 2 - COLLIDE_MM, cx = seal[0] + seal[2] / 2, cy = seal[1] + seal[3] / 2;
    for (size_t i = 0; i < bx->count; i++) {
        const double *a = bx->box[i];
        double dx = a[0] > cx ? a[0] - cx : cx > a[0] + a[2] ? cx - (a[0] + a[2]) : 0;
        double dy = a[1] > cy ? a[1] - cy : cy > a[1] + a[3] ? cy - (a[1] + a[3]) : 0;
        char c[256], t[64];
        if (dx * dx + dy * dy < r * r)
            return sc_error_set(SC_EINVALID,
                                "%s\"%s\" (template %s[%zu]) lies under the seal (seals[%zu]); "
                                "shorten it, or move the seal in the template (\"over_text\": "
                                "true allows a seal over text)",
                                culprit(c, &bx->owner[i]),
                                sc_utf8_excerpt(t, sizeof(t), bx->owner[i].text, 40),
                                bx->owner[i].list, bx->owner[i].index, index);
    }
    return 0;
}

/* The page template seal @p i goes on (1-based): its page, the last when it names none or one
 * past the end. */
static size_t seal_page(const sc_ecert_template *t, size_t i, size_t pages)
{
    long p = t->seals[i].page;
    return p <= 0 || (size_t)p > pages ? pages : (size_t)p;
}

/* ---- the code ---- */

typedef struct {
    sc_ecert_code_kind kind;
    double x, y;
} code_place;

static int draw_codes(sc_ofd_writer *w, const env *e, const boxes *bx,
                      const double (*seal_boxes)[4], size_t seals)
{
    const sc_ecert_template *t = e->t;
    unsigned codes = e->o->codes ? e->o->codes : SC_ECERT_CODES_GM;
    code_place places[2];
    size_t n = 0;
    int error = 0;
    if (codes & ~(unsigned)SC_ECERT_CODES_BOTH)
        return sc_error_set(SC_EINVALID, "codes: unknown code kinds 0x%x", codes);
    if (codes == SC_ECERT_CODES_BOTH && !t->has_code2)
        return sc_error_set(
            SC_EINVALID, "template %s has one code position (no code2): print one code", t->name);
    if (codes & SC_ECERT_CODES_GM)
        places[n++] = (code_place){SC_ECERT_CODE_GRID_MATRIX, t->code_x, t->code_y};
    if (codes & SC_ECERT_CODES_QR) {
        /* With Grid Matrix at "code", QR goes to "code2". */
        int second = n > 0;
        places[n++] = (code_place){SC_ECERT_CODE_QR, second ? t->code2_x : t->code_x,
                                   second ? t->code2_y : t->code_y};
    }
    for (size_t i = 0; i < n && error == 0; i++) {
        sc_ecert_code *c = NULL;
        if ((error = sc_ecert_code_encode(&c, places[i].kind, e->url)) < 0)
            break;
        /* T/CMA 4.3.4: the code may cover no other content, quiet zone included. */
        double q = t->code_size * (double)sc_ecert_code_quiet_modules(c) /
                   (double)sc_ecert_code_modules(c);
        double area[4] = {places[i].x - q, places[i].y - q, t->code_size + 2 * q,
                          t->code_size + 2 * q};
        for (size_t k = 0; k < bx->count && error == 0; k++)
            if (sc_ecert__boxes_overlap(area, bx->box[k]))
                error = sc_error_set(SC_EINVALID,
                                     "page 1: content at (%.1f, %.1f, %.1f x %.1f mm) lies under "
                                     "the code (T/CMA 4.3.4); shorten it or move the code in the "
                                     "template",
                                     bx->box[k][0], bx->box[k][1], bx->box[k][2], bx->box[k][3]);
        for (size_t k = 0; k < seals && error == 0; k++)
            if (sc_ecert__boxes_overlap(area, seal_boxes[k]))
                error =
                    sc_error_set(SC_EINVALID, "page 1: the seal lies over the code (T/CMA 4.3.4)");
        if (error == 0)
            error =
                sc_ecert_code_draw(w, 0, c, places[i].x, places[i].y, t->code_size, SC_OFD_BLACK);
        sc_ecert_code_free(c);
    }
    return error;
}

/* ---- tags ---- */

static int add_tags(sc_ofd_writer *w, const env *e)
{
    const sc_ecert_fields *f = e->f;
    char type[4], rev[4];
    snprintf(type, sizeof(type), "%d", f->type);
    snprintf(rev, sizeof(rev), "%d", f->revision);
    const char *keys[] = {"id",
                          "number",
                          "type",
                          "type_name",
                          "serial",
                          "revision",
                          "issuer",
                          "issuer_org_code",
                          "customer",
                          "instrument",
                          "instrument_model",
                          "instrument_serial",
                          "issued",
                          "url",
                          "supersedes",
                          "supplement_to"};
    const char *values[] = {e->id,
                            f->number,
                            type,
                            sc_ecert_type_name(f->type),
                            f->serial,
                            rev,
                            f->issuer.name,
                            f->issuer.org_code,
                            f->customer.name,
                            f->instrument.name,
                            f->instrument.model,
                            f->instrument.serial,
                            f->dates.issued,
                            e->url,
                            e->o->supersedes ? e->o->supersedes : "",
                            e->o->supplement_to ? e->o->supplement_to : ""};
    return sc_ofd_writer_add_custom_tag_pairs(w, TAGS_TYPE_ID, keys, values,
                                              sizeof(keys) / sizeof(keys[0]));
}

static int add_attachments(sc_ofd_writer *w, const sc_ecert_issue_options *o)
{
    int error = 0;
    for (size_t i = 0; i < o->attachment_count && error == 0; i++) {
        const sc_ecert_attachment *a = &o->attachments[i];
        char fallback[48];
        const char *name = a->name && *a->name ? a->name : fallback;
        sc_ofd *check = NULL;
        snprintf(fallback, sizeof(fallback), "Attachment_%zu.ofd", i + 1);
        /* T/CMA 4.1.5: attachments are OFD documents too, and 4.1.4 holds for them as for the
         * certificate: no dynamic elements. */
        if ((error = sc_ofd_open(&check, a->data, a->len, NULL)) < 0) {
            sc_error_prefix("attachment %s: not an OFD document", name);
            break;
        }
        error = sc_ofd_check_static(check);
        sc_ofd_free(check);
        if (error < 0) {
            sc_error_prefix("attachment %s", name);
            break;
        }
        error = sc_ofd_writer_add_attachment(w, name, "ofd", a->data, a->len);
    }
    return error;
}

/* ---- issue ---- */

void sc_ecert_issued_dispose(sc_ecert_issued *r)
{
    if (!r)
        return;
    /* A certificate is public: no wiping of its ~150 KB (sc_buf_dispose). */
    sc_buf_dispose_public(&r->ofd);
    sc_buf_dispose_public(&r->file_name);
    sc_buf_dispose_public(&r->id);
    sc_buf_dispose_public(&r->url);
    r->page_count = 0;
}

static int make_id(sc_buf *id, sc_buf *url, const env *e, const char *root)
{
    const sc_ecert_fields *f = e->f;
    sc_buf enc = SC_BUF_INIT;
    sc_ecert_id parts = {root,      f->type,    f->issuer.org_code, f->issuer.accreditation,
                         f->serial, f->revision};
    int error;
    if (!root || !*root)
        return sc_error_set(SC_EINVALID,
                            "no identifier root code: configure the OID your organisation uses "
                            "for electronic certificates (T/CMA 4.5.5; sealcert issue --id-root "
                            "or SEALCERT_ID_ROOT, or the template's id_root)");
    if ((error = sc_ecert_id_format(id, &parts)) < 0 ||
        (error = sc_ecert_id_url_encode(&enc, (const char *)id->ptr)) < 0 ||
        (error = sc_buf_printf(url, "%s/v/%s", f->issuer.base_url, (const char *)enc.ptr)) < 0)
        goto done;
done:
    sc_buf_dispose(&enc);
    return error;
}

/* The template's seals, then the riding seal, applied by the writer when it finishes: one zip
 * pass, no reopening (sc_ofd_writer_add_seal). */
static int add_seals(sc_ofd_writer *w, const env *e, size_t pages)
{
    const sc_ecert_issue_options *o = e->o;
    const sc_ecert_template *t = e->t;
    int error = 0;
    size_t rounds = t->seal_count + (o->riding ? 1 : 0);
    for (size_t i = 0; i < rounds && error == 0; i++) {
        sc_ofd_sign_options so = SC_OFD_SIGN_OPTIONS_INIT;
        so.time = o->time;
        so.no_seal_file = 1; /* the seal is in the SES_Signature: not twice per signature */
        if (i < t->seal_count) {
            so.page = seal_page(t, i, pages);
            so.x_mm = t->seals[i].x;
            so.y_mm = t->seals[i].y;
        } else {
            so.riding = 1;
        }
        error = sc_ofd_writer_add_seal(w, o->seal, o->key, o->cert, &so);
    }
    return error;
}

/* T/CMA 6.4: a correction or a supplement comes from the issuer of the certificate it follows
 * (o->earlier). A correction keeps the serial, type and accreditation, so that the identifiers
 * differ only in the revision, the next one, and has a number of its own; a supplement has a
 * serial of its own. A correction of a supplement is both: the earlier one is the supplement
 * it corrects. */
static int check_earlier(const sc_ecert_issue_options *o, const sc_ecert_fields *f)
{
    const sc_ecert_id *e = o->earlier;
    if (o->supersedes && strcmp(f->number, o->supersedes) == 0)
        return sc_error_set(SC_EINVALID,
                            "number: %s is the number of the certificate this one supersedes; "
                            "the corrected certificate has a number of its own (T/CMA 6.4.1: "
                            "修改后的证书号)",
                            f->number);
    if (o->supplement_to && strcmp(f->serial, o->supplement_to) == 0)
        return sc_error_set(SC_EINVALID,
                            "serial: %s is the serial of the certificate this file supplements; "
                            "a supplementary file has its own (T/CMA 4.5.3, 6.4.2)",
                            f->serial);
    if (!e)
        return 0;
    if (!o->supersedes && !o->supplement_to)
        return sc_error_set(SC_EINVALID, "an earlier certificate, but neither supersedes nor "
                                         "supplement_to");
    if (strcmp(f->issuer.org_code, e->issuer) != 0)
        return sc_error_set(SC_EFORMAT,
                            "issuer.org_code: %s, but the earlier certificate was issued by %s",
                            f->issuer.org_code, e->issuer);
    if (o->supplement_to && !o->supersedes) /* a correction of a supplement is a correction */
        return strcmp(o->supplement_to, e->serial) == 0
                   ? 0
                   : sc_error_set(SC_EINVALID,
                                  "supplement_to: %s, but the supplemented certificate has "
                                  "serial %s",
                                  o->supplement_to, e->serial);
    if (strcmp(f->serial, e->serial) != 0)
        return sc_error_set(SC_EFORMAT,
                            "serial: %s, but the superseded certificate has serial %s (a "
                            "correction keeps the serial, T/CMA 6.4.1)",
                            f->serial, e->serial);
    if (f->type != e->type)
        return sc_error_set(SC_EFORMAT, "type: %d, but the superseded certificate is of type %d",
                            f->type, e->type);
    if (strcmp(f->issuer.accreditation, e->accreditation) != 0)
        return sc_error_set(SC_EFORMAT,
                            "issuer.accreditation: %s, but the superseded certificate has %s",
                            f->issuer.accreditation, e->accreditation);
    if (f->revision != e->revision + 1)
        return sc_error_set(SC_EFORMAT,
                            "revision: %d, but the correction of a revision %d certificate is "
                            "revision %d (T/CMA 6.4.1)",
                            f->revision, e->revision, e->revision + 1);
    return 0;
}

/* T/CMA 4.2: the seal says it is an electronic certificate seal of the certificate's kind. */
static int check_seal_name(const env *e)
{
    const char *kind, *name = sc_seal_name(e->o->seal);
    const char *type = sc_ecert_type_name(e->f->type);
    if (sc_ecert_seal_name_fits(&kind, name, e->f->type, e->t->category))
        return 0;
    if (kind)
        return sc_error_set(SC_EINVALID,
                            "seal \"%s\": a %s carries a %s电子证书专用章; the seal's name must "
                            "say 电子证书 and %s (T/CMA 4.2.1, 4.2.2)",
                            name ? name : "", type, kind, kind);
    return sc_error_set(
        SC_EINVALID,
        "seal \"%s\": a %s carries an electronic certificate seal, a 检定, 校准, 检验 "
        "or 检测电子证书专用章 (T/CMA 4.2.1, 4.2.2)",
        name ? name : "", type);
}

/* T/CMA 4.4 with the template's category; a correction or a supplement says so at the end
 * ("-修改1", "-补充文件"), so that it never takes the name of the certificate it follows. */
static int file_name(sc_buf *out, const env *e)
{
    char suffix[48] = "";
    if (e->o->supplement_to && e->f->revision > 0)
        snprintf(suffix, sizeof(suffix), "补充文件-修改%d", e->f->revision);
    else if (e->o->supplement_to)
        snprintf(suffix, sizeof(suffix), "补充文件");
    else if (e->f->revision > 0)
        snprintf(suffix, sizeof(suffix), "修改%d", e->f->revision);
    return sc_ecert_file_name_for(out, e->t->category, e->f->number, e->f->instrument.name,
                                  e->f->instrument.serial, suffix);
}

/* Page 1 and its template: no merged text object's Boundary over the code positions (readers
 * that check T/CMA 4.3.4 test every object's Boundary against the code). */
static int keep_codes_clear(sc_ofd_writer *w, const sc_ecert_template *t, size_t page)
{
    double areas[2][4];
    size_t n = sc_ecert__code_areas(t, areas);
    int error = 0;
    for (size_t i = 0; i < n && error == 0; i++)
        error =
            sc_ofd_writer_keep_clear(w, page, areas[i][0], areas[i][1], areas[i][2], areas[i][3]);
    return error;
}

int sc_ecert_issue(sc_ecert_issued *out, const sc_ecert_template *t, const sc_ecert_data *d,
                   const sc_ecert_issue_options *opts)
{
    sc_ecert_issue_options defaults = SC_ECERT_ISSUE_OPTIONS_INIT;
    const sc_ecert_issue_options *o = opts ? opts : &defaults;
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    env e = {0};
    layout l = {0};
    boxes bx = {0};
    double(*sb)[4] = NULL; /* the boxes of the seals on page 1 */
    sc_ofd_writer *w = NULL;
    sc_buf text = SC_BUF_INIT, title = SC_BUF_INIT;
    bool *fixed = NULL; /* fields_fixed() of each cover element */
    int error;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(t);
    SC_ASSERT_ARG(d);
    if (o->seal && (!o->key || !o->cert))
        return sc_error_set(SC_EINVALID, "sealing needs the signer's key and certificate");
    if (o->riding && !o->seal)
        return sc_error_set(SC_EINVALID, "a riding seal needs a seal");
    e.t = t, e.d = d, e.f = sc_ecert_data_fields(d), e.o = o;
    if (e.f->type != t->type) {
        error = sc_error_set(SC_EFORMAT, "type: %d (%s), but the %s template is for type %d (%s)",
                             e.f->type, sc_ecert_type_name(e.f->type), t->name, t->type,
                             sc_ecert_type_name(t->type));
        goto done;
    }
    if (o->seal && (error = check_seal_name(&e)) < 0)
        goto done;
    if ((error = check_earlier(o, e.f)) < 0)
        goto done;
    if ((error = check_required(t, d)) < 0 || (error = check_data_chars(t, d)) < 0 ||
        (error = make_id(&r.id, &r.url, &e, o->id_root ? o->id_root : t->id_root)) < 0 ||
        (error = file_name(&r.file_name, &e)) < 0)
        goto done;
    e.id = (const char *)r.id.ptr;
    e.url = (const char *)r.url.ptr;
    if (o->supplement_to &&
        (error = sc_buf_printf(&e.supplement_notice, "对序号为%s的证书/报告的补充文件",
                               o->supplement_to)) < 0)
        goto done;

    /* Pass 1: the flow, to know the pages. */
    l.e = &e;
    l.page = t->flow_cover_top > 0 ? 0 : 1;
    l.y = flow_top(&l);
    for (size_t i = 0; i < t->block_count && error == 0; i++)
        if ((error = place_block(&l, &t->blocks[i])) < 0) {
            /* The data a block shows ("notes: ..."), else the template's block. */
            char field[128];
            const sc_ecert__block *b = &t->blocks[i];
            if (b->kind == SC_ECERT__BL_LIST && b->source)
                sc_error_prefix("%s (template flow.blocks[%zu])", b->source, i);
            else if (b->kind != SC_ECERT__BL_TABLE && *field_of(field, b->text))
                sc_error_prefix("%s (template flow.blocks[%zu])", field, i);
            else if (b->kind != SC_ECERT__BL_TABLE)
                sc_error_prefix("template flow.blocks[%zu]", i);
        }
    if (error < 0)
        goto done;
    size_t pages = l.page + 1;

    /* Pass 2: draw. */
    sc_ofd_writer_options wo = SC_OFD_WRITER_OPTIONS_INIT;
    if ((error = sc_buf_printf(&title, "%s %s", sc_ecert_type_name(e.f->type), e.f->number)) < 0)
        goto done;
    wo.title = (const char *)title.ptr;
    wo.author = e.f->issuer.name;
    wo.subject = e.id;
    wo.creation_time = o->time;
    wo.page_width = t->page_w;
    wo.page_height = t->page_h;
    wo.cache = t->cache;
    if ((error = sc_ofd_writer_new(&w, &wo)) < 0)
        goto done;
    for (size_t i = 0; i < t->font_count && error == 0; i++)
        if (t->fonts[i].base.size)
            error =
                sc_ofd_writer_embed_chars(w, t->fonts[i].font, (const char *)t->fonts[i].base.ptr);
    e.pages = pages;
    e.page = 1;
    if (t->cover_count && !(fixed = sc_calloc(t->cover_count, sizeof(*fixed))))
        error = sc_error_oom();
    for (size_t i = 0; i < t->cover_count && error == 0; i++)
        error = fields_fixed(&fixed[i], &e, &t->cover[i], &text);
    /* The template pages first, so that their IDs, and so their bytes, are the same for every
     * certificate (draw_pass). */
    size_t tpl[2] = {SIZE_MAX, SIZE_MAX}; /* cover, flow pages */
    if (error == 0 && (any_static(t->every, t->every_count, NULL) ||
                       any_static(t->cover, t->cover_count, fixed))) {
        if ((error = sc_ofd_writer_add_template(&tpl[0], w)) < 0 ||
            (error = keep_codes_clear(w, t, tpl[0])) < 0 ||
            (error = draw_elements(w, &e, &bx, tpl[0], t->every, t->every_count, "every_page",
                                   &text, NULL, DRAW_STATIC)) < 0 ||
            (error = draw_elements(w, &e, &bx, tpl[0], t->cover, t->cover_count, "cover", &text,
                                   fixed, DRAW_STATIC)) < 0)
            goto done;
    }
    e.page = 2;
    if (error == 0 && pages > 1 &&
        (any_static(t->every, t->every_count, NULL) ||
         any_static(t->header, t->header_count, NULL))) {
        if ((error = sc_ofd_writer_add_template(&tpl[1], w)) < 0 ||
            (error = draw_elements(w, &e, NULL, tpl[1], t->every, t->every_count, "every_page",
                                   &text, NULL, DRAW_STATIC)) < 0 ||
            (error = draw_elements(w, &e, NULL, tpl[1], t->header, t->header_count, "flow.header",
                                   &text, NULL, DRAW_STATIC)) < 0)
            goto done;
    }
    for (size_t p = 0; p < pages && error == 0; p++) {
        size_t page, use = tpl[p == 0 ? 0 : 1];
        e.page = p + 1;
        boxes *pb = p == 0 ? &bx : NULL;
        if ((error = sc_ofd_writer_add_page(&page, w, 0, 0)) < 0 ||
            (p == 0 && (error = keep_codes_clear(w, t, page)) < 0) ||
            (use != SIZE_MAX && (error = sc_ofd_writer_use_template(w, page, use)) < 0) ||
            (error = draw_elements(w, &e, pb, page, t->every, t->every_count, "every_page", &text,
                                   NULL, DRAW_DYNAMIC)) < 0 ||
            (p == 0 && (error = draw_elements(w, &e, pb, page, t->cover, t->cover_count, "cover",
                                              &text, fixed, DRAW_DYNAMIC)) < 0) ||
            (p > 0 && (error = draw_elements(w, &e, pb, page, t->header, t->header_count,
                                             "flow.header", &text, NULL, DRAW_DYNAMIC)) < 0))
            goto done;
    }
    for (size_t i = 0; i < l.op_count && error == 0; i++) {
        bx.now =
            (box_owner){"flow", i, l.ops[i].kind == OP_TEXTBOX ? l.ops[i].text : "a table", NULL};
        error = draw_op(w, l.ops[i].page == 0 ? &bx : NULL, &l.ops[i], t->flow_w);
    }
    if (error < 0)
        goto done;
    /* Every seal that lands on page 1: clear of its text (unless over_text) and of the code. */
    size_t nsb = 0;
    const sc_seal_picture *pic = o->seal ? sc_seal_picture_of(o->seal) : NULL;
    if (pic && !(sb = sc_calloc(t->seal_count ? t->seal_count : 1, sizeof(*sb)))) {
        error = sc_error_oom();
        goto done;
    }
    for (size_t i = 0; pic && i < t->seal_count && error == 0; i++) {
        if (seal_page(t, i, pages) != 1)
            continue;
        double *b = sb[nsb++];
        b[0] = t->seals[i].x - (double)pic->width_mm / 2;
        b[1] = t->seals[i].y - (double)pic->height_mm / 2;
        b[2] = (double)pic->width_mm, b[3] = (double)pic->height_mm;
        if (!t->seals[i].over_text)
            error = check_seal_clear(&bx, b, i);
    }
    if (error < 0 || (error = check_page1(&bx)) < 0 ||
        (error = draw_codes(w, &e, &bx, (const double(*)[4])sb, nsb)) < 0 ||
        (error = add_tags(w, &e)) < 0 || (error = add_attachments(w, o)) < 0 ||
        (o->seal && (error = add_seals(w, &e, pages)) < 0) ||
        (error = sc_ofd_writer_finish(&r.ofd, w)) < 0)
        goto done;
    r.page_count = pages;
    *out = r;
    memset(&r, 0, sizeof(r));
done:
    sc_ecert_issued_dispose(&r);
    sc_ofd_writer_free(w);
    layout_dispose(&l);
    sc_free(bx.box);
    sc_free(bx.owner);
    sc_free(sb);
    sc_free(fixed);
    sc_buf_dispose(&text);
    sc_buf_dispose(&title);
    sc_buf_dispose(&e.supplement_notice);
    return error;
}

/* ---- reading the tags back ---- */

void sc_ecert_tags_dispose(sc_ecert_tags *tags)
{
    if (!tags)
        return;
    char **fields[] = {&tags->id,     &tags->number,     &tags->instrument,   &tags->customer,
                       &tags->issued, &tags->supersedes, &tags->supplement_to};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        sc_free(*fields[i]);
        *fields[i] = NULL;
    }
    tags->type = 0;
}

int sc_ecert_tags_read(sc_ecert_tags *out, const sc_ofd *ofd)
{
    sc_ofd_tag_pairs p = {0};
    sc_ecert_tags r = {0};
    int error;
    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(ofd);
    memset(out, 0, sizeof(*out));
    if ((error = sc_ofd_tag_pairs_read(&p, ofd, 0, TAGS_TYPE_ID)) < 0)
        return error;
    const char *id = sc_ofd_tag_pairs_get(&p, "id");
    const char *type = sc_ofd_tag_pairs_get(&p, "type");
    if (!id || !*id || !type || !(type[0] >= '1' && type[0] <= '8' && !type[1])) {
        error = sc_error_set(SC_EFORMAT, "custom tag %s: no id or no type 1..8", TAGS_TYPE_ID);
        goto done;
    }
    r.type = type[0] - '0';
    const char *keys[] = {"id",     "number",     "instrument",   "customer",
                          "issued", "supersedes", "supplement_to"};
    char **dst[] = {&r.id,     &r.number,     &r.instrument,   &r.customer,
                    &r.issued, &r.supersedes, &r.supplement_to};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = sc_ofd_tag_pairs_get(&p, keys[i]);
        if (!(*dst[i] = sc_strdup(v ? v : ""))) {
            error = sc_error_oom();
            goto done;
        }
    }
    *out = r;
    memset(&r, 0, sizeof(r));
done:
    sc_ecert_tags_dispose(&r);
    sc_ofd_tag_pairs_dispose(&p);
    return error;
}
