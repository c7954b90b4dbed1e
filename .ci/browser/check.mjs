// The dashboard and the printable yearly figures in a real browser (Debian's headless Chromium,
// driven by playwright-core) against the real server with the demo data:
//   node check.mjs <base URL> <programme office token> <ministry token> <HU token> [screenshot dir]
// Checks: the Content-Security-Policy; the figures shown equal `statistieken` for the caller
// (anonymous, the programme office with the published 548 / 65 / 34 / 64-33-3 %, a ministry);
// a write through the API changes the page without a reload; the English labels; axe-core
// reports no WCAG 2.1 A/AA violation; no request leaves loopback and the console stays clean;
// the yearly page prints on one A4 page. Exits 1 on the first failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [base, bureau, ministerie, hu, shots] = process.argv.slice(2);
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WAIT = 15000;

function fail(message) {
  console.error(`browser check: ${message}`);
  process.exit(1);
}
function same(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${what}: shown ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

async function api(token, query, variables = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) fail(`API: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const STATS = `query($filter: OpdrachtFilter, $jaar: Int) { statistieken(filter: $filter, jaar: $jaar) { aantalOpdrachten aantalStudenten aantalRijkspartners aantalKennisinstellingen
  aantalFieldlabs aantalCommunities aantalPromotietrajecten vraagstukken { belegd }
  perSoort { opdrachtSoort aantal } perOnderwijssoort { onderwijssoort aantal percentage }
  perStatus { aantal } verloop { jaar aantal } perRegio { regio aantal } } }`;

const number = (text) => Number(text.replace(/[^0-9]/g, ''));

// The figures the page shows now.
async function shown(page) {
  return page.evaluate(() => {
    const cells = (id) => [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) => [...tr.cells].map((c) => c.textContent));
    const totals = Object.fromEntries([...document.querySelectorAll('[data-figure]')].map((dd) => [dd.dataset.figure, dd.textContent]));
    return { totals, soort: cells('onderwijssoort-tabel'), verloop: cells('verloop-tabel'), status: cells('status-tabel'), regio: cells('regio-tabel') };
  });
}

// The page shows exactly `statistieken` as `token` gets it.
async function compare(page, token, who, variables = {}) {
  const s = (await api(token, STATS, variables)).statistieken;
  const got = await shown(page);
  const want = {
    aantalRijkspartners: s.aantalRijkspartners, aantalKennisinstellingen: s.aantalKennisinstellingen,
    aantalFieldlabs: s.aantalFieldlabs, aantalCommunities: s.aantalCommunities,
    aantalOpdrachten: s.aantalOpdrachten, aantalStudenten: s.aantalStudenten,
    stages: s.perSoort.find((p) => p.opdrachtSoort === 'STAGE').aantal,
    belegd: s.vraagstukken.belegd, aantalPromotietrajecten: s.aantalPromotietrajecten,
  };
  same(Object.fromEntries(Object.entries(got.totals).map(([k, v]) => [k, number(v)])), want, `${who}: totals`);
  same(got.soort.map((r) => [r[0], number(r[1]), r[2]]),
    s.perOnderwijssoort.map((o) => [o.onderwijssoort, o.aantal, `${Math.round(o.percentage)}%`]), `${who}: per onderwijssoort`);
  same(got.verloop.map((r) => [Number(r[0]), number(r[1])]), s.verloop.map((v) => [v.jaar, v.aantal]), `${who}: verloop`);
  same(got.status.map((r) => number(r[1])), s.perStatus.map((p) => p.aantal), `${who}: per status`);
  const regios = ['NOORD', 'OOST', 'MIDDEN', 'WEST', 'ZUID'];
  same(got.regio.slice(0, 5).map((r) => number(r[2])), regios.map((r) => s.perRegio.find((p) => p.regio === r)?.aantal ?? 0), `${who}: per regio`);
  return s;
}

async function loads(page, after) {
  await page.waitForFunction((n) => Number(document.body.dataset.geladen ?? 0) > n, after, { timeout: WAIT });
  return page.evaluate(() => Number(document.body.dataset.geladen));
}

async function accessible(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  if (result.violations.length) {
    fail(`${what}: axe-core found ${result.violations.length} violation(s): ${JSON.stringify(result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) })))}`);
  }
}

async function signIn(page, token, loaded) {
  await page.fill('#token', token);
  await page.click('#aanmelden button[type=submit]');
  return loads(page, loaded);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'nl-NL' });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));

  const response = await page.goto(`${base}/dashboard`);
  const csp = response.headers()['content-security-policy'] ?? '';
  if (!csp.includes("script-src 'self'") || csp.includes('unsafe')) fail(`the page's Content-Security-Policy: ${csp}`);
  let loaded = await loads(page, 0);
  await compare(page, null, 'anonymous');
  await accessible(page, 'the anonymous dashboard');

  loaded = await signIn(page, bureau, loaded);
  const s = await compare(page, bureau, 'the programme office');
  same([s.aantalOpdrachten, s.aantalRijkspartners, s.aantalKennisinstellingen], [548, 65, 34], 'the demo totals');
  same(s.perOnderwijssoort.map((o) => Math.round(o.percentage)), [33, 64, 3], 'the demo shares WO/HBO/MBO');
  for (const jaar of [2020, 2021, 2022, 2023, 2024]) {
    if (!s.verloop.some((v) => v.jaar === jaar)) fail(`the verloop has no ${jaar}`);
  }
  await accessible(page, 'the dashboard of the programme office');
  if (shots) await page.screenshot({ path: path.join(shots, 'dashboard-programmabureau.png'), fullPage: true });

  // The filters: a year, a region and a theme, as `statistieken(filter:, jaar:)` counts them.
  for (const [id, value] of [['#jaar', '2022'], ['#regio', 'MIDDEN'], ['#thema', 'DATA_AI']]) {
    await page.selectOption(id, value);
    loaded = await loads(page, loaded);
  }
  const gefilterd = await compare(page, bureau, 'the programme office, filtered',
    { jaar: 2022, filter: { regio: ['MIDDEN'], themas: ['DATA_AI'] } });
  if (gefilterd.aantalOpdrachten === 0 || gefilterd.aantalOpdrachten >= s.aantalOpdrachten) fail('the filter did not narrow the figures');
  for (const id of ['#jaar', '#regio', '#thema']) {
    await page.selectOption(id, '');
    loaded = await loads(page, loaded);
  }

  // A ministry, and a write that reaches its page live.
  loaded = await signIn(page, ministerie, loaded);
  const before = await compare(page, ministerie, 'a ministry');
  await page.evaluate(() => { window.nietHerladen = true; });
  const bzk = (await api(hu, '{ organisatie(sleutel: "00000099000000000001") { id } }')).organisatie.id;
  await api(hu, 'mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id } }', {
    input: { naam: 'Stage voor de browsercheck', opdrachtSoort: 'STAGE', opdrachtgever: bzk },
  });
  await page.waitForFunction((n) => document.querySelector('[data-figure=aantalOpdrachten]')?.textContent.replace(/[^0-9]/g, '') === String(n),
    before.aantalOpdrachten + 1, { timeout: WAIT }).catch(() => fail('the write through the API did not reach the page'));
  if (!(await page.evaluate(() => window.nietHerladen === true))) fail('the page reloaded');
  await page.waitForFunction(() => document.querySelector('#live')?.textContent.length > 0, null, { timeout: WAIT });
  loaded = await page.evaluate(() => Number(document.body.dataset.geladen));
  await compare(page, ministerie, 'a ministry after the write');
  if (shots) await page.screenshot({ path: path.join(shots, 'dashboard-ministerie.png'), fullPage: true });

  // English.
  await page.click('#taal');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  same(await page.textContent('h1'), 'I-Partnerschap in figures', 'the English title');
  await accessible(page, 'the English dashboard');

  // The yearly figures, published, linked from the dashboard and printed on one A4 page.
  const gepubliceerd = (await api(bureau, 'mutation { publiceerJaarcijfers(jaar: 2023) { cijfers { aantalOpdrachten } } }'))
    .publiceerJaarcijfers.cijfers;
  const yearly = await context.newPage();
  yearly.on('request', (r) => requests.push(r.url()));
  yearly.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  const printed = await yearly.goto(`${base}/jaarcijfers/2023`);
  if (printed.status() !== 200) fail(`/jaarcijfers/2023: ${printed.status()}`);
  same(number(await yearly.textContent('[data-figure=aantalOpdrachten]')), gepubliceerd.aantalOpdrachten, 'the yearly page');
  await accessible(yearly, 'the yearly page');
  const pdf = await yearly.pdf({ format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  if (pages !== 1) fail(`the yearly page prints on ${pages} A4 pages, not 1`);
  if (shots) await yearly.screenshot({ path: path.join(shots, 'jaarcijfers-2023.png'), fullPage: true });
  if ((await fetch(`${base}/jaarcijfers/2019`)).status !== 404) fail('an unpublished year is not 404');
  const fresh = await context.newPage();
  fresh.on('request', (r) => requests.push(r.url()));
  await fresh.goto(`${base}/dashboard`);
  await fresh.waitForSelector('#jaarcijfers a[href="/jaarcijfers/2023"]', { timeout: WAIT })
    .catch(() => fail('the dashboard does not list the published year'));

  const origin = new URL(base);
  const away = requests.filter((u) => {
    const url = new URL(u);
    return !['data:', 'blob:'].includes(url.protocol) && !(url.hostname === origin.hostname && url.port === origin.port);
  });
  if (away.length) fail(`requests left loopback: ${away.join(', ')}`);
  if (problems.length) fail(`the console reported: ${problems.join(' | ')}`);
  console.log(`browser check: dashboard and yearly page ok (${requests.length} requests, all to ${origin.host})`);
} catch (error) {
  fail(error.stack ?? String(error));
} finally {
  await browser.close();
}
