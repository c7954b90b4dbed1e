#!/usr/bin/env bash
# Load benchmark of the API with wrk: `benches/load.sh [sqlite|postgres]...` (default both).
#
# Builds the release binary, starts `serve` on a fresh database with the demo data, and runs
# wrk (Debian package `wrk`) for 10 s per scenario at 1, 16 and 64 connections:
#   lookup       one organisation by natural key (token: a lezer of HU)
#   opdrachten   a page of 100 opdrachten with their relations (token: the programme office)
#   statistieken the infographic figures (token: the programme office)
# It prints a Markdown table with requests/s, p50 and p99 latency and errors, then the server's
# start-up time, peak memory (VmHWM) and SQL statements per request (from /metrics).
# Each backend runs twice: with the answer cache (the default; every request after the first
# is a hit, as for a portal that asks the same thing again) and without it
# (RESPONSE_CACHE_BYTES=0: every request runs in full). CACHE=on or CACHE=off runs one.
# SCENARIOS picks files of benches/wrk (default "lookup opdrachten statistieken"; `kapot` is a
# query that fails on every response, to see that the script fails).
# PostgreSQL: set PG_SERVER (default postgres://postgres@127.0.0.1:5432); a database
# ipt_load is created fresh.
# Exits non-zero when any request failed (a non-200 response, a GraphQL `errors` answer or a
# socket error, summed over all wrk threads by benches/wrk/post.lua): a failing query is not
# a fast one.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet
BIN=./target/release/ipartnerschap
DUUR=${DUUR:-10s}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
WERK=$(mktemp -d)
MISLUKT=0
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WERK"' EXIT
export JWT_SECRET=load-test-secret-load-test-secret-0123456789
export RUST_LOG=warn

backends=("$@")
[ ${#backends[@]} -eq 0 ] && backends=(sqlite postgres)
for backend in "${backends[@]}"; do
  case $backend in
    sqlite) export DATABASE_URL="sqlite://$WERK/load.db?mode=rwc" ;;
    postgres)
      psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS ipt_load WITH (FORCE)" -c "CREATE DATABASE ipt_load"
      export DATABASE_URL="$PG_SERVER/ipt_load" ;;
  esac
  $BIN seed --demo >/dev/null
  LEZER=$($BIN token --org hu.nl --role lezer)
  BUREAU=$($BIN token --role programmabureau)
  for cache in ${CACHE:-on off}; do
  [ $cache = on ] && export RESPONSE_CACHE_BYTES=16777216 || export RESPONSE_CACHE_BYTES=0
  PORT=18$((RANDOM % 900 + 100))
  START=$(date +%s.%N)
  RUST_LOG=warn $BIN serve --bind 127.0.0.1:$PORT >"$WERK/serve.log" 2>&1 &
  SERVER=$!
  until (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do sleep 0.01; done
  OPSTART=$(echo "$(date +%s.%N) - $START" | bc)
  URL=http://127.0.0.1:$PORT/graphql
  statements() { curl -s http://127.0.0.1:$PORT/metrics | awk '/^ipartnerschap_sql_statements_total/ {print $2}'; }

  echo
  echo "### $backend, answer cache $cache"
  echo
  echo "| scenario | connections | requests/s | p50 | p99 | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for scenario in ${SCENARIOS:-lookup opdrachten statistieken}; do
    token=$BUREAU; [ $scenario = lookup ] && token=$LEZER
    # Statements per request, measured on 20 sequential requests.
    voor=$(statements)
    for _ in $(seq 20); do
      curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        --data @benches/wrk/$scenario.json $URL
    done
    per_verzoek=$(echo "($(statements) - $voor) / 20" | bc -l)
    for c in 1 16 64; do
      t=$(( c < 2 ? 1 : 2 ))
      uit=$(BODY_FILE=benches/wrk/$scenario.json TOKEN=$token wrk -t$t -c$c -d$DUUR \
        -s benches/wrk/post.lua $URL | grep -E '^(RESULT|FIRST_ERROR) ')
      eval "$(echo "$uit" | sed -n 's/^RESULT //p')"
      printf "| %s | %d | %.0f | %.1f ms | %.1f ms | %d |\n" $scenario $c $rps $p50_ms $p99_ms $((errors + socket_errors))
      if [ $((errors + socket_errors)) -ne 0 ]; then
        MISLUKT=$((MISLUKT + errors + socket_errors))
        echo "$uit" | sed -n 's/^FIRST_ERROR /  first failure: /p' >&2
      fi
    done
    printf "| %s: SQL statements per request | | %.1f | | | |\n" $scenario $per_verzoek
  done
  echo
  echo "start-up (migrations checked, listening): $(printf %.2f $OPSTART) s; peak memory (VmHWM): $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$SERVER/status)"
  kill $SERVER; wait $SERVER 2>/dev/null || true
  done
done
if [ $MISLUKT -ne 0 ]; then
  echo "FAILED: $MISLUKT requests failed (see the errors column)" >&2
  exit 1
fi
