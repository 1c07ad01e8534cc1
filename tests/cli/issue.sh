# sealcert issue: certificates from a template and data, batches, corrections and supplements.
. "$(dirname "$0")/lib/cli.bash"

DATA="$SEALCERT_SOURCE/tests/data/ecert"
export SEALCERT_TEMPLATES="$SEALCERT_SOURCE/templates"
# An example identifier root code (T/CMA 4.5.5): the shipped templates have none.
export SEALCERT_ID_ROOT=1.2.156.112600.1

make_seal_setup "Issue Test"

# One certificate: its path on stdout, named by T/CMA 4.4, valid, the facts in `info`.
mkdir -p "$T/out"
expect_exit 0 "$SC" issue --template calibration --data "$DATA/calibration.json" "${SEAL[@]}" \
    -o "$T/out"
CERT=$(cat "$OUT")
expect_stdout_contains "$T/out/校准电子证书-"
expect_file "$CERT"
expect_no_temporaries "$T/out"
expect_exit 0 "$SC" verify "$CERT" --trust "$T/ca" --json
expect_json verdict valid
expect_exit 0 "$SC" info "$CERT" --json
expect_schema info
expect_json documents.0.custom_tags.0.name sealcert.ecert
expect_json documents.0.custom_tags.0.values.type 7
ID=$(json_get documents.0.custom_tags.0.values.id)
expect_exit 0 "$SC" id parse "$ID"
expect_exit 0 "$SC" info "$CERT"
expect_stdout_contains "id: $ID"

# The root code is configuration: none, an error saying so and nothing written; --id-root wins
# over SEALCERT_ID_ROOT.
mkdir -p "$T/root"
SEALCERT_ID_ROOT= expect_exit 2 "$SC" issue -t calibration -d "$DATA/calibration.json" \
    "${SEAL[@]}" -o "$T/root"
expect_stderr_contains "no identifier root code: configure the OID your organisation uses"
[[ -z "$(ls -A "$T/root")" ]] || fail "a certificate was written without a root code"
expect_exit 0 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/root" \
    --id-root 1.2.156.99
expect_exit 0 "$SC" info "$(cat "$OUT")" --json
[[ "$(json_get documents.0.custom_tags.0.values.id)" == 1.2.156.99·7·* ]] ||
    fail "--id-root not used: $(json_get documents.0.custom_tags.0.values.id)"

# Existing files are not replaced without --force.
expect_exit 2 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/out"
expect_stderr_contains "exists"
expect_exit 0 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/out" -f

# A correction: a number of its own (T/CMA 6.4.1), the same serial, revision + 1, the cover
# names the old number. The old number again is refused.
mkdir -p "$T/rev"
sed 's/"number": "JZ2026-000123"/"number": "JZ2026-000123A"/' "$DATA/calibration.json" \
    > "$T/fixed.json"
expect_exit 2 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/rev" \
    --supersedes "$CERT"
expect_stderr_contains "the corrected certificate has a number of its own"
expect_exit 0 "$SC" issue -t calibration -d "$T/fixed.json" "${SEAL[@]}" -o "$T/rev" \
    --supersedes "$CERT"
NEW=$(cat "$OUT")
expect_exit 0 "$SC" info "$NEW" --json
expect_json documents.0.custom_tags.0.values.revision 1
REV_ID=$(json_get documents.0.custom_tags.0.values.id)
[[ "${REV_ID%?}" == "${ID%?}" && "${REV_ID: -1}" == 1 ]] || fail "revision id $REV_ID from $ID"
# Data with another serial cannot correct that certificate.
sed 's/"serial": "JZ2026-000123"/"serial": "JZ2026-999999"/' "$T/fixed.json" > "$T/other.json"
expect_exit 2 "$SC" issue -t calibration -d "$T/other.json" "${SEAL[@]}" -o "$T/rev" -f \
    --supersedes "$CERT"
expect_stderr_contains "keeps the serial"
# Nor data of another issuer, type or accreditation: the identifiers would differ in more than
# the revision.
sed 's/"org_code": "12350000488010235N"/"org_code": "91350200776049653A"/' \
    "$T/fixed.json" > "$T/other_issuer.json"
expect_exit 2 "$SC" issue -t calibration -d "$T/other_issuer.json" "${SEAL[@]}" -o "$T/rev" -f \
    --supersedes "$CERT"
expect_stderr_contains "issuer.org_code: 91350200776049653A, but the earlier certificate"
sed 's/"accreditation": "CNAS L0001"/"accreditation": "CNAS L9999"/' \
    "$T/fixed.json" > "$T/other_acc.json"
expect_exit 2 "$SC" issue -t calibration -d "$T/other_acc.json" "${SEAL[@]}" -o "$T/rev" -f \
    --supersedes "$CERT"
expect_stderr_contains "issuer.accreditation"
# Only a genuine certificate can be corrected: one whose seal fails is refused.
$PY - "$CERT" "$T/tampered.ofd" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
    for info in zi.infolist():
        data = zi.read(info.filename)
        if info.filename.endswith("Page_0/Content.xml"):
            data = data.replace("JZ2026-000123".encode(), "JZ2026-000124".encode(), 1)
        zo.writestr(info, data)
PY
expect_exit 1 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/rev" -f \
    --supersedes "$T/tampered.ofd"
expect_stderr_contains "its seal does not verify"

# A supplement names the serial it supplements on every page.
mkdir -p "$T/sup"
expect_exit 0 "$SC" issue -t calibration -d "$T/other.json" "${SEAL[@]}" -o "$T/sup" \
    --supplement-to "$CERT"
SUP=$(cat "$OUT")
[[ "$SUP" == *-补充文件.ofd ]] || fail "supplement named $SUP"
expect_exit 0 "$SC" info "$SUP" --json
expect_json documents.0.custom_tags.0.values.supplement_to JZ2026-000123
# Its correction is a supplementary file still: the notice, the tag, the name.
sed 's/"number": "JZ2026-000123A"/"number": "JZ2026-000123B"/' "$T/other.json" > "$T/other_b.json"
expect_exit 0 "$SC" issue -t calibration -d "$T/other_b.json" "${SEAL[@]}" -o "$T/sup" \
    --supersedes "$SUP"
SUP2=$(cat "$OUT")
[[ "$SUP2" == *-补充文件-修改1.ofd ]] || fail "corrected supplement named $SUP2"
expect_exit 0 "$SC" info "$SUP2" --json
expect_json documents.0.custom_tags.0.values.supplement_to JZ2026-000123
expect_json documents.0.custom_tags.0.values.supersedes JZ2026-000123A
# A supplement with the supplemented certificate's serial would share its identifier.
expect_exit 2 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/sup" \
    --supplement-to "$CERT"
expect_stderr_contains "a supplementary file has its own"

# make_batch OUT COUNT PREFIX TWEAK: COUNT lines of the calibration data, line i+1 (a blank line
# after the first: skipped but counted) with number and serial JZ2026-<PREFIX><i>, changed by
# the Python statements TWEAK (i, d).
make_batch() {
    $PY - "$DATA/calibration.json" "$@" <<'PY'
import json, sys
base = json.load(open(sys.argv[1], encoding="utf-8"))
count, prefix, tweak = int(sys.argv[3]), sys.argv[4], sys.argv[5]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for i in range(count):
        d = json.loads(json.dumps(base))
        d["number"] = d["serial"] = f"JZ2026-{prefix}{i:04d}"
        d["instrument"]["serial"] = f"SN{i:05d}"
        exec(tweak)
        out.write(json.dumps(d, ensure_ascii=False) + "\n" + ("\n" if i == 0 else ""))
PY
}

# A batch: good lines are issued, bad ones reported by line number; exit 2.
mkdir -p "$T/batch"
make_batch "$T/batch.jsonl" 7 B '
if i == 2: del d["customer"]["name"]
if i == 4: d["dates"]["issued"] = "2026-02-30"
# line 8: another number, but line 1'"'"'s serial: the same identifier (T/CMA 4.5.3)
if i == 6: d["number"], d["serial"] = "JZ2026-B0099", "JZ2026-B0000"
'
expect_exit 2 "$SC" issue -t calibration --batch "$T/batch.jsonl" -j 2 "${SEAL[@]}" -o "$T/batch"
expect_stderr_contains "batch.jsonl:4: customer.name"
expect_stderr_contains "batch.jsonl:6: dates.issued"
expect_stderr_contains "batch.jsonl:8: serial: the identifier (issuer, type, accreditation, serial, revision) is that of line 1"
expect_stderr_contains "4 issued, 3 failed"
# Not a terminal: no progress bar in the log.
grep -q $'\r\\[' "$ERR" && fail "a progress bar on stderr that is not a terminal"
n=$(ls "$T/batch" | wc -l)
[[ $n -eq 4 ]] || fail "batch wrote $n files, expected 4"
for f in "$T"/batch/*.ofd; do
    expect_exit 0 "$SC" verify "$f"
done

# A batch longer than a chunk (256 lines are parsed, checked and issued at a time): a line
# repeating an identifier of an earlier chunk fails too, and every other line is issued once.
mkdir -p "$T/long"
make_batch "$T/long.jsonl" 300 L 'if i == 280: d["serial"] = "JZ2026-L0003"'
expect_exit 2 "$SC" issue -t calibration --batch "$T/long.jsonl" -j 2 "${SEAL[@]}" -o "$T/long"
expect_stderr_contains "long.jsonl:282: serial: the identifier (issuer, type, accreditation, serial, revision) is that of line 5"
expect_stderr_contains "299 issued, 1 failed, 300 lines"
n=$(ls "$T/long" | wc -l)
[[ $n -eq 299 ]] || fail "the long batch wrote $n files, expected 299"
[[ $(grep -c '\.ofd$' "$OUT") -eq 299 ]] || fail "the long batch printed $(grep -c '\.ofd$' "$OUT") paths"

# One number, one file, whatever --force says: a line repeating an earlier line's number fails,
# and so does one whose file name comes out as an earlier one's (N2_ and N2/ are both N2_).
mkdir -p "$T/names"
make_batch "$T/names.jsonl" 4 N '
if i == 1: d["number"] = "JZ2026-N0000"
if i == 2: d["number"], d["instrument"]["serial"] = "JZ2026-N2_", "SN2"
if i == 3: d["number"], d["instrument"]["serial"] = "JZ2026-N2/", "SN2"
'
expect_exit 2 "$SC" issue -t calibration --batch "$T/names.jsonl" -j 2 -f "${SEAL[@]}" -o "$T/names"
expect_stderr_contains "names.jsonl:3: number: JZ2026-N0000 is the number of line 1 of this batch"
expect_stderr_contains "names.jsonl:5: number: the file name 校准电子证书-JZ2026-N2_-数字多用表-SN2.ofd is that of line 4"
expect_stderr_contains "2 issued, 2 failed"
[[ $(ls "$T/names" | wc -l) -eq 2 ]] || fail "names: $(ls "$T/names")"

# On a terminal (stderr a pseudo-terminal): the bar, ending full, with the failed count.
rm -rf "$T/batch_tty"
mkdir -p "$T/batch_tty"
$PY - "$T/tty.log" "$SC" issue -t calibration --batch "$T/batch.jsonl" -j 2 "${SEAL[@]}" \
    -o "$T/batch_tty" <<'PY' || fail "the batch on a terminal did not exit 2"
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
log = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    log += chunk
open(sys.argv[1], "wb").write(log)
sys.exit(0 if p.wait() == 2 else 1)
PY
grep -q "\[##############################\] 7/7  3 failed" "$T/tty.log" ||
    fail "no full progress bar on the terminal: $(tr '\r' '\n' <"$T/tty.log" | head -5)"
grep -q "4 issued, 3 failed" "$T/tty.log" || fail "no summary on the terminal"

# Attachments (T/CMA 4.1.5) keep their file's name; one with a dynamic element (an action that
# opens a URI) is refused, naming it (T/CMA 4.1.4), and nothing is written.
cp "$CERT" "$T/原始记录.ofd"
python3 - "$CERT" "$T/dynamic.ofd" <<'PY'
import sys, zipfile
page = ('<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="900">'
        '<ofd:PathObject ID="901" Boundary="0 0 1 1"><ofd:Actions><ofd:Action Event="CLICK">'
        '<ofd:URI URI="https://example.cn/"/></ofd:Action></ofd:Actions></ofd:PathObject>'
        '</ofd:Layer></ofd:Content></ofd:Page>')
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w") as out:
    for e in src.infolist():
        data = src.read(e)
        out.writestr(e, page if e.filename == "Doc_0/Pages/Page_0/Content.xml" else data)
PY
mkdir -p "$T/att"
expect_exit 0 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/att" \
    --attach "$T/原始记录.ofd"
expect_exit 0 "$SC" info "$(cat "$OUT")" --json
expect_json documents.0.attachments.0.name 原始记录.ofd
expect_json documents.0.attachments.0.format ofd
rm -r "$T/att" && mkdir -p "$T/att"
expect_exit 2 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/att" \
    --attach "$T/原始记录.ofd" --attach "$T/dynamic.ofd"
expect_stderr_contains "attachment dynamic.ofd: /Doc_0/Pages/Page_0/Content.xml, line 1: <Action>"
expect_stderr_contains "opens a URI"
[[ -z "$(ls -A "$T/att")" ]] || fail "a certificate was written: $(ls "$T/att")"

# Usage errors.
expect_exit 2 "$SC" issue -t calibration "${SEAL[@]}" -o "$T/out"
expect_stderr_contains "one of --data and --batch"
expect_exit 2 "$SC" issue -t calibration -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/out" \
    --code pdf417
expect_stderr_contains "--code"
expect_exit 2 "$SC" issue -t nosuch -d "$DATA/calibration.json" "${SEAL[@]}" -o "$T/out"
expect_stderr_contains "no template"

finish
