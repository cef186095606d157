#!/usr/bin/env bash
# Load test of `atp serve` against a minimal actix-web server that returns
# the same bytes precomputed (the ceiling), on the synthetic dataset
# (10 groups x 240 partners x 35 years x 2 flows = 168,000 rows), the way
# real clients call:
#
#   one        one URL repeated, no Accept-Encoding (the response cache hits)
#   browser    one URL repeated with a browser's Accept-Encoding
#              (gzip, deflate, br); the ceiling serves the same brotli bytes
#   random     every request a different query (bench/random.lua: group,
#              partner, year or year pair, flow drawn at random); the
#              ceiling serves a body of the same size for any query
#   random-browser
#              random, with a browser's Accept-Encoding: every answer
#              compressed for its one request (a dashboard in a browser);
#              the ceiling serves the sample's compressed bytes
#   uncached   one URL repeated with the response cache off
#
# Server on core 0 (one worker), wrk -t1 -c64 on core 1, loopback. The
# server's resident memory is sampled every 0.2 s through every run; the
# peak is reported.
#
# PEER=fastapi adds a peer (issue 13: "at least 30 times FastAPI over SQLite
# on every shape"): bench/peer/app.py, FastAPI under uvicorn (one worker,
# core 0) over the same SQLite file, answering the same records in the same
# envelope. For the modes one and random the same wrk rounds run against it
# (with --timeout 10s: it is slow enough for wrk's 2 s default to drop
# answers) and the tables gain its req/s, atp / peer and its p99. It runs in
# a venv at ${ATP_BENCH_VENV:-/tmp/atp-bench-venv}, made with
# bench/peer/requirements.txt (pinned) and reused while those pins hold.
#
# Usage: bench/load.sh [seconds per run, default 10] [rounds, default 3] [modes]
#   modes: any of one,browser,random,random-browser,uncached (default: all)
#   SCALE=monthly bench/load.sh ...: the monthly synthetic dataset instead
#   (x 12 months: 2,016,000 rows); the lookup asks for a month, the series
#   is 420 months, the growth is between two months.
#   PEER=fastapi bench/load.sh ...: also the FastAPI peer (modes one, random).
#   CARGO_TARGET_DIR is honoured (the build and the binaries' path).
# Needs: wrk (Debian), taskset (util-linux), curl, bc; with PEER, python3
# with venv and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
ROUNDS="${2:-3}"
MODES="${3:-one,browser,random,random-browser,uncached}"
PORT_ATP=18400
PORT_CEIL=18401
PORT_PEER=18402
PEER="${PEER:-}"
case $PEER in
  ''|fastapi) ;;
  *) echo "PEER is fastapi or unset, not $PEER" >&2; exit 1 ;;
esac

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
# The production profile (Cargo.toml: fat LTO), as the Docker image builds
# the served binary; the ceiling with the same optimisation.
cargo build --profile production -q -p atp --bin atp --example ceiling
BIN="${CARGO_TARGET_DIR:-target}/production/atp"
CEIL="${CARGO_TARGET_DIR:-target}/production/examples/ceiling"
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

SCALE="${SCALE:-annual}"
case $SCALE in
  annual) SYNTHETIC_ARGS=() ;;
  monthly) SYNTHETIC_ARGS=(--monthly) ;;
  *) echo "SCALE is annual or monthly, not $SCALE" >&2; exit 1 ;;
esac
"$BIN" synthetic "${SYNTHETIC_ARGS[@]}" --output "$WORK/synthetic.csv" 2>/dev/null
ROWS=$(($(wc -l <"$WORK/synthetic.csv") - 1))
cut -d, -f3 "$WORK/synthetic.csv" | tail -n +2 | sort -u >"$WORK/partners.txt"
DB="sqlite://$WORK/atp.sqlite3"
"$BIN" --database-url "$DB" import --dataset synthetic "$WORK/synthetic.csv" 2>/dev/null

if [ -n "$PEER" ]; then
  VENV="${ATP_BENCH_VENV:-/tmp/atp-bench-venv}"
  REQS=bench/peer/requirements.txt
  if ! cmp -s "$REQS" "$VENV/.atp-bench-requirements.txt"; then
    command -v python3 >/dev/null || { echo "PEER=$PEER needs python3" >&2; exit 1; }
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQS" >&2
    cp "$REQS" "$VENV/.atp-bench-requirements.txt"
  fi
fi

wait_ready() { # url -> prints seconds waited
  local start end
  start=$(date +%s.%N)
  local deadline=$((SECONDS + 60))
  until curl -sf "$1" >/dev/null 2>&1; do
    if [ $SECONDS -gt $deadline ]; then echo "not ready after 60 s: $1" >&2; exit 1; fi
  done
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# Samples VmRSS of a pid every 0.2 s into a file, until killed.
sample_rss() { # pid file
  while kill -0 "$1" 2>/dev/null; do
    awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null >>"$2" || true
    sleep 0.2
  done
}

start_atp() { # extra env... ; sets ATP_PID, STARTUP, SAMPLER
  env "$@" ATP_LOG=warn taskset -c 0 "$BIN" --database-url "$DB" serve \
    --bind 127.0.0.1:$PORT_ATP --workers 1 >"$WORK/atp.log" 2>&1 &
  ATP_PID=$!
  PIDS+=("$ATP_PID")
  STARTUP=$(wait_ready "http://127.0.0.1:$PORT_ATP/readyz")
  : >"$WORK/rss.txt"
  sample_rss "$ATP_PID" "$WORK/rss.txt" &
  SAMPLER=$!
  PIDS+=("$SAMPLER")
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

start_peer() { # sets PEER_PID
  ATP_PEER_DB="$WORK/atp.sqlite3" taskset -c 0 "$VENV/bin/uvicorn" app:app --app-dir bench/peer \
    --host 127.0.0.1 --port $PORT_PEER --workers 1 --log-level warning --no-access-log \
    >"$WORK/peer.log" 2>&1 &
  PEER_PID=$!
  PIDS+=("$PEER_PID")
  wait_ready "http://127.0.0.1:$PORT_PEER/readyz" >/dev/null
}

if [ "$SCALE" = monthly ]; then
  declare -A QUERIES=(
    [lookup]="/v1/imports?dataset=synthetic&group=aerospace&partner=KR&period=2020-06"
    [series]="/v1/imports?dataset=synthetic&group=aerospace&partner=KR&frequency=monthly"
    [growth]="/v1/growth?dataset=synthetic&flow=exports&from=1990-01&to=2024-12&group=aerospace"
  )
  declare -A SAMPLES=(
    [lookup]="/v1/imports?dataset=synthetic&group=electronics&partner=DE&period=2011-07&limit=9500"
    [series]="/v1/imports?dataset=synthetic&group=electronics&partner=DE&frequency=monthly&limit=9500"
    [growth]="/v1/growth?dataset=synthetic&flow=imports&from=2001-03&to=2019-11&group=electronics&limit=9500"
  )
else
  declare -A QUERIES=(
    [lookup]="/v1/imports?dataset=synthetic&group=aerospace&partner=KR&year=2020"
    [series]="/v1/imports?dataset=synthetic&group=aerospace&partner=KR"
    [growth]="/v1/growth?dataset=synthetic&flow=exports&from=1990&to=2024&group=aerospace"
  )
  # A representative random query of each shape: its body is what the ceiling
  # answers to every random query of that shape.
  declare -A SAMPLES=(
    [lookup]="/v1/imports?dataset=synthetic&group=electronics&partner=DE&period=2011&limit=9500"
    [series]="/v1/imports?dataset=synthetic&group=electronics&partner=DE&frequency=annual&limit=9500"
    [growth]="/v1/growth?dataset=synthetic&flow=imports&from=2001&to=2019&group=electronics&limit=9500"
  )
fi
ORDER=(lookup series growth)
BROWSER="gzip, deflate, br"

WRK_EXTRA=() # more wrk options (the peer's --timeout)
run_wrk() { # url [script env...] -> "rps p99_ms"
  local url=$1; shift
  if [ $# -gt 0 ]; then
    env "$@" taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency "${WRK_EXTRA[@]}" -s bench/random.lua "$url" >"$WORK/wrk.txt"
  else
    taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency "${WRK_EXTRA[@]}" "$url" >"$WORK/wrk.txt"
  fi
  if grep -q "^  Socket errors:.*timeout [1-9]" "$WORK/wrk.txt"; then
    echo "warning: wrk timeouts against $url: $(grep 'Socket errors' "$WORK/wrk.txt")" >&2
  fi
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' "$WORK/wrk.txt")
  if grep -q "Non-2xx\|non-2xx" "$WORK/wrk.txt"; then echo "non-2xx answers: $(cat "$WORK/wrk.txt")" >&2; exit 1; fi
  echo "$rps $p99"
}

run_wrk_browser() { # url -> "rps p99_ms"
  taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency -H "Accept-Encoding: $BROWSER" "$1" >"$WORK/wrk.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' "$WORK/wrk.txt")
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "non-2xx answers: $(cat "$WORK/wrk.txt")" >&2; exit 1; fi
  echo "$rps $p99"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
spread() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.0f-%.0f", lo, hi}'; }

table() { # title, then for each query: label bytes atpfile ceilfile [peerfile]
  local with_peer=$1
  echo
  if [ "$with_peer" = yes ]; then
    echo "| query | bytes | atp req/s (median; range) | ceiling req/s (median; range) | atp / ceiling | atp p99 ms (median) | ceiling p99 ms | peer req/s (median; range) | atp / peer | peer p99 ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
  else
    echo "| query | bytes | atp req/s (median; range) | ceiling req/s (median; range) | atp / ceiling | atp p99 ms (median) | ceiling p99 ms |"
    echo "|---|---|---|---|---|---|---|"
  fi
  for q in "${ORDER[@]}"; do
    local a c ap cp
    a=$(awk '{print $1}' "$WORK/$q.atp" | median)
    c=$(awk '{print $1}' "$WORK/$q.ceil" | median)
    ap=$(awk '{print $2}' "$WORK/$q.atp" | median)
    cp=$(awk '{print $2}' "$WORK/$q.ceil" | median)
    printf '| %s | %s | %.0f; %s | %.0f; %s | %.0f%% | %.2f | %.2f |' \
      "$q" "$(cat "$WORK/$q.bytes")" \
      "$a" "$(awk '{print $1}' "$WORK/$q.atp" | spread)" \
      "$c" "$(awk '{print $1}' "$WORK/$q.ceil" | spread)" \
      "$(echo "100 * $a / $c" | bc -l)" "$ap" "$cp"
    if [ "$with_peer" = yes ]; then
      local p pp ratio
      p=$(awk '{print $1}' "$WORK/$q.peer" | median)
      pp=$(awk '{print $2}' "$WORK/$q.peer" | median)
      ratio=$(echo "$a / $p" | bc -l)
      if [ "$(echo "$ratio < 10" | bc -l)" = 1 ]; then ratio=$(printf '%.1fx' "$ratio"); else ratio=$(printf '%.0fx' "$ratio"); fi
      printf ' %.0f; %s | %s | %.2f |' \
        "$p" "$(awk '{print $1}' "$WORK/$q.peer" | spread)" "$ratio" "$pp"
    fi
    echo
  done
}

peak_rss() { sort -g "$WORK/rss.txt" | tail -1 | awk '{printf "%.1f", $1/1024}'; }

# mode label, then env for atp
measure() {
  local mode=$1; shift
  local with_peer=no
  if [ -n "$PEER" ] && { [ "$mode" = one ] || [ "$mode" = random ]; }; then with_peer=yes; fi
  start_atp "$@"
  local startup=$STARTUP
  local ceil_args=()
  for q in "${ORDER[@]}"; do
    case $mode in
      random|random-browser)
        curl -sf "http://127.0.0.1:$PORT_ATP${SAMPLES[$q]}" >"$WORK/$q.body"
        # PATH?*NAME,...: any query naming the sample's parameters.
        local names
        names=$(echo "${SAMPLES[$q]#*\?}" | tr '&' '\n' | cut -d= -f1 | paste -sd,)
        ceil_args+=("${SAMPLES[$q]%%\?*}?*$names=$WORK/$q.body")
        if [ "$mode" = random-browser ]; then
          curl -sf -H "Accept-Encoding: $BROWSER" "http://127.0.0.1:$PORT_ATP${SAMPLES[$q]}" >"$WORK/$q.enc"
          local coding
          coding=$(curl -sf -o /dev/null -D - -H "Accept-Encoding: $BROWSER" "http://127.0.0.1:$PORT_ATP${SAMPLES[$q]}" | awk -F': ' 'tolower($1)=="content-encoding" {gsub(/\r/,"",$2); print $2}')
          [ -n "$coding" ] && ceil_args+=("$coding:${SAMPLES[$q]%%\?*}?*$names=$WORK/$q.enc")
        fi
        ;;
      browser)
        curl -sf "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" >"$WORK/$q.body"
        curl -sf -H "Accept-Encoding: $BROWSER" "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" >"$WORK/$q.enc"
        local coding
        coding=$(curl -sf -o /dev/null -D - -H "Accept-Encoding: $BROWSER" "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" | awk -F': ' 'tolower($1)=="content-encoding" {gsub(/\r/,"",$2); print $2}')
        ceil_args+=("${QUERIES[$q]}=$WORK/$q.body")
        [ -n "$coding" ] && ceil_args+=("$coding:${QUERIES[$q]}=$WORK/$q.enc")
        ;;
      *)
        curl -sf "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" >"$WORK/$q.body"
        ceil_args+=("${QUERIES[$q]}=$WORK/$q.body")
        ;;
    esac
  done
  CEILING_WORKERS=1 taskset -c 0 "$CEIL" 127.0.0.1:$PORT_CEIL "${ceil_args[@]}" 2>"$WORK/ceiling.log" &
  local ceil_pid=$!
  PIDS+=("$ceil_pid")
  # Any answer (404 included) means it listens.
  until curl -s -o /dev/null "http://127.0.0.1:$PORT_CEIL/"; do sleep 0.05; done
  if [ "$with_peer" = yes ]; then
    start_peer
    # The peer answers the same query with a body of its own: its size beside atp's.
    for q in "${ORDER[@]}"; do
      local url=${QUERIES[$q]}
      [ "$mode" = random ] && url=${SAMPLES[$q]}
      curl -sf "http://127.0.0.1:$PORT_PEER$url" >"$WORK/$q.peerbody" ||
        { echo "the peer refused $url: $(curl -s "http://127.0.0.1:$PORT_PEER$url")" >&2; exit 1; }
    done
  fi
  for q in "${ORDER[@]}"; do
    : >"$WORK/$q.atp"; : >"$WORK/$q.ceil"; : >"$WORK/$q.peer"
    for _ in $(seq "$ROUNDS"); do
      case $mode in
        random)
          run_wrk "http://127.0.0.1:$PORT_ATP" SHAPE="$q" SCALE="$SCALE" PARTNERS="$WORK/partners.txt" >>"$WORK/$q.atp"
          run_wrk "http://127.0.0.1:$PORT_CEIL" SHAPE="$q" SCALE="$SCALE" PARTNERS="$WORK/partners.txt" >>"$WORK/$q.ceil"
          if [ "$with_peer" = yes ]; then
            WRK_EXTRA=(--timeout 10s)
            run_wrk "http://127.0.0.1:$PORT_PEER" SHAPE="$q" SCALE="$SCALE" PARTNERS="$WORK/partners.txt" >>"$WORK/$q.peer"
            WRK_EXTRA=()
          fi
          ;;
        random-browser)
          run_wrk "http://127.0.0.1:$PORT_ATP" SHAPE="$q" SCALE="$SCALE" PARTNERS="$WORK/partners.txt" ACCEPT_ENCODING="$BROWSER" >>"$WORK/$q.atp"
          run_wrk "http://127.0.0.1:$PORT_CEIL" SHAPE="$q" SCALE="$SCALE" PARTNERS="$WORK/partners.txt" ACCEPT_ENCODING="$BROWSER" >>"$WORK/$q.ceil"
          ;;
        browser)
          run_wrk_browser "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" >>"$WORK/$q.atp"
          run_wrk_browser "http://127.0.0.1:$PORT_CEIL${QUERIES[$q]}" >>"$WORK/$q.ceil"
          ;;
        *)
          run_wrk "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" >>"$WORK/$q.atp"
          run_wrk "http://127.0.0.1:$PORT_CEIL${QUERIES[$q]}" >>"$WORK/$q.ceil"
          if [ "$with_peer" = yes ]; then
            WRK_EXTRA=(--timeout 10s)
            run_wrk "http://127.0.0.1:$PORT_PEER${QUERIES[$q]}" >>"$WORK/$q.peer"
            WRK_EXTRA=()
          fi
          ;;
      esac
    done
    if { [ "$mode" = browser ] || [ "$mode" = random-browser ]; } && ! cmp -s "$WORK/$q.enc" "$WORK/$q.body"; then
      echo "$(wc -c <"$WORK/$q.enc") compressed ($(wc -c <"$WORK/$q.body"))" >"$WORK/$q.bytes"
    else
      wc -c <"$WORK/$q.body" | tr -d ' ' >"$WORK/$q.bytes"
    fi
    if [ "$with_peer" = yes ]; then
      local pb
      pb=$(wc -c <"$WORK/$q.peerbody" | tr -d ' ')
      [ "$pb" = "$(cat "$WORK/$q.bytes")" ] || echo "$(cat "$WORK/$q.bytes") (peer $pb)" >"$WORK/$q.bytes"
    fi
  done
  local label
  case $mode in
    one) label="one URL repeated, no Accept-Encoding (response cache on)" ;;
    browser) label="one URL repeated, Accept-Encoding: $BROWSER; the ceiling serves the same compressed bytes" ;;
    random) label="every request a different query (bench/random.lua), no Accept-Encoding; the ceiling answers a body of the same size" ;;
    random-browser) label="every request a different query (bench/random.lua), Accept-Encoding: $BROWSER (each answer compressed for its one request); the ceiling answers the sample's compressed bytes" ;;
    uncached) label="one URL repeated, response cache off (every request rendered from the read model)" ;;
  esac
  echo
  echo "### $label"
  echo
  echo "rows served: $ROWS; start-up to ready: $(printf '%.3f' "$startup") s; peak RSS sampled through the runs: $(peak_rss) MB"
  if [ "$with_peer" = yes ]; then
    echo "peer: FastAPI $("$VENV/bin/python" -c 'import fastapi; print(fastapi.__version__)') under uvicorn, one worker on core 0, same SQLite file, no response cache; wrk --timeout 10s against it"
  fi
  table "$with_peer"
  if [ "$with_peer" = yes ]; then stop "$PEER_PID"; fi
  stop "$ceil_pid"
  stop "$ATP_PID"
  stop "$SAMPLER"
}

echo "## Load test ($(date -u +%Y-%m-%dT%H:%MZ), $SCALE synthetic dataset, ${DURATION}s x ${ROUNDS} rounds per query, wrk -t1 -c64)"
for mode in ${MODES//,/ }; do
  case $mode in
    uncached) measure uncached ATP_RESPONSE_CACHE_ENTRIES=0 ;;
    one|browser|random|random-browser) measure "$mode" ;;
    *) echo "unknown mode $mode" >&2; exit 1 ;;
  esac
done
