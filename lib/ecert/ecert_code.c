/* The certificate's two-dimensional code (T/CMA 4.3.4): Grid Matrix (GB/T 27766-2011) or QR
 * (ISO/IEC 18004) encoded by libzint, drawn on an OFD page as vector paths (GB/T 33190 9.3). */
#include "util/util.h"

#include <math.h>
#include <string.h>

#include <zint.h>

/* Error correction. QR: level H (about 30 % of the codewords recoverable), the strongest; the
 * identifier URL (110-160 bytes) then needs version 9-11 (53-61 modules, 0.41-0.47 mm in 25 mm).
 * Grid Matrix has five levels of about 10..50 %: level 4 (40 %) is stronger than QR's H and at
 * most one version step (12 modules) over level 3, while level 5 needs a step more than level 4
 * for about half of the 100-256-byte lengths and reaches 0.25 mm modules at
 * SC_ECERT_CODE_MAX_TEXT (measurements: docs/formats/ecert-code.md). zint's
 * option_1 numbers QR levels L M Q H as 1..4 and Grid Matrix levels as 1..5. If these change,
 * update docs/formats/ecert-code.md and the zint command line in tests/ecert/code.c. */
#define QR_ECC_H       4
#define GM_ECC_LEVEL   4
#define QR_QUIET       4 /* ISO/IEC 18004:2015 5.3.8: 4X on every side */
#define GM_QUIET       6 /* GB/T 27766-2011: 6X on every side */
#define ECI_UTF8       26
#define ZINT_ROW_BYTES ((int)sizeof(((struct zint_symbol *)0)->encoded_data[0]))
#define ZINT_MAX_ROWS  ((int)(sizeof(((struct zint_symbol *)0)->encoded_data) / ZINT_ROW_BYTES))

/* zint 2.9 changed encoded_data from 7 to 8 modules per byte (143 to 144 bytes a row); the
 * reading below is the 8-module one. */
_Static_assert(ZINT_ROW_BYTES == 144, "libzint 2.9 or later is required");

struct sc_ecert_code {
    sc_ecert_code_kind kind; /* symbology */
    size_t modules;          /* modules per side */
    unsigned char *dark;     /* modules x modules bytes, row-major, 1 = dark; owned */
};

/* zint's own test for a dark module (backend/common.c module_is_set(), zint 2.9 and later: one
 * bit per module, 8 modules per byte, least significant bit first). */
static int zint_module_is_set(const struct zint_symbol *s, int y, int x)
{
    return (s->encoded_data[y][x >> 3] >> (x & 0x07)) & 1;
}

/* A zint result as ours: its message (errtxt, e.g. "Error 531: Input data too long") passed on. */
static int zint_error(int rc, const struct zint_symbol *s)
{
    const char *why = s->errtxt[0] ? s->errtxt : "no message";
    switch (rc) {
    case ZINT_ERROR_TOO_LONG:
        return sc_error_set(SC_ELIMIT, "text: too long for the symbol (zint: %s)", why);
    case ZINT_ERROR_MEMORY:
        return sc_error_oom();
    default:
        return sc_error_set(SC_ERROR, "zint: %s (code %d)", why, rc);
    }
}

/* Is the text valid UTF-8, and does it hold anything beyond ASCII? @p offset: the first bad byte.
 */
static bool check_utf8(const char *text, size_t len, bool *has_non_ascii, size_t *offset)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    *has_non_ascii = false;
    while (p < end) {
        uint32_t cp;
        const unsigned char *at = p;
        if (!sc_utf8_next(&p, end, &cp)) {
            *offset = (size_t)(at - (const unsigned char *)text);
            return false;
        }
        *has_non_ascii |= cp >= 0x80;
    }
    return true;
}

int sc_ecert_code_encode(sc_ecert_code **out, sc_ecert_code_kind kind, const char *text)
{
    int error = 0, rc;
    struct zint_symbol *s = NULL;
    sc_ecert_code *code = NULL;
    bool has_non_ascii;
    size_t len, bad;

    SC_ASSERT_ARG(out);
    *out = NULL;
    SC_ASSERT_ARG(text);
    if (kind != SC_ECERT_CODE_GRID_MATRIX && kind != SC_ECERT_CODE_QR)
        return sc_error_set(SC_EINVALID, "code: unknown symbology %d", (int)kind);
    len = strnlen(text, SC_ECERT_CODE_MAX_TEXT + 1);
    if (len == 0)
        return sc_error_set(SC_EINVALID, "text: empty");
    if (len > SC_ECERT_CODE_MAX_TEXT)
        return sc_error_set(SC_ELIMIT, "text: over %d bytes (SC_ECERT_CODE_MAX_TEXT)",
                            SC_ECERT_CODE_MAX_TEXT);
    if (!check_utf8(text, len, &has_non_ascii, &bad))
        return sc_error_set(SC_EINVALID, "text: not UTF-8 (offset %zu)", bad);

    if (!(s = ZBarcode_Create()))
        return sc_error_oom();
    s->symbology = kind == SC_ECERT_CODE_QR ? BARCODE_QRCODE : BARCODE_GRIDMATRIX;
    s->option_1 = kind == SC_ECERT_CODE_QR ? QR_ECC_H : GM_ECC_LEVEL;
    /* The bytes as they are, in byte mode (DATA_MODE): zint's UNICODE_MODE would re-encode them
     * (QR: to Latin-1 or Shift JIS; Grid Matrix: to GB 2312), which a reader turns back into
     * UTF-8 only if it guesses the character set. Beyond ASCII the ECI 26 designator (UTF-8)
     * tells the reader what the bytes are; pure ASCII (the percent-encoded URL) goes without one,
     * as every reader takes ASCII as it is and the designator would cost 12 bits. */
    s->input_mode = DATA_MODE;
    s->eci = has_non_ascii ? ECI_UTF8 : 0;
    /* Warnings (non-compliant symbol, changed options) are failures: we promise compliance. */
    s->warn_level = WARN_FAIL_ALL;
    if ((rc = ZBarcode_Encode(s, (const unsigned char *)text, (int)len)) != 0) {
        error = zint_error(rc, s);
        goto done;
    }
    if (SC_NEVER(s->rows <= 0 || s->rows != s->width || s->rows > ZINT_MAX_ROWS ||
                 s->width > ZINT_ROW_BYTES * 8)) {
        error = sc_error_set(SC_ERROR, "zint: a %d x %d symbol is not a square matrix", s->width,
                             s->rows);
        goto done;
    }

    size_t n = (size_t)s->width;
    if (!(code = sc_calloc(1, sizeof(*code))) || !(code->dark = sc_malloc(n * n))) {
        error = sc_error_oom();
        goto done;
    }
    code->kind = kind;
    code->modules = n;
    for (size_t y = 0; y < n; y++)
        for (size_t x = 0; x < n; x++)
            code->dark[y * n + x] = (unsigned char)zint_module_is_set(s, (int)y, (int)x);
    *out = code;
    code = NULL;
done:
    sc_ecert_code_free(code);
    ZBarcode_Delete(s);
    return error;
}

void sc_ecert_code_free(sc_ecert_code *code)
{
    if (!code)
        return;
    sc_free(code->dark);
    sc_free(code);
}

size_t sc_ecert_code_modules(const sc_ecert_code *code)
{
    return code ? code->modules : 0;
}

int sc_ecert_code_dark(const sc_ecert_code *code, size_t x, size_t y)
{
    if (!code || x >= code->modules || y >= code->modules)
        return 0;
    return code->dark[y * code->modules + x];
}

size_t sc_ecert_code_quiet_modules(const sc_ecert_code *code)
{
    if (!code)
        return 0;
    return code->kind == SC_ECERT_CODE_QR ? QR_QUIET : GM_QUIET;
}

/* ---- drawing ---------------------------------------------------------------------------- */

/* Directions on the module grid (y downwards) and their steps. */
enum { DIR_RIGHT, DIR_DOWN, DIR_LEFT, DIR_UP };
static const int step_x[4] = {1, 0, -1, 0}, step_y[4] = {0, 1, 0, -1};

/* sc_ecert_code_dark() for the loops below: a module inside the matrix, or light. */
static inline bool dark_at(const sc_ecert_code *c, size_t x, size_t y)
{
    return x < c->modules && y < c->modules && c->dark[y * c->modules + x];
}

/*
 * The outlines of the dark modules: the boundary edges between a dark module and a light one (or
 * the edge of the symbol), each directed so that the dark side is on its right (clockwise around
 * dark areas, anticlockwise around light holes), stored per grid corner as a bit mask of
 * outgoing directions, then followed corner to corner into closed loops. At a corner with two
 * ways out (two dark modules touching diagonally) the loop turns right, so each area keeps its
 * own outline. Only the corners where the direction changes are written.
 */
static int trace_outlines(sc_ofd_path *path, const sc_ecert_code *code, double ox, double oy)
{
    const size_t n = code->modules, side = n + 1;
    unsigned char *out = sc_calloc(side * side, 1); /* outgoing edges of each corner */
    int error = 0;
    if (!out)
        return sc_error_oom();
    for (size_t y = 0; y < n; y++)
        for (size_t x = 0; x < n; x++) {
            if (!dark_at(code, x, y))
                continue;
            if (y == 0 || !dark_at(code, x, y - 1))
                out[y * side + x] |= 1u << DIR_RIGHT; /* top edge, left to right */
            if (!dark_at(code, x + 1, y))
                out[y * side + x + 1] |= 1u << DIR_DOWN; /* right edge, downwards */
            if (!dark_at(code, x, y + 1))
                out[(y + 1) * side + x + 1] |= 1u << DIR_LEFT; /* bottom edge, right to left */
            if (x == 0 || !dark_at(code, x - 1, y))
                out[(y + 1) * side + x] |= 1u << DIR_UP; /* left edge, upwards */
        }
    for (size_t start = 0; start < side * side && error == 0; start++) {
        while (out[start] && error == 0) {
            size_t cx = start % side, cy = start / side;
            int dir = __builtin_ctz(out[start]);
            if ((error = sc_ofd_path_move_to(path, ox + (double)cx, oy + (double)cy)) < 0)
                break;
            for (;;) {
                out[cy * side + cx] &= (unsigned char)~(1u << dir);
                cx = (size_t)((long)cx + step_x[dir]), cy = (size_t)((long)cy + step_y[dir]);
                unsigned char ways = out[cy * side + cx];
                if (!ways)
                    break; /* back at the start: the loop is closed */
                /* right turn, straight on, left turn: a clockwise turn is dir + 1 */
                int next = (ways >> ((dir + 1) & 3) & 1) ? (dir + 1) & 3
                           : (ways >> dir & 1)           ? dir
                                                         : (dir + 3) & 3;
                if (next != dir &&
                    (error = sc_ofd_path_line_to(path, ox + (double)cx, oy + (double)cy)) < 0)
                    break;
                dir = next;
            }
            if (error == 0)
                error = sc_ofd_path_close(path);
        }
    }
    sc_free(out);
    return error;
}

/*
 * The dark modules as one filled PathObject of outlines, not an image: a picture would be
 * resampled by every viewer and printer (blurred, or moiré at non-integer scales), while a vector
 * is sharp at any zoom and print resolution, and a few KB.
 *
 * One path for the whole symbol: renderers that anti-alias compute the coverage of the whole path
 * at once, so modules that touch leave no light seam, as they would between separately drawn
 * (and separately blended) objects; and outlines (trace_outlines) rather than one rectangle per
 * run of modules have no inner edges at all, where a seam could arise, and about half the
 * corners. The winding is the same for every area (holes the other way), so even-odd and
 * non-zero filling agree. The coordinates are module numbers under a PathObject CTM scaling them
 * to the module size: exact, never accumulated, and short (the page XML is hashed and deflated
 * for every certificate).
 */
int sc_ecert_code_draw(sc_ofd_writer *w, size_t page, const sc_ecert_code *code, double x, double y,
                       double size, sc_ofd_rgb color)
{
    int error = 0;
    sc_ofd_path *path = NULL;
    sc_ofd_path_style style = SC_OFD_PATH_STYLE_INIT;

    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(code);
    if (!isfinite(x) || !isfinite(y) || !isfinite(size) || size <= 0)
        return sc_error_set(SC_EINVALID, "code: position or size is not a finite positive length");
    if ((error = sc_ofd_path_new(&path)) < 0)
        return error;

    const size_t n = code->modules;
    /* In module units under a CTM of the module size: the path is whole numbers (a fraction of
     * the bytes of mm with decimals, and no rounding of edges at all). */
    const double m = size / (double)n;
    if ((error = trace_outlines(path, code, x / m, y / m)) < 0)
        goto done;
    style.has_stroke = 0;
    style.has_fill = 1;
    style.fill = color;
    style.scale = m;
    error = sc_ofd_writer_add_path(w, page, path, &style);
done:
    sc_ofd_path_free(path);
    return error;
}
