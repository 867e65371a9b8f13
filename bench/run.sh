#!/usr/bin/env bash
# Load benchmark for the spine (issue 2). Builds a province-scale database (or reuses one), serves it,
# and measures with wrk: the scoped roster (32 connections), a college's tree page, RSS.
#   bench/run.sh sqlite            # uses /tmp/jiceng-province.db
#   bench/run.sh postgres URL      # e.g. postgres://postgres@127.0.0.1:5432/jiceng_bench
# Needs: a release build, wrk (apt-get install wrk), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
KIND=${1:-sqlite}
if [ "$KIND" = sqlite ]; then DB=sqlite:///tmp/jiceng-province.db; FILE=/tmp/jiceng-province.db; else DB=$2; FILE=; fi
PORT=18088
if [ -n "$FILE" ] && [ ! -f "$FILE" ] || [ "$KIND" != sqlite ] && [ "${FRESH:-0}" = 1 ]; then
  echo "== jiceng demo --scale province"
  /usr/bin/time -f "demo: %e s, max RSS %M KB" $BIN demo --scale province --database "$DB"
fi
start_server $PORT /tmp/bench-serve.log --database "$DB"
TOKEN=$(login $PORT)
export TOKEN
# 20 college-level orgs and 20 branches to rotate through.
ORGS=$(curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$PORT/api/v1/orgs | python3 -c '
import json,sys
t=json.load(sys.stdin)
c=[str(n["id"]) for n in t if n["level"]==1][:20]
b=[str(n["id"]) for n in t if n["kind"]=="branch"][::2000][:20]
print(",".join(c+b))')
export ORGS
COLLEGE=$(echo "$ORGS" | cut -d, -f1)
echo "== roster: 32 connections, 20 s"
wrk -t1 -c32 -d20s --latency -s bench/roster.lua http://127.0.0.1:$PORT/ | grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx"
echo "== college tree page (/api/v1/orgs?root=$COLLEGE), 1 connection"
for i in 1 2 3 4 5; do curl -s -o /dev/null -w "%{time_total}\n" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/orgs?root=$COLLEGE"; done
echo "== college org page (/api/v1/orgs/$COLLEGE)"
for i in 1 2 3; do curl -s -o /dev/null -w "%{time_total}\n" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/orgs/$COLLEGE"; done
echo "== server RSS: $(ps -o rss= -p $PID) KB"
