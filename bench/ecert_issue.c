/* Benchmark: issue + seal a 2-page calibration certificate (the shipped calibration template, the
 * tests' calibration record: cover, standards, 14 result rows), from the JSON text to the sealed
 * .ofd bytes: data parse and checks, layout, font subsets, code, tags, one seal signature, zip.
 * "_same": identical data every time; "_numbers": certificate number and serial vary (a batch for
 * one customer); "_customers": the customer name also brings 3 characters outside the template's
 * base set every time; "_j2": "_numbers" on two threads (certificates/s in all). Baseline: the raw
 * SM2 sign rate of the same run (one signature per certificate). */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "bench.h"
#include "../tests/ofd/write_sample.h"

static sc_cert *issue_cert(sc_key *key, sc_key *ikey, sc_cert *issuer, sc_cert_profile p,
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

typedef struct {
    const sc_ecert_template *tpl;
    const sc_ecert_issue_options *io;
    char *json; /* the record; "JZ2026-000123" replaced per certificate */
    size_t len;
    char *customer; /* the customer name's first 3 characters in json */
} job;

/* Rewrite the certificate number (and, with @p name_chars, three characters of the customer name)
 * in place for certificate @p i, then issue it. */
static void issue_one(job *j, long i, int vary_customer)
{
    static const char hanzi[] = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月星";
    char num[16];
    snprintf(num, sizeof(num), "%06ld", i % 1000000);
    for (char *p = strstr(j->json, "JZ2026-"); p; p = strstr(p + 13, "JZ2026-"))
        memcpy(p + 7, num, 6);
    if (vary_customer) {
        if (!j->customer)
            j->customer = strstr(j->json, "龘龘精密");
        char *c = j->customer;
        size_t k = (size_t)i * 3, n = sizeof(hanzi) / 3 - 1;
        memcpy(c, hanzi + 3 * (k % n), 3);
        memcpy(c + 3, hanzi + 3 * ((k / n + 1) % n), 3);
        memcpy(c + 6, hanzi + 3 * ((k / (n * n) + 2) % n), 3);
    }
    sc_ecert_data *d = NULL;
    sc_ecert_issued r = SC_ECERT_ISSUED_INIT;
    BENCH_CHECK(sc_ecert_data_parse(&d, j->json, j->len));
    BENCH_CHECK(sc_ecert_issue(&r, j->tpl, d, j->io));
    sc_ecert_issued_dispose(&r);
    sc_ecert_data_free(d);
}

static atomic_long counter;
static atomic_int stop;

static void *worker(void *payload)
{
    job *j = payload;
    while (!atomic_load(&stop))
        issue_one(j, atomic_fetch_add(&counter, 1), 0);
    return NULL;
}

int main(void)
{
    const char *src = getenv("SEALCERT_SOURCE");
    char path[4096];
    sc_buf json = SC_BUF_INIT, png = SC_BUF_INIT;
    sc_key *rk = NULL, *mk = NULL, *sk = NULL;
    sc_seal *seal = NULL;
    sc_ecert_template *tpl = NULL;
    sc_seal_make_options mo = SC_SEAL_MAKE_OPTIONS_INIT;
    sc_seal_draw_options d = SC_SEAL_DRAW_OPTIONS_INIT;
    sc_ecert_issue_options io = SC_ECERT_ISSUE_OPTIONS_INIT;

    BENCH_CHECK(sc_init());
    snprintf(path, sizeof(path), "%s/templates/calibration.json", src ? src : ".");
    BENCH_CHECK(sc_ecert_template_load(&tpl, path));
    snprintf(path, sizeof(path), "%s/tests/data/ecert/calibration.json", src ? src : ".");
    BENCH_CHECK(sc_fs_read_file(&json, path, 1 << 24));
    BENCH_CHECK(sc_key_generate(&rk));
    BENCH_CHECK(sc_key_generate(&mk));
    BENCH_CHECK(sc_key_generate(&sk));
    sc_cert *root = issue_cert(rk, rk, NULL, SC_CERT_ROOT_CA, "CN=Bench Root");
    sc_cert *maker = issue_cert(mk, rk, root, SC_CERT_SEAL_MAKER, "CN=Bench Maker");
    sc_cert *signer = issue_cert(sk, rk, root, SC_CERT_SIGNER, "CN=Bench Signer");
    d.org = "某某市计量测试研究院";
    d.name = "校准电子证书专用章";
    BENCH_CHECK(sc_seal_draw(&png, &d));
    const sc_cert *signers[] = {signer};
    mo.esid = "1";
    mo.name = "校准电子证书专用章";
    mo.signer_certs = signers;
    mo.signer_cert_count = 1;
    mo.valid_start = 1704067200;
    mo.valid_end = 1861920000;
    mo.picture_type = "png";
    mo.picture = png.ptr;
    mo.picture_size = png.size;
    BENCH_CHECK(sc_seal_make(&seal, mk, maker, &mo));
    io.seal = seal;
    io.key = sk;
    io.cert = signer;
    io.time = 1780272000;

    job j = {tpl, &io, sc_strndup((const char *)json.ptr, json.size), json.size, NULL};
    job j2 = {tpl, &io, sc_strndup((const char *)json.ptr, json.size), json.size, NULL};
    if (!j.json || !j2.json)
        return 2;
    long i = 0;
    BENCH_RUN("ecert_issue_2page_same", "certs/s", 1, issue_one(&j, 123, 0));
    BENCH_RUN("ecert_issue_2page_numbers", "certs/s", 1, issue_one(&j, i++, 0));
    BENCH_RUN("ecert_issue_2page_customers", "certs/s", 1, issue_one(&j, i++, 1));

    /* Two threads, each with its own record, for the same wall time. */
    pthread_t t;
    atomic_store(&counter, 0);
    atomic_store(&stop, 0);
    double start = bench_now();
    if (pthread_create(&t, NULL, worker, &j2) != 0)
        return 2;
    job *mine = &j;
    while (bench_now() - start < bench_seconds())
        issue_one(mine, atomic_fetch_add(&counter, 1), 0);
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    printf("ecert_issue_2page_j2\t%.1f\tcerts/s\n",
           (double)atomic_load(&counter) / (bench_now() - start));

    sc_free(j.json);
    sc_free(j2.json);
    sc_ecert_template_free(tpl);
    sc_seal_free(seal);
    sc_cert_free(root);
    sc_cert_free(maker);
    sc_cert_free(signer);
    sc_key_free(rk);
    sc_key_free(mk);
    sc_key_free(sk);
    sc_buf_dispose(&png);
    sc_buf_dispose(&json);
    return 0;
}
