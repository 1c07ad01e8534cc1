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
    unsigned int version;  /**< SC_OFD_OPEN_OPTIONS_VERSION */
    size_t max_entries;    /**< most zip entries */
    size_t max_entry_size; /**< largest uncompressed entry, bytes */
    size_t max_total_size; /**< largest sum of uncompressed entries, bytes */
    unsigned max_ratio;    /**< largest uncompressed/compressed ratio of one entry (zip bombs) */
} sc_ofd_open_options;

#define SC_OFD_OPEN_OPTIONS_VERSION 1
#define SC_OFD_OPEN_OPTIONS_INIT                                                                   \
    {                                                                                              \
        SC_OFD_OPEN_OPTIONS_VERSION, 0, 0, 0, 0                                                    \
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
                             TextObject); borrowed */
} sc_ofd_page;

/** Number of pages of document @p doc. */
SC_EXTERN size_t sc_ofd_page_count(const sc_ofd *ofd, size_t doc);

/** The i-th page of document @p doc; borrowed; NULL when out of range. */
SC_EXTERN const sc_ofd_page *sc_ofd_page_of(const sc_ofd *ofd, size_t doc, size_t i);

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

#ifdef __cplusplus
}
#endif
#endif
