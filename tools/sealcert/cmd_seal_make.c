/* sealcert seal make: make and sign an electronic seal (SESeal) of GB/T 38540-2020 version 4 or
 * GM/T 0031-2014 version 1 with the seal maker's SM2 key; the picture is a file or is drawn. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "seal.h"

/* GB/T 38540 does not fix a picture size; 40 mm is the usual round official seal (GA 241). */
#define SEAL_DEFAULT_MM 40
/* Upper bound on --width/--height: nothing stamped on an A4 page is larger than the page. */
#define SEAL_MAX_MM 300

static const sc_opt_spec make_options[] = {
    {"maker-key", 0, "KEY", "the seal maker's SM2 private key (PEM, DER or PKCS#12)",
     SC_OPT_REQUIRED},
    {"maker-cert", 0, "CERT", "the maker's certificate (default: from a PKCS#12 --maker-key)", 0},
    {"signer-cert", 0, "CERT", "a certificate allowed to sign with the seal (certList)",
     SC_OPT_REQUIRED | SC_OPT_REPEAT},
    {"name", 0, "NAME", "seal name, UTF-8 (e.g. 校准电子证书专用章)", SC_OPT_REQUIRED},
    {"esid", 0, "ID", "seal code (esID)", SC_OPT_REQUIRED},
    {"type", 0, "TYPE",
     "seal type: 01 法定名称章, 02 财务, 03 业务专用章, 04 法人名章, 05 发票, 99", SC_OPT_REQUIRED},
    {"valid-from", 0, "DATE", "start of the seal's validity (RFC 3339 or YYYY-MM-DD)",
     SC_OPT_REQUIRED},
    {"valid-to", 0, "DATE", "end of validity (a date means the end of that day, UTC)",
     SC_OPT_REQUIRED},
    {"picture", 0, "FILE", "the seal picture: PNG, JPEG, BMP, GIF, SVG or OFD file", 0},
    {"org", 0, "ORG", "draw a round red seal: ORG on the arc, --name and --esid below", 0},
    {"version", 0, "4|1", "4: GB/T 38540-2020 (default); 1: GM/T 0031-2014", 0},
    {"vid", 0, "VID", "vendor id written in the header (default sealcert)", 0},
    {"cert-list-type", 0, "1|2", "1: certificates (default); 2: their SM3 digests", 0},
    {"create-date", 0, "TIME", "creation date (default now)", 0},
    {"width", 0, "MM", "picture width in millimetres (default 40)", 0},
    {"height", 0, "MM", "picture height in millimetres (default 40)", 0},
    {"pass-env", 0, "VAR", "password of the maker key (and PKCS#12 files) from variable VAR", 0},
    {"pass-file", 0, "FILE", "password of the maker key from the first line of FILE", 0},
    {"out", 'o', "OUT.esl", "write the seal (DER) here ('-' for stdout)", SC_OPT_REQUIRED},
    {"force", 'f', NULL, "replace an existing output file", 0},
    {NULL, 0, NULL, NULL, 0},
};

static int parse_type(int *out, const char *v)
{
    static const char *const codes[] = {"01", "02", "03", "04", "05", "99"};
    static const char *const short_codes[] = {"1", "2", "3", "4", "5", "99"};
    static const int values[] = {1, 2, 3, 4, 5, 99};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (strcmp(v, codes[i]) == 0 || strcmp(v, short_codes[i]) == 0) {
            *out = values[i];
            return 0;
        }
    }
    sc_out_err(NULL, NULL, "--type: '%s' is not one of 01 02 03 04 05 99", v);
    return SC_EXIT_ERROR;
}

/* A date alone for the end of validity means through that day: "--valid-to 2028-12-31" should
 * not expire the seal at the first second of the 31st. */
static int parse_end(sc_time *out, const char *opt, const char *v)
{
    int code = sc_cli_parse_time(out, opt, v);
    if (code == 0 && strlen(v) == 10)
        *out += 86399;
    return code;
}

static int read_picture(sc_buf *out, const char **type, const char *path)
{
    int error = sc_fs_read_file(out, sc_cli_input(path), SC_SES_MAX_PICTURE_SIZE);
    if (error < 0) {
        const char *m = sc_error_last()->message;
        size_t n = strlen(path);
        if (strncmp(m, path, n) == 0 && m[n] == ':')
            m += n + 2;
        sc_out_err("--picture", path, "%s", m);
        sc_error_clear();
        return SC_EXIT_ERROR;
    }
    if (out->size == 0 || !(*type = sc_picture_sniff(out->ptr, out->size))) {
        sc_out_err("--picture", path, "not a PNG, JPEG, BMP, GIF, TIFF, SVG or OFD picture");
        return SC_EXIT_ERROR;
    }
    return 0;
}

/* sc_seal_make() names the sc_seal_make_options field it refuses ("cert_list_type: ..."); say
 * which option that is. If a field or an option is renamed, update this table. */
static int report_make_error(int error)
{
    static const char *const fields[][2] = {
        {"seal_version", "--version"},
        {"vid", "--vid"},
        {"esid", "--esid"},
        {"name", "--name"},
        {"type", "--type"},
        {"cert_list_type", "--cert-list-type"},
        {"signer_certs", "--signer-cert"},
        {"signer_cert_count", "--signer-cert"},
        {"create_date", "--create-date"},
        {"valid_start", "--valid-from"},
        {"valid_end", "--valid-to"},
        {"picture_type", "--picture"},
        {"picture_size", "--picture"},
        {"picture", "--picture"},
        {"picture_width_mm", "--width"},
        {"picture_height_mm", "--height"},
    };
    const char *msg = sc_error_last()->message;
    if (error == SC_EINVALID) {
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            size_t n = strlen(fields[i][0]);
            if (strncmp(msg, fields[i][0], n) == 0 && msg[n] == ':') {
                sc_out_err(fields[i][1], NULL, "%s", msg + n + 2);
                sc_error_clear();
                return SC_EXIT_ERROR;
            }
        }
    }
    return sc_out_lib_error(NULL, error);
}

static int run_make(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    sc_seal_make_options mo = SC_SEAL_MAKE_OPTIONS_INIT;
    const char *maker_key = sc_opt_get(opts, "maker-key"),
               *maker_cert = sc_opt_get(opts, "maker-cert"), *out = sc_opt_get(opts, "out"),
               *picture = sc_opt_get(opts, "picture"), *org = sc_opt_get(opts, "org"), *v;
    const char **signer_paths = NULL;
    bool force = sc_opt_has(opts, "force");
    size_t nsigners = 0;
    sc_cli_pass pass;
    sc_key *key = NULL;
    sc_cert *cert = NULL, **signers = NULL;
    sc_seal *seal = NULL;
    sc_buf pic = SC_BUF_INIT;
    const char *pic_type = NULL;
    long n;
    struct stat st;
    int code, error;

    memset(&pass, 0, sizeof(pass));
    /* Options first, all of them, so that a typo is reported before any key is touched. */
    if (!picture == !org) {
        code = sc_cli_usage_error(cmd, "--picture or --org: give exactly one");
        goto done;
    }
    if ((code = parse_type(&mo.type, sc_opt_get(opts, "type"))) != 0)
        goto done;
    if ((v = sc_opt_get(opts, "version"))) {
        if ((code = sc_cli_parse_int(&n, "version", v, 1, 4)) != 0)
            goto done;
        if (n != 1 && n != 4) {
            code = sc_cli_usage_error(cmd, "--version: '%s' is not 4 or 1", v);
            goto done;
        }
        mo.seal_version = (int)n;
    }
    if ((v = sc_opt_get(opts, "cert-list-type"))) {
        if ((code = sc_cli_parse_int(&n, "cert-list-type", v, 1, 2)) != 0)
            goto done;
        mo.cert_list_type = (int)n;
    }
    if ((v = sc_opt_get(opts, "width"))) {
        if ((code = sc_cli_parse_int(&n, "width", v, 1, SEAL_MAX_MM)) != 0)
            goto done;
        mo.picture_width_mm = n;
    }
    if ((v = sc_opt_get(opts, "height"))) {
        if ((code = sc_cli_parse_int(&n, "height", v, 1, SEAL_MAX_MM)) != 0)
            goto done;
        mo.picture_height_mm = n;
    }
    if ((code = sc_cli_parse_time(&mo.valid_start, "valid-from", sc_opt_get(opts, "valid-from"))) !=
            0 ||
        (code = parse_end(&mo.valid_end, "valid-to", sc_opt_get(opts, "valid-to"))) != 0)
        goto done;
    if (mo.valid_end <= mo.valid_start) {
        sc_out_err(NULL, NULL, "--valid-to: %s is not after --valid-from %s",
                   sc_opt_get(opts, "valid-to"), sc_opt_get(opts, "valid-from"));
        code = SC_EXIT_ERROR;
        goto done;
    }
    if ((v = sc_opt_get(opts, "create-date")) &&
        (code = sc_cli_parse_time(&mo.create_date, "create-date", v)) != 0)
        goto done;
    mo.name = sc_opt_get(opts, "name");
    mo.esid = sc_opt_get(opts, "esid");
    mo.vid = sc_opt_get(opts, "vid");
    if (!*mo.name || !*mo.esid || (mo.vid && !*mo.vid)) {
        code = sc_cli_usage_error(cmd, "--%s: empty",
                                  !*mo.name   ? "name"
                                  : !*mo.esid ? "esid"
                                              : "vid");
        goto done;
    }
    if (strcmp(out, "-") != 0 && !force && lstat(out, &st) == 0) {
        sc_out_err("--out", out, "file exists (use --force to overwrite)");
        code = SC_EXIT_ERROR;
        goto done;
    }

    /* Keys and certificates. A PKCS#12 maker key carries its certificate too. */
    if ((code = sc_cli_pass_init(&pass, opts, "pass-env", "pass-file")) != 0)
        goto done;
    if ((code = sc_cli_read_key_and_cert(&key, &cert, cmd, "maker-key", maker_key, "maker-cert",
                                         maker_cert, &pass, "the maker signs the seal")) != 0)
        goto done;
    nsigners = sc_opt_all(opts, "signer-cert", &signer_paths);
    if (nsigners == (size_t)-1 || !(signers = sc_calloc(nsigners, sizeof(*signers)))) {
        nsigners = 0;
        code = sc_out_lib_error(NULL, SC_ENOMEM);
        goto done;
    }
    for (size_t i = 0; i < nsigners; i++)
        if ((code = sc_cli_read_cert(&signers[i], "signer-cert", signer_paths[i], &pass)) != 0)
            goto done;
    mo.signer_certs = (const sc_cert *const *)signers;
    mo.signer_cert_count = nsigners;

    /* The picture. */
    if (picture) {
        if ((code = read_picture(&pic, &pic_type, picture)) != 0)
            goto done;
    } else {
        sc_seal_draw_options dro = SC_SEAL_DRAW_OPTIONS_INIT;
        dro.org = org;
        dro.name = mo.name;
        dro.code = mo.esid; /* the seal code along the lower arc, as on official seals */
        dro.diameter_mm = (double)mo.picture_width_mm;
        if ((error = sc_seal_draw(&pic, &dro)) < 0) {
            code = sc_out_lib_error("--org", error);
            goto done;
        }
        pic_type = "png";
    }
    mo.picture_type = pic_type;
    mo.picture = pic.ptr;
    mo.picture_size = pic.size;

    if ((error = sc_seal_make(&seal, key, cert, &mo)) < 0) {
        code = report_make_error(error);
        goto done;
    }
    size_t der_len = 0;
    const unsigned char *der = sc_seal_der(seal, &der_len);
    if ((code = sc_cli_write("out", out, der, der_len, force, 0644)) != 0)
        goto done;
    if (strcmp(out, "-") != 0)
        sc_out("wrote %s (seal version %d, esID %s, %s picture, %zu signer certificate%s, %zu "
               "bytes)\n",
               out, sc_seal_version(seal), sc_seal_esid(seal), pic_type, nsigners,
               nsigners == 1 ? "" : "s", der_len);
done:
    for (size_t i = 0; signers && i < nsigners; i++)
        sc_cert_free(signers[i]);
    sc_free(signers);
    sc_free(signer_paths);
    sc_buf_dispose(&pic);
    sc_seal_free(seal);
    sc_cert_free(cert);
    sc_key_free(key);
    sc_cli_pass_dispose(&pass);
    return code;
}

const sc_cli_cmd sc_cmd_seal_make = {
    .name = "seal make",
    .summary = "make and sign an electronic seal",
    .args = NULL,
    .min_args = 0,
    .max_args = 0,
    .description =
        "Make an electronic seal (SESeal) and sign it with the seal maker's SM2 key: version 4\n"
        "(GB/T 38540-2020, the maker signs DER(SES_SealInfo)) or version 1 (GM/T 0031-2014, the\n"
        "maker signs SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}). The seal lists the\n"
        "certificates of the signers allowed to use it (--signer-cert, repeatable), or their SM3\n"
        "digests with --cert-list-type 2. The picture is a file (--picture; its type is taken\n"
        "from its bytes) or a round red seal drawn from --org and --name (--org). Dates are\n"
        "RFC 3339 times or YYYY-MM-DD (UTC). The maker key may be a PKCS#12 file, which then\n"
        "also provides --maker-cert.",
    .options = make_options,
    .examples =
        "sealcert seal make --maker-key maker.key --maker-cert maker.pem --signer-cert signer.pem "
        "\\\n"
        "    --name 校准电子证书专用章 --org 某某市计量测试研究院 --esid 3201000000001 --type 03 "
        "\\\n"
        "    --valid-from 2026-01-01 --valid-to 2028-12-31 -o seal.esl\n"
        "KEYPASS=777777 sealcert seal make --maker-key SealBuilder.p12 --pass-env KEYPASS \\\n"
        "    --signer-cert USER.p12 --name 测试专用章 --picture StampImg.png --esid 1 --type 99 "
        "\\\n"
        "    --valid-from 2026-01-01 --valid-to 2026-12-31 --version 1 -o v1.esl",
    .run = run_make,
};
