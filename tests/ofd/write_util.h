/* OFD writer tests: reading back what the writer made (libzip for the container, libxml2 for the
 * XML), independent of lib/ofd's reader. */
#ifndef SC_TEST_OFD_WRITE_UTIL_H
#define SC_TEST_OFD_WRITE_UTIL_H

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "common/test.h"
#include "ofd/ofdw_int.h"

typedef struct {
    char *name;          /* entry name */
    unsigned char *data; /* bytes, NUL-terminated (malloc) */
    size_t len;
} pkg_entry;

typedef struct {
    pkg_entry *e;
    size_t n;
} pkg_files;

/* Unzip a whole package; fails the test on a bad zip. */
static inline pkg_files pkg_read(const sc_buf *ofd)
{
    pkg_files p = {NULL, 0};
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(ofd->ptr, ofd->size, 0, &ze);
    assert_non_null(src);
    zip_t *z = zip_open_from_source(src, ZIP_CHECKCONS | ZIP_RDONLY, &ze);
    if (!z)
        fail_msg("not a zip: %s", zip_error_strerror(&ze));
    p.n = (size_t)zip_get_num_entries(z, 0);
    p.e = calloc(p.n, sizeof(*p.e));
    for (size_t i = 0; i < p.n; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(z, i, 0, &st), 0);
        p.e[i].name = strdup(st.name);
        p.e[i].len = st.size;
        p.e[i].data = malloc(st.size + 1);
        zip_file_t *f = zip_fopen_index(z, i, 0);
        assert_non_null(f);
        assert_int_equal(zip_fread(f, p.e[i].data, st.size), (zip_int64_t)st.size);
        p.e[i].data[st.size] = 0;
        zip_fclose(f);
    }
    zip_close(z);
    return p;
}

static inline void pkg_dispose(pkg_files *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->e[i].name);
        free(p->e[i].data);
    }
    free(p->e);
}

static inline const pkg_entry *pkg_get(const pkg_files *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->e[i].name, name) == 0)
            return &p->e[i];
    return NULL;
}

/* The package @p in with entry @p name replaced by @p data (the zip written anew). */
static inline sc_buf pkg_with_entry(const sc_buf *in, const char *name, const char *data)
{
    pkg_files q = pkg_read(in);
    sc_ofd__zip_entry ze[32];
    sc_buf out = SC_BUF_INIT;
    assert_true(q.n <= 32);
    for (size_t i = 0; i < q.n; i++) {
        bool it = strcmp(q.e[i].name, name) == 0;
        ze[i] = (sc_ofd__zip_entry){.name = q.e[i].name,
                                    .data = it ? (const unsigned char *)data : q.e[i].data,
                                    .len = it ? strlen(data) : q.e[i].len,
                                    .compress = true};
    }
    sc_assert_ok(sc_ofd__zip_write(&out, ze, q.n, 1717200000 /* 2024-06-01 */, 1));
    pkg_dispose(&q);
    return out;
}

/* Parse XML strictly (no network, no entities); fails the test when not well-formed. */
static inline xmlDocPtr xml_parse(const pkg_entry *e)
{
    xmlDocPtr doc =
        xmlReadMemory((const char *)e->data, (int)e->len, e->name, NULL, XML_PARSE_NONET);
    if (!doc)
        fail_msg("%s: not well-formed XML", e->name);
    return doc;
}

#endif
