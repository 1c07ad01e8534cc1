/* OFD writer: every allocation of a small document (font load, text, table, image, attachment,
 * custom tags, subset, zip) made to fail in turn ends in SC_ENOMEM, without a crash or a leak. */
#include "common/test.h"
#include "ofd/write_sample.h"

static int small_document(void *payload)
{
    int error;
    sc_ofd_font *font = NULL;
    sc_ofd_writer *w = NULL;
    sc_ofd_table *t = NULL;
    sc_ofd_path *path = NULL;
    sc_buf out = SC_BUF_INIT;
    size_t page;
    static const double widths[] = {20, 40};
    static const char *const header[] = {"项目", "结果"};
    static const char *const row[] = {"长度", "合格 (pass)"};
    const char *keys[] = {"No"}, *values[] = {"JZ-1"};
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    sc_ofd_table_style st = SC_OFD_TABLE_STYLE_INIT;

    /* The font is loaded in each run so its subset is made (not taken from the cache) each time. */
    if ((error = sc_ofd_font_load(&font, WQY_MICROHEI, 0)) < 0)
        goto done;
    ts.font = font;
    st.text = ts;
    if ((error = sc_ofd_writer_new(&w, &o)) < 0 ||
        (error = sc_ofd_writer_add_page(&page, w, 0, 0)) < 0 ||
        (error = sc_ofd_writer_add_text(NULL, w, page, 10, 20, 0, "校准证书 Certificate", &ts)) <
            0 ||
        (error = sc_ofd_writer_add_text_box(NULL, w, page, 10, 30, 50,
                                            "本证书（第一页）共一页，测量结果见下表。", &ts)) < 0 ||
        (error = sc_ofd_table_new(&t, 2, widths, header, &st)) < 0 ||
        (error = sc_ofd_table_add_row(t, row)) < 0 ||
        (error = sc_ofd_writer_add_table(NULL, w, page, 10, 60, t, 0, 1)) < 0 ||
        (error = sc_ofd_path_new(&path)) < 0 ||
        (error = sc_ofd_path_circle(path, 50, 50, 10)) < 0 ||
        (error = sc_ofd_writer_add_path(w, page, path, NULL)) < 0 ||
        (error = sc_ofd_writer_add_layer(w, page, SC_OFD_LAYER_FOREGROUND)) < 0 ||
        (error = sc_ofd_writer_add_image(w, page, sample_png, sizeof(sample_png), 1, 1, 5, 5)) <
            0 ||
        (error = sc_ofd_writer_add_attachment(w, "a.xml", "xml", "<a/>", 4)) < 0 ||
        (error = sc_ofd_writer_add_custom_tag_pairs(w, "cert", keys, values, 1)) < 0)
        goto done;
    error = sc_ofd_writer_finish(&out, w);
done:
    sc_buf_dispose(&out);
    sc_ofd_path_free(path);
    sc_ofd_table_free(t);
    sc_ofd_writer_free(w);
    sc_ofd_font_free(font);
    return error;
}

static void test_ofd_write_oom__small_document(void **state)
{
    sctest_oom_loop(small_document, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_write_oom__small_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
