/* Certificate templates (docs/templates.md): a JSON file a laboratory edits, loaded into
 * sc_ecert_template with every member checked, fonts parsed and images read once. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ecert_int.h"

#define TEMPLATE_FORMAT "sealcert-template/1"

#ifndef SEALCERT_TEMPLATE_DIR
#define SEALCERT_TEMPLATE_DIR "/usr/share/sealcert/templates"
#endif

/* Characters every template may need in variable text whatever it says: ASCII, and the symbols
 * of metrology data (T/CMA certificates quote units such as ℃, Ω, μm, ±, %RH). Embedded with the
 * template's own text so that documents of one template share one cached font subset. */
static const char base_symbols[] = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
                                   "℃±Ωμ×÷°′″‰％·—～《》（）：；，。、／　"
                                   "０１２３４５６７８９年月日第页共";

/* ---- JSON helpers: every error names the member by its path ---- */

typedef struct {
    const char *file; /* the template file, for messages */
    char path[160];   /* the member being read, "cover[3].x" */
} ctx;

static int bad(const ctx *c, const char *fmt, const char *what)
{
    return sc_error_set(SC_EFORMAT, "%s: %s: %s%s", c->file, c->path, fmt, what ? what : "");
}

/* Push "name" or "[i]" onto the path; returns the length to restore. */
static size_t push(ctx *c, const char *name, long index)
{
    size_t n = strlen(c->path);
    if (name)
        snprintf(c->path + n, sizeof(c->path) - n, "%s%s", n ? "." : "", name);
    else
        snprintf(c->path + n, sizeof(c->path) - n, "[%ld]", index);
    return n;
}

static void pop(ctx *c, size_t n)
{
    c->path[n] = '\0';
}

/* A string member; absent: *out = NULL unless required. */
static int get_str(char **out, ctx *c, const json_t *obj, const char *key, int required)
{
    const json_t *v = json_object_get(obj, key);
    size_t n = push(c, key, 0);
    int error = 0;
    *out = NULL;
    if (!v) {
        if (required)
            error = bad(c, "missing", NULL);
    } else if (!json_is_string(v)) {
        error = bad(c, "not a string", NULL);
    } else if (json_string_length(v) > SC_ECERT_MAX_TEXT) {
        error = sc_error_set(SC_ELIMIT, "%s: %s: longer than %zu bytes", c->file, c->path,
                             SC_ECERT_MAX_TEXT);
    } else if (strlen(json_string_value(v)) != json_string_length(v)) {
        error = bad(c, "contains a NUL character", NULL);
    } else if (!(*out = sc_strdup(json_string_value(v)))) {
        error = sc_error_oom();
    }
    pop(c, n);
    return error;
}

static int get_num(double *out, ctx *c, const json_t *obj, const char *key, int required,
                   double def, double min, double max)
{
    const json_t *v = json_object_get(obj, key);
    size_t n = push(c, key, 0);
    int error = 0;
    *out = def;
    if (!v) {
        if (required)
            error = bad(c, "missing", NULL);
    } else if (!json_is_number(v)) {
        error = bad(c, "not a number", NULL);
    } else if (!(json_number_value(v) >= min && json_number_value(v) <= max)) {
        char range[64];
        snprintf(range, sizeof(range), "%g..%g", min, max);
        error = bad(c, "out of range ", range);
    } else {
        *out = json_number_value(v);
    }
    pop(c, n);
    return error;
}

/* An array (@p type JSON_ARRAY) or object (JSON_OBJECT) member of at most
 * SC_ECERT_MAX_TEMPLATE_ITEMS entries; absent: NULL. */
static int get_container(const json_t **out, ctx *c, const json_t *obj, const char *key,
                         int required, json_type type)
{
    const json_t *v = json_object_get(obj, key);
    size_t n = push(c, key, 0);
    int error = 0, is_array = type == JSON_ARRAY;
    *out = NULL;
    if (!v) {
        if (required)
            error = bad(c, "missing", NULL);
    } else if (json_typeof(v) != type) {
        error = bad(c, is_array ? "not an array" : "not an object", NULL);
    } else if ((is_array ? json_array_size(v) : json_object_size(v)) >
               SC_ECERT_MAX_TEMPLATE_ITEMS) {
        error = sc_error_set(SC_ELIMIT, "%s: %s: more than %d %s", c->file, c->path,
                             SC_ECERT_MAX_TEMPLATE_ITEMS, is_array ? "entries" : "members");
    } else {
        *out = v;
    }
    pop(c, n);
    return error;
}

static int get_array(const json_t **out, ctx *c, const json_t *obj, const char *key, int required)
{
    return get_container(out, c, obj, key, required, JSON_ARRAY);
}

static int get_object(const json_t **out, ctx *c, const json_t *obj, const char *key, int required)
{
    return get_container(out, c, obj, key, required, JSON_OBJECT);
}

static int get_color(sc_ofd_rgb *out, ctx *c, const json_t *obj, const char *key, sc_ofd_rgb def)
{
    char *s = NULL;
    int error = get_str(&s, c, obj, key, 0);
    *out = def;
    if (error == 0 && s) {
        size_t n = push(c, key, 0);
        /* Digit by digit: strtoul() would also take a sign, spaces or "0x" ("#-00001"). */
        sc_ofd_rgb v = 0;
        size_t k = 1;
        for (; s[0] == '#' && k < 7 && strchr("0123456789abcdefABCDEF", s[k]) && s[k]; k++)
            v = v << 4 | (sc_ofd_rgb)(s[k] <= '9' ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
        if (k != 7 || s[7])
            error = bad(c, "not a colour \"#RRGGBB\": ", s);
        else
            *out = v;
        pop(c, n);
    }
    sc_free(s);
    return error;
}

static int get_align(sc_ofd_align *out, ctx *c, const json_t *obj, sc_ofd_align def)
{
    char *s = NULL;
    int error = get_str(&s, c, obj, "align", 0);
    *out = def;
    if (error == 0 && s) {
        size_t n = push(c, "align", 0);
        if (strcmp(s, "left") == 0)
            *out = SC_OFD_ALIGN_LEFT;
        else if (strcmp(s, "center") == 0)
            *out = SC_OFD_ALIGN_CENTER;
        else if (strcmp(s, "right") == 0)
            *out = SC_OFD_ALIGN_RIGHT;
        else
            error = bad(c, "not left, center or right: ", s);
        pop(c, n);
    }
    sc_free(s);
    return error;
}

/* A number pair list member of exactly @p count numbers ("line": [x1, y1, x2, y2]). */
static int get_numbers(double *out, size_t count, ctx *c, const json_t *obj, const char *key,
                       double max)
{
    const json_t *v = json_object_get(obj, key);
    size_t n = push(c, key, 0);
    int error = 0;
    if (!json_is_array(v) || json_array_size(v) != count) {
        char what[32];
        snprintf(what, sizeof(what), "%zu numbers", count);
        error = bad(c, "expected an array of ", what);
    }
    for (size_t i = 0; error == 0 && i < count; i++) {
        const json_t *e = json_array_get(v, i);
        if (!json_is_number(e) || !(json_number_value(e) >= 0 && json_number_value(e) <= max))
            error = bad(c, "not a length in mm within the page", NULL);
        else
            out[i] = json_number_value(e);
    }
    pop(c, n);
    return error;
}

/* ---- fonts and styles ---- */

static int resolve_file(char **out, const sc_ecert_template *t, const char *name)
{
    if (name[0] == '/' || !t->dir)
        *out = sc_strdup(name);
    else {
        size_t n = strlen(t->dir) + strlen(name) + 2;
        if ((*out = sc_malloc(n)))
            snprintf(*out, n, "%s/%s", t->dir, name);
    }
    return *out ? 0 : sc_error_oom();
}

static int load_font(sc_ecert__font *f, ctx *c, sc_ecert_template *t, const char *name,
                     const json_t *def)
{
    const json_t *files = NULL;
    double face = 0;
    int error;
    size_t n = push(c, name, 0);
    if (!json_is_object(def)) {
        error = bad(c, "not an object", NULL);
        goto done;
    }
    if ((error = get_array(&files, c, def, "files", 1)) < 0 ||
        (error = get_num(&face, c, def, "face", 0, 0, 0, 255)) < 0)
        goto done;
    if (!(f->name = sc_strdup(name))) {
        error = sc_error_oom();
        goto done;
    }
    /* The first candidate that exists: templates list the Debian path and alternatives. */
    for (size_t i = 0; i < json_array_size(files) && !f->font; i++) {
        const json_t *e = json_array_get(files, i);
        char *file = NULL;
        if (!json_is_string(e)) {
            size_t m = push(c, "files", 0);
            push(c, NULL, (long)i);
            error = bad(c, "not a string", NULL);
            pop(c, m);
            goto done;
        }
        if ((error = resolve_file(&file, t, json_string_value(e))) < 0)
            goto done;
        if (access(file, R_OK) == 0)
            error = sc_ofd_font_load(&f->font, file, (unsigned)face);
        if (error < 0)
            sc_error_prefix("%s: %s", c->file, c->path); /* the font's message names the file */
        sc_free(file);
        if (error < 0)
            goto done;
    }
    if (!f->font)
        error =
            sc_error_set(SC_ENOTFOUND, "%s: %s: none of the font files exists", c->file, c->path);
done:
    pop(c, n);
    return error;
}

static const sc_ecert__font *find_font(const sc_ecert_template *t, const char *name)
{
    for (size_t i = 0; i < t->font_count; i++)
        if (strcmp(t->fonts[i].name, name) == 0)
            return &t->fonts[i];
    return NULL;
}

static int load_style(sc_ecert__style *s, ctx *c, const sc_ecert_template *t, const char *name,
                      const json_t *def)
{
    char *font = NULL;
    int error;
    size_t n = push(c, name, 0);
    sc_ofd_text_style st = SC_OFD_TEXT_STYLE_INIT;
    if (!json_is_object(def)) {
        error = bad(c, "not an object", NULL);
        goto done;
    }
    if ((error = get_str(&font, c, def, "font", 1)) < 0 ||
        (error = get_num(&st.size, c, def, "size", 1, 0, 0.5, 100)) < 0 ||
        (error = get_num(&st.line_height, c, def, "line_height", 0, 0, 0.5, 200)) < 0 ||
        (error = get_color(&st.color, c, def, "color", SC_OFD_BLACK)) < 0 ||
        (error = get_align(&st.align, c, def, SC_OFD_ALIGN_LEFT)) < 0)
        goto done;
    const sc_ecert__font *f = find_font(t, font);
    if (!f) {
        size_t m = push(c, "font", 0);
        error = bad(c, "no such font in \"fonts\": ", font);
        pop(c, m);
        goto done;
    }
    st.font = f->font;
    st.fallbacks = t->fallbacks;
    st.fallback_count = t->fallback_count;
    if (!(s->name = sc_strdup(name))) {
        error = sc_error_oom();
        goto done;
    }
    s->style = st;
done:
    sc_free(font);
    pop(c, n);
    return error;
}

static int get_style(const sc_ecert__style **out, ctx *c, const sc_ecert_template *t,
                     const json_t *obj, const char *key, int required)
{
    char *name = NULL;
    int error = get_str(&name, c, obj, key, required);
    *out = NULL;
    if (error == 0 && name) {
        for (size_t i = 0; i < t->style_count && !*out; i++)
            if (strcmp(t->styles[i].name, name) == 0)
                *out = &t->styles[i];
        if (!*out) {
            size_t n = push(c, key, 0);
            error = bad(c, "no such style in \"styles\": ", name);
            pop(c, n);
        }
    }
    sc_free(name);
    return error;
}

/* ---- elements ---- */

static int load_fields(sc_ecert__el *e, ctx *c, const sc_ecert_template *t, const json_t *def)
{
    const json_t *rows;
    int error;
    if ((error = get_array(&rows, c, def, "fields", 1)) < 0)
        return error;
    if (!(e->fields = sc_calloc(json_array_size(rows) + 1, sizeof(*e->fields))))
        return sc_error_oom();
    size_t n = push(c, "fields", 0);
    for (size_t i = 0; i < json_array_size(rows); i++) {
        const json_t *r = json_array_get(rows, i);
        size_t m = push(c, NULL, (long)i);
        sc_ecert__field *f = &e->fields[e->field_count++];
        if (!json_is_object(r))
            error = bad(c, "not an object", NULL);
        else if ((error = get_str(&f->label, c, r, "label", 1)) == 0 &&
                 (error = get_str(&f->label_en, c, r, "label_en", 0)) == 0)
            error = get_str(&f->value, c, r, "value", 1);
        pop(c, m);
        if (error < 0)
            break;
    }
    pop(c, n);
    if (error < 0)
        return error;
    if ((error = get_num(&e->label_width, c, def, "label_width", 1, 0, 0, t->page_w)) < 0 ||
        (error = get_num(&e->row_height, c, def, "row_height", 1, 0, 1, t->page_h)) < 0 ||
        (error = get_num(&e->underline, c, def, "underline", 0, 0, 0, 5)) < 0 ||
        (error = get_style(&e->label_style, c, t, def, "label_style", 0)) < 0 ||
        (error = get_style(&e->label_en_style, c, t, def, "label_en_style", 0)) < 0)
        return error;
    if (!e->label_style)
        e->label_style = e->style;
    if (e->label_width >= e->w)
        return bad(c, "label_width is not less than width", NULL);
    return 0;
}

static int load_element(sc_ecert__el *e, ctx *c, sc_ecert_template *t, const json_t *def)
{
    int error;
    char *image = NULL;
    double xy[4];
    if (!json_is_object(def))
        return bad(c, "not an object", NULL);
    e->path = (sc_ofd_path_style)SC_OFD_PATH_STYLE_INIT;
    if ((error = get_str(&e->cond, c, def, "if", 0)) < 0)
        return error;
    if (json_object_get(def, "line") || json_object_get(def, "rect")) {
        int is_line = json_object_get(def, "line") != NULL;
        e->kind = is_line ? SC_ECERT__EL_LINE : SC_ECERT__EL_RECT;
        if ((error = get_numbers(xy, 4, c, def, is_line ? "line" : "rect",
                                 t->page_w > t->page_h ? t->page_w : t->page_h)) < 0 ||
            (error = get_num(&e->path.line_width, c, def, "width", 0, 0.25, 0, 10)) < 0 ||
            (error = get_color(&e->path.stroke, c, def, "color", SC_OFD_BLACK)) < 0)
            return error;
        e->x = xy[0], e->y = xy[1];
        if (is_line)
            e->x2 = xy[2], e->y2 = xy[3];
        else
            e->w = xy[2], e->h = xy[3];
        if (json_object_get(def, "fill")) {
            e->path.has_fill = 1;
            if ((error = get_color(&e->path.fill, c, def, "fill", SC_OFD_BLACK)) < 0)
                return error;
        }
        e->path.has_stroke = e->path.line_width > 0;
        return 0;
    }
    if ((error = get_num(&e->x, c, def, "x", 1, 0, 0, t->page_w)) < 0 ||
        (error = get_num(&e->y, c, def, "y", 1, 0, 0, t->page_h)) < 0 ||
        (error = get_num(&e->w, c, def, "width", 0, 0, 0, t->page_w)) < 0)
        return error;
    if (json_object_get(def, "image")) {
        sc_buf b = SC_BUF_INIT;
        e->kind = SC_ECERT__EL_IMAGE;
        if ((error = get_str(&image, c, def, "image", 1)) < 0 ||
            (error = get_num(&e->h, c, def, "height", 1, 0, 0.1, t->page_h)) < 0 ||
            (error = resolve_file(&e->text, t, image)) < 0)
            goto done;
        if (e->w <= 0) {
            error = bad(c, "an image needs a width", NULL);
            goto done;
        }
        if ((error = sc_fs_read_regular(&b, e->text, SC_ECERT_MAX_TEMPLATE_IMAGE)) < 0) {
            sc_error_prefix("%s: %s.image", c->file, c->path);
            goto done;
        }
        e->image = sc_buf_detach(&b, &e->image_len);
        goto done;
    }
    if ((error = get_style(&e->style, c, t, def, "style", 1)) < 0)
        return error;
    if (json_object_get(def, "fields")) {
        e->kind = SC_ECERT__EL_FIELDS;
        if (e->w <= 0)
            return bad(c, "fields need a width", NULL);
        return load_fields(e, c, t, def);
    }
    e->kind = json_object_get(def, "textbox") ? SC_ECERT__EL_TEXTBOX : SC_ECERT__EL_TEXT;
    if ((error = get_str(&e->text, c, def, e->kind == SC_ECERT__EL_TEXT ? "text" : "textbox", 1)) <
            0 ||
        (error = get_align(&e->align, c, def, e->style->style.align)) < 0)
        return error;
    if (e->kind == SC_ECERT__EL_TEXTBOX && e->w <= 0)
        return bad(c, "a textbox needs a width", NULL);
done:
    sc_free(image);
    return error;
}

static int load_elements(sc_ecert__el **out, size_t *count, ctx *c, sc_ecert_template *t,
                         const json_t *obj, const char *key)
{
    const json_t *arr;
    int error;
    if ((error = get_array(&arr, c, obj, key, 0)) < 0 || !arr)
        return error;
    if (!(*out = sc_calloc(json_array_size(arr) + 1, sizeof(**out))))
        return sc_error_oom();
    size_t n = push(c, key, 0);
    for (size_t i = 0; i < json_array_size(arr) && error == 0; i++) {
        size_t m = push(c, NULL, (long)i);
        error = load_element(&(*out)[(*count)++], c, t, json_array_get(arr, i));
        pop(c, m);
    }
    pop(c, n);
    return error;
}

/* ---- flow blocks ---- */

static int load_columns(sc_ecert__block *b, ctx *c, const json_t *def, double width)
{
    const json_t *cols;
    int error;
    double sum = 0;
    if ((error = get_array(&cols, c, def, "columns", 0)) < 0)
        return error;
    if (!cols) {
        if (strcmp(b->source, "results") != 0)
            return bad(c, "a table of a data array other than results needs columns", NULL);
        return 0; /* the columns come with the data: results.columns */
    }
    if (json_array_size(cols) == 0 || json_array_size(cols) > SC_OFD_MAX_TABLE_COLUMNS)
        return bad(c, "columns: expected 1 to 64 columns", NULL);
    if (!(b->cols = sc_calloc(json_array_size(cols), sizeof(*b->cols))))
        return sc_error_oom();
    size_t n = push(c, "columns", 0);
    for (size_t i = 0; i < json_array_size(cols) && error == 0; i++) {
        const json_t *d = json_array_get(cols, i);
        sc_ecert__col *col = &b->cols[b->col_count++];
        size_t m = push(c, NULL, (long)i);
        if (!json_is_object(d))
            error = bad(c, "not an object", NULL);
        else if ((error = get_str(&col->title, c, d, "title", 1)) == 0 &&
                 (error = get_str(&col->value, c, d, "value", 1)) == 0)
            error = get_num(&col->width, c, d, "width", 1, 0, 1, width);
        sum += col->width;
        pop(c, m);
    }
    pop(c, n);
    if (error == 0 && sum > width + 0.01) {
        char w[96];
        snprintf(w, sizeof(w), "%g mm, wider than the flow's %g mm", sum, width);
        error = bad(c, "columns: ", w);
    }
    return error;
}

static int load_block(sc_ecert__block *b, ctx *c, sc_ecert_template *t, const json_t *def)
{
    int error;
    static const struct {
        const char *key;
        sc_ecert__bl_kind kind;
    } kinds[] = {
        {"heading", SC_ECERT__BL_HEADING}, {"paragraph", SC_ECERT__BL_PARAGRAPH},
        {"list", SC_ECERT__BL_LIST},       {"table", SC_ECERT__BL_TABLE},
        {"space", SC_ECERT__BL_SPACE},     {"page_break", SC_ECERT__BL_BREAK},
    };
    const char *key = NULL;
    if (!json_is_object(def))
        return bad(c, "not an object", NULL);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && !key; i++)
        if (json_object_get(def, kinds[i].key))
            key = kinds[i].key, b->kind = kinds[i].kind;
    if (!key)
        return bad(c, "not a heading, paragraph, list, table, space or page_break", NULL);
    if ((error = get_str(&b->cond, c, def, "if", 0)) < 0)
        return error;
    switch (b->kind) {
    case SC_ECERT__BL_SPACE:
        return get_num(&b->space, c, def, "space", 1, 0, 0, t->page_h);
    case SC_ECERT__BL_BREAK:
        return 0;
    case SC_ECERT__BL_HEADING:
    case SC_ECERT__BL_PARAGRAPH:
        if ((error = get_str(&b->text, c, def, key, 1)) < 0 ||
            (error = get_style(&b->style, c, t, def, "style", 1)) < 0)
            return error;
        return get_align(&b->align, c, def, b->style->style.align);
    case SC_ECERT__BL_LIST:
        if ((error = get_str(&b->source, c, def, "list", 1)) < 0 ||
            (error = get_str(&b->text, c, def, "item", 0)) < 0 ||
            (error = get_num(&b->space, c, def, "indent", 0, 0, 0, t->flow_w / 2)) < 0 ||
            (error = get_style(&b->style, c, t, def, "style", 1)) < 0)
            return error;
        if (!b->text && !(b->text = sc_strdup("{item}")))
            return sc_error_oom();
        return 0;
    case SC_ECERT__BL_TABLE:
        if ((error = get_str(&b->source, c, def, "table", 1)) < 0 ||
            (error = get_style(&b->style, c, t, def, "style", 1)) < 0 ||
            (error = get_style(&b->header_style, c, t, def, "header_style", 0)) < 0)
            return error;
        return load_columns(b, c, def, t->flow_w);
    }
    return 0;
}

/* ---- geometry checks ---- */

/* The box an element covers on its page, for the code's no-overlap rule (T/CMA 4.3.4); text
 * boxes by their extent (a text line: the font size above and a quarter below the baseline,
 * across its width when given, else from x for the length the text may take). Returns 0 for
 * elements that are not content (lines, rectangles). */
static int element_box(double box[4], const sc_ecert__el *e, double page_w)
{
    double size = e->style ? (e->style->style.size > 0 ? e->style->style.size : 3.5) : 0;
    switch (e->kind) {
    case SC_ECERT__EL_TEXT:
        if (!strchr(e->text, '{')) {
            /* Static text: its real extent. */
            sc_ofd_text_style st = e->style->style;
            double adv = 0;
            if (sc_ofd_text_measure(&adv, e->text, &st) == 0) {
                double left = e->x, span = e->w > 0 ? e->w : 0;
                if (e->align == SC_OFD_ALIGN_CENTER)
                    left = span > 0 ? e->x + (span - adv) / 2 : e->x - adv / 2;
                else if (e->align == SC_OFD_ALIGN_RIGHT)
                    left = span > 0 ? e->x + span - adv : e->x - adv;
                box[0] = left, box[2] = adv;
                box[1] = e->y - size, box[3] = 1.25 * size;
                return 1;
            }
            sc_error_clear();
        }
        if (e->w > 0)
            box[0] = e->x, box[2] = e->w;
        else if (e->align == SC_OFD_ALIGN_RIGHT)
            box[0] = 0, box[2] = e->x;
        else
            box[0] = e->x, box[2] = page_w - e->x;
        box[1] = e->y - size, box[3] = 1.25 * size;
        return 1;
    case SC_ECERT__EL_TEXTBOX:
        box[0] = e->x, box[1] = e->y, box[2] = e->w, box[3] = size * 1.5;
        return 1;
    case SC_ECERT__EL_IMAGE:
        box[0] = e->x, box[1] = e->y, box[2] = e->w, box[3] = e->h;
        return 1;
    case SC_ECERT__EL_FIELDS:
        box[0] = e->x, box[1] = e->y, box[2] = e->w, box[3] = e->row_height * e->field_count;
        return 1;
    default:
        return 0;
    }
}

int sc_ecert__boxes_overlap(const double a[4], const double b[4])
{
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

/* The code boxes of the template must not cover its static content of page 1 (the check at
 * issue time repeats this with the real extents of the data). */
size_t sc_ecert__code_areas(const sc_ecert_template *t, double areas[2][4])
{
    /* A quiet zone of 6 modules of the smallest sensible module (25 mm / 40) on each side. */
    double q = t->code_size * 6.0 / 40.0, size = t->code_size + 2 * q;
    double at[2][2] = {{t->code_x, t->code_y}, {t->code2_x, t->code2_y}};
    for (int k = 0; k < 2; k++) {
        areas[k][0] = at[k][0] - q, areas[k][1] = at[k][1] - q;
        areas[k][2] = size, areas[k][3] = size;
    }
    return 1 + (t->has_code2 != 0);
}

static int check_code_area(const sc_ecert_template *t, const char *file)
{
    double codes[2][4];
    size_t n = sc_ecert__code_areas(t, codes);
    for (size_t k = 0; k < n; k++) {
        if (codes[k][0] < 0 || codes[k][1] < 0 || codes[k][0] + codes[k][2] > t->page_w ||
            codes[k][1] + codes[k][3] > t->page_h)
            return sc_error_set(SC_EFORMAT, "%s: %s: the code and its quiet zone leave the page",
                                file, k ? "code2" : "code");
        const sc_ecert__el *lists[2] = {t->every, t->cover};
        size_t counts[2] = {t->every_count, t->cover_count};
        for (int l = 0; l < 2; l++)
            for (size_t i = 0; i < counts[l]; i++) {
                double box[4];
                if (element_box(box, &lists[l][i], t->page_w) &&
                    sc_ecert__boxes_overlap(box, codes[k]))
                    return sc_error_set(SC_EFORMAT,
                                        "%s: %s[%zu]: lies under the %s's box (T/CMA 4.3.4: the "
                                        "code may cover nothing)",
                                        file, l ? "cover" : "every_page", i, k ? "code2" : "code");
            }
    }
    /* Two codes may share quiet zone (it only has to be free of dark modules), not symbol. */
    double sym[2][4] = {{t->code_x, t->code_y, t->code_size, t->code_size},
                        {t->code2_x, t->code2_y, t->code_size, t->code_size}};
    if (t->has_code2 &&
        (sc_ecert__boxes_overlap(codes[0], sym[1]) || sc_ecert__boxes_overlap(codes[1], sym[0])))
        return sc_error_set(SC_EFORMAT, "%s: code2: overlaps code or its quiet zone", file);
    return 0;
}

/* ---- base characters ---- */

/* Add the template's own text drawn with @p st to that font's base set; text that shows data
 * (a placeholder) also brings ASCII and the metrology symbols. */
static int add_base(sc_ecert_template *t, const sc_ecert__style *st, const char *s)
{
    int error;
    if (!st || !s)
        return 0;
    for (size_t i = 0; i < t->font_count; i++) {
        sc_ecert__font *f = &t->fonts[i];
        if (f->font != st->style.font)
            continue;
        if ((error = sc_buf_puts(&f->base, s)) < 0)
            return error;
        if (strchr(s, '{') && !f->has_symbols) {
            if ((error = sc_buf_puts(&f->base, base_symbols)) < 0)
                return error;
            f->has_symbols = 1;
        }
        return 0;
    }
    return 0;
}

/* Keep each character of a base set once (the writer embeds it for every certificate). */
static int dedupe_base(sc_buf *base)
{
    uint64_t *seen = sc_calloc(65536 / 64, sizeof(*seen));
    sc_buf out = SC_BUF_INIT;
    int error = 0;
    if (!seen)
        return sc_error_oom();
    const unsigned char *p = base->ptr, *end = p + base->size;
    while (p < end && error == 0) {
        const unsigned char *at = p;
        uint32_t c;
        if (!sc_utf8_next(&p, end, &c)) {
            p = at + 1; /* the writer reports it; keep the byte */
            error = sc_buf_put(&out, at, 1);
            continue;
        }
        bool dup = c < 0x10000 && (seen[c >> 6] >> (c & 63) & 1);
        if (c < 0x10000)
            seen[c >> 6] |= (uint64_t)1 << (c & 63);
        if (!dup)
            error = sc_buf_put(&out, at, (size_t)(p - at));
    }
    sc_free(seen);
    if (error < 0) {
        sc_buf_dispose(&out);
        return error;
    }
    sc_buf_dispose(base);
    *base = out;
    return 0;
}

static int collect_base(sc_ecert_template *t)
{
    int error = 0;
    const sc_ecert__el *lists[3] = {t->every, t->cover, t->header};
    size_t counts[3] = {t->every_count, t->cover_count, t->header_count};
    for (int l = 0; l < 3 && error == 0; l++)
        for (size_t i = 0; i < counts[l] && error == 0; i++) {
            const sc_ecert__el *e = &lists[l][i];
            if (e->kind == SC_ECERT__EL_TEXT || e->kind == SC_ECERT__EL_TEXTBOX)
                error = add_base(t, e->style, e->text);
            for (size_t k = 0; k < e->field_count && error == 0; k++)
                if ((error = add_base(t, e->label_style, e->fields[k].label)) == 0 &&
                    (error = add_base(t, e->label_en_style ? e->label_en_style : e->label_style,
                                      e->fields[k].label_en)) == 0)
                    error = add_base(t, e->style, e->fields[k].value);
        }
    for (size_t i = 0; i < t->block_count && error == 0; i++) {
        const sc_ecert__block *b = &t->blocks[i];
        if (b->kind == SC_ECERT__BL_TABLE) {
            const sc_ecert__style *h = b->header_style ? b->header_style : b->style;
            /* Cells show data; "results" headings come with the data too. */
            error = add_base(t, b->style, "{}");
            if (error == 0 && !b->cols)
                error = add_base(t, h, "{}");
            for (size_t k = 0; k < b->col_count && error == 0; k++)
                error = add_base(t, h, b->cols[k].title);
        } else {
            error = add_base(t, b->style, b->text);
        }
    }
    for (size_t i = 0; i < t->font_count && error == 0; i++)
        if (t->fonts[i].base.size)
            error = dedupe_base(&t->fonts[i].base);
    return error;
}

/* ---- load ---- */

static int load_seals(sc_ecert_template *t, ctx *c, const json_t *root)
{
    const json_t *arr;
    int error;
    if ((error = get_array(&arr, c, root, "seals", 1)) < 0)
        return error;
    if (json_array_size(arr) == 0)
        return bad(c, "seals: at least one seal position is needed (T/CMA 4.3.5)", NULL);
    if (!(t->seals = sc_calloc(json_array_size(arr), sizeof(*t->seals))))
        return sc_error_oom();
    size_t n = push(c, "seals", 0);
    for (size_t i = 0; i < json_array_size(arr) && error == 0; i++) {
        const json_t *d = json_array_get(arr, i);
        sc_ecert__seal_pos *s = &t->seals[t->seal_count++];
        double page = 0;
        size_t m = push(c, NULL, (long)i);
        if (!json_is_object(d))
            error = bad(c, "not an object", NULL);
        else if ((error = get_num(&page, c, d, "page", 0, 0, 0, SC_ECERT_MAX_PAGES)) == 0 &&
                 (error = get_num(&s->x, c, d, "x", 1, 0, 0, t->page_w)) == 0 &&
                 (error = get_num(&s->y, c, d, "y", 1, 0, 0, t->page_h)) == 0) {
            const json_t *over = json_object_get(d, "over_text");
            if (over && !json_is_boolean(over))
                error = bad(c, "over_text: not true or false", NULL);
            s->over_text = json_is_true(over);
        }
        s->page = (long)page;
        pop(c, m);
    }
    pop(c, n);
    return error;
}

static int load_code(sc_ecert_template *t, ctx *c, const json_t *root)
{
    const json_t *code, *code2;
    int error;
    if ((error = get_object(&code, c, root, "code", 1)) < 0 ||
        (error = get_object(&code2, c, root, "code2", 0)) < 0)
        return error;
    size_t n = push(c, "code", 0);
    if ((error = get_num(&t->code_x, c, code, "x", 1, 0, 0, t->page_w)) == 0 &&
        (error = get_num(&t->code_y, c, code, "y", 1, 0, 0, t->page_h)) == 0)
        error = get_num(&t->code_size, c, code, "size", 0, 25, 10, 60);
    /* T/CMA 4.3.4 gives the size: 25 mm x 25 mm, which readers and phones are made for. */
    if (error == 0 && t->code_size != 25)
        error = sc_error_set(SC_EFORMAT,
                             "%s: code.size: %g mm, but the code is 25 mm x 25 mm "
                             "(T/CMA 4.3.4)",
                             c->file, t->code_size);
    pop(c, n);
    if (error == 0 && code2) {
        n = push(c, "code2", 0);
        t->has_code2 = 1;
        if ((error = get_num(&t->code2_x, c, code2, "x", 1, 0, 0, t->page_w)) == 0)
            error = get_num(&t->code2_y, c, code2, "y", 1, 0, 0, t->page_h);
        pop(c, n);
    }
    return error;
}

static int load_flow(sc_ecert_template *t, ctx *c, const json_t *root)
{
    const json_t *flow, *blocks;
    int error;
    if ((error = get_object(&flow, c, root, "flow", 1)) < 0)
        return error;
    size_t n = push(c, "flow", 0);
    if ((error = get_num(&t->flow_x, c, flow, "x", 1, 0, 0, t->page_w)) < 0 ||
        (error = get_num(&t->flow_w, c, flow, "width", 1, 0, 10, t->page_w)) < 0 ||
        (error = get_num(&t->flow_top, c, flow, "top", 1, 0, 0, t->page_h)) < 0 ||
        (error = get_num(&t->flow_bottom, c, flow, "bottom", 1, 0, 0, t->page_h)) < 0 ||
        (error = get_num(&t->flow_cover_top, c, flow, "cover_top", 0, 0, 0, t->page_h)) < 0 ||
        (error = get_num(&t->flow_cover_bottom, c, flow, "cover_bottom", 0, 0, 0, t->page_h)) < 0)
        goto done;
    if (t->flow_cover_top > 0 && t->flow_cover_bottom > 0 &&
        t->flow_cover_bottom < t->flow_cover_top + 10) {
        error = bad(c, "cover_bottom is less than 10 mm below cover_top", NULL);
        goto done;
    }
    if (t->flow_x + t->flow_w > t->page_w + 0.01 || t->flow_bottom < t->flow_top + 20) {
        error =
            bad(c, "the flow's column does not fit the page (x + width, top < bottom - 20)", NULL);
        goto done;
    }
    if ((error = load_elements(&t->header, &t->header_count, c, t, flow, "header")) < 0 ||
        (error = get_array(&blocks, c, flow, "blocks", 1)) < 0)
        goto done;
    if (!(t->blocks = sc_calloc(json_array_size(blocks) + 1, sizeof(*t->blocks)))) {
        error = sc_error_oom();
        goto done;
    }
    size_t m = push(c, "blocks", 0);
    for (size_t i = 0; i < json_array_size(blocks) && error == 0; i++) {
        size_t k = push(c, NULL, (long)i);
        error = load_block(&t->blocks[t->block_count++], c, t, json_array_get(blocks, i));
        pop(c, k);
    }
    pop(c, m);
done:
    pop(c, n);
    return error;
}

static int load_fonts(sc_ecert_template *t, ctx *c, const json_t *root)
{
    const json_t *fonts, *fallbacks, *styles, *v;
    const char *key;
    int error;
    if ((error = get_object(&fonts, c, root, "fonts", 1)) < 0 ||
        (error = get_array(&fallbacks, c, root, "fallbacks", 0)) < 0 ||
        (error = get_object(&styles, c, root, "styles", 1)) < 0)
        return error;
    if (!(t->fonts = sc_calloc(json_object_size(fonts) + 1, sizeof(*t->fonts))) ||
        !(t->fallbacks = sc_calloc(json_array_size(fallbacks) + 1, sizeof(*t->fallbacks))) ||
        !(t->styles = sc_calloc(json_object_size(styles) + 1, sizeof(*t->styles))))
        return sc_error_oom();
    size_t n = push(c, "fonts", 0);
    json_object_foreach((json_t *)fonts, key, v)
    {
        if ((error = load_font(&t->fonts[t->font_count++], c, t, key, v)) < 0)
            break;
    }
    pop(c, n);
    if (error < 0)
        return error;
    n = push(c, "fallbacks", 0);
    for (size_t i = 0; i < json_array_size(fallbacks) && error == 0; i++) {
        const json_t *e = json_array_get(fallbacks, i);
        const sc_ecert__font *f = json_is_string(e) ? find_font(t, json_string_value(e)) : NULL;
        size_t m = push(c, NULL, (long)i);
        if (!f)
            error = bad(c, "not the name of a font in \"fonts\"", NULL);
        else
            t->fallbacks[t->fallback_count++] = f->font;
        pop(c, m);
    }
    pop(c, n);
    if (error < 0)
        return error;
    n = push(c, "styles", 0);
    json_object_foreach((json_t *)styles, key, v)
    {
        if ((error = load_style(&t->styles[t->style_count++], c, t, key, v)) < 0)
            break;
    }
    pop(c, n);
    return error;
}

static int load_required(sc_ecert_template *t, ctx *c, const json_t *root)
{
    const json_t *req;
    int error;
    if ((error = get_array(&req, c, root, "required", 0)) < 0 || !req)
        return error;
    if (!(t->required = sc_calloc(json_array_size(req) + 1, sizeof(char *))))
        return sc_error_oom();
    size_t n = push(c, "required", 0);
    for (size_t i = 0; i < json_array_size(req) && error == 0; i++) {
        const json_t *e = json_array_get(req, i);
        size_t m = push(c, NULL, (long)i);
        if (!json_is_string(e))
            error = bad(c, "not a string", NULL);
        else if (!(t->required[t->required_count++] = sc_strdup(json_string_value(e))))
            error = sc_error_oom();
        pop(c, m);
    }
    pop(c, n);
    return error;
}

static int load(sc_ecert_template *t, ctx *c, const json_t *root)
{
    char *format = NULL;
    const json_t *page;
    double type = 0;
    int error;
    if (!json_is_object(root))
        return sc_error_set(SC_EFORMAT, "%s: not a JSON object", c->file);
    if ((error = get_str(&format, c, root, "format", 1)) < 0)
        return error;
    if (strcmp(format, TEMPLATE_FORMAT) != 0)
        error = sc_error_set(SC_EUNSUPPORTED, "%s: format: \"%s\", expected \"%s\"", c->file,
                             format, TEMPLATE_FORMAT);
    sc_free(format);
    if (error < 0 || (error = get_str(&t->name, c, root, "name", 1)) < 0 ||
        (error = get_str(&t->title, c, root, "title", 1)) < 0 ||
        (error = get_num(&type, c, root, "type", 1, 0, 1, 8)) < 0 ||
        (error = get_str(&t->id_root, c, root, "id_root", 0)) < 0 ||
        (error = get_str(&t->category, c, root, "category", 0)) < 0 ||
        (error = get_str(&t->empty, c, root, "empty", 0)) < 0 ||
        (error = get_object(&page, c, root, "page", 0)) < 0)
        return error;
    t->type = (int)type;
    /* The file name's category: the template's, else the type's (T/CMA 4.2.2, 4.4.3). */
    if (t->category && (!*t->category || strlen(t->category) > 64))
        return sc_error_set(SC_EFORMAT, "%s: category: 1 to 64 bytes", c->file);
    if (!t->category && !(t->category = sc_strdup(sc_ecert_type_category(t->type))))
        return sc_error_oom();
    if (!t->empty && !(t->empty = sc_strdup("/")))
        return sc_error_oom();
    size_t n = push(c, "page", 0);
    /* T/CMA 4.3.3: A4 by default. */
    if ((error = get_num(&t->page_w, c, page, "width", 0, 210, 50, 2000)) == 0)
        error = get_num(&t->page_h, c, page, "height", 0, 297, 50, 2000);
    pop(c, n);
    if (error < 0 || (error = load_fonts(t, c, root)) < 0 ||
        (error = load_required(t, c, root)) < 0 || (error = load_code(t, c, root)) < 0 ||
        (error = load_seals(t, c, root)) < 0 ||
        (error = load_elements(&t->every, &t->every_count, c, t, root, "every_page")) < 0 ||
        (error = load_elements(&t->cover, &t->cover_count, c, t, root, "cover")) < 0 ||
        (error = load_flow(t, c, root)) < 0 || (error = check_code_area(t, c->file)) < 0)
        return error;
    return collect_base(t);
}

int sc_ecert__template_parse(sc_ecert_template **out, const char *json, size_t len,
                             const char *file, const char *dir)
{
    sc_ecert_template *t = NULL;
    json_t *root = NULL;
    json_error_t jerr;
    ctx c = {file, ""};
    int error;

    *out = NULL;
    if (len > SC_ECERT_MAX_TEMPLATE_SIZE)
        return sc_error_set(SC_ELIMIT, "%s: %zu bytes, more than %zu", file, len,
                            SC_ECERT_MAX_TEMPLATE_SIZE);
    memset(&jerr, 0, sizeof(jerr));
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root && !jerr.text[0]) /* jansson failed before it read anything: an allocation */
        return sc_error_oom();
    if (!root)
        return sc_error_set(SC_EFORMAT, "%s: line %d, column %d: %s", file, jerr.line, jerr.column,
                            jerr.text);
    if (!(t = sc_calloc(1, sizeof(*t))) || (dir && !(t->dir = sc_strdup(dir)))) {
        error = sc_error_oom();
        goto done;
    }
    if ((error = load(t, &c, root)) < 0 || (error = sc_ofd_writer_cache_new(&t->cache, 0)) < 0)
        goto done;
    *out = t;
    t = NULL;
done:
    json_decref(root);
    sc_ecert_template_free(t);
    return error;
}

int sc_ecert_template_load(sc_ecert_template **out, const char *name_or_path)
{
    sc_buf b = SC_BUF_INIT, file = SC_BUF_INIT;
    int error;
    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(name_or_path);
    *out = NULL;
    size_t len = strlen(name_or_path);
    if (strchr(name_or_path, '/') || (len > 5 && strcmp(name_or_path + len - 5, ".json") == 0)) {
        error = sc_buf_puts(&file, name_or_path);
    } else {
        /* A shipped name: letters, digits and '-' only, so it cannot walk out of the dir. */
        for (const char *p = name_or_path; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                return sc_error_set(SC_EINVALID, "template name \"%s\": letters, digits, '-'",
                                    name_or_path);
        const char *env = getenv("SEALCERT_TEMPLATES");
        error = sc_buf_printf(&file, "%s/%s.json", env && *env ? env : SEALCERT_TEMPLATE_DIR,
                              name_or_path);
        if (error == 0 && access((const char *)file.ptr, R_OK) != 0) {
            error = sc_error_set(SC_ENOTFOUND,
                                 "no template \"%s\" (looked for %s; shipped: calibration, "
                                 "verification, verification-notice, test-report, "
                                 "inspection-report)",
                                 name_or_path, (const char *)file.ptr);
        }
    }
    if (error < 0 ||
        (error = sc_fs_read_file(&b, (const char *)file.ptr, SC_ECERT_MAX_TEMPLATE_SIZE)) < 0)
        goto done;
    /* Relative names in the template are relative to its own directory. */
    char *slash = strrchr((char *)file.ptr, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == (char *)file.ptr ? "/" : (const char *)file.ptr;
    }
    char fname[512];
    snprintf(fname, sizeof(fname), "%s%s%s", slash ? dir : "", slash ? "/" : "",
             slash ? slash + 1 : (const char *)file.ptr);
    error = sc_ecert__template_parse(out, (const char *)b.ptr, b.size, fname, dir);
done:
    sc_buf_dispose(&b);
    sc_buf_dispose(&file);
    return error;
}

static void free_elements(sc_ecert__el *els, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        sc_free(els[i].text);
        sc_free(els[i].cond);
        sc_free(els[i].image);
        for (size_t k = 0; k < els[i].field_count; k++) {
            sc_free(els[i].fields[k].label);
            sc_free(els[i].fields[k].label_en);
            sc_free(els[i].fields[k].value);
        }
        sc_free(els[i].fields);
    }
    sc_free(els);
}

void sc_ecert_template_free(sc_ecert_template *t)
{
    if (!t)
        return;
    free_elements(t->every, t->every_count);
    free_elements(t->cover, t->cover_count);
    free_elements(t->header, t->header_count);
    for (size_t i = 0; i < t->block_count; i++) {
        sc_ecert__block *b = &t->blocks[i];
        sc_free(b->text);
        sc_free(b->cond);
        sc_free(b->source);
        for (size_t k = 0; k < b->col_count; k++) {
            sc_free(b->cols[k].title);
            sc_free(b->cols[k].value);
        }
        sc_free(b->cols);
    }
    sc_free(t->blocks);
    for (size_t i = 0; i < t->required_count; i++)
        sc_free(t->required[i]);
    sc_free(t->required);
    sc_free(t->seals);
    for (size_t i = 0; i < t->style_count; i++)
        sc_free(t->styles[i].name);
    sc_free(t->styles);
    sc_free((void *)t->fallbacks);
    for (size_t i = 0; i < t->font_count; i++) {
        sc_free(t->fonts[i].name);
        sc_buf_dispose(&t->fonts[i].base);
        sc_ofd_font_free(t->fonts[i].font);
    }
    sc_free(t->fonts);
    sc_free(t->name);
    sc_free(t->title);
    sc_free(t->id_root);
    sc_free(t->category);
    sc_free(t->empty);
    sc_free(t->dir);
    sc_ofd_writer_cache_free(t->cache);
    sc_free(t);
}

const char *sc_ecert_template_name(const sc_ecert_template *t)
{
    return t ? t->name : "";
}

int sc_ecert_template_type(const sc_ecert_template *t)
{
    return t ? t->type : 0;
}

const char *sc_ecert_template_category(const sc_ecert_template *t)
{
    return t ? t->category : NULL;
}
