/* sealcert id: make and parse metrology electronic certificate identifiers (T/CMA 4.5.5). */
#include <string.h>

#include "cli.h"

static const sc_opt_spec make_options[] = {
    {"root", 0, "OID", "电子证书根代码: the root OID from your configuration", SC_OPT_REQUIRED},
    {"type", 0, "N", "certificate type code 1..8 (1 检定证书, 7 校准证书, ...)", SC_OPT_REQUIRED},
    {"issuer", 0, "CODE",
     "issuer's 组织机构代码 (9) or 统一社会信用代码 (18); check character verified",
     SC_OPT_REQUIRED},
    {"accreditation", 0, "ID", "认可/授权标识, e.g. \"CNAS L0001\"", SC_OPT_REQUIRED},
    {"serial", 0, "SERIAL", "流水号 of the certificate", SC_OPT_REQUIRED},
    {"revision", 0, "N", "证书修改次数 0..9 (default 0)", 0},
    {"url", 0, "BASE", "print the verification URL <BASE>/v/<identifier> instead", 0},
    {"json", 0, NULL, "print the identifier, its URL form and its parts as JSON", 0},
    {NULL, 0, NULL, NULL, 0},
};

static const sc_opt_spec parse_options[] = {
    {"json", 0, NULL, "print the parts as JSON", 0},
    {NULL, 0, NULL, NULL, 0},
};

static json_t *id_json(const sc_ecert_id *id, const char *text, const char *url)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "identifier", json_string(text));
    if (url)
        json_object_set_new(o, "url_form", json_string(url));
    json_object_set_new(o, "root", json_string(id->root));
    json_object_set_new(o, "type", json_integer(id->type));
    json_object_set_new(o, "type_name", json_string(sc_ecert_type_name(id->type)));
    json_object_set_new(o, "issuer", json_string(id->issuer));
    json_object_set_new(o, "accreditation", json_string(id->accreditation));
    json_object_set_new(o, "serial", json_string(id->serial));
    json_object_set_new(o, "revision", json_integer(id->revision));
    return o;
}

static void id_text(const sc_ecert_id *id)
{
    sc_out("root:          %s\n", id->root);
    sc_out("type:          %d (%s)\n", id->type, sc_ecert_type_name(id->type));
    sc_out("issuer:        %s\n", id->issuer);
    sc_out("accreditation: %s\n", id->accreditation);
    sc_out("serial:        %s\n", id->serial);
    sc_out("revision:      %d\n", id->revision);
}

static int run_make(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    sc_ecert_id id = {sc_opt_get(opts, "root"),   0,
                      sc_opt_get(opts, "issuer"), sc_opt_get(opts, "accreditation"),
                      sc_opt_get(opts, "serial"), 0};
    const char *base = sc_opt_get(opts, "url");
    sc_buf text = SC_BUF_INIT, url = SC_BUF_INIT;
    long type, rev = 0;
    int code = SC_EXIT_OK, error;

    (void)cmd;
    if ((code = sc_cli_parse_int(&type, "type", sc_opt_get(opts, "type"), 1, 8)) != 0 ||
        (sc_opt_has(opts, "revision") &&
         (code = sc_cli_parse_int(&rev, "revision", sc_opt_get(opts, "revision"), 0, 9)) != 0))
        return code;
    id.type = (int)type;
    id.revision = (int)rev;
    if ((error = sc_ecert_id_format(&text, &id)) < 0 ||
        (error = sc_ecert_id_url_encode(&url, (char *)text.ptr)) < 0) {
        code = sc_out_lib_error(NULL, error);
        goto done;
    }
    if (sc_opt_has(opts, "json")) {
        json_t *o = id_json(&id, (char *)text.ptr, (char *)url.ptr);
        if (o && base) {
            size_t bl = strlen(base);
            char *full = sc_malloc(bl + 4 + url.size + 1);
            if (full) {
                memcpy(full, base, bl);
                while (bl > 0 && full[bl - 1] == '/')
                    bl--;
                memcpy(full + bl, "/v/", 3);
                memcpy(full + bl + 3, url.ptr, url.size + 1);
                json_object_set_new(o, "url", json_string(full));
                sc_free(full);
            }
        }
        if (!o || sc_out_json(o) < 0)
            code = SC_EXIT_ERROR;
    } else if (base) {
        size_t bl = strlen(base);
        while (bl > 0 && base[bl - 1] == '/')
            bl--;
        sc_out("%.*s/v/%s\n", (int)bl, base, (char *)url.ptr);
    } else {
        sc_out("%s\n", (char *)text.ptr);
    }
done:
    sc_buf_dispose(&text);
    sc_buf_dispose(&url);
    return code;
}

static int run_parse(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *arg = opts->args[0], *v;
    sc_buf decoded = SC_BUF_INIT;
    sc_ecert_id *id = NULL;
    int code = SC_EXIT_OK, error;

    (void)cmd;
    /* A scanned verification URL or its URL form is accepted too: the part after "/v/",
     * percent-decoded. */
    if ((v = strstr(arg, "/v/")) != NULL)
        arg = v + 3;
    if (strchr(arg, '%')) {
        if ((error = sc_ecert_id_url_decode(&decoded, arg)) < 0) {
            sc_out_err(NULL, "identifier", "%s", sc_error_last()->message);
            code = SC_EXIT_INVALID;
            goto done;
        }
        arg = (char *)decoded.ptr;
    }
    if ((error = sc_ecert_id_parse(&id, arg)) < 0) {
        if (error == SC_ENOMEM) {
            code = sc_out_lib_error(NULL, error);
            goto done;
        }
        sc_out_err(NULL, NULL, "%s", sc_error_last()->message);
        code = SC_EXIT_INVALID;
        goto done;
    }
    if (sc_opt_has(opts, "json")) {
        json_t *o = id_json(id, arg, NULL);
        if (!o || sc_out_json(o) < 0)
            code = SC_EXIT_ERROR;
    } else {
        id_text(id);
    }
done:
    sc_ecert_id_free(id);
    sc_buf_dispose(&decoded);
    return code;
}

static const sc_cli_cmd cmd_id_make = {
    .name = "id make",
    .summary = "make an electronic certificate identifier (T/CMA 4.5.5)",
    .args = NULL,
    .min_args = 0,
    .max_args = 0,
    .description =
        "Join root code, type, issuer code, accreditation id, serial and revision with '·'\n"
        "(U+00B7) after checking each part: the issuer's organisation code must carry a correct\n"
        "check character (GB 11714 / GB 32100). --url prints the verification URL the\n"
        "certificate's two-dimensional code encodes, the identifier percent-encoded.",
    .options = make_options,
    .examples = "sealcert id make --root 1.2.156.112600.1 --type 7 --issuer 91350200776049653A \\\n"
                "    --accreditation \"CNAS L0001\" --serial JZ2026-000123\n"
                "sealcert id make --root 1.2.156.112600.1 --type 7 --issuer 91350200776049653A \\\n"
                "    --accreditation \"CNAS L0001\" --serial JZ2026-000123 --url "
                "https://cert.example.cn",
    .run = run_make,
};

static const sc_cli_cmd cmd_id_parse = {
    .name = "id parse",
    .summary = "check an electronic certificate identifier and show its parts",
    .args = "IDENTIFIER",
    .min_args = 1,
    .max_args = 1,
    .description =
        "Parse an identifier strictly: six parts separated by '·', each checked (root OID, type\n"
        "1..8, organisation code with its check character, accreditation id, serial, revision\n"
        "0..9). A verification URL (…/v/<identifier>) or the percent-encoded form is accepted.\n"
        "Exit 0 when valid, 1 when not (the message names the part).",
    .options = parse_options,
    .examples = "sealcert id parse '1.2.156.112600.1·7·91350200776049653A·CNAS L0001·JZ2026-1·0'\n"
                "sealcert id parse --json https://cert.example.cn/v/1.2.156.112600.1%C2%B77%C2%B7"
                "91350200776049653A%C2%B7CNAS%20L0001%C2%B7JZ2026-1%C2%B70",
    .run = run_parse,
};

const sc_cli_cmd *const sc_cmd_id_leaves[] = {&cmd_id_make, &cmd_id_parse, NULL};

int sc_cmd_id_main(int argc, char **argv)
{
    return sc_cli_dispatch("id", sc_cmd_id_leaves, argc, argv);
}
