/* The graphic objects of OFD pages, one by one (GB/T 33190-2016 clause 8 graphics: DrawParam,
 * colours and clips; 9 paths; 10 images; 11 text; 13 composite objects; 15 annotations), read
 * on request from a page's Content.xml and its PageAnnot files. include/sealcert/ofd.h,
 * "graphic objects", states what is listed, in which order, and the defaults applied. */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

/* The standard's default LineWidth (clause 8.5, CT_GraphicUnit: 0.353 mm, one point). */
#define DEFAULT_LINE_WIDTH 0.353

struct sc_ofd_page_objects {
    sc_ofd_object *objects;        /* the page's objects, then each annotation's; owned */
    size_t count, cap;             /* objects in use (all), allocated */
    size_t page_count;             /* the first page_count are the page's own */
    sc_ofd_annot *annots;          /* owned array */
    size_t annot_count, annot_cap; /* annotations in use, allocated */
    size_t *annot_first;           /* index of each annotation's first object; owned */
    sc_ofd__pool pool;             /* strings and the per-object arrays */
};

/* Everything the walk needs while reading one page. */
typedef struct {
    sc_ofd_page_objects *o;    /* being built */
    const sc_ofd *ofd;         /* the package (resources) */
    const sc_ofd__doc *d;      /* the document (colour spaces, draw parameters, resources) */
    const char *name;          /* the file being read, for messages */
    sc_buf text;               /* scratch: one element's text */
    sc_buf all;                /* scratch: a text object's characters */
    sc_ofd_text_code *codes;   /* scratch: one object's TextCodes; owned */
    size_t code_cap;           /* allocated */
    sc_ofd_clip_area *clips;   /* scratch: one object's clip areas; owned */
    size_t clip_cap;           /* allocated */
    size_t total_codes;        /* TextCodes of the page so far, against SC_OFD_MAX_TEXT_CODES */
    size_t base;               /* index of the first object of the current list */
    unsigned long template_id; /* the TemplatePage being read; 0: the page itself */
    unsigned long layer_id;    /* the current Layer's ID */
    const char *layer_type;    /* the current Layer's Type; "" outside layers */
    unsigned long layer_dp;    /* the current Layer's DrawParam; 0 none */
    struct res_ref *res_by_id; /* the document's resources sorted by ID, built on first use */
} reader;

/* ==== colours ================================================================================= */

size_t sc_ofd__color_components(double out[4], const char *text)
{
    size_t n = 0;
    const char *p = text;
    while (p && *p && n < 4) {
        char *end;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',')
            p++;
        if (!*p)
            break;
        /* Clause 8.3.2 allows each component in hexadecimal after '#' ("#FF #00 #00"). */
        if (*p == '#' && !isxdigit((unsigned char)p[1]))
            break;
        double v = *p == '#' ? (double)strtoul(p + 1, &end, 16) : strtod(p, &end);
        if (end == p || (end == p + 1 && *p == '#') || !sc_ofd__is_coord(v))
            break;
        out[n++] = v;
        p = end;
    }
    return n;
}

void sc_ofd__color_read(sc_ofd_color *c, const xmlNode *el)
{
    memset(c, 0, sizeof(*c));
    c->index = -1;
    c->alpha = 255;
    if (!el)
        return;
    const char *index = sc_ofd__xml_attr(el, "Index"), *cs = sc_ofd__xml_attr(el, "ColorSpace");
    const char *alpha = sc_ofd__xml_attr(el, "Alpha");
    c->is_set = 1;
    c->component_count = sc_ofd__color_components(c->value, sc_ofd__xml_attr(el, "Value"));
    if (index) {
        long v = strtol(index, NULL, 10);
        c->index = v >= 0 && v < SC_OFD_MAX_PALETTE ? v : -1;
    }
    c->color_space = cs ? strtoul(cs, NULL, 10) : 0;
    if (alpha) {
        unsigned long a = strtoul(alpha, NULL, 10);
        c->alpha = a > 255 ? 255 : (unsigned)a;
    }
    /* A Pattern or shading (AxialShd, RadialShd, GouraudShd, LaGourandShd) paints instead. */
    for (const xmlNode *k = el->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            c->has_shading = 1;
}

static int space_key(const void *key, const void *elem)
{
    unsigned long k = *(const unsigned long *)key, id = ((const sc_ofd__color_space *)elem)->id;
    return k < id ? -1 : k > id;
}

static int param_key(const void *key, const void *elem)
{
    unsigned long k = *(const unsigned long *)key, id = ((const sc_ofd__draw_param *)elem)->id;
    return k < id ? -1 : k > id;
}

/* One component scaled to 0-255 from 0 .. 2^bits - 1. */
static unsigned to_byte(double v, unsigned bits)
{
    double max = (double)((1ul << bits) - 1), x = v / max;
    x = x < 0 ? 0 : x > 1 ? 1 : x;
    return (unsigned)(x * 255 + 0.5);
}

/* Fill in the colour space, a palette entry for Index, and the RGB value. */
static void color_resolve(sc_ofd_color *c, const sc_ofd__doc *d)
{
    unsigned long id = c->color_space ? c->color_space : d->default_cs;
    const sc_ofd__color_space *cs = id && d->space_count ? bsearch(&id, d->spaces, d->space_count,
                                                                   sizeof(*d->spaces), space_key)
                                                         : NULL;
    unsigned bits = cs ? cs->bits : 8;
    c->space_type = cs ? cs->type : "RGB";
    if (c->is_set && c->component_count == 0 && c->index >= 0 && cs &&
        (size_t)c->index < cs->palette_count) {
        c->component_count = cs->palette_n[c->index];
        memcpy(c->value, cs->palette[c->index], sizeof(c->value));
    }
    unsigned r = 0, g = 0, b = 0;
    const double *v = c->value;
    if (strcasecmp(c->space_type, "GRAY") == 0 && c->component_count >= 1) {
        r = g = b = to_byte(v[0], bits);
    } else if (strcasecmp(c->space_type, "CMYK") == 0 && c->component_count >= 4) {
        /* The naive conversion without a profile: what viewers without colour management do. */
        unsigned k = 255 - to_byte(v[3], bits);
        r = (255 - to_byte(v[0], bits)) * k / 255;
        g = (255 - to_byte(v[1], bits)) * k / 255;
        b = (255 - to_byte(v[2], bits)) * k / 255;
    } else if (c->component_count >= 3) {
        r = to_byte(v[0], bits), g = to_byte(v[1], bits), b = to_byte(v[2], bits);
    }
    c->rgb = SC_OFD_RGB(r, g, b);
}

/* What a DrawParam chain gives the object that names it (clause 8.2: Relative inherits). */
static void inherit(sc_ofd_object *ob, const sc_ofd__doc *d, unsigned long id)
{
    for (int depth = 0; id && d->param_count && depth < SC_OFD_MAX_DRAW_PARAM_DEPTH; depth++) {
        const sc_ofd__draw_param *dp =
            bsearch(&id, d->params, d->param_count, sizeof(*d->params), param_key);
        if (!dp)
            return;
        if (ob->line_width < 0 && dp->line_width >= 0)
            ob->line_width = dp->line_width;
        if (!ob->fill.is_set && dp->fill.is_set)
            ob->fill = dp->fill;
        if (!ob->stroke.is_set && dp->stroke.is_set)
            ob->stroke = dp->stroke;
        id = dp->relative;
    }
}

/* ==== objects ================================================================================= */

/* A pool copy of the trimmed text of @p el's child @p local; "" when absent. */
static const char *child_text(reader *R, const xmlNode *el, const char *local)
{
    const char *s = sc_ofd__xml_child_text(&R->o->pool, el, local);
    if (!s)
        sc_error_oom();
    return s;
}

static int pool_copy(const void **out, reader *R, const void *src, size_t n, size_t elem)
{
    void *p;
    *out = NULL;
    if (n == 0)
        return 0;
    if (!(p = sc_ofd__palloc(&R->o->pool, n * elem)))
        return SC_ENOMEM;
    memcpy(p, src, n * elem);
    *out = p;
    return 0;
}

/* The characters of every TextCode of @p el into R->all (replaced). */
static int codes_text(reader *R, const xmlNode *el)
{
    int error;
    sc_buf_clear(&R->all);
    for (const xmlNode *tc = sc_ofd__xml_child(el, "TextCode"); tc;
         tc = sc_ofd__xml_next(tc, "TextCode"))
        if ((error = sc_ofd__xml_raw_text(&R->text, tc)) < 0 ||
            (error = sc_buf_put(&R->all, R->text.ptr, R->text.size)) < 0)
            return error;
    return sc_buf_grow(&R->all, 1);
}

static int read_codes(reader *R, sc_ofd_object *ob, const xmlNode *el)
{
    size_t n = 0;
    double x = 0, y = 0;
    int error;

    for (const xmlNode *tc = sc_ofd__xml_child(el, "TextCode"); tc;
         tc = sc_ofd__xml_next(tc, "TextCode")) {
        if (R->total_codes++ >= SC_OFD_MAX_TEXT_CODES)
            return sc_error_set(SC_ELIMIT, "%s: TextObject %lu: TextCode: more than %d on the page",
                                R->name, ob->id, SC_OFD_MAX_TEXT_CODES);
        if ((error = sc_ofd__grow((void **)&R->codes, &R->code_cap, n, sizeof(*R->codes),
                                  SC_OFD_MAX_TEXT_CODES)) < 0)
            return error;
        sc_ofd_text_code *c = &R->codes[n++];
        const char *dx = sc_ofd__xml_attr(tc, "DeltaX"), *dy = sc_ofd__xml_attr(tc, "DeltaY");
        /* X and Y: absent, the previous TextCode's value (as ofd_text.c places them). */
        c->x = x = sc_ofd__coord(sc_ofd__xml_attr(tc, "X"), x);
        c->y = y = sc_ofd__coord(sc_ofd__xml_attr(tc, "Y"), y);
        if ((error = sc_ofd__xml_raw_text(&R->text, tc)) < 0)
            return error;
        if (!(c->delta_x = sc_ofd__pstrdup(&R->o->pool, dx)) ||
            !(c->delta_y = sc_ofd__pstrdup(&R->o->pool, dy)) ||
            !(c->text = sc_ofd__pstrndup(&R->o->pool, (const char *)R->text.ptr, R->text.size)))
            return SC_ENOMEM;
    }
    if ((error = pool_copy((const void **)&ob->codes, R, R->codes, n, sizeof(*R->codes))) < 0 ||
        (error = codes_text(R, el)) < 0)
        return error;
    ob->code_count = n;
    if (!(ob->text = sc_ofd__pstrndup(&R->o->pool, (const char *)R->all.ptr, R->all.size)))
        return SC_ENOMEM;
    return 0;
}

/* Clips/Clip/Area, each a Path or a Text (clause 8.4). */
static int read_clips(reader *R, sc_ofd_object *ob, const xmlNode *el)
{
    static const double identity[6] = {1, 0, 0, 1, 0, 0};
    size_t n = 0, clip = 0;
    int error;

    for (const xmlNode *c = sc_ofd__xml_child(sc_ofd__xml_child(el, "Clips"), "Clip"); c;
         c = sc_ofd__xml_next(c, "Clip"), clip++) {
        for (const xmlNode *a = sc_ofd__xml_child(c, "Area"); a; a = sc_ofd__xml_next(a, "Area")) {
            const xmlNode *shape = sc_ofd__xml_child(a, "Path");
            int is_text = !shape;
            if (is_text && !(shape = sc_ofd__xml_child(a, "Text")))
                continue;
            if (n == SC_OFD_MAX_CLIP_AREAS)
                return sc_error_set(SC_ELIMIT, "%s: object %lu: Clips: more than %d Areas", R->name,
                                    ob->id, SC_OFD_MAX_CLIP_AREAS);
            if ((error = sc_ofd__grow((void **)&R->clips, &R->clip_cap, n, sizeof(*R->clips),
                                      SC_OFD_MAX_CLIP_AREAS)) < 0)
                return error;
            sc_ofd_clip_area *ca = &R->clips[n++];
            memset(ca, 0, sizeof(*ca));
            ca->clip = clip;
            ca->is_text = is_text;
            if (sc_ofd__coords(ca->ctm, 6, sc_ofd__xml_attr(a, "CTM")) != 6)
                memcpy(ca->ctm, identity, sizeof(identity));
            sc_ofd__unit_geometry(ca->boundary, ca->shape_ctm, shape);
            ca->abbreviated_data = ca->text = "";
            if (!is_text && !(ca->abbreviated_data = child_text(R, shape, "AbbreviatedData")))
                return SC_ENOMEM;
            if (is_text && ((error = codes_text(R, shape)) < 0 ||
                            !(ca->text = sc_ofd__pstrndup(&R->o->pool, (const char *)R->all.ptr,
                                                          R->all.size))))
                return error < 0 ? error : SC_ENOMEM;
        }
    }
    ob->clip_count = n;
    return pool_copy((const void **)&ob->clips, R, R->clips, n, sizeof(*R->clips));
}

/* A resource ID and its index in the document's resources. */
typedef struct res_ref {
    unsigned long id; /* resource ID */
    size_t i;         /* index into sc_ofd__doc.res */
} res_ref;

static int res_ref_cmp(const void *a, const void *b)
{
    const res_ref *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i; /* the first of a duplicated ID first */
}

/* The MediaFile of the image resource @p id; "" when unknown. The resources are indexed by ID
 * once per page, on the first image: pages with thousands of images stay linear-logarithmic. */
static int image_path(const char **out, reader *R, unsigned long id)
{
    const sc_ofd__doc *d = R->d;
    size_t bytes;
    *out = "";
    if (!d->res_count)
        return 0;
    if (!R->res_by_id) {
        if (sc_mul_overflow(&bytes, d->res_count, sizeof(res_ref)) ||
            !(R->res_by_id = sc_malloc(bytes)))
            return sc_error_oom();
        for (size_t i = 0; i < d->res_count; i++)
            R->res_by_id[i] = (res_ref){d->res[i].id, i};
        qsort(R->res_by_id, d->res_count, sizeof(res_ref), res_ref_cmp);
    }
    size_t lo = sc_ofd__lower_bound_id(R->res_by_id, d->res_count, sizeof(res_ref),
                                       offsetof(res_ref, id), id);
    /* The first image among the resources of that ID (broken files reuse IDs across kinds). */
    for (; lo < d->res_count && R->res_by_id[lo].id == id; lo++) {
        const sc_ofd_resource *r = &d->res[R->res_by_id[lo].i];
        if (strcmp(r->kind, "image") == 0 || strcmp(r->kind, "multimedia") == 0) {
            *out = r->path;
            break;
        }
    }
    return 0;
}

static bool flag(const xmlNode *el, const char *attr, bool dflt)
{
    const char *v = sc_ofd__xml_attr(el, attr);
    if (!v)
        return dflt;
    return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static unsigned long ref(const xmlNode *el, const char *attr)
{
    const char *v = sc_ofd__xml_attr(el, attr);
    return v ? strtoul(v, NULL, 10) : 0;
}

/* Append one object of @p type read from @p el; *index_out is its index in the current list. */
static int add_object(reader *R, const xmlNode *el, sc_ofd_object_type type, size_t depth,
                      size_t parent, size_t *index_out)
{
    sc_ofd_page_objects *o = R->o;
    sc_ofd_object ob;
    int error;

    if (o->count == SC_OFD_MAX_PAGE_OBJECTS)
        return sc_error_set(SC_ELIMIT, "%s: %s: more than %d graphic objects on the page", R->name,
                            (const char *)el->name, SC_OFD_MAX_PAGE_OBJECTS);
    memset(&ob, 0, sizeof(ob));
    ob.type = type;
    ob.id = ref(el, "ID");
    ob.template_id = R->template_id;
    ob.layer_id = R->layer_id;
    ob.layer_type = R->layer_type;
    ob.depth = depth;
    ob.parent = parent;
    sc_ofd__unit_geometry(ob.boundary, ob.ctm, el);
    ob.draw_param = ref(el, "DrawParam");
    ob.alpha = 255;
    if (sc_ofd__xml_attr(el, "Alpha")) {
        unsigned long a = ref(el, "Alpha");
        ob.alpha = a > 255 ? 255 : (unsigned)a;
    }
    ob.line_width = sc_ofd__coord(sc_ofd__xml_attr(el, "LineWidth"), -1);
    sc_ofd__color_read(&ob.fill, sc_ofd__xml_child(el, "FillColor"));
    sc_ofd__color_read(&ob.stroke, sc_ofd__xml_child(el, "StrokeColor"));
    inherit(&ob, R->d, ob.draw_param);
    inherit(&ob, R->d, R->layer_dp);
    if (ob.line_width < 0)
        ob.line_width = DEFAULT_LINE_WIDTH;
    color_resolve(&ob.fill, R->d);
    color_resolve(&ob.stroke, R->d);
    ob.fill_rule = ob.abbreviated_data = ob.text = ob.resource_path = "";
    if (type == SC_OFD_OBJECT_PATH) {
        const char *rule = sc_ofd__xml_attr(el, "Rule");
        ob.has_stroke = flag(el, "Stroke", true);
        ob.has_fill = flag(el, "Fill", false);
        if (!(ob.fill_rule = sc_ofd__pstrdup(&o->pool, rule && *rule ? rule : "NonZero")) ||
            !(ob.abbreviated_data = child_text(R, el, "AbbreviatedData")))
            return SC_ENOMEM;
    } else if (type == SC_OFD_OBJECT_TEXT) {
        ob.has_stroke = flag(el, "Stroke", false);
        ob.has_fill = flag(el, "Fill", true);
        ob.font = ref(el, "Font");
        ob.size = sc_ofd__coord(sc_ofd__xml_attr(el, "Size"), 0);
        if ((error = read_codes(R, &ob, el)) < 0)
            return error;
    } else if (type == SC_OFD_OBJECT_IMAGE || type == SC_OFD_OBJECT_COMPOSITE) {
        ob.resource_id = ref(el, "ResourceID");
        if (type == SC_OFD_OBJECT_IMAGE &&
            (error = image_path(&ob.resource_path, R, ob.resource_id)) < 0)
            return error;
    }
    if (type != SC_OFD_OBJECT_BLOCK && (error = read_clips(R, &ob, el)) < 0)
        return error;
    if ((error = sc_ofd__grow((void **)&o->objects, &o->cap, o->count, sizeof(*o->objects),
                              SC_OFD_MAX_PAGE_OBJECTS)) < 0)
        return error;
    o->objects[o->count++] = ob;
    *index_out = o->count - 1 - R->base;
    return 0;
}

/* The objects under @p node in content order; Layer elements set the layer of what they hold,
 * PageBlocks nest, unknown wrappers are looked into (as the counts of sc_ofd_page are made). */
static int walk(reader *R, const xmlNode *node, size_t depth, size_t parent, int xml_depth)
{
    static const struct {
        const char *name;
        sc_ofd_object_type type;
    } kinds[] = {{"TextObject", SC_OFD_OBJECT_TEXT},
                 {"PathObject", SC_OFD_OBJECT_PATH},
                 {"ImageObject", SC_OFD_OBJECT_IMAGE},
                 {"CompositeObject", SC_OFD_OBJECT_COMPOSITE},
                 {"PageBlock", SC_OFD_OBJECT_BLOCK}};
    int error;

    if (xml_depth > SC_OFD_MAX_XML_DEPTH)
        return 0;
    for (const xmlNode *c = node; c; c = c->next) {
        size_t k = 0, at;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        while (k < sizeof(kinds) / sizeof(kinds[0]) && !sc_ofd__xml_is(c, kinds[k].name))
            k++;
        if (k < sizeof(kinds) / sizeof(kinds[0])) {
            if ((error = add_object(R, c, kinds[k].type, depth, parent, &at)) < 0)
                return error;
            if (kinds[k].type == SC_OFD_OBJECT_BLOCK &&
                (error = walk(R, c->children, depth + 1, at, xml_depth + 1)) < 0)
                return error;
            continue;
        }
        if (sc_ofd__xml_is(c, "Layer")) {
            const char *type = sc_ofd__xml_attr(c, "Type");
            R->layer_id = ref(c, "ID");
            R->layer_dp = ref(c, "DrawParam");
            if (!(R->layer_type = sc_ofd__pstrdup(&R->o->pool, type && *type ? type : "Body")))
                return SC_ENOMEM;
        }
        if (c->children && (error = walk(R, c->children, depth, parent, xml_depth + 1)) < 0)
            return error;
    }
    return 0;
}

/* ==== templates ============================================================================== */

/* The objects of the templates @p page_el names whose ZOrder (the reference's, else the
 * TemplatePage's) is @p zorder. A TemplateID that names no TemplatePage, or a template file the
 * model found missing (warned about at open), is skipped. */
static int read_templates(reader *R, const xmlNode *page_el, const char *zorder)
{
    const char *page_name = R->name;
    size_t shown[SC_OFD_MAX_PAGE_TEMPLATES];
    bool too_many;
    size_t count = sc_ofd__page_templates(shown, R->d, page_el, zorder, &too_many);
    int error = 0;

    if (too_many)
        return sc_error_set(SC_ELIMIT, "%s: Page: more than %d Template elements", page_name,
                            SC_OFD_MAX_PAGE_TEMPLATES);
    for (size_t i = 0; i < count && !error; i++) {
        const sc_ofd__template *tp = &R->d->templates[shown[i]];
        const sc_ofd__entry *e = sc_ofd__find(R->ofd, tp->path, NULL);
        xmlDoc *x = NULL;
        if (!e)
            continue;
        if ((error = sc_ofd__xml_parse(&x, e->data, e->len, e->name)) < 0)
            break;
        const xmlNode *content = sc_ofd__xml_child(xmlDocGetRootElement(x), "Content");
        R->name = e->name;
        R->template_id = tp->id;
        if (content)
            error = walk(R, content->children, 0, SIZE_MAX, 1);
        R->name = page_name;
        R->template_id = 0;
        xmlFreeDoc(x);
    }
    R->layer_id = 0;
    R->layer_type = "";
    R->layer_dp = 0;
    return error;
}

/* ==== annotations ============================================================================= */

static int read_annots(reader *R, const sc_ofd__entry *e)
{
    sc_ofd_page_objects *o = R->o;
    xmlDoc *x = NULL;
    int error;

    if ((error = sc_ofd__xml_parse(&x, e->data, e->len, e->name)) < 0)
        return error;
    R->name = e->name;
    R->layer_id = 0;
    R->layer_type = "";
    R->layer_dp = 0;
    const xmlNode *root = xmlDocGetRootElement(x);
    for (const xmlNode *a = sc_ofd__xml_child(root, "Annot"); a; a = sc_ofd__xml_next(a, "Annot")) {
        if (o->annot_count == SC_OFD_MAX_ANNOTS) {
            error =
                sc_error_set(SC_ELIMIT, "%s: PageAnnot: more than %d Annot elements on the page",
                             e->name, SC_OFD_MAX_ANNOTS);
            goto done;
        }
        size_t cap = o->annot_cap;
        if ((error = sc_ofd__grow((void **)&o->annots, &o->annot_cap, o->annot_count,
                                  sizeof(*o->annots), SC_OFD_MAX_ANNOTS)) < 0)
            goto done;
        if (cap != o->annot_cap) {
            size_t *f = sc_realloc(o->annot_first, o->annot_cap * sizeof(*f));
            if (!f) {
                error = sc_error_oom();
                goto done;
            }
            o->annot_first = f;
        }
        sc_ofd_annot *an = &o->annots[o->annot_count];
        const xmlNode *app = sc_ofd__xml_child(a, "Appearance");
        const char *type = sc_ofd__xml_attr(a, "Type"), *sub = sc_ofd__xml_attr(a, "Subtype");
        memset(an, 0, sizeof(*an));
        an->id = ref(a, "ID");
        an->path = e->name;
        if (sc_ofd__coords(an->boundary, 4, sc_ofd__xml_attr(app, "Boundary")) != 4)
            memset(an->boundary, 0, sizeof(an->boundary));
        if (!(an->type = sc_ofd__pstrdup(&o->pool, type)) ||
            !(an->subtype = sc_ofd__pstrdup(&o->pool, sub))) {
            error = SC_ENOMEM;
            goto done;
        }
        o->annot_first[o->annot_count++] = R->base = o->count;
        if (app && (error = walk(R, app->children, 0, SIZE_MAX, 1)) < 0)
            goto done;
        an->object_count = o->count - R->base;
    }
done:
    xmlFreeDoc(x);
    return error;
}

/* ==== loading ================================================================================= */

int sc_ofd__page_objects_parse(sc_ofd_page_objects **out, const sc_ofd *ofd, const sc_ofd__doc *d,
                               size_t page, const unsigned char *data, size_t len, const char *name)
{
    sc_ofd_page_objects *o = NULL;
    reader R;
    xmlDoc *x = NULL;
    int error;

    *out = NULL;
    memset(&R, 0, sizeof(R));
    if (!(o = sc_calloc(1, sizeof(*o))))
        return sc_error_oom();
    R.o = o;
    R.ofd = ofd;
    R.d = d;
    R.name = name;
    R.layer_type = "";
    if ((error = sc_ofd__xml_parse(&x, data, len, name)) < 0)
        goto done;
    const xmlNode *root = xmlDocGetRootElement(x);
    const xmlNode *content = sc_ofd__xml_child(root, "Content");
    if ((error = read_templates(&R, root, "Background")) < 0 ||
        (content && (error = walk(&R, content->children, 0, SIZE_MAX, 1)) < 0) ||
        (error = read_templates(&R, root, "Foreground")) < 0)
        goto done;
    o->page_count = o->count;
    for (size_t i = 0; i < d->annot_count; i++) {
        const sc_ofd__entry *e;
        /* A file the model found missing was warned about at open; skip it. */
        if (d->annots[i].page != page || !(e = sc_ofd__find(ofd, d->annots[i].path, NULL)))
            continue;
        if ((error = read_annots(&R, e)) < 0)
            goto done;
    }
    /* The object array is final: point each annotation at its objects. */
    for (size_t i = 0; i < o->annot_count; i++)
        o->annots[i].objects = o->annots[i].object_count ? &o->objects[o->annot_first[i]] : NULL;
    *out = o;
    o = NULL;
done:
    xmlFreeDoc(x);
    sc_buf_dispose(&R.text);
    sc_buf_dispose(&R.all);
    sc_free(R.codes);
    sc_free(R.clips);
    sc_free(R.res_by_id);
    sc_ofd_page_objects_free(o);
    return error;
}

int sc_ofd_page_objects_load(sc_ofd_page_objects **out, const sc_ofd *ofd, size_t doc, size_t page)
{
    const sc_ofd__entry *e;
    int error;

    SC_ASSERT_ARG(out && ofd);
    *out = NULL;
    if ((error = sc_ofd__page_entry(&e, ofd, doc, page)) < 0)
        return error;
    return sc_ofd__page_objects_parse(out, ofd, &ofd->docs[doc], page, e->data, e->len, e->name);
}

size_t sc_ofd_page_objects_count(const sc_ofd_page_objects *objects)
{
    return objects ? objects->page_count : 0;
}

const sc_ofd_object *sc_ofd_page_objects_object(const sc_ofd_page_objects *objects, size_t i)
{
    return objects && i < objects->page_count ? &objects->objects[i] : NULL;
}

size_t sc_ofd_page_objects_annot_count(const sc_ofd_page_objects *objects)
{
    return objects ? objects->annot_count : 0;
}

const sc_ofd_annot *sc_ofd_page_objects_annot(const sc_ofd_page_objects *objects, size_t i)
{
    return objects && i < objects->annot_count ? &objects->annots[i] : NULL;
}

void sc_ofd_page_objects_free(sc_ofd_page_objects *objects)
{
    if (!objects)
        return;
    sc_free(objects->objects);
    sc_free(objects->annots);
    sc_free(objects->annot_first);
    sc_ofd__pool_free(&objects->pool);
    sc_free(objects);
}
