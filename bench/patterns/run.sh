#!/usr/bin/env bash
# Patterns at scale: the demo database plus N synthetic published reports (SQLite), then the
# time of each aggregate request uncached (first) and cached (second). Only 127.0.0.1.
#   bash bench/patterns/run.sh            # N = 100000
#   N=1000000 bash bench/patterns/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${N:-100000}"
PORT="${PORT:-18090}"
BIN=target/release/commonplace
cargo build --release --bin commonplace
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# The demo corpus through the real path, so organisations, submissions and tags are real.
timeout 120 "$BIN" serve --demo --data-dir "$WORK/demo" --listen "127.0.0.1:$PORT" > "$WORK/demo.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/" > /dev/null && break; sleep 1; done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true

# N more reports spread over the demo organisations, with facts and tags in fixed ratios.
sqlite3 "$WORK/demo/commonplace.db" <<SQL
PRAGMA foreign_keys = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO reports (id, published, period, kind, severity, title, content, position,
                     detection_method, time_to_detect, duration, change_type)
SELECT 'bench' || i, '2025-01', (2019 + i % 7) || '-Q' || (1 + i % 4), 'incident',
  'sev' || (1 + i % 5), 'bench report', '{}', i,
  CASE i % 5 WHEN 0 THEN 'symptom_alert' WHEN 1 THEN 'customer_report' WHEN 2 THEN 'cause_alert'
             WHEN 3 THEN 'vendor_notice' ELSE 'social_media' END,
  CASE i % 3 WHEN 0 THEN 'under_15m' WHEN 1 THEN '15m_to_1h' ELSE '1h_to_4h' END,
  CASE i % 4 WHEN 0 THEN 'under_15m' WHEN 1 THEN '15m_to_1h' WHEN 2 THEN '4h_to_24h' ELSE '1h_to_4h' END,
  CASE i % 6 WHEN 0 THEN 'code_deploy' WHEN 1 THEN 'config_change' WHEN 2 THEN 'migration' ELSE 'unknown' END
FROM n;
CREATE TEMP TABLE orgs AS SELECT id AS org, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM organisations;
INSERT INTO submissions (id, org_id, status, scrubbed, finding_counts, report_id, created_at, updated_at)
SELECT 'sub_bench' || substr(r.id, 6), o.org, 'published', '{}', '{}', r.id, 0, 0
FROM reports r JOIN orgs o ON o.k = CAST(substr(r.id, 6) AS INTEGER) % (SELECT COUNT(*) FROM orgs)
WHERE r.id LIKE 'bench%';
INSERT INTO report_technologies SELECT id, CASE CAST(substr(id, 6) AS INTEGER) % 7
  WHEN 0 THEN 'kafka' WHEN 1 THEN 'mysql' WHEN 2 THEN 'redis' ELSE 'kubernetes' END
  FROM reports WHERE id LIKE 'bench%';
INSERT INTO report_technologies SELECT id, 'postgresql' FROM reports
  WHERE id LIKE 'bench%' AND CAST(substr(id, 6) AS INTEGER) % 3 = 0;
INSERT INTO report_factors SELECT id, CASE CAST(substr(id, 6) AS INTEGER) % 5
  WHEN 0 THEN 'retry-storm' WHEN 1 THEN 'config-mismatch' ELSE 'capacity-scaling' END
  FROM reports WHERE id LIKE 'bench%';
COMMIT;
SQL

"$BIN" serve --data-dir "$WORK/demo" --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/" > /dev/null && break; sleep 1; done
echo "reports: $(sqlite3 "$WORK/demo/commonplace.db" 'SELECT COUNT(*) FROM reports')"
for path in /api/v1/patterns /api/v1/patterns/distributions \
  '/api/v1/patterns/distributions?technology=kafka' \
  '/api/v1/patterns/distributions?technology=kubernetes&factor=retry-storm' /patterns; do
  first=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$path")
  second=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$path")
  printf '%-75s uncached %6.3f s   cached %6.4f s\n' "$path" "$first" "$second"
done
