/* Certificate file names (T/CMA 4.4): category + "电子证书", number, instrument, serial. */
#include "util/util.h"

#include <string.h>

/* T/CMA 4.4.2: at most 255 characters (and 255 bytes is what file systems allow), and
 * preferably at most 50 Chinese characters. */
#define NAME_MAX_BYTES 255
#define NAME_MAX_CJK   50

/* CJK ideographs and CJK punctuation/full-width forms count as Chinese characters. */
static bool is_cjk(uint32_t c)
{
    return (c >= 0x3000 && c <= 0x303F) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3134F);
}

/* Append @p s with characters illegal in file names replaced by '_'; at most @p max_chars
 * characters (SIZE_MAX: all). Also counts the CJK characters appended. */
static bool is_blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000;
}

static int put_clean(sc_buf *b, const char *s, size_t max_chars, size_t *cjk)
{
    const unsigned char *p = (const unsigned char *)s;
    const size_t begin = b->size;
    size_t n = 0, end = begin; /* end: after the last character that is not blank */
    int error = 0;
    while (*p && n < max_chars && error == 0) {
        const unsigned char *start = p;
        uint32_t c;
        if (!sc_utf8_next(&p, NULL, &c))
            return sc_error_set(SC_EINVALID, "'%s' is not valid UTF-8", s);
        n++;
        if (is_blank(c)) { /* none leading; trailing ones are cut below; a tab is "_" */
            if (b->size != begin)
                error =
                    c == '\t' ? sc_buf_put(b, "_", 1) : sc_buf_put(b, start, (size_t)(p - start));
            continue;
        }
        if (c < 0x20 || c == 0x7f || (c < 0x80 && strchr("/\\:*?\"<>|", (int)c) != NULL)) {
            error = sc_buf_put(b, "_", 1);
            end = b->size;
            continue;
        }
        if (is_cjk(c))
            (*cjk)++;
        error = sc_buf_put(b, start, (size_t)(p - start));
        end = b->size;
    }
    /* No blanks at the end of a part ("数字多用表 " is 数字多用表): they are invisible in file
     * lists and some systems drop them. */
    if (error == 0 && end < b->size) {
        b->size = end;
        b->ptr[end] = 0;
    }
    return error;
}

static size_t char_count(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    uint32_t c;
    while (*p && sc_utf8_next(&p, NULL, &c))
        n++;
    return n;
}

/* Build the name with the instrument cut to @p inst_chars characters. */
/* The parts of a file name that build() joins. */
typedef struct {
    const char *category, *number, *inst, *serial, *suffix;
} name_parts;

/* Does @p s hold anything but blanks? */
static bool has_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c;
    while (s && *p)
        if (!sc_utf8_next(&p, NULL, &c) || !is_blank(c))
            return true;
    return false;
}

static int build(sc_buf *b, size_t *cjk, const name_parts *n, size_t inst_chars)
{
    int error;
    *cjk = 0;
    sc_buf_clear(b);
    if ((error = put_clean(b, n->category, SIZE_MAX, cjk)) < 0 ||
        (error = put_clean(b, "电子证书-", SIZE_MAX, cjk)) < 0 ||
        (error = put_clean(b, n->number, SIZE_MAX, cjk)) < 0)
        return error;
    if (has_text(n->inst) && inst_chars > 0 &&
        ((error = sc_buf_put(b, "-", 1)) < 0 ||
         (error = put_clean(b, n->inst, inst_chars, cjk)) < 0))
        return error;
    if (has_text(n->serial) && ((error = sc_buf_put(b, "-", 1)) < 0 ||
                                (error = put_clean(b, n->serial, SIZE_MAX, cjk)) < 0))
        return error;
    if (n->suffix && *n->suffix &&
        ((error = sc_buf_put(b, "-", 1)) < 0 ||
         (error = put_clean(b, n->suffix, SIZE_MAX, cjk)) < 0))
        return error;
    return sc_buf_put(b, ".ofd", 4);
}

int sc_ecert_file_name_for(sc_buf *out, const char *category, const char *number,
                           const char *instrument, const char *instrument_serial,
                           const char *suffix)
{
    sc_buf tmp = SC_BUF_INIT;
    size_t cjk = 0, inst_chars;
    int error;

    SC_ASSERT_ARG(out);
    if (!category || !*category)
        return sc_error_set(SC_EINVALID, "category: empty");
    if (!has_text(number))
        return sc_error_set(SC_EINVALID, "number: empty");
    name_parts parts = {category, number, instrument, instrument_serial, suffix};
    /* Shorten the instrument name first, one character at a time, but keep one: T/CMA 4.4.3
     * wants it in the name. */
    inst_chars = instrument ? char_count(instrument) : 0;
    for (;;) {
        if ((error = build(&tmp, &cjk, &parts, inst_chars)) < 0)
            goto done;
        if (tmp.size <= NAME_MAX_BYTES && cjk <= NAME_MAX_CJK)
            break;
        if (inst_chars <= 1) {
            error = sc_error_set(SC_EINVALID,
                                 "number and serial: the file name is over %d bytes or %d Chinese "
                                 "characters even with the instrument name cut to one character",
                                 NAME_MAX_BYTES, NAME_MAX_CJK);
            goto done;
        }
        inst_chars--;
    }
    sc_buf_dispose(out);
    *out = tmp;
    tmp = (sc_buf)SC_BUF_INIT;
done:
    sc_buf_dispose(&tmp);
    return error;
}

int sc_ecert_file_name(sc_buf *out, int type, const char *number, const char *instrument,
                       const char *instrument_serial)
{
    if (!sc_ecert_type_category(type))
        return sc_error_set(SC_EINVALID, "type: %d is not a certificate type code 1..8", type);
    return sc_ecert_file_name_for(out, sc_ecert_type_category(type), number, instrument,
                                  instrument_serial, NULL);
}
