/* sealcert keygen: generate an SM2 key pair (GB/T 32918) as PEM PKCS#8, encrypted when a
 * password is given. */
#include <string.h>

#include "cli.h"

static const sc_opt_spec keygen_options[] = {
    {"out", 'o', "KEY.pem", "write the private key here (mode 0600; '-' for stdout)",
     SC_OPT_REQUIRED},
    {"pub", 0, "PUB.pem", "also write the public key (SubjectPublicKeyInfo PEM)", 0},
    {"pass-env", 0, "VAR", "encrypt the key with the password in environment variable VAR", 0},
    {"pass-file", 0, "FILE", "encrypt the key with the password on the first line of FILE", 0},
    {"force", 'f', NULL, "replace existing output files", 0},
    {NULL, 0, NULL, NULL, 0},
};

static int run_keygen(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *out = sc_opt_get(opts, "out"), *pub = sc_opt_get(opts, "pub");
    bool force = sc_opt_has(opts, "force");
    sc_cli_pass pass;
    sc_key *key = NULL;
    sc_buf pem = SC_BUF_INIT, pubpem = SC_BUF_INIT;
    int code, error;

    (void)cmd;
    if ((code = sc_cli_pass_init(&pass, opts, "pass-env", "pass-file")) != 0)
        goto done;
    if (pub && strcmp(pub, out) == 0) {
        code = sc_cli_usage_error(cmd, "--pub: same file as --out");
        goto done;
    }
    if ((error = sc_key_generate(&key)) < 0 ||
        (error = sc_key_write_pem(&pem, key, pass.value)) < 0 ||
        (pub && (error = sc_key_write_public_pem(&pubpem, key)) < 0)) {
        code = sc_out_lib_error(NULL, error);
        goto done;
    }
    /* The public key first: if it cannot be written, no private key is left behind either. */
    if (pub && (code = sc_cli_write("pub", pub, pubpem.ptr, pubpem.size, force, 0644)) != 0)
        goto done;
    if ((code = sc_cli_write("out", out, pem.ptr, pem.size, force, 0600)) != 0)
        goto done;
    if (strcmp(out, "-") != 0)
        sc_out("wrote %s (SM2 private key%s)\n", out, pass.value ? ", encrypted" : "");
    if (pub && strcmp(pub, "-") != 0)
        sc_out("wrote %s (SM2 public key)\n", pub);
done:
    sc_buf_dispose(&pem);
    sc_buf_dispose(&pubpem);
    sc_key_free(key);
    sc_cli_pass_dispose(&pass);
    return code;
}

static const sc_cli_cmd cmd_keygen = {
    .name = "keygen",
    .summary = "generate an SM2 key pair",
    .args = NULL,
    .min_args = 0,
    .max_args = 0,
    .description =
        "Generate a new SM2 private key and write it as PEM PKCS#8. With --pass-env or "
        "--pass-file\n"
        "the key is encrypted (PBES2 with SM4-CBC); without, it is written in the clear. The key\n"
        "file is created with mode 0600 and an existing file is only replaced with --force.",
    .options = keygen_options,
    .examples = "sealcert keygen -o maker.key\n"
                "KEYPASS=secret sealcert keygen -o maker.key --pass-env KEYPASS --pub maker.pub",
    .run = run_keygen,
};

const sc_cli_cmd *const sc_cmd_keygen_leaves[] = {&cmd_keygen, NULL};

int sc_cmd_keygen_main(int argc, char **argv)
{
    return sc_cli_run(&cmd_keygen, argc - 1, argv + 1);
}
