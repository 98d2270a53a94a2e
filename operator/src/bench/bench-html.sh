#!/usr/bin/env bash
# The HTML report at 20,000 fingerprints: generates a stderr log of N distinct queries (default
# 20000, 5 calls each over an hour), renders it with `pgdba analyze --output html`, and opens the
# page in headless Chromium (the queries view, then the overview). Prints the page size, the render
# time and the time Chromium took to load and render each view, and any script error.
# Usage: bash operator/src/bench/bench-html.sh [N]   (after `make build`)
set -euo pipefail
N=${1:-20000}
JAR=operator/target/pgdba.jar
OUT=operator/target/bench-html
mkdir -p "$OUT"
python3 - "$N" > "$OUT/workload.log" <<'PY'
import sys, random
random.seed(7)
n = int(sys.argv[1])
for call in range(5):
    for i in range(n):
        s = (call * n + i) * 3600 // (5 * n)
        ms = random.uniform(0.1, 50) * (1 + (i % 97 == 0) * 40)
        sql = f"SELECT c{i % 7}, d FROM t_{i} WHERE id = {random.randint(1, 10**6)} AND s = 'x{i}'"
        print(f"2026-11-24 10:{s // 60:02d}:{s % 60:02d}.{i % 1000:03d} UTC [{1000 + i % 50}] "
              f"LOG:  duration: {ms:.3f} ms  statement: {sql}")
PY
start=$(date +%s.%N)
java -jar "$JAR" analyze --log "$OUT/workload.log" --output html > "$OUT/report.html"
end=$(date +%s.%N)
bytes=$(stat -c %s "$OUT/report.html")
printf 'fingerprints %s: page %.1f MB, rendered in %.1f s\n' "$N" "$(echo "$bytes / 1048576" | bc -l)" \
  "$(echo "$end - $start" | bc -l)"
# an empty page first: what Chromium itself takes to start and dump, to subtract
echo '<!DOCTYPE html><title>empty</title>' > "$OUT/empty.html"
for view in empty queries overview; do
  profile=$(mktemp -d)
  start=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1366,768 --dump-dom \
    "file://$PWD/$OUT/$([ "$view" = empty ] && echo empty.html || echo "report.html#$view")" \
    2>/dev/null > "$OUT/$view.dom"
  end=$(date +%s.%N)
  rm -rf "$profile"
  errors=$(grep -o '<pre id="pgdba-errors">[^<]*' "$OUT/$view.dom" | sed 's/.*>//' || true)
  rows=$(grep -o '<tr class="clickable"' "$OUT/$view.dom" | wc -l || true)
  printf '#%s: chromium load+render+dump %.1f s, %s table rows drawn, errors: %s\n' "$view" \
    "$(echo "$end - $start" | bc -l)" "$rows" "${errors:-none}"
done
