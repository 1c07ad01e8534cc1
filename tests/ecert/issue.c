/* Issuing metrology certificates (lib/ecert/ecert_issue.c): templates, layout over pages, the
 * notice and page numbers, the code, identifier tags, file names, sealing, refusals. */
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/test.h"
#include "ecert/ecert_int.h"
#include "ofd/sign_fixture.h"
#include "ofd/write_util.h"

#define ISSUE_TIME ((sc_time)1780272000) /* 2026-06-01T00:00:00Z */
/* An example root code: the shipped templates have none, an organisation configures its own. */
#define ID_ROOT "1.2.156.112600.1"
#define NOTICE  "本证书为电子证书，请到发证机构官网验证"

static const char *const shipped[] = {"calibration", "verification", "verification-notice",
                                      "test-report", "inspection-report"};
/* Their file names for tests/data/ecert/verification.json (T/CMA 4.2.2 categories). */
static const char *const shipped_names[] = {
    "校准电子证书-质字20260311_0458-弹簧管式一般压力表-2021-11873.ofd",
    "检定电子证书-质字20260311_0458-弹簧管式一般压力表-2021-11873.ofd",
    "检定结果通知书电子证书-质字20260311_0458-弹簧管式一般压力表-2021-11873.ofd",
    "检测电子证书-质字20260311_0458-弹簧管式一般压力表-2021-11873.ofd",
    "检验电子证书-质字20260311_0458-弹簧管式一般压力表-2021-11873.ofd"};
/* What their covers call the number: a report is not a certificate. */
static const char *const shipped_number_labels[] = {
    "证书编号 Certificate No.", "证书编号 Certificate No.", "通知书编号 Notice No.",
    "报告编号 Report No.", "报告编号 Report No."};

/* The calibration fixture with @p rows result rows (5 columns) and @p edit applied. */
static sc_ecert_data *calibration(size_t rows, void (*edit)(json_t *root))
{
    json_error_t jerr;
    json_t *root = json_load_file(sctest_data("ecert/calibration.json"), 0, &jerr);
    if (!root)
        fail_msg("calibration.json: %s", jerr.text);
    if (rows) {
        json_t *res = json_object_get(root, "results"), *cols = json_array(), *arr = json_array();
        const char *names[] = {"序号", "量程", "标准值", "示值误差", "扩展不确定度 U (k=2)"};
        for (size_t k = 0; k < 5; k++)
            json_array_append_new(cols, json_string(names[k]));
        for (size_t i = 0; i < rows; i++) {
            char a[24], b[32], c[32], d[32];
            snprintf(a, sizeof(a), "%zu", i + 1);
            snprintf(b, sizeof(b), "%zu V", 1 + i % 7);
            snprintf(c, sizeof(c), "%zu.%03zu V", 1 + i % 7, i);
            snprintf(d, sizeof(d), "±0.%03zu mV", i % 97);
            json_array_append_new(arr, json_pack("[s,s,s,s,s]", a, b, c, d, "3 μV"));
        }
        json_object_set_new(res, "columns", cols);
        json_object_set_new(res, "rows", arr);
    }
    if (edit)
        edit(root);
    char *text = json_dumps(root, 0);
    sc_ecert_data *d = NULL;
    int rc = sc_ecert_data_parse(&d, text, strlen(text));
    if (rc != 0)
        fail_msg("sc_ecert_data_parse: %s", sc_error_last()->message);
    free(text);
    json_decref(root);
    return d;
}

static sc_ecert_template *load(const char *name)
{
    sc_ecert_template *t = NULL;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/templates", getenv("SEALCERT_SOURCE"));
    setenv("SEALCERT_TEMPLATES", dir, 1);
    sc_assert_ok(sc_ecert_template_load(&t, name));
    return t;
}

static sc_ecert_issue_options sealed(const sign_fixture *f)
{
    sc_ecert_issue_options o = SC_ECERT_ISSUE_OPTIONS_INIT;
    o.seal = f->seal;
    o.key = f->signer_key;
    o.cert = f->signer;
    o.time = ISSUE_TIME, o.id_root = ID_ROOT;
    return o;
}

/* The text of page @p i with the line breaks between TextObjects removed: a line drawn in two
 * font resources (the base subset and the extra one) is two TextObjects. Static buffer. */
static const char *page_text(const sc_ofd *ofd, size_t i)
{
    static char buf[1 << 20];
    const char *t = sc_ofd_page_of(ofd, 0, i)->text;
    size_t n = 0;
    for (; *t && n + 1 < sizeof(buf); t++)
        if (*t != '\n')
            buf[n++] = *t;
    buf[n] = '\0';
    return buf;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_ecert_issue__shipped_templates_load(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
        sc_ecert_template *t = load(shipped[i]);
        assert_string_equal(sc_ecert_template_name(t), shipped[i]);
        assert_in_range(sc_ecert_template_type(t), 1, 8);
        sc_ecert_template_free(t);
    }
    sc_ecert_template *t = NULL;
    assert_int_equal(sc_ecert_template_load(&t, "no-such-template"), SC_ENOTFOUND);
    assert_int_equal(sc_ecert_template_load(&t, "../etc/passwd"), SC_ENOTFOUND);
    assert_int_equal(sc_ecert_template_load(&t, "Bad Name"), SC_EINVALID);
    assert_null(t);
}

/* The acceptance case: 120 result rows. */
static void test_ecert_issue__calibration_120_rows(void **state)
{
    sign_fixture *f = *state;
    sc_ecert_template *t = load("calibration");
    sc_ecert_data *d = calibration(120, NULL);
    sc_ecert_issue_options o = sealed(f);
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    sc_ecert_tags tags = {0};
    sc_ecert_id *id = NULL;

    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    assert_true(r.page_count >= 4);
    sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
    assert_int_equal(sc_ofd_page_count(ofd, 0), r.page_count);
    for (size_t i = 0; i < r.page_count; i++) {
        const sc_ofd_page *p = sc_ofd_page_of(ofd, 0, i);
        char pn[64];
        assert_true(p->box[2] == 210 && p->box[3] == 297); /* A4 */
        const char *text = page_text(ofd, i);
        assert_non_null(strstr(text, NOTICE)); /* T/CMA 4.3.6, every page */
        snprintf(pn, sizeof(pn), "第 %zu 页 共 %zu 页", i + 1, r.page_count);
        assert_non_null(strstr(text, pn));
        /* The results start on page 2 and, with 120 rows, run to the last page: the header
         * repeats on every page, above the first row there (tests/cli/issue_ofdjs.sh checks
         * where ofd.js draws it). */
        if (i >= 1) {
            const char *head = strstr(text, "扩展不确定度 U (k=2)"), *row = strstr(text, " mV");
            if (!head || !row || head > row)
                fail_msg("page %zu: the results header does not come before its first row", i + 1);
        }
    }
    /* Every row is there, once. */
    size_t rows = 0;
    for (size_t i = 0; i < r.page_count; i++)
        rows += count_of(page_text(ofd, i), " mV");
    assert_int_equal(rows, 120);
    /* The code is vector paths on page 1. */
    assert_true(sc_ofd_page_of(ofd, 0, 0)->path_count > 0);
    /* Identifier in CustomTags, parseable; the file name by T/CMA 4.4. */
    sc_assert_ok(sc_ecert_tags_read(&tags, ofd));
    assert_string_equal(tags.id, (const char *)r.id.ptr);
    sc_assert_ok(sc_ecert_id_parse(&id, tags.id));
    assert_int_equal(id->type, 7);
    assert_string_equal(id->serial, sc_ecert_data_fields(d)->serial);
    assert_string_equal(tags.number, sc_ecert_data_fields(d)->number);
    char expect[512];
    snprintf(expect, sizeof(expect), "校准电子证书-%s-%s-%s.ofd", sc_ecert_data_fields(d)->number,
             sc_ecert_data_fields(d)->instrument.name, sc_ecert_data_fields(d)->instrument.serial);
    assert_string_equal((const char *)r.file_name.ptr, expect);
    assert_non_null(strstr((const char *)r.url.ptr, "/v/"));
    /* Sealed and valid. */
    sc_assert_ok(sc_ofd_verify(&rep, ofd, NULL));
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    assert_int_equal(sc_ofd_report_signature_count(rep), 1);
    assert_int_equal(sc_ofd_report_signature(rep, 0)->page_count, 1);

    sc_ofd_report_free(rep);
    sc_ecert_id_free(id);
    sc_ecert_tags_dispose(&tags);
    sc_ofd_free(ofd);
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);
    sc_ecert_template_free(t);
}

/* Riding seal over all pages, QR + Grid Matrix, an attachment. */
static void test_ecert_issue__riding_both_codes_attachment(void **state)
{
    sign_fixture *f = *state;
    sc_ecert_template *t = load("calibration");
    sc_ecert_data *d = calibration(60, NULL);
    sc_ecert_issue_options o = sealed(f);
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    sc_ecert_attachment att = {"原始记录.ofd", f->doc.ptr, f->doc.size};
    o.riding = 1;
    o.codes = SC_ECERT_CODES_BOTH;
    o.attachments = &att;
    o.attachment_count = 1;
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
    sc_assert_ok(sc_ofd_verify(&rep, ofd, NULL));
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    assert_int_equal(sc_ofd_report_signature_count(rep), 2);
    assert_int_equal(sc_ofd_report_signature(rep, 1)->page_count, r.page_count);
    /* The seal once per signature, inside SignedValue.dat: no Seal.esl beside it. */
    const unsigned char *entry;
    size_t entry_len;
    for (size_t i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/Doc_0/Signs/Sign_%zu/Seal.esl", i);
        assert_int_equal(sc_ofd_entry(&entry, &entry_len, ofd, path), SC_ENOTFOUND);
        snprintf(path, sizeof(path), "/Doc_0/Signs/Sign_%zu/SignedValue.dat", i);
        sc_assert_ok(sc_ofd_entry(&entry, &entry_len, ofd, path));
    }
    assert_int_equal(sc_ofd_attachment_count(ofd, 0), 1);
    /* Readers list it by the name it came with; the file in the package has a plain name. */
    const sc_ofd_item *a = sc_ofd_attachment_of(ofd, 0, 0);
    assert_string_equal(a->format, "ofd");
    assert_string_equal(a->name, "原始记录.ofd");
    assert_non_null(strstr(a->path, "/Doc_0/Attachs/Attach_"));
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    sc_ecert_issued_dispose(&r);

    /* An attachment with a dynamic element (here a link out of the file) is refused, T/CMA
     * 4.1.4; one that only moves within itself is not. */
    sc_buf dyn = pkg_with_entry(
        &f->doc, "Doc_0/Pages/Page_0/Content.xml",
        "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"9\">"
        "<ofd:PathObject ID=\"10\" Boundary=\"0 0 1 1\"><ofd:Actions><ofd:Action Event=\"CLICK\">"
        "<ofd:URI URI=\"https://example.cn/\"/></ofd:Action></ofd:Actions></ofd:PathObject>"
        "</ofd:Layer></ofd:Content></ofd:Page>");
    att.data = dyn.ptr;
    att.len = dyn.size;
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "attachment 原始记录.ofd: "));
    assert_non_null(strstr(sc_error_last()->message, "opens a URI"));
    sc_buf_dispose(&dyn);

    /* An attachment that is not OFD is refused (T/CMA 4.1.5). */
    att.data = (const unsigned char *)"not a zip";
    att.len = 9;
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "attachment"));
    sc_ecert_data_free(d);
    sc_ecert_template_free(t);
}

/* Same data, same time, unsealed: the same bytes. */
static void test_ecert_issue__deterministic(void **state)
{
    (void)state;
    sc_ecert_template *t = load("calibration");
    sc_ecert_data *d = calibration(30, NULL);
    sc_ecert_issue_options o = SC_ECERT_ISSUE_OPTIONS_INIT;
    sc_ecert_issued a = SC_ECERT_ISSUED_INIT, b = SC_ECERT_ISSUED_INIT;
    o.time = ISSUE_TIME, o.id_root = ID_ROOT;
    sc_assert_ok(sc_ecert_issue(&a, t, d, &o));
    sc_assert_ok(sc_ecert_issue(&b, t, d, &o));
    assert_int_equal(a.ofd.size, b.ofd.size);
    assert_memory_equal(a.ofd.ptr, b.ofd.ptr, a.ofd.size);
    sc_ecert_issued_dispose(&a);
    sc_ecert_issued_dispose(&b);
    sc_ecert_data_free(d);
    sc_ecert_template_free(t);
}

static void set_other_number(json_t *root)
{
    json_object_set_new(root, "number", json_string("JZ2026-000999"));
    json_object_set_new(json_object_get(root, "customer"), "name",
                        json_string("甲乙丙精密仪器有限公司"));
}

static void set_long_address(json_t *root)
{
    json_object_set_new(json_object_get(root, "customer"), "address",
                        json_string("福建省厦门市思明区湖滨南路 388 号国际金融大厦二十八层"
                                    "东区 2801-2806 室（计量器具收发室转交质量部）"));
}

/* An entry of an issued certificate, NUL-terminated (static buffer). */
static const char *issued_entry(const sc_ecert_issued *r, const char *path)
{
    static char buf[1 << 18];
    sc_ofd *ofd = NULL;
    const unsigned char *data;
    size_t len;
    sc_assert_ok(sc_ofd_open(&ofd, r->ofd.ptr, r->ofd.size, NULL));
    sc_assert_ok(sc_ofd_entry(&data, &len, ofd, path));
    assert_true(len < sizeof(buf));
    memcpy(buf, data, len);
    buf[len] = '\0';
    sc_ofd_free(ofd);
    return buf;
}

/* The static part of a certificate (rulings, titles, the notice, the cover's labels) is on
 * template pages that are the same bytes for every certificate of the template; a value that
 * moves the cover's rows takes the labels back onto the page. */
static void test_ecert_issue__template_pages(void **state)
{
    sign_fixture *f = *state;
    sc_ecert_template *t = load("calibration");
    sc_ecert_data *d1 = calibration(30, NULL), *d2 = calibration(30, set_other_number);
    sc_ecert_data *d3 = calibration(30, set_long_address);
    sc_ecert_issue_options o = SC_ECERT_ISSUE_OPTIONS_INIT;
    sc_ecert_issued a = SC_ECERT_ISSUED_INIT, b = SC_ECERT_ISSUED_INIT, c = SC_ECERT_ISSUED_INIT;
    o.time = ISSUE_TIME, o.id_root = ID_ROOT;
    sc_assert_ok(sc_ecert_issue(&a, t, d1, &o));
    sc_assert_ok(sc_ecert_issue(&b, t, d2, &o));
    sc_assert_ok(sc_ecert_issue(&c, t, d3, &o));
    static char cover[1 << 18], flow[1 << 18];
    snprintf(cover, sizeof(cover), "%s", issued_entry(&a, "/Doc_0/Tpls/Tpl_0/Content.xml"));
    snprintf(flow, sizeof(flow), "%s", issued_entry(&a, "/Doc_0/Tpls/Tpl_1/Content.xml"));
    assert_string_equal(cover, issued_entry(&b, "/Doc_0/Tpls/Tpl_0/Content.xml"));
    assert_string_equal(flow, issued_entry(&b, "/Doc_0/Tpls/Tpl_1/Content.xml"));
    assert_non_null(strstr(cover, ">" NOTICE "<"));
    assert_non_null(strstr(flow, ">" NOTICE "<"));
    assert_non_null(strstr(cover, ">委 托 方<"));
    assert_null(strstr(issued_entry(&a, "/Doc_0/Pages/Page_0/Content.xml"), ">委 托 方<"));
    assert_null(strstr(cover, "JZ2026")); /* no data */
    assert_null(strstr(flow, "JZ2026"));
    /* The long address takes two lines: the labels are drawn on the page, under the values. */
    assert_null(strstr(issued_entry(&c, "/Doc_0/Tpls/Tpl_0/Content.xml"), ">委 托 方<"));
    assert_non_null(strstr(issued_entry(&c, "/Doc_0/Pages/Page_0/Content.xml"), ">委 托 方<"));
    assert_non_null(strstr(issued_entry(&c, "/Doc_0/Tpls/Tpl_0/Content.xml"), ">" NOTICE "<"));
    /* A keyword seal finds a label that is only on the template ("Date of Issue", once). */
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    sc_buf signed_ofd = SC_BUF_INIT;
    sc_ofd_sign_options so = SC_OFD_SIGN_OPTIONS_INIT;
    so.time = ISSUE_TIME;
    so.keyword = "Date of Issue";
    sc_assert_ok(sc_ofd_open(&ofd, a.ofd.ptr, a.ofd.size, NULL));
    sc_assert_ok(sc_ofd_sign(&signed_ofd, ofd, f->seal, f->signer_key, f->signer, &so));
    sc_ofd_free(ofd);
    sc_assert_ok(sc_ofd_open(&ofd, signed_ofd.ptr, signed_ofd.size, NULL));
    sc_assert_ok(sc_ofd_verify(&rep, ofd, NULL));
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    assert_int_equal(count_of(issued_entry(&(sc_ecert_issued){.ofd = signed_ofd},
                                           "/Doc_0/Signs/Sign_0/Signature.xml"),
                              "<ofd:StampAnnot"),
                     1);
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    sc_buf_dispose(&signed_ofd);
    sc_ecert_issued_dispose(&a);
    sc_ecert_issued_dispose(&b);
    sc_ecert_issued_dispose(&c);
    sc_ecert_data_free(d1);
    sc_ecert_data_free(d2);
    sc_ecert_data_free(d3);
    sc_ecert_template_free(t);
}

static void set_emoji_customer(json_t *root)
{
    json_object_set_new(json_object_get(root, "customer"), "name",
                        json_string("某某\xF4\x8F\xBF\xBD公司"));
}

/* A member beyond the documented fields (a template may bind it), two levels down. */
static void set_emoji_extra(json_t *root)
{
    json_t *lab = json_object();
    json_object_set_new(lab, "contacts", json_pack("[s, s]", "张三", "李\xF4\x8F\xBF\xBD"));
    json_object_set_new(root, "lab", lab);
}

static void set_long_issuer(json_t *root)
{
    json_object_set_new(json_object_get(root, "issuer"), "name",
                        json_string("某某省某某市某某区计量测试研究院（国家某某计量器具产品质量"
                                    "检验检测中心）某某分院"));
}

static void set_long_model(json_t *root)
{
    char model[1024] = "34465A ";
    for (int i = 0; i < 50; i++)
        strcat(model, "很长型号");
    json_object_set_new(json_object_get(root, "instrument"), "model", json_string(model));
}

static void set_two_line_customer(json_t *root)
{
    json_object_set_new(
        json_object_get(root, "customer"), "name",
        json_string("很长的公司名称很长的公司名称很长的公司名称很长的公司名称很长的"));
}

static void set_notes(json_t *root, int lines, const char *sep)
{
    char *notes = calloc(1, 64 * 1024);
    for (int i = 0; i < lines; i++)
        snprintf(notes + strlen(notes), 64 * 1024 - strlen(notes),
                 "%s%d. 这是一条很长的备注，说明校准的条件和结果的使用限制。", i ? sep : "", i);
    json_object_set_new(root, "notes", json_string(notes));
    free(notes);
}

static void set_notes_80_lines(json_t *root)
{
    set_notes(root, 80, "\n");
}

static void set_notes_one_long_line(json_t *root)
{
    set_notes(root, 100, "");
}

static void set_tall_cell(json_t *root)
{
    char cell[2048] = "";
    for (int i = 0; i < 70; i++)
        snprintf(cell + strlen(cell), sizeof(cell) - strlen(cell), "%s第%d行", i ? "\n" : "", i);
    json_t *row = json_array_get(json_object_get(json_object_get(root, "results"), "rows"), 0);
    json_array_set_new(row, 0, json_string(cell));
}

static void set_40_columns(json_t *root)
{
    json_t *results = json_object_get(root, "results"), *cols = json_array(), *row = json_array();
    for (int k = 0; k < 40; k++) {
        char c[16];
        snprintf(c, sizeof(c), "C%d", k + 1);
        json_array_append_new(cols, json_string(c));
        json_array_append_new(row, json_string("1.0001 V"));
    }
    json_t *rows = json_array();
    json_array_append_new(rows, row);
    json_object_set_new(results, "columns", cols);
    json_object_set_new(results, "rows", rows);
}

static void empty_basis(json_t *root)
{
    json_object_set_new(root, "basis", json_array());
}

static void drop_calibrated(json_t *root)
{
    json_object_del(json_object_get(root, "dates"), "calibrated");
}

static void drop_calibrated_and_people(json_t *root)
{
    drop_calibrated(root);
    json_object_del(json_object_get(root, "people"), "calibrated_by");
    json_object_del(json_object_get(root, "people"), "checked_by");
}

static void make_verification(json_t *root)
{
    json_object_set_new(root, "type", json_integer(1));
}

static void test_ecert_issue__refusals(void **state)
{
    (void)state;
    sc_ecert_template *t = load("calibration");
    sc_ecert_issue_options o = SC_ECERT_ISSUE_OPTIONS_INIT;
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    o.time = ISSUE_TIME, o.id_root = ID_ROOT;

    /* A character no font has: an error naming the field, not a blank box. */
    sc_ecert_data *d = calibration(0, set_emoji_customer);
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "customer.name: U+10FFFD is in none"));
    /* Every font tried is named, with its family, the fallbacks marked. */
    assert_non_null(strstr(sc_error_last()->message,
                           "hei (WenQuanYi Micro Hei), song (Noto Serif "
                           "CJK SC), sans (Noto Sans CJK SC, a fallback)"));
    sc_ecert_data_free(d);
    d = calibration(0, set_emoji_extra);
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "lab.contacts[1]: U+10FFFD"));
    sc_ecert_data_free(d);

    /* Content that would lie under the code (a long issuer name spills out of its box). */
    d = calibration(0, set_long_issuer);
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "under the code"));
    sc_ecert_data_free(d);

    /* A field the template requires. */
    d = calibration(0, drop_calibrated);
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "dates.calibrated: missing"));
    sc_ecert_data_free(d);
    /* Every missing one at once. */
    d = calibration(0, drop_calibrated_and_people);
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EFORMAT);
    assert_string_equal(sc_error_last()->message,
                        "dates.calibrated, people.calibrated_by, people.checked_by: missing (the "
                        "calibration template needs them)");
    sc_ecert_data_free(d);

    /* The data's type must be the template's. */
    d = calibration(0, make_verification);
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "type: 1"));
    sc_ecert_data_free(d);

    sc_ecert_template_free(t);
    assert_null(r.ofd.ptr);
}

/* The calibration template as JSON, for variants. */
static json_t *template_json(void)
{
    char path[1024];
    json_error_t jerr;
    snprintf(path, sizeof(path), "%s/templates/calibration.json", getenv("SEALCERT_SOURCE"));
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        fail_msg("%s: %s", path, jerr.text);
    return root;
}

static int parse_template(sc_ecert_template **t, json_t *root, const char *name)
{
    char *text = json_dumps(root, 0);
    int rc = sc_ecert__template_parse(t, text, strlen(text), name, NULL);
    free(text);
    return rc;
}

/* Data that takes more room than the template leaves runs into nothing: a value that wraps and
 * pushes the rows below it into the approvals or under the seal is refused, naming the field
 * that wrapped; a value that wraps within the room is fine. The seal covers no text unless the
 * template's seal position says "over_text". */
static void test_ecert_issue__content_collisions(void **state)
{
    sign_fixture *f = *state;
    sc_ecert_template *t = load("calibration");
    sc_ecert_issue_options o = sealed(f), unsealed = SC_ECERT_ISSUE_OPTIONS_INIT;
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    unsealed.time = ISSUE_TIME, unsealed.id_root = ID_ROOT;
    sc_ecert_data *d = calibration(0, set_long_model);
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message,
                           "instrument.model: page 1: it wraps onto more lines than the template "
                           "has room for, and"));
    assert_null(r.ofd.ptr);
    /* Unsealed, it runs into the approvals all the same. */
    assert_int_equal(sc_ecert_issue(&r, t, d, &unsealed), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "instrument.model: page 1: it wraps"));
    assert_non_null(strstr(sc_error_last()->message, "runs into"));
    sc_ecert_data_free(d);
    d = calibration(0, set_two_line_customer);
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);

    /* Notes of 80 lines go on over the pages, line by line; one line longer than a page, or a
     * table row taller than a page, would run off it: refused, naming the data. */
    d = calibration(0, set_notes_80_lines);
    sc_assert_ok(sc_ecert_issue(&r, t, d, &unsealed));
    sc_ofd *ofd = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
    size_t pages = sc_ofd_page_count(ofd, 0);
    assert_true(pages >= 3);
    assert_non_null(strstr(page_text(ofd, pages - 1), "79. 这是一条很长的备注"));
    assert_null(strstr(page_text(ofd, pages - 2), "79. 这是一条很长的备注"));
    assert_non_null(strstr(page_text(ofd, pages - 2), NOTICE));
    sc_ofd_free(ofd);
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);
    d = calibration(0, set_notes_one_long_line);
    assert_int_equal(sc_ecert_issue(&r, t, d, &unsealed), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message, "notes (template flow.blocks["));
    assert_non_null(strstr(sc_error_last()->message, "without a line break is taller than a page"));
    sc_ecert_data_free(d);
    d = calibration(3, set_tall_cell);
    assert_int_equal(sc_ecert_issue(&r, t, d, &unsealed), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message, "results.rows[0]: a row "));
    sc_ecert_data_free(d);
    /* An empty list shows "/" under its heading, as an empty table does. */
    d = calibration(0, empty_basis);
    sc_assert_ok(sc_ecert_issue(&r, t, d, &unsealed));
    sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
    /* Where: a "/" whose baseline lies between the basis heading's and the next heading's. */
    sc_ofd_page_text *pt = NULL;
    double heading = -1, next = -1, slash = -1, slashes[64];
    size_t nslash = 0;
    sc_assert_ok(sc_ofd_page_text_load(&pt, ofd, 0, 1));
    for (size_t k = 0; k < sc_ofd_page_text_count(pt); k++) {
        const sc_ofd_text_object *to = sc_ofd_page_text_object(pt, k);
        const char *at = to->text;
        for (size_t c = 0; c < to->char_count; c++) {
            if (strncmp(at, "校准所依据", strlen("校准所依据")) == 0)
                heading = to->chars[c].y;
            if (strncmp(at, "校准所使用", strlen("校准所使用")) == 0)
                next = to->chars[c].y;
            if (to->chars[c].cp == '/' && nslash < 64)
                slashes[nslash++] = to->chars[c].y;
            do /* the next character of the text */
                at++;
            while (((unsigned char)*at & 0xC0) == 0x80);
        }
    }
    sc_ofd_page_text_free(pt);
    for (size_t k = 0; k < nslash; k++)
        if (slashes[k] > heading && slashes[k] < next)
            slash = slashes[k];
    if (!(heading > 0 && slash > heading && next > slash))
        fail_msg("basis heading at %.1f, \"/\" at %.1f, next heading at %.1f", heading, slash,
                 next);
    sc_ofd_free(ofd);
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);
    /* Columns so narrow that a value breaks a digit a line. */
    d = calibration(0, set_40_columns);
    assert_int_equal(sc_ecert_issue(&r, t, d, &unsealed), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "results.columns: 40 columns do not fit"));
    sc_ecert_data_free(d);
    sc_ecert_template_free(t);

    /* A seal put over the cover's fields: refused, unless over_text says it may be there. */
    d = calibration(0, NULL);
    for (int over = 0; over < 2; over++) {
        json_t *root = template_json();
        json_t *seal = json_array_get(json_object_get(root, "seals"), 0);
        json_object_set_new(seal, "y", json_real(150));
        if (over)
            json_object_set_new(seal, "over_text", json_true());
        sc_assert_ok(parse_template(&t, root, "over.json"));
        if (over) {
            sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
            sc_ecert_issued_dispose(&r);
        } else {
            assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
            assert_non_null(strstr(sc_error_last()->message, "lies under the seal (seals[0]); "));
        }
        sc_ecert_template_free(t);
        json_decref(root);
    }
    /* A "fields" element on the pages after the first (flow.header): drawn, not checked
     * there (it used to crash: no box list on those pages). */
    json_t *root = template_json();
    json_t *fields = json_deep_copy(json_array_get(json_object_get(root, "cover"), 7));
    json_t *one = json_array();
    json_array_append(one, json_array_get(json_object_get(fields, "fields"), 0));
    json_object_set_new(fields, "fields", one);
    json_object_set_new(fields, "y", json_real(22));
    json_array_append_new(json_object_get(json_object_get(root, "flow"), "header"), fields);
    sc_assert_ok(parse_template(&t, root, "header_fields.json"));
    sc_ecert_data *long_d = calibration(120, NULL);
    sc_assert_ok(sc_ecert_issue(&r, t, long_d, &o));
    assert_true(r.page_count > 2);
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(long_d);
    sc_ecert_template_free(t);
    json_decref(root);

    root = template_json();
    json_object_set_new(json_array_get(json_object_get(root, "seals"), 0), "over_text",
                        json_string("yes"));
    assert_int_equal(parse_template(&t, root, "bad.json"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "seals[0]: over_text: not true or false"));
    json_decref(root);
    sc_ecert_data_free(d);
}

/* A template that puts text under the code is refused at load time. */
static void test_ecert_issue__template_code_overlap(void **state)
{
    (void)state;
    sc_ecert_template *t = NULL;
    json_t *root = template_json();
    /* Move the code onto the title. */
    json_t *code = json_object_get(root, "code");
    json_object_set_new(code, "x", json_real(80));
    json_object_set_new(code, "y", json_real(50));
    assert_int_equal(parse_template(&t, root, "moved.json"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "under the code"));
    json_decref(root);
    /* The second code on the first. */
    root = template_json();
    json_object_set_new(json_object_get(root, "code2"), "y", json_real(30));
    assert_int_equal(parse_template(&t, root, "two.json"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "code2: overlaps code"));
    json_decref(root);
    /* T/CMA 4.3.4: 25 mm, no other size. */
    root = template_json();
    json_object_set_new(json_object_get(root, "code"), "size", json_real(20));
    assert_int_equal(parse_template(&t, root, "small.json"), SC_EFORMAT);
    assert_string_equal(
        sc_error_last()->message,
        "small.json: code.size: 20 mm, but the code is 25 mm x 25 mm (T/CMA 4.3.4)");
    json_decref(root);
    /* Not JSON, a wrong member type, an unknown style: the message names the place. */
    assert_int_equal(sc_ecert__template_parse(&t, "{", 1, "x.json", NULL), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "x.json: line"));
    root = template_json();
    json_object_set_new(json_array_get(json_object_get(root, "cover"), 6), "x", json_string(""));
    assert_int_equal(parse_template(&t, root, "t.json"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "t.json: cover[6].x: not a number"));
    json_decref(root);
    root = template_json();
    json_object_set_new(json_array_get(json_object_get(root, "every_page"), 1), "style",
                        json_string("nosuch"));
    assert_int_equal(parse_template(&t, root, "t.json"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "every_page[1].style: no such style"));
    json_decref(root);
    /* A font's own message follows the member's path once, without an empty part. */
    root = template_json();
    json_object_set_new(json_object_get(json_object_get(root, "fonts"), "latin"), "face",
                        json_integer(99));
    assert_int_equal(parse_template(&t, root, "t.json"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "t.json: fonts.latin: /"));
    assert_non_null(strstr(sc_error_last()->message, "face 99 requested"));
    assert_null(strstr(sc_error_last()->message, ": :"));
    json_decref(root);
    /* Colours are six hex digits: strtoul() took a sign, spaces and "0x" as well. */
    static const char *const colours[] = {"#-00001", "#+FFFFF",  "# 12345", "#0x1234",
                                          "#12345",  "#1234567", "123456#"};
    for (size_t i = 0; i < sizeof(colours) / sizeof(*colours); i++) {
        root = template_json();
        json_object_set_new(json_object_get(json_object_get(root, "styles"), "notice"), "color",
                            json_string(colours[i]));
        assert_int_equal(parse_template(&t, root, "t.json"), SC_EFORMAT);
        assert_non_null(strstr(sc_error_last()->message, "not a colour"));
        json_decref(root);
    }
    assert_null(t);
}

/* A template image: a PNG next to the template is drawn on page 1; a name that is a FIFO is
 * refused at load time without waiting for a writer, as is a missing file. */
static void test_ecert_issue__template_images(void **state)
{
    static const unsigned char png[] = {
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
        0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
        0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78,
        0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00,
        0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
    (void)state;
    char logo[4096], fifo[4096];
    snprintf(logo, sizeof(logo), "%s", sctest_tmp("logo.png"));
    snprintf(fifo, sizeof(fifo), "%s", sctest_tmp("logo.fifo"));
    FILE *f = fopen(logo, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(png, 1, sizeof(png), f), sizeof(png));
    fclose(f);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);

    const char *names[] = {logo, fifo, "/nonexistent/logo.png"};
    for (size_t i = 0; i < 3; i++) {
        sc_ecert_template *t = NULL;
        json_t *root = template_json();
        json_array_append_new(json_object_get(root, "cover"),
                              json_pack("{s:s, s:f, s:f, s:f, s:f}", "image", names[i], "x", 20.0,
                                        "y", 20.0, "width", 15.0, "height", 15.0));
        int rc = parse_template(&t, root, "img.json");
        json_decref(root);
        if (i == 0) {
            sc_assert_ok(rc);
            sc_ecert_data *d = calibration(0, NULL);
            sc_ecert_issue_options o = SC_ECERT_ISSUE_OPTIONS_INIT;
            sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
            o.time = ISSUE_TIME, o.id_root = ID_ROOT;
            sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
            sc_ofd *ofd = NULL;
            sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
            /* The logo is static: on the cover's template page, which the page shows. */
            sc_ofd_page_objects *po = NULL;
            size_t images = 0, in_template = 0;
            sc_assert_ok(sc_ofd_page_objects_load(&po, ofd, 0, 0));
            for (size_t k = 0; k < sc_ofd_page_objects_count(po); k++) {
                const sc_ofd_object *ob = sc_ofd_page_objects_object(po, k);
                images += ob->type == SC_OFD_OBJECT_IMAGE;
                in_template += ob->type == SC_OFD_OBJECT_IMAGE && ob->template_id != 0;
            }
            assert_int_equal(images, 1);
            assert_int_equal(in_template, 1);
            sc_ofd_page_objects_free(po);
            sc_ofd_free(ofd);
            sc_ecert_issued_dispose(&r);
            sc_ecert_data_free(d);
            sc_ecert_template_free(t);
            continue;
        }
        assert_true(rc < 0);
        assert_null(t);
        assert_non_null(strstr(sc_error_last()->message, "img.json: cover["));
        assert_non_null(
            strstr(sc_error_last()->message, i == 1 ? "not a regular file" : "cannot open"));
    }
    unlink(fifo);
}

/* --code both needs the template's second code position. */
static void test_ecert_issue__both_codes_need_code2(void **state)
{
    (void)state;
    sc_ecert_template *t = NULL;
    json_t *root = template_json();
    json_object_del(root, "code2");
    sc_assert_ok(parse_template(&t, root, "one-code.json"));
    sc_ecert_data *d = calibration(0, NULL);
    sc_ecert_issue_options o = SC_ECERT_ISSUE_OPTIONS_INIT;
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    o.time = ISSUE_TIME, o.id_root = ID_ROOT;
    o.codes = SC_ECERT_CODES_BOTH;
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "no code2"));
    o.codes = SC_ECERT_CODES_QR;
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);
    sc_ecert_template_free(t);
    json_decref(root);
}

/* With Noto Sans CJK embedded for every style, a 2-page certificate stays under 150 KB. */
static void test_ecert_issue__noto_two_pages_size(void **state)
{
    sign_fixture *f = *state;
    json_t *root = template_json();
    json_t *fonts = json_object_get(root, "fonts");
    const char *key;
    json_t *v;
    json_object_foreach(fonts, key, v)
    {
        if (strcmp(key, "latin") == 0) /* superscripts and other symbols CJK fonts lack */
            continue;
        json_object_set_new(v, "files", json_pack("[s]", NOTO_SANS_CJK));
        json_object_set_new(v, "face", json_integer(NOTO_SANS_SC));
    }
    sc_ecert_template *t = NULL;
    sc_assert_ok(parse_template(&t, root, "noto.json"));
    sc_ecert_data *d = calibration(12, NULL);
    sc_ecert_issue_options o = sealed(f);
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    assert_int_equal(r.page_count, 2);
    if (r.ofd.size >= 150 * 1024)
        fail_msg("2-page certificate with Noto Sans CJK: %zu bytes", r.ofd.size);
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);
    sc_ecert_template_free(t);
    json_decref(root);
}

/* The characters a template's seals cover in certificate @p ofd (the seal's round picture, a
 * circle as wide as the picture, meeting the character's cell by more than 0.3 mm); each is
 * printed. A shipped template's seal hides nothing: not the phone number, not a result. */
static int seal_covered_chars(const sc_ofd *ofd, const sc_ecert_template *t, const sc_seal *seal)
{
    int covered = 0;
    double r = (double)sc_seal_picture_of(seal)->width_mm / 2 - 0.3;
    for (size_t i = 0; i < t->seal_count; i++) {
        size_t pages = sc_ofd_page_count(ofd, 0);
        size_t page = t->seals[i].page <= 0 || (size_t)t->seals[i].page > pages
                          ? pages - 1
                          : (size_t)t->seals[i].page - 1;
        sc_ofd_page_text *text = NULL;
        sc_assert_ok(sc_ofd_page_text_load(&text, ofd, 0, page));
        for (size_t k = 0; k < sc_ofd_page_text_count(text); k++) {
            const sc_ofd_text_object *to = sc_ofd_page_text_object(text, k);
            for (size_t c = 0; c < to->char_count; c++) {
                const double *b = to->chars[c].box;
                double dx = fmax(fmax(b[0] - t->seals[i].x, 0), t->seals[i].x - (b[0] + b[2]));
                double dy = fmax(fmax(b[1] - t->seals[i].y, 0), t->seals[i].y - (b[1] + b[3]));
                if (dx * dx + dy * dy < r * r) {
                    print_message("%s: the seal on page %zu covers U+%04X at (%.1f, %.1f) in "
                                  "\"%s\"\n",
                                  t->name, page + 1, (unsigned)to->chars[c].cp, b[0], b[1],
                                  to->text);
                    covered++;
                }
            }
        }
        sc_ofd_page_text_free(text);
    }
    return covered;
}

/* The text objects of page 1 (its own and its template's) whose Boundary meets a code position
 * with its quiet zone; each is printed. Readers that check T/CMA 4.3.4 test Boundaries, so
 * merged objects must not span the code even where no character is under it. */
static int boundaries_under_code(const sc_ofd *ofd, const sc_ecert_template *t)
{
    double areas[2][4];
    size_t n = sc_ecert__code_areas(t, areas);
    int under = 0;
    sc_ofd_page_text *text = NULL;
    sc_assert_ok(sc_ofd_page_text_load(&text, ofd, 0, 0));
    for (size_t k = 0; k < sc_ofd_page_text_count(text); k++) {
        const sc_ofd_text_object *to = sc_ofd_page_text_object(text, k);
        for (size_t i = 0; i < n; i++)
            if (sc_ecert__boxes_overlap(to->boundary, areas[i])) {
                print_message("%s: TextObject %lu (%.1f %.1f %.1f %.1f) \"%.40s\" meets code %zu\n",
                              t->name, to->id, to->boundary[0], to->boundary[1], to->boundary[2],
                              to->boundary[3], to->text, i + 1);
                under++;
            }
    }
    sc_ofd_page_text_free(text);
    return under;
}

/* Every shipped template issues the fixtures it is for. */
static void test_ecert_issue__every_template(void **state)
{
    sign_fixture *f = *state;
    for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
        sc_ecert_template *t = load(shipped[i]);
        json_error_t jerr;
        json_t *root = json_load_file(sctest_data("ecert/verification.json"), 0, &jerr);
        assert_non_null(root);
        json_object_set_new(root, "type", json_integer(sc_ecert_template_type(t)));
        char *text = json_dumps(root, 0);
        sc_ecert_data *d = NULL;
        sc_assert_ok(sc_ecert_data_parse(&d, text, strlen(text)));
        sc_ecert_issue_options o = sealed(f);
        sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
        /* Each with the seal of its kind (T/CMA 4.2.2), which the 校准 seal is not for most. */
        const char *kind = NULL;
        char seal_name[64];
        int fits = sc_ecert_seal_name_fits(&kind, "校准电子证书专用章", sc_ecert_template_type(t),
                                           sc_ecert_template_category(t));
        assert_int_equal(fits, kind && strcmp(kind, "校准") == 0);
        snprintf(seal_name, sizeof(seal_name), "%s电子证书专用章", kind ? kind : "检测");
        sc_seal *seal = fixture_make_seal(f, seal_name);
        if (!fits) {
            assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
            assert_non_null(strstr(sc_error_last()->message, "T/CMA 4.2.1, 4.2.2"));
        }
        o.seal = seal;
        int rc = sc_ecert_issue(&r, t, d, &o);
        if (rc != 0)
            fail_msg("%s: %s", shipped[i], sc_error_last()->message);
        assert_string_equal((const char *)r.file_name.ptr, shipped_names[i]);
        sc_ofd *ofd = NULL;
        sc_ofd_report *rep = NULL;
        sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
        sc_assert_ok(sc_ofd_verify(&rep, ofd, NULL));
        assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
        assert_non_null(strstr(page_text(ofd, 0), NOTICE));
        assert_int_equal(seal_covered_chars(ofd, t, seal), 0);
        assert_int_equal(boundaries_under_code(ofd, t), 0);
        assert_non_null(strstr(page_text(ofd, 0), shipped_number_labels[i]));
        /* The results start on page 2, after the approvals and the seal of page 1: never split
         * around them (no shipped template has a cover flow). */
        assert_int_equal(r.page_count, 2);
        assert_null(strstr(page_text(ofd, 0), "技术要求")); /* a heading of the results */
        assert_null(strstr(page_text(ofd, 0), "轻敲位移")); /* their last row */
        assert_non_null(strstr(page_text(ofd, 1), "轻敲位移"));
        if (strcmp(shipped[i], "verification-notice") == 0) {
            /* A notice of a failed verification states its conclusion. */
            sc_ecert_data_free(d);
            json_object_del(root, "conclusion");
            free(text);
            text = json_dumps(root, 0);
            sc_assert_ok(sc_ecert_data_parse(&d, text, strlen(text)));
            sc_ecert_issued r2 = SC_ECERT_ISSUED_INIT;
            assert_int_equal(sc_ecert_issue(&r2, t, d, &o), SC_EFORMAT);
            assert_non_null(strstr(sc_error_last()->message, "conclusion: missing"));
            assert_null(r2.ofd.ptr);
        }
        sc_ofd_report_free(rep);
        sc_ofd_free(ofd);
        sc_ecert_issued_dispose(&r);
        sc_seal_free(seal);
        sc_ecert_data_free(d);
        free(text);
        json_decref(root);
        sc_ecert_template_free(t);
    }
}

/* Corrections and supplements (T/CMA 6.4): what the cover and the tags say. */
static void test_ecert_issue__revisions(void **state)
{
    (void)state;
    sc_ecert_template *t = load("calibration");
    sc_ecert_data *d = calibration(0, NULL);
    sc_ecert_issue_options o = SC_ECERT_ISSUE_OPTIONS_INIT;
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    sc_ofd *ofd = NULL;
    sc_ecert_tags tags = {0};
    o.time = ISSUE_TIME, o.id_root = ID_ROOT;
    o.supplement_to = "JZ2026-000001";
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    /* named as such, never as the certificate it supplements */
    assert_string_equal((const char *)r.file_name.ptr,
                        "校准电子证书-JZ2026-000123-数字多用表-MY57001234-补充文件.ofd");
    sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
    /* On every page, and on the cover a second time, under the number, where it is seen. */
    for (size_t i = 0; i < r.page_count; i++) {
        const char *text = page_text(ofd, i),
                   *at = strstr(text, "对序号为JZ2026-000001的证书/报告的补充文件");
        assert_non_null(at);
        assert_true((strstr(at + 1, "对序号为JZ2026-000001") != NULL) == (i == 0));
    }
    sc_assert_ok(sc_ecert_tags_read(&tags, ofd));
    assert_string_equal(tags.supplement_to, "JZ2026-000001");
    sc_ecert_tags_dispose(&tags);
    sc_ofd_free(ofd);
    sc_ecert_issued_dispose(&r);

    o.supplement_to = NULL;
    /* A correction keeps its own number (T/CMA 6.4.1: 修改后的证书号), not the old one's. */
    o.supersedes = "JZ2026-000123";
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message,
                           "number: JZ2026-000123 is the number of the certificate this one "
                           "supersedes"));
    o.supersedes = "JZ2025-000987";
    sc_assert_ok(sc_ecert_data_set_revision(d, 1));
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    assert_string_equal((const char *)r.file_name.ptr,
                        "校准电子证书-JZ2026-000123-数字多用表-MY57001234-修改1.ofd");
    sc_assert_ok(sc_ofd_open(&ofd, r.ofd.ptr, r.ofd.size, NULL));
    assert_non_null(strstr(page_text(ofd, 0), "本证书替代证书编号为 JZ2025-000987"));
    sc_assert_ok(sc_ecert_tags_read(&tags, ofd));
    assert_string_equal(tags.supersedes, "JZ2025-000987");
    size_t n = strlen(tags.id);
    assert_string_equal(tags.id + n - 1, "1"); /* 证书修改次数 */
    sc_ecert_tags_dispose(&tags);
    sc_ofd_free(ofd);
    sc_ecert_issued_dispose(&r);

    /* A supplement with the serial of the certificate it supplements would share its
     * identifier: refused, naming the field. */
    o.supersedes = NULL;
    o.supplement_to = sc_ecert_data_fields(d)->serial;
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "serial"));
    assert_null(r.ofd.ptr);

    /* With the earlier certificate's identifier, the data must agree with it (T/CMA 6.4): each
     * part a correction keeps, the next revision, the issuer of a supplement. */
    const sc_ecert_fields *f = sc_ecert_data_fields(d); /* revision 1 */
    sc_ecert_id old = {ID_ROOT, f->type, f->issuer.org_code, f->issuer.accreditation, f->serial, 0};
    o.supplement_to = NULL;
    o.supersedes = "JZ2025-000987";
    o.earlier = &old;
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    sc_ecert_issued_dispose(&r);
    static const struct {
        int part;
        const char *value, *message;
    } mismatch[] = {
        {0, "91350100M000100Y43", "issuer.org_code: 12350000488010235N, but the earlier"},
        {1, "JZ2026-000999", "serial: JZ2026-000123, but the superseded certificate has"},
        {2, "CNAS L9999", "issuer.accreditation: CNAS L0001, but the superseded"},
        {3, NULL, "type: 7, but the superseded certificate is of type 1"},
        {4, NULL, "revision: 1, but the correction of a revision 1 certificate is revision 2"},
    };
    for (size_t i = 0; i < sizeof(mismatch) / sizeof(mismatch[0]); i++) {
        sc_ecert_id bad = old;
        const char **strs[] = {&bad.issuer, &bad.serial, &bad.accreditation};
        if (mismatch[i].part < 3)
            *strs[mismatch[i].part] = mismatch[i].value;
        else if (mismatch[i].part == 3)
            bad.type = 1;
        else
            bad.revision = 1;
        o.earlier = &bad;
        assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EFORMAT);
        assert_non_null(strstr(sc_error_last()->message, mismatch[i].message));
        assert_null(r.ofd.ptr);
    }
    /* A supplement: its own serial, the earlier one's issuer, supplement_to its serial. */
    sc_ecert_id sup = old;
    sup.serial = "JZ2026-000001";
    o.supersedes = NULL;
    o.supplement_to = "JZ2026-000001";
    o.earlier = &sup;
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    sc_ecert_issued_dispose(&r);
    o.supplement_to = "JZ2026-000002";
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "supplement_to: JZ2026-000002, but"));
    sup.issuer = "91350100M000100Y43";
    o.supplement_to = "JZ2026-000001";
    assert_int_equal(sc_ecert_issue(&r, t, d, &o), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "issuer.org_code"));
    /* A correction of that supplement: a supplement still, revision 1 of it. */
    o.supersedes = "JZ2025-000987";
    o.earlier = &old;
    sc_assert_ok(sc_ecert_issue(&r, t, d, &o));
    assert_string_equal((const char *)r.file_name.ptr,
                        "校准电子证书-JZ2026-000123-数字多用表-MY57001234-补充文件-修改1.ofd");
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);
    sc_ecert_template_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecert_issue__shipped_templates_load),
        cmocka_unit_test(test_ecert_issue__calibration_120_rows),
        cmocka_unit_test(test_ecert_issue__riding_both_codes_attachment),
        cmocka_unit_test(test_ecert_issue__deterministic),
        cmocka_unit_test(test_ecert_issue__template_pages),
        cmocka_unit_test(test_ecert_issue__refusals),
        cmocka_unit_test(test_ecert_issue__template_code_overlap),
        cmocka_unit_test(test_ecert_issue__content_collisions),
        cmocka_unit_test(test_ecert_issue__both_codes_need_code2),
        cmocka_unit_test(test_ecert_issue__template_images),
        cmocka_unit_test(test_ecert_issue__noto_two_pages_size),
        cmocka_unit_test(test_ecert_issue__every_template),
        cmocka_unit_test(test_ecert_issue__revisions),
    };
    sc_init();
    return cmocka_run_group_tests(tests, sign_fixture_setup, sign_fixture_teardown);
}
