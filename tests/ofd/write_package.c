/* OFD writer: the package (GB/T 33190-2016 clause 7 and Annex A): entries, well-formed XML in
 * the schema's element order, IDs and MaxUnitID, deterministic bytes, attachments, custom tags,
 * images. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/test.h"
#include "ofd/ofd_int.h"
#include "ofd/ofdw_int.h"
#include "ofd/write_sample.h"
#include "ofd/write_util.h"

static sc_ofd_font *noto, *wqy;

static int setup(void **state)
{
    if (sc_ofd_font_load(&noto, NOTO_SANS_CJK, NOTO_SANS_SC) < 0 ||
        sc_ofd_font_load(&wqy, WQY_MICROHEI, 0) < 0) {
        fprintf(stderr, "fonts missing (scripts/install-deps): %s\n", sc_error_last()->message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    sc_ofd_font_free(noto);
    sc_ofd_font_free(wqy);
    return 0;
}

/* Child order rules: for each parent (local name), its children's allowed names in schema
 * order (Annex A: OFD.xsd, Document.xsd, Page.xsd, Res.xsd, Definitions.xsd). */
typedef struct {
    const char *parent;
    const char *children[16];
} order_rule;

static const order_rule rules[] = {
    {"OFD", {"DocBody"}},
    {"DocBody", {"DocInfo", "DocRoot", "Versions", "Signatures"}},
    {"DocInfo",
     {"DocID", "Title", "Author", "Subject", "Abstract", "CreationDate", "ModDate", "DocUsage",
      "Cover", "Keywords", "Creator", "CreatorVersion", "CustomDatas"}},
    {"Document",
     {"CommonData", "Pages", "Outlines", "Permissions", "Actions", "VPreferences", "Bookmarks",
      "Annotations", "Attachments", "CustomTags", "Extensions"}},
    {"CommonData",
     {"MaxUnitID", "PageArea", "PublicRes", "DocumentRes", "TemplatePage", "DefaultCS"}},
    {"PageArea", {"PhysicalBox", "ApplicationBox", "ContentBox", "BleedBox"}},
    {"Page", {"Template", "PageRes", "Area", "Content", "Actions"}},
    {"Res", {"ColorSpaces", "DrawParams", "Fonts", "MultiMedias", "CompositeGraphicUnits"}},
    {"TextObject", {"Actions", "Clips", "FillColor", "StrokeColor", "TextCode"}},
    {"PathObject", {"Actions", "Clips", "StrokeColor", "FillColor", "AbbreviatedData"}},
    {"ImageObject", {"Actions", "Clips", "Border"}},
    {"Font", {"FontFile"}},
    {"MultiMedia", {"MediaFile"}},
    {"Attachment", {"FileLoc"}},
    {"CustomTag", {"SchemaLoc", "FileLoc"}},
};

typedef struct {
    unsigned long ids[4096]; /* every ID attribute seen */
    size_t nids;
    unsigned long font_refs[256];
    size_t nfont_refs;
} id_log;

static void check_tree(xmlNodePtr node, const char *file, id_log *log)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)node->name;
        if (!node->ns || strcmp((const char *)node->ns->href, "http://www.ofdspec.org/2016") != 0)
            fail_msg("%s: element %s outside the OFD namespace", file, name);
        xmlChar *id = xmlGetProp(node, (const xmlChar *)"ID");
        if (id) {
            assert_true(log->nids < 4096);
            log->ids[log->nids++] = strtoul((const char *)id, NULL, 10);
            xmlFree(id);
        }
        xmlChar *font =
            strcmp(name, "TextObject") == 0 ? xmlGetProp(node, (const xmlChar *)"Font") : NULL;
        if (font) {
            if (log->nfont_refs < 256)
                log->font_refs[log->nfont_refs++] = strtoul((const char *)font, NULL, 10);
            xmlFree(font);
        }
        for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
            if (strcmp(rules[r].parent, name) != 0)
                continue;
            int last = -1;
            for (xmlNodePtr c = node->children; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                    continue;
                int pos = -1;
                for (int k = 0; k < 16 && rules[r].children[k]; k++)
                    if (strcmp(rules[r].children[k], (const char *)c->name) == 0)
                        pos = k;
                if (pos < 0)
                    fail_msg("%s: %s may not contain %s", file, name, (const char *)c->name);
                if (pos < last)
                    fail_msg("%s: in %s, %s comes too late", file, name, (const char *)c->name);
                last = pos;
            }
        }
        check_tree(node->children, file, log);
    }
}

static void build(sc_buf *out, const sc_ofd_font *font)
{
    sc_assert_ok(sample_build(out, font, NULL, 1, NULL));
}

static void test_ofd_write_package__entries_and_schema_order(void **state)
{
    sc_buf ofd = SC_BUF_INIT;
    build(&ofd, noto);
    pkg_files p = pkg_read(&ofd);
    static const char *const expected[] = {
        "OFD.xml",
        "Doc_0/Document.xml",
        "Doc_0/PublicRes.xml",
        "Doc_0/DocumentRes.xml",
        "Doc_0/Pages/Page_0/Content.xml",
        "Doc_0/Pages/Page_1/Content.xml",
        "Doc_0/Res/font_0.otf",
        "Doc_0/Res/image_0.png",
        "Doc_0/Attachs/Attachments.xml",
        "Doc_0/Attachs/data.json",
        "Doc_0/Tags/CustomTags.xml",
        "Doc_0/Tags/Tag_cert.xml",
    };
    assert_int_equal(p.n, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < p.n; i++)
        assert_string_equal(p.e[i].name, expected[i]);

    id_log *log = calloc(1, sizeof(*log));
    unsigned long max_unit = 0;
    for (size_t i = 0; i < p.n; i++) {
        if (!strstr(p.e[i].name, ".xml") || strstr(p.e[i].name, "Tag_"))
            continue;
        xmlDocPtr doc = xml_parse(&p.e[i]);
        check_tree(xmlDocGetRootElement(doc), p.e[i].name, log);
        if (strcmp(p.e[i].name, "Doc_0/Document.xml") == 0) {
            xmlNodePtr cd = xmlDocGetRootElement(doc)->children;
            while (cd && cd->type != XML_ELEMENT_NODE)
                cd = cd->next;
            xmlChar *v = xmlNodeGetContent(cd->children);
            max_unit = strtoul((const char *)v, NULL, 10);
            xmlFree(v);
        }
        xmlFreeDoc(doc);
    }
    /* IDs unique, MaxUnitID the largest, every Font reference resolves. */
    unsigned long max = 0;
    for (size_t i = 0; i < log->nids; i++) {
        for (size_t j = i + 1; j < log->nids; j++)
            if (log->ids[i] == log->ids[j])
                fail_msg("ID %lu used twice", log->ids[i]);
        max = log->ids[i] > max ? log->ids[i] : max;
    }
    if (log->nids < 15)
        fail_msg("only %zu IDs", log->nids);
    assert_int_equal(max_unit, max);
    for (size_t i = 0; i < log->nfont_refs; i++) {
        bool found = false;
        for (size_t j = 0; j < log->nids; j++)
            found = found || log->ids[j] == log->font_refs[i];
        assert_true(found);
    }
    free(log);

    const pkg_entry *ofdxml = pkg_get(&p, "OFD.xml");
    assert_non_null(
        strstr((char *)ofdxml->data, "<ofd:CreationDate>2024-06-01</ofd:CreationDate>"));
    assert_non_null(strstr((char *)ofdxml->data, "<ofd:Creator>sealcert</ofd:Creator>"));
    assert_non_null(strstr((char *)ofdxml->data, "<ofd:DocID>"));
    const pkg_entry *tag = pkg_get(&p, "Doc_0/Tags/Tag_cert.xml");
    assert_non_null(
        strstr((char *)tag->data, "<sc:Tag Name=\"Issuer\">某某计量测试研究院 &amp; Co.</sc:Tag>"));
    xmlFreeDoc(xml_parse(tag));
    const pkg_entry *att = pkg_get(&p, "Doc_0/Attachs/Attachments.xml");
    assert_non_null(strstr((char *)att->data,
                           "Name=\"data.json\" Format=\"json\" "
                           "CreationDate=\"2024-06-01T00:00:00\" Size=\"0.007\""));
    const pkg_entry *page1 = pkg_get(&p, "Doc_0/Pages/Page_1/Content.xml");
    assert_non_null(strstr((char *)page1->data, "Type=\"Foreground\""));
    assert_non_null(strstr((char *)page1->data, "<ofd:ImageObject"));
    /* The table's header is repeated on page 2. */
    assert_non_null(strstr((char *)page1->data, ">序号</ofd:TextCode>"));
    pkg_dispose(&p);

    /* A second reader of the zip: Python's zipfile (CRCs, names, order). */
    const char *path = sctest_tmp("package.ofd");
    sc_assert_ok(sc_fs_write_atomic(path, ofd.ptr, ofd.size, true, 0644));
    char cmd[1400];
    snprintf(
        cmd, sizeof(cmd),
        "python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
        "assert z.testzip() is None; n=z.namelist(); assert n[0]==\"OFD.xml\", n; "
        "assert all(i.extra==b\"\" and i.date_time==(2024,6,1,0,0,0) for i in z.infolist())' %s",
        path);
    assert_int_equal(system(cmd), 0);
    /* Keep one for the lead and the browser tests. */
    sc_fs_write_atomic("/tmp/sealcert-writer-sample.ofd", ofd.ptr, ofd.size, true, 0644);
    sc_buf_dispose(&ofd);
}

static void test_ofd_write_package__deterministic(void **state)
{
    sc_buf a = SC_BUF_INIT, b = SC_BUF_INIT, c = SC_BUF_INIT;
    build(&a, wqy);
    build(&b, wqy); /* the second from the subset cache */
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    /* A fresh font object (no cache) gives the same bytes too. */
    sc_ofd_font *again;
    sc_assert_ok(sc_ofd_font_load(&again, WQY_MICROHEI, 0));
    build(&c, again);
    assert_int_equal(a.size, c.size);
    assert_memory_equal(a.ptr, c.ptr, a.size);
    sc_ofd_font_free(again);
    sc_buf_dispose(&a);
    sc_buf_dispose(&b);
    sc_buf_dispose(&c);
}

static void test_ofd_write_package__minimal_and_misuse(void **state)
{
    sc_ofd_writer *w;
    sc_buf out = SC_BUF_INIT;
    size_t page;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    o.doc_id = "fixed-id";
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    assert_int_equal(sc_ofd_writer_finish(&out, w), SC_EINVALID); /* no page */
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 100, 50));
    assert_int_equal(sc_ofd_writer_add_line(w, 3, 0, 0, 1, 1, NULL), SC_EINVALID);
    assert_int_equal(sc_ofd_writer_add_image(w, page, "GIF89a", 6, 0, 0, 1, 1), SC_EUNSUPPORTED);
    assert_int_equal(sc_ofd_writer_add_attachment(w, "", NULL, "a", 1), SC_EINVALID);
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "a.txt", NULL, "a", 1));
    assert_int_equal(sc_ofd_writer_add_attachment(w, "a.txt", NULL, "b", 1), SC_EEXISTS);
    assert_int_equal(sc_ofd_writer_add_custom_tag(w, "t", "<a><b></a>", 10), SC_EFORMAT);
    sc_assert_ok(sc_ofd_writer_add_custom_tag(w, "t", "<a xmlns=\"urn:x\"/>", 18));
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    assert_int_equal(sc_ofd_writer_add_page(&page, w, 0, 0), SC_EINVALID); /* finished */
    sc_ofd_writer_free(w);

    pkg_files p = pkg_read(&out);
    assert_int_equal(p.n, 7); /* no fonts, no images: no PublicRes, no DocumentRes */
    const pkg_entry *doc = pkg_get(&p, "Doc_0/Document.xml");
    assert_non_null(strstr((char *)doc->data, "<ofd:MaxUnitID>3</ofd:MaxUnitID>"));
    assert_null(strstr((char *)doc->data, "PublicRes"));
    assert_non_null(strstr((char *)pkg_get(&p, "Doc_0/Pages/Page_0/Content.xml")->data,
                           "<ofd:PhysicalBox>0 0 100 50</ofd:PhysicalBox>"));
    assert_non_null(
        strstr((char *)pkg_get(&p, "OFD.xml")->data, "<ofd:DocID>fixed-id</ofd:DocID>"));
    pkg_dispose(&p);
    sc_buf_dispose(&out);
}

/* An attachment keeps the name it was given (原始记录.ofd) in Attachments.xml, which readers
 * show; its file in the package is that name when plain, else Attach_<ID> with its extension,
 * and never a path out of Attachs/. */
static void test_ofd_write_package__attachment_names(void **state)
{
    (void)state;
    sc_ofd_writer *w;
    sc_buf out = SC_BUF_INIT;
    size_t page;
    sc_ofd *ofd;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    char long_name[SC_OFD_MAX_ATTACHMENT_NAME + 2];
    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = 0;
    o.creation_time = SAMPLE_TIME;
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 100, 50));
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "原始记录.ofd", "ofd", "a", 1));
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "../../OFD.xml", NULL, "b", 1));
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "data.json", "json", "c", 1));
    /* Another name, but the file would differ by case only: a file of its own. */
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "DATA.JSON", NULL, "d", 1));
    assert_int_equal(sc_ofd_writer_add_attachment(w, "原始记录.ofd", NULL, "e", 1), SC_EEXISTS);
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "attachments.XML", NULL, "f", 1)); /* reserved */
    assert_int_equal(sc_ofd_writer_add_attachment(w, "a\x01b", NULL, "g", 1), SC_EFORMAT);
    assert_int_equal(sc_ofd_writer_add_attachment(w, long_name, NULL, "h", 1), SC_EINVALID);
    long_name[SC_OFD_MAX_ATTACHMENT_NAME] = 0;
    sc_assert_ok(sc_ofd_writer_add_attachment(w, long_name, NULL, "i", 1));
    /* A plain name that is the file a later one would get: that one takes the next. */
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "Attach_10.txt", NULL, "j", 1));
    sc_assert_ok(sc_ofd_writer_add_attachment(w, "备注.txt", NULL, "k", 1));
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    sc_ofd_writer_free(w);

    sc_assert_ok(sc_ofd_open(&ofd, out.ptr, out.size, NULL));
    const char *names[] = {"原始记录.ofd",    "../../OFD.xml", "data.json",     "DATA.JSON",
                           "attachments.XML", long_name,       "Attach_10.txt", "备注.txt"};
    const char *paths[] = {"/Doc_0/Attachs/Attach_3.ofd",  "/Doc_0/Attachs/Attach_4.xml",
                           "/Doc_0/Attachs/data.json",     "/Doc_0/Attachs/Attach_6.JSON",
                           "/Doc_0/Attachs/Attach_7.XML",  "/Doc_0/Attachs/Attach_8",
                           "/Doc_0/Attachs/Attach_10.txt", "/Doc_0/Attachs/Attach_10_2.txt"};
    const char *bytes = "abcdfijk";
    assert_int_equal(sc_ofd_attachment_count(ofd, 0), 8);
    for (size_t i = 0; i < 8; i++) {
        const sc_ofd_item *a = sc_ofd_attachment_of(ofd, 0, i);
        const unsigned char *data;
        size_t len;
        assert_string_equal(a->name, names[i]);
        assert_string_equal(a->path, paths[i]);
        sc_assert_ok(sc_ofd_entry(&data, &len, ofd, a->path));
        assert_int_equal(len, 1);
        assert_int_equal(data[0], bytes[i]);
    }
    sc_ofd_free(ofd);
    sc_buf_dispose(&out);
}

/* A one-page document drawn by @p draw. */
static sc_buf one_page(int (*draw)(sc_ofd_writer *, size_t, void *), void *arg)
{
    sc_ofd_writer *w;
    sc_buf out = SC_BUF_INIT;
    size_t page;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    sc_assert_ok(draw(w, page, arg));
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    sc_ofd_writer_free(w);
    return out;
}

/* A one-page package whose page Content.xml holds @p objects in its layer. */
static int draw_nothing(sc_ofd_writer *w, size_t page, void *arg)
{
    (void)w, (void)page, (void)arg;
    return 0;
}

static sc_buf page_with(const char *objects)
{
    sc_buf plain = one_page(draw_nothing, NULL), xml = SC_BUF_INIT;
    sc_assert_ok(sc_buf_printf(&xml,
                               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content>"
                               "<ofd:Layer ID=\"9\">%s</ofd:Layer></ofd:Content></ofd:Page>",
                               objects));
    sc_buf out = pkg_with_entry(&plain, "Doc_0/Pages/Page_0/Content.xml", (const char *)xml.ptr);
    sc_buf_dispose(&plain);
    sc_buf_dispose(&xml);
    return out;
}

static int attach_dat(sc_ofd_writer *w, size_t page, void *arg)
{
    const sc_buf *dat = arg;
    (void)page;
    return sc_ofd_writer_add_attachment(w, "note.dat", NULL, dat->ptr, dat->size);
}

/* 257 OFD files attached: one more than sc_ofd_check_static looks into. */
static int attach_many(sc_ofd_writer *w, size_t page, void *arg)
{
    const sc_buf *record = arg;
    int error = 0;
    (void)page;
    for (int i = 0; i < 257 && error == 0; i++) {
        char name[32];
        snprintf(name, sizeof(name), "r%d.ofd", i);
        error = sc_ofd_writer_add_attachment(w, name, "ofd", record->ptr, record->size);
    }
    return error;
}

static int attach_record(sc_ofd_writer *w, size_t page, void *arg)
{
    const sc_buf *record = arg;
    (void)page;
    return sc_ofd_writer_add_attachment(w, "record.ofd", "ofd", record->ptr, record->size);
}

static int check_static(const sc_buf *pkg)
{
    sc_ofd *ofd;
    sc_assert_ok(sc_ofd_open(&ofd, pkg->ptr, pkg->size, NULL));
    int error = sc_ofd_check_static(ofd);
    sc_ofd_free(ofd);
    return error;
}

#define ACTION(body)                                                                               \
    "<ofd:PathObject ID=\"10\" Boundary=\"0 0 10 10\"><ofd:Actions><ofd:Action Event=\"CLICK\">"   \
    "<ofd:Region><ofd:Area Start=\"0 0\"><ofd:Close/></ofd:Area></ofd:Region>" body                \
    "</ofd:Action></ofd:Actions><ofd:AbbreviatedData>M 0 0 L 1 1</ofd:AbbreviatedData>"            \
    "</ofd:PathObject>"

/* T/CMA 4.1.4: sounds, movies, URIs and unknown actions, audio and video are dynamic; moving
 * within the document (outlines, Goto links) is not. The message names part, line, element. */
static void test_ofd_write_package__dynamic_elements(void **state)
{
    (void)state;
    static const struct {
        const char *objects, *found;
    } cases[] = {
        {ACTION("<ofd:Goto><ofd:Dest Type=\"Fit\" PageID=\"1\"/></ofd:Goto>"), NULL},
        {ACTION("<ofd:GotoA AttachID=\"3\"/>"), NULL},
        {"<ofd:PathObject ID=\"10\" Boundary=\"0 0 1 1\"/>", NULL},
        {ACTION("<ofd:URI URI=\"https://example.cn/\"/>"), "opens a URI"},
        {ACTION("<ofd:Sound ResourceID=\"4\"/>"), "plays a sound"},
        {ACTION("<ofd:Movie ResourceID=\"4\"/>"), "plays a movie"},
        {ACTION("<ofd:Script>go()</ofd:Script>"), "unknown kind"},
        {"<ofd:MultiMedia ID=\"4\" Type=\"Video\"><ofd:MediaFile>v.mp4</ofd:MediaFile>"
         "</ofd:MultiMedia>",
         "audio or video"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sc_buf pkg = page_with(cases[i].objects);
        int error = check_static(&pkg);
        if (!cases[i].found) {
            sc_assert_ok(error);
        } else {
            assert_int_equal(error, SC_EINVALID);
            const char *m = sc_error_last()->message;
            assert_non_null(strstr(m, cases[i].found));
            assert_non_null(strstr(m, "/Doc_0/Pages/Page_0/Content.xml, line 2"));
            assert_non_null(strstr(m, "T/CMA 4.1.4"));
        }
        sc_buf_dispose(&pkg);
    }

    /* Inside an attachment that is an OFD file: named by both parts. */
    sc_buf inner = page_with(ACTION("<ofd:Sound ResourceID=\"4\"/>"));
    sc_buf outer = one_page(attach_record, &inner);
    assert_int_equal(check_static(&outer), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message,
                           "/Doc_0/Attachs/record.ofd: /Doc_0/Pages/Page_0/Content.xml"));
    sc_buf_dispose(&inner);
    sc_buf_dispose(&outer);

    /* Parts are told by their bytes, not their names: OFD XML in a part named .dat. */
    static const char actions[] = "<ofd:Actions xmlns:ofd=\"http://www.ofdspec.org/2016\">"
                                  "<ofd:Action Event=\"DO\"><ofd:URI URI=\"https://x.cn/\"/>"
                                  "</ofd:Action></ofd:Actions>";
    sc_buf dat = {(unsigned char *)actions, sizeof(actions) - 1, 0};
    sc_buf with_dat = one_page(attach_dat, &dat);
    assert_int_equal(check_static(&with_dat), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "/Doc_0/Attachs/note.dat, line 1"));
    sc_buf_dispose(&with_dat);

    /* Zips of 60 MB of zeros each, inside an OFD file inside the package (11 KB in all; a fuzz
     * campaign's, it took 30 s): they are no OFD files (no OFD.xml), so passed over without
     * being inflated. Those that are OFD files share one budget (test below). */
    sc_buf bomb =
        sctest_read(sctest_data("../../fuzz/corpus/ofd/check_static_nested_zip_budget.ofd"));
    sc_assert_ok(check_static(&bomb));
    sc_buf_dispose(&bomb);
    /* More nested OFD files than the budget allows: refused, not looked into one by one. */
    sc_buf plain = page_with("");
    sc_buf many = one_page(attach_many, &plain);
    assert_int_equal(check_static(&many), SC_ELIMIT);
    assert_non_null(strstr(sc_error_last()->message, "more nested OFD files than can be looked "
                                                     "into (256 files"));
    sc_buf_dispose(&many);
    sc_buf_dispose(&plain);
    /* 1000 zips of zeros in the package itself: passed over like those. */
    bomb = sctest_read(sctest_data("../../fuzz/corpus/ofd/check_static_flat_zips_budget.ofd"));
    sc_assert_ok(check_static(&bomb));
    sc_buf_dispose(&bomb);
    /* An OFD file inside, named as data: found by its bytes, and its sound named. */
    bomb = sctest_read(sctest_data("../../fuzz/corpus/ofd/check_static_nested_sound.ofd"));
    assert_int_equal(check_static(&bomb), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "/Doc_0/Attachs/inner.dat: "
                                                     "/Doc_0/Pages/Page_0/Content.xml, line 1"));
    assert_non_null(strstr(sc_error_last()->message, "plays a sound"));
    sc_buf_dispose(&bomb);

    /* A real file's outline of Goto actions (WPS). */
    sc_buf wps = sctest_read(sctest_sample("wild/wps_3pages_unsigned.ofd"));
    sc_assert_ok(check_static(&wps));
    sc_buf_dispose(&wps);
}

/* Two pages over one template page (a line and a label), page 1 with text of its own. */
static void build_templated(sc_buf *out, sc_ofd_writer_cache *cache, unsigned version)
{
    sc_ofd_writer *w;
    size_t tpl, page;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.version = version;
    o.creation_time = SAMPLE_TIME;
    o.cache = cache;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    ts.font = wqy;
    ts.size = 4;
    char label[2048] = "委托单位";
    for (size_t i = 0; i < 40; i++) /* over SC_OFD__ZIP_MIN_DEFLATE: the template is deflated */
        strcat(label, " Customer name");
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    sc_assert_ok(sc_ofd_writer_add_template(&tpl, w));
    assert_true(tpl & SC_OFD_WRITER_TEMPLATE);
    sc_assert_ok(sc_ofd_writer_add_line(w, tpl, 20, 30, 190, 30, NULL));
    sc_assert_ok(sc_ofd_writer_add_text_box(NULL, w, tpl, 20, 40, 170, label, &ts));
    for (int i = 0; i < 2; i++) {
        sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
        sc_assert_ok(sc_ofd_writer_use_template(w, page, tpl));
    }
    sc_assert_ok(sc_ofd_writer_add_text(NULL, w, 0, 20, 100, 0, "数据", &ts));
    /* Misuse: a page is no template, a template shows none, at most 4 per page. */
    assert_int_equal(sc_ofd_writer_use_template(w, 0, 1), SC_EINVALID);
    assert_int_equal(sc_ofd_writer_use_template(w, tpl, tpl), SC_EINVALID);
    assert_int_equal(sc_ofd_writer_use_template(w, 0, SC_OFD_WRITER_TEMPLATE | 7), SC_EINVALID);
    assert_int_equal(sc_ofd_writer_use_template(w, 0, tpl), SC_EINVALID); /* shown already */
    assert_int_equal(sc_ofd_writer_add_line(w, SC_OFD_WRITER_TEMPLATE | 1, 0, 0, 1, 1, NULL),
                     SC_EINVALID);
    sc_assert_ok(sc_ofd_writer_finish(out, w));
    sc_ofd_writer_free(w);
}

static void test_ofd_write_package__templates(void **state)
{
    sc_ofd_writer_cache *cache = NULL;
    sc_buf plain = SC_BUF_INIT, first = SC_BUF_INIT, again = SC_BUF_INIT, v1 = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_writer_cache_new(&cache, 0));
    build_templated(&plain, NULL, SC_OFD_WRITER_OPTIONS_VERSION);
    build_templated(&first, cache, SC_OFD_WRITER_OPTIONS_VERSION);
    build_templated(&again, cache, SC_OFD_WRITER_OPTIONS_VERSION); /* from the cache */
    build_templated(&v1, cache, 1);                                /* a version-1 struct */
    /* The cache changes nothing in the bytes. */
    assert_int_equal(plain.size, first.size);
    assert_memory_equal(plain.ptr, first.ptr, plain.size);
    assert_int_equal(plain.size, again.size);
    assert_memory_equal(plain.ptr, again.ptr, plain.size);
    assert_int_equal(plain.size, v1.size);
    assert_memory_equal(plain.ptr, v1.ptr, plain.size);

    /* Kept for the fuzz corpus (fuzz/corpus/ofd/templated.ofd is a copy). */
    sc_assert_ok(
        sc_fs_write_atomic(sctest_tmp("templated.ofd"), plain.ptr, plain.size, true, 0644));
    pkg_files p = pkg_read(&plain);
    const char *doc = (const char *)pkg_get(&p, "Doc_0/Document.xml")->data;
    const char *tpl = (const char *)pkg_get(&p, "Doc_0/Tpls/Tpl_0/Content.xml")->data;
    const char *pg0 = (const char *)pkg_get(&p, "Doc_0/Pages/Page_0/Content.xml")->data;
    const char *pg1 = (const char *)pkg_get(&p, "Doc_0/Pages/Page_1/Content.xml")->data;
    assert_non_null(strstr(doc, "<ofd:TemplatePage ID=\"1\" BaseLoc=\"Tpls/Tpl_0/Content.xml\"/>"));
    assert_non_null(
        strstr(pg0, "<ofd:Template TemplateID=\"1\" ZOrder=\"Background\"/><ofd:Area>"));
    assert_non_null(
        strstr(pg1, "<ofd:Template TemplateID=\"1\" ZOrder=\"Background\"/><ofd:Area>"));
    assert_non_null(strstr(tpl, "<ofd:PathObject"));
    assert_null(strstr(pg1, "Object")); /* page 2 has nothing of its own */
    /* Schema order and unique IDs over every XML file. */
    id_log *log = calloc(1, sizeof(*log));
    for (size_t i = 0; i < p.n; i++) {
        if (!strstr(p.e[i].name, ".xml"))
            continue;
        xmlDocPtr x = xml_parse(&p.e[i]);
        check_tree(xmlDocGetRootElement(x), p.e[i].name, log);
        xmlFreeDoc(x);
    }
    for (size_t i = 0; i < log->nids; i++)
        for (size_t j = i + 1; j < log->nids; j++)
            if (log->ids[i] == log->ids[j])
                fail_msg("ID %lu used twice", log->ids[i]);
    free(log);
    pkg_dispose(&p);

    /* Read back: the template's text is part of what each page shows, under its own. */
    sc_ofd *ofd = NULL;
    sc_ofd_page_text *t = NULL;
    sc_ofd_page_objects *po = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, plain.ptr, plain.size, NULL));
    const char *text0 = sc_ofd_page_of(ofd, 0, 0)->text;
    assert_non_null(strstr(text0, "委托单位 Customer name"));
    assert_true(strstr(text0, "委托单位") < strstr(text0, "数据"));
    assert_non_null(strstr(sc_ofd_page_of(ofd, 0, 1)->text, "委托单位"));
    assert_int_equal(sc_ofd_page_of(ofd, 0, 1)->text_count, 0); /* counts: the page's own */
    sc_assert_ok(sc_ofd_page_text_load(&t, ofd, 0, 1));
    assert_true(sc_ofd_page_text_count(t) >= 1);
    assert_non_null(strstr(sc_ofd_page_text_object(t, 0)->text, "委托单位"));
    sc_ofd_page_text_free(t);
    sc_assert_ok(sc_ofd_page_objects_load(&po, ofd, 0, 1));
    assert_true(sc_ofd_page_objects_count(po) >= 2);
    assert_int_equal(sc_ofd_page_objects_object(po, 0)->template_id, 1);
    sc_ofd_page_objects_free(po);
    sc_ofd_free(ofd);

    /* The same package with a malformed template file: the page keeps its own text in the
     * model and in sc_ofd_page_text_load (which agree), with a warning. */
    sc_buf broken = pkg_with_entry(&plain, "Doc_0/Tpls/Tpl_0/Content.xml", "<ofd:Page");
    sc_assert_ok(sc_ofd_open(&ofd, broken.ptr, broken.size, NULL));
    assert_true(sc_ofd_warning_count(ofd) >= 1);
    assert_string_equal(sc_ofd_page_of(ofd, 0, 0)->text, "数据\n");
    sc_assert_ok(sc_ofd_page_text_load(&t, ofd, 0, 0));
    assert_int_equal(sc_ofd_page_text_count(t), 1);
    assert_string_equal(sc_ofd_page_text_object(t, 0)->text, "数据");
    sc_ofd_page_text_free(t);
    sc_ofd_free(ofd);
    sc_buf_dispose(&broken);

    /* Another producer's page naming the template twice, and once with a ZOrder that is neither
     * side: its text once, in the model and in sc_ofd_page_text_load. */
    sc_buf twice = pkg_with_entry(&plain, "Doc_0/Pages/Page_1/Content.xml",
                                  "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\">"
                                  "<ofd:Template TemplateID=\"1\"/><ofd:Template TemplateID=\"1\"/>"
                                  "<ofd:Template TemplateID=\"1\" ZOrder=\"Body\"/></ofd:Page>");
    sc_assert_ok(sc_ofd_open(&ofd, twice.ptr, twice.size, NULL));
    const char *once = sc_ofd_page_of(ofd, 0, 1)->text;
    assert_non_null(strstr(once, "委托单位"));
    assert_null(strstr(strstr(once, "委托单位") + 1, "委托单位"));
    sc_assert_ok(sc_ofd_page_text_load(&t, ofd, 0, 1));
    assert_int_equal(sc_ofd_page_text_count(t), 1);
    sc_ofd_page_text_free(t);
    sc_ofd_free(ofd);
    sc_buf_dispose(&twice);

    sc_ofd_writer_cache_free(cache);
    sc_buf_dispose(&plain);
    sc_buf_dispose(&first);
    sc_buf_dispose(&again);
    sc_buf_dispose(&v1);
}

/* A template of ~1 MB of text under many pages: every page keeps a copy of its text, up to
 * SC_OFD_MAX_TEXT_TOTAL for the package, after which pages keep none (one warning). */
static void test_ofd_write_package__template_text_budget(void **state)
{
    sc_ofd_writer *w;
    sc_buf out = SC_BUF_INIT;
    size_t tpl, page, pages = SC_OFD_MAX_TEXT_TOTAL / 960000 + 4;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    ts.font = wqy;
    ts.size = 0.01;
    char *line = malloc(60001);
    memset(line, 'A', 60000);
    line[60000] = '\0';
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    sc_assert_ok(sc_ofd_writer_add_template(&tpl, w));
    for (int i = 0; i < 16; i++)
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, tpl, 0, 1 + i * 0.1, 0, line, &ts));
    for (size_t i = 0; i < pages; i++) {
        sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
        sc_assert_ok(sc_ofd_writer_use_template(w, page, tpl));
    }
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    sc_ofd_writer_free(w);
    free(line);

    sc_ofd *ofd = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, out.ptr, out.size, NULL));
    assert_true(strlen(sc_ofd_page_of(ofd, 0, 0)->text) >= 960000);
    assert_string_equal(sc_ofd_page_of(ofd, 0, pages - 1)->text, "");
    bool warned = false;
    for (size_t i = 0; i < sc_ofd_warning_count(ofd); i++)
        warned = warned || strstr(sc_ofd_warning(ofd, i), "bytes of page text") != NULL;
    assert_true(warned);
    sc_ofd_free(ofd);
    sc_buf_dispose(&out);
}

/* The page XML of a one-page document drawn by @p draw. */
static char *one_page_xml(int (*draw)(sc_ofd_writer *, size_t, void *), void *arg)
{
    sc_buf out = one_page(draw, arg);
    pkg_files p = pkg_read(&out);
    char *xml = strdup((const char *)pkg_get(&p, "Doc_0/Pages/Page_0/Content.xml")->data);
    pkg_dispose(&p);
    sc_buf_dispose(&out);
    return xml;
}

struct lines {
    const sc_ofd_text_style *ts;
    const char *second;
};

static int draw_two_lines(sc_ofd_writer *w, size_t page, void *arg)
{
    const struct lines *l = arg;
    int error = sc_ofd_writer_add_text(NULL, w, page, 20, 20, 0, "AAA", l->ts);
    return error < 0 ? error : sc_ofd_writer_add_text(NULL, w, page, 20, 40, 0, l->second, l->ts);
}

/* A line drawn in several fonts reads in order: a run after a fallback character does not join
 * a text object opened before that character's object (where its text would come first). */
static void test_ofd_write_package__line_order_across_fonts(void **state)
{
    static const char *const rare[] = {"龘", "鿏", "𠮷", "𪚥"};
    const char *r = NULL;
    uint32_t g;
    for (size_t i = 0; i < 4 && !r; i++) {
        const unsigned char *p = (const unsigned char *)rare[i], *end = p + strlen(rare[i]);
        uint32_t cp;
        sc_utf8_next(&p, end, &cp);
        if (!sc_ofd__font_glyph(wqy, cp, &g) && sc_ofd__font_glyph(noto, cp, &g))
            r = rare[i];
    }
    if (!r)
        fail_msg("no character that Noto Sans CJK has and WenQuanYi lacks");
    char line[64];
    snprintf(line, sizeof(line), "BB%sCC", r);
    const sc_ofd_font *fb[] = {noto};
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    ts.font = wqy;
    ts.fallbacks = fb;
    ts.fallback_count = 1;
    ts.size = 4;
    struct lines l = {&ts, line};
    sc_buf out = one_page(draw_two_lines, &l);
    sc_ofd *ofd = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, out.ptr, out.size, NULL));
    char text[256], *t = text;
    for (const char *c = sc_ofd_page_of(ofd, 0, 0)->text; *c && t < text + 255; c++)
        if (*c != '\n')
            *t++ = *c;
    *t = '\0';
    char want[64];
    snprintf(want, sizeof(want), "AAABB%sCC", r);
    assert_string_equal(text, want);
    sc_ofd_free(ofd);
    sc_buf_dispose(&out);
}

static void test_ofd_write_package__text_object(void **state)
{
    sc_ofd_writer *w;
    sc_buf out = SC_BUF_INIT;
    size_t page;
    double width = 0;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    ts.font = wqy;
    ts.size = 5;
    ts.color = SC_OFD_RGB(255, 0, 10);
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    sc_assert_ok(sc_ofd_writer_add_text(&width, w, page, 10, 20, 0, "中文<&>", &ts));
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    sc_ofd_writer_free(w);
    assert_true(width > 10 && width < 25); /* 2 x 5 mm + three narrow Latin characters */

    pkg_files p = pkg_read(&out);
    const char *xml = (const char *)pkg_get(&p, "Doc_0/Pages/Page_0/Content.xml")->data;
    /* Full-width CJK at 5 mm: one gap of 5 mm repeated ("g 2 5"), then the Latin advances. */
    assert_non_null(strstr(xml, "Size=\"5\"><ofd:FillColor Value=\"255 0 10\"/>"));
    assert_non_null(strstr(xml, "DeltaX=\"g 2 5 "));
    assert_non_null(strstr(xml, "\">中文&lt;&amp;&gt;</ofd:TextCode>"));
    assert_non_null(strstr(xml, "Boundary=\"10 "));
    pkg_dispose(&p);
    sc_buf_dispose(&out);
}

/* An L-shaped outline and a square hole-free block, in cells. */
static const int32_t grid_pts[][2] = {{3, 2}, {9, 2},   {9, 4},   {5, 4},   {5, 8},
                                      {3, 8}, {12, 12}, {14, 12}, {14, 14}, {12, 14}};
static const char grid_ops[] = "MLLLLLCMLLLC";

static int draw_scaled_path(sc_ofd_writer *w, size_t page, void *arg)
{
    (void)arg;
    sc_ofd_path *path = NULL;
    sc_ofd_path_style st = SC_OFD_PATH_STYLE_INIT;
    const double cell = 0.4, ox = 31.3 / cell, oy = 17.9 / cell;
    sc_assert_ok(sc_ofd_path_new(&path));
    for (size_t i = 0, k = 0; grid_ops[i]; i++) {
        if (grid_ops[i] == 'C') {
            sc_assert_ok(sc_ofd_path_close(path));
            continue;
        }
        double px = ox + grid_pts[k][0], py = oy + grid_pts[k][1];
        k++;
        if (grid_ops[i] == 'M')
            sc_assert_ok(sc_ofd_path_move_to(path, px, py));
        else
            sc_assert_ok(sc_ofd_path_line_to(path, px, py));
    }
    st.has_stroke = 0;
    st.has_fill = 1;
    st.fill = SC_OFD_RGB(0, 0, 80);
    st.scale = cell;
    int error = sc_ofd_writer_add_path(w, page, path, &st);
    sc_ofd_path_free(path);
    return error;
}

static int draw_grid_path(sc_ofd_writer *w, size_t page, void *arg)
{
    (void)arg;
    sc_ofd_grid_path *path = NULL;
    sc_assert_ok(sc_ofd_grid_path_new(&path));
    for (size_t i = 0, k = 0; grid_ops[i]; i++) {
        if (grid_ops[i] == 'C') {
            sc_assert_ok(sc_ofd_grid_path_close(path));
            continue;
        }
        int32_t px = grid_pts[k][0], py = grid_pts[k][1];
        k++;
        if (grid_ops[i] == 'M')
            sc_assert_ok(sc_ofd_grid_path_move_to(path, px, py));
        else
            sc_assert_ok(sc_ofd_grid_path_line_to(path, px, py));
    }
    int error = sc_ofd_writer_fill_grid_path(w, page, path, 31.3, 17.9, 0.4, SC_OFD_RGB(0, 0, 80));
    sc_ofd_grid_path_free(path);
    return error;
}

/* A grid path is written as the same points through sc_ofd_path under a scale (the 2D codes
 * depend on it), whole numbers relative to the Boundary; bad input is refused. */
static void test_ofd_write_package__grid_path(void **state)
{
    (void)state;
    char *a = one_page_xml(draw_scaled_path, NULL), *b = one_page_xml(draw_grid_path, NULL);
    assert_string_equal(a, b);
    assert_non_null(strstr(b, "CTM=\"0.400000 0 0 0.400000 0 0\""));
    assert_non_null(
        strstr(b, "<ofd:AbbreviatedData>M 0 0 L 6 0 L 6 2 L 2 2 L 2 6 L 0 6 C M 9 10 "));
    free(a);
    free(b);

    sc_ofd_writer *w;
    sc_ofd_grid_path *path = NULL;
    size_t page;
    sc_assert_ok(sc_ofd_writer_new(&w, NULL));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    sc_assert_ok(sc_ofd_grid_path_new(&path));
    assert_int_equal(sc_ofd_writer_fill_grid_path(w, page, path, 0, 0, 1, 0), SC_EINVALID);
    sc_assert_ok(sc_ofd_grid_path_line_to(path, 1, 1));
    assert_int_equal(sc_ofd_writer_fill_grid_path(w, page, path, 0, 0, 1, 0), SC_EINVALID);
    sc_ofd_grid_path_free(path);
    sc_assert_ok(sc_ofd_grid_path_new(&path));
    assert_int_equal(sc_ofd_grid_path_move_to(path, 1000001, 0), SC_EINVALID);
    sc_assert_ok(sc_ofd_grid_path_move_to(path, -1000000, 1000000));
    sc_assert_ok(sc_ofd_grid_path_line_to(path, 1000000, -1000000));
    assert_int_equal(sc_ofd_writer_fill_grid_path(w, page, path, 0, 0, 0, 0), SC_EINVALID);
    assert_int_equal(sc_ofd_writer_fill_grid_path(w, page, path, 0, 0, 1e30, 0), SC_EINVALID);
    assert_int_equal(sc_ofd_writer_fill_grid_path(w, 7, path, 0, 0, 1, 0), SC_EINVALID);
    sc_assert_ok(sc_ofd_writer_fill_grid_path(w, page, path, 0, 0, 0.001, 0)); /* 2 m square */
    sc_ofd_grid_path_free(path);
    sc_ofd_writer_free(w);
}

/* Runs of one font, size and colour share one TextObject (a TextCode each, X and Y relative to
 * the union Boundary), as long as no object opened after it would then be drawn under a run that
 * was drawn over it; anything else drawn closes the objects it meets. Every character stays
 * where it was asked for. */
/* A keep-clear box (a certificate's code): runs either side of it are not merged into an object
 * whose Boundary would span it; runs that stay on one side still are. */
static void test_ofd_write_package__keep_clear(void **state)
{
    (void)state;
    for (int keep = 0; keep < 2; keep++) {
        sc_ofd_writer *w;
        sc_buf out = SC_BUF_INIT;
        size_t page;
        sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
        o.creation_time = SAMPLE_TIME;
        sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
        ts.font = wqy;
        ts.size = 5;
        sc_assert_ok(sc_ofd_writer_new(&w, &o));
        sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
        if (keep)
            sc_assert_ok(sc_ofd_writer_keep_clear(w, page, 160, 10, 30, 30));
        assert_int_equal(sc_ofd_writer_keep_clear(w, page, 0, 0, 0, 5), SC_EINVALID);
        assert_int_equal(sc_ofd_writer_keep_clear(w, 7, 0, 0, 5, 5), SC_EINVALID);
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, 20, 20, 0, "甲", &ts));  /* left */
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, 20, 60, 0, "乙", &ts));  /* below */
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, 180, 60, 0, "丙", &ts)); /* its box
                                                                                    spans it */
        sc_assert_ok(sc_ofd_writer_finish(&out, w));
        sc_ofd_writer_free(w);
        sc_ofd *ofd = NULL;
        sc_ofd_page_text *t = NULL;
        sc_assert_ok(sc_ofd_open(&ofd, out.ptr, out.size, NULL));
        sc_assert_ok(sc_ofd_page_text_load(&t, ofd, 0, 0));
        assert_int_equal(sc_ofd_page_text_count(t), keep ? 2 : 1);
        double kept[4] = {160, 10, 30, 30};
        for (size_t i = 0; keep && i < sc_ofd_page_text_count(t); i++) {
            const double *b = sc_ofd_page_text_object(t, i)->boundary;
            assert_false(b[0] < kept[0] + kept[2] && kept[0] < b[0] + b[2] &&
                         b[1] < kept[1] + kept[3] && kept[1] < b[1] + b[3]);
        }
        assert_string_equal(sc_ofd_page_text_object(t, 0)->text, keep ? "甲乙" : "甲乙丙");
        sc_ofd_page_text_free(t);
        sc_ofd_free(ofd);
        sc_buf_dispose(&out);
    }
}

static void test_ofd_write_package__text_runs_merged(void **state)
{
    sc_ofd_writer *w;
    sc_buf out = SC_BUF_INIT;
    size_t page;
    sc_ofd_writer_options o = SC_OFD_WRITER_OPTIONS_INIT;
    o.creation_time = SAMPLE_TIME;
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT, red;
    ts.font = wqy;
    ts.size = 5;
    red = ts;
    red.color = SC_OFD_RGB(255, 0, 0);
    static const struct {
        double x, baseline;
        const char *text;
        int is_red;
    } runs[] = {
        {30, 40, "甲", 0}, {10, 50, "乙", 0}, {10, 60, "丙", 1}, /* two objects */
        {50, 30, "丁", 0}, /* joins 甲乙: meets nothing red */
        {11, 59, "戊", 0}, /* over red 丙 (drawn after it): a third object */
        {80, 90, "己", 1}, /* joins 丙 */
        {60, 20, "庚", 1}, /* after the line, which met no text: joins 丙己 */
        {40, 85, "辛", 1}, /* after the rectangle over 己 (which closed 丙己庚): a new object */
    };
    sc_assert_ok(sc_ofd_writer_new(&w, &o));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    for (size_t i = 0; i < 6; i++)
        sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, runs[i].x, runs[i].baseline, 0,
                                            runs[i].text, runs[i].is_red ? &red : &ts));
    sc_assert_ok(sc_ofd_writer_add_line(w, page, 0, 100, 200, 100, NULL));
    sc_assert_ok(
        sc_ofd_writer_add_text(NULL, w, page, runs[6].x, runs[6].baseline, 0, runs[6].text, &red));
    sc_ofd_path *rect = NULL;
    sc_assert_ok(sc_ofd_path_new(&rect));
    sc_assert_ok(sc_ofd_path_rect(rect, 78, 80, 10, 12));
    sc_assert_ok(sc_ofd_writer_add_path(w, page, rect, NULL));
    sc_ofd_path_free(rect);
    sc_assert_ok(
        sc_ofd_writer_add_text(NULL, w, page, runs[7].x, runs[7].baseline, 0, runs[7].text, &red));
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    sc_ofd_writer_free(w);

    pkg_files p = pkg_read(&out);
    const char *xml = (const char *)pkg_get(&p, "Doc_0/Pages/Page_0/Content.xml")->data;
    size_t objects = 0, codes = 0;
    for (const char *at = xml; (at = strstr(at, "<ofd:TextObject ")); at++)
        objects++;
    for (const char *at = xml; (at = strstr(at, "<ofd:TextCode ")); at++)
        codes++;
    assert_int_equal(objects, 4); /* 甲乙丁 | 丙己庚 | 戊 | rectangle | 辛 */
    assert_int_equal(codes, 8);
    /* In drawing order: the line (it met no text) first; the rectangle after the objects up to
     * the one it meets (丙己庚), and before 戊, which it does not meet; 辛 last. */
    const char *line = strstr(xml, "<ofd:PathObject"), *box = strstr(line + 1, "<ofd:PathObject");
    assert_non_null(box);
    assert_true(line < strstr(xml, "甲") && strstr(xml, "甲") < strstr(xml, "丙"));
    assert_true(strstr(xml, "丙") < box && box < strstr(xml, "戊"));
    assert_true(strstr(xml, "戊") < strstr(xml, "辛"));
    /* The first object's box starts at 乙's x; 甲 is 20 mm right of it. */
    assert_non_null(strstr(xml, "Boundary=\"10 "));
    assert_non_null(strstr(xml, "<ofd:TextCode X=\"20\" Y=\""));
    pkg_dispose(&p);

    sc_ofd *ofd = NULL;
    sc_ofd_page_text *t = NULL;
    static const char *const order[] = {"甲乙丁", "丙己庚", "戊", "辛"};
    static const size_t run_of[] = {0, 1, 3, 2, 5, 6, 4, 7}; /* runs in output order */
    sc_assert_ok(sc_ofd_open(&ofd, out.ptr, out.size, NULL));
    sc_assert_ok(sc_ofd_page_text_load(&t, ofd, 0, 0));
    assert_int_equal(sc_ofd_page_text_count(t), 4);
    for (size_t i = 0, k = 0; i < sc_ofd_page_text_count(t); i++) {
        const sc_ofd_text_object *ob = sc_ofd_page_text_object(t, i);
        assert_string_equal(ob->text, order[i]);
        for (size_t c = 0; c < ob->char_count; c++, k++) {
            assert_true(fabs(ob->chars[c].x - runs[run_of[k]].x) < 0.001);
            assert_true(fabs(ob->chars[c].y - runs[run_of[k]].baseline) < 0.001);
        }
    }
    /* A keyword runs only through characters that continue one another on a line: 甲 and 乙
     * share an object but not a line. */
    sc_ofd__box *found = NULL;
    size_t nfound = 0;
    sc_assert_ok(sc_ofd__text_find(&found, &nfound, t, "甲乙"));
    assert_int_equal(nfound, 0);
    sc_free(found);
    sc_assert_ok(sc_ofd__text_find(&found, &nfound, t, "甲"));
    assert_int_equal(nfound, 1);
    assert_true(fabs(found[0].v[0] - 30) < 0.001);
    sc_free(found);
    sc_ofd_page_text_free(t);

    /* Within one TextCode a keyword runs on whatever the layout (here vertical, DeltaY); not
     * into the next TextCode when that one does not continue it. */
    static const char vertical[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Page "
        "xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"2\">"
        "<ofd:TextObject ID=\"3\" Boundary=\"10 10 100 100\" Size=\"5\">"
        "<ofd:TextCode X=\"0\" Y=\"5\" DeltaY=\"g 2 5\">甲乙丙</ofd:TextCode>"
        "<ofd:TextCode X=\"50\" Y=\"50\">丁</ofd:TextCode></ofd:TextObject>"
        "</ofd:Layer></ofd:Content></ofd:Page>";
    sc_assert_ok(sc_ofd__page_text_parse(&t, (const unsigned char *)vertical, strlen(vertical),
                                         "/Doc_0/Pages/Page_0/Content.xml"));
    sc_assert_ok(sc_ofd__text_find(&found, &nfound, t, "乙丙"));
    assert_int_equal(nfound, 1);
    sc_free(found);
    sc_assert_ok(sc_ofd__text_find(&found, &nfound, t, "丙丁"));
    assert_int_equal(nfound, 0);
    sc_free(found);
    sc_ofd_page_text_free(t);
    sc_ofd_free(ofd);
    sc_buf_dispose(&out);
}

/* The zip writer the OFD signer will reuse: entries in order, store/deflate as asked (store when
 * deflate does not pay), pre-deflated bytes taken as given, UTF-8 names flagged, bad names
 * refused. */
static void test_ofd_write_package__zip_writer(void **state)
{
    unsigned char xml[4000], noise[512];
    for (size_t i = 0; i < sizeof(xml); i++)
        xml[i] = (unsigned char)"<ofd:Layer ID=\"1\"/>\n"[i % 20];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(noise); i++)
        noise[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 24);
    sc_buf pre = SC_BUF_INIT, out = SC_BUF_INIT;
    sc_assert_ok(sc_ofd__deflate(&pre, xml, sizeof(xml), 9));
    sc_ofd__zip_entry e[] = {
        {"stored.xml", xml, sizeof(xml), false, NULL, 0, 0, false},
        {"deflated.xml", xml, sizeof(xml), true, NULL, 0, 0, false},
        {"noise.bin", noise, sizeof(noise), true, NULL, 0, 0, false},
        {"Doc_0/中文.xml", xml, 10, false, NULL, 0, 0, false},
        {"empty", NULL, 0, true, NULL, 0, 0, false},
        {"pre.xml", xml, sizeof(xml), true, pre.ptr, pre.size, sc_ofd__crc32(xml, sizeof(xml)),
         false},
    };
    size_t n = sizeof(e) / sizeof(e[0]);
    sc_assert_ok(sc_ofd__zip_write(&out, e, n, SAMPLE_TIME, 1));

    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(out.ptr, out.size, 0, &ze);
    zip_t *z = zip_open_from_source(src, ZIP_CHECKCONS | ZIP_RDONLY, &ze);
    assert_non_null(z);
    assert_int_equal(zip_get_num_entries(z, 0), n);
    static const int methods[] = {ZIP_CM_STORE, ZIP_CM_DEFLATE, ZIP_CM_STORE,
                                  ZIP_CM_STORE, ZIP_CM_STORE,   ZIP_CM_DEFLATE};
    for (size_t i = 0; i < n; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(z, i, 0, &st), 0);
        assert_string_equal(st.name, e[i].name);
        assert_int_equal(st.size, e[i].len);
        assert_int_equal(st.comp_method, methods[i]);
        unsigned char back[4000];
        zip_file_t *f = zip_fopen_index(z, i, 0);
        assert_non_null(f);
        assert_int_equal(zip_fread(f, back, sizeof(back)), (zip_int64_t)e[i].len);
        zip_fclose(f);
        if (e[i].len)
            assert_memory_equal(back, e[i].data, e[i].len);
    }
    zip_close(z);
    /* Local header of the non-ASCII name: general purpose flag bit 11 (UTF-8). */
    const unsigned char *p = out.ptr;
    size_t off = 0;
    for (size_t i = 0; i < 3; i++)
        off += 30 + (p[off + 26] | p[off + 27] << 8) + (p[off + 18] | p[off + 19] << 8);
    assert_int_equal(p[off + 7] & 0x08, 0x08);
    assert_int_equal(p[6] | p[7] << 8, 0);

    sc_ofd__zip_entry bad = {"/abs", xml, 1, false, NULL, 0, 0, false};
    size_t before = out.size;
    assert_int_equal(sc_ofd__zip_write(&out, &bad, 1, SAMPLE_TIME, 1), SC_EINVALID);
    assert_int_equal(out.size, before); /* nothing appended on failure */
    sc_buf_dispose(&pre);
    sc_buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_write_package__entries_and_schema_order),
        cmocka_unit_test(test_ofd_write_package__deterministic),
        cmocka_unit_test(test_ofd_write_package__minimal_and_misuse),
        cmocka_unit_test(test_ofd_write_package__attachment_names),
        cmocka_unit_test(test_ofd_write_package__dynamic_elements),
        cmocka_unit_test(test_ofd_write_package__templates),
        cmocka_unit_test(test_ofd_write_package__line_order_across_fonts),
        cmocka_unit_test(test_ofd_write_package__template_text_budget),
        cmocka_unit_test(test_ofd_write_package__text_object),
        cmocka_unit_test(test_ofd_write_package__text_runs_merged),
        cmocka_unit_test(test_ofd_write_package__keep_clear),
        cmocka_unit_test(test_ofd_write_package__grid_path),
        cmocka_unit_test(test_ofd_write_package__zip_writer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
