/* File helpers: bounded reads and atomic writes (temporary file, fsync, rename), with I/O fault
 * injection for tests (after SQLite src/test_syscall.c). */
/* syncfs(2) is a Linux call: glibc declares it under _GNU_SOURCE. */
#define _GNU_SOURCE
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Fault injection: the Nth guarded operation fails with fail_errno. Thread-local, test-only. */
static _Thread_local size_t fs_count;
static _Thread_local size_t fs_fail_at;
static _Thread_local int fs_fail_errno;

void sc_fs_fail_after(size_t n, int err)
{
    fs_count = 0;
    fs_fail_at = n;
    fs_fail_errno = err;
}

static bool fault(void)
{
    if (fs_fail_at == 0)
        return false;
    if (++fs_count == fs_fail_at) {
        errno = fs_fail_errno;
        return true;
    }
    return false;
}

static int io_error(const char *what, const char *path)
{
    int e = errno;
    return sc_error_set(e == ENOENT ? SC_ENOTFOUND : SC_EIO, "%s: %s: %s", path, what, strerror(e));
}

static int read_file(sc_buf *out, const char *path, size_t max, bool regular_only)
{
    int fd = -1, error = 0;
    struct stat st;
    sc_buf tmp = SC_BUF_INIT;

    /* O_NONBLOCK: opening a FIFO for reading would wait for a writer; for a regular file the
     * flag changes nothing. */
    if (fault() || (fd = open(path, O_RDONLY | O_CLOEXEC | (regular_only ? O_NONBLOCK : 0))) < 0)
        return io_error("cannot open", path);
    if (fstat(fd, &st) < 0) {
        error = io_error("cannot stat", path);
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        error = sc_error_set(SC_EIO, "%s: is a directory", path);
        goto done;
    }
    if (regular_only && !S_ISREG(st.st_mode)) {
        error = sc_error_set(SC_EIO, "%s: not a regular file", path);
        goto done;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
        error = sc_error_set(SC_ELIMIT, "%s: file of %lld bytes is over the limit of %zu", path,
                             (long long)st.st_size, max);
        goto done;
    }
    /* Read until EOF rather than trusting st_size: pipes and /dev/stdin have none. */
    for (;;) {
        ssize_t n;
        if ((error = sc_buf_grow(&tmp, 65536)) < 0)
            goto done;
        n = fault() ? -1 : read(fd, tmp.ptr + tmp.size, tmp.asize - tmp.size - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = io_error("cannot read", path);
            goto done;
        }
        if (n == 0)
            break;
        tmp.size += (size_t)n;
        tmp.ptr[tmp.size] = '\0';
        if (tmp.size > max) {
            error = sc_error_set(SC_ELIMIT, "%s: file is over the limit of %zu bytes", path, max);
            goto done;
        }
    }
    if (!tmp.ptr && (error = sc_buf_grow(&tmp, 0)) < 0)
        goto done;
    sc_buf_dispose(out);
    *out = tmp;
    tmp = (sc_buf)SC_BUF_INIT;
done:
    if (fd >= 0)
        close(fd);
    sc_buf_dispose(&tmp);
    return error;
}

int sc_fs_read_file(sc_buf *out, const char *path, size_t max)
{
    return read_file(out, path, max, false);
}

int sc_fs_read_regular(sc_buf *out, const char *path, size_t max)
{
    return read_file(out, path, max, true);
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len) {
        ssize_t n = fault() ? -1 : write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int sc_fs_write_atomic(const char *path, const void *data, size_t len, bool overwrite,
                       unsigned int mode)
{
    char *tmp = NULL, *dircopy = NULL;
    int fd = -1, dfd = -1, error = 0;
    size_t plen = strlen(path);
    struct stat st;

    if (!overwrite && lstat(path, &st) == 0)
        return sc_error_set(SC_EEXISTS, "%s: file exists (use --force to overwrite)", path);
    if (!(tmp = sc_malloc(plen + 16)) || !(dircopy = sc_strdup(path))) {
        error = sc_error_oom();
        goto done;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
    if (fault() || (fd = mkstemp(tmp)) < 0) {
        error = io_error("cannot create temporary file", path);
        tmp[0] = '\0';
        goto done;
    }
    if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fault() || fsync(fd) < 0) {
        error = io_error("cannot write", tmp);
        goto done;
    }
    if (close(fd) < 0) {
        fd = -1;
        error = io_error("cannot close", tmp);
        goto done;
    }
    fd = -1;
    if (!overwrite && lstat(path, &st) == 0) {
        error = sc_error_set(SC_EEXISTS, "%s: file exists (use --force to overwrite)", path);
        goto done;
    }
    if (fault() || rename(tmp, path) < 0) {
        error = io_error("cannot rename into place", path);
        goto done;
    }
    tmp[0] = '\0'; /* renamed: nothing to remove */
    /* Make the rename itself durable. */
    if ((dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(dfd);
        close(dfd);
    }
done:
    if (fd >= 0)
        close(fd);
    if (tmp && tmp[0])
        unlink(tmp);
    sc_free(tmp);
    sc_free(dircopy);
    return error;
}

int sc_fs_write_temp(char **tmp_out, const char *path, const void *data, size_t len, bool overwrite,
                     unsigned int mode)
{
    size_t plen = strlen(path);
    struct stat st;
    int fd = -1;
    char *tmp;
    *tmp_out = NULL;
    if (!overwrite && lstat(path, &st) == 0)
        return sc_error_set(SC_EEXISTS, "%s: file exists (use --force to overwrite)", path);
    if (!(tmp = sc_malloc(plen + 16)))
        return sc_error_oom();
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
    if (fault() || (fd = mkstemp(tmp)) < 0) {
        sc_free(tmp);
        return io_error("cannot create temporary file", path);
    }
    bool failed = fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0;
    int saved = errno;
    if (close(fd) < 0 && !failed)
        failed = true, saved = errno;
    if (failed) {
        errno = saved;
        int error = io_error("cannot write", tmp);
        unlink(tmp);
        sc_free(tmp);
        return error;
    }
    *tmp_out = tmp;
    return 0;
}

int sc_fs_sync_dir(const char *dir, bool whole_fs)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
    if (dfd < 0)
        return io_error("cannot open directory", dir);
    rc = fault() ? -1 : whole_fs ? syncfs(dfd) : fsync(dfd);
    int error = rc < 0 ? io_error("cannot sync", dir) : 0;
    close(dfd);
    return error;
}

int sc_fs_commit(const char *tmp, const char *path, bool overwrite)
{
    struct stat st;
    int error = 0;
    if (!overwrite && lstat(path, &st) == 0)
        error = sc_error_set(SC_EEXISTS, "%s: file exists (use --force to overwrite)", path);
    else if (fault() || rename(tmp, path) < 0)
        error = io_error("cannot rename into place", path);
    if (error < 0)
        unlink(tmp);
    return error;
}
