#!/usr/bin/env bash
# Flatness benchmark: what a read costs at 548 opdrachten (the demo) and at 100,548 (the demo
# plus `seed --opdrachten 100000`), on SQLite and PostgreSQL. One command: `benches/flat.sh`.
#
# On each database (BACKENDS, default "sqlite postgres"; PostgreSQL: a fresh database
# ipt_flat on PG_SERVER, default postgres://postgres@127.0.0.1:5432) and each size (SIZES,
# generated opdrachten, default "0 100000") it loads the data with the release binary, starts
# `serve` with the answer cache off (RESPONSE_CACHE_BYTES=0) and runs wrk with one connection
# for DUUR (default 3s) per query, as the programme office, as a lezer of LEZER_ORG (default
# hanze.nl) and as a kennismakelaar of MAKELAAR_ORG (default hu.nl) with the regions
# MAKELAAR_REGIOS (default "MIDDEN WEST"):
#   - a page of 100 opdrachten with relations (benches/flat/pagina.graphql) with no filter and
#     with each filter of benches/flat/filters.json (status, themas, regio, onderwijssoort,
#     opdrachtgever, uitvoerder, organisatie, start and end date ranges, zoek);
#   - `totalCount` alone (benches/flat/totaal.graphql) with the same filters;
#   - `statistieken` with every part and with perStatus only.
# The filters' "$RIJKSPARTNER" and "$KENNISINSTELLING" are the ids of the organisations with
# the natural keys RIJKSPARTNER (default 00000099000000000001) and KENNISINSTELLING (default
# hu.nl). Servers run on core 0, wrk on core 1 (with two cores). It prints a Markdown table per
# database: median latency and p99 at each size, the rows a page returned at each size, the
# growth of the median and that growth per returned row (a scoped caller's page of a filter
# holds 3 rows at 548 and 100 at 100,548: the rows it renders grow, which is not a growing
# cost of the table's size), and exits non-zero when any request failed (non-200, an `errors`
# answer, a socket error).
set -euo pipefail
source "$(dirname "$0")/peer/common.sh"
FLAT=$ROOT/benches/flat
BACKENDS=${BACKENDS:-sqlite postgres}
SIZES=${SIZES:-0 100000}
DUUR=${DUUR:-3s}
LEZER_ORG=${LEZER_ORG:-hanze.nl}
MAKELAAR_ORG=${MAKELAAR_ORG:-hu.nl}
MAKELAAR_REGIOS=${MAKELAAR_REGIOS:-MIDDEN WEST}
RIJKSPARTNER=${RIJKSPARTNER:-00000099000000000001}
KENNISINSTELLING=${KENNISINSTELLING:-hu.nl}
WERK=$(mktemp -d)
API_PID=
trap 'stop "$API_PID"; rm -rf "$WERK"' EXIT

require_wrk
build_release

ROLLEN=(bureau lezer makelaar)
declare -A ROL_NAAM=([bureau]=programmabureau [lezer]="lezer $LEZER_ORG"
  [makelaar]="kennismakelaar $MAKELAAR_ORG ${MAKELAAR_REGIOS// /+}")
mapfile -t FILTERS < <(jq -r 'keys_unsorted[]' "$FLAT/filters.json")

# The id of the organisation with a natural key, as the programme office sees it.
org_id() {
  jq -n --arg k "$1" '{query: "query($k: String!) { organisatie(sleutel: $k) { id } }", variables: {k: $k}}' >"$WERK/org.json"
  ask "$API_URL" "$WERK/org.json" "${TOKENS[bureau]}" | jq -er '.data.organisatie.id'
}

# The request bodies: name|file, in the order of the table.
write_bodies() {
  local rp kn i=0 name
  rp=$(org_id "$RIJKSPARTNER"); kn=$(org_id "$KENNISINSTELLING")
  : >"$WERK/queries"
  for soort in pagina totaal; do
    for name in "${FILTERS[@]}"; do
      i=$((i + 1))
      jq -n --rawfile q "$FLAT/$soort.graphql" --slurpfile f "$FLAT/filters.json" \
        --arg name "$name" --arg rp "$rp" --arg kn "$kn" \
        '{query: $q, variables: {filter: ($f[0][$name] | map_values(
           if . == "$RIJKSPARTNER" then $rp elif . == "$KENNISINSTELLING" then $kn else . end))}}' \
        >"$WERK/q$i.json"
      local label="page of 100, $name"; [ $soort = totaal ] && label="totalCount, $name"
      echo "$label|$WERK/q$i.json" >>"$WERK/queries"
    done
  done
  for soort in statistieken per-status; do
    jq -Rs '{query: .}' "$FLAT/$soort.graphql" >"$WERK/$soort.json"
    local label="statistieken, every part"; [ $soort = per-status ] && label="statistieken, perStatus only"
    echo "$label|$WERK/$soort.json" >>"$WERK/queries"
  done
}

declare -A MEDIAAN P99 AANTAL RIJEN
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $PINNING"
for backend in $BACKENDS; do
  for size in $SIZES; do
    export DATABASE_URL
    case $backend in
      sqlite) rm -f "$WERK/flat.db"*; DATABASE_URL="sqlite://$WERK/flat.db?mode=rwc" ;;
      postgres) DATABASE_URL=$(fresh_pg ipt_flat) ;;
      *) echo "unknown backend $backend" >&2; exit 1 ;;
    esac
    echo "$backend: loading the demo data and $size generated opdrachten ..." >&2
    load_data "$size"
    [ $backend = postgres ] && psql "$DATABASE_URL" -qX -c ANALYZE
    # shellcheck disable=SC2086
    declare -A TOKENS=([bureau]=$(token programmabureau) [lezer]=$(token lezer "$LEZER_ORG")
      [makelaar]=$(token kennismakelaar "$MAKELAAR_ORG" $MAKELAAR_REGIOS))
    start_api
    AANTAL[$backend,$size]=$(ask "$API_URL" <(echo '{"query":"{ opdrachten { totalCount } }"}') "${TOKENS[bureau]}" | jq -r .data.opdrachten.totalCount)
    write_bodies
    while IFS='|' read -r label body; do
      for rol in "${ROLLEN[@]}"; do
        measure "$API_URL" "$body" "${TOKENS[$rol]}" 1
        MEDIAAN[$backend,$size,$rol,$label]=$p50_ms
        P99[$backend,$size,$rol,$label]=$p99_ms
        RIJEN[$backend,$size,$rol,$label]=$(ask "$API_URL" "$body" "${TOKENS[$rol]}" |
          jq -r '.data.opdrachten.nodes // [] | length')
        printf '  %s, %s opdrachten, %s, %s: %.1f ms (p99 %.1f ms, %d requests)\n' \
          "$backend" "${AANTAL[$backend,$size]}" "${ROL_NAAM[$rol]}" "$label" "$p50_ms" "$p99_ms" "$requests" >&2
      done
    done <"$WERK/queries"
    stop "$API_PID"; API_PID=
  done
done

read -r -a S <<<"$SIZES"
klein=${S[0]}; groot=${S[${#S[@]}-1]}
for backend in $BACKENDS; do
  echo
  echo "### $backend: median latency (p99), one connection, ${AANTAL[$backend,$klein]} and ${AANTAL[$backend,$groot]} opdrachten"
  echo
  echo "| query | role | ${AANTAL[$backend,$klein]} | ${AANTAL[$backend,$groot]} | rows | growth | per row |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  while IFS='|' read -r label body; do
    for rol in "${ROLLEN[@]}"; do
      a=${MEDIAAN[$backend,$klein,$rol,$label]} b=${MEDIAAN[$backend,$groot,$rol,$label]}
      ra=${RIJEN[$backend,$klein,$rol,$label]} rb=${RIJEN[$backend,$groot,$rol,$label]}
      groei=$(echo "$b / $a" | bc -l) rijen="—" per_rij="—"
      if [ "$rb" -gt 0 ]; then
        rijen="$ra → $rb"
        [ "$ra" -gt 0 ] && per_rij=$(printf '%.1f×' "$(echo "($b / $rb) / ($a / $ra)" | bc -l)")
      fi
      printf '| %s | %s | %.1f ms (%.1f) | %.1f ms (%.1f) | %s | %.1f× | %s |\n' "$label" \
        "${ROL_NAAM[$rol]}" "$a" "${P99[$backend,$klein,$rol,$label]}" "$b" \
        "${P99[$backend,$groot,$rol,$label]}" "$rijen" "$groei" "$per_rij"
    done
  done <"$WERK/queries"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
finish
