/* sealcert common definitions: export macro, time type, options versioning. */
#ifndef SC_INCLUDE_COMMON_H
#define SC_INCLUDE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a symbol exported from libsealcert; everything else is hidden. */
#if defined(SC_BUILDING_LIBRARY) && defined(__GNUC__)
#define SC_EXTERN __attribute__((visibility("default")))
#else
#define SC_EXTERN
#endif

/** Seconds since 1970-01-01T00:00:00Z (UTC), 64-bit on every platform. */
typedef int64_t sc_time;

/** "No time given": the caller's clock is used where a time is needed. */
#define SC_TIME_NOW INT64_MIN

/* ---- time --------------------------------------------------------------------------------- */

/**
 * Parse RFC 3339 ("2021-06-01T00:00:00Z", "2021-06-01T08:00:00+08:00") or a date "2021-06-01"
 * (midnight UTC).
 * @return 0 or SC_EFORMAT
 */
SC_EXTERN int sc_time_parse(sc_time *out, const char *text);

/** Format as RFC 3339 UTC "2021-06-01T00:00:00Z" into @p out (at least 21 bytes). */
SC_EXTERN void sc_time_format(char out[21], sc_time t);

/** The current time. */
SC_EXTERN sc_time sc_time_now(void);

#ifdef __cplusplus
}
#endif
#endif
