// How fast a change reaches live subscribers: SUBSCRIBERS graphql-ws clients, split over two
// API processes on one database (half as the programme office, half as a lezer of HU), each
// subscribed to the feed from now on; WRITES opdrachten created one after another through the
// first process by HU (so every subscriber may see each). For each write: the time from the
// mutation's answer to each subscriber's event. Prints one Markdown row; exits 1 when a write
// fails or an event does not arrive within 10 s.
//   node bench.mjs <URL A> <URL B> <programme office token> <HU lezer token> <HU beheerder token>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [urlA, urlB, bureau, lezer, schrijver] = process.argv.slice(2);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 200);
const WRITES = Number(process.env.WRITES ?? 50);
const FEED = 'subscription { wijzigingen(vanafNu: true) { wijzigingen { recordId record { ... on Opdracht { naam } } } } }';

function fail(message) {
  console.error(`live bench: ${message}`);
  process.exit(1);
}

const waiting = new Map(); // opdracht name -> { sent, times[] , done }
let ready = 0;
const clients = [];
for (let i = 0; i < SUBSCRIBERS; i += 1) {
  const url = (i % 2 ? urlB : urlA).replace(/^http/, 'ws');
  const token = i % 4 < 2 ? bureau : lezer;
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
  clients.push(client);
  let first = true;
  client.subscribe({ query: FEED }, {
    next: ({ data, errors }) => {
      if (errors) fail(JSON.stringify(errors));
      if (first) { first = false; ready += 1; return; }
      const now = performance.now();
      for (const w of data.wijzigingen.wijzigingen) {
        const entry = waiting.get(w.record?.naam);
        if (entry) entry.arrivals.push(now);
      }
    },
    error: (e) => fail(`a subscriber failed: ${JSON.stringify(e?.reason ?? e?.message ?? e)}`),
    complete: () => {},
  });
}

const deadline = Date.now() + 30000;
while (ready < SUBSCRIBERS) {
  if (Date.now() > deadline) fail(`only ${ready} of ${SUBSCRIBERS} subscribers started`);
  await new Promise((r) => setTimeout(r, 20));
}

const bzk = await post('{ organisatie(sleutel: "00000099000000000001") { id } }');
async function post(query, variables) {
  const response = await fetch(urlA, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${schrijver}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) fail(`a write failed: ${JSON.stringify(body)}`);
  return body.data;
}

const all = [];
const started = performance.now();
for (let n = 0; n < WRITES; n += 1) {
  const naam = `Live bench ${Date.now()}-${n}`;
  const entry = { sent: 0, arrivals: [] };
  waiting.set(naam, entry);
  const input = { naam, opdrachtSoort: 'STAGE', opdrachtgever: bzk.organisatie.id };
  await post('mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id } }', { input });
  entry.sent = performance.now();
  const until = Date.now() + 10000;
  while (entry.arrivals.length < SUBSCRIBERS) {
    if (Date.now() > until) fail(`write ${n}: ${entry.arrivals.length} of ${SUBSCRIBERS} subscribers got it`);
    await new Promise((r) => setTimeout(r, 2));
  }
  // An event can arrive before the mutation's answer: it counts as 0 ms.
  all.push(...entry.arrivals.map((at) => Math.max(0, at - entry.sent)));
}
const seconds = (performance.now() - started) / 1000;
all.sort((a, b) => a - b);
const q = (p) => all[Math.min(all.length - 1, Math.floor(p * all.length))].toFixed(1);
console.log(`| ${SUBSCRIBERS} | ${WRITES} | ${q(0.5)} ms | ${q(0.99)} ms | ${all[all.length - 1].toFixed(1)} ms | ${(WRITES / seconds).toFixed(1)} |`);
for (const c of clients) c.dispose();
process.exit(0);
