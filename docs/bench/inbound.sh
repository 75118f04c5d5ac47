#!/usr/bin/env bash
# Issue #6: inbound signed Create activities into one community with 100 follower instances (202s/s and
# accepted end to end per second), then the lag of a post from alpha to beta at 100 posts/s (p50, p95, p99, max).
# Usage: docs/bench/inbound.sh [-Dbench.part=throughput|lag -Dbench.rounds=3 -Dbench.clients=16 ...]  (see InboundBenchmark)
# The instances' log (one line per request) goes to target/bench-inbound.log, not the terminal.
# Needs: a JDK 21+ (JAVA_HOME or /usr/lib/jvm), network access to Maven Central on the first run,
# about 3 GB of free memory (several instances, each with its embedded PostgreSQL), and permission to
# raise `ulimit -n` to 8192. Takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
source docs/bench/common.sh

want=8192
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

bench_build

echo "== $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "== $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx2g "$@" -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    app.kindred.bench.InboundBenchmark 2>target/bench-inbound.log \
    || { echo "== failed; the end of target/bench-inbound.log:"; tail -40 target/bench-inbound.log; exit 1; }
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
