//! Reading the change log: the audit trail (for owners and the programme office) and the change
//! feed (for clients that mirror records).
//!
//! The audit trail of a record belongs to its owner: an organisation reads the entries of the
//! records it owns (whoever made the change), the programme office reads all. Nobody else reads
//! any, not even of records they may see, because entries name people (`sub`) and show
//! contact details.
//!
//! The feed shows a change to whoever could see the record before or after it: each change is
//! recorded with its audience, the record type's visibility rule (`super::policy`) evaluated
//! on the record before and after the change: public records' changes to everyone, an
//! opdracht's to the organisations involved and to the kennismakelaars of its regions, all to
//! the programme office. Entries carry no actor and no field values; clients read the
//! record's current state through the scope, and a record that is gone or left their scope is a
//! tombstone.

use super::entities::wijziging::{self, betrokkene, regio};
use super::scope::Scope;
use crate::auth::{Principal, Rol};
use crate::domain::{Actie, RecordType};
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use sea_orm::ActiveEnum;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Criteria for the audit trail; all given ones must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// One record.
    pub record: Option<(RecordType, i32)>,
    /// Records of this type.
    pub record_type: Option<RecordType>,
    /// Changes by this subject (the token's `sub`).
    pub actor: Option<String>,
    /// Changes by people of this organisation.
    pub actor_organisatie: Option<i32>,
    /// Changes of this kind.
    pub actie: Option<Actie>,
    /// Changes at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Changes before this instant.
    pub until: Option<DateTime<Utc>>,
}

impl AuditFilter {
    fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some((soort, id)) = self.record {
            c = c
                .add(wijziging::Column::RecordType.eq(soort))
                .add(wijziging::Column::RecordId.eq(id));
        }
        if let Some(soort) = self.record_type {
            c = c.add(wijziging::Column::RecordType.eq(soort));
        }
        if let Some(actor) = &self.actor {
            c = c.add(wijziging::Column::ActorSubject.eq(actor.as_str()));
        }
        if let Some(org) = self.actor_organisatie {
            c = c.add(wijziging::Column::ActorOrganisatieId.eq(org));
        }
        if let Some(actie) = self.actie {
            c = c.add(wijziging::Column::Actie.eq(actie));
        }
        if let Some(since) = self.since {
            c = c.add(wijziging::Column::Tijdstip.gte(since));
        }
        if let Some(until) = self.until {
            c = c.add(wijziging::Column::Tijdstip.lt(until));
        }
        c
    }
}

/// A page of the change feed.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub entries: Vec<FeedEntry>,
    /// Where to continue: after the last entry of the page, or, when the page is not full,
    /// after everything the caller could have seen so far.
    pub cursor: i64,
    pub has_more: bool,
}

/// One entry of the change feed.
pub type FeedEntry = wijziging::Model;

/// The audit entries the caller may read: of its organisation's records; all for the programme
/// office; none without a token.
fn audit_rights(p: Option<&Principal>) -> ApiResult<Condition> {
    match p {
        None => Err(ApiError::Unauthenticated(
            "sign in to read the audit trail: send a bearer token".into(),
        )),
        Some(p) if p.rol == Rol::Programmabureau => Ok(Condition::all()),
        Some(p) => Ok(Condition::all().add(wijziging::Column::EigenaarId.eq(p.organisatie_id))),
    }
}

/// The feed entries the caller may see: those whose recorded audience
/// ([`super::policy::FeedAudience`], the visibility rule evaluated on the record before and
/// after the change) includes it.
fn feed_rights(p: Option<&Principal>) -> Condition {
    let public = Condition::any().add(wijziging::Column::Publiek.eq(true));
    match p {
        Some(p) if p.rol == Rol::Programmabureau => Condition::all(),
        Some(p) => {
            let mut c = public.add(
                wijziging::Column::Id.in_subquery(
                    Query::select()
                        .column(betrokkene::Column::WijzigingId)
                        .from(betrokkene::Entity)
                        .and_where(betrokkene::Column::OrganisatieId.eq(p.organisatie_id))
                        .to_owned(),
                ),
            );
            if p.rol == Rol::Kennismakelaar && !p.regios.is_empty() {
                let regios = p.regios.iter().map(|r| r.to_value());
                c = c.add(
                    wijziging::Column::Id.in_subquery(
                        Query::select()
                            .column(regio::Column::WijzigingId)
                            .from(regio::Entity)
                            .and_where(regio::Column::Regio.is_in(regios))
                            .to_owned(),
                    ),
                );
            }
            c
        }
        None => public,
    }
}

impl Scope {
    /// Audit entries matching `filter`, newest first, before entry `before` (a cursor), at most
    /// `limit`; and how many match in all.
    pub async fn audit(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u64,
    ) -> ApiResult<(Vec<wijziging::Model>, u64)> {
        let base = wijziging::Entity::find()
            .filter(audit_rights(self.principal())?)
            .filter(filter.condition());
        let total = base.clone().count(self.conn()).await?;
        let mut page = base.order_by_desc(wijziging::Column::Id).limit(limit);
        if let Some(before) = before {
            page = page.filter(wijziging::Column::Id.lt(before));
        }
        Ok((page.all(self.conn()).await?, total))
    }

    /// The number of the newest change (0 when there is none): a feed cursor there continues
    /// with the changes made from now on.
    pub async fn feed_head(&self) -> ApiResult<i64> {
        Ok(wijziging::Entity::find()
            .select_only()
            .column_as(wijziging::Column::Id.max(), "max")
            .into_tuple::<Option<i64>>()
            .one(self.conn())
            .await?
            .flatten()
            .unwrap_or(0))
    }

    /// Changes after number `after` (0: from the start) that the caller may see, oldest first, at
    /// most `limit`, optionally of some record types only.
    pub async fn feed(&self, after: i64, limit: u64, types: &[RecordType]) -> ApiResult<FeedPage> {
        // Read the newest number first: everything up to it is committed (writers take turns
        // and commit in order), so a page that ends early may move the cursor up to it.
        let last = self.feed_head().await?;
        let mut select = wijziging::Entity::find()
            .filter(feed_rights(self.principal()))
            .filter(wijziging::Column::Id.gt(after))
            .filter(wijziging::Column::Id.lte(last));
        if !types.is_empty() {
            select = select.filter(wijziging::Column::RecordType.is_in(types.iter().copied()));
        }
        let mut entries = select
            .order_by_asc(wijziging::Column::Id)
            .limit(limit + 1)
            .all(self.conn())
            .await?;
        let has_more = entries.len() as u64 > limit;
        entries.truncate(limit as usize);
        let cursor = match entries.last() {
            Some(r) if has_more => r.id,
            _ => std::cmp::max(last, after),
        };
        Ok(FeedPage {
            entries,
            cursor,
            has_more,
        })
    }
}
