#!/usr/bin/env bash
# Regenerates the sample logs in this folder: RealPostgresLogIT starts a real PostgreSQL 17 that
# logs one workload (literals, prepared statements with parameters, multi-line SQL, errors, a lock
# wait, a temp file, a checkpoint) to stderr, csvlog and jsonlog at once, and copies the files here.
# Try them with: java -jar operator/target/pgdba.jar analyze --log examples/logs/postgresql.csv
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o verify -Dit.test=RealPostgresLogIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -DfailIfNoTests=false -Dpgdba.examples.dir="$PWD/examples/logs"
# the server's temporary data directory says nothing useful to a reader
sed -i 's#/tmp/pgdba-test-pg[0-9]*/#$PGDATA/#g' examples/logs/postgresql.*
wc -l examples/logs/postgresql.*
