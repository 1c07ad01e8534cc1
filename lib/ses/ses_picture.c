/* lib/ses: seal pictures (GB/T 38540-2020 clause 7.1.5, SES_ESPictrueInfo): drawing the standard
 * round red seal (layout of GB/T 33481 / common 公章 practice), sniffing picture types, converting
 * raster pictures to PNG. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <png.h>
#include <setjmp.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "util/util.h"

/* ======================================================================================== */
/* Sniffing                                                                                  */
/* ======================================================================================== */

static bool has_prefix(const unsigned char *p, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(p, magic, n) == 0;
}

static bool is_xml_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Position after the first occurrence of @p end at or after @p i, or len when absent. */
static size_t skip_past(const unsigned char *p, size_t len, size_t i, const char *end)
{
    size_t n = strlen(end);
    for (; i + n <= len; i++) {
        if (memcmp(p + i, end, n) == 0)
            return i + n;
    }
    return len;
}

/* SVG is text, so it has no magic: skip what XML allows before the root element (BOM, white
 * space, the XML declaration, processing instructions, comments, a DOCTYPE with an internal
 * subset) and require that the root element is <svg> (possibly namespace-prefixed). */
static bool is_svg(const unsigned char *p, size_t len)
{
    size_t i = 0;
    if (has_prefix(p, len, "\xEF\xBB\xBF", 3))
        i = 3;
    for (;;) {
        while (i < len && is_xml_space(p[i]))
            i++;
        if (i >= len || p[i] != '<')
            return false;
        if (has_prefix(p + i, len - i, "<?", 2)) {
            i = skip_past(p, len, i + 2, "?>");
        } else if (has_prefix(p + i, len - i, "<!--", 4)) {
            i = skip_past(p, len, i + 4, "-->");
        } else if (has_prefix(p + i, len - i, "<!DOCTYPE", 9)) {
            /* The internal subset [...] may contain '>' (entity and element declarations). */
            size_t j = i + 9;
            while (j < len && p[j] != '>' && p[j] != '[')
                j++;
            if (j < len && p[j] == '[')
                j = skip_past(p, len, j, "]");
            i = skip_past(p, len, j, ">");
        } else {
            break;
        }
    }
    i++; /* '<' */
    size_t name = i;
    while (i < len && p[i] != ':' && p[i] != '>' && p[i] != '/' && !is_xml_space(p[i]))
        i++;
    if (i < len && p[i] == ':') {
        name = ++i;
        while (i < len && p[i] != '>' && p[i] != '/' && !is_xml_space(p[i]))
            i++;
    }
    return i - name == 3 && memcmp(p + name, "svg", 3) == 0 && i < len;
}

/* BMP's magic is only "BM"; the DIB header size that follows (BITMAPCOREHEADER 12,
 * BITMAPINFOHEADER 40, the V2/V3 variants 52/56, OS/2 64, V4 108, V5 124) rules out text that
 * happens to start with "BM". */
static bool is_bmp(const unsigned char *p, size_t len)
{
    if (!has_prefix(p, len, "BM", 2) || len < 18)
        return false;
    uint32_t dib =
        (uint32_t)p[14] | (uint32_t)p[15] << 8 | (uint32_t)p[16] << 16 | (uint32_t)p[17] << 24;
    return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
           dib == 124;
}

const char *sc_picture_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (!p)
        return NULL;
    if (has_prefix(p, len, "\x89PNG\r\n\x1a\n", 8))
        return "png";
    if (has_prefix(p, len, "\xFF\xD8\xFF", 3))
        return "jpg";
    if (has_prefix(p, len, "GIF87a", 6) || has_prefix(p, len, "GIF89a", 6))
        return "gif";
    if (has_prefix(p, len, "II*\0", 4) || has_prefix(p, len, "MM\0*", 4))
        return "tif";
    if (has_prefix(p, len, "PK\x03\x04", 4))
        return "ofd";
    if (is_bmp(p, len))
        return "bmp";
    if (is_svg(p, len))
        return "svg";
    return NULL;
}

/* ======================================================================================== */
/* Conversion to PNG                                                                         */
/* ======================================================================================== */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* A PNG is passed through, but only after its IHDR (which must come first, ISO/IEC 15948 5.6)
 * declares a size we would accept from any other format. */
static int check_png(const unsigned char *p, size_t len)
{
    if (len < 33 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
        return sc_error_set(SC_EFORMAT, "png: no IHDR chunk after the signature (offset 8)");
    uint32_t w = be32(p + 16), h = be32(p + 20);
    if (w == 0 || h == 0)
        return sc_error_set(SC_EFORMAT, "png: IHDR declares an empty image (offset 16)");
    if (w > SC_SES_MAX_PICTURE_PIXELS || h > SC_SES_MAX_PICTURE_PIXELS)
        return sc_error_set(SC_ELIMIT, "png: %" PRIu32 "x%" PRIu32 " pixels, over the limit of %d",
                            w, h, SC_SES_MAX_PICTURE_PIXELS);
    return 0;
}

typedef struct {
    int width;       /* size the decoder declared, 0 until size-prepared */
    int height;      /* same */
    bool is_too_big; /* the declared size is over SC_SES_MAX_PICTURE_PIXELS */
} decode_state;

/* "size-prepared" runs once the decoder has read the header and before it allocates pixels.
 * Setting the size to 0x0 is the documented way (GdkPixbufModuleSizeFunc) to tell the module
 * not to allocate: it then stops with an error, and we report the limit instead. */
static void on_size_prepared(GdkPixbufLoader *loader, int width, int height, gpointer payload)
{
    decode_state *st = payload;
    st->width = width;
    st->height = height;
    if (width <= 0 || height <= 0 || width > SC_SES_MAX_PICTURE_PIXELS ||
        height > SC_SES_MAX_PICTURE_PIXELS) {
        st->is_too_big = true;
        gdk_pixbuf_loader_set_size(loader, 0, 0);
    }
}

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

/*
 * gdk-pixbuf decodes incrementally and accepts a JPEG or BMP that ends early, filling the rest
 * with grey: a truncated picture would become a valid-looking PNG. So after decoding, the
 * structure is checked for completeness. JPEG (ITU-T T.81 annex B): walk the marker segments and
 * the entropy-coded data after each SOS (where FF is followed by 00 or a restart marker) up to
 * EOI; bytes after EOI are allowed, as many producers append some.
 */
static bool jpeg_is_complete(const unsigned char *p, size_t len)
{
    size_t i = 2; /* after SOI */
    while (i + 1 < len) {
        if (p[i] != 0xFF)
            return false;
        unsigned m = p[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0xD9) /* EOI */
            return true;
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* TEM, RSTn: no length */
            i += 2;
            continue;
        }
        if (i + 4 > len)
            return false;
        size_t seg = (size_t)p[i + 2] << 8 | p[i + 3];
        if (seg < 2 || seg > len - i - 2)
            return false;
        i += 2 + seg;
        if (m == 0xDA) { /* SOS: entropy-coded data up to the next marker */
            while (i + 1 < len && !(p[i] == 0xFF && p[i + 1] != 0x00 &&
                                    !(p[i + 1] >= 0xD0 && p[i + 1] <= 0xD7) && p[i + 1] != 0xFF))
                i++;
        }
    }
    return false;
}

/* BMP: the pixel array (uncompressed: rows padded to 4 bytes; RLE: biSizeImage) must be present
 * after bfOffBits. Called after a successful decode, so the header fields are sane. */
static bool bmp_is_complete(const unsigned char *p, size_t len)
{
    uint64_t w, h, bpp, comp = 0, image = 0;
    if (len < 26)
        return false;
    uint64_t off = le32(p + 10);
    if (le32(p + 14) == 12) {
        w = le16(p + 18);
        h = le16(p + 20);
        bpp = le16(p + 24);
    } else {
        if (len < 38)
            return false;
        int64_t sh = (int32_t)le32(p + 22);
        w = le32(p + 18);
        h = (uint64_t)(sh < 0 ? -sh : sh);
        bpp = le16(p + 28);
        comp = le32(p + 30);
        image = le32(p + 34);
    }
    if (w > SC_SES_MAX_PICTURE_PIXELS || h > SC_SES_MAX_PICTURE_PIXELS || bpp > 64)
        return false;
    uint64_t need = comp == 0 || comp == 3 || comp == 6 ? (bpp * w + 31) / 32 * 4 * h : image;
    return off <= len && need <= len - off;
}

/* gdk-pixbuf's own names of its loader modules. */
static const char *pixbuf_module(const char *type)
{
    if (strcmp(type, "jpg") == 0)
        return "jpeg";
    if (strcmp(type, "bmp") == 0)
        return "bmp";
    if (strcmp(type, "gif") == 0)
        return "gif";
    if (strcmp(type, "tif") == 0)
        return "tiff";
    return NULL;
}

/* Decode with gdk-pixbuf, loading only the module of the sniffed type (no guessing by the
 * library), then encode as PNG with gdk-pixbuf's libpng writer, which writes IHDR, IDAT and IEND
 * only (no tIME or other time-dependent chunk), so the bytes depend on the pixels alone. */
static int decode_to_png(sc_buf *out, const char *type, const unsigned char *p, size_t len)
{
    GdkPixbufLoader *loader = NULL;
    GError *gerr = NULL, *close_err = NULL;
    GdkPixbuf *oriented = NULL;
    gchar *png = NULL;
    gsize png_len = 0;
    decode_state st = {0, 0, false};
    int error = 0;

    loader = gdk_pixbuf_loader_new_with_type(pixbuf_module(type), &gerr);
    if (!loader) {
        error = sc_error_set(SC_EUNSUPPORTED, "%s: no gdk-pixbuf decoder: %s", type,
                             gerr ? gerr->message : "unknown");
        goto done;
    }
    g_signal_connect(loader, "size-prepared", G_CALLBACK(on_size_prepared), &st);
    gboolean is_written = gdk_pixbuf_loader_write(loader, p, len, &gerr);
    /* Always close: a loader finalised while open warns on stderr. */
    gboolean is_closed = gdk_pixbuf_loader_close(loader, is_written ? &close_err : NULL);
    if (st.is_too_big) {
        error = sc_error_set(SC_ELIMIT, "%s: %dx%d pixels, over the limit of %d", type, st.width,
                             st.height, SC_SES_MAX_PICTURE_PIXELS);
        goto done;
    }
    if (!is_written || !is_closed) {
        GError *e = gerr ? gerr : close_err;
        error = sc_error_set(SC_EFORMAT, "%s: %s", type, e ? e->message : "undecodable image");
        goto done;
    }
    GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf(loader); /* borrowed from the loader */
    if ((strcmp(type, "jpg") == 0 && !jpeg_is_complete(p, len)) ||
        (strcmp(type, "bmp") == 0 && !bmp_is_complete(p, len))) {
        error = sc_error_set(SC_EFORMAT, "%s: truncated image (%zu bytes)", type, len);
        goto done;
    }
    if (!pixbuf) {
        error = sc_error_set(SC_EFORMAT, "%s: truncated image (no pixels decoded)", type);
        goto done;
    }
    /* EXIF/TIFF orientation: produce the picture as viewers show it. */
    oriented = gdk_pixbuf_apply_embedded_orientation(pixbuf);
    if (!oriented) {
        error = sc_error_oom();
        goto done;
    }
    if (!gdk_pixbuf_save_to_buffer(oriented, &png, &png_len, "png", &gerr, NULL)) {
        error =
            sc_error_set(SC_ERROR, "%s: PNG encoding: %s", type, gerr ? gerr->message : "unknown");
        goto done;
    }
    error = sc_buf_set(out, png, png_len);

done:
    g_free(png);
    if (oriented)
        g_object_unref(oriented);
    if (loader)
        g_object_unref(loader);
    if (gerr)
        g_error_free(gerr);
    if (close_err)
        g_error_free(close_err);
    return error;
}

int sc_picture_to_png(sc_buf *png, const void *data, size_t len)
{
    SC_ASSERT_ARG(png);
    SC_ASSERT_ARG(data || len == 0);
    sc_buf tmp = SC_BUF_INIT;
    int error;

    if (len > SC_SES_MAX_PICTURE_SIZE)
        return sc_error_set(SC_ELIMIT, "picture: %zu bytes, over the limit of %zu", len,
                            SC_SES_MAX_PICTURE_SIZE);
    const char *type = sc_picture_sniff(data, len);
    if (!type)
        return sc_error_set(SC_EUNSUPPORTED, "picture: unknown type (no known magic bytes)");
    if (strcmp(type, "svg") == 0 || strcmp(type, "ofd") == 0)
        return sc_error_set(SC_EUNSUPPORTED, "picture: %s is a vector format, not converted to PNG",
                            type);
    if (strcmp(type, "png") == 0) {
        if ((error = check_png(data, len)) < 0)
            return error;
        error = sc_buf_set(&tmp, data, len);
    } else {
        error = decode_to_png(&tmp, type, data, len);
    }
    if (error < 0) {
        sc_buf_dispose(&tmp);
        return error;
    }
    sc_buf_dispose(png);
    *png = tmp;
    return 0;
}

/* ======================================================================================== */
/* Drawing                                                                                   */
/* ======================================================================================== */

/*
 * Layout. Every length is a fraction of the diameter D, so a seal of any size is the same seal
 * scaled; the values follow the usual 42 mm 公章 specification (1.2 mm ring, star of 14 mm
 * across, name characters 6.5 mm tall and about 4.5 mm wide, 1 mm from the ring, seal name
 * 4.6 mm tall) brought to proportions of D.
 *
 * Text is drawn from the glyph outlines of one font file (FreeType, unscaled, unhinted) turned
 * into cairo paths, instead of through cairo's font machinery: cairo keeps font faces and scaled
 * fonts in process-wide caches beyond the call, which would keep our FT_Face and FT_Library
 * alive (or dangling); with paths, each call owns and frees its FreeType objects, the result does
 * not depend on fontconfig or hinting settings, and text and shapes share one anti-aliasing.
 */
#define RING_WIDTH      0.028 /* ring stroke, of D (1.12 mm at 40 mm) */
#define TEXT_GAP        0.018 /* between the ring and the text, of D */
#define STAR_RADIUS     0.165 /* circumradius of the star, of D (star about 1/3 of D across) */
#define ORG_HEIGHT      0.150 /* organisation name: ink height of a full-width character, of D */
#define ORG_MIN_HEIGHT  0.070 /* long names shrink down to this before they condense further */
#define ORG_MAX_WIDTH   0.80  /* widest character, of its height (公章 characters are narrow) */
#define ORG_MIN_WIDTH   0.40  /* narrowest before the height shrinks */
#define NAME_HEIGHT     0.105 /* seal name under the star */
#define NAME_MIN_HEIGHT 0.050
#define NAME_MAX_WIDTH  0.85
#define NAME_MIN_WIDTH  0.50
#define CODE_HEIGHT     0.050 /* seal code on the lower arc */
#define CODE_MAX_SPAN   100.0 /* degrees of the lower arc the code may use */

#define PI              3.14159265358979323846

/* Fonts tried in order when the caller names none (Debian fonts-noto-cjk, fonts-wqy-microhei).
 * A serif bold face is the closest free match to the 宋体 of real seals. */
static const char *const default_fonts[] = {
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
};

typedef struct {
    uint32_t cp;      /* code point */
    FT_UInt glyph;    /* glyph index in the face */
    double advance;   /* advance width, em */
    double ink_left;  /* ink box, em, y up */
    double ink_right; /* same */
} glyph_info;

typedef struct {
    glyph_info g[SC_SES_MAX_DRAW_CHARS]; /* the characters */
    size_t n;                            /* characters in g */
    double advance;                      /* sum of advances, em */
} text_run;

typedef struct {
    FT_Library lib;    /* owned */
    FT_Face face;      /* owned */
    const char *path;  /* the font file (borrowed) */
    double upem;       /* font units per em */
    double ref_bottom; /* ink box of 国 in em, y up: the cell every character is centred in */
    double ref_top;    /* same */
} font;

static double dmin(double a, double b)
{
    return a < b ? a : b;
}

static double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* sqrt without libm (the library does not link it): Newton's method from a power-of-two guess
 * converges to double precision in a handful of steps for the lengths used here. */
static double sqrt_pos(double x)
{
    if (x <= 0)
        return 0;
    double r = x > 1 ? x : 1;
    for (int i = 0; i < 64; i++) {
        double next = 0.5 * (r + x / r);
        if (next >= r)
            break;
        r = next;
    }
    return r;
}

static int font_open_face(FT_Face *out, font *f, const char *path, FT_Long index)
{
    FT_Error fe = FT_New_Face(f->lib, path, index, out);
    if (fe == FT_Err_Cannot_Open_Resource)
        return sc_error_set(SC_ENOTFOUND, "font_file: cannot open %s", path);
    if (fe == FT_Err_Out_Of_Memory)
        return sc_error_oom();
    if (fe)
        return sc_error_set(SC_EFORMAT, "font_file: %s is not a font FreeType can read (error %d)",
                            path, fe);
    return 0;
}

/* Open @p path, choosing in a collection (.ttc) the Simplified Chinese face ("Noto Serif CJK
 * SC" is face 2 of Debian's Noto collections; the family name is checked rather than the index
 * so that another build of the collection still works), else face 0. */
static int font_open(font *f, const char *path)
{
    FT_Face face = NULL;
    int error;

    if ((error = font_open_face(&face, f, path, 0)) < 0)
        return error;
    FT_Long count = face->num_faces;
    for (FT_Long i = 1; i < count && i < 64; i++) {
        const char *family = face->family_name ? face->family_name : "";
        size_t fl = strlen(family);
        if (fl >= 3 && strcmp(family + fl - 3, " SC") == 0)
            break;
        FT_Face next = NULL;
        if ((error = font_open_face(&next, f, path, i)) < 0) {
            FT_Done_Face(face);
            return error;
        }
        const char *nf = next->family_name ? next->family_name : "";
        size_t nl = strlen(nf);
        if (nl >= 3 && strcmp(nf + nl - 3, " SC") == 0) {
            FT_Done_Face(face);
            face = next;
            break;
        }
        FT_Done_Face(next);
    }
    if (!FT_IS_SCALABLE(face) || face->units_per_EM == 0) {
        FT_Done_Face(face);
        return sc_error_set(SC_EFORMAT, "font_file: %s has no scalable outlines", path);
    }
    f->face = face;
    f->path = path;
    f->upem = face->units_per_EM;
    return 0;
}

static int load_outline(font *f, FT_UInt glyph)
{
    /* Unscaled and unhinted: outlines in font units, the same at every size and resolution. */
    FT_Error fe = FT_Load_Glyph(f->face, glyph,
                                FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP |
                                    FT_LOAD_IGNORE_TRANSFORM);
    if (fe == FT_Err_Out_Of_Memory)
        return sc_error_oom();
    if (fe || f->face->glyph->format != FT_GLYPH_FORMAT_OUTLINE)
        return sc_error_set(SC_EFORMAT, "font_file: %s: glyph %u has no outline (error %d)",
                            f->path, glyph, fe);
    return 0;
}

static int font_load(font *f, const sc_seal_draw_options *opts)
{
    int error = SC_ENOTFOUND;
    FT_Error fe = FT_Init_FreeType(&f->lib);
    if (fe)
        return fe == FT_Err_Out_Of_Memory ? sc_error_oom()
                                          : sc_error_set(SC_ERROR, "FreeType init error %d", fe);
    if (opts->font_file) {
        if ((error = font_open(f, opts->font_file)) < 0)
            return error;
    } else {
        char tried[512] = "";
        size_t used = 0;
        for (size_t i = 0; i < sizeof(default_fonts) / sizeof(default_fonts[0]); i++) {
            if (access(default_fonts[i], R_OK) == 0) {
                if ((error = font_open(f, default_fonts[i])) == 0)
                    break;
                if (error != SC_ENOTFOUND)
                    return error;
            }
            int w = snprintf(tried + used, sizeof(tried) - used, "%s%s", used ? ", " : "",
                             default_fonts[i]);
            if (w > 0 && (size_t)w < sizeof(tried) - used)
                used += (size_t)w;
        }
        if (error < 0)
            return sc_error_set(SC_ENOTFOUND,
                                "font_file: no CJK font found (tried %s; install fonts-noto-cjk)",
                                tried);
    }
    /* Characters are centred on the ink box of 国, a full-width character that fills its cell,
     * so every font places text the same way whatever its ascent and descent say. */
    f->ref_bottom = -0.12;
    f->ref_top = 0.88;
    FT_UInt ref = FT_Get_Char_Index(f->face, 0x56FD);
    if (ref && load_outline(f, ref) == 0) {
        FT_BBox box;
        FT_Outline_Get_CBox(&f->face->glyph->outline, &box);
        if (box.yMax > box.yMin) {
            f->ref_bottom = box.yMin / f->upem;
            f->ref_top = box.yMax / f->upem;
        }
    }
    return 0;
}

static void font_close(font *f)
{
    if (f->face)
        FT_Done_Face(f->face);
    if (f->lib)
        FT_Done_FreeType(f->lib);
}

/* Decode @p text and look every character up in the font: a missing one is the caller's error
 * (a blank box in a seal is not acceptable), named by its code point. */
static int text_prepare(text_run *run, font *f, const char *field, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    run->n = 0;
    run->advance = 0;
    while (*s) {
        uint32_t cp;
        size_t offset = (size_t)(s - (const unsigned char *)text);
        if (!sc_utf8_next(&s, NULL, &cp))
            return sc_error_set(SC_EINVALID, "%s: invalid UTF-8 (offset %zu)", field, offset);
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            return sc_error_set(SC_EINVALID, "%s: control character U+%04X (offset %zu)", field,
                                (unsigned)cp, offset);
        if (run->n == SC_SES_MAX_DRAW_CHARS)
            return sc_error_set(SC_EINVALID, "%s: more than %d characters", field,
                                SC_SES_MAX_DRAW_CHARS);
        glyph_info *g = &run->g[run->n];
        g->cp = cp;
        g->glyph = FT_Get_Char_Index(f->face, cp);
        if (!g->glyph)
            return sc_error_set(SC_EINVALID, "%s: character U+%04X (offset %zu) is not in font %s",
                                field, (unsigned)cp, offset, f->path);
        int error = load_outline(f, g->glyph);
        if (error < 0)
            return error;
        FT_BBox box;
        FT_Outline_Get_CBox(&f->face->glyph->outline, &box);
        g->advance = f->face->glyph->metrics.horiAdvance / f->upem;
        g->ink_left = box.xMin / f->upem;
        g->ink_right = box.xMax / f->upem;
        if (g->ink_right < g->ink_left) /* empty outline (a space) */
            g->ink_left = g->ink_right = g->advance / 2;
        run->advance += g->advance;
        run->n++;
    }
    return 0;
}

/* ---- outlines to cairo paths ------------------------------------------------------------ */

typedef struct {
    cairo_t *cr; /* target (borrowed) */
    double x, y; /* current point, font units */
} outline_sink;

static int sink_move(const FT_Vector *to, void *payload)
{
    outline_sink *s = payload;
    cairo_close_path(s->cr);
    cairo_move_to(s->cr, (double)to->x, (double)to->y);
    s->x = (double)to->x;
    s->y = (double)to->y;
    return 0;
}

static int sink_line(const FT_Vector *to, void *payload)
{
    outline_sink *s = payload;
    cairo_line_to(s->cr, (double)to->x, (double)to->y);
    s->x = (double)to->x;
    s->y = (double)to->y;
    return 0;
}

/* TrueType quadratic segments, raised to the cubic cairo wants (exact: control points at 2/3). */
static int sink_conic(const FT_Vector *c, const FT_Vector *to, void *payload)
{
    outline_sink *s = payload;
    double cx = (double)c->x, cy = (double)c->y, tx = (double)to->x, ty = (double)to->y;
    cairo_curve_to(s->cr, s->x + 2.0 / 3.0 * (cx - s->x), s->y + 2.0 / 3.0 * (cy - s->y),
                   tx + 2.0 / 3.0 * (cx - tx), ty + 2.0 / 3.0 * (cy - ty), tx, ty);
    s->x = tx;
    s->y = ty;
    return 0;
}

static int sink_cubic(const FT_Vector *c1, const FT_Vector *c2, const FT_Vector *to, void *payload)
{
    outline_sink *s = payload;
    cairo_curve_to(s->cr, (double)c1->x, (double)c1->y, (double)c2->x, (double)c2->y, (double)to->x,
                   (double)to->y);
    s->x = (double)to->x;
    s->y = (double)to->y;
    return 0;
}

/*
 * Fill one character. The current cairo matrix puts the centre of the character's cell at the
 * origin, y down, in mm. @p size is the em in mm, @p sx the horizontal condensing factor.
 */
static int draw_glyph(cairo_t *cr, font *f, const glyph_info *g, double size, double sx)
{
    static const FT_Outline_Funcs funcs = {sink_move, sink_line, sink_conic, sink_cubic, 0, 0};
    int error = load_outline(f, g->glyph);
    if (error < 0)
        return error;
    double em_centre_x = g->advance / 2, em_centre_y = (f->ref_bottom + f->ref_top) / 2;
    cairo_save(cr);
    cairo_scale(cr, sx * size / f->upem, -size / f->upem); /* font units, y up */
    cairo_translate(cr, -em_centre_x * f->upem, -em_centre_y * f->upem);
    cairo_new_path(cr);
    outline_sink sink = {cr, 0, 0};
    FT_Error fe = FT_Outline_Decompose(&f->face->glyph->outline, &funcs, &sink);
    cairo_close_path(cr);
    cairo_restore(cr); /* the path stays, in device space */
    if (fe)
        return sc_error_set(SC_EFORMAT, "font_file: %s: glyph %u: bad outline (error %d)", f->path,
                            g->glyph, fe);
    cairo_fill(cr);
    return 0;
}

/* ---- layout ----------------------------------------------------------------------------- */

typedef struct {
    double d;          /* diameter, mm */
    double r_inner;    /* inner edge of the ring, mm */
    double r_text;     /* outer limit of the arc texts, mm */
    double px_mm;      /* mm per pixel */
    double org_span;   /* degrees used by the organisation name (0 before it is laid out) */
    double org_bottom; /* radius of the inner side of the organisation name, mm */
    double code_top;   /* radius of the inner side of the code on the lower arc, mm */
} layout;

static void draw_ring_and_star(cairo_t *cr, const layout *L)
{
    double w = RING_WIDTH * L->d;
    /* Half a pixel inside the canvas so that the anti-aliased edge is not clipped. */
    cairo_set_line_width(cr, w);
    cairo_new_path(cr);
    cairo_arc(cr, 0, 0, L->d / 2 - w / 2 - L->px_mm / 2, 0, 2 * PI);
    cairo_stroke(cr);

    /* Regular five-pointed star, point up: outer radius r, inner radius r * sin 18 / sin 54.
     * The vertices are at multiples of 36 degrees, so cos/sin come from the table. */
    static const double unit[10][2] = {
        {0.000000000, -1.000000000},  {0.587785252, -0.809016994}, {0.951056516, -0.309016994},
        {0.951056516, 0.309016994},   {0.587785252, 0.809016994},  {0.000000000, 1.000000000},
        {-0.587785252, 0.809016994},  {-0.951056516, 0.309016994}, {-0.951056516, -0.309016994},
        {-0.587785252, -0.809016994},
    };
    double r = STAR_RADIUS * L->d, ri = r * 0.381966011;
    cairo_new_path(cr);
    for (int i = 0; i < 10; i++) {
        double k = i % 2 ? ri : r;
        if (i == 0)
            cairo_move_to(cr, unit[i][0] * k, unit[i][1] * k);
        else
            cairo_line_to(cr, unit[i][0] * k, unit[i][1] * k);
    }
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* Degrees of the upper arc for n characters: short names a little wider than their natural
 * spacing (a 4-character name over about 150 degrees), longer ones spread from 210 to 240 degrees
 * (the usual range on real seals). */
static double org_span_for(size_t n)
{
    if (n < 8)
        return dmin((double)n * 27.0 + 40.0, 210.0);
    double extra = (double)(n - 8) / 12.0;
    return 210.0 + 30.0 * dmin(extra, 1.0);
}

/*
 * The organisation name on the upper arc, left to right, clockwise, each character upright
 * towards the ring. Every character gets the same angle (real seals space characters, not
 * glyph widths). The character height starts at ORG_HEIGHT; a character may be as wide as the
 * arc between neighbours at its inner side allows, down to ORG_MIN_WIDTH of its height; beyond
 * that the height shrinks, which also moves the inner side out where the arc is longer.
 */
static int draw_org(cairo_t *cr, font *f, layout *L, const text_run *run)
{
    double ref_h = f->ref_top - f->ref_bottom;
    double span = org_span_for(run->n);
    double step = span / (double)run->n * PI / 180.0;
    double h = ORG_HEIGHT * L->d, sx = ORG_MAX_WIDTH;
    for (;;) {
        double r_bottom = L->r_text - h;
        double cell = r_bottom * step * 0.92; /* chord at the inner side, with a small gap */
        double widest = 0;
        for (size_t i = 0; i < run->n; i++)
            widest = dmax(widest, run->g[i].advance);
        /* Width of a character relative to its height: advance (em) * size / h. */
        double size = h / ref_h;
        sx = dmin(ORG_MAX_WIDTH * h / (widest * size), cell / (widest * size));
        sx = dmin(sx, 1.0);
        if (sx * widest * size >= ORG_MIN_WIDTH * h || h <= ORG_MIN_HEIGHT * L->d)
            break;
        h *= 0.97;
    }
    double size = h / ref_h;
    double r_mid = L->r_text - h / 2;
    L->org_span = span;
    L->org_bottom = L->r_text - h;
    for (size_t i = 0; i < run->n; i++) {
        double angle = (-span / 2 + ((double)i + 0.5) * span / (double)run->n) * PI / 180.0;
        cairo_save(cr);
        cairo_rotate(cr, angle);
        cairo_translate(cr, 0, -r_mid);
        int error = draw_glyph(cr, f, &run->g[i], size, sx);
        cairo_restore(cr);
        if (error < 0)
            return error;
    }
    return 0;
}

/*
 * The seal code on the lower arc, left to right, characters upright towards the centre, spaced
 * by their own widths (codes are digits and Latin letters, which are proportional).
 */
static int draw_code(cairo_t *cr, font *f, layout *L, const text_run *run)
{
    double ref_h = f->ref_top - f->ref_bottom;
    double h = CODE_HEIGHT * L->d;
    double r_mid = L->r_text - h / 2;
    double size = h / ref_h, track = 0.12 * h;
    double length = run->advance * size + track * (double)run->n; /* along the arc, mm */
    double max_length = r_mid * CODE_MAX_SPAN * PI / 180.0;
    double sx = 1.0;
    if (length > max_length) {
        sx = max_length / length;
        if (sx < 0.5) { /* condense to half, then shrink */
            h *= sx / 0.5;
            sx = 0.5;
            size = h / ref_h;
            track = 0.12 * h;
            r_mid = L->r_text - h / 2;
        }
        length = (run->advance * size + track * (double)run->n) * sx;
    }
    L->code_top = L->r_text - h;
    double pos = -length / 2; /* arc length from the bottom point, positive to the right */
    for (size_t i = 0; i < run->n; i++) {
        double w = (run->g[i].advance * size + track) * sx;
        double centre = pos + w / 2;
        pos += w;
        /* At the bottom, left to right is counter-clockwise: angle decreases from 90 deg. */
        double angle = -centre / r_mid;
        cairo_save(cr);
        cairo_rotate(cr, angle);
        cairo_translate(cr, 0, r_mid);
        int error = draw_glyph(cr, f, &run->g[i], size, sx);
        cairo_restore(cr);
        if (error < 0)
            return error;
    }
    return 0;
}

/* Largest half-width of a horizontal band [y0, y1] (y down, below the centre) inside a circle of
 * radius r. */
static double half_chord(double r, double y0, double y1)
{
    double y = dmax(y0 < 0 ? -y0 : y0, y1 < 0 ? -y1 : y1);
    return y >= r ? 0 : sqrt_pos(r * r - y * y);
}

/*
 * The seal name, one horizontal line centred under the star. Its box must stay inside the circle
 * left free by the arc texts: the inner side of the code, and of the organisation name where
 * that one reaches below the horizontal (spans over 180 degrees).
 */
static int draw_name(cairo_t *cr, font *f, const layout *L, const text_run *run)
{
    double ref_h = f->ref_top - f->ref_bottom;
    double gap = TEXT_GAP * L->d;
    double top = STAR_RADIUS * L->d * 0.809016994 + gap * 1.5; /* below the lower star points */
    double limit = L->code_top - gap;
    if (L->org_span > 180)
        limit = dmin(limit, L->org_bottom - gap);
    double h = NAME_HEIGHT * L->d, sx;
    for (;;) {
        double size = h / ref_h;
        double natural = run->advance * size; /* width at sx = 1 */
        double room = 2 * half_chord(limit, top, top + h);
        sx = dmin(NAME_MAX_WIDTH * h * (double)run->n / natural, room / natural);
        sx = dmin(sx, 1.0);
        if ((sx >= NAME_MIN_WIDTH * h * (double)run->n / natural) || h <= NAME_MIN_HEIGHT * L->d)
            break;
        h *= 0.97;
    }
    double size = h / ref_h;
    double x = -run->advance * size * sx / 2, y = top + h / 2;
    for (size_t i = 0; i < run->n; i++) {
        double w = run->g[i].advance * size * sx;
        cairo_save(cr);
        cairo_translate(cr, x + w / 2, y);
        int error = draw_glyph(cr, f, &run->g[i], size, sx);
        cairo_restore(cr);
        if (error < 0)
            return error;
        x += w;
    }
    return 0;
}

/* libpng writes through this into an sc_buf; a failed append is reported with png_error, which
 * longjmps back to write_seal_png. */
static void png_put(png_structp png, png_bytep data, size_t length)
{
    if (sc_buf_put(png_get_io_ptr(png), data, length) < 0)
        png_error(png, "out of memory");
}

static void png_flush_none(png_structp png)
{
    (void)png;
}

/*
 * The seal is one colour over a transparent background, so every pixel is that colour at some
 * opacity: a palette PNG (one byte per pixel, 256 entries of the same RGB whose tRNS alphas run
 * 0..255) holds it exactly, at about a quarter of cairo's RGBA output. It keeps the seal small
 * inside every certificate that carries it. libpng writes no time chunk: the bytes are
 * deterministic.
 */
static int write_seal_png(sc_buf *out, cairo_surface_t *surface, uint32_t color)
{
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    png_structp png = NULL;
    png_infop info = NULL;
    png_color palette[256];
    png_byte alpha[256];
    unsigned char *row = NULL;
    volatile int error = 0;

    if (!(row = sc_malloc((size_t)w)))
        return sc_error_oom();
    for (int i = 0; i < 256; i++) {
        palette[i].red = (png_byte)(color >> 16 & 0xFF);
        palette[i].green = (png_byte)(color >> 8 & 0xFF);
        palette[i].blue = (png_byte)(color & 0xFF);
        alpha[i] = (png_byte)i;
    }
    if (!(png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL)) ||
        !(info = png_create_info_struct(png))) {
        error = sc_error_oom();
        goto done;
    }
    if (setjmp(png_jmpbuf(png))) {
        error = sc_error_set(SC_ENOMEM, "writing the seal PNG: out of memory");
        goto done;
    }
    png_set_write_fn(png, out, png_put, png_flush_none);
    png_set_compression_level(png, 9);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_PALETTE,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_PLTE(png, info, palette, 256);
    png_set_tRNS(png, info, alpha, 256, NULL);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        /* CAIRO_FORMAT_ARGB32 is native-endian 32-bit premultiplied; the alpha is the top byte. */
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++)
            row[x] = (unsigned char)(px[x] >> 24);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
done:
    png_destroy_write_struct(&png, &info);
    sc_free(row);
    return error;
}

static int cairo_error(cairo_status_t st)
{
    if (st == CAIRO_STATUS_NO_MEMORY)
        return sc_error_oom();
    return sc_error_set(SC_ERROR, "cairo: %s", cairo_status_to_string(st));
}

int sc_seal_draw(sc_buf *png, const sc_seal_draw_options *opts)
{
    SC_ASSERT_ARG(png);
    SC_ASSERT_ARG(opts);
    font f = {0};
    text_run *runs = NULL; /* org, name, code: 3 x ~2.5 KB, kept off the stack */
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    sc_buf out = SC_BUF_INIT;
    int error = 0;

    if (opts->version != SC_SEAL_DRAW_OPTIONS_VERSION)
        return sc_error_set(SC_EINVALID, "seal draw options: version %u, expected %d",
                            opts->version, SC_SEAL_DRAW_OPTIONS_VERSION);
    if (!opts->org || !*opts->org)
        return sc_error_set(SC_EINVALID, "org: the organisation name is required");
    double d = opts->diameter_mm == 0 ? 40.0 : opts->diameter_mm;
    double ppm = opts->px_per_mm == 0 ? 12.0 : opts->px_per_mm;
    if (!(d >= 10 && d <= 100))
        return sc_error_set(SC_EINVALID, "diameter_mm: %g is outside 10..100", d);
    if (!(ppm >= 1 && ppm <= 100))
        return sc_error_set(SC_EINVALID, "px_per_mm: %g is outside 1..100", ppm);
    if (opts->color > 0xFFFFFF)
        return sc_error_set(SC_EINVALID, "color: 0x%" PRIX32 " is not 0xRRGGBB", opts->color);
    int side = (int)(d * ppm + 0.5);
    if (side > SC_SES_MAX_PICTURE_PIXELS)
        return sc_error_set(SC_EINVALID, "diameter_mm * px_per_mm: %d pixels, over the limit of %d",
                            side, SC_SES_MAX_PICTURE_PIXELS);

    runs = sc_calloc(3, sizeof(*runs));
    if (!runs)
        return sc_error_oom();
    if ((error = font_load(&f, opts)) < 0)
        goto done;
    if ((error = text_prepare(&runs[0], &f, "org", opts->org)) < 0)
        goto done;
    if (opts->name && (error = text_prepare(&runs[1], &f, "name", opts->name)) < 0)
        goto done;
    if (opts->code && (error = text_prepare(&runs[2], &f, "code", opts->code)) < 0)
        goto done;

    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, side, side);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        error = cairo_error(cairo_surface_status(surface));
        goto done;
    }
    cr = cairo_create(surface);
    /* Fixed rendering settings, so the bytes do not depend on cairo's defaults. */
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_GRAY);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_set_source_rgb(cr, (double)(opts->color >> 16 & 0xFF) / 255.0,
                         (double)(opts->color >> 8 & 0xFF) / 255.0,
                         (double)(opts->color & 0xFF) / 255.0);
    /* Millimetres, origin at the centre, y down. */
    cairo_scale(cr, (double)side / d, (double)side / d);
    cairo_translate(cr, d / 2, d / 2);

    layout L = {0};
    L.d = d;
    L.px_mm = d / (double)side;
    L.r_inner = d / 2 - RING_WIDTH * d - L.px_mm / 2;
    L.r_text = L.r_inner - TEXT_GAP * d;
    L.code_top = L.r_inner; /* no code: the name may go down to the ring */

    draw_ring_and_star(cr, &L);
    if ((error = draw_org(cr, &f, &L, &runs[0])) < 0)
        goto done;
    if (runs[2].n && (error = draw_code(cr, &f, &L, &runs[2])) < 0)
        goto done;
    if (runs[1].n && (error = draw_name(cr, &f, &L, &runs[1])) < 0)
        goto done;
    cairo_surface_flush(surface);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        error = cairo_error(cairo_status(cr));
        goto done;
    }
    if ((error = write_seal_png(&out, surface, opts->color)) < 0)
        goto done;
    sc_buf_dispose(png);
    *png = out;
    out = (sc_buf)SC_BUF_INIT;

done:
    sc_buf_dispose(&out);
    if (cr)
        cairo_destroy(cr);
    if (surface)
        cairo_surface_destroy(surface);
    font_close(&f);
    sc_free(runs);
    return error;
}
