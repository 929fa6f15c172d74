#!/usr/bin/env bash
# Installs what `make run` / `make test` need, only what is missing, and is safe to run again:
#   Debian packages: verilator, yosys, g++, make, tshark (tshark verifies GCM tags in captures),
#   z3 (the SMT solver of the formal checks, scripts/formal.sh), lcov (genhtml: the coverage report);
#   npm packages: exactly the lockfile (`npm ci`), skipped when node_modules already matches it.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have verilator || need_pkgs+=(verilator)
have yosys || need_pkgs+=(yosys)
have g++ || need_pkgs+=(g++)
have make || need_pkgs+=(make)
have tshark || need_pkgs+=(tshark)
have z3 || need_pkgs+=(z3)
have genhtml || need_pkgs+=(lcov)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_pkgs[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no, non-interactively.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! have node || ! have npm; then
  echo "setup: Node.js (>= 20.19) and npm are required; install them first (Debian: nodejs npm)." >&2
  exit 1
fi

# npm ci only when the installed tree is older than the lockfile (or absent).
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
