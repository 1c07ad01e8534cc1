/* Fuzz target: the certificate identifier parser and the URL decoder (both see text from
 * verification URLs). Invariant: a parsed identifier formats back to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealcert/sealcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    sc_ecert_id *id = NULL;
    sc_buf buf = SC_BUF_INIT;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (sc_ecert_id_parse(&id, text) == 0) {
        if (sc_ecert_id_format(&buf, id) != 0 || strcmp((char *)buf.ptr, text) != 0)
            __builtin_trap();
        sc_ecert_id_free(id);
    }
    if (sc_ecert_id_url_decode(&buf, text) == 0)
        sc_buf_dispose(&buf);
    sc_buf_dispose(&buf);
    free(text);
    return 0;
}
