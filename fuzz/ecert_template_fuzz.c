/* Fuzz target: the certificate template loader (lib/ecert/ecert_template.c), a JSON file a
 * laboratory edits and sealcertd may accept from an operator. Every member is checked; nothing
 * may crash or leak whatever the file says. Relative file names resolve against no directory, so
 * only fonts and images named by absolute path are read. */
#include <stdint.h>
#include <stdlib.h>

#include "ecert/ecert_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_ecert_template *t = NULL;
    if (sc_ecert__template_parse(&t, (const char *)data, size, "fuzz.json", NULL) == 0) {
        if (!sc_ecert_template_name(t) || sc_ecert_template_type(t) < 1 ||
            sc_ecert_template_type(t) > 8)
            __builtin_trap();
        sc_ecert_template_free(t);
    } else if (t) {
        __builtin_trap(); /* a failed load hands nothing out */
    }
    return 0;
}
