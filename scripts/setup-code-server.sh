#!/usr/bin/env bash
# Installs code-server (a real VS Code: workbench, Node extension host, the same extension API)
# outside the extension's own dependencies, cached between runs. Prints the code-server binary path.
# code-server 4.100.3 (VS Code 1.100.3) is the newest release that accepts Node 20.
set -euo pipefail
VERSION=4.100.3
CACHE=${TAPLINE_CACHE:-$HOME/.cache/tapline}
DIR=$CACHE/code-server-$VERSION
BIN=$DIR/node_modules/code-server/out/node/entry.js

if [ -f "$DIR/.complete" ] && [ -f "$BIN" ]; then echo "$BIN"; exit 0; fi

command -v rg >/dev/null || { echo "tapline setup: ripgrep (rg) is missing; run scripts/setup-system.sh" >&2; exit 1; }
echo "tapline setup: installing code-server $VERSION into $DIR (about 2 minutes, once)" >&2
rm -rf "$DIR"; mkdir -p "$DIR"

# @vscode/ripgrep downloads rg from GitHub, which is not reachable here; it first looks for the
# tarball in its cache, so seed the cache with Debian's rg for every version code-server may pull.
TMP_RG=${TMPDIR:-/tmp}
for v in 1.15.9 1.15.10 1.15.11 1.15.13 1.15.14; do
  mkdir -p "$TMP_RG/vscode-ripgrep-cache-$v"
  for t in v13.0.0-10 v13.0.0-13 v13.0.0-4; do
    tar czf "$TMP_RG/vscode-ripgrep-cache-$v/ripgrep-$t-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  done
done

cd "$DIR"
cat > package.json <<JSON
{ "name": "tapline-code-server", "private": true, "version": "0.0.0" }
JSON
export npm_config_unsafe_perm=true npm_config_yes=true
fail() { tail -30 "$DIR/install.log" >&2; echo "tapline setup: code-server install failed (log: $DIR/install.log)" >&2; exit 1; }
# npm 11 skips dependencies' install scripts until approved; code-server needs its own and its
# native modules' scripts, so approve them for this private folder and run them with rebuild.
# npm 10 (the one Node 20 ships) runs them during install and has no `install-scripts` command.
approve_scripts() {
  if npm install-scripts --help >/dev/null 2>&1; then
    npm install-scripts approve --all --no-allow-scripts-pin && npm rebuild
  fi
}
{
  echo "npm $(npm --version)"
  npm install --no-audit --no-fund "code-server@$VERSION" &&
  approve_scripts
} >"$DIR/install.log" 2>&1 || fail
touch "$DIR/.complete"
echo "$BIN"
