/* lib/ecert private: the loaded form of a certificate template (docs/templates.md). */
#ifndef SC_ECERT_INT_H
#define SC_ECERT_INT_H

#include "sealcert/ecert.h"
#include "util/limits.h"
#include "util/util.h"

/* A named font of the template, loaded once. */
typedef struct {
    char *name;        /* key in "fonts", owned */
    sc_ofd_font *font; /* owned */
    sc_buf base;       /* the template's own text drawn in this font (+ ASCII and metrology
                          symbols when it draws data), embedded in every document so documents
                          share one cached subset; empty when no style draws with it */
    int has_symbols;   /* base holds the ASCII and symbol set already */
} sc_ecert__font;

/* A named text style; style.font and style.fallbacks point into the template. */
typedef struct {
    char *name;              /* key in "styles", owned */
    sc_ofd_text_style style; /* resolved */
} sc_ecert__style;

typedef enum {
    SC_ECERT__EL_TEXT,    /* one line at a baseline */
    SC_ECERT__EL_TEXTBOX, /* wrapped text from a top edge */
    SC_ECERT__EL_LINE,    /* a straight line */
    SC_ECERT__EL_RECT,    /* a rectangle, stroked and/or filled */
    SC_ECERT__EL_IMAGE,   /* a PNG/JPEG from the template's directory */
    SC_ECERT__EL_FIELDS,  /* label / value rows (the cover's facts) */
} sc_ecert__el_kind;

/* One row of a fields element. */
typedef struct {
    char *label;    /* Chinese label, owned */
    char *label_en; /* English label under it; NULL: none */
    char *value;    /* text with placeholders, owned */
} sc_ecert__field;

/* An element at a fixed position. Lengths in mm from the page's top-left corner. */
typedef struct {
    sc_ecert__el_kind kind;
    char *text;                   /* TEXT/TEXTBOX: with placeholders; IMAGE: file name; owned */
    char *cond;                   /* "if": drawn only when this placeholder is not empty; owned */
    double x, y, w, h;            /* position: TEXT y = baseline, TEXTBOX y = top; LINE x2 = w */
    double x2, y2;                /* LINE end point */
    const sc_ecert__style *style; /* text style */
    sc_ofd_align align;           /* TEXT/TEXTBOX alignment (the style's unless given) */
    sc_ofd_path_style path;       /* LINE/RECT painting */
    unsigned char *image;         /* IMAGE bytes, owned */
    size_t image_len;             /* bytes */
    sc_ecert__field *fields;      /* FIELDS rows, owned */
    size_t field_count;           /* rows */
    double label_width;           /* FIELDS: value column starts at x + label_width */
    double row_height;            /* FIELDS: minimum row pitch */
    double underline;             /* FIELDS: line width under values; 0: none */
    const sc_ecert__style *label_style, *label_en_style; /* FIELDS */
} sc_ecert__el;

typedef enum {
    SC_ECERT__BL_HEADING,   /* a heading kept with what follows */
    SC_ECERT__BL_PARAGRAPH, /* wrapped text */
    SC_ECERT__BL_LIST,      /* one wrapped paragraph per item of a data array */
    SC_ECERT__BL_TABLE,     /* a table of a data array (objects) or of results */
    SC_ECERT__BL_SPACE,     /* vertical space */
    SC_ECERT__BL_BREAK,     /* a page break */
} sc_ecert__bl_kind;

/* A column of a table block over an array of objects. */
typedef struct {
    char *title; /* header cell, owned */
    char *value; /* cell text with placeholders relative to the row object, owned */
    double width;
} sc_ecert__col;

/* A block of the flow: laid out top to bottom, breaking pages where it must. */
typedef struct {
    sc_ecert__bl_kind kind;
    char *text;                          /* HEADING/PARAGRAPH text; LIST item format; owned */
    char *cond;                          /* "if" placeholder; owned */
    char *source;                        /* LIST/TABLE: the data array ("basis", "results") */
    const sc_ecert__style *style;        /* text / body cells */
    const sc_ecert__style *header_style; /* TABLE header */
    sc_ofd_align align;                  /* PARAGRAPH alignment */
    double space;                        /* SPACE height; LIST indent */
    sc_ecert__col *cols;                 /* TABLE columns; NULL for "results" */
    size_t col_count;
} sc_ecert__block;

/* A seal position. */
typedef struct {
    long page;      /* 1-based; 0: the last page */
    double x, y;    /* centre */
    bool over_text; /* "over_text": the seal may lie over page 1's text (else: an error) */
} sc_ecert__seal_pos;

struct sc_ecert_template {
    char *name, *title, *id_root, *empty, *dir; /* owned; dir: for relative file names */
    char *category; /* owned: the file name's category (T/CMA 4.4.3), e.g. "检测" */
    int type;
    double page_w, page_h;
    sc_ecert__font *fonts;
    size_t font_count;
    const sc_ofd_font **fallbacks; /* into fonts */
    size_t fallback_count;
    sc_ecert__style *styles;
    size_t style_count;
    char **required; /* data paths the template needs */
    size_t required_count;
    double code_x, code_y, code_size; /* the code on page 1 (Grid Matrix, or QR alone) */
    double code2_x, code2_y;          /* the second code (QR) when both are printed */
    int has_code2;                    /* "code2" given */
    sc_ecert__seal_pos *seals;
    size_t seal_count;
    sc_ecert__el *every, *cover, *header; /* every page, page 1, each flow page */
    size_t every_count, cover_count, header_count;
    double flow_x, flow_w, flow_top, flow_bottom; /* the flow's column on its pages */
    double flow_cover_top;                        /* > 0: the flow starts on page 1 at this y */
    double flow_cover_bottom;                     /* the flow's bottom on page 1 (0: flow_bottom) */
    sc_ecert__block *blocks;
    size_t block_count;
    /* The template pages' deflate streams and digests, for all certificates of this template
     * (their static content is the same bytes every time). Owned; thread-safe. */
    sc_ofd_writer_cache *cache;
};

/* Parse a template from memory; @p file names it in messages, @p dir resolves relative file
 * names (NULL: as given). */
int sc_ecert__template_parse(sc_ecert_template **out, const char *json, size_t len,
                             const char *file, const char *dir);

/* The path of a value during sc_ecert__data_each_string(), formatted on demand. */
typedef struct sc_ecert__path sc_ecert__path;

/* The path's text ("standards[2].serial"), valid until the next call with @p path. */
const char *sc_ecert__path_text(sc_ecert__path *path);

/* Call @p fn with the path and value of every string of @p data, and the literal text of every
 * number, in document order; stops at the first negative return. The path is formatted only when
 * @p fn asks for it (a message), not for every value. */
int sc_ecert__data_each_string(const sc_ecert_data *data,
                               int (*fn)(void *ctx, sc_ecert__path *path, const char *value),
                               void *ctx);

/* 1 when the boxes (x, y, w, h) overlap. */
int sc_ecert__boxes_overlap(const double a[4], const double b[4]);

/* The boxes (x, y, w, h, mm) of the template's code positions ("code", then "code2") with a
 * quiet zone of 6 modules of 25 mm / 40 around each: what nothing on page 1 may meet.
 * @return the positions the template has, 1 or 2 */
size_t sc_ecert__code_areas(const sc_ecert_template *t, double areas[2][4]);

#endif
