/* Shared by the OFD writer tests: the fonts on a Debian machine with scripts/install-deps, and a
 * two-page sample shaped like a metrology certificate (title, ~400 CJK characters of text, a
 * 30-row table flowing onto page 2 under a repeated header, an image, paths, an attachment and
 * custom tags). bench/ofd_write.c builds the same document. */
#ifndef SC_TEST_OFD_WRITE_SAMPLE_H
#define SC_TEST_OFD_WRITE_SAMPLE_H

#include <stdio.h>

#include "sealcert/sealcert.h"

#define NOTO_SANS_CJK "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define NOTO_SANS_SC  2 /* face index of Noto Sans CJK SC in the collection */
#define WQY_MICROHEI  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
#define SAMPLE_TIME   1717200000 /* 2024-06-01T00:00:00Z */

/* 200 distinct characters: the first of GB 2312 level 1. */
static const char sample_hanzi[] =
    "啊阿埃挨哎唉哀皑癌蔼矮艾碍爱隘鞍氨安俺按暗岸胺案肮昂盎凹敖熬翱袄傲奥懊澳芭捌扒叭吧笆八疤巴"
    "拔跋靶把耙坝霸罢爸白柏百摆佰败拜稗斑班搬扳般颁板版扮拌伴瓣半办绊邦帮梆榜膀绑棒磅蚌镑傍谤苞"
    "胞包褒剥薄雹保堡饱宝抱报暴豹鲍爆杯碑悲卑北辈背贝钡倍狈备惫焙被奔苯本笨崩绷甭泵蹦迸逼鼻比鄙"
    "笔彼碧蓖蔽毕毙毖币庇痹闭敝弊必辟壁臂避陛鞭边编贬扁便变卞辨辩辫遍标彪膘表鳖憋别瘪彬斌濒滨宾"
    "摈兵冰柄丙秉饼炳病并玻菠播拨钵波博勃搏铂";

/* A 4 x 4 red PNG. */
static const unsigned char sample_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x08, 0x02, 0x00, 0x00, 0x00, 0x26,
    0x93, 0x09, 0x29, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x38,
    0x21, 0x27, 0x07, 0x47, 0x0c, 0xc4, 0x71, 0x00, 0xb1, 0x63, 0x10, 0x41, 0x3b, 0x4b, 0x63,
    0x82, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/* The body text: sample_hanzi twice with punctuation and some Latin, ~420 characters. */
static inline void sample_body(char *out, size_t cap)
{
    snprintf(out, cap,
             "本证书依据 JJF 1069-2012《法定计量检定机构考核规范》出具，%.300s。"
             "校准结果（Calibration results）见下表：%s，测量不确定度 U = 0.05 mm，k = 2。",
             sample_hanzi, sample_hanzi);
}

/* @p more, then every character the sample draws: a base set (sc_ofd_writer_embed_chars) that
 * holds the whole sample, so only characters outside it need the second subset. */
static inline void sample_base_chars(char *out, size_t cap, const char *more)
{
    char body[2048];
    sample_body(body, sizeof(body));
    snprintf(out, cap, "%s%s0123456789.-() m第页共序号校准项目标准值测得值量块示值误差", more,
             body);
}

/* Draw the sample into a new writer *out (not finished) with one font (and an optional
 * fallback); @p extra, when not NULL, is one more line of text (the benchmark varies it);
 * @p base, when not NULL, characters embedded in the font's subset whether drawn or not.
 * Returns 0 or an error. */
static inline int sample_draw(sc_ofd_writer **out, const sc_ofd_font *font,
                              const sc_ofd_font *fallback, int with_extras, const char *extra,
                              const char *base)
{
    int error;
    sc_ofd_writer *w = NULL;
    sc_ofd_table *t = NULL;
    sc_ofd_path *path = NULL;
    size_t page = 0, page2 = 0;
    char body[2048], c0[32], c2[32], c3[32];
    const sc_ofd_font *fb[1] = {fallback};
    static const char *const header[] = {"序号", "校准项目", "标准值 (mm)", "测得值 (mm)"};
    static const double widths[] = {15, 85, 40, 40};
    static const sc_ofd_align aligns[] = {SC_OFD_ALIGN_CENTER, SC_OFD_ALIGN_LEFT,
                                          SC_OFD_ALIGN_RIGHT, SC_OFD_ALIGN_RIGHT};
    sc_ofd_writer_options wo = SC_OFD_WRITER_OPTIONS_INIT;
    wo.title = "校准证书 Calibration Certificate";
    wo.author = "sealcert \"tests\" & <co>"; /* escaped as libxml2 writes them */
    wo.subject = "";                         /* an empty element, as libxml2 writes it */
    wo.creation_time = SAMPLE_TIME;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT, title = SC_OFD_TEXT_STYLE_INIT;
    ts.font = font;
    ts.fallbacks = fallback ? fb : NULL;
    ts.fallback_count = fallback ? 1 : 0;
    ts.size = 3.5;
    title = ts;
    title.size = 7;
    title.align = SC_OFD_ALIGN_CENTER;
    sc_ofd_table_style tst = SC_OFD_TABLE_STYLE_INIT;
    tst.text = ts;
    tst.header = ts;
    tst.header.color = SC_OFD_RGB(0x20, 0x40, 0x80);
    tst.column_align = aligns;
    sc_ofd_path_style red = SC_OFD_PATH_STYLE_INIT;
    red.stroke = SC_OFD_RGB(200, 0, 0);
    red.line_width = 0.5;

    sample_body(body, sizeof(body));
    if ((error = sc_ofd_writer_new(&w, &wo)) < 0 ||
        (base && (error = sc_ofd_writer_embed_chars(w, font, base)) < 0) ||
        (error = sc_ofd_writer_add_page(&page, w, 0, 0)) < 0 ||
        (error = sc_ofd_writer_add_text(NULL, w, page, 20, 30, 170, "校准证书", &title)) < 0 ||
        (error = sc_ofd_writer_add_line(w, page, 20, 34, 190, 34, &red)) < 0 ||
        (extra && (error = sc_ofd_writer_add_text(NULL, w, page, 20, 106, 0, extra, &ts)) < 0) ||
        (error = sc_ofd_writer_add_text_box(NULL, w, page, 20, 40, 170, body, &ts)) < 0 ||
        (error = sc_ofd_table_new(&t, 4, widths, header, &tst)) < 0)
        goto done;
    for (int i = 0; i < 30; i++) {
        snprintf(c0, sizeof(c0), "%d", i + 1);
        snprintf(c2, sizeof(c2), "%d.000", (i + 1) * 5);
        snprintf(c3, sizeof(c3), "%d.00%d", (i + 1) * 5, i % 7);
        char item[96];
        snprintf(item, sizeof(item), "%.*s 量块示值误差", 3 * (1 + i % 5),
                 sample_hanzi + 3 * 2 * i);
        const char *cells[] = {c0, item, c2, c3};
        if ((error = sc_ofd_table_add_row(t, cells)) < 0)
            goto done;
    }
    /* Rows flow from below the text to the bottom margin, then onto page 2 under the header. */
    size_t first = 0, fit = sc_ofd_table_rows_fit(t, 0, 280 - 110);
    if ((error = sc_ofd_writer_add_table(NULL, w, page, 15, 110, t, first, fit)) < 0)
        goto done;
    first += fit;
    if (first < sc_ofd_table_row_count(t)) {
        if ((error = sc_ofd_writer_add_page(&page2, w, 0, 0)) < 0 ||
            (error = sc_ofd_writer_add_table(NULL, w, page2, 15, 20, t, first,
                                             sc_ofd_table_row_count(t) - first)) < 0)
            goto done;
    } else if ((error = sc_ofd_writer_add_page(&page2, w, 0, 0)) < 0) {
        goto done;
    }
    if ((error = sc_ofd_writer_add_text(
             NULL, w, page2, 190, 285, 0, "第 2 页 共 2 页",
             &(sc_ofd_text_style){SC_OFD_TEXT_STYLE_VERSION, font, ts.fallbacks, ts.fallback_count,
                                  3, SC_OFD_BLACK, SC_OFD_ALIGN_RIGHT, 0})) < 0)
        goto done;
    if (with_extras) {
        sc_ofd_path_style seal = SC_OFD_PATH_STYLE_INIT;
        seal.stroke = SC_OFD_RGB(220, 0, 0);
        seal.line_width = 1;
        const char *keys[] = {"CertificateNo", "Issuer"};
        const char *values[] = {"JZ2024-000123", "某某计量测试研究院 & Co."};
        if ((error = sc_ofd_path_new(&path)) < 0 ||
            (error = sc_ofd_path_circle(path, 160, 250, 20)) < 0 ||
            (error = sc_ofd_path_rect(path, 20, 240, 40, 20)) < 0 ||
            (error = sc_ofd_path_move_to(path, 70, 260)) < 0 ||
            (error = sc_ofd_path_arc_to(path, 10, 10, 0, 0, 1, 90, 260)) < 0 ||
            (error = sc_ofd_writer_add_path(w, page2, path, &seal)) < 0 ||
            (error = sc_ofd_writer_add_layer(w, page2, SC_OFD_LAYER_FOREGROUND)) < 0 ||
            (error = sc_ofd_writer_add_image(w, page2, sample_png, sizeof(sample_png), 20, 200, 20,
                                             20)) < 0 ||
            (error = sc_ofd_writer_add_image(w, page, sample_png, sizeof(sample_png), 170, 10, 20,
                                             20)) < 0 ||
            (error = sc_ofd_writer_add_attachment(w, "data.json", "json", "{\"a\":1}", 7)) < 0 ||
            (error = sc_ofd_writer_add_custom_tag_pairs(w, "cert", keys, values, 2)) < 0)
            goto done;
    }
    *out = w;
    w = NULL;
done:
    sc_ofd_path_free(path);
    sc_ofd_table_free(t);
    sc_ofd_writer_free(w);
    return error;
}

/* sample_draw(), finished into *out. */
static inline int sample_build_base(sc_buf *out, const sc_ofd_font *font,
                                    const sc_ofd_font *fallback, int with_extras, const char *extra,
                                    const char *base)
{
    sc_ofd_writer *w = NULL;
    int error = sample_draw(&w, font, fallback, with_extras, extra, base);
    if (error == 0)
        error = sc_ofd_writer_finish(out, w);
    sc_ofd_writer_free(w);
    return error;
}

static inline int sample_build(sc_buf *out, const sc_ofd_font *font, const sc_ofd_font *fallback,
                               int with_extras, const char *extra)
{
    return sample_build_base(out, font, fallback, with_extras, extra, NULL);
}

#endif
