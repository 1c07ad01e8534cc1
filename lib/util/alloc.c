/* Allocation wrappers with failure injection for tests (after libgit2
 * src/util/allocators/failalloc.c and SQLite src/test_malloc.c). */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* Failure injection state. Thread-local so parallel tests in one process do not disturb each
 * other; production code never sets it (fail_at stays 0). */
static _Thread_local size_t alloc_count; /* allocations since the last sc_alloc_fail_after() */
static _Thread_local size_t
    alloc_fail_at; /* 0: never fail; else the 1-based allocation that fails */
static _Thread_local bool alloc_fail_persistent;

static bool should_fail(void)
{
    alloc_count++;
    if (alloc_fail_at == 0)
        return false;
    if (alloc_count == alloc_fail_at)
        return true;
    return alloc_fail_persistent && alloc_count > alloc_fail_at;
}

size_t sc_alloc_fail_after(size_t n, bool persistent)
{
    size_t counted = alloc_count;
    alloc_count = 0;
    alloc_fail_at = n;
    alloc_fail_persistent = persistent;
    return counted;
}

void *sc_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *sc_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *sc_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void sc_free(void *ptr)
{
    free(ptr);
}

void *sc_memdup(const void *p, size_t n)
{
    void *d = sc_malloc(n);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

char *sc_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = sc_malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *sc_strdup(const char *s)
{
    return sc_strndup(s, SIZE_MAX);
}
