# Every option of every command is documented in docs/cli/, and everything documented exists
# (after curl tests/test1139.pl); the checker itself is tested against a broken page.
. "$(dirname "$0")/lib/cli.bash"

CHECK="$SEALCERT_SOURCE/tests/cli/docs_check.py"

expect_exit 0 "$PY" "$CHECK" "$SC" "$SEALCERT_SOURCE/docs/cli"
expect_stdout_contains "0 problems"

# The checker must catch an undocumented option and an option that does not exist.
mkdir -p "$T/docs"
cp "$SEALCERT_SOURCE"/docs/cli/*.md "$T/docs/"
sed -i -e '/^  - --pub PUB.pem$/d' -e 's/^  - --force$/  - --force\n  - --no-such-option/' \
    "$T/docs/keygen.md"
expect_exit 1 "$PY" "$CHECK" "$SC" "$T/docs"
expect_stderr_contains "option --pub of 'keygen' is not documented"
expect_stderr_contains "documented option --no-such-option does not exist in 'keygen'"

# ... and a command without a page.
rm "$T/docs/seal-picture.md"
expect_exit 1 "$PY" "$CHECK" "$SC" "$T/docs"
expect_stderr_contains "command 'seal picture' has no page"

finish
