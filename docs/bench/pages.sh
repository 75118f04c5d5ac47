#!/usr/bin/env bash
# Issue 14: web page speed. The thread page with 200 comments, a community page, and the JSON API's route for
# the same thread, at 64 concurrent clients, by the same tool in the same run (pages/s, p50/p95/p99, bytes, CPU).
# Usage: docs/bench/pages.sh [-Dbench.clients=64 -Dbench.seconds=10 -Dbench.warmups=2 -Dbench.rounds=3 -Dbench.only=thread]
# The server's request log goes to target/bench-pages.log, not the terminal.
# Needs: a JDK 21+ (JAVA_HOME or /usr/lib/jvm), network access to Maven Central on the first run, about 1 GB
# of free memory. Takes about 4 minutes with the defaults (5 rounds x 3 targets x 10 s, plus start-up).
set -euo pipefail
cd "$(dirname "$0")/../.."
source docs/bench/common.sh

bench_build

echo "== $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "== $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx1g "$@" -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    app.kindred.bench.PageBenchmark 2>target/bench-pages.log \
    || { echo "== failed; the end of target/bench-pages.log:"; tail -40 target/bench-pages.log; exit 1; }
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
