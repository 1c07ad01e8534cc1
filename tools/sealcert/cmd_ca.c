/* sealcert ca: a small test CA in a directory (ca.key + ca.pem) that issues seal-maker and
 * signer certificates with the GB/T 20518 profiles of lib/sm. For tests and demos, not for a
 * production PKI (no serial database, no revocation). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Ten years: a test root should outlive everything it issues. */
#define CA_DEFAULT_DAYS   3650
#define LEAF_DEFAULT_DAYS 365

static void print_cert(const char *path, const char *what, const sc_cert *cert)
{
    char nb[21], na[21];
    sc_time_format(nb, sc_cert_not_before(cert));
    sc_time_format(na, sc_cert_not_after(cert));
    sc_out("wrote %s (%s)\n  subject: %s\n  issuer:  %s\n  serial:  %s\n  valid:   %s to %s\n",
           path, what, sc_cert_subject(cert), sc_cert_issuer(cert), sc_cert_serial(cert), nb, na);
}

static char *path_join(const char *dir, const char *name)
{
    sc_buf b = SC_BUF_INIT;
    size_t n = strlen(dir);
    if (sc_buf_printf(&b, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name) < 0)
        return NULL;
    return (char *)sc_buf_detach(&b, NULL);
}

static char *path_concat(const char *base, const char *ext)
{
    sc_buf b = SC_BUF_INIT;
    if (sc_buf_printf(&b, "%s%s", base, ext) < 0)
        return NULL;
    return (char *)sc_buf_detach(&b, NULL);
}

/* Refuse before writing anything, so a half-made CA or key pair never results. */
static int check_absent(const char *opt, const char *path, bool force)
{
    struct stat st;
    if (!force && lstat(path, &st) == 0) {
        sc_out_err(opt, path, "file exists (use --force to overwrite)");
        return SC_EXIT_ERROR;
    }
    return 0;
}

/* ---- ca init ------------------------------------------------------------------------------ */

static const sc_opt_spec init_options[] = {
    {"dir", 'd', "DIR", "the CA directory; created if missing (ca.key, ca.pem)", SC_OPT_REQUIRED},
    {"subject", 's', "DN", "subject of the root, RFC 4514: \"CN=Test Root,O=Example,C=CN\"",
     SC_OPT_REQUIRED},
    {"days", 0, "N", "validity in days from now (default 3650)", 0},
    {"not-before", 0, "TIME", "start of validity (RFC 3339 or YYYY-MM-DD; default now)", 0},
    {"not-after", 0, "TIME", "end of validity (RFC 3339 or YYYY-MM-DD)", 0},
    {"pass-env", 0, "VAR", "encrypt ca.key with the password in environment variable VAR", 0},
    {"pass-file", 0, "FILE", "encrypt ca.key with the password on the first line of FILE", 0},
    {"force", 'f', NULL, "replace an existing ca.key and ca.pem", 0},
    {NULL, 0, NULL, NULL, 0},
};

static int run_init(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *dir = sc_opt_get(opts, "dir");
    bool force = sc_opt_has(opts, "force");
    sc_cert_issue_options io = SC_CERT_ISSUE_OPTIONS_INIT;
    sc_cli_pass pass;
    sc_key *key = NULL;
    sc_cert *cert = NULL;
    sc_buf keypem = SC_BUF_INIT, certpem = SC_BUF_INIT;
    char *keypath = NULL, *certpath = NULL;
    bool created_dir = false;
    int code, error;

    (void)cmd;
    if ((code = sc_cli_pass_init(&pass, opts, "pass-env", "pass-file")) != 0)
        goto done;
    if ((code = sc_cli_validity(&io.not_before, &io.not_after, &io.days, opts, CA_DEFAULT_DAYS)) !=
        0)
        goto done;
    io.profile = SC_CERT_ROOT_CA;
    io.subject = sc_opt_get(opts, "subject");
    if (!(keypath = path_join(dir, "ca.key")) || !(certpath = path_join(dir, "ca.pem"))) {
        code = sc_out_lib_error(NULL, SC_ENOMEM);
        goto done;
    }
    if (mkdir(dir, 0700) == 0) {
        created_dir = true;
    } else if (errno != EEXIST) {
        sc_out_err("--dir", dir, "cannot create directory: %s", strerror(errno));
        code = SC_EXIT_ERROR;
        goto done;
    }
    if ((code = check_absent("--dir", keypath, force)) != 0 ||
        (code = check_absent("--dir", certpath, force)) != 0)
        goto done;
    if ((error = sc_key_generate(&key)) < 0) {
        code = sc_out_lib_error(NULL, error);
        goto done;
    }
    if ((error = sc_cert_issue(&cert, key, key, NULL, &io)) < 0) {
        code = sc_out_lib_error(error == SC_EINVALID ? "--subject" : NULL, error);
        goto done;
    }
    if ((error = sc_key_write_pem(&keypem, key, pass.value)) < 0 ||
        (error = sc_cert_write_pem(&certpem, cert)) < 0) {
        code = sc_out_lib_error(NULL, error);
        goto done;
    }
    if ((code = sc_cli_write("dir", keypath, keypem.ptr, keypem.size, force, 0600)) != 0 ||
        (code = sc_cli_write("dir", certpath, certpem.ptr, certpem.size, force, 0644)) != 0)
        goto done;
    sc_out("wrote %s (CA private key%s, mode 0600)\n", keypath, pass.value ? ", encrypted" : "");
    print_cert(certpath, "root CA certificate", cert);
done:
    /* Leave no empty CA directory behind when nothing could be written into it. */
    if (code != 0 && created_dir)
        rmdir(dir);
    sc_buf_dispose(&keypem);
    sc_buf_dispose(&certpem);
    sc_free(keypath);
    sc_free(certpath);
    sc_cert_free(cert);
    sc_key_free(key);
    sc_cli_pass_dispose(&pass);
    return code;
}

static const sc_cli_cmd cmd_ca_init = {
    .name = "ca init",
    .summary = "create a self-signed SM2 root CA in a directory",
    .args = NULL,
    .min_args = 0,
    .max_args = 0,
    .description =
        "Generate an SM2 key and a self-signed root certificate (CA:TRUE critical, keyCertSign "
        "and\n"
        "cRLSign) and write them to DIR/ca.key (mode 0600; encrypted with --pass-env/--pass-file)\n"
        "and DIR/ca.pem. The directory can then be given to 'sealcert ca issue --ca DIR' and, as "
        "a\n"
        "trust directory, to 'sealcert seal verify --trust DIR'. Meant for tests and demos.",
    .options = init_options,
    .examples = "sealcert ca init --dir ca --subject \"CN=Test Root CA,O=Example Lab,C=CN\"\n"
                "sealcert ca init --dir ca --subject \"CN=Test Root CA,C=CN\" --not-before "
                "2026-01-01 --not-after 2036-01-01",
    .run = run_init,
};

/* ---- ca issue ----------------------------------------------------------------------------- */

static const sc_opt_spec issue_options[] = {
    {"ca", 0, "DIR", "the CA directory made by 'sealcert ca init'", SC_OPT_REQUIRED},
    {"profile", 'p', "PROFILE", "seal-maker (制章人) or signer (签章人)", SC_OPT_REQUIRED},
    {"subject", 's', "DN", "subject, RFC 4514: \"CN=Seal Maker,O=Example,C=CN\"", SC_OPT_REQUIRED},
    {"out", 'o', "NAME", "write NAME.pem (certificate) and NAME.key (new key)", SC_OPT_REQUIRED},
    {"key", 'k', "KEY", "certify this existing key instead of generating one (no NAME.key)", 0},
    {"days", 0, "N", "validity in days from now (default 365)", 0},
    {"not-before", 0, "TIME", "start of validity (RFC 3339 or YYYY-MM-DD; default now)", 0},
    {"not-after", 0, "TIME", "end of validity (RFC 3339 or YYYY-MM-DD)", 0},
    {"pass-env", 0, "VAR", "password of --key, or to encrypt NAME.key, from variable VAR", 0},
    {"pass-file", 0, "FILE", "password of --key, or to encrypt NAME.key, from FILE", 0},
    {"ca-pass-env", 0, "VAR", "password of the CA key from environment variable VAR", 0},
    {"ca-pass-file", 0, "FILE", "password of the CA key from the first line of FILE", 0},
    {"force", 'f', NULL, "replace existing NAME.key and NAME.pem", 0},
    {NULL, 0, NULL, NULL, 0},
};

static int run_issue(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *dir = sc_opt_get(opts, "ca"), *profile = sc_opt_get(opts, "profile"),
               *name = sc_opt_get(opts, "out"), *keyfile = sc_opt_get(opts, "key");
    bool force = sc_opt_has(opts, "force");
    sc_cert_issue_options io = SC_CERT_ISSUE_OPTIONS_INIT;
    sc_cli_pass pass, capass;
    sc_key *key = NULL, *cakey = NULL;
    sc_cert *cert = NULL, *cacert = NULL;
    sc_buf keypem = SC_BUF_INIT, certpem = SC_BUF_INIT;
    char *keypath = NULL, *certpath = NULL, *cakeypath = NULL, *cacertpath = NULL;
    int code, error;

    memset(&capass, 0, sizeof(capass));
    if ((code = sc_cli_pass_init(&pass, opts, "pass-env", "pass-file")) != 0 ||
        (code = sc_cli_pass_init(&capass, opts, "ca-pass-env", "ca-pass-file")) != 0)
        goto done;
    if (strcmp(profile, "seal-maker") == 0) {
        io.profile = SC_CERT_SEAL_MAKER;
    } else if (strcmp(profile, "signer") == 0) {
        io.profile = SC_CERT_SIGNER;
    } else {
        code = sc_cli_usage_error(cmd, "--profile: '%s' is not seal-maker or signer", profile);
        goto done;
    }
    if ((code = sc_cli_validity(&io.not_before, &io.not_after, &io.days, opts,
                                LEAF_DEFAULT_DAYS)) != 0)
        goto done;
    io.subject = sc_opt_get(opts, "subject");
    if (!(keypath = path_concat(name, ".key")) || !(certpath = path_concat(name, ".pem")) ||
        !(cakeypath = path_join(dir, "ca.key")) || !(cacertpath = path_join(dir, "ca.pem"))) {
        code = sc_out_lib_error(NULL, SC_ENOMEM);
        goto done;
    }
    if ((!keyfile && (code = check_absent("--out", keypath, force)) != 0) ||
        (code = check_absent("--out", certpath, force)) != 0)
        goto done;

    if ((code = sc_cli_read_cert(&cacert, "ca", cacertpath, &capass)) != 0 ||
        (code = sc_cli_read_key(&cakey, "ca", cakeypath, &capass)) != 0)
        goto done;
    if (!sc_key_has_private(cakey) || !sc_cert_key(cacert) ||
        !sc_key_equal_public(cakey, sc_cert_key(cacert))) {
        sc_out_err("--ca", cakeypath, "not the private key of %s", cacertpath);
        code = SC_EXIT_ERROR;
        goto done;
    }
    if (keyfile) {
        if ((code = sc_cli_read_key(&key, "key", keyfile, &pass)) != 0)
            goto done;
    } else if ((error = sc_key_generate(&key)) < 0) {
        code = sc_out_lib_error(NULL, error);
        goto done;
    }
    if ((error = sc_cert_issue(&cert, key, cakey, cacert, &io)) < 0) {
        code = sc_out_lib_error(error == SC_EINVALID ? "--subject" : NULL, error);
        goto done;
    }
    if (sc_cert_not_after(cert) > sc_cert_not_after(cacert))
        sc_out_warn("%s: the certificate outlives the CA certificate %s", certpath, cacertpath);
    if ((!keyfile && (error = sc_key_write_pem(&keypem, key, pass.value)) < 0) ||
        (error = sc_cert_write_pem(&certpem, cert)) < 0) {
        code = sc_out_lib_error(NULL, error);
        goto done;
    }
    if (!keyfile &&
        (code = sc_cli_write("out", keypath, keypem.ptr, keypem.size, force, 0600)) != 0)
        goto done;
    if ((code = sc_cli_write("out", certpath, certpem.ptr, certpem.size, force, 0644)) != 0)
        goto done;
    if (!keyfile)
        sc_out("wrote %s (SM2 private key%s, mode 0600)\n", keypath,
               pass.value ? ", encrypted" : "");
    print_cert(certpath,
               io.profile == SC_CERT_SEAL_MAKER ? "seal-maker certificate" : "signer certificate",
               cert);
done:
    sc_buf_dispose(&keypem);
    sc_buf_dispose(&certpem);
    sc_free(keypath);
    sc_free(certpath);
    sc_free(cakeypath);
    sc_free(cacertpath);
    sc_cert_free(cert);
    sc_cert_free(cacert);
    sc_key_free(key);
    sc_key_free(cakey);
    sc_cli_pass_dispose(&pass);
    sc_cli_pass_dispose(&capass);
    return code;
}

static const sc_cli_cmd cmd_ca_issue = {
    .name = "ca issue",
    .summary = "issue a seal-maker or signer certificate from a CA directory",
    .args = NULL,
    .min_args = 0,
    .max_args = 0,
    .description =
        "Issue an SM2-with-SM3 certificate signed by the CA in DIR (ca.key, ca.pem). The profile\n"
        "seal-maker is for the party that makes seals (制章人), signer for the parties whose\n"
        "certificates a seal lists (签章人); both carry digitalSignature and nonRepudiation.\n"
        "A new SM2 key is written to NAME.key (mode 0600) unless --key names an existing one;\n"
        "the certificate goes to NAME.pem.",
    .options = issue_options,
    .examples = "sealcert ca issue --ca ca --profile seal-maker --subject \"CN=Seal Maker,C=CN\" "
                "-o maker\n"
                "sealcert ca issue --ca ca --profile signer --subject \"CN=Signer,C=CN\" -o signer "
                "--days 730",
    .run = run_issue,
};

const sc_cli_cmd *const sc_cmd_ca_leaves[] = {&cmd_ca_init, &cmd_ca_issue, NULL};

int sc_cmd_ca_main(int argc, char **argv)
{
    return sc_cli_dispatch("ca", sc_cmd_ca_leaves, argc, argv);
}
