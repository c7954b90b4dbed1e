// Live subscriptions through the npm client graphql-ws, the client Apollo Client, urql and
// GraphiQL use, against two API processes on one PostgreSQL database:
//   node check.mjs <graphql URL of process A> <graphql URL of process B> <HU token> <bad token>
// A HU subscriber on A and an anonymous one on A receive a fieldlab that HU creates through B;
// only HU receives HU's opdracht; a subscription resumed from its endCursor gets exactly what it
// missed; a refused token closes the connection with 4403. Exits 1 on the first failure.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [urlA, urlB, token, badToken] = process.argv.slice(2);
const wsA = urlA.replace(/^http/, 'ws');
const WAIT_MS = 10000;
const FEED = `subscription($after: String) { wijzigingen(after: $after) { endCursor
  wijzigingen { actie recordType record { __typename ... on Fieldlab { naam } ... on Opdracht { naam } } } } }`;

function fail(message) {
  console.error(`live check: ${message}`);
  process.exit(1);
}

function client(connectionParams, onClose) {
  return createClient({
    url: wsA,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: onClose ? { closed: onClose } : {},
  });
}

// The events of a subscription, as a queue with a timed `next()`.
function subscribe(c, variables) {
  const events = [];
  const waiting = [];
  const push = (item) => (waiting.length ? waiting.shift()(item) : events.push(item));
  const dispose = c.subscribe(
    { query: FEED, variables },
    {
      next: (value) => push({ value }),
      error: (error) => push({ error }),
      complete: () => push({ complete: true }),
    },
  );
  const next = (what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
      const take = (item) => {
        clearTimeout(timer);
        if (item.error) reject(new Error(`${what}: ${JSON.stringify(item.error)}`));
        else if (item.value.errors) reject(new Error(`${what}: ${JSON.stringify(item.value.errors)}`));
        else resolve(item.value.data.wijzigingen);
      };
      events.length ? take(events.shift()) : waiting.push(take);
    });
  return { next, dispose };
}

async function post(query, variables) {
  const response = await fetch(urlB, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) fail(`a write through B failed: ${JSON.stringify(body)}`);
  return body.data;
}

const createLab = (naam) =>
  post('mutation($input: FieldlabInput!) { createFieldlab(input: $input) { id } }', {
    input: { naam, regios: ['MIDDEN'], contactpersoon: { naam: 'Live', email: 'live@hu.nl' } },
  });

const names = (feed) => feed.wijzigingen.map((w) => w.record?.naam ?? '-');

function expectNames(feed, expected, who) {
  const got = names(feed);
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    fail(`${who}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
}

try {
  // The current end of the feed, so that the demo's history is not replayed.
  const start = (await post('{ wijzigingen(first: 500) { endCursor hasNextPage } }')).wijzigingen;
  if (start.hasNextPage) fail('the demo database has more history than one page');

  const hu = client({ Authorization: `Bearer ${token}` });
  const anonymous = client({});
  const huFeed = subscribe(hu, { after: start.endCursor });
  const anonymousFeed = subscribe(anonymous, { after: start.endCursor });
  await huFeed.next('the first event of HU');
  await anonymousFeed.next('the first event of the anonymous subscriber');

  const bzk = (await post('{ organisatie(sleutel: "00000099000000000001") { id } }')).organisatie.id;
  await post('mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id } }', {
    input: { naam: 'Live stage', opdrachtSoort: 'STAGE', opdrachtgever: bzk },
  });
  expectNames(await huFeed.next('the opdracht for HU'), ['Live stage'], 'HU');
  await createLab('Live lab');
  const seen = await huFeed.next('the fieldlab for HU');
  expectNames(seen, ['Live lab'], 'HU');
  expectNames(await anonymousFeed.next('the fieldlab for the anonymous subscriber'), ['Live lab'], 'anonymous');

  // Resumed from the last endCursor: exactly what was written meanwhile.
  huFeed.dispose();
  await createLab('Gemist lab');
  const resumed = subscribe(hu, { after: seen.endCursor });
  expectNames(await resumed.next('the caught-up event'), ['Gemist lab'], 'HU resumed');
  resumed.dispose();
  anonymousFeed.dispose();
  await hu.dispose();
  await anonymous.dispose();

  // A refused token: the server closes with 4403 before anything runs.
  const closed = new Promise((resolve) => {
    const refused = client({ Authorization: `Bearer ${badToken}` }, (event) => resolve(event.code));
    subscribe(refused, {});
  });
  const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('timeout'), WAIT_MS))]);
  if (code !== 4403) fail(`a refused token: expected close code 4403, got ${code}`);
  console.log('live check: graphql-ws subscriptions across two processes: ok');
  process.exit(0);
} catch (error) {
  fail(error.message);
}
