# sealcert top level, help and usage errors: every command's --help, exit codes of usage errors.
. "$(dirname "$0")/lib/cli.bash"

expect_exit 0 "$SC" --version
expect_stdout_contains "sealcert 0.1.0"
expect_stdout_contains "OpenSSL 3"

# A full disk or a closed stdout is an error, not a success with lost output.
CASES=$((CASES + 1))
"$SC" seal show "$SAMPLES/keys/UserV4.esl" --json >/dev/full 2>"$ERR" </dev/null
RC=$?
[[ $RC -eq 2 ]] || fail "writing to /dev/full: exit $RC, expected 2"
expect_stderr_contains "sealcert: stdout: cannot write"

expect_exit 2 "$SC"
expect_stderr_contains "sealcert: missing command"
expect_stderr_contains "usage: sealcert <command>"

expect_exit 0 "$SC" --help
expect_stdout_contains "keygen"
expect_stdout_contains "seal"

expect_exit 2 "$SC" frobnicate
expect_stderr_contains "sealcert: frobnicate: unknown command"
expect_stdout_empty

# Every runnable command: --help on stdout, exit 0, usage, options and a real example; and
# `sealcert help <command>` prints the same.
while IFS= read -r cmd; do
    # shellcheck disable=SC2086
    expect_exit 0 "$SC" $cmd --help
    expect_stdout_contains "usage: sealcert $cmd"
    expect_stdout_contains "Options:"
    expect_stdout_contains "Examples:"
    expect_stdout_contains "  sealcert $cmd "
    expect_stderr_empty
    cp "$OUT" "$T/help1"
    # shellcheck disable=SC2086
    expect_exit 0 "$SC" help $cmd
    cmp -s "$OUT" "$T/help1" || fail "'sealcert help $cmd' differs from '$cmd --help'"
done < <("$SC" help --list-options | awk -F'\t' '$2 == "" { print $1 }')

expect_exit 0 "$SC" help
expect_stdout_contains "Commands:"
expect_exit 2 "$SC" help nosuchcommand
expect_stderr_contains "nosuchcommand: unknown command"

# Groups: missing and unknown subcommands.
expect_exit 2 "$SC" seal
expect_stderr_contains "sealcert: seal: missing subcommand"
expect_exit 0 "$SC" seal --help
expect_stdout_contains "verify"
expect_exit 2 "$SC" seal frob
expect_stderr_contains "sealcert: seal: frob: unknown subcommand"
expect_exit 2 "$SC" ca
expect_stderr_contains "missing subcommand"

# Usage errors exit 2 and name the option.
expect_exit 2 "$SC" keygen --bogus
expect_stderr_contains "keygen: --bogus: unknown option"
expect_stderr_contains "usage: sealcert keygen"
expect_exit 2 "$SC" keygen -Z
expect_stderr_contains "-Z: unknown option"
expect_exit 2 "$SC" keygen
expect_stderr_contains "--out: missing (required)"
expect_exit 2 "$SC" keygen -o
expect_stderr_contains "--out: needs a value"
expect_exit 2 "$SC" keygen -o "$T/a.key" -o "$T/b.key"
expect_stderr_contains "--out: given more than once"
expect_exit 2 "$SC" keygen --force=yes -o "$T/a.key"
expect_stderr_contains "--force: takes no value"
expect_exit 2 "$SC" keygen -o "$T/a.key" extra
expect_stderr_contains "extra: unexpected argument"
expect_exit 2 "$SC" seal verify
expect_stderr_contains "missing FILE..."
expect_exit 2 "$SC" seal verify --at yesterday "$SAMPLES/keys/UserV4.esl"
expect_stderr_contains "--at: 'yesterday' is not an RFC 3339 time"
expect_exit 2 "$SC" seal show --json
expect_stderr_contains "missing FILE"
expect_exit 2 "$SC" ca issue --ca "$T" --profile nobody --subject CN=x -o "$T/x"
expect_stderr_contains "--profile: 'nobody' is not seal-maker or signer"
expect_exit 2 "$SC" keygen -o "$T/a.key" --pass-env SEALCERT_TEST_UNSET_VARIABLE
expect_stderr_contains "--pass-env: environment variable SEALCERT_TEST_UNSET_VARIABLE is not set"
expect_no_file "$T/a.key"

# GNU forms: --opt=VALUE, -oVALUE, and "--" ending the options.
expect_exit 0 "$SC" keygen --out="$T/eq.key"
expect_file "$T/eq.key"
expect_exit 0 "$SC" keygen "-o$T/short.key"
expect_file "$T/short.key"
expect_exit 2 "$SC" seal show -- --json
expect_stderr_contains "sealcert: --json:"

finish
