/* lib/ofd: the layout layer of the OFD writer: text boxes with CJK + Latin line breaking and
 * simple tables with wrapped cells and pagination (lengths in mm, as GB/T 33190-2016 5.1).
 *
 * Line breaking is a greedy first fit over break opportunities, a small subset of UAX #14 that
 * covers Chinese documents: between two characters when either is CJK, after a run of spaces,
 * never before closing punctuation (，。、；：？！）》」』 ...) nor after opening punctuation
 * (（《「『 ...) — the kinsoku rules of GB/T 15834 and JIS X 4051 — and a word wider than the
 * line is cut at any character. A punctuation mark that would overflow pulls the character
 * before it onto the next line (oidashi) rather than hanging in the margin. Spaces at a break
 * are dropped. No hyphenation.
 */
#include <string.h>

#include "ofd/ofdw_int.h"

/* ---- line breaking ---------------------------------------------------------------------- */

static bool is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Not at the start of a line: closing brackets, stops, small kana, prolonged sound mark. */
static bool is_closing(uint32_t c)
{
    if (c < 0x80) {
        switch (c) {
        case ',':
        case '.':
        case ';':
        case ':':
        case '?':
        case '!':
        case ')':
        case ']':
        case '}':
        case '%':
            return true;
        default:
            return false;
        }
    }
    if ((c < 0x2000 && c != 0xB7) || (c >= 0x3100 && c < 0xFF00))
        return false; /* the common case (ideographs, Latin letters) without the list walk */
    static const uint32_t list[] = {
        0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300B, 0x300D, 0x300F,
        0x3009, 0x3011, 0x3015, 0x3017, 0x3019, 0x301B, 0xFF3D, 0xFF5D, 0x201D, 0x2019, 0x2026,
        0x2025, 0x00B7, 0x30FB, 0xFF0E, 0xFF05, 0x2030, 0x2103, 0x3005, 0x30FC, 0x309D, 0x309E,
        0x30FD, 0x30FE, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087,
        0x308E, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE,
    };
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
        if (list[i] == c)
            return true;
    return false;
}

/* Not at the end of a line: opening brackets and quotes. */
static bool is_opening(uint32_t c)
{
    if (c < 0x80)
        return c == '(' || c == '[' || c == '{';
    if (c < 0x2000 || (c >= 0x3100 && c < 0xFF00))
        return false;
    static const uint32_t list[] = {0xFF08, 0x300A, 0x300C, 0x300E, 0x3008, 0x3010, 0x3014,
                                    0x3016, 0x3018, 0x301A, 0xFF3B, 0xFF5B, 0x201C, 0x2018};
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
        if (list[i] == c)
            return true;
    return false;
}

/* May a line end before chars[i] (i > 0)? */
static bool can_break_before(const sc_ofd__char *chars, size_t i)
{
    uint32_t a = chars[i - 1].cp, b = chars[i].cp;
    if (b == ' ')
        return false; /* spaces stay on the line they follow, then are dropped */
    if (is_closing(b))
        return false;
    if (a == ' ')
        return true;
    if (is_opening(a))
        return false;
    return is_cjk(a) || is_cjk(b);
}

static double span_width(const sc_ofd__char *chars, size_t start, size_t end)
{
    double w = 0;
    for (size_t i = start; i < end; i++)
        w += chars[i].advance;
    return w;
}

int sc_ofd__break_lines(sc_ofd__line **lines_out, size_t *nlines, const sc_ofd__char *chars,
                        size_t count, double width)
{
    sc_ofd__line *lines = NULL;
    size_t n = 0, cap = 0, start = 0;
    /* A hair of tolerance so text measured at exactly the box width stays on one line. */
    const double limit = width + 1e-6;

    *lines_out = NULL;
    *nlines = 0;
    while (start <= count) {
        size_t end = count, next = count + 1, last_break = 0;
        bool is_wrap = false;
        double x = 0;
        for (size_t i = start; i < count; i++) {
            const sc_ofd__char *c = &chars[i];
            if (c->cp == '\n') {
                end = i, next = i + 1;
                break;
            }
            if (i > start && can_break_before(chars, i))
                last_break = i;
            if (x + c->advance > limit && i > start && c->cp != ' ') {
                end = next = last_break > start ? last_break : i;
                is_wrap = true;
                break;
            }
            x += c->advance;
        }
        size_t e = end;
        while (e > start && chars[e - 1].cp == ' ')
            e--;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            sc_ofd__line *p = sc_realloc(lines, ncap * sizeof(*lines));
            if (!p) {
                sc_free(lines);
                return sc_error_oom();
            }
            lines = p, cap = ncap;
        }
        lines[n++] = (sc_ofd__line){start, e, span_width(chars, start, e)};
        start = next;
        if (is_wrap)
            while (start < count && chars[start].cp == ' ')
                start++;
    }
    *lines_out = lines;
    *nlines = n;
    return 0;
}

/* ---- text boxes ------------------------------------------------------------------------- */

/* Baseline of the first line: the text's em box centred in the line height. */
static double first_baseline(double top, const sc_ofd_text_style *style)
{
    double size = sc_ofd__style_size(style), lh = sc_ofd__style_line_height(style);
    const sc_ofd_font *f = style->font;
    return top + (lh + (f->ascent + f->descent) * size) / 2;
}

static double line_x(double x, double width, double line_width, sc_ofd_align align)
{
    if (align == SC_OFD_ALIGN_CENTER)
        return x + (width - line_width) / 2;
    if (align == SC_OFD_ALIGN_RIGHT)
        return x + width - line_width;
    return x;
}

/* Draw broken lines of chars into a box at (x, top) of width. */
static int draw_lines(sc_ofd_writer *w, size_t page, double x, double top, double width,
                      const sc_ofd__char *chars, const sc_ofd__line *lines, size_t nlines,
                      const sc_ofd_text_style *style, sc_ofd_align align)
{
    int error;
    double lh = sc_ofd__style_line_height(style), base = first_baseline(top, style);
    for (size_t i = 0; i < nlines; i++) {
        const sc_ofd__line *l = &lines[i];
        if (l->end == l->start)
            continue;
        if ((error = sc_ofd__writer_draw_chars(w, page, line_x(x, width, l->width, align),
                                               base + (double)i * lh, chars + l->start,
                                               l->end - l->start, style)) < 0)
            return error;
    }
    return 0;
}

int sc_ofd_text_box_measure(size_t *lines_out, double *height_out, const char *text, double width,
                            const sc_ofd_text_style *style)
{
    int error;
    sc_ofd__char *chars = NULL;
    sc_ofd__line *lines = NULL;
    size_t n, nlines = 0;
    SC_ASSERT_ARG(text);
    if (!(width > 0 && width < 1e7))
        return sc_error_set(SC_EINVALID, "text box width: not a positive length");
    if ((error = sc_ofd__text_chars(&chars, &n, text, style, true)) < 0)
        return error;
    if ((error = sc_ofd__break_lines(&lines, &nlines, chars, n, width)) < 0)
        goto done;
    if (lines_out)
        *lines_out = nlines;
    if (height_out)
        *height_out = (double)nlines * sc_ofd__style_line_height(style);
done:
    sc_free(lines);
    sc_free(chars);
    return error;
}

int sc_ofd_writer_add_text_box(double *height_out, sc_ofd_writer *w, size_t page, double x,
                               double top, double width, const char *text,
                               const sc_ofd_text_style *style)
{
    int error;
    sc_ofd__char *chars = NULL;
    sc_ofd__line *lines = NULL;
    size_t n, nlines = 0;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(text);
    if (!(width > 0 && width < 1e7))
        return sc_error_set(SC_EINVALID, "text box width: not a positive length");
    if ((error = sc_ofd__text_chars(&chars, &n, text, style, true)) < 0)
        return error;
    if ((error = sc_ofd__break_lines(&lines, &nlines, chars, n, width)) < 0 ||
        (error = draw_lines(w, page, x, top, width, chars, lines, nlines, style, style->align)) < 0)
        goto done;
    if (height_out)
        *height_out = (double)nlines * sc_ofd__style_line_height(style);
done:
    sc_free(lines);
    sc_free(chars);
    return error;
}

/* ---- tables ----------------------------------------------------------------------------- */

typedef struct {
    sc_ofd__char *chars; /* the cell's characters, fonts resolved (owned) */
    sc_ofd__line *lines; /* broken to the column width (owned) */
    size_t nlines;       /* entries in lines */
} cell;

typedef struct {
    cell *cells;   /* ncols cells (owned) */
    double height; /* mm, padding included */
} row;

struct sc_ofd_table {
    size_t ncols;             /* columns */
    double *widths;           /* column widths, mm (owned) */
    sc_ofd_align *aligns;     /* per column, or NULL (owned) */
    sc_ofd_table_style style; /* copied; column_align points at aligns */
    bool has_header;          /* header row present */
    row header;               /* laid out with style.header */
    row *rows;                /* body rows (owned) */
    size_t nrows, cap;
};

static double padding(const sc_ofd_table *t)
{
    return t->style.padding > 0 ? t->style.padding : 1.0;
}

static void row_dispose(row *r, size_t ncols)
{
    if (!r->cells)
        return;
    for (size_t i = 0; i < ncols; i++) {
        sc_free(r->cells[i].chars);
        sc_free(r->cells[i].lines);
    }
    sc_free(r->cells);
    r->cells = NULL;
}

static int row_layout(row *r, const sc_ofd_table *t, const char *const *texts,
                      const sc_ofd_text_style *style)
{
    int error = 0;
    double pad = padding(t), lh = sc_ofd__style_line_height(style), h = 0;
    memset(r, 0, sizeof(*r));
    if (!(r->cells = sc_calloc(t->ncols, sizeof(*r->cells))))
        return sc_error_oom();
    for (size_t c = 0; c < t->ncols; c++) {
        cell *ce = &r->cells[c];
        size_t n;
        double inner = t->widths[c] - 2 * pad;
        if ((error = sc_ofd__text_chars(&ce->chars, &n, texts[c] ? texts[c] : "", style, true)) <
                0 ||
            (error = sc_ofd__break_lines(&ce->lines, &ce->nlines, ce->chars, n,
                                         inner > 0 ? inner : 0.001)) < 0) {
            sc_error_prefix("table column %zu", c);
            goto fail;
        }
        if ((double)ce->nlines * lh > h)
            h = (double)ce->nlines * lh;
    }
    r->height = h + 2 * pad;
    if (r->height < t->style.min_row_height)
        r->height = t->style.min_row_height;
    return 0;
fail:
    row_dispose(r, t->ncols);
    return error;
}

void sc_ofd_table_free(sc_ofd_table *t)
{
    if (!t)
        return;
    row_dispose(&t->header, t->ncols);
    for (size_t i = 0; i < t->nrows; i++)
        row_dispose(&t->rows[i], t->ncols);
    sc_free(t->rows);
    sc_free(t->widths);
    sc_free(t->aligns);
    sc_free(t);
}

int sc_ofd_table_new(sc_ofd_table **out, size_t columns, const double *widths,
                     const char *const *header, const sc_ofd_table_style *style)
{
    int error = 0;
    sc_ofd_table *t = NULL;
    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(widths);
    *out = NULL;
    if (!style || style->version != SC_OFD_TABLE_STYLE_VERSION)
        return sc_error_set(SC_EINVALID, "sc_ofd_table_style: NULL or wrong version");
    if (columns == 0 || columns > SC_OFD_MAX_TABLE_COLUMNS)
        return sc_error_set(SC_EINVALID, "table: %zu columns (1-%d)", columns,
                            SC_OFD_MAX_TABLE_COLUMNS);
    for (size_t i = 0; i < columns; i++)
        if (!(widths[i] > 0 && widths[i] < 1e7))
            return sc_error_set(SC_EINVALID, "table: column %zu width is not positive", i);
    if (!(t = sc_calloc(1, sizeof(*t))) ||
        !(t->widths = sc_memdup(widths, columns * sizeof(double))) ||
        (style->column_align &&
         !(t->aligns = sc_memdup(style->column_align, columns * sizeof(sc_ofd_align))))) {
        error = sc_error_oom();
        goto done;
    }
    t->ncols = columns;
    t->style = *style;
    t->style.column_align = t->aligns;
    if (!t->style.header.font)
        t->style.header = t->style.text;
    if (header) {
        if ((error = row_layout(&t->header, t, header, &t->style.header)) < 0)
            goto done;
        t->has_header = true;
    }
    *out = t;
    t = NULL;
done:
    sc_ofd_table_free(t);
    return error;
}

int sc_ofd_table_add_row(sc_ofd_table *t, const char *const *cells)
{
    int error;
    SC_ASSERT_ARG(t);
    SC_ASSERT_ARG(cells);
    if (t->nrows == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 16;
        row *p = sc_realloc(t->rows, ncap * sizeof(*p));
        if (!p)
            return sc_error_oom();
        t->rows = p, t->cap = ncap;
    }
    if ((error = row_layout(&t->rows[t->nrows], t, cells, &t->style.text)) < 0) {
        sc_error_prefix("table row %zu", t->nrows);
        return error;
    }
    t->nrows++;
    return 0;
}

size_t sc_ofd_table_row_count(const sc_ofd_table *t)
{
    return t ? t->nrows : 0;
}

double sc_ofd_table_row_height(const sc_ofd_table *t, size_t i)
{
    return t && i < t->nrows ? t->rows[i].height : 0;
}

double sc_ofd_table_header_height(const sc_ofd_table *t)
{
    return t && t->has_header ? t->header.height : 0;
}

size_t sc_ofd_table_rows_fit(const sc_ofd_table *t, size_t first, double height)
{
    if (!t || first >= t->nrows)
        return 0;
    double used = sc_ofd_table_header_height(t);
    size_t n = 0;
    for (size_t i = first; i < t->nrows; i++) {
        if (used + t->rows[i].height > height + 1e-6)
            break;
        used += t->rows[i].height;
        n++;
    }
    return n;
}

static int draw_row(sc_ofd_writer *w, size_t page, const sc_ofd_table *t, const row *r, double x,
                    double top, const sc_ofd_text_style *style)
{
    int error;
    double pad = padding(t), cx = x;
    for (size_t c = 0; c < t->ncols; c++) {
        const cell *ce = &r->cells[c];
        sc_ofd_align align = t->aligns ? t->aligns[c] : style->align;
        if ((error = draw_lines(w, page, cx + pad, top + pad, t->widths[c] - 2 * pad, ce->chars,
                                ce->lines, ce->nlines, style, align)) < 0)
            return error;
        cx += t->widths[c];
    }
    return 0;
}

int sc_ofd_writer_add_table(double *height_out, sc_ofd_writer *w, size_t page, double x, double top,
                            const sc_ofd_table *t, size_t first, size_t count)
{
    int error = 0;
    sc_ofd_path *borders = NULL;
    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(t);
    if (first > t->nrows || count > t->nrows - first)
        return sc_error_set(SC_EINVALID, "table rows [%zu, %zu) out of the %zu rows", first,
                            first + count, t->nrows);
    double y = top, total_w = 0;
    for (size_t c = 0; c < t->ncols; c++)
        total_w += t->widths[c];
    bool has_borders = t->style.border_width >= 0;
    if (has_borders && ((error = sc_ofd_path_new(&borders)) < 0 ||
                        (error = sc_ofd_path_move_to(borders, x, y)) < 0 ||
                        (error = sc_ofd_path_line_to(borders, x + total_w, y)) < 0))
        goto done;
    for (size_t i = 0; i < count + (t->has_header ? 1 : 0); i++) {
        bool is_header = t->has_header && i == 0;
        const row *r = is_header ? &t->header : &t->rows[first + i - (t->has_header ? 1 : 0)];
        if ((error = draw_row(w, page, t, r, x, y, is_header ? &t->style.header : &t->style.text)) <
            0)
            goto done;
        y += r->height;
        if (has_borders && ((error = sc_ofd_path_move_to(borders, x, y)) < 0 ||
                            (error = sc_ofd_path_line_to(borders, x + total_w, y)) < 0))
            goto done;
    }
    if (has_borders) {
        double cx = x;
        for (size_t c = 0; c <= t->ncols; c++) {
            if ((error = sc_ofd_path_move_to(borders, cx, top)) < 0 ||
                (error = sc_ofd_path_line_to(borders, cx, y)) < 0)
                goto done;
            if (c < t->ncols)
                cx += t->widths[c];
        }
        sc_ofd_path_style ps = SC_OFD_PATH_STYLE_INIT;
        ps.line_width = t->style.border_width;
        ps.stroke = t->style.border_color;
        if ((error = sc_ofd_writer_add_path(w, page, borders, &ps)) < 0)
            goto done;
    }
    if (height_out)
        *height_out = y - top;
done:
    sc_ofd_path_free(borders);
    return error;
}
