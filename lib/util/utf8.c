/* UTF-8 decoding (strict: no overlong forms, surrogates or values over U+10FFFF) and encoding. */
#include "util/util.h"

bool sc_utf8_next(const unsigned char **s, const unsigned char *end, uint32_t *cp)
{
    const unsigned char *p = *s;
    uint32_t c = p[0], min;
    int n;
    if (c < 0x80) {
        *cp = c;
        *s = p + 1;
        return true;
    } else if ((c & 0xE0) == 0xC0) {
        n = 1, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3, c &= 0x07, min = 0x10000;
    } else {
        return false;
    }
    /* A NUL-terminated string needs no length check: NUL is not a continuation byte. */
    if (end && end - p <= n)
        return false;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return false;
        c = c << 6 | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return false;
    *cp = c;
    *s = p + n + 1;
    return true;
}

size_t sc_utf8_put(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    } else if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6);
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    } else if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

const char *sc_utf8_excerpt(char *out, size_t size, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0, keep = n;
    if (max + 4 > size)
        max = size - 4; /* room for "…" and the NUL */
    if (keep > max) {
        keep = max;
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
            keep--; /* not inside a character */
    }
    memcpy(out, n ? s : "", keep);
    for (size_t i = 0; i < keep; i++)
        if ((unsigned char)out[i] < 0x20)
            out[i] = ' '; /* a message is one line */
    memcpy(out + keep, keep < n ? "\u2026" : "", keep < n ? 4 : 1);
    return out;
}
