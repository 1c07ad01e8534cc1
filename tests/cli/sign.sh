# sealcert sign: seal-sign OFD documents, verify them, several seals, riding seal, keyword
# placement, digital signatures, refusals.
. "$(dirname "$0")/lib/cli.bash"

K="$SEALCERT_SAMPLES/ofdrw/keys"
DOC="$SEALCERT_SAMPLES/ofdrw/ofdrw_v4_seal_hello.ofd"
export PW=777777

# A CA, a seal maker, a signer and a seal valid from 2026 on.
make_seal_setup "Sign Test"
SIGN=("${SEAL[@]}")

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

# --no-seal-file: the seal only inside SignedValue.dat; still valid, and the seal shows.
expect_exit 0 "$SC" sign "$DOC" -o "$T/noseal.ofd" "${SIGN[@]}" --no-seal-file
expect_exit 0 "$SC" verify "$T/noseal.ofd" --json
expect_json verdict valid
expect_json signatures.1.seal_name 校准电子证书专用章
unzip -l "$T/noseal.ofd" | grep -q "Sign_1/Seal.esl" && fail "--no-seal-file wrote Sign_1/Seal.esl"
sig=$(unzip -p "$T/noseal.ofd" Doc_0/Signs/Sign_1/Signature.xml)
[[ $sig == *"<ofd:StampAnnot "* ]] || fail "no Sign_1/Signature.xml with a StampAnnot"
[[ $sig == *"<ofd:Seal>"* ]] && fail "--no-seal-file wrote a Seal element"

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

# --keyword: a two-page document written here (a TextObject per page, CJK gaps of 5 mm as
# "g 6 5"); the keyword is at x 30..50 on page 1 and 110..130 on page 2, baselines 245 and 155.
"$PY" - "$T/kw.ofd" <<'PY'
import sys, zipfile
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
def page(x, y):
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content><ofd:Layer ID="9">'
            f'<ofd:TextObject ID="10" Boundary="{x} {y} 100 10" Font="5" Size="5">'
            f'<ofd:TextCode X="0" Y="5" DeltaX="g 6 5">甲方（盖章）：</ofd:TextCode></ofd:TextObject>'
            '</ofd:Layer></ofd:Content></ofd:Page>')
files = {
    "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" DocType="OFD">'
               '<ofd:DocBody><ofd:DocInfo><ofd:DocID>6B65797764</ofd:DocID></ofd:DocInfo>'
               '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
    "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
               '<ofd:MaxUnitID>10</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
               '</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
               '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
               '<ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>',
    "Doc_0/PublicRes.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {NS} BaseLoc="Res">'
               '<ofd:Fonts><ofd:Font ID="5" FontName="SimSun"/></ofd:Fonts></ofd:Res>',
    "Doc_0/Pages/Page_0/Content.xml": page(20, 240),
    "Doc_0/Pages/Page_1/Content.xml": page(100, 150),
}
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in files.items():
        z.writestr(name, text)
PY
FIX=("$PY" "$SEALCERT_SOURCE/tests/web/ofd_fixture.py")
# stamp_centre FILE N: the Nth StampAnnot as PAGE,CX,CY (its Boundary's centre)
stamp_centre() {
    "${FIX[@]}" stamp "$1" "$2" | "$PY" -c \
        'import sys; p, x, y, w, h = sys.stdin.read().split(","); print("%s,%g,%g" % (p, float(x) + float(w) / 2, float(y) + float(h) / 2))'
}
expect_exit 0 "$SC" sign "$T/kw.ofd" -o "$T/kw-signed.ofd" "${SIGN[@]}" --keyword （盖章）
expect_exit 0 "$SC" verify "$T/kw-signed.ofd" --json
expect_json verdict valid
expect_json signatures.0.page_count 2
[[ "$(stamp_centre "$T/kw-signed.ofd" 0)" == "1,40,243.1" ]] ||
    fail "keyword stamp 0 at $(stamp_centre "$T/kw-signed.ofd" 0), not 1,40,243.1"
[[ "$(stamp_centre "$T/kw-signed.ofd" 1)" == "2,120,153.1" ]] ||
    fail "keyword stamp 1 at $(stamp_centre "$T/kw-signed.ofd" 1), not 2,120,153.1"
expect_exit 0 "$SC" sign "$T/kw.ofd" -o "$T/kw-page2.ofd" "${SIGN[@]}" --keyword 盖章 --page 2
expect_exit 0 "$SC" verify "$T/kw-page2.ofd" --json
expect_json signatures.0.page_count 1
expect_exit 2 "$SC" sign "$T/kw.ofd" -o "$T/x.ofd" "${SIGN[@]}" --keyword 丙方
expect_stderr_contains "keyword: \"丙方\" is not in the text of the document"
expect_no_file "$T/x.ofd"
expect_exit 2 "$SC" sign "$T/kw.ofd" -o "$T/x.ofd" "${SIGN[@]}" --keyword 盖章 --x 50
expect_stderr_contains "--keyword"
expect_exit 2 "$SC" sign "$T/kw.ofd" -o "$T/x.ofd" "${SIGN[@]}" --keyword 盖章 --riding
expect_no_file "$T/x.ofd"

# --digital: GB/T 35275 SignedData, no seal; ours verifies it, and a change names the file.
DIG=(--key "$T/signer.key" --cert "$T/signer.pem" --time 2026-06-01T08:00:00Z)
expect_exit 0 "$SC" sign "$T/kw.ofd" -o "$T/digital.ofd" --digital "${DIG[@]}"
expect_stdout_contains "digitally signed by \"CN=Signer,C=CN\""
expect_exit 0 "$SC" verify "$T/digital.ofd" --trust "$T/ca" --json
expect_schema verify
expect_json verdict valid
expect_json signatures.0.type Sign
expect_json signatures.0.signer CN=Signer,C=CN
expect_json signatures.0.page_count 0
expect_finding message_digest ok signatures.0.
expect_finding signer_chain ok signatures.0.
# Checked without sealcert: the DER walked here, the SM2 signature verified by the openssl CLI
# over the attached content (SM3 of Signature.xml) with the default ID 1234567812345678.
"$PY" - "$T/digital.ofd" "$T" <<'PY'
import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
xml = z.read("Doc_0/Signs/Sign_0/Signature.xml")
der = z.read("Doc_0/Signs/Sign_0/SignedValue.dat")
def tlv(b, i):
    tag, n = b[i], b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return tag, b[i:i + n], i + n
def items(b):
    i, out = 0, []
    while i < len(b):
        tag, v, i = tlv(b, i)
        out.append((tag, v))
    return out
OID_SIGNED = bytes.fromhex("2a811ccf550601040202")
OID_DATA = bytes.fromhex("2a811ccf550601040201")
ci = items(tlv(der, 0)[1])
assert ci[0] == (0x06, OID_SIGNED), "ContentInfo.contentType"
sd = items(items(ci[1][1])[0][1])
inner = items(sd[2][1])
assert inner[0] == (0x06, OID_DATA), "contentInfo.contentType"
content = items(inner[1][1])[0][1]
assert content == hashlib.new("sm3", xml).digest(), "content is not SM3(Signature.xml)"
assert sd[3][0] == 0xA0, "certificates [0]"
signer = items(items(sd[-1][1])[0][1])
assert len(signer) == 5 and signer[4][0] == 0x04, "SignerInfo without attributes"
open(sys.argv[2] + "/content.bin", "wb").write(content)
open(sys.argv[2] + "/sig.der", "wb").write(signer[4][1])
PY
[[ $? -eq 0 ]] || fail "the SignedData is not as docs/formats/ofd-digital-sign.md says"
openssl x509 -in "$T/signer.pem" -pubkey -noout >"$T/signer.pub"
expect_exit 0 openssl pkeyutl -verify -pubin -inkey "$T/signer.pub" -rawin -in "$T/content.bin" \
    -sigfile "$T/sig.der" -digest sm3 -pkeyopt distid:1234567812345678
expect_stdout_contains "Signature Verified Successfully"
"${FIX[@]}" tamper "$T/digital.ofd" "$T/digital-bad.ofd" Doc_0/Pages/Page_1/Content.xml 甲方 乙方
expect_exit 1 "$SC" verify "$T/digital-bad.ofd"
expect_stdout_contains "/Doc_0/Pages/Page_1/Content.xml: digest mismatch"
# A seal on a digitally signed document, and a digital signature on a sealed one: all valid.
expect_exit 0 "$SC" sign "$T/digital.ofd" -o "$T/digital-seal.ofd" "${SIGN[@]}" --keyword 甲方
expect_exit 0 "$SC" verify "$T/digital-seal.ofd" --json
expect_json verdict valid
expect_json signatures.0.type Sign
expect_json signatures.1.type Seal
expect_exit 0 "$SC" sign "$T/three.ofd" -o "$T/four.ofd" --digital "${DIG[@]}" --page 1 --x 100 --y 60
expect_exit 0 "$SC" verify "$T/four.ofd" --json
expect_json verdict valid
expect_json signatures.4.type Sign
expect_json signatures.4.page_count 1
# Refusals: a seal with --digital, neither, nothing written.
expect_exit 2 "$SC" sign "$T/kw.ofd" -o "$T/x.ofd" --digital "${SIGN[@]}"
expect_stderr_contains "--seal does not apply"
expect_exit 2 "$SC" sign "$T/kw.ofd" -o "$T/x.ofd" "${DIG[@]}"
expect_stderr_contains "--seal is required (or --digital)"
expect_no_file "$T/x.ofd"

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
