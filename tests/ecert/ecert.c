/* lib/ecert: certificate types, organisation codes, identifiers (T/CMA 4.5.5), file names (4.4). */
#include "common/test.h"

#define ROOT "1.2.156.112600.1"
#define USCC "91350200776049653A"

static void test_ecert_types__names(void **state)
{
    (void)state;
    assert_string_equal(sc_ecert_type_name(SC_ECERT_CALIBRATION), "校准证书");
    assert_string_equal(sc_ecert_type_name(SC_ECERT_VERIFICATION), "检定证书");
    assert_string_equal(sc_ecert_type_category(SC_ECERT_CALIBRATION), "校准");
    assert_null(sc_ecert_type_name(0));
    assert_null(sc_ecert_type_name(9));
}

/* T/CMA 4.2: a certificate carries an electronic certificate seal of its kind. */
static void test_ecert_types__seal_names(void **state)
{
    (void)state;
    static const struct {
        const char *seal, *category;
        int type, fits;
        const char *kind;
    } cases[] = {
        {"校准电子证书专用章", NULL, 7, 1, "校准"},
        {"某某市计量测试研究院校准电子证书专用章", NULL, 7, 1, "校准"},
        {"校准专用章（电子证书）", NULL, 7, 1, "校准"},
        {"校准专用章", NULL, 7, 0, "校准"},           /* not 电子证书 (4.2.1) */
        {"检定电子证书专用章", NULL, 7, 0, "校准"},   /* the wrong kind (4.2.2) */
        {"检定电子证书专用章", NULL, 2, 1, "检定"},   /* 检定结果通知书 */
        {"检测电子证书专用章", NULL, 4, 1, "检测"},   /* 型式评价报告 */
        {"检验电子证书专用章", NULL, 6, 1, "检验"},   /* 能源效率标识检验报告 */
        {"检测电子证书专用章", "检测", 8, 1, "检测"}, /* 检测报告 */
        {"检验电子证书专用章", "检测", 8, 0, "检测"}, /* the template's category decides */
        {"检验电子证书专用章", "其他", 8, 1, NULL},   /* 其他: any of the four */
        {"电子证书专用章", NULL, 8, 0, NULL},
        {"OFD R&W 测试用印章", NULL, 7, 0, "校准"},
        {NULL, NULL, 7, 0, "校准"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *kind = "unset";
        assert_int_equal(
            sc_ecert_seal_name_fits(&kind, cases[i].seal, cases[i].type, cases[i].category),
            cases[i].fits);
        if (cases[i].kind)
            assert_string_equal(kind, cases[i].kind);
        else
            assert_null(kind);
    }
}

static void test_ecert_org_code__check_characters(void **state)
{
    static const char *const good[] = {USCC,
                                       "91440101MA5CJQ4N59",
                                       "913502000728319549",
                                       "9135021359498494XQ",
                                       "123456788",
                                       "776049653",
                                       NULL};
    (void)state;
    for (int i = 0; good[i]; i++)
        sc_assert_ok(sc_ecert_org_code_check(good[i]));
    assert_int_equal(sc_ecert_org_code_check("91350200776049653B"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "GB 32100 gives 'A'"));
    assert_int_equal(sc_ecert_org_code_check("123456789"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "GB 11714 gives '8'"));
    assert_int_equal(sc_ecert_org_code_check("9135020077604965IA"), SC_EFORMAT); /* no I */
    assert_int_equal(sc_ecert_org_code_check("12345"), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "5 characters"));
    assert_int_equal(sc_ecert_org_code_check(""), SC_EFORMAT);
    assert_int_equal(sc_ecert_org_code_check("12345678a"), SC_EFORMAT);
}

static void test_ecert_id__format_parse_roundtrip(void **state)
{
    sc_ecert_id id = {ROOT, 7, USCC, "CNAS L0001", "JZ2026-000123", 0}, *back = NULL;
    sc_buf s = SC_BUF_INIT, url = SC_BUF_INIT, dec = SC_BUF_INIT;
    (void)state;
    sc_assert_ok(sc_ecert_id_format(&s, &id));
    assert_string_equal((char *)s.ptr, ROOT "·7·" USCC "·CNAS L0001·JZ2026-000123·0");
    sc_assert_ok(sc_ecert_id_parse(&back, (char *)s.ptr));
    assert_string_equal(back->root, ROOT);
    assert_int_equal(back->type, 7);
    assert_string_equal(back->issuer, USCC);
    assert_string_equal(back->accreditation, "CNAS L0001");
    assert_string_equal(back->serial, "JZ2026-000123");
    assert_int_equal(back->revision, 0);
    sc_ecert_id_free(back);

    sc_assert_ok(sc_ecert_id_url_encode(&url, (char *)s.ptr));
    assert_string_equal((char *)url.ptr, "1.2.156.112600.1%C2%B77%C2%B7" USCC
                                         "%C2%B7CNAS%20L0001%C2%B7JZ2026-000123%C2%B70");
    sc_assert_ok(sc_ecert_id_url_decode(&dec, (char *)url.ptr));
    assert_string_equal((char *)dec.ptr, (char *)s.ptr);
    assert_int_equal(sc_ecert_id_url_decode(&dec, "a%zz"), SC_EFORMAT);
    assert_int_equal(sc_ecert_id_url_decode(&dec, "a b"), SC_EFORMAT);
    assert_int_equal(sc_ecert_id_url_decode(&dec, "a%00"), SC_EFORMAT);
    sc_buf_dispose(&s);
    sc_buf_dispose(&url);
    sc_buf_dispose(&dec);
}

static void test_ecert_id__every_part_checked(void **state)
{
    static const struct {
        const char *text;
        const char *msg;
    } bad[] = {
        {"", "empty"},
        {ROOT "·7·" USCC "·CNAS L0001·JZ1", "fewer than six"},
        {ROOT "·7·" USCC "·CNAS L0001·JZ1·0·x", "more than six"},
        {"1.2.x·7·" USCC "·CNAS L0001·JZ1·0", "root"},
        {"5.1·7·" USCC "·CNAS L0001·JZ1·0", "root"},
        {ROOT "·9·" USCC "·CNAS L0001·JZ1·0", "type: 9"},
        {ROOT "·07·" USCC "·CNAS L0001·JZ1·0", "type '07'"},
        {ROOT "·7·91350200776049653B·CNAS L0001·JZ1·0", "issuer"},
        {ROOT "·7·" USCC "··JZ1·0", "accreditation is empty"},
        {ROOT "·7·" USCC "·CNAS L0001·JZ 1·0", "serial: contains a space"},
        {ROOT "·7·" USCC "·CNAS L0001·JZ1·10", "revision '10'"},
        {ROOT ".7." USCC ".CNAS L0001.JZ1.0", "fewer than six"},
        {NULL, NULL},
    };
    sc_ecert_id *id = NULL;
    (void)state;
    for (int i = 0; bad[i].text; i++) {
        assert_int_equal(sc_ecert_id_parse(&id, bad[i].text), SC_EFORMAT);
        assert_null(id);
        if (!strstr(sc_error_last()->message, bad[i].msg))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, sc_error_last()->message,
                     bad[i].msg);
    }
    sc_ecert_id x = {ROOT, 7, USCC, "CNAS L0001", "JZ1", 10};
    sc_buf s = SC_BUF_INIT;
    assert_int_equal(sc_ecert_id_format(&s, &x), SC_EINVALID);
    x.revision = 1;
    x.accreditation = "a·b";
    assert_int_equal(sc_ecert_id_format(&s, &x), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "separator"));
    assert_null(s.ptr);
}

static void test_ecert_name__rule_and_limits(void **state)
{
    sc_buf n = SC_BUF_INIT;
    char longname[400] = "";
    (void)state;
    sc_assert_ok(
        sc_ecert_file_name(&n, SC_ECERT_CALIBRATION, "JZ2026-000123", "数字多用表", "MY5700123"));
    assert_string_equal((char *)n.ptr, "校准电子证书-JZ2026-000123-数字多用表-MY5700123.ofd");
    sc_assert_ok(
        sc_ecert_file_name(&n, SC_ECERT_VERIFICATION, "质字20211203/2377", "压力表*", "A:1"));
    assert_string_equal((char *)n.ptr, "检定电子证书-质字20211203_2377-压力表_-A_1.ofd");
    /* Blanks at either end of a part go; inside they stay. */
    sc_assert_ok(
        sc_ecert_file_name(&n, SC_ECERT_CALIBRATION, " JZ 1\t", "数字多用表 \u3000", "\u3000MY1 "));
    assert_string_equal((char *)n.ptr, "校准电子证书-JZ 1-数字多用表-MY1.ofd");
    /* A part of blanks only is no part; a number of blanks only is none. */
    sc_assert_ok(sc_ecert_file_name(&n, SC_ECERT_CALIBRATION, "JZ1", "数字多用表", " \u3000"));
    assert_string_equal((char *)n.ptr, "校准电子证书-JZ1-数字多用表.ofd");
    assert_int_equal(sc_ecert_file_name(&n, SC_ECERT_CALIBRATION, "  ", "表", "1"), SC_EINVALID);
    /* Characters whose code point's low byte is one of / : * ? < > | or 0 stay themselves:
     * 一 U+4E00, 尺 U+5C3A, 机 U+673A, 示 U+793A, 游标卡尺. */
    sc_assert_ok(sc_ecert_file_name(&n, SC_ECERT_VERIFICATION, "质字20260311-0458",
                                    "一般压力表游标卡尺示波器机", "2021-11873"));
    assert_string_equal((char *)n.ptr,
                        "检定电子证书-质字20260311-0458-一般压力表游标卡尺示波器机-2021-11873.ofd");
    /* 60 CJK characters of instrument name: shortened to fit 50 in all */
    for (int i = 0; i < 60; i++)
        strcat(longname, "表");
    sc_assert_ok(sc_ecert_file_name(&n, SC_ECERT_CALIBRATION, "JZ1", longname, "S1"));
    assert_true(n.size <= 255);
    assert_non_null(strstr((char *)n.ptr, "-S1.ofd"));
    size_t cjk = 0;
    for (const unsigned char *p = n.ptr; *p;) {
        uint32_t c;
        assert_true(sc_utf8_next(&p, NULL, &c));
        cjk += c >= 0x4E00 && c <= 0x9FFF;
    }
    assert_int_equal(cjk, 50);
    /* no room even without the instrument */
    memset(longname, 'x', 300);
    longname[300] = 0;
    assert_int_equal(sc_ecert_file_name(&n, SC_ECERT_CALIBRATION, longname, "表", "S1"),
                     SC_EINVALID);
    assert_int_equal(sc_ecert_file_name(&n, 0, "JZ1", "表", "S1"), SC_EINVALID);
    assert_int_equal(sc_ecert_file_name(&n, 7, "", "表", "S1"), SC_EINVALID);
    sc_buf_dispose(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecert_types__names),
        cmocka_unit_test(test_ecert_types__seal_names),
        cmocka_unit_test(test_ecert_org_code__check_characters),
        cmocka_unit_test(test_ecert_id__format_parse_roundtrip),
        cmocka_unit_test(test_ecert_id__every_part_checked),
        cmocka_unit_test(test_ecert_name__rule_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
