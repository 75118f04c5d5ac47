# Sourced by the benchmark scripts beside it: picks a JDK and resolves the test classpath.
# Needs: a JDK 21 or newer (JAVA_HOME, or one under /usr/lib/jvm), and on the first run network access to
# Maven Central (the Maven wrapper, the build's plugins and dependencies are downloaded once into ~/.m2).

# A JDK 21 or newer: JAVA_HOME when it is one, else the newest under /usr/lib/jvm (as .ci/run picks it).
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA_HOME=""
    for candidate in /usr/lib/jvm/*; do
        if [ -x "$candidate/bin/javac" ] && "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
            JAVA_HOME="$candidate"
        fi
    done
    if [ -z "$JAVA_HOME" ]; then
        echo "bench: no JDK 21 or newer found; install one (e.g. Temurin 21 or 25) or set JAVA_HOME" >&2
        exit 1
    fi
fi
export JAVA_HOME

# Compiles main and test classes and writes the test classpath to target/bench.classpath. Online on
# purpose: an offline build (-o) fails on a fresh clone before measuring anything. The dependency
# plugin is named with its version, so the same one runs everywhere.
bench_build() {
    ./mvnw -B -q -DskipTests test-compile \
        org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
}
