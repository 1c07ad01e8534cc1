/* sealcert lib/ecert: metrology electronic certificates (T/CMA draft "计量电子证书通用技术规范"):
 * certificate types, the electronic certificate identifier (4.5.5), organisation codes, file
 * names (4.4). */
#ifndef SC_INCLUDE_ECERT_H
#define SC_INCLUDE_ECERT_H

#include "common.h"
#include "buffer.h"
#include "ofd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Certificate type codes of T/CMA 4.5.5. */
typedef enum {
    SC_ECERT_VERIFICATION = 1,               /**< 检定证书 */
    SC_ECERT_VERIFICATION_RESULT_NOTICE = 2, /**< 检定结果通知书 */
    SC_ECERT_ARBITRATION = 3,                /**< 仲裁检定证书 */
    SC_ECERT_PATTERN_EVALUATION = 4,         /**< 型式评价报告 */
    SC_ECERT_PREPACKAGED = 5,                /**< 商品量及商品包装检验报告 */
    SC_ECERT_ENERGY_EFFICIENCY = 6,          /**< 能源效率标识检验报告 */
    SC_ECERT_CALIBRATION = 7,                /**< 校准证书 */
    SC_ECERT_OTHER = 8,                      /**< 其他 */
} sc_ecert_type;

/** The Chinese name of a type ("校准证书"), or NULL when the code is not 1..8; static. */
SC_EXTERN const char *sc_ecert_type_name(int type);

/**
 * The certificate category used in file names, joined directly with "电子证书" (T/CMA 4.4.3):
 * "校准" for 校准证书, "检定" for 检定证书, the full name for the others; static, NULL when the
 * code is not 1..8.
 */
SC_EXTERN const char *sc_ecert_type_category(int type);

/**
 * Whether @p seal_name is a certificate seal for @p category (T/CMA 4.2): it says "电子证书"
 * (4.2.1) and is of the kind the certificate needs (4.2.2: 检定, 校准, 检验 or 检测 电子证书专用章,
 * also as riding seals). The kind is @p category when that is one of the four, else the type's:
 * 检定 for types 1-3, 检测 for 4, 检验 for 5 and 6, 校准 for 7, any of the four for 8.
 * @param[out] kind the kind needed ("校准"), NULL when any will do; static; may be NULL
 * @return 1 or 0
 */
SC_EXTERN int sc_ecert_seal_name_fits(const char **kind, const char *seal_name, int type,
                                      const char *category);

/**
 * Check an organisation code: a 9-character 组织机构代码 (GB 11714-1997) or an 18-character
 * 统一社会信用代码 (GB 32100-2015), including its check character.
 * @return 0, or SC_EFORMAT with a message naming the problem (length, character, check character
 *         expected)
 */
SC_EXTERN int sc_ecert_org_code_check(const char *code);

/** The parts of an electronic certificate identifier (T/CMA 4.5.5). Strings are UTF-8. */
typedef struct {
    const char *root;          /**< 电子证书根代码: an OID in dotted form */
    int type;                  /**< 证书类型代码 1..8 (sc_ecert_type) */
    const char *issuer;        /**< 证书发布机构代码: organisation code (checked) */
    const char *accreditation; /**< 发布机构认可/授权标识, e.g. "CNAS L0001" */
    const char *serial;        /**< 流水号 */
    int revision;              /**< 证书修改次数 0..9 */
} sc_ecert_id;

/** The separator of the identifier's parts: U+00B7 MIDDLE DOT. */
#define SC_ECERT_ID_SEPARATOR "\xC2\xB7"

/**
 * Join the parts into the identifier "root·type·issuer·accreditation·serial·revision", after
 * checking each (the message names the part).
 * @return 0, SC_EINVALID (a part is missing or malformed)
 */
SC_EXTERN int sc_ecert_id_format(sc_buf *out, const sc_ecert_id *id);

/**
 * Parse an identifier strictly: six parts, each valid as sc_ecert_id_format() requires.
 * @param[out] out the parts, in one allocation owned by the caller (sc_ecert_id_free)
 * @return 0 or SC_EFORMAT (the message names the part and what is wrong)
 */
SC_EXTERN int sc_ecert_id_parse(sc_ecert_id **out, const char *text);

/** Release a parsed identifier; NULL is accepted. */
SC_EXTERN void sc_ecert_id_free(sc_ecert_id *id);

/**
 * The identifier in URL-safe form for "<base_url>/v/<id>": RFC 3986 percent-encoding of every
 * byte outside A-Z a-z 0-9 - . _ ~ (so "·" becomes %C2%B7).
 */
SC_EXTERN int sc_ecert_id_url_encode(sc_buf *out, const char *id);

/** Decode the URL-safe form back (strict: malformed escapes are SC_EFORMAT). */
SC_EXTERN int sc_ecert_id_url_decode(sc_buf *out, const char *text);

/**
 * The file name of a certificate (T/CMA 4.4): category + "电子证书", then number, instrument name
 * and instrument serial joined with "-", plus ".ofd", e.g.
 * "校准电子证书-JZ2026-000123-数字多用表-MY5700123.ofd". Characters illegal in file names
 * (/ \ : * ? " < > | and control characters) become "_". At most 255 bytes and 50 CJK
 * characters: the instrument name is shortened first.
 * @return 0, SC_EINVALID (type, empty number, or no room even with one character of instrument)
 */
SC_EXTERN int sc_ecert_file_name(sc_buf *out, int type, const char *number, const char *instrument,
                                 const char *instrument_serial);

/**
 * sc_ecert_file_name() with the category given (a template's "category", e.g. "检测") and an
 * optional @p suffix joined last with "-" (NULL or "": none), e.g. "修改1" for a correction or
 * "补充文件" for a supplementary file. The instrument name is shortened to one character at
 * the least, as T/CMA 4.4.3 requires it.
 * @return 0, SC_EINVALID (empty category or number, or no room)
 */
SC_EXTERN int sc_ecert_file_name_for(sc_buf *out, const char *category, const char *number,
                                     const char *instrument, const char *instrument_serial,
                                     const char *suffix);

/* ---- certificate data (docs/formats/ecert-data.md) ---------------------------------------- */

/** A measurement standard used (计量标准器 / 主要标准器). Strings borrowed from the data; "" when
 * absent. */
typedef struct {
    const char *name;        /**< 名称 */
    const char *model;       /**< 型号规格 */
    const char *serial;      /**< 编号 */
    const char *uncertainty; /**< 测量不确定度 / 准确度等级 / 最大允许误差 */
    const char *certificate; /**< 证书编号 */
    const char *valid_until; /**< 有效期至, YYYY-MM-DD */
} sc_ecert_standard;

/**
 * The data of one certificate, as parsed and checked by sc_ecert_data_parse(). Every string is
 * UTF-8, borrowed from the data object, "" when an optional field is absent (never NULL).
 * Dates are "YYYY-MM-DD" (checked calendar dates).
 */
typedef struct {
    int type;           /**< `type`: 1..8 (sc_ecert_type) */
    const char *number; /**< `number`: 证书编号 */
    const char *serial; /**< `serial`: 流水号 (identifier part) */
    int revision;       /**< `revision`: 0..9, 0 when absent */
    struct {
        const char *name;          /**< `issuer.name`: 发证机构 */
        const char *org_code;      /**< `issuer.org_code`: checked (sc_ecert_org_code_check) */
        const char *accreditation; /**< `issuer.accreditation`: e.g. "CNAS L0001" */
        const char *address;       /**< `issuer.address` */
        const char *phone;         /**< `issuer.phone` */
        const char *base_url;      /**< `issuer.base_url`: http(s) URL, no trailing '/' kept */
    } issuer;
    struct {
        const char *name;    /**< `customer.name`: 委托方 */
        const char *address; /**< `customer.address` */
    } customer;
    struct {
        const char *name;         /**< `instrument.name`: 器具名称 */
        const char *model;        /**< `instrument.model`: 型号/规格 */
        const char *serial;       /**< `instrument.serial`: 出厂编号 */
        const char *manufacturer; /**< `instrument.manufacturer`: 制造单位 */
    } instrument;
    struct {
        const char *received;   /**< `dates.received`: 接收日期 */
        const char *calibrated; /**< `dates.calibrated`: 校准/检定日期 */
        const char *issued;     /**< `dates.issued`: 发布/签发日期 */
        const char *next_due; /**< `dates.next_due`: 建议下次校准日期 / 有效期至 (optional) */
    } dates;
    const char *location; /**< `location`: 地点 */
    struct {
        const char *temperature; /**< `environment.temperature`, e.g. "20.5 ℃" */
        const char *humidity;    /**< `environment.humidity`, e.g. "45 %RH" */
    } environment;
    const char *const *basis;           /**< `basis`: 技术依据, basis_count strings */
    size_t basis_count;                 /**< entries in basis */
    const sc_ecert_standard *standards; /**< `standards`, standard_count entries */
    size_t standard_count;              /**< entries in standards */
    const char *const *columns;         /**< `results.columns`: headings, column_count */
    size_t column_count;                /**< entries in columns */
    const char *const *const *rows;     /**< `results.rows`: row_count rows of column_count */
    size_t row_count;                   /**< rows */
    const char *notes;                  /**< `notes`: free text, may hold '\n' */
    struct {
        const char *calibrated_by; /**< `people.calibrated_by`: 校准员 / 检定员 */
        const char *checked_by;    /**< `people.checked_by`: 核验员 */
        const char *approved_by;   /**< `people.approved_by`: 批准人 */
    } people;
    const char *conclusion; /**< `conclusion`: 检定结论 (verification certificates) */
} sc_ecert_fields;

/** Parsed and checked certificate data: the fields above plus the JSON for template lookups. */
typedef struct sc_ecert_data sc_ecert_data;

/**
 * Parse one certificate's JSON object and check every field: required fields present, types,
 * lengths, UTF-8 without control characters (except '\n' in `notes` and cells), dates, the
 * organisation code's check character, `results.rows` each as long as `results.columns`.
 * Unknown top-level fields are kept (templates may use them) but must be strings, numbers,
 * objects or arrays within the limits.
 * @param[out] out the data, owned by the caller (sc_ecert_data_free); it keeps its own copy
 * @param json the JSON text (one object), @p len bytes
 * @return 0, SC_EFORMAT (not JSON, not an object, or a field missing or malformed: the message
 *         starts with the field path, e.g. "issuer.org_code: check character is 3, expected A"
 *         or "results.rows[12]: 3 cells, expected 4"), SC_ELIMIT (over a size, depth or count
 *         limit, naming it) or SC_ENOMEM
 */
SC_EXTERN int sc_ecert_data_parse(sc_ecert_data **out, const char *json, size_t len);

/** Release certificate data; NULL is accepted. */
SC_EXTERN void sc_ecert_data_free(sc_ecert_data *data);

/** The checked fields; borrowed from @p data. */
SC_EXTERN const sc_ecert_fields *sc_ecert_data_fields(const sc_ecert_data *data);

/**
 * Look a value up by path ("customer.name", "standards[0].serial", "basis[1]") for template
 * bindings: strings as they are, integers in decimal, true/false; borrowed from @p data.
 * @return the text, or NULL when the path does not exist or names an object, array or null
 */
SC_EXTERN const char *sc_ecert_data_get(const sc_ecert_data *data, const char *path);

/**
 * The number of entries of the array at @p path ("basis", "standards", "results.rows"), for
 * template lists and tables; 0 when the path does not exist or is not an array.
 */
SC_EXTERN size_t sc_ecert_data_array_size(const sc_ecert_data *data, const char *path);

/**
 * Override the revision (revisions: the corrected certificate is revision + 1 of the one it
 * supersedes, T/CMA 6.4.1).
 * @return 0 or SC_EINVALID (not 0..9)
 */
SC_EXTERN int sc_ecert_data_set_revision(sc_ecert_data *data, int revision);

/* ---- two-dimensional codes (T/CMA 4.3.4) ---------------------------------------------------- */

/** Symbologies of the certificate's code. */
typedef enum {
    SC_ECERT_CODE_GRID_MATRIX = 1, /**< GB/T 27766-2011 网格矩阵码 (the T/CMA default) */
    SC_ECERT_CODE_QR = 2,          /**< ISO/IEC 18004 QR code, for phones */
} sc_ecert_code_kind;

/** An encoded symbol: a square matrix of modules. */
typedef struct sc_ecert_code sc_ecert_code;

/**
 * Encode @p text (UTF-8, bytes as they are, with ECI 26 when beyond ASCII) with libzint in the
 * smallest symbol that holds it at the strongest sensible error correction: QR level H, Grid
 * Matrix level 4 of 5 (docs/formats/ecert-code.md).
 * @param[out] out the symbol, owned by the caller (sc_ecert_code_free); NULL on failure
 * @param text NUL-terminated, at most SC_ECERT_CODE_MAX_TEXT (256) bytes
 * @return 0, SC_ELIMIT (over 256 bytes, or too long for the symbology), SC_EINVALID (empty, not
 *         UTF-8, unknown @p kind), SC_ENOMEM, or SC_ERROR (zint failed; its message passed on)
 */
SC_EXTERN int sc_ecert_code_encode(sc_ecert_code **out, sc_ecert_code_kind kind, const char *text);

/** Release a symbol; NULL is accepted. */
SC_EXTERN void sc_ecert_code_free(sc_ecert_code *code);

/** Modules per side (the matrix is square; the quiet zone not included). */
SC_EXTERN size_t sc_ecert_code_modules(const sc_ecert_code *code);

/** 1 when module (@p x, @p y) (0-based, from the top left) is dark, 0 when light or outside
 * (or @p code is NULL). */
SC_EXTERN int sc_ecert_code_dark(const sc_ecert_code *code, size_t x, size_t y);

/** The quiet zone the symbology requires around the symbol, in modules (QR: 4, Grid Matrix: 6). */
SC_EXTERN size_t sc_ecert_code_quiet_modules(const sc_ecert_code *code);

/**
 * Draw a symbol on an OFD page as vector paths (dark modules filled, no image), the symbol's
 * modules filling the square (@p x, @p y, @p size, @p size) in mm; the quiet zone lies outside
 * that square and is the caller's to keep clear (sc_ecert_code_quiet_modules() x size / modules).
 * One PathObject of non-overlapping rectangles, filled with @p color, not stroked.
 * @return 0, SC_EINVALID (no such page, size <= 0, a coordinate not finite) or SC_ENOMEM
 */
SC_EXTERN int sc_ecert_code_draw(sc_ofd_writer *w, size_t page, const sc_ecert_code *code, double x,
                                 double y, double size, sc_ofd_rgb color);

/* ---- templates (docs/templates.md) ----------------------------------------------------------- */

/**
 * A certificate template: page geometry, fonts, styles, the cover page, the content flowing over
 * the following pages, the notice and page numbers on every page, the seal and code positions.
 * Loaded once (fonts parsed, images read, geometry checked) and read-only afterwards: one
 * template may serve any number of certificates in any number of threads at once.
 */
typedef struct sc_ecert_template sc_ecert_template;

/**
 * Load a template: a shipped one by name ("calibration", "verification", "verification-notice",
 * "test-report", "inspection-report"), looked up in $SEALCERT_TEMPLATES, then in the directory
 * sealcert was built or installed with; or a template file when @p name_or_path contains '/' or
 * ends in ".json". Relative file names inside the template (images, fonts) are resolved against
 * the template's directory.
 * @param[out] out the template, owned by the caller (sc_ecert_template_free)
 * @return 0, SC_ENOTFOUND (no such template or font), SC_EFORMAT (malformed template: the
 *         message names the member, e.g. "cover[3].x: not a number", or geometry that breaks the
 *         rules: something under the code's box), SC_ELIMIT or SC_ENOMEM
 */
SC_EXTERN int sc_ecert_template_load(sc_ecert_template **out, const char *name_or_path);

/** Release a template; NULL is accepted. No certificate may be in progress with it. */
SC_EXTERN void sc_ecert_template_free(sc_ecert_template *tpl);

/** The template's name (its `name` member); borrowed. */
SC_EXTERN const char *sc_ecert_template_name(const sc_ecert_template *tpl);

/** The certificate type code the template is for (1..8). */
SC_EXTERN int sc_ecert_template_type(const sc_ecert_template *tpl);

/** The template's category (its `category`, else the type's: "校准", "检测"); borrowed. */
SC_EXTERN const char *sc_ecert_template_category(const sc_ecert_template *tpl);

/* ---- issuing ----------------------------------------------------------------------------------
 */

/** An attachment: an OFD file embedded in the certificate's Attachments (T/CMA 4.1.5). */
typedef struct {
    const char *name; /**< Name readers list (e.g. "原始记录.ofd"), kept as it is; the file in
                           the package gets a plain name; NULL: Attachment_<N>.ofd */
    const unsigned char *data; /**< the OFD file's bytes (checked to open as OFD), borrowed */
    size_t len;                /**< bytes */
} sc_ecert_attachment;

/** Code choices for sc_ecert_issue_options.codes (bit set). */
#define SC_ECERT_CODES_GM   (1u << SC_ECERT_CODE_GRID_MATRIX)
#define SC_ECERT_CODES_QR   (1u << SC_ECERT_CODE_QR)
#define SC_ECERT_CODES_BOTH (SC_ECERT_CODES_GM | SC_ECERT_CODES_QR)

/** Options of sc_ecert_issue(). Everything borrowed for the duration of the call. */
typedef struct {
    unsigned int version; /**< SC_ECERT_ISSUE_OPTIONS_VERSION */
    const char *id_root;  /**< identifier root OID (configuration); NULL: the template's */
    unsigned codes;       /**< SC_ECERT_CODES_*; 0: Grid Matrix (T/CMA 4.3.4, GB/T 27766) */
    const sc_seal *seal; /**< the certificate seal (校准电子证书专用章 ...); NULL: unsealed */
    const sc_key *key;         /**< the signer's key (with seal) */
    const sc_cert *cert;       /**< the signer's certificate, listed in the seal's certList */
    int riding;                /**< 1: also a riding seal (骑缝章) over all pages */
    sc_time time;              /**< creation and signing time; SC_TIME_NOW: the clock */
    const char *supersedes;    /**< number of the certificate this one corrects (T/CMA 6.4.1),
                                    shown on the cover and kept in the tags; NULL: none */
    const char *supplement_to; /**< serial (流水号) of the certificate this file supplements
                                    (T/CMA 6.4.2): "对序号为<serial>的证书/报告的补充文件" on
                                    every page; NULL: none */
    const sc_ecert_attachment *attachments; /**< attachment_count OFD files */
    size_t attachment_count;                /**< entries in attachments */
    const sc_ecert_id *earlier; /**< with supersedes or supplement_to: the identifier of the
                                     certificate corrected or supplemented (sc_ecert_tags_read,
                                     sc_ecert_id_parse), which the data must agree with: the same
                                     issuer; a correction also the same type, accreditation and
                                     serial and the next revision, a supplement the serial in
                                     supplement_to and its own; NULL: not checked */
} sc_ecert_issue_options;

#define SC_ECERT_ISSUE_OPTIONS_VERSION 1
#define SC_ECERT_ISSUE_OPTIONS_INIT                                                                \
    {                                                                                              \
        SC_ECERT_ISSUE_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL, 0, SC_TIME_NOW, NULL, NULL,     \
            NULL, 0, NULL                                                                          \
    }

/** An issued certificate. Release with sc_ecert_issued_dispose(). */
typedef struct {
    sc_buf ofd;        /**< the sealed .ofd file */
    sc_buf file_name;  /**< its file name by T/CMA 4.4 (sc_ecert_file_name) */
    sc_buf id;         /**< the identifier (T/CMA 4.5.5) */
    sc_buf url;        /**< what the code encodes: <base_url>/v/<URL-safe identifier> */
    size_t page_count; /**< pages */
} sc_ecert_issued;

#define SC_ECERT_ISSUED_INIT                                                                       \
    {                                                                                              \
        SC_BUF_INIT, SC_BUF_INIT, SC_BUF_INIT, SC_BUF_INIT, 0                                      \
    }

/** Release what sc_ecert_issue() filled; the struct may be reused. */
SC_EXTERN void sc_ecert_issued_dispose(sc_ecert_issued *issued);

/**
 * Issue one certificate: lay the data out on the template (A4 pages, the cover, tables flowing
 * over pages with their header repeated, the notice "本证书为电子证书，请到发证机构官网验证"
 * and "第 N 页 共 M 页" on every page, the code on page 1), embed font subsets, write the
 * identifier and the certificate's facts in CustomTags, embed attachments, and seal it.
 * Deterministic for a fixed time (except the random SM2 signature values).
 * @param[out] out filled on success; untouched on failure
 * @return 0, SC_EFORMAT (data the template needs is missing or malformed, or disagrees with
 *         the earlier certificate's identifier; the message names the field),
 *         SC_ENOTFOUND (a character no configured font has: "customer.name: U+9F98 ..."),
 *         SC_EINVALID (data that needs more room than the template gives it: content under the
 *         code, running into other content or under a seal on page 1, results columns under
 *         8 mm; bad options; a seal not of the certificate's kind or a signer it refuses; an
 *         attachment that is not OFD or has dynamic elements; a correction with the old
 *         number), SC_EEXISTS (two attachments of one name), SC_ELIMIT (a line of text or a
 *         table row taller than a page, too many pages) or SC_ENOMEM
 */
SC_EXTERN int sc_ecert_issue(sc_ecert_issued *out, const sc_ecert_template *tpl,
                             const sc_ecert_data *data, const sc_ecert_issue_options *opts);

/** What an issued certificate says about itself (its CustomTags). Strings owned by the struct. */
typedef struct {
    char *id;            /**< the identifier */
    char *number;        /**< 证书编号 */
    int type;            /**< type code */
    char *instrument;    /**< instrument name */
    char *customer;      /**< customer name */
    char *issued;        /**< date of issue */
    char *supersedes;    /**< number this corrects, or "" */
    char *supplement_to; /**< serial this supplements, or "" */
} sc_ecert_tags;

/**
 * Read the certificate facts sealcert wrote into a certificate's CustomTags.
 * @param[out] out filled, owned by the caller (sc_ecert_tags_dispose)
 * @return 0, SC_ENOTFOUND (no sealcert certificate tags) or SC_EFORMAT (malformed tag file)
 */
SC_EXTERN int sc_ecert_tags_read(sc_ecert_tags *out, const sc_ofd *ofd);

/** Release what sc_ecert_tags_read() filled; NULL fields accepted. */
SC_EXTERN void sc_ecert_tags_dispose(sc_ecert_tags *tags);

#ifdef __cplusplus
}
#endif
#endif
