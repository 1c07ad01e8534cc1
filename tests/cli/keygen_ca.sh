# sealcert keygen and ca: keys and certificates round trip, read back by OpenSSL; passwords,
# --force, modes, no partial output.
. "$(dirname "$0")/lib/cli.bash"

export SC_TEST_PASS="correct horse"
export SC_TEST_WRONG="wrong horse"

# ---- keygen ----
expect_exit 0 "$SC" keygen -o "$T/plain.key" --pub "$T/plain.pub"
expect_stdout_contains "wrote $T/plain.key (SM2 private key)"
expect_mode 600 "$T/plain.key"
expect_mode 644 "$T/plain.pub"
grep -q "BEGIN PRIVATE KEY" "$T/plain.key" || fail "plain.key is not PEM PKCS#8"
grep -q "BEGIN PUBLIC KEY" "$T/plain.pub" || fail "plain.pub is not PEM SubjectPublicKeyInfo"
openssl pkey -in "$T/plain.key" -noout -text 2>/dev/null | grep -q "ASN1 OID: SM2" ||
    fail "openssl does not read plain.key as an SM2 key"
# The public key file matches the private key.
cmp -s <(openssl pkey -in "$T/plain.key" -pubout 2>/dev/null) "$T/plain.pub" ||
    fail "plain.pub is not the public half of plain.key"

expect_exit 0 "$SC" keygen -o "$T/enc.key" --pass-env SC_TEST_PASS
expect_stdout_contains "encrypted"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$T/enc.key" || fail "enc.key is not encrypted PKCS#8"
openssl pkey -in "$T/enc.key" -passin env:SC_TEST_PASS -noout 2>/dev/null ||
    fail "openssl cannot decrypt enc.key with the password"

printf '%s\n' "$SC_TEST_PASS" >"$T/pass.txt"
expect_exit 0 "$SC" keygen -o "$T/enc2.key" --pass-file "$T/pass.txt"
openssl pkey -in "$T/enc2.key" -passin env:SC_TEST_PASS -noout 2>/dev/null ||
    fail "--pass-file: the trailing newline must not be part of the password"

expect_exit 2 "$SC" keygen -o "$T/x.key" --pass-env SC_TEST_PASS --pass-file "$T/pass.txt"
expect_stderr_contains "--pass-env and --pass-file: give only one"
expect_no_file "$T/x.key"

# --force: refused without, replaced with.
before=$(sha256sum <"$T/plain.key")
expect_exit 2 "$SC" keygen -o "$T/plain.key"
expect_stderr_contains "sealcert: --out: $T/plain.key: file exists (use --force to overwrite)"
[[ "$(sha256sum <"$T/plain.key")" == "$before" ]] || fail "plain.key changed without --force"
expect_exit 0 "$SC" keygen -o "$T/plain.key" --force
[[ "$(sha256sum <"$T/plain.key")" != "$before" ]] || fail "--force did not replace plain.key"
expect_mode 600 "$T/plain.key"

# -o - writes the key to stdout.
expect_exit 0 "$SC" keygen -o -
expect_stdout_contains "BEGIN PRIVATE KEY"

# Unwritable directory: exit 2, the option and the path named, nothing left behind.
expect_exit 2 "$SC" keygen -o "$T/no/such/dir/k.key"
expect_stderr_contains "sealcert: --out: $T/no/such/dir/k.key:"
expect_no_temporaries "$T"

# ---- ca init ----
expect_exit 0 "$SC" ca init --dir "$T/ca" --subject "CN=Test Root CA,O=某某市计量测试研究院,C=CN"
expect_stdout_contains "wrote $T/ca/ca.key"
expect_stdout_contains "subject: CN=Test Root CA,O=某某市计量测试研究院,C=CN"
expect_mode 600 "$T/ca/ca.key"
expect_mode 700 "$T/ca"
openssl x509 -in "$T/ca/ca.pem" -noout -text 2>/dev/null | grep -q "CA:TRUE" ||
    fail "ca.pem is not a CA certificate"
# The root's self-signature, checked by openssl pkeyutl (OpenSSL 3.0's `verify -check_ss_sig`
# ignores -vfyopt distid and rejects every SM2 root, its own included).
"$PY" "$SEALCERT_SOURCE/tests/cli/lib/der.py" child "$T/ca/ca.pem" 0 "$T/ca.tbs"
"$PY" "$SEALCERT_SOURCE/tests/cli/lib/der.py" bits "$T/ca/ca.pem" 2 "$T/ca.sig"
openssl x509 -in "$T/ca/ca.pem" -pubkey -noout >"$T/ca.pub"
openssl pkeyutl -verify -pubin -inkey "$T/ca.pub" -rawin -digest sm3 -in "$T/ca.tbs" \
    -sigfile "$T/ca.sig" -pkeyopt distid:1234567812345678 >/dev/null 2>&1 ||
    fail "openssl pkeyutl does not verify the root's self-signature"

expect_exit 2 "$SC" ca init --dir "$T/ca" --subject "CN=Again"
expect_stderr_contains "ca.key: file exists (use --force to overwrite)"
expect_exit 2 "$SC" ca init --dir "$T/ca-bad" --subject "no equals sign"
expect_stderr_contains "--subject"
expect_no_file "$T/ca-bad"
expect_exit 2 "$SC" ca init --dir "$T/ca-bad" --subject CN=x --days 10 --not-after 2030-01-01
expect_stderr_contains "--days and --not-after: give only one"

expect_exit 0 "$SC" ca init --dir "$T/ca-enc" --subject "CN=Encrypted Root,C=CN" \
    --not-before 2026-01-01 --not-after 2036-01-01T00:00:00Z --pass-env SC_TEST_PASS
expect_stdout_contains "valid:   2026-01-01T00:00:00Z to 2036-01-01T00:00:00Z"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$T/ca-enc/ca.key" || fail "ca.key is not encrypted"

# ---- ca issue ----
expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile seal-maker --subject "CN=Seal Maker,C=CN" \
    -o "$T/maker"
expect_stdout_contains "wrote $T/maker.key"
expect_stdout_contains "wrote $T/maker.pem (seal-maker certificate)"
expect_stdout_contains "issuer:  CN=Test Root CA"
expect_mode 600 "$T/maker.key"
openssl verify -vfyopt distid:1234567812345678 -CAfile "$T/ca/ca.pem" "$T/maker.pem" >/dev/null 2>&1 ||
    fail "openssl does not verify maker.pem against ca.pem (SM2 with the default ID; OpenSSL 3.0 needs it given)"
openssl x509 -in "$T/maker.pem" -noout -text 2>/dev/null | grep -q "Non Repudiation" ||
    fail "maker.pem lacks nonRepudiation"
cmp -s <(openssl pkey -in "$T/maker.key" -pubout 2>/dev/null) \
    <(openssl x509 -in "$T/maker.pem" -pubkey -noout 2>/dev/null) ||
    fail "maker.pem does not certify maker.key"

# An existing key: only NAME.pem is written.
expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile signer --subject "CN=Signer,C=CN" \
    -o "$T/signer" --key "$T/enc.key" --pass-env SC_TEST_PASS --days 30
expect_no_file "$T/signer.key"
expect_stdout_not_contains "signer.key"
cmp -s <(openssl pkey -in "$T/enc.key" -passin env:SC_TEST_PASS -pubout 2>/dev/null) \
    <(openssl x509 -in "$T/signer.pem" -pubkey -noout 2>/dev/null) ||
    fail "signer.pem does not certify --key enc.key"

# A PKCS#12 key with the wrong password: exit 2, "password".
expect_exit 2 "$SC" ca issue --ca "$T/ca" --profile signer --subject "CN=P12,C=CN" \
    -o "$T/p12" --key "$SAMPLES/keys/USER.p12" --pass-env SC_TEST_WRONG
expect_stderr_contains "sealcert: --key: $SAMPLES/keys/USER.p12:"
expect_stderr_contains "password"
expect_no_file "$T/p12.pem"
# ... and with no password at all (no terminal: no prompt, a hint instead).
expect_exit 2 "$SC" ca issue --ca "$T/ca" --profile signer --subject "CN=P12,C=CN" \
    -o "$T/p12" --key "$SAMPLES/keys/USER.p12"
expect_stderr_contains "--pass-env VAR or --pass-file FILE"
export SC_TEST_P12=777777
expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile signer --subject "CN=P12,C=CN" \
    -o "$T/p12" --key "$SAMPLES/keys/USER.p12" --pass-env SC_TEST_P12

# On a terminal, sealcert asks for the password, without echo (script(1) provides the terminal).
if command -v script >/dev/null; then
    CASES=$((CASES + 1))
    LAST_CMD="script: ca issue --key USER.p12 with a password typed at the prompt"
    (sleep 1; printf '777777\n') | timeout 20 script -qec "'$SC' ca issue --ca '$T/ca' \
        --profile signer --subject CN=Prompted,C=CN -o '$T/prompted' --key '$SAMPLES/keys/USER.p12'" \
        /dev/null >"$OUT" 2>&1
    RC=$?
    [[ $RC -eq 0 ]] || fail "the password prompt did not work"
    expect_stdout_contains "Password for $SAMPLES/keys/USER.p12:"
    expect_stdout_not_contains "777777"
    expect_file "$T/prompted.pem"
fi

# An encrypted CA key needs its password.
expect_exit 2 "$SC" ca issue --ca "$T/ca-enc" --profile signer --subject "CN=S,C=CN" -o "$T/s2"
expect_stderr_contains "--ca-pass-env VAR or --ca-pass-file FILE"
expect_no_file "$T/s2.key"
expect_exit 0 "$SC" ca issue --ca "$T/ca-enc" --profile signer --subject "CN=S,C=CN" -o "$T/s2" \
    --ca-pass-file "$T/pass.txt"

# Refusals before anything is written; --force replaces both files.
expect_exit 2 "$SC" ca issue --ca "$T/ca" --profile seal-maker --subject "CN=Seal Maker,C=CN" \
    -o "$T/maker"
expect_stderr_contains "maker.key: file exists (use --force to overwrite)"
expect_exit 0 "$SC" ca issue --ca "$T/ca" --profile seal-maker --subject "CN=Seal Maker,C=CN" \
    -o "$T/maker" --force
expect_exit 2 "$SC" ca issue --ca "$T/nothere" --profile signer --subject "CN=S" -o "$T/s3"
expect_stderr_contains "sealcert: --ca: $T/nothere/ca.pem: cannot open"
expect_no_file "$T/s3.key"
# A CA directory whose key belongs to another certificate.
mkdir -p "$T/ca-mixed"
cp "$T/ca/ca.pem" "$T/ca-mixed/ca.pem"
cp "$T/plain.key" "$T/ca-mixed/ca.key"
expect_exit 2 "$SC" ca issue --ca "$T/ca-mixed" --profile signer --subject "CN=S" -o "$T/s4"
expect_stderr_contains "not the private key of"
expect_no_temporaries "$T"

finish
