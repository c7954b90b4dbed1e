//! Writing: [`WriteSession`], the only way to change data.
//!
//! A session is a database transaction opened from a [`Scope`], so it knows the principal and
//! applies the same rules as reading: a row the caller may not see is `NOT_FOUND`, a row it may
//! see but not change is `FORBIDDEN` (the [`Policy::bewerken`] rule, evaluated in SQL on the
//! row), a stale `versie` is `CONFLICT`, and a new row must be owned by an organisation the
//! caller may create records for ([`Policy::mag_aanmaken`]). Nothing is written until
//! [`WriteSession::commit`]; dropping a session (an error anywhere, a cancelled request) rolls
//! everything back, so a failed mutation or batch changes nothing.
//!
//! Every change appends an entry to the change log (`wijzigingen`) in the same transaction:
//! who, when, which record, the changed fields before and after, and via which operation.
//!
//! Writers take turns: one per process (a mutex) and, on PostgreSQL, one per database (a
//! transaction-scoped advisory lock, for several instances). Writes are short and rare next to
//! reads, and taking turns buys three things at once: change-log numbers are assigned and
//! committed in order, so a feed reader that has seen number N has seen everything before it;
//! two clients syncing the same source cannot both insert the same `externId`; and a version
//! check cannot race with another update. Readers never wait for writers.

use super::entities::koppelingen::{opdracht_intrekking, opdracht_uitvoerder};
use super::entities::wijziging::{self, betrokkene, regio as wijziging_regio};
use super::entities::{opdracht, organisatie, thema};
use super::policy::{FeedAudience, Field, Policy, Row};
use super::scope::{Scope, select_visible};
use super::writes::{LinkSet, Reference};
use crate::auth::Principal;
use crate::domain::{
    Actie, DeelnemerRol, OrganisatieSleutel, OrganisatieSoort, Reactie, RecordType, Regio,
};
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue, ColumnTrait, Condition, ConnectionTrait,
    DatabaseBackend, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, TryIntoModel,
};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use tokio::sync::OwnedMutexGuard;

/// The PostgreSQL advisory lock key writers take turns on (any constant; "iPSw").
const WRITE_LOCK_KEY: i64 = 0x6950_5377;
/// Bound parameters per statement: below both databases' limits (SQLite 32766, PostgreSQL
/// 65535). Multi-row inserts take as many rows as fit: fewer, larger statements are what makes
/// a batch of 1000 cheap on PostgreSQL, where every statement is a round trip.
pub(super) const MAX_PARAMETERS: usize = 30_000;
/// Ids per `IN (...)` list.
pub(super) const IDS_PER_LIST: usize = 1000;

/// A replacement of one set of links of a record. Which table it goes to depends on the record
/// type (see [`Writable::link_sets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkUpdate {
    /// Theme codes.
    Themas(BTreeSet<String>),
    /// Linked organisations: partners of a lectoraat or minor, members of a community,
    /// executing institutions of an opdracht.
    Organisaties(BTreeSet<i32>),
    /// Participants of a fieldlab with their role.
    Deelnemers(Vec<(i32, DeelnemerRol)>),
    /// Fieldlabs of a lectoraat.
    Fieldlabs(BTreeSet<i32>),
    /// Regions of a fieldlab or vraagstuk.
    Regios(BTreeSet<Regio>),
    /// Opdrachten that answer a vraagstuk.
    Opdrachten(BTreeSet<i32>),
    /// The institutions' answers to a vraagstuk: organisation, answer, note.
    Reacties(Vec<(i32, Reactie, Option<String>)>),
    /// The kennismakelaars (their entries in the directory) that handle a vraagstuk.
    Makelaars(BTreeSet<i32>),
}

/// One entry for the change log, before it is numbered.
#[derive(Debug)]
pub(super) struct LogEntry {
    pub record_type: RecordType,
    pub record_id: i32,
    pub eigenaar_id: i32,
    pub actie: Actie,
    pub versie: i32,
    pub voor: Option<Map<String, Value>>,
    pub na: Option<Map<String, Value>>,
    /// Who sees the change in the feed: those who may see the record before or after it.
    pub audience: FeedAudience,
}

/// A write transaction of one caller. See the module docs.
pub struct WriteSession {
    tx: DatabaseTransaction,
    principal: Principal,
    operatie: String,
    bron: Option<String>,
    now: DateTime<Utc>,
    log: Vec<LogEntry>,
    changes: super::signal::ChangeSignal,
    _slot: OwnedMutexGuard<()>,
}

impl Scope {
    /// Opens a write session for the operation `operatie` (a mutation's name, recorded in the
    /// change log). Anonymous callers cannot write.
    pub async fn write_session(&self, operatie: &str) -> ApiResult<WriteSession> {
        let principal = self.principal().cloned().ok_or_else(|| {
            ApiError::Unauthenticated("sign in to change data: send a bearer token".into())
        })?;
        let slot = self.write_lock().lock_owned().await;
        // The database's write lock, taken at once, so writers of other processes take turns
        // too: SQLite `BEGIN IMMEDIATE` (waiting up to the busy timeout), PostgreSQL the
        // advisory lock (waiting up to `lock_timeout`). Either way a writer that cannot have it
        // in time gets `TIMEOUT`, never a half-done write.
        let tx = self
            .conn()
            .begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        if tx.get_database_backend() == DatabaseBackend::Postgres {
            tx.execute_unprepared(&format!(
                "SET LOCAL lock_timeout = '{}ms'",
                super::WRITE_LOCK_TIMEOUT.as_millis()
            ))
            .await?;
            tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"))
                .await?;
        }
        Ok(WriteSession {
            tx,
            principal,
            operatie: operatie.to_owned(),
            bron: None,
            now: Utc::now(),
            log: Vec::new(),
            changes: self.change_signal(),
            _slot: slot,
        })
    }
}

impl WriteSession {
    /// The caller.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// Records the source system of a sync in the change log.
    pub fn with_source(&mut self, bron: &str) {
        self.bron = Some(bron.to_owned());
    }

    pub(super) fn tx(&self) -> &DatabaseTransaction {
        &self.tx
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The day of the session's moment (UTC).
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.date_naive()
    }

    pub(super) fn log(&mut self, entry: LogEntry) {
        self.log.push(entry);
    }

    /// Writes the change log and commits. Nothing of the session is visible before this.
    pub async fn commit(self) -> ApiResult<()> {
        write_log(
            &self.tx,
            &self.principal,
            &self.operatie,
            self.bron.as_deref(),
            self.now,
            self.log,
        )
        .await?;
        self.tx.commit().await?;
        self.changes.raise();
        Ok(())
    }

    /// The organisation with `id`, if there is one (organisations are public).
    pub async fn organisatie(&self, id: i32) -> ApiResult<Option<organisatie::Model>> {
        Ok(organisatie::Entity::find_by_id(id).one(&self.tx).await?)
    }

    /// The organisations with one of `ids`, by id, in one query per 1000 ids.
    pub async fn organisaties(
        &self,
        ids: &[i32],
    ) -> ApiResult<std::collections::HashMap<i32, organisatie::Model>> {
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(IDS_PER_LIST) {
            for org in organisatie::Entity::find()
                .filter(organisatie::Column::Id.is_in(chunk.iter().copied()))
                .all(&self.tx)
                .await?
            {
                out.insert(org.id, org);
            }
        }
        Ok(out)
    }

    /// Codes of all themes.
    pub async fn thema_codes(&self) -> ApiResult<HashSet<String>> {
        Ok(thema::Entity::find()
            .all(&self.tx)
            .await?
            .into_iter()
            .map(|t| t.code)
            .collect())
    }

    /// Which of `ids` are rows of `E` the caller may see (to check the records a write links
    /// to: you cannot link to what you cannot see).
    pub async fn visible_ids<E: Policy>(&self, ids: &[i32]) -> ApiResult<HashSet<i32>>
    where
        E::Model: Sync,
    {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let rows: Vec<Row<E::Model>> = select_visible::<E>(
            Some(&self.principal),
            Condition::all().add(E::id().is_in(ids.iter().copied())),
        )
        .into_model()
        .all(&self.tx)
        .await?;
        Ok(rows.iter().map(|r| E::id_of(&r.model)).collect())
    }

    /// The ids of the rows of `E` the caller may see with one of `kenmerken` in `field` (its
    /// kenmerk: fieldlabs, lectoraten, minoren, vraagstukken), by kenmerk; only rows on which
    /// the caller may read that field (a vraagstuk's kenmerk is not public), so a kenmerk the
    /// caller may not read finds nothing.
    pub async fn ids_by_kenmerk<E: Policy>(
        &self,
        field: &Field<E, Option<String>>,
        kenmerken: &[String],
    ) -> ApiResult<HashMap<String, i32>>
    where
        E::Model: Sync,
    {
        let Some(column) = field.column() else {
            return Ok(HashMap::new());
        };
        if kenmerken.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<Row<E::Model>> = select_visible::<E>(
            Some(&self.principal),
            Condition::all().add(column.is_in(kenmerken.iter().cloned())),
        )
        .into_model()
        .all(&self.tx)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r.get(field).flatten()?, r.id())))
            .collect())
    }

    /// Whether a row of `E` the caller may see matches `filter` (for uniqueness checks with a
    /// clear message).
    pub async fn exists<E: Policy>(&self, filter: Condition) -> ApiResult<bool>
    where
        E::Model: Sync,
    {
        let row: Option<Row<E::Model>> = select_visible::<E>(Some(&self.principal), filter)
            .into_model()
            .one(&self.tx)
            .await?;
        Ok(row.is_some())
    }

    /// Organisations by natural key (OIN or schacHome), in one query.
    pub async fn organisaties_by_key(
        &self,
        keys: &[OrganisatieSleutel],
    ) -> ApiResult<Vec<organisatie::Model>> {
        let mut oins = Vec::new();
        let mut schacs = Vec::new();
        for s in keys {
            match s {
                OrganisatieSleutel::Oin(o) => oins.push(o.as_str().to_owned()),
                OrganisatieSleutel::SchacHome(h) => schacs.push(h.as_str().to_owned()),
            }
        }
        if oins.is_empty() && schacs.is_empty() {
            return Ok(Vec::new());
        }
        Ok(organisatie::Entity::find()
            .filter(
                Condition::any()
                    .add(organisatie::Column::Oin.is_in(oins))
                    .add(organisatie::Column::SchacHome.is_in(schacs)),
            )
            .all(&self.tx)
            .await?)
    }

    /// The row of `E` with `id`, which the caller is about to change or delete: `NOT_FOUND` if
    /// the caller may not see it, `FORBIDDEN` if it may see but not change it, `CONFLICT` if
    /// its version is not `versie`.
    pub async fn for_update<E: Policy>(&self, id: i32, versie: i32) -> ApiResult<E::Model>
    where
        E::Model: Sync,
    {
        let row: Option<Row<E::Model>> =
            select_visible::<E>(Some(&self.principal), Condition::all().add(E::id().eq(id)))
                .into_model()
                .one(&self.tx)
                .await?;
        let row = row.ok_or_else(|| ApiError::NotFound(E::NAME.to_owned()))?;
        if !row.rights.edit {
            return Err(ApiError::Forbidden(format!(
                "you may see this {} but not change it: that takes the role {} of its owner \
                 organisation, or the programme office",
                E::NAME,
                E::EDITORS
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        }
        let current = E::version_of(&row.model);
        if current != versie {
            return Err(ApiError::Conflict {
                message: format!(
                    "this {} changed since you read it (you sent versie {versie}, it is now at \
                     {current}); read it again and reapply your change",
                    E::NAME
                ),
                current_version: current,
            });
        }
        Ok(row.model)
    }

    /// Checks that the caller may create a record of `E` owned by organisation `eigenaar`:
    /// `BAD_USER_INPUT` (field `field`) if there is no such organisation or it cannot own this
    /// kind of record, `FORBIDDEN` if it is not the caller's to create records for.
    pub async fn check_owner<E: Writable>(
        &self,
        field: &str,
        eigenaar: i32,
    ) -> ApiResult<organisatie::Model> {
        let org = self
            .organisatie(eigenaar)
            .await?
            .ok_or_else(|| ApiError::bad_input(field, "no such organisation"))?;
        if !E::may_create(&self.principal, org.id) {
            let who = match E::EDITORS {
                [] => "only the programme office creates them".to_owned(),
                roles => format!(
                    "you can only create records of your own organisation, with the role {}",
                    roles
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            };
            return Err(ApiError::Forbidden(format!(
                "you may not create a {} owned by {}: {who}",
                E::NAME,
                org.naam
            )));
        }
        if !E::OWNER_KINDS.contains(&org.soort) {
            return Err(ApiError::bad_input(
                field,
                format!(
                    "a {} is owned by a {}; {} is not one",
                    E::NAME,
                    E::OWNER_KINDS
                        .iter()
                        .map(|s| s.naam())
                        .collect::<Vec<_>>()
                        .join(" or "),
                    org.naam
                ),
            ));
        }
        Ok(org)
    }

    /// Inserts a row of `E` owned by `eigenaar` (checked with [`Self::check_owner`]
    /// first) with its links, and logs it.
    pub async fn create<E: Writable>(
        &mut self,
        eigenaar: i32,
        mut am: E::ActiveModel,
        links: &[LinkUpdate],
    ) -> ApiResult<E::Model> {
        self.check_owner::<E>("eigenaar", eigenaar).await?;
        if sea_orm::IdenStatic::as_str(&E::owner()) != sea_orm::IdenStatic::as_str(&E::id()) {
            am.set(E::owner(), eigenaar.into());
        }
        am.set(E::version(), 1.into());
        am.set(E::changed_at(), self.now.into());
        am.set(E::created_at(), self.now.into());
        let model = am.insert(&self.tx).await?;
        let id = E::id_of(&model);
        for link in links {
            replace_links::<E>(&self.tx, &[id], link).await?;
        }
        let na = record_snapshot::<E>(&model, links_snapshot::<E>(&self.tx, id).await?);
        self.log(LogEntry {
            record_type: E::TYPE,
            record_id: id,
            eigenaar_id: E::owner_of(&model),
            actie: Actie::Created,
            versie: 1,
            audience: E::feed_audience(&model, &na),
            voor: None,
            na: Some(na),
        });
        Ok(model)
    }

    /// Changes the row `voor` (from [`Self::for_update`]) to `am` (built from `voor` with the
    /// changed fields set) and replaces the given links. When nothing actually changes, nothing
    /// is written: no new version, no log entry.
    pub async fn update<E: Writable>(
        &mut self,
        voor: E::Model,
        mut am: E::ActiveModel,
        links: &[LinkUpdate],
    ) -> ApiResult<E::Model> {
        let id = E::id_of(&voor);
        let before = record_snapshot::<E>(&voor, links_snapshot::<E>(&self.tx, id).await?);
        for link in links {
            replace_links::<E>(&self.tx, &[id], link).await?;
        }
        let mut after_model = am.clone().try_into_model()?;
        let after = record_snapshot::<E>(&after_model, links_snapshot::<E>(&self.tx, id).await?);
        let Some((before_fields, after_fields)) = diff(&before, &after) else {
            return Ok(voor);
        };
        let versie = E::version_of(&voor) + 1;
        am.set(E::version(), versie.into());
        am.set(E::changed_at(), self.now.into());
        // `update_many` does not run the entity's save hook, which keeps computed columns (the
        // name key) in step: run it here.
        am = am.before_save(&self.tx, false).await?;
        let result = E::update_many()
            .set(am.clone())
            .filter(E::id().eq(id))
            .filter(E::version().eq(E::version_of(&voor)))
            .exec(&self.tx)
            .await?;
        if result.rows_affected != 1 {
            return Err(ApiError::Internal(format!(
                "{} {id} changed under the write lock",
                E::NAME
            )));
        }
        after_model = am.try_into_model()?;
        let audience =
            E::feed_audience(&voor, &before).union(E::feed_audience(&after_model, &after));
        self.log(LogEntry {
            record_type: E::TYPE,
            record_id: id,
            eigenaar_id: E::owner_of(&voor),
            actie: Actie::Updated,
            versie,
            voor: Some(before_fields),
            na: Some(after_fields),
            audience,
        });
        Ok(after_model)
    }

    /// Deletes the row of `E` with `id` at version `versie`, with its links, and logs it with
    /// its last state (docs/access.md, "Deleting what others point at"). Records of the
    /// caller's own organisation that point at the row block the delete (`CONFLICT`, counting
    /// only those: the caller sees them and can unlink them itself); records of other
    /// organisations that point at it are unlinked in the same transaction, each with its own
    /// change-log entry (a new version), so their owners see it in the feed and the audit
    /// trail. Nothing the caller cannot see is counted or named.
    pub async fn delete<E: Writable>(&mut self, id: i32, versie: i32) -> ApiResult<()> {
        let voor = self.for_update::<E>(id, versie).await?;
        let mut own = Vec::new();
        for reference in E::references() {
            own.extend(
                reference
                    .count_own(&self.tx, id, self.principal.organisatie_id)
                    .await?,
            );
        }
        if !own.is_empty() {
            return Err(ApiError::Conflict {
                message: format!(
                    "this {} cannot be deleted while {} of your organisation refer to it; unlink \
                     those first (records of other organisations that refer to it are unlinked \
                     when it is deleted)",
                    E::NAME,
                    own.join(" and ")
                ),
                current_version: versie,
            });
        }
        for reference in E::references() {
            reference.unlink(self, id).await?;
        }
        let before = record_snapshot::<E>(&voor, links_snapshot::<E>(&self.tx, id).await?);
        E::delete_many()
            .filter(E::id().eq(id))
            .exec(&self.tx)
            .await?;
        self.log(LogEntry {
            record_type: E::TYPE,
            record_id: id,
            eigenaar_id: E::owner_of(&voor),
            actie: Actie::Deleted,
            versie,
            audience: E::feed_audience(&voor, &before),
            voor: Some(before),
            na: None,
        });
        Ok(())
    }
}

impl WriteSession {
    /// The caller's kennisinstelling withdraws itself as uitvoerder of opdracht `id`
    /// (docs/access.md, "Withdrawing as uitvoerder"): `NOT_FOUND` if the caller may not see the
    /// opdracht; `FORBIDDEN` if its organisation is not an uitvoerder of it, owns it (the owner
    /// edits its uitvoerders with an update), or the role is not beheerder or medewerker. The
    /// opdracht gets a new version with the change logged (the withdrawn institution receives
    /// a tombstone in its feed), and the withdrawal is recorded so that the owner cannot name
    /// the institution again ([`Self::withdrawn`]).
    pub async fn withdraw_uitvoerder(&mut self, id: i32) -> ApiResult<()> {
        let org = self.principal.organisatie_id;
        let row: Option<Row<opdracht::Model>> = select_visible::<opdracht::Entity>(
            Some(&self.principal),
            Condition::all().add(opdracht::Column::Id.eq(id)),
        )
        .into_model()
        .one(&self.tx)
        .await?;
        let model = row
            .ok_or_else(|| ApiError::NotFound("Opdracht".to_owned()))?
            .model;
        let uitvoerders: BTreeSet<i32> = links_of::<opdracht_uitvoerder::Entity>(
            &self.tx,
            opdracht_uitvoerder::Column::OpdrachtId,
            &[id],
        )
        .await?
        .into_iter()
        .map(|l| l.organisatie_id)
        .collect();
        if model.eigenaar_id == org {
            return Err(ApiError::Forbidden(
                "your organisation owns this opdracht: change its uitvoerders with updateOpdracht"
                    .into(),
            ));
        }
        if !uitvoerders.contains(&org) {
            return Err(ApiError::Forbidden(
                "your organisation is not an uitvoerder of this opdracht; only an executing \
                 institution can withdraw itself"
                    .into(),
            ));
        }
        if !<opdracht::Entity as Policy>::EDITORS.contains(&self.principal.rol) {
            return Err(ApiError::Forbidden(
                "withdrawing as uitvoerder takes the role beheerder or medewerker of the \
                 executing institution"
                    .into(),
            ));
        }
        let rest = uitvoerders.into_iter().filter(|o| *o != org).collect();
        let am = model.clone().into_active_model();
        self.update::<opdracht::Entity>(model, am, &[LinkUpdate::Organisaties(rest)])
            .await?;
        insert_rows::<opdracht_intrekking::Entity>(
            &self.tx,
            vec![opdracht_intrekking::ActiveModel {
                opdracht_id: ActiveValue::Set(id),
                organisatie_id: ActiveValue::Set(org),
            }],
        )
        .await
    }

    /// Per opdracht among `ids`, the institutions that withdrew as its uitvoerder: they are not
    /// named again (an update naming one is refused; a sync leaves it out and says so).
    pub async fn withdrawn(&self, ids: &[i32]) -> ApiResult<HashMap<i32, BTreeSet<i32>>> {
        let mut out: HashMap<i32, BTreeSet<i32>> = HashMap::new();
        for l in links_of::<opdracht_intrekking::Entity>(
            &self.tx,
            opdracht_intrekking::Column::OpdrachtId,
            ids,
        )
        .await?
        {
            out.entry(l.opdracht_id)
                .or_default()
                .insert(l.organisatie_id);
        }
        Ok(out)
    }
}

/// Appends the session's log entries, numbered after the last one (writers take turns, so the
/// numbers are dense and committed in order).
async fn write_log(
    tx: &DatabaseTransaction,
    principal: &Principal,
    operatie: &str,
    bron: Option<&str>,
    now: DateTime<Utc>,
    log: Vec<LogEntry>,
) -> ApiResult<()> {
    if log.is_empty() {
        return Ok(());
    }
    let last: Option<i64> = wijziging::Entity::find()
        .select_only()
        .column_as(wijziging::Column::Id.max(), "max")
        .into_tuple::<Option<i64>>()
        .one(tx)
        .await?
        .flatten();
    let mut entries = Vec::with_capacity(log.len());
    let mut involved = Vec::new();
    let mut regios = Vec::new();
    for (id, entry) in (last.unwrap_or(0) + 1..).zip(log) {
        let audience = &entry.audience;
        if !audience.public {
            involved.extend(
                audience
                    .organisaties
                    .iter()
                    .map(|org| betrokkene::ActiveModel {
                        wijziging_id: ActiveValue::Set(id),
                        organisatie_id: ActiveValue::Set(*org),
                    }),
            );
            regios.extend(
                audience
                    .regios
                    .iter()
                    .map(|r| wijziging_regio::ActiveModel {
                        wijziging_id: ActiveValue::Set(id),
                        regio: ActiveValue::Set(r.clone()),
                    }),
            );
        }
        entries.push(wijziging::ActiveModel {
            id: ActiveValue::Set(id),
            tijdstip: ActiveValue::Set(now),
            actor_subject: ActiveValue::Set(principal.subject.clone()),
            actor_organisatie_id: ActiveValue::Set(principal.organisatie_id),
            actor_rol: ActiveValue::Set(principal.rol.as_str().to_owned()),
            operatie: ActiveValue::Set(operatie.to_owned()),
            bron: ActiveValue::Set(bron.map(str::to_owned)),
            record_type: ActiveValue::Set(entry.record_type),
            record_id: ActiveValue::Set(entry.record_id),
            eigenaar_id: ActiveValue::Set(entry.eigenaar_id),
            actie: ActiveValue::Set(entry.actie),
            versie: ActiveValue::Set(entry.versie),
            voor: ActiveValue::Set(entry.voor.map(|v| Value::Object(v).to_string())),
            na: ActiveValue::Set(entry.na.map(|v| Value::Object(v).to_string())),
            publiek: ActiveValue::Set(entry.audience.public),
        });
    }
    insert_rows::<wijziging::Entity>(tx, entries).await?;
    insert_rows::<betrokkene::Entity>(tx, involved).await?;
    insert_rows::<wijziging_regio::Entity>(tx, regios).await
}

/// Inserts `rows` (all with the same columns set): on PostgreSQL as one
/// `INSERT … SELECT … FROM json_populate_recordset(…)` with the rows as a single JSON parameter,
/// elsewhere as multi-row `INSERT`s of as many rows as fit in [`MAX_PARAMETERS`].
///
/// Why JSON on PostgreSQL: a multi-row `INSERT` of 1,000 rows binds 20,000 parameters, and
/// PostgreSQL parses and plans such a statement anew on every pooled connection; a sync batch
/// spent most of its time there (BENCHMARKS.md). With one JSON parameter the statement is the
/// same small one for any number of rows, and NULLs need no special care (array parameters
/// cannot hold them through sea-query).
pub(super) async fn insert_rows<L: EntityTrait>(
    db: &impl ConnectionTrait,
    rows: Vec<L::ActiveModel>,
) -> ApiResult<()>
where
    L::ActiveModel: ActiveModelTrait<Entity = L> + Send,
{
    if rows.is_empty() {
        return Ok(());
    }
    if db.get_database_backend() == DatabaseBackend::Postgres {
        return insert_json::<L>(db, rows).await;
    }
    let columns = <L::Column as sea_orm::Iterable>::iter().count().max(1);
    let per_insert = (MAX_PARAMETERS / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(per_insert).collect();
        L::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// A column value as JSON, in the text form PostgreSQL reads back into the column's type.
fn as_json(value: sea_orm::Value) -> ApiResult<Value> {
    use sea_orm::Value as V;
    Ok(match value {
        V::Bool(b) => b.map_or(Value::Null, Value::from),
        V::Int(n) => n.map_or(Value::Null, Value::from),
        V::BigInt(n) => n.map_or(Value::Null, Value::from),
        V::String(s) => s.map_or(Value::Null, Value::from),
        V::ChronoDate(d) => d.map_or(Value::Null, |d| Value::from(d.to_string())),
        V::ChronoDateTimeUtc(t) => t.map_or(Value::Null, |t| Value::from(t.to_rfc3339())),
        other => {
            return Err(ApiError::Internal(format!(
                "no JSON form for the column value {other:?}"
            )));
        }
    })
}

/// PostgreSQL: `INSERT INTO t (c…) SELECT c… FROM json_populate_recordset(NULL::t, $1::json)`.
async fn insert_json<L: EntityTrait>(
    db: &impl ConnectionTrait,
    rows: Vec<L::ActiveModel>,
) -> ApiResult<()>
where
    L::ActiveModel: ActiveModelTrait<Entity = L> + Send,
{
    db.execute_raw(insert_statement::<L>(&rows, "")?).await?;
    Ok(())
}

/// PostgreSQL: inserts `rows` as [`insert_rows`] does, in one statement, and returns them as
/// stored (`RETURNING *`: their ids without reading them back).
pub(super) async fn insert_returning<L: EntityTrait>(
    db: &impl ConnectionTrait,
    rows: Vec<L::ActiveModel>,
) -> ApiResult<Vec<L::Model>>
where
    L::ActiveModel: ActiveModelTrait<Entity = L> + Send,
{
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let statement = insert_statement::<L>(&rows, " RETURNING *")?;
    Ok(L::find().from_raw_sql(statement).all(db).await?)
}

/// The statement of [`insert_json`], followed by `tail`.
fn insert_statement<L: EntityTrait>(
    rows: &[L::ActiveModel],
    tail: &str,
) -> ApiResult<sea_orm::Statement>
where
    L::ActiveModel: ActiveModelTrait<Entity = L>,
{
    let (columns, records) = json_records::<L>(rows, None)?;
    let table = L::default().table_name().to_owned();
    let list = columns
        .iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO \"{table}\" ({list}) SELECT {list} \
         FROM json_populate_recordset(NULL::\"{table}\", $1::json){tail}"
    );
    Ok(sea_orm::Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        sql,
        [records],
    ))
}

/// The columns set in any of `rows` (but `except`), and the rows as one JSON array of objects
/// with those columns (a parameter for `json_populate_recordset`). A row must have a value
/// for each of them (set, or unchanged from the stored row).
fn json_records<L: EntityTrait>(
    rows: &[L::ActiveModel],
    except: Option<L::Column>,
) -> ApiResult<(Vec<&'static str>, sea_orm::Value)>
where
    L::ActiveModel: ActiveModelTrait<Entity = L>,
{
    use sea_orm::{IdenStatic, Iterable};
    let skip = except.map(|c| c.as_str());
    let columns: Vec<L::Column> = L::Column::iter()
        .filter(|c| Some(c.as_str()) != skip && rows.iter().any(|r| r.get(*c).is_set()))
        .collect();
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let mut record = Map::new();
        for column in &columns {
            let value = row.get(*column).into_value().ok_or_else(|| {
                ApiError::Internal("rows of one statement differ in their columns".into())
            })?;
            record.insert(column.as_str().to_owned(), as_json(value)?);
        }
        if let Some(key) = except {
            let value = row
                .get(key)
                .into_value()
                .ok_or_else(|| ApiError::Internal("a row to update has no key".into()))?;
            record.insert(key.as_str().to_owned(), as_json(value)?);
        }
        records.push(Value::Object(record));
    }
    let names = columns.iter().map(|c| c.as_str()).collect();
    Ok((
        names,
        sea_orm::Value::from(Value::Array(records).to_string()),
    ))
}

/// Updates `rows` (all with the same columns set, and `key`, which says which row) and returns
/// how many rows changed: on PostgreSQL in one statement,
/// `UPDATE t SET c = j.c, … FROM json_populate_recordset(NULL::t, $1::json) AS j WHERE t.key =
/// j.key`, elsewhere one `UPDATE` per row (cheap on an embedded database; on PostgreSQL each is
/// a round trip and a plan, and 1,000 of them cost a sync batch ~200 ms, BENCHMARKS.md).
pub(super) async fn update_rows<L: EntityTrait>(
    db: &impl ConnectionTrait,
    key: L::Column,
    rows: Vec<L::ActiveModel>,
) -> ApiResult<u64>
where
    L::ActiveModel: ActiveModelTrait<Entity = L> + Send,
{
    use sea_orm::IdenStatic;
    if rows.is_empty() {
        return Ok(0);
    }
    if db.get_database_backend() != DatabaseBackend::Postgres {
        let mut changed = 0;
        for mut row in rows {
            let id = row
                .get(key)
                .into_value()
                .ok_or_else(|| ApiError::Internal("a row to update has no key".into()))?;
            row.not_set(key);
            let result = L::update_many()
                .set(row)
                .filter(key.eq(id))
                .exec(db)
                .await?;
            changed += result.rows_affected;
        }
        return Ok(changed);
    }
    let (columns, records) = json_records::<L>(&rows, Some(key))?;
    let table = L::default().table_name().to_owned();
    let key = key.as_str();
    let set = columns
        .iter()
        .map(|c| format!("\"{c}\" = j.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE \"{table}\" AS t SET {set} \
         FROM json_populate_recordset(NULL::\"{table}\", $1::json) AS j \
         WHERE t.\"{key}\" = j.\"{key}\""
    );
    let result = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            sql,
            [records],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// The record's fields as JSON (without id, timestamps and version), plus its links.
pub(super) fn record_snapshot<E: Writable>(
    model: &E::Model,
    links: Map<String, Value>,
) -> Map<String, Value> {
    let mut fields = match serde_json::to_value(model) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for meta in ["id", "aangemaaktOp", "gewijzigdOp", "versie"] {
        fields.remove(meta);
    }
    fields.extend(links);
    fields
}

/// The fields that differ between two snapshots, before and after; `None` if none do.
pub(super) fn diff(
    voor: &Map<String, Value>,
    na: &Map<String, Value>,
) -> Option<(Map<String, Value>, Map<String, Value>)> {
    let mut before = Map::new();
    let mut after = Map::new();
    let keys: BTreeSet<&String> = voor.keys().chain(na.keys()).collect();
    for key in keys {
        let a = voor.get(key).unwrap_or(&Value::Null);
        let b = na.get(key).unwrap_or(&Value::Null);
        if a != b {
            before.insert(key.clone(), a.clone());
            after.insert(key.clone(), b.clone());
        }
    }
    (!before.is_empty()).then_some((before, after))
}

/// A record type that can be written: who may own it, its sets of links (each a link table,
/// part of the record's snapshot in the change log) and the records that point at it (which
/// a delete unlinks, or which block it). Declared per record type in `super::policy`, next to
/// the record type's access rules.
pub trait Writable:
    Policy
    + EntityTrait<
        Model: Serialize + Sync + IntoActiveModel<<Self as EntityTrait>::ActiveModel>,
        ActiveModel: ActiveModelTrait<Entity = Self>
                         + ActiveModelBehavior
                         + Send
                         + Sync
                         + TryIntoModel<<Self as EntityTrait>::Model>,
    >
{
    /// The kinds of organisation that may own a record of this type.
    const OWNER_KINDS: &'static [OrganisatieSoort];
    /// The record's sets of links.
    fn link_sets() -> Vec<&'static dyn LinkSet>;
    /// The records that point at a row of this type.
    fn references() -> Vec<&'static dyn Reference> {
        Vec::new()
    }
}

/// The record's links as snapshot fields (sorted, so that equal sets compare equal).
async fn links_snapshot<E: Writable>(
    db: &DatabaseTransaction,
    id: i32,
) -> ApiResult<Map<String, Value>> {
    let mut snapshot = Map::new();
    for set in E::link_sets() {
        snapshot.insert(set.key().to_owned(), set.read(db, id).await?);
    }
    Ok(snapshot)
}

/// Replaces one set of links of the records `ids`.
async fn replace_links<E: Writable>(
    db: &DatabaseTransaction,
    ids: &[i32],
    links: &LinkUpdate,
) -> ApiResult<()> {
    for set in E::link_sets() {
        if set.replace(db, ids, links).await? {
            return Ok(());
        }
    }
    Err(ApiError::Internal(format!(
        "{} has no links {links:?}",
        E::NAME
    )))
}

/// Rows of link table `L` whose parent column `parent` is one of `ids`, ordered by all columns.
pub(super) async fn links_of<L: EntityTrait>(
    db: &impl ConnectionTrait,
    parent: L::Column,
    ids: &[i32],
) -> ApiResult<Vec<L::Model>> {
    use sea_orm::IdenStatic;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let order = <L::Column as sea_orm::Iterable>::iter()
            .map(|c| format!("t.\"{}\"", c.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let condition = format!("\"{}\" = p.key::int", parent.as_str());
        let statement = probe::<L>(&condition, Value::from(ids), &[], &order);
        return Ok(L::find().from_raw_sql(statement).all(db).await?);
    }
    let mut rows = Vec::new();
    for chunk in ids.chunks(IDS_PER_LIST) {
        let mut select = L::find().filter(parent.is_in(chunk.iter().copied()));
        for column in <L::Column as sea_orm::Iterable>::iter() {
            select = select.order_by_asc(column);
        }
        rows.extend(select.all(db).await?);
    }
    Ok(rows)
}

/// PostgreSQL: the rows of `L` matching `condition` for each of `keys` (a JSON array; the key
/// is `p.key` in the condition, text; `values` are `$2`, `$3`, …), ordered by `order`: one
/// index probe per key, a nested loop the planner cannot trade for a scan of the table.
///
/// Why: with `IN (…)` lists the plan depends on the table's statistics, and a sync grows the
/// tables faster than autovacuum analyzes them; a plan made for the small table (the owner's
/// rows, each compared with every key) cost up to a second per batch, and keeping the
/// statistics fresh by `ANALYZE` cost 100–300 ms each time (BENCHMARKS.md). The `OFFSET 0`
/// keeps the subquery a subquery, so every key is an index lookup at any table size.
pub(super) fn probe<L: EntityTrait>(
    condition: &str,
    keys: Value,
    values: &[sea_orm::Value],
    order: &str,
) -> sea_orm::Statement {
    let table = L::default().table_name().to_owned();
    let sql = format!(
        "SELECT t.* FROM json_array_elements_text($1::json) AS p(key) \
         CROSS JOIN LATERAL (SELECT * FROM \"{table}\" WHERE {condition} OFFSET 0) AS t \
         ORDER BY {order}"
    );
    let mut params = vec![sea_orm::Value::from(keys.to_string())];
    params.extend(values.iter().cloned());
    sea_orm::Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, params)
}

/// Replaces the rows of link table `L` of the parents `ids` with `rows`.
pub(super) async fn replace_link_rows<L: EntityTrait>(
    db: &impl ConnectionTrait,
    parent: L::Column,
    ids: &[i32],
    rows: Vec<L::ActiveModel>,
) -> ApiResult<()>
where
    L::ActiveModel: ActiveModelTrait<Entity = L> + Send,
{
    for chunk in ids.chunks(IDS_PER_LIST) {
        L::delete_many()
            .filter(parent.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    insert_rows::<L>(db, rows).await
}
