/* OFD writer: the layout layer: line breaking (kinsoku, Latin words, mixed text, forced breaks),
 * text boxes measured with the real advances, table row heights and pagination. */
#include <stdio.h>

#include "common/test.h"
#include "ofd/ofdw_int.h"
#include "ofd/write_sample.h"

static sc_ofd_font *wqy;

static int setup(void **state)
{
    if (sc_ofd_font_load(&wqy, WQY_MICROHEI, 0) < 0) {
        fprintf(stderr, "fonts missing (scripts/install-deps): %s\n", sc_error_last()->message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    sc_ofd_font_free(wqy);
    return 0;
}

/* Break @p text with synthetic advances (CJK 1 mm, anything else 0.5 mm) at @p width and return
 * the lines joined by '|'. */
static const char *breaks(const char *text, double width)
{
    static char out[512];
    sc_ofd__char chars[128];
    const char *starts[129];
    size_t n = 0;
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        starts[n] = (const char *)s;
        uint32_t cp = *s;
        size_t len = cp >= 0xF0 ? 4 : cp >= 0xE0 ? 3 : cp >= 0xC0 ? 2 : 1;
        if (len == 3)
            cp = (cp & 15) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        chars[n] = (sc_ofd__char){cp, NULL, cp >= 0x2E80 ? 1.0 : cp == '\n' ? 0 : 0.5};
        n++;
        s += len;
    }
    starts[n] = (const char *)s;
    sc_ofd__line *lines;
    size_t nlines;
    sc_assert_ok(sc_ofd__break_lines(&lines, &nlines, chars, n, width));
    out[0] = 0;
    for (size_t i = 0; i < nlines; i++) {
        if (i)
            strcat(out, "|");
        strncat(out, starts[lines[i].start],
                (size_t)(starts[lines[i].end] - starts[lines[i].start]));
    }
    sc_free(lines);
    return out;
}

static void test_ofd_write_layout__cjk_breaks_anywhere(void **state)
{
    assert_string_equal(breaks("一二三四五六七八", 3), "一二三|四五六|七八");
    assert_string_equal(breaks("一二三", 3), "一二三");
    assert_string_equal(breaks("", 3), "");
}

static void test_ofd_write_layout__kinsoku_closing(void **state)
{
    /* "，" may not start a line: "四" goes down with it. */
    assert_string_equal(breaks("一二三四，五六", 4), "一二三|四，五六");
    assert_string_equal(breaks("一二三四。", 4), "一二三|四。");
    assert_string_equal(breaks("甲乙丙丁）》戊", 4), "甲乙丙|丁）》戊");
    assert_string_equal(breaks("一二三四、五", 4), "一二三|四、五");
    assert_string_equal(breaks("一二三四！", 4), "一二三|四！");
    assert_string_equal(breaks("一二三四」』", 4), "一二三|四」』");
}

static void test_ofd_write_layout__kinsoku_opening(void **state)
{
    /* "《" may not end a line: it goes down with what it opens. */
    assert_string_equal(breaks("一二三《四五》", 4), "一二三|《四五》");
    assert_string_equal(breaks("一二三（四）", 4), "一二三|（四）");
    assert_string_equal(breaks("一二三「四」", 4), "一二三|「四」");
    assert_string_equal(breaks("一二三『四』", 4), "一二三|『四』");
}

static void test_ofd_write_layout__latin_words(void **state)
{
    /* 0.5 mm per Latin character: 6 characters per 3 mm line. Words stay whole; spaces at the
     * break are dropped. */
    assert_string_equal(breaks("ab cd ef gh", 3), "ab cd|ef gh");
    assert_string_equal(breaks("hello world", 3), "hello|world");
    /* A word longer than the line is cut. */
    assert_string_equal(breaks("abcdefghijklmn", 3), "abcdef|ghijkl|mn");
    /* No break inside "1069-2012" or "v1.2" (no hyphenation, no breaking at hyphens). */
    assert_string_equal(breaks("JJF 1069-2012", 5), "JJF|1069-2012");
}

static void test_ofd_write_layout__mixed(void **state)
{
    /* Breaks between CJK and Latin are allowed, Latin words stay whole. */
    assert_string_equal(breaks("中文English混排", 5), "中文|English混|排");
    assert_string_equal(breaks("共3页第1页", 3), "共3页|第1页");
    /* Latin punctuation follows the same rule as its CJK forms. */
    assert_string_equal(breaks("一二三四,五", 4), "一二三|四,五");
    /* Forced breaks; an empty line between two. */
    assert_string_equal(breaks("一二\n\n三", 10), "一二||三");
    assert_string_equal(breaks("一二\n", 10), "一二|");
}

static void test_ofd_write_layout__text_box_real_advances(void **state)
{
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    ts.font = wqy;
    ts.size = 5;
    size_t lines;
    double height, width;
    /* WenQuanYi CJK characters advance 1 em: 10 per 50 mm line. */
    sc_assert_ok(sc_ofd_text_measure(&width, "一二三四五六七八九十", &ts));
    assert_true(width > 49.99 && width < 50.01);
    sc_assert_ok(sc_ofd_text_box_measure(&lines, &height, "一二三四五六七八九十", 50, &ts));
    assert_int_equal(lines, 1);
    sc_assert_ok(sc_ofd_text_box_measure(&lines, &height, "一二三四五六七八九十。", 50, &ts));
    assert_int_equal(lines, 2);
    assert_true(height > 14.99 && height < 15.01); /* 2 x 1.5 x 5 mm */
    sc_assert_ok(sc_ofd_text_box_measure(&lines, &height, sample_hanzi, 50, &ts));
    assert_int_equal(lines, 20);
}

static void test_ofd_write_layout__table_pagination(void **state)
{
    sc_ofd_table *t;
    static const double widths[] = {20, 30};
    static const char *const header[] = {"序号", "项目"};
    sc_ofd_table_style st = SC_OFD_TABLE_STYLE_INIT;
    st.text.font = wqy;
    st.text.size = 4; /* line height 6 */
    st.padding = 1;   /* one-line rows: 8 mm */
    sc_assert_ok(sc_ofd_table_new(&t, 2, widths, header, &st));
    assert_true(sc_ofd_table_header_height(t) > 7.99 && sc_ofd_table_header_height(t) < 8.01);
    for (int i = 0; i < 30; i++) {
        char num[8];
        snprintf(num, sizeof(num), "%d", i);
        /* Row 5 wraps to three lines in the 28 mm of column 2 (7 characters per line). */
        const char *cells[] = {num, i == 5 ? "一二三四五六七八九十一二三四五六七八" : "短"};
        sc_assert_ok(sc_ofd_table_add_row(t, cells));
    }
    assert_int_equal(sc_ofd_table_row_count(t), 30);
    assert_true(sc_ofd_table_row_height(t, 5) > 19.99 && sc_ofd_table_row_height(t, 5) < 20.01);
    /* 80 mm: header 8 + rows 0-4 (40) + row 5 (20) = 68, + row 6 = 76, + row 7 = 84 > 80. */
    assert_int_equal(sc_ofd_table_rows_fit(t, 0, 80), 7);
    assert_int_equal(sc_ofd_table_rows_fit(t, 7, 80), 9);  /* 8 + 9 x 8 = 80 exactly */
    assert_int_equal(sc_ofd_table_rows_fit(t, 0, 10), 0);  /* header + one row do not fit */
    assert_int_equal(sc_ofd_table_rows_fit(t, 30, 80), 0); /* past the end */
    /* Paginate: every row placed exactly once, over 4 pages of 80 mm. */
    size_t first = 0, pages = 0;
    while (first < sc_ofd_table_row_count(t)) {
        size_t n = sc_ofd_table_rows_fit(t, first, 80);
        assert_true(n > 0);
        first += n, pages++;
    }
    assert_int_equal(first, 30);
    assert_int_equal(pages, 4);

    /* Drawing: the header repeated above each page's rows. */
    sc_ofd_writer *w;
    size_t page;
    double h;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    sc_assert_ok(sc_ofd_writer_add_table(&h, w, page, 10, 10, t, 7, 9));
    assert_true(h > 79.99 && h < 80.01);
    assert_int_equal(sc_ofd_writer_add_table(&h, w, page, 10, 10, t, 25, 6), SC_EINVALID);
    sc_ofd_writer_free(w);
    sc_ofd_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_write_layout__cjk_breaks_anywhere),
        cmocka_unit_test(test_ofd_write_layout__kinsoku_closing),
        cmocka_unit_test(test_ofd_write_layout__kinsoku_opening),
        cmocka_unit_test(test_ofd_write_layout__latin_words),
        cmocka_unit_test(test_ofd_write_layout__mixed),
        cmocka_unit_test(test_ofd_write_layout__text_box_real_advances),
        cmocka_unit_test(test_ofd_write_layout__table_pagination),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
