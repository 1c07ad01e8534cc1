/* sealcert CLI option parsing: one table per command drives the parser, the usage line, --help
 * and the docs check (after libgit2 src/cli/opt.h). GNU long options, `--` ends options. */
#ifndef SC_CLI_OPT_H
#define SC_CLI_OPT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/** Flags of an option. */
enum {
    SC_OPT_REPEAT = 1 << 0,   /**< may be given several times; every value is kept */
    SC_OPT_REQUIRED = 1 << 1, /**< the parser refuses a command line without it */
    SC_OPT_HIDDEN = 1 << 2,   /**< not shown by --help nor listed for the docs check */
};

/** One option of a command. A table ends with an entry whose name is NULL. */
typedef struct {
    const char *name;       /**< long name without the dashes: "maker-key" */
    char short_name;        /**< single letter after one dash ('o'), or 0 */
    const char *value_name; /**< name of the value in usage ("FILE"); NULL for a switch */
    const char *help;       /**< one line for --help */
    unsigned int flags;     /**< SC_OPT_* */
} sc_opt_spec;

/** The result of parsing one command line. Strings point into argv (not copied). */
typedef struct {
    const sc_opt_spec *specs; /**< the table parsed against (borrowed) */
    size_t spec_count;        /**< entries in specs before the terminator */
    int *spec_of;             /**< for each occurrence, the index of its spec (owned) */
    const char **value_of;    /**< for each occurrence, its value; "" for a switch (owned array) */
    size_t count;             /**< occurrences recorded */
    const char **args;        /**< positional arguments, in order (owned array, borrowed strings) */
    size_t arg_count;         /**< entries in args */
    bool help;                /**< --help or -h was given */
} sc_opts;

/**
 * Parse @p argv[0..argc) (the words after the command name) against @p specs.
 * `--help`/`-h` are always accepted. A lone `-` is a positional argument (stdin/stdout).
 * @param[out] out parsed options; release with sc_opts_dispose() even on failure
 * @param[out] msgbuf on a usage error, one line naming the option and what is wrong
 *             ("--type: needs a value")
 * @return 0, or -1 on a usage error (or out of memory, also described in @p msgbuf)
 */
int sc_opts_parse(sc_opts *out, const sc_opt_spec *specs, int argc, char **argv, char *msgbuf,
                  size_t msgbuf_len);

/** Release what sc_opts_parse() allocated. */
void sc_opts_dispose(sc_opts *opts);

/** The last value of option @p name, or NULL when it was not given ("" for a given switch). */
const char *sc_opt_get(const sc_opts *opts, const char *name);

/** 1 if option @p name was given at least once, else 0. */
int sc_opt_has(const sc_opts *opts, const char *name);

/**
 * Every value of a repeatable option, in command-line order.
 * @param[out] values an array owned by the caller (sc_free()), NULL when there are none
 * @return the number of values, or (size_t)-1 when out of memory
 */
size_t sc_opt_all(const sc_opts *opts, const char *name, const char ***values);

/**
 * Append the usage synopsis of a command ("usage: sealcert seal make --maker-key KEY ...",
 * wrapped at 100 columns) to @p out. @return 0 or SC_ENOMEM
 */
int sc_opt_usage(sc_buf *out, const char *command, const sc_opt_spec *specs,
                 const char *args_synopsis);

/** Append the options section of --help (one option per line, aligned). @return 0 or SC_ENOMEM */
int sc_opt_help(sc_buf *out, const sc_opt_spec *specs);

#endif
