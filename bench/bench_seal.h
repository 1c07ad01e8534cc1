/* Shared by the benchmarks that seal: a root, a seal maker, a signer and a drawn
 * 校准电子证书专用章 seal listing the signer. */
#ifndef SC_BENCH_SEAL_H
#define SC_BENCH_SEAL_H

#include "bench.h"
#include "sealcert/sealcert.h"

typedef struct {
    sc_key *root_key, *maker_key, *signer_key;
    sc_cert *root, *maker, *signer;
    sc_seal *seal;
} bench_sealer;

static inline sc_cert *bench_issue(sc_key *key, sc_key *ikey, sc_cert *issuer, sc_cert_profile p,
                                   const char *s)
{
    sc_cert_issue_options o = SC_CERT_ISSUE_OPTIONS_INIT;
    sc_cert *c = NULL;
    o.profile = p;
    o.subject = s;
    o.not_before = 1704067200;
    o.not_after = 1893456000;
    BENCH_CHECK(sc_cert_issue(&c, key, ikey, issuer, &o));
    return c;
}

static inline void bench_sealer_init(bench_sealer *b)
{
    sc_seal_make_options mo = SC_SEAL_MAKE_OPTIONS_INIT;
    sc_seal_draw_options d = SC_SEAL_DRAW_OPTIONS_INIT;
    sc_buf png = SC_BUF_INIT;
    BENCH_CHECK(sc_key_generate(&b->root_key));
    BENCH_CHECK(sc_key_generate(&b->maker_key));
    BENCH_CHECK(sc_key_generate(&b->signer_key));
    b->root = bench_issue(b->root_key, b->root_key, NULL, SC_CERT_ROOT_CA, "CN=Bench Root");
    b->maker = bench_issue(b->maker_key, b->root_key, b->root, SC_CERT_SEAL_MAKER, "CN=Maker");
    b->signer = bench_issue(b->signer_key, b->root_key, b->root, SC_CERT_SIGNER, "CN=Signer");
    d.org = "某某市计量测试研究院";
    d.name = "校准电子证书专用章";
    BENCH_CHECK(sc_seal_draw(&png, &d));
    const sc_cert *signers[] = {b->signer};
    mo.esid = "1";
    mo.name = "校准电子证书专用章";
    mo.signer_certs = signers;
    mo.signer_cert_count = 1;
    mo.valid_start = 1704067200;
    mo.valid_end = 1861920000;
    mo.picture_type = "png";
    mo.picture = png.ptr;
    mo.picture_size = png.size;
    BENCH_CHECK(sc_seal_make(&b->seal, b->maker_key, b->maker, &mo));
    sc_buf_dispose(&png);
}

static inline void bench_sealer_free(bench_sealer *b)
{
    sc_seal_free(b->seal);
    sc_cert_free(b->root);
    sc_cert_free(b->maker);
    sc_cert_free(b->signer);
    sc_key_free(b->root_key);
    sc_key_free(b->maker_key);
    sc_key_free(b->signer_key);
}

#endif
