/* sealcert help: the help of a command, and the option dump the docs check compares with
 * docs/cli/ (after curl tests/test1139.pl, which compares options with their manual pages). */
#include <string.h>

#include "cli.h"

static const sc_opt_spec help_options[] = {
    {"list-options", 0, NULL, "list every command's options, tab-separated, for the docs check",
     SC_OPT_HIDDEN},
    {NULL, 0, NULL, NULL, 0},
};

/* One line per option: "<command>\t--<option>\t<VALUE or empty>\t<flags>". If this format
 * changes, update tests/cli/docs_check.py. */
static void list_options(void)
{
    for (const sc_cli_entry *e = sc_cli_commands; e->name; e++) {
        for (size_t i = 0; e->leaves[i]; i++) {
            const sc_cli_cmd *c = e->leaves[i];
            sc_out("%s\t\t\t\n", c->name);
            for (const sc_opt_spec *s = c->options; s->name; s++) {
                if (s->flags & SC_OPT_HIDDEN)
                    continue;
                sc_out("%s\t--%s\t%s\t%s%s\n", c->name, s->name, s->value_name ? s->value_name : "",
                       (s->flags & SC_OPT_REQUIRED) ? "required" : "",
                       (s->flags & SC_OPT_REPEAT) ? " repeatable" : "");
            }
        }
    }
}

static int run_help(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    if (sc_opt_has(opts, "list-options")) {
        list_options();
        return SC_EXIT_OK;
    }
    if (opts->arg_count == 0) {
        sc_cli_usage(stdout);
        return SC_EXIT_OK;
    }
    /* `sealcert help <command> [<subcommand>]` is `sealcert <command> [<subcommand>] --help`. */
    for (const sc_cli_entry *e = sc_cli_commands; e->name; e++) {
        if (strcmp(e->name, opts->args[0]) != 0)
            continue;
        char *argv[4];
        int argc = 0;
        argv[argc++] = (char *)opts->args[0];
        if (opts->arg_count > 1)
            argv[argc++] = (char *)opts->args[1];
        argv[argc++] = "--help";
        argv[argc] = NULL;
        return e->handler(argc, argv);
    }
    return sc_cli_usage_error(cmd, "%s: unknown command", opts->args[0]);
}

static const sc_cli_cmd cmd_help = {
    .name = "help",
    .summary = "show the help of a command",
    .args = "[COMMAND [SUBCOMMAND]]",
    .min_args = 0,
    .max_args = 2,
    .description = "Print the usage, options and examples of a command; the same as\n"
                   "'sealcert COMMAND [SUBCOMMAND] --help'. Without a command, list the commands.",
    .options = help_options,
    .examples = "sealcert help seal verify\nsealcert help keygen",
    .run = run_help,
};

const sc_cli_cmd *const sc_cmd_help_leaves[] = {&cmd_help, NULL};

int sc_cmd_help_main(int argc, char **argv)
{
    return sc_cli_run(&cmd_help, argc - 1, argv + 1);
}
