#!/usr/bin/env bash
# The main job of `make run`: a test CA, seal-maker and signer certificates, a seal with a drawn
# picture, its verification against the CA, and a sealed calibration certificate issued from the
# shipped template and example data, verified. Non-interactive (no prompts, CI) and
# idempotent: every run replaces the contents of OUTDIR.
# Usage: scripts/demo.sh SEALCERT_BINARY [OUTDIR]     (OUTDIR defaults to ./demo)
set -euo pipefail

bin=$1
out=${2:-demo}
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
src=$(cd "$(dirname "$0")/.." && pwd)

step() { printf '\n== %s\n' "$*"; }
show() {
    local a line='$ sealcert'
    for a in "$@"; do
        [[ "$a" == *[\ ,]* ]] && a="\"$a\""
        line+=" $a"
    done
    printf '%s\n' "$line"
    "$bin" "$@"
}

"$bin" --version
# Start from a clean directory so that re-running gives the same result; only what this script
# created is removed.
rm -rf "$out/ca" "$out"/maker.{key,pem} "$out"/signer.{key,pem} "$out"/seal.{esl,png} \
    "$out"/verify.json "$out"/certificates
mkdir -p "$out"
cd "$out"

step "a test root CA (ca/ca.key, ca/ca.pem)"
show ca init --dir ca --subject "CN=sealcert Demo Root CA,O=某某市计量测试研究院,C=CN"

step "the seal maker (制章人) and the signer (签章人), issued by the CA"
show ca issue --ca ca --profile seal-maker -o maker --days 1200 \
    --subject "CN=某某电子印章制作中心,O=某某市计量测试研究院,C=CN"
show ca issue --ca ca --profile signer -o signer --days 1200 \
    --subject "CN=校准证书签发人,O=某某市计量测试研究院,C=CN"

step "a GB/T 38540 seal with a drawn picture (seal.esl)"
today=$(date -u +%Y-%m-%d)
until=$(date -u -d "+3 years" +%Y-%m-%d)
show seal make --maker-key maker.key --maker-cert maker.pem --signer-cert signer.pem \
    --name 校准电子证书专用章 --org 某某市计量测试研究院 --esid 3201000000001 --type 03 \
    --valid-from "$today" --valid-to "$until" -o seal.esl

step "verify it against the CA"
show seal verify seal.esl --trust ca
"$bin" seal verify seal.esl --trust ca --json >verify.json

step "what is in it"
show seal show seal.esl
show seal picture seal.esl -o seal.png

step "a sealed calibration certificate from the shipped template and example data"
mkdir -p certificates
# --id-root: the identifier's root code (T/CMA 4.5.5). This one is an example; a laboratory
# configures the OID its organisation uses, as identifiers never change once issued.
show issue --template calibration --data "$src/templates/examples/calibration.json" \
    --id-root 1.2.156.112600.1 --seal seal.esl --key signer.key --cert signer.pem -o certificates
cert=$(ls "$PWD"/certificates/*.ofd)
show verify "$cert" --trust ca
show info "$cert"

step "files"
printf '  %s\n' "$PWD/ca/            the test CA (ca.key, ca.pem); also a trust directory" \
    "$PWD/maker.pem       seal maker certificate (maker.key: its key)" \
    "$PWD/signer.pem      signer certificate (signer.key: its key)" \
    "$PWD/seal.esl        the seal (DER SESeal, GB/T 38540-2020)" \
    "$PWD/seal.png        its picture" \
    "$PWD/verify.json     the verification report as JSON" \
    "$cert"
echo
echo "The certificate: $cert"
echo "Try: $bin verify \"$cert\" --trust $PWD/ca --json"
