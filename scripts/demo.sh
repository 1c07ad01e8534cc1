#!/usr/bin/env bash
# The main job of `make run`: a test CA, seal-maker and signer certificates and a verified seal.
# Usage: scripts/demo.sh SEALCERT_BINARY OUTDIR
set -euo pipefail
bin=$1
out=${2:-demo}
"$bin" --version
echo "demo: the CLI commands arrive with issue #3; nothing else to do yet"
