#!/usr/bin/env bash
# Import speed of a 1,003,200-row tidy CSV (10 ATP groups plus their `all`
# total x 240 partners x 190 years x 2 flows) into SQLite and into
# PostgreSQL, with the release binary, each import one transaction.
# Wall time and peak RSS from /usr/bin/time -v.
#
# Usage: bench/import.sh [postgres admin URL, default postgres://postgres@127.0.0.1:5432/test]
# Needs: /usr/bin/time (Debian package `time`), psql.
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${1:-postgres://postgres@127.0.0.1:5432/test}"
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
cargo build --release -q -p atp --bin atp
BIN=target/release/atp
WORK=$(mktemp -d)
SCHEMA="atp_bench_$$"
cleanup() { psql -q "$PG" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" synthetic --partners 240 --first-year 1911 --years 190 --totals --dataset big --output "$WORK/big.csv" 2>/dev/null
ROWS=$(($(wc -l <"$WORK/big.csv") - 1))
SIZE=$(du -m "$WORK/big.csv" | cut -f1)

measure() { # label url
  /usr/bin/time -v "$BIN" --database-url "$2" import --dataset big "$WORK/big.csv" 2>"$WORK/time.txt" >/dev/null \
    || { cat "$WORK/time.txt" >&2; exit 1; }
  local wall rss secs
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$WORK/time.txt")
  secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  printf '| %s | %s | %s s | %.0f | %s MB |\n' "$1" "$ROWS" "$secs" "$(echo "$ROWS / $secs" | bc -l)" "$rss"
}

echo "## Import benchmark ($(date -u +%Y-%m-%dT%H:%MZ)): $ROWS rows, $SIZE MB of CSV"
echo
echo "| backend | rows | wall time | rows/s | peak RSS |"
echo "|---|---|---|---|---|"
measure "SQLite (file, WAL)" "sqlite://$WORK/bench.sqlite3"
psql -q "$PG" -c "CREATE SCHEMA $SCHEMA" >/dev/null
measure "PostgreSQL 15 (127.0.0.1)" "$PG?options=-csearch_path%3D$SCHEMA"
