#!/usr/bin/env bash
# Timing of ids that name a hidden record versus ids that name no record:
# `benches/id_timing.sh [sqlite|postgres]...` (default both).
#
# Starts the release binary (`BIN`, default: builds ./target/release/ipartnerschap) on a fresh
# database with the demo data, takes, as the programme office, the id of an opdracht that the
# caller (a medewerker of hanze.nl) may not see ("hidden") and the id of an opdracht it created
# and deleted again ("absent"), then sends `node(id:)` and `updateOpdracht` as the caller for
# both ids in PAREN (default 800) interleaved pairs (the order within a pair alternates at
# random), after 50 pairs of warm-up. Every answer must be NOT_FOUND: any other answer, or a
# failed request, stops the script with exit code 1.
#
# Prints, per backend and operation, the median response time for each kind of id, the median
# of the paired differences (hidden − absent) and a sign-test z (how often hidden was slower
# than absent, in standard deviations from chance; |z| < 2 is no measurable difference).
# PostgreSQL: PG_SERVER (default postgres://postgres@127.0.0.1:5432); a database ipt_idtiming
# is created fresh. A script, not a test: timings depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=./target/release/ipartnerschap
fi
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
export PAREN=${PAREN:-800}
WERK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$WERK"' EXIT
export JWT_SECRET=id-timing-secret-id-timing-secret-0123456789
export RUST_LOG=warn
# Every request must run: no answers from the cache.
export RESPONSE_CACHE_BYTES=0

backends=("$@")
[ ${#backends[@]} -eq 0 ] && backends=(sqlite postgres)
for backend in "${backends[@]}"; do
  case $backend in
    sqlite) export DATABASE_URL="sqlite://$WERK/timing.db?mode=rwc" ;;
    postgres)
      psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS ipt_idtiming WITH (FORCE)" -c "CREATE DATABASE ipt_idtiming"
      export DATABASE_URL="$PG_SERVER/ipt_idtiming" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  $BIN seed --demo >/dev/null
  export BUREAU=$($BIN token --role programmabureau)
  export BELLER=$($BIN token --org hanze.nl --role medewerker)
  export PORT=18$((RANDOM % 900 + 100))
  $BIN serve --bind 127.0.0.1:$PORT >"$WERK/serve.log" 2>&1 &
  SERVER=$!
  until (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do sleep 0.01; done
  echo
  echo "### $backend ($PAREN pairs)"
  echo
  python3 - <<'PY'
import http.client, json, os, random, statistics, sys, time

port = int(os.environ["PORT"])
conn = http.client.HTTPConnection("127.0.0.1", port)

def post(token, query, variables):
    body = json.dumps({"query": query, "variables": variables})
    begin = time.perf_counter()
    conn.request("POST", "/graphql", body, {
        "Content-Type": "application/json",
        "Authorization": "Bearer " + token,
    })
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - begin
    if response.status != 200:
        sys.exit(f"HTTP {response.status}: {data[:300]!r}")
    return json.loads(data), elapsed

def data(answer):
    if "errors" in answer:
        sys.exit(f"unexpected errors: {answer['errors']}")
    return answer["data"]

bureau, beller = os.environ["BUREAU"], os.environ["BELLER"]
NODE = "query($id: ID!) { node(id: $id) { id } }"
UPDATE = ("mutation($id: ID!) { updateOpdracht(id: $id, versie: 1, input: { opdrachtgever: $id, "
          "naam: \"x\", opdrachtSoort: AFSTUDEEROPDRACHT }) { id } }")

# A hidden opdracht: one the programme office sees and the caller does not.
ids = [n["id"] for n in data(post(bureau, "{ opdrachten(first: 100) { nodes { id } } }", {})[0])
       ["opdrachten"]["nodes"]]
verborgen = None
for id in ids:
    answer, _ = post(beller, NODE, {"id": id})
    if answer.get("errors") and answer["errors"][0]["extensions"]["code"] == "NOT_FOUND":
        verborgen = id
        break
if verborgen is None:
    sys.exit("no opdracht hidden from the caller among the first 100")

# An absent opdracht: created and deleted again (its id is valid, the record is gone).
org = data(post(bureau, "{ organisatie(sleutel: \"00000099000000000001\") { id } }", {})[0])
opdrachtgever = org["organisatie"]["id"]
eigenaar = data(post(bureau, "{ organisatie(sleutel: \"hu.nl\") { id } }", {})[0])["organisatie"]["id"]
nieuw = data(post(bureau,
    "mutation($e: ID!, $o: ID!) { createOpdracht(input: { eigenaar: $e, opdrachtgever: $o, "
    "naam: \"id timing\", opdrachtSoort: AFSTUDEEROPDRACHT }) { id versie } }",
    {"e": eigenaar, "o": opdrachtgever})[0])["createOpdracht"]
data(post(bureau, "mutation($id: ID!, $v: Int!) { deleteOpdracht(id: $id, versie: $v) }",
          {"id": nieuw["id"], "v": nieuw["versie"]})[0])
afwezig = nieuw["id"]

def probe(query, id):
    answer, elapsed = post(beller, query, {"id": id})
    code = (answer.get("errors") or [{}])[0].get("extensions", {}).get("code")
    if code != "NOT_FOUND":
        sys.exit(f"expected NOT_FOUND for {id}, got {answer}")
    return elapsed

paren = int(os.environ["PAREN"])
rng = random.Random(549)
print("| operation | hidden id: median | absent id: median | median of paired differences | sign-test z |")
print("|---|---:|---:|---:|---:|")
for naam, query in (("node(id:)", NODE), ("updateOpdracht", UPDATE)):
    verborgen_t, afwezig_t = [], []
    for i in range(50 + paren):
        if rng.random() < 0.5:
            v = probe(query, verborgen); a = probe(query, afwezig)
        else:
            a = probe(query, afwezig); v = probe(query, verborgen)
        if i >= 50:
            verborgen_t.append(v); afwezig_t.append(a)
    verschil = [v - a for v, a in zip(verborgen_t, afwezig_t)]
    langzamer = sum(1 for d in verschil if d > 0)
    z = (langzamer - paren / 2) / (paren / 4) ** 0.5
    ms = lambda s: f"{s * 1000:.3f} ms"
    print(f"| {naam} | {ms(statistics.median(verborgen_t))} | {ms(statistics.median(afwezig_t))} "
          f"| {ms(statistics.median(verschil))} | {z:.1f} |")
PY
  kill $SERVER; wait $SERVER 2>/dev/null || true
  SERVER=
done
