/* lib/ofd: private interfaces of the OFD writer (GB/T 33190-2016): the deterministic zip writer,
 * fonts (metrics, subsets) and the text runs shared by the builder and the layout layer. */
#ifndef SC_OFDW_INT_H
#define SC_OFDW_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <hb.h>

#include "util/util.h"

/* ---- zip (ofd_zip_write.c) ------------------------------------------------------------------ */

/* Entries shorter than this are stored: deflating one costs ~5 us whatever its size (the block's
 * Huffman codes are built every time) and saves a few hundred bytes. */
#define SC_OFD__ZIP_MIN_DEFLATE 1024

/** One entry of a zip written by sc_ofd__zip_write(). Everything borrowed. */
typedef struct {
    const char *name;              /* path inside the zip, no leading '/' (UTF-8) */
    const unsigned char *data;     /* uncompressed bytes */
    size_t len;                    /* bytes in data */
    bool compress;                 /* deflate (true) or store; stored when deflate does not pay */
    const unsigned char *deflated; /* raw deflate of data made earlier (a cached font), or NULL */
    size_t deflated_len;           /* bytes in deflated */
    uint32_t crc;                  /* CRC-32 of data; used with deflated or has_crc */
    bool has_crc;                  /* crc is known (an entry copied from a package read) */
} sc_ofd__zip_entry;

/**
 * Write a zip of @p count entries, in the given order, to @p out (appended). Deterministic: DOS
 * time and date of @p mtime (UTC) on every entry, "made by" MS-DOS, no extra fields, no
 * comments, no data descriptors, flag bit 11 only for non-ASCII names. No Zip64: SC_ELIMIT past
 * 65535 entries or 4 GiB. The OFD signer rewrites packages through this too.
 * @param level deflate level 1-9 (libdeflate)
 * @return 0, SC_ELIMIT, SC_EINVALID (empty or duplicate-free names are the caller's job) or
 *         SC_ENOMEM
 */
int sc_ofd__zip_write(sc_buf *out, const sc_ofd__zip_entry *entries, size_t count, sc_time mtime,
                      int level);

/**
 * What sc_ofd__zip_write() stores for an entry of @p data that may be deflated: the raw deflate
 * stream at @p level appended to @p out, or *stored true (nothing appended) when the entry is
 * under SC_OFD__ZIP_MIN_DEFLATE or its stream would not be shorter than the data.
 */
int sc_ofd__deflate_entry(sc_buf *out, bool *stored, const void *data, size_t len, int level);

/** Raw deflate (no header, as zip wants) of @p data at @p level, appended to @p out. */
int sc_ofd__deflate(sc_buf *out, const void *data, size_t len, int level);

/**
 * Inflate the raw deflate stream @p in into exactly @p out_len bytes at @p out.
 * @param[out] is_exact true when the stream ended on the last byte of @p in
 * @return 0, SC_EFORMAT (invalid stream, shorter or longer than @p out_len; the message says
 *         which, without the entry name), SC_ELIMIT or SC_ENOMEM
 */
int sc_ofd__inflate(unsigned char *out, size_t out_len, const unsigned char *in, size_t in_len,
                    bool *is_exact);

/** CRC-32 (ISO 3309, as zip wants). */
uint32_t sc_ofd__crc32(const void *data, size_t len);

/* ---- the writer cache (ofd_write_cache.c) ------------------------------------------------ */

/** What a shared package file gives the zip and the signer. */
typedef struct {
    int level;                            /* deflate level of the stream */
    uint32_t crc;                         /* CRC-32 of the bytes */
    unsigned char sm3[SC_SM3_DIGEST_LEN]; /* SM3 of the bytes */
    size_t deflated_len;                  /* 0: stored (deflate did not pay) */
    unsigned char deflated[];             /* raw deflate stream */
} sc_ofd__cached_file;

/**
 * The deflate stream at @p level, CRC-32 and SM3 of @p data: from @p cache, or made now and
 * remembered there.
 * @param[out] out the caller's copy (sc_free)
 * @return 0 or SC_ENOMEM
 */
int sc_ofd__cache_file(sc_ofd__cached_file **out, sc_ofd_writer_cache *cache, const void *data,
                       size_t len, int level);

/* ---- signing (ofd_sign.c): one signer for sc_ofd_sign() and the writer -------------------- */

/** A page as the signer places stamps on it. */
typedef struct {
    unsigned long id; /* Page ID */
    double box[4];    /* PhysicalBox x, y, width, height, mm */
    char *content;    /* its Content.xml, absolute ("" when unknown); owned */
} sc_ofd__sign_page;

/** The files of a package being sealed, kept in the reader's entry order. */
typedef struct sc_ofd__sign_pkg sc_ofd__sign_pkg;

/**
 * An empty set for the first document, whose Document.xml is @p doc_root (absolute) and whose
 * DocBody/Signatures is @p signatures (absolute; NULL when the package has no signature list).
 * @return 0, SC_ELIMIT (paths too long) or SC_ENOMEM
 */
int sc_ofd__sign_pkg_new(sc_ofd__sign_pkg **out, const char *doc_root, const char *signatures);

/** Release a set; NULL is accepted. */
void sc_ofd__sign_pkg_free(sc_ofd__sign_pkg *p);

/**
 * Add a file as the zip writer takes it (name without the leading '/'; the bytes, and the
 * deflate stream + CRC when there is one, borrowed until the set is freed).
 * @param sm3 the SM3 digest of the bytes when known (borrowed, as long as the set), or NULL
 */
int sc_ofd__sign_pkg_add(sc_ofd__sign_pkg *p, const sc_ofd__zip_entry *e, const unsigned char *sm3);

/**
 * Add the next page of the first document.
 * @param content the page's Content.xml, absolute ("" when unknown), a file of the set: keyword
 *        seals find the page's text there; copied
 */
int sc_ofd__sign_pkg_add_page(sc_ofd__sign_pkg *p, unsigned long id, const double box[4],
                              const char *content);

/**
 * The checks of the options that need no package: a seal exactly when not digital, a keyword
 * not empty and without x_mm, y_mm or riding. @p opts NULL: the defaults.
 * @return 0 or SC_EINVALID
 */
int sc_ofd__sign_check(const sc_seal *seal, const sc_ofd_sign_options *opts);

/**
 * Seal the set as sc_ofd_sign() documents: Sign_N files, References over every file but the
 * signature list, Signatures.xml, OFD.xml naming the list the first time; a digital signature
 * when opts->digital (seal NULL), stamps on opts->keyword found in the pages' Content.xml. The
 * seal's DER is borrowed until the set is freed. On failure the set may be half changed: discard
 * it.
 * @return as sc_ofd_sign()
 */
int sc_ofd__sign_pkg_seal(sc_ofd__sign_pkg *p, const sc_seal *seal, const sc_key *key,
                          const sc_cert *cert, const sc_ofd_sign_options *opts);

/**
 * Zip the set (OFD.xml, the other files, Signatures.xml, the last seal's files); on success the
 * zip replaces @p out (disposed first), on failure @p out is untouched.
 */
int sc_ofd__sign_pkg_zip(sc_buf *out, const sc_ofd__sign_pkg *p, int level);

/* ---- fonts (ofd_font.c) --------------------------------------------------------------------- */

/* Subsets made of a TrueType font before it is prepared for subsetting (ofd_font.c). */
#define SC_OFD__LAZY_PREPARE_MISSES 4

/** A cached subset of a font: shared by the documents that use the same character set. */
typedef struct sc_ofd__subset {
    uint64_t hash;           /* FNV-1a of the code points */
    uint32_t *cps;           /* the sorted code points (owned): the cache key */
    size_t ncps;             /* entries in cps */
    int level;               /* deflate level of deflated */
    unsigned char *font;     /* the subset font file (owned) */
    size_t font_len;         /* bytes */
    unsigned char *deflated; /* raw deflate of font (owned) */
    size_t deflated_len;     /* bytes */
    uint32_t crc;            /* CRC-32 of font */
    bool has_sm3;            /* sm3 is made; under font->lock */
    unsigned char
        sm3[SC_SM3_DIGEST_LEN];  /* SM3 of font, made for the first document sealed with it */
    unsigned refs;               /* the cache's reference plus one per user; under font->lock */
    struct sc_ofd__subset *next; /* cache list, newest first */
} sc_ofd__subset;

struct sc_ofd_font {
    hb_blob_t *blob; /* the mapped file */
    hb_face_t *face; /* immutable */
    /* hb_subset_preprocess(face), or NULL: made by sc_ofd_font_prepare_subsets(), or for a
     * TrueType font by the subset cache's SC_OFD__LAZY_PREPARE_MISSES-th miss; published once
     * (release), read with acquire. */
    _Atomic(hb_face_t *) prepared;
    hb_font_t *hb;   /* immutable, scale = upem, harfbuzz's own (ot) metrics */
    double upem;     /* font units per em */
    double ascent;   /* em, positive up */
    double descent;  /* em, negative below the baseline */
    bool is_cff;     /* 'CFF ' outlines: the subset is an .otf, else .ttf */
    char *family;    /* name ID 1 (owned) */
    char *full_name; /* name ID 4, or family (owned) */
    /* Lookups the writer makes for every character, cached (filled as they are asked for, by
     * any thread: relaxed atomics, as every thread computes the same value):
     * bmp_glyph[cp] for cp < 0x10000 is 0 (not asked yet), 1 (no glyph) or glyph + 2;
     * advance[glyph] is 0 (not asked yet) or the advance in font units + 1. */
    _Atomic uint32_t *bmp_glyph; /* 65536 entries (owned) */
    _Atomic uint32_t *advance;   /* glyph_count entries (owned) */
    unsigned glyph_count;        /* glyphs in the face */
    pthread_mutex_t lock;        /* guards the subset cache, misses and is_preparing */
    unsigned misses;             /* subsets made (cache misses) */
    bool is_preparing;           /* a thread is preparing it (or failed to: never again) */
    sc_ofd__subset *cache;       /* newest first, at most SC_OFD_FONT_SUBSET_CACHE */
    size_t cache_len;            /* entries in cache */
};

/** Glyph of @p cp; false when the font has none. Thread-safe. */
bool sc_ofd__font_glyph(const sc_ofd_font *font, uint32_t cp, uint32_t *glyph);

/** Horizontal advance of a glyph in em. Thread-safe. */
double sc_ofd__font_advance(const sc_ofd_font *font, uint32_t glyph);

/**
 * The subset of @p font holding code points @p cps (sorted, unique), from the cache or made now
 * (hb-subset, then deflated at @p level). Release with sc_ofd__subset_release().
 * @return 0, SC_EFORMAT (hb-subset failed) or SC_ENOMEM
 */
int sc_ofd__font_subset(sc_ofd__subset **out, const sc_ofd_font *font, const uint32_t *cps,
                        size_t ncps, int level);

/**
 * The SM3 digest of a subset's font file, made on the first call and kept with the subset.
 * @param[out] out points into the subset (valid while the caller holds its reference)
 */
int sc_ofd__subset_sm3(const unsigned char **out, const sc_ofd_font *font, sc_ofd__subset *subset);

/** Drop one reference taken by sc_ofd__font_subset(). */
void sc_ofd__subset_release(const sc_ofd_font *font, sc_ofd__subset *subset);

/* ---- text runs (ofd_write.c, used by ofd_layout.c) ------------------------------------------ */

/** One character of a text, resolved to a font. */
typedef struct {
    uint32_t cp;             /* code point */
    const sc_ofd_font *font; /* the first of the style's fonts that has it; borrowed */
    double advance;          /* mm at the style's size */
} sc_ofd__char;

/** Style values with defaults applied. */
double sc_ofd__style_size(const sc_ofd_text_style *style);
double sc_ofd__style_line_height(const sc_ofd_text_style *style);

/**
 * Decode UTF-8 @p text and resolve each character to a font of @p style.
 * @param allow_newline '\n' allowed (as a character with no font and no advance)
 * @return 0, SC_EFORMAT, SC_ENOTFOUND (a character no font has: "U+XXXX"), SC_ELIMIT, SC_ENOMEM
 */
int sc_ofd__text_chars(sc_ofd__char **out, size_t *count, const char *text,
                       const sc_ofd_text_style *style, bool allow_newline);

/** Draw @p count resolved characters as one line starting at (x, baseline). */
int sc_ofd__writer_draw_chars(sc_ofd_writer *w, size_t page, double x, double baseline,
                              const sc_ofd__char *chars, size_t count,
                              const sc_ofd_text_style *style);

/* ---- line breaking (ofd_layout.c) ----------------------------------------------------------- */

/** One line of a text box: characters [start, end) drawn, width in mm. */
typedef struct {
    size_t start; /* first character */
    size_t end;   /* one past the last drawn character (trailing spaces excluded) */
    double width; /* advance of [start, end), mm */
} sc_ofd__line;

/**
 * Break @p count characters into lines of at most @p width mm (see sc_ofd_writer_add_text_box).
 * @param[out] lines_out owned by the caller (sc_free); at least one line, even for empty text
 */
int sc_ofd__break_lines(sc_ofd__line **lines_out, size_t *nlines, const sc_ofd__char *chars,
                        size_t count, double width);

#endif
