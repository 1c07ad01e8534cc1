/* The certificate's 2D code (lib/ecert/ecert_code.c, T/CMA 4.3.4): QR symbols decode back to the
 * exact text with an independent reader (zbarimg), Grid Matrix symbols are module for module what
 * zint's own command line makes (no free Grid Matrix reader exists to decode them), limits and
 * errors, and the vector drawing covers exactly the dark modules with one PathObject. */
#include "ecert/code_util.h"

#include <math.h>

/* ---- helpers ------------------------------------------------------------------------------ */

static sc_ecert_code *encode(sc_ecert_code_kind kind, const char *text)
{
    sc_ecert_code *c = NULL;
    sc_assert_ok(sc_ecert_code_encode(&c, kind, text));
    assert_non_null(c);
    return c;
}

/* The matrix as a PNG, @p px pixels a module, with the quiet zone the symbology requires. */
static const char *render_png(const sc_ecert_code *c, const char *name, int px)
{
    const char *path = sctest_tmp(name);
    int n = (int)sc_ecert_code_modules(c), q = (int)sc_ecert_code_quiet_modules(c);
    int side = (n + 2 * q) * px;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (sc_ecert_code_dark(c, (size_t)x, (size_t)y))
                cairo_rectangle(cr, (q + x) * px, (q + y) * px, px, px);
    cairo_fill(cr);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return path;
}

/* Encode as QR, draw, decode with zbarimg: the text must come back byte for byte. */
static void assert_qr_round_trip(const char *text, const char *name)
{
    sc_ecert_code *c = encode(SC_ECERT_CODE_QR, text);
    sc_buf got = code_zbar(render_png(c, name, 4));
    assert_string_equal((char *)got.ptr, text);
    sc_buf_dispose(&got);
    sc_ecert_code_free(c);
}

/* zint's command line (Debian package zint, an encoder independent of our use of the library:
 * its own argument handling, and its --dump is its own printer of the matrix) must produce the
 * same matrix: rows of hex digits, 4 modules a digit, most significant bit first. */
static void assert_same_as_zint_cli(sc_ecert_code_kind kind, const char *text)
{
    char cmd[2048];
    int status;
    const char *in = sctest_tmp("zint-input.txt");
    bool is_ascii = true;
    for (const char *p = text; *p; p++)
        is_ascii &= (unsigned char)*p < 0x80;
    sc_assert_ok(sc_fs_write_atomic(in, text, strlen(text), true, 0644));
    /* The options sc_ecert_code_encode() uses: QR level H (4), Grid Matrix level 4, bytes as
     * they are, ECI 26 (UTF-8) beyond ASCII. */
    snprintf(cmd, sizeof(cmd), "zint -b %d --secure=4 --binary %s --dump -i '%s'",
             kind == SC_ECERT_CODE_QR ? 58 : 142, is_ascii ? "" : "--eci=26", in);
    sc_buf dump = code_run(cmd, &status);
    if (status == 127)
        fail_msg("zint is not installed (Debian package zint, scripts/install-deps)");
    assert_int_equal(status, 0);

    sc_ecert_code *c = encode(kind, text);
    size_t n = sc_ecert_code_modules(c), rows = 0;
    for (char *line = (char *)dump.ptr, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        size_t x = 0;
        for (const char *h = line; *h; h++) {
            if (*h == ' ')
                continue;
            unsigned v = (unsigned)strtoul((char[]){*h, 0}, NULL, 16);
            for (int b = 3; b >= 0 && x < n; b--, x++)
                if ((int)((v >> b) & 1) != sc_ecert_code_dark(c, x, rows))
                    fail_msg("module (%zu, %zu) differs from zint's", x, rows);
        }
        assert_int_equal(x, n);
        rows++;
    }
    assert_int_equal(rows, n);
    sc_ecert_code_free(c);
    sc_buf_dispose(&dump);
}

/* A string of @p len bytes cycling through the URL. */
static char *text_of_length(size_t len)
{
    char *t = malloc(len + 1);
    for (size_t i = 0; i < len; i++)
        t[i] = CODE_TEST_URL[i % (sizeof(CODE_TEST_URL) - 1)];
    t[len] = 0;
    return t;
}

/* ---- QR ----------------------------------------------------------------------------------- */

static void test_ecert_code__qr_decodes_to_the_url(void **state)
{
    assert_qr_round_trip(CODE_TEST_URL, "qr-url.png");
}

/* Beyond ASCII (an un-encoded identifier with U+00B7 and CJK): the ECI tells the reader the bytes
 * are UTF-8, so it gives them back unchanged instead of guessing a character set. */
static void test_ecert_code__qr_utf8_decodes_to_the_same_bytes(void **state)
{
    assert_qr_round_trip("https://cert.example.cn/v/1.2.156.112600.1·7·91350200776049653A·CNAS "
                         "L0001·校准JZ2026-000123·0",
                         "qr-utf8.png");
}

/* Encoders at their smallest and largest output: one byte, and SC_ECERT_CODE_MAX_TEXT bytes. */
static void test_ecert_code__qr_smallest_and_largest(void **state)
{
    char *big = text_of_length(SC_ECERT_CODE_MAX_TEXT);
    assert_qr_round_trip("A", "qr-small.png");
    assert_qr_round_trip(big, "qr-big.png");
    free(big);
}

static void test_ecert_code__qr_matches_zint_cli(void **state)
{
    assert_same_as_zint_cli(SC_ECERT_CODE_QR, CODE_TEST_URL);
}

/* ---- Grid Matrix -------------------------------------------------------------------------- */

static void test_ecert_code__grid_matrix_matches_zint_cli(void **state)
{
    char *big = text_of_length(SC_ECERT_CODE_MAX_TEXT);
    assert_same_as_zint_cli(SC_ECERT_CODE_GRID_MATRIX, CODE_TEST_URL);
    assert_same_as_zint_cli(SC_ECERT_CODE_GRID_MATRIX, "校准证书 JZ2026-000123·0");
    assert_same_as_zint_cli(SC_ECERT_CODE_GRID_MATRIX, "A");
    assert_same_as_zint_cli(SC_ECERT_CODE_GRID_MATRIX, big);
    free(big);
}

/* GB/T 27766 5.2: 6 V + 12 modules a side (version 1..13), the finder pattern's dark corner
 * frame at the top left; the quiet zone is 6 modules, QR's 4. */
static void test_ecert_code__grid_matrix_structure(void **state)
{
    sc_ecert_code *gm = encode(SC_ECERT_CODE_GRID_MATRIX, CODE_TEST_URL);
    sc_ecert_code *qr = encode(SC_ECERT_CODE_QR, CODE_TEST_URL);
    size_t n = sc_ecert_code_modules(gm);
    assert_true(n >= 18 && n <= 162 && (n - 12) % 6 == 0);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(sc_ecert_code_dark(gm, i, 0), 1);
        assert_int_equal(sc_ecert_code_dark(gm, 0, i), 1);
    }
    assert_int_equal(sc_ecert_code_quiet_modules(gm), 6);
    assert_int_equal(sc_ecert_code_quiet_modules(qr), 4);
    sc_ecert_code_free(gm);
    sc_ecert_code_free(qr);
}

/* What the limit promises: the largest text still gives modules of at least 0.27 mm in the
 * 25 mm square of T/CMA 4.3.4 (QR at level H, Grid Matrix at level 4). */
static void test_ecert_code__largest_text_fits_25_mm(void **state)
{
    char *big = text_of_length(SC_ECERT_CODE_MAX_TEXT);
    sc_ecert_code *qr = encode(SC_ECERT_CODE_QR, big);
    sc_ecert_code *gm = encode(SC_ECERT_CODE_GRID_MATRIX, big);
    assert_true(25.0 / (double)sc_ecert_code_modules(qr) >= 0.27);
    assert_true(25.0 / (double)sc_ecert_code_modules(gm) >= 0.27);
    sc_ecert_code_free(qr);
    sc_ecert_code_free(gm);
    free(big);
}

/* ---- limits and errors -------------------------------------------------------------------- */

static void test_ecert_code__too_long(void **state)
{
    char *big = text_of_length(SC_ECERT_CODE_MAX_TEXT + 1);
    for (int kind = SC_ECERT_CODE_GRID_MATRIX; kind <= SC_ECERT_CODE_QR; kind++) {
        sc_ecert_code *c = (sc_ecert_code *)1;
        assert_int_equal(sc_ecert_code_encode(&c, (sc_ecert_code_kind)kind, big), SC_ELIMIT);
        assert_null(c);
        assert_string_equal(sc_error_last()->message,
                            "text: over 256 bytes (SC_ECERT_CODE_MAX_TEXT)");
    }
    free(big);
}

static void test_ecert_code__bad_input(void **state)
{
    sc_ecert_code *c = NULL;
    assert_int_equal(sc_ecert_code_encode(&c, SC_ECERT_CODE_QR, ""), SC_EINVALID);
    assert_string_equal(sc_error_last()->message, "text: empty");
    assert_int_equal(sc_ecert_code_encode(&c, (sc_ecert_code_kind)7, "x"), SC_EINVALID);
    assert_string_equal(sc_error_last()->message, "code: unknown symbology 7");
    /* a lone continuation byte, then a truncated sequence at the end */
    assert_int_equal(sc_ecert_code_encode(&c, SC_ECERT_CODE_QR, "ab\x80"), SC_EINVALID);
    assert_string_equal(sc_error_last()->message, "text: not UTF-8 (offset 2)");
    assert_int_equal(sc_ecert_code_encode(&c, SC_ECERT_CODE_GRID_MATRIX, "abc\xE6\xA0"),
                     SC_EINVALID);
    assert_string_equal(sc_error_last()->message, "text: not UTF-8 (offset 3)");
    assert_null(c);
}

static void test_ecert_code__accessors(void **state)
{
    sc_ecert_code *c = encode(SC_ECERT_CODE_QR, "A");
    size_t n = sc_ecert_code_modules(c);
    assert_int_equal(n, 21); /* version 1 */
    /* the finder pattern's corners, and outside the matrix */
    assert_int_equal(sc_ecert_code_dark(c, 0, 0), 1);
    assert_int_equal(sc_ecert_code_dark(c, n - 1, 0), 1);
    assert_int_equal(sc_ecert_code_dark(c, 0, n - 1), 1);
    assert_int_equal(sc_ecert_code_dark(c, 7, 7), 0);
    assert_int_equal(sc_ecert_code_dark(c, n, 0), 0);
    assert_int_equal(sc_ecert_code_dark(c, 0, n), 0);
    assert_int_equal(sc_ecert_code_dark(c, SIZE_MAX, SIZE_MAX), 0);
    assert_int_equal(sc_ecert_code_dark(NULL, 0, 0), 0);
    assert_int_equal(sc_ecert_code_modules(NULL), 0);
    assert_int_equal(sc_ecert_code_quiet_modules(NULL), 0);
    sc_ecert_code_free(c);
    sc_ecert_code_free(NULL);
}

/* ---- drawing ------------------------------------------------------------------------------ */

/* The outlines of "M x y L x y ... C ..." (in units of @p ctm mm, the PathObject's CTM scale,
 * relative to the Boundary's origin bx, by): every coordinate a whole number, every edge
 * horizontal or vertical; then, for the centre of each module of the n x n grid (@p m mm a module,
 * the symbol's corner at x0, y0), its winding number by the non-zero rule into @p winding and
 * its even-odd parity into @p parity. @p corners counts the points. */
static void rasterize(int *winding, unsigned char *parity, size_t n, double m, const char *d,
                      double ctm, double bx, double by, double x0, double y0, size_t *corners)
{
    double(*pts)[2] = NULL;
    size_t np = 0, cap = 0;
    *corners = 0;
    memset(winding, 0, n * n * sizeof(*winding));
    memset(parity, 0, n * n);
    while (*d) {
        char op;
        int used = 0;
        double px, py;
        while (*d == ' ')
            d++;
        if (!*d)
            break;
        op = *d++;
        if (op == 'M' || op == 'L') {
            if (sscanf(d, " %lf %lf%n", &px, &py, &used) != 2)
                fail_msg("bad operands at '%.40s'", d);
            d += used;
            if (px != round(px) || py != round(py))
                fail_msg("coordinate (%g, %g) is not a whole number of modules", px, py);
            if (op == 'M')
                np = 0;
            if (np == cap)
                pts = realloc(pts, (cap = cap ? 2 * cap : 64) * sizeof(*pts));
            /* to module numbers of the symbol */
            pts[np][0] = (px * ctm + bx - x0) / m, pts[np][1] = (py * ctm + by - y0) / m;
            np++;
            (*corners)++;
        } else if (op == 'C') {
            assert_true(np >= 4);
            for (size_t i = 0; i < np; i++) {
                const double *a = pts[i], *b = pts[(i + 1) % np];
                assert_true(fabs(a[0] - b[0]) < 1e-6 || fabs(a[1] - b[1]) < 1e-6);
                if (fabs(a[0] - b[0]) > 1e-6)
                    continue; /* horizontal: a ray to the right never counts it */
                /* a vertical edge at x = a[0] from a[1] to b[1]: modules whose centre lies
                 * left of it, within its span, are crossed by a ray going right */
                double ylo = a[1] < b[1] ? a[1] : b[1], yhi = a[1] < b[1] ? b[1] : a[1];
                int w = b[1] > a[1] ? 1 : -1;
                for (size_t y = 0; y < n; y++) {
                    double cy = (double)y + 0.5;
                    if (cy < ylo || cy > yhi)
                        continue;
                    for (size_t x = 0; x < n && (double)x + 0.5 < a[0]; x++) {
                        winding[y * n + x] += w;
                        parity[y * n + x] ^= 1;
                    }
                }
            }
            np = 0;
        } else {
            fail_msg("unexpected command '%c'", op);
        }
    }
    assert_int_equal(np, 0); /* every subpath closed */
    free(pts);
}

static double attr_num(const char *s, const char *name, int k)
{
    const char *p = strstr(s, name);
    assert_non_null(p);
    p += strlen(name);
    double v[4];
    assert_int_equal(sscanf(p, "%lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3]), 4);
    return v[k];
}

/* One PathObject, filled and not stroked, whose outlines cover every dark module and no light
 * one, by either filling rule; the reader counts it on the page. */
static void assert_draw_covers(sc_ecert_code_kind kind)
{
    sc_ofd_writer_options wo = SC_OFD_WRITER_OPTIONS_INIT;
    sc_ofd_writer *w = NULL;
    sc_ofd *ofd = NULL;
    sc_buf doc = SC_BUF_INIT;
    size_t page;
    const unsigned char *xml;
    size_t xml_len;
    const double x0 = 150, y0 = 30, size = 25;

    sc_ecert_code *c = encode(kind, CODE_TEST_URL);
    size_t n = sc_ecert_code_modules(c), dark = 0;
    wo.creation_time = 1767225600;
    sc_assert_ok(sc_ofd_writer_new(&w, &wo));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    sc_assert_ok(sc_ecert_code_draw(w, page, c, x0, y0, size, SC_OFD_BLACK));
    sc_assert_ok(sc_ofd_writer_finish(&doc, w));
    sc_ofd_writer_free(w);

    sc_assert_ok(sc_ofd_open(&ofd, doc.ptr, doc.size, NULL));
    const sc_ofd_page *pg = sc_ofd_page_of(ofd, 0, 0);
    assert_non_null(pg);
    assert_int_equal(pg->path_count, 1);
    assert_int_equal(pg->image_count, 0);
    sc_assert_ok(sc_ofd_entry(&xml, &xml_len, ofd, pg->path));

    const char *s = (const char *)xml;
    const char *po = strstr(s, "<ofd:PathObject");
    assert_non_null(po);
    assert_null(strstr(po + 1, "<ofd:PathObject"));
    assert_non_null(strstr(po, "Stroke=\"false\""));
    assert_non_null(strstr(po, "Fill=\"true\""));
    const char *d = strstr(po, "<ofd:AbbreviatedData>");
    assert_non_null(d);
    d += strlen("<ofd:AbbreviatedData>");
    char *data = strndup(d, (size_t)(strstr(d, "</ofd:AbbreviatedData>") - d));
    int *winding = calloc(n * n, sizeof(int));
    unsigned char *parity = calloc(n * n, 1);
    size_t corners;
    /* the CTM scales module numbers to the module size, and does nothing else */
    double ctm = attr_num(po, "CTM=\"", 0);
    assert_true(fabs(ctm - size / (double)n) < 1e-6);
    assert_true(attr_num(po, "CTM=\"", 1) == 0 && attr_num(po, "CTM=\"", 2) == 0);
    assert_true(fabs(attr_num(po, "CTM=\"", 3) - ctm) < 1e-9);
    rasterize(winding, parity, n, size / (double)n, data, ctm, attr_num(po, "Boundary=\"", 0),
              attr_num(po, "Boundary=\"", 1), x0, y0, &corners);
    for (size_t y = 0; y < n; y++)
        for (size_t x = 0; x < n; x++) {
            int want = sc_ecert_code_dark(c, x, y);
            dark += (size_t)want;
            /* non-zero and even-odd filling agree: one winding for every dark area */
            if ((winding[y * n + x] != 0) != want || parity[y * n + x] != want ||
                abs(winding[y * n + x]) > 1)
                fail_msg("module (%zu, %zu): winding %d, parity %d, dark %d", x, y,
                         winding[y * n + x], parity[y * n + x], want);
        }
    /* outlines: fewer corners than a rectangle per run of dark modules in a row would have */
    size_t runs = 0;
    for (size_t y = 0; y < n; y++)
        for (size_t x = 0; x < n; x++)
            runs += sc_ecert_code_dark(c, x, y) && (x == 0 || !sc_ecert_code_dark(c, x - 1, y));
    if (corners >= 4 * runs)
        fail_msg("%zu corners for %zu runs of %zu dark modules", corners, runs, dark);
    free(winding);
    free(parity);
    free(data);
    sc_ofd_free(ofd);
    sc_buf_dispose(&doc);
    sc_ecert_code_free(c);
}

static void test_ecert_code__draw_covers_the_dark_modules(void **state)
{
    (void)state;
    assert_draw_covers(SC_ECERT_CODE_QR);
    assert_draw_covers(SC_ECERT_CODE_GRID_MATRIX);
}

static void test_ecert_code__draw_bad_arguments(void **state)
{
    sc_ofd_writer *w = NULL;
    size_t page;
    sc_ecert_code *c = encode(SC_ECERT_CODE_GRID_MATRIX, "A");
    sc_assert_ok(sc_ofd_writer_new(&w, NULL));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    assert_int_equal(sc_ecert_code_draw(w, page, c, 10, 10, 0, SC_OFD_BLACK), SC_EINVALID);
    assert_int_equal(sc_ecert_code_draw(w, page, c, 10, 10, -25, SC_OFD_BLACK), SC_EINVALID);
    assert_int_equal(sc_ecert_code_draw(w, page, c, NAN, 10, 25, SC_OFD_BLACK), SC_EINVALID);
    assert_int_equal(sc_ecert_code_draw(w, page, c, 10, 10, INFINITY, SC_OFD_BLACK), SC_EINVALID);
    assert_int_equal(sc_ecert_code_draw(w, page + 1, c, 10, 10, 25, SC_OFD_BLACK), SC_EINVALID);
    sc_assert_ok(sc_ecert_code_draw(w, page, c, 10, 10, 25, SC_OFD_BLACK));
    sc_ofd_writer_free(w);
    sc_ecert_code_free(c);
}

/* Every allocation of encode and draw may fail: SC_ENOMEM, never a crash or a leak. */
static int encode_and_draw(void *payload)
{
    sc_ofd_writer *w = NULL;
    sc_ecert_code *c = NULL;
    size_t page;
    int error;
    if ((error = sc_ecert_code_encode(&c, SC_ECERT_CODE_QR, CODE_TEST_URL)) < 0 ||
        (error = sc_ofd_writer_new(&w, NULL)) < 0 ||
        (error = sc_ofd_writer_add_page(&page, w, 0, 0)) < 0 ||
        (error = sc_ecert_code_draw(w, page, c, 20, 20, 25, SC_OFD_BLACK)) < 0)
        goto done;
done:
    sc_ofd_writer_free(w);
    sc_ecert_code_free(c);
    return error;
}

static void test_ecert_code__out_of_memory(void **state)
{
    sctest_oom_loop(encode_and_draw, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecert_code__qr_decodes_to_the_url),
        cmocka_unit_test(test_ecert_code__qr_utf8_decodes_to_the_same_bytes),
        cmocka_unit_test(test_ecert_code__qr_smallest_and_largest),
        cmocka_unit_test(test_ecert_code__qr_matches_zint_cli),
        cmocka_unit_test(test_ecert_code__grid_matrix_matches_zint_cli),
        cmocka_unit_test(test_ecert_code__grid_matrix_structure),
        cmocka_unit_test(test_ecert_code__largest_text_fits_25_mm),
        cmocka_unit_test(test_ecert_code__too_long),
        cmocka_unit_test(test_ecert_code__bad_input),
        cmocka_unit_test(test_ecert_code__accessors),
        cmocka_unit_test(test_ecert_code__draw_covers_the_dark_modules),
        cmocka_unit_test(test_ecert_code__draw_bad_arguments),
        cmocka_unit_test(test_ecert_code__out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
