#!/usr/bin/env bash
# Runs Tapline's benchmarks, each printing ratios against a baseline measured in the same run and,
# for every figure with a target, one `TARGET … PASS|MISS` line; a summary of those closes the run.
# `bash scripts/bench.sh [--record] [NAME...]` runs the named ones only (e.g. store engine-ingest);
# `--record` also writes docs/performance.md from the run.
set -euo pipefail
cd "$(dirname "$0")/.."
record=false
if [ "${1:-}" = "--record" ]; then record=true; shift; fi
bash scripts/setup.sh
node scripts/build.mjs

ALL=(http-parser.bench sensor-pipeline.bench store engine-ingest har-stream spec-parse spec-prism gateway-nginx sensor-overhead)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for name in "${names[@]}"; do
  file="bench/$name.ts"
  [ -f "$file" ] || { echo "bench: no $file (known: ${ALL[*]})" >&2; exit 2; }
  if [ "$name" = sensor-overhead ] && [ "$(id -u)" -ne 0 ]; then
    echo "== $name: skipped, it attaches eBPF programs and needs root" | tee -a "$log"; continue
  fi
  printf '\n== %s\n' "$name" | tee -a "$log"
  node --import tsx "$file" 2>&1 | tee -a "$log"
done

printf '\n== summary\n'
grep '^TARGET ' "$log" | sed 's/^TARGET //' || true
echo "$(grep -c '^TARGET .* PASS$' "$log" || true) PASS, $(grep -c '^TARGET .* MISS$' "$log" || true) MISS"
if $record; then node --import tsx bench/record.ts "$log" "npm run bench -- --record $*"; fi
