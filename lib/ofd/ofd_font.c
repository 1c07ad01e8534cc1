/* lib/ofd: fonts for the OFD writer: loading a face once per process, metrics through harfbuzz's
 * own OpenType functions, and embedded subsets (GB/T 33190-2016 clause 11.1, CT_Font/FontFile)
 * made with hb-subset and cached by character set.
 *
 * Threads: hb_face_t and hb_font_t are immutable after loading and harfbuzz's ot functions are
 * safe to call concurrently, so measuring needs no lock. FreeType is not used here at all (an
 * FT_Face may not be shared between threads). Only the subset cache takes the font's mutex,
 * and never while subsetting: two threads missing the same set both subset it and the second
 * insertion is dropped, which costs time once instead of serialising every document.
 *
 * Subsets keep the characters' cmap entries (TextCode holds Unicode and readers map it through
 * the embedded font's cmap), renumber glyphs compactly (retaining the IDs of a 65,535-glyph CJK
 * font would leave a CFF CharStrings index of ~200 KB of empty glyphs), and drop what a reader
 * of horizontal text without shaping does not use: hinting, layout tables, vertical metrics.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-ot.h>
#include <hb-subset.h>

#include "ofd/ofdw_int.h"

static char *name_of(hb_face_t *face, hb_ot_name_id_t id)
{
    char buf[256];
    unsigned int len = sizeof(buf);
    /* English first (the name readers match system fonts by), else any language. */
    unsigned int n = hb_ot_name_get_utf8(face, id, hb_language_from_string("en", -1), &len, buf);
    if (n == 0) {
        len = sizeof(buf);
        n = hb_ot_name_get_utf8(face, id, HB_LANGUAGE_INVALID, &len, buf);
    }
    if (n == 0)
        return sc_strdup("");
    return sc_strndup(buf, len);
}

int sc_ofd_font_load(sc_ofd_font **out, const char *path, unsigned int face_index)
{
    int error = 0;
    sc_ofd_font *f = NULL;
    hb_blob_t *blob = NULL;
    bool has_lock = false;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(path);
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return sc_error_set(SC_ENOTFOUND, "%s: no such font file", path);
        return sc_error_set(SC_EIO, "%s: cannot stat the font file", path);
    }
    if (!S_ISREG(st.st_mode))
        return sc_error_set(SC_EFORMAT, "%s: not a regular file", path);
    if ((uint64_t)st.st_size > SC_OFD_MAX_FONT_FILE)
        return sc_error_set(SC_ELIMIT, "%s: font file of %lld bytes is over the limit of %zu", path,
                            (long long)st.st_size, SC_OFD_MAX_FONT_FILE);
    blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) {
        if (access(path, R_OK) != 0)
            return sc_error_set(SC_ENOTFOUND, "%s: no such font file", path);
        return sc_error_set(SC_EIO, "%s: cannot map the font file", path);
    }
    unsigned int faces = hb_face_count(blob);
    if (faces == 0) {
        error = sc_error_set(SC_EFORMAT, "%s: not a TrueType/OpenType font", path);
        goto done;
    }
    if (face_index >= faces) {
        error = sc_error_set(SC_EFORMAT, "%s: face %u requested, the file has %u", path, face_index,
                             faces);
        goto done;
    }
    if (!(f = sc_calloc(1, sizeof(*f)))) {
        error = sc_error_oom();
        goto done;
    }
    f->face = hb_face_create(blob, face_index);
    if (hb_face_get_glyph_count(f->face) == 0 || hb_face_get_upem(f->face) == 0) {
        error = sc_error_set(SC_EFORMAT, "%s: face %u has no glyphs", path, face_index);
        goto done;
    }
    hb_face_make_immutable(f->face);
    f->glyph_count = hb_face_get_glyph_count(f->face);
    if (!(f->bmp_glyph = sc_calloc(0x10000, sizeof(*f->bmp_glyph))) ||
        !(f->advance = sc_calloc(f->glyph_count, sizeof(*f->advance)))) {
        error = sc_error_oom();
        goto done;
    }
    f->hb = hb_font_create(f->face); /* ot functions, scale = upem */
    hb_font_make_immutable(f->hb);
    f->upem = hb_face_get_upem(f->face);
    hb_font_extents_t ext;
    if (hb_font_get_h_extents(f->hb, &ext) && ext.ascender > 0) {
        f->ascent = ext.ascender / f->upem;
        f->descent = ext.descender / f->upem;
    } else {
        f->ascent = 0.88, f->descent = -0.12; /* the usual CJK em box */
    }
    hb_blob_t *cff = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', ' '));
    hb_blob_t *cff2 = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', '2'));
    f->is_cff = hb_blob_get_length(cff) > 0 || hb_blob_get_length(cff2) > 0;
    hb_blob_destroy(cff);
    hb_blob_destroy(cff2);
    if (!(f->family = name_of(f->face, HB_OT_NAME_ID_FONT_FAMILY)) ||
        !(f->full_name = name_of(f->face, HB_OT_NAME_ID_FULL_NAME))) {
        error = sc_error_oom();
        goto done;
    }
    if (!*f->full_name) {
        sc_free(f->full_name);
        if (!(f->full_name = sc_strdup(f->family))) {
            error = sc_error_oom();
            goto done;
        }
    }
    if (pthread_mutex_init(&f->lock, NULL) != 0) {
        error = sc_error_oom();
        goto done;
    }
    has_lock = true;
    f->blob = blob;
    blob = NULL;
    *out = f;
    f = NULL;

done:
    if (f) {
        if (has_lock)
            pthread_mutex_destroy(&f->lock);
        hb_font_destroy(f->hb);
        hb_face_destroy(f->face);
        sc_free(f->family);
        sc_free(f->full_name);
        sc_free((void *)f->bmp_glyph);
        sc_free((void *)f->advance);
        sc_free(f);
    }
    hb_blob_destroy(blob);
    return error;
}

static void subset_free(sc_ofd__subset *s)
{
    if (!s)
        return;
    sc_free(s->cps);
    sc_free(s->font);
    sc_free(s->deflated);
    sc_free(s);
}

void sc_ofd_font_free(sc_ofd_font *font)
{
    if (!font)
        return;
    for (sc_ofd__subset *s = font->cache, *next; s; s = next) {
        next = s->next;
        subset_free(s); /* no writer may still hold one: the font outlives its writers */
    }
    pthread_mutex_destroy(&font->lock);
    hb_font_destroy(font->hb);
    hb_face_destroy(atomic_load_explicit(&font->prepared, memory_order_acquire));
    hb_face_destroy(font->face);
    hb_blob_destroy(font->blob);
    sc_free(font->family);
    sc_free(font->full_name);
    sc_free((void *)font->bmp_glyph);
    sc_free((void *)font->advance);
    sc_free(font);
}

/* hb_subset_preprocess() parses the tables and builds the subsetter's accelerators once, for
 * every later subset. Measured (docs/formats/ofd-writer.md): Noto Sans CJK SC 0.8 s and ~300 MB
 * resident, then a CFF subset of a few characters costs 0.5 ms instead of 1.3 ms: too much
 * memory to do by default, hence a call of its own. WenQuanYi Micro Hei (TrueType): ~50 ms, then
 * a certificate's extra subset (~150 glyphs) costs about 0.8 M instructions instead of 2 M
 * (callgrind): done by itself after a few misses (prepare_lazily). */
static hb_face_t *preprocess(const sc_ofd_font *font)
{
    hb_face_t *p = hb_subset_preprocess(font->face);
    if (!p || p == hb_face_get_empty() || hb_face_get_glyph_count(p) == 0) {
        hb_face_destroy(p);
        return NULL;
    }
    return p;
}

/* Publish @p p as the font's prepared face unless another one was first. */
static void publish(sc_ofd_font *font, hb_face_t *p)
{
    hb_face_t *none = NULL;
    if (!atomic_compare_exchange_strong_explicit(&font->prepared, &none, p, memory_order_acq_rel,
                                                 memory_order_acquire))
        hb_face_destroy(p);
}

int sc_ofd_font_prepare_subsets(sc_ofd_font *font)
{
    SC_ASSERT_ARG(font);
    if (atomic_load_explicit(&font->prepared, memory_order_acquire))
        return 0;
    hb_face_t *p = preprocess(font);
    if (!p)
        return sc_error_set(SC_ENOMEM, "font %s: cannot prepare for subsetting", font->full_name);
    publish(font, p);
    return 0;
}

/* After SC_OFD__LAZY_PREPARE_MISSES subsets of a TrueType font, documents bring new characters
 * often (a batch with a new customer on each certificate): prepare the font, once, in the
 * thread that counted the last miss, while the others go on with the plain face. The subsets
 * are the same bytes either way. */
static void prepare_lazily(sc_ofd_font *font)
{
    pthread_mutex_lock(&font->lock);
    bool mine = !font->is_cff && !font->is_preparing &&
                ++font->misses >= SC_OFD__LAZY_PREPARE_MISSES &&
                !atomic_load_explicit(&font->prepared, memory_order_acquire);
    if (mine)
        font->is_preparing = true; /* for good: a failure is not retried */
    pthread_mutex_unlock(&font->lock);
    hb_face_t *p = mine ? preprocess(font) : NULL;
    if (p)
        publish(font, p);
}

const char *sc_ofd_font_family(const sc_ofd_font *font)
{
    return font ? font->family : "";
}

int sc_ofd_font_has_char(const sc_ofd_font *font, uint32_t cp)
{
    uint32_t g;
    return font && sc_ofd__font_glyph(font, cp, &g) ? 1 : 0;
}

/* May a character draw as nothing? Unicode's White_Space characters and the default-ignorable
 * ones (joiners, variation selectors, the soft hyphen, the BOM). */
static bool may_be_blank(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0xAD ||
           cp == 0x34F || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

/* Vulgar fractions (½ ¼ ⅜ ...): a numerator, the fraction slash and a denominator. */
static bool is_vulgar_fraction(uint32_t cp)
{
    return (cp >= 0xBC && cp <= 0xBE) || (cp >= 0x2150 && cp <= 0x215E) || cp == 0x2189;
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

/* The number of parts of TrueType composite glyph @p g (glyf, clause 5.3.3 of ISO/IEC 14496-22);
 * 0 when it is not a composite, the font has no glyf table, or the data is cut short. */
static unsigned glyf_components(hb_face_t *face, uint32_t g)
{
    hb_blob_t *head = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *loca = hb_face_reference_table(face, HB_TAG('l', 'o', 'c', 'a'));
    hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    unsigned hn, ln, gn, parts = 0;
    const uint8_t *h = (const uint8_t *)hb_blob_get_data(head, &hn);
    const uint8_t *l = (const uint8_t *)hb_blob_get_data(loca, &ln);
    const uint8_t *d = (const uint8_t *)hb_blob_get_data(glyf, &gn);
    uint32_t format = h && hn >= 54 ? be16(h + 50) : 2; /* indexToLocFormat: 0 short, 1 long */
    if (l && d && format <= 1) {
        bool wide = format == 1;
        size_t at = wide ? 4 * (size_t)g : 2 * (size_t)g, step = wide ? 4 : 2;
        if (at + 2 * step <= ln) {
            uint32_t from = wide ? be16(l + at) << 16 | be16(l + at + 2) : 2 * be16(l + at);
            uint32_t to = wide ? be16(l + at + 4) << 16 | be16(l + at + 6) : 2 * be16(l + at + 2);
            if (from < to && to - from >= 10 && to <= gn && (int16_t)be16(d + from) < 0) {
                size_t p = from + 10;
                uint32_t flags = 0x20; /* MORE_COMPONENTS */
                while ((flags & 0x20) && p + 4 <= to && parts < 64) {
                    flags = be16(d + p);
                    p += 4 + ((flags & 0x01) ? 4 : 2) + /* ARG_1_AND_2_ARE_WORDS */
                         ((flags & 0x08)   ? 2
                          : (flags & 0x40) ? 4
                          : (flags & 0x80) ? 8
                                           : 0);
                    parts++;
                }
            }
        }
    }
    hb_blob_destroy(head);
    hb_blob_destroy(loca);
    hb_blob_destroy(glyf);
    return parts;
}

/*
 * The font's glyph for @p cp, if it has one that draws. A glyph without an outline or bitmap
 * counts as missing unless the character is a blank: some fonts map characters to an empty
 * glyph (WenQuanYi Micro Hei's U+2103 ℃ has no contours), and such a character must come from a
 * fallback font, not vanish from the page. So does a vulgar fraction whose composite glyph lacks
 * a part.
 */
bool sc_ofd__font_glyph(const sc_ofd_font *font, uint32_t cp, uint32_t *glyph)
{
    uint32_t cached =
        cp < 0x10000 ? atomic_load_explicit(&font->bmp_glyph[cp], memory_order_relaxed) : 0;
    if (cached) {
        *glyph = cached - 2;
        return cached > 1;
    }
    hb_codepoint_t g = 0;
    bool has = hb_font_get_nominal_glyph(font->hb, cp, &g) && g != 0 && g < font->glyph_count;
    if (has && !may_be_blank(cp)) {
        hb_glyph_extents_t ext;
        has = hb_font_get_glyph_extents(font->hb, g, &ext) && ext.width != 0 && ext.height != 0;
    }
    /* A fraction built of fewer than three parts lacks one: WenQuanYi Micro Hei's ½ is
     * onesuperior + fraction and prints "¹⁄" (its ¾ and ⅜ lack the three). */
    if (has && is_vulgar_fraction(cp)) {
        unsigned parts = glyf_components(hb_font_get_face(font->hb), g);
        has = parts == 0 || parts >= 3;
    }
    if (cp < 0x10000)
        atomic_store_explicit(&font->bmp_glyph[cp], has ? (uint32_t)g + 2 : 1,
                              memory_order_relaxed);
    *glyph = g;
    return has;
}

double sc_ofd__font_advance(const sc_ofd_font *font, uint32_t glyph)
{
    if (glyph >= font->glyph_count)
        return hb_font_get_glyph_h_advance(font->hb, glyph) / font->upem;
    uint32_t cached = atomic_load_explicit(&font->advance[glyph], memory_order_relaxed);
    if (cached)
        return (double)(cached - 1) / font->upem;
    hb_position_t a = hb_font_get_glyph_h_advance(font->hb, glyph);
    if (a >= 0 && a < INT32_MAX)
        atomic_store_explicit(&font->advance[glyph], (uint32_t)a + 1, memory_order_relaxed);
    return a / font->upem;
}

/* ---- subsets ---------------------------------------------------------------------------- */

static uint64_t cps_hash(const uint32_t *cps, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a 64 */
    for (size_t i = 0; i < n; i++) {
        uint32_t v = cps[i];
        for (int k = 0; k < 4; k++) {
            h ^= (v >> (8 * k)) & 0xFF;
            h *= 0x100000001b3u;
        }
    }
    return h;
}

/* A cached entry equal to the request, with a reference taken (least recently used last);
 * call under the lock. */
static sc_ofd__subset *cache_find(sc_ofd_font *font, uint64_t hash, const uint32_t *cps, size_t n,
                                  int level)
{
    for (sc_ofd__subset **pp = &font->cache, *s; (s = *pp); pp = &s->next) {
        if (s->hash == hash && s->ncps == n && s->level == level &&
            memcmp(s->cps, cps, n * sizeof(*cps)) == 0) {
            /* Move to the front, so the eviction of the oldest spares the subsets in use: a
             * template's base subset, hit by every document, outlives the one-off subsets of
             * the characters outside the base set. */
            *pp = s->next;
            s->next = font->cache;
            font->cache = s;
            s->refs++;
            return s;
        }
    }
    return NULL;
}

/* Run hb-subset; the font file bytes go to *font_out (our memory). */
static int make_subset(unsigned char **font_out, size_t *len_out, sc_ofd_font *font,
                       const uint32_t *cps, size_t n)
{
    static const hb_tag_t drop[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
        HB_TAG('D', 'S', 'I', 'G'), HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'),
        HB_TAG('V', 'O', 'R', 'G'), HB_TAG('k', 'e', 'r', 'n'), HB_TAG('h', 'd', 'm', 'x'),
        HB_TAG('L', 'T', 'S', 'H'), HB_TAG('V', 'D', 'M', 'X'),
    };
    int error = 0;
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return sc_error_oom();
    hb_set_t *uni = hb_subset_input_unicode_set(in);
    for (size_t i = 0; i < n; i++)
        hb_set_add(uni, cps[i]);
    hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        hb_set_add(tables, drop[i]);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    if (hb_set_allocation_successful(uni) == 0 || hb_set_allocation_successful(tables) == 0) {
        error = sc_error_oom();
        goto done;
    }
    hb_face_t *prepared = atomic_load_explicit(&font->prepared, memory_order_acquire);
    if (!(sub = hb_subset_or_fail(prepared ? prepared : font->face, in))) {
        error = sc_error_set(SC_EFORMAT, "font %s: hb-subset failed on %zu characters",
                             font->full_name, n);
        goto done;
    }
    blob = hb_face_reference_blob(sub);
    unsigned int len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    if (len == 0) {
        error = sc_error_set(SC_EFORMAT, "font %s: hb-subset produced nothing", font->full_name);
        goto done;
    }
    if (!(*font_out = sc_memdup(data, len))) {
        error = sc_error_oom();
        goto done;
    }
    *len_out = len;

done:
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    return error;
}

int sc_ofd__font_subset(sc_ofd__subset **out, const sc_ofd_font *cfont, const uint32_t *cps,
                        size_t ncps, int level)
{
    /* The cache is the one mutable part of a font, behind its lock: fonts are const to callers. */
    sc_ofd_font *font = (sc_ofd_font *)(uintptr_t)cfont;
    int error = 0;
    sc_ofd__subset *s = NULL, *found;
    sc_buf z = SC_BUF_INIT;
    uint64_t hash = cps_hash(cps, ncps);

    *out = NULL;
    pthread_mutex_lock(&font->lock);
    found = cache_find(font, hash, cps, ncps, level);
    pthread_mutex_unlock(&font->lock);
    if (found) {
        *out = found;
        return 0;
    }

    prepare_lazily(font);
    if (!(s = sc_calloc(1, sizeof(*s))) ||
        (ncps > 0 && !(s->cps = sc_memdup(cps, ncps * sizeof(*cps))))) {
        error = sc_error_oom();
        goto done;
    }
    s->hash = hash, s->ncps = ncps, s->level = level;
    if ((error = make_subset(&s->font, &s->font_len, font, cps, ncps)) < 0)
        goto done;
    s->crc = sc_ofd__crc32(s->font, s->font_len);
    if ((error = sc_ofd__deflate(&z, s->font, s->font_len, level)) < 0)
        goto done;
    s->deflated = sc_buf_detach(&z, &s->deflated_len);

    pthread_mutex_lock(&font->lock);
    found = cache_find(font, hash, cps, ncps, level);
    if (found) { /* another thread made the same subset meanwhile: use the cached one */
        pthread_mutex_unlock(&font->lock);
        *out = found;
        goto done;
    }
    s->refs = 2; /* the cache's and the caller's */
    s->next = font->cache;
    font->cache = s;
    font->cache_len++;
    sc_ofd__subset *victim = NULL;
    if (font->cache_len > SC_OFD_FONT_SUBSET_CACHE) { /* drop the oldest (the list's tail) */
        sc_ofd__subset **pp = &font->cache;
        while ((*pp)->next)
            pp = &(*pp)->next;
        victim = *pp;
        *pp = NULL;
        font->cache_len--;
        if (--victim->refs > 0)
            victim = NULL; /* still in use: its last user frees it */
    }
    pthread_mutex_unlock(&font->lock);
    subset_free(victim);
    *out = s;
    s = NULL;

done:
    sc_buf_dispose(&z);
    subset_free(s);
    return error;
}

int sc_ofd__subset_sm3(const unsigned char **out, const sc_ofd_font *cfont, sc_ofd__subset *subset)
{
    sc_ofd_font *font = (sc_ofd_font *)(uintptr_t)cfont;
    unsigned char d[SC_SM3_DIGEST_LEN];
    int error;

    *out = subset->sm3;
    pthread_mutex_lock(&font->lock);
    bool has = subset->has_sm3;
    pthread_mutex_unlock(&font->lock);
    if (has)
        return 0;
    if ((error = sc_sm3(d, subset->font, subset->font_len)) < 0)
        return error;
    /* Written once: a reader that saw has_sm3 reads sm3 without the lock. */
    pthread_mutex_lock(&font->lock);
    if (!subset->has_sm3) {
        memcpy(subset->sm3, d, sizeof(d));
        subset->has_sm3 = true;
    }
    pthread_mutex_unlock(&font->lock);
    return 0;
}

void sc_ofd__subset_release(const sc_ofd_font *cfont, sc_ofd__subset *subset)
{
    sc_ofd_font *font = (sc_ofd_font *)(uintptr_t)cfont;
    if (!subset)
        return;
    pthread_mutex_lock(&font->lock);
    bool is_last = --subset->refs == 0;
    pthread_mutex_unlock(&font->lock);
    if (is_last)
        subset_free(subset);
}
