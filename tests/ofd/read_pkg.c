/* lib/ofd read side: the package reader's limits and refusals (zip bombs, too many entries,
 * huge entries, path escapes, duplicates, junk around the zip), XML attacks (XXE, billion
 * laughs), path resolution, the model on samples. Zips are built here byte by byte (stored
 * entries; declared sizes can lie) so each attack is exact. */
#include "common/test.h"

#include <stdio.h>
#include <string.h>

#include "sealcert/sealcert.h"

/* ---- a minimal zip writer (APPNOTE 4.3: local headers, central directory, end record) ---- */

typedef struct {
    const char *name;
    const char *data;   /* bytes (strlen) */
    uint32_t fake_size; /* when nonzero, the declared uncompressed size */
    uint16_t method;    /* 0 stored (default) or 8 deflate (declared only) */
    uint16_t flags;     /* general purpose flags (1: encrypted) */
} zentry;

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void put16(sc_buf *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    assert_int_equal(sc_buf_put(b, x, 2), 0);
}

static void put32(sc_buf *b, uint32_t v)
{
    put16(b, v & 0xFFFF);
    put16(b, v >> 16);
}

static sc_buf make_zip(const zentry *e, size_t n, const char *prefix, const char *suffix)
{
    sc_buf z = SC_BUF_INIT, cd = SC_BUF_INIT;
    size_t base;
    uint32_t offs[64];
    if (prefix)
        sc_buf_puts(&z, prefix);
    base = z.size;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(e[i].data);
        uint32_t crc = crc32_of((const unsigned char *)e[i].data, len);
        uint32_t usize = e[i].fake_size ? e[i].fake_size : (uint32_t)len;
        offs[i] = (uint32_t)(z.size - base);
        put32(&z, 0x04034b50);
        put16(&z, 20);
        put16(&z, e[i].flags);
        put16(&z, e[i].method);
        put16(&z, 0);
        put16(&z, 0);
        put32(&z, crc);
        put32(&z, (uint32_t)len);
        put32(&z, usize);
        put16(&z, (unsigned)strlen(e[i].name));
        put16(&z, 0);
        sc_buf_puts(&z, e[i].name);
        sc_buf_put(&z, e[i].data, len);
        put32(&cd, 0x02014b50);
        put16(&cd, 20);
        put16(&cd, 20);
        put16(&cd, e[i].flags);
        put16(&cd, e[i].method);
        put16(&cd, 0);
        put16(&cd, 0);
        put32(&cd, crc);
        put32(&cd, (uint32_t)len);
        put32(&cd, usize);
        put16(&cd, (unsigned)strlen(e[i].name));
        put16(&cd, 0);
        put16(&cd, 0);
        put16(&cd, 0);
        put16(&cd, 0);
        put32(&cd, 0);
        put32(&cd, offs[i]);
        sc_buf_puts(&cd, e[i].name);
    }
    uint32_t cd_off = (uint32_t)(z.size - base);
    sc_buf_put(&z, cd.ptr, cd.size);
    put32(&z, 0x06054b50);
    put16(&z, 0);
    put16(&z, 0);
    put16(&z, (unsigned)n);
    put16(&z, (unsigned)n);
    put32(&z, (uint32_t)cd.size);
    put32(&z, cd_off);
    put16(&z, 0);
    if (suffix)
        sc_buf_puts(&z, suffix);
    sc_buf_dispose(&cd);
    return z;
}

static const char OFD_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" "
    "Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID>"
    "<ofd:Title>t</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
    "</ofd:DocBody></ofd:OFD>";
static const char DOC_XML[] =
    "<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:CommonData><ofd:PageArea>"
    "<ofd:PhysicalBox>0 0 100 50</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>"
    "<ofd:Page ID=\"7\" BaseLoc=\"./Pages/../Pages/Page_0/Content.xml\"/></ofd:Pages>"
    "</ofd:Document>";
static const char PAGE_XML[] =
    "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer>"
    "<ofd:TextObject ID=\"1\"><ofd:TextCode X=\"0\" Y=\"0\">Hello</ofd:TextCode></ofd:TextObject>"
    "<ofd:PageBlock><ofd:PathObject ID=\"2\"/><ofd:ImageObject ID=\"3\"/></ofd:PageBlock>"
    "</ofd:Layer></ofd:Content></ofd:Page>";

static int open_zip(sc_ofd **ofd, const sc_buf *z, const sc_ofd_open_options *o)
{
    return sc_ofd_open(ofd, z->ptr, z->size, o);
}

static void test_ofd_read__minimal_model(void **state)
{
    (void)state;
    zentry e[] = {{"OFD.xml", OFD_XML, 0, 0, 0},
                  {"Doc_0/Document.xml", DOC_XML, 0, 0, 0},
                  {"Doc_0/Pages/Page_0/Content.xml", PAGE_XML, 0, 0, 0}};
    sc_buf z = make_zip(e, 3, NULL, NULL);
    sc_ofd *ofd = NULL;
    sc_assert_ok(open_zip(&ofd, &z, NULL));
    assert_int_equal(sc_ofd_entry_count(ofd), 3);
    assert_int_equal(sc_ofd_doc_count(ofd), 1);
    assert_string_equal(sc_ofd_doc_info_of(ofd, 0)->title, "t");
    assert_string_equal(sc_ofd_doc_info_of(ofd, 0)->doc_root, "/Doc_0/Document.xml");
    assert_int_equal(sc_ofd_page_count(ofd, 0), 1);
    const sc_ofd_page *p = sc_ofd_page_of(ofd, 0, 0);
    assert_int_equal(p->id, 7);
    assert_string_equal(p->path, "/Doc_0/Pages/Page_0/Content.xml");
    assert_true(p->box[2] == 100 && p->box[3] == 50);
    assert_int_equal(p->text_count, 1);
    assert_int_equal(p->path_count, 1);
    assert_int_equal(p->image_count, 1);
    assert_string_equal(p->text, "Hello\n");
    assert_null(sc_ofd_page_of(ofd, 0, 1));
    assert_int_equal(sc_ofd_warning_count(ofd), 0);
    const unsigned char *d;
    size_t len;
    sc_assert_ok(sc_ofd_entry(&d, &len, ofd, "/doc_0/document.xml")); /* case-insensitive */
    assert_int_equal(len, strlen(DOC_XML));
    assert_int_equal(sc_ofd_entry(&d, &len, ofd, "/Doc_0/nothing.xml"), SC_ENOTFOUND);
    assert_int_equal(sc_ofd_entry(&d, &len, ofd, "../OFD.xml"), SC_EFORMAT);
    /* unsigned: verification runs and says so */
    sc_ofd_report *rep = NULL;
    sc_assert_ok(sc_ofd_verify(&rep, ofd, NULL));
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_INVALID);
    assert_int_equal(sc_report_find(sc_ofd_report_file(rep), "signatures")->status, SC_STATUS_FAIL);
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    sc_buf_dispose(&z);
}

static void expect_open(const zentry *e, size_t n, const sc_ofd_open_options *o, int code,
                        const char *fragment)
{
    sc_buf z = make_zip(e, n, NULL, NULL);
    sc_ofd *ofd = NULL;
    int rc = open_zip(&ofd, &z, o);
    if (rc != code)
        fail_msg("expected %d, got %d: %s", code, rc, sc_error_last()->message);
    assert_null(ofd);
    if (fragment && !strstr(sc_error_last()->message, fragment))
        fail_msg("message \"%s\" lacks \"%s\"", sc_error_last()->message, fragment);
    sc_buf_dispose(&z);
}

static void test_ofd_read__limits(void **state)
{
    (void)state;
    sc_ofd_open_options o = SC_OFD_OPEN_OPTIONS_INIT;
    zentry many[8];
    for (size_t i = 0; i < 8; i++) {
        static char names[8][16];
        snprintf(names[i], sizeof(names[i]), "f%zu.xml", i);
        many[i] = (zentry){names[i], "x", 0, 0, 0};
    }
    many[0].name = "OFD.xml";
    many[0].data = OFD_XML;
    /* too many entries */
    o.max_entries = 5;
    expect_open(many, 8, &o, SC_ELIMIT, "8 entries");
    /* a huge entry: declared 100 MB uncompressed, refused before inflating */
    zentry huge[] = {{"OFD.xml", OFD_XML, 0, 0, 0}, {"big.bin", "tiny", 100u << 20, 8, 0}};
    expect_open(huge, 2, NULL, SC_ELIMIT, "big.bin");
    /* a zip bomb: 60 MB from 4 bytes, ratio far over the limit (the entry-size limit raised so
     * the ratio is what stops it) */
    sc_ofd_open_options ob = SC_OFD_OPEN_OPTIONS_INIT;
    ob.max_entry_size = (size_t)128 << 20;
    zentry bomb[] = {{"OFD.xml", OFD_XML, 0, 0, 0}, {"bomb.xml", "zzzz", 60u << 20, 8, 0}};
    expect_open(bomb, 2, &ob, SC_ELIMIT, "compression ratio");
    /* total size */
    sc_ofd_open_options ot = SC_OFD_OPEN_OPTIONS_INIT;
    ot.max_total_size = 100;
    expect_open(many, 8, &ot, SC_ELIMIT, "uncompressed");
    /* an entry longer than declared is caught while reading */
    sc_ofd_open_options os = SC_OFD_OPEN_OPTIONS_INIT;
    os.max_entry_size = 10;
    expect_open(many, 8, &os, SC_ELIMIT, "OFD.xml");
}

static void test_ofd_read__refusals(void **state)
{
    (void)state;
    zentry e[2] = {{"OFD.xml", OFD_XML, 0, 0, 0}, {NULL, "x", 0, 0, 0}};
    const struct {
        const char *name;
        const char *fragment;
    } bad[] = {
        {"../evil.xml", ".."},         {"Doc_0/../../evil.xml", ".."}, {"/etc/passwd", "absolute"},
        {"Doc_0\\x.xml", "backslash"}, {"C:/x.xml", "drive"},          {"ofd.xml", "collide"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e[1].name = bad[i].name;
        expect_open(e, 2, NULL, SC_EFORMAT, bad[i].fragment);
    }
    /* the same name twice with different bytes */
    zentry dup[] = {
        {"OFD.xml", OFD_XML, 0, 0, 0}, {"a.xml", "1", 0, 0, 0}, {"a.xml", "2", 0, 0, 0}};
    expect_open(dup, 3, NULL, SC_EFORMAT, "different bytes");
    /* encrypted */
    zentry enc[] = {{"OFD.xml", OFD_XML, 0, 0, 0}, {"s.xml", "secret", 0, 0, 1}};
    sc_buf z = make_zip(enc, 2, NULL, NULL);
    sc_ofd *ofd = NULL;
    int rc = open_zip(&ofd, &z, NULL);
    assert_true(rc == SC_EUNSUPPORTED || rc == SC_EFORMAT);
    sc_buf_dispose(&z);
    /* a compressed size larger than the whole archive: refused before anything is allocated
     * for it (the fuzzer found a 4 GB allocation) */
    zentry big[] = {{"OFD.xml", OFD_XML, 0, 0, 0}, {"a.xml", "abc", 0, 8, 0}};
    z = make_zip(big, 2, NULL, NULL);
    unsigned char *cd = NULL;
    for (size_t k = z.size - 4; k-- > 0;)
        if (memcmp(z.ptr + k, "PK\1\2", 4) == 0) {
            cd = z.ptr + k; /* the last central record: a.xml */
            break;
        }
    assert_non_null(cd);
    memcpy(cd + 20, "\x00\x00\x00\xF0", 4); /* compressed size 0xF0000000 */
    assert_int_equal(open_zip(&ofd, &z, NULL), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "more than the whole archive"));
    sc_buf_dispose(&z);
    /* no OFD.xml; not a zip; empty */
    zentry none[] = {{"Doc_0/Document.xml", DOC_XML, 0, 0, 0}};
    expect_open(none, 1, NULL, SC_EFORMAT, "no OFD.xml");
    assert_int_equal(sc_ofd_open(&ofd, "PK\3\4 not really", 15, NULL), SC_EFORMAT);
    assert_int_equal(sc_ofd_open(&ofd, "", 0, NULL), SC_EFORMAT);
    assert_null(ofd);
}

static void test_ofd_read__tolerances(void **state)
{
    (void)state;
    /* identical duplicate (KingGrid): one kept, a warning */
    zentry dup[] = {
        {"OFD.xml", OFD_XML, 0, 0, 0}, {"a.xml", "1", 0, 0, 0}, {"a.xml", "1", 0, 0, 0}};
    sc_buf z = make_zip(dup, 3, NULL, NULL);
    sc_ofd *ofd = NULL;
    sc_assert_ok(open_zip(&ofd, &z, NULL));
    assert_int_equal(sc_ofd_entry_count(ofd), 2);
    int found = 0;
    for (size_t i = 0; i < sc_ofd_warning_count(ofd); i++)
        found |= strstr(sc_ofd_warning(ofd, i), "stored twice") != NULL;
    assert_true(found);
    sc_ofd_free(ofd);
    sc_buf_dispose(&z);
    /* junk before and after the archive */
    zentry e[] = {{"OFD.xml", OFD_XML, 0, 0, 0}, {"Doc_0/Document.xml", DOC_XML, 0, 0, 0}};
    z = make_zip(e, 2, "MZ a self-extractor stub...", "trailing signature block");
    sc_assert_ok(open_zip(&ofd, &z, NULL));
    assert_int_equal(sc_ofd_entry_count(ofd), 2);
    int before = 0, after = 0;
    for (size_t i = 0; i < sc_ofd_warning_count(ofd); i++) {
        before |= strstr(sc_ofd_warning(ofd, i), "before the zip") != NULL;
        after |= strstr(sc_ofd_warning(ofd, i), "after the zip") != NULL;
    }
    assert_true(before && after);
    sc_ofd_free(ofd);
    sc_buf_dispose(&z);
    /* namespace omitted everywhere: read, one warning */
    zentry nons[] = {
        {"OFD.xml", "<OFD><DocBody><DocRoot>/D/Document.xml</DocRoot></DocBody></OFD>", 0, 0, 0},
        {"D/Document.xml",
         "<Document><Pages><Page ID='1' BaseLoc='P.xml'/></Pages>"
         "</Document>",
         0, 0, 0},
        {"D/P.xml",
         "<Page><Content><Layer><TextObject><TextCode>a</TextCode>"
         "</TextObject></Layer></Content></Page>",
         0, 0, 0}};
    z = make_zip(nons, 3, NULL, NULL);
    sc_assert_ok(open_zip(&ofd, &z, NULL));
    assert_int_equal(sc_ofd_page_count(ofd, 0), 1);
    assert_int_equal(sc_ofd_page_of(ofd, 0, 0)->text_count, 1);
    assert_true(sc_ofd_warning_count(ofd) >= 1);
    sc_ofd_free(ofd);
    sc_buf_dispose(&z);
}

static void test_ofd_read__xml_attacks(void **state)
{
    (void)state;
    static const char xxe[] =
        "<?xml version=\"1.0\"?><!DOCTYPE OFD [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<OFD><DocBody><DocInfo><Title>&x;</Title></DocInfo></DocBody></OFD>";
    static const char laughs[] =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
        "<OFD a=\"&lol9;\"><DocBody><DocInfo><Title>&lol9;</Title></DocInfo></DocBody></OFD>";
    const char *bad[] = {xxe, laughs};
    for (size_t i = 0; i < 2; i++) {
        zentry e[] = {{"OFD.xml", bad[i], 0, 0, 0}};
        expect_open(e, 1, NULL, SC_EFORMAT, "DOCTYPE");
    }
    /* The same attacks in a page file: the page is skipped with a warning, nothing expands. */
    zentry e[] = {{"OFD.xml", OFD_XML, 0, 0, 0},
                  {"Doc_0/Document.xml", DOC_XML, 0, 0, 0},
                  {"Doc_0/Pages/Page_0/Content.xml", laughs, 0, 0, 0}};
    sc_buf z = make_zip(e, 3, NULL, NULL);
    sc_ofd *ofd = NULL;
    sc_assert_ok(open_zip(&ofd, &z, NULL));
    assert_int_equal(sc_ofd_page_of(ofd, 0, 0)->text_count, 0);
    assert_true(sc_ofd_warning_count(ofd) >= 1);
    sc_ofd_free(ofd);
    sc_buf_dispose(&z);
    /* malformed OFD.xml: an error naming it */
    zentry m[] = {{"OFD.xml", "<OFD><DocBody></OFD>", 0, 0, 0}};
    expect_open(m, 1, NULL, SC_EFORMAT, "OFD.xml");
    /* deep nesting */
    sc_buf deep = SC_BUF_INIT;
    sc_buf_puts(&deep, "<OFD>");
    for (int i = 0; i < 200; i++)
        sc_buf_puts(&deep, "<a>");
    for (int i = 0; i < 200; i++)
        sc_buf_puts(&deep, "</a>");
    sc_buf_puts(&deep, "</OFD>");
    zentry d[] = {{"OFD.xml", (const char *)deep.ptr, 0, 0, 0}};
    expect_open(d, 1, NULL, SC_ELIMIT, "deeper");
    sc_buf_dispose(&deep);
}

static void test_ofd_read__path_escapes(void **state)
{
    (void)state;
    /* ST_Loc values that leave the package: the page is dropped with a warning, no access. */
    static const char doc[] =
        "<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Pages>"
        "<ofd:Page ID=\"1\" BaseLoc=\"../../../etc/passwd\"/>"
        "<ofd:Page ID=\"2\" BaseLoc=\"Pages\\Page_0\\Content.xml\"/>"
        "<ofd:Page ID=\"3\" BaseLoc=\"/Doc_0/../../x.xml\"/></ofd:Pages></ofd:Document>";
    zentry e[] = {{"OFD.xml", OFD_XML, 0, 0, 0}, {"Doc_0/Document.xml", doc, 0, 0, 0}};
    sc_buf z = make_zip(e, 2, NULL, NULL);
    sc_ofd *ofd = NULL;
    sc_assert_ok(open_zip(&ofd, &z, NULL));
    assert_int_equal(sc_ofd_page_count(ofd, 0), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(sc_ofd_page_of(ofd, 0, i)->path, "");
    assert_true(sc_ofd_warning_count(ofd) >= 3);
    sc_ofd_free(ofd);
    sc_buf_dispose(&z);
}

static void test_ofd_read__samples_open(void **state)
{
    (void)state;
    const char *files[] = {"wild/conformance-6.1.001_entries_stored.ofd",
                           "wild/conformance-6.2.003_relative_paths.ofd",
                           "wild/conformance-6.2.006_decoy_files.ofd",
                           "wild/unknown-producer_pages_as_xml_files_unsigned.ofd",
                           "wild/suwell-virtual-printer_manual_16pages_unsigned.ofd",
                           "ofdrw/elicense_gbt35275_pkcs7_two_signs.ofd"};
    const size_t pages[] = {2, 2, 2, 3, 16, 2};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        sc_ofd *ofd = NULL;
        sc_assert_ok(sc_ofd_open_file(&ofd, sctest_sample(files[i]), NULL));
        if (sc_ofd_page_count(ofd, 0) != pages[i])
            fail_msg("%s: %zu pages, expected %zu", files[i], sc_ofd_page_count(ofd, 0), pages[i]);
        for (size_t p = 0; p < pages[i]; p++)
            assert_non_null(sc_ofd_page_of(ofd, 0, p)->path[0] ? "ok" : NULL);
        sc_ofd_free(ofd);
    }
    /* the relative-paths sample resolves "./" and "../" forms to real entries */
    sc_ofd *ofd = NULL;
    sc_assert_ok(
        sc_ofd_open_file(&ofd, sctest_sample("wild/conformance-6.2.003_relative_paths.ofd"), NULL));
    for (size_t p = 0; p < sc_ofd_page_count(ofd, 0); p++) {
        const unsigned char *d;
        size_t len;
        sc_assert_ok(sc_ofd_entry(&d, &len, ofd, sc_ofd_page_of(ofd, 0, p)->path));
        assert_true(sc_ofd_page_of(ofd, 0, p)->text_count > 0);
    }
    assert_true(sc_ofd_resource_count(ofd, 0) > 0);
    sc_ofd_free(ofd);
}

/* The zip's CRC-32 fields of entry @p name (local header and central directory) changed. */
static void break_crc(sc_buf *zip, const char *name)
{
    size_t n = strlen(name), hits = 0;
    for (size_t i = 0; i + 46 + n <= zip->size; i++) {
        if (memcmp(zip->ptr + i, "PK\3\4", 4) == 0 && memcmp(zip->ptr + i + 30, name, n) == 0)
            zip->ptr[i + 14] ^= 0x5A, hits++;
        if (memcmp(zip->ptr + i, "PK\1\2", 4) == 0 && memcmp(zip->ptr + i + 46, name, n) == 0)
            zip->ptr[i + 16] ^= 0x5A, hits++;
    }
    assert_int_equal(hits, 2);
}

/* Opening through a verification cache: every entry the same as without it, cold and warm; an
 * identical deflate stream whose declared CRC differs is inflated again and refused. */
static void test_ofd_read__inflate_cache(void **state)
{
    (void)state;
    sc_buf zip = sctest_read(sctest_sample("ofdrw/ofdrw_v4_seal_hello.ofd"));
    sc_verify_cache *cache = NULL;
    sc_ofd *plain = NULL, *cached = NULL;
    sc_ofd_open_options oo = SC_OFD_OPEN_OPTIONS_INIT;
    sc_assert_ok(sc_verify_cache_new(&cache, 0));
    oo.cache = cache;
    sc_assert_ok(sc_ofd_open(&plain, zip.ptr, zip.size, NULL));
    for (int round = 0; round < 2; round++) {
        sc_assert_ok(sc_ofd_open(&cached, zip.ptr, zip.size, &oo));
        assert_int_equal(sc_ofd_entry_count(cached), sc_ofd_entry_count(plain));
        for (size_t i = 0; i < sc_ofd_entry_count(plain); i++) {
            const char *name = sc_ofd_entry_name(plain, i);
            const unsigned char *a, *b;
            size_t alen, blen;
            assert_string_equal(sc_ofd_entry_name(cached, i), name);
            sc_assert_ok(sc_ofd_entry(&a, &alen, plain, name));
            sc_assert_ok(sc_ofd_entry(&b, &blen, cached, name));
            assert_int_equal(alen, blen);
            assert_memory_equal(a, b, alen);
        }
        sc_ofd_free(cached);
        cached = NULL;
    }
    /* Version 1 options (no cache) still open; unknown versions are refused. */
    sc_ofd_open_options v1 = oo;
    v1.version = 1;
    sc_assert_ok(sc_ofd_open(&cached, zip.ptr, zip.size, &v1));
    sc_ofd_free(cached);
    cached = NULL;
    v1.version = 3;
    assert_int_equal(sc_ofd_open(&cached, zip.ptr, zip.size, &v1), SC_EINVALID);
    break_crc(&zip, "Doc_0/Signs/Sign_0/Seal.esl");
    assert_int_equal(sc_ofd_open(&cached, zip.ptr, zip.size, &oo), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "Seal.esl\": CRC error"));
    sc_ofd_free(plain);
    sc_verify_cache_free(cache);
    sc_buf_dispose(&zip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_read__minimal_model),
        cmocka_unit_test(test_ofd_read__limits),
        cmocka_unit_test(test_ofd_read__refusals),
        cmocka_unit_test(test_ofd_read__tolerances),
        cmocka_unit_test(test_ofd_read__xml_attacks),
        cmocka_unit_test(test_ofd_read__path_escapes),
        cmocka_unit_test(test_ofd_read__samples_open),
        cmocka_unit_test(test_ofd_read__inflate_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
