# sealcert seal picture: PNG as is, other rasters converted to PNG, vector pictures only under
# their own extension; --force; no partial output.
. "$(dirname "$0")/lib/cli.bash"

K="$SAMPLES/keys"
V="$SAMPLES/vectors"
png_magic() { [[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]]; }

# PNG pictures are written unchanged.
expect_exit 0 "$SC" seal picture "$K/UserV4.esl" -o "$T/v4.png"
expect_stdout_contains "wrote $T/v4.png (PNG"
png_magic "$T/v4.png" || fail "v4.png is not a PNG"
cmp -s "$T/v4.png" "$K/StampImg.png" || fail "the UserV4 picture differs from StampImg.png"

# GIF pictures (KingGrid, HebeiGede) are converted.
expect_exit 0 "$SC" seal picture "$V/kinggrid_v1_Seal.esl" -o "$T/kg.png"
expect_stdout_contains "from a gif picture"
png_magic "$T/kg.png" || fail "kg.png is not a PNG"
expect_exit 0 "$SC" seal picture "$V/SESealData_hebeigede_v4.der" -o "$T/hb.png"
png_magic "$T/hb.png" || fail "hb.png is not a PNG"

# --force and stdout.
expect_exit 2 "$SC" seal picture "$K/UserV4.esl" -o "$T/v4.png"
expect_stderr_contains "sealcert: --out: $T/v4.png: file exists (use --force to overwrite)"
expect_exit 0 "$SC" seal picture "$V/kinggrid_v1_Seal.esl" -o "$T/v4.png" --force
cmp -s "$T/v4.png" "$T/kg.png" || fail "--force did not replace v4.png"
CASES=$((CASES + 1))
"$SC" seal picture "$K/UserV4.esl" -o - >"$T/stdout.png" 2>"$ERR" </dev/null || fail "-o -"
cmp -s "$T/stdout.png" "$K/StampImg.png" || fail "-o - did not write the picture to stdout"

# An SVG picture: written as is, and only to a .svg name.
cat >"$T/seal.svg" <<'SVG'
<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="40mm" viewBox="0 0 40 40">
  <circle cx="20" cy="20" r="19" fill="none" stroke="#e60012" stroke-width="1"/>
</svg>
SVG
run "$SC" ca init --dir "$T/ca" --subject "CN=Root,C=CN"
run "$SC" ca issue --ca "$T/ca" --profile seal-maker --subject "CN=Maker,C=CN" -o "$T/maker"
expect_exit 0 "$SC" seal make --maker-key "$T/maker.key" --maker-cert "$T/maker.pem" \
    --signer-cert "$T/maker.pem" --name 测试章 --esid 1 --type 99 --valid-from 2026-01-01 \
    --valid-to 2030-01-01 --picture "$T/seal.svg" -o "$T/svg.esl"
expect_stdout_contains "svg picture"
expect_exit 2 "$SC" seal picture "$T/svg.esl" -o "$T/svg.png"
expect_stderr_contains "the seal picture is svg, not a raster image; give an output name ending in .svg"
expect_no_file "$T/svg.png"
expect_exit 0 "$SC" seal picture "$T/svg.esl" -o "$T/out.svg"
cmp -s "$T/out.svg" "$T/seal.svg" || fail "the SVG picture was not written as is"

# Unreadable seals: exit 2, no output.
: >"$T/empty.esl"
expect_exit 2 "$SC" seal picture "$T/empty.esl" -o "$T/empty.png"
expect_stderr_contains "sealcert: $T/empty.esl: "
expect_no_file "$T/empty.png"
expect_exit 2 "$SC" seal picture "$K/UserV4.esl"
expect_stderr_contains "--out: missing (required)"
expect_no_temporaries "$T"

finish
