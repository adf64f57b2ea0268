#!/usr/bin/env bash
# Everything a fresh clone needs before building or testing: Debian packages, npm packages and,
# with --code-server, code-server (the real VS Code the e2e suite and the demo run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tapline setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
if [ "${1:-}" = "--code-server" ]; then
  bash scripts/setup-code-server.sh >/dev/null
fi
