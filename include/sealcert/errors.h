/* sealcert error codes and the per-thread last-error record (after libgit2 include/git2/errors.h).
 */
#ifndef SC_INCLUDE_ERRORS_H
#define SC_INCLUDE_ERRORS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Return codes. Every function that can fail returns 0 or one of these negative values.
 * A failed check (a bad signature, an expired seal) is not an error: it is a finding in a report.
 */
typedef enum {
    SC_OK = 0,
    SC_ERROR = -1,        /**< generic failure */
    SC_ENOMEM = -2,       /**< out of memory */
    SC_EINVALID = -3,     /**< the caller misused the API (NULL object, bad option) */
    SC_EFORMAT = -4,      /**< malformed input (DER, PEM, XML, zip, JSON) */
    SC_EUNSUPPORTED = -5, /**< well-formed but unsupported (algorithm OID, version) */
    SC_ENOTFOUND = -6,    /**< a file, entry or object does not exist */
    SC_EEXISTS = -7,      /**< the object already exists */
    SC_EIO = -8,          /**< an operating-system I/O call failed */
    SC_EPASSWORD = -9,    /**< a password is missing or wrong */
    SC_ECRYPTO = -10,     /**< a cryptographic operation failed (not a failed verification) */
    SC_ELIMIT = -11,      /**< input over a size, count or depth limit */
} sc_error_code;

/** The last error of this thread. */
typedef struct {
    int code;            /**< one of sc_error_code */
    const char *message; /**< one line, lower case, no final period; never NULL */
} sc_error;

/**
 * The last error recorded in this thread.
 *
 * Meaningful only right after a call that returned a negative code.
 * @return a borrowed pointer, never NULL; valid until the next sealcert call in this thread
 */
SC_EXTERN const sc_error *sc_error_last(void);

/** Forget the last error of this thread. */
SC_EXTERN void sc_error_clear(void);

/**
 * A stable lower-case word for an error code ("format", "crypto", ...), for JSON and logs.
 * @param code one of sc_error_code
 * @return a static string, never NULL
 */
SC_EXTERN const char *sc_error_name(int code);

#ifdef __cplusplus
}
#endif
#endif
