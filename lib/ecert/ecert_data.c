/* Certificate data (docs/formats/ecert-data.md): one certificate's JSON, parsed with jansson and
 * checked field by field into sc_ecert_fields, the content of the certificate and of its
 * identifier (T/CMA 4.5.5). */
#include "ecert/ecert_int.h"
#include "util/util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Approach. jansson parses (JSON_REJECT_DUPLICATES; strings are then valid UTF-8 without NUL)
 * and we keep its tree: field strings and sc_ecert_data_get() answers are borrowed from it, so a
 * lookup allocates nothing. Before jansson, our own iterative syntax check validates the whole
 * text in one pass (depth bounded before anything is allocated, item count bounding what is,
 * line and column in messages) and records where each string and number literal is: jansson
 * keeps numbers only as doubles, but a measured value's JSON text is the value ("10.000" is not
 * "10"). The walk that follows visits the tree in document order (jansson objects iterate in
 * insertion order since 2.8) and pairs the k-th number value with the k-th literal. The syntax
 * check also notes which strings have an escape or a character is_refused() may refuse: only
 * those are decoded and checked again by the walk. Paths ("standards[2].serial") are formatted
 * only for a message.
 *
 * Allocators: the library does not call json_set_alloc_funcs(). It is process-wide state, not
 * safe to change while another thread uses jansson, and it would also move the application's
 * own jansson objects (the CLI's --json output) under our allocator. The tree is jansson's and
 * goes back through json_decref(); the rest is ours (sc_malloc). The data tests install
 * sc_malloc/sc_free for jansson in their main(), before anything else runs, so the OOM loop
 * also fails jansson's allocations.
 */

/* A number value and its JSON text. */
typedef struct {
    const json_t *value; /* the number in the tree (borrowed from root) */
    const char *text;    /* its literal, NUL-terminated, in sc_ecert_data.texts */
} numtext;

struct sc_ecert_data {
    sc_ecert_fields f;            /* the checked fields; strings borrowed from root or texts */
    json_t *root;                 /* the parsed document (owned, one reference) */
    numtext *nums;                /* every number, sorted by value address (owned) */
    size_t num_count;             /* entries in nums */
    char *texts;                  /* the number literals, NUL-separated (owned) */
    const char **basis;           /* f.basis (owned array, borrowed strings) */
    sc_ecert_standard *standards; /* f.standards (owned array, borrowed strings) */
    const char **columns;         /* f.columns (owned array) */
    const char ***rows;           /* f.rows: row_count pointers into cells (owned) */
    const char **cells;           /* row_count * column_count cells (owned array) */
    char revision_text[2];        /* "0".."9": sc_ecert_data_get("revision") */
};

/* ---- syntax check of the raw text ------------------------------------------------------------ */

/*
 * Characters refused in every string: C0 and C1 controls and DEL ('\n' only where @p newline_ok:
 * notes and result cells); U+2028/U+2029, line breaks in disguise; and the bidirectional
 * embedding, override and isolate controls U+202A-U+202E, U+2066-U+2069, which make a reader
 * show the characters in another order than they are stored: a customer or instrument name
 * would read differently from the bytes that were sealed.
 */
static bool is_refused(uint32_t cp, bool newline_ok)
{
    if (cp == '\n')
        return !newline_ok;
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

typedef struct {
    uint32_t offset; /* first byte of a string (its '"') or number literal in the input */
    uint32_t len;    /* its bytes, quotes included */
    bool is_number;  /* a number literal, else a string */
    bool check;      /* a string with an escape or a character is_refused() refuses somewhere: its
                      * value needs the character check (the others are plain, valid UTF-8 with no
                      * control character, so they pass it) */
} span;

_Static_assert(SC_ECERT_MAX_DATA_SIZE <= UINT32_MAX, "span offsets are 32 bits");

/* Tokens kept on the stack of sc_ecert_data_parse(), enough for a certificate of a few KB; more go
 * to the heap. */
#define STACK_TOKENS 256

/* State of the syntax check: position, line and column for messages, what was counted. */
typedef struct {
    const char *s;
    size_t len, i;
    int line;          /* 1-based */
    size_t line_start; /* offset of the line's first byte */
    span *tokens;      /* the strings and number literals seen: the caller's array, or ours */
    size_t tokens_n;   /* strings and numbers seen */
    size_t tokens_cap; /* entries in tokens */
    bool tokens_heap;  /* tokens was allocated here (the caller frees it) */
    size_t num_count;  /* numbers seen */
    size_t num_bytes;  /* their literals' bytes */
    size_t items;      /* strings, numbers, arrays, objects seen */
} lexer;

static int lex_error(const lexer *lx, int code, const char *fmt, ...) SC_PRINTF(3, 4);

static int lex_error(const lexer *lx, int code, const char *fmt, ...)
{
    char what[128];
    va_list ap;
    size_t column = 1;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    for (size_t k = lx->line_start; k < lx->i && k < lx->len; k++)
        column += ((unsigned char)lx->s[k] & 0xc0) != 0x80; /* characters, not bytes */
    if (code == SC_ELIMIT)
        return sc_error_set(code, "certificate data: %s (line %d, column %zu)", what, lx->line,
                            column);
    return sc_error_set(code, "line %d, column %zu: %s", lx->line, column, what);
}

static void lex_space(lexer *lx)
{
    for (; lx->i < lx->len; lx->i++) {
        char c = lx->s[lx->i];
        if (c == '\n') {
            lx->line++;
            lx->line_start = lx->i + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
    }
}

static int lex_count(lexer *lx)
{
    if (++lx->items > SC_ECERT_MAX_DATA_ITEMS)
        return lex_error(lx, SC_ELIMIT, "more than %d values and member names",
                         SC_ECERT_MAX_DATA_ITEMS);
    return 0;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v = v * 16 + (c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -0x10000);
        if (v < 0)
            return -1;
    }
    return v;
}

/* Record a string or number literal that began at @p start; the item count is checked first, so
 * that tokens never grows past the limit. */
static int lex_token(lexer *lx, size_t start, bool is_number, bool check)
{
    int error = lex_count(lx);
    if (error < 0)
        return error;
    if (lx->tokens_n == lx->tokens_cap) {
        size_t cap = 4 * lx->tokens_cap < SC_ECERT_MAX_DATA_ITEMS ? 4 * lx->tokens_cap
                                                                  : SC_ECERT_MAX_DATA_ITEMS;
        span *n = sc_realloc(lx->tokens_heap ? lx->tokens : NULL, cap * sizeof(*n));
        if (!n)
            return sc_error_oom();
        if (!lx->tokens_heap)
            memcpy(n, lx->tokens, lx->tokens_n * sizeof(*n));
        lx->tokens = n, lx->tokens_cap = cap, lx->tokens_heap = true;
    }
    lx->tokens[lx->tokens_n++] =
        (span){(uint32_t)start, (uint32_t)(lx->i - start), is_number, check};
    lx->num_count += is_number;
    lx->num_bytes += is_number ? lx->i - start : 0;
    return 0;
}

/* A string (RFC 8259 7): escapes, strict UTF-8 (sc_utf8_next), no raw control characters, no
 * \u0000 (jansson would refuse it), surrogates only in pairs. */
static int lex_string(lexer *lx)
{
    const unsigned char *s = (const unsigned char *)lx->s, *end = s + lx->len;
    size_t start = lx->i;
    bool check = false;
    for (lx->i++; lx->i < lx->len;) {
        unsigned char c = s[lx->i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') { /* most bytes */
            lx->i++;
            continue;
        }
        if (c == '"') {
            lx->i++;
            return lex_token(lx, start, false, check);
        }
        if (c < 0x20)
            return lex_error(lx, SC_EFORMAT, "control character in a string (escape it)");
        if (c >= 0x80) {
            const unsigned char *p = s + lx->i;
            uint32_t cp;
            if (!sc_utf8_next(&p, end, &cp))
                return lex_error(lx, SC_EFORMAT, "invalid UTF-8");
            check = check || is_refused(cp, true);
            lx->i = (size_t)(p - s);
            continue;
        }
        check = true; /* DEL, or an escape (it may stand for a control character) */
        if (c != '\\') {
            lx->i++;
            continue;
        }
        if (lx->i + 1 >= lx->len)
            break;
        c = (unsigned char)lx->s[lx->i + 1];
        if (c != 'u') {
            if (!strchr("\"\\/bfnrt", c) || c == 0)
                return lex_error(lx, SC_EFORMAT, "bad escape");
            lx->i += 2;
            continue;
        }
        int u = lx->i + 6 <= lx->len ? hex4(lx->s + lx->i + 2) : -1;
        if (u < 0)
            return lex_error(lx, SC_EFORMAT, "bad \\u escape");
        if (u == 0)
            return lex_error(lx, SC_EFORMAT, "\\u0000 is not allowed");
        if (u >= 0xdc00 && u <= 0xdfff)
            return lex_error(lx, SC_EFORMAT, "unpaired surrogate in \\u escape");
        if (u >= 0xd800 && u <= 0xdbff) {
            int low = lx->i + 12 <= lx->len && lx->s[lx->i + 6] == '\\' && lx->s[lx->i + 7] == 'u'
                          ? hex4(lx->s + lx->i + 8)
                          : -1;
            if (low < 0xdc00 || low > 0xdfff)
                return lex_error(lx, SC_EFORMAT, "unpaired surrogate in \\u escape");
            lx->i += 6;
        }
        lx->i += 6;
    }
    lx->i = start; /* where it opened */
    return lex_error(lx, SC_EFORMAT, "unterminated string");
}

static size_t lex_digits(lexer *lx)
{
    size_t start = lx->i;
    while (lx->i < lx->len && lx->s[lx->i] >= '0' && lx->s[lx->i] <= '9')
        lx->i++;
    return lx->i - start;
}

static int bad_number(lexer *lx, size_t start)
{
    lx->i = start;
    return lex_error(lx, SC_EFORMAT, "malformed number");
}

/* A number (RFC 8259 6): -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?; its span kept. */
static int lex_number(lexer *lx)
{
    size_t start = lx->i, n;
    if (lx->s[lx->i] == '-')
        lx->i++;
    if ((n = lex_digits(lx)) == 0 || (n > 1 && lx->s[lx->i - n] == '0'))
        return bad_number(lx, start);
    if (lx->i < lx->len && lx->s[lx->i] == '.') {
        lx->i++;
        if (lex_digits(lx) == 0)
            return bad_number(lx, start);
    }
    if (lx->i < lx->len && (lx->s[lx->i] == 'e' || lx->s[lx->i] == 'E')) {
        lx->i++;
        if (lx->i < lx->len && (lx->s[lx->i] == '+' || lx->s[lx->i] == '-'))
            lx->i++;
        if (lex_digits(lx) == 0)
            return bad_number(lx, start);
    }
    return lex_token(lx, start, true, false);
}

static int lex_literal(lexer *lx)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (lx->len - lx->i >= n && !memcmp(lx->s + lx->i, words[k], n)) {
            lx->i += n;
            return 0;
        }
    }
    return lex_error(lx, SC_EFORMAT, "unexpected character (a value was expected)");
}

/*
 * Check the whole text against the JSON grammar (RFC 8259) before jansson sees it, iteratively
 * with a stack of SC_ECERT_MAX_DATA_DEPTH containers, so any input is safe: depth is bounded
 * before anything is allocated and the item count bounds what is, syntax errors get our line and
 * column, the strings and number literals are located (*count of them, *num_count of which
 * numbers, of *num_bytes bytes in all) into *tokens: the STACK_TOKENS entries there, or past them
 * a new array that replaces it (the caller frees it, even on failure, when it is not its own).
 * A failure of jansson on text that passed here can only be a refusal it names (duplicate key,
 * number overflow) or an allocation failure, which jansson 2.14 does not always report as one.
 */
static int check_syntax(const char *json, size_t len, span **tokens, size_t *count,
                        size_t *num_count, size_t *num_bytes)
{
    enum { VALUE, KEY, NEXT } state = VALUE;
    char stack[SC_ECERT_MAX_DATA_DEPTH]; /* '{' or '[' per open container */
    size_t depth = 0;
    lexer lx = {json, len, 0, 1, 0, *tokens, 0, STACK_TOKENS, false, 0, 0, 0};
    int error = 0;

    lex_space(&lx);
    if (lx.i == len)
        return sc_error_set(SC_EFORMAT, "certificate data: empty");
    if (json[lx.i] != '{')
        return sc_error_set(SC_EFORMAT, "certificate data: not a JSON object");
    while (error == 0) {
        lex_space(&lx);
        if (state == NEXT && depth == 0) {
            if (lx.i < len)
                error = lex_error(&lx, SC_EFORMAT, "data after the end of the object");
            break;
        }
        if (lx.i == len) {
            error = lex_error(&lx, SC_EFORMAT, "unexpected end of input");
            break;
        }
        char c = json[lx.i];
        if (state == KEY) {
            if (c != '"') {
                error = lex_error(&lx, SC_EFORMAT, "member name expected");
            } else if ((error = lex_string(&lx)) == 0) {
                lex_space(&lx);
                if (lx.i < len && json[lx.i] == ':') {
                    lx.i++;
                    state = VALUE;
                } else {
                    error = lex_error(&lx, SC_EFORMAT, "':' expected");
                }
            }
        } else if (state == NEXT) {
            char close = stack[depth - 1] == '{' ? '}' : ']';
            if (c == ',') {
                lx.i++;
                state = stack[depth - 1] == '{' ? KEY : VALUE;
            } else if (c == close) {
                lx.i++;
                depth--;
            } else {
                error = lex_error(&lx, SC_EFORMAT,
                                  close == '}' ? "',' or '}' expected" : "',' or ']' expected");
            }
        } else if (c == '{' || c == '[') {
            if (depth == SC_ECERT_MAX_DATA_DEPTH) {
                error = lex_error(&lx, SC_ELIMIT, "nested deeper than %d levels",
                                  SC_ECERT_MAX_DATA_DEPTH);
                break;
            }
            stack[depth++] = c;
            lx.i++;
            if ((error = lex_count(&lx)) < 0)
                break;
            lex_space(&lx);
            if (lx.i < len && json[lx.i] == (c == '{' ? '}' : ']')) {
                lx.i++;
                depth--;
                state = NEXT;
            } else {
                state = c == '{' ? KEY : VALUE;
            }
        } else {
            if (c == '"')
                error = lex_string(&lx);
            else if (c == '-' || (c >= '0' && c <= '9'))
                error = lex_number(&lx);
            else
                error = lex_literal(&lx);
            state = NEXT;
        }
    }
    *tokens = lx.tokens;
    *count = lx.tokens_n;
    *num_count = lx.num_count;
    *num_bytes = lx.num_bytes;
    return error;
}

/* ---- strings ---------------------------------------------------------------------------- */

static const char *type_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

/* The first character of @p s that is invalid UTF-8 (*cp UINT32_MAX) or refused (is_refused):
 * true with its byte offset in *at; false when there is none. */
static bool find_refused(const char *s, size_t len, bool newline_ok, size_t *at, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        *at = (size_t)(p - (const unsigned char *)s);
        if (!sc_utf8_next(&p, end, cp)) {
            *cp = UINT32_MAX;
            return true;
        }
        if (is_refused(*cp, newline_ok))
            return true;
    }
    return false;
}

/* The message for what find_refused() found in the value named @p path. */
static int refused_error(const char *path, size_t at, uint32_t cp)
{
    if (cp == UINT32_MAX)
        return sc_error_set(SC_EFORMAT, "%s: invalid UTF-8 (byte %zu)", path, at);
    return sc_error_set(SC_EFORMAT, "%s: control character U+%04X (byte %zu)", path, (unsigned)cp,
                        at);
}

/* True when @p s holds nothing but spaces (ASCII, U+00A0, U+3000) and line breaks. */
static bool is_blank(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    while (*p) {
        if (!sc_utf8_next(&p, NULL, &cp))
            return false;
        if (cp != ' ' && cp != '\n' && cp != 0xa0 && cp != 0x3000)
            return false;
    }
    return true;
}

/* ---- the walk over the whole tree ----------------------------------------------------------- */

/* A path's text, e.g. "standards[2].serial"; truncated (with "...") past its size, which only
 * shortens messages. */
typedef struct {
    char text[SC_ECERT_MAX_PATH];
    size_t len;
} path_buf;

/* Append what snprintf() wrote at p->len (n bytes, or a negative n); returns the old length. */
static size_t path_grew(path_buf *p, size_t old, int n)
{
    if (n < 0 || (size_t)n >= sizeof(p->text) - old) {
        memcpy(p->text + sizeof(p->text) - 4, "...", 4);
        p->len = sizeof(p->text) - 1;
    } else {
        p->len = old + (size_t)n;
    }
    return old;
}

static size_t path_key(path_buf *p, const char *key)
{
    size_t old = p->len;
    return path_grew(p, old,
                     snprintf(p->text + old, sizeof(p->text) - old, old ? ".%s" : "%s", key));
}

static size_t path_index(path_buf *p, size_t index)
{
    size_t old = p->len;
    return path_grew(p, old, snprintf(p->text + old, sizeof(p->text) - old, "[%zu]", index));
}

/* The path of the value being walked, as its steps: formatted (sc_ecert__path_text) only for a
 * message. check_syntax() bounds the nesting, hence the steps, at SC_ECERT_MAX_DATA_DEPTH. */
struct sc_ecert__path {
    const char *key[SC_ECERT_MAX_DATA_DEPTH]; /* step k: a member name, or NULL: index[k] */
    size_t index[SC_ECERT_MAX_DATA_DEPTH];
    size_t depth; /* steps */
    path_buf buf; /* the last text formatted */
};

static int path_push(sc_ecert__path *p, const char *key, size_t index)
{
    if (SC_NEVER(p->depth == SC_ECERT_MAX_DATA_DEPTH))
        return sc_error_set(SC_ELIMIT, "certificate data: nested deeper than %d levels",
                            SC_ECERT_MAX_DATA_DEPTH);
    p->key[p->depth] = key;
    p->index[p->depth++] = index;
    return 0;
}

const char *sc_ecert__path_text(sc_ecert__path *p)
{
    p->buf.len = 0;
    p->buf.text[0] = '\0';
    for (size_t k = 0; k < p->depth; k++)
        if (p->key[k])
            path_key(&p->buf, p->key[k]);
        else
            path_index(&p->buf, p->index[k]);
    return p->buf.text;
}

typedef struct {
    sc_ecert_data *d;
    const char *json;   /* the input */
    const span *tokens; /* its strings and numbers in document order (check_syntax) */
    size_t token_count; /* entries in tokens */
    size_t next;        /* the next token to pair with a value or member name */
    size_t nums;        /* numbers paired so far (entries of d->nums) */
    char *texts;        /* where the next number's text goes */
    sc_ecert__path path;
} walker;

static size_t utf8_put(unsigned char *out, uint32_t cp)
{
    if (cp < 0x80)
        return out[0] = (unsigned char)cp, 1;
    if (cp < 0x800)
        return out[0] = (unsigned char)(0xc0 | cp >> 6),
               out[1] = (unsigned char)(0x80 | (cp & 0x3f)), 2;
    if (cp < 0x10000)
        return out[0] = (unsigned char)(0xe0 | cp >> 12),
               out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)),
               out[2] = (unsigned char)(0x80 | (cp & 0x3f)), 3;
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Whether the string token @p raw (quotes included; checked by check_syntax) decodes to the
 * @p len bytes at @p s. */
static bool same_string(const char *raw, size_t raw_len, const char *s, size_t len)
{
    /* Most tokens have no escape: then the bytes between the quotes are the string. */
    if (!memchr(raw + 1, '\\', raw_len - 2))
        return raw_len - 2 == len && memcmp(raw + 1, s, len) == 0;
    size_t j = 0;
    for (size_t i = 1; i + 1 < raw_len;) {
        unsigned char buf[4];
        size_t n = 1;
        if (raw[i] != '\\') {
            buf[0] = (unsigned char)raw[i++];
        } else if (raw[i + 1] != 'u') {
            static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
            const char *at = strchr(from, raw[i + 1]);
            buf[0] = (unsigned char)(at ? to[at - from] : raw[i + 1]);
            i += 2;
        } else {
            uint32_t cp = (uint32_t)hex4(raw + i + 2);
            i += 6;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)hex4(raw + i + 2) - 0xdc00);
                i += 6;
            }
            n = utf8_put(buf, cp);
        }
        if (j + n > len || memcmp(s + j, buf, n) != 0)
            return false;
        j += n;
    }
    return j == len;
}

/*
 * Pair the next token with a string (@p s, @p len; *check: whether its characters need checking)
 * or a number (@p s NULL). jansson 2.14 drops characters silently when its token buffer cannot
 * grow (lex_save() ignores the failure), so a string that does not match its token is an
 * allocation failure, not data: it is never used.
 */
static int take(walker *w, json_t *number, const char *s, size_t len, bool *check)
{
    const span *t = w->next < w->token_count ? &w->tokens[w->next] : NULL;
    if (!t || t->is_number != (number != NULL))
        return sc_error_oom();
    w->next++;
    if (!number) {
        *check = t->check;
        return same_string(w->json + t->offset, t->len, s, len) ? 0 : sc_error_oom();
    }
    numtext *nt = &w->d->nums[w->nums++];
    memcpy(w->texts, w->json + t->offset, t->len);
    w->texts[t->len] = '\0';
    nt->value = number;
    nt->text = w->texts;
    w->texts += t->len + 1;
    return 0;
}

/* @p key for a message: quoted, at most ~40 bytes of it, control characters as \\uXXXX and
 * bytes of invalid UTF-8 as \\xNN, so that a message never carries them raw. */
static const char *quote_key(char out[96], const char *key, size_t len)
{
    const unsigned char *p = (const unsigned char *)key, *end = p + len;
    size_t n = 0;
    out[n++] = '"';
    while (p < end && n < 48) {
        const unsigned char *at = p;
        uint32_t cp;
        if (!sc_utf8_next(&p, end, &cp)) {
            n += (size_t)snprintf(out + n, 96 - n, "\\x%02X", *at);
            p = at + 1;
        } else if (is_refused(cp, false)) {
            n += (size_t)snprintf(out + n, 96 - n, "\\u%04X", (unsigned)cp);
        } else {
            memcpy(out + n, at, (size_t)(p - at));
            n += (size_t)(p - at);
        }
    }
    if (p < end) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

/* "<path of the object>: member name <quoted key>", for a message about @p key. */
static const char *key_label(char out[SC_ECERT_MAX_PATH + 128], walker *w, const char *key,
                             size_t len)
{
    char q[96];
    snprintf(out, SC_ECERT_MAX_PATH + 128, "%s: member name %s",
             w->path.depth ? sc_ecert__path_text(&w->path) : "certificate data",
             quote_key(q, key, len));
    return out;
}

/* A member name (@p len bytes; @p check as take() tells) of the object at w->path (not yet
 * appended to it). */
static int check_key(walker *w, const char *key, size_t len, bool check)
{
    char label[SC_ECERT_MAX_PATH + 128];
    size_t at;
    uint32_t cp;
    if (len == 0 || len > SC_ECERT_MAX_KEY_SIZE) {
        const char *where = w->path.depth ? sc_ecert__path_text(&w->path) : "certificate data";
        if (len == 0)
            return sc_error_set(SC_EFORMAT, "%s: empty member name", where);
        return sc_error_set(SC_ELIMIT, "%s: member name of %zu bytes, over the limit of %zu", where,
                            len, SC_ECERT_MAX_KEY_SIZE);
    }
    if (check && find_refused(key, len, false, &at, &cp))
        return refused_error(key_label(label, w, key, len), at, cp);
    if (strpbrk(key, ".[]"))
        return sc_error_set(SC_EFORMAT, "%s contains '.', '[' or ']' (paths could not name it)",
                            key_label(label, w, key, len));
    return 0;
}

/*
 * Every value in document order: strings within SC_ECERT_MAX_STRING_SIZE without refused
 * characters, member names, array sizes; number values paired with their literals. Recursion is
 * bounded by SC_ECERT_MAX_DATA_DEPTH (checked by check_syntax()).
 */
static int walk(walker *w, json_t *v, bool newline_ok)
{
    int error = 0;
    bool check = false;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v), at;
        uint32_t cp;
        if ((error = take(w, NULL, s, len, &check)) < 0)
            return error;
        if (len > SC_ECERT_MAX_STRING_SIZE)
            return sc_error_set(SC_ELIMIT, "%s: string of %zu bytes, over the limit of %zu",
                                sc_ecert__path_text(&w->path), len, SC_ECERT_MAX_STRING_SIZE);
        if (check && find_refused(s, len, newline_ok, &at, &cp))
            return refused_error(sc_ecert__path_text(&w->path), at, cp);
        return 0;
    }
    if (json_is_number(v))
        return take(w, v, NULL, 0, NULL);
    if (json_is_array(v)) {
        size_t n = json_array_size(v);
        if (n > SC_ECERT_MAX_ARRAY)
            return sc_error_set(SC_ELIMIT, "%s: %zu entries, over the limit of %d",
                                sc_ecert__path_text(&w->path), n, SC_ECERT_MAX_ARRAY);
        for (size_t i = 0; i < n && error == 0; i++) {
            if ((error = path_push(&w->path, NULL, i)) < 0)
                break;
            error = walk(w, json_array_get(v, i), newline_ok);
            w->path.depth--;
        }
        return error;
    }
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        bool is_root = w->path.depth == 0;
        json_object_foreach(v, key, child)
        {
            /* '\n' is allowed in notes and in result cells (results.rows); the field checks
             * refuse it in results' other members. */
            bool nl = newline_ok || (is_root && (!strcmp(key, "notes") || !strcmp(key, "results")));
            size_t len = strlen(key);
            if ((error = take(w, NULL, key, len, &check)) < 0 ||
                (error = check_key(w, key, len, check)) < 0 ||
                (error = path_push(&w->path, key, 0)) < 0)
                break;
            error = walk(w, child, nl);
            w->path.depth--;
            if (error < 0)
                break;
        }
    }
    return error;
}

static int cmp_numtext(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const numtext *)a)->value,
              y = (uintptr_t)((const numtext *)b)->value;
    return x < y ? -1 : x > y;
}

/* ---- lookups ---------------------------------------------------------------------------- */

/* The value at a path ("a.b", "a[2].b"); NULL when there is none or the path is malformed. */
static json_t *resolve(const json_t *root, const char *path)
{
    const json_t *v = root;
    const char *p = path;
    if (!*p)
        return NULL;
    while (*p) {
        size_t n = strcspn(p, ".[]");
        if (n == 0 || !json_is_object(v) || !(v = json_object_getn(v, p, n)))
            return NULL;
        p += n;
        while (*p == '[') {
            size_t index = 0, digits = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, digits++)
                index = index * 10 + (size_t)(*p - '0');
            if (*p != ']' || digits == 0 || digits > 9 || (digits > 1 && p[-(long)digits] == '0'))
                return NULL;
            p++;
            if (!(v = json_array_get(v, index)))
                return NULL;
        }
        if (*p == '.' && p[1])
            p++;
        else if (*p)
            return NULL;
    }
    return (json_t *)v;
}

static const char *number_text(const sc_ecert_data *d, const json_t *v)
{
    numtext key = {v, NULL};
    if (!d->num_count)
        return NULL;
    const numtext *nt = bsearch(&key, d->nums, d->num_count, sizeof(*d->nums), cmp_numtext);
    return nt ? nt->text : NULL;
}

/* A scalar's text: strings as they are, numbers as their literal, true/false; else NULL. */
static const char *value_text(const sc_ecert_data *d, const json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_number(v))
        return number_text(d, v);
    if (json_is_true(v))
        return "true";
    if (json_is_false(v))
        return "false";
    return NULL;
}

/* ---- fields ----------------------------------------------------------------------------- */

/* How a field is checked. */
typedef enum {
    K_OBJECT,     /* an object holding other fields */
    K_TYPE,       /* integer 1..8 */
    K_REVISION,   /* integer 0..9 */
    K_TEXT,       /* one line, SC_ECERT_MAX_FIELD_SIZE */
    K_NOTES,      /* several lines, SC_ECERT_MAX_STRING_SIZE (checked by walk()) */
    K_ID,         /* identifier part: SC_ECERT_MAX_ID_PART, no separator */
    K_SERIAL,     /* K_ID without spaces */
    K_ORG,        /* organisation code with its check character */
    K_URL,        /* http(s) base URL */
    K_DATE,       /* YYYY-MM-DD */
    K_DATE_ORDER, /* received <= calibrated <= issued < next_due */
    K_BASIS,      /* array of K_TEXT */
    K_STANDARDS,  /* array of standards */
    K_RESULTS,    /* columns and rows */
} kind;

typedef struct {
    const char *path; /* the field's path */
    kind kind;
    bool required;
    size_t offset; /* of its const char * in sc_ecert_fields (string kinds) */
} field;

#define F(path, kind, required, member)                                                            \
    {                                                                                              \
        path, kind, required, offsetof(sc_ecert_fields, member)                                    \
    }
#define G(path, kind, required)                                                                    \
    {                                                                                              \
        path, kind, required, 0                                                                    \
    }

/* The checks in the order they run: the first failure is the one reported. If this changes,
 * update the list in docs/formats/ecert-data.md. */
static const field fields[] = {
    G("type", K_TYPE, true),
    F("number", K_ID, true, number),
    F("serial", K_SERIAL, true, serial),
    G("revision", K_REVISION, false),
    G("issuer", K_OBJECT, true),
    F("issuer.name", K_TEXT, true, issuer.name),
    F("issuer.org_code", K_ORG, true, issuer.org_code),
    F("issuer.accreditation", K_ID, true, issuer.accreditation),
    F("issuer.address", K_TEXT, false, issuer.address),
    F("issuer.phone", K_TEXT, false, issuer.phone),
    F("issuer.base_url", K_URL, true, issuer.base_url),
    G("customer", K_OBJECT, true),
    F("customer.name", K_TEXT, true, customer.name),
    F("customer.address", K_TEXT, false, customer.address),
    G("instrument", K_OBJECT, true),
    F("instrument.name", K_TEXT, true, instrument.name),
    F("instrument.model", K_TEXT, false, instrument.model),
    F("instrument.serial", K_TEXT, true, instrument.serial),
    F("instrument.manufacturer", K_TEXT, false, instrument.manufacturer),
    G("dates", K_OBJECT, true),
    F("dates.received", K_DATE, false, dates.received),
    F("dates.calibrated", K_DATE, false, dates.calibrated),
    F("dates.issued", K_DATE, true, dates.issued),
    F("dates.next_due", K_DATE, false, dates.next_due),
    G("dates", K_DATE_ORDER, false),
    F("location", K_TEXT, false, location),
    G("environment", K_OBJECT, false),
    F("environment.temperature", K_TEXT, false, environment.temperature),
    F("environment.humidity", K_TEXT, false, environment.humidity),
    G("basis", K_BASIS, false),
    G("standards", K_STANDARDS, false),
    G("results", K_RESULTS, true),
    F("notes", K_NOTES, false, notes),
    G("people", K_OBJECT, true),
    F("people.calibrated_by", K_TEXT, false, people.calibrated_by),
    F("people.checked_by", K_TEXT, false, people.checked_by),
    F("people.approved_by", K_TEXT, true, people.approved_by),
    F("conclusion", K_TEXT, false, conclusion),
};

/* A field's path for messages: base, then "[i]" and "[j]" when not NO_INDEX, then ".member" when
 * not NULL ("standards[1].serial", "results.rows[2][3]"); formatted (where_text) only when a
 * message needs it. */
typedef struct {
    const char *base;
    size_t i, j;
    const char *member;
} where;

#define NO_INDEX SIZE_MAX
#define AT(path)                                                                                   \
    (where)                                                                                        \
    {                                                                                              \
        path, NO_INDEX, NO_INDEX, NULL                                                             \
    }

static const char *where_text(const where *at, char out[SC_ECERT_MAX_PATH])
{
    char i[24] = "", j[24] = "";
    if (at->i == NO_INDEX && !at->member)
        return at->base;
    if (at->i != NO_INDEX)
        snprintf(i, sizeof(i), "[%zu]", at->i);
    if (at->j != NO_INDEX)
        snprintf(j, sizeof(j), "[%zu]", at->j);
    snprintf(out, SC_ECERT_MAX_PATH, "%s%s%s%s%s", at->base, i, j, at->member ? "." : "",
             at->member ? at->member : "");
    return out;
}

/* Present (not absent, not null): 1; absent or null and optional: 0; else the error. */
static int presence(const json_t *v, const where *at, bool required, const char *expected)
{
    char p[SC_ECERT_MAX_PATH];
    if (v && !json_is_null(v))
        return 1;
    if (!required)
        return 0;
    if (!v)
        return sc_error_set(SC_EFORMAT, "%s: missing", where_text(at, p));
    return sc_error_set(SC_EFORMAT, "%s: expected %s, got null", where_text(at, p), expected);
}

/*
 * A string field: *out is its value, or "" when optional and absent. Required strings may not be
 * blank; characters were checked by walk().
 */
static int get_string(const char **out, const json_t *v, const where *at, bool required, size_t max)
{
    char p[SC_ECERT_MAX_PATH];
    int error;
    *out = "";
    if ((error = presence(v, at, required, "a string")) <= 0)
        return error;
    if (!json_is_string(v))
        return sc_error_set(SC_EFORMAT, "%s: expected a string, got %s", where_text(at, p),
                            type_of(v));
    if (json_string_length(v) > max)
        return sc_error_set(SC_ELIMIT, "%s: %zu bytes, over the limit of %zu", where_text(at, p),
                            json_string_length(v), max);
    if (required && is_blank(json_string_value(v)))
        return sc_error_set(SC_EFORMAT, "%s: empty", where_text(at, p));
    *out = json_string_value(v);
    return 0;
}

static int get_line(const char **out, const json_t *v, const where *at, bool required, size_t max)
{
    char p[SC_ECERT_MAX_PATH];
    int error = get_string(out, v, at, required, max);
    if (error == 0 && strchr(*out, '\n'))
        return sc_error_set(SC_EFORMAT, "%s: line break in a one-line field", where_text(at, p));
    return error;
}

/* An integer field from its literal: "7" but not "7.0" or "7e0". */
static int get_int(int *out, const sc_ecert_data *d, const json_t *v, const char *path, int min,
                   int max, const char *what)
{
    const char *text;
    long value = 0;
    if (!json_is_number(v))
        return sc_error_set(SC_EFORMAT, "%s: expected an integer, got %s", path, type_of(v));
    if (SC_NEVER(!(text = number_text(d, v))))
        return sc_error_set(SC_ERROR, "%s: number without its text", path);
    const char *p = text + (*text == '-');
    for (; *p >= '0' && *p <= '9'; p++)
        value = value < 1000 ? value * 10 + (*p - '0') : value;
    if (*p)
        return sc_error_set(SC_EFORMAT, "%s: %.40s is not an integer", path, text);
    if (*text == '-')
        value = -value;
    if (value < min || value > max)
        return sc_error_set(SC_EFORMAT, "%s: %.40s is not %s %d..%d", path, text, what, min, max);
    *out = (int)value;
    return 0;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "YYYY-MM-DD", a date of the Gregorian calendar in years 1900..9999. */
static int check_date(const where *at, const char *s)
{
    char p[SC_ECERT_MAX_PATH];
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strlen(s);
    for (size_t i = 0; i < len && len == 10; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            len = 0;
    char ex[64];
    if (len != 10)
        return sc_error_set(SC_EFORMAT, "%s: '%s' is not a date (YYYY-MM-DD)", where_text(at, p),
                            sc_utf8_excerpt(ex, sizeof(ex), s, 40));
    int year = two_digits(s) * 100 + two_digits(s + 2), month = two_digits(s + 5),
        day = two_digits(s + 8);
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1900)
        return sc_error_set(SC_EFORMAT, "%s: %s is not a date (years start at 1900)",
                            where_text(at, p), s);
    if (month < 1 || month > 12)
        return sc_error_set(SC_EFORMAT, "%s: %s is not a date (month %d)", where_text(at, p), s,
                            month);
    int last = days[month - 1] + (month == 2 && leap);
    if (day < 1 || day > last)
        return sc_error_set(SC_EFORMAT, "%s: %s is not a date (%d-%02d has %d days)",
                            where_text(at, p), s, year, month, last);
    return 0;
}

/* An identifier part (T/CMA 4.5.5): as sc_ecert_id_format() will require. */
static int check_id_part(const char *path, const char *s, bool is_serial)
{
    if (strstr(s, SC_ECERT_ID_SEPARATOR))
        return sc_error_set(
            SC_EFORMAT, "%s: contains '·' (U+00B7), the separator of the identifier's parts", path);
    if (is_serial && strchr(s, ' '))
        return sc_error_set(SC_EFORMAT, "%s: contains a space (it appears in URLs)", path);
    return 0;
}

/* RFC 3986 characters allowed in a path: unreserved, sub-delims, ':' '@' '/' and '%' escapes. */
static bool is_path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-._~!$&'()*+,;=:@/%", c));
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * issuer.base_url: "http://" or "https://", a host name or IPv4 address, an optional port, an
 * optional path; no query, fragment, user information, spaces or non-ASCII characters (an
 * internationalised name goes in its punycode form). The verification URL is this + "/v/<id>".
 * *keep is the length to keep: one trailing '/' is dropped.
 */
static int check_url(const char *path, const char *s, size_t *keep)
{
    const char *p = s, *host;
    if (!strncmp(s, "https://", 8))
        p += 8;
    else if (!strncmp(s, "http://", 7))
        p += 7;
    else
        return sc_error_set(SC_EFORMAT, "%s: does not start with http:// or https://", path);
    host = p;
    for (; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '-' || *p == '.';
         p++)
        if (*p == '.' && (p == host || p[-1] == '.'))
            return sc_error_set(SC_EFORMAT, "%s: empty label in the host name", path);
    if (p == host)
        return sc_error_set(SC_EFORMAT, "%s: no host name", path);
    if (p[-1] == '.' || p[-1] == '-' || *host == '-')
        return sc_error_set(SC_EFORMAT, "%s: host name ends or starts with '%c'", path,
                            *host == '-' ? '-' : p[-1]);
    if (*p == ':') {
        long port = 0;
        const char *start = ++p;
        for (; *p >= '0' && *p <= '9' && p - start < 6; p++)
            port = port * 10 + (*p - '0');
        if (p == start || port < 1 || port > 65535 || (*p && *p != '/'))
            return sc_error_set(SC_EFORMAT, "%s: bad port", path);
    }
    if (*p && *p != '/')
        return sc_error_set(SC_EFORMAT, "%s: character '%c' in the host name", path, *p);
    for (; *p; p++) {
        if (*p == '?')
            return sc_error_set(SC_EFORMAT, "%s: has a query ('?')", path);
        if (*p == '#')
            return sc_error_set(SC_EFORMAT, "%s: has a fragment ('#')", path);
        if (*p == ' ')
            return sc_error_set(SC_EFORMAT, "%s: contains a space", path);
        if (*p & 0x80)
            return sc_error_set(SC_EFORMAT, "%s: non-ASCII character (percent-encode it)", path);
        if (!is_path_char(*p) || (*p == '%' && !(is_hex(p[1]) && is_hex(p[2]))))
            return sc_error_set(SC_EFORMAT, "%s: character '%c' is not allowed in a URL path", path,
                                *p);
    }
    *keep = (size_t)(p - s) - (p[-1] == '/');
    return 0;
}

static int check_date_order(const sc_ecert_fields *f)
{
    const char *r = f->dates.received, *c = f->dates.calibrated, *i = f->dates.issued,
               *n = f->dates.next_due;
    if (*r && *c && strcmp(r, c) > 0)
        return sc_error_set(SC_EFORMAT, "dates.received: %s is after dates.calibrated %s", r, c);
    if (*r && strcmp(r, i) > 0)
        return sc_error_set(SC_EFORMAT, "dates.received: %s is after dates.issued %s", r, i);
    if (*c && strcmp(c, i) > 0)
        return sc_error_set(SC_EFORMAT, "dates.calibrated: %s is after dates.issued %s", c, i);
    if (*n && strcmp(n, *c ? c : i) <= 0)
        return sc_error_set(SC_EFORMAT, "dates.next_due: %s is not after %s %s", n,
                            *c ? "dates.calibrated" : "dates.issued", *c ? c : i);
    return 0;
}

/* An array field: NULL when absent and optional; else an array of at most @p max entries. */
static int get_array(const json_t **out, const json_t *v, const char *path, bool required,
                     size_t max)
{
    where at = AT(path);
    int error;
    *out = NULL;
    if ((error = presence(v, &at, required, "an array")) <= 0)
        return error;
    if (!json_is_array(v))
        return sc_error_set(SC_EFORMAT, "%s: expected an array, got %s", path, type_of(v));
    if (json_array_size(v) > max)
        return sc_error_set(SC_ELIMIT, "%s: %zu entries, over the limit of %zu", path,
                            json_array_size(v), max);
    *out = v;
    return 0;
}

/* A (possibly empty) array of one-line strings, into a new array of @p count borrowed strings. */
static int get_lines(const char ***out, size_t *count, const json_t *v, const char *path,
                     bool required, size_t max)
{
    const json_t *a;
    const char **list = NULL;
    where at = AT(path);
    int error;
    *out = NULL;
    *count = 0;
    if ((error = get_array(&a, v, path, required, max)) < 0 || !a || json_array_size(a) == 0)
        return error;
    if (!(list = sc_calloc(json_array_size(a), sizeof(*list))))
        return sc_error_oom();
    for (size_t i = 0; i < json_array_size(a); i++) {
        at.i = i;
        if ((error = get_line(&list[i], json_array_get(a, i), &at, true, SC_ECERT_MAX_FIELD_SIZE)) <
            0) {
            sc_free(list);
            return error;
        }
    }
    *out = list;
    *count = json_array_size(a);
    return 0;
}

static int get_standards(sc_ecert_data *d, const json_t *v)
{
    static const struct {
        const char *name;
        size_t offset;
        bool required;
    } members[] = {
        {"name", offsetof(sc_ecert_standard, name), true},
        {"model", offsetof(sc_ecert_standard, model), false},
        {"serial", offsetof(sc_ecert_standard, serial), false},
        {"uncertainty", offsetof(sc_ecert_standard, uncertainty), false},
        {"certificate", offsetof(sc_ecert_standard, certificate), false},
        {"valid_until", offsetof(sc_ecert_standard, valid_until), false},
    };
    const json_t *a;
    char p[SC_ECERT_MAX_PATH];
    int error;
    if ((error = get_array(&a, v, "standards", false, SC_ECERT_MAX_STANDARDS)) < 0 || !a ||
        json_array_size(a) == 0)
        return error;
    if (!(d->standards = sc_calloc(json_array_size(a), sizeof(*d->standards))))
        return sc_error_oom();
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *s = json_array_get(a, i);
        sc_ecert_standard *std = &d->standards[i];
        where at = {"standards", i, NO_INDEX, NULL};
        if (!json_is_object(s))
            return sc_error_set(SC_EFORMAT, "%s: expected an object, got %s", where_text(&at, p),
                                type_of(s));
        for (size_t m = 0; m < sizeof(members) / sizeof(*members); m++) {
            const char **slot = (const char **)((char *)std + members[m].offset);
            at.member = members[m].name;
            if ((error = get_line(slot, json_object_get(s, members[m].name), &at,
                                  members[m].required, SC_ECERT_MAX_FIELD_SIZE)) < 0)
                return error;
        }
        /* A standard past its own calibration's validity on the calibration date makes the
         * measurement untraceable (JJF 1069 / CNAS-CL01 6.5): a real error, not a warning. */
        const char *cal = d->f.dates.calibrated;
        at.member = "valid_until";
        if (*std->valid_until && (error = check_date(&at, std->valid_until)) < 0)
            return error;
        if (*std->valid_until && *cal && strcmp(std->valid_until, cal) < 0)
            return sc_error_set(SC_EFORMAT,
                                "%s: %s is before dates.calibrated %s (the standard had expired)",
                                where_text(&at, p), std->valid_until, cal);
        d->f.standard_count = i + 1;
    }
    return 0;
}

static int get_results(sc_ecert_data *d, const json_t *v)
{
    const json_t *rows;
    char p[SC_ECERT_MAX_PATH];
    where at = AT("results");
    size_t ncol, nrow, ncell;
    int error;
    if ((error = presence(v, &at, true, "an object")) < 0)
        return error;
    if (!json_is_object(v))
        return sc_error_set(SC_EFORMAT, "results: expected an object, got %s", type_of(v));
    if ((error = get_lines(&d->columns, &ncol, json_object_get(v, "columns"), "results.columns",
                           true, SC_ECERT_MAX_COLUMNS)) < 0)
        return error;
    d->f.columns = d->columns;
    d->f.column_count = ncol;
    if (ncol == 0)
        return sc_error_set(SC_EFORMAT, "results.columns: no columns");
    if ((error = get_array(&rows, json_object_get(v, "rows"), "results.rows", true,
                           SC_ECERT_MAX_ROWS)) < 0)
        return error;
    if ((nrow = json_array_size(rows)) == 0)
        return 0;
    if (sc_mul_overflow(&ncell, nrow, ncol) || !(d->cells = sc_calloc(ncell, sizeof(*d->cells))) ||
        !(d->rows = sc_calloc(nrow, sizeof(*d->rows))))
        return sc_error_oom();
    for (size_t r = 0; r < nrow; r++) {
        const json_t *row = json_array_get(rows, r);
        at = (where){"results.rows", r, NO_INDEX, NULL};
        if (!json_is_array(row))
            return sc_error_set(SC_EFORMAT, "%s: expected an array, got %s", where_text(&at, p),
                                type_of(row));
        if (json_array_size(row) != ncol)
            return sc_error_set(SC_EFORMAT, "%s: %zu cells, expected %zu", where_text(&at, p),
                                json_array_size(row), ncol);
        d->rows[r] = d->cells + r * ncol;
        for (size_t c = 0; c < ncol; c++) {
            const json_t *cell = json_array_get(row, c);
            at.j = c;
            if (json_is_number(cell)) {
                d->rows[r][c] = number_text(d, cell);
                if (SC_NEVER(!d->rows[r][c]))
                    return sc_error_set(SC_ERROR, "%s: number without its text",
                                        where_text(&at, p));
            } else if (!json_is_string(cell)) {
                return sc_error_set(SC_EFORMAT, "%s: expected a string or a number, got %s",
                                    where_text(&at, p), type_of(cell));
            } else if ((error = get_string(&d->rows[r][c], cell, &at, false,
                                           SC_ECERT_MAX_CELL_SIZE)) < 0) {
                return error;
            }
        }
    }
    d->f.rows = (const char *const *const *)d->rows;
    d->f.row_count = nrow;
    return 0;
}

static int check_field(sc_ecert_data *d, const field *fd)
{
    json_t *v = resolve(d->root, fd->path);
    const char **slot = (const char **)((char *)&d->f + fd->offset);
    size_t keep = 0, max = SC_ECERT_MAX_FIELD_SIZE;
    where at = AT(fd->path);
    int error = 0;

    switch (fd->kind) {
    case K_OBJECT:
        if ((error = presence(v, &at, fd->required, "an object")) <= 0)
            return error;
        if (!json_is_object(v))
            return sc_error_set(SC_EFORMAT, "%s: expected an object, got %s", fd->path, type_of(v));
        return 0;
    case K_TYPE:
        if ((error = presence(v, &at, true, "an integer")) < 0)
            return error;
        return get_int(&d->f.type, d, v, fd->path, 1, 8, "a certificate type code");
    case K_REVISION:
        if ((error = presence(v, &at, false, "an integer")) <= 0)
            return error;
        return get_int(&d->f.revision, d, v, fd->path, 0, 9, "a revision");
    case K_NOTES:
        return get_string(slot, v, &at, fd->required, SC_ECERT_MAX_STRING_SIZE);
    case K_ID:
    case K_SERIAL:
        max = SC_ECERT_MAX_ID_PART;
        break;
    case K_URL:
        max = SC_ECERT_MAX_URL_SIZE;
        break;
    case K_DATE_ORDER:
        return check_date_order(&d->f);
    case K_BASIS:
        error = get_lines(&d->basis, &d->f.basis_count, v, fd->path, false, SC_ECERT_MAX_BASIS);
        d->f.basis = d->basis;
        return error;
    case K_STANDARDS:
        error = get_standards(d, v);
        d->f.standards = d->standards;
        return error;
    case K_RESULTS:
        return get_results(d, v);
    default:
        break;
    }
    if ((error = get_line(slot, v, &at, fd->required, max)) < 0 || !**slot)
        return error;
    switch (fd->kind) {
    case K_ID:
    case K_SERIAL:
        return check_id_part(fd->path, *slot, fd->kind == K_SERIAL);
    case K_ORG:
        if ((error = sc_ecert_org_code_check(*slot)) < 0)
            sc_error_prefix("%s", fd->path);
        return error;
    case K_DATE:
        return check_date(&at, *slot);
    case K_URL:
        if ((error = check_url(fd->path, *slot, &keep)) < 0)
            return error;
        /* The tree holds the URL without its '/', so templates see what the fields say. */
        if (keep < strlen(*slot)) {
            if (json_string_setn(v, *slot, keep) < 0)
                return sc_error_oom();
            *slot = json_string_value(v);
        }
        return 0;
    default:
        return 0;
    }
}

/* ---- public API ------------------------------------------------------------------------- */

void sc_ecert_data_free(sc_ecert_data *data)
{
    if (!data)
        return;
    json_decref(data->root);
    sc_free(data->nums);
    sc_free(data->texts);
    sc_free(data->basis);
    sc_free(data->standards);
    sc_free(data->columns);
    sc_free(data->rows);
    sc_free(data->cells);
    sc_free(data);
}

int sc_ecert_data_parse(sc_ecert_data **out, const char *json, size_t len)
{
    sc_ecert_data *d = NULL;
    span stack_tokens[STACK_TOKENS], *tokens = stack_tokens;
    size_t count = 0, nums = 0, num_bytes = 0, text_size;
    json_error_t jerr;
    walker w;
    int error;

    SC_ASSERT_ARG(out && json);
    *out = NULL;
    if (len > SC_ECERT_MAX_DATA_SIZE)
        return sc_error_set(SC_ELIMIT, "certificate data: %zu bytes, over the limit of %zu", len,
                            SC_ECERT_MAX_DATA_SIZE);
    if ((error = check_syntax(json, len, &tokens, &count, &nums, &num_bytes)) < 0)
        goto done;
    if (!(d = sc_calloc(1, sizeof(*d))) ||
        (nums && !(d->nums = sc_calloc(nums, sizeof(*d->nums)))) ||
        sc_add_overflow(&text_size, num_bytes, nums) || !(d->texts = sc_malloc(text_size + 1))) {
        error = sc_error_oom();
        goto done;
    }

    /* jansson 2.14 leaves the error code (the last byte of text) unset when an allocation
     * fails before its lexer starts: zeroed, it reads json_error_unknown, not stack garbage. */
    memset(&jerr, 0, sizeof(jerr));
    d->root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
    if (!d->root) {
        /* The text is valid JSON (check_syntax): what jansson may still refuse is a duplicate
         * member name or a number beyond a double; anything else is an allocation failure, which
         * jansson 2.14 often reports as a syntax error ("string or '}' expected") or not at
         * all. */
        switch (jerr.text[0] ? json_error_code(&jerr) : json_error_out_of_memory) {
        case json_error_duplicate_key:
        case json_error_numeric_overflow:
        case json_error_invalid_utf8:
        case json_error_null_character:
        case json_error_null_byte_in_key:
            error = sc_error_set(SC_EFORMAT, "line %d, column %d: %s", jerr.line, jerr.column,
                                 jerr.text);
            break;
        default:
            error = sc_error_oom();
        }
        goto done;
    }
    if (!json_is_object(d->root)) {
        error = sc_error_set(SC_EFORMAT, "certificate data: expected an object, got %s",
                             type_of(d->root));
        goto done;
    }

    w.d = d, w.json = json, w.tokens = tokens, w.token_count = count;
    w.next = 0, w.nums = 0, w.texts = d->texts, w.path.depth = 0;
    if ((error = walk(&w, d->root, false)) < 0)
        goto done;
    if (w.next != count) { /* jansson lost values: see take() */
        error = sc_error_oom();
        goto done;
    }
    d->num_count = nums;
    if (nums)
        qsort(d->nums, nums, sizeof(*d->nums), cmp_numtext);

    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
        if ((error = check_field(d, &fields[i])) < 0)
            goto done;
    d->revision_text[0] = (char)('0' + d->f.revision);
    *out = d;
    d = NULL;
done:
    if (tokens != stack_tokens)
        sc_free(tokens);
    sc_ecert_data_free(d);
    return error;
}

const sc_ecert_fields *sc_ecert_data_fields(const sc_ecert_data *data)
{
    return data ? &data->f : NULL;
}

const char *sc_ecert_data_get(const sc_ecert_data *data, const char *path)
{
    if (!data || !path || strnlen(path, SC_ECERT_MAX_PATH + 1) > SC_ECERT_MAX_PATH)
        return NULL;
    /* The revision has a default and can be overridden: always the fields' value. */
    if (!strcmp(path, "revision"))
        return data->revision_text;
    return value_text(data, resolve(data->root, path));
}

typedef struct {
    const sc_ecert_data *d;
    int (*fn)(void *ctx, sc_ecert__path *path, const char *value);
    void *ctx;
    sc_ecert__path path;
} string_walk;

/* The walk of sc_ecert__data_each_string(); depth bounded as walk()'s. */
static int each_string(string_walk *sw, const json_t *v)
{
    int error = 0;
    if (json_is_string(v))
        return sw->fn(sw->ctx, &sw->path, json_string_value(v));
    if (json_is_number(v))
        return sw->fn(sw->ctx, &sw->path, number_text(sw->d, v));
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && error == 0; i++) {
            if ((error = path_push(&sw->path, NULL, i)) < 0)
                break;
            error = each_string(sw, json_array_get(v, i));
            sw->path.depth--;
        }
    } else if (json_is_object(v)) {
        const char *key;
        const json_t *child;
        json_object_foreach((json_t *)v, key, child)
        {
            if ((error = path_push(&sw->path, key, 0)) < 0)
                break;
            error = each_string(sw, child);
            sw->path.depth--;
            if (error < 0)
                break;
        }
    }
    return error;
}

int sc_ecert__data_each_string(const sc_ecert_data *data,
                               int (*fn)(void *ctx, sc_ecert__path *path, const char *value),
                               void *ctx)
{
    string_walk sw;
    if (!data)
        return 0;
    sw.d = data, sw.fn = fn, sw.ctx = ctx, sw.path.depth = 0;
    return each_string(&sw, data->root);
}

size_t sc_ecert_data_array_size(const sc_ecert_data *data, const char *path)
{
    if (!data || !path || strnlen(path, SC_ECERT_MAX_PATH + 1) > SC_ECERT_MAX_PATH)
        return 0;
    const json_t *v = resolve(data->root, path);
    return json_is_array(v) ? json_array_size(v) : 0;
}

int sc_ecert_data_set_revision(sc_ecert_data *data, int revision)
{
    SC_ASSERT_ARG(data);
    if (revision < 0 || revision > 9)
        return sc_error_set(SC_EINVALID, "revision: %d is not one digit 0..9", revision);
    data->f.revision = revision;
    data->revision_text[0] = (char)('0' + revision);
    return 0;
}
