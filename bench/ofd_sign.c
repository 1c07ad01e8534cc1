/* Benchmark: seal-sign an OFD with a fresh seal: open, References over the package,
 * Signature.xml, SES_Signature, zip rewrite. "ofd_sign_1page": a 1-page document with no
 * signature yet, the common case: ofdrw_v4_seal_hello.ofd (made by ofdrw) with its signature
 * removed (Doc_0/Signs/ dropped, and DocBody/Signatures from OFD.xml), rezipped at start-up;
 * "ofd_sign_1page_cosign": the sample as it is, a continue-sign (its 35 KB of Seal.esl and
 * SignedValue.dat inflated at open and hashed into the new References). 5 pages:
 * ofdrw_v4_riding_seal_5pages.ofd with a riding seal (a StampAnnot per page), as the verify
 * figures. "ofd_write_sign_2page": the writer's 2-page sample of bench/ofd_write.c (WenQuanYi
 * Micro Hei, cached subset) written and sealed in one sc_ofd_writer_finish
 * (sc_ofd_writer_add_seal), the certificate case; "ofd_write_then_sign_2page": the same by
 * finishing, opening and signing. Baseline: the raw SM2 sign rate of the same run (one signature
 * per document). */
#include "bench_seal.h"
#include "../tests/ofd/write_sample.h"
#include "ofd/ofdw_int.h"

/* @p in without its signatures: every entry but Doc_0/Signs/, OFD.xml without its
 * <ofd:Signatures> element, zipped again (deflate level 6, as ofdrw). */
static void unsigned_copy(sc_buf *out, const sc_buf *in)
{
    sc_ofd__zip_entry ze[16];
    sc_buf ofd_xml = SC_BUF_INIT;
    sc_ofd *ofd = NULL;
    size_t n = 0;

    BENCH_CHECK(sc_ofd_open(&ofd, in->ptr, in->size, NULL));
    for (size_t i = 0; i < sc_ofd_entry_count(ofd) && n < 16; i++) {
        const char *name = sc_ofd_entry_name(ofd, i);
        const unsigned char *data;
        size_t len;
        if (strncmp(name, "/Doc_0/Signs/", 13) == 0)
            continue;
        BENCH_CHECK(sc_ofd_entry(&data, &len, ofd, name));
        if (strcmp(name, "/OFD.xml") == 0) {
            const char *a = strstr((const char *)data, "<ofd:Signatures>");
            const char *b = a ? strstr(a, "</ofd:Signatures>") : NULL;
            if (!b)
                exit(2);
            b += strlen("</ofd:Signatures>");
            BENCH_CHECK(sc_buf_put(&ofd_xml, data, (size_t)((const unsigned char *)a - data)));
            BENCH_CHECK(sc_buf_puts(&ofd_xml, b));
            data = ofd_xml.ptr;
            len = ofd_xml.size;
        }
        ze[n++] = (sc_ofd__zip_entry){.name = name + 1, .data = data, .len = len, .compress = 1};
    }
    BENCH_CHECK(sc_ofd__zip_write(out, ze, n, 1587772800, 6)); /* 2020-04-25, its DocInfo date */
    sc_buf_dispose(&ofd_xml);
    sc_ofd_free(ofd);
}

int main(void)
{
    const char *dir = getenv("SEALCERT_SAMPLES");
    char path[4096];
    sc_buf in = SC_BUF_INIT, plain = SC_BUF_INIT, in5 = SC_BUF_INIT, out = SC_BUF_INIT;
    sc_ofd_font *wqy = NULL;
    sc_ofd_writer *w = NULL;
    bench_sealer bs = {0};
    sc_ofd *ofd = NULL;
    sc_ofd_sign_options so = SC_OFD_SIGN_OPTIONS_INIT;

    BENCH_CHECK(sc_init());
    snprintf(path, sizeof(path), "%s/ofdrw/ofdrw_v4_seal_hello.ofd",
             dir ? dir : "../shared/samples");
    BENCH_CHECK(sc_fs_read_file(&in, path, 1 << 26));
    unsigned_copy(&plain, &in);
    snprintf(path, sizeof(path), "%s/ofdrw/ofdrw_v4_riding_seal_5pages.ofd",
             dir ? dir : "../shared/samples");
    BENCH_CHECK(sc_fs_read_file(&in5, path, 1 << 26));
    BENCH_CHECK(sc_ofd_font_load(&wqy, WQY_MICROHEI, 0));
    bench_sealer_init(&bs);
    const sc_seal *seal = bs.seal;
    sc_key *sk = bs.signer_key;
    sc_cert *signer = bs.signer;
    so.time = 1717286400;

    BENCH_RUN("ofd_sign_1page", "ops/s", 1, {
        BENCH_CHECK(sc_ofd_open(&ofd, plain.ptr, plain.size, NULL));
        BENCH_CHECK(sc_ofd_sign(&out, ofd, seal, sk, signer, &so));
        sc_ofd_free(ofd);
    });
    BENCH_RUN("ofd_sign_1page_cosign", "ops/s", 1, {
        BENCH_CHECK(sc_ofd_open(&ofd, in.ptr, in.size, NULL));
        BENCH_CHECK(sc_ofd_sign(&out, ofd, seal, sk, signer, &so));
        sc_ofd_free(ofd);
    });
    sc_ofd_sign_options riding = so;
    riding.riding = 1;
    BENCH_RUN("ofd_sign_5page", "ops/s", 1, {
        BENCH_CHECK(sc_ofd_open(&ofd, in5.ptr, in5.size, NULL));
        BENCH_CHECK(sc_ofd_sign(&out, ofd, seal, sk, signer, &riding));
        sc_ofd_free(ofd);
    });
    BENCH_RUN("ofd_write_sign_2page", "docs/s", 1, {
        BENCH_CHECK(sample_draw(&w, wqy, NULL, 1, NULL, NULL));
        BENCH_CHECK(sc_ofd_writer_add_seal(w, seal, sk, signer, &so));
        BENCH_CHECK(sc_ofd_writer_finish(&out, w));
        sc_ofd_writer_free(w);
    });
    /* The same document the way it had to be done before: finish, open, sign. */
    sc_buf doc = SC_BUF_INIT;
    BENCH_RUN("ofd_write_then_sign_2page", "docs/s", 1, {
        BENCH_CHECK(sample_build(&doc, wqy, NULL, 1, NULL));
        BENCH_CHECK(sc_ofd_open(&ofd, doc.ptr, doc.size, NULL));
        BENCH_CHECK(sc_ofd_sign(&out, ofd, seal, sk, signer, &so));
        sc_ofd_free(ofd);
    });
    sc_buf_dispose(&doc);
    sc_ofd_font_free(wqy);
    sc_buf_dispose(&in5);
    bench_sealer_free(&bs);
    sc_buf_dispose(&in);
    sc_buf_dispose(&plain);
    sc_buf_dispose(&out);
    return 0;
}
