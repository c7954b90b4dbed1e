//! The change log, read two ways: `auditTrail` (who changed what, for owners and the programme
//! office) and `wijzigingen` (the change feed, for clients that mirror records). Who may read
//! which entries is decided in [`crate::db::Scope::audit`] and [`crate::db::Scope::feed`].
//!
//! The feed is not a Relay connection on purpose: a mirroring client polls it, and needs a
//! cursor to continue from even when a page is empty (Relay's `endCursor` is null then).

use super::id::GlobalId;
use super::loaders::OrganisatieById;
use super::node::Node;
use super::organisaties::{Organisatie, typename};
use super::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageInfo, page_size};
use super::types::Timestamp;
use super::{loaders, scope};
use crate::auth::Rol;
use crate::db::AuditFilter;
use crate::db::entities::wijziging;
use crate::domain::{Actie, RecordType};
use crate::error::ApiError;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

/// Seals a change-log number as a cursor for `purpose` (`audit` or `feed`, see [`super::id`]).
fn cursor(purpose: &str, id: i64) -> String {
    super::id::cursor(purpose, &id.to_be_bytes())
}

/// The id of a change-log entry as `typename` shows it (`AuditRegel`, `Wijziging`): sealed like
/// a cursor with the type as its purpose, so that it is opaque, one per entry and type, and
/// neither a cursor nor a record id.
fn entry_id(typename: &str, id: i64) -> ID {
    ID(cursor(typename, id))
}

/// Opens a cursor made by [`cursor`] for `purpose`: `BAD_USER_INPUT` on `field` if it is forged,
/// tampered with or made for something else.
fn change_number(field: &str, purpose: &str, cursor: &str) -> Result<i64, ApiError> {
    super::id::read_cursor(field, purpose, cursor)
        .ok()
        .and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok())
        .map(i64::from_be_bytes)
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            ApiError::bad_input(
                field,
                "not a cursor of this list; use one this API returned",
            )
        })
}

/// The audit trail's page size and the change number it continues after, from `first` and
/// `after`; `BAD_USER_INPUT` for a page too large or a cursor that is not the trail's.
pub(super) fn audit_window(
    first: Option<i32>,
    after: Option<&str>,
) -> Result<(u64, Option<i64>), ApiError> {
    let limit = page_size_of(first, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE)?;
    let after = after
        .map(|a| change_number("after", "audit", a))
        .transpose()?;
    Ok((limit, after))
}

/// The feed's page size and the change number it continues after, from `first`, `after` and
/// the number of record types asked for.
pub(super) fn feed_window(
    first: Option<i32>,
    after: Option<&str>,
    record_types: usize,
) -> Result<(u64, Option<i64>), ApiError> {
    let limit = page_size_of(first, MAX_FEED, DEFAULT_FEED_PAGE)?;
    let max = crate::domain::input::MAX_LIST;
    if let Some(m) = crate::domain::input::list_problem(record_types, max) {
        return Err(ApiError::bad_input("recordTypes", m));
    }
    let after = after
        .map(|a| change_number("after", "feed", a))
        .transpose()?;
    Ok((limit, after))
}

/// `first`, checked against `max`, or `default` when not given.
fn page_size_of(first: Option<i32>, max: usize, default: usize) -> Result<u64, ApiError> {
    Ok(page_size("first", first, max)?.unwrap_or(default) as u64)
}

/// The global id of a record in the change log (organisations are typed by their kind).
async fn record_id(ctx: &Context<'_>, kind: RecordType, id: i32) -> Result<ID> {
    let name = match kind {
        RecordType::Fieldlab => "Fieldlab",
        RecordType::Lectoraat => "Lectoraat",
        RecordType::Minor => "Minor",
        RecordType::Community => "Community",
        RecordType::Opdracht => "Opdracht",
        RecordType::Vraagstuk => "Vraagstuk",
        RecordType::Promotietraject => "Promotietraject",
        RecordType::Bijeenkomst => "Bijeenkomst",
        RecordType::Kennismakelaar => "Kennismakelaar",
        RecordType::Organisatie => loaders(ctx)?
            .load(OrganisatieById::new(id))
            .await?
            .map(|row| typename(&row))
            .unwrap_or("Rijkspartner"),
    };
    Ok(GlobalId::encode(name, id))
}

/// AuditFilter: criteria for the audit trail; all given ones must hold.
#[derive(InputObject, Debug, Clone, Default)]
#[graphql(name = "AuditFilter")]
pub struct AuditFilterInput {
    /// Changes of this record (its global id).
    pub record: Option<ID>,
    /// Changes of records of this type.
    pub record_type: Option<RecordType>,
    /// Changes by this person (the `sub` of their token; at most 255 characters, no control
    /// characters).
    pub actor: Option<String>,
    /// Changes by people of this organisation (its id).
    pub actor_organisatie: Option<ID>,
    /// Changes of this kind.
    pub actie: Option<Actie>,
    /// Changes at or after this instant (in UTC between 1900-01-01 and 2999-12-31).
    pub vanaf: Option<Timestamp>,
    /// Changes before this instant (in UTC between 1900-01-01 and 2999-12-31).
    pub tot: Option<Timestamp>,
}

impl AuditFilterInput {
    pub(super) fn as_filter(&self) -> Result<AuditFilter, ApiError> {
        let mut problems = Vec::new();
        crate::domain::input::form(
            "filter",
            &async_graphql::InputType::to_value(self),
            &[&[("actor", 255)]],
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(ApiError::BadUserInput { problems });
        }
        let record = match &self.record {
            Some(id) => {
                let g = GlobalId::decode("filter.record", id)?;
                Some((g.record_type(), g.id))
            }
            None => None,
        };
        let actor_organisatie = match &self.actor_organisatie {
            Some(id) => Some(GlobalId::decode("filter.actorOrganisatie", id)?.id),
            None => None,
        };
        Ok(AuditFilter {
            record,
            record_type: self.record_type,
            actor: self.actor.clone(),
            actor_organisatie,
            actie: self.actie,
            since: self.vanaf.map(|t| t.0),
            until: self.tot.map(|t| t.0),
        })
    }
}

/// Veldwijziging: one changed field, before and after.
#[derive(SimpleObject, Debug, Clone)]
pub struct Veldwijziging {
    /// The field, by its name in the record's GraphQL type or input (`opdrachtgever`,
    /// `themas`; the contact person as `contactpersoon.naam` and `contactpersoon.email`).
    pub veld: String,
    /// The value before the change, as JSON text (linked records by their global id); null
    /// when the record was created.
    pub voor: Option<String>,
    /// The value after the change, as JSON text (linked records by their global id); null
    /// when the record was deleted.
    pub na: Option<String>,
}

/// Auditregel: one entry of the audit trail.
pub struct AuditRegel(wijziging::Model);

fn fields_of(json: Option<&String>) -> serde_json::Map<String, serde_json::Value> {
    match json.and_then(|j| serde_json::from_str(j).ok()) {
        Some(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

/// Auditregel: one entry of the audit trail: who changed which record when, how, and what.
#[Object]
impl AuditRegel {
    /// The entry's own id (one per entry; not a record id: `node` does not take it).
    async fn id(&self) -> ID {
        entry_id("AuditRegel", self.0.id)
    }

    /// Sequence number of the change (increasing; also the change feed's order).
    async fn volgnummer(&self) -> String {
        self.0.id.to_string()
    }

    /// When the change was committed (UTC).
    async fn tijdstip(&self) -> Timestamp {
        Timestamp(self.0.tijdstip)
    }

    /// Who made it: the `sub` of their token.
    async fn actor(&self) -> &String {
        &self.0.actor_subject
    }

    /// The organisation the actor acted for.
    async fn actor_organisatie(&self, ctx: &Context<'_>) -> Result<Option<Organisatie>> {
        Ok(loaders(ctx)?
            .load(OrganisatieById::new(self.0.actor_organisatie_id))
            .await?
            .map(Organisatie::from))
    }

    /// The actor's role (PROGRAMMABUREAU, BEHEERDER or MEDEWERKER: the roles that write).
    async fn actor_rol(&self) -> Result<Rol> {
        Ok(self.0.actor_rol.parse().map_err(|_| {
            ApiError::Internal(format!(
                "change {} has the unknown role {:?}",
                self.0.id, self.0.actor_rol
            ))
        })?)
    }

    /// The mutation that made the change (`updateFieldlab`, `syncOpdrachten`...).
    async fn operatie(&self) -> &String {
        &self.0.operatie
    }

    /// For a sync: the source system the batch came from.
    async fn bron(&self) -> Option<&String> {
        self.0.bron.as_ref()
    }

    /// The type of the changed record.
    async fn record_type(&self) -> RecordType {
        self.0.record_type
    }

    /// The global id of the changed record (it may no longer exist).
    async fn record_id(&self, ctx: &Context<'_>) -> Result<ID> {
        record_id(ctx, self.0.record_type, self.0.record_id).await
    }

    /// What the change did.
    async fn actie(&self) -> Actie {
        self.0.actie
    }

    /// The record's version after the change (for a delete: the last version).
    async fn versie(&self) -> i32 {
        self.0.versie
    }

    /// The changed fields, before and after (all fields for a create or a delete), by name.
    async fn veldwijzigingen(&self, ctx: &Context<'_>) -> Result<Vec<Veldwijziging>> {
        let voor = fields_of(self.0.voor.as_ref());
        let na = fields_of(self.0.na.as_ref());
        let fields = super::field_changes::translate(ctx, self.0.record_type, &voor, &na).await?;
        Ok(fields
            .into_iter()
            .map(|(veld, voor, na)| Veldwijziging {
                veld,
                voor: voor.map(|v| v.to_string()),
                na: na.map(|v| v.to_string()),
            })
            .collect())
    }
}

/// AuditEdge: an entry of the audit trail with its cursor.
#[derive(SimpleObject)]
pub struct AuditEdge {
    /// Cursor of this entry, for `after`.
    cursor: String,
    /// The entry.
    node: AuditRegel,
}

/// AuditConnection: a page of the audit trail, newest first.
pub struct AuditConnection {
    edges: Vec<(String, wijziging::Model)>,
    has_next_page: bool,
    total_count: u64,
}

/// AuditConnection: a page of the audit trail, newest first.
#[Object]
impl AuditConnection {
    /// The entries of this page with their cursors.
    async fn edges(&self) -> Vec<AuditEdge> {
        self.edges
            .iter()
            .map(|(c, m)| AuditEdge {
                cursor: c.clone(),
                node: AuditRegel(m.clone()),
            })
            .collect()
    }

    /// The entries of this page.
    async fn nodes(&self) -> Vec<AuditRegel> {
        self.edges
            .iter()
            .map(|(_, m)| AuditRegel(m.clone()))
            .collect()
    }

    /// Paging information (forward only: newest first, continue with `after: endCursor`).
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next_page,
            has_previous_page: false,
            start_cursor: self.edges.first().map(|(c, _)| c.clone()),
            end_cursor: self.edges.last().map(|(c, _)| c.clone()),
        }
    }

    /// Number of entries that match the filter, on all pages.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

/// Wijziging: one entry of the change feed.
pub struct Wijziging(wijziging::Model);

/// Wijziging: one entry of the change feed: a change of a record, and the record as it is now.
#[Object]
impl Wijziging {
    /// The entry's own id (one per entry; not a record id: `node` does not take it).
    async fn id(&self) -> ID {
        entry_id("Wijziging", self.0.id)
    }

    /// Sequence number of the change.
    async fn volgnummer(&self) -> String {
        self.0.id.to_string()
    }

    /// When the change was committed (UTC).
    async fn tijdstip(&self) -> Timestamp {
        Timestamp(self.0.tijdstip)
    }

    /// The type of the changed record.
    async fn record_type(&self) -> RecordType {
        self.0.record_type
    }

    /// The global id of the changed record (it may no longer exist).
    async fn record_id(&self, ctx: &Context<'_>) -> Result<ID> {
        record_id(ctx, self.0.record_type, self.0.record_id).await
    }

    /// What the change did to the record.
    async fn actie(&self) -> Actie {
        self.0.actie
    }

    /// True when the record no longer exists or is no longer in the caller's scope (a
    /// tombstone: remove it from your copy).
    async fn verwijderd(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(
            super::node::record_as_node(ctx, self.0.record_type, self.0.record_id)
                .await?
                .is_none(),
        )
    }

    /// The record as it is now, as the caller may see it; null for a tombstone.
    async fn record(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        super::node::record_as_node(ctx, self.0.record_type, self.0.record_id).await
    }
}

/// Wijzigingsfeed: a page of the change feed.
#[derive(SimpleObject)]
pub struct Wijzigingsfeed {
    /// The changes after the given cursor, oldest first. Each change of a record is listed;
    /// `record` always shows the record's current state.
    wijzigingen: Vec<Wijziging>,
    /// Where to continue: pass it as `after` next time. Never null, also when this page was
    /// empty (unlike a list's `PageInfo.endCursor`).
    end_cursor: String,
    /// Whether more changes are waiting (ask again straight away).
    has_next_page: bool,
}

/// The largest page of the change feed.
const MAX_FEED: usize = 500;
/// The feed's page when `first` is not given.
pub(super) const DEFAULT_FEED_PAGE: usize = 100;

#[derive(Default)]
pub struct WijzigingQuery;

#[Object]
impl WijzigingQuery {
    /// The audit trail: every change of the records the caller's organisation owns (the
    /// programme office: of all records), newest first. Needs a token.
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Criteria; all given ones must hold.")] filter: Option<AuditFilterInput>,
        #[graphql(desc = "Page size (at most 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (an `endCursor`).")] after: Option<String>,
    ) -> Result<AuditConnection> {
        let (limit, after_id) = audit_window(first, after.as_deref())?;
        let filter = filter.unwrap_or_default().as_filter()?;
        let (mut rows, total_count) = scope(ctx)?.audit(&filter, after_id, limit + 1).await?;
        let has_next_page = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        Ok(AuditConnection {
            edges: rows
                .into_iter()
                .map(|m| (cursor("audit", m.id), m))
                .collect(),
            has_next_page,
            total_count,
        })
    }

    /// The change feed: changes after a cursor, in order, including deletions (tombstones), for
    /// clients that keep a copy of records. Each change shows to whoever could see the record
    /// before or after it; start without `after`, then pass the returned `endCursor` each time.
    async fn wijzigingen(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The `endCursor` returned last time; leave out to start from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size (at most 500, default 100).")] first: Option<i32>,
        #[graphql(desc = "Only changes of these record types (at most 1000 values).")] record_types: Option<
            Vec<RecordType>,
        >,
    ) -> Result<Wijzigingsfeed> {
        let count = record_types.as_ref().map_or(0, Vec::len);
        let (limit, after) = feed_window(first, after.as_deref(), count)?;
        let page = scope(ctx)?
            .feed(after.unwrap_or(0), limit, &record_types.unwrap_or_default())
            .await?;
        Ok(Wijzigingsfeed {
            wijzigingen: page.entries.into_iter().map(Wijziging).collect(),
            end_cursor: cursor("feed", page.cursor),
            has_next_page: page.has_more,
        })
    }
}

/// Where a live subscription is: its cursor, and whether it has sent its first event yet.
struct Live {
    scope: crate::db::Scope,
    changes: tokio::sync::watch::Receiver<u64>,
    cursor: i64,
    limit: u64,
    types: Vec<RecordType>,
    started: bool,
    /// The feed could not be read: the subscription ends after saying so.
    failed: bool,
}

impl Live {
    /// The next event: the first one at once (with the changes after the cursor, possibly
    /// none), then each time the feed has changes for the caller, at most `limit` per event.
    async fn next(mut self) -> Option<(Result<Wijzigingsfeed>, Self)> {
        if self.failed {
            return None;
        }
        loop {
            // Mark what has been signalled so far as seen before reading: a signal raised
            // while the feed is read wakes the next wait, so nothing is missed.
            self.changes.borrow_and_update();
            let page = match self.scope.feed(self.cursor, self.limit, &self.types).await {
                Ok(page) => page,
                Err(error) => {
                    self.failed = true;
                    return Some((Err(error.into()), self));
                }
            };
            self.cursor = page.cursor;
            if !page.entries.is_empty() || !self.started {
                self.started = true;
                let event = Wijzigingsfeed {
                    wijzigingen: page.entries.into_iter().map(Wijziging).collect(),
                    end_cursor: cursor("feed", page.cursor),
                    has_next_page: page.has_more,
                };
                return Some((Ok(event), self));
            }
            if self.changes.changed().await.is_err() {
                return None; // the database handle is gone: the server is stopping
            }
        }
    }
}

#[derive(Default)]
pub struct WijzigingSubscription;

#[async_graphql::Subscription]
impl WijzigingSubscription {
    /// The change feed, live (over WebSocket, `graphql-transport-ws`): the same changes, in
    /// the same order and under the same rule as the query `wijzigingen`. The first event comes
    /// at once, with the changes after `after` (or from the beginning) and the cursor; then an
    /// event each time there are changes the caller may see. Each event's `endCursor` is where
    /// to resume after a lost connection: subscribe again with `after: endCursor` and nothing is
    /// missed or repeated. An event holds at most `first` changes; `hasNextPage` says the next
    /// event follows at once.
    async fn wijzigingen(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The `endCursor` of the last event (or of the query `wijzigingen`) \
                          to resume from; leave out to start from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Most changes per event (at most 500, default 100).")] first: Option<i32>,
        #[graphql(desc = "Only changes of these record types (at most 1000 values).")]
        record_types: Option<Vec<RecordType>>,
        #[graphql(
            desc = "Only changes made from now on (the first event is then empty, with the \
                    cursor); not together with `after`.",
            default = false
        )]
        vanaf_nu: bool,
    ) -> Result<impl futures_util::Stream<Item = Result<Wijzigingsfeed>> + use<>> {
        let count = record_types.as_ref().map_or(0, Vec::len);
        let (limit, after) = feed_window(first, after.as_deref(), count)?;
        let scope = scope(ctx)?.clone();
        // Subscribe before reading where "now" is, so that no change falls in between.
        let changes = scope.changes();
        let cursor = match (after, vanaf_nu) {
            (Some(_), true) => {
                return Err(ApiError::bad_input(
                    "vanafNu",
                    "give either `after` or `vanafNu: true`, not both",
                )
                .into());
            }
            (Some(after), false) => after,
            (None, true) => scope.feed_head().await?,
            (None, false) => 0,
        };
        let live = Live {
            changes,
            scope,
            cursor,
            limit,
            types: record_types.unwrap_or_default(),
            started: false,
            failed: false,
        };
        Ok(futures_util::stream::unfold(live, Live::next))
    }
}
