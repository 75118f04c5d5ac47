#!/usr/bin/env bash
# Issue #4: HTTP signature throughput (src/test/java/app/kindred/bench/SignatureBenchmark.java) beside
# `openssl speed rsa2048 ed25519`, run on the same machine in the same run. Takes about 9 minutes.
#
#   docs/bench/signatures.sh                       # 3 s warm-up, 3 x 5 s measured per case, median
#   WARMUP=1 MEASURE=2 ROUNDS=3 docs/bench/signatures.sh   # quicker, noisier
#   FILTER="verify" docs/bench/signatures.sh       # only cases whose name contains FILTER
# Needs: a JDK 21+ (JAVA_HOME or /usr/lib/jvm), network access to Maven Central on the first run, and
# openssl (the comparison).
set -euo pipefail
cd "$(dirname "$0")/../.."

WARMUP="${WARMUP:-3}"
MEASURE="${MEASURE:-5}"
ROUNDS="${ROUNDS:-3}"
FILTER="${FILTER:-}"
OPENSSL_SECONDS="${OPENSSL_SECONDS:-$MEASURE}"

source docs/bench/common.sh
export PATH="$JAVA_HOME/bin:$PATH"

if ! command -v openssl >/dev/null 2>&1; then
  echo "bench: openssl is not installed, so there is nothing to compare with." >&2
  echo "bench: install it (Debian/Ubuntu: apt-get install -y openssl) and run this again." >&2
  exit 1
fi

echo "== machine"
echo "nproc:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "jdk:     $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) at $JAVA_HOME"
echo "openssl: $(openssl version)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, before the run)"
echo

echo "== compiling (test-compile) and resolving the test classpath"
bench_build
classpath_file="target/bench.classpath"
classpath="target/test-classes:target/classes:$(cat "$classpath_file")"

echo
echo "== openssl speed -seconds $OPENSSL_SECONDS rsa2048 ed25519 (one process, one core)"
openssl_out="$(openssl speed -seconds "$OPENSSL_SECONDS" rsa2048 ed25519 2>/dev/null)"
echo "$openssl_out" | grep -E 'sign/s|^rsa 2048|Ed25519'
rsa_line="$(echo "$openssl_out" | grep -E '^rsa 2048 bits')"
ed_line="$(echo "$openssl_out" | grep -E 'EdDSA \(Ed25519\)')"
# The last two columns are sign/s and verify/s.
rsa_sign="$(echo "$rsa_line" | awk '{print $(NF-1)}')"
rsa_verify="$(echo "$rsa_line" | awk '{print $NF}')"
ed_sign="$(echo "$ed_line" | awk '{print $(NF-1)}')"
ed_verify="$(echo "$ed_line" | awk '{print $NF}')"

echo
echo "== SignatureBenchmark"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath" \
  -Dbench.warmup="$WARMUP" -Dbench.measure="$MEASURE" -Dbench.rounds="$ROUNDS" -Dbench.filter="$FILTER" \
  app.kindred.bench.SignatureBenchmark \
  "opensslRsaSign=$rsa_sign" "opensslRsaVerify=$rsa_verify" "opensslEdSign=$ed_sign" "opensslEdVerify=$ed_verify"
echo
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
