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
    size_t stride;           /* bytes per row of dark: GRID_STRIDE(modules) */
    /* modules + 2 rows of stride bytes, 1 = dark: the matrix inside a light margin (one row
     * above and below, one column left, at least 8 right), so that trace_outlines() reads the
     * neighbours of every module, 8 at a time, without bounds checks; module (x, y) is at
     * (y + 1) * stride + x + 1. Owned. */
    unsigned char *dark;
};

/* Row bytes of the padded grid for n modules: n + 1 + 8 or more, a multiple of 8. */
#define GRID_STRIDE(n) (((n) + 16) & ~(size_t)7)

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

    size_t n = (size_t)s->width, stride = GRID_STRIDE(n);
    if (!(code = sc_calloc(1, sizeof(*code))) || !(code->dark = sc_calloc(n + 2, stride))) {
        error = sc_error_oom();
        goto done;
    }
    code->kind = kind;
    code->modules = n;
    code->stride = stride;
    /* zint's modules as its own test for a dark one reads them (backend/common.c module_is_set(),
     * zint 2.9 and later: one bit per module, 8 modules per byte, least significant bit first),
     * a byte at a time: bit k of the byte to byte k of a word (copied to each byte, one bit kept
     * in each, each byte then 0 or 1). The up to 7 bits of a row's last byte past the symbol
     * land in the right margin, which is then cleared again. */
    for (size_t y = 0; y < n; y++) {
        unsigned char *row = code->dark + (y + 1) * stride + 1;
        for (size_t x = 0; x < n; x += 8) {
            uint64_t bits = s->encoded_data[y][x >> 3] * UINT64_C(0x0101010101010101) &
                            UINT64_C(0x8040201008040201);
            bits = (bits + UINT64_C(0x7f7f7f7f7f7f7f7f)) >> 7 & UINT64_C(0x0101010101010101);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            bits = __builtin_bswap64(bits); /* byte k of the word at row[x + k] */
#endif
            memcpy(row + x, &bits, sizeof(bits));
        }
        memset(row + n, 0, 7);
    }
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
    return code->dark[(y + 1) * code->stride + x + 1];
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

/* 8 bytes of the grid as one word (any alignment, either byte order: the words are only
 * combined bytewise). */
static inline uint64_t load8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/*
 * The outlines of the dark modules: the boundary edges between a dark module and a light one (or
 * the edge of the symbol), each directed so that the dark side is on its right (clockwise around
 * dark areas, anticlockwise around light holes), stored per grid corner as a bit mask of
 * outgoing directions, then followed corner to corner into closed loops. At a corner with two
 * ways out (two dark modules touching diagonally) the loop turns right, so each area keeps its
 * own outline. Only the corners where the direction changes are written.
 *
 * A corner's outgoing edges depend only on its four modules (up-left a, up-right b, down-left c,
 * down-right d, light outside the symbol): right along the top of d when b is light, down
 * between c and a light d, left along the bottom of a over a light c, up between b and a light
 * a. The padded grid (struct sc_ecert_code) gives every corner its four modules, so the masks of
 * 8 corners are a few word operations on 0/1 bytes, and the corners (in a grid of the same
 * stride) are scanned 8 at a time for the starts of loops.
 */
static int trace_outlines(sc_ofd_grid_path *path, const sc_ecert_code *code)
{
    const size_t n = code->modules, stride = code->stride;
    /* outgoing edges of corner (x, y) at y * stride + x, for x, y in 0..n; the rest stays 0 */
    unsigned char *out = sc_calloc(n + 1, stride);
    const ptrdiff_t step[4] = {1, (ptrdiff_t)stride, -1, -(ptrdiff_t)stride};
    int error = 0;
    if (!out)
        return sc_error_oom();
    for (size_t y = 0; y <= n; y++) {
        /* corner (x, y) has a at dark[y * stride + x] (the margin shifts modules by one) */
        const unsigned char *up = code->dark + y * stride, *down = up + stride;
        for (size_t x = 0; x <= n; x += 8) {
            uint64_t a = load8(up + x), b = load8(up + x + 1);
            uint64_t c = load8(down + x), d = load8(down + x + 1);
            uint64_t ways = (d & ~b) << DIR_RIGHT | (c & ~d) << DIR_DOWN | (a & ~c) << DIR_LEFT |
                            (b & ~a) << DIR_UP;
            memcpy(out + y * stride + x, &ways, sizeof(ways));
        }
    }
    /* The corners in order, a word of them at a time, each until it has no edges left: the
     * first corner of the word with edges (tracing only removes edges, so the corners before it
     * stay done). */
    for (size_t word = 0; word < (n + 1) * stride && error == 0; word += 8) {
        uint64_t w;
        while (error == 0 && (w = load8(out + word)) != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            size_t at = word + (size_t)__builtin_clzll(w) / 8;
#else
            size_t at = word + (size_t)__builtin_ctzll(w) / 8;
#endif
            size_t cx = at % stride, cy = at / stride, i = at;
            int dir = __builtin_ctz(out[at]);
            if ((error = sc_ofd_grid_path_move_to(path, (int32_t)cx, (int32_t)cy)) < 0)
                break;
            for (;;) {
                out[i] &= (unsigned char)~(1u << dir);
                i = (size_t)((ptrdiff_t)i + step[dir]);
                cx = (size_t)((long)cx + step_x[dir]), cy = (size_t)((long)cy + step_y[dir]);
                unsigned char ways = out[i];
                if (!ways)
                    break; /* back at the start: the loop is closed */
                /* right turn, straight on, left turn: a clockwise turn is dir + 1 */
                int next = (ways >> ((dir + 1) & 3) & 1) ? (dir + 1) & 3
                           : (ways >> dir & 1)           ? dir
                                                         : (dir + 3) & 3;
                if (next != dir &&
                    (error = sc_ofd_grid_path_line_to(path, (int32_t)cx, (int32_t)cy)) < 0)
                    break;
                dir = next;
            }
            if (error == 0)
                error = sc_ofd_grid_path_close(path);
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
    sc_ofd_grid_path *path = NULL;

    SC_ASSERT_ARG(w);
    SC_ASSERT_ARG(code);
    if (!isfinite(x) || !isfinite(y) || !isfinite(size) || size <= 0)
        return sc_error_set(SC_EINVALID, "code: position or size is not a finite positive length");
    if ((error = sc_ofd_grid_path_new(&path)) < 0)
        return error;
    /* In module units under a CTM of the module size: the path is whole numbers (a fraction of
     * the bytes of mm with decimals, and no rounding of edges at all). */
    if ((error = trace_outlines(path, code)) == 0)
        error =
            sc_ofd_writer_fill_grid_path(w, page, path, x, y, size / (double)code->modules, color);
    sc_ofd_grid_path_free(path);
    return error;
}
