/* Fuzz target: OFD packages (GB/T 33190): sc_ofd_open (zip, limits, XML, model), the model
 * accessors, text positions, and sc_ofd_verify on whatever opened, at a fixed time. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "sealcert/sealcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    sc_ofd_verify_options vo = SC_OFD_VERIFY_OPTIONS_INIT;
    sc_ofd_open_options oo = SC_OFD_OPEN_OPTIONS_INIT;
    size_t sum = 0;

    oo.max_total_size = (size_t)64 << 20; /* keep each run's memory small */
    if (sc_ofd_open(&ofd, data, size, &oo) != 0)
        return 0;
    for (size_t d = 0; d < sc_ofd_doc_count(ofd); d++) {
        sum += strlen(sc_ofd_doc_info_of(ofd, d)->doc_root);
        for (size_t i = 0; i < sc_ofd_page_count(ofd, d); i++)
            sum += strlen(sc_ofd_page_of(ofd, d, i)->text);
        /* Text positions of the first pages (each parses its Content.xml again). Invariant: at
         * most one character per byte of text, every coordinate a number. */
        for (size_t i = 0; i < sc_ofd_page_count(ofd, d) && i < 8; i++) {
            sc_ofd_page_text *t = NULL;
            if (sc_ofd_page_text_load(&t, ofd, d, i) != 0)
                continue;
            for (size_t k = 0; k < sc_ofd_page_text_count(t); k++) {
                const sc_ofd_text_object *o = sc_ofd_page_text_object(t, k);
                if (o->char_count > strlen(o->text))
                    __builtin_trap();
                for (size_t c = 0; c < o->char_count; c++)
                    if (o->chars[c].box[2] != o->chars[c].box[2])
                        __builtin_trap();
            }
            sc_ofd_page_text_free(t);
        }
        for (size_t i = 0; i < sc_ofd_resource_count(ofd, d); i++)
            sum += strlen(sc_ofd_resource_of(ofd, d, i)->path);
    }
    for (size_t i = 0; i < sc_ofd_warning_count(ofd); i++)
        sum += strlen(sc_ofd_warning(ofd, i));
    vo.at = 1622505600; /* 2021-06-01T00:00:00Z */
    if (sc_ofd_verify(&rep, ofd, &vo) == 0) {
        /* Invariant: a file verdict exists, and "signatures" is always reported. */
        if (!sc_report_find(sc_ofd_report_file(rep), "signatures"))
            __builtin_trap();
        for (size_t i = 0; i < sc_ofd_report_signature_count(rep); i++)
            sum += strlen(sc_ofd_report_signature(rep, i)->id);
    }
    (void)sum;
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    return 0;
}
