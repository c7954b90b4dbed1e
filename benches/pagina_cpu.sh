#!/usr/bin/env bash
# CPU per computed page: `benches/pagina_cpu.sh` (one command, re-runnable on a quiet machine).
#
# Builds the in-process benchmark `benches/pagina.rs` (release, with line tables so that a
# profile names functions and lines) and measures the page of 100 opdrachten with their
# relations (`benches/wrk/opdrachten.json`, programme office, SQLite, no answer cache) twice:
#
# - instructions per page, from callgrind (valgrind): the whole process, every thread
#   (resolvers, loaders, SQL building, SQLite's worker), run with PAGINA_N=$KORT and
#   PAGINA_N=$LANG pages, so that start-up, migrations and demo data cancel out in the
#   difference. Instruction counts do not depend on what else runs on the machine, so they
#   compare code on a shared machine; the top entries of the longer run's profile are printed
#   (`callgrind_annotate`, inclusive and exclusive), its output is kept in $UIT.
# - milliseconds per page, from the benchmark itself (PAGINA_N=$N pages, with the spec's steps
#   and with PAGINA_SPEC=off), with the load average before and after: compare these only
#   within one run on a quiet machine.
#
# Needs valgrind (`apt-get install valgrind`). KORT=20, LANG=120, N=1000 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
KORT=${KORT:-20}
LANG_=${LANG:-120}
N=${N:-1000}
UIT=${UIT:-target/pagina-cpu}
mkdir -p "$UIT"
export CARGO_PROFILE_BENCH_DEBUG=line-tables-only
cargo bench --bench pagina --no-run --quiet 2>/dev/null
BIN=$(cargo bench --bench pagina --no-run --message-format=json 2>/dev/null |
  grep -o '"executable":"[^"]*pagina[^"]*"' | tail -1 | cut -d'"' -f4)
[ -x "$BIN" ] || { echo "no benchmark binary" >&2; exit 1; }

instructions() { # pages, output file -> total instructions of the whole run
  PAGINA_N=$1 valgrind --tool=callgrind --callgrind-out-file="$2" "$BIN" >/dev/null 2>&1
  callgrind_annotate "$2" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
kort=$(instructions "$KORT" "$UIT/callgrind.kort")
lang=$(instructions "$LANG_" "$UIT/callgrind.lang")
echo "instructions per page (callgrind, ($lang - $kort) / ($LANG_ - $KORT)): $(((lang - kort) / (LANG_ - KORT)))"
echo
echo "top of the profile ($LANG_ pages; $UIT/callgrind.lang), inclusive:"
callgrind_annotate --inclusive=yes "$UIT/callgrind.lang" 2>/dev/null | sed -n '/^Ir/,$p' | head -40
echo
echo "exclusive:"
callgrind_annotate "$UIT/callgrind.lang" 2>/dev/null | sed -n '/^Ir/,$p' | head -40
echo
for spec in on off; do
  for _ in 1 2; do
    echo "spec $spec: $(PAGINA_N=$N PAGINA_SPEC=$spec "$BIN")"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
