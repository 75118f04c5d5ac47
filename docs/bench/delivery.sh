#!/usr/bin/env bash
# Issue #5 fan-out benchmark: one activity to 1,000 distinct hosts (stub listeners on 127.0.0.1),
# all healthy and with 10 hanging, beside the RSA-2048 signing rate of the JVM and of openssl.
# Usage: docs/bench/delivery.sh [-Dbench.workers=256 -Dbench.perHost=4 ...]   (see DeliveryBenchmark)
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

# 1,000 listeners plus as many client connections, the database and the JVM's own files.
want=8192
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath

echo "== $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg); ulimit -n $(ulimit -n)"
"$JAVA_HOME/bin/java" -Xmx1g "$@" -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    app.kindred.bench.DeliveryBenchmark

echo
echo "== openssl speed -seconds 5 rsa2048 ($(openssl version))"
openssl speed -seconds 5 rsa2048 2>/dev/null | tail -3
