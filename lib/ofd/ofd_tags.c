/* Reading back the key/value custom tag files sc_ofd_writer_add_custom_tag_pairs() writes
 * (GB/T 33190-2016 clause 16, 自定义标引: CustomTags.xml -> CustomTag -> the tag file). */
#include <string.h>

#include "ofd_int.h"

void sc_ofd_tag_pairs_dispose(sc_ofd_tag_pairs *pairs)
{
    if (!pairs)
        return;
    for (size_t i = 0; i < pairs->count; i++) {
        sc_free(pairs->keys[i]);
        sc_free(pairs->values[i]);
    }
    sc_free(pairs->keys);
    sc_free(pairs->values);
    memset(pairs, 0, sizeof(*pairs));
}

const char *sc_ofd_tag_pairs_get(const sc_ofd_tag_pairs *pairs, const char *key)
{
    for (size_t i = 0; pairs && key && i < pairs->count; i++)
        if (strcmp(pairs->keys[i], key) == 0)
            return pairs->values[i];
    return NULL;
}

/* Tags are matched by namespace URI (STYLE.md 4), never by the prefix a producer chose. */
static int is_tag(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, SC_OFD_TAGS_NS) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

int sc_ofd_tag_pairs_read(sc_ofd_tag_pairs *out, const sc_ofd *ofd, size_t doc, const char *type_id)
{
    sc_ofd_tag_pairs p = {0};
    const sc_ofd_item *item = NULL;
    const unsigned char *data;
    size_t len, cap = 0;
    xmlDoc *x = NULL;
    sc_buf text = SC_BUF_INIT;
    int error = 0;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(ofd);
    SC_ASSERT_ARG(type_id);
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sc_ofd_custom_tag_count(ofd, doc) && !item; i++)
        if (strcmp(sc_ofd_custom_tag_of(ofd, doc, i)->name, type_id) == 0)
            item = sc_ofd_custom_tag_of(ofd, doc, i);
    if (!item)
        return sc_error_set(SC_ENOTFOUND, "CustomTags.xml: no CustomTag with TypeID %s", type_id);
    if ((error = sc_ofd_entry(&data, &len, ofd, item->path)) < 0 ||
        (error = sc_ofd__xml_parse(&x, data, len, item->path)) < 0)
        goto done;
    const xmlNode *root = xmlDocGetRootElement(x);
    if (!is_tag(root, "Tags")) {
        error = sc_error_set(SC_EFORMAT, "%s: root element is not Tags of %s", item->path,
                             SC_OFD_TAGS_NS);
        goto done;
    }
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!is_tag(c, "Tag"))
            continue;
        const char *name = sc_ofd__xml_attr(c, "Name");
        if (!name) {
            error =
                sc_error_set(SC_EFORMAT, "%s: Tag %zu: no Name attribute", item->path, p.count + 1);
            goto done;
        }
        if (p.count == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            char **k = sc_realloc(p.keys, ncap * sizeof(*k));
            if (!k)
                goto oom;
            p.keys = k;
            char **v = sc_realloc(p.values, ncap * sizeof(*v));
            if (!v)
                goto oom;
            p.values = v;
            cap = ncap;
        }
        if ((error = sc_ofd__xml_text(&text, c)) < 0)
            goto done;
        p.keys[p.count] = sc_strdup(name);
        p.values[p.count] = sc_strndup((const char *)text.ptr, text.size);
        p.count++;
        if (!p.keys[p.count - 1] || !p.values[p.count - 1])
            goto oom;
    }
    *out = p;
    memset(&p, 0, sizeof(p));
    goto done;
oom:
    error = sc_error_oom();
done:
    sc_buf_dispose(&text);
    if (x)
        xmlFreeDoc(x);
    sc_ofd_tag_pairs_dispose(&p);
    return error;
}
