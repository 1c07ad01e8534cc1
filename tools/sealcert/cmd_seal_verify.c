/* sealcert seal verify: verify electronic seals (GB/T 38540-2020 clause 8 / GM/T 0031-2014):
 * maker signature, maker certificate, validity window, certList, picture, and optionally the
 * maker's chain to a trust directory. One verdict per file; the worst exit code wins. */
#include <string.h>

#include "seal.h"

static const sc_opt_spec verify_options[] = {
    {"at", 0, "TIME", "check validity at this time (RFC 3339 or YYYY-MM-DD; default now)", 0},
    {"trust", 't', "DIR", "check the maker's certificate chain against the roots in DIR", 0},
    {"json", 'j', NULL, "print one JSON object (docs/cli/schema/seal-verify.json)", 0},
    {NULL, 0, NULL, NULL, 0},
};

/* What a file came to: a report, or the error that kept it from being checked. */
typedef struct {
    const char *path;  /* borrowed from argv */
    sc_report *report; /* owned; NULL when the file could not be checked */
    int error;         /* the library code when report is NULL */
    char *message;     /* owned; the error message when report is NULL */
    int code;          /* exit code for this file */
} file_result;

static json_t *findings_json(const sc_report *r)
{
    json_t *a = json_array();
    for (size_t i = 0; r && i < sc_report_count(r); i++) {
        const sc_finding *f = sc_report_get(r, i);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "check", f->check, "status",
                                           sc_status_name(f->status), "field", f->field, "message",
                                           f->message));
    }
    return a;
}

static json_t *file_json(const file_result *fr)
{
    json_t *o;
    if (fr->report)
        return json_pack("{s:s, s:s, s:i, s:o}", "file", fr->path, "verdict",
                         sc_verdict_name(sc_report_verdict(fr->report)), "exit_code", fr->code,
                         "findings", findings_json(fr->report));
    o = json_pack("{s:s, s:s, s:i, s:o, s:{s:s, s:s}}", "file", fr->path, "verdict", "error",
                  "exit_code", fr->code, "findings", json_array(), "error", "code",
                  sc_error_name(fr->error), "message", fr->message ? fr->message : "");
    return o;
}

static void print_text(const file_result *fr)
{
    if (!fr->report) {
        sc_out("%s: error\n", fr->path);
        return;
    }
    /* Columns: status, check, then "field: message"; the check column fits the longest. */
    int width = 0;
    for (size_t i = 0; i < sc_report_count(fr->report); i++) {
        int n = (int)strlen(sc_report_get(fr->report, i)->check);
        width = n > width ? n : width;
    }
    sc_out("%s: %s\n", fr->path, sc_verdict_name(sc_report_verdict(fr->report)));
    for (size_t i = 0; i < sc_report_count(fr->report); i++) {
        const sc_finding *f = sc_report_get(fr->report, i);
        sc_out("  %-11s %-*s  %s%s%s\n", sc_status_name(f->status), width, f->check, f->field,
               *f->field ? ": " : "", f->message);
    }
}

/* The verdict over several files: an error is worse than any verdict. */
static int run_verify(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    sc_seal_verify_options vo = SC_SEAL_VERIFY_OPTIONS_INIT;
    const char *at = sc_opt_get(opts, "at"), *trust_dir = sc_opt_get(opts, "trust");
    bool json = sc_opt_has(opts, "json");
    sc_trust *trust = NULL;
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
    if (!(frs = sc_calloc(n, sizeof(*frs)))) {
        code = sc_out_lib_error(NULL, SC_ENOMEM);
        goto done;
    }
    /* Every file is checked even after a failure, so one run reports on all of them. */
    for (size_t i = 0; i < n; i++) {
        file_result *fr = &frs[i];
        sc_seal *seal = NULL;
        fr->path = opts->args[i];
        if ((error = sc_seal_read_file(&seal, sc_cli_input(fr->path))) < 0 ||
            (error = sc_seal_verify(&fr->report, seal, &vo)) < 0) {
            fr->error = error;
            fr->message = sc_strdup(sc_error_last()->message);
            fr->code = sc_out_lib_error(fr->path, error);
        } else {
            fr->code = sc_exit_code(0, fr->report);
        }
        sc_seal_free(seal);
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
                verdicts[i] = frs[i].report ? (int)sc_report_verdict(frs[i].report) : -1;
            }
            code = sc_out_files_json(objs, verdicts, n, code);
        }
        sc_free(objs);
        sc_free(verdicts);
    }
done:
    for (size_t i = 0; frs && i < n; i++) {
        sc_report_free(frs[i].report);
        sc_free(frs[i].message);
    }
    sc_free(frs);
    sc_trust_free(trust);
    return code;
}

const sc_cli_cmd sc_cmd_seal_verify = {
    .name = "seal verify",
    .summary = "verify electronic seals",
    .args = "FILE...",
    .min_args = 1,
    .max_args = SIZE_MAX,
    .description =
        "Verify each seal and print its verdict (valid, untrusted, unsupported, invalid) and one\n"
        "line per check: maker_signature (over the signed bytes as received), maker_certificate,\n"
        "validity (validStart <= time <= validEnd), cert_list, picture, and chain when --trust\n"
        "names a directory of trusted root certificates. Exit code 0 when every seal is valid,\n"
        "1 when some check failed (e.g. an expired seal), 2 when a file cannot be read or parsed;\n"
        "with several files the worst code wins.",
    .options = verify_options,
    .examples = "sealcert seal verify seal.esl --trust ca\n"
                "sealcert seal verify UserV4.esl --at 2021-06-01T00:00:00Z --json",
    .run = run_verify,
};
