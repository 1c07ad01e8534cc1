# sealcert sign: seal-sign OFD documents, verify them, several seals, riding seal, refusals.
. "$(dirname "$0")/lib/cli.bash"

K="$SEALCERT_SAMPLES/ofdrw/keys"
DOC="$SEALCERT_SAMPLES/ofdrw/ofdrw_v4_seal_hello.ofd"
export PW=777777

# A CA, a seal maker, a signer and a seal valid from 2026 on.
expect_exit 0 "$SC" ca init --dir "$T/ca" --subject "CN=Sign Test Root,C=CN" \
    --not-before 2026-01-01 --not-after 2036-01-01
expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile seal-maker --subject "CN=Maker,C=CN" \
    -o "$T/maker" --not-before 2026-01-01 --not-after 2030-01-01
expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile signer --subject "CN=Signer,C=CN" \
    -o "$T/signer" --not-before 2026-01-01 --not-after 2030-01-01
expect_exit 0 "$SC" seal make --maker-key "$T/maker.key" --maker-cert "$T/maker.pem" \
    --signer-cert "$T/signer.pem" --name 校准电子证书专用章 --org 某某计量院 --esid 1 --type 03 \
    --valid-from 2026-01-01 --valid-to 2029-12-31 -o "$T/seal.esl"

SIGN=(--seal "$T/seal.esl" --key "$T/signer.key" --cert "$T/signer.pem" --time 2026-06-01T08:00:00Z)

# Another producer's document: our seal is added, ofdrw's stays valid.
expect_exit 0 "$SC" sign "$DOC" -o "$T/one.ofd" "${SIGN[@]}"
expect_stdout_contains "sealed with \"校准电子证书专用章\""
expect_exit 0 "$SC" verify "$T/one.ofd" --json
expect_schema verify
expect_json verdict valid
# With our CA as the only trust anchor, ofdrw's signature is untrusted and ours is trusted.
expect_exit 1 "$SC" verify "$T/one.ofd" --trust "$T/ca" --json
expect_json verdict untrusted
expect_json signatures.1.path /Doc_0/Signs/Sign_1/Signature.xml
expect_json signatures.1.provider sealcert
expect_finding signer_chain ok signatures.1.

# A second seal at a given place, then a riding seal.
expect_exit 0 "$SC" sign "$T/one.ofd" -o "$T/two.ofd" "${SIGN[@]}" --page 1 --x 100 --y 100
expect_exit 0 "$SC" sign "$T/two.ofd" -o "$T/three.ofd" "${SIGN[@]}" --riding
expect_exit 0 "$SC" verify "$T/three.ofd" --json
expect_json verdict valid
expect_json signatures.3.page_count 1

# A changed byte in a signed page fails and names the file.
python3 - "$T/three.ofd" "$T/bad.ofd" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "Doc_0/Pages/Page_0/Content.xml":
            data = data.replace(b"0", b"1", 1)
        zout.writestr(item, data)
PY
expect_exit 1 "$SC" verify "$T/bad.ofd"
expect_stdout_contains "/Doc_0/Pages/Page_0/Content.xml: digest mismatch"

# Refusals: nothing written.
expect_exit 2 "$SC" sign "$DOC" -o "$T/x.ofd" --seal "$T/seal.esl" --key "$K/user_key.pem" \
    --cert "$K/user_cert.pem" --time 2026-06-01
expect_stderr_contains "certList"
expect_no_file "$T/x.ofd"
expect_exit 2 "$SC" sign "$DOC" -o "$T/x.ofd" "${SIGN[@]/2026-06-01T08:00:00Z/2031-01-01}"
expect_stderr_contains "not valid at"
expect_exit 2 "$SC" sign "$DOC" -o "$T/x.ofd" "${SIGN[@]}" --page 9
expect_stderr_contains "page"
expect_exit 2 "$SC" sign "$DOC" -o "$T/x.ofd" "${SIGN[@]}" --riding --page 1
expect_exit 2 "$SC" sign "$DOC" -o "$T/one.ofd" "${SIGN[@]}"
expect_stderr_contains "exists"
expect_exit 2 "$SC" sign "$DOC" -o "$T/x.ofd" "${SIGN[@]}" --x -5
expect_exit 2 "$SC" sign "$T/missing.ofd" -o "$T/x.ofd" "${SIGN[@]}"
expect_no_file "$T/x.ofd"
expect_no_temporaries "$T"

finish
