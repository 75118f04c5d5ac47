#!/usr/bin/env bash
# Issue #5 fan-out benchmark: one activity to 1,000 distinct hosts (stub listeners on 127.0.0.1),
# all healthy and with 10 hanging, beside the RSA-2048 signing rate of the JVM and of openssl.
# Usage: docs/bench/delivery.sh [-Dbench.workers=256 -Dbench.perHost=4 ...]   (see DeliveryBenchmark)
# Prints each round with what PostgreSQL did in it (CPU by process kind, autovacuum/analyze runs,
# checkpoints, sampled busy sessions), and the worst round of each kind beside the medians (issue 19).
# Needs: a JDK 21+ (JAVA_HOME or /usr/lib/jvm), network access to Maven Central on the first run,
# openssl (for the signing comparison), about 2 GB of free memory, and permission to raise `ulimit -n`
# to 8192 (1,000 listeners and their connections). Takes about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
source docs/bench/common.sh

# 1,000 listeners plus as many client connections, the database and the JVM's own files.
want=8192
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

bench_build

echo "== $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg); ulimit -n $(ulimit -n)"
"$JAVA_HOME/bin/java" -Xmx1g "$@" -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    app.kindred.bench.DeliveryBenchmark

echo
echo "== openssl speed -seconds 5 rsa2048 ($(openssl version))"
openssl speed -seconds 5 rsa2048 2>/dev/null | tail -3
