/* Fuzz target: the SESeal parser (v1, v4, v5) and verification of whatever parsed.
 * Invariants: a parsed seal exposes its bytes; verification always yields a report. */
#include <stdint.h>
#include <stddef.h>

#include "sealcert/sealcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_seal *seal = NULL;
    sc_report *report = NULL;
    sc_seal_verify_options opts = SC_SEAL_VERIFY_OPTIONS_INIT;
    size_t len = 0;

    if (sc_seal_parse(&seal, data, size) != 0)
        return 0;
    if (!sc_seal_der(seal, &len) || len != size)
        __builtin_trap();
    opts.at = 1600000000; /* fixed: the run does not depend on the clock */
    if (sc_seal_verify(&report, seal, &opts) == 0 && sc_report_count(report) == 0)
        __builtin_trap();
    sc_report_free(report);
    sc_seal_free(seal);
    return 0;
}
