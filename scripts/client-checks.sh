#!/usr/bin/env bash
# Clients generated from the committed OpenAPI document, each calling every
# operation of it against a running `atp serve` (a fresh SQLite database on a
# free port) and checking the parsed values; and Redocly's lint of both
# documents. Used by .ci/run (issue 15).
#
#   python:     openapi-python-client, from openapi/openapi.json
#   typescript: openapi-typescript + openapi-fetch, from openapi/openapi.json,
#               compiled with `tsc --strict` (0 type errors), run with node
#   rust:       progenitor, from openapi/openapi-3.0.json (a cargo project of
#               its own, scripts/clients/rust, outside the workspace)
#   redocly:    `redocly lint` of openapi.json and openapi-3.0.json, 0 errors
#
# Every tool is installed by this script at a pinned version and cached under
# $ATP_CI_TOOLS (default /tmp/atp-ci-tools): PyPI, npm and crates.io only.
#
# Usage: scripts/client-checks.sh [path to the atp binary, default target/debug/atp]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="${1:-target/debug/atp}"
TOOLS="${ATP_CI_TOOLS:-/tmp/atp-ci-tools}"
SPEC="$ROOT/openapi/openapi.json"
SPEC30="$ROOT/openapi/openapi-3.0.json"

# Pinned versions. openapi-fetch 0.17 goes with openapi-typescript 7 (its
# helpers); openapi-typescript 7 takes typescript 5.x.
OPENAPI_PYTHON_CLIENT=0.29.1
NODE_PACKAGES=(openapi-typescript@7.13.0 openapi-fetch@0.17.0 typescript@5.9.3 @types/node@20.19.9 @redocly/cli@2.77.0)

PY="$TOOLS/clients-py"
NODE="$TOOLS/clients-node"
RUST_TARGET="$TOOLS/clients-rust-target"
mkdir -p "$TOOLS"

# --- tools (idempotent: a stamp names what was installed)
if [ "$(cat "$PY/.stamp" 2>/dev/null)" != "$OPENAPI_PYTHON_CLIENT" ]; then
  echo "installing openapi-python-client $OPENAPI_PYTHON_CLIENT into $PY"
  rm -rf "$PY"
  python3 -m venv "$PY"
  "$PY/bin/pip" install -q --disable-pip-version-check "openapi-python-client==$OPENAPI_PYTHON_CLIENT"
  echo "$OPENAPI_PYTHON_CLIENT" >"$PY/.stamp"
fi
if [ "$(cat "$NODE/.stamp" 2>/dev/null)" != "${NODE_PACKAGES[*]}" ]; then
  echo "installing ${NODE_PACKAGES[*]} into $NODE"
  rm -rf "$NODE"
  mkdir -p "$NODE"
  echo '{"private": true}' >"$NODE/package.json"
  (cd "$NODE" && npm install --no-audit --no-fund --silent --save-exact "${NODE_PACKAGES[@]}")
  echo "${NODE_PACKAGES[*]}" >"$NODE/.stamp"
fi
[ -x "$BIN" ] || cargo build -q -p atp --bin atp

WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
SUMMARY="$WORK/summary.txt"
T0=$(date +%s)
elapsed() { echo "($(($(date +%s) - T0)) s)"; }
: >"$SUMMARY"

# --- Redocly lint: 0 errors (warnings are printed and counted)
for doc in "$SPEC" "$SPEC30"; do
  name=$(basename "$doc")
  if "$NODE/node_modules/.bin/redocly" lint "$doc" --format stylish >"$WORK/lint.txt" 2>&1; then
    warnings=$(grep -c ' warning ' "$WORK/lint.txt" || true)
    grep ' warning ' "$WORK/lint.txt" | sed "s/^/  $name: /" || true
    echo "redocly lint $name: 0 errors, $warnings warnings" | tee -a "$SUMMARY"
  else
    cat "$WORK/lint.txt" >&2
    echo "redocly lint $name: errors (above)" >&2
    exit 1
  fi
done

# --- the clients' code, generated before the server starts
echo "--- python: openapi-python-client $OPENAPI_PYTHON_CLIENT $(elapsed)"
# image/svg+xml read as text: the generator knows JSON, text/* and bytes.
# No post hooks: they run ruff, which is not installed, and only format.
printf 'project_name_override: atp-client\npackage_name_override: atp_client\npost_hooks: []\ncontent_type_overrides:\n  image/svg+xml: text/plain\n' >"$WORK/py-config.yaml"
"$PY/bin/openapi-python-client" generate --path "$SPEC" --config "$WORK/py-config.yaml" \
  --meta setup --output-path "$WORK/py-client" >"$WORK/py-generate.txt" 2>&1 ||
  { cat "$WORK/py-generate.txt" >&2; echo "openapi-python-client failed" >&2; exit 1; }
# Any warning of the generator (a response or model it left out) is an error.
if grep -qiE 'warning|unable to|cannot parse|error' "$WORK/py-generate.txt"; then
  cat "$WORK/py-generate.txt" >&2
  echo "openapi-python-client left parts of the document out" >&2
  exit 1
fi
# Its dependencies (httpx, attrs) are the generator's own, already there.
"$PY/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$WORK/py-client"
"$PY/bin/pip" check -q >/dev/null || { "$PY/bin/pip" check >&2; exit 1; }

echo "--- typescript: openapi-typescript, openapi-fetch, tsc --strict $(elapsed)"
mkdir -p "$WORK/ts"
cp scripts/clients/ts_check.ts "$WORK/ts/"
echo '{"private": true, "type": "module"}' >"$WORK/ts/package.json"
ln -s "$NODE/node_modules" "$WORK/ts/node_modules"
"$NODE/node_modules/.bin/openapi-typescript" "$SPEC" -o "$WORK/ts/schema.d.ts" >"$WORK/ts-generate.txt" 2>&1 ||
  { cat "$WORK/ts-generate.txt" >&2; exit 1; }
if grep -qiE 'warn|error' "$WORK/ts-generate.txt"; then
  cat "$WORK/ts-generate.txt" >&2
  echo "openapi-typescript warned" >&2
  exit 1
fi
# One compilation both type-checks (any error fails, and nothing is
# emitted) and writes the JavaScript that node runs.
TSC=(--strict --noEmitOnError --target es2022 --module nodenext --moduleResolution nodenext --types node)
if ! (cd "$WORK/ts" && node_modules/.bin/tsc "${TSC[@]}" --outDir out ts_check.ts) >"$WORK/tsc.txt" 2>&1; then
  cat "$WORK/tsc.txt" >&2
  echo "tsc --strict: $(grep -c 'error TS' "$WORK/tsc.txt") type errors" >&2
  exit 1
fi
cp "$WORK/ts/package.json" "$WORK/ts/out/"
echo "tsc --strict: 0 type errors" | tee -a "$SUMMARY"

echo "--- rust: progenitor (scripts/clients/rust, its own Cargo.lock and target dir) $(elapsed)"
start=$(date +%s)
CARGO_TARGET_DIR="$RUST_TARGET" cargo build -q --locked \
  --manifest-path scripts/clients/rust/Cargo.toml
echo "rust client built in $(($(date +%s) - start)) s" | tee -a "$SUMMARY"

# --- the server
TOKEN=ci-client-token
XDG_DATA_HOME="$WORK" ATP_WRITE_TOKEN=$TOKEN ATP_LOG=warn,atp::cli=info \
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
echo "atp serve on $BASE $(elapsed)"

export ATP_WRITE_TOKEN=$TOKEN
echo "--- python client"
"$PY/bin/python" scripts/clients/python_check.py "$BASE" "$SPEC" | tee -a "$SUMMARY"
echo "--- typescript client"
node "$WORK/ts/out/ts_check.js" "$BASE" "$SPEC" | tee -a "$SUMMARY"
echo "--- rust client"
"$RUST_TARGET/debug/atp-client-check" "$BASE" "$SPEC30" | tee -a "$SUMMARY"

if ! kill -0 "$PID" 2>/dev/null; then echo "atp serve died during the checks" >&2; cat "$WORK/serve.log" >&2; exit 1; fi
echo "=== client checks summary $(elapsed)"
cat "$SUMMARY"
