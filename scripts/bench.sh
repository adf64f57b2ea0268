#!/usr/bin/env bash
# Runs Tapline's benchmarks, each printing ratios against a baseline measured in the same run.
# `bash scripts/bench.sh [NAME...]` runs the named ones only (e.g. store engine-ingest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs

ALL=(http-parser.bench sensor-pipeline.bench store engine-ingest spec-parse spec-match spec-prism sensor-overhead)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")
for name in "${names[@]}"; do
  file="bench/$name.ts"
  [ -f "$file" ] || { echo "bench: no $file (known: ${ALL[*]})" >&2; exit 2; }
  if [ "$name" = sensor-overhead ] && [ "$(id -u)" -ne 0 ]; then
    echo "== $name: skipped, it attaches eBPF programs and needs root"; continue
  fi
  printf '\n== %s\n' "$name"
  node --import tsx "$file"
done
