#!/usr/bin/env bash
# Soak of two API processes on one PostgreSQL database: `benches/soak2.sh` (not part of CI).
#
# Builds the release binary and the release test binary, creates a fresh database ipt_soak2
# with the demo data, starts two `ipartnerschap serve` processes on it (the answer cache on,
# as by default), and runs the soak's clients (tests/api/soak.rs) against both: every client
# writes on one instance and reads its write back from the other. The test fails on any 5xx,
# unexpected error, stale answer, lost or duplicated write. SOAK_SECONDS (default 60) sets the
# duration; PG_SERVER (default postgres://postgres@127.0.0.1:5432) the server; PROFILE=debug
# uses the debug build instead (a quick check of the script, not a measurement).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
export SOAK_SECONDS=${SOAK_SECONDS:-60}
PROFILE=${PROFILE:-release}
FLAG=--release; [ "$PROFILE" = debug ] && FLAG=
cargo build $FLAG --quiet
cargo test $FLAG --test api --no-run --quiet
BIN=./target/$PROFILE/ipartnerschap
WERK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WERK"' EXIT
# The secret, issuer and audience of the test tokens (tests/api/harness.rs).
export JWT_SECRET=test-secret-that-is-long-enough-for-hs256-0123456789
export RUST_LOG=warn
psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS ipt_soak2 WITH (FORCE)" -c "CREATE DATABASE ipt_soak2"
export DATABASE_URL="$PG_SERVER/ipt_soak2"
$BIN seed --demo >/dev/null
ENDPOINTS=()
for i in 1 2; do
  PORT=$((20000 + RANDOM % 20000))
  $BIN serve --bind 127.0.0.1:$PORT >"$WERK/serve$i.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 600); do curl -sf http://127.0.0.1:$PORT/readyz >/dev/null && break; sleep 0.1; done
  curl -sf http://127.0.0.1:$PORT/readyz >/dev/null || { cat "$WERK/serve$i.log"; exit 1; }
  ENDPOINTS+=("http://127.0.0.1:$PORT/graphql")
done
echo "two instances: ${ENDPOINTS[*]}; load average before: $(cat /proc/loadavg)"
SOAK_DATABASE_URL=$DATABASE_URL SOAK_ENDPOINTS=$(IFS=,; echo "${ENDPOINTS[*]}") \
  cargo test $FLAG --test api --quiet soak::two_instances -- --ignored --nocapture
echo "load average after: $(cat /proc/loadavg)"
for i in 1 2; do
  echo "instance $i: peak memory $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/${PIDS[$((i-1))]}/status)"
done
