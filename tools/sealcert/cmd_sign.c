/* sealcert sign: put an electronic seal on an OFD document (GB/T 33190 clause 18, GB/T 38540), or
 * sign it digitally (Type="Sign", GB/T 35275 SignedData). */
#include <string.h>

#include "cli.h"

static const sc_opt_spec sign_options[] = {
    {"out", 'o', "OUT.ofd", "write the signed document here", SC_OPT_REQUIRED},
    {"seal", 0, "SEAL.esl", "the electronic seal (GB/T 38540 version 4); required unless --digital",
     0},
    {"digital", 0, NULL, "a digital signature (GB/T 35275 SignedData) without a seal", 0},
    {"key", 0, "KEY", "the signer's SM2 private key (PEM, DER or PKCS#12)", SC_OPT_REQUIRED},
    {"cert", 0, "CERT", "the signer's certificate (default: from a PKCS#12 --key)", 0},
    {"page", 0, "N", "page to stamp, counted from 1 (default: the last page)", 0},
    {"x", 0, "MM", "seal centre from the left page edge (default: 20 mm from the right edge)", 0},
    {"y", 0, "MM", "seal centre from the top page edge (default: 30 mm above the bottom)", 0},
    {"riding", 0, NULL, "riding seal (骑缝章): one slice on every page at the right edge", 0},
    {"keyword", 0, "TEXT", "centre a stamp on each occurrence of TEXT (all pages, or --page)", 0},
    {"no-seal-file", 0, NULL, "no Seal.esl beside the signature: the seal only in SignedValue.dat",
     0},
    {"time", 0, "TIME", "signing time (RFC 3339; default: now); fixes the output bytes", 0},
    {"pass-env", 0, "VAR", "the key's password is in environment variable VAR", 0},
    {"pass-file", 0, "FILE", "the key's password is on the first line of FILE", 0},
    {"force", 'f', NULL, "replace an existing output file", 0},
    {NULL, 0, NULL, NULL, 0},
};

static int parse_mm(double *out, const char *opt, const char *value)
{
    char *end = NULL;
    double v = value ? strtod(value, &end) : -1;
    if (!value || end == value || *end != '\0' || !(v >= 0 && v <= 10000)) {
        sc_out_err(NULL, NULL, "--%s: '%s' is not a distance in mm (0..10000)", opt,
                   value ? value : "");
        return SC_EXIT_ERROR;
    }
    *out = v;
    return 0;
}

static int run_sign(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *in = opts->args[0], *out = sc_opt_get(opts, "out");
    sc_ofd_sign_options so = SC_OFD_SIGN_OPTIONS_INIT;
    sc_cli_pass pass;
    sc_ofd *ofd = NULL;
    sc_seal *seal = NULL;
    sc_key *key = NULL;
    sc_cert *cert = NULL;
    sc_buf signed_ofd = SC_BUF_INIT;
    long page = 0;
    int code, error;

    if ((code = sc_cli_pass_init(&pass, opts, "pass-env", "pass-file")) != 0)
        goto done;
    if ((sc_opt_has(opts, "page") &&
         (code = sc_cli_parse_int(&page, "page", sc_opt_get(opts, "page"), 1, 1000000)) != 0) ||
        (sc_opt_has(opts, "x") && (code = parse_mm(&so.x_mm, "x", sc_opt_get(opts, "x"))) != 0) ||
        (sc_opt_has(opts, "y") && (code = parse_mm(&so.y_mm, "y", sc_opt_get(opts, "y"))) != 0) ||
        (sc_opt_has(opts, "time") &&
         (code = sc_cli_parse_time(&so.time, "time", sc_opt_get(opts, "time"))) != 0))
        goto done;
    so.page = (size_t)page;
    so.riding = sc_opt_has(opts, "riding");
    so.digital = sc_opt_has(opts, "digital");
    so.no_seal_file = sc_opt_has(opts, "no-seal-file");
    so.keyword = sc_opt_get(opts, "keyword");
    if (so.riding && (sc_opt_has(opts, "page") || sc_opt_has(opts, "x"))) {
        code = sc_cli_usage_error(cmd, "--riding: stamps every page at the right edge; --page and "
                                       "--x do not apply");
        goto done;
    }
    if (so.keyword && (so.riding || sc_opt_has(opts, "x") || sc_opt_has(opts, "y"))) {
        code = sc_cli_usage_error(cmd, "--keyword: the stamp is centred on the keyword; --x, --y "
                                       "and --riding do not apply");
        goto done;
    }
    if (so.keyword && !*so.keyword) {
        code = sc_cli_usage_error(cmd, "--keyword: empty");
        goto done;
    }
    if (so.digital == sc_opt_has(opts, "seal")) {
        code = sc_cli_usage_error(cmd, so.digital ? "--digital: a digital signature has no seal; "
                                                    "--seal does not apply"
                                                  : "--seal is required (or --digital)");
        goto done;
    }
    if ((error = sc_ofd_open_file(&ofd, sc_cli_input(in), NULL)) < 0) {
        code = sc_out_lib_error(in, error);
        goto done;
    }
    if (!so.digital && (error = sc_seal_read_file(&seal, sc_opt_get(opts, "seal"))) < 0) {
        code = sc_out_lib_error(sc_opt_get(opts, "seal"), error);
        goto done;
    }
    if ((code = sc_cli_read_key_and_cert(&key, &cert, cmd, "key", sc_opt_get(opts, "key"), "cert",
                                         sc_opt_get(opts, "cert"), &pass,
                                         "the signer signs the document")) != 0)
        goto done;
    if ((error = sc_ofd_sign(&signed_ofd, ofd, seal, key, cert, &so)) < 0) {
        code = sc_out_lib_error(in, error);
        goto done;
    }
    if ((code = sc_cli_write("out", out, signed_ofd.ptr, signed_ofd.size, sc_opt_has(opts, "force"),
                             0644)) != 0)
        goto done;
    if (strcmp(out, "-") != 0 && seal)
        sc_out("wrote %s (%zu bytes, sealed with \"%s\" by \"%s\")\n", out, signed_ofd.size,
               sc_seal_name(seal), sc_cert_subject(cert));
    else if (strcmp(out, "-") != 0)
        sc_out("wrote %s (%zu bytes, digitally signed by \"%s\")\n", out, signed_ofd.size,
               sc_cert_subject(cert));
done:
    sc_buf_dispose(&signed_ofd);
    sc_ofd_free(ofd);
    sc_seal_free(seal);
    sc_key_free(key);
    sc_cert_free(cert);
    sc_cli_pass_dispose(&pass);
    return code;
}

static const sc_cli_cmd cmd_sign = {
    .name = "sign",
    .summary = "seal-sign or digitally sign an OFD document",
    .args = "IN.ofd",
    .min_args = 1,
    .max_args = 1,
    .description =
        "Put an electronic seal on an OFD document: a new Signs/Sign_N with the seal, a\n"
        "Signature.xml whose References cover every file of the document (SM3), the stamp's\n"
        "position, and a GB/T 38540 SES_Signature over the Signature.xml. Signatures.xml is not\n"
        "referenced, so signing again adds a seal without breaking the earlier ones. The signer's\n"
        "certificate must be in the seal's certList and both must be valid at the signing time.\n"
        "The stamp has the seal picture's size; --riding spreads one seal over every page;\n"
        "--keyword TEXT puts one stamp on each place the text is written.\n"
        "--digital signs without a seal: a GB/T 35275 SignedData with the signer's certificate,\n"
        "Type=\"Sign\", and no stamp unless --page, --x, --y or --keyword place one.",
    .options = sign_options,
    .examples = "sealcert sign cert.ofd -o signed.ofd --seal seal.esl --key signer.key --cert "
                "signer.pem\n"
                "sealcert sign cert.ofd -o signed.ofd --seal seal.esl --key signer.key --cert "
                "signer.pem --page 1 --x 150 --y 240\n"
                "sealcert sign signed.ofd -o riding.ofd --seal seal.esl --key signer.key --cert "
                "signer.pem --riding\n"
                "sealcert sign cert.ofd -o signed.ofd --seal seal.esl --key signer.key --cert "
                "signer.pem --keyword 校准证书\n"
                "sealcert sign cert.ofd -o signed.ofd --digital --key signer.key --cert signer.pem",
    .run = run_sign,
};

const sc_cli_cmd *const sc_cmd_sign_leaves[] = {&cmd_sign, NULL};

int sc_cmd_sign_main(int argc, char **argv)
{
    return sc_cli_run(&cmd_sign, argc - 1, argv + 1);
}
