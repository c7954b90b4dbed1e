//! Writing opdrachten: their fields ([`OpdrachtValues`]) and the bulk sync of institutions.
//!
//! A sync batch is keyed on (owner organisation, `externId`) and compared with what is stored:
//! new items are inserted, changed ones updated, equal ones left alone (no new version, no log
//! entry: sending the same batch twice changes nothing the second time), withdrawn ones deleted.
//! The whole batch is one transaction, done in a fixed number of statements per batch (lookups,
//! multi-row inserts and, on PostgreSQL, one `UPDATE` for all changed items), so 1,000 items
//! cost a few round trips rather than thousands. On PostgreSQL the lookups probe the indexes
//! key by key ([`probe`]), so their plans do not depend on statistics that a bulk sync makes
//! stale faster than autovacuum renews them.
//!
//! Batch semantics, chosen by the caller ([`BatchMode`]): `ATOMAIR` (the default) applies the
//! batch only if every item is valid; `PER_ITEM` applies the valid items and rejects the others.
//! Either way an item is written entirely or not at all, and a dry run evaluates everything and
//! writes nothing.

use super::entities::koppelingen::{opdracht_thema, opdracht_uitvoerder};
use super::entities::opdracht;
use super::policy::{FeedAudience, Policy};
use super::write::{
    LogEntry, WriteSession, diff, insert_returning, insert_rows, links_of, probe, update_rows,
};
use crate::domain::{Actie, RecordType};
use crate::error::{ApiError, ApiResult, FieldProblem};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait,
    IntoActiveModel, Iterable, QueryFilter, TryIntoModel,
};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// The fields of an opdracht as a writer sets them, with references already resolved to ids.
#[derive(Debug, Clone, PartialEq)]
pub struct OpdrachtValues {
    /// The editable columns, each `Set`; the columns of [`NOT_EDITABLE`] are `NotSet`.
    pub columns: opdracht::ActiveModel,
    pub themas: BTreeSet<String>,
    pub uitvoerders: BTreeSet<i32>,
}

/// The columns of an opdracht that its writer does not set: the key, the owner's keys and the
/// registration (times and version).
const NOT_EDITABLE: [opdracht::Column; 6] = [
    opdracht::Column::Id,
    opdracht::Column::EigenaarId,
    opdracht::Column::ExternId,
    opdracht::Column::AangemaaktOp,
    opdracht::Column::GewijzigdOp,
    opdracht::Column::Versie,
];

impl OpdrachtValues {
    /// The fields of a stored opdracht with its links.
    pub fn from_stored(
        m: &opdracht::Model,
        themas: BTreeSet<String>,
        uitvoerders: BTreeSet<i32>,
    ) -> Self {
        let mut columns = m.clone().into_active_model().reset_all();
        for column in NOT_EDITABLE {
            columns.not_set(column);
        }
        Self {
            columns,
            themas,
            uitvoerders,
        }
    }

    /// Sets the editable columns of `am` to these fields.
    pub fn set_on(&self, am: &mut opdracht::ActiveModel) {
        for column in opdracht::Column::iter() {
            if let ActiveValue::Set(value) = self.columns.get(column) {
                am.set(column, value);
            }
        }
    }
}

/// Batch semantics of a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BatchMode {
    /// All or nothing: if any item is rejected, nothing of the batch is written.
    #[default]
    Atomic,
    /// Item by item: the valid items are written, the invalid ones rejected.
    PerItem,
}

/// One item of a sync batch, as the GraphQL layer validated it.
#[derive(Debug, Clone)]
pub struct SyncItem {
    pub extern_id: String,
    /// The new fields; `None` withdraws the item; `Err` holds why it is rejected.
    pub content: Result<Option<OpdrachtValues>, Vec<FieldProblem>>,
}

/// A sync batch.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub eigenaar: i32,
    pub items: Vec<SyncItem>,
    pub dry_run: bool,
    pub mode: BatchMode,
}

/// What happened (or, when nothing was written, what would happen) to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
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

/// The outcome of one item: what happened, the opdracht's id and any problems.
pub type ItemReport = (ItemOutcome, Option<i32>, Vec<FieldProblem>);

/// The outcome of a batch: per item (in input order) the outcome, the opdracht's id and any
/// problems, and whether anything was written.
#[derive(Debug, Clone)]
pub struct SyncReport {
    pub items: Vec<ItemReport>,
    pub applied: bool,
    /// Per item (by index), what was done differently from what it asked without rejecting it:
    /// withdrawn uitvoerders left out.
    pub notices: HashMap<usize, Vec<FieldProblem>>,
}

/// The plan for one valid item.
enum Plan {
    Insert(Box<OpdrachtValues>),
    Update(opdracht::Model, Map<String, Value>, Box<OpdrachtValues>),
    Delete(opdracht::Model, Map<String, Value>),
    Nothing(Option<i32>),
}

impl Plan {
    /// What the plan does to its item, and the opdracht's id if it is known yet.
    fn outcome(&self) -> (ItemOutcome, Option<i32>) {
        match self {
            Plan::Insert(_) => (ItemOutcome::Created, None),
            Plan::Update(m, ..) => (ItemOutcome::Updated, Some(m.id)),
            Plan::Delete(m, _) => (ItemOutcome::Deleted, Some(m.id)),
            Plan::Nothing(id) => (ItemOutcome::Unchanged, *id),
        }
    }
}

/// The stored opdrachten of a batch (the owner's, by `externId`), with their links.
struct Stored {
    by_extern_id: HashMap<String, opdracht::Model>,
    themas: HashMap<i32, BTreeSet<String>>,
    uitvoerders: HashMap<i32, BTreeSet<i32>>,
    /// Per opdracht, the institutions that withdrew as its uitvoerder (docs/access.md): they
    /// are not named again.
    withdrawn: HashMap<i32, BTreeSet<i32>>,
}

impl Stored {
    /// Reads the stored opdrachten of the valid items of a batch. Only valid items are looked
    /// up: a rejected one may hold anything (a NUL byte).
    async fn load(session: &WriteSession, eigenaar: i32, items: &[SyncItem]) -> ApiResult<Self> {
        let extern_ids: Vec<String> = items
            .iter()
            .filter(|i| i.content.is_ok())
            .map(|i| i.extern_id.clone())
            .collect();
        let by_extern_id = by_extern_id(session, eigenaar, &extern_ids).await?;
        let ids: Vec<i32> = by_extern_id.values().map(|m| m.id).collect();
        let mut themas: HashMap<i32, BTreeSet<String>> = HashMap::new();
        let thema_links = links_of::<opdracht_thema::Entity>(
            session.tx(),
            opdracht_thema::Column::OpdrachtId,
            &ids,
        );
        for l in thema_links.await? {
            themas
                .entry(l.opdracht_id)
                .or_default()
                .insert(l.thema_code);
        }
        let mut uitvoerders: HashMap<i32, BTreeSet<i32>> = HashMap::new();
        let uitvoerder_links = links_of::<opdracht_uitvoerder::Entity>(
            session.tx(),
            opdracht_uitvoerder::Column::OpdrachtId,
            &ids,
        );
        for l in uitvoerder_links.await? {
            uitvoerders
                .entry(l.opdracht_id)
                .or_default()
                .insert(l.organisatie_id);
        }
        Ok(Self {
            by_extern_id,
            themas,
            uitvoerders,
            withdrawn: session.withdrawn(&ids).await?,
        })
    }

    /// The fields of a stored opdracht and its change-log snapshot.
    fn fields(&self, m: &opdracht::Model) -> (OpdrachtValues, Map<String, Value>) {
        let fields = OpdrachtValues::from_stored(
            m,
            self.themas.get(&m.id).cloned().unwrap_or_default(),
            self.uitvoerders.get(&m.id).cloned().unwrap_or_default(),
        );
        let snapshot = snapshot(m, &fields);
        (fields, snapshot)
    }
}

impl WriteSession {
    /// Runs a sync batch for `request.eigenaar` (checked against the caller first). See the
    /// module docs for the semantics.
    pub async fn sync_opdrachten(&mut self, request: SyncRequest) -> ApiResult<SyncReport> {
        self.check_owner::<opdracht::Entity>("eigenaar", request.eigenaar)
            .await?;
        let stored = Stored::load(self, request.eigenaar, &request.items).await?;
        let mut notices = HashMap::new();
        let mut reports = Vec::with_capacity(request.items.len());
        let mut plans = Vec::with_capacity(request.items.len());
        for (index, item) in request.items.iter().enumerate() {
            match plan_item(self, &stored, item, index, &mut notices).await? {
                Err(problems) => {
                    reports.push((ItemOutcome::Rejected, None, problems));
                    plans.push(None);
                }
                Ok(plan) => {
                    let (outcome, id) = plan.outcome();
                    reports.push((outcome, id, Vec::new()));
                    plans.push(Some(plan));
                }
            }
        }
        let rejected = reports.iter().any(|(o, ..)| *o == ItemOutcome::Rejected);
        let applied = !(request.dry_run || (rejected && request.mode == BatchMode::Atomic));
        if applied {
            self.apply(&request, plans, &mut reports).await?;
        }
        Ok(SyncReport {
            items: reports,
            applied,
            notices,
        })
    }

    /// Applies the plans of a batch: inserts in bulk, one update per changed item, deletes in
    /// bulk, links in bulk; then logs every change, in the order of the opdrachten' ids. Fills
    /// in the ids of new opdrachten in `reports`.
    async fn apply(
        &mut self,
        request: &SyncRequest,
        plans: Vec<Option<Plan>>,
        reports: &mut [ItemReport],
    ) -> ApiResult<()> {
        let mut writes = Writes::new(request.eigenaar, self.now());
        for (index, plan) in plans.into_iter().enumerate() {
            match plan {
                None | Some(Plan::Nothing(_)) => {}
                Some(Plan::Insert(fields)) => {
                    writes.insert(index, &request.items[index].extern_id, *fields);
                }
                Some(Plan::Update(m, before, fields)) => writes.update(m, before, *fields)?,
                Some(Plan::Delete(m, before)) => writes.delete(m, before),
            }
        }
        writes.delete_all(self).await?;
        writes.update_all(self).await?;
        writes.insert_all(self, request, reports).await?;
        // Only changed opdrachten have links to remove; new ones have none yet.
        replace_links(self, &writes.linked, &writes.updated).await?;
        writes.log.sort_by_key(|r| r.record_id);
        for entry in writes.log {
            self.log(entry);
        }
        Ok(())
    }
}

/// The plan for one item of a batch, or why it is rejected.
async fn plan_item(
    session: &WriteSession,
    stored: &Stored,
    item: &SyncItem,
    index: usize,
    notices: &mut HashMap<usize, Vec<FieldProblem>>,
) -> ApiResult<Result<Plan, Vec<FieldProblem>>> {
    let current = stored.by_extern_id.get(&item.extern_id);
    Ok(Ok(match (&item.content, current) {
        (Err(problems), _) => return Ok(Err(problems.clone())),
        (Ok(None), Some(m)) => Plan::Delete(m.clone(), stored.fields(m).1),
        (Ok(None), None) => Plan::Nothing(None),
        (Ok(Some(fields)), None) => Plan::Insert(Box::new(fields.clone())),
        (Ok(Some(fields)), Some(m)) => {
            let (old, old_snapshot) = stored.fields(m);
            let withdrawn = stored.withdrawn.get(&m.id);
            let fields = without_withdrawn(session, fields, withdrawn, index, notices).await?;
            if old == fields {
                Plan::Nothing(Some(m.id))
            } else {
                Plan::Update(m.clone(), old_snapshot, Box::new(fields))
            }
        }
    }))
}

/// The writes of a batch being applied, gathered to be done in bulk.
struct Writes {
    eigenaar: i32,
    now: DateTime<Utc>,
    /// New rows, and per new row its item's index and fields.
    inserts: Vec<opdracht::ActiveModel>,
    inserted: Vec<(usize, OpdrachtValues)>,
    /// The opdrachten whose links are to be replaced, with their new fields.
    linked: Vec<(i32, OpdrachtValues)>,
    /// The changed rows of the updated opdrachten, and their ids.
    updates: Vec<opdracht::ActiveModel>,
    updated: Vec<i32>,
    /// The opdrachten to delete.
    deleted: Vec<i32>,
    log: Vec<LogEntry>,
}

impl Writes {
    fn new(eigenaar: i32, now: DateTime<Utc>) -> Self {
        Self {
            eigenaar,
            now,
            inserts: Vec::new(),
            inserted: Vec::new(),
            linked: Vec::new(),
            updates: Vec::new(),
            updated: Vec::new(),
            deleted: Vec::new(),
            log: Vec::new(),
        }
    }

    /// A log entry of a change of opdracht `id` by this batch.
    fn entry(
        &self,
        id: i32,
        actie: Actie,
        versie: i32,
        voor: Option<Map<String, Value>>,
        na: Option<Map<String, Value>>,
        audience: FeedAudience,
    ) -> LogEntry {
        LogEntry {
            record_type: RecordType::Opdracht,
            record_id: id,
            eigenaar_id: self.eigenaar,
            actie,
            versie,
            voor,
            na,
            audience,
        }
    }

    /// A new opdracht for item `index`, inserted by [`Self::insert_all`].
    fn insert(&mut self, index: usize, extern_id: &str, fields: OpdrachtValues) {
        let mut am = fields.columns.clone();
        am.eigenaar_id = ActiveValue::Set(self.eigenaar);
        am.extern_id = ActiveValue::Set(Some(extern_id.to_owned()));
        am.aangemaakt_op = ActiveValue::Set(self.now);
        am.gewijzigd_op = ActiveValue::Set(self.now);
        am.versie = ActiveValue::Set(1);
        self.inserts.push(am);
        self.inserted.push((index, fields));
    }

    /// A change of a stored opdracht, written by [`Self::update_all`], logging the change.
    fn update(
        &mut self,
        m: opdracht::Model,
        before: Map<String, Value>,
        fields: OpdrachtValues,
    ) -> ApiResult<()> {
        let mut am = m.clone().into_active_model();
        fields.set_on(&mut am);
        am.versie = ActiveValue::Set(m.versie + 1);
        am.gewijzigd_op = ActiveValue::Set(self.now);
        let after_model = am.clone().try_into_model()?;
        self.updates.push(am);
        let after = snapshot(&after_model, &fields);
        let (voor, na) = diff(&before, &after).unwrap_or_default();
        let audience = opdracht::Entity::feed_audience(&m, &before)
            .union(opdracht::Entity::feed_audience(&after_model, &after));
        let entry = self.entry(
            m.id,
            Actie::Updated,
            m.versie + 1,
            Some(voor),
            Some(na),
            audience,
        );
        self.log.push(entry);
        self.updated.push(m.id);
        self.linked.push((m.id, fields));
        Ok(())
    }

    /// A stored opdracht to delete by [`Self::delete_all`], logging the change.
    fn delete(&mut self, m: opdracht::Model, before: Map<String, Value>) {
        let audience = opdracht::Entity::feed_audience(&m, &before);
        let entry = self.entry(m.id, Actie::Deleted, m.versie, Some(before), None, audience);
        self.log.push(entry);
        self.deleted.push(m.id);
    }

    /// Writes the changed opdrachten (on PostgreSQL in one statement, [`update_rows`]).
    async fn update_all(&mut self, session: &WriteSession) -> ApiResult<()> {
        let rows = std::mem::take(&mut self.updates);
        let expected = rows.len() as u64;
        let changed =
            update_rows::<opdracht::Entity>(session.tx(), opdracht::Column::Id, rows).await?;
        if changed != expected {
            return Err(ApiError::Internal(format!(
                "{changed} of {expected} changed opdrachten written"
            )));
        }
        Ok(())
    }

    /// Deletes the withdrawn opdrachten, a list of ids per statement.
    async fn delete_all(&self, session: &WriteSession) -> ApiResult<()> {
        for chunk in self.deleted.chunks(super::write::IDS_PER_LIST) {
            opdracht::Entity::delete_many()
                .filter(opdracht::Column::Id.is_in(chunk.iter().copied()))
                .exec(session.tx())
                .await?;
        }
        Ok(())
    }

    /// Inserts the new opdrachten in bulk and logs them, with their ids: on PostgreSQL as the
    /// insert returns them, elsewhere read back by their key (independent of the order in which
    /// a multi-row insert reports them).
    async fn insert_all(
        &mut self,
        session: &WriteSession,
        request: &SyncRequest,
        reports: &mut [ItemReport],
    ) -> ApiResult<()> {
        if self.inserts.is_empty() {
            return Ok(());
        }
        let extern_id = |index: usize| &request.items[index].extern_id;
        let rows = std::mem::take(&mut self.inserts);
        let tx = session.tx();
        let mut new: HashMap<String, opdracht::Model> =
            if tx.get_database_backend() == DatabaseBackend::Postgres {
                insert_returning::<opdracht::Entity>(tx, rows)
                    .await?
                    .into_iter()
                    .filter_map(|m| Some((m.extern_id.clone()?, m)))
                    .collect()
            } else {
                insert_rows::<opdracht::Entity>(tx, rows).await?;
                let new_ids: Vec<String> = self
                    .inserted
                    .iter()
                    .map(|(i, _)| extern_id(*i).clone())
                    .collect();
                by_extern_id(session, self.eigenaar, &new_ids).await?
            };
        for (index, fields) in std::mem::take(&mut self.inserted) {
            let model = new
                .remove(extern_id(index))
                .ok_or_else(|| ApiError::Internal("inserted opdracht not found".into()))?;
            reports[index].1 = Some(model.id);
            let after = snapshot(&model, &fields);
            let audience = opdracht::Entity::feed_audience(&model, &after);
            let entry = self.entry(model.id, Actie::Created, 1, None, Some(after), audience);
            self.log.push(entry);
            self.linked.push((model.id, fields));
        }
        Ok(())
    }
}

/// `fields` without the institutions in `withdrawn` (those that withdrew as uitvoerder of the
/// stored opdracht), with a message per institution left out for item `index`.
async fn without_withdrawn(
    session: &WriteSession,
    fields: &OpdrachtValues,
    withdrawn: Option<&BTreeSet<i32>>,
    index: usize,
    notices: &mut HashMap<usize, Vec<FieldProblem>>,
) -> ApiResult<OpdrachtValues> {
    let mut kept = fields.clone();
    for org in withdrawn.into_iter().flatten() {
        if kept.uitvoerders.remove(org) {
            let naam = session.organisatie(*org).await?.map(|o| o.naam);
            notices.entry(index).or_default().push(FieldProblem {
                field: format!("opdrachten[{index}].uitvoerders"),
                message: format!(
                    "{} withdrew as uitvoerder of this opdracht and was left out; it cannot \
                         be named again",
                    naam.unwrap_or_default()
                ),
            });
        }
    }
    Ok(kept)
}

/// The opdrachten of `eigenaar` with one of `extern_ids`, by `externId`: on PostgreSQL one
/// index probe on (owner, externId) per key ([`probe`]), elsewhere `IN` lists.
async fn by_extern_id(
    session: &WriteSession,
    eigenaar: i32,
    extern_ids: &[String],
) -> ApiResult<HashMap<String, opdracht::Model>> {
    let tx = session.tx();
    let found = if tx.get_database_backend() == DatabaseBackend::Postgres {
        if extern_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let statement = probe::<opdracht::Entity>(
            "\"eigenaar_id\" = $2 AND \"extern_id\" = p.key",
            Value::from(extern_ids.to_vec()),
            &[eigenaar.into()],
            "t.\"id\"",
        );
        opdracht::Entity::find()
            .from_raw_sql(statement)
            .all(tx)
            .await?
    } else {
        let mut found = Vec::new();
        for chunk in extern_ids.chunks(super::write::IDS_PER_LIST) {
            found.extend(
                opdracht::Entity::find()
                    .filter(opdracht::Column::EigenaarId.eq(eigenaar))
                    .filter(opdracht::Column::ExternId.is_in(chunk.iter().cloned()))
                    .all(tx)
                    .await?,
            );
        }
        found
    };
    Ok(found
        .into_iter()
        .filter_map(|m| Some((m.extern_id.clone()?, m)))
        .collect())
}

/// Replaces the themes and executing institutions of the given opdrachten: one delete and one
/// multi-row insert per link table.
async fn replace_links(
    session: &WriteSession,
    opdrachten: &[(i32, OpdrachtValues)],
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
    super::write::replace_link_rows::<opdracht_thema::Entity>(
        session.tx(),
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
    super::write::replace_link_rows::<opdracht_uitvoerder::Entity>(
        session.tx(),
        opdracht_uitvoerder::Column::OpdrachtId,
        ids,
        uitvoerders,
    )
    .await
}

/// The change-log snapshot of an opdracht with the given links (the same shape
/// [`Writable::link_sets`] gives, so sync and single mutations log alike).
fn snapshot(model: &opdracht::Model, fields: &OpdrachtValues) -> Map<String, Value> {
    let mut links = Map::new();
    links.insert(
        "themas".into(),
        Value::Array(fields.themas.iter().cloned().map(Value::from).collect()),
    );
    let mut uitvoerders: Vec<Value> = fields.uitvoerders.iter().map(|o| Value::from(*o)).collect();
    uitvoerders.sort_by_key(|v| v.to_string());
    links.insert("uitvoerders".into(), Value::Array(uitvoerders));
    super::write::record_snapshot::<opdracht::Entity>(model, links)
}
