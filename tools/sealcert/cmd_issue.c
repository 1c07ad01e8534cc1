/* sealcert issue: metrology electronic certificates from a template and data (T/CMA draft), one
 * or a batch (JSON Lines) over worker threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util/limits.h"

static const sc_opt_spec issue_options[] = {
    {"template", 't', "NAME|FILE",
     "a shipped template (calibration, verification, verification-notice, test-report, "
     "inspection-report) or a template file",
     SC_OPT_REQUIRED},
    {"data", 'd', "D.json", "the certificate's data (one JSON object)", 0},
    {"batch", 'b', "D.jsonl", "issue one certificate per line of a JSON Lines file", 0},
    {"out", 'o', "DIR", "write the certificates into this directory", SC_OPT_REQUIRED},
    {"seal", 0, "SEAL.esl", "the certificate seal (e.g. 校准电子证书专用章)", SC_OPT_REQUIRED},
    {"key", 0, "KEY", "the signer's SM2 private key (PEM, DER or PKCS#12)", SC_OPT_REQUIRED},
    {"cert", 0, "CERT", "the signer's certificate (default: from a PKCS#12 --key)", 0},
    {"code", 0, "gm|qr|both", "the 2D code on page 1: Grid Matrix (GB/T 27766, default), QR, both",
     0},
    {"riding", 0, NULL, "also put a riding seal (骑缝章) over all pages", 0},
    {"attach", 0, "FILE", "embed an OFD file as an attachment", SC_OPT_REPEAT},
    {"supersedes", 0, "OLD.ofd",
     "issue the corrected certificate of OLD.ofd: same serial, revision + 1 (T/CMA 6.4.1)", 0},
    {"supplement-to", 0, "OLD.ofd",
     "issue a supplementary file to the certificate OLD.ofd (T/CMA 6.4.2)", 0},
    {"id-root", 0, "OID",
     "the identifier's root code, your organisation's OID (default: $SEALCERT_ID_ROOT, then the "
     "template's id_root)",
     0},
    {"time", 0, "TIME", "issue and signing time (RFC 3339; default: now); fixes the output", 0},
    {"jobs", 'j', "N", "with --batch: N worker threads (default 1)", 0},
    {"pass-env", 0, "VAR", "the key's password is in environment variable VAR", 0},
    {"pass-file", 0, "FILE", "the key's password is on the first line of FILE", 0},
    {"force", 'f', NULL, "replace existing certificate files", 0},
    {NULL, 0, NULL, NULL, 0},
};

/* Largest --batch file: 64 MB is ~20,000 certificates of a few KB each; every line is then
 * parsed under the data limits (SC_ECERT_MAX_DATA_SIZE). */
#define BATCH_MAX_SIZE ((size_t)64 << 20)

/* What every certificate of a run shares. */
typedef struct {
    const sc_ecert_template *tpl;
    sc_ecert_issue_options io;
    const char *dir; /* output directory */
    bool force;      /* replace existing files */
    int revision;    /* --supersedes: the revision to issue; -1: the data's */
} run_ctx;

/* Parse one certificate's JSON text, with the revision --supersedes gives. */
static int parse_data(sc_ecert_data **out, const run_ctx *rc, const char *json, size_t len)
{
    int error = sc_ecert_data_parse(out, json, len);
    if (error == 0 && rc->revision >= 0 &&
        (error = sc_ecert_data_set_revision(*out, rc->revision)) < 0) {
        sc_ecert_data_free(*out);
        *out = NULL;
    }
    return error;
}

/* Issue one certificate; on success @p path_out gets the file written. @p claim, when not NULL,
 * may refuse the file name first (a batch: one file per name). With @p tmp_out the file is only
 * written to a temporary (*tmp_out), for the batch to sync and rename with the others of its
 * chunk. On failure returns the library code with the message in sc_error_last(). */
static int issue_data(sc_buf *path_out, const run_ctx *rc, const sc_ecert_data *data,
                      int (*claim)(void *ctx, const char *file_name), void *claim_ctx,
                      char **tmp_out)
{
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    int error;
    if ((error = sc_ecert_issue(&r, rc->tpl, data, &rc->io)) < 0 ||
        (claim && (error = claim(claim_ctx, (const char *)r.file_name.ptr)) < 0))
        goto done;
    sc_buf_clear(path_out);
    if ((error = sc_buf_printf(path_out, "%s/%s", rc->dir, (const char *)r.file_name.ptr)) < 0)
        goto done;
    error = tmp_out ? sc_fs_write_temp(tmp_out, (const char *)path_out->ptr, r.ofd.ptr, r.ofd.size,
                                       rc->force, 0644)
                    : sc_fs_write_atomic((const char *)path_out->ptr, r.ofd.ptr, r.ofd.size,
                                         rc->force, 0644);
done:
    sc_ecert_issued_dispose(&r);
    return error;
}

/* ---- batch ----
 *
 * Lines go in chunks of BATCH_CHUNK: the workers parse a chunk's lines, one thread checks their
 * identifiers against every earlier line's, the workers issue the chunk. Each line is parsed
 * once, and at most a chunk of parsed data is held. */

#define BATCH_CHUNK 256

typedef struct {
    const char *text; /* the line, borrowed from the file's bytes */
    size_t len;
    size_t number;       /* 1-based line number */
    int error;           /* 0 or the library code */
    char *message;       /* the error message or the path written, owned */
    sc_ecert_data *data; /* parsed, until issued; owned */
    char *tmp;           /* issued, written here, until renamed to message; owned */
} batch_line;

/* The identifiers seen so far (issuer, type, accreditation, serial, revision), each with the
 * line that had it first: open addressing, FNV-1a. */
typedef struct {
    char **keys; /* owned; NULL: empty slot */
    size_t *lines;
    size_t cap, count;
} id_set;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of @p key, or of the empty slot it would go to. */
static size_t id_slot(const id_set *set, const char *key)
{
    size_t i = (size_t)fnv1a(key) & (set->cap - 1);
    while (set->keys[i] && strcmp(set->keys[i], key) != 0)
        i = (i + 1) & (set->cap - 1);
    return i;
}

/* 1 and *@p first when @p key was seen (the key stays the caller's); 0 when added (the set takes
 * it); SC_ENOMEM. */
static int id_set_add(id_set *set, char *key, size_t line, size_t *first)
{
    if (2 * (set->count + 1) > set->cap) {
        id_set g = {sc_calloc(set->cap ? 2 * set->cap : 1024, sizeof(char *)),
                    sc_calloc(set->cap ? 2 * set->cap : 1024, sizeof(size_t)),
                    set->cap ? 2 * set->cap : 1024, set->count};
        if (!g.keys || !g.lines) {
            sc_free(g.keys);
            sc_free(g.lines);
            return sc_error_oom();
        }
        for (size_t i = 0; i < set->cap; i++)
            if (set->keys[i]) {
                size_t k = id_slot(&g, set->keys[i]);
                g.keys[k] = set->keys[i], g.lines[k] = set->lines[i];
            }
        sc_free(set->keys);
        sc_free(set->lines);
        *set = g;
    }
    size_t k = id_slot(set, key);
    if (set->keys[k]) {
        *first = set->lines[k];
        return 1;
    }
    set->keys[k] = key, set->lines[k] = line, set->count++;
    return 0;
}

static void id_set_dispose(id_set *set)
{
    for (size_t i = 0; i < set->cap; i++)
        sc_free(set->keys[i]);
    sc_free(set->keys);
    sc_free(set->lines);
}

typedef struct {
    const run_ctx *rc;
    batch_line *lines;
    size_t count;
    size_t end;                       /* the current chunk's end */
    atomic_size_t next, done, failed; /* next: the next line of the chunk to take */
    pthread_mutex_t lock;             /* serialises progress output and names */
    id_set names;                     /* the file names written, lower case, with their lines */
    bool progress;                    /* stderr is a terminal */
    bool sync_failed;                 /* a directory sync failed (reported once) */
    struct timespec start;
} batch;

static double elapsed(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void show_progress(batch *b, bool final)
{
    size_t done = atomic_load(&b->done), failed = atomic_load(&b->failed);
    double t = elapsed(&b->start);
    int width = 30, filled = b->count ? (int)((double)width * (double)done / (double)b->count) : 0;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    pthread_mutex_lock(&b->lock);
    sc_out_to(stderr, "\r[%s] %zu/%zu  %zu failed  %.0f/s%s", bar, done, b->count, failed,
              t > 0 ? (double)done / t : 0.0, final ? "\n" : "");
    pthread_mutex_unlock(&b->lock);
}

static void line_failed(batch_line *l, int error)
{
    l->error = error;
    l->message = sc_strdup(sc_error_last()->message);
}

static void *parse_worker(void *payload)
{
    batch *b = payload;
    size_t i;
    while ((i = atomic_fetch_add(&b->next, 1)) < b->end) {
        batch_line *l = &b->lines[i];
        int error = parse_data(&l->data, b->rc, l->text, l->len);
        if (error < 0)
            line_failed(l, error);
    }
    return NULL;
}

/* A file name a line of the batch writes: taken by no other line (names equal but for case are
 * one file on some file systems), whatever --force says. */
typedef struct {
    batch *b;
    size_t line;
} name_claim;

static int claim_name(void *ctx, const char *file_name)
{
    name_claim *c = ctx;
    char *key = sc_strdup(file_name);
    size_t first = 0;
    int taken;
    if (!key)
        return sc_error_oom();
    for (char *k = key; *k; k++)
        if (*k >= 'A' && *k <= 'Z')
            *k = (char)(*k - 'A' + 'a');
    pthread_mutex_lock(&c->b->lock);
    taken = id_set_add(&c->b->names, key, c->line, &first);
    pthread_mutex_unlock(&c->b->lock);
    if (taken != 0)
        sc_free(key);
    if (taken < 0)
        return sc_error_oom();
    if (taken == 1) {
        const char *base = strrchr(file_name, '/');
        return sc_error_set(SC_EEXISTS,
                            "number: the file name %s is that of line %zu of this batch; one "
                            "certificate per file",
                            base ? base + 1 : file_name, first);
    }
    return 0;
}

static void *issue_worker(void *payload)
{
    batch *b = payload;
    sc_buf path = SC_BUF_INIT;
    size_t i;
    while ((i = atomic_fetch_add(&b->next, 1)) < b->end) {
        batch_line *l = &b->lines[i];
        if (l->data) {
            if ((l->error = issue_data(&path, b->rc, l->data, NULL, NULL, &l->tmp)) < 0)
                line_failed(l, l->error);
            else
                l->message = sc_strdup((const char *)path.ptr);
            sc_ecert_data_free(l->data);
            l->data = NULL;
        }
        if (l->error < 0)
            atomic_fetch_add(&b->failed, 1);
        size_t done = atomic_fetch_add(&b->done, 1) + 1;
        if (b->progress && (done % 16 == 0 || done == b->count))
            show_progress(b, false);
    }
    sc_buf_dispose(&path);
    return NULL;
}

/* The chunk's certificates, written to temporaries: one sync of the file system for all of
 * them, then each renamed into place, then one sync of the directory (sc_fs_write_temp), so a
 * batch pays one disk flush per chunk rather than two per certificate. */
static void commit_chunk(batch *b, size_t from)
{
    int error = 0;
    bool any = false;
    for (size_t i = from; i < b->end && !any; i++)
        any = b->lines[i].tmp != NULL;
    if (!any)
        return;
    error = sc_fs_sync_dir(b->rc->dir, true);
    for (size_t i = from; i < b->end; i++) {
        batch_line *l = &b->lines[i];
        if (!l->tmp)
            continue;
        /* In line order, so that of two lines with one file name the later one fails. */
        name_claim claim = {b, l->number};
        int e = error < 0     ? error
                : !l->message ? sc_error_oom() /* the worker could not keep the path */
                              : claim_name(&claim, l->message);
        if (e == 0)
            e = sc_fs_commit(l->tmp, l->message, b->rc->force);
        else
            unlink(l->tmp);
        if (e < 0) {
            sc_free(l->message);
            l->error = e;
            l->message = sc_strdup(sc_error_last()->message);
            atomic_fetch_add(&b->failed, 1);
        }
        sc_free(l->tmp);
        l->tmp = NULL;
    }
    if (error == 0 && sc_fs_sync_dir(b->rc->dir, false) < 0 && !b->sync_failed) {
        /* The files are in place, but their names may not survive a crash: say so. */
        b->sync_failed = true;
        sc_out_err(b->rc->dir, NULL,
                   "%s; the certificates are written, but a crash now could "
                   "lose their names",
                   sc_error_last()->message);
    }
}

/* Lines [from, b->end) through @p fn on @p jobs threads, this one included. */
static void run_chunk(batch *b, size_t from, void *(*fn)(void *), long jobs)
{
    pthread_t threads[64];
    long started;
    atomic_store(&b->next, from);
    for (started = 0; started < jobs - 1; started++)
        if (pthread_create(&threads[started], NULL, fn, b) != 0)
            break;
    fn(b);
    for (long i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}

/*
 * T/CMA 4.5.3: identifiers are unique. Two lines whose data give the same identifier (issuer,
 * type, accreditation, serial, revision) would make two certificates of one identity, the
 * second possibly replacing the first's file: the later line fails, naming the earlier one,
 * whatever -j is. Lines [from, b->end), parsed, against every earlier line.
 */
static int mark_duplicate_ids(batch *b, id_set *seen, size_t from)
{
    for (size_t i = from; i < b->end; i++) {
        batch_line *l = &b->lines[i];
        if (!l->data)
            continue;
        const sc_ecert_fields *f = sc_ecert_data_fields(l->data);
        /* The identifier, and the certificate number of the issuer ('#' keys). */
        for (int pass = 0; pass < 2 && l->data; pass++) {
            sc_buf k = SC_BUF_INIT;
            size_t first = 0;
            int error =
                pass == 0 ? sc_buf_printf(&k, "%s\x1f%d\x1f%s\x1f%s\x1f%d", f->issuer.org_code,
                                          f->type, f->issuer.accreditation, f->serial, f->revision)
                          : sc_buf_printf(&k, "#%s\x1f%s", f->issuer.org_code, f->number);
            if (error == 0 && (error = id_set_add(seen, (char *)k.ptr, l->number, &first)) == 0)
                k = (sc_buf)SC_BUF_INIT; /* the set has it */
            sc_buf_dispose(&k);
            if (error < 0)
                return error;
            if (error == 0)
                continue;
            if ((error = pass == 0
                             ? sc_buf_printf(&k,
                                             "serial: the identifier (issuer, type, "
                                             "accreditation, serial, revision) is that of line "
                                             "%zu of this batch; identifiers are unique (T/CMA "
                                             "4.5.3)",
                                             first)
                             : sc_buf_printf(&k,
                                             "number: %s is the number of line %zu of this "
                                             "batch; certificate numbers are unique",
                                             f->number, first)) < 0)
                return error;
            l->error = SC_EEXISTS;
            sc_ecert_data_free(l->data);
            l->data = NULL;
            l->message = (char *)sc_buf_detach(&k, NULL);
        }
    }
    return 0;
}

/* Split the file into non-blank lines (JSON Lines: one object per line). */
static int split_lines(batch_line **out, size_t *count, const sc_buf *file)
{
    size_t n = 0, cap = 0, number = 0;
    batch_line *lines = NULL;
    const char *p = (const char *)file->ptr, *end = p + file->size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        number++;
        const char *q = p;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < e) {
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                batch_line *g = sc_realloc(lines, cap * sizeof(*g));
                if (!g) {
                    sc_free(lines);
                    return sc_error_oom();
                }
                lines = g;
            }
            lines[n++] = (batch_line){p, (size_t)(e - p), number, 0, NULL, NULL, NULL};
        }
        p = nl ? nl + 1 : end;
    }
    *out = lines;
    *count = n;
    return 0;
}

static int run_batch(const run_ctx *rc, const char *file_name, long jobs)
{
    sc_buf file = SC_BUF_INIT;
    batch b = {0};
    id_set seen = {0};
    int code = SC_EXIT_OK, error;

    if ((error = sc_fs_read_file(&file, sc_cli_input(file_name), BATCH_MAX_SIZE)) < 0)
        return sc_out_lib_error(file_name, error);
    if ((error = split_lines(&b.lines, &b.count, &file)) < 0) {
        code = sc_out_lib_error(file_name, error);
        goto done;
    }
    b.rc = rc;
    b.progress = isatty(STDERR_FILENO);
    pthread_mutex_init(&b.lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b.start);
    size_t issued_to = 0; /* lines [0, issued_to) went through */
    for (size_t from = 0; from < b.count; from = b.end) {
        b.end = from + BATCH_CHUNK < b.count ? from + BATCH_CHUNK : b.count;
        run_chunk(&b, from, parse_worker, jobs);
        if ((error = mark_duplicate_ids(&b, &seen, from)) < 0) {
            code = sc_out_lib_error(file_name, error);
            break;
        }
        run_chunk(&b, from, issue_worker, jobs);
        commit_chunk(&b, from);
        issued_to = b.end;
    }
    if (b.progress)
        show_progress(&b, true);
    double t = elapsed(&b.start);
    for (size_t i = 0; i < issued_to; i++) {
        batch_line *l = &b.lines[i];
        char where[64];
        snprintf(where, sizeof(where), "%s:%zu", file_name, l->number);
        if (l->error < 0) {
            sc_out_err(where, NULL, "%s", l->message ? l->message : "out of memory");
            code = sc_exit_worst(code, SC_EXIT_ERROR);
        } else {
            sc_out("%s\n", l->message ? l->message : "");
        }
    }
    if (b.sync_failed)
        code = sc_exit_worst(code, SC_EXIT_ERROR);
    size_t failed = atomic_load(&b.failed);
    sc_out_to(stderr, "sealcert: issue: %zu issued, %zu failed, %zu lines, %.2f s (%.0f/s)\n",
              issued_to - failed, failed, b.count, t,
              t > 0 ? (double)(issued_to - failed) / t : 0.0);
    pthread_mutex_destroy(&b.lock);
done:
    for (size_t i = 0; i < b.count; i++) {
        sc_free(b.lines[i].message);
        sc_ecert_data_free(b.lines[i].data);
        if (b.lines[i].tmp)
            unlink(b.lines[i].tmp);
        sc_free(b.lines[i].tmp);
    }
    sc_free(b.lines);
    id_set_dispose(&seen);
    id_set_dispose(&b.names);
    sc_buf_dispose(&file);
    return code;
}

/* ---- revisions ---- */

/* The identifier parts of an earlier certificate, from its CustomTags. */
static int read_earlier(sc_ecert_tags *tags, sc_ecert_id **id, const char *opt, const char *path)
{
    sc_ofd *ofd = NULL;
    int error;
    char where[512];
    snprintf(where, sizeof(where), "--%s: %s", opt, path);
    sc_ofd_report *rep = NULL;
    if ((error = sc_ofd_open_file(&ofd, path, NULL)) < 0 ||
        (error = sc_ofd_verify(&rep, ofd, NULL)) < 0 ||
        (error = sc_ecert_tags_read(tags, ofd)) < 0 ||
        (error = sc_ecert_id_parse(id, tags->id)) < 0) {
        sc_ofd_report_free(rep);
        sc_ofd_free(ofd);
        return sc_out_lib_error(where, error);
    }
    /* A correction or a supplement builds on what the certificate says: only on a genuine one. */
    sc_verdict verdict = sc_ofd_report_verdict(rep);
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    if (verdict != SC_VERDICT_VALID) {
        sc_out_err(where, NULL, "its seal does not verify (`sealcert verify` says why)");
        return SC_EXIT_INVALID;
    }
    return 0;
}

static int parse_code(unsigned *out, const char *v)
{
    if (!v || strcmp(v, "gm") == 0)
        *out = SC_ECERT_CODES_GM;
    else if (strcmp(v, "qr") == 0)
        *out = SC_ECERT_CODES_QR;
    else if (strcmp(v, "both") == 0)
        *out = SC_ECERT_CODES_BOTH;
    else {
        sc_out_err(NULL, NULL, "--code: '%s': expected gm, qr or both", v);
        return SC_EXIT_ERROR;
    }
    return 0;
}

static int run_issue(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *dir = sc_opt_get(opts, "out"), *data_file = sc_opt_get(opts, "data");
    const char *batch_file = sc_opt_get(opts, "batch");
    run_ctx rc = {0};
    sc_cli_pass pass;
    sc_ecert_template *tpl = NULL;
    sc_seal *seal = NULL;
    sc_key *key = NULL;
    sc_cert *cert = NULL;
    sc_ecert_tags earlier = {0};
    sc_ecert_id *earlier_id = NULL;
    const char **attach = NULL;
    sc_ecert_attachment *atts = NULL;
    sc_buf *att_bytes = NULL, data = SC_BUF_INIT, path = SC_BUF_INIT;
    size_t natt = 0;
    long jobs = 1;
    int code, error;
    struct stat st;

    memset(&pass, 0, sizeof(pass));
    rc.io = (sc_ecert_issue_options)SC_ECERT_ISSUE_OPTIONS_INIT;
    rc.revision = -1;
    if (!data_file == !batch_file)
        return sc_cli_usage_error(cmd, "give one of --data and --batch");
    if (sc_opt_has(opts, "supersedes") && sc_opt_has(opts, "supplement-to"))
        return sc_cli_usage_error(cmd, "--supersedes and --supplement-to exclude each other");
    if ((code = sc_cli_pass_init(&pass, opts, "pass-env", "pass-file")) != 0 ||
        (code = parse_code(&rc.io.codes, sc_opt_get(opts, "code"))) != 0 ||
        (sc_opt_has(opts, "time") &&
         (code = sc_cli_parse_time(&rc.io.time, "time", sc_opt_get(opts, "time"))) != 0) ||
        (sc_opt_has(opts, "jobs") &&
         (code = sc_cli_parse_int(&jobs, "jobs", sc_opt_get(opts, "jobs"), 1, 64)) != 0))
        goto done;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        sc_out_err("--out", dir, "not a directory");
        code = SC_EXIT_ERROR;
        goto done;
    }
    if ((error = sc_ecert_template_load(&tpl, sc_opt_get(opts, "template"))) < 0) {
        code = sc_out_lib_error("--template", error);
        goto done;
    }
    if ((error = sc_seal_read_file(&seal, sc_opt_get(opts, "seal"))) < 0) {
        code = sc_out_lib_error(sc_opt_get(opts, "seal"), error);
        goto done;
    }
    if ((code = sc_cli_read_key_and_cert(&key, &cert, cmd, "key", sc_opt_get(opts, "key"), "cert",
                                         sc_opt_get(opts, "cert"), &pass,
                                         "the signer seals the certificate")) != 0)
        goto done;
    if (sc_opt_has(opts, "supersedes")) {
        if ((code = read_earlier(&earlier, &earlier_id, "supersedes",
                                 sc_opt_get(opts, "supersedes"))) != 0)
            goto done;
        if (earlier_id->revision >= 9) {
            sc_out_err("--supersedes", sc_opt_get(opts, "supersedes"),
                       "revision 9 is the last one a T/CMA identifier can count");
            code = SC_EXIT_ERROR;
            goto done;
        }
        rc.revision = earlier_id->revision + 1;
        rc.io.supersedes = earlier.number;
        rc.io.earlier = earlier_id;
        /* The correction of a supplementary file is a supplementary file too. */
        if (earlier.supplement_to && *earlier.supplement_to)
            rc.io.supplement_to = earlier.supplement_to;
    } else if (sc_opt_has(opts, "supplement-to")) {
        if ((code = read_earlier(&earlier, &earlier_id, "supplement-to",
                                 sc_opt_get(opts, "supplement-to"))) != 0)
            goto done;
        rc.io.supplement_to = earlier_id->serial;
        rc.io.earlier = earlier_id;
    }
    if ((natt = sc_opt_all(opts, "attach", &attach)) == (size_t)-1) {
        code = sc_out_lib_error(NULL, SC_ENOMEM);
        goto done;
    }
    if (natt && (!(atts = sc_calloc(natt, sizeof(*atts))) ||
                 !(att_bytes = sc_calloc(natt, sizeof(*att_bytes))))) {
        code = sc_out_lib_error(NULL, SC_ENOMEM);
        goto done;
    }
    for (size_t i = 0; i < natt; i++) {
        if ((error = sc_fs_read_file(&att_bytes[i], attach[i], SC_OFD_MAX_FILE_SIZE)) < 0) {
            code = sc_out_lib_error(attach[i], error);
            goto done;
        }
        const char *base = strrchr(attach[i], '/');
        atts[i] =
            (sc_ecert_attachment){base ? base + 1 : attach[i], att_bytes[i].ptr, att_bytes[i].size};
    }
    rc.tpl = tpl;
    rc.dir = dir;
    rc.force = sc_opt_has(opts, "force");
    /* The root code is configuration (T/CMA 4.5.5), never a made-up default: identifiers
     * never change once issued (4.5.4). */
    rc.io.id_root = sc_opt_get(opts, "id-root");
    if (!rc.io.id_root && getenv("SEALCERT_ID_ROOT") && *getenv("SEALCERT_ID_ROOT"))
        rc.io.id_root = getenv("SEALCERT_ID_ROOT");
    rc.io.seal = seal;
    rc.io.key = key;
    rc.io.cert = cert;
    rc.io.riding = sc_opt_has(opts, "riding");
    rc.io.attachments = atts;
    rc.io.attachment_count = natt;
    if (batch_file) {
        code = run_batch(&rc, batch_file, jobs);
        goto done;
    }
    if ((error = sc_fs_read_file(&data, sc_cli_input(data_file), SC_ECERT_MAX_DATA_SIZE)) < 0) {
        code = sc_out_lib_error(data_file, error);
        goto done;
    }
    sc_ecert_data *parsed = NULL;
    if ((error = parse_data(&parsed, &rc, (const char *)data.ptr, data.size)) < 0 ||
        (error = issue_data(&path, &rc, parsed, NULL, NULL, NULL)) < 0) {
        sc_ecert_data_free(parsed);
        code = sc_out_lib_error(data_file, error);
        goto done;
    }
    sc_ecert_data_free(parsed);
    sc_out("%s\n", (const char *)path.ptr);
    code = SC_EXIT_OK;
done:
    for (size_t i = 0; att_bytes && i < natt; i++)
        sc_buf_dispose(&att_bytes[i]);
    sc_free(att_bytes);
    sc_free(atts);
    sc_free(attach);
    sc_buf_dispose(&data);
    sc_buf_dispose(&path);
    sc_ecert_id_free(earlier_id);
    sc_ecert_tags_dispose(&earlier);
    sc_ecert_template_free(tpl);
    sc_seal_free(seal);
    sc_key_free(key);
    sc_cert_free(cert);
    sc_cli_pass_dispose(&pass);
    return code;
}

static const sc_cli_cmd cmd_issue = {
    .name = "issue",
    .summary = "issue sealed metrology electronic certificates from a template and data",
    .args = NULL,
    .min_args = 0,
    .max_args = 0,
    .description =
        "Lay a certificate's data (JSON, docs/formats/ecert-data.md) out on a template\n"
        "(docs/templates.md): A4 pages, the cover, tables flowing over pages with their header\n"
        "repeated, the notice and page numbers on every page, a 25 mm code on page 1 that covers\n"
        "nothing, the identifier in CustomTags; embed font subsets and attachments, seal it, and\n"
        "write it into DIR under its T/CMA 4.4 file name, printed on stdout. --batch issues one\n"
        "certificate per line: failed lines are reported with their line number while the others\n"
        "are issued (exit 2 when any failed).",
    .options = issue_options,
    .examples =
        "sealcert issue --template calibration --data cert.json --seal seal.esl --key signer.key "
        "--cert signer.pem -o out\n"
        "sealcert issue -t calibration --batch certs.jsonl -j 2 --seal seal.esl --key signer.key "
        "--cert signer.pem -o out\n"
        "sealcert issue -t calibration --data fixed.json --supersedes "
        "out/校准电子证书-JZ2026-000123-数字多用表-MY5700123.ofd --seal seal.esl --key signer.key "
        "--cert signer.pem -o out",
    .run = run_issue,
};

const sc_cli_cmd *const sc_cmd_issue_leaves[] = {&cmd_issue, NULL};

int sc_cmd_issue_main(int argc, char **argv)
{
    return sc_cli_run(&cmd_issue, argc - 1, argv + 1);
}
