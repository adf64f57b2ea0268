#!/usr/bin/env bash
# The README's first command: set up, build and package, then run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --code-server
node scripts/package.mjs
exec node --import tsx scripts/demo.ts
