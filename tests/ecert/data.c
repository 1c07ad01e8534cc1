/* lib/ecert certificate data (docs/formats/ecert-data.md): the samples, every check with its
 * error path, the limits, path lookups, and allocation failures (jansson's included). */
#include "common/test.h"

#include <jansson.h>
#include <stdlib.h>

static sc_buf read_sample(const char *name)
{
    char rel[64];
    snprintf(rel, sizeof(rel), "ecert/%s", name);
    return sctest_read(sctest_data(rel));
}

static sc_ecert_data *parse_sample(const char *name)
{
    sc_buf b = read_sample(name);
    sc_ecert_data *d = NULL;
    sc_assert_ok(sc_ecert_data_parse(&d, (const char *)b.ptr, b.size));
    sc_buf_dispose(&b);
    return d;
}

static void test_ecert_data__calibration_sample(void **state)
{
    sc_ecert_data *d = parse_sample("calibration.json");
    const sc_ecert_fields *f = sc_ecert_data_fields(d);
    (void)state;
    assert_int_equal(f->type, SC_ECERT_CALIBRATION);
    assert_string_equal(f->number, "JZ2026-000123");
    assert_string_equal(f->serial, "JZ2026-000123");
    assert_int_equal(f->revision, 0);
    assert_string_equal(f->issuer.name, "闽江计量科学研究院");
    assert_string_equal(f->issuer.org_code, "12350000488010235N");
    assert_string_equal(f->issuer.accreditation, "CNAS L0001");
    assert_string_equal(f->issuer.address, "福建省福州市鼓楼区软件大道 89 号");
    assert_string_equal(f->issuer.phone, "0591-87654321");
    assert_string_equal(f->issuer.base_url, "https://ecert.mjjl.example.cn"); /* '/' dropped */
    assert_string_equal(f->customer.name, "龘龘精密仪器有限公司");
    assert_string_equal(f->customer.address, "厦门市思明区湖滨南路 388 号");
    assert_string_equal(f->instrument.name, "数字多用表");
    assert_string_equal(f->instrument.model, "34465A (6½ 位)");
    assert_string_equal(f->instrument.serial, "MY57001234");
    assert_string_equal(f->instrument.manufacturer, "是德科技（中国）有限公司");
    assert_string_equal(f->dates.received, "2026-03-02");
    assert_string_equal(f->dates.calibrated, "2026-03-05");
    assert_string_equal(f->dates.issued, "2026-03-06");
    assert_string_equal(f->dates.next_due, "2027-03-04");
    assert_string_equal(f->location, "本院电学实验室 B203");
    assert_string_equal(f->environment.temperature, "(20.3 ± 0.5) ℃");
    assert_string_equal(f->environment.humidity, "45 %RH");
    assert_int_equal(f->basis_count, 1);
    assert_string_equal(f->basis[0], "JJF 1587-2016 数字多用表校准规范");
    assert_int_equal(f->standard_count, 2);
    assert_string_equal(f->standards[0].name, "多功能校准器");
    assert_string_equal(f->standards[0].model, "Fluke 5522A");
    assert_string_equal(f->standards[0].serial, "4391202");
    assert_string_equal(f->standards[0].uncertainty,
                        "DCV: U = 12 μV/V (k=2); R: U = 30 μΩ/Ω (k=2)");
    assert_string_equal(f->standards[0].certificate, "DLjz2025-08812");
    assert_string_equal(f->standards[0].valid_until, "2026-08-19");
    assert_string_equal(f->standards[1].name, "标准电阻");
    assert_int_equal(f->column_count, 6);
    assert_string_equal(f->columns[0], "功能");
    assert_string_equal(f->columns[5], "扩展不确定度 (k=2)");
    assert_int_equal(f->row_count, 14);
    assert_string_equal(f->rows[0][2], "100.0000 mV");
    assert_string_equal(f->rows[9][1], "100 Ω");
    assert_string_equal(f->rows[12][1], "10 μF");
    /* numbers keep their JSON text */
    assert_string_equal(f->rows[13][2], "100.0");
    assert_string_equal(f->rows[13][3], "100.3");
    assert_string_equal(f->rows[13][5], "±0.4 ℃");
    assert_non_null(strstr(f->notes, "有效。\n2. 示值误差"));
    assert_string_equal(f->people.calibrated_by, "林晓峰");
    assert_string_equal(f->people.checked_by, "陈静");
    assert_string_equal(f->people.approved_by, "黄志强");
    assert_string_equal(f->conclusion, "");

    /* what was checked makes an identifier and a file name */
    sc_ecert_id id = {"1.2.156.112600.1",      f->type,   f->issuer.org_code,
                      f->issuer.accreditation, f->serial, f->revision};
    sc_buf s = SC_BUF_INIT;
    sc_assert_ok(sc_ecert_id_format(&s, &id));
    sc_assert_ok(
        sc_ecert_file_name(&s, f->type, f->number, f->instrument.name, f->instrument.serial));
    assert_string_equal((char *)s.ptr, "校准电子证书-JZ2026-000123-数字多用表-MY57001234.ofd");
    sc_buf_dispose(&s);
    sc_ecert_data_free(d);
}

static void test_ecert_data__verification_sample(void **state)
{
    sc_ecert_data *d = parse_sample("verification.json");
    const sc_ecert_fields *f = sc_ecert_data_fields(d);
    (void)state;
    assert_int_equal(f->type, SC_ECERT_VERIFICATION);
    assert_string_equal(f->number, "质字20260311/0458");
    assert_string_equal(f->issuer.base_url, "https://zs.ysjl.example.cn/ecert");
    assert_string_equal(f->customer.name, "北京龘源热力有限公司");
    assert_string_equal(f->customer.address, "");
    assert_string_equal(f->conclusion, "合格");
    assert_int_equal(f->column_count, 3);
    assert_int_equal(f->row_count, 5);
    assert_string_equal(f->rows[2][2], "+0.012 MPa");
    assert_int_equal(f->standard_count, 1);
    sc_ecert_data_free(d);
}

/* ---- mutations of the calibration sample -------------------------------------------------- */

#define PLACEHOLDER "\"@@value@@\""

/* Set (with @p value) or delete (NULL) the member or entry at a path such as "a.b[2][0]". The
 * tree gets a placeholder string; mutated() puts the value's text in its place, so numbers keep
 * their literal and escapes stay as written. */
static void mutate(json_t *root, const char *path, bool set)
{
    json_t *v = root, *nv = set ? json_string("@@value@@") : NULL;
    const char *p = path;
    for (;;) {
        bool is_index = *p == '[';
        size_t n = is_index ? strcspn(p + 1, "]") : strcspn(p, ".[");
        char key[256];
        p += is_index;
        memcpy(key, p, n);
        key[n] = '\0';
        p += n + is_index;
        bool last = *p == '\0';
        if (*p == '.')
            p++;
        if (is_index && last) {
            size_t i = strtoul(key, NULL, 10);
            if (nv && i == json_array_size(v))
                json_array_append_new(v, nv);
            else if (nv)
                json_array_set_new(v, i, nv);
            else
                json_array_remove(v, i);
            return;
        }
        if (last) {
            if (nv)
                json_object_set_new(v, key, nv);
            else
                json_object_del(v, key);
            return;
        }
        v = is_index ? json_array_get(v, strtoul(key, NULL, 10)) : json_object_get(v, key);
        if (!v)
            fail_msg("%s: no such path in the sample", path);
    }
}

/* The calibration sample, compact, with @p path set to the JSON text @p value (NULL: deleted). */
static char *mutated(const char *path, const char *value)
{
    sc_buf b = read_sample("calibration.json"), out = SC_BUF_INIT;
    json_t *root = json_loadb((const char *)b.ptr, b.size, 0, NULL);
    char *text, *at;
    assert_non_null(root);
    mutate(root, path, value != NULL);
    text = json_dumps(root, JSON_COMPACT);
    assert_non_null(text);
    json_decref(root);
    if (value && (at = strstr(text, PLACEHOLDER))) {
        sc_buf_put(&out, text, (size_t)(at - text));
        sc_buf_puts(&out, value);
        sc_buf_puts(&out, at + strlen(PLACEHOLDER));
        free(text);
        text = (char *)sc_buf_detach(&out, NULL);
    }
    sc_buf_dispose(&b);
    return text;
}

/* Parse @p json expecting @p code and a message starting with @p start; prints what differs
 * and returns 1 (so a table reports all its failures), else 0. */
static int check(const char *json, size_t len, int code, const char *start, const char *what)
{
    sc_ecert_data *d = (sc_ecert_data *)1;
    int rc = sc_ecert_data_parse(&d, json, len);
    if (rc != code) {
        print_error("%s: returned %d (%s), expected %d\n", what, rc,
                    rc ? sc_error_last()->message : "ok", code);
        return 1;
    }
    if (d != NULL) {
        print_error("%s: *out not NULL on failure\n", what);
        return 1;
    }
    if (strncmp(sc_error_last()->message, start, strlen(start)) != 0) {
        print_error("%s: message '%s' does not start with '%s'\n", what, sc_error_last()->message,
                    start);
        return 1;
    }
    return 0;
}

static void expect(const char *json, size_t len, int code, const char *start, const char *what)
{
    if (check(json, len, code, start, what))
        fail();
}

static const char *const long64 =
    "\"0123456789012345678901234567890123456789012345678901234567890123";

typedef struct {
    const char *path;  /* what to change in the calibration sample */
    const char *value; /* its new JSON value; NULL: delete it */
    int code;
    const char *start; /* how the message starts */
} mutation;

static const mutation mutations[] = {
    /* every required field missing */
    {"type", NULL, SC_EFORMAT, "type: missing"},
    {"number", NULL, SC_EFORMAT, "number: missing"},
    {"serial", NULL, SC_EFORMAT, "serial: missing"},
    {"issuer", NULL, SC_EFORMAT, "issuer: missing"},
    {"issuer.name", NULL, SC_EFORMAT, "issuer.name: missing"},
    {"issuer.org_code", NULL, SC_EFORMAT, "issuer.org_code: missing"},
    {"issuer.accreditation", NULL, SC_EFORMAT, "issuer.accreditation: missing"},
    {"issuer.base_url", NULL, SC_EFORMAT, "issuer.base_url: missing"},
    {"customer", NULL, SC_EFORMAT, "customer: missing"},
    {"customer.name", NULL, SC_EFORMAT, "customer.name: missing"},
    {"instrument", NULL, SC_EFORMAT, "instrument: missing"},
    {"instrument.name", NULL, SC_EFORMAT, "instrument.name: missing"},
    {"instrument.serial", NULL, SC_EFORMAT, "instrument.serial: missing"},
    {"dates", NULL, SC_EFORMAT, "dates: missing"},
    {"dates.issued", NULL, SC_EFORMAT, "dates.issued: missing"},
    {"results", NULL, SC_EFORMAT, "results: missing"},
    {"results.columns", NULL, SC_EFORMAT, "results.columns: missing"},
    {"results.rows", NULL, SC_EFORMAT, "results.rows: missing"},
    {"people", NULL, SC_EFORMAT, "people: missing"},
    {"people.approved_by", NULL, SC_EFORMAT, "people.approved_by: missing"},
    {"standards[1].name", NULL, SC_EFORMAT, "standards[1].name: missing"},
    /* wrong types */
    {"type", "\"7\"", SC_EFORMAT, "type: expected an integer, got string"},
    {"type", "null", SC_EFORMAT, "type: expected an integer, got null"},
    {"type", "7.0", SC_EFORMAT, "type: 7.0 is not an integer"},
    {"type", "7e0", SC_EFORMAT, "type: 7e0 is not an integer"},
    {"type", "9", SC_EFORMAT, "type: 9 is not a certificate type code 1..8"},
    {"type", "0", SC_EFORMAT, "type: 0 is not a certificate type code"},
    {"type", "-7", SC_EFORMAT, "type: -7 is not a certificate type code"},
    {"type", "123456789012345678901234567890", SC_EFORMAT,
     "type: 123456789012345678901234567890 is not"},
    {"revision", "10", SC_EFORMAT, "revision: 10 is not a revision 0..9"},
    {"revision", "-1", SC_EFORMAT, "revision: -1 is not a revision"},
    {"revision", "\"1\"", SC_EFORMAT, "revision: expected an integer, got string"},
    {"revision", "true", SC_EFORMAT, "revision: expected an integer, got boolean"},
    {"number", "123", SC_EFORMAT, "number: expected a string, got number"},
    {"issuer", "[]", SC_EFORMAT, "issuer: expected an object, got array"},
    {"issuer.name", "null", SC_EFORMAT, "issuer.name: expected a string, got null"},
    {"issuer.phone", "5918765432", SC_EFORMAT, "issuer.phone: expected a string, got number"},
    {"customer.name", "true", SC_EFORMAT, "customer.name: expected a string, got boolean"},
    {"instrument.model", "{}", SC_EFORMAT, "instrument.model: expected a string, got object"},
    {"dates.calibrated", "20260305", SC_EFORMAT, "dates.calibrated: expected a string"},
    {"environment", "\"warm\"", SC_EFORMAT, "environment: expected an object, got string"},
    {"basis", "\"JJF 1587\"", SC_EFORMAT, "basis: expected an array, got string"},
    {"basis[0]", "5", SC_EFORMAT, "basis[0]: expected a string, got number"},
    {"basis[1]", "\" \"", SC_EFORMAT, "basis[1]: empty"},
    {"standards", "{}", SC_EFORMAT, "standards: expected an array, got object"},
    {"standards[0]", "\"x\"", SC_EFORMAT, "standards[0]: expected an object, got string"},
    {"standards[1].serial", "210563", SC_EFORMAT, "standards[1].serial: expected a string"},
    {"results", "[]", SC_EFORMAT, "results: expected an object, got array"},
    {"results.rows", "{}", SC_EFORMAT, "results.rows: expected an array, got object"},
    {"results.columns", "\"a\"", SC_EFORMAT, "results.columns: expected an array, got string"},
    {"results.columns", "[]", SC_EFORMAT, "results.columns: no columns"},
    {"results.columns[1]", "\"\"", SC_EFORMAT, "results.columns[1]: empty"},
    {"results.columns[0]", "\"a\\nb\"", SC_EFORMAT, "results.columns[0]: line break"},
    {"people", "\"x\"", SC_EFORMAT, "people: expected an object, got string"},
    {"conclusion", "1", SC_EFORMAT, "conclusion: expected a string, got number"},
    /* empty required strings */
    {"number", "\"\"", SC_EFORMAT, "number: empty"},
    {"issuer.name", "\"   \"", SC_EFORMAT, "issuer.name: empty"},
    {"people.approved_by", "\"\xe3\x80\x80\"", SC_EFORMAT, "people.approved_by: empty"},
    {"instrument.serial", "\" \\u00a0 \"", SC_EFORMAT, "instrument.serial: empty"},
    /* identifier parts */
    {"serial",
     "\"JZ\xc2\xb7"
     "1\"",
     SC_EFORMAT, "serial: contains '·'"},
    {"serial", "\"JZ 1\"", SC_EFORMAT, "serial: contains a space"},
    {"issuer.accreditation", "\"CNAS\xc2\xb7L0001\"", SC_EFORMAT, "issuer.accreditation: contains"},
    {"number",
     "\"质字\xc2\xb7"
     "1\"",
     SC_EFORMAT, "number: contains"},
    /* organisation codes */
    {"issuer.org_code", "\"12350000488010235M\"", SC_EFORMAT,
     "issuer.org_code: unified social credit code 12350000488010235M: check character is 'M'"},
    {"issuer.org_code", "\"12345\"", SC_EFORMAT, "issuer.org_code: organisation code 12345: 5"},
    {"issuer.org_code", "\"123456789\"", SC_EFORMAT, "issuer.org_code: organisation code"},
    {"issuer.org_code", "\"\"", SC_EFORMAT, "issuer.org_code: empty"},
    /* base URLs */
    {"issuer.base_url", "\"ftp://x.cn\"", SC_EFORMAT, "issuer.base_url: does not start with"},
    {"issuer.base_url", "\"HTTPS://x.cn\"", SC_EFORMAT, "issuer.base_url: does not start with"},
    {"issuer.base_url", "\"https://\"", SC_EFORMAT, "issuer.base_url: no host name"},
    {"issuer.base_url", "\"https:///v\"", SC_EFORMAT, "issuer.base_url: no host name"},
    {"issuer.base_url", "\"https://a b.cn\"", SC_EFORMAT,
     "issuer.base_url: character ' ' in the host name"},
    {"issuer.base_url", "\"https://user@x.cn\"", SC_EFORMAT,
     "issuer.base_url: character '@' in the host name"},
    {"issuer.base_url", "\"https://x..cn\"", SC_EFORMAT, "issuer.base_url: empty label"},
    {"issuer.base_url", "\"https://x.cn.\"", SC_EFORMAT, "issuer.base_url: host name ends"},
    {"issuer.base_url", "\"https://-x.cn\"", SC_EFORMAT, "issuer.base_url: host name ends"},
    {"issuer.base_url", "\"https://x.cn:0\"", SC_EFORMAT, "issuer.base_url: bad port"},
    {"issuer.base_url", "\"https://x.cn:65536/\"", SC_EFORMAT, "issuer.base_url: bad port"},
    {"issuer.base_url", "\"https://x.cn:/\"", SC_EFORMAT, "issuer.base_url: bad port"},
    {"issuer.base_url", "\"https://x.cn/a b\"", SC_EFORMAT, "issuer.base_url: contains a space"},
    {"issuer.base_url", "\"https://x.cn/?q=1\"", SC_EFORMAT, "issuer.base_url: has a query"},
    {"issuer.base_url", "\"https://x.cn/#top\"", SC_EFORMAT, "issuer.base_url: has a fragment"},
    {"issuer.base_url", "\"https://x.cn/证书\"", SC_EFORMAT, "issuer.base_url: non-ASCII"},
    {"issuer.base_url", "\"https://x.cn/%zz\"", SC_EFORMAT, "issuer.base_url: character '%'"},
    {"issuer.base_url", "\"https://x.cn/<v>\"", SC_EFORMAT, "issuer.base_url: character '<'"},
    /* dates */
    {"dates.issued", "\"2026-02-30\"", SC_EFORMAT, "dates.issued: 2026-02-30 is not a date"},
    {"dates.issued", "\"2026-2-3\"", SC_EFORMAT, "dates.issued: '2026-2-3' is not a date"},
    {"dates.issued", "\"2026/03/06\"", SC_EFORMAT, "dates.issued: '2026/03/06' is not a date"},
    /* quoted in part, cut at a character boundary */
    {"dates.issued", "\"二〇二六年三月六日二〇二六年三月六日二〇二六年三月六日\"", SC_EFORMAT,
     "dates.issued: '二〇二六年三月六日二〇二六\u2026' is not a date"},
    {"dates.issued", "\"2026-13-01\"", SC_EFORMAT, "dates.issued: 2026-13-01 is not a date"},
    {"dates.issued", "\"2026-03-00\"", SC_EFORMAT, "dates.issued: 2026-03-00 is not a date"},
    {"dates.issued", "\" 2026-03-06\"", SC_EFORMAT, "dates.issued: ' 2026-03-06' is not a date"},
    {"dates.received", "\"1900-02-29\"", SC_EFORMAT, "dates.received: 1900-02-29 is not a date"},
    {"dates.received", "\"1899-12-31\"", SC_EFORMAT, "dates.received: 1899-12-31 is not a date"},
    {"dates.next_due", "\"2027-04-31\"", SC_EFORMAT, "dates.next_due: 2027-04-31 is not a date"},
    {"dates.received", "\"2026-03-10\"", SC_EFORMAT,
     "dates.received: 2026-03-10 is after dates.calibrated 2026-03-05"},
    {"dates.calibrated", "\"2026-03-07\"", SC_EFORMAT,
     "dates.calibrated: 2026-03-07 is after dates.issued 2026-03-06"},
    {"dates.next_due", "\"2026-03-05\"", SC_EFORMAT,
     "dates.next_due: 2026-03-05 is not after dates.calibrated 2026-03-05"},
    {"standards[0].valid_until", "\"2026-03-04\"", SC_EFORMAT,
     "standards[0].valid_until: 2026-03-04 is before dates.calibrated 2026-03-05"},
    {"standards[1].valid_until", "\"2026-02-30\"", SC_EFORMAT,
     "standards[1].valid_until: 2026-02-30 is not a date"},
    /* results */
    {"results.rows[12]", "[\"a\", \"b\", \"c\"]", SC_EFORMAT,
     "results.rows[12]: 3 cells, expected 6"},
    {"results.rows[0]", "[]", SC_EFORMAT, "results.rows[0]: 0 cells, expected 6"},
    {"results.rows[0]", "\"x\"", SC_EFORMAT, "results.rows[0]: expected an array, got string"},
    {"results.rows[1][2]", "null", SC_EFORMAT,
     "results.rows[1][2]: expected a string or a number, got null"},
    {"results.rows[1][2]", "{}", SC_EFORMAT, "results.rows[1][2]: expected a string or a number"},
    {"results.rows[1][2]", "false", SC_EFORMAT,
     "results.rows[1][2]: expected a string or a number"},
    /* control characters */
    {"issuer.name", "\"a\\u0001b\"", SC_EFORMAT, "issuer.name: control character U+0001"},
    {"customer.name", "\"a\\nb\"", SC_EFORMAT, "customer.name: control character U+000A"},
    {"instrument.name", "\"a\\u202eb\"", SC_EFORMAT, "instrument.name: control character U+202E"},
    {"instrument.name", "\"a\\u2028b\"", SC_EFORMAT, "instrument.name: control character U+2028"},
    {"location", "\"a\\u007fb\"", SC_EFORMAT, "location: control character U+007F"},
    {"lab_code", "\"x\\u0085\"", SC_EFORMAT, "lab_code: control character U+0085"},
    {"template_hints.cover_title", "\"\\t\"", SC_EFORMAT,
     "template_hints.cover_title: control character U+0009"},
    {"notes", "\"a\\tb\"", SC_EFORMAT, "notes: control character U+0009"},
    {"notes", "\"a\\r\\nb\"", SC_EFORMAT, "notes: control character U+000D"},
    {"results.rows[3][1]", "\"a\\u0000b\"", SC_EFORMAT, "line 1, column"}, /* NUL */
    {"standards[0].model", "\"a\\u001bb\"", SC_EFORMAT, "standards[0].model: control character"},
    {"extra", "[1, {\"k\": [\"\\u0007\"]}]", SC_EFORMAT, "extra[1].k[0]: control character U+0007"},
    /* member names */
    {"x]", "1", SC_EFORMAT, "certificate data: member name \"x]\" contains"},
    /* limits */
    {"serial", NULL, SC_ELIMIT, "serial: 65 bytes, over the limit of 64"}, /* value set below */
};

static void test_ecert_data__each_error_names_its_field(void **state)
{
    int failures = 0;
    (void)state;
    for (size_t i = 0; i < sizeof(mutations) / sizeof(*mutations); i++) {
        const mutation *m = &mutations[i];
        char value[128], what[256];
        const char *v = m->value;
        if (m->code == SC_ELIMIT) { /* a 65-byte serial */
            snprintf(value, sizeof(value), "%s4\"", long64);
            v = value;
        }
        char *json = mutated(m->path, v);
        snprintf(what, sizeof(what), "%s = %s", m->path, v ? v : "(deleted)");
        failures += check(json, strlen(json), m->code, m->start, what);
        free(json);
    }
    assert_int_equal(failures, 0);
}

/* Data that must parse: optional fields absent, empty or null, edge values. */
static void test_ecert_data__accepted_variants(void **state)
{
    static const struct {
        const char *path, *value, *get, *want;
    } ok[] = {
        {"revision", NULL, "revision", "0"},
        {"revision", "9", "revision", "9"},
        {"issuer.address", NULL, "issuer.address", NULL},
        {"issuer.phone", "null", "issuer.phone", NULL},
        {"customer.address", "\"\"", "customer.address", ""},
        {"dates.received", NULL, "dates.calibrated", "2026-03-05"},
        {"dates.calibrated", NULL, "dates.next_due", "2027-03-04"},
        {"dates.next_due", "\"2026-03-06\"", "dates.next_due", "2026-03-06"}, /* = calibrated + 1 */
        {"dates.received", "\"2026-03-05\"", "dates.received", "2026-03-05"}, /* same day */
        {"environment", NULL, "environment.temperature", NULL},
        {"basis", "[]", "basis[0]", NULL},
        {"standards", NULL, "standards[0].name", NULL},
        {"standards[0].valid_until", "\"2026-03-05\"", "standards[0].valid_until", "2026-03-05"},
        {"results.rows", "[]", "results.rows[0][0]", NULL},
        {"results.rows[0][0]", "\"a\\nb\"", "results.rows[0][0]", "a\nb"},
        {"results.rows[0][1]", "\"\"", "results.rows[0][1]", ""},
        {"results.rows[0][2]", "-1.50e-3", "results.rows[0][2]", "-1.50e-3"},
        {"results.rows[0][3]", "123456789012345678901234567890", "results.rows[0][3]",
         "123456789012345678901234567890"},
        {"notes", NULL, "notes", NULL},
        {"serial", "\"JZ/2026_(1)\"", "serial", "JZ/2026_(1)"},
        {"issuer.org_code", "\"123456788\"", "issuer.org_code", "123456788"},
        {"issuer.base_url", "\"http://10.0.0.7:8080\"", "issuer.base_url", "http://10.0.0.7:8080"},
        {"issuer.base_url", "\"https://x.cn/a%20b/\"", "issuer.base_url", "https://x.cn/a%20b"},
        {"issuer.base_url", "\"https://x.cn//\"", "issuer.base_url", "https://x.cn/"},
        {"x", "null", "x", NULL},
        {"x", "{\"y\": [true, false, null, -0, \"z\"]}", "x.y[1]", "false"},
        {"x", "{\"y\": [true, false, null, -0, \"z\"]}", "x.y[3]", "-0"},
        {"x", "{\"y\": [true, false, null, -0, \"z\"]}", "x.y[2]", NULL},
        {"名称", "\"中文键\"", "名称", "中文键"},
        {"conclusion", "\"合格\"", "conclusion", "合格"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
        char *json = mutated(ok[i].path, ok[i].value);
        sc_ecert_data *d = NULL;
        int rc = sc_ecert_data_parse(&d, json, strlen(json));
        if (rc != 0)
            fail_msg("%s = %s: %s", ok[i].path, ok[i].value ? ok[i].value : "(deleted)",
                     sc_error_last()->message);
        const char *got = sc_ecert_data_get(d, ok[i].get);
        if (ok[i].want ? !got || strcmp(got, ok[i].want) : got != NULL)
            fail_msg("%s = %s: %s gives '%s'", ok[i].path, ok[i].value, ok[i].get,
                     got ? got : "(null)");
        /* fields mirror the lookups; absent strings are "" */
        const sc_ecert_fields *f = sc_ecert_data_fields(d);
        assert_non_null(f->issuer.address);
        assert_non_null(f->notes);
        assert_non_null(f->dates.received);
        sc_ecert_data_free(d);
        free(json);
    }
}

/* Inputs that are not certificate data at all, and whole-document limits. */
static void test_ecert_data__documents(void **state)
{
    static const struct {
        const char *json;
        int code;
        const char *start;
    } bad[] = {
        {"", SC_EFORMAT, "certificate data: empty"},
        {" \n\t", SC_EFORMAT, "certificate data: empty"},
        {"[]", SC_EFORMAT, "certificate data: not a JSON object"},
        {"\"x\"", SC_EFORMAT, "certificate data: not a JSON object"},
        {"7", SC_EFORMAT, "certificate data: not a JSON object"},
        {"{} x", SC_EFORMAT, "line 1, column 4: data after the end of the object"},
        {"{}{}", SC_EFORMAT, "line 1, column 3: data after"},
        {"{", SC_EFORMAT, "line 1, column 2: unexpected end of input"},
        {"{\"a\"", SC_EFORMAT, "line 1, column 5: ':' expected"},
        {"{\"a\": [1 2]}", SC_EFORMAT, "line 1, column 10: ',' or ']' expected"},
        {"{\"a\": 1 \"b\": 2}", SC_EFORMAT, "line 1, column 9: ',' or '}' expected"},
        {"{\"a\": tru}", SC_EFORMAT, "line 1, column 7: unexpected character"},
        {"{\"a\": \"x}", SC_EFORMAT, "line 1, column 7: unterminated string"},
        {"{\"a\": \"\\x\"}", SC_EFORMAT, "line 1, column 8: bad escape"},
        {"{\"a\": \"\\u12G4\"}", SC_EFORMAT, "line 1, column 8: bad \\u escape"},
        {"{\"a\": \"\\udc00\"}", SC_EFORMAT, "line 1, column 8: unpaired surrogate"},
        {"{\"a\": \"\t\"}", SC_EFORMAT, "line 1, column 8: control character in a string"},
        {"{\"a\": -}", SC_EFORMAT, "line 1, column 7: malformed number"},
        {"{\"a\": 1.}", SC_EFORMAT, "line 1, column 7: malformed number"},
        {"{\"a\": 1e+}", SC_EFORMAT, "line 1, column 7: malformed number"},
        {"{\n\"a\":\n\"龘\xff\"}", SC_EFORMAT, "line 3, column 3: invalid UTF-8"},
        {"{\"type\": 7,\n \"type\": 7}", SC_EFORMAT, "line 2, column 7: duplicate object key"},
        {"{\n  \"type\": 7,\n  \"number\": x\n}", SC_EFORMAT, "line 3, column"},
        {"{\"type\": 7,}", SC_EFORMAT, "line 1, column 12: member name expected"},
        {"{'type': 7}", SC_EFORMAT, "line 1, column 2: member name expected"},
        {"{\"type\": 1e999}", SC_EFORMAT, "line 1, column 14: real number overflow"},
        {"{\"type\": 07}", SC_EFORMAT, "line 1, column 10: malformed number"},
        {"{\"a\": \"\xff\"}", SC_EFORMAT, "line 1, column 8: invalid UTF-8"},
        {"{\"a\": \"\\ud800\"}", SC_EFORMAT, "line 1, column 8: unpaired surrogate"},
        {"\xef\xbb\xbf{}", SC_EFORMAT, "certificate data: not a JSON object"},
        {"{}", SC_EFORMAT, "type: missing"},
        {"{\"type\": 7, \"\": 1}", SC_EFORMAT, "certificate data: empty member name"},
        {"{\"issuer\": {\"\": 1}}", SC_EFORMAT, "issuer: empty member name"},
        {"{\"a.b\": 1}", SC_EFORMAT, "certificate data: member name \"a.b\" contains '.'"},
        {"{\"t\": {\"a[b\": 1}}", SC_EFORMAT, "t: member name \"a[b\" contains"},
        /* a bad member name is quoted, its control characters escaped, never raw */
        {"{\"a\\u0001\": 1}", SC_EFORMAT,
         "certificate data: member name \"a\\u0001\": control character U+0001 (byte 1)"},
        {"{\"issuer\": {\"\\u202eab\": 1}}", SC_EFORMAT,
         "issuer: member name \"\\u202Eab\": control character U+202E (byte 0)"},
    };
    int failures = 0;
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        failures += check(bad[i].json, strlen(bad[i].json), bad[i].code, bad[i].start, bad[i].json);
    assert_int_equal(failures, 0);
    expect("{\"type\": 7}\0", 12, SC_EFORMAT, "line 1, column 12: data after", "NUL byte");

    /* depth: the root and 31 arrays are fine, one more is over the limit */
    char deep[128];
    for (int levels = SC_ECERT_MAX_DATA_DEPTH - 1; levels <= SC_ECERT_MAX_DATA_DEPTH; levels++) {
        int n = snprintf(deep, sizeof(deep), "{\"a\": ");
        for (int i = 0; i < levels; i++)
            deep[n++] = '[';
        for (int i = 0; i < levels; i++)
            deep[n++] = ']';
        memcpy(deep + n, "}", 2);
        if (levels < SC_ECERT_MAX_DATA_DEPTH)
            expect(deep, strlen(deep), SC_EFORMAT, "type: missing", "31 arrays");
        else
            expect(deep, strlen(deep), SC_ELIMIT,
                   "certificate data: nested deeper than 32 levels (line 1, column 38)",
                   "32 arrays");
    }

    /* over the size limit: refused before anything is read */
    size_t big = SC_ECERT_MAX_DATA_SIZE + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, ' ', big);
    expect(text, big, SC_ELIMIT, "certificate data: 4194305 bytes, over the limit of 4194304",
           "size");
    /* too many items, counted before jansson builds them */
    size_t n = 0;
    n += (size_t)snprintf(text, big, "{\"a\": [");
    for (int i = 0; i <= SC_ECERT_MAX_DATA_ITEMS; i++)
        text[n++] = '1', text[n++] = ',';
    memcpy(text + n - 1, "]}", 2);
    expect(text, n + 1, SC_ELIMIT, "certificate data: more than 500000 values", "items");
    free(text);
}

/* Per-field and per-array limits; each message names the field. */
static void test_ecert_data__limits(void **state)
{
    static const struct {
        const char *path;
        size_t repeat; /* entries (arrays) or bytes (strings) */
        const char *unit;
        const char *start;
    } over[] = {
        {"issuer.name", SC_ECERT_MAX_FIELD_SIZE + 1, NULL,
         "issuer.name: 1025 bytes, over the limit"},
        {"issuer.base_url", SC_ECERT_MAX_URL_SIZE - 7, NULL, "issuer.base_url: 257 bytes"},
        {"notes", SC_ECERT_MAX_STRING_SIZE + 1, NULL, "notes: string of 65537 bytes"},
        {"x", SC_ECERT_MAX_STRING_SIZE + 1, NULL, "x: string of 65537 bytes"},
        {"results.rows[0][0]", SC_ECERT_MAX_CELL_SIZE + 1, NULL, "results.rows[0][0]: 4097 bytes"},
        {"results.columns", SC_ECERT_MAX_COLUMNS + 1, "\"c\"", "results.columns: 65 entries"},
        {"basis", SC_ECERT_MAX_BASIS + 1, "\"b\"", "basis: 65 entries"},
        {"standards", SC_ECERT_MAX_STANDARDS + 1, "{\"name\": \"s\"}", "standards: 65 entries"},
        {"results.rows", SC_ECERT_MAX_ROWS + 1, "[1,2,3,4,5,6]", "results.rows: 10001 entries"},
        {"x", SC_ECERT_MAX_ARRAY + 1, "0", "x: 10001 entries, over the limit of 10000"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(over) / sizeof(*over); i++) {
        sc_buf v = SC_BUF_INIT;
        bool is_url = !strcmp(over[i].path, "issuer.base_url");
        if (over[i].unit) {
            sc_buf_puts(&v, "[");
            for (size_t k = 0; k < over[i].repeat; k++)
                sc_buf_printf(&v, "%s%s", k ? "," : "", over[i].unit);
            sc_buf_puts(&v, "]");
        } else {
            sc_buf_puts(&v, is_url ? "\"https://" : "\"");
            for (size_t k = 0; k < over[i].repeat - (is_url ? 1 : 0); k++)
                sc_buf_puts(&v, "x");
            sc_buf_puts(&v, is_url ? "/\"" : "\"");
        }
        char *json = mutated(over[i].path, (const char *)v.ptr);
        expect(json, strlen(json), SC_ELIMIT, over[i].start, over[i].path);
        free(json);
        sc_buf_dispose(&v);
    }
    /* exactly at the limits: accepted */
    sc_buf v = SC_BUF_INIT;
    sc_buf_puts(&v, "[");
    for (size_t k = 0; k < SC_ECERT_MAX_ROWS; k++)
        sc_buf_printf(&v, "%s[1,2,3,4,5,\"%zu\"]", k ? "," : "", k);
    sc_buf_puts(&v, "]");
    char *json = mutated("results.rows", (const char *)v.ptr);
    sc_ecert_data *d = NULL;
    sc_assert_ok(sc_ecert_data_parse(&d, json, strlen(json)));
    assert_int_equal(sc_ecert_data_fields(d)->row_count, SC_ECERT_MAX_ROWS);
    assert_string_equal(sc_ecert_data_fields(d)->rows[9999][5], "9999");
    assert_string_equal(sc_ecert_data_get(d, "results.rows[9999][4]"), "5");
    sc_ecert_data_free(d);
    free(json);
    sc_buf_dispose(&v);
}

static void test_ecert_data__get_paths(void **state)
{
    static const struct {
        const char *path, *want;
    } cases[] = {
        {"customer.name", "龘龘精密仪器有限公司"},
        {"standards[0].serial", "4391202"},
        {"standards[1].name", "标准电阻"},
        {"basis[0]", "JJF 1587-2016 数字多用表校准规范"},
        {"results.columns[5]", "扩展不确定度 (k=2)"},
        {"results.rows[13][2]", "100.0"},
        {"results.rows[10][1]", "10 kΩ"},
        {"type", "7"},
        {"revision", "0"},
        {"issuer.base_url", "https://ecert.mjjl.example.cn"},
        {"lab_code", "MJ-DX-07"},
        {"template_hints.copies", "2"},
        {"template_hints.show_qr", "true"},
        {"template_hints.cover_title", "校 准 证 书"},
        /* objects, arrays, missing, malformed paths */
        {"issuer", NULL},
        {"basis", NULL},
        {"standards[0]", NULL},
        {"standards[2]", NULL},
        {"standards[2].name", NULL},
        {"nope", NULL},
        {"", NULL},
        {".", NULL},
        {"customer.", NULL},
        {".customer", NULL},
        {"customer..name", NULL},
        {"customer[0]", NULL},
        {"basis[00]", NULL},
        {"basis[01]", NULL},
        {"basis[-1]", NULL},
        {"basis[]", NULL},
        {"basis[0", NULL},
        {"basis[0]x", NULL},
        {"basis[0].x", NULL},
        {"basis]0[", NULL},
        {"basis[9999999999]", NULL},
        {"results.rows[0][0][0]", NULL},
        {"[0]", NULL},
        {"type.x", NULL},
    };
    sc_ecert_data *d = parse_sample("calibration.json");
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const char *got = sc_ecert_data_get(d, cases[i].path);
        if (cases[i].want ? !got || strcmp(got, cases[i].want) : got != NULL)
            fail_msg("get(%s) = '%s', expected '%s'", cases[i].path, got ? got : "(null)",
                     cases[i].want ? cases[i].want : "(null)");
    }
    char longpath[SC_ECERT_MAX_PATH + 16];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    assert_null(sc_ecert_data_get(d, longpath));
    assert_null(sc_ecert_data_get(NULL, "type"));
    assert_null(sc_ecert_data_get(d, NULL));

    sc_assert_ok(sc_ecert_data_set_revision(d, 3));
    assert_int_equal(sc_ecert_data_fields(d)->revision, 3);
    assert_string_equal(sc_ecert_data_get(d, "revision"), "3");
    assert_int_equal(sc_ecert_data_set_revision(d, 10), SC_EINVALID);
    assert_int_equal(sc_ecert_data_set_revision(d, -1), SC_EINVALID);
    assert_int_equal(sc_ecert_data_fields(d)->revision, 3);
    sc_ecert_data_free(d);
    sc_ecert_data_free(NULL);
}

/* ---- allocation failures ------------------------------------------------------------------ */

static int parse_and_read(void *payload)
{
    const sc_buf *b = payload;
    sc_ecert_data *d = NULL;
    int error = sc_ecert_data_parse(&d, (const char *)b->ptr, b->size);
    if (error == 0) {
        if (!sc_ecert_data_get(d, "results.rows[4][2]") ||
            !*sc_ecert_data_fields(d)->issuer.base_url)
            error = SC_ERROR;
        sc_ecert_data_free(d);
    } else if (d) {
        error = SC_ERROR;
    }
    return error;
}

static void test_ecert_data__oom(void **state)
{
    sc_buf cal = read_sample("calibration.json"), ver = read_sample("verification.json");
    (void)state;
    sctest_oom_loop(parse_and_read, &cal);
    sc_buf_dispose(&cal);
    /* a failure deep in a field check (after most allocations) is SC_ENOMEM, too */
    sctest_oom_loop(parse_and_read, &ver);
    sc_buf_dispose(&ver);
}

int main(void)
{
    /* Only here, before any test runs: jansson allocates through sc_malloc so the OOM loop can
     * fail its allocations as well (the library leaves jansson's allocator alone). */
    json_set_alloc_funcs(sc_malloc, sc_free);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecert_data__calibration_sample),
        cmocka_unit_test(test_ecert_data__verification_sample),
        cmocka_unit_test(test_ecert_data__each_error_names_its_field),
        cmocka_unit_test(test_ecert_data__accepted_variants),
        cmocka_unit_test(test_ecert_data__documents),
        cmocka_unit_test(test_ecert_data__limits),
        cmocka_unit_test(test_ecert_data__get_paths),
        cmocka_unit_test(test_ecert_data__oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
