/* Library initialisation: OpenSSL providers (default + legacy for old PKCS#12 files), version. */
#include "util/util.h"

#include <stdio.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>

static CRYPTO_ONCE ossl_once = CRYPTO_ONCE_STATIC_INIT;
static int ossl_status = -1;
/* Held for the life of the process: OpenSSL unloads them in its own atexit cleanup. */
static OSSL_PROVIDER *prov_default, *prov_legacy;

static void load_providers(void)
{
    /* Loading any provider explicitly stops OpenSSL from loading "default" implicitly, so both
     * are loaded. "legacy" may be missing on a minimal system: PKCS#12 with old PBE then fails
     * with a clear message, everything else works. */
    if (!(prov_default = OSSL_PROVIDER_load(NULL, "default"))) {
        ossl_status = SC_ECRYPTO;
        return;
    }
    prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
    ERR_clear_error();
    ossl_status = 0;
}

int sc_util__ossl_init(void)
{
    if (!CRYPTO_THREAD_run_once(&ossl_once, load_providers) || ossl_status < 0)
        return sc_error_set_ossl(SC_ECRYPTO, "cannot load the OpenSSL providers");
    return 0;
}

int sc_init(void)
{
    return sc_util__ossl_init();
}

static char version_text[160];

static void version_init(void)
{
    snprintf(version_text, sizeof(version_text), "sealcert %s (%s)", SC_VERSION,
             OpenSSL_version(OPENSSL_VERSION));
}

const char *sc_version_string(void)
{
    static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;
    CRYPTO_THREAD_run_once(&once, version_init);
    return version_text;
}
