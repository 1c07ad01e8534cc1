# An issued certificate in ofd.js 0.2.6 (headless Chromium), software nobody here wrote: it opens
# it, draws the text and the seal where the template puts them, reports the seal valid; with
# --code qr the rendered page 1 decodes (zbarimg) to the URL in the certificate's tags.
. "$(dirname "$0")/lib/cli.bash"

WEB="$SEALCERT_SOURCE/tests/web"
DATA="$SEALCERT_SOURCE/tests/data/ecert"
export SEALCERT_TEMPLATES="$SEALCERT_SOURCE/templates"
# An example identifier root code (T/CMA 4.5.5): the shipped templates have none.
export SEALCERT_ID_ROOT=1.2.156.112600.1
for need in node zbarimg "${OFDJS_CHROMIUM:-/usr/bin/chromium}"; do
    command -v "$need" >/dev/null || { echo "FAIL: $need is missing (scripts/install-deps)" >&2; exit 1; }
done
[[ -f "$WEB/node_modules/ofd.js/package.json" ]] ||
    { echo "FAIL: $WEB/node_modules is not installed: run 'make web-deps'" >&2; exit 1; }
CHECK=(node "$WEB/ofdjs-check.mjs" --timeout 60)

make_seal_setup "Issue Test"

mkdir -p "$T/out"
expect_exit 0 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/out" \
    --code qr
CERT=$(cat "$OUT")
expect_exit 0 "$SC" info "$CERT" --json
URL=$(json_get documents.0.custom_tags.0.values.url)
[[ "$URL" == https://ecert.mjjl.example.cn/v/* ]] || fail "url in the tags: $URL"

# The template's seal: centre (152, 222) on page 1, the 40 mm picture; the text of both pages.
expect_exit 0 "${CHECK[@]}" "$CERT" --expect-pages 2 --expect-valid --expect-signatures 1 \
    --expect-seal 1,132,202,40,40 --expect-no-errors \
    --expect-text "校准证书" --expect-text "龘龘精密仪器有限公司" --expect-text "JZ2026-000123" \
    --expect-text "本证书为电子证书，请到发证机构官网验证" --expect-text "第2页共2页" \
    --expect-text "扩展不确定度" --expect-text "±" --expect-text "℃" --expect-text "Ω" \
    --screenshot "$T/page1.png"
expect_json signatures.0.valid true
# The QR code on the rendered page decodes to exactly the URL.
got=$(zbarimg --raw -q "$T/page1.png" 2>/dev/null)
[[ "$got" == "$URL" ]] || fail "zbarimg read '$got' from page 1, expected '$URL'"

finish
