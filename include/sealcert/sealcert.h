/* sealcert: the whole public API. */
#ifndef SC_INCLUDE_SEALCERT_H
#define SC_INCLUDE_SEALCERT_H

#include "common.h"
#include "errors.h"
#include "buffer.h"
#include "report.h"
#include "sealcert/version.h"
#include "sm.h"
#include "ses.h"
#include "ofd.h"
#include "ecert.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Initialise the library once per process before other calls from several threads (loads the
 * OpenSSL providers sealcert needs, including "legacy" for old PKCS#12 files). Calling it again
 * is harmless; single-threaded programs may skip it, other calls initialise lazily.
 * @return 0 or SC_ECRYPTO
 */
SC_EXTERN int sc_init(void);

/** "sealcert 0.1.0 (OpenSSL 3.0.x ...)"; static string. */
SC_EXTERN const char *sc_version_string(void);

#ifdef __cplusplus
}
#endif
#endif
