#!/usr/bin/env bash
# Runs Tapline's tests: set-up, type-check, lint, build + package, then the unit, integration and
# e2e layers in one node:test run. `bash scripts/test.sh [unit|integration|e2e|all]`.
# With CI=true nothing may be skipped: a skipped test fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
layer=${1:-all}

case "$layer" in
  unit) dirs=(test/unit) ;;
  integration) dirs=(test/integration) ;;
  e2e) dirs=(test/e2e) ;;
  all) dirs=(test/unit test/integration test/e2e) ;;
  *) echo "usage: scripts/test.sh [unit|integration|e2e|all]" >&2; exit 2 ;;
esac

if [[ "$layer" == all || "$layer" == e2e ]]; then bash scripts/setup.sh --code-server; else bash scripts/setup.sh; fi

step() { printf '\n== %s\n' "$*"; }
step "type-check"; npx tsc -b tsconfig.json
step "lint"; npx eslint --max-warnings 0 .
step "build + package"; node scripts/package.mjs

mapfile -t files < <(find "${dirs[@]}" -name '*.test.ts' -not -path '*/.vscode-server/*' | sort)
step "tests: ${#files[@]} files (${dirs[*]})"
log=$(mktemp)
status=0
node --import tsx --test --test-reporter=spec --test-concurrency=1 --test-timeout=600000 "${files[@]}" 2>&1 | tee "$log" || status=$?

if [ "${CI:-}" = "true" ] && ! grep -qE '^ℹ skipped 0$' "$log"; then
  echo "CI=true: tests were skipped, which CI does not allow" >&2
  status=1
fi
rm -f "$log"
exit "$status"
