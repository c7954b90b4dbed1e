//! Writing opdrachten: their fields ([`OpdrachtVelden`]) and the bulk sync of institutions.
//!
//! A sync batch is keyed on (owner organisation, `externId`) and compared with what is stored:
//! new items are inserted, changed ones updated, equal ones left alone (no new version, no log
//! entry: sending the same batch twice changes nothing the second time), withdrawn ones deleted.
//! The whole batch is one transaction, done in a fixed number of statements per batch (lookups
//! and multi-row inserts; one `UPDATE` per changed item), so 1,000 items cost a few round trips
//! rather than thousands.
//!
//! Batch semantics, chosen by the caller ([`SyncModus`]): `ATOMAIR` (the default) applies the
//! batch only if every item is valid; `PER_ITEM` applies the valid items and rejects the others.
//! Either way an item is written entirely or not at all, and a dry run evaluates everything and
//! writes nothing.

use super::entities::koppelingen::{opdracht_thema, opdracht_uitvoerder};
use super::entities::opdracht;
use super::policy::Policy;
use super::schrijven::{Koppeling, Logregel, Schrijfsessie, links_van, verschil, voeg_in};
use crate::domain::{Actie, Onderwijssoort, OpdrachtSoort, OpdrachtStatus, Regio};
use crate::error::{ApiError, ApiResult, FieldProblem};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TryIntoModel,
};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// The fields of an opdracht as a writer sets them, with references already resolved to ids.
#[derive(Debug, Clone, PartialEq)]
pub struct OpdrachtVelden {
    pub naam: String,
    pub omschrijving: Option<String>,
    pub opdrachtgever_id: i32,
    pub fieldlab_id: Option<i32>,
    pub lectoraat_id: Option<i32>,
    pub minor_id: Option<i32>,
    pub soort: OpdrachtSoort,
    pub status: OpdrachtStatus,
    pub onderwijssoort: Onderwijssoort,
    pub regio: Option<Regio>,
    pub startdatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub aantal_studenten: i32,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_email: Option<String>,
    pub themas: BTreeSet<String>,
    pub uitvoerders: BTreeSet<i32>,
}

impl OpdrachtVelden {
    /// The fields of a stored opdracht with its links.
    pub fn van(m: &opdracht::Model, themas: BTreeSet<String>, uitvoerders: BTreeSet<i32>) -> Self {
        Self {
            naam: m.naam.clone(),
            omschrijving: m.omschrijving.clone(),
            opdrachtgever_id: m.opdrachtgever_id,
            fieldlab_id: m.fieldlab_id,
            lectoraat_id: m.lectoraat_id,
            minor_id: m.minor_id,
            soort: m.soort,
            status: m.status,
            onderwijssoort: m.onderwijssoort,
            regio: m.regio,
            startdatum: m.startdatum,
            einddatum: m.einddatum,
            aantal_studenten: m.aantal_studenten,
            contactpersoon_naam: m.contactpersoon_naam.clone(),
            contactpersoon_email: m.contactpersoon_email.clone(),
            themas,
            uitvoerders,
        }
    }

    /// Sets the columns of `am` to these fields.
    pub fn zet(&self, am: &mut opdracht::ActiveModel) {
        am.naam = ActiveValue::Set(self.naam.clone());
        am.omschrijving = ActiveValue::Set(self.omschrijving.clone());
        am.opdrachtgever_id = ActiveValue::Set(self.opdrachtgever_id);
        am.fieldlab_id = ActiveValue::Set(self.fieldlab_id);
        am.lectoraat_id = ActiveValue::Set(self.lectoraat_id);
        am.minor_id = ActiveValue::Set(self.minor_id);
        am.soort = ActiveValue::Set(self.soort);
        am.status = ActiveValue::Set(self.status);
        am.onderwijssoort = ActiveValue::Set(self.onderwijssoort);
        am.regio = ActiveValue::Set(self.regio);
        am.startdatum = ActiveValue::Set(self.startdatum);
        am.einddatum = ActiveValue::Set(self.einddatum);
        am.aantal_studenten = ActiveValue::Set(self.aantal_studenten);
        am.contactpersoon_naam = ActiveValue::Set(self.contactpersoon_naam.clone());
        am.contactpersoon_email = ActiveValue::Set(self.contactpersoon_email.clone());
    }

    /// The link replacements these fields ask for.
    pub fn koppelingen(&self) -> [Koppeling; 2] {
        [
            Koppeling::Themas(self.themas.clone()),
            Koppeling::Organisaties(self.uitvoerders.clone()),
        ]
    }
}

/// Batch semantics of a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, async_graphql::Enum)]
pub enum SyncModus {
    /// All or nothing: if any item is rejected, nothing of the batch is written.
    #[default]
    Atomair,
    /// Item by item: the valid items are written, the invalid ones rejected.
    PerItem,
}

/// One item of a sync batch, as the GraphQL layer validated it.
#[derive(Debug, Clone)]
pub struct SyncItem {
    pub extern_id: String,
    /// The new fields; `None` withdraws the item; `Err` holds why it is rejected.
    pub inhoud: Result<Option<OpdrachtVelden>, Vec<FieldProblem>>,
}

/// A sync batch.
#[derive(Debug, Clone)]
pub struct SyncVerzoek {
    pub eigenaar: i32,
    pub items: Vec<SyncItem>,
    pub dry_run: bool,
    pub modus: SyncModus,
}

/// What happened (or, when nothing was written, what would happen) to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum SyncUitkomst {
    /// A new opdracht was created.
    Created,
    /// The stored opdracht was changed.
    Updated,
    /// The stored opdracht already was like this (or a withdrawn item was not there).
    Unchanged,
    /// The opdracht was withdrawn by its source and deleted.
    Deleted,
    /// The item is invalid; see its errors.
    Rejected,
}

/// The outcome of a batch: per item (in input order) the outcome, the opdracht's id and any
/// problems, and whether anything was written.
#[derive(Debug, Clone)]
pub struct SyncResultaat {
    pub items: Vec<(SyncUitkomst, Option<i32>, Vec<FieldProblem>)>,
    pub toegepast: bool,
    /// Per item (by index), what was done differently from what it asked without rejecting it:
    /// withdrawn uitvoerders left out.
    pub meldingen: HashMap<usize, Vec<FieldProblem>>,
}

/// The plan for one valid item.
enum Plan {
    Nieuw(OpdrachtVelden),
    Wijzig(opdracht::Model, Map<String, Value>, OpdrachtVelden),
    Weg(opdracht::Model, Map<String, Value>),
    Niets(Option<i32>),
}

impl Schrijfsessie {
    /// Runs a sync batch for `verzoek.eigenaar` (checked against the caller first). See the
    /// module docs for the semantics.
    pub async fn sync_opdrachten(&mut self, verzoek: SyncVerzoek) -> ApiResult<SyncResultaat> {
        self.controleer_eigenaar::<opdracht::Entity>("eigenaar", verzoek.eigenaar)
            .await?;
        let eigenaar = verzoek.eigenaar;
        planner_statistieken_bijwerken(self).await?;

        // The stored opdrachten of the batch, with their links.
        // Only valid items are looked up: a rejected one may hold anything (a NUL byte).
        let extern_ids: Vec<String> = verzoek
            .items
            .iter()
            .filter(|i| i.inhoud.is_ok())
            .map(|i| i.extern_id.clone())
            .collect();
        let bestaand = per_extern_id(self, eigenaar, &extern_ids).await?;
        let ids: Vec<i32> = bestaand.values().map(|m| m.id).collect();
        let mut themas: HashMap<i32, BTreeSet<String>> = HashMap::new();
        for l in
            links_van::<opdracht_thema::Entity>(self.tx(), opdracht_thema::Column::OpdrachtId, &ids)
                .await?
        {
            themas
                .entry(l.opdracht_id)
                .or_default()
                .insert(l.thema_code);
        }
        let mut uitvoerders: HashMap<i32, BTreeSet<i32>> = HashMap::new();
        for l in links_van::<opdracht_uitvoerder::Entity>(
            self.tx(),
            opdracht_uitvoerder::Column::OpdrachtId,
            &ids,
        )
        .await?
        {
            uitvoerders
                .entry(l.opdracht_id)
                .or_default()
                .insert(l.organisatie_id);
        }
        let stored = |m: &opdracht::Model| {
            let velden = OpdrachtVelden::van(
                m,
                themas.get(&m.id).cloned().unwrap_or_default(),
                uitvoerders.get(&m.id).cloned().unwrap_or_default(),
            );
            (velden.clone(), snapshot(m, &velden))
        };
        // Institutions that withdrew as uitvoerder are not named again (docs/access.md).
        let teruggetrokken = self.teruggetrokken(&ids).await?;
        let mut meldingen = HashMap::new();
        // Plan every item.
        let mut resultaat = Vec::with_capacity(verzoek.items.len());
        let mut plannen = Vec::with_capacity(verzoek.items.len());
        for (index, item) in verzoek.items.iter().enumerate() {
            let plan = match &item.inhoud {
                Err(problemen) => {
                    resultaat.push((SyncUitkomst::Rejected, None, problemen.clone()));
                    plannen.push(None);
                    continue;
                }
                Ok(None) => match bestaand.get(&item.extern_id) {
                    Some(m) => Plan::Weg(m.clone(), stored(m).1),
                    None => Plan::Niets(None),
                },
                Ok(Some(velden)) => match bestaand.get(&item.extern_id) {
                    None => Plan::Nieuw(velden.clone()),
                    Some(m) => {
                        let (oud, oud_snapshot) = stored(m);
                        let velden = &zonder_teruggetrokken(
                            self,
                            velden,
                            teruggetrokken.get(&m.id),
                            index,
                            &mut meldingen,
                        )
                        .await?;
                        if &oud == velden {
                            Plan::Niets(Some(m.id))
                        } else {
                            Plan::Wijzig(m.clone(), oud_snapshot, velden.clone())
                        }
                    }
                },
            };
            let (uitkomst, id) = match &plan {
                Plan::Nieuw(_) => (SyncUitkomst::Created, None),
                Plan::Wijzig(m, ..) => (SyncUitkomst::Updated, Some(m.id)),
                Plan::Weg(m, _) => (SyncUitkomst::Deleted, Some(m.id)),
                Plan::Niets(id) => (SyncUitkomst::Unchanged, *id),
            };
            resultaat.push((uitkomst, id, Vec::new()));
            plannen.push(Some(plan));
        }
        let afgewezen = resultaat.iter().any(|(u, ..)| *u == SyncUitkomst::Rejected);
        if verzoek.dry_run || (afgewezen && verzoek.modus == SyncModus::Atomair) {
            return Ok(SyncResultaat {
                items: resultaat,
                toegepast: false,
                meldingen,
            });
        }

        // Apply: inserts in bulk, one update per changed item, deletes in bulk, links in bulk.
        let nu = self.nu();
        let mut nieuw = Vec::new();
        let mut nieuw_index = Vec::new();
        let mut gewijzigd_links: Vec<(i32, OpdrachtVelden)> = Vec::new();
        let mut bijgewerkt: Vec<i32> = Vec::new();
        let mut weg = Vec::new();
        let mut log = Vec::new();
        for (index, (item, plan)) in verzoek.items.iter().zip(plannen).enumerate() {
            match plan {
                None | Some(Plan::Niets(_)) => {}
                Some(Plan::Nieuw(velden)) => {
                    let mut am = <opdracht::ActiveModel as ActiveModelTrait>::default();
                    velden.zet(&mut am);
                    am.eigenaar_id = ActiveValue::Set(eigenaar);
                    am.extern_id = ActiveValue::Set(Some(item.extern_id.clone()));
                    am.aangemaakt_op = ActiveValue::Set(nu);
                    am.gewijzigd_op = ActiveValue::Set(nu);
                    am.versie = ActiveValue::Set(1);
                    nieuw.push(am);
                    nieuw_index.push((index, velden));
                }
                Some(Plan::Wijzig(m, oud_snapshot, velden)) => {
                    let mut am = m.clone().into_active_model();
                    velden.zet(&mut am);
                    am.versie = ActiveValue::Set(m.versie + 1);
                    am.gewijzigd_op = ActiveValue::Set(nu);
                    let na = am.clone().try_into_model()?;
                    opdracht::Entity::update_many()
                        .set(am)
                        .filter(opdracht::Column::Id.eq(m.id))
                        .exec(self.tx())
                        .await?;
                    let nieuw_snapshot = snapshot(&na, &velden);
                    let (voor, na_velden) =
                        verschil(&oud_snapshot, &nieuw_snapshot).unwrap_or_default();
                    let audience = opdracht::Entity::feed_audience(&m, &oud_snapshot)
                        .union(opdracht::Entity::feed_audience(&na, &nieuw_snapshot));
                    log.push(Logregel {
                        record_type: crate::domain::RecordType::Opdracht,
                        record_id: m.id,
                        eigenaar_id: eigenaar,
                        actie: Actie::Updated,
                        versie: m.versie + 1,
                        voor: Some(voor),
                        na: Some(na_velden),
                        audience,
                    });
                    bijgewerkt.push(m.id);
                    gewijzigd_links.push((m.id, velden));
                }
                Some(Plan::Weg(m, oud_snapshot)) => {
                    log.push(Logregel {
                        record_type: crate::domain::RecordType::Opdracht,
                        record_id: m.id,
                        eigenaar_id: eigenaar,
                        actie: Actie::Deleted,
                        versie: m.versie,
                        audience: opdracht::Entity::feed_audience(&m, &oud_snapshot),
                        voor: Some(oud_snapshot),
                        na: None,
                    });
                    weg.push(m.id);
                }
            }
        }
        for chunk in weg.chunks(super::schrijven::IDS_PER_LIJST) {
            opdracht::Entity::delete_many()
                .filter(opdracht::Column::Id.is_in(chunk.iter().copied()))
                .exec(self.tx())
                .await?;
        }
        if !nieuw.is_empty() {
            voeg_in::<opdracht::Entity>(self.tx(), nieuw).await?;
            // Read the new ids back by their key (portable, and independent of the order in
            // which a multi-row insert reports them).
            let nieuwe_ids: Vec<String> = nieuw_index
                .iter()
                .map(|(i, _)| verzoek.items[*i].extern_id.clone())
                .collect();
            let mut per_extern = per_extern_id(self, eigenaar, &nieuwe_ids).await?;
            for (index, velden) in nieuw_index {
                let model = per_extern
                    .remove(&verzoek.items[index].extern_id)
                    .ok_or_else(|| ApiError::Internal("inserted opdracht not found".into()))?;
                resultaat[index].1 = Some(model.id);
                let na = snapshot(&model, &velden);
                log.push(Logregel {
                    record_type: crate::domain::RecordType::Opdracht,
                    record_id: model.id,
                    eigenaar_id: eigenaar,
                    actie: Actie::Created,
                    versie: 1,
                    audience: opdracht::Entity::feed_audience(&model, &na),
                    voor: None,
                    na: Some(na),
                });
                gewijzigd_links.push((model.id, velden));
            }
        }
        // Only changed opdrachten have links to remove; new ones have none yet.
        vervang_links_per_opdracht(self, &gewijzigd_links, &bijgewerkt).await?;
        log.sort_by_key(|r| r.record_id);
        for regel in log {
            self.log(regel);
        }
        Ok(SyncResultaat {
            items: resultaat,
            toegepast: true,
            meldingen,
        })
    }
}

/// `velden` without the institutions in `teruggetrokken` (those that withdrew as uitvoerder of
/// the stored opdracht), with a message per institution left out for item `index`.
async fn zonder_teruggetrokken(
    sessie: &Schrijfsessie,
    velden: &OpdrachtVelden,
    teruggetrokken: Option<&BTreeSet<i32>>,
    index: usize,
    meldingen: &mut HashMap<usize, Vec<FieldProblem>>,
) -> ApiResult<OpdrachtVelden> {
    let mut uit = velden.clone();
    for org in teruggetrokken.into_iter().flatten() {
        if uit.uitvoerders.remove(org) {
            let naam = sessie.organisatie(*org).await?.map(|o| o.naam);
            meldingen.entry(index).or_default().push(FieldProblem {
                field: format!("opdrachten[{index}].uitvoerders"),
                message: format!(
                    "{} withdrew as uitvoerder of this opdracht and was left out; it cannot \
                         be named again",
                    naam.unwrap_or_default()
                ),
            });
        }
    }
    Ok(uit)
}

/// PostgreSQL only: refreshes the planner's statistics of the opdrachten tables when they
/// changed by more than a fifth since they were last gathered.
///
/// Bulk syncs grow the tables faster than autovacuum re-analyzes them, and a plan made for a
/// small table (filter the owner's rows, then compare each with every `externId` of the
/// batch) costs seconds per batch once the owner has tens of thousands of rows; with fresh
/// statistics the lookup is an index scan on (owner, externId). Measured: 10,000 opdrachten
/// went from 8.7 s to the figures in BENCHMARKS.md. The check is one read of
/// `pg_stat_user_tables`; the `ANALYZE` runs only while a table is growing fast.
async fn planner_statistieken_bijwerken(sessie: &Schrijfsessie) -> ApiResult<()> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let tx = sessie.tx();
    if tx.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let verouderd = tx
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT relname::text FROM pg_stat_user_tables \
             WHERE relname IN ('opdrachten', 'opdracht_themas', 'opdracht_uitvoerders') \
             AND n_mod_since_analyze > 500 + n_live_tup / 5",
        ))
        .await?;
    for rij in verouderd {
        let tabel: String = rij.try_get_by_index(0)?;
        // Only the columns the sync looks up by: much cheaper than the whole table.
        let kolommen = match tabel.as_str() {
            "opdrachten" => "eigenaar_id, extern_id",
            _ => "opdracht_id",
        };
        tx.execute_unprepared(&format!("ANALYZE {tabel} ({kolommen})"))
            .await?;
    }
    Ok(())
}

/// The opdrachten of `eigenaar` with one of `extern_ids`, by `externId`.
async fn per_extern_id(
    sessie: &Schrijfsessie,
    eigenaar: i32,
    extern_ids: &[String],
) -> ApiResult<HashMap<String, opdracht::Model>> {
    let mut uit = HashMap::new();
    for chunk in extern_ids.chunks(super::schrijven::IDS_PER_LIJST) {
        for m in opdracht::Entity::find()
            .filter(opdracht::Column::EigenaarId.eq(eigenaar))
            .filter(opdracht::Column::ExternId.is_in(chunk.iter().cloned()))
            .all(sessie.tx())
            .await?
        {
            if let Some(e) = m.extern_id.clone() {
                uit.insert(e, m);
            }
        }
    }
    Ok(uit)
}

/// Replaces the themes and executing institutions of the given opdrachten: one delete and one
/// multi-row insert per link table.
async fn vervang_links_per_opdracht(
    sessie: &Schrijfsessie,
    opdrachten: &[(i32, OpdrachtVelden)],
    ids: &[i32],
) -> ApiResult<()> {
    let themas = opdrachten
        .iter()
        .flat_map(|(id, v)| {
            v.themas
                .iter()
                .map(move |code| opdracht_thema::ActiveModel {
                    opdracht_id: ActiveValue::Set(*id),
                    thema_code: ActiveValue::Set(code.clone()),
                })
        })
        .collect();
    super::schrijven::vervang_links::<opdracht_thema::Entity>(
        sessie.tx(),
        opdracht_thema::Column::OpdrachtId,
        ids,
        themas,
    )
    .await?;
    let uitvoerders = opdrachten
        .iter()
        .flat_map(|(id, v)| {
            v.uitvoerders
                .iter()
                .map(move |org| opdracht_uitvoerder::ActiveModel {
                    opdracht_id: ActiveValue::Set(*id),
                    organisatie_id: ActiveValue::Set(*org),
                })
        })
        .collect();
    super::schrijven::vervang_links::<opdracht_uitvoerder::Entity>(
        sessie.tx(),
        opdracht_uitvoerder::Column::OpdrachtId,
        ids,
        uitvoerders,
    )
    .await
}

/// The change-log snapshot of an opdracht with the given links (the same shape
/// [`Schrijfbaar::koppelingen`] gives, so sync and single mutations log alike).
fn snapshot(model: &opdracht::Model, velden: &OpdrachtVelden) -> Map<String, Value> {
    let mut links = Map::new();
    links.insert(
        "themas".into(),
        Value::Array(velden.themas.iter().cloned().map(Value::from).collect()),
    );
    let mut uitvoerders: Vec<Value> = velden.uitvoerders.iter().map(|o| Value::from(*o)).collect();
    uitvoerders.sort_by_key(|v| v.to_string());
    links.insert("uitvoerders".into(), Value::Array(uitvoerders));
    super::schrijven::momentopname::<opdracht::Entity>(model, links)
}
