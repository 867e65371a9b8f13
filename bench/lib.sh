# Shared helpers of the bench scripts (sourced): start a server, wait for it, log in.
#   start_server PORT LOG ARGS...   starts `jiceng serve ARGS --listen 127.0.0.1:PORT`, sets PID, stops it on exit
#   login PORT [USER]               prints a bearer token (password jiceng2026)
#   times N URL                     prints the time_total of N sequential authorized GETs, then p50/p95/max
BIN=${BIN:-target/release/jiceng}

start_server() {
  local port=$1 log=$2
  shift 2
  $BIN serve "$@" --listen 127.0.0.1:"$port" 2>"$log" &
  PID=$!
  trap 'kill $PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do curl -sf http://127.0.0.1:"$port"/healthz >/dev/null && return 0; sleep 0.5; done
  echo "server did not start; see $log" >&2
  return 1
}

login() {
  curl -s -X POST http://127.0.0.1:"$1"/api/v1/auth/login -H 'content-type: application/json' \
    -d "{\"username\":\"${2:-admin}\",\"password\":\"jiceng2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

times() {
  local n=$1 url=$2
  for _ in $(seq 1 "$n"); do
    curl -s -o /dev/null -w "%{time_total}\n" -H "Authorization: Bearer $TOKEN" ${COOKIE_HDR:+-H "$COOKIE_HDR"} "$url"
  done | python3 -c '
import sys
t = sorted(float(x) * 1000 for x in sys.stdin)
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print(f"n={len(t)}  p50 {p(0.5):.1f} ms  p95 {p(0.95):.1f} ms  max {t[-1]:.1f} ms")'
}
