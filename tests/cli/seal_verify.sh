# sealcert seal verify and show on real seals from other producers (ofdrw, KingGrid, HebeiGede),
# broken files, several files at once, JSON against its schema.
. "$(dirname "$0")/lib/cli.bash"

K="$SAMPLES/keys"
V="$SAMPLES/vectors"

# ---- the samples: maker signature ok; expired after their validity (exit 1); valid inside it
# (exit 0). Explicit --at times keep the test independent of the clock. ----
for spec in "$K/UserV1.esl 2021-06-01" "$K/UserV4.esl 2021-06-01" "$K/UserV5.esl 2027-01-01" \
    "$K/UserV5_ts.esl 2027-01-01" "$V/kinggrid_v1_Seal.esl 2021-06-01"; do
    read -r f inside <<<"$spec"
    expect_exit 1 "$SC" seal verify "$f" --at 2030-01-01 --json
    expect_schema seal-verify
    expect_json verdict invalid
    expect_json exit_code 1
    expect_finding maker_signature ok
    expect_finding validity fail
    expect_stderr_empty

    expect_exit 1 "$SC" seal verify "$f" --at 2030-01-01
    expect_stdout_contains "$f: invalid"
    expect_stdout_contains "fail        validity"

    expect_exit 0 "$SC" seal verify "$f" --at "$inside" --json
    expect_schema seal-verify
    expect_json verdict valid
    expect_finding validity ok

    expect_exit 0 "$SC" seal show "$f" --json
    expect_schema seal-show
done
# Without --at (now) the v1/v4 samples expired in 2022/2023: exit 1.
expect_exit 1 "$SC" seal verify "$K/UserV1.esl" "$K/UserV4.esl" "$V/kinggrid_v1_Seal.esl"
expect_stdout_contains "$K/UserV4.esl: invalid"

# Fields of known samples.
expect_exit 0 "$SC" seal show "$V/kinggrid_v1_Seal.esl" --json
expect_json layout gmt0031
expect_json version 2
expect_json vid KingGrid
expect_json picture.detected_type gif
expect_exit 0 "$SC" seal show "$K/UserV5_ts.esl" --json
expect_json version 5
expect_json has_timestamp true
expect_exit 0 "$SC" seal show "$K/UserV4.esl"
expect_stdout_contains "vid:             OFDR&WTest"
expect_stdout_contains "serial:  01719D2E201D"

# HebeiGede: parses, but its maker signature does not verify: exit 1, no crash.
expect_exit 0 "$SC" seal show "$V/SESealData_hebeigede_v4.der" --json
expect_schema seal-show
expect_json cert_count 2
expect_exit 1 "$SC" seal verify "$V/SESealData_hebeigede_v4.der" --at 2021-01-01 --json
expect_schema seal-verify
expect_finding maker_signature fail
expect_json verdict invalid

# The ofdrw root lacks keyCertSign: with it as the trust anchor the chain does not validate.
mkdir -p "$T/ofdrw-trust"
cp "$K/root_cert.pem" "$T/ofdrw-trust/"
expect_exit 1 "$SC" seal verify "$K/UserV4.esl" --at 2021-06-01 --trust "$T/ofdrw-trust" --json
expect_schema seal-verify
expect_finding maker_signature ok

# ---- damaged files ----
# One flipped byte in the maker's signature (the last byte of the seal): checked, invalid.
cp "$K/UserV4.esl" "$T/flipped.esl"
size=$(stat -c %s "$T/flipped.esl")
printf "$(printf '\\x%02x' $(( $(od -An -tu1 -j $((size - 1)) -N1 "$T/flipped.esl") ^ 0x01 )))" |
    dd of="$T/flipped.esl" bs=1 seek=$((size - 1)) conv=notrunc status=none
expect_exit 1 "$SC" seal verify "$T/flipped.esl" --at 2021-06-01
expect_stdout_contains "$T/flipped.esl: invalid"
expect_stdout_contains "fail        maker_signature"
expect_stdout_contains "does not verify"
# One flipped byte in the signed SES_SealInfo (the esID's first character): invalid too.
off=$(grep -obUaP "OFDR&WTest" "$T/flipped.esl" | head -1 | cut -d: -f1)
cp "$K/UserV4.esl" "$T/flipped2.esl"
printf 'X' | dd of="$T/flipped2.esl" bs=1 seek="$off" conv=notrunc status=none
expect_exit 1 "$SC" seal verify "$T/flipped2.esl" --at 2021-06-01 --json
expect_finding maker_signature fail

# Unreadable or malformed: exit 2, each with its own message naming the file.
head -c 1000 "$K/UserV4.esl" >"$T/truncated.esl"
{ printf '\x31'; tail -c +2 "$K/UserV4.esl"; } >"$T/wrongtag.esl"
: >"$T/empty.esl"
mkdir -p "$T/adir.esl"
printf 'not a seal at all, just text\n' >"$T/text.esl"
declare -A msgs=()
for f in truncated wrongtag empty adir.esl text missing; do
    path="$T/$f"
    [[ "$f" == *.esl ]] || path="$T/$f.esl"
    expect_exit 2 "$SC" seal verify "$path"
    expect_stderr_contains "sealcert: $path: "
    grep -q "runtime error\|Sanitizer" "$ERR" && fail "sanitizer"
    msg=$(sed "s|$path||" "$ERR")
    [[ -z "${msgs[$msg]:-}" ]] || fail "$f and ${msgs[$msg]} give the same message: $msg"
    msgs[$msg]=$f
    expect_exit 2 "$SC" seal show "$path"
    expect_stderr_contains "sealcert: $path: "
done
expect_exit 2 "$SC" seal verify "$T/missing.esl"
expect_stderr_contains "No such file or directory"
expect_exit 2 "$SC" seal verify "$T/adir.esl"
expect_stderr_contains "is a directory"
expect_exit 2 "$SC" seal verify "$T/truncated.esl" --json
expect_schema seal-verify
expect_json verdict error
expect_json error.code format

# ---- several files: all processed, the worst code wins ----
expect_exit 0 "$SC" seal verify "$K/UserV4.esl" "$K/UserV1.esl" --at 2021-06-01
expect_exit 1 "$SC" seal verify "$K/UserV4.esl" "$T/flipped.esl" --at 2021-06-01
expect_stdout_contains "$K/UserV4.esl: valid"
expect_stdout_contains "$T/flipped.esl: invalid"
expect_exit 2 "$SC" seal verify "$T/empty.esl" "$T/flipped.esl" "$K/UserV4.esl" --at 2021-06-01 --json
expect_schema seal-verify
expect_json verdict error
expect_json exit_code 2
expect_json files.0.verdict error
expect_json files.1.verdict invalid
expect_json files.2.verdict valid
expect_json files.2.exit_code 0
expect_exit 1 "$SC" seal verify "$K/UserV4.esl" "$T/flipped.esl" --at 2021-06-01 --json
expect_json verdict invalid

# ---- stdin ----
CASES=$((CASES + 1))
"$SC" seal verify - --at 2021-06-01 <"$K/UserV4.esl" >"$OUT" 2>"$ERR" || fail "verify - from stdin"
expect_stdout_contains "-: valid"

# ---- bad --trust ----
expect_exit 2 "$SC" seal verify "$K/UserV4.esl" --trust "$T/no-such-dir"
expect_stderr_contains "sealcert: --trust: "
mkdir -p "$T/empty-trust"
expect_exit 2 "$SC" seal verify "$K/UserV4.esl" --trust "$T/empty-trust"
expect_stderr_contains "sealcert: --trust: "

finish
