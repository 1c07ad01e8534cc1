/* sealcert info: what an OFD document holds (GB/T 33190-2016): DocInfo, pages with their size,
 * object counts, templates and annotations, fonts, images, attachments, custom tags, signatures
 * and warnings. */
#include <string.h>

#include "cli.h"

static const sc_opt_spec info_options[] = {
    {"json", 'j', NULL, "print one JSON object (docs/cli/schema/info.json)", 0},
    {NULL, 0, NULL, NULL, 0},
};

static json_t *items_json(const sc_ofd *ofd, size_t d, int tags)
{
    json_t *a = json_array();
    size_t n = tags ? sc_ofd_custom_tag_count(ofd, d) : sc_ofd_attachment_count(ofd, d);
    for (size_t i = 0; i < n; i++) {
        const sc_ofd_item *it =
            tags ? sc_ofd_custom_tag_of(ofd, d, i) : sc_ofd_attachment_of(ofd, d, i);
        json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "name", it->name, "path", it->path, "format",
                              it->format, "size", (json_int_t)it->size);
        sc_ofd_tag_pairs p = {0};
        /* Tags of key/value pairs (the certificate facts sealcert writes) show their values. */
        if (tags && sc_ofd_tag_pairs_read(&p, ofd, d, it->name) == 0) {
            json_t *v = json_object();
            for (size_t k = 0; k < p.count; k++)
                json_object_set_new(v, p.keys[k], json_string(p.values[k]));
            json_object_set_new(o, "values", v);
        }
        sc_error_clear();
        sc_ofd_tag_pairs_dispose(&p);
        json_array_append_new(a, o);
    }
    return a;
}

/* A page's templates (the IDs whose objects it draws, in drawing order) and annotations, as
 * JSON arrays; both empty when the page's objects cannot be read (open warned already). */
static void page_extras(const sc_ofd *ofd, size_t d, size_t page, json_t **templates,
                        json_t **annots)
{
    sc_ofd_page_objects *po = NULL;
    *templates = json_array();
    *annots = json_array();
    if (sc_ofd_page_objects_load(&po, ofd, d, page) < 0) {
        sc_error_clear();
        return;
    }
    unsigned long last = 0;
    for (size_t i = 0; i < sc_ofd_page_objects_count(po); i++) {
        unsigned long t = sc_ofd_page_objects_object(po, i)->template_id;
        if (t && t != last)
            json_array_append_new(*templates, json_integer((json_int_t)t));
        last = t;
    }
    for (size_t i = 0; i < sc_ofd_page_objects_annot_count(po); i++) {
        const sc_ofd_annot *a = sc_ofd_page_objects_annot(po, i);
        json_array_append_new(*annots, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)a->id,
                                                 "type", a->type, "subtype", a->subtype, "objects",
                                                 (json_int_t)a->object_count));
    }
    sc_ofd_page_objects_free(po);
}

static json_t *doc_json(const sc_ofd *ofd, size_t d)
{
    const sc_ofd_doc_info *di = sc_ofd_doc_info_of(ofd, d);
    json_t *pages = json_array(), *fonts = json_array(), *images = json_array();
    for (size_t i = 0; i < sc_ofd_page_count(ofd, d); i++) {
        const sc_ofd_page *p = sc_ofd_page_of(ofd, d, i);
        json_t *templates, *annots;
        page_extras(ofd, d, i, &templates, &annots);
        json_array_append_new(
            pages, json_pack("{s:I, s:s, s:f, s:f, s:I, s:I, s:I, s:I, s:o, s:o}", "id",
                             (json_int_t)p->id, "path", p->path, "width_mm", p->box[2], "height_mm",
                             p->box[3], "text_objects", (json_int_t)p->text_count, "image_objects",
                             (json_int_t)p->image_count, "path_objects", (json_int_t)p->path_count,
                             "text_bytes", (json_int_t)strlen(p->text), "templates", templates,
                             "annotations", annots));
    }
    for (size_t i = 0; i < sc_ofd_resource_count(ofd, d); i++) {
        const sc_ofd_resource *r = sc_ofd_resource_of(ofd, d, i);
        if (strcmp(r->kind, "font") == 0)
            json_array_append_new(fonts,
                                  json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)r->id, "name",
                                            r->name, "path", r->path, "embedded", r->is_embedded));
        else if (strcmp(r->kind, "image") == 0)
            json_array_append_new(images, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)r->id,
                                                    "format", r->format, "path", r->path,
                                                    "embedded", r->is_embedded));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "doc_id",
                     di->doc_id, "title", di->title, "creator", di->creator, "creator_version",
                     di->creator_version, "creation_date", di->creation_date, "doc_root",
                     di->doc_root, "pages", pages, "fonts", fonts, "images", images, "attachments",
                     items_json(ofd, d, 0), "custom_tags", items_json(ofd, d, 1));
}

static void print_doc(const sc_ofd *ofd, size_t d)
{
    const sc_ofd_doc_info *di = sc_ofd_doc_info_of(ofd, d);
    size_t np = sc_ofd_page_count(ofd, d), nf = 0, ni = 0;

    sc_out("document %zu: %s\n", d, di->doc_root);
    sc_out("  doc id:   %s\n  title:    %s\n  creator:  %s %s\n  created:  %s\n", di->doc_id,
           di->title, di->creator, di->creator_version, di->creation_date);
    sc_out("  pages:    %zu\n", np);
    for (size_t i = 0; i < np; i++) {
        const sc_ofd_page *p = sc_ofd_page_of(ofd, d, i);
        json_t *templates, *annots, *v;
        size_t k;
        sc_out("    page %zu (ID %lu): %.1f x %.1f mm, %zu text, %zu image, %zu path objects, %s\n",
               i + 1, p->id, p->box[2], p->box[3], p->text_count, p->image_count, p->path_count,
               p->path);
        page_extras(ofd, d, i, &templates, &annots);
        if (json_array_size(templates)) {
            sc_out("      templates:");
            json_array_foreach(templates, k, v) sc_out(" %lld", (long long)json_integer_value(v));
            sc_out("\n");
        }
        json_array_foreach(annots, k, v)
        {
            const char *sub = json_string_value(json_object_get(v, "subtype"));
            long long n = (long long)json_integer_value(json_object_get(v, "objects"));
            sc_out("      annotation %lld: %s%s%s, %lld object%s\n",
                   (long long)json_integer_value(json_object_get(v, "id")),
                   json_string_value(json_object_get(v, "type")), *sub ? " / " : "", sub, n,
                   n == 1 ? "" : "s");
        }
        json_decref(templates);
        json_decref(annots);
    }
    for (size_t i = 0; i < sc_ofd_resource_count(ofd, d); i++) {
        const sc_ofd_resource *r = sc_ofd_resource_of(ofd, d, i);
        if (strcmp(r->kind, "font") == 0) {
            if (!nf++)
                sc_out("  fonts:\n");
            sc_out("    %lu %s: %s%s\n", r->id, r->name,
                   r->is_embedded ? "embedded " : "not embedded", r->is_embedded ? r->path : "");
        }
    }
    for (size_t i = 0; i < sc_ofd_resource_count(ofd, d); i++) {
        const sc_ofd_resource *r = sc_ofd_resource_of(ofd, d, i);
        if (strcmp(r->kind, "image") == 0) {
            if (!ni++)
                sc_out("  images:\n");
            sc_out("    %lu %s %s%s\n", r->id, *r->format ? r->format : "?", r->path,
                   r->is_embedded ? "" : " (missing)");
        }
    }
    for (int tags = 0; tags < 2; tags++) {
        size_t n = tags ? sc_ofd_custom_tag_count(ofd, d) : sc_ofd_attachment_count(ofd, d);
        if (n)
            sc_out("  %s:\n", tags ? "custom tags" : "attachments");
        for (size_t i = 0; i < n; i++) {
            const sc_ofd_item *it =
                tags ? sc_ofd_custom_tag_of(ofd, d, i) : sc_ofd_attachment_of(ofd, d, i);
            sc_out("    %s %s (%zu bytes)\n", it->name, it->path, it->size);
            sc_ofd_tag_pairs p = {0};
            if (tags && sc_ofd_tag_pairs_read(&p, ofd, d, it->name) == 0)
                for (size_t k = 0; k < p.count; k++)
                    sc_out("      %s: %s\n", p.keys[k], p.values[k]);
            sc_error_clear();
            sc_ofd_tag_pairs_dispose(&p);
        }
    }
}

static int run_info(const sc_cli_cmd *cmd, const sc_opts *opts)
{
    const char *path = opts->args[0];
    bool json = sc_opt_has(opts, "json");
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    int code = SC_EXIT_OK, error;

    (void)cmd;
    if ((error = sc_ofd_open_file(&ofd, sc_cli_input(path), NULL)) < 0 ||
        (error = sc_ofd_verify(&rep, ofd, NULL)) < 0) {
        code = sc_out_lib_error(path, error);
        goto done;
    }
    size_t ns = sc_ofd_report_signature_count(rep);
    if (json) {
        json_t *docs = json_array(), *sigs = json_array(), *warns = json_array();
        for (size_t d = 0; d < sc_ofd_doc_count(ofd); d++)
            json_array_append_new(docs, doc_json(ofd, d));
        for (size_t i = 0; i < ns; i++) {
            const sc_ofd_signature_result *s = sc_ofd_report_signature(rep, i);
            json_array_append_new(
                sigs,
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id", s->id, "type",
                          s->type == SC_OFD_SIG_SIGN ? "Sign" : "Seal", "path", s->path, "provider",
                          s->provider, "date", s->date, "seal_name", s->seal_name, "signer",
                          s->signer, "page_count", (json_int_t)s->page_count, "verdict",
                          sc_verdict_name(sc_report_verdict(s->report))));
        }
        for (size_t i = 0; i < sc_ofd_warning_count(ofd); i++)
            json_array_append_new(warns, json_string(sc_ofd_warning(ofd, i)));
        json_t *o = json_pack("{s:s, s:I, s:o, s:o, s:o}", "file", path, "entry_count",
                              (json_int_t)sc_ofd_entry_count(ofd), "documents", docs, "signatures",
                              sigs, "warnings", warns);
        if (!o || sc_out_json(o) < 0)
            code = SC_EXIT_ERROR;
        goto done;
    }
    sc_out("%s: %zu files, %zu document%s\n", path, sc_ofd_entry_count(ofd), sc_ofd_doc_count(ofd),
           sc_ofd_doc_count(ofd) == 1 ? "" : "s");
    for (size_t d = 0; d < sc_ofd_doc_count(ofd); d++)
        print_doc(ofd, d);
    sc_out("signatures: %zu\n", ns);
    for (size_t i = 0; i < ns; i++) {
        const sc_ofd_signature_result *s = sc_ofd_report_signature(rep, i);
        sc_out("  %s (%s) %s: provider \"%s\", seal \"%s\", signer \"%s\", %zu page%s, %s\n", s->id,
               s->type == SC_OFD_SIG_SIGN ? "Sign" : "Seal", s->path, s->provider, s->seal_name,
               s->signer, s->page_count, s->page_count == 1 ? "" : "s",
               sc_verdict_name(sc_report_verdict(s->report)));
    }
    if (sc_ofd_warning_count(ofd))
        sc_out("warnings:\n");
    for (size_t i = 0; i < sc_ofd_warning_count(ofd); i++)
        sc_out("  %s\n", sc_ofd_warning(ofd, i));
done:
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    return code;
}

static const sc_cli_cmd cmd_info = {
    .name = "info",
    .summary = "show what an OFD document holds",
    .args = "FILE",
    .min_args = 1,
    .max_args = 1,
    .description =
        "Show an OFD document: DocInfo, each page with its size in millimetres and its text,\n"
        "image and path object counts, fonts (embedded or not), images, attachments, custom\n"
        "tags, the signatures (type, provider, seal name, signer, stamped pages, verdict) and\n"
        "the tolerated deviations met while reading. Exit code 0, or 2 when the file is not an\n"
        "OFD package. Use 'sealcert verify' for the signature checks in detail.",
    .options = info_options,
    .examples = "sealcert info invoice.ofd\nsealcert info invoice.ofd --json",
    .run = run_info,
};

const sc_cli_cmd *const sc_cmd_info_leaves[] = {&cmd_info, NULL};

int sc_cmd_info_main(int argc, char **argv)
{
    return sc_cli_run(&cmd_info, argc - 1, argv + 1);
}
