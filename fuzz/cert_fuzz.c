/* Fuzz target: certificate and key readers (PEM/DER/PKCS#12 detection, X.509 via OpenSSL). */
#include <stdint.h>
#include <stddef.h>

#include "sealcert/sealcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_cert *cert = NULL;
    sc_key *key = NULL;
    if (sc_cert_parse(&cert, data, size) == 0) {
        /* Invariant: what parsed exposes consistent accessors. */
        size_t len = 0;
        if (!sc_cert_der(cert, &len) || len == 0 || !sc_cert_subject(cert))
            __builtin_trap();
        sc_cert_free(cert);
    }
    if (sc_key_parse(&key, data, size, "fuzz") == 0)
        sc_key_free(key);
    return 0;
}
