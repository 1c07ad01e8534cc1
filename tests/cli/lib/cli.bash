# Shared helpers for the CLI tests tests/cli/*.sh (sourced, not a test itself: the CMake glob
# only picks up tests/cli/*.sh). Each case states the command line, the expected exit code,
# expected stdout or JSON fields and an expected stderr fragment (STYLE.md section 7).
#
# Environment (set by ctest, see tests/CMakeLists.txt): SEALCERT_BIN, SEALCERT_SAMPLES,
# SEALCERT_TMP, SEALCERT_SOURCE.
set -u

: "${SEALCERT_BIN:?SEALCERT_BIN is not set (the sealcert binary)}"
: "${SEALCERT_SAMPLES:?SEALCERT_SAMPLES is not set (../shared/samples)}"
: "${SEALCERT_TMP:?SEALCERT_TMP is not set (a scratch directory)}"
: "${SEALCERT_SOURCE:?SEALCERT_SOURCE is not set (the repository root)}"

SC="$SEALCERT_BIN"
# Debian's python3 (with python3-jsonschema from scripts/install-deps) when there is one: it
# starts in milliseconds, where a version-manager shim earlier in PATH takes a third of a second
# per call and the JSON checks make hundreds of calls.
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi
SAMPLES="$SEALCERT_SAMPLES/ofdrw"
SCHEMAS="$SEALCERT_SOURCE/docs/cli/schema"
# One scratch directory per test script: ctest runs them in parallel.
T="$SEALCERT_TMP/cli-$(basename "${BASH_SOURCE[1]}" .sh)"
rm -rf "$T"
mkdir -p "$T"
OUT="$T/.stdout"
ERR="$T/.stderr"
RC=0
FAILURES=0
CASES=0

fail() {
    FAILURES=$((FAILURES + 1))
    echo "FAIL: $*" >&2
    echo "  command: ${LAST_CMD:-}" >&2
    echo "  exit code: $RC" >&2
    echo "  stdout:" >&2
    sed 's/^/    | /' "$OUT" | head -40 >&2
    echo "  stderr:" >&2
    sed 's/^/    | /' "$ERR" | head -40 >&2
}

# run CMD...: run with stdin from /dev/null (a test must never wait for a password prompt),
# keeping stdout, stderr and the exit code for the checks that follow.
run() {
    LAST_CMD="$*"
    "$@" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
}

# expect_exit CODE CMD...: run CMD and require exit code CODE.
expect_exit() {
    local want=$1
    shift
    CASES=$((CASES + 1))
    run "$@"
    [[ $RC -eq $want ]] || fail "expected exit code $want, got $RC"
    # ASan/UBSan reports go to stderr; any of them fails the case whatever the exit code.
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$ERR"; then
        fail "sanitizer report"
    fi
}

expect_stdout_contains() {
    grep -qF -- "$1" "$OUT" || fail "stdout does not contain '$1'"
}

expect_stdout_not_contains() {
    ! grep -qF -- "$1" "$OUT" || fail "stdout contains '$1'"
}

expect_stderr_contains() {
    grep -qF -- "$1" "$ERR" || fail "stderr does not contain '$1'"
}

expect_stderr_empty() {
    [[ ! -s "$ERR" ]] || fail "stderr is not empty"
}

expect_stdout_empty() {
    [[ ! -s "$OUT" ]] || fail "stdout is not empty"
}

expect_file() {
    [[ -f "$1" ]] || fail "file $1 was not written"
}

expect_no_file() {
    [[ ! -e "$1" ]] || fail "file $1 exists"
}

# No temporary files of sc_fs_write_atomic may be left in a directory.
expect_no_temporaries() {
    local left
    left=$(find "$1" -maxdepth 1 -name '*.tmp.*' | head -1)
    [[ -z "$left" ]] || fail "temporary file left behind: $left"
}

expect_mode() {
    local mode
    mode=$(stat -c %a "$2")
    [[ "$mode" == "$1" ]] || fail "$2 has mode $mode, expected $1"
}

# json_get PATH: print the value at PATH ("files.0.verdict", "picture.type") of the JSON on
# stdout; strings bare, everything else as JSON.
json_get() {
    $PY - "$OUT" "$1" <<'PY'
import json, sys
try:
    v = json.load(open(sys.argv[1], encoding="utf-8"))
    for part in sys.argv[2].split("."):
        if part == "":
            continue
        v = v[int(part)] if isinstance(v, list) else v[part]
except (ValueError, KeyError, IndexError, TypeError) as e:
    sys.exit(f"{type(e).__name__}: {e}")
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
PY
}

# expect_json PATH VALUE: the JSON on stdout has VALUE at PATH.
expect_json() {
    local got
    if ! got=$(json_get "$1" 2>&1); then
        fail "stdout is not JSON with field '$1': $got"
        return
    fi
    [[ "$got" == "$2" ]] || fail "JSON field '$1' is '$got', expected '$2'"
}

# expect_finding CHECK STATUS [PREFIX]: the findings array (at PREFIX, e.g. "files.0.") has a
# finding CHECK with STATUS.
expect_finding() {
    local got
    got=$($PY - "$OUT" "$1" "${3:-}" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    for part in sys.argv[3].split("."):
        if part:
            doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    print(" ".join(f["status"] for f in doc["findings"] if f["check"] == sys.argv[2]))
except (ValueError, KeyError, IndexError, TypeError) as e:
    print(f"(no findings: {type(e).__name__})")
PY
    )
    [[ " $got " == *" $2 "* ]] || fail "finding $1: status '$got', expected '$2'"
}

# expect_schema NAME: the JSON on stdout validates against docs/cli/schema/NAME.json.
expect_schema() {
    local msg
    msg=$($PY - "$SCHEMAS/$1.json" "$OUT" <<'PY' 2>&1
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(doc, schema, cls=jsonschema.Draft7Validator)
PY
    ) || fail "output does not match schema $1.json: $(echo "$msg" | tail -1)"
}

# make_seal_setup: a test CA, a seal maker, a signer and a 校准电子证书专用章 seal valid 2026-2029
# under $T (ca/, maker.*, signer.*, seal.esl), and SEAL=(the options that seal with them at a fixed
# time) for sign and issue.
make_seal_setup() {
    expect_exit 0 "$SC" ca init --dir "$T/ca" --subject "CN=${1:-Test} Root,C=CN" \
        --not-before 2026-01-01 --not-after 2036-01-01
    expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile seal-maker --subject "CN=Maker,C=CN" \
        -o "$T/maker" --not-before 2026-01-01 --not-after 2030-01-01
    expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile signer --subject "CN=Signer,C=CN" \
        -o "$T/signer" --not-before 2026-01-01 --not-after 2030-01-01
    expect_exit 0 "$SC" seal make --maker-key "$T/maker.key" --maker-cert "$T/maker.pem" \
        --signer-cert "$T/signer.pem" --name 校准电子证书专用章 --org 某某计量院 --esid 1 \
        --type 03 --valid-from 2026-01-01 --valid-to 2029-12-31 -o "$T/seal.esl"
    SEAL=(--seal "$T/seal.esl" --key "$T/signer.key" --cert "$T/signer.pem"
        --time 2026-06-01T08:00:00Z)
}

# finish: the test's exit status.
finish() {
    if [[ $FAILURES -ne 0 ]]; then
        echo "$FAILURES of $CASES cases failed" >&2
        exit 1
    fi
    echo "all $CASES cases passed"
    exit 0
}
