/* Fuzz target: OFD packages (GB/T 33190): sc_ofd_open (zip, limits, XML, model), the model
 * accessors, text positions, graphic objects, and sc_ofd_verify on whatever opened, at a fixed
 * time. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "sealcert/sealcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Text positions. Invariant: at most one character per byte of text, every coordinate a
 * number. */
static size_t page_text(const sc_ofd *ofd, size_t d, size_t i)
{
    sc_ofd_page_text *t = NULL;
    size_t sum = 0;
    if (sc_ofd_page_text_load(&t, ofd, d, i) != 0)
        return 0;
    for (size_t k = 0; k < sc_ofd_page_text_count(t); k++) {
        const sc_ofd_text_object *o = sc_ofd_page_text_object(t, k);
        if (o->char_count > strlen(o->text))
            __builtin_trap();
        for (size_t c = 0; c < o->char_count; c++)
            if (o->chars[c].box[2] != o->chars[c].box[2])
                __builtin_trap();
        sum += o->char_count;
    }
    sc_ofd_page_text_free(t);
    return sum;
}

/* Graphic objects with templates and annotations. Invariants: a parent comes before its
 * children, a text object's codes carry its text, colours are resolved. */
static size_t page_objects(const sc_ofd *ofd, size_t d, size_t i)
{
    sc_ofd_page_objects *po = NULL;
    size_t sum = 0;
    if (sc_ofd_page_objects_load(&po, ofd, d, i) != 0)
        return 0;
    for (size_t k = 0; k < sc_ofd_page_objects_count(po); k++) {
        const sc_ofd_object *o = sc_ofd_page_objects_object(po, k);
        if ((o->parent != SIZE_MAX && o->parent >= k) || !o->fill.space_type ||
            !o->stroke.space_type || (o->code_count && !o->codes))
            __builtin_trap();
        for (size_t c = 0; c < o->code_count; c++)
            sum += strlen(o->codes[c].text) + strlen(o->codes[c].delta_x);
        for (size_t c = 0; c < o->clip_count; c++)
            sum += strlen(o->clips[c].abbreviated_data) + strlen(o->clips[c].text);
        sum += strlen(o->text) + strlen(o->abbreviated_data) + strlen(o->resource_path);
    }
    for (size_t k = 0; k < sc_ofd_page_objects_annot_count(po); k++) {
        const sc_ofd_annot *a = sc_ofd_page_objects_annot(po, k);
        for (size_t c = 0; c < a->object_count; c++)
            sum += strlen(a->objects[c].text) + strlen(a->type) + strlen(a->path);
    }
    sc_ofd_page_objects_free(po);
    return sum;
}

/* The same package opened and verified through a verification cache shared by every input of
 * the run (inflated streams, digests, signature states, certificates): the same entries, the
 * same verdict. A false hit across inputs would show as a difference. */
static void through_cache(const uint8_t *data, size_t size, const sc_ofd *plain,
                          const sc_ofd_report *plain_rep, const sc_ofd_verify_options *vo)
{
    static sc_verify_cache *cache;
    sc_ofd_open_options oo = SC_OFD_OPEN_OPTIONS_INIT;
    sc_ofd_verify_options cvo = *vo;
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    if (!cache && sc_verify_cache_new(&cache, 64) != 0)
        return;
    oo.max_total_size = (size_t)64 << 20;
    oo.cache = cache;
    if (sc_ofd_open(&ofd, data, size, &oo) != 0)
        __builtin_trap(); /* it opened without the cache */
    if (sc_ofd_entry_count(ofd) != sc_ofd_entry_count(plain))
        __builtin_trap();
    for (size_t i = 0; i < sc_ofd_entry_count(plain); i++) {
        const unsigned char *a, *b;
        size_t alen, blen;
        const char *name = sc_ofd_entry_name(plain, i);
        if (sc_ofd_entry(&a, &alen, plain, name) != 0 || sc_ofd_entry(&b, &blen, ofd, name) != 0 ||
            alen != blen || memcmp(a, b, alen) != 0)
            __builtin_trap();
    }
    cvo.cache = cache;
    if (plain_rep && sc_ofd_verify(&rep, ofd, &cvo) == 0 &&
        sc_ofd_report_verdict(rep) != sc_ofd_report_verdict(plain_rep))
        __builtin_trap();
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
}

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
        /* The first pages, each parsed again from its Content.xml. */
        for (size_t i = 0; i < sc_ofd_page_count(ofd, d) && i < 8; i++)
            sum += page_text(ofd, d, i) + page_objects(ofd, d, i);
        for (size_t i = 0; i < sc_ofd_resource_count(ofd, d); i++)
            sum += strlen(sc_ofd_resource_of(ofd, d, i)->path);
    }
    for (size_t i = 0; i < sc_ofd_warning_count(ofd); i++)
        sum += strlen(sc_ofd_warning(ofd, i));
    /* Every XML part and nested OFD file, walked for dynamic elements. */
    if (sc_ofd_check_static(ofd) == SC_EINVALID && !strstr(sc_error_last()->message, "T/CMA"))
        __builtin_trap();
    vo.at = 1622505600; /* 2021-06-01T00:00:00Z */
    if (sc_ofd_verify(&rep, ofd, &vo) == 0) {
        /* Invariant: a file verdict exists, and "signatures" is always reported. */
        if (!sc_report_find(sc_ofd_report_file(rep), "signatures"))
            __builtin_trap();
        for (size_t i = 0; i < sc_ofd_report_signature_count(rep); i++)
            sum += strlen(sc_ofd_report_signature(rep, i)->id);
    }
    through_cache(data, size, ofd, rep, &vo);
    (void)sum;
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    return 0;
}
