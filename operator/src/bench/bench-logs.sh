#!/usr/bin/env bash
# bench-logs.sh - throughput (MB/s, lines/s) and peak heap of `pgdba analyze` on a stderr log of
# at least SIZE_MB, and pgBadger -j 1 on the same file in the same run when it is installed.
# Called by `make bench` after the jar is built. Not part of the test suite.
#
# The log is cached in BENCH_DIR and reused by later runs. It is built from a ~CORPUS_MB corpus
# that a real PostgreSQL 15 wrote (the shared make-corpus.sh, when PG 15 is installed and we are
# root), else from gen-stderr-log.py (a synthetic but realistic mix), then concatenated whole
# copies up to SIZE_MB (whole copies: no entry is ever cut).
#
# Environment knobs (defaults in brackets):
#   SIZE_MB   [1100]  size of the benchmark log in MB (10^6 bytes); 1100 MB > 1 GiB
#   CORPUS_MB [25]    size of the corpus the big log repeats
#   BENCH_DIR [/tmp/pgdba-bench]   cache and outputs (the PG corpus needs a dir postgres can write)
#   HEAP      [256m]  -Xmx of the pgdba run
#   PGBADGER  [auto]  auto: run pgBadger -j 1 when installed; 0: skip it
#   SHARED_BENCH [../shared/bench/logs beside the project]  where make-corpus.sh lives
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
JAR=${JAR:-$ROOT/operator/target/pgdba.jar}
SIZE_MB=${SIZE_MB:-1100}
CORPUS_MB=${CORPUS_MB:-25}
BENCH_DIR=${BENCH_DIR:-/tmp/pgdba-bench}
HEAP=${HEAP:-256m}
PGBADGER=${PGBADGER:-auto}
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench/logs}
PG15=/usr/lib/postgresql/15/bin
# the prefix both corpus sources write; pgBadger needs it spelled out, pgdba detects it
PREFIX='%t [%p]: user=%u,db=%d,app=%a,client=%h '

[[ -f $JAR ]] || { echo "bench: $JAR missing, run make build first" >&2; exit 1; }
mkdir -p "$BENCH_DIR"
chmod 755 "$BENCH_DIR"
CORPUS_DIR=$BENCH_DIR/corpus-${CORPUS_MB}mb
CORPUS=$CORPUS_DIR/postgresql.log
BIG=$BENCH_DIR/bench-${SIZE_MB}mb.log

say() { echo "bench: $*" >&2; }
now() { date +%s.%N; }

# ---- the corpus ------------------------------------------------------------------------
if [[ ! -s $CORPUS ]]; then
  if [[ $(id -u) -eq 0 && -x $PG15/initdb && -f $SHARED_BENCH/make-corpus.sh ]]; then
    say "building a ${CORPUS_MB} MB corpus with a real PostgreSQL 15 (about a minute)"
    OUTDIR=$CORPUS_DIR bash "$SHARED_BENCH/make-corpus.sh" "$CORPUS_MB" >&2
  else
    say "no PostgreSQL 15 (or not root): generating a synthetic ${CORPUS_MB} MB corpus"
    mkdir -p "$CORPUS_DIR"
    python3 "$HERE/gen-stderr-log.py" "$CORPUS_MB" >"$CORPUS.tmp"
    mv "$CORPUS.tmp" "$CORPUS"
  fi
fi

# ---- the big log: whole copies of the corpus -------------------------------------------
if [[ ! -s $BIG ]]; then
  corpus_bytes=$(stat -c %s "$CORPUS")
  copies=$(( (SIZE_MB * 1000000 + corpus_bytes - 1) / corpus_bytes ))
  say "writing $BIG: $copies copies of $CORPUS"
  : >"$BIG.tmp"
  for ((i = 0; i < copies; i++)); do cat "$CORPUS" >>"$BIG.tmp"; done
  mv "$BIG.tmp" "$BIG"
fi
BYTES=$(stat -c %s "$BIG")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
say "log: $BIG, $MB MB; warming the page cache"
cat "$BIG" >/dev/null

# ---- pgdba -----------------------------------------------------------------------------
say "pgdba analyze (java -Xmx$HEAP)"
t0=$(now)
/usr/bin/time -f '%M %U %S' -o "$BENCH_DIR/pgdba.time" \
  java -Xmx"$HEAP" -jar "$JAR" analyze --log "$BIG" --output json --stats \
  >"$BENCH_DIR/pgdba.json" 2>"$BENCH_DIR/pgdba.err" || {
  say "pgdba failed:"; cat "$BENCH_DIR/pgdba.err" >&2; exit 1; }
t1=$(now)
PGDBA_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
STATS=$(grep '^pgdba stats:' "$BENCH_DIR/pgdba.err" | tail -1)
stat_of() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$STATS"; }
LINES=$(stat_of lines)
PEAK_HEAP=$(stat_of peak_heap_mb)
RSS_MB=$(awk '{ printf "%.0f", $1 / 1024 }' "$BENCH_DIR/pgdba.time")
PGDBA_CPU=$(awk '{ printf "%.2f", $2 + $3 }' "$BENCH_DIR/pgdba.time")
read -r STATEMENTS DISTINCT UNPARSED < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["statements"], s["distinctQueries"], s["unparsedLines"])' "$BENCH_DIR/pgdba.json")

echo
echo "pgdba analyze on $MB MB ($LINES lines), whole process, one run:"
awk -v s="$PGDBA_S" -v b="$BYTES" -v l="$LINES" 'BEGIN {
  printf "  wall %.2f s   %.1f MB/s   %.0f lines/s\n", s, b / 1e6 / s, l / s }'
per_cpu() { awk -v c="$1" -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 / c }'; }
echo "  CPU (user+sys) $PGDBA_CPU s: $(per_cpu "$PGDBA_CPU") MB per CPU-second"
echo "  peak heap $PEAK_HEAP MB (sum of heap pool peaks, -Xmx$HEAP), peak RSS $RSS_MB MB"
echo "  $STATEMENTS statements, $DISTINCT distinct queries, $UNPARSED unparsed lines"

# ---- pgBadger --------------------------------------------------------------------------
if [[ $PGBADGER != 0 ]] && command -v pgbadger >/dev/null; then
  say "pgbadger -j 1 on the same file (about $(awk -v m="$MB" 'BEGIN{printf "%.0f", m/3}') s" \
    "at 3 MB/s on an idle machine)"
  t0=$(now)
  /usr/bin/time -f '%M %U %S' -o "$BENCH_DIR/pgbadger.time" \
    pgbadger -q -j 1 -f stderr --prefix "$PREFIX" -o "$BENCH_DIR/pgbadger.json" "$BIG"
  t1=$(now)
  BADGER_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  echo "pgBadger $(pgbadger --version | head -1 | awk '{print $NF}') -j 1:"
  awk -v s="$BADGER_S" -v b="$BYTES" -v l="$LINES" 'BEGIN {
    printf "  wall %.2f s   %.1f MB/s   %.0f lines/s\n", s, b / 1e6 / s, l / s }'
  BADGER_CPU=$(awk '{ printf "%.2f", $2 + $3 }' "$BENCH_DIR/pgbadger.time")
  BADGER_RSS=$(awk '{ printf "%.0f", $1 / 1024 }' "$BENCH_DIR/pgbadger.time")
  echo "  CPU (user+sys) $BADGER_CPU s: $(per_cpu "$BADGER_CPU") MB per CPU-second," \
    "peak RSS $BADGER_RSS MB"
  awk -v p="$PGDBA_S" -v g="$BADGER_S" -v pc="$PGDBA_CPU" -v gc="$BADGER_CPU" 'BEGIN {
    printf "ratio: pgdba is %.1fx pgBadger -j 1 in wall time (goal >= 50x), %.1fx in CPU time\n",
      g / p, gc / pc }'
else
  echo "pgBadger not installed (apt-get install pgbadger) or PGBADGER=0: no comparison"
fi
