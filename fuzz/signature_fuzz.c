/* Fuzz target: the SES_Signature parser (v1 incl. KingGrid, v4, v5) and its verification. */
#include <stdint.h>
#include <stddef.h>

#include "sealcert/sealcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_ses_signature *sig = NULL;
    sc_report *report = NULL;
    sc_ses_verify_options opts = SC_SES_VERIFY_OPTIONS_INIT;

    if (sc_ses_signature_parse(&sig, data, size) != 0)
        return 0;
    if (!sc_ses_signature_seal(sig))
        __builtin_trap();
    opts.data = data; /* any bytes: dataHash is checked against them */
    opts.data_len = size < 64 ? size : 64;
    if (sc_ses_signature_verify(&report, sig, &opts) == 0 && sc_report_count(report) == 0)
        __builtin_trap();
    sc_report_free(report);
    sc_ses_signature_free(sig);
    return 0;
}
