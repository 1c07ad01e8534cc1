/* sealcert seal: dispatch of the seal subcommands, `seal show` (every field of a GB/T 38540 /
 * GM/T 0031 SESeal) and `seal picture` (the seal picture, SES_ESPictrueInfo). */
#include <string.h>
#include <strings.h>

#include "seal.h"

/* ---- shared ------------------------------------------------------------------------------- */

int sc_cli_read_seal(sc_seal **out, const char *path)
{
    int error = sc_seal_read_file(out, sc_cli_input(path));
    if (error < 0)
        return sc_out_lib_error(path, error);
    return 0;
}

const char *sc_cli_seal_type_name(int type)
{
    switch (type) {
    case SC_SEAL_TYPE_ORG:
        return "单位法定名称章";
    case SC_SEAL_TYPE_FINANCE:
        return "财务专用章";
    case SC_SEAL_TYPE_SPECIAL:
        return "业务专用章";
    case SC_SEAL_TYPE_PERSONAL:
        return "法定代表人名章";
    case SC_SEAL_TYPE_INVOICE:
        return "发票专用章";
    case SC_SEAL_TYPE_OTHER:
        return "其他";
    default:
        return NULL;
    }
}

const char *sc_cli_time(char out[21], sc_time t)
{
    if (t == SC_TIME_NOW) {
        memcpy(out, "-", 2);
        return out;
    }
    sc_time_format(out, t);
    return out;
}

/* Text output of an accessor that may return NULL for an absent field. */
static const char *nz(const char *s)
{
    return s ? s : "-";
}

static const char *layout_name(sc_seal_layout layout)
{
    return layout == SC_SEAL_LAYOUT_GMT0031 ? "gmt0031" : "gbt38540";
}

static const char *alg_name(const char *oid)
{
    if (oid && strcmp(oid, SC_OID_SM2_WITH_SM3) == 0)
        return "SM2-with-SM3";
    return "unknown";
}

/* ---- seal show ---------------------------------------------------------------------------- */

static const sc_opt_spec show_options[] = {
    {"json", 'j', NULL, "print one JSON object (docs/cli/schema/seal-show.json)", 0},
    {NULL, 0, NULL, NULL, 0},
};

/* json_string() refuses invalid UTF-8 (a seal name in GBK from an old producer): fall back to a
 * marker rather than dropping the field, so the output keeps its shape. */
static json_t *jstr(const char *s)
{
    json_t *v;
    if (!s)
        return json_null();
    if ((v = json_string(s)))
        return v;
    return json_string("(not UTF-8)");
}

static json_t *jtime(sc_time t)
{
    char buf[21];
    if (t == SC_TIME_NOW)
        return json_null();
    sc_time_format(buf, t);
    return json_string(buf);
}

static json_t *cert_json(const sc_cert *c)
{
    if (!c)
        return json_null();
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "subject", jstr(sc_cert_subject(c)), "issuer",
                     jstr(sc_cert_issuer(c)), "serial", jstr(sc_cert_serial(c)), "not_before",
                     jtime(sc_cert_not_before(c)), "not_after", jtime(sc_cert_not_after(c)));
}

static json_t *show_json(const char *path, const sc_seal *seal)
{
    size_t der_len = 0, n = sc_seal_cert_count(seal);
    const sc_seal_picture *pic = sc_seal_picture_of(seal);
    json_t *certs = json_array(), *digests = json_array(), *o;
    char code[8];

    sc_seal_der(seal, &der_len);
    snprintf(code, sizeof(code), "%02d", sc_seal_type(seal));
    for (size_t i = 0; i < n; i++) {
        const sc_cert *c = sc_seal_cert(seal, i);
        size_t dlen = 0;
        const char *alg = NULL;
        const unsigned char *d = sc_seal_cert_digest(seal, i, &dlen, &alg);
        if (c) {
            json_array_append_new(certs, cert_json(c));
        } else if (d) {
            char *hex = sc_malloc(2 * dlen + 1);
            if (hex) {
                sc_hex(hex, d, dlen);
                json_array_append_new(digests,
                                      json_pack("{s:o, s:s}", "alg", jstr(alg), "digest", hex));
                sc_free(hex);
            }
        }
    }
    o = json_pack("{s:s, s:I, s:i, s:s, s:o, s:o, s:i, s:s, s:o, s:o, s:i, s:I}", "file", path,
                  "size", (json_int_t)der_len, "version", sc_seal_version(seal), "layout",
                  layout_name(sc_seal_layout_of(seal)), "vid", jstr(sc_seal_vid(seal)), "esid",
                  jstr(sc_seal_esid(seal)), "type", sc_seal_type(seal), "type_code", code,
                  "type_name", jstr(sc_cli_seal_type_name(sc_seal_type(seal))), "name",
                  jstr(sc_seal_name(seal)), "cert_list_type", sc_seal_cert_list_type(seal),
                  "cert_count", (json_int_t)n);
    if (!o)
        goto fail;
    json_object_set_new(o, "signer_certs", certs);
    json_object_set_new(o, "cert_digests", digests);
    json_object_set_new(o, "create_date", jtime(sc_seal_create_date(seal)));
    json_object_set_new(o, "valid_start", jtime(sc_seal_valid_start(seal)));
    json_object_set_new(o, "valid_end", jtime(sc_seal_valid_end(seal)));
    json_object_set_new(
        o, "picture",
        pic ? json_pack("{s:o, s:o, s:I, s:I, s:I}", "type", jstr(pic->type), "detected_type",
                        jstr(sc_picture_sniff(pic->data, pic->size)), "size", (json_int_t)pic->size,
                        "width_mm", (json_int_t)pic->width_mm, "height_mm",
                        (json_int_t)pic->height_mm)
            : json_null());
    json_object_set_new(o, "maker", cert_json(sc_seal_maker_cert(seal)));
    json_object_set_new(o, "signature_algorithm", jstr(sc_seal_sig_alg(seal)));
    json_object_set_new(o, "signature_algorithm_name", jstr(alg_name(sc_seal_sig_alg(seal))));
    json_object_set_new(o, "ext_data_count", json_integer((json_int_t)sc_seal_ext_count(seal)));
    json_object_set_new(o, "has_timestamp", json_boolean(sc_seal_has_timestamp(seal)));
    return o;
fail:
    json_decref(certs);
    json_decref(digests);
    return NULL;
}

static void show_cert_lines(const char *indent, const sc_cert *c)
{
    char nb[21], na[21];
    sc_out("%ssubject: %s\n%sissuer:  %s\n%sserial:  %s\n%svalid:   %s to %s\n", indent,
           nz(sc_cert_subject(c)), indent, nz(sc_cert_issuer(c)), indent, nz(sc_cert_serial(c)),
           indent, sc_cli_time(nb, sc_cert_not_before(c)), sc_cli_time(na, sc_cert_not_after(c)));
}

static void show_text(const char *path, const sc_seal *seal)
{
    size_t der_len = 0, n = sc_seal_cert_count(seal);
    const sc_seal_picture *pic = sc_seal_picture_of(seal);
    const sc_cert *maker = sc_seal_maker_cert(seal);
    const char *tn = sc_cli_seal_type_name(sc_seal_type(seal));
    char t1[21], t2[21], t3[21];

    sc_seal_der(seal, &der_len);
    sc_out("file:            %s (%zu bytes)\n", path, der_len);
    sc_out("version:         %d\n", sc_seal_version(seal));
    sc_out("layout:          %s\n", sc_seal_layout_of(seal) == SC_SEAL_LAYOUT_GMT0031
                                        ? "GM/T 0031-2014"
                                        : "GB/T 38540-2020");
    sc_out("vid:             %s\n", nz(sc_seal_vid(seal)));
    sc_out("esID:            %s\n", nz(sc_seal_esid(seal)));
    sc_out("type:            %02d (%s)\n", sc_seal_type(seal), tn ? tn : "unknown");
    sc_out("name:            %s\n", nz(sc_seal_name(seal)));
    sc_out("certListType:    %d (%s)\n", sc_seal_cert_list_type(seal),
           sc_seal_cert_list_type(seal) == 2 ? "certificate digests" : "certificates");
    sc_out("signers:         %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const sc_cert *c = sc_seal_cert(seal, i);
        size_t dlen = 0;
        const char *alg = NULL;
        const unsigned char *d = sc_seal_cert_digest(seal, i, &dlen, &alg);
        sc_out("  [%zu]\n", i);
        if (c) {
            show_cert_lines("    ", c);
        } else if (d) {
            char hex[2 * 64 + 1];
            sc_hex(hex, d, dlen > 64 ? 64 : dlen);
            sc_out("    digest:  %s %s\n", alg ? alg : "?", hex);
        } else {
            sc_out("    (does not parse)\n");
        }
    }
    sc_out("created:         %s\n", sc_cli_time(t1, sc_seal_create_date(seal)));
    sc_out("valid:           %s to %s\n", sc_cli_time(t2, sc_seal_valid_start(seal)),
           sc_cli_time(t3, sc_seal_valid_end(seal)));
    if (pic)
        sc_out("picture:         %s, %zu bytes, %lld x %lld mm\n", nz(pic->type), pic->size,
               (long long)pic->width_mm, (long long)pic->height_mm);
    sc_out("maker:\n");
    if (maker)
        show_cert_lines("    ", maker);
    else
        sc_out("    (certificate does not parse)\n");
    sc_out("signature:       %s (%s)\n", nz(sc_seal_sig_alg(seal)),
           alg_name(sc_seal_sig_alg(seal)));
    sc_out("extDatas:        %zu\n", sc_seal_ext_count(seal));
    sc_out("timestamp:       %s\n", sc_seal_has_timestamp(seal) ? "present" : "absent");
}

static int run_show(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *path = opts->args[0];
    sc_seal *seal = NULL;
    int code;

    (void)cmd;
    if ((code = sc_cli_read_seal(&seal, path)) != 0)
        return code;
    if (sc_opt_has(opts, "json")) {
        json_t *o = show_json(path, seal);
        if (!o || sc_out_json(o) < 0)
            code = sc_out_lib_error(path, SC_ENOMEM);
    } else {
        show_text(path, seal);
    }
    sc_seal_free(seal);
    return code;
}

const sc_cli_cmd sc_cmd_seal_show = {
    .name = "seal show",
    .summary = "print the fields of an electronic seal",
    .args = "FILE",
    .min_args = 1,
    .max_args = 1,
    .description =
        "Parse a seal (SESeal, DER: GB/T 38540-2020 version 4, ofdrw version 5, GM/T 0031-2014\n"
        "version 1) and print its fields: version and layout, vid, esID, type, name, the signer\n"
        "certificates of certList, the validity window, the creation date, the picture, the\n"
        "maker's certificate and signature algorithm, extDatas and timestamp. Nothing is\n"
        "verified; use 'sealcert seal verify' for that. FILE '-' reads stdin.",
    .options = show_options,
    .examples = "sealcert seal show seal.esl\nsealcert seal show seal.esl --json",
    .run = run_show,
};

/* ---- seal picture ------------------------------------------------------------------------- */

static const sc_opt_spec picture_options[] = {
    {"out", 'o', "OUT.png", "write the picture here ('-' for stdout)", SC_OPT_REQUIRED},
    {"force", 'f', NULL, "replace an existing output file", 0},
    {NULL, 0, NULL, NULL, 0},
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int run_picture(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *path = opts->args[0], *out = sc_opt_get(opts, "out");
    bool force = sc_opt_has(opts, "force");
    sc_seal *seal = NULL;
    sc_buf png = SC_BUF_INIT;
    const sc_seal_picture *pic;
    const char *kind;
    int code, error;

    (void)cmd;
    if ((code = sc_cli_read_seal(&seal, path)) != 0)
        return code;
    pic = sc_seal_picture_of(seal);
    if (!pic || !pic->data || pic->size == 0) {
        sc_out_err(path, "SES_ESPictrueInfo.data", "the seal has no picture");
        code = SC_EXIT_ERROR;
        goto done;
    }
    /* Trust the bytes, not the declared type: producers write "PNG", "png", "jpg" for JPEG ... */
    kind = sc_picture_sniff(pic->data, pic->size);
    if (kind && (strcmp(kind, "svg") == 0 || strcmp(kind, "ofd") == 0)) {
        /* Vector pictures have no faithful raster form here; copy them only under their own
         * extension so nobody gets an "image.png" that is an OFD package. */
        char ext[8];
        snprintf(ext, sizeof(ext), ".%s", kind);
        if (!ends_with(out, ext)) {
            sc_out_err("--out", out,
                       "the seal picture is %s, not a raster image; give an output "
                       "name ending in %s to save it as is",
                       kind, ext);
            code = SC_EXIT_ERROR;
            goto done;
        }
        code = sc_cli_write("out", out, pic->data, pic->size, force, 0644);
        if (code == 0 && strcmp(out, "-") != 0)
            sc_out("wrote %s (%s picture as stored, %zu bytes)\n", out, kind, pic->size);
        goto done;
    }
    if ((error = sc_picture_to_png(&png, pic->data, pic->size)) < 0) {
        const char *m = sc_error_last()->message;
        sc_out_err(path, "SES_ESPictrueInfo.data",
                   "picture of type '%s' cannot be converted to "
                   "PNG: %s",
                   pic->type ? pic->type : "?", m);
        sc_error_clear();
        code = SC_EXIT_ERROR;
        goto done;
    }
    code = sc_cli_write("out", out, png.ptr, png.size, force, 0644);
    if (code == 0 && strcmp(out, "-") != 0)
        sc_out("wrote %s (PNG, %zu bytes, from a %s picture of %lld x %lld mm)\n", out, png.size,
               kind ? kind : pic->type, (long long)pic->width_mm, (long long)pic->height_mm);
done:
    sc_buf_dispose(&png);
    sc_seal_free(seal);
    return code;
}

const sc_cli_cmd sc_cmd_seal_picture = {
    .name = "seal picture",
    .summary = "extract the picture of an electronic seal",
    .args = "FILE",
    .min_args = 1,
    .max_args = 1,
    .description =
        "Write the picture of a seal (SES_ESPictrueInfo.data) as PNG; JPEG, BMP, GIF and TIFF\n"
        "pictures are converted. SVG and OFD pictures are written unchanged, and only to an\n"
        "output name ending in .svg or .ofd respectively. The picture type is taken from the\n"
        "bytes, not from the declared type.",
    .options = picture_options,
    .examples = "sealcert seal picture seal.esl -o seal.png\n"
                "sealcert seal picture invoice-seal.esl -o invoice-seal.ofd",
    .run = run_picture,
};

/* ---- dispatch ----------------------------------------------------------------------------- */

const sc_cli_cmd *const sc_cmd_seal_leaves[] = {&sc_cmd_seal_make, &sc_cmd_seal_show,
                                                &sc_cmd_seal_verify, &sc_cmd_seal_picture, NULL};

int sc_cmd_seal_main(int argc, char **argv)
{
    return sc_cli_dispatch("seal", sc_cmd_seal_leaves, argc, argv);
}
