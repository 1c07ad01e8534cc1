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

#include "bench_seal.h"

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
    sc_buf json = SC_BUF_INIT;
    bench_sealer bs = {0};
    sc_ecert_template *tpl = NULL;
    sc_ecert_issue_options io = SC_ECERT_ISSUE_OPTIONS_INIT;

    BENCH_CHECK(sc_init());
    snprintf(path, sizeof(path), "%s/templates/calibration.json", src ? src : ".");
    BENCH_CHECK(sc_ecert_template_load(&tpl, path));
    snprintf(path, sizeof(path), "%s/tests/data/ecert/calibration.json", src ? src : ".");
    BENCH_CHECK(sc_fs_read_file(&json, path, 1 << 24));
    bench_sealer_init(&bs);
    io.seal = bs.seal;
    io.key = bs.signer_key;
    io.cert = bs.signer;
    io.time = 1780272000;
    io.id_root = "1.2.156.112600.1"; /* an example: the shipped templates have none */

    job j = {tpl, &io, sc_strndup((const char *)json.ptr, json.size), json.size, NULL};
    job j2 = {tpl, &io, sc_strndup((const char *)json.ptr, json.size), json.size, NULL};
    if (!j.json || !j2.json)
        return 2;
    long i = 0;
    BENCH_RUN("ecert_issue_2page_same", "certs/s", 1, issue_one(&j, 123, 0));
    BENCH_RUN("ecert_issue_2page_numbers", "certs/s", 1, issue_one(&j, i++, 0));
    BENCH_RUN("ecert_issue_2page_customers", "certs/s", 1, issue_one(&j, i++, 1));

    /* Two threads, each with its own record, for the same wall time. */
    if (!bench_skip("ecert_issue_2page_j2")) {
        pthread_t t;
        atomic_store(&counter, 0);
        atomic_store(&stop, 0);
        double start = bench_now();
        if (pthread_create(&t, NULL, worker, &j2) != 0)
            return 2;
        while (bench_now() - start < bench_seconds())
            issue_one(&j, atomic_fetch_add(&counter, 1), 0);
        atomic_store(&stop, 1);
        pthread_join(t, NULL);
        printf("ecert_issue_2page_j2\t%.1f\tcerts/s\n",
               (double)atomic_load(&counter) / (bench_now() - start));
    }

    sc_free(j.json);
    sc_free(j2.json);
    sc_ecert_template_free(tpl);
    bench_sealer_free(&bs);
    sc_buf_dispose(&json);
    return 0;
}
