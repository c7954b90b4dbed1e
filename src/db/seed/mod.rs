//! Demo data: loads the records of [`data`] and the generated opdrachten of [`opdrachten`].
//!
//! Loading is idempotent: every record is looked up by its natural key (OIN, schacHome,
//! fieldlab name, owner and name, owner and `extern_id`) and only what is missing is inserted,
//! all in one transaction. Running it twice, or on a database that already has some of the
//! records, gives the same result.
//!
//! ## Why the seed does not write through a write session
//!
//! Every change of data goes through [`Scope::write_session`](crate::db::Scope::write_session), the write session
//! with its lock, access checks and change log, with one exception: this loader, which inserts
//! with the entities directly, in its own transaction. Going through a session would not load
//! the same data:
//!
//! - **Fixed dates.** A session stamps `aangemaakt_op` and `gewijzigd_op` with the moment of
//!   the write ([`WriteSession::create`](crate::db::WriteSession::create)). The demo records carry
//!   fixed dates instead (organisations 2020, fieldlabs 2021, opdrachten the year of their
//!   `startdatum`), so that two loads, on any day, give the same records and the demo's
//!   history looks like one; a session cannot be told another moment without changing it.
//! - **No change log of its own.** The demo data is the starting state, not a change someone
//!   made: with a session, the change feed of a demo database would begin with some 670
//!   "created" entries of a programme office that created nothing, which every reader of the
//!   feed would have to page through.
//! - **Speed.** A session's create reads the record back with its links for the log entry's
//!   snapshot, one record at a time: for 548 opdrachten that is thousands of statements more
//!   for `seed --demo`, `serve --demo` and every test that starts with the demo data.
//!
//! What a session would check holds here by construction: the data is fixed and valid (names
//! pass the name rule through the entities' save hook, see [`crate::domain::naam`]), every
//! owner is of a kind that may own its record type, and the one transaction means a failed
//! load changes nothing. The writers' lock is not taken: `serve --demo` loads before it serves,
//! and the load writes no change-log entries, whose order is what the lock protects; a record
//! that a running server inserts meanwhile under the same natural key makes the load fail on
//! the unique index (nothing is loaded; run it again) rather than duplicate it.

pub mod data;
mod generated;
mod makelaars;
pub mod opdrachten;
mod programma;
mod vraagstukken;

use super::Database;
use super::entities::koppelingen::{
    community_lid, community_thema, fieldlab_deelnemer, fieldlab_regio, fieldlab_thema,
    lectoraat_fieldlab, lectoraat_partner, lectoraat_thema, minor_partner, minor_thema,
    opdracht_thema, opdracht_uitvoerder,
};
use super::entities::{community, fieldlab, lectoraat, minor, opdracht, organisatie};
use crate::domain::{Onderwijssoort, OrganisatieSoort, Regio};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// How many records a load inserted (zero everywhere on a second load).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub organisaties: usize,
    pub fieldlabs: usize,
    pub lectoraten: usize,
    pub minoren: usize,
    pub communities: usize,
    pub opdrachten: usize,
    pub vraagstukken: usize,
    pub promotietrajecten: usize,
    pub bijeenkomsten: usize,
    pub kennismakelaars: usize,
}

impl SeedReport {
    pub fn total(&self) -> usize {
        self.organisaties
            + self.fieldlabs
            + self.lectoraten
            + self.minoren
            + self.communities
            + self.opdrachten
            + self.vraagstukken
            + self.promotietrajecten
            + self.kennismakelaars
            + self.bijeenkomsten
    }
}

fn moment(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .expect("valid demo timestamp")
}

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// Organisation ids by the keys the data file uses (afkorting or schacHome).
struct Organisaties {
    ids: HashMap<&'static str, i32>,
    regio: HashMap<i32, Regio>,
    programmabureau: i32,
}

impl Organisaties {
    fn id(&self, key: &str) -> Result<i32, DbErr> {
        self.ids
            .get(key)
            .copied()
            .ok_or_else(|| DbErr::Custom(format!("demo data names unknown organisation {key}")))
    }
}

impl Database {
    /// Loads the demo data (what is missing of it) in one transaction.
    pub async fn seed_demo(&self) -> Result<SeedReport, DbErr> {
        let txn = self.conn.begin().await?;
        let mut report = SeedReport::default();
        let orgs = organisaties(&txn, &mut report).await?;
        let labs = fieldlabs(&txn, &orgs, &mut report).await?;
        lectoraten(&txn, &orgs, &labs, &mut report).await?;
        minoren(&txn, &orgs, &mut report).await?;
        communities(&txn, &orgs, &mut report).await?;
        load_opdrachten(&txn, &orgs, &labs, &mut report).await?;
        let duos = makelaars::load(&txn, &orgs.ids, &mut report).await?;
        vraagstukken::load(&txn, &orgs.ids, &duos, &mut report).await?;
        programma::load(&txn, &orgs.ids, orgs.programmabureau, &mut report).await?;
        txn.commit().await?;
        Ok(report)
    }
}

/// The organisations: the rijkspartners (with their parent organisations) and the
/// kennisinstellingen of the data file, and the programme office the migrations created.
async fn organisaties(
    txn: &DatabaseTransaction,
    report: &mut SeedReport,
) -> Result<Organisaties, DbErr> {
    let existing = organisatie::Entity::find().all(txn).await?;
    let by_oin: HashMap<String, i32> = existing
        .iter()
        .filter_map(|o| o.oin.clone().map(|k| (k, o.id)))
        .collect();
    let by_schac: HashMap<String, i32> = existing
        .iter()
        .filter_map(|o| o.schac_home.clone().map(|k| (k, o.id)))
        .collect();
    let programmabureau = existing
        .iter()
        .find(|o| o.soort == OrganisatieSoort::Programmabureau)
        .map(|o| o.id)
        .ok_or_else(|| DbErr::Custom("the programme office is missing".into()))?;
    let mut orgs = Organisaties {
        ids: HashMap::new(),
        regio: HashMap::new(),
        programmabureau,
    };
    let ts = moment(2020, 6, 1);
    rijkspartners(txn, &by_oin, ts, &mut orgs, report).await?;
    kennisinstellingen(txn, &by_schac, ts, &mut orgs, report).await?;
    Ok(orgs)
}

/// The rijkspartners that are missing (looked up by OIN), then the parent organisations of
/// the inserted ones (which may come later in the list).
async fn rijkspartners(
    txn: &DatabaseTransaction,
    by_oin: &HashMap<String, i32>,
    ts: DateTime<Utc>,
    orgs: &mut Organisaties,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    let mut added = Vec::new();
    for (n, rp) in data::RIJKSPARTNERS.iter().enumerate() {
        let oin = data::demo_oin(n + 1);
        let id = match by_oin.get(&oin) {
            Some(id) => *id,
            None => {
                let id = insert_rijkspartner(txn, rp, oin, ts).await?;
                report.organisaties += 1;
                added.push((id, rp.parent));
                id
            }
        };
        orgs.ids.insert(rp.afkorting, id);
        orgs.regio.insert(id, rp.regio);
    }
    for (id, parent) in added {
        if let Some(parent) = parent {
            organisatie::ActiveModel {
                id: Set(id),
                parent_id: Set(Some(orgs.id(parent)?)),
                ..Default::default()
            }
            .update(txn)
            .await?;
        }
    }
    Ok(())
}

async fn insert_rijkspartner(
    txn: &DatabaseTransaction,
    rp: &data::Rijkspartner,
    oin: String,
    ts: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(organisatie::ActiveModel {
        soort: Set(OrganisatieSoort::Rijkspartner),
        naam: Set(rp.naam.into()),
        afkorting: Set(Some(rp.afkorting.into())),
        oin: Set(Some(oin)),
        rijkspartner_soort: Set(Some(rp.soort)),
        regio: Set(Some(rp.regio)),
        website: Set(Some(rp.website.into())),
        contactpersoon_naam: Set(Some(format!("Contactpersoon {}", rp.afkorting))),
        contactpersoon_email: Set(Some(format!(
            "i-partnerschap@{}.example",
            rp.afkorting.to_lowercase()
        ))),
        aangemaakt_op: Set(ts),
        gewijzigd_op: Set(ts),
        versie: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?
    .id)
}

/// The kennisinstellingen that are missing (looked up by schacHome).
async fn kennisinstellingen(
    txn: &DatabaseTransaction,
    by_schac: &HashMap<String, i32>,
    ts: DateTime<Utc>,
    orgs: &mut Organisaties,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    for (n, ki) in data::KENNISINSTELLINGEN.iter().enumerate() {
        let id = match by_schac.get(ki.schac_home) {
            Some(id) => *id,
            None => {
                report.organisaties += 1;
                insert_kennisinstelling(txn, ki, n, ts).await?
            }
        };
        orgs.ids.insert(ki.schac_home, id);
        orgs.regio.insert(id, ki.regio);
    }
    Ok(())
}

async fn insert_kennisinstelling(
    txn: &DatabaseTransaction,
    ki: &data::Kennisinstelling,
    n: usize,
    ts: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(organisatie::ActiveModel {
        soort: Set(OrganisatieSoort::Kennisinstelling),
        naam: Set(ki.naam.into()),
        afkorting: Set(Some(ki.afkorting.into())),
        schac_home: Set(Some(ki.schac_home.into())),
        instellingscode: Set(Some(data::demo_instellingscode(n))),
        onderwijssoort: Set(Some(ki.onderwijssoort)),
        regio: Set(Some(ki.regio)),
        website: Set(Some(ki.website.into())),
        contactpersoon_naam: Set(Some(format!("Contactpersoon {}", ki.afkorting))),
        contactpersoon_email: Set(Some(format!("i-partnerschap@{}.example", ki.schac_home))),
        aangemaakt_op: Set(ts),
        gewijzigd_op: Set(ts),
        versie: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?
    .id)
}

/// Inserts the links `(parent, item)` of a link table.
macro_rules! link {
    ($txn:expr, $module:ident, $left:ident, $parent:expr, $right:ident, $items:expr) => {{
        let rows: Vec<$module::ActiveModel> = $items
            .into_iter()
            .map(|item| $module::ActiveModel {
                $left: Set($parent),
                $right: Set(item),
            })
            .collect();
        if !rows.is_empty() {
            $module::Entity::insert_many(rows).exec($txn).await?;
        }
    }};
}

/// Fieldlab ids and the regions of their seats by name.
type Labs = HashMap<&'static str, (i32, Regio)>;

async fn fieldlabs(
    txn: &DatabaseTransaction,
    orgs: &Organisaties,
    report: &mut SeedReport,
) -> Result<Labs, DbErr> {
    let existing: HashMap<String, i32> = fieldlab::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|f| (f.naam, f.id))
        .collect();
    let ts = moment(2021, 3, 1);
    let mut labs = Labs::new();
    for lab in data::FIELDLABS {
        let id = match existing.get(lab.naam) {
            Some(id) => *id,
            None => {
                report.fieldlabs += 1;
                let id = fieldlab::ActiveModel {
                    eigenaar_id: Set(orgs.id(lab.penvoerder)?),
                    naam: Set(lab.naam.into()),
                    kenmerk: Set(Some(lab.kenmerk.into())),
                    beschrijving: Set(Some(lab.beschrijving.into())),
                    regio: Set(lab.regios[0]),
                    status: Set(lab.status),
                    plaats: Set(lab.plaats.map(Into::into)),
                    contactpersoon_naam: Set(Some(format!("Labcoördinator {}", lab.naam))),
                    contactpersoon_email: Set(Some("fieldlabs@i-partnerschap.example".into())),
                    aangemaakt_op: Set(ts),
                    gewijzigd_op: Set(ts),
                    versie: Set(1),
                    ..Default::default()
                }
                .insert(txn)
                .await?
                .id;
                let deelnemers = lab
                    .deelnemers
                    .iter()
                    .map(|(key, rol)| Ok((orgs.id(key)?, *rol)))
                    .collect::<Result<Vec<_>, DbErr>>()?;
                let rows: Vec<fieldlab_deelnemer::ActiveModel> = deelnemers
                    .into_iter()
                    .map(|(org, rol)| fieldlab_deelnemer::ActiveModel {
                        fieldlab_id: Set(id),
                        organisatie_id: Set(org),
                        rol: Set(rol),
                    })
                    .collect();
                if !rows.is_empty() {
                    fieldlab_deelnemer::Entity::insert_many(rows)
                        .exec(txn)
                        .await?;
                }
                link!(
                    txn,
                    fieldlab_regio,
                    fieldlab_id,
                    id,
                    regio,
                    lab.regios.iter().copied()
                );
                link!(
                    txn,
                    fieldlab_thema,
                    fieldlab_id,
                    id,
                    thema_code,
                    lab.themas.iter().map(|t| t.to_string())
                );
                id
            }
        };
        labs.insert(lab.naam, (id, lab.regios[0]));
    }
    Ok(labs)
}

/// `(eigenaar_id, naam)` of the rows of `E` that are already there.
async fn existing<E: EntityTrait>(
    txn: &DatabaseTransaction,
    eigenaar: E::Column,
    naam: E::Column,
) -> Result<HashSet<(i32, String)>, DbErr> {
    Ok(E::find()
        .select_only()
        .column(eigenaar)
        .column(naam)
        .into_tuple::<(i32, String)>()
        .all(txn)
        .await?
        .into_iter()
        .collect())
}

async fn lectoraten(
    txn: &DatabaseTransaction,
    orgs: &Organisaties,
    labs: &Labs,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    let existing =
        existing::<lectoraat::Entity>(txn, lectoraat::Column::EigenaarId, lectoraat::Column::Naam)
            .await?;
    let ts = moment(2022, 9, 1);
    for l in data::LECTORATEN {
        let eigenaar = orgs.id(l.eigenaar)?;
        if existing.contains(&(eigenaar, l.naam.to_string())) {
            continue;
        }
        report.lectoraten += 1;
        let id = lectoraat::ActiveModel {
            eigenaar_id: Set(eigenaar),
            naam: Set(l.naam.into()),
            soort: Set(l.soort),
            beschrijving: Set(Some(l.beschrijving.into())),
            startdatum: Set(l.startdatum.map(date)),
            einddatum: Set(l.einddatum.map(date)),
            aangemaakt_op: Set(ts),
            gewijzigd_op: Set(ts),
            versie: Set(1),
            ..Default::default()
        }
        .insert(txn)
        .await?
        .id;
        let partners = l
            .partners
            .iter()
            .map(|k| orgs.id(k))
            .collect::<Result<Vec<_>, _>>()?;
        link!(
            txn,
            lectoraat_partner,
            lectoraat_id,
            id,
            organisatie_id,
            partners
        );
        let fieldlabs: Vec<i32> = l
            .fieldlabs
            .iter()
            .filter_map(|n| labs.get(n).map(|x| x.0))
            .collect();
        link!(
            txn,
            lectoraat_fieldlab,
            lectoraat_id,
            id,
            fieldlab_id,
            fieldlabs
        );
        link!(
            txn,
            lectoraat_thema,
            lectoraat_id,
            id,
            thema_code,
            l.themas.iter().map(|t| t.to_string())
        );
    }
    Ok(())
}

async fn minoren(
    txn: &DatabaseTransaction,
    orgs: &Organisaties,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    let existing =
        existing::<minor::Entity>(txn, minor::Column::EigenaarId, minor::Column::Naam).await?;
    let ts = moment(2023, 2, 1);
    for m in data::MINOREN {
        let eigenaar = orgs.id(m.eigenaar)?;
        if existing.contains(&(eigenaar, m.naam.to_string())) {
            continue;
        }
        report.minoren += 1;
        let id = minor::ActiveModel {
            eigenaar_id: Set(eigenaar),
            naam: Set(m.naam.into()),
            soort: Set(m.soort),
            studielast_ects: Set(m.ects),
            beschrijving: Set(Some(m.beschrijving.into())),
            startdatum: Set(m.startdatum.map(date)),
            aangemaakt_op: Set(ts),
            gewijzigd_op: Set(ts),
            versie: Set(1),
            ..Default::default()
        }
        .insert(txn)
        .await?
        .id;
        let partners = m
            .partners
            .iter()
            .map(|k| orgs.id(k))
            .collect::<Result<Vec<_>, _>>()?;
        link!(txn, minor_partner, minor_id, id, organisatie_id, partners);
        link!(
            txn,
            minor_thema,
            minor_id,
            id,
            thema_code,
            m.themas.iter().map(|t| t.to_string())
        );
    }
    Ok(())
}

async fn communities(
    txn: &DatabaseTransaction,
    orgs: &Organisaties,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    let existing =
        existing::<community::Entity>(txn, community::Column::EigenaarId, community::Column::Naam)
            .await?;
    let ts = moment(2023, 6, 1);
    for c in data::COMMUNITIES {
        if existing.contains(&(orgs.programmabureau, c.naam.to_string())) {
            continue;
        }
        report.communities += 1;
        let id = community::ActiveModel {
            eigenaar_id: Set(orgs.programmabureau),
            naam: Set(c.naam.into()),
            beschrijving: Set(Some(c.beschrijving.into())),
            status: Set(c.status),
            aangemaakt_op: Set(ts),
            gewijzigd_op: Set(ts),
            versie: Set(1),
            ..Default::default()
        }
        .insert(txn)
        .await?
        .id;
        let leden = c
            .leden
            .iter()
            .map(|k| orgs.id(k))
            .collect::<Result<Vec<_>, _>>()?;
        link!(txn, community_lid, community_id, id, organisatie_id, leden);
        link!(
            txn,
            community_thema,
            community_id,
            id,
            thema_code,
            c.themas.iter().map(|t| t.to_string())
        );
    }
    Ok(())
}

/// Where the generated opdrachten go: the kennisinstellingen per kind of education (owners and
/// uitvoerders), the rijkspartners (opdrachtgevers) and the fieldlabs per region.
struct Targets {
    by_soort: HashMap<Onderwijssoort, Vec<i32>>,
    opdrachtgevers: Vec<i32>,
    labs_by_regio: HashMap<Regio, Vec<i32>>,
}

impl Targets {
    fn new(orgs: &Organisaties, labs: &Labs) -> Self {
        let institutions_of = |soort: Onderwijssoort| -> Vec<i32> {
            data::KENNISINSTELLINGEN
                .iter()
                .filter(|k| k.onderwijssoort == soort)
                .map(|k| orgs.ids[k.schac_home])
                .collect()
        };
        let by_soort = [Onderwijssoort::Wo, Onderwijssoort::Hbo, Onderwijssoort::Mbo]
            .into_iter()
            .map(|s| (s, institutions_of(s)))
            .collect();
        let opdrachtgevers = data::RIJKSPARTNERS
            .iter()
            .map(|r| orgs.ids[r.afkorting])
            .collect();
        let mut labs_by_regio: HashMap<Regio, Vec<i32>> = HashMap::new();
        let mut lab_list: Vec<_> = labs.values().copied().collect();
        lab_list.sort_by_key(|(id, _)| *id);
        for (id, regio) in lab_list {
            labs_by_regio.entry(regio).or_default().push(id);
        }
        Self {
            by_soort,
            opdrachtgevers,
            labs_by_regio,
        }
    }
}

/// The rijkspartners active in 2022 according to the annual report (an organisation with an
/// opdracht running that year).
pub const ACTIVE_IN_2022: usize = 48;

/// Whether opdracht `o` runs in `year`: started by its end, not ended before its start.
fn runs_in(o: &opdrachten::GeneratedOpdracht, year: i32) -> bool {
    use chrono::Datelike;
    o.startdatum.year() <= year && o.einddatum.is_none_or(|e| e.year() >= year)
}

async fn load_opdrachten(
    txn: &DatabaseTransaction,
    orgs: &Organisaties,
    labs: &Labs,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    let targets = Targets::new(orgs, labs);
    let existing: HashSet<(i32, String)> = opdracht::Entity::find()
        .filter(opdracht::Column::ExternId.like("demo-%"))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|o| o.extern_id.map(|e| (o.eigenaar_id, e)))
        .collect();

    let mut running_in_2022 = 0;
    for o in opdrachten::generate() {
        let candidates = &targets.by_soort[&o.onderwijssoort];
        let eigenaar = candidates[o.instelling_choice % candidates.len()];
        // The annual report: "in 2022 zijn 48 Rijksorganisaties actief". The opdrachten that
        // run in 2022 go to the first 48 rijkspartners in turn, so each of them has one.
        let opdrachtgever = if runs_in(&o, 2022) {
            running_in_2022 += 1;
            targets.opdrachtgevers[(running_in_2022 - 1) % ACTIVE_IN_2022]
        } else {
            targets.opdrachtgevers[o.opdrachtgever_choice % targets.opdrachtgevers.len()]
        };
        if existing.contains(&(eigenaar, o.extern_id.clone())) {
            continue;
        }
        report.opdrachten += 1;
        let id = insert_opdracht(txn, orgs, &targets, &o, (eigenaar, opdrachtgever)).await?;
        let mut uitvoerders = vec![eigenaar];
        if o.second_uitvoerder {
            let second = candidates[(o.instelling_choice + 1) % candidates.len()];
            if second != eigenaar {
                uitvoerders.push(second);
            }
        }
        link!(
            txn,
            opdracht_uitvoerder,
            opdracht_id,
            id,
            organisatie_id,
            uitvoerders
        );
        link!(
            txn,
            opdracht_thema,
            opdracht_id,
            id,
            thema_code,
            o.themas.iter().map(|t| t.to_string())
        );
    }
    Ok(())
}

/// Inserts the generated opdracht `o` owned by `eigenaar`, dated in the year it starts.
async fn insert_opdracht(
    txn: &DatabaseTransaction,
    orgs: &Organisaties,
    targets: &Targets,
    o: &opdrachten::GeneratedOpdracht,
    (eigenaar, opdrachtgever): (i32, i32),
) -> Result<i32, DbErr> {
    let regio = orgs.regio[&eigenaar];
    let fieldlab_id = if o.in_fieldlab {
        targets
            .labs_by_regio
            .get(&regio)
            .map(|ids| ids[o.opdrachtgever_choice % ids.len()])
    } else {
        None
    };
    let ts = moment(
        o.startdatum
            .format("%Y")
            .to_string()
            .parse()
            .unwrap_or(2020),
        1,
        2,
    );
    Ok(opdracht::ActiveModel {
        eigenaar_id: Set(eigenaar),
        extern_id: Set(Some(o.extern_id.clone())),
        naam: Set(o.naam.clone()),
        opdrachtgever_id: Set(opdrachtgever),
        fieldlab_id: Set(fieldlab_id),
        soort: Set(o.soort),
        status: Set(o.status),
        onderwijssoort: Set(o.onderwijssoort),
        regio: Set(Some(regio)),
        startdatum: Set(Some(o.startdatum)),
        einddatum: Set(o.einddatum),
        aantal_studenten: Set(o.aantal_studenten),
        aangemaakt_op: Set(ts),
        gewijzigd_op: Set(ts),
        versie: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?
    .id)
}
