#!/usr/bin/env bash
# `statistieken` at scale: `benches/statistieken.sh [postgres|sqlite]...` (default both).
#
# Builds the release binary (BIN=path to use another one, e.g. an older build to compare),
# loads the demo data and N generated opdrachten (OPDRACHTEN, default 100000; with
# `seed --demo --opdrachten N` where the binary has it, else by copying the demo's opdrachten
# with their themes and uitvoerders in SQL), serves without the answer cache and measures,
# one connection, the median and p99 latency over HTTP (wrk, DUUR per query, default 10s) of:
#   alles       every figure (benches/wrk/statistieken.json), as the programme office
#   per-status  the counts per status alone, as the programme office
#   alles-lezer every figure, as a lezer of hanze.nl
#   gefilterd   every figure with onderwijssoort HBO and a start date from 2022, programme office
# and the SQL statements per request (from /metrics). PostgreSQL: PG_SERVER (default
# postgres://postgres@127.0.0.1:5432), database ipt_stats is made fresh and VACUUM ANALYZEd.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=./target/release/ipartnerschap
fi
N=${OPDRACHTEN:-100000}
DUUR=${DUUR:-10s}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
WERK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$WERK"' EXIT
export JWT_SECRET=load-test-secret-load-test-secret-0123456789 RUST_LOG=warn RESPONSE_CACHE_BYTES=0

# Copies of the demo's opdrachten until there are N more (extern ids GEN-<copy>-<original id>).
generate_sql() {
  local backend=$1 columns series original copies=$(((N + 547) / 548))
  if [ "$backend" = postgres ]; then
    columns=$(psql -Atq "$DATABASE_URL" -c "SELECT string_agg(column_name, ', ') FROM information_schema.columns \
      WHERE table_name = 'opdrachten' AND column_name NOT IN ('id', 'extern_id')")
    series="generate_series(1, $copies) AS g(n)"
    original="CAST(split_part(c.extern_id, '-', 3) AS INTEGER)"
  else
    columns=$(sqlite3 "$SQLITE_FILE" "SELECT group_concat(name, ', ') FROM pragma_table_info('opdrachten') \
      WHERE name NOT IN ('id', 'extern_id')")
    series="(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $copies) SELECT n FROM s) AS g"
    original="CAST(substr(c.extern_id, instr(substr(c.extern_id, 5), '-') + 5) AS INTEGER)"
  fi
  cat <<SQL
INSERT INTO opdrachten ($columns, extern_id)
  SELECT $columns, 'GEN-' || g.n || '-' || o.id FROM opdrachten o, $series
  WHERE o.id IN (SELECT id FROM opdrachten ORDER BY id LIMIT 548)
  ORDER BY g.n, o.id LIMIT $N;
INSERT INTO opdracht_themas (opdracht_id, thema_code)
  SELECT c.id, t.thema_code FROM opdrachten c JOIN opdracht_themas t ON t.opdracht_id = $original
  WHERE c.extern_id LIKE 'GEN-%';
INSERT INTO opdracht_uitvoerders (opdracht_id, organisatie_id)
  SELECT c.id, u.organisatie_id FROM opdrachten c JOIN opdracht_uitvoerders u ON u.opdracht_id = $original
  WHERE c.extern_id LIKE 'GEN-%';
SQL
}

load() {
  local backend=$1
  $BIN seed --demo >/dev/null
  if $BIN seed --help 2>&1 | grep -q -- --opdrachten; then
    $BIN seed --demo --opdrachten "$N" >/dev/null
  elif [ "$backend" = postgres ]; then
    generate_sql postgres | psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL"
  else
    generate_sql sqlite | sqlite3 -bail "$SQLITE_FILE"
  fi
  if [ "$backend" = postgres ]; then
    psql -q "$DATABASE_URL" -c "VACUUM ANALYZE"
  else
    sqlite3 "$SQLITE_FILE" "ANALYZE"
  fi
}

body() { # the JSON body of a statistieken query selecting $1 with filter $2
  printf '{"query": "query($f: OpdrachtFilter) { statistieken(filter: $f) { %s } }", "variables": {"f": %s}}' "$1" "${2:-null}"
}

ALLES=$(sed 's/.*statistieken { \(.*\) } }".*/\1/' benches/wrk/statistieken.json)
backends=("$@")
[ ${#backends[@]} -eq 0 ] && backends=(postgres sqlite)
for backend in "${backends[@]}"; do
  case $backend in
    sqlite)
      SQLITE_FILE="$WERK/stats.db"
      export DATABASE_URL="sqlite://$SQLITE_FILE?mode=rwc" ;;
    postgres)
      psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS ipt_stats WITH (FORCE)" -c "CREATE DATABASE ipt_stats"
      export DATABASE_URL="$PG_SERVER/ipt_stats" ;;
  esac
  load "$backend"
  LEZER=$($BIN token --org hanze.nl --role lezer)
  BUREAU=$($BIN token --role programmabureau)
  PORT=18$((RANDOM % 900 + 100))
  $BIN serve --bind 127.0.0.1:$PORT >"$WERK/serve.log" 2>&1 &
  SERVER=$!
  until (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do sleep 0.05; done
  URL=http://127.0.0.1:$PORT/graphql
  statements() { curl -s http://127.0.0.1:$PORT/metrics | awk '/^ipartnerschap_sql_statements_total/ {print $2}'; }
  echo
  if [ "$backend" = postgres ]; then
    rijen=$(psql -Atq "$DATABASE_URL" -c 'SELECT COUNT(*) FROM opdrachten')
  else
    rijen=$(sqlite3 "$SQLITE_FILE" 'SELECT COUNT(*) FROM opdrachten')
  fi
  echo "### $backend, $rijen opdrachten, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| query | p50 | p99 | requests/s | SQL statements |"
  echo "|---|---:|---:|---:|---:|"
  for scenario in alles per-status alles-lezer gefilterd; do
    token=$BUREAU filter=null selection=$ALLES
    case $scenario in
      per-status) selection="perStatus { opdrachtStatus aantal }" ;;
      alles-lezer) token=$LEZER ;;
      gefilterd) filter='{"onderwijssoort": ["HBO"], "startdatumVanaf": "2022-01-01"}' ;;
    esac
    body "$selection" "$filter" >"$WERK/$scenario.json"
    antwoord=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data @"$WERK/$scenario.json" $URL)
    case $antwoord in *'"errors"'*|'') echo "$scenario failed: $antwoord" >&2; exit 1 ;; esac
    voor=$(statements)
    curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data @"$WERK/$scenario.json" $URL
    per_verzoek=$(( $(statements | cut -d. -f1) - $(echo "$voor" | cut -d. -f1) ))
    uit=$(BODY_FILE="$WERK/$scenario.json" TOKEN=$token wrk -t1 -c1 -d"$DUUR" -s benches/wrk/post.lua $URL | grep RESULT)
    eval "$(echo "$uit" | sed 's/RESULT //')"
    printf "| %s | %.1f ms | %.1f ms | %.0f | %d |\n" $scenario $p50_ms $p99_ms $rps $per_verzoek
  done
  kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=
done
