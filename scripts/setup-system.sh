#!/usr/bin/env bash
# Installs the Debian packages Tapline's build, sensor and tests need.
# Idempotent: installs only what is missing. Needs root (or sudo) when something is missing.
set -euo pipefail

PACKAGES=(
  # code-server's native modules and its search
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep
  # the real browser for the e2e suite
  chromium
  # the eBPF sensor: compiler, libbpf, skeleton generator
  clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make
  # the loader decodes Go functions' instructions to find their RETs (Go TLS return probes)
  libcapstone-dev
  # objdump: the test that checks the loader's RETs against a second disassembler
  binutils
  # Go's own server and client (crypto/tls, no OpenSSL) for the Go TLS capture tests
  golang-go
  # real clients and load generators used by tests and benchmarks
  curl wrk
  # HTTP/2 load for the overhead benchmark's h2 and Go TLS rows (h2load)
  nghttp2-client
  # self-signed certificates for the sensor's TLS test
  openssl
  # the gateway and smuggling tests: a real nginx (and its njs module for JWT `sub` blocks)
  nginx libnginx-mod-http-js
  # the h2c Upgrade peer (nginx, node and Go's standard library do not answer Upgrade: h2c)
  apache2-bin
  # the shared stream's broker (NATS JetStream) and the multi-node tests' network namespaces
  nats-server iproute2
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; else
    echo "tapline setup: missing Debian packages: ${missing[*]}" >&2
    echo "tapline setup: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else SUDO=; fi

echo "tapline setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
