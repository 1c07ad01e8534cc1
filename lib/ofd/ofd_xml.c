/* XML of OFD packages (GB/T 33190-2016 clause 7.1) through libxml2, safely: no network, no DTD,
 * no entities, capped size and depth; elements matched by namespace URI and local name. */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"

#include <math.h> /* isfinite: a macro, no libm */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <openssl/crypto.h>

static CRYPTO_ONCE xml_once = CRYPTO_ONCE_STATIC_INIT;

static void xml_init(void)
{
    /* libxml2 must be initialised once before parsers run on several threads. */
    xmlInitParser();
}

/* The only XML doctype-free check we need before libxml2 sees the bytes: a DOCTYPE can declare
 * entities (billion laughs) or an external subset (XXE). OFD never uses one. The check after
 * parsing (intSubset) covers encodings where the bytes are not ASCII. */
static int has_doctype(const unsigned char *d, size_t len)
{
    static const char tag[] = "<!DOCTYPE";
    size_t n = sizeof(tag) - 1;
    const unsigned char *p = d, *end = d + len;
    while (p + n <= end && (p = memchr(p, '<', (size_t)(end - p - n + 1))) != NULL) {
        if (memcmp(p, tag, n) == 0)
            return 1;
        p++;
    }
    return 0;
}

static int check_depth(const xmlNode *node, int depth)
{
    for (const xmlNode *c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (depth > SC_OFD_MAX_XML_DEPTH)
            return -1;
        if (c->children && check_depth(c->children, depth + 1) < 0)
            return -1;
    }
    return 0;
}

int sc_ofd__xml_parse(xmlDoc **out, const unsigned char *data, size_t len, const char *name)
{
    xmlParserCtxt *ctxt = NULL;
    xmlDoc *doc = NULL;
    int error = 0;

    *out = NULL;
    if (len > SC_OFD_MAX_XML_SIZE)
        return sc_error_set(SC_ELIMIT, "%s: %zu bytes of XML, more than %zu", name, len,
                            SC_OFD_MAX_XML_SIZE);
    if (len > INT32_MAX)
        return sc_error_set(SC_ELIMIT, "%s: too large", name);
    if (has_doctype(data, len))
        return sc_error_set(SC_EFORMAT, "%s: DOCTYPE declarations are not allowed in OFD", name);
    CRYPTO_THREAD_run_once(&xml_once, xml_init);
    if (!(ctxt = xmlNewParserCtxt()))
        return sc_error_oom();
    /* Never XML_PARSE_NOENT (substitutes entities) nor XML_PARSE_DTDLOAD (fetches the external
     * subset) nor XML_PARSE_HUGE (lifts libxml2's own size and depth limits). */
    doc = xmlCtxtReadMemory(ctxt, (const char *)data, (int)len, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_NOCDATA);
    if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[160] = "not well-formed";
        if (e && e->message) {
            size_t n = strlen(e->message);
            while (n && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
                n--;
            if (n >= sizeof(msg))
                n = sizeof(msg) - 1;
            memcpy(msg, e->message, n);
            msg[n] = '\0';
        }
        error = sc_error_set(e && e->code == XML_ERR_NO_MEMORY ? SC_ENOMEM : SC_EFORMAT,
                             "%s: malformed XML (line %d): %s", name, e ? e->line : 0, msg);
        goto done;
    }
    if (doc->intSubset || doc->extSubset) {
        error = sc_error_set(SC_EFORMAT, "%s: DOCTYPE declarations are not allowed in OFD", name);
        goto done;
    }
    if (!xmlDocGetRootElement(doc)) {
        error = sc_error_set(SC_EFORMAT, "%s: no root element", name);
        goto done;
    }
    if (check_depth(xmlDocGetRootElement(doc), 1) < 0) {
        error = sc_error_set(SC_ELIMIT, "%s: elements nested deeper than %d", name,
                             SC_OFD_MAX_XML_DEPTH);
        goto done;
    }
    *out = doc;
    doc = NULL;
done:
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return error;
}

/* The namespace elements are matched in: the root element's. Standard files use SC_OFD_NS;
 * the tolerated quirks (no namespace, a wrong URI) use whatever the root has, consistently. */
static const xmlNs *doc_ns(const xmlNode *node)
{
    const xmlNode *root = node->doc ? xmlDocGetRootElement(node->doc) : NULL;
    return root ? root->ns : NULL;
}

int sc_ofd__xml_ns_quirk(const xmlDoc *doc, const char **uri)
{
    const xmlNode *root = xmlDocGetRootElement((xmlDoc *)doc);
    const char *href = root && root->ns && root->ns->href ? (const char *)root->ns->href : "";
    if (uri)
        *uri = href;
    return strcmp(href, SC_OFD_NS) != 0;
}

int sc_ofd__xml_is(const xmlNode *node, const char *local)
{
    const xmlNs *want, *have;
    if (!node || node->type != XML_ELEMENT_NODE || strcmp((const char *)node->name, local) != 0)
        return 0;
    want = doc_ns(node);
    have = node->ns;
    if (want && want->href) {
        /* The standard namespace always matches, whatever the root uses (mixed files). */
        if (have && have->href &&
            (strcmp((const char *)have->href, (const char *)want->href) == 0 ||
             strcmp((const char *)have->href, SC_OFD_NS) == 0))
            return 1;
        /* Namespace omitted on children of a namespaced root: tolerated, same quirk. */
        return have == NULL;
    }
    return have == NULL || (have->href && strcmp((const char *)have->href, SC_OFD_NS) == 0);
}

xmlNode *sc_ofd__xml_child(const xmlNode *parent, const char *local)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (sc_ofd__xml_is(c, local))
            return c;
    return NULL;
}

xmlNode *sc_ofd__xml_next(const xmlNode *node, const char *local)
{
    for (xmlNode *c = node ? node->next : NULL; c; c = c->next)
        if (sc_ofd__xml_is(c, local))
            return c;
    return NULL;
}

int sc_ofd__xml_raw_text(sc_buf *buf, const xmlNode *node)
{
    int error;
    sc_buf_clear(buf);
    for (const xmlNode *c = node ? node->children : NULL; c; c = c->next) {
        /* Entity references are never followed: with substitution off they stay unexpanded
         * nodes, and expanding them here would reopen the billion-laughs door. */
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
            (error = sc_buf_puts(buf, (const char *)c->content)) < 0)
            return error;
    }
    if (!buf->ptr && (error = sc_buf_grow(buf, 1)) < 0)
        return error;
    return 0;
}

int sc_ofd__xml_text(sc_buf *buf, const xmlNode *node)
{
    int error;
    if ((error = sc_ofd__xml_raw_text(buf, node)) < 0)
        return error;
    /* Trim blanks: producers pretty-print values ("\n  /Doc_0/Document.xml\n"). */
    size_t s = 0, e = buf->size;
    while (s < e && (buf->ptr[s] == ' ' || buf->ptr[s] == '\t' || buf->ptr[s] == '\r' ||
                     buf->ptr[s] == '\n'))
        s++;
    while (e > s && (buf->ptr[e - 1] == ' ' || buf->ptr[e - 1] == '\t' || buf->ptr[e - 1] == '\r' ||
                     buf->ptr[e - 1] == '\n'))
        e--;
    memmove(buf->ptr, buf->ptr + s, e - s);
    buf->size = e - s;
    buf->ptr[buf->size] = '\0';
    return 0;
}

const char *sc_ofd__xml_child_text(sc_ofd__pool *pool, const xmlNode *parent, const char *local)
{
    const xmlNode *c = sc_ofd__xml_child(parent, local);
    sc_buf buf = SC_BUF_INIT;
    const char *p;
    if (!c)
        return sc_ofd__pstrdup(pool, "");
    if (sc_ofd__xml_text(&buf, c) < 0) {
        sc_buf_dispose(&buf);
        return NULL;
    }
    p = sc_ofd__pstrndup(pool, (const char *)buf.ptr, buf.size);
    sc_buf_dispose(&buf);
    return p;
}

const char *sc_ofd__xml_attr(const xmlNode *node, const char *name)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return NULL;
    /* Attributes of OFD elements are unqualified; some producers prefix them ("ofd:ID"), so
     * the local name decides whatever the namespace. */
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next)
            return a->children->content ? (const char *)a->children->content : "";
        return a->children ? NULL : "";
    }
    return NULL;
}

size_t sc_ofd__numbers(double *out, size_t n, const char *text)
{
    size_t count = 0;
    const char *p = text;
    while (p && *p && count < n) {
        char *end;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',')
            p++;
        if (!*p)
            break;
        double v = strtod(p, &end);
        if (end == p)
            break;
        out[count++] = v;
        p = end;
    }
    return count;
}

bool sc_ofd__is_coord(double v)
{
    return isfinite(v) && v <= SC_OFD_MAX_COORD_MM && v >= -SC_OFD_MAX_COORD_MM;
}

size_t sc_ofd__coords(double *out, size_t n, const char *attr)
{
    size_t got = attr ? sc_ofd__numbers(out, n, attr) : 0;
    for (size_t i = 0; i < got; i++)
        if (!sc_ofd__is_coord(out[i]))
            return i;
    return got;
}

double sc_ofd__coord(const char *attr, double dflt)
{
    double v;
    return sc_ofd__coords(&v, 1, attr) == 1 ? v : dflt;
}

void sc_ofd__unit_geometry(double boundary[4], double ctm[6], const xmlNode *el)
{
    static const double identity[6] = {1, 0, 0, 1, 0, 0};
    if (sc_ofd__coords(boundary, 4, sc_ofd__xml_attr(el, "Boundary")) != 4)
        memset(boundary, 0, 4 * sizeof(*boundary));
    if (sc_ofd__coords(ctm, 6, sc_ofd__xml_attr(el, "CTM")) != 6)
        memcpy(ctm, identity, sizeof(identity));
}
