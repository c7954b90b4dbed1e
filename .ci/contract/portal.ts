// A portal's use of the generated operation types (generated/portal.ts), type-checked in CI with
// `tsc --strict` (tsconfig.json): it reads nested and nullable fields the way a ministry or
// university portal does. No casts, non-null assertions, `any` or `@ts-` comments (no-casts.mjs
// refuses them): if the schema made a field wider or nullable, this file stops compiling.
import type {
  AuditTrailQuery,
  AuditTrailQueryVariables,
  CreateOpdrachtMutation,
  CreateOpdrachtMutationVariables,
  MeQuery,
  MeQueryVariables,
  OpdrachtFilter,
  OpdrachtRegelFragment,
  OpdrachtStatus,
  OpdrachtSyncInput,
  OpdrachtenQuery,
  OpdrachtenQueryVariables,
  OrganisatieDashboardQuery,
  OrganisatieDashboardQueryVariables,
  RecordDetailQuery,
  RecordDetailQueryVariables,
  StatistiekenQuery,
  StatistiekenQueryVariables,
  SyncDryRunMutation,
  SyncDryRunMutationVariables,
  ThemasQuery,
  ThemasQueryVariables,
  UpdateOpdrachtMutation,
  UpdateOpdrachtMutationVariables,
  WijzigingenQuery,
  WijzigingenQueryVariables,
} from './generated/portal';

/** The portal's transport: sends the named operation with its variables, returns `data`. */
declare function request<TData, TVariables>(operation: string, variables: TVariables): Promise<TData>;

const statusLabel: Partial<Record<OpdrachtStatus, string>> = {
  IN_VOORBEREIDING: 'In voorbereiding',
  IN_UITVOERING: 'In uitvoering',
  AFGEROND: 'Afgerond',
};

/** The page header: the organisation the caller acts for, and whether they may edit. */
export async function kop(): Promise<string> {
  const { me } = await request<MeQuery, MeQueryVariables>('Me', {});
  const organisatie = me.organisatie?.afkorting ?? me.organisatie?.naam ?? 'anoniem';
  const bewerkt = me.rol === 'BEHEERDER' || me.rol === 'MEDEWERKER';
  return `${me.subject ?? 'gast'} (${organisatie})${bewerkt ? ' ✎' : ''}`;
}

/** One row of the opdrachten table: the opdrachtgever is a rijkspartner, the uitvoerders are
 * kennisinstellingen, so their keys are there without narrowing. */
export function regel(opdracht: OpdrachtRegelFragment): string[] {
  return [
    opdracht.naam,
    statusLabel[opdracht.opdrachtStatus] ?? opdracht.opdrachtStatus,
    `${opdracht.opdrachtgever.afkorting ?? opdracht.opdrachtgever.naam} (${opdracht.opdrachtgever.oin})`,
    opdracht.uitvoerders.map((instelling) => instelling.schacHome).join(', '),
    opdracht.regio ?? 'geen regio',
    opdracht.onderwijssoort ?? '',
    opdracht.startdatum ?? '',
    (opdracht.themas ?? []).map((thema) => thema.naam).join(', '),
    opdracht.volledig ? '' : 'beperkt zichtbaar',
  ];
}

/** Every opdracht of a filter, page by page with `after: endCursor`. */
export async function alleOpdrachten(filter: OpdrachtFilter): Promise<string[][]> {
  const rows: string[][] = [];
  let after: string | null = null;
  for (;;) {
    const page: OpdrachtenQuery = await request<OpdrachtenQuery, OpdrachtenQueryVariables>(
      'Opdrachten',
      { filter, orderBy: { veld: 'STARTDATUM', richting: 'DESC' }, first: 100, after },
    );
    rows.push(...page.opdrachten.edges.map((edge) => regel(edge.node)));
    const { hasNextPage, endCursor } = page.opdrachten.pageInfo;
    if (!hasNextPage || endCursor === null) return rows;
    after = endCursor;
  }
}

export const lopendInHetNoorden: OpdrachtFilter = {
  opdrachtStatus: ['IN_VOORBEREIDING', 'IN_UITVOERING'],
  regio: ['NOORD'],
  themas: ['DATA_AI'],
  startdatumVanaf: '2024-01-01',
};

/** The title and subtitle of a detail page, for any record type behind `node(id:)`. */
export async function detail(id: string): Promise<[string, string]> {
  const { node } = await request<RecordDetailQuery, RecordDetailQueryVariables>('RecordDetail', { id });
  if (node === null) return ['Niet gevonden', ''];
  switch (node.__typename) {
    case 'Fieldlab': {
      const kennispartners = (node.deelnemers ?? [])
        .filter((deelnemer) => deelnemer.deelnemerRol === 'KENNISPARTNER')
        .map((deelnemer) => deelnemer.organisatie?.naam ?? '');
      return [node.naam, `${node.regios.join('/')} · ${node.penvoerder?.naam ?? ''} · ${kennispartners.join(', ')}`];
    }
    case 'Opdracht':
      return [node.naam, `${node.eigenaar.naam} voor ${node.opdrachtgever.naam}, ${node.fieldlab?.naam ?? ''}`];
    case 'Lectoraat':
      return [node.naam, `${node.lectoraatSoort} · ${node.instelling?.schacHome ?? ''} · ${node.fieldlabs?.length ?? 0} fieldlabs`];
    case 'Minor':
      return [node.naam, `${node.minorSoort} · ${node.instelling?.naam ?? ''} · ${node.opdrachten.totalCount} opdrachten`];
    case 'Community':
      return [node.naam, node.volledig ? `${node.leden?.length ?? 0} leden` : 'alleen voor leden'];
    case 'Rijkspartner':
      return [node.naam, `${node.oin} · ${node.moederorganisatie?.naam ?? ''} · ${node.opdrachten.totalCount} opdrachten`];
    case 'Kennisinstelling':
      return [node.naam, `${node.schacHome} · ${node.onderwijssoort ?? ''} · ${node.lectoraten?.length ?? 0} lectoraten`];
    default:
      return [node.__typename, node.id];
  }
}

/** An organisation's dashboard: counts of what every organisation has, and its natural key. */
export async function dashboard(sleutel: string): Promise<Record<string, string | number>> {
  const { organisatie } = await request<OrganisatieDashboardQuery, OrganisatieDashboardQueryVariables>(
    'OrganisatieDashboard',
    { sleutel, filter: { opdrachtStatus: ['IN_UITVOERING'] } },
  );
  const sleutelVeld =
    organisatie.__typename === 'Rijkspartner'
      ? organisatie.oin
      : organisatie.__typename === 'Kennisinstelling'
        ? organisatie.schacHome
        : organisatie.id;
  return {
    naam: organisatie.naam,
    sleutel: sleutelVeld,
    fieldlabs: organisatie.fieldlabs?.length ?? 0,
    lectoraten: organisatie.lectoraten?.length ?? 0,
    minoren: organisatie.minoren.length,
    communities: organisatie.communities.length,
    lopendeOpdrachten: organisatie.opdrachten.totalCount,
    contact: organisatie.contactpersoon?.email ?? '',
  };
}

/** The infographic's figures; every status and every year is listed, also with 0. */
export async function infographic(filter: OpdrachtFilter): Promise<string[]> {
  const { statistieken } = await request<StatistiekenQuery, StatistiekenQueryVariables>('Statistieken', { filter });
  const afgerond = statistieken.perStatus.find((s) => s.opdrachtStatus === 'AFGEROND')?.aantal ?? 0;
  const hbo = statistieken.perOnderwijssoort.find((o) => o.onderwijssoort === 'HBO')?.percentage ?? 0;
  const stages = statistieken.perSoort.find((s) => s.opdrachtSoort === 'STAGE')?.aantal ?? 0;
  const topThema = statistieken.perThema[0]?.thema.naamEn ?? '';
  const verloop = statistieken.verloop.map((jaar) => `${jaar.jaar}: ${jaar.aantal}`).join(' · ');
  return [
    `${statistieken.aantalOpdrachten} opdrachten (${afgerond} afgerond, ${stages} stages, ${hbo}% HBO)`,
    `${statistieken.aantalStudenten} studenten, ${statistieken.aantalStudentenInStage} in een stage`,
    `${statistieken.aantalActieveFieldlabs} van ${statistieken.aantalFieldlabs} fieldlabs actief`,
    `${statistieken.aantalRijkspartners} rijkspartners, ${statistieken.aantalKennisinstellingen} kennisinstellingen`,
    topThema,
    verloop,
  ];
}

type FeedRecord = NonNullable<WijzigingenQuery['wijzigingen']['wijzigingen'][number]['record']>;

/** Brings the portal's copy of the records up to date from the change feed; returns the cursor
 * to start from next time. */
export async function bijwerken(copy: Map<string, FeedRecord>, after: string | null): Promise<string | null> {
  let cursor = after;
  for (;;) {
    const { wijzigingen: feed } = await request<WijzigingenQuery, WijzigingenQueryVariables>('Wijzigingen', {
      after: cursor,
      recordTypes: ['OPDRACHT', 'FIELDLAB', 'ORGANISATIE'],
    });
    for (const wijziging of feed.wijzigingen) {
      if (wijziging.verwijderd || wijziging.record === null) copy.delete(wijziging.recordId);
      else copy.set(wijziging.recordId, wijziging.record);
    }
    cursor = feed.endCursor;
    if (!feed.hasNextPage) return cursor;
  }
}

/** The theme picker's options. */
export async function themaOpties(engels: boolean): Promise<Array<[string, string]>> {
  const { themas } = await request<ThemasQuery, ThemasQueryVariables>('Themas', {});
  return themas.map((thema) => [thema.code, engels ? thema.naamEn : thema.naam]);
}

/** The history tab: one line per changed field. */
export async function geschiedenis(record: string): Promise<string[]> {
  const { auditTrail } = await request<AuditTrailQuery, AuditTrailQueryVariables>('AuditTrail', { record });
  return auditTrail.edges.flatMap(({ node }) =>
    node.veldwijzigingen.map(
      (veld) =>
        `${node.tijdstip} ${node.actor} (${node.actorRol ?? '?'}, ${node.actorOrganisatie?.naam ?? ''}): ` +
        `${veld.veld} ${veld.voor ?? '∅'} → ${veld.na ?? '∅'}`,
    ),
  );
}

/** The "new opdracht" form, then a status change that sends only the changed field. */
export async function nieuweOpdracht(opdrachtgever: string, uitvoerder: string): Promise<number> {
  const { createOpdracht } = await request<CreateOpdrachtMutation, CreateOpdrachtMutationVariables>('CreateOpdracht', {
    input: {
      naam: 'Datagedreven toezicht',
      opdrachtSoort: 'AFSTUDEEROPDRACHT',
      opdrachtgever,
      uitvoerders: [uitvoerder],
      themas: ['DATA_AI'],
      regio: 'MIDDEN',
      startdatum: '2026-02-01',
      contactpersoon: { naam: 'J. Jansen', email: 'j.jansen@example.nl' },
    },
  });
  const { updateOpdracht } = await request<UpdateOpdrachtMutation, UpdateOpdrachtMutationVariables>('UpdateOpdracht', {
    id: createOpdracht.id,
    versie: createOpdracht.versie,
    input: { opdrachtStatus: 'IN_UITVOERING' },
  });
  return updateOpdracht.versie;
}

/** The upload page: a dry run of an export, with what would be rejected and why. */
export async function proefSync(bron: string, csvRegels: OpdrachtSyncInput[]): Promise<string[]> {
  const { syncOpdrachten } = await request<SyncDryRunMutation, SyncDryRunMutationVariables>('SyncDryRun', {
    input: { bron, opdrachten: csvRegels, dryRun: true, modus: 'PER_ITEM' },
  });
  const { created, updated, unchanged, rejected } = syncOpdrachten.totalen;
  const problemen = syncOpdrachten.items.flatMap((item) => [
    ...item.errors.map((p) => `${item.externId}: ${p.field}: ${p.message}`),
    ...item.warnings.map((p) => `${item.externId} (${item.opdracht ?? 'nieuw'}): ${p.field}: ${p.message}`),
  ]);
  return [`${created} nieuw, ${updated} gewijzigd, ${unchanged} ongewijzigd, ${rejected} afgewezen`, ...problemen];
}
