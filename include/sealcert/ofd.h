/* sealcert lib/ofd: OFD packages (GB/T 33190-2016): reading, the document model, and the
 * verification of their signatures (GB/T 38540 seal signatures, GB/T 35275 SignedData, plain SM2).
 */
#ifndef SC_INCLUDE_OFD_H
#define SC_INCLUDE_OFD_H

#include "common.h"
#include "buffer.h"
#include "report.h"
#include "sm.h"
#include "ses.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- package ------------------------------------------------------------------------------ */

/**
 * An opened OFD package: every entry decompressed and checked against the limits at open time,
 * so the object is immutable afterwards and may be shared between threads.
 */
typedef struct sc_ofd sc_ofd;

/** Limits for sc_ofd_open(); 0 in a field means the default from lib/util/limits.h. */
typedef struct {
    unsigned int version;   /**< SC_OFD_OPEN_OPTIONS_VERSION */
    size_t max_entries;     /**< most zip entries */
    size_t max_entry_size;  /**< largest uncompressed entry, bytes */
    size_t max_total_size;  /**< largest sum of uncompressed entries, bytes */
    unsigned max_ratio;     /**< largest uncompressed/compressed ratio of one entry (zip bombs) */
    sc_verify_cache *cache; /**< (version 2) or NULL: deflated entries of 4-256 KB (seal files,
                                 signed values, fonts) inflated once per identical stream, CRC
                                 and size included, across the packages a verifier opens */
} sc_ofd_open_options;

#define SC_OFD_OPEN_OPTIONS_VERSION 2 /**< 1 is accepted too (no cache) */
#define SC_OFD_OPEN_OPTIONS_INIT                                                                   \
    {                                                                                              \
        SC_OFD_OPEN_OPTIONS_VERSION, 0, 0, 0, 0, NULL                                              \
    }

/**
 * Open an OFD package from memory. No network, no DTD or entity expansion; `..`, absolute,
 * backslash and colliding entry names refused; limits enforced (SC_ELIMIT names the limit).
 * Tolerated deviations (junk around the zip, case-differing paths, ...) become warnings.
 * @param[out] out the package, owned by the caller (sc_ofd_free); it keeps its own copy
 * @param opts NULL for the defaults
 * @return 0, SC_EFORMAT (not a zip, no OFD.xml, malformed XML; the message names the entry and
 *         the field), SC_ELIMIT or SC_EUNSUPPORTED (encrypted entries)
 */
SC_EXTERN int sc_ofd_open(sc_ofd **out, const void *data, size_t len,
                          const sc_ofd_open_options *opts);

/** sc_ofd_open() on a file. */
SC_EXTERN int sc_ofd_open_file(sc_ofd **out, const char *path, const sc_ofd_open_options *opts);

/** Release a package; NULL is accepted. */
SC_EXTERN void sc_ofd_free(sc_ofd *ofd);

/** Number of entries (files) in the package. */
SC_EXTERN size_t sc_ofd_entry_count(const sc_ofd *ofd);

/** The i-th entry name as an absolute package path ("/Doc_0/Document.xml"); borrowed. */
SC_EXTERN const char *sc_ofd_entry_name(const sc_ofd *ofd, size_t i);

/**
 * The bytes of an entry, by package path (resolved from the root). An exact match first;
 * otherwise a case-insensitive one (the model and the verifier record such matches as
 * warnings; this lookup, on an immutable package, does not). Borrowed from the package.
 * @return 0, SC_ENOTFOUND or SC_EFORMAT (a path that leaves the package)
 */
SC_EXTERN int sc_ofd_entry(const unsigned char **data, size_t *len, const sc_ofd *ofd,
                           const char *path);

/** Number of tolerated deviations met while opening. */
SC_EXTERN size_t sc_ofd_warning_count(const sc_ofd *ofd);

/** The i-th warning, one line; borrowed. */
SC_EXTERN const char *sc_ofd_warning(const sc_ofd *ofd, size_t i);

/* ---- document model (read side) ----------------------------------------------------------- */

/** DocInfo of the first document. Every string borrowed; "" when absent. */
typedef struct {
    const char *doc_id;          /**< DocInfo/DocID */
    const char *title;           /**< DocInfo/Title */
    const char *creator;         /**< DocInfo/Creator */
    const char *creator_version; /**< DocInfo/CreatorVersion */
    const char *creation_date;   /**< DocInfo/CreationDate as written */
    const char *doc_root;        /**< DocRoot, resolved to an absolute package path */
} sc_ofd_doc_info;

/** The DocInfo of document @p doc (0 for the first); NULL when out of range. */
SC_EXTERN const sc_ofd_doc_info *sc_ofd_doc_info_of(const sc_ofd *ofd, size_t doc);

/** Number of documents (DocBody entries) in OFD.xml. */
SC_EXTERN size_t sc_ofd_doc_count(const sc_ofd *ofd);

/** One page of a document. */
typedef struct {
    unsigned long id;   /**< Page ID */
    const char *path;   /**< Content.xml, absolute package path; borrowed */
    double box[4];      /**< PhysicalBox x, y, width, height in mm (page's own or the document's) */
    size_t text_count;  /**< TextObject elements on the page (all layers, templates excluded) */
    size_t image_count; /**< ImageObject elements */
    size_t path_count;  /**< PathObject elements */
    const char *text;   /**< the page's text (TextCode contents, in content order, one line per
                             TextObject): that of its Background templates first, its own,
                             then its Foreground templates'; at most SC_OFD_MAX_PAGE_TEXT bytes,
                             SC_OFD_MAX_TEXT_TOTAL for all pages of the package; borrowed */
} sc_ofd_page;

/** Number of pages of document @p doc. */
SC_EXTERN size_t sc_ofd_page_count(const sc_ofd *ofd, size_t doc);

/** The i-th page of document @p doc; borrowed; NULL when out of range. */
SC_EXTERN const sc_ofd_page *sc_ofd_page_of(const sc_ofd *ofd, size_t doc, size_t i);

/* ---- text positions (read side) ----
 * Where each character of a page's text is, for placing a seal on a word (sealcert sign
 * --keyword). Computed on request from the page's Content.xml, not at open time, so opening and
 * verifying pay nothing for it. The geometry (GB/T 33190-2016 clause 11, TextObject and TextCode,
 * with the Boundary and CTM of every graphic unit): the Boundary's corner is the origin of the
 * object space, the optional CTM maps object space into the Boundary, each TextCode starts its
 * first character at X/Y (object space; absent: the previous TextCode's value) and DeltaX/DeltaY
 * give the gaps to the next characters ("g N v": N gaps of v, clause 11.3). Where no DeltaX gives a
 * gap (none written, too few values, the last character of a TextCode) the spacing is unknown and
 * the font size is used, the advance of a full-width (CJK) character. Character boxes are the em
 * box standing on the baseline (0.88 em above it, 0.12 em below, the ideographic em box of CJK
 * fonts), without font metrics; ReadDirection, CharDirection and HScale are not applied.
 * Numbers that are not finite or exceed 10^6 mm are treated as absent, so every position is a
 * finite number. */

/** One character of a TextObject, placed on the page. */
typedef struct {
    uint32_t cp;              /**< the Unicode code point */
    double x;                 /**< its origin on the baseline, page mm (after Boundary and CTM) */
    double y;                 /**< likewise, mm from the top of the page */
    double box[4];            /**< x, y, width, height of its cell on the page, mm: advance wide,
                                   one em high; the bounding box of the cell under the CTM */
    int is_advance_estimated; /**< 1 when no DeltaX gave its advance (the font size was used) */
    size_t code;              /**< the index of its TextCode within the TextObject (from 0) */
} sc_ofd_char;

/** A TextObject of a page with its characters placed. Everything borrowed from the
 * sc_ofd_page_text. */
typedef struct {
    unsigned long id;         /**< TextObject ID; 0 when absent */
    double boundary[4];       /**< Boundary x, y, width, height, page mm */
    double ctm[6];            /**< CTM a b c d e f; the identity when absent */
    double size;              /**< Size, the font size in object space, mm; 0 when absent */
    const char *text;         /**< the text of all its TextCodes in order, UTF-8, as written */
    const sc_ofd_char *chars; /**< one per code point of @p text, in order */
    size_t char_count;        /**< entries in chars */
} sc_ofd_text_object;

/** The placed text of one page: its TextObjects in content order (all layers, nested blocks
 * included), those of its Background templates before them and of its Foreground templates
 * after, as sc_ofd_page.text; at most SC_OFD_MAX_PAGE_TEXT bytes. */
typedef struct sc_ofd_page_text sc_ofd_page_text;

/**
 * Read the TextObjects of a page with the position of every character.
 * @param[out] out owned by the caller (sc_ofd_page_text_free); it copies what it needs and does
 *             not refer to @p ofd afterwards
 * @param page the page, counted from 0
 * @return 0, SC_EINVALID (no such document or page), SC_EFORMAT (the page's Content.xml is
 *         missing or malformed; the message names it) or SC_ENOMEM. As in sc_ofd_page.text, a
 *         template whose file is missing or malformed has no text, and a page's Template
 *         elements past SC_OFD_MAX_PAGE_TEMPLATES are ignored.
 */
SC_EXTERN int sc_ofd_page_text_load(sc_ofd_page_text **out, const sc_ofd *ofd, size_t doc,
                                    size_t page);

/** Number of TextObjects. */
SC_EXTERN size_t sc_ofd_page_text_count(const sc_ofd_page_text *text);

/** The i-th TextObject; borrowed; NULL when out of range. */
SC_EXTERN const sc_ofd_text_object *sc_ofd_page_text_object(const sc_ofd_page_text *text, size_t i);

/** Release placed text; NULL is accepted. */
SC_EXTERN void sc_ofd_page_text_free(sc_ofd_page_text *text);

/** A resource of the document: font, image or other multimedia. */
typedef struct {
    unsigned long id;   /**< resource ID */
    const char *kind;   /**< "font", "image", "colorspace", "drawparam", ... */
    const char *name;   /**< FontName, or the MultiMedia Type ("Image"); borrowed */
    const char *path;   /**< the file (FontFile / MediaFile), absolute; "" when none */
    int is_embedded;    /**< 1 when the file is in the package */
    const char *format; /**< image Format attribute or sniffed type; "" when unknown */
} sc_ofd_resource;

/** Number of resources (PublicRes + DocumentRes) of document @p doc. */
SC_EXTERN size_t sc_ofd_resource_count(const sc_ofd *ofd, size_t doc);

/** The i-th resource; borrowed. */
SC_EXTERN const sc_ofd_resource *sc_ofd_resource_of(const sc_ofd *ofd, size_t doc, size_t i);

/** An attachment or a custom tag file. */
typedef struct {
    const char *name;   /**< Attachment Name / CustomTag TypeID; borrowed */
    const char *path;   /**< the file, absolute; borrowed */
    const char *format; /**< Attachment Format; "" for tags */
    size_t size;        /**< bytes of the file; 0 when missing */
} sc_ofd_item;

/** Number of attachments of document @p doc. */
SC_EXTERN size_t sc_ofd_attachment_count(const sc_ofd *ofd, size_t doc);
/** The i-th attachment; borrowed. */
SC_EXTERN const sc_ofd_item *sc_ofd_attachment_of(const sc_ofd *ofd, size_t doc, size_t i);
/** Number of custom tag entries (CustomTags.xml -> CustomTag) of document @p doc. */
SC_EXTERN size_t sc_ofd_custom_tag_count(const sc_ofd *ofd, size_t doc);
/** The i-th custom tag entry; borrowed. */
SC_EXTERN const sc_ofd_item *sc_ofd_custom_tag_of(const sc_ofd *ofd, size_t doc, size_t i);

/**
 * Look for dynamic content, which an electronic certificate may not have (T/CMA 4.1.4): actions
 * (clause 14, wherever they are) that play a sound or a movie, open a URI or are of an unknown
 * kind, and MultiMedia other than images (audio, video), in every XML part of the package and
 * of the OFD files inside it (two levels deep, 256 files and 64 MB unpacked in all; parts are
 * told by their bytes: XML, or a zip with an OFD.xml). Goto and GotoA actions (outlines, links
 * within the document) are not dynamic.
 * @return 0: none; SC_EINVALID: sc_error_last() names the first one's part, line and element;
 *         SC_EFORMAT (a part named .xml is not well-formed XML), SC_ELIMIT (nested files past
 *         those bounds, which cannot be said to be static) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_check_static(const sc_ofd *ofd);

/** A colour as 0xRRGGBB. */
typedef uint32_t sc_ofd_rgb;
#define SC_OFD_RGB(r, g, b) ((sc_ofd_rgb)(((r)&0xFFu) << 16 | ((g)&0xFFu) << 8 | ((b)&0xFFu)))
#define SC_OFD_BLACK        ((sc_ofd_rgb)0x000000u)

/* ---- graphic objects (read side) ----
 * A page's graphic objects one by one, in content order (GB/T 33190-2016 clauses 8-11 and 15):
 * first the objects of the page's templates drawn under it (Page/Template with ZOrder
 * "Background", the default, in the order the page names them), then the layers of
 * Page/Content in order, within each layer its TextObject, PathObject, ImageObject,
 * CompositeObject and PageBlock elements depth first, then the templates drawn over it (ZOrder
 * "Foreground"); then the page's annotations (Annotations.xml -> Page -> FileLoc -> PageAnnot
 * -> Annot), each with the objects of its Appearance. A template's objects carry its ID in
 * template_id; the counts of sc_ofd_page exclude them.
 *
 * Nesting is exposed, not flattened: a PageBlock is an object of its own (SC_OFD_OBJECT_BLOCK,
 * which has no geometry of its own in the standard) followed by its children at depth + 1, each
 * naming it as parent. Every Boundary and CTM is as written, in the space of the object's
 * container: the page for layer content (a PageBlock adds no transform), the Appearance's
 * Boundary for annotation objects. A CompositeObject is listed with its Boundary, CTM and
 * ResourceID; the content of its CompositeGraphicUnit is not expanded.
 *
 * Defaults of the standard fill what an object does not write, after its DrawParam (and that
 * DrawParam's Relative chain, then the layer's DrawParam): LineWidth 0.353 mm; a PathObject is
 * stroked and not filled, a TextObject filled and not stroked; colours black; Rule "NonZero".
 * Numbers that are not finite or exceed SC_OFD_MAX_COORD_MM are treated as absent. */

/** A colour (CT_Color, clause 8.3.2) as written and resolved to RGB. */
typedef struct {
    int is_set;                /**< 1 when the object, its DrawParam or its layer's gives it */
    double value[4];           /**< the components: Value, or the palette entry Index names */
    size_t component_count;    /**< entries of value in use (0: neither Value nor Index) */
    long index;                /**< Index into the colour space's Palette; -1 when absent */
    unsigned long color_space; /**< ColorSpace ID; 0 when absent (the document's DefaultCS) */
    const char *space_type;    /**< the colour space's Type: "RGB" (default), "GRAY", "CMYK" */
    unsigned alpha;            /**< Alpha, 0-255; 255 when absent */
    int has_shading;           /**< 1 when a Pattern or shading child paints instead */
    sc_ofd_rgb rgb;            /**< the colour in 8-bit RGB (BitsPerComponent scaled, GRAY and
                                    CMYK converted); black when not set */
} sc_ofd_color;

/** One TextCode of a text object or text clip, as written. */
typedef struct {
    double x;            /**< X, object space mm; absent: the previous TextCode's (0 first) */
    double y;            /**< Y likewise */
    const char *delta_x; /**< DeltaX as written ("g N v" not expanded); "" when absent */
    const char *delta_y; /**< DeltaY likewise */
    const char *text;    /**< the characters, untrimmed, UTF-8 */
} sc_ofd_text_code;

/** One Area of an object's Clips (clause 8.4): a path or a text that bounds the object. */
typedef struct {
    size_t clip;                  /**< the Clip it belongs to, from 0: the Areas of one Clip
                                       unite, the Clips of an object intersect */
    double ctm[6];                /**< the Area's CTM; the identity when absent */
    int is_text;                  /**< 1: a Text area, 0: a Path area */
    double boundary[4];           /**< the Path's or Text's Boundary */
    double shape_ctm[6];          /**< the Path's or Text's own CTM; the identity */
    const char *abbreviated_data; /**< the Path's AbbreviatedData, as written; "" for text */
    const char *text;             /**< the Text's TextCodes' characters; "" for a path */
} sc_ofd_clip_area;

/** Kinds of graphic objects. */
typedef enum {
    SC_OFD_OBJECT_TEXT = 1,      /**< TextObject */
    SC_OFD_OBJECT_PATH = 2,      /**< PathObject */
    SC_OFD_OBJECT_IMAGE = 3,     /**< ImageObject */
    SC_OFD_OBJECT_COMPOSITE = 4, /**< CompositeObject (its unit not expanded) */
    SC_OFD_OBJECT_BLOCK = 5,     /**< PageBlock: only groups the objects that follow it */
} sc_ofd_object_type;

/** One graphic object. Every pointer borrowed from its sc_ofd_page_objects; strings "" when
 * absent. Fields that do not apply to the type are 0 or "". */
typedef struct {
    sc_ofd_object_type type;       /**< text, path, image, composite or block */
    unsigned long id;              /**< ID; 0 when absent */
    unsigned long template_id;     /**< the TemplatePage it comes from; 0: the page's own */
    unsigned long layer_id;        /**< the enclosing Layer's ID; 0 when absent or in an
                                        annotation */
    const char *layer_type;        /**< the Layer's Type as written: "Body" (default),
                                        "Background", "Foreground", "Custom"; "" in annotations */
    size_t depth;                  /**< 0 in a layer or Appearance; n inside n PageBlocks */
    size_t parent;                 /**< index of the enclosing PageBlock in the same list;
                                        SIZE_MAX at depth 0 */
    double boundary[4];            /**< Boundary x, y, width, height, mm in the container */
    double ctm[6];                 /**< CTM a b c d e f; the identity when absent */
    unsigned long draw_param;      /**< DrawParam ID; 0 when absent */
    unsigned alpha;                /**< Alpha, 0-255; 255 when absent */
    double line_width;             /**< LineWidth, mm (DrawParam or 0.353 when absent) */
    int has_stroke;                /**< Stroke (path default 1, text 0) */
    int has_fill;                  /**< Fill (path default 0, text 1) */
    sc_ofd_color stroke;           /**< StrokeColor */
    sc_ofd_color fill;             /**< FillColor */
    const char *fill_rule;         /**< path Rule: "NonZero" (default) or "Even-Odd" */
    const char *abbreviated_data;  /**< path AbbreviatedData as written (trimmed) */
    unsigned long font;            /**< text Font (resource ID) */
    double size;                   /**< text Size, mm */
    const sc_ofd_text_code *codes; /**< text TextCodes in order */
    size_t code_count;             /**< entries in codes */
    const char *text;              /**< text: all TextCodes' characters in order */
    unsigned long resource_id;     /**< image or composite ResourceID; 0 when absent */
    const char *resource_path;     /**< image: the MultiMedia's MediaFile, absolute (as
                                        sc_ofd_resource.path); "" when the resource is unknown */
    const sc_ofd_clip_area *clips; /**< the Areas of its Clips, in order */
    size_t clip_count;             /**< entries in clips */
} sc_ofd_object;

/** One annotation of a page (CT_Annot, clause 15.2). Borrowed from its sc_ofd_page_objects. */
typedef struct {
    unsigned long id;             /**< ID; 0 when absent */
    const char *type;             /**< Type: "Link", "Path", "Highlight", "Stamp", "Watermark" */
    const char *subtype;          /**< Subtype as written; "" when absent */
    const char *path;             /**< the PageAnnot file, absolute */
    double boundary[4];           /**< the Appearance's Boundary on the page, mm; zeros when
                                       there is no Appearance */
    const sc_ofd_object *objects; /**< the Appearance's objects, in the Appearance's space */
    size_t object_count;          /**< entries in objects */
} sc_ofd_annot;

/** The graphic objects and annotations of one page. */
typedef struct sc_ofd_page_objects sc_ofd_page_objects;

/**
 * Read a page's graphic objects in content order and its annotations with their appearances
 * (the geometry and defaults are stated above). At most SC_OFD_MAX_PAGE_OBJECTS objects,
 * SC_OFD_MAX_TEXT_CODES TextCodes, SC_OFD_MAX_CLIP_AREAS clip areas per object,
 * SC_OFD_MAX_PAGE_TEMPLATES Template references and SC_OFD_MAX_ANNOTS annotations; more is
 * SC_ELIMIT, not a truncated list.
 * @param[out] out owned by the caller (sc_ofd_page_objects_free); it copies what it needs and
 *             does not refer to @p ofd afterwards
 * @param page the page, counted from 0
 * @return 0, SC_EINVALID (no such document or page), SC_EFORMAT (the page's Content.xml or
 *         one of its PageAnnot files missing or malformed; the message names the file),
 *         SC_ELIMIT (a count over its limit; the message names the file and the element) or
 *         SC_ENOMEM
 */
SC_EXTERN int sc_ofd_page_objects_load(sc_ofd_page_objects **out, const sc_ofd *ofd, size_t doc,
                                       size_t page);

/** Number of graphic objects of the page (annotations' objects not counted). */
SC_EXTERN size_t sc_ofd_page_objects_count(const sc_ofd_page_objects *objects);

/** The i-th graphic object; borrowed; NULL when out of range. */
SC_EXTERN const sc_ofd_object *sc_ofd_page_objects_object(const sc_ofd_page_objects *objects,
                                                          size_t i);

/** Number of annotations of the page. */
SC_EXTERN size_t sc_ofd_page_objects_annot_count(const sc_ofd_page_objects *objects);

/** The i-th annotation, in Annotations.xml and PageAnnot order; borrowed; NULL when out of
 * range. */
SC_EXTERN const sc_ofd_annot *sc_ofd_page_objects_annot(const sc_ofd_page_objects *objects,
                                                        size_t i);

/** Release page objects; NULL is accepted. */
SC_EXTERN void sc_ofd_page_objects_free(sc_ofd_page_objects *objects);

/* ---- signatures ------------------------------------------------------------------------- */

/** Kinds of OFD signatures (Signatures.xml Signature/@Type). */
typedef enum {
    SC_OFD_SIG_SEAL = 1, /**< "Seal": a GB/T 38540 / GM/T 0031 seal signature */
    SC_OFD_SIG_SIGN = 2, /**< "Sign": a digital signature (GB/T 35275 SignedData or bare SM2) */
} sc_ofd_sig_type;

/** What a verification found about one signature. Strings borrowed from the report. */
typedef struct {
    const char *id;          /**< Signatures.xml Signature/@ID */
    sc_ofd_sig_type type;    /**< Seal or Sign */
    const char *path;        /**< the Signature.xml, absolute */
    const char *provider;    /**< Provider name (attribute or child element); "" when absent */
    const char *method;      /**< SignatureMethod as written */
    const char *date;        /**< SignatureDateTime as written */
    const char *seal_name;   /**< the seal's name; "" for Type="Sign" */
    const char *signer;      /**< the signer certificate's subject; "" when unknown */
    size_t page_count;       /**< pages carrying a StampAnnot of this signature */
    const sc_report *report; /**< the findings (stable check names: docs/formats/ofd-verify.md) */
} sc_ofd_signature_result;

/** The result of verifying a package. */
typedef struct sc_ofd_report sc_ofd_report;

/** Options of sc_ofd_verify(). */
typedef struct {
    unsigned int version;   /**< SC_OFD_VERIFY_OPTIONS_VERSION */
    sc_time at;             /**< validity checks at this time; SC_TIME_NOW: each signature's time */
    const sc_trust *trust;  /**< when not NULL, signer and maker chains are checked against it */
    const sc_cert *cert;    /**< the signer's certificate for bare SM2 SignedValues, which carry
                                 none (ofdrw DigitalSign); NULL: such signatures are unsupported */
    sc_verify_cache *cache; /**< shared certificates and seal-maker results (many files); or NULL */
    int strict;             /**< 1: a certificate or seal outside its validity at the signing time
                                 the signature claims is a failure; 0 (default): a warning, since
                                 an untimestamped signing time is the signer's own claim. With an
                                 explicit @p at, validity failures are always failures. */
} sc_ofd_verify_options;

#define SC_OFD_VERIFY_OPTIONS_VERSION 1
#define SC_OFD_VERIFY_OPTIONS_INIT                                                                 \
    {                                                                                              \
        SC_OFD_VERIFY_OPTIONS_VERSION, SC_TIME_NOW, NULL, NULL, NULL, 0                            \
    }

/**
 * Verify every signature of a package: each Reference digest (naming the file that changed),
 * files no signature protects, dataHash, the signer's signature, the seal (maker signature,
 * certList membership, validity), chains when trust is given, timestamps present or not; GB/T
 * 35275 SignedData and bare SM2 signatures for Type="Sign".
 * @param[out] out the report, owned by the caller (sc_ofd_report_free)
 * @return 0 when verification ran (verdicts in the report), SC_ENOMEM otherwise
 */
SC_EXTERN int sc_ofd_verify(sc_ofd_report **out, const sc_ofd *ofd,
                            const sc_ofd_verify_options *opts);

/** The file's verdict: the worst signature's, or invalid when there is no signature. */
SC_EXTERN sc_verdict sc_ofd_report_verdict(const sc_ofd_report *report);

/** File-level findings ("signatures": none found; "unprotected": files no signature covers). */
SC_EXTERN const sc_report *sc_ofd_report_file(const sc_ofd_report *report);

/** Number of signatures found. */
SC_EXTERN size_t sc_ofd_report_signature_count(const sc_ofd_report *report);

/** The i-th signature's result, in Signatures.xml order; borrowed; NULL when out of range. */
SC_EXTERN const sc_ofd_signature_result *sc_ofd_report_signature(const sc_ofd_report *report,
                                                                 size_t i);

/** Release a report; NULL is accepted. */
SC_EXTERN void sc_ofd_report_free(sc_ofd_report *report);

/* ---- writing ------------------------------------------------------------------------------
 * Building OFD packages (GB/T 33190-2016): pages, text in embedded font subsets, images, vector
 * paths, attachments, custom tags, and a small layout layer (text boxes, tables). Every length
 * is in millimetres, y grows downwards from the top-left corner of the page (clause 5.1).
 * docs/formats/ofd-writer.md describes the package we write. */

/**
 * A font file parsed once per process (harfbuzz face + metrics + a cache of subsets). Read-only
 * after loading: one font may serve any number of writers in any number of threads at once.
 */
typedef struct sc_ofd_font sc_ofd_font;

/**
 * Load a TrueType/OpenType font or one face of a collection (.ttc).
 * @param[out] out the font, owned by the caller (sc_ofd_font_free); it must outlive every writer
 *             that draws with it
 * @param path the font file (memory-mapped, not copied)
 * @param face_index the face in a collection; 0 for single fonts (NotoSansCJK-Regular.ttc: 2 is SC)
 * @return 0, SC_ENOTFOUND (no such file), SC_EFORMAT (not a font, or no such face) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_font_load(sc_ofd_font **out, const char *path, unsigned int face_index);

/**
 * Prepare a font for fast subsetting for the rest of its life (hb_subset_preprocess): worth it
 * for CFF fonts when documents miss the subset cache often (characters outside a base set):
 * Noto Sans CJK SC takes ~0.8 s and ~300 MB more memory, then each subset of a few characters
 * ~0.5 ms instead of ~1.3 ms. A TrueType font is prepared by itself once it has made a few
 * subsets (WenQuanYi Micro Hei: ~50 ms and ~20 MB, then a certificate's extra subset costs less
 * than half). The subsets are the same bytes. Thread-safe.
 * @return 0 or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_font_prepare_subsets(sc_ofd_font *font);

/** Release a font; NULL is accepted. No writer may use it any more. */
SC_EXTERN void sc_ofd_font_free(sc_ofd_font *font);

/** The family name (name ID 1, English when present); borrowed from the font. */
SC_EXTERN const char *sc_ofd_font_family(const sc_ofd_font *font);

/** 1 when the font maps code point @p cp to a glyph, 0 otherwise. */
SC_EXTERN int sc_ofd_font_has_char(const sc_ofd_font *font, uint32_t cp);

/** Horizontal alignment of text. */
typedef enum {
    SC_OFD_ALIGN_LEFT = 0,
    SC_OFD_ALIGN_CENTER = 1,
    SC_OFD_ALIGN_RIGHT = 2,
} sc_ofd_align;

/** How text is drawn. The fonts are borrowed and must outlive the writer. */
typedef struct {
    unsigned int version;                /**< SC_OFD_TEXT_STYLE_VERSION */
    const sc_ofd_font *font;             /**< the font (required) */
    const sc_ofd_font *const *fallbacks; /**< tried in order for characters @p font lacks */
    size_t fallback_count;               /**< entries in fallbacks */
    double size;                         /**< font size (em), mm; 0: 3.5 mm (about 10 pt) */
    sc_ofd_rgb color;                    /**< fill colour */
    sc_ofd_align align;                  /**< within the given width */
    double line_height; /**< baseline to baseline in text boxes, mm; 0: 1.5 x size */
} sc_ofd_text_style;

#define SC_OFD_TEXT_STYLE_VERSION 1
#define SC_OFD_TEXT_STYLE_INIT                                                                     \
    {                                                                                              \
        SC_OFD_TEXT_STYLE_VERSION, NULL, NULL, 0, 0, SC_OFD_BLACK, SC_OFD_ALIGN_LEFT, 0            \
    }

/** Options of sc_ofd_writer_new(). Strings are copied. */
typedef struct {
    unsigned int version;  /**< SC_OFD_WRITER_OPTIONS_VERSION */
    const char *doc_id;    /**< DocInfo/DocID; NULL: 32 hex digits derived from the content */
    const char *title;     /**< DocInfo/Title; NULL: none */
    const char *author;    /**< DocInfo/Author; NULL: none */
    const char *subject;   /**< DocInfo/Subject; NULL: none */
    sc_time creation_time; /**< CreationDate and zip times; SC_TIME_NOW: the clock. Fix it
                                for byte-identical output from identical input */
    int compression_level; /**< deflate level 1-9 (libdeflate's) for XML and fonts; 0: 1
                                (level 6 saves ~5% of a certificate and runs at a fifth of
                                the rate) */
    double page_width;     /**< default page (Document PageArea), mm; 0: 210 (A4) */
    double page_height;    /**< same; 0: 297 */
    /** (version 2) or NULL: where template pages' deflate streams and SM3 digests are kept for
        the next documents with byte-identical templates (sc_ofd_writer_cache_new) */
    struct sc_ofd_writer_cache *cache;
} sc_ofd_writer_options;

#define SC_OFD_WRITER_OPTIONS_VERSION 2 /**< 1 is accepted too (no cache) */
#define SC_OFD_WRITER_OPTIONS_INIT                                                                 \
    {                                                                                              \
        SC_OFD_WRITER_OPTIONS_VERSION, NULL, NULL, NULL, NULL, SC_TIME_NOW, 0, 0, 0, NULL          \
    }

/**
 * Package files that many documents share byte for byte, in practice template pages (the
 * static part of a form: rulings, titles, labels): their deflate stream, CRC-32 and SM3 digest,
 * made for the first document and taken from here by the next ones. Thread-safe: one cache
 * serves the writers of every thread. Entries are looked up by their full bytes, so a cache
 * never changes what a document contains.
 */
typedef struct sc_ofd_writer_cache sc_ofd_writer_cache;

/**
 * @param max_entries files kept (a full cache starts again empty); 0: 64
 * @return 0 or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_cache_new(sc_ofd_writer_cache **out, size_t max_entries);

/** Release a cache; NULL is accepted. No writer may still use it. */
SC_EXTERN void sc_ofd_writer_cache_free(sc_ofd_writer_cache *cache);

/** A document being built. Not thread-safe; one writer per thread. */
typedef struct sc_ofd_writer sc_ofd_writer;

/**
 * Start a document.
 * @param[out] out the writer, owned by the caller (sc_ofd_writer_free)
 * @param opts NULL for the defaults
 * @return 0, SC_EINVALID (bad option) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_new(sc_ofd_writer **out, const sc_ofd_writer_options *opts);

/** Release a writer; NULL is accepted. */
SC_EXTERN void sc_ofd_writer_free(sc_ofd_writer *w);

/**
 * Append a page with one body layer.
 * @param[out] page_out the page number (0-based), for the drawing calls
 * @param width_mm the page size, mm; 0 for the document default
 * @return 0, SC_EINVALID or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_page(size_t *page_out, sc_ofd_writer *w, double width_mm,
                                     double height_mm);

/**
 * Page numbers with this bit set name template pages (sc_ofd_writer_add_template): every
 * drawing call takes them in place of a page.
 */
#define SC_OFD_WRITER_TEMPLATE ((size_t)1 << (sizeof(size_t) * 8 - 1))

/**
 * Add a template page (CommonData/TemplatePage, GB/T 33190 7.5): content drawn once and shown
 * under every page that uses it (sc_ofd_writer_use_template), as forms put their rulings and
 * labels. Object IDs are handed out in call order as for pages, so a document that draws the
 * same template first gets the same template file byte for byte, which a writer cache
 * (sc_ofd_writer_options.cache) then deflates and hashes once for all of them.
 * @param[out] tpl_out the template, SC_OFD_WRITER_TEMPLATE | n, for the drawing calls
 * @return 0, SC_EINVALID or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_template(size_t *tpl_out, sc_ofd_writer *w);

/**
 * Show template @p tpl under page @p page (Page/Template, ZOrder Background). A page uses at
 * most SC_OFD_WRITER_MAX_PAGE_TEMPLATES, each once; readers such as ofd.js 0.2.6 show only the
 * first.
 * @return 0 or SC_EINVALID (no such page or template, one already shown, or too many)
 */
SC_EXTERN int sc_ofd_writer_use_template(sc_ofd_writer *w, size_t page, size_t tpl);

#define SC_OFD_WRITER_MAX_PAGE_TEMPLATES 4

/**
 * Keep a box of page @p page (or of a template page) clear of text objects' Boundaries. The
 * writer merges runs of one style into one TextObject whose Boundary is the box of them all; it
 * does not merge runs into an object whose Boundary would then meet this box. For a 2D code,
 * which must cover no other content (T/CMA 4.3.4) and which readers check against every
 * object's Boundary. A run that itself meets the box is drawn as asked: the caller checks what
 * it draws. Applies to text drawn after the call.
 * @return 0, SC_EINVALID (no such page, a box that is not finite and positive) or SC_ELIMIT
 *         (more than SC_OFD_WRITER_MAX_KEEP_CLEAR boxes on the page)
 */
SC_EXTERN int sc_ofd_writer_keep_clear(sc_ofd_writer *w, size_t page, double x, double y,
                                       double width, double height);

#define SC_OFD_WRITER_MAX_KEEP_CLEAR 4

/** Layer types (CT_Layer/@Type). */
typedef enum {
    SC_OFD_LAYER_BODY = 0,
    SC_OFD_LAYER_BACKGROUND = 1,
    SC_OFD_LAYER_FOREGROUND = 2,
} sc_ofd_layer_type;

/**
 * Start a new layer on a page; later drawing on that page goes into it. Layers are written in
 * the order they were added.
 * @return 0, SC_EINVALID (no such page) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_layer(sc_ofd_writer *w, size_t page, sc_ofd_layer_type type);

/**
 * Draw one line of text (UTF-8, no line breaks): one TextObject per run of one font, each
 * character placed with its real advance (DeltaX).
 * @param[out] width_out the advance width of the text, mm; NULL when not wanted
 * @param x the start of the text (left alignment), or the left edge of a box of @p width
 * @param baseline the baseline, mm from the top of the page
 * @param width 0: @p x is where the text starts (left), its centre (center) or its end (right);
 *        above 0: the text is aligned within [x, x + width]
 * @return 0, SC_ENOTFOUND (a character no font has; the message names it as U+XXXX),
 *         SC_EFORMAT (invalid UTF-8 or a control character), SC_EINVALID or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_text(double *width_out, sc_ofd_writer *w, size_t page, double x,
                                     double baseline, double width, const char *text,
                                     const sc_ofd_text_style *style);

/** The advance width of one line of text in mm, without drawing it. Errors as
 * sc_ofd_writer_add_text(). */
SC_EXTERN int sc_ofd_text_measure(double *width_out, const char *text,
                                  const sc_ofd_text_style *style);

/**
 * Draw text wrapped to @p width: CJK breaks between any two characters except before closing
 * and after opening punctuation (kinsoku), Latin at spaces, words longer than the line at any
 * character; '\n' forces a break. No hyphenation. Lines are style->line_height apart, the
 * text centred vertically in each line (by the font's ascent and descent).
 * @param[out] height_out the height used (lines x line_height), mm; NULL when not wanted
 * @return as sc_ofd_writer_add_text()
 */
SC_EXTERN int sc_ofd_writer_add_text_box(double *height_out, sc_ofd_writer *w, size_t page,
                                         double x, double top, double width, const char *text,
                                         const sc_ofd_text_style *style);

/** Lines and height of a text box without drawing it. Errors as sc_ofd_writer_add_text(). */
SC_EXTERN int sc_ofd_text_box_measure(size_t *lines_out, double *height_out, const char *text,
                                      double width, const sc_ofd_text_style *style);

/** A vector path being built (coordinates in mm on the page). */
typedef struct sc_ofd_path sc_ofd_path;

/** Start an empty path; owned by the caller (sc_ofd_path_free). @return 0 or SC_ENOMEM */
SC_EXTERN int sc_ofd_path_new(sc_ofd_path **out);
/** Release a path; NULL is accepted. */
SC_EXTERN void sc_ofd_path_free(sc_ofd_path *path);
/** Start a subpath at (x, y). @return 0 or SC_ENOMEM (for all path calls) */
SC_EXTERN int sc_ofd_path_move_to(sc_ofd_path *path, double x, double y);
/** A straight line to (x, y). */
SC_EXTERN int sc_ofd_path_line_to(sc_ofd_path *path, double x, double y);
/** A cubic Bézier curve to (x, y) with control points (x1, y1), (x2, y2). */
SC_EXTERN int sc_ofd_path_curve_to(sc_ofd_path *path, double x1, double y1, double x2, double y2,
                                   double x, double y);
/** An elliptical arc to (x, y), SVG-style (OFD "A": radii, rotation in degrees, flags). */
SC_EXTERN int sc_ofd_path_arc_to(sc_ofd_path *path, double rx, double ry, double rotation,
                                 int is_large, int is_clockwise, double x, double y);
/** Close the current subpath. */
SC_EXTERN int sc_ofd_path_close(sc_ofd_path *path);
/** A closed rectangle subpath. */
SC_EXTERN int sc_ofd_path_rect(sc_ofd_path *path, double x, double y, double width, double height);
/** A closed circle subpath (four Bézier curves, which every reader draws). */
SC_EXTERN int sc_ofd_path_circle(sc_ofd_path *path, double cx, double cy, double r);

/** How a path is painted. */
typedef struct {
    unsigned int version; /**< SC_OFD_PATH_STYLE_VERSION */
    double line_width;    /**< stroke width, mm; 0: 0.25 */
    int has_stroke;       /**< stroke the outline */
    sc_ofd_rgb stroke;    /**< stroke colour */
    int has_fill;         /**< fill the inside (non-zero rule) */
    sc_ofd_rgb fill;      /**< fill colour */
    double scale;         /**< (version 2) the path's coordinates are in units of this many mm;
                               0 or 1: mm. Written as a PathObject CTM, so that a path on a grid
                               (a 2D code: module units) is written in short whole numbers.
                               Only for paths that are filled and not stroked */
} sc_ofd_path_style;

#define SC_OFD_PATH_STYLE_VERSION 2 /**< 1 is accepted too (no scale) */
#define SC_OFD_PATH_STYLE_INIT                                                                     \
    {                                                                                              \
        SC_OFD_PATH_STYLE_VERSION, 0, 1, SC_OFD_BLACK, 0, SC_OFD_BLACK, 0                          \
    }

/**
 * Draw a path (one PathObject with AbbreviatedData). The path is copied.
 * @param style NULL: a 0.25 mm black stroke
 * @return 0, SC_EINVALID (no such page, empty path) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_path(sc_ofd_writer *w, size_t page, const sc_ofd_path *path,
                                     const sc_ofd_path_style *style);

/**
 * A path of whole-number points on a grid, for shapes made of cells (a 2D code's modules):
 * moves, straight lines and closes only. Made for thousands of points per document: a point costs
 * a fraction of an sc_ofd_path point, and the path is written as an sc_ofd_path in cells under a
 * scale of the cell size would be (the same bytes).
 */
typedef struct sc_ofd_grid_path sc_ofd_grid_path;

/** Start an empty grid path; owned by the caller (sc_ofd_grid_path_free). @return 0, SC_ENOMEM */
SC_EXTERN int sc_ofd_grid_path_new(sc_ofd_grid_path **out);
/** Release a grid path; NULL is accepted. */
SC_EXTERN void sc_ofd_grid_path_free(sc_ofd_grid_path *path);
/** Start a subpath at cell corner (x, y), |x| and |y| at most 1,000,000.
 * @return 0, SC_EINVALID (beyond that) or SC_ENOMEM (for all grid path calls) */
SC_EXTERN int sc_ofd_grid_path_move_to(sc_ofd_grid_path *path, int32_t x, int32_t y);
/** A straight line to cell corner (x, y). */
SC_EXTERN int sc_ofd_grid_path_line_to(sc_ofd_grid_path *path, int32_t x, int32_t y);
/** Close the current subpath. */
SC_EXTERN int sc_ofd_grid_path_close(sc_ofd_grid_path *path);

/**
 * Fill a grid path (non-zero rule, no stroke): corner (i, j) at (x + i * cell, y + j * cell) mm.
 * One PathObject whose CTM scales cells to mm and whose AbbreviatedData is whole numbers.
 * @return 0, SC_EINVALID (no such page, empty path or not starting with a move, a position
 *         that is not a finite length, a cell under 0.001 mm) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_fill_grid_path(sc_ofd_writer *w, size_t page,
                                           const sc_ofd_grid_path *path, double x, double y,
                                           double cell, sc_ofd_rgb fill);

/** Draw a straight line; a shorthand for a two-point path. Errors as sc_ofd_writer_add_path(). */
SC_EXTERN int sc_ofd_writer_add_line(sc_ofd_writer *w, size_t page, double x1, double y1, double x2,
                                     double y2, const sc_ofd_path_style *style);

/**
 * Draw a PNG or JPEG image into the box (x, y, width, height). Identical image bytes are stored
 * once (one MultiMedia resource).
 * @param data the image file's bytes, copied
 * @return 0, SC_EUNSUPPORTED (neither PNG nor JPEG), SC_EFORMAT (no readable size),
 *         SC_ELIMIT (over SC_OFD_MAX_IMAGE_SIZE bytes or SC_OFD_MAX_IMAGE_PIXELS), SC_EINVALID
 *         or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_image(sc_ofd_writer *w, size_t page, const void *data, size_t len,
                                      double x, double y, double width, double height);

/**
 * Attach a file (Attachments.xml: Name, Format, CreationDate, Size in KB; the file under
 * Doc_0/Attachs/).
 * @param name the attachment's Name as readers show it, any text (1-255 bytes of UTF-8, e.g.
 *        "原始记录.ofd"). It is also the file's name when it is plain (letters, digits, '.', '-',
 *        '_') and no other file has it (case aside); otherwise the file is Attach_<ID> with the
 *        name's extension (and "_<k>" when even that is taken).
 * @param format e.g. "xml", "pdf"; NULL: none
 * @return 0, SC_EINVALID (empty or over 255 bytes), SC_EFORMAT (not UTF-8, control
 *         characters), SC_EEXISTS (the name used twice) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_attachment(sc_ofd_writer *w, const char *name, const char *format,
                                           const void *data, size_t len);

/**
 * Add a custom tag file (CustomTags.xml -> CustomTag TypeID + FileLoc, the file under
 * Doc_0/Tags/). The bytes must be a well-formed XML document.
 * @param type_id the CustomTag TypeID (letters, digits, '.', '-', '_')
 * @return 0, SC_EFORMAT (not well-formed XML), SC_EINVALID, SC_EEXISTS or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_custom_tag(sc_ofd_writer *w, const char *type_id, const void *xml,
                                           size_t len);

/** The namespace of the tag files sc_ofd_writer_add_custom_tag_pairs() writes. */
#define SC_OFD_TAGS_NS "urn:sealcert:ofd:tags:1"

/**
 * Add a custom tag file of key/value pairs, rendered as
 * <sc:Tags xmlns:sc="urn:sealcert:ofd:tags:1"><sc:Tag Name="key">value</sc:Tag>...</sc:Tags>.
 * @return as sc_ofd_writer_add_custom_tag(); SC_EFORMAT for invalid UTF-8 or control characters
 */
SC_EXTERN int sc_ofd_writer_add_custom_tag_pairs(sc_ofd_writer *w, const char *type_id,
                                                 const char *const *keys, const char *const *values,
                                                 size_t count);

/** Key/value pairs read back from a tag file of sc_ofd_writer_add_custom_tag_pairs(). */
typedef struct {
    size_t count;  /**< pairs */
    char **keys;   /**< count keys, owned */
    char **values; /**< count values (trimmed of surrounding blanks), owned */
} sc_ofd_tag_pairs;

/**
 * Read the pairs of the custom tag @p type_id of document @p doc, as written by
 * sc_ofd_writer_add_custom_tag_pairs() (elements matched by the namespace SC_OFD_TAGS_NS).
 * @param[out] out filled, owned by the caller (sc_ofd_tag_pairs_dispose)
 * @return 0, SC_ENOTFOUND (no such tag, or its file is missing) or SC_EFORMAT (malformed file)
 */
SC_EXTERN int sc_ofd_tag_pairs_read(sc_ofd_tag_pairs *out, const sc_ofd *ofd, size_t doc,
                                    const char *type_id);

/** The value of the first pair named @p key; borrowed; NULL when absent. */
SC_EXTERN const char *sc_ofd_tag_pairs_get(const sc_ofd_tag_pairs *pairs, const char *key);

/** Release what sc_ofd_tag_pairs_read() filled; the struct is zeroed. */
SC_EXTERN void sc_ofd_tag_pairs_dispose(sc_ofd_tag_pairs *pairs);

/**
 * Embed @p text's characters (those @p font has; others are skipped) in this document's subset
 * of @p font, drawn or not: the document's base set for that font. Subsets are cached per font
 * by exact character set, so documents of one template that embed the same base set (the
 * template's text, digits, the characters the variable fields may use) share one cached subset
 * and skip hb-subset and deflate. Characters drawn later that are outside the base set (a name,
 * an address) go to a second subset resource of the same font (FontName + " Extra") holding
 * only them, so the base subset stays a cache hit and only the few extra characters are subset
 * per document; without a base set a font has one subset. Each document stays a deterministic
 * function of its own calls (their order included).
 * @return 0, SC_EFORMAT (invalid UTF-8), SC_EINVALID (finished writer) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_embed_chars(sc_ofd_writer *w, const sc_ofd_font *font,
                                        const char *text);

/**
 * Write the package: embed a subset of each font holding only the characters used, emit the
 * XML and zip it (fixed entry order, times from creation_time, no extra fields), applying the
 * seals of sc_ofd_writer_add_seal() first if there are any. The writer is finished afterwards:
 * further calls return SC_EINVALID. On failure @p out is unchanged.
 * @param[out] out the .ofd bytes, owned by the caller (sc_buf_dispose)
 * @return 0, SC_EINVALID (no page, or already finished; a seal's page out of range, or its
 *         signer refused, as sc_ofd_sign()), SC_ENOTFOUND and SC_ELIMIT (a seal's keyword not
 *         in the text, or found too often, as sc_ofd_sign()), SC_EFORMAT (hb-subset failed on
 *         a font), SC_EUNSUPPORTED (GM/T 0031 seal) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_finish(sc_buf *out, sc_ofd_writer *w);

/* ---- layout: tables ---- */

/** A table being laid out: column widths, a header row, rows of wrapped cell text. */
typedef struct sc_ofd_table sc_ofd_table;

/** How a table looks. The styles are copied; their fonts borrowed. */
typedef struct {
    unsigned int version;             /**< SC_OFD_TABLE_STYLE_VERSION */
    sc_ofd_text_style text;           /**< body cells */
    sc_ofd_text_style header;         /**< the header row; font NULL: the body style */
    const sc_ofd_align *column_align; /**< per column; NULL: each style's align */
    double padding;                   /**< inside each cell, mm; 0: 1 */
    double border_width;              /**< mm; 0: 0.25; negative: no borders */
    sc_ofd_rgb border_color;          /**< border colour */
    double min_row_height;            /**< mm; 0: none */
} sc_ofd_table_style;

#define SC_OFD_TABLE_STYLE_VERSION 1
#define SC_OFD_TABLE_STYLE_INIT                                                                    \
    {                                                                                              \
        SC_OFD_TABLE_STYLE_VERSION, SC_OFD_TEXT_STYLE_INIT, SC_OFD_TEXT_STYLE_INIT, NULL, 0, 0,    \
            SC_OFD_BLACK, 0                                                                        \
    }

/**
 * Start a table.
 * @param[out] out the table, owned by the caller (sc_ofd_table_free)
 * @param widths @p columns column widths, mm (copied)
 * @param header the header cells (@p columns strings), repeated on every page; NULL: no header
 * @return 0, SC_EINVALID, SC_ENOTFOUND / SC_EFORMAT (header text, as sc_ofd_writer_add_text())
 *         or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_table_new(sc_ofd_table **out, size_t columns, const double *widths,
                               const char *const *header, const sc_ofd_table_style *style);

/** Release a table; NULL is accepted. */
SC_EXTERN void sc_ofd_table_free(sc_ofd_table *table);

/**
 * Append a row; the cells are wrapped and the row height computed now.
 * @param cells @p columns strings (NULL entries are empty cells), copied
 * @return 0, SC_ENOTFOUND / SC_EFORMAT (as sc_ofd_writer_add_text()), SC_ELIMIT or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_table_add_row(sc_ofd_table *table, const char *const *cells);

/** Number of body rows (the header not counted). */
SC_EXTERN size_t sc_ofd_table_row_count(const sc_ofd_table *table);

/** Height of body row @p row in mm; 0 when out of range. */
SC_EXTERN double sc_ofd_table_row_height(const sc_ofd_table *table, size_t row);

/** Height of the header row in mm; 0 without a header. */
SC_EXTERN double sc_ofd_table_header_height(const sc_ofd_table *table);

/**
 * How many body rows from @p first fit in @p height mm below a repeated header: the
 * pagination step ("rows flow across pages with the header row repeated"). 0 when not even row
 * @p first fits with the header: the caller starts a new page, and if the row does not fit on
 * an empty page either (taller than the page), draws it alone there anyway (count 1, clipped by
 * the page) so that pagination always advances.
 */
SC_EXTERN size_t sc_ofd_table_rows_fit(const sc_ofd_table *table, size_t first, double height);

/**
 * Draw the header and body rows [first, first + count) at (x, top).
 * @param[out] height_out the height drawn, mm; NULL when not wanted
 * @return 0, SC_EINVALID (rows out of range, no such page), SC_ENOTFOUND or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_table(double *height_out, sc_ofd_writer *w, size_t page, double x,
                                      double top, const sc_ofd_table *table, size_t first,
                                      size_t count);

/* ---- signing ------------------------------------------------------------------------------ */

/** Options of sc_ofd_sign(). Positions in mm from the page's top-left corner. */
typedef struct {
    unsigned int version; /**< SC_OFD_SIGN_OPTIONS_VERSION */
    sc_time time;         /**< signing time (TBS_Sign.timeInfo, SignatureDateTime); SC_TIME_NOW */
    size_t page;          /**< page to stamp, counted from 1; 0: the last page */
    double x_mm;          /**< centre of the seal; negative: 20 mm from the right edge */
    double y_mm;          /**< centre of the seal; negative: 30 mm above the bottom edge */
    int riding;           /**< 1: a riding seal (骑缝章): one signature, a slice on every page at
                               the right edge; page and x_mm are then ignored */
    const char *keyword;  /**< UTF-8: one StampAnnot centred on each occurrence of this text in
                               the page text (all pages, or only @p page when not 0), found
                               within a TextObject also across TextCodes (positions as
                               sc_ofd_page_text_load() computes them); x_mm, y_mm and riding
                               must then be unset. NULL: placement by page, x_mm, y_mm */
    int digital;          /**< 1: a digital signature (Type="Sign"): GB/T 35275 SignedData, no
                               seal (pass NULL), no StampAnnot unless page, x_mm, y_mm, riding or
                               keyword is given (then a SC_OFD_DIGITAL_STAMP_MM square) */
    int no_seal_file;     /**< 1: no Sign_N/Seal.esl and no Seal element (optional in GB/T
                               33190 18.2.2): the seal is inside SignedValue.dat's SES_Signature
                               anyway, and most producers (Suwell, DianJu, gomain, KingGrid,
                               12306) write it so; a file a seal-picture size smaller */
} sc_ofd_sign_options;

#define SC_OFD_SIGN_OPTIONS_VERSION 1
#define SC_OFD_SIGN_OPTIONS_INIT                                                                   \
    {                                                                                              \
        SC_OFD_SIGN_OPTIONS_VERSION, SC_TIME_NOW, 0, -1, -1, 0, NULL, 0, 0                         \
    }

/** Side of the square a digital signature's StampAnnot covers, mm (there is no seal picture to
 * give the size): the size of a round official seal. */
#define SC_OFD_DIGITAL_STAMP_MM 40.0

/**
 * Seal-sign the first document of a package (GB/T 33190 clause 18, GB/T 38540 clause 9): a new
 * Signs/Sign_N with Seal.esl, Signature.xml (References with CheckMethod 1.2.156.10197.1.401 over
 * every file of the package at signing time, StampAnnots, elements in schema order) and
 * SignedValue.dat (sc_ses_signature_make over the Signature.xml bytes), listed in
 * Signatures.xml, which no signature references (continue-sign: a later seal never breaks an
 * earlier one). The seal's picture size gives the stamp's size. Entries it does not change are
 * copied as they were stored (deflate stream and CRC kept by sc_ofd_open); only the files it
 * makes are compressed.
 *
 * With opts->digital, a digital signature instead (Type="Sign", SignatureMethod
 * 1.2.156.10197.1.501): no Seal.esl and no Seal element, and SignedValue.dat is a GB/T 35275
 * SignedData (ContentInfo 1.2.156.10197.6.1.4.2.2) whose attached data content is SM3 of the
 * Signature.xml bytes, SM2-signed with the default ID, the certificate inside; the layout ofdrw
 * writes and verifies (docs/formats/ofd-digital-sign.md).
 * @param[out] out the signed package (caller disposes); for a fixed time the same bytes except
 *             the SM2 signature value, which is randomised
 * @param seal the seal; NULL for a digital signature (and only then)
 * @return 0, SC_EINVALID (page out of range; seal given with digital or missing without it;
 *         keyword combined with x_mm, y_mm or riding; signer refused by sc_ses_signature_make:
 *         not in the certList, outside validity), SC_ENOTFOUND (keyword not in the text; the
 *         message names it), SC_ELIMIT (keyword found more than 500 times,
 * SC_OFD_MAX_KEYWORD_STAMPS), SC_EUNSUPPORTED (GM/T 0031 seal), SC_EFORMAT (the package has no
 * document) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_sign(sc_buf *out, const sc_ofd *ofd, const sc_seal *seal, const sc_key *key,
                          const sc_cert *cert, const sc_ofd_sign_options *opts);

/**
 * Seal the document being written when it is finished: sc_ofd_writer_finish() then applies the
 * seal as sc_ofd_sign() would to the finished unsigned document (same signer code: References
 * over the bytes the writer has, Signature.xml, SignedValue.dat, Signatures.xml, OFD.xml naming
 * the list), and zips once, with no re-reading, inflating and deflating. Several calls make
 * several signatures in call order, each a continue-sign one like a later sc_ofd_sign() (none
 * references Signatures.xml); riding seals, keyword seals (opts->keyword, found in the text
 * the writer drew, as sc_ofd_sign() finds it in the finished document) and digital signatures
 * (opts->digital, @p seal NULL) are supported. With the default compression level the package
 * has the same bytes as sc_ofd_sign() on the finished document, except the SM2 signature
 * values; zip times are the last signing time, as sc_ofd_sign() writes them. Checks that need
 * the pages (page out of range, keyword not in the text) and the signer's checks happen at
 * finish, which then fails without output.
 * @param seal, key, cert borrowed: they must stay valid until sc_ofd_writer_finish() returns;
 *        seal NULL for a digital signature (and only then)
 * @param opts copied, the keyword included; NULL for the defaults
 * @return 0, SC_EINVALID (finished writer, options version; seal given with digital or missing
 *         without it; keyword empty or combined with x_mm, y_mm or riding) or SC_ENOMEM
 */
SC_EXTERN int sc_ofd_writer_add_seal(sc_ofd_writer *w, const sc_seal *seal, const sc_key *key,
                                     const sc_cert *cert, const sc_ofd_sign_options *opts);

#ifdef __cplusplus
}
#endif
#endif
