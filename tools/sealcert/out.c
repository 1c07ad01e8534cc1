/* sealcert CLI output helpers and the exit-code mapping (STYLE.md section 5). */
#include "out.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

/* The single writer. Diagnostics are flushed line by line so they interleave sensibly with
 * stdout when both go to the same terminal or log. */
static void emit(FILE *f, const char *fmt, va_list ap) SC_PRINTF(2, 0);
static void emit(FILE *f, const char *fmt, va_list ap)
{
    vfprintf(f, fmt, ap);
    if (f == stderr)
        fflush(f);
}

void sc_out_to(FILE *stream, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(stream, fmt, ap);
    va_end(ap);
}

int sc_out_bytes(const void *data, size_t len)
{
    if (len && fwrite(data, 1, len, stdout) != len)
        return -1;
    return fflush(stdout) == 0 ? 0 : -1;
}

void sc_out_err(const char *file, const char *field, const char *fmt, ...)
{
    va_list ap;
    sc_out_to(stderr, "sealcert: ");
    if (file && *file)
        sc_out_to(stderr, "%s: ", file);
    if (field && *field)
        sc_out_to(stderr, "%s: ", field);
    va_start(ap, fmt);
    emit(stderr, fmt, ap);
    va_end(ap);
    sc_out_to(stderr, "\n");
}

void sc_out_warn(const char *fmt, ...)
{
    va_list ap;
    sc_out_to(stderr, "sealcert: warning: ");
    va_start(ap, fmt);
    emit(stderr, fmt, ap);
    va_end(ap);
    sc_out_to(stderr, "\n");
}

int sc_out_lib_error(const char *file, int error)
{
    const char *msg = sc_error_last()->message;
    size_t flen = file ? strlen(file) : 0;

    if (!msg || !*msg)
        msg = sc_error_name(error);
    /* lib/util file helpers already say "<path>: cannot open: ..."; do not say the path twice. */
    if (flen && strncmp(msg, file, flen) == 0 && msg[flen] == ':')
        sc_out_err(NULL, NULL, "%s", msg);
    else
        sc_out_err(file, NULL, "%s", msg);
    sc_error_clear();
    return sc_exit_code(error < 0 ? error : SC_ERROR, NULL);
}

int sc_out_json(json_t *obj)
{
    char *text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (!text) {
        sc_out_err(NULL, NULL, "cannot serialise the JSON output");
        return -1;
    }
    sc_out("%s\n", text);
    /* Back through jansson's own allocator (STYLE.md 3: never mix allocators). */
    json_free_t jfree;
    json_get_alloc_funcs(NULL, &jfree);
    jfree(text);
    return 0;
}

int sc_exit_code(int error, const sc_report *report)
{
    if (error < 0)
        return SC_EXIT_ERROR;
    if (report && sc_report_verdict(report) != SC_VERDICT_VALID)
        return SC_EXIT_INVALID;
    return SC_EXIT_OK;
}

int sc_exit_worst(int a, int b)
{
    return a > b ? a : b;
}

int sc_out_finish(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        sc_out_err("stdout", NULL, "cannot write: %s", strerror(e));
        return SC_EXIT_ERROR;
    }
    return code;
}

int sc_out_files_json(json_t **objs, const int *verdicts, size_t n, int code)
{
    json_t *o;
    int worst = -2;

    if (n == 1) {
        o = objs[0];
    } else {
        json_t *files = json_array();
        for (size_t i = 0; i < n; i++) {
            int v = verdicts[i] < 0 ? 100 : verdicts[i]; /* an unreadable file is worst */
            if (v > worst)
                worst = v;
            if (files)
                json_array_append_new(files, objs[i]);
            else
                json_decref(objs[i]);
        }
        o = files ? json_pack("{s:s, s:i, s:o}", "verdict",
                              worst == 100 ? "error" : sc_verdict_name((sc_verdict)worst),
                              "exit_code", code, "files", files)
                  : NULL;
    }
    if (!o || sc_out_json(o) < 0)
        return SC_EXIT_ERROR;
    return code;
}
