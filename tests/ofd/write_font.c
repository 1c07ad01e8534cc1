/* OFD writer: fonts (GB/T 33190-2016 clause 11.1): embedded subsets small, loadable by FreeType
 * with every used character in their cmap; missing characters named; fallback fonts. */
#include <pthread.h>
#include <stdio.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "common/test.h"
#include "ofd/ofdw_int.h"
#include "ofd/write_sample.h"
#include "ofd/write_util.h"

static sc_ofd_font *noto, *wqy;

static int setup(void **state)
{
    if (sc_ofd_font_load(&noto, NOTO_SANS_CJK, NOTO_SANS_SC) < 0 ||
        sc_ofd_font_load(&wqy, WQY_MICROHEI, 0) < 0) {
        fprintf(stderr, "fonts missing (scripts/install-deps): %s\n", sc_error_last()->message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    sc_ofd_font_free(noto);
    sc_ofd_font_free(wqy);
    return 0;
}

/* One page with @p text in a text box, in @p font (and an optional fallback). */
static int one_page(sc_buf *out, const char *text, const sc_ofd_font *font,
                    const sc_ofd_font *fallback)
{
    int error;
    sc_ofd_writer *w = NULL;
    size_t page;
    const sc_ofd_font *fb[1] = {fallback};
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    ts.font = font;
    ts.fallbacks = fb;
    ts.fallback_count = fallback ? 1 : 0;
    if ((error = sc_ofd_writer_new(&w, &o)) == 0 &&
        (error = sc_ofd_writer_add_page(&page, w, 0, 0)) == 0 &&
        (error = sc_ofd_writer_add_text_box(NULL, w, page, 20, 20, 170, text, &ts)) == 0)
        error = sc_ofd_writer_finish(out, w);
    sc_ofd_writer_free(w);
    return error;
}

/* Every embedded font loads in FreeType and maps each character of @p text. */
static void check_fonts(const sc_buf *ofd, const char *text, size_t expect_fonts)
{
    FT_Library lib;
    pkg_files p = pkg_read(ofd);
    size_t fonts = 0;
    assert_int_equal(FT_Init_FreeType(&lib), 0);
    for (size_t i = 0; i < p.n; i++) {
        if (strncmp(p.e[i].name, "Doc_0/Res/font_", 15) != 0)
            continue;
        fonts++;
        FT_Face face;
        if (FT_New_Memory_Face(lib, p.e[i].data, (FT_Long)p.e[i].len, 0, &face) != 0)
            fail_msg("%s: FreeType cannot load the subset", p.e[i].name);
        assert_true(FT_IS_SCALABLE(face));
        size_t mapped = 0;
        const unsigned char *s = (const unsigned char *)text;
        while (*s) {
            uint32_t cp = *s++;
            if (cp >= 0xF0)
                cp = (cp & 7) << 18 | (uint32_t)(s[0] & 0x3F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
                     (s[2] & 0x3F),
                s += 3;
            else if (cp >= 0xE0)
                cp = (cp & 15) << 12 | (uint32_t)(s[0] & 0x3F) << 6 | (s[1] & 0x3F), s += 2;
            else if (cp >= 0xC0)
                cp = (cp & 31) << 6 | (s[0] & 0x3F), s += 1;
            FT_UInt g = FT_Get_Char_Index(face, cp);
            if (g) {
                assert_int_equal(FT_Load_Glyph(face, g, FT_LOAD_NO_SCALE), 0);
                /* what a subset maps draws something, blanks aside */
                if (cp != ' ' && cp != 0x3000 && cp != '\n' &&
                    face->glyph->format == FT_GLYPH_FORMAT_OUTLINE &&
                    face->glyph->outline.n_contours <= 0)
                    fail_msg("%s: U+%04X maps to an empty glyph", p.e[i].name, cp);
                mapped++;
            } else if (expect_fonts == 1 && cp != '\n') {
                fail_msg("%s: U+%04X not in the subset's cmap", p.e[i].name, cp);
            }
        }
        assert_true(mapped > 0);
        FT_Done_Face(face);
    }
    assert_int_equal(fonts, expect_fonts);
    FT_Done_FreeType(lib);
    pkg_dispose(&p);
}

static void test_ofd_write_font__subset_small_noto(void **state)
{
    sc_buf ofd = SC_BUF_INIT;
    sc_assert_ok(one_page(&ofd, sample_hanzi, noto, NULL));
    /* 200 CJK characters in Noto Sans CJK (CFF, 16 MB collection): under 100 KB in all. */
    print_message("200 CJK characters, Noto Sans CJK SC: %zu bytes\n", ofd.size);
    assert_true(ofd.size < 100 * 1024);
    check_fonts(&ofd, sample_hanzi, 1);
    pkg_files p = pkg_read(&ofd);
    assert_non_null(pkg_get(&p, "Doc_0/Res/font_0.otf")); /* CFF outlines: .otf */
    pkg_dispose(&p);
    sc_buf_dispose(&ofd);
}

static void test_ofd_write_font__subset_truetype(void **state)
{
    sc_buf ofd = SC_BUF_INIT;
    const char *text = "计量校准 Calibration 0123456789，（测试）";
    sc_assert_ok(one_page(&ofd, text, wqy, NULL));
    check_fonts(&ofd, text, 1);
    pkg_files p = pkg_read(&ofd);
    assert_non_null(pkg_get(&p, "Doc_0/Res/font_0.ttf"));
    pkg_dispose(&p);
    print_message("TrueType sample: %zu bytes\n", ofd.size);
    sc_buf_dispose(&ofd);
}

static void test_ofd_write_font__missing_glyph_named(void **state)
{
    sc_buf ofd = SC_BUF_INIT;
    /* U+1F600 (an emoji) is in neither CJK font. */
    assert_int_equal(one_page(&ofd, "证书\xF0\x9F\x98\x80", wqy, NULL), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "U+1F600"));
    assert_non_null(strstr(sc_error_last()->message, "WenQuanYi"));
    assert_int_equal(one_page(&ofd, "bad \x01 control", wqy, NULL), SC_EFORMAT);
    assert_int_equal(one_page(&ofd, "bad \xC3\x28 utf8", wqy, NULL), SC_EFORMAT);
    assert_null(ofd.ptr);
}

static void test_ofd_write_font__fallback(void **state)
{
    sc_buf ofd = SC_BUF_INIT;
    /* U+4DB6 (CJK Extension A) and U+20BB7 (𠮷, Extension B) are not in WenQuanYi Micro Hei;
     * Noto Sans CJK SC has U+20BB7. */
    const char *text = "吉\xF0\xA0\xAE\xB7祥";
    assert_int_equal(sc_ofd_font_has_char(wqy, 0x20BB7), 0);
    assert_int_equal(sc_ofd_font_has_char(noto, 0x20BB7), 1);
    assert_int_equal(one_page(&ofd, text, wqy, NULL), SC_ENOTFOUND);
    sc_assert_ok(one_page(&ofd, text, wqy, noto));
    check_fonts(&ofd, text, 2);
    sc_buf_dispose(&ofd);
}

/* A character mapped to an empty glyph is missing: WenQuanYi Micro Hei maps U+2103 (℃) to a
 * glyph without contours, which would leave "20 ℃" as "20 " on the page. It comes from the
 * fallback font instead, and without one it is an error. Blanks may be empty. */
static void test_ofd_write_font__empty_glyph_is_missing(void **state)
{
    sc_buf ofd = SC_BUF_INIT;
    const char *text = "温度 20 ℃";
    assert_int_equal(sc_ofd_font_has_char(wqy, 0x2103), 0);
    assert_int_equal(sc_ofd_font_has_char(noto, 0x2103), 1);
    assert_int_equal(sc_ofd_font_has_char(wqy, 0x20), 1);   /* space: empty, and fine */
    assert_int_equal(sc_ofd_font_has_char(wqy, 0x3000), 1); /* ideographic space */
    assert_int_equal(sc_ofd_font_has_char(wqy, 0x6E29), 1); /* 温 */
    /* Its ½ ¾ ⅜ are composites missing a part (½ is ¹ and ⁄ only); ¼ ⅛ are whole. */
    assert_int_equal(sc_ofd_font_has_char(wqy, 0xBD), 0);
    assert_int_equal(sc_ofd_font_has_char(wqy, 0xBE), 0);
    assert_int_equal(sc_ofd_font_has_char(wqy, 0x215C), 0);
    assert_int_equal(sc_ofd_font_has_char(wqy, 0xBC), 1);
    assert_int_equal(sc_ofd_font_has_char(wqy, 0x215B), 1);
    assert_int_equal(sc_ofd_font_has_char(noto, 0xBD), 1); /* CFF: no composites to check */
    assert_int_equal(one_page(&ofd, text, wqy, NULL), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "U+2103"));
    sc_assert_ok(one_page(&ofd, text, wqy, noto));
    check_fonts(&ofd, text, 2);
    sc_buf_dispose(&ofd);
}

static void test_ofd_write_font__load_errors(void **state)
{
    sc_ofd_font *f = NULL;
    assert_int_equal(sc_ofd_font_load(&f, "/nonexistent/font.ttf", 0), SC_ENOTFOUND);
    assert_int_equal(sc_ofd_font_load(&f, "/etc/hostname", 0), SC_EFORMAT);
    assert_int_equal(sc_ofd_font_load(&f, NOTO_SANS_CJK, 99), SC_EFORMAT);
    /* Not regular files: harfbuzz would read /dev/zero into memory until it gives up. */
    assert_int_equal(sc_ofd_font_load(&f, "/dev/zero", 0), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "not a regular file"));
    assert_int_equal(sc_ofd_font_load(&f, "/tmp", 0), SC_EFORMAT);
    assert_null(f);
    assert_string_equal(sc_ofd_font_family(noto), "Noto Sans CJK SC");
    assert_string_equal(sc_ofd_font_family(wqy), "WenQuanYi Micro Hei");
}

static void test_ofd_write_font__embedded_base_set(void **state)
{
    /* Two documents with different variable characters, both inside the base set: one subset
     * (same font entry bytes), holding every base character the font has. */
    char base[4096];
    sample_base_chars(base, sizeof(base),
                      "狠恨哼亨横衡恒轰\xF0\xA0\xAE\xB7"); /* U+20BB7: not in WQY */
    sc_buf a = SC_BUF_INIT, b = SC_BUF_INIT;
    sc_assert_ok(sample_build_base(&a, wqy, NULL, 0, "狠恨", base));
    sc_assert_ok(sample_build_base(&b, wqy, NULL, 0, "横衡", base));
    pkg_files pa = pkg_read(&a), pb = pkg_read(&b);
    const pkg_entry *fa = pkg_get(&pa, "Doc_0/Res/font_0.ttf"),
                    *fb = pkg_get(&pb, "Doc_0/Res/font_0.ttf");
    assert_non_null(fa);
    assert_non_null(fb);
    assert_int_equal(fa->len, fb->len);
    assert_memory_equal(fa->data, fb->data, fa->len);
    pkg_dispose(&pa);
    pkg_dispose(&pb);
    check_fonts(&a, "狠恨哼亨横衡恒轰", 1);
    sc_buf_dispose(&a);
    sc_buf_dispose(&b);
    assert_int_equal(sample_build_base(&a, wqy, NULL, 0, NULL, "bad \xC3\x28"), SC_EFORMAT);
}

/* Characters outside the base set (a name) go to a second, small subset of the same font: the
 * base subset stays the same bytes whatever the name, the extra one holds just the characters of
 * the lines that needed it, each such line is one TextObject drawn from the extra subset (not
 * broken where the base set ends), and the page reads back as drawn. */
static void test_ofd_write_font__extra_subset(void **state)
{
    char base[4096];
    sample_base_chars(base, sizeof(base), "");
    static const char *const names[] = {"证书 狠恨哼", "证书 横衡"};
    sc_buf doc[2] = {SC_BUF_INIT, SC_BUF_INIT};
    pkg_files p[2];
    for (int i = 0; i < 2; i++) {
        sc_assert_ok(sample_build_base(&doc[i], noto, NULL, 0, names[i], base));
        p[i] = pkg_read(&doc[i]);
    }
    const pkg_entry *b0 = pkg_get(&p[0], "Doc_0/Res/font_0.otf"),
                    *b1 = pkg_get(&p[1], "Doc_0/Res/font_0.otf");
    assert_non_null(b0);
    assert_non_null(b1);
    assert_int_equal(b0->len, b1->len);
    assert_memory_equal(b0->data, b1->data, b0->len);
    const pkg_entry *x0 = pkg_get(&p[0], "Doc_0/Res/font_1.otf");
    assert_non_null(x0);
    assert_true(x0->len < b0->len / 4);
    const pkg_entry *res = pkg_get(&p[0], "Doc_0/PublicRes.xml");
    assert_non_null(strstr((const char *)res->data, "FontName=\"Noto Sans CJK SC Extra\""));
    check_fonts(&doc[0], "狠恨哼校准", 2);
    sc_ofd *ofd = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, doc[0].ptr, doc[0].size, NULL));
    /* the line whole, from the extra resource */
    const char *text = sc_ofd_page_of(ofd, 0, 0)->text;
    if (!strstr(text, "\n证书 狠恨哼\n"))
        fail_msg("page text: %.300s", text);
    const pkg_entry *page = pkg_get(&p[0], "Doc_0/Pages/Page_0/Content.xml");
    const char *extra_id = strstr((const char *)res->data, "FontName=\"Noto Sans CJK SC Extra\"");
    while (extra_id > (const char *)res->data && strncmp(extra_id, "ID=\"", 4) != 0)
        extra_id--;
    char want[64];
    snprintf(want, sizeof(want), "Font=\"%lu\"", strtoul(extra_id + 4, NULL, 10));
    const char *line = strstr((const char *)page->data, ">证书 狠恨哼</ofd:TextCode>");
    assert_non_null(line);
    const char *obj = line;
    while (obj > (const char *)page->data && strncmp(obj, "<ofd:TextObject ", 16) != 0)
        obj--;
    if (!strstr(obj, want) || strstr(obj, want) > line)
        fail_msg("the line is not drawn from the extra subset (%s): %.200s", want, obj);
    sc_ofd_free(ofd);
    for (int i = 0; i < 2; i++) {
        pkg_dispose(&p[i]);
        sc_buf_dispose(&doc[i]);
    }
}

/* A font prepared for subsetting makes the same subsets (the same document bytes); checked
 * with WenQuanYi here, where preparing is cheap (Noto Sans CJK gives the same bytes too, but
 * takes ~300 MB to prepare). */
static void test_ofd_write_font__prepared_same_bytes(void **state)
{
    sc_ofd_font *prepared = NULL;
    sc_buf a = SC_BUF_INIT, b = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_font_load(&prepared, WQY_MICROHEI, 0));
    sc_assert_ok(sc_ofd_font_prepare_subsets(prepared));
    sc_assert_ok(sc_ofd_font_prepare_subsets(prepared)); /* once is enough */
    sc_assert_ok(sample_build(&a, wqy, NULL, 1, "狠恨"));
    sc_assert_ok(sample_build(&b, prepared, NULL, 1, "狠恨"));
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    sc_ofd_font_free(prepared);
    sc_buf_dispose(&a);
    sc_buf_dispose(&b);
}

/* A TrueType font that keeps missing the subset cache is prepared by itself (after
 * SC_OFD__LAZY_PREPARE_MISSES subsets) and still makes the same bytes; a CFF font never is (it
 * would take ~300 MB). */
static void test_ofd_write_font__prepared_lazily(void **state)
{
    static const char *const extra[] = {"狠恨", "甲乙", "丙丁", "戊己", "庚辛", "壬癸"};
    sc_ofd_font *lazy = NULL, *plain = NULL, *cff = NULL;
    sc_buf ref = SC_BUF_INIT, got = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_font_load(&lazy, WQY_MICROHEI, 0));
    sc_assert_ok(sc_ofd_font_load(&plain, WQY_MICROHEI, 0));
    sc_assert_ok(sc_ofd_font_load(&cff, NOTO_SANS_CJK, NOTO_SANS_SC));
    sc_assert_ok(sample_build(&ref, plain, NULL, 1, extra[5])); /* a font never prepared */
    assert_null(atomic_load(&plain->prepared));
    for (size_t i = 0; i < 6; i++) {
        sc_assert_ok(sample_build(&got, lazy, NULL, 1, extra[i]));
        sc_assert_ok(sample_build(&got, cff, NULL, 1, extra[i]));
    }
    assert_true(lazy->misses >= SC_OFD__LAZY_PREPARE_MISSES);
    assert_non_null(atomic_load(&lazy->prepared));
    assert_null(atomic_load(&cff->prepared));
    sc_assert_ok(sample_build(&got, lazy, NULL, 1, extra[5])); /* a cache hit: the same */
    assert_int_equal(got.size, ref.size);
    assert_memory_equal(got.ptr, ref.ptr, ref.size);
    sc_assert_ok(sample_build(&got, lazy, NULL, 1, "子丑")); /* made prepared */
    sc_assert_ok(sample_build(&ref, plain, NULL, 1, "子丑"));
    assert_int_equal(got.size, ref.size);
    assert_memory_equal(got.ptr, ref.ptr, ref.size);
    sc_ofd_font_free(lazy);
    sc_ofd_font_free(plain);
    sc_ofd_font_free(cff);
    sc_buf_dispose(&ref);
    sc_buf_dispose(&got);
}

/* Threads sharing one font: measuring without locks, the subset cache with its lock. Each thread
 * writes documents with new character sets (two characters picked by thread and round), more
 * than the cache holds, so insertion, lookup and eviction all run concurrently; each result
 * must equal the same document written alone. */
#define THREADS 4
#define ROUNDS  20

static const char thread_pool[] = "狠恨哼亨横衡恒轰哄烘虹鸿洪宏弘红喉侯猴吼厚候后呼乎忽瑚壶葫胡";

static void extra_text(char out[8], int thread, int round)
{
    memcpy(out, thread_pool + 3 * thread, 3);
    memcpy(out + 3, thread_pool + 3 * (THREADS + round), 3);
    out[6] = 0;
}

static void *thread_main(void *payload)
{
    intptr_t t = (intptr_t)payload, failed = 0;
    for (int r = 0; r < ROUNDS && !failed; r++) {
        char extra[8];
        sc_buf out = SC_BUF_INIT;
        extra_text(extra, (int)t, r);
        failed = sample_build(&out, wqy, NULL, 1, extra) != 0;
        sc_buf_dispose(&out);
    }
    return (void *)failed;
}

static void test_ofd_write_font__threads_share_a_font(void **state)
{
    pthread_t th[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, (void *)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *failed;
        assert_int_equal(pthread_join(th[i], &failed), 0);
        assert_null(failed);
    }
    /* Same bytes as written alone with a fresh font (no cache). */
    sc_ofd_font *fresh;
    sc_buf a = SC_BUF_INIT, b = SC_BUF_INIT;
    char extra[8];
    extra_text(extra, 1, 3);
    sc_assert_ok(sc_ofd_font_load(&fresh, WQY_MICROHEI, 0));
    sc_assert_ok(sample_build(&a, wqy, NULL, 1, extra));
    sc_assert_ok(sample_build(&b, fresh, NULL, 1, extra));
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    sc_ofd_font_free(fresh);
    sc_buf_dispose(&a);
    sc_buf_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_write_font__subset_small_noto),
        cmocka_unit_test(test_ofd_write_font__subset_truetype),
        cmocka_unit_test(test_ofd_write_font__missing_glyph_named),
        cmocka_unit_test(test_ofd_write_font__fallback),
        cmocka_unit_test(test_ofd_write_font__empty_glyph_is_missing),
        cmocka_unit_test(test_ofd_write_font__load_errors),
        cmocka_unit_test(test_ofd_write_font__embedded_base_set),
        cmocka_unit_test(test_ofd_write_font__extra_subset),
        cmocka_unit_test(test_ofd_write_font__prepared_same_bytes),
        cmocka_unit_test(test_ofd_write_font__prepared_lazily),
        cmocka_unit_test(test_ofd_write_font__threads_share_a_font),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
