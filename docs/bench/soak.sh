#!/usr/bin/env bash
# Issue 19's soak: one instance under steady mixed load (page and API reads, threads and comments through the
# API, signed inbound activities, deliveries to four quick stub hosts and a slow one) for 30 minutes, sampling
# heap after GC, live threads, both database pools, pg_stat_activity and the queues every minute. Fails when
# any of them grows (last third of the samples against the first third) or when the log has an ERROR line.
# Usage: docs/bench/soak.sh [-Dbench.minutes=30 -Dbench.sampleSeconds=60 -Dbench.reads=30 -Dbench.inbound=3 ...]
#        (see SoakBenchmark for every property)
# The instance's log goes to target/bench-soak.log, not the terminal.
# Needs: a JDK 21+ (JAVA_HOME or /usr/lib/jvm), network access to Maven Central on the first run, about 1.5 GB
# of free memory. Takes the given minutes plus about one for the build and start-up.
set -euo pipefail
cd "$(dirname "$0")/../.."
source docs/bench/common.sh

bench_build

log=target/bench-soak.log
echo "== $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "== $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"$JAVA_HOME/bin/java" -Xmx1g "$@" -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    app.kindred.bench.SoakBenchmark 2>"$log" || status=$?
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# A log line's level is its second field (logback.xml); stack traces under a WARN are not ERROR lines.
errors=$(awk '$2 == "ERROR"' "$log" | wc -l)
echo "== ERROR lines in $log: $errors"
if [ "$errors" -gt 0 ]; then
    awk '$2 == "ERROR"' "$log" | head -20
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "== soak FAILED; the end of $log:"
    tail -20 "$log"
fi
exit "$status"
