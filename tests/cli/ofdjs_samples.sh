# ofd.js 0.2.6 (tests/web/ofdjs-check.mjs, headless Chromium) on OFD files from other producers:
# it opens them, draws the seal where the StampAnnot Boundary says, and reports the signature
# valid; a changed byte in a signed file is reported invalid. Also that the harness fails when it
# should (a wrong place, missing text) and that it cannot run quietly without its browser.
# What ofd.js checks and what it does not: docs/internals/ofdjs-test.md.
. "$(dirname "$0")/lib/cli.bash"

WEB="$SEALCERT_SOURCE/tests/web"
FIX=("$PY" "$WEB/ofd_fixture.py")

# ---- the harness must be able to run: fail, never skip, when something is missing ----
preflight() {
    local why=""
    if ! command -v node >/dev/null; then
        why="node is not installed (scripts/install-deps installs Debian's nodejs)"
    elif [[ $(node -p 'process.versions.node.split(".")[0]') -lt 18 ]]; then
        why="node $(node --version) is older than 18"
    elif [[ ! -f "$WEB/node_modules/ofd.js/package.json" || ! -f "$WEB/node_modules/playwright-core/package.json" ]]; then
        why="$WEB/node_modules is not installed: run 'make web-deps'"
    elif [[ ! -x "${OFDJS_CHROMIUM:-/usr/bin/chromium}" ]]; then
        why="${OFDJS_CHROMIUM:-/usr/bin/chromium} is missing (Debian package chromium)"
    fi
    if [[ -n "$why" ]]; then
        echo "FAIL: cannot run the ofd.js tests: $why" >&2
        exit 1
    fi
}
preflight
CHECK=(node "$WEB/ofdjs-check.mjs" --timeout 30)

# expect_json_contains PATH FRAGMENT: the JSON value at PATH contains FRAGMENT.
expect_json_contains() {
    local got
    got=$(json_get "$1" 2>&1) || { fail "stdout is not JSON with field '$1': $got"; return; }
    [[ "$got" == *"$2"* ]] || fail "JSON field '$1' is '$got', expected it to contain '$2'"
}

# shift_box PAGE,X,Y,W,H DX: the same box DX mm to the right.
shift_box() {
    awk -F, -v dx="$2" '{ printf "%s,%g,%s,%s,%s\n", $1, $2 + dx, $3, $4, $5 }' <<<"$1"
}

HELLO="$SAMPLES/ofdrw_v4_seal_hello.ofd"
INVOICE="$SAMPLES/einvoice_zhejiang_gomain_v4.ofd"
RIDING="$SAMPLES/ofdrw_v4_riding_seal_5pages.ofd"
BROKEN="$SAMPLES/ofdrw_v4_two_seals_first_broken.ofd"
CONTENT=Doc_0/Pages/Page_0/Content.xml

# Where the seals must be, read from the packages' own StampAnnot elements (not from ofd.js).
hello_seal=$("${FIX[@]}" stamp "$HELLO")            # 1,50,50,40,40
invoice_seal=$("${FIX[@]}" stamp "$INVOICE")        # 1,90,8,30,20: a seal whose picture is an OFD
riding_seal_p4=$("${FIX[@]}" stamp "$RIDING" 3)     # 4,178,40,40,40: one signature, a stamp per page
[[ "$hello_seal" == 1,* && "$invoice_seal" == 1,* && "$riding_seal_p4" == 4,* ]] ||
    { echo "FAIL: StampAnnot boundaries not read: '$hello_seal' '$invoice_seal' '$riding_seal_p4'" >&2; exit 1; }

# One byte changed in the signed page content ("Reader" -> "Readex"), re-zipped: the Reference
# digest no longer matches. Then the same change with that Reference's CheckValue recomputed: a
# forgery that only dataHash (SM3 of Signature.xml, inside the signed TBS_Sign) can catch.
"${FIX[@]}" tamper "$HELLO" "$T/tampered.ofd" "$CONTENT" Reader Readex
"${FIX[@]}" tamper "$HELLO" "$T/rehashed.ofd" "$CONTENT" Reader Readex --fix-checkvalue
# A Reference whose FileRef names no file in the package (".XML"): ofd.js skips it without a word.
"${FIX[@]}" tamper "$HELLO" "$T/lostref.ofd" Doc_0/Signs/Sign_0/Signature.xml \
    "$CONTENT\"" "${CONTENT%.xml}.XML\""

# ---- one browser for the files; each file's expectations follow it ----
expect_exit 1 "${CHECK[@]}" \
    "$HELLO" --expect-pages 1 --expect-signatures 1 --expect-valid --expect-seal "$hello_seal" \
    --expect-references 5 --expect-no-errors \
    --expect-text "你好呀，OFD Reader&Writer！" --screenshot "$T/hello.png" \
    "$INVOICE" --expect-pages 1 --expect-signatures 1 --expect-valid --expect-seal "$invoice_seal" \
    --expect-text 浙江增值税电子普通发票 --expect-text 伍佰贰拾陆圆整 --expect-text 江苏京利华新材料有限公司 \
    "$RIDING" --expect-pages 5 --expect-signatures 1 --expect-valid --expect-seal "$riding_seal_p4" \
    "$T/tampered.ofd" --expect-invalid --dump-text \
    "$T/rehashed.ofd" --expect-valid --expect-seal "$hello_seal" \
    "$BROKEN" --expect-invalid --expect-signatures 2 \
    "$HELLO" --expect-seal "$(shift_box "$hello_seal" 5)" \
    "$HELLO" --expect-seal "2,${hello_seal#1,}" \
    "$HELLO" --expect-text "OFD Reader&Writer 不在这里" \
    "$INVOICE" --expect-seal "$(shift_box "$invoice_seal" -3)" \
    "$T/lostref.ofd" --expect-valid --expect-references 5
expect_json exit_code 1

# The signed sample: opened, one page, seal drawn at Boundary x scale, signature valid in both of
# ofd.js's checks (SM2 signature over TBS_Sign, and the Reference digests), no console errors.
expect_json files.0.exit_code 0
expect_json files.0.opened true
expect_json files.0.pages 1
expect_json files.0.signatures.0.valid true
expect_json files.0.signatures.0.signature_value_ok true
expect_json files.0.signatures.0.digest_ok true
expect_json files.0.signatures.0.references_checked 5
expect_json files.0.signatures.0.seal_name "OFD R&W 测试用印章"
expect_json files.0.signatures.0.signer "Test Certificate"
expect_json files.0.signatures.0.stamps.0.boundary_mm "[50, 50, 40, 40]"
expect_json files.0.seals_drawn.0.page 1
expect_json files.0.seals_drawn.0.picture_ok true
expect_json files.0.text_found.0 "你好呀，OFD Reader&Writer！"
expect_json files.0.errors "[]"
# The screenshot really shows the seal there: its red pixels fall inside the StampAnnot box (in
# px at the scale ofd.js used) and nowhere else; the picture is the size of the page.
scale=$(json_get files.0.scale_px_per_mm)
page_px=$(json_get files.0.page_sizes_px.0)
expect_file "$T/hello.png"
CASES=$((CASES + 1))
box_px=$(awk -F, -v s="$scale" '{ printf "%g,%g,%g,%g", $2 * s, $3 * s, $4 * s, $5 * s }' <<<"$hello_seal")
read -r red_in red_out png_w png_h < <("${FIX[@]}" red "$T/hello.png" "$box_px")
[[ ${red_in:-0} -gt 2000 && ${red_out:-1} -eq 0 ]] ||
    fail "screenshot: $red_in seal-red pixels inside $box_px px, $red_out outside (want >2000 and 0)"
awk -v w="$png_w" -v h="$png_h" '{ gsub(/[][ ]/, ""); split($0, p, ",");
    exit !(w - p[1] <= 1 && p[1] - w <= 1 && h - p[2] <= 1 && p[2] - h <= 1) }' <<<"$page_px" ||
    fail "screenshot is ${png_w}x${png_h} px, the page $page_px"

# An e-invoice from production (gomain seal whose picture is itself an OFD): text and seal.
expect_json files.1.exit_code 0
expect_json files.1.signatures.0.valid true
expect_json files.1.signatures.0.picture_type ofd
expect_json files.1.seals_drawn.0.picture_ok true
# The riding seal: one signature, five stamps, each drawn on its own page.
expect_json files.2.exit_code 0
expect_json files.2.signatures.0.stamps.4.page 5
expect_json files.2.seals_drawn.4.page 5

# One changed byte in Content.xml: ofd.js still opens and draws it, and reports the signature
# invalid through the Reference digest check (the SM2 signature itself is untouched).
expect_json files.3.exit_code 0
expect_json files.3.opened true
expect_json files.3.page_text.0 "你好呀，OFD Readex&Writer！"
expect_json files.3.signatures.0.valid false
expect_json files.3.signatures.0.signature_value_ok true
expect_json files.3.signatures.0.digest_ok false
# Known blind spot, kept as a test so that the documentation stays true: with the CheckValue
# recomputed, ofd.js reports the forged file valid, because it never compares TBS_Sign.dataHash
# with SM3(Signature.xml). If this starts failing, ofd.js learnt to check it: update the docs.
expect_json files.4.exit_code 0
expect_json files.4.signatures.0.valid true
# ofdrw's two-seal file whose first signature was broken by the second: ofd.js's digests catch it
# (only because the harness keeps every signature's Reference list, see ofdjs-page.js).
expect_json files.5.exit_code 0
expect_json files.5.signatures.0.digest_ok false
expect_json files.5.signatures.1.valid true

# The expectations can fail: a seal 5 mm off, on the wrong page, text that is not there, the
# nested-OFD seal 3 mm off.
expect_json files.6.exit_code 1
expect_json_contains files.6.failed.0 "no seal drawn on page 1 at [55, 50, 40, 40] mm"
expect_json files.7.exit_code 1
expect_json_contains files.7.failed.0 "no seal drawn on page 2"
expect_json files.8.exit_code 1
expect_json files.8.failed.0 "text not found: OFD Reader&Writer 不在这里"
expect_json files.9.exit_code 1
expect_json_contains files.9.failed.0 "no seal drawn on page 1 at [87, 8, 30, 20] mm"
expect_stderr_contains "ofdjs-check: $HELLO: no seal drawn on page 1 at [55, 50, 40, 40] mm"
# ofd.js calls the file with an unresolvable Reference valid; --expect-references catches it.
expect_json files.10.exit_code 1
expect_json files.10.signatures.0.valid true
expect_json files.10.signatures.0.references_checked 4
expect_json files.10.failed.0 "signature 1: ofd.js checked 4 Reference digests, expected 5"

# ---- one file: a single JSON object (the form writer/signer tests use) ----
expect_exit 1 "${CHECK[@]}" "$T/tampered.ofd" --expect-valid --expect-seal "$hello_seal"
expect_json exit_code 1
expect_json opened true
expect_json signatures.0.digest_ok false
expect_json seals_drawn.0.page 1
expect_json_contains failed.0 "signature 1 is not valid in ofd.js (signature value ok, digests FAIL)"

# ---- harness failures: exit 2 with a message, never a pass ----
expect_exit 2 "${CHECK[@]}" "$T/no-such.ofd" --expect-valid
expect_stderr_contains "ofdjs-check: $T/no-such.ofd: No such file or directory"
expect_json exit_code 2
expect_exit 2 "${CHECK[@]}" "$HELLO" --expect-seal 1,50,50
expect_stderr_contains "--expect-seal: expected PAGE,X,Y,W,H"
expect_exit 2 "${CHECK[@]}" --expect-valid "$HELLO"
expect_stderr_contains "--expect-valid must follow the file it applies to"
expect_exit 2 env OFDJS_CHROMIUM=/bin/false "${CHECK[@]}" "$HELLO" --expect-valid
expect_stderr_contains "Chromium at /bin/false did not start"
expect_exit 2 env OFDJS_CHROMIUM="$T/no-chromium" "${CHECK[@]}" "$HELLO" --expect-valid
expect_stderr_contains "Chromium not found at $T/no-chromium"

finish
