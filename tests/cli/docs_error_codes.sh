# Every error code of include/sealcert/errors.h is documented in docs/api.md with its name, and
# nothing documented is missing from the header (after curl tests/test1477.pl).
set -euo pipefail
src=${SEALCERT_SOURCE:?}
codes=$(grep -oE '^\s+SC_E[A-Z]+|^\s+SC_ERROR' "$src/include/sealcert/errors.h" | tr -d ' ' | sort -u)
documented=$(grep -oE '^\| `SC_E[A-Z]+`|^\| `SC_ERROR`' "$src/docs/api.md" | tr -d '|` ' | sort -u)
if [[ "$codes" != "$documented" ]]; then
    echo "error codes in errors.h and docs/api.md differ:"
    diff <(echo "$codes") <(echo "$documented") || true
    exit 1
fi
echo "$(echo "$codes" | wc -l) passed, 0 failed"
