/* sealcert verify: verify the signatures of OFD documents (GB/T 33190-2016 clause 18, GB/T
 * 38540-2020 clause 9, GB/T 35275): every Reference, the SignedValue, the seal and the
 * certificates. One verdict per file; the worst exit code wins. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const sc_opt_spec verify_options[] = {
    {"at", 0, "TIME",
     "check validity at this time (RFC 3339 or YYYY-MM-DD; default: each "
     "signature's own time)",
     0},
    {"trust", 't', "DIR", "check the signer and maker chains against the roots in DIR", 0},
    {"cert", 0, "FILE", "the signer's certificate for bare SM2 signatures, which carry none", 0},
    {"strict", 0, NULL,
     "a certificate or seal outside its validity at the signing time is a failure, not a warning",
     0},
    {"json", 'j', NULL, "print one JSON object (docs/cli/schema/verify.json)", 0},
    {NULL, 0, NULL, NULL, 0},
};

/* What a file came to: a report, or the error that kept it from being checked. */
typedef struct {
    const char *path;      /* borrowed from argv */
    sc_ofd_report *report; /* owned; NULL when the file could not be checked */
    int error;             /* the library code when report is NULL */
    char *message;         /* owned; the error message when report is NULL */
    int code;              /* exit code for this file */
} file_result;

/* Findings worst first (failures at the top), in their order otherwise. */
static size_t *sorted(const sc_report *r)
{
    size_t n = sc_report_count(r), k = 0;
    size_t *idx = sc_calloc(n + 1, sizeof(*idx));
    if (!idx)
        return NULL;
    for (int s = SC_STATUS_FAIL; s >= SC_STATUS_OK; s--)
        for (size_t i = 0; i < n; i++)
            if ((int)sc_report_get(r, i)->status == s)
                idx[k++] = i;
    return idx;
}

static json_t *findings_json(const sc_report *r)
{
    json_t *a = json_array();
    size_t *idx = sorted(r);
    for (size_t k = 0; idx && k < sc_report_count(r); k++) {
        const sc_finding *f = sc_report_get(r, idx[k]);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "check", f->check, "status",
                                           sc_status_name(f->status), "field", f->field, "message",
                                           f->message));
    }
    sc_free(idx);
    return a;
}

static const char *type_name(sc_ofd_sig_type t)
{
    return t == SC_OFD_SIG_SIGN ? "Sign" : "Seal";
}

static json_t *signature_json(const sc_ofd_signature_result *s)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "id", s->id, "type",
                     type_name(s->type), "path", s->path, "provider", s->provider, "method",
                     s->method, "date", s->date, "seal_name", s->seal_name, "signer", s->signer,
                     "page_count", (json_int_t)s->page_count, "verdict",
                     sc_verdict_name(sc_report_verdict(s->report)), "findings",
                     findings_json(s->report));
}

static json_t *file_json(const file_result *fr)
{
    if (fr->report) {
        json_t *sigs = json_array();
        for (size_t i = 0; i < sc_ofd_report_signature_count(fr->report); i++)
            json_array_append_new(sigs, signature_json(sc_ofd_report_signature(fr->report, i)));
        return json_pack("{s:s, s:s, s:i, s:o, s:o}", "file", fr->path, "verdict",
                         sc_verdict_name(sc_ofd_report_verdict(fr->report)), "exit_code", fr->code,
                         "findings", findings_json(sc_ofd_report_file(fr->report)), "signatures",
                         sigs);
    }
    return json_pack("{s:s, s:s, s:i, s:o, s:o, s:{s:s, s:s}}", "file", fr->path, "verdict",
                     "error", "exit_code", fr->code, "findings", json_array(), "signatures",
                     json_array(), "error", "code", sc_error_name(fr->error), "message",
                     fr->message ? fr->message : "");
}

static void print_findings(const sc_report *r, const char *indent)
{
    int width = 0;
    size_t *idx = sorted(r);
    for (size_t i = 0; i < sc_report_count(r); i++) {
        int n = (int)strlen(sc_report_get(r, i)->check);
        width = n > width ? n : width;
    }
    for (size_t k = 0; idx && k < sc_report_count(r); k++) {
        const sc_finding *f = sc_report_get(r, idx[k]);
        sc_out("%s%-11s %-*s  %s%s%s\n", indent, sc_status_name(f->status), width, f->check,
               f->field, *f->field ? ": " : "", f->message);
    }
    sc_free(idx);
}

static void print_text(const file_result *fr)
{
    size_t n;
    if (!fr->report) {
        sc_out("%s: error\n", fr->path);
        return;
    }
    n = sc_ofd_report_signature_count(fr->report);
    sc_out("%s: %s (%zu signature%s)\n", fr->path,
           sc_verdict_name(sc_ofd_report_verdict(fr->report)), n, n == 1 ? "" : "s");
    print_findings(sc_ofd_report_file(fr->report), "  ");
    for (size_t i = 0; i < n; i++) {
        const sc_ofd_signature_result *s = sc_ofd_report_signature(fr->report, i);
        sc_out("  signature %s (%s) %s: %s\n", s->id, type_name(s->type), s->path,
               sc_verdict_name(sc_report_verdict(s->report)));
        sc_out("    provider \"%s\", date \"%s\", seal \"%s\", signer \"%s\", %zu page%s\n",
               s->provider, s->date, s->seal_name, s->signer, s->page_count,
               s->page_count == 1 ? "" : "s");
        print_findings(s->report, "    ");
    }
}

/* The verdict over several files: an error is worse than any verdict. */
static int run_verify(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    sc_ofd_verify_options vo = SC_OFD_VERIFY_OPTIONS_INIT;
    const char *at = sc_opt_get(opts, "at"), *trust_dir = sc_opt_get(opts, "trust");
    const char *cert_path = sc_opt_get(opts, "cert");
    bool json = sc_opt_has(opts, "json");
    sc_cli_pass pass = {NULL, NULL, NULL, false};
    sc_trust *trust = NULL;
    sc_cert *cert = NULL;
    sc_verify_cache *cache = NULL;
    sc_ofd_open_options oo = SC_OFD_OPEN_OPTIONS_INIT;
    file_result *frs = NULL;
    size_t n = opts->arg_count;
    int code = SC_EXIT_OK, error;

    (void)cmd;
    if (at && (code = sc_cli_parse_time(&vo.at, "at", at)) != 0)
        goto done;
    if (trust_dir) {
        if ((error = sc_trust_load_dir(&trust, trust_dir)) < 0) {
            code = sc_out_lib_error("--trust", error);
            goto done;
        }
        vo.trust = trust;
    }
    if (cert_path) {
        if ((code = sc_cli_read_cert(&cert, "cert", cert_path, &pass)) != 0)
            goto done;
        vo.cert = cert;
    }
    vo.strict = sc_opt_has(opts, "strict");
    /* Files of one producer share seals and certificates: parse and check those once. */
    if ((error = sc_verify_cache_new(&cache, 0)) < 0) {
        code = sc_out_lib_error(NULL, error);
        goto done;
    }
    vo.cache = cache;
    oo.cache = cache;
    if (!(frs = sc_calloc(n, sizeof(*frs)))) {
        code = sc_out_lib_error(NULL, SC_ENOMEM);
        goto done;
    }
    /* Every file is checked even after a failure, so one run reports on all of them. */
    for (size_t i = 0; i < n; i++) {
        file_result *fr = &frs[i];
        sc_ofd *ofd = NULL;
        fr->path = opts->args[i];
        if ((error = sc_ofd_open_file(&ofd, sc_cli_input(fr->path), &oo)) < 0 ||
            (error = sc_ofd_verify(&fr->report, ofd, &vo)) < 0) {
            fr->error = error;
            fr->message = sc_strdup(sc_error_last()->message);
            fr->code = sc_out_lib_error(fr->path, error);
        } else {
            fr->code = sc_ofd_report_verdict(fr->report) == SC_VERDICT_VALID ? SC_EXIT_OK
                                                                             : SC_EXIT_INVALID;
        }
        sc_ofd_free(ofd);
        code = sc_exit_worst(code, fr->code);
        if (!json)
            print_text(fr);
    }
    if (json) {
        json_t **objs = sc_calloc(n, sizeof(*objs));
        int *verdicts = sc_calloc(n, sizeof(*verdicts));
        if (!objs || !verdicts) {
            code = sc_out_lib_error(NULL, SC_ENOMEM);
        } else {
            for (size_t i = 0; i < n; i++) {
                objs[i] = file_json(&frs[i]);
                verdicts[i] = frs[i].report ? (int)sc_ofd_report_verdict(frs[i].report) : -1;
            }
            code = sc_out_files_json(objs, verdicts, n, code);
        }
        sc_free(objs);
        sc_free(verdicts);
    }
done:
    for (size_t i = 0; frs && i < n; i++) {
        sc_ofd_report_free(frs[i].report);
        sc_free(frs[i].message);
    }
    sc_free(frs);
    sc_cert_free(cert);
    sc_trust_free(trust);
    sc_verify_cache_free(cache);
    sc_cli_pass_dispose(&pass);
    return code;
}

static const sc_cli_cmd cmd_verify = {
    .name = "verify",
    .summary = "verify the signatures of OFD documents",
    .args = "FILE...",
    .min_args = 1,
    .max_args = SIZE_MAX,
    .description =
        "Verify every signature of each OFD file: the SM3 digest of each referenced file, the\n"
        "SignedValue (a seal signature: dataHash, the signer's SM2 signature, the seal and its\n"
        "maker's signature, certList membership; or a GB/T 35275 SignedData or bare SM2\n"
        "signature), certificate validity at the signing time (or --at), chains with --trust,\n"
        "and the files no signature covers. Exit code 0 when every signature is valid, 1 when\n"
        "some is invalid or unsupported or there is none, 2 when a file is not an OFD package;\n"
        "with several files the worst code wins.",
    .options = verify_options,
    .examples = "sealcert verify invoice.ofd\n"
                "sealcert verify signed.ofd --trust ca --json\n"
                "sealcert verify digital_sign.ofd --cert user_cert.pem",
    .run = run_verify,
};

const sc_cli_cmd *const sc_cmd_verify_leaves[] = {&cmd_verify, NULL};

int sc_cmd_verify_main(int argc, char **argv)
{
    return sc_cli_run(&cmd_verify, argc - 1, argv + 1);
}
