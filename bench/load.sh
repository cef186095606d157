#!/usr/bin/env bash
# Load test of `atp serve` against a minimal actix-web server that returns
# the same bytes precomputed (the ceiling), on the synthetic dataset
# (10 groups x 240 partners x 35 years x 2 flows = 168,000 rows).
#
# Server on core 0 (one worker), wrk -t1 -c64 on core 1, loopback.
# Usage: bench/load.sh [seconds per run, default 10] [rounds, default 3]
# Needs: wrk (Debian), taskset (util-linux), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
ROUNDS="${2:-3}"
PORT_ATP=18400
PORT_CEIL=18401

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q -p atp --bin atp --example ceiling
BIN=target/release/atp
CEIL=target/release/examples/ceiling
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" synthetic --output "$WORK/synthetic.csv" 2>/dev/null
ROWS=$(($(wc -l <"$WORK/synthetic.csv") - 1))
DB="sqlite://$WORK/atp.sqlite3"
"$BIN" --database-url "$DB" import --dataset synthetic "$WORK/synthetic.csv" 2>/dev/null

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

start_atp() { # extra env... ; sets ATP_PID and STARTUP
  env "$@" ATP_LOG=warn taskset -c 0 "$BIN" --database-url "$DB" serve \
    --bind 127.0.0.1:$PORT_ATP --workers 1 >"$WORK/atp.log" 2>&1 &
  ATP_PID=$!
  PIDS+=("$ATP_PID")
  STARTUP=$(wait_ready "http://127.0.0.1:$PORT_ATP/readyz")
}

stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

declare -A QUERIES=(
  [lookup]="/v1/imports?dataset=synthetic&group=aerospace&partner=KR&year=2020"
  [series]="/v1/imports?dataset=synthetic&group=aerospace&partner=KR"
  [growth]="/v1/growth?dataset=synthetic&flow=exports&from=1990&to=2024&group=aerospace"
)
ORDER=(lookup series growth)

run_wrk() { # url -> "rps p99_ms"
  taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency "$1" >"$WORK/wrk.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' "$WORK/wrk.txt")
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "non-2xx answers: $(cat "$WORK/wrk.txt")" >&2; exit 1; fi
  echo "$rps $p99"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
spread() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.0f-%.0f", lo, hi}'; }

measure() { # label, extra env for atp...
  local label=$1; shift
  start_atp "$@"
  local startup=$STARTUP
  ARGS=()
  for q in "${ORDER[@]}"; do
    curl -sf "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" >"$WORK/$q.body"
    ARGS+=("${QUERIES[$q]}=$WORK/$q.body")
  done
  CEILING_WORKERS=1 taskset -c 0 "$CEIL" 127.0.0.1:$PORT_CEIL "${ARGS[@]}" 2>"$WORK/ceiling.log" &
  local ceil_pid=$!
  PIDS+=("$ceil_pid")
  wait_ready "http://127.0.0.1:$PORT_CEIL${QUERIES[lookup]}" >/dev/null
  for q in "${ORDER[@]}"; do
    cmp -s "$WORK/$q.body" <(curl -sf "http://127.0.0.1:$PORT_CEIL${QUERIES[$q]}") \
      || { echo "ceiling body differs for $q" >&2; exit 1; }
    : >"$WORK/$q.atp"; : >"$WORK/$q.ceil"
    for _ in $(seq "$ROUNDS"); do
      run_wrk "http://127.0.0.1:$PORT_ATP${QUERIES[$q]}" >>"$WORK/$q.atp"
      run_wrk "http://127.0.0.1:$PORT_CEIL${QUERIES[$q]}" >>"$WORK/$q.ceil"
    done
  done
  local rss
  rss=$(awk '/^VmHWM/ {printf "%.1f", $2/1024}' "/proc/$ATP_PID/status")
  echo
  echo "### $label"
  echo
  echo "rows served: $ROWS; start-up to ready: $(printf '%.3f' "$startup") s; peak RSS after the runs: $rss MB"
  echo
  echo "| query | bytes | atp req/s (median; range) | ceiling req/s (median; range) | atp / ceiling | atp p99 ms (median) | ceiling p99 ms |"
  echo "|---|---|---|---|---|---|---|"
  for q in "${ORDER[@]}"; do
    local a c ap cp
    a=$(awk '{print $1}' "$WORK/$q.atp" | median)
    c=$(awk '{print $1}' "$WORK/$q.ceil" | median)
    ap=$(awk '{print $2}' "$WORK/$q.atp" | median)
    cp=$(awk '{print $2}' "$WORK/$q.ceil" | median)
    printf '| %s `%s` | %s | %.0f; %s | %.0f; %s | %.0f%% | %.2f | %.2f |\n' \
      "$q" "${QUERIES[$q]}" "$(wc -c <"$WORK/$q.body")" \
      "$a" "$(awk '{print $1}' "$WORK/$q.atp" | spread)" \
      "$c" "$(awk '{print $1}' "$WORK/$q.ceil" | spread)" \
      "$(echo "100 * $a / $c" | bc -l)" "$ap" "$cp"
  done
  stop "$ceil_pid"
  stop "$ATP_PID"
}

echo "## Load test ($(date -u +%Y-%m-%dT%H:%MZ), ${DURATION}s x ${ROUNDS} rounds per query, wrk -t1 -c64)"
measure "atp serve, default settings (response cache on)"
measure "atp serve, response cache off (every request rendered from the read model)" ATP_RESPONSE_CACHE_ENTRIES=0
