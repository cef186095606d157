#!/usr/bin/env bash
# Headless Chromium over a running `atp serve` (a fresh SQLite database on a
# free port): the landing page and every chart kind, in English and Korean
# (scripts/browser/check.mjs). Installs what it needs: Debian's chromium and
# fonts-noto-cjk (a font with Hangul, named first in the charts' font stack),
# and playwright-core from the npm registry (no browser download).
#
# Usage: scripts/browser-checks.sh [path to the atp binary, default target/debug/atp]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-target/debug/atp}"
OUT="${ATP_BROWSER_OUT:-/tmp/atp-browser-shots}"

if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
  echo "installing chromium and fonts-noto-cjk (Debian)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
command -v node >/dev/null || { echo "node is missing (Node.js 18 or later)" >&2; exit 1; }
(cd scripts/browser && npm ci --no-audit --no-fund --silent)
[ -x "$BIN" ] || cargo build -q -p atp --bin atp

WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
XDG_DATA_HOME="$WORK" ATP_LOG=warn,atp::cli=info "$BIN" serve --bind 127.0.0.1:0 2>"$WORK/serve.log" &
PID=$!
ADDRESS=
for _ in $(seq 300); do
  ADDRESS=$(grep -o 'address=[0-9.:]*' "$WORK/serve.log" | head -1 | cut -d= -f2 || true)
  [ -n "$ADDRESS" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; echo "atp serve exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$ADDRESS" ] || { cat "$WORK/serve.log" >&2; echo "atp serve did not start" >&2; exit 1; }
until curl -sf "http://$ADDRESS/readyz" >/dev/null; do
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.1
done
node scripts/browser/check.mjs "http://$ADDRESS" "$OUT"
