/* OFD writer throughput: the two-page certificate-like sample of tests/ofd/write_sample.h (~400
 * CJK characters, a 30-row table, an image, paths, an attachment, custom tags) written on one
 * thread, in Noto Sans CJK SC (CFF) and WenQuanYi Micro Hei (TrueType).
 *
 * "_cached": the same document again and again, so the font subset comes from the font's cache
 * (a certificate run whose variable fields reuse the template's characters). "_unique": one
 * more character per document from a pool of 3,000, so every document has a new character set
 * and pays hb-subset and deflate of its subset. "_base": new characters inside a base set the
 * documents embed; "_extra": two to five new characters outside it (a second, small subset).
 * "_prepared": Noto after sc_ofd_font_prepare_subsets (hb_subset_preprocess).
 *
 * Baseline (same run): zlib deflate at the writer's default level 1, of the same package's
 * uncompressed bytes, as documents per second: what writing would cost if only compression were
 * left. */
#include "bench.h"
#include "../tests/ofd/write_sample.h"

#include <string.h>

#include <zlib.h>

/* The package's entries inflated and concatenated (raw deflate, as zip stores them). */
static size_t package_bytes(const sc_buf *ofd, unsigned char **flat)
{
    size_t total = 0, pos = 0;
    *flat = NULL;
    while (pos + 30 <= ofd->size && ofd->ptr[pos] == 'P' && ofd->ptr[pos + 1] == 'K' &&
           ofd->ptr[pos + 2] == 3) {
        const unsigned char *h = ofd->ptr + pos;
        size_t method = h[8] | h[9] << 8;
        size_t csize = h[18] | h[19] << 8 | (size_t)h[20] << 16 | (size_t)h[21] << 24;
        size_t usize = h[22] | h[23] << 8 | (size_t)h[24] << 16 | (size_t)h[25] << 24;
        size_t nlen = h[26] | h[27] << 8, elen = h[28] | h[29] << 8;
        const unsigned char *body = h + 30 + nlen + elen;
        *flat = realloc(*flat, total + usize + 1);
        if (method == 0) {
            memcpy(*flat + total, body, usize);
        } else {
            z_stream zs = {0};
            inflateInit2(&zs, -15);
            zs.next_in = (Bytef *)body;
            zs.avail_in = (uInt)csize;
            zs.next_out = *flat + total;
            zs.avail_out = (uInt)usize;
            if (inflate(&zs, Z_FINISH) != Z_STREAM_END) {
                fprintf(stderr, "bench: cannot inflate the sample\n");
                exit(2);
            }
            inflateEnd(&zs);
        }
        total += usize;
        pos += 30 + nlen + elen + csize;
    }
    return total;
}

static const char pool[] =
    "狠恨哼亨横衡恒轰哄烘虹鸿洪宏弘红喉侯猴吼厚候后呼乎忽瑚壶葫胡蝴狐糊湖弧虎唬护互沪户花哗华"
    "猾滑画划化话槐徊怀淮坏欢环桓还缓换患唤痪豢焕涣宦幻荒慌黄磺蝗簧皇凰惶煌晃幌恍谎灰挥辉徽恢"
    "蛔回毁悔慧卉惠晦贿秽会烩汇讳诲绘荤昏婚魂浑混豁活伙火获或惑霍货祸击圾基机畸稽积箕肌饥迹激";

/* One document; with @p is_unique, characters from the pool picked by the document number:
 * 1 ("_unique") and 2 ("_base"): two (pairs give thousands of character sets, far more than the
 * subset cache holds); 3 ("_extra"): two to five, outside the base set. */
static char base_chars[4096];  /* the pool + the sample's text, for the "_base" figures */
static char extra_chars[4096]; /* the sample's text only, for the "_extra" figures */

static void one_document(const sc_ofd_font *font, int is_unique, long doc)
{
    sc_buf out = SC_BUF_INIT;
    char extra[16];
    size_t chars = (sizeof(pool) - 1) / 3, n = is_unique == 3 ? 2 + (size_t)doc % 4 : 2;
    for (size_t i = 0, d = (size_t)doc; i < n; i++, d /= chars)
        memcpy(extra + 3 * i, pool + 3 * ((d + i) % chars), 3);
    extra[3 * n] = 0;
    BENCH_CHECK(sample_build_base(&out, font, NULL, 1, is_unique ? extra : NULL,
                                  is_unique == 2   ? base_chars
                                  : is_unique == 3 ? extra_chars
                                                   : NULL));
    sc_buf_dispose(&out);
}

static void run(const char *name, const sc_ofd_font *font, int is_unique)
{
    long doc = 0;
    BENCH_RUN(name, "docs/s", 1, one_document(font, is_unique, doc++));
}

static void deflate_once(unsigned char *z, uLongf cap, const unsigned char *flat, size_t n)
{
    uLongf zl = cap;
    compress2(z, &zl, flat, n, 1);
}

static void baseline(const char *name, const sc_ofd_font *font)
{
    sc_buf ofd = SC_BUF_INIT;
    unsigned char *flat;
    BENCH_CHECK(sample_build(&ofd, font, NULL, 1, NULL));
    size_t n = package_bytes(&ofd, &flat);
    uLongf cap = compressBound(n);
    unsigned char *z = malloc(cap);
    BENCH_RUN(name, "docs/s", 1, deflate_once(z, cap, flat, n));
    free(z);
    free(flat);
    sc_buf_dispose(&ofd);
}

int main(void)
{
    sc_ofd_font *noto, *wqy;
    BENCH_CHECK(sc_ofd_font_load(&noto, NOTO_SANS_CJK, NOTO_SANS_SC));
    BENCH_CHECK(sc_ofd_font_load(&wqy, WQY_MICROHEI, 0));
    baseline("baseline:ofd_write_noto_cached", noto);
    run("ofd_write_noto_cached", noto, 0);
    baseline("baseline:ofd_write_noto_unique", noto);
    run("ofd_write_noto_unique", noto, 1);
    baseline("baseline:ofd_write_wqy_cached", wqy);
    run("ofd_write_wqy_cached", wqy, 0);
    baseline("baseline:ofd_write_wqy_unique", wqy);
    run("ofd_write_wqy_unique", wqy, 1);
    /* "_base": new characters every document, but all within a base set every document embeds
     * (sc_ofd_writer_embed_chars), so the subset comes from the cache again. */
    sample_base_chars(extra_chars, sizeof(extra_chars), "");
    sample_base_chars(base_chars, sizeof(base_chars), pool);
    baseline("baseline:ofd_write_noto_base", noto);
    run("ofd_write_noto_base", noto, 2);
    baseline("baseline:ofd_write_wqy_base", wqy);
    run("ofd_write_wqy_base", wqy, 2);
    /* "_extra": two to five new characters every document, outside the base set: they go to a
     * second small subset (subset and deflated every document), the base subset is a hit. */
    baseline("baseline:ofd_write_noto_extra", noto);
    run("ofd_write_noto_extra", noto, 3);
    baseline("baseline:ofd_write_wqy_extra", wqy);
    run("ofd_write_wqy_extra", wqy, 3);
    /* The same with the CFF font prepared for subsetting (sc_ofd_font_prepare_subsets): its
     * one-off cost first, in ms. */
    double t0 = bench_now();
    BENCH_CHECK(sc_ofd_font_prepare_subsets(noto));
    printf("ofd_font_prepare_noto\t%.1f\tms\n", (bench_now() - t0) * 1e3);
    baseline("baseline:ofd_write_noto_extra_prepared", noto);
    run("ofd_write_noto_extra_prepared", noto, 3);
    baseline("baseline:ofd_write_noto_unique_prepared", noto);
    run("ofd_write_noto_unique_prepared", noto, 1);
    sc_ofd_font_free(noto);
    sc_ofd_font_free(wqy);
    return 0;
}
