//! [`Scope`]: the caller's view of the data, and the only way to read it.
//!
//! A scope is built from the request's principal and applies the record types' policies
//! (`super::policy`, one declaration per record type) to every query: the visibility rule is
//! the `WHERE` of every select, and the read-in-full, own and edit rules come back as computed
//! columns (`scope_lezen`, `scope_eigen`, `scope_bewerken`) on each row, so a page of records
//! carries its own access rights ([`Rights`]) without a second query. Rules that do not
//! depend on the row (the programme office sees everything, an anonymous caller reads no
//! participant data) short-circuit to constants.

use super::entities::thema;
use super::policy::{EDIT, FULL, Need, OWN, Policy, Row, Rule};
use super::signal::ChangeSignal;
use crate::auth::Principal;
use crate::error::ApiResult;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use std::sync::Arc;

/// `SELECT` of the rows of `E` visible to `p` that match `filter`, with `p`'s rights on each
/// row as extra columns (read into [`Row`]).
pub(super) fn select_visible<E: Policy>(p: Option<&Principal>, filter: Condition) -> Select<E> {
    let visible = E::visible_rule(p);
    let readable = E::readable_rule(p);
    // Where whoever sees a row reads it in full (opdrachten), the right holds on every row
    // selected: a constant, not the visibility rule evaluated a second time per row.
    let full = match readable == visible {
        true => Rule::Always,
        false => readable,
    };
    E::find()
        .filter(visible.as_filter())
        .filter(filter)
        .column_as(full.as_column(), FULL)
        .column_as(E::own_rule(p).as_column(), OWN)
        .column_as(E::edit_rule(p).as_column(), EDIT)
}

/// The caller's view of the data. Cheap to clone; one per request.
#[derive(Clone, Debug)]
pub struct Scope {
    conn: DatabaseConnection,
    principal: Option<Principal>,
    write_lock: Arc<tokio::sync::Mutex<()>>,
    changes: ChangeSignal,
}

impl Scope {
    pub(super) fn new(
        conn: DatabaseConnection,
        principal: Option<Principal>,
        write_lock: Arc<tokio::sync::Mutex<()>>,
        changes: ChangeSignal,
    ) -> Self {
        Self {
            conn,
            principal,
            write_lock,
            changes,
        }
    }

    /// A receiver of the signal that the change log may have grown (see [`super::signal`]):
    /// for live subscriptions, which then read the feed from their cursor.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe(&self.conn)
    }

    pub(super) fn change_signal(&self) -> ChangeSignal {
        self.changes.clone()
    }

    pub(super) fn write_lock(&self) -> Arc<tokio::sync::Mutex<()>> {
        self.write_lock.clone()
    }

    pub(super) fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// The authenticated caller, or `None` for an anonymous one.
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// `SELECT` of the visible rows of `E` with the caller's rights as extra columns.
    fn select<E: Policy>(&self, filter: Condition) -> Select<E> {
        select_visible::<E>(self.principal.as_ref(), filter)
    }

    /// Visible rows of `E` that match `filter`, in `order` (expressions on `E`'s columns), at
    /// most `limit`.
    pub async fn list<E: Policy>(
        &self,
        filter: Condition,
        order: Vec<(SimpleExpr, Order)>,
        limit: u64,
    ) -> ApiResult<Vec<Row<E::Model>>>
    where
        E::Model: Sync,
    {
        let mut select = self.select::<E>(filter);
        for (expr, direction) in order {
            select = select.order_by(expr, direction);
        }
        Ok(select
            .limit(limit)
            .into_model::<Row<E::Model>>()
            .all(&self.conn)
            .await?)
    }

    /// Number of visible rows of `E` that match `filter`.
    pub async fn count<E: Policy>(&self, filter: Condition) -> ApiResult<u64>
    where
        E::Model: Sync,
    {
        let p = self.principal.as_ref();
        Ok(E::find()
            .filter(E::visible_rule(p).as_filter())
            .filter(filter)
            .count(&self.conn)
            .await?)
    }

    /// The visible rows of `E` among `ids` (in no particular order).
    pub async fn by_ids<E: Policy>(&self, ids: &[i32]) -> ApiResult<Vec<Row<E::Model>>>
    where
        E::Model: Sync,
    {
        let filter = Condition::all().add(E::id().is_in(ids.iter().copied()));
        self.list::<E>(filter, Vec::new(), ids.len() as u64).await
    }

    /// The condition "the caller's rights on this row of `E` meet `need`": a filter
    /// criterion on a field that needs more than public adds it, so that a list cannot be
    /// narrowed by what the caller may not read.
    pub fn meeting<E: Policy>(&self, need: Need) -> Condition {
        let p = self.principal.as_ref();
        match need {
            Need::Public => Condition::all(),
            Need::Full => E::readable_rule(p).as_filter(),
            Need::Own => E::own_rule(p).as_filter(),
        }
    }

    /// All themes (reference data, public), in their display order (ties by code, so the
    /// order is stable).
    pub async fn themas(&self) -> ApiResult<Vec<thema::Model>> {
        Ok(thema::Entity::find()
            .order_by_asc(thema::Column::Volgorde)
            .order_by_asc(thema::Column::Code)
            .all(&self.conn)
            .await?)
    }
}
