#!/usr/bin/env bash
# Checks over HTTP against a running `atp serve` (a fresh SQLite database on
# a free port): the pandas notebook check, then schemathesis over every
# operation of the served /openapi.json. Used by .ci/run.
#
# Usage: scripts/http-checks.sh [path to the atp binary, default target/debug/atp]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-target/debug/atp}"
VENV="${ATP_CI_VENV:-/tmp/atp-ci-tools/py-venv}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-40}"

if ! "$VENV/bin/python" -c "import pandas" 2>/dev/null || [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "installing pandas and schemathesis into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check 'pandas>=2,<3' 'schemathesis>=4,<5'
fi
[ -x "$BIN" ] || cargo build -q -p atp-api --bin atp

WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

XDG_DATA_HOME="$WORK" ATP_WRITE_TOKEN=ci-write-token ATP_LOG=warn,atp_api::cli=info \
  "$BIN" serve --bind 127.0.0.1:0 2>"$WORK/serve.log" &
PID=$!
ADDRESS=
for _ in $(seq 300); do
  ADDRESS=$(grep -o 'address=[0-9.:]*' "$WORK/serve.log" | head -1 | cut -d= -f2 || true)
  [ -n "$ADDRESS" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; echo "atp serve exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$ADDRESS" ] || { cat "$WORK/serve.log" >&2; echo "atp serve did not start" >&2; exit 1; }
BASE="http://$ADDRESS"
echo "atp serve on $BASE"

echo "--- notebook check (pandas)"
"$VENV/bin/python" scripts/notebook_check.py "$BASE"

echo "--- schemathesis (every operation, --max-examples $MAX_EXAMPLES)"
# Writes are exercised with the token; the uploads it generates are refused
# (422) or land in datasets it may then delete: a throwaway database.
"$VENV/bin/schemathesis" run "$BASE/openapi.json" \
  --checks all \
  --max-examples "$MAX_EXAMPLES" \
  --header "Authorization: Bearer ci-write-token" \
  --report junit --report-dir "$WORK/report" \
  --no-color 2>&1 | tee "$WORK/schemathesis.txt"
status=${PIPESTATUS[0]}
if [ -f "$WORK/report/junit.xml" ]; then
  echo "schemathesis report: $(grep -o 'tests="[0-9]*"' "$WORK/report/junit.xml" | head -1)"
fi
if ! kill -0 "$PID" 2>/dev/null; then echo "atp serve died during the checks" >&2; cat "$WORK/serve.log" >&2; exit 1; fi
exit "$status"
