#!/usr/bin/env bash
# Issue 19's abuse run: 1,000 wrong passwords against one account from one client and then from 50 clients
# (X-Forwarded-For behind server.client_address_header), limits as shipped, while the owner signs in every
# second from their own client and /healthz is read every 100 ms. Fails if the owner ever gets a 401 or 429,
# or any answer is other than 401, 429 or 503.
# Usage: docs/bench/abuse.sh [-Dbench.attempts=1000 -Dbench.clients=50 -Dbench.senders=32]
# The server's log goes to target/bench-abuse.log. The CI-sized check is web.AbuseTest.
# Needs: a JDK 21+ (JAVA_HOME or /usr/lib/jvm), network access to Maven Central on the first run, about 1 GB
# of free memory. Takes one to three minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
source docs/bench/common.sh

bench_build

echo "== $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "== $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx1g "$@" -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    app.kindred.bench.AbuseBenchmark 2>target/bench-abuse.log \
    || { echo "== failed; the end of target/bench-abuse.log:"; tail -40 target/bench-abuse.log; exit 1; }
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
