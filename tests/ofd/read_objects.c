/* lib/ofd read side: a page's graphic objects one by one (sc_ofd_page_objects_load): content
 * order and nesting, DrawParam inheritance (Relative chains, cycles), colour spaces (palette,
 * GRAY, CMYK, hexadecimal components), clips, images resolved to their files, annotations with
 * their appearances, limits; then every page of every sample, and a round trip through the
 * writer. */
#include "common/test.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>

#include <zip.h>

#include "ofd/write_sample.h"
#include "sealcert/sealcert.h"

/* A package of (name, text) pairs, written with libzip. */
static sc_buf make_pkg(const char *const *files, size_t n)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *f = zip_source_buffer(z, files[2 * i + 1], strlen(files[2 * i + 1]), 0);
        assert_non_null(f);
        assert_true(zip_file_add(z, files[2 * i], f, 0) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    sc_buf out = SC_BUF_INIT;
    zip_stat_t st;
    assert_int_equal(zip_source_stat(src, &st), 0);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(sc_buf_grow(&out, st.size), 0);
    assert_int_equal(zip_source_read(src, out.ptr, st.size), (zip_int64_t)st.size);
    out.size = st.size;
    zip_source_close(src);
    zip_source_free(src);
    return out;
}

#define NS "xmlns:ofd=\"http://www.ofdspec.org/2016\""

static const char OFD_XML[] =
    "<ofd:OFD " NS " Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody>"
    "<ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
    "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>";

static const char DOC_XML[] =
    "<ofd:Document " NS "><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID><ofd:PageArea>"
    "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
    "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
    "<ofd:TemplatePage ID=\"70\" BaseLoc=\"Tpls/T0.xml\"/>"
    "<ofd:TemplatePage ID=\"71\" ZOrder=\"Foreground\" BaseLoc=\"Tpls/T1.xml\"/>"
    "<ofd:TemplatePage ID=\"72\" BaseLoc=\"Tpls/T1.xml\"/></ofd:CommonData><ofd:Pages>"
    "<ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages>"
    "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations></ofd:Document>";

static const char RES_XML[] =
    "<ofd:Res " NS " BaseLoc=\"Res\"><ofd:ColorSpaces>"
    "<ofd:ColorSpace ID=\"20\" Type=\"GRAY\"/>"
    "<ofd:ColorSpace ID=\"21\" Type=\"RGB\"><ofd:Palette><ofd:CV>255 0 0</ofd:CV>"
    "<ofd:CV>#00 #80 #FF</ofd:CV></ofd:Palette></ofd:ColorSpace>"
    "<ofd:ColorSpace ID=\"22\" Type=\"CMYK\"/>"
    "<ofd:ColorSpace ID=\"23\" Type=\"RGB\" BitsPerComponent=\"4\"/></ofd:ColorSpaces>"
    "<ofd:DrawParams>"
    "<ofd:DrawParam ID=\"30\" LineWidth=\"0.5\"><ofd:FillColor Value=\"0 128 0\"/></ofd:DrawParam>"
    "<ofd:DrawParam ID=\"31\" Relative=\"30\"><ofd:StrokeColor ColorSpace=\"21\" Index=\"1\"/>"
    "</ofd:DrawParam>"
    "<ofd:DrawParam ID=\"32\" Relative=\"33\"/><ofd:DrawParam ID=\"33\" Relative=\"32\"/>"
    "<ofd:DrawParam ID=\"34\"><ofd:StrokeColor Value=\"1 2 3\"/></ofd:DrawParam>"
    "</ofd:DrawParams><ofd:MultiMedias><ofd:MultiMedia ID=\"40\" Type=\"Image\">"
    "<ofd:MediaFile>img.png</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>";

/* Templates: 72 named with ZOrder Foreground overriding its own; 70 under the page, 71 over it;
 * 73 is no TemplatePage. */
static const char PAGE_XML[] =
    "<ofd:Page " NS "><ofd:Template TemplateID=\"72\" ZOrder=\"Foreground\"/>"
    "<ofd:Template TemplateID=\"71\"/><ofd:Template TemplateID=\"73\"/>"
    "<ofd:Template TemplateID=\"70\"/><ofd:Content>"
    "<ofd:Layer ID=\"2\" Type=\"Background\" DrawParam=\"34\">"
    "<ofd:PathObject ID=\"3\" Boundary=\"10 20 30 40\" CTM=\"2 0 0 2 1 1\" DrawParam=\"31\" "
    "Fill=\"true\" Rule=\"Even-Odd\"><ofd:FillColor ColorSpace=\"20\" Value=\"128\"/>"
    "<ofd:AbbreviatedData> M 0 0 L 10 0 C </ofd:AbbreviatedData></ofd:PathObject></ofd:Layer>"
    "<ofd:Layer ID=\"4\"><ofd:PageBlock ID=\"5\">"
    "<ofd:TextObject ID=\"6\" Boundary=\"0 0 50 10\" Font=\"50\" Size=\"3.5\" DrawParam=\"32\">"
    "<ofd:Clips><ofd:Clip><ofd:Area CTM=\"1 0 0 1 5 5\"><ofd:Path Boundary=\"0 0 8 8\">"
    "<ofd:AbbreviatedData>M 0 0 L 8 8 C</ofd:AbbreviatedData></ofd:Path></ofd:Area>"
    "<ofd:Area><ofd:Path Boundary=\"1 1 2 2\"><ofd:AbbreviatedData>M 1 1 C</ofd:AbbreviatedData>"
    "</ofd:Path></ofd:Area></ofd:Clip><ofd:Clip><ofd:Area><ofd:Text Boundary=\"0 0 9 9\" "
    "Font=\"50\" Size=\"2\"><ofd:TextCode X=\"0\" Y=\"1\">clip</ofd:TextCode></ofd:Text>"
    "</ofd:Area></ofd:Clip></ofd:Clips>"
    "<ofd:TextCode X=\"1\" Y=\"2\" DeltaX=\"g 2 1.5\">abc</ofd:TextCode>"
    "<ofd:TextCode Y=\"7\"> de</ofd:TextCode></ofd:TextObject>"
    "<ofd:PageBlock ID=\"7\"><ofd:ImageObject ID=\"8\" ResourceID=\"40\" Alpha=\"128\" "
    "Boundary=\"1 2 3 4\" CTM=\"3 0 0 4 0 0\"/></ofd:PageBlock></ofd:PageBlock>"
    "<ofd:CompositeObject ID=\"9\" ResourceID=\"41\" Boundary=\"0 0 1 1\"/>"
    "<ofd:TextObject ID=\"10\" Font=\"50\" Size=\"1\" Stroke=\"true\" Fill=\"false\">"
    "<ofd:FillColor ColorSpace=\"22\" Value=\"0 255 255 0\"/><ofd:StrokeColor>"
    "<ofd:AxialShd><ofd:Segment><ofd:Color Value=\"0 0 0\"/></ofd:Segment></ofd:AxialShd>"
    "</ofd:StrokeColor><ofd:TextCode>z</ofd:TextCode></ofd:TextObject>"
    "<ofd:PathObject ID=\"11\" LineWidth=\"1e400\"><ofd:StrokeColor ColorSpace=\"23\" "
    "Value=\"15 0 #F\" Alpha=\"9999\"/><ofd:AbbreviatedData>M 0 0</ofd:AbbreviatedData>"
    "</ofd:PathObject></ofd:Layer></ofd:Content></ofd:Page>";

static const char TEMPLATE_XML[] =
    "<ofd:Page " NS "><ofd:Content><ofd:Layer ID=\"75\" Type=\"Background\">"
    "<ofd:TextObject ID=\"76\" Font=\"50\" Size=\"3\"><ofd:TextCode X=\"0\" Y=\"3\">T"
    "</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>";

static const char ANNOTS_XML[] =
    "<ofd:Annotations " NS "><ofd:Page PageID=\"1\"><ofd:FileLoc>Page_0/Annot.xml</ofd:FileLoc>"
    "</ofd:Page><ofd:Page PageID=\"99\"><ofd:FileLoc>Page_9/Annot.xml</ofd:FileLoc></ofd:Page>"
    "</ofd:Annotations>";

static const char ANNOT_XML[] =
    "<ofd:PageAnnot " NS "><ofd:Annot ID=\"60\" Type=\"Watermark\" Subtype=\"draft\">"
    "<ofd:Appearance Boundary=\"5 6 20 10\"><ofd:PathObject ID=\"61\" Boundary=\"0 0 20 10\">"
    "<ofd:AbbreviatedData>M 0 0 L 20 10</ofd:AbbreviatedData></ofd:PathObject>"
    "<ofd:TextObject ID=\"62\" Font=\"50\" Size=\"4\"><ofd:TextCode X=\"0\" Y=\"4\">DRAFT"
    "</ofd:TextCode></ofd:TextObject></ofd:Appearance></ofd:Annot>"
    "<ofd:Annot ID=\"63\" Type=\"Link\"/></ofd:PageAnnot>";

static sc_ofd *open_synthetic(const char *page_xml)
{
    const char *files[] = {"OFD.xml",
                           OFD_XML,
                           "Doc_0/Document.xml",
                           DOC_XML,
                           "Doc_0/PublicRes.xml",
                           RES_XML,
                           "Doc_0/Res/img.png",
                           "not really a png",
                           "Doc_0/Pages/Page_0/Content.xml",
                           page_xml,
                           "Doc_0/Annots/Annotations.xml",
                           ANNOTS_XML,
                           "Doc_0/Annots/Page_0/Annot.xml",
                           ANNOT_XML,
                           "Doc_0/Tpls/T0.xml",
                           TEMPLATE_XML,
                           "Doc_0/Tpls/T1.xml",
                           TEMPLATE_XML};
    sc_buf z = make_pkg(files, sizeof(files) / sizeof(files[0]) / 2);
    sc_ofd *ofd = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, z.ptr, z.size, NULL));
    sc_buf_dispose(&z);
    return ofd;
}

static void assert_numbers(const double *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(got[i] - want[i]) > 1e-9)
            fail_msg("number %zu: %g, expected %g", i, got[i], want[i]);
}

static void test_ofd_objects__content(void **state)
{
    (void)state;
    sc_ofd *ofd = open_synthetic(PAGE_XML);
    sc_ofd_page_objects *po = NULL;
    /* the Annotations entry for a PageID that is no page is a warning, not a failure */
    assert_int_equal(sc_ofd_warning_count(ofd), 1);
    assert_non_null(strstr(sc_ofd_warning(ofd, 0), "PageID 99"));
    sc_assert_ok(sc_ofd_page_objects_load(&po, ofd, 0, 0));
    /* template 70's object, the page's 8, then those of templates 72 and 71 */
    assert_int_equal(sc_ofd_page_objects_count(po), 11);
    const unsigned long ids[] = {76, 3, 5, 6, 7, 8, 9, 10, 11, 76, 76};
    const unsigned long templates[] = {70, 0, 0, 0, 0, 0, 0, 0, 0, 72, 71};
    const sc_ofd_object_type types[] = {
        SC_OFD_OBJECT_TEXT,  SC_OFD_OBJECT_PATH,  SC_OFD_OBJECT_BLOCK,     SC_OFD_OBJECT_TEXT,
        SC_OFD_OBJECT_BLOCK, SC_OFD_OBJECT_IMAGE, SC_OFD_OBJECT_COMPOSITE, SC_OFD_OBJECT_TEXT,
        SC_OFD_OBJECT_PATH,  SC_OFD_OBJECT_TEXT,  SC_OFD_OBJECT_TEXT};
    const size_t depths[] = {0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 0};
    const size_t parents[] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, 2,        2,       4,
                              SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
    for (size_t i = 0; i < 11; i++) {
        const sc_ofd_object *ob = sc_ofd_page_objects_object(po, i);
        if (ob->id != ids[i] || ob->type != types[i] || ob->depth != depths[i] ||
            ob->parent != parents[i] || ob->template_id != templates[i])
            fail_msg("object %zu: ID %lu type %d depth %zu parent %zu template %lu", i, ob->id,
                     ob->type, ob->depth, ob->parent, ob->template_id);
    }
    assert_null(sc_ofd_page_objects_object(po, 11));
    const sc_ofd_object *tpl = sc_ofd_page_objects_object(po, 0);
    assert_int_equal(tpl->layer_id, 75);
    assert_string_equal(tpl->layer_type, "Background");
    assert_string_equal(tpl->text, "T");

    /* the path: own fill (GRAY), stroke and width through DrawParam 31 -> 30, not the layer's */
    const sc_ofd_object *path = sc_ofd_page_objects_object(po, 1);
    assert_int_equal(path->layer_id, 2);
    assert_string_equal(path->layer_type, "Background");
    assert_numbers(path->boundary, (const double[]){10, 20, 30, 40}, 4);
    assert_numbers(path->ctm, (const double[]){2, 0, 0, 2, 1, 1}, 6);
    assert_int_equal(path->draw_param, 31);
    assert_true(path->line_width == 0.5);
    assert_true(path->has_fill && path->has_stroke);
    assert_string_equal(path->fill.space_type, "GRAY");
    assert_int_equal(path->fill.rgb, 0x808080);
    assert_int_equal(path->stroke.index, 1);
    assert_int_equal(path->stroke.color_space, 21);
    assert_int_equal(path->stroke.component_count, 3);
    assert_int_equal(path->stroke.rgb, 0x0080FF);
    assert_string_equal(path->fill_rule, "Even-Odd");
    assert_string_equal(path->abbreviated_data, "M 0 0 L 10 0 C");

    /* the text: DrawParam cycle 32 <-> 33 ends, defaults apply; TextCodes as written */
    const sc_ofd_object *text = sc_ofd_page_objects_object(po, 3);
    assert_int_equal(text->layer_id, 4);
    assert_string_equal(text->layer_type, "Body");
    assert_true(text->line_width == 0.353);
    assert_true(text->has_fill && !text->has_stroke);
    assert_false(text->fill.is_set);
    assert_int_equal(text->fill.rgb, SC_OFD_BLACK);
    assert_int_equal(text->font, 50);
    assert_true(text->size == 3.5);
    assert_int_equal(text->code_count, 2);
    assert_true(text->codes[0].x == 1 && text->codes[0].y == 2);
    assert_string_equal(text->codes[0].delta_x, "g 2 1.5");
    assert_string_equal(text->codes[0].text, "abc");
    assert_true(text->codes[1].x == 1 && text->codes[1].y == 7); /* X: the previous one's */
    assert_string_equal(text->codes[1].delta_x, "");
    assert_string_equal(text->codes[1].text, " de");
    assert_string_equal(text->text, "abc de");
    /* clips: two areas of clip 0 (united), one text area of clip 1 */
    assert_int_equal(text->clip_count, 3);
    assert_int_equal(text->clips[0].clip, 0);
    assert_int_equal(text->clips[1].clip, 0);
    assert_int_equal(text->clips[2].clip, 1);
    assert_numbers(text->clips[0].ctm, (const double[]){1, 0, 0, 1, 5, 5}, 6);
    assert_numbers(text->clips[0].boundary, (const double[]){0, 0, 8, 8}, 4);
    assert_false(text->clips[0].is_text);
    assert_string_equal(text->clips[0].abbreviated_data, "M 0 0 L 8 8 C");
    assert_numbers(text->clips[1].ctm, (const double[]){1, 0, 0, 1, 0, 0}, 6);
    assert_true(text->clips[2].is_text);
    assert_string_equal(text->clips[2].text, "clip");
    assert_string_equal(text->clips[2].abbreviated_data, "");

    /* the image: its file by ResourceID, Alpha, geometry */
    const sc_ofd_object *img = sc_ofd_page_objects_object(po, 5);
    assert_int_equal(img->resource_id, 40);
    assert_string_equal(img->resource_path, "/Doc_0/Res/img.png");
    assert_int_equal(img->alpha, 128);
    assert_numbers(img->ctm, (const double[]){3, 0, 0, 4, 0, 0}, 6);
    assert_int_equal(img->clip_count, 0);
    const sc_ofd_object *comp = sc_ofd_page_objects_object(po, 6);
    assert_int_equal(comp->resource_id, 41);
    assert_string_equal(comp->resource_path, "");

    /* the second text: CMYK converted, a shaded stroke, the flags as written; the layer's
     * DrawParam 34 gives the stroke only where the object has none */
    const sc_ofd_object *t2 = sc_ofd_page_objects_object(po, 7);
    assert_true(t2->has_stroke && !t2->has_fill);
    assert_string_equal(t2->fill.space_type, "CMYK");
    assert_int_equal(t2->fill.rgb, 0xFF0000);
    assert_true(t2->stroke.is_set && t2->stroke.has_shading);
    /* the last path: a LineWidth that is no number is absent; 4-bit components scaled,
     * "#F" hexadecimal; an Alpha over 255 clamped; the layer (ID 4) has no DrawParam */
    const sc_ofd_object *p2 = sc_ofd_page_objects_object(po, 8);
    assert_true(p2->line_width == 0.353);
    assert_int_equal(p2->stroke.rgb, 0xFF00FF);
    assert_int_equal(p2->stroke.alpha, 255);
    assert_true(p2->has_stroke && !p2->has_fill);
    assert_string_equal(p2->fill_rule, "NonZero");

    /* the annotations of page 1 with their appearance objects */
    assert_int_equal(sc_ofd_page_objects_annot_count(po), 2);
    const sc_ofd_annot *an = sc_ofd_page_objects_annot(po, 0);
    assert_int_equal(an->id, 60);
    assert_string_equal(an->type, "Watermark");
    assert_string_equal(an->subtype, "draft");
    assert_string_equal(an->path, "/Doc_0/Annots/Page_0/Annot.xml");
    assert_numbers(an->boundary, (const double[]){5, 6, 20, 10}, 4);
    assert_int_equal(an->object_count, 2);
    assert_int_equal(an->objects[0].id, 61);
    assert_int_equal(an->objects[0].layer_id, 0);
    assert_string_equal(an->objects[0].layer_type, "");
    assert_string_equal(an->objects[1].text, "DRAFT");
    const sc_ofd_annot *link = sc_ofd_page_objects_annot(po, 1);
    assert_string_equal(link->type, "Link");
    assert_int_equal(link->object_count, 0);
    assert_null(link->objects);
    assert_null(sc_ofd_page_objects_annot(po, 2));
    sc_ofd_page_objects_free(po);

    /* no such page */
    assert_int_equal(sc_ofd_page_objects_load(&po, ofd, 0, 1), SC_EINVALID);
    assert_null(po);
    assert_int_equal(sc_ofd_page_objects_load(&po, ofd, 1, 0), SC_EINVALID);
    sc_ofd_free(ofd);
    sc_ofd_page_objects_free(NULL);
    assert_int_equal(sc_ofd_page_objects_count(NULL), 0);
}

/* A page whose content repeats @p unit @p n times inside one Layer. */
static char *repeat_page(const char *head, const char *unit, size_t n, const char *tail)
{
    sc_buf b = SC_BUF_INIT;
    sc_buf_puts(&b, "<ofd:Page " NS "><ofd:Content><ofd:Layer ID=\"2\">");
    sc_buf_puts(&b, head);
    for (size_t i = 0; i < n; i++)
        sc_buf_puts(&b, unit);
    sc_buf_puts(&b, tail);
    sc_buf_puts(&b, "</ofd:Layer></ofd:Content></ofd:Page>");
    assert_int_equal(sc_buf_put(&b, "", 1), 0);
    return (char *)b.ptr;
}

static void expect_limit(char *page, const char *fragment, const char *file)
{
    sc_ofd *ofd = open_synthetic(page);
    sc_ofd_page_objects *po = NULL;
    int rc = sc_ofd_page_objects_load(&po, ofd, 0, 0);
    if (rc != SC_ELIMIT)
        fail_msg("expected SC_ELIMIT, got %d", rc);
    assert_null(po);
    const char *msg = sc_error_last()->message;
    if (!strstr(msg, fragment) || !strstr(msg, file))
        fail_msg("message \"%s\" lacks \"%s\" or %s", msg, fragment, file);
    sc_ofd_free(ofd);
    sc_free(page);
}

static void test_ofd_objects__limits(void **state)
{
    (void)state;
    /* exactly the limit is read (the page's objects and the two of its annotation); one more
     * is an error, never a shortened list */
    static const char *const content = "/Doc_0/Pages/Page_0/Content.xml";
    char *page = repeat_page("", "<ofd:PathObject/>", SC_OFD_MAX_PAGE_OBJECTS - 2, "");
    sc_ofd *ofd = open_synthetic(page);
    sc_ofd_page_objects *po = NULL;
    sc_assert_ok(sc_ofd_page_objects_load(&po, ofd, 0, 0));
    assert_int_equal(sc_ofd_page_objects_count(po), SC_OFD_MAX_PAGE_OBJECTS - 2);
    assert_int_equal(sc_ofd_page_objects_annot(po, 0)->object_count, 2);
    sc_ofd_page_objects_free(po);
    sc_ofd_free(ofd);
    sc_free(page);
    expect_limit(repeat_page("", "<ofd:PathObject/>", SC_OFD_MAX_PAGE_OBJECTS - 1, ""),
                 "graphic objects", "/Doc_0/Annots/Page_0/Annot.xml");
    expect_limit(repeat_page("", "<ofd:PathObject/>", SC_OFD_MAX_PAGE_OBJECTS + 1, ""),
                 "graphic objects", content);
    expect_limit(repeat_page("<ofd:PathObject ID=\"5\"><ofd:Clips><ofd:Clip>",
                             "<ofd:Area><ofd:Path/></ofd:Area>", SC_OFD_MAX_CLIP_AREAS + 1,
                             "</ofd:Clip></ofd:Clips></ofd:PathObject>"),
                 "object 5: Clips", content);
    expect_limit(repeat_page("<ofd:TextObject ID=\"6\">", "<ofd:TextCode>a</ofd:TextCode>",
                             SC_OFD_MAX_TEXT_CODES + 1, "</ofd:TextObject>"),
                 "TextCode", content);
    /* every Template reference parses its template file again: bounded */
    sc_buf tp = SC_BUF_INIT;
    sc_buf_puts(&tp, "<ofd:Page " NS ">");
    for (int i = 0; i <= SC_OFD_MAX_PAGE_TEMPLATES; i++)
        sc_buf_puts(&tp, "<ofd:Template TemplateID=\"70\"/>");
    sc_buf_puts(&tp, "<ofd:Content/></ofd:Page>");
    expect_limit((char *)tp.ptr, "Template elements", content);
    /* a malformed page names its file */
    ofd = open_synthetic("<ofd:Page " NS "><ofd:Content><ofd:Layer></ofd:Page>");
    assert_int_equal(sc_ofd_page_objects_load(&po, ofd, 0, 0), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, content));
    sc_ofd_free(ofd);
}

/* Every page of every sample reads, and agrees with the model's per-page counts. */
static void test_ofd_objects__samples(void **state)
{
    (void)state;
    const char *dirs[] = {"ofdrw", "wild"};
    size_t files = 0, objects = 0, annots = 0, clips = 0, images = 0, template_objects = 0;
    for (size_t d = 0; d < 2; d++) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s", sctest_sample(dirs[d]));
        DIR *dh = opendir(dir);
        assert_non_null(dh);
        for (struct dirent *de; (de = readdir(dh));) {
            char path[4400];
            const char *name = de->d_name;
            sc_ofd *ofd = NULL;
            size_t name_len = strlen(name);
            if (name_len < 5 || strcmp(name + name_len - 4, ".ofd") != 0)
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, name);
            if (sc_ofd_open_file(&ofd, path, NULL) < 0)
                continue; /* the unreadable ones are read_pkg's and verify's business */
            files++;
            for (size_t p = 0; p < sc_ofd_page_count(ofd, 0); p++) {
                const sc_ofd_page *pg = sc_ofd_page_of(ofd, 0, p);
                sc_ofd_page_objects *po = NULL;
                if (sc_ofd_page_objects_load(&po, ofd, 0, p) < 0)
                    fail_msg("%s page %zu: %s", name, p + 1, sc_error_last()->message);
                size_t count[6] = {0};
                for (size_t i = 0; i < sc_ofd_page_objects_count(po); i++) {
                    const sc_ofd_object *ob = sc_ofd_page_objects_object(po, i);
                    clips += ob->clip_count;
                    if (ob->type == SC_OFD_OBJECT_IMAGE && *ob->resource_path) {
                        const unsigned char *data;
                        size_t len;
                        if (sc_ofd_entry(&data, &len, ofd, ob->resource_path) == 0)
                            images++;
                    }
                    if (ob->parent != SIZE_MAX && (ob->parent >= i || ob->depth == 0))
                        fail_msg("%s page %zu object %zu: parent %zu", name, p + 1, i, ob->parent);
                    if (ob->template_id)
                        template_objects++;
                    else
                        count[ob->type]++;
                }
                if (count[SC_OFD_OBJECT_TEXT] != pg->text_count ||
                    count[SC_OFD_OBJECT_PATH] != pg->path_count ||
                    count[SC_OFD_OBJECT_IMAGE] != pg->image_count)
                    fail_msg("%s page %zu: %zu/%zu/%zu text/path/image objects, the model "
                             "counts %zu/%zu/%zu",
                             name, p + 1, count[1], count[2], count[3], pg->text_count,
                             pg->path_count, pg->image_count);
                objects += sc_ofd_page_objects_count(po);
                annots += sc_ofd_page_objects_annot_count(po);
                sc_ofd_page_objects_free(po);
            }
            sc_ofd_free(ofd);
        }
        closedir(dh);
    }
    print_message("%zu files, %zu objects (%zu from templates), %zu clip areas, %zu images, %zu "
                  "annotations\n",
                  files, objects, template_objects, clips, images, annots);
    assert_true(files >= 25);
    assert_true(objects > 8000 && template_objects > 100 && clips > 40 && images > 150);
    assert_true(annots >= 9);
}

/* The Suwell invoice's watermarks: an image and a rotated, half-transparent text. */
static void test_ofd_objects__suwell_watermarks(void **state)
{
    (void)state;
    sc_ofd *ofd = NULL;
    sc_ofd_page_objects *po = NULL;
    sc_assert_ok(sc_ofd_open_file(
        &ofd, sctest_sample("ofdrw/unsigned_einvoice_suwell_customtags.ofd"), NULL));
    sc_assert_ok(sc_ofd_page_objects_load(&po, ofd, 0, 0));
    assert_int_equal(sc_ofd_page_objects_annot_count(po), 2);
    const sc_ofd_annot *a = sc_ofd_page_objects_annot(po, 0), *b = sc_ofd_page_objects_annot(po, 1);
    assert_string_equal(a->type, "Watermark");
    assert_int_equal(a->id, 6952);
    assert_numbers(a->boundary, (const double[]){90, 8, 30, 20}, 4);
    assert_int_equal(a->object_count, 1);
    assert_int_equal(a->objects[0].type, SC_OFD_OBJECT_IMAGE);
    assert_int_equal(a->objects[0].resource_id, 6949);
    assert_true(*a->objects[0].resource_path);
    assert_int_equal(b->object_count, 1);
    assert_int_equal(b->objects[0].type, SC_OFD_OBJECT_TEXT);
    assert_int_equal(b->objects[0].alpha, 127);
    assert_numbers(b->objects[0].ctm, (const double[]){0, 1, -1, 0, 3.3084, 0}, 6);
    assert_string_equal(b->objects[0].text, "下载次数：1   ");
    assert_string_equal(b->objects[0].codes[0].delta_x,
                        "3.175 3.175 3.175 3.175 3.175 1.5875 1.5875 1.5875");
    sc_ofd_page_objects_free(po);
    sc_ofd_free(ofd);
}

/* What the writer draws reads back as drawn: text, a scaled filled path, an image, layers. */
static void test_ofd_objects__writer_round_trip(void **state)
{
    (void)state;
    sc_ofd_writer *w = NULL;
    sc_ofd_font *font = NULL;
    sc_ofd_path *path = NULL;
    size_t page;
    sc_buf out = SC_BUF_INIT;
    sc_assert_ok(sc_ofd_font_load(&font, WQY_MICROHEI, 0));
    sc_assert_ok(sc_ofd_writer_new(&w, NULL));
    sc_assert_ok(sc_ofd_writer_add_page(&page, w, 0, 0));
    sc_ofd_text_style ts = SC_OFD_TEXT_STYLE_INIT;
    ts.font = font;
    ts.size = 4;
    ts.color = SC_OFD_RGB(200, 10, 20);
    sc_assert_ok(sc_ofd_writer_add_text(NULL, w, page, 20, 30, 0, "校准 ok", &ts));
    sc_assert_ok(sc_ofd_writer_add_layer(w, page, SC_OFD_LAYER_FOREGROUND));
    sc_assert_ok(sc_ofd_path_new(&path));
    sc_assert_ok(sc_ofd_path_rect(path, 1, 2, 3, 4));
    sc_ofd_path_style ps = SC_OFD_PATH_STYLE_INIT;
    ps.has_stroke = 0;
    ps.has_fill = 1;
    ps.fill = SC_OFD_RGB(0, 0, 255);
    ps.scale = 0.5;
    sc_assert_ok(sc_ofd_writer_add_path(w, page, path, &ps));
    sc_assert_ok(
        sc_ofd_writer_add_image(w, page, sample_png, sizeof(sample_png), 100, 110, 30, 15));
    sc_assert_ok(sc_ofd_writer_finish(&out, w));

    sc_ofd *ofd = NULL;
    sc_ofd_page_objects *po = NULL;
    sc_assert_ok(sc_ofd_open(&ofd, out.ptr, out.size, NULL));
    sc_assert_ok(sc_ofd_page_objects_load(&po, ofd, 0, 0));
    size_t n = sc_ofd_page_objects_count(po);
    assert_true(n >= 3);
    sc_buf text = SC_BUF_INIT;
    const sc_ofd_object *p = NULL, *img = NULL;
    for (size_t i = 0; i < n; i++) {
        const sc_ofd_object *ob = sc_ofd_page_objects_object(po, i);
        if (ob->type == SC_OFD_OBJECT_TEXT) {
            assert_string_equal(ob->layer_type, "Body");
            assert_int_equal(ob->fill.rgb, SC_OFD_RGB(200, 10, 20));
            assert_true(ob->size == 4);
            sc_buf_puts(&text, ob->text);
        } else if (ob->type == SC_OFD_OBJECT_PATH) {
            p = ob;
        } else if (ob->type == SC_OFD_OBJECT_IMAGE) {
            img = ob;
        }
    }
    sc_buf_put(&text, "", 1);
    assert_string_equal((const char *)text.ptr, "校准 ok");
    assert_non_null(p);
    assert_string_equal(p->layer_type, "Foreground");
    assert_true(p->has_fill && !p->has_stroke);
    assert_int_equal(p->fill.rgb, SC_OFD_RGB(0, 0, 255));
    assert_true(p->ctm[0] == 0.5 && p->ctm[3] == 0.5);
    assert_non_null(img);
    const unsigned char *data;
    size_t len;
    sc_assert_ok(sc_ofd_entry(&data, &len, ofd, img->resource_path));
    assert_int_equal(len, sizeof(sample_png));
    assert_memory_equal(data, sample_png, len);
    /* the image box on the page: Boundary and a CTM scaling the unit square to it */
    assert_numbers(img->boundary, (const double[]){100, 110, 30, 15}, 4);
    assert_numbers(img->ctm, (const double[]){30, 0, 0, 15, 0, 0}, 6);
    assert_int_equal(sc_ofd_page_objects_annot_count(po), 0);
    sc_ofd_page_objects_free(po);
    sc_ofd_free(ofd);
    sc_buf_dispose(&text);
    sc_buf_dispose(&out);
    sc_ofd_path_free(path);
    sc_ofd_writer_free(w);
    sc_ofd_font_free(font);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_objects__content),
        cmocka_unit_test(test_ofd_objects__limits),
        cmocka_unit_test(test_ofd_objects__samples),
        cmocka_unit_test(test_ofd_objects__suwell_watermarks),
        cmocka_unit_test(test_ofd_objects__writer_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
