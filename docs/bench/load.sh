#!/usr/bin/env bash
# Issue 19: the read load (1,024 connections on the community page, a thread of 200 comments, the actor document
# and WebFinger for 60 s, beside 64 connections) and the inbound burst (10,000 signed activities from 20 hosts,
# refused ones retried after Retry-After), against real `kindred serve` processes with the shipped defaults.
# Fails (exit 1) on any 5xx other than 503 with Retry-After, an unanswered connection, or a lost or doubled note.
# Usage: docs/bench/load.sh [-Dbench.processes=2 -Dbench.part=read|burst -Dbench.seconds=60 -Dbench.connections=1024
#        -Dbench.activities=10000 -Dbench.hosts=20 -Dbench.inboundHost=200/1m ...]  (see LoadBenchmark)
# -Dbench.processes=2 runs everything with one process, then with two behind a round-robin proxy.
# The servers' logs go to target/bench-load-*.log, the benchmark JVM's own to target/bench-load.log.
# Needs: a JDK 21+ (JAVA_HOME or /usr/lib/jvm), network access to Maven Central on the first run, about 3 GB of
# free memory, and permission to raise `ulimit -n` to 8192 (1,024 connections are 3,072 descriptors through the
# proxy). Takes about 5 minutes with one process, 10 with two.
set -euo pipefail
cd "$(dirname "$0")/../.."
source docs/bench/common.sh

want=8192
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

bench_build

echo "== $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "== $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); ulimit -n $(ulimit -n); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx1g -Dkindred.test.statementStats=true "$@" \
    -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    app.kindred.bench.LoadBenchmark 2>target/bench-load.log \
    || { echo "== failed; the end of target/bench-load.log:"; tail -40 target/bench-load.log; exit 1; }
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
