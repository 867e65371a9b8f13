#!/usr/bin/env bash
# Benchmarks of issue 3 (member development) — the 待办 list:
#   bench/development.sh school            fresh demo university (SQLite): the school's whole 待办 list, target < 200 ms
#   bench/development.sh province [URL]    province scale with ~100 000 open cases (default /tmp/jiceng-province-cases.db,
#                                          built with `jiceng demo --scale province` when missing), target < 2 s
# One step's rule check (target < 1 ms) is a criterion benchmark: `cargo bench --bench rules`.
# Needs a release build (cargo build --release) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
KIND=${1:-school}
PORT=18090
if [ "$KIND" = school ]; then
  FILE=/tmp/jiceng-dev-school.db
  rm -f "$FILE"*
  start_server $PORT /tmp/bench-dev-serve.log --demo --database "sqlite://$FILE"
else
  DB=${2:-sqlite:///tmp/jiceng-province-cases.db}
  if [[ "$DB" == sqlite://* ]] && [ ! -f "${DB#sqlite://}" ]; then
    /usr/bin/time -f "demo: %e s, max RSS %M KB" $BIN demo --scale province --database "$DB"
  fi
  start_server $PORT /tmp/bench-dev-serve.log --database "$DB"
fi
TOKEN=$(login $PORT)
export TOKEN
BASE=http://127.0.0.1:$PORT
START=$(date +%s.%N)
N=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/development/cases" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "== first request after start (cold 待办 cache): $(python3 -c "import time; print(round((time.time() - $START) * 1000))") ms"
echo "== open cases in the school's 待办 list: $N (this first request also filled the 待办 cache)"
echo "== GET /api/v1/development/cases (the whole list, JSON)"
times 20 "$BASE/api/v1/development/cases"
echo "== GET /api/v1/development/cases?overdue=true"
times 20 "$BASE/api/v1/development/cases?overdue=true"
COLLEGE=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/orgs?depth=1" | python3 -c '
import json,sys
print([n["id"] for n in json.load(sys.stdin) if n["level"]==1][0])')
echo "== one college's list (org=$COLLEGE)"
times 20 "$BASE/api/v1/development/cases?org=$COLLEGE"
echo "== the 待办 page (/development, HTML; the session cookie carries the token)"
CODE=$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: jiceng_session=$TOKEN" "$BASE/development")
[ "$CODE" = 200 ] || { echo "page answered $CODE" >&2; exit 1; }
COOKIE_HDR="Cookie: jiceng_session=$TOKEN" times 20 "$BASE/development"
echo "== server RSS: $(ps -o rss= -p $PID) KB"
