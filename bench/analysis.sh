#!/usr/bin/env bash
# Speed of the analyses (issue 14) on the 168,000-row synthetic dataset
# (240 partners x 10 groups x 35 years x 2 flows) and of the charts (issue
# 16): each request rendered from the read model (the response cache off)
# by one worker on core 0, wrk on core 1: one connection (the time of one
# answer) and 64 (a loaded worker); latency percentiles from wrk.
#
# Usage: bench/analysis.sh [seconds per run, default 10] [rounds, default 3]
# Needs: wrk (Debian), taskset, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
ROUNDS="${2:-3}"
PORT=18410
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q -p atp --bin atp
BIN=target/release/atp
WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
"$BIN" synthetic --output "$WORK/synthetic.csv" 2>/dev/null
DB="sqlite://$WORK/atp.sqlite3"
"$BIN" --database-url "$DB" import --dataset synthetic "$WORK/synthetic.csv" 2>/dev/null
ATP_LOG=warn ATP_RESPONSE_CACHE_ENTRIES=0 taskset -c 0 "$BIN" --database-url "$DB" serve \
  --bind 127.0.0.1:$PORT --workers 1 >"$WORK/atp.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.1; done

SCENARIO_BODY='{"dataset":"synthetic","base":"2024","horizon":20,"groups":["all","aerospace","electronics","biotechnology","life-science","opto-electronics","information-communications","flexible-manufacturing","advanced-materials","weapons","nuclear"],"partners":["CN","KR"],"shocks":[{"flow":"imports","partner":"CN","change_pct":-20,"then_pct_per_period":3},{"flow":"exports","group":"aerospace","then_pct_per_period":5}],"tariffs":[{"partner":"MX","tariff_change_pp":25}]}'
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' "'$SCENARIO_BODY'" >"$WORK/post.lua"

declare -a NAMES=(
  "decomposition, every partner and group (2,400 cells)"
  "decomposition by partner, one group (240 cells)"
  "shift-share, every partner"
  "indicators, 35 years (top shares, HHI)"
  "scenario, 11 markets x 240 partners x 20 years (POST)"
  "chart: group balances"
  "chart: waterfall by partner"
  "chart: a 35-year series of six partners"
  "forecast: 420 months (census-atp imports through 2023-12), 12 ahead"
  "chart: 108 months and a 12-month forecast with its intervals"
)
declare -a URLS=(
  "/v1/decomposition?dataset=synthetic&flow=balance&from=1990&to=2024&by=partner,group&limit=10000"
  "/v1/decomposition?dataset=synthetic&flow=imports&from=1990&to=2024&by=partner&group=aerospace"
  "/v1/decomposition/shares?dataset=synthetic&flow=imports&from=1990&to=2024"
  "/v1/indicators?dataset=synthetic&indicator=top1_share,top3_share,hhi"
  "POST /v1/scenarios"
  "/v1/charts/group-balances.svg?dataset=synthetic"
  "/v1/charts/waterfall.svg?dataset=synthetic&flow=balance&by=partner"
  "/v1/charts/series.svg?dataset=synthetic&flow=imports&partner=CN,KR,DE,JP,MX,TW"
  "/v1/forecasts?dataset=census-atp&flow=imports&until=2023-12&horizon=12"
  "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2015-01&to=2023-12&forecast=12"
)

# Waits until the server has used no CPU for 0.5 s (its queue drained).
wait_idle() {
  local before after
  while :; do
    before=$(awk '{print $14 + $15}' "/proc/$PID/stat")
    sleep 0.5
    after=$(awk '{print $14 + $15}' "/proc/$PID/stat")
    [ "$before" = "$after" ] && return
  done
}

ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
run() { # conns url -> "rps p50 p99"
  local c=$1 u=$2 out
  if [ "$u" = "POST /v1/scenarios" ]; then
    out=$(taskset -c 1 wrk -t1 -c"$c" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/scenarios")
  else
    out=$(taskset -c 1 wrk -t1 -c"$c" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$u")
  fi
  if echo "$out" | grep -q "Non-2xx"; then echo "non-2xx answers for $u: $out" >&2; exit 1; fi
  echo "$(echo "$out" | awk '/^Requests\/sec:/ {print $2}') $(echo "$out" | awk '$1 == "50%" {print $2}' | ms) $(echo "$out" | awk '$1 == "99%" {print $2}' | ms)"
}

echo "## Analyses and charts, rendered from the read model (cache off), $(date -u +%Y-%m-%dT%H:%MZ), ${DURATION}s x ${ROUNDS} rounds"
echo
echo "| request | bytes | 1 connection: p50 ms; p99 ms (median of rounds; range of p99) | 64 connections: req/s; p99 ms (median) |"
echo "|---|---|---|---|"
for i in "${!URLS[@]}"; do
  u=${URLS[$i]}
  if [ "$u" = "POST /v1/scenarios" ]; then
    bytes=$(curl -s -X POST -H 'Content-Type: application/json' -d "$SCENARIO_BODY" "http://127.0.0.1:$PORT/v1/scenarios" | wc -c)
  else
    bytes=$(curl -s "http://127.0.0.1:$PORT$u" | wc -c)
  fi
  : >"$WORK/one"; : >"$WORK/many"
  # One connection first, on an idle server: a 64-connection run leaves
  # heavy requests queued after wrk stops, which a following run would wait
  # behind. Then the loaded rounds, and idle again before the next request.
  for _ in $(seq "$ROUNDS"); do run 1 "$u" >>"$WORK/one"; done
  for _ in $(seq "$ROUNDS"); do run 64 "$u" >>"$WORK/many"; wait_idle; done
  p50=$(awk '{print $2}' "$WORK/one" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  p99=$(awk '{print $3}' "$WORK/one" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  p99r=$(awk '{print $3}' "$WORK/one" | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}')
  rps=$(awk '{print $1}' "$WORK/many" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]}')
  mp99=$(awk '{print $3}' "$WORK/many" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "| ${NAMES[$i]} | $bytes | $p50; $p99 ($p99r) | $rps; $mp99 |"
done
echo
echo "peak RSS: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$PID/status)"
