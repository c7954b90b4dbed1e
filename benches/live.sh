#!/usr/bin/env bash
# Live subscriptions at fan-out: `benches/live.sh [postgres|sqlite]...` (default both).
#
# Builds the release binary, loads the demo data into a fresh database (PostgreSQL: ipt_live on
# PG_SERVER, default postgres://postgres@127.0.0.1:5432; SQLite: a temporary file), starts two
# API processes on it and runs benches/live/bench.mjs (graphql-ws, pinned in its
# package-lock.json): SUBSCRIBERS (default 200) subscribers over both processes, WRITES (default
# 50) opdrachten written one after another through the first; prints the latency from a
# mutation's answer to each subscriber's event (p50, p99, max) and the writes per second.
# Exits non-zero when a write fails or an event does not arrive.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=./target/release/ipartnerschap
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
WERK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WERK"' EXIT
export JWT_SECRET=live-bench-secret-live-bench-secret-0123456789 RUST_LOG=warn
export WS_CONNECTIONS_PER_ORGANISATION=100000
(cd benches/live && npm ci --no-audit --no-fund --loglevel=error)
backends=("$@")
[ ${#backends[@]} -eq 0 ] && backends=(postgres sqlite)
echo "| database | subscribers | writes | p50 | p99 | max | writes/s |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for backend in "${backends[@]}"; do
  case $backend in
    sqlite) export DATABASE_URL="sqlite://$WERK/live.db?mode=rwc" ;;
    postgres)
      psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS ipt_live WITH (FORCE)" -c "CREATE DATABASE ipt_live"
      export DATABASE_URL="$PG_SERVER/ipt_live" ;;
  esac
  $BIN seed --demo >/dev/null
  urls=()
  for name in a b; do
    port=18$((RANDOM % 900 + 100))
    $BIN serve --bind 127.0.0.1:$port >"$WERK/$backend-$name.log" 2>&1 &
    PIDS+=($!)
    until (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do sleep 0.05; done
    urls+=("http://127.0.0.1:$port/graphql")
  done
  row=$(node benches/live/bench.mjs "${urls[0]}" "${urls[1]}" "$($BIN token --role programmabureau)" \
    "$($BIN token --org hu.nl --role lezer)" "$($BIN token --org hu.nl --role beheerder)")
  echo "| $backend $row"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  PIDS=()
done
