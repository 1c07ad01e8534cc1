/* sealcert CLI output: results on stdout, diagnostics on stderr, JSON, and the one mapping from
 * library results to exit codes (STYLE.md section 5; after curl src/tool_msgs.c). */
#ifndef SC_CLI_OUT_H
#define SC_CLI_OUT_H

#include <stdio.h>

#include <jansson.h>

#include "util/util.h"

/** The only exit codes of sealcert. */
enum {
    SC_EXIT_OK = 0,      /**< done, or checked and valid */
    SC_EXIT_INVALID = 1, /**< the check ran and the subject failed it */
    SC_EXIT_ERROR = 2,   /**< usage error, unreadable or malformed input, I/O or internal error */
};

/** The one place that writes: printf-style text to @p stream. Everything else calls it. */
void sc_out_to(FILE *stream, const char *fmt, ...) SC_PRINTF(2, 3);

/** A result line (or any text) on stdout. */
#define sc_out(...) sc_out_to(stdout, __VA_ARGS__)

/** Raw bytes on stdout (an output file named "-"). @return 0 or -1 on a write error */
int sc_out_bytes(const void *data, size_t len);

/**
 * A diagnostic on stderr: "sealcert: <file>: <field>: <message>"; @p file and @p field may be
 * NULL to leave their part out.
 */
void sc_out_err(const char *file, const char *field, const char *fmt, ...) SC_PRINTF(3, 4);

/** A warning on stderr: "sealcert: warning: <message>". */
void sc_out_warn(const char *fmt, ...) SC_PRINTF(1, 2);

/**
 * Print the library's last error for @p file ("sealcert: <file>: <message>"; the file is not
 * repeated when the library's message already starts with it) and return the exit code of
 * @p error (always SC_EXIT_ERROR for a negative code).
 */
int sc_out_lib_error(const char *file, int error);

/**
 * Print one JSON object on stdout (sorted by insertion, indented, UTF-8 as is) and take the
 * reference. @return 0 or -1 when it cannot be serialised (printed as an error)
 */
int sc_out_json(json_t *obj);

/**
 * Print the JSON of a check over several files and take the references of @p objs: the file's
 * own object for one file; otherwise {verdict, exit_code, files}, the verdict the worst of
 * @p verdicts (an sc_verdict per file, or -1 for a file that could not be checked: "error").
 * @return @p code, or SC_EXIT_ERROR when the JSON cannot be built or written
 */
int sc_out_files_json(json_t **objs, const int *verdicts, size_t n, int code);

/**
 * The mapping from a library result to an exit code: a negative @p error is 2; otherwise a
 * @p report whose verdict is not valid is 1; anything else is 0. @p report may be NULL.
 */
int sc_exit_code(int error, const sc_report *report);

/** The worse of two exit codes (2 > 1 > 0), for commands that process several files. */
int sc_exit_worst(int a, int b);

/** Flush stdout at exit; a write error (full disk, closed pipe) turns the exit code into 2. */
int sc_out_finish(int code);

#endif
