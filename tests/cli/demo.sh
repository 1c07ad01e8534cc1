# scripts/demo.sh (`make run`): works without a terminal, twice in a row, and its seal verifies.
. "$(dirname "$0")/lib/cli.bash"

for round in 1 2; do
    expect_exit 0 bash "$SEALCERT_SOURCE/scripts/demo.sh" "$SC" "$T/demo"
    expect_stdout_contains "seal.esl: valid"
    expect_stdout_contains "name:            校准电子证书专用章"
    expect_stdout_contains "$T/demo/seal.esl"
    expect_stdout_contains "The certificate: $T/demo/certificates/校准电子证书-"
    expect_stdout_contains "sealcert.ecert"
done
cert=$(ls "$T"/demo/certificates/*.ofd)
expect_exit 0 "$SC" verify "$cert" --trust "$T/demo/ca"
expect_exit 0 "$SC" seal verify "$T/demo/seal.esl" --trust "$T/demo/ca" --json
expect_json verdict valid
expect_finding chain ok
expect_file "$T/demo/seal.png"
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/demo/verify.json" ||
    fail "verify.json is not JSON"

finish
