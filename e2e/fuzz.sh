#!/usr/bin/env bash
# Fuzz run of the served OpenAPI document with schemathesis, on SQLite and on a fresh PostgreSQL
# database: starts `jiceng serve --demo` over a small demo, logs in through the API for a bearer
# token, and runs `st run` with the checks for server errors and for conformance to the document
# (status codes, content types, response schemas). Exits non-zero on any 5xx or violation.
#
#   bash e2e/fuzz.sh                          # both backends, target/debug/jiceng (build it first)
#   FUZZ_BACKENDS=sqlite bash e2e/fuzz.sh     # one backend
#   FUZZ_EXAMPLES=10 FUZZ_SECONDS=150 bash e2e/fuzz.sh
#
# Needs: schemathesis (`st`, pinned in .ci/run), curl, psql for the PostgreSQL run
# (JICENG_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
# Reports and the server logs: e2e/fuzz-report/<backend>/.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/.." && pwd)"
BIN="${JICENG_BIN:-$ROOT/target/debug/jiceng}"
[[ "$BIN" == /* ]] || BIN="$PWD/$BIN"
BACKENDS="${FUZZ_BACKENDS:-sqlite postgres}"
EXAMPLES="${FUZZ_EXAMPLES:-8}"
SECONDS_PER_BACKEND="${FUZZ_SECONDS:-150}"
PG_URL="${JICENG_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REPORT="$E2E_DIR/fuzz-report"
# Demo accounts share one password (src/demo/mod.rs DEMO_PASSWORD).
PASSWORD="${FUZZ_PASSWORD:-jiceng2026}"

die() { echo "fuzz: $*" >&2; exit 1; }
command -v st >/dev/null || die "schemathesis is not installed (pip install schemathesis==4.32.5)"
command -v curl >/dev/null || die "curl is not installed"
[[ -x "$BIN" ]] || die "server binary not found at $BIN — run 'cargo build' first, or set JICENG_BIN"

SERVER_PID=""
PG_DB=""
WORK="$(mktemp -d "${TMPDIR:-/tmp}/jiceng-fuzz.XXXXXX")"
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
drop_pg() {
  if [[ -n "$PG_DB" ]]; then
    psql "$PG_URL" -qtAc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  PG_DB=""
}
cleanup() {
  local rc=$?
  stop_server
  drop_pg
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

fuzz_one() {
  local backend="$1" url
  case "$backend" in
    sqlite) url="sqlite://$WORK/fuzz.db" ;;
    postgres)
      command -v psql >/dev/null || die "psql is needed for the PostgreSQL run"
      PG_DB="jiceng_fuzz_$$_$RANDOM"
      psql "$PG_URL" -qtAc "CREATE DATABASE $PG_DB" >/dev/null
      url="$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$PG_URL" "$PG_DB")"
      ;;
    *) die "unknown backend $backend" ;;
  esac
  local out="$REPORT/$backend"
  rm -rf "$out"
  mkdir -p "$out"
  # A small demo (a few hundred members) keeps start-up short; `serve --demo` then only prints
  # the accounts instead of loading the full university.
  "$BIN" demo --database "$url" --scale 400 >"$out/demo.log" 2>&1 || { tail -n 20 "$out/demo.log" >&2; die "demo load failed"; }
  local port
  port="$(free_port)"
  local base="http://127.0.0.1:$port"
  "$BIN" serve --demo --database "$url" --listen "127.0.0.1:$port" </dev/null >"$out/server.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null --max-time 2 "$base/healthz" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$out/server.log" >&2; die "server exited"; }
    (( SECONDS < deadline )) || { tail -n 30 "$out/server.log" >&2; die "server not ready after 60 s"; }
    sleep 0.5
  done
  local token
  token="$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$base/api/v1/auth/login" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')" || die "login failed on $backend"
  echo "fuzz: $backend: server at $base, fuzzing for at most ${SECONDS_PER_BACKEND} s"
  local rc=0
  # Logout would revoke the token the run uses; everything else is fuzzed. A hard timeout
  # bounds the run even if the tool's own budget is exceeded.
  # Run from the report directory: schemathesis keeps its cache (.schemathesis/) in the cwd.
  # One worker: with two threads hypothesis's ast.parse on CPython 3.11 sometimes raised
  # "AST constructor recursion depth mismatch" (a runtime error of the tool, not of the server).
  (cd "$out" && timeout --signal=INT --kill-after=15 "$((SECONDS_PER_BACKEND + 30))" \
    st run "$base/api/v1/openapi.json" \
      --url "$base" \
      -H "Authorization: Bearer $token" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --phases examples,coverage,fuzzing \
      --max-examples "$EXAMPLES" \
      --max-time "$SECONDS_PER_BACKEND" \
      --workers 1 \
      --seed 2026 \
      --request-timeout 30 \
      --exclude-path /api/v1/auth/logout \
      --suppress-health-check all \
      --warnings off \
      --report junit --report-dir "$out" \
      </dev/null >"$out/schemathesis.log" 2>&1) || rc=$?
  tail -n 40 "$out/schemathesis.log"
  if grep -q "internal error\|panicked" "$out/server.log"; then
    echo "fuzz: $backend: the server log shows internal errors:" >&2
    grep -n "internal error\|panicked" "$out/server.log" | head -n 20 >&2 || true
    rc=1
  fi
  stop_server
  drop_pg
  return "$rc"
}

failed=0
for b in $BACKENDS; do
  start=$SECONDS
  if fuzz_one "$b"; then
    echo "fuzz: $b: no server errors, no violations ($((SECONDS - start)) s)"
  else
    echo "fuzz: $b: FAILED ($((SECONDS - start)) s) — see $REPORT/$b/" >&2
    failed=1
  fi
done
exit "$failed"
