/* Fuzz target: the OFD XML layer alone (ofd_xml.c): safe parsing, namespace matching, text and
 * attribute access, ST_Loc resolution of every attribute value against a base path. */
#include <stdint.h>
#include <stddef.h>

#include "sealcert/sealcert.h"
#include "ofd/ofd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const xmlNode *n, sc_buf *buf, int depth)
{
    char abs[SC_OFD_MAX_PATH];
    for (; n && depth < 200; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        (void)sc_ofd__xml_is(n, "Page");
        if (sc_ofd__xml_text(buf, n) == 0 && buf->ptr)
            (void)sc_ofd__resolve(abs, "/Doc_0/Pages/Page_0/Content.xml", (const char *)buf->ptr);
        const char *a = sc_ofd__xml_attr(n, "BaseLoc");
        if (a)
            (void)sc_ofd__resolve(abs, "/Doc_0/Document.xml", a);
        double v[4];
        const char *box = sc_ofd__xml_attr(n, "Boundary");
        if (box)
            (void)sc_ofd__numbers(v, 4, box);
        walk(n->children, buf, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmlDoc *doc = NULL;
    sc_buf buf = SC_BUF_INIT;
    if (sc_ofd__xml_parse(&doc, data, size, "fuzz.xml") != 0)
        return 0;
    (void)sc_ofd__xml_ns_quirk(doc, NULL);
    walk(xmlDocGetRootElement(doc), &buf, 0);
    sc_buf_dispose(&buf);
    xmlFreeDoc(doc);
    return 0;
}
