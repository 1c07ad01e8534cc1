# sealcert verify on every OFD sample (ofdrw/README.txt and wild/expected.tsv), tampered copies,
# several files, JSON against docs/cli/schema/verify.json, and unreadable inputs.
. "$(dirname "$0")/lib/cli.bash"

W="$SEALCERT_SAMPLES/wild"
K="$SAMPLES/keys"

# ---- the ofdrw samples: FILE, expected exit code, extra options (README.txt) ----
# ofdrw_v4_seal_hello.ofd was signed on 2026-08-04 with the 2022-expired test certificate and
# seal: valid with warnings at its (claimed) signing time, invalid with --strict or with --at a
# time outside their validity, valid at a time inside it.
# ofdrw_plain_sm2_digital_sign.ofd holds a bare SM2 signature: unsupported without --cert.
while read -r file code opts; do
    [[ -z "$file" || "$file" == \#* ]] && continue
    opts=${opts//KEYS/$K}
    # shellcheck disable=SC2086
    expect_exit "$code" "$SC" verify "$SAMPLES/$file" $opts --json
    expect_schema verify
    expect_json exit_code "$code"
    expect_stderr_empty
done <<'TABLE'
einvoice_5pages_kinggrid_v4.ofd        0
einvoice_chongqing_test_gomain_v4.ofd  0
einvoice_list_antchain_v4.ofd          0
einvoice_zhejiang_gomain_v4.ofd        0
elicense_gbt35275_pkcs7_two_signs.ofd  0
ofdrw_v4_riding_seal_5pages.ofd        0
ofdrw_v4_seal_hello.ofd                0
ofdrw_v4_seal_hello.ofd                1  --strict
ofdrw_v4_seal_hello.ofd                1  --at 2026-01-01
ofdrw_v4_seal_hello.ofd                0  --at 2021-06-01
ofdrw_plain_sm2_digital_sign.ofd       1
ofdrw_plain_sm2_digital_sign.ofd       0  --cert KEYS/user_cert.pem
ofdrw_v4_two_seals_first_broken.ofd    1
iofd_v1_digest_mismatch.ofd            1
gmt0099_integrity_protected.ofd        1
unsigned_cert_customtags.ofd           1
unsigned_einvoice_suwell_customtags.ofd 1
TABLE

# ---- the wild samples: expected.tsv, exactly ----
while IFS=$'\t' read -r file code; do
    [[ "$file" == file ]] && continue
    expect_exit "$code" "$SC" verify "$W/$file" --json
    expect_schema verify
    expect_json exit_code "$code"
    expect_exit 0 "$SC" info "$W/$file"
done <"$W/expected.tsv"

# ---- details of known samples ----
expect_exit 1 "$SC" verify "$SAMPLES/ofdrw_v4_two_seals_first_broken.ofd" --json
expect_json signatures.0.verdict invalid
expect_json signatures.1.verdict valid
expect_finding reference fail signatures.0.
grep -q '/Doc_0/Signs/Signatures.xml: digest mismatch' "$OUT" || fail "Signatures.xml not named"
expect_finding package warn
expect_exit 1 "$SC" verify "$SAMPLES/ofdrw_v4_two_seals_first_broken.ofd"
expect_stdout_contains "signature s001 (Seal) /Doc_0/Signs/Sign_0/Signature.xml: invalid"
expect_stdout_contains "fail        reference"

expect_exit 1 "$SC" verify "$SAMPLES/unsigned_cert_customtags.ofd"
expect_stdout_contains "no signature"
expect_exit 1 "$SC" verify "$SAMPLES/iofd_v1_digest_mismatch.ofd" --json
expect_finding reference unsupported signatures.0.
expect_exit 1 "$SC" verify "$SAMPLES/ofdrw_plain_sm2_digital_sign.ofd" --json
expect_json verdict unsupported
expect_finding signature unsupported signatures.0.
expect_exit 0 "$SC" verify "$SAMPLES/ofdrw_v4_seal_hello.ofd" --at 2021-06-01 --json
expect_json signatures.0.seal_name "OFD R&W 测试用印章"
expect_json signatures.0.provider ofdrw-sign
expect_json signatures.0.page_count 1
expect_exit 0 "$SC" verify "$SAMPLES/ofdrw_v4_seal_hello.ofd" --json
expect_finding signer_certificate_validity warn signatures.0.
expect_exit 1 "$SC" verify "$SAMPLES/ofdrw_v4_seal_hello.ofd" --strict --json
expect_finding signer_certificate_validity fail signatures.0.
expect_exit 0 "$SC" verify "$SAMPLES/ofdrw_v4_riding_seal_5pages.ofd" --json
expect_json signatures.0.page_count 5
expect_exit 0 "$SC" verify "$SAMPLES/elicense_gbt35275_pkcs7_two_signs.ofd" --json
expect_json signatures.1.type Sign
expect_finding message_digest ok signatures.0.
# Producer quirks, each with its named warning.
expect_exit 0 "$SC" verify "$W/bankreceipt-ceb-suwellsdk_v4_raw_rs_padbits.ofd"
expect_stdout_contains "(Suwell)"
expect_stdout_contains "raw 64-byte r||s"
expect_exit 0 "$SC" verify "$W/bankreceipt-cfc-dianju_v4_negative_der_integers.ofd"
expect_stdout_contains "not minimally encoded"
expect_exit 1 "$SC" verify "$W/foxit-kinggrid_2018_base64_signedvalue_dup_zip_entry.ofd"
expect_stdout_contains "stored twice with identical bytes (KingGrid)"
expect_stdout_contains "base64 text, not DER (KingGrid)"
expect_exit 1 "$SC" verify "$W/wps-koal_v4_four_seals_signedvalue_missing.ofd" --json
expect_json signatures.0.verdict valid
expect_json signatures.3.verdict invalid
expect_finding signed_value fail signatures.3.
expect_exit 1 "$SC" verify "$W/wps-hnca_v1_2018_rsa_sha1_two_seals.ofd" --json
expect_finding reference unsupported signatures.0.

# ---- tampering: one byte of a referenced file changed, the zip rebuilt ----
tamper() { # SRC DST ENTRY
    $PY - "$@" <<'PY'
import sys, zipfile
src, dst, name = sys.argv[1:4]
old, new = (sys.argv[4].encode(), sys.argv[5].encode()) if len(sys.argv) > 5 else (None, None)
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
    for info in zi.infolist():
        data = zi.read(info.filename)
        if info.filename == name and old:
            assert old in data
            data = data.replace(old, new, 1)
        elif info.filename == name:
            i = data.index(b"<", 10) + 1
            data = data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1:]
        zo.writestr(info.filename, data)
PY
}
tamper "$SAMPLES/ofdrw_v4_seal_hello.ofd" "$T/tampered.ofd" Doc_0/Pages/Page_0/Content.xml
expect_exit 1 "$SC" verify "$T/tampered.ofd" --at 2021-06-01
expect_stdout_contains "/Doc_0/Pages/Page_0/Content.xml: digest mismatch"
expect_stdout_contains "$T/tampered.ofd: invalid"
tamper "$W/einvoice-guangdong-gomain_v4.ofd" "$T/tampered2.ofd" Doc_0/Document.xml
expect_exit 1 "$SC" verify "$T/tampered2.ofd" --json
grep -q '/Doc_0/Document.xml: digest mismatch' "$OUT" || fail "Document.xml not named"
# The Signature.xml itself changed: dataHash no longer matches.
tamper "$SAMPLES/ofdrw_v4_seal_hello.ofd" "$T/tampered3.ofd" Doc_0/Signs/Sign_0/Signature.xml \
    "2026-08-04" "2026-08-05"
expect_exit 1 "$SC" verify "$T/tampered3.ofd" --at 2021-06-01 --json
expect_finding data_hash fail signatures.0.

# ---- several files: all processed, the worst code wins ----
expect_exit 1 "$SC" verify "$SAMPLES/einvoice_zhejiang_gomain_v4.ofd" "$T/tampered.ofd" --json
expect_schema verify
expect_json files.0.verdict valid
expect_json files.1.verdict invalid
printf 'not a zip\n' >"$T/text.ofd"
expect_exit 2 "$SC" verify "$T/text.ofd" "$SAMPLES/einvoice_zhejiang_gomain_v4.ofd" --json
expect_schema verify
expect_json files.0.verdict error
expect_json files.0.error.code format
expect_json files.1.verdict valid

# ---- unreadable: exit 2 with the file named ----
expect_exit 2 "$SC" verify "$T/text.ofd"
expect_stderr_contains "sealcert: $T/text.ofd: "
expect_exit 2 "$SC" verify "$T/missing.ofd"
expect_stderr_contains "sealcert: $T/missing.ofd: "
cp "$K/UserV4.esl" "$T/seal.ofd"
expect_exit 2 "$SC" verify "$T/seal.ofd"
$PY - "$T/noofdxml.ofd" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("Doc_0/Document.xml", "<x/>")
PY
expect_exit 2 "$SC" verify "$T/noofdxml.ofd"
expect_stderr_contains "no OFD.xml"
expect_exit 2 "$SC" verify "$SAMPLES/ofdrw_v4_seal_hello.ofd" --cert "$T/missing.pem"
expect_stderr_contains "--cert"
expect_exit 2 "$SC" verify "$SAMPLES/ofdrw_v4_seal_hello.ofd" --at yesterday
expect_exit 2 "$SC" verify

# ---- trust: the ofdrw root lacks keyCertSign, so the chains do not validate ----
mkdir -p "$T/trust"
cp "$K/root_cert.pem" "$T/trust/"
expect_exit 1 "$SC" verify "$SAMPLES/ofdrw_v4_seal_hello.ofd" --at 2021-06-01 --trust "$T/trust" --json
expect_schema verify

finish
