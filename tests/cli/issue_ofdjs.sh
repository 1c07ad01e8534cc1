# Issued certificates in ofd.js 0.2.6 (headless Chromium), software nobody here wrote, compared
# with where the template puts things (expectations computed from templates/calibration.json and
# the data by tests/web/ofd_fixture.py, never read back from ofd.js):
# - every text of the template (the title, the number, the fields, the notice and 第N页共M页 on
#   every page, the flow header) at its position, within 1.5 mm; the seal in its box;
# - the glyphs drawn (ink in each character's cell, on a screenshot): 龘, ℃, ±, Ω, 6½;
# - the 2D code: Grid Matrix by default (T/CMA 4.3.4), module for module zint's symbol of the URL;
#   with --code qr a QR code that zbarimg reads; with --code both the two; each code inked in its
#   25 mm box with a blank ring around it, nothing else drawn in the margins;
# - 120 result rows: every page A4, the notice on every page, the table header repeated at the
#   top of every page the table continues on.
# A last run gives wrong expectations and a tampered copy: each kind of check must fail.
. "$(dirname "$0")/lib/cli.bash"

WEB="$SEALCERT_SOURCE/tests/web"
DATA="$SEALCERT_SOURCE/tests/data/ecert"
TPL="$SEALCERT_SOURCE/templates/calibration.json"
export SEALCERT_TEMPLATES="$SEALCERT_SOURCE/templates"
# An example identifier root code (T/CMA 4.5.5): the shipped templates have none.
export SEALCERT_ID_ROOT=1.2.156.112600.1
for need in node zbarimg zint "${OFDJS_CHROMIUM:-/usr/bin/chromium}"; do
    command -v "$need" >/dev/null || { echo "FAIL: $need is missing (scripts/install-deps)" >&2; exit 1; }
done
[[ -f "$WEB/node_modules/ofd.js/package.json" ]] ||
    { echo "FAIL: $WEB/node_modules is not installed: run 'make web-deps'" >&2; exit 1; }
CHECK=(node "$WEB/ofdjs-check.mjs" --timeout 60)
FIX=("$PY" "$WEB/ofd_fixture.py")

make_seal_setup "Issue Test"

# issue NAME DATA [OPTIONS]: a calibration certificate into $T/NAME/; sets CERT, URL, ID, PAGES.
issue() {
    local name=$1 data=$2
    shift 2
    mkdir -p "$T/$name"
    expect_exit 0 "$SC" issue -t calibration -d "$data" "${SEAL[@]}" -o "$T/$name" "$@"
    CERT=$(cat "$OUT")
    expect_exit 0 "$SC" info "$CERT" --json
    URL=$(json_get documents.0.custom_tags.0.values.url)
    ID=$(json_get documents.0.custom_tags.0.values.id)
    PAGES=$($PY -c 'import json, sys; print(len(json.load(sys.stdin)["documents"][0]["pages"]))' <"$OUT")
    [[ "$URL" == https://ecert.mjjl.example.cn/v/* ]] || fail "$name: url in the tags: $URL"
}

# Where the template puts its texts, as harness options (one a line), for PAGES pages.
template_texts() {
    mapfile -t TEXTS < <("${FIX[@]}" template-texts "$TPL" "$1" "$2" id="$ID")
    [[ ${#TEXTS[@]} -gt 40 ]] || fail "template-texts gave ${#TEXTS[@]} lines"
}

# The code's place (T/CMA 4.3.4: 25 mm, page 1) and code2's (--code both: the QR code there).
read -r CODE_PAGE CODE_X CODE_Y CODE_SIZE CODE2_X CODE2_Y < <("${FIX[@]}" template-code "$TPL")
[[ "$CODE_PAGE $CODE_SIZE" == "1 25" && "$CODE2_X" != - ]] ||
    fail "template code: page $CODE_PAGE, $CODE_SIZE mm, code2 at $CODE2_X"

# box_of WHERE: the box of the template's code ("code") or code2 ("code2") as X Y.
box_of() {
    if [[ $1 == code ]]; then echo "$CODE_X $CODE_Y"; else echo "$CODE2_X $CODE2_Y"; fi
}

# code_box WHERE: the code's box has ink (a symbol is about half dark), and a ring 0.3 to 3 mm
# outside it (the quiet zone, 1.9 mm for QR and 2.3 mm for Grid Matrix, and a little more) is
# blank: the code overlaps nothing.
code_box() {
    local x y s=$CODE_SIZE p=$CODE_PAGE x0 y0 x1 y1 i
    read -r x y < <(box_of "$1")
    read -r x0 y0 x1 y1 i < <(awk -v a="$x" -v b="$y" -v s="$s" \
        'BEGIN { printf "%g %g %g %g %g\n", a - 3, b - 3, a + s + 0.3, b + s + 0.3, s + 6 }')
    RUN+=(--expect-ink "$p,$x,$y,$s,$s,0.3"
        --expect-blank "$p,$x0,$y0,$i,2.7" --expect-blank "$p,$x0,$y1,$i,2.7"
        --expect-blank "$p,$x0,$y0,2.7,$i" --expect-blank "$p,$x1,$y0,2.7,$i")
}

# The template keeps everything inside x 20..190 (its lines and its flow column) and between the
# header (baseline 17, the code's top at 14) and the notice (baseline 286): the margins are blank.
MARGINS=(--expect-blank '*,0,0,19.5,297' --expect-blank '*,190.5,0,19.5,297'
    --expect-blank '*,0,0,210,11' --expect-blank '*,0,288,210,9')
# Texts whose every character must be drawn: the rare 龘 (the fallback font's), the units.
GLYPHS=(--expect-glyphs "龘龘精密仪器有限公司" --expect-glyphs "34465A (6½ 位)"
    --expect-glyphs "(20.3 ± 0.5) ℃" --expect-glyphs "100 Ω" --expect-glyphs "30 μΩ/Ω"
    --expect-glyphs "±0.4 ℃" --expect-glyphs "本证书为电子证书，请到发证机构官网验证")
# The template's seal: centre (152, 232) on page 1, the 40 mm picture of make_seal_setup's seal.
COMMON=(--expect-pages 2 --expect-page-size 210,297 --expect-valid --expect-signatures 1
    --expect-no-errors --expect-seal 1,132,212,40,40 "${MARGINS[@]}" "${GLYPHS[@]}"
    --expect-text "扩展不确定度" --expect-text "±" --expect-text "℃" --expect-text "Ω")

# The harness's command line (one browser for every file) and, by certificate, its URL and where
# its codes are (code or code2, - for none).
RUN=()
declare -A URLS GM_AT QR_AT

# certificate NAME GM QR [ISSUE OPTIONS]: the calibration record issued into $T/NAME/ with its
# Grid Matrix code at GM and its QR code at QR (code, code2 or -), added to RUN with the
# template's texts and a code in each box named (the other blank), page 1 and each code's box
# saved as NAME-page1.png, NAME-gm.png (the box) and NAME-qr.png (with the quiet zone).
certificate() {
    local name=$1 gm=$2 qr=$3 where x y
    shift 3
    issue "$name" "$DATA/calibration.json" "$@"
    template_texts "$DATA/calibration.json" 2
    URLS[$name]=$URL GM_AT[$name]=$gm QR_AT[$name]=$qr
    RUN+=("$CERT" "${COMMON[@]}" "${TEXTS[@]}" --screenshot "$T/$name-page1.png")
    for where in code code2; do
        if [[ $gm == "$where" || $qr == "$where" ]]; then
            code_box "$where"
        else
            read -r x y < <(box_of "$where")
            RUN+=(--expect-blank "$CODE_PAGE,$x,$y,$CODE_SIZE,$CODE_SIZE")
        fi
    done
    if [[ $gm != - ]]; then
        read -r x y < <(box_of "$gm")
        RUN+=(--screenshot-box "$CODE_PAGE,$x,$y,$CODE_SIZE,$CODE_SIZE" "$T/$name-gm.png")
    fi
    if [[ $qr != - ]]; then
        read -r x y < <(box_of "$qr")
        RUN+=(--screenshot-box "$(awk -v a="$x" -v b="$y" -v s="$CODE_SIZE" -v p="$CODE_PAGE" \
            'BEGIN { printf "%d,%g,%g,%g,%g\n", p, a - 2, b - 2, s + 4, s + 4 }')" "$T/$name-qr.png")
    fi
}

# The default code is Grid Matrix (T/CMA 4.3.4); --code both adds the QR code at code2.
certificate gm code -
certificate qr - code --code qr
QR_CERT=$CERT
certificate both code code2 --code both

# 120 result rows (5 columns, as tests/ecert/issue.c has them).
$PY - "$DATA/calibration.json" "$T/rows120.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["results"] = {"columns": ["序号", "量程", "标准值", "示值误差", "扩展不确定度 U (k=2)"],
                "rows": [[str(i + 1), f"{1 + i % 7} V", f"{1 + i % 7}.{i:03d} V",
                          f"±0.{i % 97:03d} mV", "3 μV"] for i in range(120)]}
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
issue rows120 "$T/rows120.json"
ROWS_PAGES=$PAGES
[[ $ROWS_PAGES -ge 4 ]] || fail "120 rows on $ROWS_PAGES pages"
template_texts "$T/rows120.json" "$ROWS_PAGES"
RUN+=("$CERT" --expect-pages "$ROWS_PAGES" --expect-page-size 210,297 --expect-valid
    --expect-no-errors "${MARGINS[@]}" "${TEXTS[@]}")
# The results start on page 2 (cover, then the flow) and continue to the last page, the header
# row at the top of the flow (its top at 32 mm, a row 6 mm high) on every page after the first.
for h in 序号 量程 标准值 示值误差 "扩展不确定度 U (k=2)"; do
    RUN+=(--expect-text-in "2,20,32,170,244,$h" --expect-text-in "3-$ROWS_PAGES,20,32,170,6,$h")
done
# The first row on page 2, the last (its 标准值 cells are unique) on the last page, below the header.
RUN+=(--expect-text-in "2,20,32,170,244,1.000 V" --expect-text-in "$ROWS_PAGES,20,38,170,238,1.119 V"
    --expect-glyphs "扩展不确定度 U (k=2)")

BLANK=$'\xe2\xa0\x80' # U+2800, spelled in bytes: the test's locale may not be UTF-8
# A tampered copy for the glyph check's twin: the first ℃ of page 2 (环境条件 (20.3 ± 0.5) ℃)
# replaced by U+2800 (braille blank, 3 bytes in UTF-8 too, not whitespace): a character that is
# drawn and has no ink, as WenQuanYi Micro Hei's ℃ had (an empty glyph).
"${FIX[@]}" tamper "$QR_CERT" "$T/blank-glyph.ofd" Doc_0/Pages/Page_1/Content.xml "℃" "$BLANK" ||
    fail "tamper"

# The last two files are the twins: wrong expectations must fail.
expect_exit 1 "${CHECK[@]}" "${RUN[@]}" \
    "$QR_CERT" --expect-page-size 210,297.8 \
    --expect-text-at "1,107,62,center,校 准 证 书" \
    --expect-text-at "*,20,280,本证书为电子证书，请到发证机构官网验证" \
    --expect-text-at "2,190,286,right,第 1 页 共 2 页" \
    --expect-text-in "1,79,111.5,2,11.5,龘龘精密仪器有限公司" \
    --expect-ink "1,20,88,100,8" --expect-blank "1,$CODE_X,$CODE_Y,$CODE_SIZE,$CODE_SIZE" \
    --expect-glyphs "不在证书上的字" \
    "$T/blank-glyph.ofd" --expect-glyphs "0.5) $BLANK"
for i in 0 1 2 3; do
    expect_json "files.$i.exit_code" 0
    expect_json "files.$i.failed" "[]"
done
expect_json files.0.signatures.0.valid true
expect_json files.3.pages "$ROWS_PAGES"
expect_json files.4.exit_code 1
expect_json files.5.exit_code 1
SCALE=$(json_get files.0.scale_px_per_mm)
# Each wrong expectation fails, with its own message (and nothing else does).
$PY - "$OUT" <<'PY' || fail "the twins' failures"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
got = doc["files"][4]["failed"] + doc["files"][5]["failed"]
want = [
    "page 1 is 210 x 297 mm in ofd.js, expected 210 x 297.8",
    "page 2 is 210 x 297 mm in ofd.js, expected 210 x 297.8",
    "page 1: text '校 准 证 书' at center x 107, baseline y 62 mm (tolerance 1.5 mm): "
    "drawn at (105, 62)",
    "page 1: text '本证书为电子证书，请到发证机构官网验证' at left x 20, baseline y 280 mm",
    "page 2: text '本证书为电子证书，请到发证机构官网验证' at left x 20, baseline y 280 mm",
    "page 2: text '第 1 页 共 2 页' at right x 190, baseline y 286 mm (tolerance 1.5 mm): "
    "drawn at nowhere",
    "page 1: text '龘龘精密仪器有限公司' starting in the box [79, 111.5, 2, 11.5] mm: "
    "drawn at (80, 103.85)",
    "page 1, box [20, 88, 100, 8] mm: 0 of ",
    "page 1, box [163, 14, 25, 25] mm: expected blank, ",
    "--expect-glyphs: text '不在证书上的字' is not drawn on one line on any page",
    "page 2, box [",
]
missing = [w for w in want if not any(g.startswith(w) for g in got)]
extra = [g for g in got if not any(g.startswith(w) for w in want)]
blank = [g for g in doc["files"][5]["failed"]
         if "'\u2800' of '0.5) \u2800' has" in g and "not drawn" in g]
for m in missing:
    print(f"expected failure missing: {m}", file=sys.stderr)
for e in extra:
    print(f"unexpected failure: {e}", file=sys.stderr)
if not blank:
    print("the blank glyph passed the glyph check", file=sys.stderr)
sys.exit(1 if missing or extra or not blank else 0)
PY

# zbarimg: the Grid Matrix page has no QR code in it; a QR code decodes to exactly the URL, from
# the whole page and from its own box (with the quiet zone) alone; the Grid Matrix box reads as
# nothing. And the Grid Matrix box (GB/T 27766) is, module for module, what zint, the independent
# encoder, makes of the URL at level 4 (docs/formats/ecert-code.md).
# expect_zbar PNG URL WHAT: zbarimg reads exactly URL ("" for nothing) from PNG.
expect_zbar() {
    local got
    got=$(zbarimg --raw -q "$1" 2>/dev/null)
    [[ "$got" == "$2" ]] || fail "zbarimg read '$got' from $3, expected '$2'"
}
for name in gm qr both; do
    url=${URLS[$name]}
    if [[ ${QR_AT[$name]} == - ]]; then
        expect_zbar "$T/$name-page1.png" "" "$name: page 1"
    else
        expect_zbar "$T/$name-page1.png" "$url" "$name: page 1"
        expect_zbar "$T/$name-qr.png" "$url" "$name: the QR code's box (${QR_AT[$name]})"
    fi
    [[ ${GM_AT[$name]} != - ]] || continue
    expect_zbar "$T/$name-gm.png" "" "$name: the Grid Matrix box"
    want=$(zint -b 142 --secure=4 --binary -d "$url" --dump 2>/dev/null)
    n=$(wc -l <<<"$want")
    read -r x y < <(box_of "${GM_AT[$name]}")
    got=$("${FIX[@]}" modules "$T/$name-gm.png" "$x,$y,$CODE_SIZE" "$n" "$SCALE")
    [[ $n -ge 18 && "$got" == "$want" ]] ||
        fail "$name: the rendered code is not zint's $n-module Grid Matrix of the URL"
done

finish
