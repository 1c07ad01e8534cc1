/* sealcert lib/ecert: metrology electronic certificates (T/CMA draft "计量电子证书通用技术规范"):
 * certificate types, the electronic certificate identifier (4.5.5), organisation codes, file
 * names (4.4). */
#ifndef SC_INCLUDE_ECERT_H
#define SC_INCLUDE_ECERT_H

#include "common.h"
#include "buffer.h"

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
 * @return 0, SC_EINVALID (type, empty number, or no room even without the instrument name)
 */
SC_EXTERN int sc_ecert_file_name(sc_buf *out, int type, const char *number, const char *instrument,
                                 const char *instrument_serial);

#ifdef __cplusplus
}
#endif
#endif
