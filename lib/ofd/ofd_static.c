/*
 * sealcert — dynamic content in an OFD package (T/CMA 4.1.4: an electronic certificate uses no
 * dynamic elements). include/sealcert/ofd.h, sc_ofd_check_static().
 */
#include <string.h>
#include <strings.h>

#include <zip.h>

#include "ofd/ofd_int.h"

/* Nested OFD files (an attachment's own attachments) are looked into this deep, this many of
 * them, unpacking this many bytes for all of them together: so that no file makes the walk
 * unpack more than a file of its own size could. */
#define NESTED_DEPTH     2
#define NESTED_MAX_FILES 256
#define NESTED_MAX_TOTAL ((size_t)64 << 20)

typedef struct {
    size_t files; /* nested files opened so far */
    size_t bytes; /* their unpacked bytes so far */
} budget;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* What is dynamic about element @p n, or NULL. An Action (clause 14.2) that plays a sound or a
 * movie or opens a URI (outside the file: a certificate is self-contained, T/CMA 4.1.6), or one
 * of a kind this reader does not know; moving within the document (Goto, GotoA: the outlines
 * and links of ordinary files) is not dynamic. MultiMedia other than Image: audio, video. */
static const char *dynamic_kind(const xmlNode *n)
{
    if (sc_ofd__xml_is(n, "Action")) {
        for (const xmlNode *c = n->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || sc_ofd__xml_is(c, "Region") ||
                sc_ofd__xml_is(c, "Goto") || sc_ofd__xml_is(c, "GotoA"))
                continue;
            if (sc_ofd__xml_is(c, "URI"))
                return "an action that opens a URI";
            if (sc_ofd__xml_is(c, "Sound"))
                return "an action that plays a sound";
            if (sc_ofd__xml_is(c, "Movie"))
                return "an action that plays a movie";
            return "an action of an unknown kind";
        }
        return NULL;
    }
    if (sc_ofd__xml_is(n, "MultiMedia")) {
        xmlChar *type = xmlGetProp(n, (const xmlChar *)"Type");
        bool image = type && strcasecmp((const char *)type, "Image") == 0;
        xmlFree(type);
        return image ? NULL : "audio or video";
    }
    return NULL;
}

static int check_xml(const char *name, const unsigned char *data, size_t len, const char *outer)
{
    xmlDoc *doc;
    int error;
    if ((error = sc_ofd__xml_parse(&doc, data, len, name)) < 0)
        return error;
    const xmlNode *root = xmlDocGetRootElement(doc);
    for (const xmlNode *n = root; n && error == 0;) {
        const char *kind = n->type == XML_ELEMENT_NODE ? dynamic_kind(n) : NULL;
        if (kind) {
            error = sc_error_set(SC_EINVALID,
                                 "%s%s, line %ld: <%s> is %s, a dynamic element (T/CMA 4.1.4 "
                                 "allows none)",
                                 outer, name, xmlGetLineNo(n), (const char *)n->name, kind);
            break;
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        n = n && n != root ? n->next : NULL;
    }
    xmlFreeDoc(doc);
    return error;
}

/* What a part holds, by its bytes (paths in OFD are free: BaseLoc may name "Content.dat"): XML
 * (after a BOM and blanks, a '<'), or a zip (an OFD file inside, an attachment). */
static bool looks_xml(const unsigned char *d, size_t n)
{
    size_t i = n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF ? 3 : 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    return i < n && d[i] == '<';
}

static bool looks_zip(const unsigned char *d, size_t n)
{
    return n >= 4 && d[0] == 'P' && d[1] == 'K' && d[2] == 3 && d[3] == 4;
}

/* Does the zip name an OFD.xml in its central directory (nothing inflated)? A zip without one is
 * no OFD file (a .docx attachment), and nothing to look into. */
static bool zip_has_ofd_xml(const unsigned char *d, size_t n)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(d, n, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    bool has = z && zip_name_locate(z, "OFD.xml", ZIP_FL_NOCASE) >= 0;
    if (z)
        zip_discard(z);
    else if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    return has;
}

static int check_package(const sc_ofd *ofd, const char *outer, int depth, budget *b)
{
    int error = 0;
    for (size_t i = 0; i < ofd->entry_count && error == 0; i++) {
        const sc_ofd__entry *e = &ofd->entries[i];
        if (looks_xml(e->data, e->len)) {
            error = check_xml(e->name, e->data, e->len, outer);
            /* A part named .xml must be XML; other text that is not is no OFD part. */
            if (error == SC_EFORMAT && !ends_with(e->name, ".xml")) {
                sc_error_clear();
                error = 0;
            }
        } else if (looks_zip(e->data, e->len) && zip_has_ofd_xml(e->data, e->len)) {
            sc_ofd *inner;
            sc_ofd_open_options oo = SC_OFD_OPEN_OPTIONS_INIT;
            char where[SC_OFD_MAX_PATH + 64];
            snprintf(where, sizeof(where), "%s%s: ", outer, e->name);
            if (depth >= NESTED_DEPTH) {
                error = sc_error_set(SC_ELIMIT, "%sOFD files nested deeper than %d levels", where,
                                     NESTED_DEPTH);
                break;
            }
            if (++b->files > NESTED_MAX_FILES || b->bytes >= NESTED_MAX_TOTAL) {
                error = sc_error_set(SC_ELIMIT,
                                     "%smore nested OFD files than can be looked into (%d files, "
                                     "%zu MB unpacked in all)",
                                     where, NESTED_MAX_FILES, NESTED_MAX_TOTAL >> 20);
                break;
            }
            oo.max_total_size = NESTED_MAX_TOTAL - b->bytes;
            if ((error = sc_ofd_open(&inner, e->data, e->len, &oo)) < 0) {
                /* A zip that is not OFD has no OFD actions; one too large to look into cannot
                 * be said to have none. */
                if (error != SC_EFORMAT) {
                    sc_error_prefix("%s", where);
                    break;
                }
                /* It may have inflated its entries before failing: charge what it could have
                 * (each entry is within SC_OFD_MAX_RATIO of its stored bytes). */
                size_t left = NESTED_MAX_TOTAL - b->bytes;
                b->bytes += e->len < left / SC_OFD_MAX_RATIO ? e->len * SC_OFD_MAX_RATIO : left;
                sc_error_clear();
                error = 0;
                continue;
            }
            for (size_t k = 0; k < inner->entry_count; k++)
                b->bytes += inner->entries[k].len;
            error = check_package(inner, where, depth + 1, b);
            sc_ofd_free(inner);
        }
    }
    return error;
}

int sc_ofd_check_static(const sc_ofd *ofd)
{
    SC_ASSERT_ARG(ofd);
    budget b = {0, 0};
    return check_package(ofd, "", 0, &b);
}
