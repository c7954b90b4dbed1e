// The dashboard: the figures of `statistieken` for the caller's scope, drawn with Chart.js,
// each chart with a table beside it, updated live through the subscription `wijzigingen`.
// The token is kept in this module's memory only: never in storage, a cookie or the URL.
import provincies from './nl-provincies.js';

const TEKST = {
  nl: {
    skip: 'Naar de inhoud', title: 'I-Partnerschap in cijfers', other: 'English', otherLang: 'en',
    scopePublic: 'Openbare cijfers: meld u aan met een token voor de cijfers van uw organisatie.',
    scopeOf: (rol, org) => `Cijfers zoals ${org} (${rol}) ze mag zien.`,
    tokenLabel: 'Token (blijft alleen in dit venster)', signIn: 'Aanmelden', signOut: 'Afmelden',
    badToken: 'Dit token wordt niet geaccepteerd: ', expired: 'Het token is verlopen; meld u opnieuw aan.',
    filters: 'Filter', year: 'Jaar', allYears: 'Alle jaren', region: 'Regio', allRegions: "Alle regio's",
    theme: 'Thema', allThemes: "Alle thema's", csv: 'Cijfers als CSV', totals: 'Totalen',
    perEducation: 'Opdrachten per onderwijssoort', education: 'Onderwijssoort', count: 'Aantal',
    share: 'Aandeel', perStatus: 'Opdrachten per status', status: 'Status', trend: 'Verloop per jaar',
    perTheme: 'Opdrachten per thema', perRegion: 'Opdrachten per regio', provinces: 'Provincies',
    map: 'Kaart van Nederland met de opdrachten per regio', fieldlabs: 'Fieldlabs en hun partners',
    fieldlab: 'Fieldlab', lead: 'Penvoerder', partners: 'Partners', published: 'Gepubliceerde jaarcijfers',
    noneYet: 'Nog geen jaar gepubliceerd.', publishedOn: (jaar, op) => `${jaar} (gepubliceerd ${op}): afdrukbaar jaaroverzicht`,
    hidden: 'niet zichtbaar', live: (tijd) => `Live: bijgewerkt om ${tijd}`, offline: 'Live-verbinding verbroken; opnieuw verbinden…',
    footer: 'Kaart: @svg-maps/netherlands (CC BY 4.0, naar MapSVG). Grafieken: Chart.js.',
    chartOf: (titel, delen) => `${titel}: ${delen}`, unknown: 'Onbekend',
    totaal: {
      aantalRijkspartners: 'Rijkspartners', aantalKennisinstellingen: 'Kennisinstellingen',
      aantalFieldlabs: 'Fieldlabs', aantalCommunities: 'Communities', aantalOpdrachten: 'Opdrachten',
      aantalStudenten: 'Studenten', stages: 'Stages', belegd: 'Vraagstukken belegd',
      aantalPromotietrajecten: 'Promovendi',
    },
    statussen: { IN_VOORBEREIDING: 'In voorbereiding', IN_UITVOERING: 'In uitvoering', AFGEROND: 'Afgerond', ONBEKEND: 'Onbekend' },
    regios: { NOORD: 'Noord', OOST: 'Oost', MIDDEN: 'Midden', WEST: 'West', ZUID: 'Zuid' },
  },
  en: {
    skip: 'Skip to content', title: 'I-Partnerschap in figures', other: 'Nederlands', otherLang: 'nl',
    scopePublic: 'Public figures: sign in with a token for the figures of your organisation.',
    scopeOf: (rol, org) => `Figures as ${org} (${rol}) may see them.`,
    tokenLabel: 'Token (kept in this window only)', signIn: 'Sign in', signOut: 'Sign out',
    badToken: 'This token is not accepted: ', expired: 'The token has expired; sign in again.',
    filters: 'Filter', year: 'Year', allYears: 'All years', region: 'Region', allRegions: 'All regions',
    theme: 'Theme', allThemes: 'All themes', csv: 'Figures as CSV', totals: 'Totals',
    perEducation: 'Assignments per kind of education', education: 'Kind of education', count: 'Number',
    share: 'Share', perStatus: 'Assignments per status', status: 'Status', trend: 'Assignments per year',
    perTheme: 'Assignments per theme', perRegion: 'Assignments per region', provinces: 'Provinces',
    map: 'Map of the Netherlands with the assignments per region', fieldlabs: 'Field labs and their partners',
    fieldlab: 'Field lab', lead: 'Lead partner', partners: 'Partners', published: 'Published yearly figures',
    noneYet: 'No year published yet.', publishedOn: (jaar, op) => `${jaar} (published ${op}): printable yearly report`,
    hidden: 'not visible', live: (tijd) => `Live: updated at ${tijd}`, offline: 'Live connection lost; reconnecting…',
    footer: 'Map: @svg-maps/netherlands (CC BY 4.0, after MapSVG). Charts: Chart.js.',
    chartOf: (titel, delen) => `${titel}: ${delen}`, unknown: 'Unknown',
    totaal: {
      aantalRijkspartners: 'Government partners', aantalKennisinstellingen: 'Knowledge institutions',
      aantalFieldlabs: 'Field labs', aantalCommunities: 'Communities', aantalOpdrachten: 'Assignments',
      aantalStudenten: 'Students', stages: 'Internships', belegd: 'Questions matched',
      aantalPromotietrajecten: 'PhD candidates',
    },
    statussen: { IN_VOORBEREIDING: 'In preparation', IN_UITVOERING: 'In progress', AFGEROND: 'Completed', ONBEKEND: 'Unknown' },
    regios: { NOORD: 'North', OOST: 'East', MIDDEN: 'Central', WEST: 'West', ZUID: 'South' },
  },
};

// The partnership's regions by province (docs/glossary.md).
const REGIO_VAN = {
  gr: 'NOORD', fr: 'NOORD', dr: 'NOORD', ov: 'OOST', ge: 'OOST', ut: 'MIDDEN', fl: 'MIDDEN',
  nh: 'WEST', zh: 'WEST', ze: 'ZUID', nb: 'ZUID', li: 'ZUID',
};
const REGIOS = ['NOORD', 'OOST', 'MIDDEN', 'WEST', 'ZUID'];
const KLEUREN = ['#01689b', '#154273', '#e17000', '#39870c', '#a90061', '#673327', '#42145f', '#007bc7'];
const SCHAAL = ['#e6eff5', '#b3cfe0', '#6fa3c4', '#2f77a3', '#154273'];
const TOTALEN = ['aantalRijkspartners', 'aantalKennisinstellingen', 'aantalFieldlabs', 'aantalCommunities',
  'aantalOpdrachten', 'aantalStudenten', 'stages', 'belegd', 'aantalPromotietrajecten'];

const CIJFERS = `query($filter: OpdrachtFilter, $jaar: Int, $labs: FieldlabFilter) {
  me { ingelogd rol organisatie { naam } }
  statistieken(filter: $filter, jaar: $jaar) {
    aantalOpdrachten aantalStudenten aantalRijkspartners aantalKennisinstellingen aantalFieldlabs
    aantalCommunities aantalPromotietrajecten
    perStatus { opdrachtStatus aantal } perOnderwijssoort { onderwijssoort aantal percentage }
    perSoort { opdrachtSoort aantal } perThema { thema { code naam } aantal }
    verloop { jaar aantal } perRegio { regio aantal } vraagstukken { belegd } }
  fieldlabs(first: 100, filter: $labs) { nodes { naam regios penvoerder { naam } deelnemers { organisatie { naam } } } } }`;

let taal = 'nl';
let token = null;
let live = null;
let laatste = null;
let verversen = null;
const grafieken = {};

const $ = (id) => document.getElementById(id);
const t = (sleutel) => TEKST[taal][sleutel];
const getal = (n) => n.toLocaleString(taal === 'nl' ? 'nl-NL' : 'en-GB');

async function vraag(query, variables = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const antwoord = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await antwoord.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

function filterWaarden() {
  const regio = $('regio').value;
  const thema = $('thema').value;
  const filter = {};
  const labs = {};
  if (regio) { filter.regio = [regio]; labs.regios = [regio]; }
  if (thema) { filter.themas = [thema]; labs.themas = [thema]; }
  const jaar = $('jaar').value ? Number($('jaar').value) : null;
  return { filter, jaar, labs };
}

function element(naam, tekst, klasse) {
  const el = document.createElement(naam);
  if (tekst !== undefined) el.textContent = tekst;
  if (klasse) el.className = klasse;
  return el;
}

function vulTabel(id, rijen) {
  const body = $(id).querySelector('tbody');
  body.replaceChildren(...rijen.map((cellen) => {
    const tr = document.createElement('tr');
    cellen.forEach((cel) => tr.append(element('td', String(cel), typeof cel === 'number' ? 'getal' : undefined)));
    return tr;
  }));
}

function teken(id, soort, labels, waarden, titel) {
  grafieken[id]?.destroy();
  const canvas = $(id);
  const delen = labels.map((l, i) => `${l} ${getal(waarden[i])}`).join(', ');
  canvas.setAttribute('aria-label', t('chartOf')(titel, delen));
  const kleuren = soort === 'doughnut' ? KLEUREN.slice(0, labels.length) : KLEUREN[0];
  grafieken[id] = new window.Chart(canvas, {
    type: soort === 'bar-h' ? 'bar' : soort,
    data: { labels, datasets: [{ label: titel, data: waarden, backgroundColor: kleuren, borderColor: KLEUREN[1] }] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      indexAxis: soort === 'bar-h' ? 'y' : 'x',
      scales: soort === 'doughnut' ? {} : { x: { beginAtZero: true }, y: { beginAtZero: true } },
      plugins: { legend: { display: soort === 'doughnut' } },
    },
  });
}

function toonTotalen(s) {
  const waarden = {
    ...s,
    stages: s.perSoort.find((p) => p.opdrachtSoort === 'STAGE')?.aantal ?? 0,
    belegd: s.vraagstukken.belegd,
  };
  $('totalen').replaceChildren(...TOTALEN.map((sleutel) => {
    const blok = document.createElement('div');
    const dd = element('dd', getal(waarden[sleutel]));
    dd.dataset.figure = sleutel;
    blok.append(element('dt', t('totaal')[sleutel]), dd);
    return blok;
  }));
}

function toonGrafieken(s) {
  const soorten = s.perOnderwijssoort;
  teken('onderwijssoort-grafiek', 'doughnut', soorten.map((o) => o.onderwijssoort), soorten.map((o) => o.aantal), t('perEducation'));
  vulTabel('onderwijssoort-tabel', soorten.map((o) => [o.onderwijssoort, o.aantal, `${Math.round(o.percentage)}%`]));
  const statussen = s.perStatus.map((p) => t('statussen')[p.opdrachtStatus] ?? p.opdrachtStatus);
  teken('status-grafiek', 'bar', statussen, s.perStatus.map((p) => p.aantal), t('perStatus'));
  vulTabel('status-tabel', s.perStatus.map((p, i) => [statussen[i], p.aantal]));
  teken('verloop-grafiek', 'line', s.verloop.map((v) => String(v.jaar)), s.verloop.map((v) => v.aantal), t('trend'));
  vulTabel('verloop-tabel', s.verloop.map((v) => [String(v.jaar), v.aantal]));
  teken('thema-grafiek', 'bar-h', s.perThema.map((p) => p.thema.naam), s.perThema.map((p) => p.aantal), t('perTheme'));
  vulTabel('thema-tabel', s.perThema.map((p) => [p.thema.naam, p.aantal]));
}

function toonRegios(s) {
  const per = Object.fromEntries(s.perRegio.map((r) => [r.regio ?? 'ONBEKEND', r.aantal]));
  const namen = REGIOS.map((r) => t('regios')[r]);
  teken('regio-grafiek', 'bar', namen, REGIOS.map((r) => per[r] ?? 0), t('perRegion'));
  const provinciesVan = (regio) => provincies.locations.filter((p) => REGIO_VAN[p.id] === regio).map((p) => p.name).join(', ');
  const rijen = REGIOS.map((r, i) => [namen[i], provinciesVan(r), per[r] ?? 0]);
  if (per.ONBEKEND) rijen.push([t('unknown'), '', per.ONBEKEND]);
  vulTabel('regio-tabel', rijen);
  const hoogste = Math.max(1, ...REGIOS.map((r) => per[r] ?? 0));
  const kaart = $('kaart');
  kaart.querySelectorAll('path').forEach((p) => p.remove());
  for (const provincie of provincies.locations) {
    const regio = REGIO_VAN[provincie.id];
    const aantal = per[regio] ?? 0;
    const pad = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    pad.setAttribute('d', provincie.path);
    pad.setAttribute('fill', SCHAAL[Math.min(4, Math.floor((aantal / hoogste) * 4.999))]);
    const titel = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    titel.textContent = `${provincie.name} (${t('regios')[regio]}): ${getal(aantal)}`;
    pad.append(titel);
    kaart.append(pad);
  }
}

function toonFieldlabs(labs) {
  vulTabel('fieldlabs-tabel', labs.nodes.map((lab) => [
    lab.naam,
    lab.regios.map((r) => t('regios')[r]).join(', '),
    lab.penvoerder?.naam ?? '',
    lab.deelnemers === null ? t('hidden') : lab.deelnemers.map((d) => d.organisatie?.naam).filter(Boolean).join(', '),
  ]));
}

function toonBereik(me) {
  $('bereik').textContent = me.ingelogd ? t('scopeOf')(me.rol.toLowerCase(), me.organisatie?.naam ?? '') : t('scopePublic');
  $('afmelden').hidden = !me.ingelogd;
}

function toon() {
  if (!laatste) return;
  toonBereik(laatste.me);
  toonTotalen(laatste.statistieken);
  toonGrafieken(laatste.statistieken);
  toonRegios(laatste.statistieken);
  toonFieldlabs(laatste.fieldlabs);
}

let verzoeken = 0;

async function ververs() {
  // Only the newest request counts: an older one (another filter, the token before signing
  // out) that answers later is dropped.
  verzoeken += 1;
  const dit = verzoeken;
  try {
    const antwoord = await vraag(CIJFERS, filterWaarden());
    if (dit !== verzoeken) return;
    laatste = antwoord;
    toon();
    document.body.dataset.geladen = String(Number(document.body.dataset.geladen ?? 0) + 1);
  } catch (fout) {
    if (dit === verzoeken) $('melding').textContent = fout.message;
  }
}

function straksVerversen() {
  clearTimeout(verversen);
  verversen = setTimeout(async () => {
    await ververs();
    $('live').textContent = t('live')(new Date().toLocaleTimeString(taal === 'nl' ? 'nl-NL' : 'en-GB'));
  }, 250);
}

function verbindLive() {
  live?.dispose();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  let eerder = false;
  live = window.graphqlWs.createClient({
    url,
    connectionParams: () => (token ? { Authorization: `Bearer ${token}` } : {}),
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connected: () => { if (eerder) straksVerversen(); eerder = true; },
      closed: (event) => {
        if (event?.code === 4403 && token) { $('melding').textContent = t('expired'); afmelden(); return; }
        $('live').textContent = t('offline');
      },
    },
  });
  // One event per batch of changes (up to 500): the page only needs to know that it changed.
  const query = 'subscription { wijzigingen(vanafNu: true, first: 500) { wijzigingen { recordType } } }';
  live.subscribe({ query }, {
    next: (event) => {
      if (event.data?.wijzigingen.wijzigingen.length) straksVerversen();
      else $('live').textContent = t('live')(new Date().toLocaleTimeString(taal === 'nl' ? 'nl-NL' : 'en-GB'));
    },
    error: () => { $('live').textContent = t('offline'); },
    complete: () => {},
  });
}

async function aanmelden(event) {
  event.preventDefault();
  const invoer = $('token').value.trim();
  $('token').value = '';
  $('melding').textContent = '';
  if (!invoer) return;
  const vorig = token;
  token = invoer;
  try {
    const { me } = await vraag('{ me { ingelogd } }');
    if (!me.ingelogd) throw new Error('?');
  } catch (fout) {
    token = vorig;
    $('melding').textContent = t('badToken') + fout.message;
    return;
  }
  verbindLive();
  await ververs();
}

function afmelden() {
  token = null;
  verbindLive();
  ververs();
}

async function jaarcijfers() {
  const nu = new Date().getFullYear();
  const jaren = [];
  for (let jaar = 2020; jaar <= nu; jaar += 1) jaren.push(jaar);
  const query = `{ ${jaren.map((j) => `j${j}: jaarcijfers(jaar: ${j}) { jaar gepubliceerd gepubliceerdOp }`).join(' ')} }`;
  const data = await vraag(query);
  const gepubliceerd = Object.values(data).filter((j) => j?.gepubliceerd);
  const lijst = $('jaarcijfers');
  if (!gepubliceerd.length) { lijst.replaceChildren(element('li', t('noneYet'))); return; }
  lijst.replaceChildren(...gepubliceerd.map((j) => {
    const li = document.createElement('li');
    const a = element('a', t('publishedOn')(j.jaar, j.gepubliceerdOp.slice(0, 10)));
    a.href = `/jaarcijfers/${j.jaar}${taal === 'en' ? '?taal=en' : ''}`;
    li.append(a);
    return li;
  }));
}

async function csv() {
  const { filter, jaar } = filterWaarden();
  const params = new URLSearchParams();
  if (jaar) params.set('jaar', jaar);
  if (filter.regio) params.set('regio', filter.regio.join(','));
  if (filter.themas) params.set('thema', filter.themas.join(','));
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const antwoord = await fetch(`/statistieken.csv?${params}`, { headers });
  if (!antwoord.ok) {
    const body = await antwoord.json().catch(() => ({}));
    throw new Error(body.errors?.[0]?.message ?? `HTTP ${antwoord.status}`);
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await antwoord.blob());
  a.download = `statistieken${jaar ? `-${jaar}` : ''}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function vertaal() {
  document.documentElement.lang = taal;
  document.title = t('title');
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $('taal').textContent = t('other');
  $('taal').lang = t('otherLang');
  for (const r of REGIOS) {
    const optie = $('regio').querySelector(`option[value="${r}"]`);
    if (optie) optie.textContent = t('regios')[r];
  }
  toon();
  jaarcijfers().catch(() => {});
}

async function opties() {
  const nu = new Date().getFullYear();
  for (let jaar = nu; jaar >= 2020; jaar -= 1) {
    $('jaar').append(new Option(String(jaar), String(jaar)));
  }
  for (const r of REGIOS) $('regio').append(new Option(t('regios')[r], r));
  const { themas } = await vraag('{ themas { code naam } }');
  for (const thema of themas) $('thema').append(new Option(thema.naam, thema.code));
}

async function start() {
  $('aanmelden').addEventListener('submit', aanmelden);
  $('afmelden').addEventListener('click', afmelden);
  $('taal').addEventListener('click', () => { taal = t('otherLang'); vertaal(); });
  $('csv').addEventListener('click', () => { csv().catch((f) => { $('melding').textContent = f.message; }); });
  for (const id of ['jaar', 'regio', 'thema']) $(id).addEventListener('change', ververs);
  await opties();
  verbindLive();
  await ververs();
  await jaarcijfers();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
