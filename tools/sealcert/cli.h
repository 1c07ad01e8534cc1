/* sealcert CLI: command descriptors and the helpers every command shares (passwords, reading
 * keys and certificates, writing output files, times). */
#ifndef SC_CLI_H
#define SC_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "sealcert/sealcert.h"
#include "util/util.h"

#include "opt.h"
#include "out.h"

/* ---- commands ----------------------------------------------------------------------------- */

typedef struct sc_cli_cmd sc_cli_cmd;

/**
 * One runnable command or subcommand: everything the parser, --help and the docs check need.
 * If this layout changes, update `sealcert help --list-options` (cmd_help.c) and
 * tests/cli/docs_check.py together.
 */
struct sc_cli_cmd {
    const char *name;           /**< "keygen", "seal make" */
    const char *summary;        /**< one line, lower case, no final period */
    const char *args;           /**< positional synopsis ("FILE..."), or NULL when none */
    size_t min_args;            /**< fewest positional arguments */
    size_t max_args;            /**< most positional arguments (SIZE_MAX: no limit) */
    const char *description;    /**< a paragraph for --help, lines of at most 100 columns */
    const sc_opt_spec *options; /**< the option table, ended by {NULL} */
    const char *examples;       /**< real command lines, one per line */
    /** Run with parsed options; returns an exit code (SC_EXIT_*). */
    int (*run)(const sc_cli_cmd *cmd, const sc_opts *opts);
};

/** A top-level command: the table in main.c. */
typedef struct {
    const char *name;                      /**< the word after "sealcert" */
    int (*handler)(int argc, char **argv); /**< argv[0] is the command name */
    const char *summary;                   /**< one line for `sealcert --help` */
    const sc_cli_cmd *const *leaves;       /**< its runnable (sub)commands, NULL-terminated */
} sc_cli_entry;

/** The command table (main.c), ended by an entry whose name is NULL. */
extern const sc_cli_entry sc_cli_commands[];

/** The top-level usage: every command with its summary (main.c). */
void sc_cli_usage(FILE *stream);

/** Parse @p argv[0..argc) (the words after the command name) for @p cmd and run it. */
int sc_cli_run(const sc_cli_cmd *cmd, int argc, char **argv);

/**
 * Dispatch a command with subcommands: @p argv[0] is the command name, argv[1] the subcommand.
 * @p subs is NULL-terminated.
 */
int sc_cli_dispatch(const char *group, const sc_cli_cmd *const *subs, int argc, char **argv);

/** Report a usage error of @p cmd ("sealcert: <cmd>: <message>", usage, hint); returns 2. */
int sc_cli_usage_error(const sc_cli_cmd *cmd, const char *fmt, ...) SC_PRINTF(2, 3);

/** Write the full --help text of @p cmd to stdout. */
void sc_cli_help(const sc_cli_cmd *cmd);

/* Entry points of the top-level commands (cmd_<name>.c). */
int sc_cmd_keygen_main(int argc, char **argv);
int sc_cmd_ca_main(int argc, char **argv);
int sc_cmd_seal_main(int argc, char **argv);
int sc_cmd_id_main(int argc, char **argv);
int sc_cmd_sign_main(int argc, char **argv);
int sc_cmd_help_main(int argc, char **argv);
int sc_cmd_verify_main(int argc, char **argv);
int sc_cmd_info_main(int argc, char **argv);
int sc_cmd_issue_main(int argc, char **argv);

/* Leaf descriptors, for help and the docs check. */
extern const sc_cli_cmd *const sc_cmd_keygen_leaves[];
extern const sc_cli_cmd *const sc_cmd_ca_leaves[];
extern const sc_cli_cmd *const sc_cmd_seal_leaves[];
extern const sc_cli_cmd *const sc_cmd_id_leaves[];
extern const sc_cli_cmd *const sc_cmd_sign_leaves[];
extern const sc_cli_cmd *const sc_cmd_help_leaves[];
extern const sc_cli_cmd *const sc_cmd_verify_leaves[];
extern const sc_cli_cmd *const sc_cmd_info_leaves[];
extern const sc_cli_cmd *const sc_cmd_issue_leaves[];

/* ---- shared helpers: each returns 0, or an exit code after printing the diagnostic -------- */

/** A password taken from --pass-env, --pass-file or a terminal prompt. */
typedef struct {
    char *value;          /**< NUL-terminated, owned, wiped on dispose; NULL when none */
    const char *env_opt;  /**< the option naming the variable ("pass-env") */
    const char *file_opt; /**< the option naming the file ("pass-file") */
    bool may_prompt;      /**< prompt on the terminal when an encrypted input needs one */
} sc_cli_pass;

/**
 * Take a password from @p env_opt / @p file_opt (both may be given to the same table under other
 * names, e.g. "ca-pass-env"). Neither given: value stays NULL.
 */
int sc_cli_pass_init(sc_cli_pass *pass, const sc_opts *opts, const char *env_opt,
                     const char *file_opt);

/** Wipe and release a password. */
void sc_cli_pass_dispose(sc_cli_pass *pass);

/**
 * Read a key (PEM, DER, PKCS#8, PKCS#12) given by option @p opt; prompts on a terminal when the
 * key is encrypted and @p pass holds no password (the answer is kept in @p pass).
 */
int sc_cli_read_key(sc_key **out, const char *opt, const char *path, sc_cli_pass *pass);

/** Read a certificate (PEM, DER or the certificate of a PKCS#12 file) given by option @p opt. */
int sc_cli_read_cert(sc_cert **out, const char *opt, const char *path, sc_cli_pass *pass);

/**
 * Write an output file atomically (sc_fs_write_atomic), or to stdout when @p path is "-".
 * An existing file is replaced only when @p force. @p opt names the option in messages.
 */
int sc_cli_write(const char *opt, const char *path, const void *data, size_t len, bool force,
                 unsigned int mode);

/**
 * Read a private key (option @p key_opt) and its certificate (option @p cert_opt, or when that
 * is not given, the certificate of a PKCS#12 key file), and check that they match. @p role names
 * the key's holder in messages ("the maker signs the seal").
 */
int sc_cli_read_key_and_cert(sc_key **key_out, sc_cert **cert_out, const sc_cli_cmd *cmd,
                             const char *key_opt, const char *key_path, const char *cert_opt,
                             const char *cert_path, sc_cli_pass *pass, const char *role);

/** The path to open for an input argument: "-" is stdin. */
const char *sc_cli_input(const char *path);

/** Parse an RFC 3339 time or a YYYY-MM-DD date given to option @p opt. */
int sc_cli_parse_time(sc_time *out, const char *opt, const char *value);

/** Parse a decimal integer in [min, max] given to option @p opt. */
int sc_cli_parse_int(long *out, const char *opt, const char *value, long min, long max);

/**
 * The validity period from --days N or --not-before/--not-after (exclusive groups), with
 * @p default_days when none is given.
 */
int sc_cli_validity(sc_time *not_before, sc_time *not_after, int *days, const sc_opts *opts,
                    int default_days);

#endif
