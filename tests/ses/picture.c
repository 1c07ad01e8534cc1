/* lib/ses seal pictures: drawing the round seal, sniffing picture types, conversion to PNG. The
 * raster inputs (JPEG, BMP, TIFF) are made at test time with gdk-pixbuf from a generated pattern;
 * the GIF is the picture of KingGrid's sample seal; the PNG is ofdrw's StampImg.png. */
#include "common/test.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#define LONG_ORG "北京市某某区计量检定测试研究院有限责任公司第一分公司某某某某某某某某某某某某某某"

/* ---- helpers ------------------------------------------------------------------------------ */

typedef struct {
    GdkPixbuf *pb; /* decoded picture (owned) */
    int w, h;      /* size in pixels */
} picture;

static picture decode(const sc_buf *b)
{
    GError *err = NULL;
    GdkPixbufLoader *loader = gdk_pixbuf_loader_new();
    picture p = {NULL, 0, 0};
    if (!gdk_pixbuf_loader_write(loader, b->ptr, b->size, &err) ||
        !gdk_pixbuf_loader_close(loader, &err))
        fail_msg("cannot decode: %s", err ? err->message : "?");
    p.pb = g_object_ref(gdk_pixbuf_loader_get_pixbuf(loader));
    g_object_unref(loader);
    p.w = gdk_pixbuf_get_width(p.pb);
    p.h = gdk_pixbuf_get_height(p.pb);
    return p;
}

/* RGBA of pixel (x, y); alpha 255 when the picture has none. */
static void pixel(const picture *p, int x, int y, unsigned char rgba[4])
{
    const guchar *px = gdk_pixbuf_read_pixels(p->pb);
    int stride = gdk_pixbuf_get_rowstride(p->pb), n = gdk_pixbuf_get_n_channels(p->pb);
    const guchar *q = px + (size_t)y * (size_t)stride + (size_t)x * (size_t)n;
    rgba[0] = q[0];
    rgba[1] = q[1];
    rgba[2] = q[2];
    rgba[3] = n == 4 ? q[3] : 255;
}

static void picture_free(picture *p)
{
    g_object_unref(p->pb);
}

static sc_buf draw(const char *org, const char *name, const char *code)
{
    sc_seal_draw_options opts = SC_SEAL_DRAW_OPTIONS_INIT;
    sc_buf png = SC_BUF_INIT;
    opts.org = org;
    opts.name = name;
    opts.code = code;
    sc_assert_ok(sc_seal_draw(&png, &opts));
    return png;
}

/* A 37x23 RGB pattern saved by gdk-pixbuf as @p module ("jpeg", "bmp", "tiff"). */
static sc_buf make_raster(const char *module)
{
    GdkPixbuf *pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, 37, 23);
    guchar *px = gdk_pixbuf_get_pixels(pb);
    int stride = gdk_pixbuf_get_rowstride(pb);
    gchar *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    sc_buf b = SC_BUF_INIT;
    for (int y = 0; y < 23; y++) {
        for (int x = 0; x < 37; x++) {
            guchar *q = px + y * stride + x * 3;
            q[0] = (guchar)(x * 7);
            q[1] = (guchar)(y * 11);
            q[2] = (guchar)((x + y) % 2 ? 230 : 20);
        }
    }
    if (!gdk_pixbuf_save_to_buffer(pb, &data, &len, module, &err, NULL))
        fail_msg("cannot save %s: %s", module, err ? err->message : "?");
    g_object_unref(pb);
    sc_assert_ok(sc_buf_set(&b, data, len));
    g_free(data);
    return b;
}

/* The GIF picture of KingGrid's sample seal: SES_ESPictrueInfo.data, an OCTET STRING with a
 * two-byte long-form length (04 82 hi lo) right before "GIF89a" (openssl asn1parse: offset 668). */
static sc_buf kinggrid_gif(void)
{
    sc_buf esl = sctest_read(sctest_sample("ofdrw/vectors/kinggrid_v1_Seal.esl"));
    sc_buf gif = SC_BUF_INIT;
    for (size_t i = 4; i + 6 <= esl.size; i++) {
        if (memcmp(esl.ptr + i, "GIF89a", 6) == 0) {
            assert_int_equal(esl.ptr[i - 4], 0x04);
            assert_int_equal(esl.ptr[i - 3], 0x82);
            size_t len = (size_t)esl.ptr[i - 2] << 8 | esl.ptr[i - 1];
            assert_true(i + len <= esl.size);
            sc_assert_ok(sc_buf_set(&gif, esl.ptr + i, len));
            break;
        }
    }
    sc_buf_dispose(&esl);
    assert_non_null(gif.ptr);
    return gif;
}

static bool has_chunk(const sc_buf *png, const char *type)
{
    for (size_t i = 8; i + 8 <= png->size;) {
        size_t len = (size_t)png->ptr[i] << 24 | (size_t)png->ptr[i + 1] << 16 |
                     (size_t)png->ptr[i + 2] << 8 | png->ptr[i + 3];
        if (memcmp(png->ptr + i + 4, type, 4) == 0)
            return true;
        i += 12 + len;
    }
    return false;
}

/* ---- drawing ------------------------------------------------------------------------------- */

static void test_ses_picture__draw_deterministic(void **state)
{
    (void)state;
    sc_buf a = draw("北京某某科技有限公司", "校准电子证书专用章", "1101080012345");
    sc_buf b = draw("北京某某科技有限公司", "校准电子证书专用章", "1101080012345");
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    assert_false(has_chunk(&a, "tIME"));
    sc_assert_ok(sc_fs_write_atomic(sctest_tmp("seal.png"), a.ptr, a.size, true, 0644));
    sc_buf_dispose(&a);
    sc_buf_dispose(&b);
}

static void test_ses_picture__draw_decodes(void **state)
{
    unsigned char px[4];
    (void)state;
    sc_buf png = draw("北京某某科技有限公司", "校准电子证书专用章", NULL);
    assert_string_equal(sc_picture_sniff(png.ptr, png.size), "png");
    picture p = decode(&png);
    assert_int_equal(p.w, 480); /* 40 mm at 12 px/mm */
    assert_int_equal(p.h, 480);
    assert_true(gdk_pixbuf_get_has_alpha(p.pb));
    pixel(&p, 0, 0, px);
    assert_int_equal(px[3], 0);
    pixel(&p, 479, 479, px);
    assert_int_equal(px[3], 0);
    pixel(&p, 240, 240, px); /* the star's centre */
    assert_int_equal(px[3], 255);
    /* The ring at the top centre: 1.12 mm = 13 px from the edge; its middle is solid seal red
     * (0xE60012). */
    pixel(&p, 240, 7, px);
    assert_int_equal(px[3], 255);
    assert_int_equal(px[0], 0xE6);
    assert_int_equal(px[1], 0x00);
    assert_int_equal(px[2], 0x12);
    picture_free(&p);
    sc_buf_dispose(&png);
}

static void test_ses_picture__draw_options(void **state)
{
    sc_seal_draw_options opts = SC_SEAL_DRAW_OPTIONS_INIT;
    sc_buf png = SC_BUF_INIT;
    unsigned char px[4];
    (void)state;
    opts.org = "某某公司";
    opts.diameter_mm = 42;
    opts.px_per_mm = 10;
    opts.color = 0x0000FF;
    sc_assert_ok(sc_seal_draw(&png, &opts));
    picture p = decode(&png);
    assert_int_equal(p.w, 420);
    pixel(&p, 210, 7, px);
    assert_int_equal(px[3], 255);
    assert_int_equal(px[2], 0xFF);
    assert_int_equal(px[0], 0);
    picture_free(&p);
    sc_buf_dispose(&png);
}

/* A 40-character name shrinks and condenses: nothing outside the seal's circle, and nothing in
 * the gap between the ring and the text. */
static void test_ses_picture__draw_long_org_inside(void **state)
{
    unsigned char px[4];
    (void)state;
    sc_buf png = draw(LONG_ORG, "校准电子证书专用章", "91110108MA01ABCDEF");
    picture p = decode(&png);
    const double c = 240.0;      /* centre, px */
    const double r_ring = 226.0; /* ring inner edge: 240 - 13.44 - 0.5 */
    const double r_text = 217.4; /* text outer limit: 8.64 px inside */
    size_t inked = 0;
    for (int y = 0; y < p.h; y++) {
        for (int x = 0; x < p.w; x++) {
            double dx = x + 0.5 - c, dy = y + 0.5 - c, r2 = dx * dx + dy * dy;
            pixel(&p, x, y, px);
            if (r2 > 240.5 * 240.5 && px[3] != 0)
                fail_msg("pixel (%d,%d) outside the circle has alpha %d", x, y, px[3]);
            if (r2 > (r_text + 1.5) * (r_text + 1.5) && r2 < (r_ring - 1.5) * (r_ring - 1.5) &&
                px[3] != 0)
                fail_msg("pixel (%d,%d) between ring and text has alpha %d", x, y, px[3]);
            inked += px[3] != 0;
        }
    }
    assert_true(inked > 20000); /* the text is there */
    picture_free(&p);
    sc_buf_dispose(&png);
}

static void test_ses_picture__draw_missing_char(void **state)
{
    sc_seal_draw_options opts = SC_SEAL_DRAW_OPTIONS_INIT;
    sc_buf png = SC_BUF_INIT;
    (void)state;
    opts.org = "某某\xF4\x8F\xBF\xBD公司"; /* U+10FFFD, private use, in no font */
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "U+10FFFD"));
    assert_non_null(strstr(sc_error_last()->message, "org"));
    opts.org = "某某公司";
    opts.name = "专用章\xE0\xBD\x80"; /* U+0F40 TIBETAN LETTER KA: not in CJK fonts */
    opts.font_file = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc";
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "U+0F40"));
    assert_null(png.ptr);
}

static void test_ses_picture__draw_rejects(void **state)
{
    sc_seal_draw_options opts = SC_SEAL_DRAW_OPTIONS_INIT;
    sc_buf png = SC_BUF_INIT;
    char many[SC_SES_MAX_DRAW_CHARS * 3 + 4] = "";
    (void)state;
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EINVALID); /* no org */
    opts.org = "某\xE6\x9F";                                  /* truncated UTF-8 */
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "UTF-8"));
    for (int i = 0; i <= SC_SES_MAX_DRAW_CHARS; i++)
        memcpy(many + 3 * i, "某", 3);
    opts.org = many;
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EINVALID);
    opts.org = "某某公司";
    opts.diameter_mm = 1000;
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EINVALID);
    opts.diameter_mm = 40;
    opts.px_per_mm = 400;
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EINVALID);
    opts.px_per_mm = 12;
    opts.font_file = "/nonexistent/font.ttc";
    assert_int_equal(sc_seal_draw(&png, &opts), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "/nonexistent/font.ttc"));
    opts.font_file = sctest_sample("ofdrw/keys/StampImg.png"); /* not a font */
    assert_int_equal(sc_seal_draw(&png, &opts), SC_EFORMAT);
    assert_null(png.ptr);
}

/* Every allocation of ours failing in turn ends in SC_ENOMEM (or success), never a crash or a
 * leak (ASan checks the latter). */
static void test_ses_picture__draw_oom(void **state)
{
    (void)state;
    sc_buf png = SC_BUF_INIT;
    sc_seal_draw_options opts = SC_SEAL_DRAW_OPTIONS_INIT;
    opts.org = "某某公司";
    opts.name = "专用章";
    opts.px_per_mm = 2;
    sc_alloc_fail_after(0, false);
    sc_assert_ok(sc_seal_draw(&png, &opts));
    size_t count = sc_alloc_fail_after(0, false);
    sc_buf_dispose(&png);
    assert_true(count > 0);
    for (size_t i = 1; i <= count; i++) {
        sc_alloc_fail_after(i, false);
        int rc = sc_seal_draw(&png, &opts);
        sc_alloc_fail_after(0, false);
        if (rc != 0 && rc != SC_ENOMEM)
            fail_msg("allocation %zu failing gave %d: %s", i, rc, sc_error_last()->message);
        sc_buf_dispose(&png);
    }
}

/* ---- sniffing ------------------------------------------------------------------------------ */

static void test_ses_picture__sniff(void **state)
{
    static const char *const svgs[] = {
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- seal -->\n<svg>",
        ("  <?xml version=\"1.0\"?><!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
         "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [ <!ENTITY a \">\"> ]><svg\n>"),
        "<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\">",
    };
    static const char *const not_svgs[] = {
        "<svgx>", "<html><svg>", "<!-- <svg> -->", "<?xml version=\"1.0\"?>", "svg", "", "<svg",
    };
    (void)state;
    sc_buf png = sctest_read(sctest_sample("ofdrw/keys/StampImg.png"));
    assert_string_equal(sc_picture_sniff(png.ptr, png.size), "png");
    sc_buf gif = kinggrid_gif();
    assert_string_equal(sc_picture_sniff(gif.ptr, gif.size), "gif");
    sc_buf jpg = make_raster("jpeg"), bmp = make_raster("bmp"), tif = make_raster("tiff");
    assert_string_equal(sc_picture_sniff(jpg.ptr, jpg.size), "jpg");
    assert_string_equal(sc_picture_sniff(bmp.ptr, bmp.size), "bmp");
    assert_string_equal(sc_picture_sniff(tif.ptr, tif.size), "tif");
    assert_string_equal(sc_picture_sniff("MM\0*\0\0\0\x08", 8), "tif");
    assert_string_equal(sc_picture_sniff("PK\x03\x04\x14\0", 6), "ofd");
    for (size_t i = 0; i < sizeof(svgs) / sizeof(svgs[0]); i++)
        assert_string_equal(sc_picture_sniff(svgs[i], strlen(svgs[i])), "svg");
    for (size_t i = 0; i < sizeof(not_svgs) / sizeof(not_svgs[0]); i++)
        assert_null(sc_picture_sniff(not_svgs[i], strlen(not_svgs[i])));
    assert_null(sc_picture_sniff("BMW is a car brand, not a bitmap", 32));
    assert_null(sc_picture_sniff("\x89PNG", 4)); /* too short for the signature */
    assert_null(sc_picture_sniff(NULL, 0));
    sc_buf_dispose(&png);
    sc_buf_dispose(&gif);
    sc_buf_dispose(&jpg);
    sc_buf_dispose(&bmp);
    sc_buf_dispose(&tif);
}

/* ---- conversion ---------------------------------------------------------------------------- */

static void check_converts(const sc_buf *in, int w, int h)
{
    sc_buf out = SC_BUF_INIT, again = SC_BUF_INIT;
    sc_assert_ok(sc_picture_to_png(&out, in->ptr, in->size));
    assert_string_equal(sc_picture_sniff(out.ptr, out.size), "png");
    assert_false(has_chunk(&out, "tIME"));
    picture p = decode(&out);
    assert_int_equal(p.w, w);
    assert_int_equal(p.h, h);
    picture_free(&p);
    sc_assert_ok(sc_picture_to_png(&again, in->ptr, in->size)); /* deterministic */
    assert_int_equal(again.size, out.size);
    assert_memory_equal(again.ptr, out.ptr, out.size);
    sc_buf_dispose(&out);
    sc_buf_dispose(&again);
}

static void test_ses_picture__to_png_raster(void **state)
{
    (void)state;
    sc_buf jpg = make_raster("jpeg"), bmp = make_raster("bmp"), tif = make_raster("tiff");
    sc_buf gif = kinggrid_gif();
    check_converts(&jpg, 37, 23);
    check_converts(&bmp, 37, 23);
    check_converts(&tif, 37, 23);
    check_converts(&gif, 474, 472);
    sc_buf_dispose(&jpg);
    sc_buf_dispose(&bmp);
    sc_buf_dispose(&tif);
    sc_buf_dispose(&gif);
}

static void test_ses_picture__to_png_passes_png(void **state)
{
    (void)state;
    sc_buf in = sctest_read(sctest_sample("ofdrw/keys/StampImg.png"));
    sc_buf out = SC_BUF_INIT;
    sc_assert_ok(sc_picture_to_png(&out, in.ptr, in.size));
    assert_int_equal(out.size, in.size);
    assert_memory_equal(out.ptr, in.ptr, in.size);
    /* A PNG signature without an IHDR is refused. */
    assert_int_equal(sc_picture_to_png(&out, "\x89PNG\r\n\x1a\n\0\0\0\0", 12), SC_EFORMAT);
    assert_int_equal(out.size, in.size); /* untouched on failure */
    sc_buf_dispose(&in);
    sc_buf_dispose(&out);
}

static void test_ses_picture__to_png_truncated(void **state)
{
    (void)state;
    sc_buf out = SC_BUF_INIT;
    sc_buf jpg = make_raster("jpeg"), gif = kinggrid_gif(), bmp = make_raster("bmp");
    assert_int_equal(sc_picture_to_png(&out, jpg.ptr, jpg.size / 2), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "jpg: "));
    assert_int_equal(sc_picture_to_png(&out, jpg.ptr, 40), SC_EFORMAT);
    assert_int_equal(sc_picture_to_png(&out, gif.ptr, gif.size / 2), SC_EFORMAT);
    assert_int_equal(sc_picture_to_png(&out, bmp.ptr, bmp.size / 2), SC_EFORMAT);
    assert_null(out.ptr);
    sc_buf_dispose(&jpg);
    sc_buf_dispose(&gif);
    sc_buf_dispose(&bmp);
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Headers declaring huge images are refused from the declared size, before any pixel memory:
 * 100000 x 100000 RGB would be 30 GB. */
static void test_ses_picture__to_png_huge(void **state)
{
    (void)state;
    sc_buf out = SC_BUF_INIT;
    /* BMP: BITMAPFILEHEADER + BITMAPINFOHEADER, 24 bits, 100000 x 100000, a few pixel bytes. */
    unsigned char bmp[64] = {'B', 'M'};
    put_le32(bmp + 2, sizeof(bmp));
    put_le32(bmp + 10, 54);
    put_le32(bmp + 14, 40);
    put_le32(bmp + 18, 100000);
    put_le32(bmp + 22, 100000);
    bmp[26] = 1;
    bmp[28] = 24;
    assert_int_equal(sc_picture_to_png(&out, bmp, sizeof(bmp)), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message, "100000x100000"));

    /* JPEG: the generated one with its SOF0 size patched to 60000 x 60000 (16-bit fields). */
    sc_buf jpg = make_raster("jpeg");
    size_t i;
    for (i = 2; i + 9 < jpg.size; i++) {
        if (jpg.ptr[i] == 0xFF && (jpg.ptr[i + 1] == 0xC0 || jpg.ptr[i + 1] == 0xC2))
            break;
    }
    assert_true(i + 9 < jpg.size);
    jpg.ptr[i + 5] = 60000 >> 8;
    jpg.ptr[i + 6] = 60000 & 0xFF;
    jpg.ptr[i + 7] = 60000 >> 8;
    jpg.ptr[i + 8] = 60000 & 0xFF;
    assert_int_equal(sc_picture_to_png(&out, jpg.ptr, jpg.size), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message, "60000x60000"));
    sc_buf_dispose(&jpg);

    /* PNG: passed through, but its IHDR is checked all the same. */
    sc_buf png = sctest_read(sctest_sample("ofdrw/keys/StampImg.png"));
    png.ptr[16] = 0;
    png.ptr[17] = 1; /* width 65536 + ... */
    assert_int_equal(sc_picture_to_png(&out, png.ptr, png.size), SC_ELIMIT);
    sc_buf_dispose(&png);
    assert_null(out.ptr);
}

static void test_ses_picture__to_png_unsupported(void **state)
{
    (void)state;
    sc_buf out = SC_BUF_INIT;
    const char *svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    assert_int_equal(sc_picture_to_png(&out, svg, strlen(svg)), SC_EUNSUPPORTED);
    assert_non_null(strstr(sc_error_last()->message, "svg"));
    assert_int_equal(sc_picture_to_png(&out, "PK\x03\x04 ofd", 8), SC_EUNSUPPORTED);
    assert_non_null(strstr(sc_error_last()->message, "ofd"));
    assert_int_equal(sc_picture_to_png(&out, "hello", 5), SC_EUNSUPPORTED);
    assert_int_equal(sc_picture_to_png(&out, NULL, 0), SC_EUNSUPPORTED);
    /* Over the size limit: refused before looking at the bytes. */
    unsigned char *big = sc_calloc(1, SC_SES_MAX_PICTURE_SIZE + 1);
    assert_non_null(big);
    memcpy(big, "\xFF\xD8\xFF", 3);
    assert_int_equal(sc_picture_to_png(&out, big, SC_SES_MAX_PICTURE_SIZE + 1), SC_ELIMIT);
    sc_free(big);
    assert_null(out.ptr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ses_picture__draw_deterministic),
        cmocka_unit_test(test_ses_picture__draw_decodes),
        cmocka_unit_test(test_ses_picture__draw_options),
        cmocka_unit_test(test_ses_picture__draw_long_org_inside),
        cmocka_unit_test(test_ses_picture__draw_missing_char),
        cmocka_unit_test(test_ses_picture__draw_rejects),
        cmocka_unit_test(test_ses_picture__draw_oom),
        cmocka_unit_test(test_ses_picture__sniff),
        cmocka_unit_test(test_ses_picture__to_png_raster),
        cmocka_unit_test(test_ses_picture__to_png_passes_png),
        cmocka_unit_test(test_ses_picture__to_png_truncated),
        cmocka_unit_test(test_ses_picture__to_png_huge),
        cmocka_unit_test(test_ses_picture__to_png_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
