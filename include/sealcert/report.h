/* sealcert verification reports: a verdict plus one finding per check. */
#ifndef SC_INCLUDE_REPORT_H
#define SC_INCLUDE_REPORT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Outcome of one check. Ordered from best to worst; the verdict follows the worst finding. */
typedef enum {
    SC_STATUS_OK = 0,   /**< checked and passed */
    SC_STATUS_INFO = 1, /**< not a check: a fact worth showing (encoding used, timestamp absent) */
    SC_STATUS_WARN =
        2, /**< passed, with a deviation from the standard tolerated (named producer quirk) */
    SC_STATUS_SKIP = 3, /**< could not or was not asked to be checked (no trust directory given) */
    SC_STATUS_UNTRUSTED = 4,   /**< correct, but no path to a trusted root */
    SC_STATUS_UNSUPPORTED = 5, /**< well-formed but uses an algorithm or layout we cannot check */
    SC_STATUS_FAIL = 6,        /**< checked and failed: the subject is invalid */
} sc_status;

/** Overall result of a verification. */
typedef enum {
    SC_VERDICT_VALID = 0,       /**< every check passed (warnings and skips allowed) */
    SC_VERDICT_UNTRUSTED = 1,   /**< valid, but a chain did not reach the trust directory */
    SC_VERDICT_UNSUPPORTED = 2, /**< some part could not be checked for lack of support */
    SC_VERDICT_INVALID = 3,     /**< some check failed */
} sc_verdict;

/** One finding. All strings are borrowed from the report. */
typedef struct {
    const char *check; /**< stable snake_case check name: "maker_signature", "validity", ... */
    sc_status status;  /**< outcome */
    const char
        *field; /**< the standard's field path, e.g. "SES_SealInfo.property.validEnd"; "" if none */
    const char *message; /**< one line, lower case, no final period */
} sc_finding;

typedef struct sc_report sc_report;

/**
 * Create an empty report (verdict valid, no findings).
 * @param[out] out the new report, owned by the caller (sc_report_free)
 * @return 0 or SC_ENOMEM
 */
SC_EXTERN int sc_report_new(sc_report **out);

/**
 * Append a finding.
 * @param report the report
 * @param check stable check name (copied)
 * @param status outcome
 * @param field field path (copied); NULL means none
 * @param fmt printf format of the message
 * @return 0 or SC_ENOMEM
 */
SC_EXTERN int sc_report_add(sc_report *report, const char *check, sc_status status,
                            const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/**
 * Append every finding of another report, prefixing each field with @p prefix (may be NULL).
 * @return 0 or SC_ENOMEM
 */
SC_EXTERN int sc_report_merge(sc_report *report, const sc_report *other, const char *prefix);

/** The verdict: the worst finding decides (fail > unsupported > untrusted > everything else). */
SC_EXTERN sc_verdict sc_report_verdict(const sc_report *report);

/** Number of findings. */
SC_EXTERN size_t sc_report_count(const sc_report *report);

/**
 * The i-th finding, in the order they were added.
 * @return a pointer borrowed from the report, or NULL when i is out of range
 */
SC_EXTERN const sc_finding *sc_report_get(const sc_report *report, size_t i);

/** The first finding of a check, or NULL; borrowed from the report. */
SC_EXTERN const sc_finding *sc_report_find(const sc_report *report, const char *check);

/** "ok", "info", "warn", "skip", "untrusted", "unsupported", "fail". */
SC_EXTERN const char *sc_status_name(sc_status status);

/** "valid", "untrusted", "unsupported", "invalid". */
SC_EXTERN const char *sc_verdict_name(sc_verdict verdict);

/** Release a report; NULL is accepted. */
SC_EXTERN void sc_report_free(sc_report *report);

#ifdef __cplusplus
}
#endif
#endif
