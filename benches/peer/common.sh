# Shared by benches/peer.sh and benches/flat.sh (sourced, not run): building, databases,
# loading data, starting servers, and one wrk measurement that counts failures.
#
# Settings (environment): PG_SERVER (default postgres://postgres@127.0.0.1:5432), DUUR (the
# length of one wrk run). Every measurement that saw a failed request (non-200, a GraphQL
# `errors` answer, a socket error) adds to MISLUKT; the scripts exit non-zero when it is not 0.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$ROOT/target/release/ipartnerschap
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
export JWT_SECRET=${JWT_SECRET:-bench-secret-bench-secret-0123456789abcdef}
export RUST_LOG=warn
MISLUKT=0

# wrk from Debian when it is missing.
require_wrk() {
  command -v wrk >/dev/null && return
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y wrk >/dev/null; }
  command -v wrk >/dev/null || { echo "wrk could not be installed" >&2; exit 1; }
}

# Servers on the first core, wrk on the second (when there are two): command prefixes.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  PIN_SERVER=(taskset -c 0)
  PIN_WRK=(taskset -c 1)
  PINNING="servers (API, PostGraphile) on core 0, wrk on core 1; PostgreSQL itself is not pinned (a shared service)"
else
  PIN_SERVER=(env)
  PIN_WRK=(env)
  PINNING="not pinned (fewer than 2 cores or no taskset)"
fi

build_release() {
  (cd "$ROOT" && cargo build --release --quiet)
}

# A fresh PostgreSQL database NAME; prints its URL.
fresh_pg() {
  psql "$PG_SERVER/postgres" -qX -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >&2
  echo "$PG_SERVER/$1"
}

# Loads the demo data and N generated opdrachten (0: the demo only) into $DATABASE_URL.
load_data() {
  if [ "$1" -eq 0 ]; then
    "$BIN" seed --demo >/dev/null
  elif "$BIN" seed --help | grep -q -- --opdrachten; then
    "$BIN" seed --demo --opdrachten "$1" >/dev/null
  else
    "$BIN" seed --demo >/dev/null
    source "$ROOT/benches/peer/generate-fallback.sh"
    generate_fallback "$1"
  fi
}

# A free port on 127.0.0.1.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
  done
}

# Waits until something answers GraphQL on URL (at most 60 s).
wait_for() {
  local url=$1 i
  for i in $(seq 600); do
    curl -sf -o /dev/null -H 'Content-Type: application/json' --data '{"query":"{__typename}"}' "$url" && return
    sleep 0.1
  done
  echo "no server answered on $url" >&2
  return 1
}

# Starts the API (release, answer cache off) on $DATABASE_URL at PORT; sets API_PID, API_URL.
start_api() {
  local port
  port=$(free_port)
  RESPONSE_CACHE_BYTES=0 "${PIN_SERVER[@]}" "$BIN" serve --bind 127.0.0.1:$port >"$WERK/api.log" 2>&1 &
  API_PID=$!
  API_URL=http://127.0.0.1:$port/graphql
  wait_for "$API_URL" || { cat "$WERK/api.log" >&2; exit 1; }
}

stop() {
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# A token: `token ROLE [ORG [REGIO...]]`.
token() {
  local rol=$1 org=${2:-} args=()
  shift; [ $# -gt 0 ] && shift
  [ -n "$org" ] && args+=(--org "$org")
  for r in "$@"; do args+=(--regio "$r"); done
  "$BIN" token --role "$rol" "${args[@]}" --ttl 7d
}

# POSTs the body file with the token; prints the answer.
ask() {
  local url=$1 body=$2 tok=${3:-} auth=()
  [ -n "$tok" ] && auth=(-H "Authorization: Bearer $tok")
  curl -s -H 'Content-Type: application/json' "${auth[@]}" --data @"$body" "$url"
}

# One wrk run: `measure URL BODY TOKEN CONNECTIONS`; sets requests, rps, p50_ms, p99_ms,
# errors. A failed request adds to MISLUKT and prints the first failure.
measure() {
  local url=$1 body=$2 tok=$3 c=$4 out
  out=$(BODY_FILE=$body TOKEN=$tok "${PIN_WRK[@]}" wrk -t1 -c"$c" -d"${DUUR}" --latency \
    -s "$ROOT/benches/wrk/post.lua" "$url" 2>&1) || true
  if ! grep -q '^RESULT ' <<<"$out"; then
    echo "wrk failed on $body: $out" >&2
    MISLUKT=$((MISLUKT + 1)); requests=0 rps=0 p50_ms=0 p99_ms=0 errors=1
    return
  fi
  eval "$(sed -n 's/^RESULT //p' <<<"$out")"
  errors=$((errors + socket_errors))
  if [ "$errors" -ne 0 ] || [ "$requests" -eq 0 ]; then
    MISLUKT=$((MISLUKT + errors + (requests == 0)))
    echo "FAILED: $errors of $requests requests to $url with $(basename "$body"): $(sed -n 's/^FIRST_ERROR //p' <<<"$out")" >&2
  fi
}

# Exits non-zero when any request failed.
finish() {
  if [ "$MISLUKT" -ne 0 ]; then
    echo "FAILED: $MISLUKT failed requests or checks (see above)" >&2
    exit 1
  fi
}
