#!/usr/bin/env bash
# `make bench`: every sealcert figure beside a baseline measured in the same run, as a ratio.
# Baselines: `openssl speed` (SM2 sign/verify with the same curve and ID handling, SM3 on 16 KB).
# Usage: scripts/bench.sh BUILD_DIR      (BENCH_SECONDS=N for longer runs)
set -euo pipefail
build=${1:-build}
secs=${BENCH_SECONDS:-1}
export BENCH_SECONDS=$secs
# As the CLI does (tools/sealcert/main.c): with TZ unset glibc stats /etc/localtime on each of
# libzip's mktime() calls.
export TZ=${TZ:-:/etc/localtime}

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
for f in seal_verify seal_verify_cached ses_signature_verify ses_signature_verify_cached \
    ofd_verify_1page ofd_verify_1page_cached ofd_verify_5page ofd_verify_5page_cached; do
    base[$f]=${base[sm2_verify]:-}
done
src_seal_verify="openssl sm2 verify"
# signing, and writing + sealing, make one SM2 signature per document
for f in ofd_sign_1page ofd_sign_1page_cosign ofd_sign_5page ofd_write_sign_2page ofd_write_then_sign_2page \
    ecert_issue_2page_same ecert_issue_2page_numbers ecert_issue_2page_customers \
    ecert_issue_2page_j2; do
    base[$f]=${base[sm2_sign]:-}
done

export SEALCERT_SOURCE=${SEALCERT_SOURCE:-$(cd "$(dirname "$0")/.." && pwd)}
export SEALCERT_SAMPLES=${SEALCERT_SAMPLES:-$(cd "$(dirname "$0")/.." && pwd)/../shared/samples}
printf '%-28s %12s %-6s %12s %-20s %6s\n' figure sealcert unit baseline "baseline source" ratio
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
            [[ $name == seal_verify* || $name == ses_signature* || $name == ofd_verify* ]] &&
                src=$src_seal_verify
            [[ $name == ofd_sign* || $name == ofd_write_*sign* || $name == ecert_issue* ]] &&
                src="openssl sm2 sign"
            [[ -n ${srcs[$name]:-} ]] && src=${srcs[$name]}
            printf '%-28s %12s %-6s %12.1f %-20s %6s\n' "$name" "$value" "$unit" "$bl" "$src" "$ratio"
        else
            printf '%-28s %12s %-6s %12s %-20s %6s\n' "$name" "$value" "$unit" "-" "-" "-"
        fi
    done < <("$b")
done
