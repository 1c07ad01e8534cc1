/* Verification reports: an ordered list of findings; the verdict is derived, never stored. */
#include "util/util.h"

#include <stdio.h>
#include <string.h>

struct sc_report {
    sc_finding *items; /* owned array; each string field owned */
    size_t count;      /* findings in use */
    size_t alloc;      /* findings allocated */
};

int sc_report_new(sc_report **out)
{
    SC_ASSERT_ARG(out);
    *out = sc_calloc(1, sizeof(**out));
    return *out ? 0 : sc_error_oom();
}

static int add_owned(sc_report *r, const char *check, sc_status status, const char *field,
                     char *message)
{
    sc_finding *f;
    if (r->count == r->alloc) {
        size_t n = r->alloc ? r->alloc * 2 : 8;
        sc_finding *items = sc_realloc(r->items, n * sizeof(*items));
        if (!items)
            goto oom;
        r->items = items;
        r->alloc = n;
    }
    f = &r->items[r->count];
    f->check = sc_strdup(check ? check : "");
    f->field = sc_strdup(field ? field : "");
    f->status = status;
    f->message = message;
    if (!f->check || !f->field) {
        sc_free((char *)f->check);
        sc_free((char *)f->field);
        goto oom;
    }
    r->count++;
    return 0;
oom:
    sc_free(message);
    return sc_error_oom();
}

int sc_report_add(sc_report *r, const char *check, sc_status status, const char *field,
                  const char *fmt, ...)
{
    va_list ap;
    int n;
    char *msg;

    SC_ASSERT_ARG(r && fmt);
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (!(msg = sc_malloc((size_t)n + 1)))
        return sc_error_oom();
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return add_owned(r, check, status, field, msg);
}

int sc_report_merge(sc_report *r, const sc_report *other, const char *prefix)
{
    SC_ASSERT_ARG(r && other);
    for (size_t i = 0; i < other->count; i++) {
        const sc_finding *f = &other->items[i];
        int error;
        if (prefix && f->field[0])
            error = sc_report_add(r, f->check, f->status, NULL, "%s", f->message);
        else
            error = sc_report_add(r, f->check, f->status, f->field, "%s", f->message);
        if (error < 0)
            return error;
        if (prefix && f->field[0]) {
            sc_finding *nf = &r->items[r->count - 1];
            size_t len = strlen(prefix) + strlen(f->field) + 1;
            char *field = sc_malloc(len);
            if (!field)
                return sc_error_oom();
            snprintf(field, len, "%s%s", prefix, f->field);
            sc_free((char *)nf->field);
            nf->field = field;
        }
    }
    return 0;
}

int sc_report__restatus(sc_report *r, const char *const *checks, sc_status from, sc_status to,
                        const char *note)
{
    int changed = 0;
    for (size_t i = 0; r && i < r->count; i++) {
        sc_finding *f = &r->items[i];
        bool match = false;
        for (const char *const *c = checks; *c && !match; c++)
            match = strcmp(f->check, *c) == 0;
        if (!match || f->status != from)
            continue;
        size_t len = strlen(f->message) + strlen(note) + 1;
        char *msg = sc_malloc(len);
        if (!msg)
            return sc_error_oom();
        snprintf(msg, len, "%s%s", f->message, note);
        sc_free((char *)f->message);
        f->message = msg;
        f->status = to;
        changed++;
    }
    return changed;
}

sc_verdict sc_report_verdict(const sc_report *r)
{
    sc_verdict v = SC_VERDICT_VALID;
    for (size_t i = 0; r && i < r->count; i++) {
        sc_verdict fv = SC_VERDICT_VALID;
        switch (r->items[i].status) {
        case SC_STATUS_FAIL:
            fv = SC_VERDICT_INVALID;
            break;
        case SC_STATUS_UNSUPPORTED:
            fv = SC_VERDICT_UNSUPPORTED;
            break;
        case SC_STATUS_UNTRUSTED:
            fv = SC_VERDICT_UNTRUSTED;
            break;
        default:
            break;
        }
        if (fv > v)
            v = fv;
    }
    return v;
}

size_t sc_report_count(const sc_report *r)
{
    return r ? r->count : 0;
}

const sc_finding *sc_report_get(const sc_report *r, size_t i)
{
    return r && i < r->count ? &r->items[i] : NULL;
}

const sc_finding *sc_report_find(const sc_report *r, const char *check)
{
    for (size_t i = 0; r && check && i < r->count; i++)
        if (strcmp(r->items[i].check, check) == 0)
            return &r->items[i];
    return NULL;
}

const char *sc_status_name(sc_status s)
{
    static const char *const names[] = {"ok",        "info",        "warn", "skip",
                                        "untrusted", "unsupported", "fail"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *sc_verdict_name(sc_verdict v)
{
    static const char *const names[] = {"valid", "untrusted", "unsupported", "invalid"};
    return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

void sc_report_free(sc_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        sc_free((char *)r->items[i].check);
        sc_free((char *)r->items[i].field);
        sc_free((char *)r->items[i].message);
    }
    sc_free(r->items);
    sc_free(r);
}
