/* sealcert CLI entry point: the command table and dispatch (after libgit2 src/cli/cmd.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The commands, in the order `sealcert --help` lists them. Each handler receives argv starting at
 * the command name. */
const sc_cli_entry sc_cli_commands[] = {
    {"keygen", sc_cmd_keygen_main, "generate an SM2 key pair", sc_cmd_keygen_leaves},
    {"ca", sc_cmd_ca_main, "create a test CA and issue seal-maker and signer certificates",
     sc_cmd_ca_leaves},
    {"seal", sc_cmd_seal_main, "make, show, verify electronic seals and extract their pictures",
     sc_cmd_seal_leaves},
    {"sign", sc_cmd_sign_main, "seal-sign or digitally sign an OFD document", sc_cmd_sign_leaves},
    {"verify", sc_cmd_verify_main, "verify the signatures of OFD documents", sc_cmd_verify_leaves},
    {"info", sc_cmd_info_main, "show what an OFD document holds", sc_cmd_info_leaves},
    {"issue", sc_cmd_issue_main,
     "issue sealed metrology electronic certificates from a template and data",
     sc_cmd_issue_leaves},
    {"id", sc_cmd_id_main, "make and check electronic certificate identifiers (T/CMA 4.5.5)",
     sc_cmd_id_leaves},
    {"help", sc_cmd_help_main, "show the help of a command", sc_cmd_help_leaves},
    {NULL, NULL, NULL, NULL},
};

void sc_cli_usage(FILE *f)
{
    sc_out_to(f, "usage: sealcert <command> [<subcommand>] [options] [FILE...]\n\nCommands:\n");
    for (const sc_cli_entry *e = sc_cli_commands; e->name; e++)
        sc_out_to(f, "  %-8s %s\n", e->name, e->summary);
    sc_out_to(f, "\nRun 'sealcert help <command>' or 'sealcert <command> --help' for its options.\n"
                 "Exit codes: 0 done or valid, 1 checked and invalid, 2 usage or input error.\n"
                 "  sealcert --version   show the sealcert and OpenSSL versions\n");
}

int main(int argc, char **argv)
{
    int code;

    /* libzip converts each entry's DOS time with mktime(), and glibc re-reads /etc/localtime on
     * every call while TZ is unset: a stat per zip entry, 14% of opening a small OFD. Naming the
     * same zone explicitly makes glibc load it once. */
    if (!getenv("TZ"))
        setenv("TZ", ":/etc/localtime", 1);

    if (sc_init() < 0)
        return sc_out_finish(sc_out_lib_error(NULL, SC_ECRYPTO));
    if (argc < 2) {
        sc_out_err(NULL, NULL, "missing command");
        sc_cli_usage(stderr);
        return SC_EXIT_ERROR;
    }
    if (strcmp(argv[1], "--version") == 0) {
        sc_out("%s\n", sc_version_string());
        return sc_out_finish(SC_EXIT_OK);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        sc_cli_usage(stdout);
        return sc_out_finish(SC_EXIT_OK);
    }
    for (const sc_cli_entry *e = sc_cli_commands; e->name; e++) {
        if (strcmp(e->name, argv[1]) == 0) {
            code = e->handler(argc - 1, argv + 1);
            return sc_out_finish(code);
        }
    }
    sc_out_err(NULL, NULL, "%s: unknown command", argv[1]);
    sc_cli_usage(stderr);
    return SC_EXIT_ERROR;
}
