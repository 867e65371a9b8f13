#!/usr/bin/env bash
# Browser (end-to-end) tests: starts `jiceng serve --demo` on a free port with a fresh SQLite
# file, waits for /healthz, runs `node --test e2e/tests/` with playwright-core driving Debian's
# Chromium, and always stops the server.
#
#   bash e2e/run.sh                       # uses target/debug/jiceng (build it first)
#   JICENG_BIN=target/release/jiceng bash e2e/run.sh
#   JICENG_URL=http://127.0.0.1:8080 bash e2e/run.sh   # against a server you already run (demo data)
#
# Needs: node ≥ 20 + npm (installs e2e/node_modules from package-lock.json when missing),
# /usr/bin/chromium (or CHROMIUM_PATH) and fonts-noto-cjk for readable screenshots.
# Screenshots: e2e/screenshots/*.png.  Server log: e2e/screenshots/server.log.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/.." && pwd)"
SHOTS="$E2E_DIR/screenshots"
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png

die() { echo "e2e: $*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed (need node >= 20)"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
[[ -x "$CHROMIUM_PATH" ]] || die "no Chromium at $CHROMIUM_PATH (apt-get install -y chromium fonts-noto-cjk)"
export CHROMIUM_PATH
if ! fc-list : family 2>/dev/null | grep -i 'cjk' >/dev/null; then
  echo "e2e: warning: no CJK font found (apt-get install -y fonts-noto-cjk); Chinese renders as boxes in screenshots" >&2
fi

# Dependencies: exactly the locked playwright-core; never downloads a browser.
if [[ ! -d "$E2E_DIR/node_modules/playwright-core" ]]; then
  (cd "$E2E_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund </dev/null) \
    || die "npm ci failed in $E2E_DIR"
fi

SERVER_PID=""
NODE_PID=""
WORK=""
cleanup() {
  local rc=$?
  if [[ -n "$NODE_PID" ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [[ -n "$WORK" ]] && rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${JICENG_URL:-}" ]]; then
  BIN="${JICENG_BIN:-$ROOT/target/debug/jiceng}"
  [[ "$BIN" == /* ]] || BIN="$PWD/$BIN"
  [[ -x "$BIN" ]] || die "server binary not found at $BIN — run 'cargo build' in $ROOT first, or set JICENG_BIN"

  WORK="$(mktemp -d "${TMPDIR:-/tmp}/jiceng-e2e.XXXXXX")"
  PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  LOG="$SHOTS/server.log"
  echo "e2e: starting $BIN on 127.0.0.1:$PORT (demo data, fresh SQLite in $WORK)"
  "$BIN" serve --demo --database "sqlite://$WORK/e2e.db" --listen "127.0.0.1:$PORT" </dev/null >"$LOG" 2>&1 &
  SERVER_PID=$!
  export JICENG_URL="http://127.0.0.1:$PORT"

  deadline=$((SECONDS + 120))
  healthy() {
    if command -v curl >/dev/null; then
      curl -fsS -o /dev/null --max-time 2 "$JICENG_URL/healthz" 2>/dev/null
    else
      node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$JICENG_URL/healthz"
    fi
  }
  until healthy; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "e2e: server exited before becoming ready; its log:" >&2
      tail -n 50 "$LOG" >&2 || true
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      echo "e2e: server not ready after 120 s; its log:" >&2
      tail -n 50 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  echo "e2e: server ready after $((SECONDS - deadline + 120)) s"
else
  echo "e2e: using the running server at $JICENG_URL"
fi

export JICENG_SCREENSHOTS="$SHOTS"
cd "$ROOT"
start=$SECONDS
# In the background + wait, so a TERM/INT to this script is handled at once (cleanup stops both).
node --test e2e/tests/ </dev/null &
NODE_PID=$!
set +e
wait "$NODE_PID"
rc=$?
set -e
NODE_PID=""
echo "e2e: node --test exited $rc after $((SECONDS - start)) s; screenshots in $SHOTS"
exit "$rc"
