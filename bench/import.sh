#!/usr/bin/env bash
# "A 10,000-row import must not stall other users": roster latency (wrk, 8 connections, 20 s)
# without and with a concurrent 10,000-row import, on a fresh demo university.
#   bench/import.sh [DATABASE_URL]     (default: a fresh SQLite file)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DB=${1:-sqlite:///tmp/jiceng-import-bench.db}
if [[ "$DB" == sqlite://* ]]; then rm -f "${DB#sqlite://}"*; fi
PORT=18089
start_server $PORT /tmp/bench-import-serve.log --demo --database "$DB"
TOKEN=$(login $PORT)
export TOKEN
ORGS=$(curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$PORT/api/v1/orgs | python3 -c '
import json,sys
t=json.load(sys.stdin)
print(",".join([str(n["id"]) for n in t if n["level"]==1][:10]))')
export ORGS
BRANCH=$(curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$PORT/api/v1/orgs | python3 -c '
import json,sys
print([n["id"] for n in json.load(sys.stdin) if n["kind"]=="branch"][0])')
python3 bench/gen_import_csv.py 10000 "$BRANCH" /tmp/jiceng-import-10k.csv
echo "== baseline roster latency (no import)"
wrk -t2 -c8 -d20s --latency -s bench/roster.lua http://127.0.0.1:$PORT/ | grep -E "50%|90%|99%|Requests/sec"
echo "== roster latency while importing 10,000 rows"
( sleep 2; curl -s -o /tmp/jiceng-import-result.json -w "import: HTTP %{http_code} in %{time_total} s\n" -H "Authorization: Bearer $TOKEN" \
    -F "file=@/tmp/jiceng-import-10k.csv" http://127.0.0.1:$PORT/api/v1/members/import ) &
wrk -t2 -c8 -d20s --latency -s bench/roster.lua http://127.0.0.1:$PORT/ | grep -E "50%|90%|99%|Requests/sec"
wait
python3 -c 'import json; r=json.load(open("/tmp/jiceng-import-result.json")); print("committed:", r.get("committed"), "created:", r.get("created"), "errors:", len(r.get("errors", [])))'
