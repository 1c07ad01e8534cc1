/* Metrology electronic certificate identifiers (T/CMA 4.5.5), certificate types, and the
 * organisation codes they contain (GB 11714-1997, GB 32100-2015). */
#include "util/util.h"

#include <string.h>

static const char *const type_names[] = {
    NULL,
    "检定证书",
    "检定结果通知书",
    "仲裁检定证书",
    "型式评价报告",
    "商品量及商品包装检验报告",
    "能源效率标识检验报告",
    "校准证书",
    "其他",
};

/* File-name categories (T/CMA 4.4.3 examples: 检定电子证书, 校准电子证书). */
static const char *const type_categories[] = {
    NULL,
    "检定",
    "检定结果通知书",
    "仲裁检定",
    "型式评价报告",
    "商品量及商品包装检验报告",
    "能源效率标识检验报告",
    "校准",
    "其他",
};

/* T/CMA 4.2.2: the four kinds of certificate seal, and the kind each type needs (NULL: any). */
static const char *const seal_kinds[] = {"检定", "校准", "检验", "检测"};
static const char *const type_seal_kinds[] = {
    NULL, "检定", "检定", "检定", "检测", "检验", "检验", "校准", NULL,
};

int sc_ecert_seal_name_fits(const char **kind, const char *seal_name, int type,
                            const char *category)
{
    const char *need = type >= 1 && type <= 8 ? type_seal_kinds[type] : NULL;
    size_t n = sizeof(seal_kinds) / sizeof(seal_kinds[0]);
    for (size_t i = 0; category && i < n; i++)
        if (strcmp(category, seal_kinds[i]) == 0)
            need = seal_kinds[i];
    if (kind)
        *kind = need;
    if (!seal_name || !strstr(seal_name, "电子证书"))
        return 0;
    if (need)
        return strstr(seal_name, need) != NULL;
    for (size_t i = 0; i < n; i++)
        if (strstr(seal_name, seal_kinds[i]))
            return 1;
    return 0;
}

const char *sc_ecert_type_name(int type)
{
    return type >= 1 && type <= 8 ? type_names[type] : NULL;
}

const char *sc_ecert_type_category(int type)
{
    return type >= 1 && type <= 8 ? type_categories[type] : NULL;
}

/* ---- organisation codes ------------------------------------------------------------------- */

/* GB 11714-1997: 8 characters (digits, upper-case letters) and a check character:
 * C9 = 11 - (sum(value(ci) * wi) mod 11), with 10 written 'X' and 11 written '0'. */
static int org_code_9(const char *code)
{
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0, c9;
    char want;
    for (int i = 0; i < 8; i++) {
        char ch = code[i];
        int v;
        if (ch >= '0' && ch <= '9')
            v = ch - '0';
        else if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A' + 10;
        else
            return sc_error_set(SC_EFORMAT,
                                "organisation code %s: character %d is not a digit or an "
                                "upper-case letter",
                                code, i + 1);
        sum += v * w[i];
    }
    c9 = 11 - sum % 11;
    want = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
    if (code[8] != want)
        return sc_error_set(SC_EFORMAT,
                            "organisation code %s: check character is '%c', GB 11714 gives '%c'",
                            code, code[8], want);
    return 0;
}

/* GB 32100-2015: 17 characters from the 31-symbol set (no I, O, S, V, Z) and a check character:
 * C18 = 31 - (sum(value(ci) * 3^(i-1) mod 31) mod 31), 31 written '0'. */
static int uscc_18(const char *code)
{
    static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    int sum = 0, weight = 1, c18;
    for (int i = 0; i < 18; i++) {
        const char *at = code[i] ? strchr(set, code[i]) : NULL;
        if (!at)
            return sc_error_set(SC_EFORMAT,
                                "unified social credit code %s: character %d is not one of "
                                "0-9 A-H J-N P-R T U W-Y",
                                code, i + 1);
        if (i < 17) {
            sum += (int)(at - set) * weight;
            weight = weight * 3 % 31;
        }
    }
    c18 = 31 - sum % 31;
    if (c18 == 31)
        c18 = 0;
    if (code[17] != set[c18])
        return sc_error_set(SC_EFORMAT,
                            "unified social credit code %s: check character is '%c', GB 32100 "
                            "gives '%c'",
                            code, code[17], set[c18]);
    return 0;
}

int sc_ecert_org_code_check(const char *code)
{
    size_t len;
    if (!code || !*code)
        return sc_error_set(SC_EFORMAT, "organisation code: empty");
    len = strlen(code);
    if (len == 9)
        return org_code_9(code);
    if (len == 18)
        return uscc_18(code);
    return sc_error_set(
        SC_EFORMAT,
        "organisation code %s: %zu characters; a 组织机构代码 has 9, a 统一社会信用代码 18", code,
        len);
}

/* ---- identifier ------------------------------------------------------------------------- */

/* Dotted OID: arcs of decimal digits without leading zeros, at least two, the first 0-2. */
static bool is_oid(const char *s)
{
    int arcs = 0;
    const char *p = s;
    if (!(*p >= '0' && *p <= '2') || p[1] != '.')
        return false;
    while (*p) {
        const char *start = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == start || (*start == '0' && p - start > 1) || p - start > 20)
            return false;
        arcs++;
        if (*p == '.')
            p++;
        else if (*p)
            return false;
        if (*p == '\0' && p[-1] == '.')
            return false;
    }
    return arcs >= 2;
}

/* A free-text part: non-empty UTF-8, no separator, no control characters, at most
 * SC_ECERT_MAX_ID_PART bytes. */
static int check_text(const char *s, const char *part, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!s || !*s)
        return sc_error_set(SC_EINVALID, "%s: empty", part);
    if (strlen(s) > max)
        return sc_error_set(SC_EINVALID, "%s: longer than %zu bytes", part, max);
    if (strstr(s, SC_ECERT_ID_SEPARATOR))
        return sc_error_set(SC_EINVALID, "%s: contains the separator '·'", part);
    while (*p) {
        uint32_t cp;
        if (!sc_utf8_next(&p, NULL, &cp))
            return sc_error_set(SC_EINVALID, "%s: invalid UTF-8", part);
        if (cp < 0x20 || cp == 0x7f)
            return sc_error_set(SC_EINVALID, "%s: control character U+%04X", part, (unsigned)cp);
    }
    return 0;
}

/* The serial (流水号) also appears in URLs and file names: no spaces, printable. */
static int check_serial(const char *s)
{
    int error;
    if ((error = check_text(s, "serial", SC_ECERT_MAX_ID_PART)) < 0)
        return error;
    for (const char *p = s; *p; p++)
        if (*p == ' ')
            return sc_error_set(SC_EINVALID, "serial: contains a space");
    return 0;
}

static int check_id(const sc_ecert_id *id, int code)
{
    int error;
    if (!id->root || !is_oid(id->root))
        return sc_error_set(code, "root: '%s' is not a dotted OID", id->root ? id->root : "");
    if (id->type < 1 || id->type > 8)
        return sc_error_set(code, "type: %d is not a certificate type code 1..8", id->type);
    if ((error = sc_ecert_org_code_check(id->issuer)) < 0) {
        sc_error_prefix("issuer");
        return sc_error_set(code, "%s", sc_error_last()->message);
    }
    if ((error = check_text(id->accreditation, "accreditation", SC_ECERT_MAX_ID_PART)) < 0 ||
        (error = check_serial(id->serial)) < 0)
        return sc_error_set(code, "%s", sc_error_last()->message);
    if (id->revision < 0 || id->revision > 9)
        return sc_error_set(code, "revision: %d is not one digit 0..9", id->revision);
    return 0;
}

int sc_ecert_id_format(sc_buf *out, const sc_ecert_id *id)
{
    sc_buf tmp = SC_BUF_INIT;
    int error;
    SC_ASSERT_ARG(out && id);
    if ((error = check_id(id, SC_EINVALID)) < 0)
        return error;
    if ((error = sc_buf_printf(&tmp, "%s%s%d%s%s%s%s%s%s%s%d", id->root, SC_ECERT_ID_SEPARATOR,
                               id->type, SC_ECERT_ID_SEPARATOR, id->issuer, SC_ECERT_ID_SEPARATOR,
                               id->accreditation, SC_ECERT_ID_SEPARATOR, id->serial,
                               SC_ECERT_ID_SEPARATOR, id->revision)) < 0) {
        sc_buf_dispose(&tmp);
        return error;
    }
    sc_buf_dispose(out);
    *out = tmp;
    return 0;
}

/* Read the single digit of a type or revision part. */
static bool one_digit(const char *s, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] != '\0')
        return false;
    *out = s[0] - '0';
    return true;
}

int sc_ecert_id_parse(sc_ecert_id **out, const char *text)
{
    static const char *const names[6] = {"root",          "type",   "issuer",
                                         "accreditation", "serial", "revision"};
    const size_t seplen = sizeof(SC_ECERT_ID_SEPARATOR) - 1;
    char *parts[6];
    sc_ecert_id *id;
    char *copy;
    size_t n = 0, len;
    int error = 0;

    SC_ASSERT_ARG(out);
    *out = NULL;
    if (!text || !*text)
        return sc_error_set(SC_EFORMAT, "identifier: empty");
    len = strlen(text);
    if (len > 512)
        return sc_error_set(SC_EFORMAT, "identifier: longer than 512 bytes");
    /* One allocation: the struct followed by a copy of the text split in place. */
    if (!(id = sc_calloc(1, sizeof(*id) + len + 1)))
        return sc_error_oom();
    copy = (char *)(id + 1);
    memcpy(copy, text, len + 1);
    for (char *p = copy, *start = copy;; p++) {
        bool sep = strncmp(p, SC_ECERT_ID_SEPARATOR, seplen) == 0;
        if (sep || *p == '\0') {
            bool end = *p == '\0';
            if (n == 6) {
                n++;
                break;
            }
            *p = '\0';
            parts[n++] = start;
            if (end)
                break;
            p += seplen - 1;
            start = p + 1;
        }
    }
    if (n != 6) {
        error = sc_error_set(SC_EFORMAT,
                             "identifier: %s parts separated by '·' (U+00B7); six are needed "
                             "(root·type·issuer·accreditation·serial·revision)",
                             n > 6 ? "more than six" : "fewer than six");
        goto done;
    }
    for (int i = 0; i < 6; i++)
        if (!*parts[i]) {
            error = sc_error_set(SC_EFORMAT, "identifier: %s is empty", names[i]);
            goto done;
        }
    id->root = parts[0];
    id->issuer = parts[2];
    id->accreditation = parts[3];
    id->serial = parts[4];
    if (!one_digit(parts[1], &id->type)) {
        error = sc_error_set(SC_EFORMAT, "identifier: type '%s' is not one digit 1..8", parts[1]);
        goto done;
    }
    if (!one_digit(parts[5], &id->revision)) {
        error =
            sc_error_set(SC_EFORMAT, "identifier: revision '%s' is not one digit 0..9", parts[5]);
        goto done;
    }
    if ((error = check_id(id, SC_EFORMAT)) < 0) {
        sc_error_prefix("identifier");
        goto done;
    }
    *out = id;
    id = NULL;
done:
    sc_free(id);
    return error;
}

void sc_ecert_id_free(sc_ecert_id *id)
{
    sc_free(id);
}

/* ---- URL form ----------------------------------------------------------------------------- */

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int sc_ecert_id_url_encode(sc_buf *out, const char *id)
{
    static const char hex[] = "0123456789ABCDEF";
    sc_buf tmp = SC_BUF_INIT;
    int error = 0;
    SC_ASSERT_ARG(out && id);
    if ((error = sc_buf_grow(&tmp, strlen(id) * 3)) < 0)
        return error;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        if ((error = unreserved(*p) ? sc_buf_put(&tmp, p, 1) : sc_buf_put(&tmp, enc, 3)) < 0)
            break;
    }
    if (error < 0) {
        sc_buf_dispose(&tmp);
        return error;
    }
    sc_buf_dispose(out);
    *out = tmp;
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

int sc_ecert_id_url_decode(sc_buf *out, const char *text)
{
    sc_buf tmp = SC_BUF_INIT;
    int error = 0;
    SC_ASSERT_ARG(out && text);
    if ((error = sc_buf_grow(&tmp, strlen(text))) < 0)
        return error;
    for (const char *p = text; *p && error == 0; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (hi < 0 || lo < 0) {
                error = sc_error_set(SC_EFORMAT, "identifier URL: bad escape at offset %zu",
                                     (size_t)(p - text));
                break;
            }
            c = (unsigned char)(hi << 4 | lo);
            p += 2;
        } else if (!unreserved(c)) {
            error = sc_error_set(SC_EFORMAT, "identifier URL: character '%c' must be escaped", c);
            break;
        }
        if (c == 0)
            error = sc_error_set(SC_EFORMAT, "identifier URL: %%00 is not allowed");
        else
            error = sc_buf_put(&tmp, &c, 1);
    }
    if (error < 0) {
        sc_buf_dispose(&tmp);
        return error;
    }
    sc_buf_dispose(out);
    *out = tmp;
    return 0;
}
