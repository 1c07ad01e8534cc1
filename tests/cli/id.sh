# sealcert id make / id parse: T/CMA 4.5.5 identifiers, their URL form, every part checked.
. "$(dirname "$0")/lib/cli.bash"

ROOT=1.2.156.112600.1
USCC=91350200776049653A
ID="$ROOT·7·$USCC·CNAS L0001·JZ2026-000123·0"
URLFORM="1.2.156.112600.1%C2%B77%C2%B7$USCC%C2%B7CNAS%20L0001%C2%B7JZ2026-000123%C2%B70"

expect_exit 0 "$SC" id make --root $ROOT --type 7 --issuer $USCC --accreditation "CNAS L0001" \
    --serial JZ2026-000123
expect_stdout_contains "$ID"
expect_exit 0 "$SC" id make --root $ROOT --type 7 --issuer $USCC --accreditation "CNAS L0001" \
    --serial JZ2026-000123 --url https://cert.example.cn/
expect_stdout_contains "https://cert.example.cn/v/$URLFORM"
expect_exit 0 "$SC" id make --root $ROOT --type 1 --issuer 123456788 --accreditation "CMA 2021" \
    --serial J-1 --revision 3 --json --url https://c.example
expect_schema id
expect_json identifier "$ROOT·1·123456788·CMA 2021·J-1·3"
expect_json type_name "检定证书"
expect_json revision 3

# parse: the identifier, its URL form, a whole verification URL
expect_exit 0 "$SC" id parse "$ID" --json
expect_schema id
expect_json serial JZ2026-000123
expect_json type 7
expect_exit 0 "$SC" id parse "$URLFORM"
expect_stdout_contains "accreditation: CNAS L0001"
expect_exit 0 "$SC" id parse "https://cert.example.cn/v/$URLFORM"
expect_stdout_contains "type:          7 (校准证书)"

# invalid identifiers: exit 1, the part named
expect_exit 1 "$SC" id parse "$ROOT·7·91350200776049653B·CNAS L0001·JZ1·0"
expect_stderr_contains "issuer: unified social credit code 91350200776049653B: check character is 'B', GB 32100 gives 'A'"
expect_exit 1 "$SC" id parse "$ROOT·9·$USCC·CNAS L0001·JZ1·0"
expect_stderr_contains "type: 9"
expect_exit 1 "$SC" id parse "$ROOT·7·$USCC·CNAS L0001·JZ1"
expect_stderr_contains "fewer than six"
expect_exit 1 "$SC" id parse "$ROOT.7.$USCC.CNAS L0001.JZ1.0"
expect_exit 1 "$SC" id parse "a%zz"
expect_stderr_contains "bad escape"

# make: wrong parts are usage-level errors (exit 2) naming the part or option
expect_exit 2 "$SC" id make --root $ROOT --type 9 --issuer $USCC --accreditation A --serial S
expect_stderr_contains "--type"
expect_exit 2 "$SC" id make --root 1.x --type 7 --issuer $USCC --accreditation A --serial S
expect_stderr_contains "root"
expect_exit 2 "$SC" id make --root $ROOT --type 7 --issuer 123 --accreditation A --serial S
expect_stderr_contains "issuer"
expect_exit 2 "$SC" id make --root $ROOT --type 7 --issuer $USCC --accreditation A --serial "S 1"
expect_stderr_contains "serial: contains a space"
expect_exit 2 "$SC" id parse
expect_exit 0 "$SC" id parse --help
expect_stdout_contains "sealcert id parse"

finish
