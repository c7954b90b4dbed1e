#!/usr/bin/env bash
# Memory of the sync client: `benches/sync-client.sh [sqlite|postgres]` (default sqlite).
#
# Builds the release binary, writes an export of ROWS opdrachten (default 1,000,000; CSV, the
# columns of docs/opdrachten-voorbeeld.csv; FORMAT=jsonl for JSON lines), starts `serve` on a
# fresh database with the demo data and runs `ipartnerschap sync` on the file under
# `/usr/bin/time -v` with the token of a medewerker of Hogeschool Utrecht. Prints the file's
# size, the client's peak resident memory (maximum resident set size), its wall-clock time and
# the totals line. The client streams the file, so its memory does not grow with the file.
# DRY_RUN=1 sends the batches as a dry run (the server checks everything and writes nothing:
# quicker, the same work for the client). PostgreSQL: PG_SERVER (default
# postgres://postgres@127.0.0.1:5432); a database ipt_sync_client is created fresh.
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN=path/to/ipartnerschap uses that binary instead of building one.
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=./target/release/ipartnerschap
fi
ROWS=${ROWS:-1000000}
FORMAT=${FORMAT:-csv}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
WERK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$WERK"' EXIT
export JWT_SECRET=sync-client-secret-sync-client-secret-0123
export RUST_LOG=warn

case ${1:-sqlite} in
  sqlite) export DATABASE_URL="sqlite://$WERK/sync.db?mode=rwc" ;;
  postgres)
    psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS ipt_sync_client WITH (FORCE)" \
      -c "CREATE DATABASE ipt_sync_client"
    export DATABASE_URL="$PG_SERVER/ipt_sync_client" ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 1 ;;
esac

FILE=$WERK/export.$FORMAT
python3 - "$ROWS" "$FORMAT" >"$FILE" <<'EOF'
import json, sys
rows, fmt = int(sys.argv[1]), sys.argv[2]
header = ["externId", "naam", "opdrachtSoort", "opdrachtStatus", "onderwijssoort", "regio",
          "startdatum", "einddatum", "aantalStudenten", "opdrachtgever", "uitvoerders", "themas",
          "contactpersoon.naam", "contactpersoon.email"]
out = sys.stdout
if fmt == "csv":
    out.write(",".join(header) + "\n")
for n in range(rows):
    row = [f"EXPORT-{n}", f"Afstudeeropdracht {n} over data in de uitvoering", "AFSTUDEEROPDRACHT",
           "IN_UITVOERING", "HBO", "MIDDEN", "2025-02-03", "2025-06-27", str(1 + n % 3),
           "00000099000000000014", "hu.nl", "DATA_AI;INFORMATIEHUISHOUDING", "Stagebureau HU",
           "stages@hu.nl"]
    if fmt == "csv":
        out.write(",".join(row) + "\n")
    else:
        o = dict(zip(header[:12], row[:12]))
        o["aantalStudenten"] = int(o["aantalStudenten"])
        o["uitvoerders"] = [o["uitvoerders"]]
        o["themas"] = o["themas"].split(";")
        o["contactpersoon"] = {"naam": row[12], "email": row[13]}
        out.write(json.dumps(o) + "\n")
EOF

$BIN seed --demo >/dev/null
TOKEN=$($BIN token --org hu.nl --role medewerker)
PORT=18$((RANDOM % 900 + 100))
$BIN serve --bind 127.0.0.1:$PORT >"$WERK/serve.log" 2>&1 &
SERVER=$!
until (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do sleep 0.05; done

extra=()
[ "${DRY_RUN:-}" = 1 ] && extra=(--dry-run)
/usr/bin/time -v -o "$WERK/time.txt" $BIN sync --file "$FILE" --url http://127.0.0.1:$PORT/graphql \
  --token "$TOKEN" --bron bench "${extra[@]}" >"$WERK/sync.out" || true
echo "load average: $(cat /proc/loadavg)"
echo "file: $ROWS rows, $FORMAT, $(du -m "$FILE" | cut -f1) MB"
echo "client peak memory (maximum resident set size): $(awk -F': ' '/Maximum resident/ {printf "%.1f MiB", $2/1024}' "$WERK/time.txt")"
echo "client wall-clock time: $(awk -F': ' '/Elapsed/ {print $2}' "$WERK/time.txt")"
echo "totals: $(tail -1 "$WERK/sync.out")"
