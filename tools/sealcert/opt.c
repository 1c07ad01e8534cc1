/* sealcert CLI option parsing driven by per-command tables (after libgit2 src/cli/opt.c). */
#include "opt.h"

#include <stdio.h>
#include "out.h"

#include <stdlib.h>
#include <string.h>

static const sc_opt_spec *find_long(const sc_opt_spec *specs, const char *name, size_t len)
{
    for (const sc_opt_spec *s = specs; s->name; s++)
        if (strlen(s->name) == len && memcmp(s->name, name, len) == 0)
            return s;
    return NULL;
}

static const sc_opt_spec *find_short(const sc_opt_spec *specs, char c)
{
    for (const sc_opt_spec *s = specs; s->name; s++)
        if (s->short_name && s->short_name == c)
            return s;
    return NULL;
}

/* Record one occurrence; a second one of a non-repeatable option is a usage error. Messages name
 * the long form, which is what the docs use. */
static int record(sc_opts *o, const sc_opt_spec *s, const char *value, char *msg, size_t msg_len)
{
    int idx = (int)(s - o->specs);
    if (!(s->flags & SC_OPT_REPEAT)) {
        for (size_t i = 0; i < o->count; i++) {
            if (o->spec_of[i] == idx) {
                snprintf(msg, msg_len, "--%s: given more than once", s->name);
                return -1;
            }
        }
    }
    o->spec_of[o->count] = idx;
    o->value_of[o->count] = value;
    o->count++;
    return 0;
}

int sc_opts_parse(sc_opts *o, const sc_opt_spec *specs, int argc, char **argv, char *msg,
                  size_t msg_len)
{
    bool options_done = false;

    memset(o, 0, sizeof(*o));
    o->specs = specs;
    while (specs[o->spec_count].name)
        o->spec_count++;
    /* At most one occurrence or positional per word, so argc bounds both arrays. */
    size_t cap = argc > 0 ? (size_t)argc : 1;
    o->spec_of = sc_calloc(cap, sizeof(*o->spec_of));
    o->value_of = sc_calloc(cap, sizeof(*o->value_of));
    o->args = sc_calloc(cap, sizeof(*o->args));
    if (!o->spec_of || !o->value_of || !o->args) {
        snprintf(msg, msg_len, "out of memory");
        return -1;
    }

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            o->args[o->arg_count++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
            continue;
        }
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const sc_opt_spec *s = find_long(specs, name, len);
            if (!s) {
                snprintf(msg, msg_len, "--%.*s: unknown option", (int)len, name);
                return -1;
            }
            const char *value = "";
            if (s->value_name) {
                if (eq) {
                    value = eq + 1;
                } else if (i + 1 < argc) {
                    value = argv[++i];
                } else {
                    snprintf(msg, msg_len, "--%s: needs a value (%s)", s->name, s->value_name);
                    return -1;
                }
            } else if (eq) {
                snprintf(msg, msg_len, "--%s: takes no value", s->name);
                return -1;
            }
            if (record(o, s, value, msg, msg_len) < 0)
                return -1;
            continue;
        }
        /* One or more short options: "-f", "-fq" (switches), "-o FILE" or "-oFILE". */
        for (const char *p = a + 1; *p; p++) {
            const sc_opt_spec *s = find_short(specs, *p);
            if (!s) {
                snprintf(msg, msg_len, "-%c: unknown option", *p);
                return -1;
            }
            if (!s->value_name) {
                if (record(o, s, "", msg, msg_len) < 0)
                    return -1;
                continue;
            }
            const char *value;
            if (p[1]) {
                value = p + 1;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                snprintf(msg, msg_len, "--%s: needs a value (%s)", s->name, s->value_name);
                return -1;
            }
            if (record(o, s, value, msg, msg_len) < 0)
                return -1;
            break;
        }
    }

    if (o->help)
        return 0;
    for (size_t k = 0; k < o->spec_count; k++) {
        if ((specs[k].flags & SC_OPT_REQUIRED) && !sc_opt_has(o, specs[k].name)) {
            snprintf(msg, msg_len, "--%s: missing (required)", specs[k].name);
            return -1;
        }
    }
    return 0;
}

void sc_opts_dispose(sc_opts *o)
{
    sc_free(o->spec_of);
    sc_free(o->value_of);
    sc_free(o->args);
    memset(o, 0, sizeof(*o));
}

/* Looking up a name the table does not have is a programming error in the command, not a user
 * error: fail loudly so the tests catch it. */
static int index_of(const sc_opts *o, const char *name)
{
    for (size_t k = 0; k < o->spec_count; k++)
        if (strcmp(o->specs[k].name, name) == 0)
            return (int)k;
    sc_out_err(NULL, NULL, "internal error: option --%s is not in the command's table", name);
    abort();
}

const char *sc_opt_get(const sc_opts *o, const char *name)
{
    int idx = index_of(o, name);
    const char *v = NULL;
    for (size_t i = 0; i < o->count; i++)
        if (o->spec_of[i] == idx)
            v = o->value_of[i];
    return v;
}

int sc_opt_has(const sc_opts *o, const char *name)
{
    return sc_opt_get(o, name) != NULL;
}

size_t sc_opt_all(const sc_opts *o, const char *name, const char ***values)
{
    int idx = index_of(o, name);
    size_t n = 0;
    *values = NULL;
    for (size_t i = 0; i < o->count; i++)
        n += o->spec_of[i] == idx;
    if (n == 0)
        return 0;
    if (!(*values = sc_calloc(n, sizeof(**values))))
        return (size_t)-1;
    n = 0;
    for (size_t i = 0; i < o->count; i++)
        if (o->spec_of[i] == idx)
            (*values)[n++] = o->value_of[i];
    return n;
}

/* ---- usage and help ---------------------------------------------------------------------- */

int sc_opt_usage(sc_buf *out, const char *command, const sc_opt_spec *specs, const char *args)
{
    const size_t indent = strlen("usage: sealcert ") + strlen(command);
    size_t line_start = out->size;
    int error;

    if ((error = sc_buf_printf(out, "usage: sealcert %s", command)) < 0)
        return error;
    /* Required options first, as they are, then the optional ones in brackets. */
    for (int pass = 0; pass < 3; pass++) {
        for (const sc_opt_spec *s = specs; s->name || pass == 2; s++) {
            char word[160];
            if (pass == 2) {
                if (!args || !*args)
                    break;
                snprintf(word, sizeof(word), "%s", args);
            } else {
                bool required = (s->flags & SC_OPT_REQUIRED) != 0;
                if ((s->flags & SC_OPT_HIDDEN) || required != (pass == 0))
                    continue;
                snprintf(word, sizeof(word), "%s--%s%s%s%s%s", required ? "" : "[", s->name,
                         s->value_name ? " " : "", s->value_name ? s->value_name : "",
                         (s->flags & SC_OPT_REPEAT) ? "..." : "", required ? "" : "]");
            }
            if (out->size - line_start + 1 + strlen(word) > 100) {
                if ((error = sc_buf_printf(out, "\n%*s", (int)indent, "")) < 0)
                    return error;
                line_start = out->size - indent;
            }
            if ((error = sc_buf_printf(out, " %s", word)) < 0)
                return error;
            if (pass == 2)
                break;
        }
    }
    return sc_buf_puts(out, "\n");
}

int sc_opt_help(sc_buf *out, const sc_opt_spec *specs)
{
    char left[128];
    int error;
    for (const sc_opt_spec *s = specs; s->name; s++) {
        if (s->flags & SC_OPT_HIDDEN)
            continue;
        char shortpart[8] = "    ";
        if (s->short_name)
            snprintf(shortpart, sizeof(shortpart), "-%c, ", s->short_name);
        snprintf(left, sizeof(left), "%s--%s%s%s", shortpart, s->name, s->value_name ? " " : "",
                 s->value_name ? s->value_name : "");
        const char *note = "";
        if ((s->flags & SC_OPT_REQUIRED) && (s->flags & SC_OPT_REPEAT))
            note = " (required, repeatable)";
        else if (s->flags & SC_OPT_REQUIRED)
            note = " (required)";
        else if (s->flags & SC_OPT_REPEAT)
            note = " (repeatable)";
        if ((error = sc_buf_printf(out, "  %-30s %s%s\n", left, s->help, note)) < 0)
            return error;
    }
    return sc_buf_printf(out, "  %-30s %s\n", "-h, --help", "show this help and exit");
}
