/* Fuzz target: certificate data (sc_ecert_data_parse: syntax check, jansson, field checks) and
 * path lookups. Invariants: parsed data has every string non-NULL, each row column_count cells,
 * and the lookups agree with the fields. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "sealcert/sealcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"type",
                                        "revision",
                                        "customer.name",
                                        "issuer.base_url",
                                        "standards[0].serial",
                                        "results.rows[0][0]",
                                        "basis[1]",
                                        "x.y[2].z",
                                        "results.rows[0][0][0]"};
    sc_ecert_data *d = NULL;
    size_t sum = 0;
    if (sc_ecert_data_parse(&d, (const char *)data, size) != 0)
        return 0;
    const sc_ecert_fields *f = sc_ecert_data_fields(d);
    if (!f->number || !f->notes || !f->conclusion || !f->dates.next_due || f->column_count == 0 ||
        strcmp(sc_ecert_data_get(d, "issuer.name"), f->issuer.name) != 0)
        __builtin_trap();
    for (size_t r = 0; r < f->row_count; r++)
        for (size_t c = 0; c < f->column_count; c++)
            sum += strlen(f->rows[r][c]);
    for (size_t i = 0; i < f->standard_count; i++)
        sum += strlen(f->standards[i].valid_until);
    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        const char *v = sc_ecert_data_get(d, paths[i]);
        sum += v ? strlen(v) : 0;
    }
    (void)sum;
    sc_ecert_data_free(d);
    return 0;
}
