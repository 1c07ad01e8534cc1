# sealcert seal make: round trips through seal show --json (every field), seal verify and the
# openssl CLI; PKCS#12 makers; errors that name the option; --force; no partial output.
. "$(dirname "$0")/lib/cli.bash"

export SC_TEST_P12=777777 SC_TEST_WRONG=000000
DER="$SEALCERT_SOURCE/tests/cli/lib/der.py"

# A CA, a maker and two signers with fixed validity, so the checks do not depend on the clock.
run "$SC" ca init --dir "$T/ca" --subject "CN=Test Root,C=CN" --not-before 2025-01-01 \
    --not-after 2040-01-01
[[ $RC -eq 0 ]] || fail "ca init"
for who in maker:seal-maker signer:signer signer2:signer; do
    run "$SC" ca issue --ca "$T/ca" --profile "${who#*:}" --subject "CN=${who%%:*},O=某某市计量测试研究院,C=CN" \
        -o "$T/${who%%:*}" --not-before 2025-01-01 --not-after 2035-01-01
    [[ $RC -eq 0 ]] || fail "ca issue $who"
done

common=(--maker-key "$T/maker.key" --maker-cert "$T/maker.pem" --signer-cert "$T/signer.pem"
    --name 校准电子证书专用章 --esid 3201000000001 --type 03 --valid-from 2026-01-01
    --valid-to 2028-12-31)

# ---- version 4, drawn picture, defaults ----
expect_exit 0 "$SC" seal make "${common[@]}" --org 某某市计量测试研究院 \
    --create-date 2026-01-02T03:04:05Z -o "$T/v4.esl"
expect_stdout_contains "wrote $T/v4.esl (seal version 4, esID 3201000000001, png picture"
expect_mode 644 "$T/v4.esl"

expect_exit 0 "$SC" seal show "$T/v4.esl" --json
expect_schema seal-show
expect_json file "$T/v4.esl"
expect_json version 4
expect_json layout gbt38540
expect_json vid sealcert
expect_json esid 3201000000001
expect_json type 3
expect_json type_code 03
expect_json type_name 业务专用章
expect_json name 校准电子证书专用章
expect_json cert_list_type 1
expect_json cert_count 1
expect_json signer_certs.0.subject "CN=signer,O=某某市计量测试研究院,C=CN"
expect_json signer_certs.0.issuer "CN=Test Root,C=CN"
expect_json signer_certs.0.not_before 2025-01-01T00:00:00Z
expect_json signer_certs.0.not_after 2035-01-01T00:00:00Z
expect_json cert_digests "[]"
expect_json create_date 2026-01-02T03:04:05Z
expect_json valid_start 2026-01-01T00:00:00Z
expect_json valid_end 2028-12-31T23:59:59Z
expect_json picture.type png
expect_json picture.detected_type png
expect_json picture.width_mm 40
expect_json picture.height_mm 40
expect_json maker.subject "CN=maker,O=某某市计量测试研究院,C=CN"
expect_json signature_algorithm 1.2.156.10197.1.501
expect_json signature_algorithm_name SM2-with-SM3
expect_json ext_data_count 0
expect_json has_timestamp false
serial=$(openssl x509 -in "$T/signer.pem" -noout -serial | cut -d= -f2)
expect_json signer_certs.0.serial "$serial"

expect_exit 0 "$SC" seal show "$T/v4.esl"
expect_stdout_contains "name:            校准电子证书专用章"
expect_stdout_contains "type:            03 (业务专用章)"
expect_stdout_contains "valid:           2026-01-01T00:00:00Z to 2028-12-31T23:59:59Z"

expect_exit 0 "$SC" seal verify "$T/v4.esl" --trust "$T/ca" --at 2027-06-01
expect_stdout_contains "$T/v4.esl: valid"
expect_exit 0 "$SC" seal verify "$T/v4.esl" --trust "$T/ca" --at 2027-06-01 --json
expect_schema seal-verify
expect_json verdict valid
expect_finding maker_signature ok
expect_finding validity ok
expect_finding chain ok
# After validEnd the same seal is expired: exit 1.
expect_exit 1 "$SC" seal verify "$T/v4.esl" --trust "$T/ca" --at 2029-01-01 --json
expect_finding validity fail
expect_finding maker_signature ok
# A trust directory that did not issue the maker: not valid, exit 1.
run "$SC" ca init --dir "$T/other-ca" --subject "CN=Other Root,C=CN"
expect_exit 1 "$SC" seal verify "$T/v4.esl" --trust "$T/other-ca" --at 2027-06-01 --json
expect_json verdict untrusted

# The maker's signature checked by the openssl CLI, independently of sealcert: GB/T 38540
# version 4 signs DER(SES_SealInfo), the first element; signedValue is the fourth.
"$PY" "$DER" child "$T/v4.esl" 0 "$T/v4.tbs" && "$PY" "$DER" bits "$T/v4.esl" 3 "$T/v4.sig" ||
    fail "cannot slice v4.esl"
openssl x509 -in "$T/maker.pem" -pubkey -noout >"$T/maker.pub"
openssl pkeyutl -verify -pubin -inkey "$T/maker.pub" -rawin -digest sm3 -in "$T/v4.tbs" \
    -sigfile "$T/v4.sig" -pkeyopt distid:1234567812345678 >"$T/pkeyutl.out" 2>&1 ||
    fail "openssl pkeyutl does not verify the maker signature: $(cat "$T/pkeyutl.out")"

# ---- version 1, picture file, every option ----
expect_exit 0 "$SC" seal make --maker-key "$T/maker.key" --maker-cert "$T/maker.pem" \
    --signer-cert "$T/signer.pem" --signer-cert "$T/signer2.pem" --name 测试专用章 --esid E-1 \
    --type 99 --valid-from 2026-01-01T08:00:00+08:00 --valid-to 2027-01-01T00:00:00Z \
    --picture "$SAMPLES/keys/StampImg.png" --version 1 --vid TESTVID \
    --create-date 2026-02-03T04:05:06Z --width 42 --height 38 -o "$T/v1.esl"
expect_exit 0 "$SC" seal show "$T/v1.esl" --json
expect_schema seal-show
expect_json version 1
expect_json layout gmt0031
expect_json vid TESTVID
expect_json esid E-1
expect_json type 99
expect_json type_name 其他
expect_json cert_list_type 1
expect_json cert_count 2
expect_json signer_certs.1.subject "CN=signer2,O=某某市计量测试研究院,C=CN"
expect_json valid_start 2026-01-01T00:00:00Z
expect_json valid_end 2027-01-01T00:00:00Z
expect_json create_date 2026-02-03T04:05:06Z
expect_json picture.width_mm 42
expect_json picture.height_mm 38
expect_json picture.size "$(stat -c %s "$SAMPLES/keys/StampImg.png")"
expect_exit 0 "$SC" seal verify "$T/v1.esl" --trust "$T/ca" --at 2026-06-01 --json
expect_json verdict valid
expect_finding maker_signature ok

# ---- certificate digests (version 4 only) ----
expect_exit 0 "$SC" seal make "${common[@]}" --signer-cert "$T/signer2.pem" --org 某某 \
    --cert-list-type 2 -o "$T/digests.esl"
expect_exit 0 "$SC" seal show "$T/digests.esl" --json
expect_schema seal-show
expect_json cert_list_type 2
expect_json cert_count 2
expect_json signer_certs "[]"
expect_json cert_digests.0.alg SM3
expect_json cert_digests.1.digest "$(openssl x509 -in "$T/signer2.pem" -outform DER | openssl dgst -sm3 -r | cut -d' ' -f1)"
expect_exit 0 "$SC" seal verify "$T/digests.esl" --trust "$T/ca" --at 2027-06-01
expect_exit 2 "$SC" seal make "${common[@]}" --org o --cert-list-type 2 --version 1 -o "$T/bad.esl"
expect_stderr_contains "sealcert: --cert-list-type: "
expect_no_file "$T/bad.esl"

# ---- a PKCS#12 maker key alone carries the certificate ----
expect_exit 0 "$SC" seal make --maker-key "$SAMPLES/keys/SealBuilder.p12" --pass-env SC_TEST_P12 \
    --signer-cert "$SAMPLES/keys/USER.p12" --name 测试专用章 --esid 1 --type 01 \
    --valid-from 2026-01-01 --valid-to 2026-12-31 --picture "$SAMPLES/keys/StampImg.png" \
    -o "$T/p12.esl"
expect_exit 0 "$SC" seal show "$T/p12.esl" --json
expect_json maker.serial 01719D2E201D
expect_json signer_certs.0.serial 01719D2DAB60
expect_exit 0 "$SC" seal verify "$T/p12.esl" --at 2026-06-01 --json
expect_finding maker_signature ok
expect_exit 2 "$SC" seal make --maker-key "$SAMPLES/keys/SealBuilder.p12" --pass-env SC_TEST_WRONG \
    --signer-cert "$T/signer.pem" --name n --esid 1 --type 01 --valid-from 2026-01-01 \
    --valid-to 2026-12-31 --org o -o "$T/bad.esl"
expect_stderr_contains "sealcert: --maker-key: $SAMPLES/keys/SealBuilder.p12:"
expect_stderr_contains "password"
expect_no_file "$T/bad.esl"

# ---- output to stdout, read back from stdin ----
CASES=$((CASES + 1))
"$SC" seal make "${common[@]}" --org 某某 -o - </dev/null 2>"$ERR" | "$SC" seal show - --json >"$OUT" ||
    fail "seal make -o - | seal show -"
expect_json file -
expect_json esid 3201000000001

# ---- errors name the option; nothing is written ----
bad() { # bad EXPECTED-STDERR OPTIONS...: exit 2, the message, no output file
    local msg=$1
    shift
    expect_exit 2 "$SC" seal make "$@" -o "$T/bad.esl"
    expect_stderr_contains "$msg"
    expect_no_file "$T/bad.esl"
}
bad "--type: '7' is not one of 01 02 03 04 05 99" "${common[@]/03/7}" --org o
bad "--picture or --org: give exactly one" "${common[@]}"
bad "--picture or --org: give exactly one" "${common[@]}" --org o --picture "$SAMPLES/keys/StampImg.png"
bad "--valid-to: 2025-01-01 is not after --valid-from 2026-01-01" "${common[@]/2028-12-31/2025-01-01}" --org o
bad "--valid-from: 'soon' is not an RFC 3339 time" "${common[@]/2026-01-01/soon}" --org o
bad "--version: '3' is not 4 or 1" "${common[@]}" --org o --version 3
bad "--cert-list-type: '5' is not a number from 1 to 2" "${common[@]}" --org o --cert-list-type 5
bad "--width: '0' is not a number from 1 to 300" "${common[@]}" --org o --width 0
bad "--picture: $T/nothere.png: cannot open" "${common[@]}" --picture "$T/nothere.png"
bad "--picture: $T/maker.pem: not a PNG, JPEG, BMP, GIF, TIFF, SVG or OFD picture" "${common[@]}" --picture "$T/maker.pem"
bad "--maker-key: $T/signer.key: does not match the public key of --maker-cert $T/maker.pem" \
    "${common[@]/$T\/maker.key/$T/signer.key}" --org o
bad "--maker-cert: missing, and --maker-key $T/maker.key holds no certificate" \
    --maker-key "$T/maker.key" --signer-cert "$T/signer.pem" --name n --esid 1 --type 01 \
    --valid-from 2026-01-01 --valid-to 2026-12-31 --org o
bad "--signer-cert: $T/nobody.pem: cannot open" "${common[@]}" --signer-cert "$T/nobody.pem" --org o
bad "--name: missing (required)" --maker-key "$T/maker.key" --signer-cert "$T/signer.pem" --esid 1 \
    --type 01 --valid-from 2026-01-01 --valid-to 2026-12-31 --org o
bad "--maker-key: $T/maker.pub:" "${common[@]/$T\/maker.key/$T/maker.pub}" --org o
expect_no_temporaries "$T"

# ---- --force ----
before=$(sha256sum <"$T/v4.esl")
expect_exit 2 "$SC" seal make "${common[@]}" --org 某某 -o "$T/v4.esl"
expect_stderr_contains "sealcert: --out: $T/v4.esl: file exists (use --force to overwrite)"
[[ "$(sha256sum <"$T/v4.esl")" == "$before" ]] || fail "v4.esl changed without --force"
expect_exit 0 "$SC" seal make "${common[@]}" --org 某某 -o "$T/v4.esl" --force
[[ "$(sha256sum <"$T/v4.esl")" != "$before" ]] || fail "--force did not replace v4.esl"
# A failure with --force leaves the existing file as it was.
before=$(sha256sum <"$T/v4.esl")
expect_exit 2 "$SC" seal make "${common[@]}" --picture "$T/maker.pem" -o "$T/v4.esl" --force
[[ "$(sha256sum <"$T/v4.esl")" == "$before" ]] || fail "a failed --force run changed v4.esl"
expect_no_temporaries "$T"

finish
