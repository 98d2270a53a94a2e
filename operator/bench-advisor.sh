#!/bin/sh
# Advice time for 1,000 distinct queries (see AdvisorBenchmark).
# Usage: operator/bench-advisor.sh [N] [model|hypopg]
set -e
cd "$(dirname "$0")"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
  -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" \
  io.pgdba.advisor.index.AdvisorBenchmark "$@"
