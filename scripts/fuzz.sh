#!/usr/bin/env bash
# `make fuzz`: run every libFuzzer target for a bounded time, seeded with fuzz/corpus/<target>/.
# New interesting inputs go to fuzz/corpus-run/<target>/ (not committed); crashers are written
# to the current directory as crash-*; add each one to fuzz/corpus/<target>/ with its fix.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/fuzz/*_fuzz; do
    [[ -x $bin ]] || continue
    name=$(basename "$bin" _fuzz)
    run="$root/fuzz/corpus-run/$name"
    mkdir -p "$run"
    echo "fuzz: $name for ${secs}s"
    if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "$run" "$root/fuzz/corpus/$name" 2>"$run.log"; then
        echo "fuzz: $name FAILED, see $run.log" >&2
        tail -30 "$run.log" >&2
        status=1
    else
        grep -E 'stat::number_of_executed_units|cov:' "$run.log" | tail -2
    fi
done
exit $status
