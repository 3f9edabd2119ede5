#!/usr/bin/env bash
# Search benchmark: synthetic corpora of 100,000 and 1,000,000 reports, tantivy (in process
# and over HTTP) side by side with PostgreSQL full-text search. See BENCHMARKS.md.
#
#   bash bench/search/run.sh            # 100k then 1M
#   SIZES=100000 bash bench/search/run.sh
#   SKIP_PG=1 bash bench/search/run.sh   # tantivy only
#
# Needs: a release build (built here), python3, wrk (apt-get install wrk), PostgreSQL at
# $PG_URL (default postgres://postgres@127.0.0.1:5432/test; only table bench_reports is
# created and dropped). Work files go to $WORK (default /tmp/commonplace-bench).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${WORK:-/tmp/commonplace-bench}"
SIZES="${SIZES:-100000 1000000}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
ROUNDS="${ROUNDS:-30}"
DURATION="${DURATION:-15}"
PORT="${PORT:-8090}"
BIN="$ROOT/target/release/commonplace"
mkdir -p "$WORK"
(cd "$ROOT" && cargo build --release --quiet)
"$BIN" bench-search paths > "$WORK/paths.txt"

step() { echo; echo "== $*"; }
secs() { local s=$(date +%s.%N); "$@"; echo "($(echo "$(date +%s.%N) - $s" | bc) s)"; }

for N in $SIZES; do
  CORPUS="$WORK/corpus-$N.jsonl"
  DATA="$WORK/data-$N"
  step "$N reports: corpus"
  if [ ! -s "$CORPUS" ]; then
    secs timeout 900 python3 "$ROOT/bench/search/gen.py" "$N" > "$CORPUS"
  fi
  echo "$(wc -l < "$CORPUS") reports, $(du -m "$CORPUS" | cut -f1) MiB of JSON"

  step "$N: import through the real path (validate, scrub, publish), 2,000-report sample"
  rm -rf "$WORK/import-sample" && mkdir -p "$WORK/import-sample"
  head -n 2000 "$CORPUS" | python3 -c 'import sys,json
for l in sys.stdin:
    d=json.loads(l); d.pop("id"); print(json.dumps(d))' > "$WORK/import-sample/sample.jsonl"
  "$BIN" --data-dir "$WORK/import-sample" org create "Bench Org" > /dev/null
  secs timeout 900 "$BIN" --data-dir "$WORK/import-sample" import "$WORK/import-sample/sample.jsonl" --org "Bench Org" --publish

  step "$N: index build (same document builder as the indexer)"
  rm -rf "$DATA" && mkdir -p "$DATA"
  timeout 3600 "$BIN" --data-dir "$DATA" bench-search build --corpus "$CORPUS"
  echo "index on disk: $(du -sm "$DATA/index" | cut -f1) MiB"

  step "$N: in-process latency, top 10 + facet counts"
  timeout 1800 "$BIN" --data-dir "$DATA" bench-search query --rounds "$ROUNDS"

  for CACHE in off on; do
    step "$N: HTTP (wrk, 127.0.0.1:$PORT), search not rate limited, result cache $CACHE"
    FLAG=""; [ "$CACHE" = off ] && FLAG="--no-result-cache"
    "$BIN" --data-dir "$DATA" bench-search serve --listen "127.0.0.1:$PORT" $FLAG > "$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/search?q=x" > /dev/null && break; sleep 0.2; done
    echo "RSS after start: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MiB"}')"
    for C in 1 16; do
      T=$(( C < 2 ? 1 : 2 ))
      echo "-- $C concurrent clients"
      PATHS_FILE="$WORK/paths.txt" timeout 120 wrk -t"$T" -c"$C" -d"${DURATION}s" --latency \
        -s "$ROOT/bench/search/urls.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
    done
    echo "RSS while serving: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MiB"}'), peak $(grep VmHWM /proc/$SERVER/status | awk '{print $2/1024 " MiB"}')"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  done

  if [ -n "${SKIP_PG:-}" ]; then continue; fi
  step "$N: PostgreSQL full-text search on the same corpus"
  timeout 5400 "$BIN" bench-search pg --corpus "$CORPUS" --rounds "$(( ROUNDS < 10 ? ROUNDS : 10 ))" --pg-url "$PG_URL"
  "$BIN" bench-search pg-drop --pg-url "$PG_URL"
done
