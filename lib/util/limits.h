/* Every input limit of sealcert in one place, each with the reason for its value (STYLE.md 4). */
#ifndef SC_UTIL_LIMITS_H
#define SC_UTIL_LIMITS_H

/* Largest buffer sealcert grows: an OFD certificate with embedded fonts is a few MB; 1 GiB stops a
 * runaway loop long before memory does. */
#define SC_BUF_MAX ((size_t)1 << 30)

/* Largest seal (SESeal DER). Real seals are 5-60 KB, dominated by the picture; an "ofd" picture
 * can reach a few hundred KB. 8 MiB leaves room and bounds memory for a hostile input. */
#define SC_SES_MAX_SEAL_SIZE ((size_t)8 << 20)

/* Largest SES_Signature: one seal plus a certificate, a timestamp token and a few hashes. */
#define SC_SES_MAX_SIGNATURE_SIZE ((size_t)9 << 20)

/* Largest key, certificate or PKCS#12 file read from disk: real ones are under 16 KB. */
#define SC_SM_MAX_KEY_FILE_SIZE ((size_t)1 << 20)

/* Largest seal picture accepted for making a seal and for conversion to PNG. */
#define SC_SES_MAX_PICTURE_SIZE ((size_t)4 << 20)

/* Largest picture dimension (pixels) decoded when converting to PNG: 40 mm at 1200 dpi is ~1900;
 * 8192 bounds decoder memory at 256 MiB RGBA. */
#define SC_SES_MAX_PICTURE_PIXELS 8192

/* Most characters in one text of a drawn seal picture (organisation name, seal name, code): the
 * longest registered organisation names are about 40 characters; past 64 the characters on a
 * 40 mm seal are under 1.5 mm wide and no longer legible. */
#define SC_SES_MAX_DRAW_CHARS 64

/* Most certificates in a seal's certList: real seals list 1-3 signers. */
#define SC_SES_MAX_CERT_LIST 64

/* Deepest DER nesting accepted in a seal or seal signature: SES_Signature reaches 7 levels
 * (SES_Signature, TBS_Sign, SESeal, SES_SealInfo, SES_ESPropertyInfo, certList, CertDigestObj)
 * plus 2 for [0] EXPLICIT extDatas; 16 leaves room and bounds the recursion of the DER check. */
#define SC_SES_MAX_DER_DEPTH 16

/* Largest iteration count of one password-based key derivation in a key file: PBKDF2, PBES1 or
 * PKCS#12 PBE iterations of an encrypted PKCS#8 key, a PKCS#12 key bag or encrypted safe, the
 * PKCS#12 MAC's iterations, or N*r*p of scrypt. OpenSSL runs whatever count a file names (2^31
 * kept one read busy for hours). Real files: OpenSSL 3 writes 2048, Windows 2000-10000, Java
 * keytool 10000, the ofdrw samples (BouncyCastle) 51200 and a MAC of 102400; OWASP's advice for
 * PBKDF2-SHA256 is 600000. 1,000,000 PBKDF2-HMAC-SM3 iterations take ~0.6 s, and scrypt with
 * N*r*p = 2^20 ~0.4 s, so one unit of either costs about the same. */
#define SC_SM_MAX_KDF_ITERATIONS 1000000

/* Largest sum of those counts over one file: a PKCS#12 file runs several derivations (the MAC,
 * each encrypted safe, a key bag), and a 1 MB file can hold thousands of encrypted safes, each
 * under SC_SM_MAX_KDF_ITERATIONS. Four items at that limit fit; the ofdrw samples need 204800.
 * The MAC and the encrypted safes are derived twice (checked by us, then by PKCS12_parse), so a
 * file at the limit costs a few seconds. */
#define SC_SM_MAX_KDF_TOTAL (4 * SC_SM_MAX_KDF_ITERATIONS)

/* Most certificates loaded from a trust directory. */
#define SC_SM_MAX_TRUST_CERTS 4096

/* ---- OFD packages (lib/ofd read side) ---- */

/* Largest .ofd file read from disk: real documents are under 10 MB, scanned ones with many pages
 * reach 100 MB; the whole file is held in memory with every entry decompressed. */
#define SC_OFD_MAX_FILE_SIZE ((size_t)256 << 20)

/* Most zip entries: a 1000-page document with one image per page has about 3000. The central
 * directory is walked before anything is decompressed, so this bounds the work up front. */
#define SC_OFD_MAX_ENTRIES 20000

/* Largest uncompressed entry: CJK fonts embedded whole are 10-20 MB; scanned page images a few
 * MB. Checked against the declared size before decompressing and again while reading. */
#define SC_OFD_MAX_ENTRY_SIZE ((size_t)64 << 20)

/* Largest sum of uncompressed entries: every entry is decompressed at open, so this is the memory
 * one package may take. */
#define SC_OFD_MAX_TOTAL_SIZE ((size_t)512 << 20)

/* Largest uncompressed/compressed ratio of one entry (zip bombs reach millions). Deflate tops out
 * near 1032:1, and only runs of one byte get there; XML compresses 5-50:1, a blank 1-bit BMP a
 * few hundred. Applied to entries over SC_OFD_RATIO_MIN_SIZE, where the memory matters. */
#define SC_OFD_MAX_RATIO 1100

/* Entries at most this large are not ratio-checked: a few MB cannot hurt and small files of
 * repeated bytes legitimately compress beyond any ratio. */
#define SC_OFD_RATIO_MIN_SIZE ((size_t)4 << 20)

/* Longest package path (ST_Loc) in bytes with the NUL: real ones are under 200. */
#define SC_OFD_MAX_PATH 1024

/* Largest XML file parsed: page contents with all glyphs as paths reach a few MB (the LibreOffice
 * sample: 550 KB); libxml2 builds a tree of about 10x the text. */
#define SC_OFD_MAX_XML_SIZE ((size_t)32 << 20)

/* Deepest element nesting walked in page contents (nested PageBlock/CompositeObject): real pages
 * stay under 10; the bound keeps the recursive walk off the end of the stack. */
#define SC_OFD_MAX_XML_DEPTH 128

/* Most documents (DocBody) in one package: the standard allows several, producers write one. */
#define SC_OFD_MAX_DOCS 64

/* Most pages of one document and most resources of one document. */
#define SC_OFD_MAX_PAGES     100000
#define SC_OFD_MAX_RESOURCES 200000

/* Most text kept per page for search and `info` (UTF-8 bytes): a dense A4 page has 5-10 KB. */
#define SC_OFD_MAX_PAGE_TEXT ((size_t)1 << 20)

/* Most page text the model keeps for a whole package (pages that share one Content.xml or one
 * template each keep their own copy): 64 MB is ~6,000 dense pages; later pages keep none. */
#define SC_OFD_MAX_TEXT_TOTAL ((size_t)64 << 20)

/* Most graphic objects read from one page by sc_ofd_page_objects_load (its Content.xml plus the
 * Appearances of its annotations; PageBlocks count): the densest sample page (WPS, glyphs as
 * paths) has 700; a page of a million objects is a hostile file, and each costs ~400 bytes. */
#define SC_OFD_MAX_PAGE_OBJECTS 100000

/* Most TextCodes read from one page: one per character run, a dense page has a few thousand;
 * each costs ~60 bytes, so the bound keeps a 32 MB page under ~12 MB. */
#define SC_OFD_MAX_TEXT_CODES 200000

/* Most Clip Areas of one graphic object: producers write one clip rectangle; a clip of hundreds
 * of areas is no page anyone draws. */
#define SC_OFD_MAX_CLIP_AREAS 256

/* Most Template references of one page: producers write one or two; each one is a template
 * file parsed again for the page, so the count bounds that work too. */
#define SC_OFD_MAX_PAGE_TEMPLATES 64

/* Most annotations of one page: invoices carry 1-3 (stamp, watermark); a StampAnnot per keyword
 * occurrence stays under SC_OFD_MAX_KEYWORD_STAMPS per signature. */
#define SC_OFD_MAX_ANNOTS 10000

/* Most entries in a ColorSpace's Palette: an indexed colour space of 8 bits has 256; 4096 covers
 * 12 bits. */
#define SC_OFD_MAX_PALETTE 4096

/* Longest chain of DrawParam Relative references followed: real files use one level; the bound
 * also ends a cycle. */
#define SC_OFD_MAX_DRAW_PARAM_DEPTH 16

/* Most signatures in Signatures.xml and most References in one signature: real files have 1-10
 * signatures and one Reference per package file. */
#define SC_OFD_MAX_SIGNATURES 1000
#define SC_OFD_MAX_REFERENCES 100000

/* Largest coordinate, gap, size or CTM entry the text-position reader accepts (mm): a page is
 * at most metres wide; the bound keeps every sum and product of them finite (no inf or NaN in
 * a stamp's Boundary), however many characters a line has. */
#define SC_OFD_MAX_COORD_MM 1e6

/* Most occurrences of a keyword the signer stamps, per page and per document (one StampAnnot
 * each): a keyword found more often is a common word of the text, not a place to sign. */
#define SC_OFD_MAX_KEYWORD_STAMPS 500

/* Largest SignedValue file: an SES_Signature (SC_SES_MAX_SIGNATURE_SIZE), base64-encoded by
 * KingGrid (4/3 of it). */
#define SC_OFD_MAX_SIGNED_VALUE ((size_t)13 << 20)

/* ---- OFD writer ---- */

/* Largest image accepted by the OFD writer: a 600 dpi A4 colour scan as PNG is ~25 MB; more would
 * make a certificate too large to mail or store, and the bytes are copied into the document. */
#define SC_OFD_MAX_IMAGE_SIZE ((size_t)32 << 20)

/* Largest image side (pixels) the writer accepts: A4 at 1200 dpi is ~14000; readers decode
 * images to RGBA, and 20000 x 20000 is already 1.6 GB there. */
#define SC_OFD_MAX_IMAGE_PIXELS 20000

/* Most characters in one text call (a line or a text box): a dense A4 page holds ~3000 CJK
 * characters; 64K bounds the per-call arrays (advances, break opportunities) at about 2 MB. */
#define SC_OFD_MAX_TEXT_CHARS 65536

/* Longest attachment Name the writer takes, in bytes (a file name's limit on most systems). */
#define SC_OFD_MAX_ATTACHMENT_NAME 255

/* Most columns of a layout table: an A4 landscape table past 32 columns has cells under 9 mm. */
#define SC_OFD_MAX_TABLE_COLUMNS 64

/* Largest font file: the shipped templates' biggest, NotoSerifCJK-Regular.ttc, is 26 MB, and
 * pan-CJK collections are a few times that. Font files are mapped, not read, so this bounds
 * address space; only regular files are accepted, as harfbuzz reads anything it cannot map
 * (a template naming /dev/zero took ~900 MB). */
#define SC_OFD_MAX_FONT_FILE ((size_t)256 << 20)

/* Subsets kept per font (by set of characters): a certificate run repeats a few glyph sets
 * (the template text); each entry holds the subset and its deflated bytes, 30-300 KB for a CJK
 * page, so 64 entries stay under ~40 MB per font. Beyond it the oldest entry is replaced. */
#define SC_OFD_FONT_SUBSET_CACHE 64

/* ---- metrology certificates (lib/ecert) ---- */

/* Largest template file: the shipped ones are under 10 KB; a laboratory's with several pages of
 * static text stays under 100 KB. */
#define SC_ECERT_MAX_TEMPLATE_SIZE ((size_t)1 << 20)

/* Most elements in one template list (cover, every_page, flow blocks, fields, columns, fonts,
 * styles): a dense cover has ~60 elements. */
#define SC_ECERT_MAX_TEMPLATE_ITEMS 512

/* Largest image a template draws (logo): read once at load; a 600 dpi logo is under 1 MB. */
#define SC_ECERT_MAX_TEMPLATE_IMAGE ((size_t)8 << 20)

/* Most pages of one certificate: 10,000 result rows at ~40 rows a page is 250 pages; past 2,000
 * the certificate is a data dump, not a certificate. */
#define SC_ECERT_MAX_PAGES 2000

/* Longest text after placeholders are substituted: a cell or paragraph of a certificate. */
#define SC_ECERT_MAX_TEXT ((size_t)64 << 10)

/* Longest text put in a certificate's 2D code (bytes): the identifier URL is 110-160 bytes. At 256
 * bytes QR at level H needs 77 modules and Grid Matrix at level 4 needs 90, i.e. 0.32 and 0.28 mm
 * modules in the 25 mm square of T/CMA 4.3.4: about the smallest that a 300 dpi office printer
 * (3-4 dots per module) and a phone camera still handle. Longer text would need a bigger code. */
#define SC_ECERT_CODE_MAX_TEXT 256

/* ---- certificate data (lib/ecert/ecert_data.c, docs/formats/ecert-data.md) ---- */

/* Largest certificate data (JSON) parsed: a record with 10,000 result rows of 6 cells is about
 * 1 MB; jansson's tree takes several times the text, so 4 MiB bounds it near 40 MB. */
#define SC_ECERT_MAX_DATA_SIZE ((size_t)4 << 20)

/* Deepest nesting of arrays and objects: the format itself needs 4 (results.rows[i][j]); 32
 * leaves templates room for their own fields and keeps the recursive walks shallow. jansson's
 * own bound (JSON_PARSER_MAX_DEPTH, 2048) only protects its stack; this one is checked on the raw
 * text before jansson builds anything. */
#define SC_ECERT_MAX_DATA_DEPTH 32

/* Most items (strings, numbers, arrays, objects, member names) in one document: 10,000 rows of
 * 16 cells are 170,000; each costs jansson 40-100 bytes, so 500,000 bound the tree at ~50 MB
 * whatever the item sizes. Checked on the raw text before parsing. */
#define SC_ECERT_MAX_DATA_ITEMS 500000

/* Longest string anywhere in the data (notes, fields a template adds): a page of notes is about
 * 3,000 CJK characters (9 KB); 64 KiB is several pages. */
#define SC_ECERT_MAX_STRING_SIZE ((size_t)64 << 10)

/* Longest named single-line field (names, addresses, column headings, basis, standards): the
 * longest registered organisation names and addresses are under 100 characters (300 bytes). */
#define SC_ECERT_MAX_FIELD_SIZE ((size_t)1024)

/* Longest result cell: a value with its unit and a remark, possibly over a few lines. */
#define SC_ECERT_MAX_CELL_SIZE ((size_t)4096)

/* Longest identifier part (证书编号, 流水号, accreditation id): they are printed, encoded in the
 * two-dimensional code (T/CMA 4.5.5) and put in file names (4.4, 255 bytes in all). Shared by
 * lib/ecert/ecert_id.c and ecert_data.c so data that parses always formats an identifier. */
#define SC_ECERT_MAX_ID_PART ((size_t)64)

/* Longest issuer.base_url: the verification URL <base_url>/v/<identifier, percent-encoded> goes
 * into the code, where ~150 bytes of identifier plus 256 of URL still fit a 25 mm symbol. */
#define SC_ECERT_MAX_URL_SIZE ((size_t)256)

/* Longest member name: ours are under 20 bytes; template fields are names, not text. */
#define SC_ECERT_MAX_KEY_SIZE ((size_t)128)

/* Most result rows, and most entries of any array: a multi-range instrument calibrated point by
 * point reaches a few hundred rows; 10,000 is a 200-page certificate. */
#define SC_ECERT_MAX_ROWS  10000
#define SC_ECERT_MAX_ARRAY 10000

/* Most result columns: what the OFD layout can draw in one table. */
#define SC_ECERT_MAX_COLUMNS SC_OFD_MAX_TABLE_COLUMNS

/* Most entries of `basis` (技术依据) and `standards` (计量标准器): real certificates list 1-5. */
#define SC_ECERT_MAX_BASIS     64
#define SC_ECERT_MAX_STANDARDS 64

/* Longest path given to sc_ecert_data_get(): keys of SC_ECERT_MAX_KEY_SIZE a few levels deep. */
#define SC_ECERT_MAX_PATH 512

#endif
