#!/usr/bin/env bash
# Installs the peer if needed, then runs the two-peer self-test with Node 22.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
NODE22="$(./install.sh | tail -n 1)"
exec "$NODE22" selftest.mjs
