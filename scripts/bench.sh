#!/usr/bin/env bash
# `make bench`: every sealcert figure beside a baseline measured in the same run, as a ratio.
# Baselines: `openssl speed` (SM2 sign/verify with the same curve and ID handling, SM3 on 16 KB).
# Usage: scripts/bench.sh BUILD_DIR      (BENCH_SECONDS=N for longer runs)
set -euo pipefail
build=${1:-build}
secs=${BENCH_SECONDS:-1}
export BENCH_SECONDS=$secs

declare -A base srcs
# openssl speed -mr: "+F7:0:256:CurveSM2:<sign/s>:<verify/s>", "+F:..:sm3:<bytes/s>"
while IFS=: read -r tag _ _ curve sign verify; do
    if [[ $tag == "+F7" && $curve == CurveSM2 ]]; then
        base[sm2_sign]=$sign
        base[sm2_verify]=$verify
    fi
done < <(openssl speed -seconds "$secs" -mr sm2 2>/dev/null)
while IFS=: read -r tag _ alg rate; do
    [[ $tag == "+F" && $alg == sm3 ]] && base[sm3_16k]=$(awk -v r="$rate" 'BEGIN{printf "%.1f", r/1e6}')
done < <(openssl speed -seconds "$secs" -mr -evp sm3 -bytes 16384 2>/dev/null)

# seal verification is bounded by one SM2 verify: set it beside the raw rate of this run.
base[seal_verify]=${base[sm2_verify]:-}
src_seal_verify="openssl sm2 verify"

export SEALCERT_SAMPLES=${SEALCERT_SAMPLES:-$(cd "$(dirname "$0")/.." && pwd)/../shared/samples}
printf '%-22s %14s %-7s %14s %-22s %7s\n' figure sealcert unit baseline "baseline source" ratio
for b in "$build"/bench/bench_*; do
    [[ -x $b ]] || continue
    while IFS=$'\t' read -r name value unit; do
        # "baseline:<figure>" lines carry a baseline the benchmark measured itself in this run
        # (bench/ofd_write.c: zlib deflate of the same package's bytes); they precede the figure.
        if [[ $name == baseline:* ]]; then
            base[${name#baseline:}]=$value
            srcs[${name#baseline:}]="zlib deflate same doc"
            continue
        fi
        bl=${base[$name]:-}
        if [[ -n $bl ]]; then
            ratio=$(awk -v a="$value" -v b="$bl" 'BEGIN{printf "%.2f", a/b}')
            src="openssl speed"
            [[ $name == seal_verify ]] && src=$src_seal_verify
            [[ -n ${srcs[$name]:-} ]] && src=${srcs[$name]}
            printf '%-22s %14s %-7s %14.1f %-22s %7s\n' "$name" "$value" "$unit" "$bl" "$src" "$ratio"
        else
            printf '%-22s %14s %-7s %14s %-22s %7s\n' "$name" "$value" "$unit" "-" "-" "-"
        fi
    done < <("$b")
done
