#!/usr/bin/env bash
# bench-logs.sh - `pgdba analyze` on one stderr log against `wc -l` and pgBadger -j 1 on the same
# file, in one run: wall time, CPU time (user+sys), peak RSS, and the ratios the project's goals
# are stated in (issue 10: >= 80x pgBadger -j 1, at most 40x `wc -l`, peak RSS < 400 MB).
# Called by `make bench` after the jar is built. Not part of the test suite.
#
# The log (LOG, else built once and cached in BENCH_DIR): the shared corpus that a real
# PostgreSQL 15 wrote (../shared/bench/logs/make-corpus.sh, when PG 15 is installed and we are
# root; else gen-stderr-log.py, a synthetic but realistic mix), CORPUS_MB of it, then whole
# copies cut at an entry up to SIZE_MB (make-big.sh).
#
# On a shared machine wall times mean little: the CPU figures (and their ratio) are the ones to
# quote there, and the load average is printed with the results.
#
# Environment knobs (defaults in brackets):
#   LOG       [built]  the stderr log to measure (prefix '%t [%p]: user=%u,db=%d,app=%a,client=%h ')
#   SIZE_MB   [300]    size of the built log in MB (10^6 bytes)
#   CORPUS_MB [100]    size of the corpus the built log repeats
#   BENCH_DIR [/tmp/pgdba-bench]   cache and outputs (the PG corpus needs a dir postgres can write)
#   HEAP      [256m]   -Xmx of the pgdba run
#   PGBADGER  [auto]   auto: run pgBadger -j 1 when installed; 0: skip it (it takes minutes)
#   BADGER_MB [all]    run pgBadger on the first BADGER_MB of the log only (cut at an entry) and
#                      compare per MB; the report says so
#   CHECK_SEQUENTIAL [1] also run pgdba with one parsing thread and compare the JSON byte for byte
#   JAVA_OPTS [none]   more JVM options for the pgdba runs
#   PLAIN     [1]      also run plain `java -jar` (the JVM's default JIT and GC), for comparison
#   SHARED_BENCH [../shared/bench/logs beside the project]  where make-corpus.sh lives
#
# pgdba runs as the README says to run it, through bin/pgdba: for `analyze` of files below 800 MB
# it picks the C1 JIT compiler and the serial GC (on 300 MB about a third of the CPU time is JIT
# compilation and startup; see the launcher's header).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
JAR=${JAR:-$ROOT/operator/target/pgdba.jar}
SIZE_MB=${SIZE_MB:-300}
CORPUS_MB=${CORPUS_MB:-100}
BENCH_DIR=${BENCH_DIR:-/tmp/pgdba-bench}
HEAP=${HEAP:-256m}
PGBADGER=${PGBADGER:-auto}
BADGER_MB=${BADGER_MB:-}
CHECK_SEQUENTIAL=${CHECK_SEQUENTIAL:-1}
PLAIN=${PLAIN:-1}
read -r -a JOPTS <<<"${JAVA_OPTS:-}"
LAUNCHER=$ROOT/bin/pgdba
# the launcher with this jar, this heap and JAVA_OPTS (a command, so that `time` can run it)
PGDBA=(env "PGDBA_JAR=$JAR" "JAVA_OPTS=-Xmx$HEAP ${JAVA_OPTS:-}" "$LAUNCHER")
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench/logs}
PG15=/usr/lib/postgresql/15/bin
# the prefix both corpus sources write; pgBadger needs it spelled out, pgdba detects it
PREFIX='%t [%p]: user=%u,db=%d,app=%a,client=%h '

[[ -f $JAR ]] || { echo "bench: $JAR missing, run make build first" >&2; exit 1; }
mkdir -p "$BENCH_DIR"
chmod 755 "$BENCH_DIR"

say() { echo "bench: $*" >&2; }
now() { date +%s.%N; }

# ---- the log ---------------------------------------------------------------------------
if [[ -n ${LOG:-} ]]; then
  BIG=$LOG
else
  CORPUS_DIR=$BENCH_DIR/corpus-${CORPUS_MB}mb
  CORPUS=$CORPUS_DIR/postgresql.log
  BIG=$BENCH_DIR/bench-${SIZE_MB}mb.log
  if [[ ! -s $CORPUS ]]; then
    if [[ $(id -u) -eq 0 && -x $PG15/initdb && -f $SHARED_BENCH/make-corpus.sh ]]; then
      say "building a ${CORPUS_MB} MB corpus with a real PostgreSQL 15 (a few minutes)"
      OUTDIR=$CORPUS_DIR bash "$SHARED_BENCH/make-corpus.sh" "$CORPUS_MB" >&2
    else
      say "no PostgreSQL 15 (or not root): generating a synthetic ${CORPUS_MB} MB corpus"
      mkdir -p "$CORPUS_DIR"
      python3 "$HERE/gen-stderr-log.py" "$CORPUS_MB" >"$CORPUS.tmp"
      mv "$CORPUS.tmp" "$CORPUS"
    fi
  fi
  if [[ ! -s $BIG ]]; then
    say "writing $BIG from copies of $CORPUS"
    if [[ -f $SHARED_BENCH/make-big.sh ]]; then
      bash "$SHARED_BENCH/make-big.sh" "$CORPUS" "$SIZE_MB" "$BIG.tmp" >&2
    else
      corpus_bytes=$(stat -c %s "$CORPUS")
      copies=$(( (SIZE_MB * 1000000 + corpus_bytes - 1) / corpus_bytes ))
      : >"$BIG.tmp"
      for ((i = 0; i < copies; i++)); do cat "$CORPUS" >>"$BIG.tmp"; done
    fi
    mv "$BIG.tmp" "$BIG"
  fi
fi
BYTES=$(stat -c %s "$BIG")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
say "log: $BIG, $MB MB; warming the page cache"
cat "$BIG" >/dev/null

# timed CMD...: sets T_WALL (s), T_CPU (user+sys s), T_RSS (MB) of the whole process tree
timed() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f '%M %U %S' -o "$BENCH_DIR/last.time" "$@"
  t1=$(now)
  T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  T_CPU=$(awk '{ printf "%.2f", $2 + $3 }' "$BENCH_DIR/last.time")
  T_RSS=$(awk '{ printf "%.0f", $1 / 1024 }' "$BENCH_DIR/last.time")
}
per_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? b / 1e6 / s : 0) }'; }

# ---- wc -l -----------------------------------------------------------------------------
# Five runs, the median kept: wc -l takes under a tenth of a second here, where the VM's jitter
# (a few hundredths) moved the one-run ratio by a quarter from one bench to the next
WC_RUNS=()
for _ in 1 2 3 4 5; do
  timed wc -l "$BIG" >"$BENCH_DIR/wc.out"
  WC_RUNS+=("$T_WALL $T_CPU")
done
read -r WC_S WC_CPU < <(printf '%s\n' "${WC_RUNS[@]}" | sort -n | sed -n 3p)
LINES=$(awk '{ print $1 }' "$BENCH_DIR/wc.out")

# ---- pgdba -----------------------------------------------------------------------------
say "pgdba analyze (bin/pgdba, -Xmx$HEAP ${JAVA_OPTS:-})"
timed "${PGDBA[@]}" analyze --log "$BIG" --output json --stats \
  >"$BENCH_DIR/pgdba.json" 2>"$BENCH_DIR/pgdba.err" || {
  say "pgdba failed:"; cat "$BENCH_DIR/pgdba.err" >&2; exit 1; }
PGDBA_S=$T_WALL
PGDBA_CPU=$T_CPU
RSS_MB=$T_RSS
STATS=$(grep '^pgdba stats:' "$BENCH_DIR/pgdba.err" | tail -1)
stat_of() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$STATS"; }
PEAK_HEAP=$(stat_of peak_heap_mb)
read -r STATEMENTS DISTINCT UNPARSED < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["statements"], s["distinctQueries"], s["unparsedLines"])' "$BENCH_DIR/pgdba.json")

echo
echo "log: $BIG, $MB MB, $LINES lines; load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(nproc) cores"
echo "wc -l:       wall $WC_S s ($(per_s "$BYTES" "$WC_S") MB/s), CPU $WC_CPU s (median of 5 runs)"
echo "pgdba:       wall $PGDBA_S s ($(per_s "$BYTES" "$PGDBA_S") MB/s), CPU $PGDBA_CPU s" \
  "($(per_s "$BYTES" "$PGDBA_CPU") MB per CPU-second), peak RSS $RSS_MB MB," \
  "peak heap $PEAK_HEAP MB (-Xmx$HEAP)"
echo "             $STATEMENTS statements, $DISTINCT distinct queries, $UNPARSED unparsed lines"

if [[ $CHECK_SEQUENTIAL == 1 ]]; then
  say "pgdba again with one parsing thread (-Dpgdba.log.rangeWorkers=1), to compare the JSON"
  timed env "PGDBA_JAR=$JAR" "JAVA_OPTS=-Xmx$HEAP ${JAVA_OPTS:-} -Dpgdba.log.rangeWorkers=1" \
    "$LAUNCHER" analyze --log "$BIG" --output json >"$BENCH_DIR/pgdba-sequential.json" 2>/dev/null
  if cmp -s "$BENCH_DIR/pgdba.json" "$BENCH_DIR/pgdba-sequential.json"; then
    same="byte-identical JSON"
  else
    same="JSON DIFFERS (see $BENCH_DIR/pgdba*.json)"
  fi
  echo "pgdba, 1 parsing thread: wall $T_WALL s, CPU $T_CPU s, peak RSS $T_RSS MB; $same"
fi

if [[ $PLAIN == 1 ]]; then
  say "pgdba again as plain java -jar (the JVM's default JIT compilers and GC)"
  timed java -Xmx"$HEAP" "${JOPTS[@]}" -jar "$JAR" analyze --log "$BIG" --output json \
    >"$BENCH_DIR/pgdba-plain.json" 2>/dev/null
  cmp -s "$BENCH_DIR/pgdba.json" "$BENCH_DIR/pgdba-plain.json" && same="same JSON" \
    || same="JSON DIFFERS"
  echo "pgdba, plain java -jar: wall $T_WALL s, CPU $T_CPU s, peak RSS $T_RSS MB; $same"
  PLAIN_S=$T_WALL
  PLAIN_CPU=$T_CPU
fi

# ---- pgBadger --------------------------------------------------------------------------
BADGER_S=""
if [[ $PGBADGER != 0 ]] && command -v pgbadger >/dev/null; then
  BADGER_LOG=$BIG
  BADGER_BYTES=$BYTES
  if [[ -n $BADGER_MB ]] && (( BADGER_MB * 1000000 >= BYTES )); then
    BADGER_MB=""  # the whole log is smaller than the slice
  fi
  if [[ -n $BADGER_MB ]]; then
    BADGER_LOG=$BENCH_DIR/badger-slice-${BADGER_MB}mb.log
    if [[ ! -s $BADGER_LOG ]]; then
      # the head of the log, cut before the last entry start within BADGER_MB
      cut_at=$(head -c "$((BADGER_MB * 1000000))" "$BIG" \
        | grep -b -a -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}' \
        | tail -1 | cut -d: -f1)
      head -c "${cut_at:-0}" "$BIG" >"$BADGER_LOG"
    fi
    BADGER_BYTES=$(stat -c %s "$BADGER_LOG")
  fi
  say "pgbadger -j 1 on $(per_s "$BADGER_BYTES" 1) MB (about" \
    "$(awk -v b="$BADGER_BYTES" 'BEGIN { printf "%.0f", b / 3e6 }') s at 3 MB/s on an idle machine)"
  timed pgbadger -q -j 1 -f stderr --prefix "$PREFIX" -o "$BENCH_DIR/pgbadger.json" "$BADGER_LOG"
  BADGER_S=$T_WALL
  BADGER_CPU=$T_CPU
  echo "pgBadger $(pgbadger --version | head -1 | awk '{print $NF}') -j 1 on" \
    "$(per_s "$BADGER_BYTES" 1) MB$([[ -n $BADGER_MB ]] && echo " (the first ${BADGER_MB} MB)"):" \
    "wall $BADGER_S s ($(per_s "$BADGER_BYTES" "$BADGER_S") MB/s), CPU $BADGER_CPU s" \
    "($(per_s "$BADGER_BYTES" "$BADGER_CPU") MB per CPU-second), peak RSS $T_RSS MB"
fi

# ---- ratios ----------------------------------------------------------------------------
echo "ratios:"
if [[ -n $BADGER_S ]]; then
  # per byte, so that a slice compares with the whole file
  awk -v p="$PGDBA_S" -v g="$BADGER_S" -v pc="$PGDBA_CPU" -v gc="$BADGER_CPU" \
    -v pb="$BYTES" -v gb="$BADGER_BYTES" 'BEGIN {
    printf "  pgdba vs pgBadger -j 1: %.1fx faster in wall time (goal >= 80x), %.1fx in CPU time\n",
      (g / gb) / (p / pb), (gc / gb) / (pc / pb) }'
  if [[ $PLAIN == 1 ]]; then
    awk -v p="$PLAIN_S" -v g="$BADGER_S" -v pc="$PLAIN_CPU" -v gc="$BADGER_CPU" \
      -v pb="$BYTES" -v gb="$BADGER_BYTES" 'BEGIN {
      printf "  (plain java -jar vs pgBadger -j 1: %.1fx in wall time, %.1fx in CPU time)\n",
        (g / gb) / (p / pb), (gc / gb) / (pc / pb) }'
  fi
else
  echo "  pgBadger not run (not installed, or PGBADGER=0)"
fi
awk -v p="$PGDBA_S" -v w="$WC_S" 'BEGIN {
  printf "  pgdba vs wc -l: %.1fx the wall time of wc -l (goal <= 40x)\n", (w > 0 ? p / w : 0) }'
awk -v r="$RSS_MB" 'BEGIN {
  printf "  peak RSS %d MB (goal < 400 MB): %s\n", r, (r < 400 ? "ok" : "OVER") }'
