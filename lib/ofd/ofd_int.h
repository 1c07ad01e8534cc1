/* lib/ofd private header of the read side (GB/T 33190-2016 packages, model, verification):
 * the package object, the string pool, path resolution and the libxml2 helpers shared by
 * ofd_pkg.c, ofd_xml.c, ofd_model.c, ofd_sigdata.c and ofd_verify.c. The writer has its own. */
#ifndef SC_OFD_INT_H
#define SC_OFD_INT_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "util/util.h"

/* The namespace of GB/T 33190-2016 clause 7.1. */
#define SC_OFD_NS "http://www.ofdspec.org/2016"

/* ---- string pool: every string and small array of a package or report, released at once ---- */

typedef struct sc_ofd__chunk sc_ofd__chunk;

typedef struct {
    sc_ofd__chunk *head; /* newest chunk first; owned */
} sc_ofd__pool;

/** @p n bytes, zeroed, 8-aligned, from the pool; NULL (SC_ENOMEM recorded) when out of memory. */
void *sc_ofd__palloc(sc_ofd__pool *pool, size_t n);
/** A copy of @p n bytes of @p s, NUL-terminated, in the pool. */
char *sc_ofd__pstrndup(sc_ofd__pool *pool, const char *s, size_t n);
/** A copy of @p s in the pool (NULL gives ""). */
char *sc_ofd__pstrdup(sc_ofd__pool *pool, const char *s);
/** printf into the pool. */
char *sc_ofd__pprintf(sc_ofd__pool *pool, const char *fmt, ...) SC_PRINTF(2, 3);
/** Release every chunk. */
void sc_ofd__pool_free(sc_ofd__pool *pool);

/** Grow a pool-free array (sc_realloc) so one more element fits; 0 or SC_ENOMEM/SC_ELIMIT. */
int sc_ofd__grow(void **arr, size_t *cap, size_t count, size_t elem, size_t max);

/* ---- the package ---------------------------------------------------------------------------- */

typedef struct {
    const char *name;    /* absolute, normalised ("/Doc_0/Document.xml"); in the pool */
    unsigned char *data; /* the uncompressed bytes plus a NUL; owned (sc_free) */
    size_t len;          /* bytes, without the NUL */
    unsigned char *raw;  /* the raw deflate stream as stored, which inflates to exactly data;
                            owned (sc_free); NULL when the entry was stored or not deflated */
    size_t raw_len;      /* bytes in raw */
    uint32_t crc;        /* CRC-32 of data, checked at open time */
} sc_ofd__entry;

/* A ColorSpace resource (clause 8.3.1). */
typedef struct {
    unsigned long id;     /* ID */
    const char *type;     /* Type as written ("RGB", "GRAY", "CMYK"); in the pool */
    unsigned bits;        /* BitsPerComponent: 1, 2, 4, 8 (default) or 16 */
    double (*palette)[4]; /* Palette/CV entries' components; in the pool */
    size_t *palette_n;    /* components of each entry; in the pool */
    size_t palette_count; /* entries */
} sc_ofd__color_space;

/* A DrawParam resource (clause 8.2); colours as written, resolved when objects are read. */
typedef struct {
    unsigned long id;       /* ID */
    unsigned long relative; /* Relative: the DrawParam it inherits from; 0 none */
    double line_width;      /* LineWidth, mm; negative when absent */
    sc_ofd_color fill;      /* FillColor (is_set 0 when absent); strings in the pool */
    sc_ofd_color stroke;    /* StrokeColor */
} sc_ofd__draw_param;

/* A CommonData/TemplatePage (clause 7.5): a page of objects other pages draw under or over
 * theirs. */
typedef struct {
    unsigned long id;   /* ID */
    const char *path;   /* its Content.xml, absolute; in the pool */
    const char *zorder; /* ZOrder as written, "Background" when absent; in the pool */
    const char *text;   /* its text as sc_ofd_page.text has it (in the pool); NULL: not read */
    size_t seq;         /* its place in CommonData (the array is sorted by ID, then seq) */
} sc_ofd__template;

/* One Annotations.xml -> Page entry: the PageAnnot file of a page. */
typedef struct {
    size_t page;      /* index into the document's pages */
    const char *path; /* the PageAnnot file, absolute; in the pool */
} sc_ofd__annot_file;

/* One document of the model (DocBody). Arrays sc_realloc'd, strings in the package pool. */
typedef struct {
    sc_ofd_doc_info info;                /* strings in the pool */
    const char *signatures;              /* DocBody/Signatures, absolute; NULL when none */
    double box[4];                       /* CommonData/PageArea/PhysicalBox, mm */
    sc_ofd_page *pages;                  /* owned array */
    size_t page_count, page_cap;         /* pages in use, allocated */
    sc_ofd_resource *res;                /* owned array */
    size_t res_count, res_cap;           /* resources in use, allocated */
    sc_ofd_item *attachments;            /* owned array */
    size_t attachment_count, attach_cap; /* attachments in use, allocated */
    sc_ofd_item *tags;                   /* owned array */
    size_t tag_count, tag_cap;           /* custom tags in use, allocated */
    unsigned long default_cs;            /* CommonData/DefaultCS; 0 none */
    sc_ofd__color_space *spaces;         /* owned array, sorted by id after loading */
    size_t space_count, space_cap;       /* colour spaces in use, allocated */
    sc_ofd__draw_param *params;          /* owned array, sorted by id after loading */
    size_t param_count, param_cap;       /* draw params in use, allocated */
    sc_ofd__template *templates;         /* owned array, sorted by ID (then CommonData order) */
    size_t template_count, template_cap; /* templates in use, allocated */
    sc_ofd__annot_file *annots;          /* owned array, in Annotations.xml order */
    size_t annot_count, annot_cap;       /* annotation files in use, allocated */
} sc_ofd__doc;

/**
 * The first of @p n elements of @p stride bytes at @p base, sorted by the unsigned long ID at
 * @p id_offset in each, whose ID is not below @p id (n when none).
 */
size_t sc_ofd__lower_bound_id(const void *base, size_t n, size_t stride, size_t id_offset,
                              unsigned long id);

/**
 * The templates page element @p page_el shows on side @p zorder ("Background" or "Foreground":
 * a Page/Template's ZOrder, else its TemplatePage's), as indexes into d->templates in the
 * page's order, each once: references to no TemplatePage, drawn on the other side or repeated
 * are left out, and so are those past SC_OFD_MAX_PAGE_TEMPLATES (*too_many is then true).
 * @return the number of indexes in @p out
 */
size_t sc_ofd__page_templates(size_t out[SC_OFD_MAX_PAGE_TEMPLATES], const sc_ofd__doc *d,
                              const xmlNode *page_el, const char *zorder, bool *too_many);

/** Sort @p n TemplatePages by ID, the first of an ID in CommonData (seq) first, as the model
 * keeps them for sc_ofd__page_templates(). */
void sc_ofd__templates_sort(sc_ofd__template *t, size_t n);

struct sc_ofd {
    sc_ofd__entry *entries;         /* sorted by sc_ofd__name_cmp; owned */
    size_t entry_count;             /* entries in use */
    const char **warnings;          /* one line each, in the pool; array owned */
    size_t warning_count, warn_cap; /* warnings in use, allocated */
    sc_ofd__doc *docs;              /* owned array */
    size_t doc_count, doc_cap;      /* documents in use, allocated */
    sc_ofd__pool pool;              /* names, warnings, model strings */
};

/** Record a tolerated deviation (a named producer quirk) as a warning; 0 or SC_ENOMEM. */
int sc_ofd__warn(sc_ofd *ofd, const char *fmt, ...) SC_PRINTF(2, 3);

/** The order of the entries: case-insensitive, then bytewise. */
int sc_ofd__name_cmp(const char *a, const char *b);

/**
 * Find an entry by absolute path: exact match first, then case-insensitive (then *is_folded is
 * set, when not NULL). NULL when absent.
 */
const sc_ofd__entry *sc_ofd__find(const sc_ofd *ofd, const char *abs, bool *is_folded);

/**
 * Resolve an ST_Loc (GB/T 33190 clause 7.3) against the file that refers to it: "/x" is
 * absolute, anything else relative to @p base_file's directory; "." and ".." resolved.
 * @param[out] out the normalised absolute path, at most SC_OFD_MAX_PATH bytes with the NUL
 * @return 0, SC_EFORMAT (empty, a backslash, leaves the container) or SC_ELIMIT (too long)
 */
int sc_ofd__resolve(char *out, const char *base_file, const char *loc);

/** Build the document model (ofd_model.c) once the entries are in place. */
int sc_ofd__model_load(sc_ofd *ofd);
/** Release the model arrays. */
void sc_ofd__model_free(sc_ofd *ofd);

/* ---- XML (ofd_xml.c) ------------------------------------------------------------------------ */

/**
 * Parse XML bytes safely: no network, no DTD loading, no entity substitution, and any DOCTYPE
 * refused (OFD uses none; refusing it removes XXE and entity expansion at the root); size and
 * depth capped. @p name is the entry for messages.
 * @return 0, SC_EFORMAT, SC_ELIMIT or SC_ENOMEM
 */
int sc_ofd__xml_parse(xmlDoc **out, const unsigned char *data, size_t len, const char *name);

/** 1 if @p node is an element named @p local in the document's OFD namespace, else 0. */
int sc_ofd__xml_is(const xmlNode *node, const char *local);

/**
 * The namespace the document's elements are matched in: the root's. 1 when it is not the
 * standard one (none, or a wrong URI: Foxit "http://www.ofdspec.org", an unknown producer's
 * "http://ns.ofd.cn/ofd"), else 0.
 */
int sc_ofd__xml_ns_quirk(const xmlDoc *doc, const char **uri);

/** The first child element named @p local, or NULL. */
xmlNode *sc_ofd__xml_child(const xmlNode *parent, const char *local);
/** The next sibling element named @p local after @p node, or NULL. */
xmlNode *sc_ofd__xml_next(const xmlNode *node, const char *local);

/**
 * The text of @p node's own text and CDATA children (never entity references), trimmed, in
 * @p buf (replaced). @return 0 or SC_ENOMEM/SC_ELIMIT
 */
int sc_ofd__xml_text(sc_buf *buf, const xmlNode *node);

/**
 * The text of @p node's own text and CDATA children exactly as written (untrimmed: a leading
 * space of a TextCode is a character DeltaX counts), in @p buf (replaced, never NULL).
 * @return 0 or SC_ENOMEM/SC_ELIMIT
 */
int sc_ofd__xml_raw_text(sc_buf *buf, const xmlNode *node);

/** The trimmed text of child @p local in the pool; "" when absent; NULL when out of memory. */
const char *sc_ofd__xml_child_text(sc_ofd__pool *pool, const xmlNode *parent, const char *local);

/**
 * An attribute, with or without a namespace prefix, borrowed from the tree (valid while the
 * document lives); NULL when absent. Only plain text attribute values are returned.
 */
const char *sc_ofd__xml_attr(const xmlNode *node, const char *name);

/** Parse up to @p n numbers separated by blanks; returns how many were read. */
size_t sc_ofd__numbers(double *out, size_t n, const char *text);

/** 1 if @p v is a number geometry can use: finite and within SC_OFD_MAX_COORD_MM. */
bool sc_ofd__is_coord(double v);

/**
 * Up to @p n numbers of an attribute (NULL: none) that geometry can use: finite and within
 * SC_OFD_MAX_COORD_MM; reading stops at the first that is not. Returns how many were read.
 */
size_t sc_ofd__coords(double *out, size_t n, const char *attr);

/** A single usable number of an attribute (sc_ofd__coords), or @p dflt when absent or unusable. */
double sc_ofd__coord(const char *attr, double dflt);

/**
 * The Boundary and CTM of a graphic unit (GB/T 33190-2016 clause 8.5, CT_GraphicUnit): the
 * Boundary's four numbers (zeros when absent or unusable) and the CTM's six (the identity).
 */
void sc_ofd__unit_geometry(double boundary[4], double ctm[6], const xmlNode *el);

/* ---- text positions (ofd_text.c) ----------------------------------------------------------- */

/** A box on a page: x, y, width, height in mm. */
typedef struct {
    double v[4];
} sc_ofd__box;

/**
 * The Content.xml entry of page @p page of document @p doc.
 * @return 0, SC_EINVALID (no such document or page) or SC_EFORMAT (not in the package)
 */
int sc_ofd__page_entry(const sc_ofd__entry **out, const sc_ofd *ofd, size_t doc, size_t page);

/** One Content.xml (a page's or a template's) for sc_ofd__page_text_parse_all(). Borrowed. */
typedef struct {
    const unsigned char *data;
    size_t len;
    const char *name; /* absolute path, for messages */
    bool is_optional; /* a template: malformed XML gives no text instead of an error */
} sc_ofd__text_src;

/**
 * The text of @p n Content.xml files as one page's (templates under it, the page, templates over
 * it, in that order), as sc_ofd_page_text_load() places it.
 * @return 0, SC_EFORMAT (malformed XML; the message names the file) or SC_ENOMEM
 */
int sc_ofd__page_text_parse_all(sc_ofd_page_text **out, const sc_ofd__text_src *src, size_t n);

/**
 * Place the text of a page from its Content.xml bytes (@p name, the absolute path, for
 * messages), as sc_ofd_page_text_load() does but without its templates.
 * @param[out] out owned by the caller (sc_ofd_page_text_free)
 * @return 0, SC_EFORMAT (malformed XML) or SC_ENOMEM
 */
int sc_ofd__page_text_parse(sc_ofd_page_text **out, const unsigned char *data, size_t len,
                            const char *name);

/**
 * Where @p keyword (UTF-8, matched code point for code point) occurs in the TextObjects of
 * placed page text: the box around each occurrence's characters, occurrences within one
 * TextObject (across its TextCodes) or across TextObjects that continue one another on a line,
 * not overlapping, in content order.
 * @param[out] out sc_free'd by the caller; NULL when there is none
 * @return 0, SC_EINVALID (empty, over 256 characters or invalid UTF-8), SC_ELIMIT (more than
 *         SC_OFD_MAX_KEYWORD_STAMPS occurrences) or SC_ENOMEM
 */
int sc_ofd__text_find(sc_ofd__box **out, size_t *count, const sc_ofd_page_text *text,
                      const char *keyword);

/* ---- graphic objects (ofd_objects.c) -------------------------------------------------------- */

/**
 * Read a CT_Color element (FillColor, StrokeColor) as written into @p c (is_set 1, rgb not yet
 * resolved; space_type NULL until resolved). NULL @p el leaves @p c unset.
 */
void sc_ofd__color_read(sc_ofd_color *c, const xmlNode *el);

/** Read up to four colour components ("#FF" hexadecimal accepted); how many were read. */
size_t sc_ofd__color_components(double out[4], const char *text);

/**
 * The objects of a page from its Content.xml bytes (@p name, the absolute path, for messages),
 * with the annotations of the PageAnnot files of @p d for page @p page, resolved against the
 * package @p ofd; as sc_ofd_page_objects_load() does.
 */
int sc_ofd__page_objects_parse(sc_ofd_page_objects **out, const sc_ofd *ofd, const sc_ofd__doc *d,
                               size_t page, const unsigned char *data, size_t len,
                               const char *name);

/* ---- GB/T 35275 SignedData and bare SM2 signatures (ofd_sigdata.c) ------------------------- */

/* Content types of GB/T 35275-2017 clause 7, as ofd_sigdata_make.c writes and ofd_sigdata.c reads
 * them; sm3 and sm2sign (1.2.156.10197.1.501) are in sealcert/sm.h. */
#define SC_OFD_OID_GBT35275_DATA   "1.2.156.10197.6.1.4.2.1"
#define SC_OFD_OID_GBT35275_SIGNED "1.2.156.10197.6.1.4.2.2"

/** What a SignedValue holding a digital signature came to. */
typedef struct {
    const char *signer;   /* the signer certificate's subject, in the caller's pool; "" if none */
    sc_time signing_time; /* signingTime attribute; SC_TIME_NOW when absent */
} sc_ofd__sign_info;

/** 1 if @p der starts like a ContentInfo (SEQUENCE { OBJECT IDENTIFIER, ...}), else 0. */
int sc_ofd__is_content_info(const unsigned char *der, size_t len);

/**
 * Verify a GB/T 35275 SignedData (ContentInfo) or a bare SM2 signature over @p data (the
 * Signature.xml bytes, named @p data_name in messages), adding findings to @p r.
 * @param cert the certificate for a bare signature (--cert); may be NULL
 * @param at validity time; SC_TIME_NOW: signingTime, else @p fallback_at
 * @return 0 when the checks ran, SC_ENOMEM otherwise
 */
int sc_ofd__verify_sign(sc_report *r, sc_ofd__sign_info *info, sc_ofd__pool *pool,
                        const unsigned char *sv, size_t sv_len, const unsigned char *data,
                        size_t data_len, const char *data_name, const sc_cert *cert,
                        const sc_trust *trust, sc_time at, sc_time fallback_at);

/**
 * Make the GB/T 35275 SignedData of a digital signature over @p data (the Signature.xml bytes):
 * attached content SM3(data), no authenticatedAttributes, the SM2 signature over the content,
 * @p cert in certificates (ofd_sigdata_make.c says why this layout).
 * @param[out] out the DER (replaced; caller disposes)
 * @return 0, SC_EINVALID (no private key, unreadable certificate), SC_ECRYPTO or SC_ENOMEM
 */
int sc_ofd__signed_data_make(sc_buf *out, const sc_key *key, const sc_cert *cert,
                             const unsigned char *data, size_t len);

#endif
