//! Link rules: how the links of a record are read, declared once per link in the record
//! type's policy and read by one loader for all of them.
//!
//! Two kinds, as docs/access.md says:
//!
//! - [`Part`]: links that are part of one record (a fieldlab's participants, a lectoraat's
//!   partners, a community's members, an opdracht's executing institutions, a record's
//!   themes). They are read with that record's rule, from both sides: from the record
//!   ([`Part::new`]) and from the linked organisation ([`PartOf`], "the fieldlabs this
//!   organisation takes part in"), and only where the caller may read the record as the link
//!   needs.
//! - [`Between`]: a link between two records (a lectoraat and a fieldlab). It is one fact,
//!   shown from both sides to a caller who sees both records and may read either in full.
//!
//! A part read from the record it belongs to, for a row the scope returned with rights that
//! meet the link's need, is read by the record's id alone: the row passed the record's rule
//! in the statement that returned it, and testing it again for every link (a subquery of the
//! whole visibility rule per link table) was most of the cost of a page at 100,000 opdrachten.
//! From the organisation's side and between records, the rule is applied in SQL every time.

use super::{Need, Policy, Rule};
use crate::db::scope::Scope;
use crate::error::ApiResult;
use futures_util::future::BoxFuture;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, Iterable, ModelTrait, QueryFilter, QueryOrder};
use sea_orm::{QuerySelect, QueryTrait};
use std::marker::PhantomData;

/// A declared link: for records (or organisations) `ids`, the `(id, linked value)` pairs the
/// caller may see.
pub trait Link<V>: Send + Sync + 'static {
    /// The link's name, unique among links (batches are per link).
    fn name(&self) -> &'static str;
    /// The right on the record the link is read from that the link needs, if it is part of
    /// that record; `None` for a link between two records, which the other side may show.
    fn need(&self) -> Option<Need>;
    /// The pairs for `ids`, as `scope`'s caller may see them. `seen`: the ids are of rows the
    /// scope gave the caller with rights that meet [`Self::need`] (a [`Row`](super::Row)'s own
    /// rights, which only the scope computes), so a link that is part of those records is
    /// read by id alone; otherwise the link's rule is applied in SQL.
    fn pairs<'a>(
        &'a self,
        scope: &'a Scope,
        ids: &'a [i32],
        seen: bool,
    ) -> BoxFuture<'a, ApiResult<Vec<(i32, V)>>>;
}

fn int(value: sea_orm::Value) -> Option<i32> {
    super::int(value)
}

/// Links that are part of record type `P`, in link table `L`, read from the record.
pub struct Part<P, L: EntityTrait, V> {
    name: &'static str,
    parent: L::Column,
    need: Need,
    value: fn(&L::Model) -> V,
    _types: PhantomData<fn() -> P>,
}

impl<P, L: EntityTrait, V> Part<P, L, V> {
    /// The `value`s of the link rows of a record (its id in `parent`), read with `need` on
    /// the record.
    pub const fn new(
        name: &'static str,
        parent: L::Column,
        need: Need,
        value: fn(&L::Model) -> V,
    ) -> Self {
        Self {
            name,
            parent,
            need,
            value,
            _types: PhantomData,
        }
    }
}

/// The records of `P` that the caller may read as `need` requires, as a subquery of ids.
fn parents<P: Policy>(scope: &Scope, need: Need) -> sea_orm::sea_query::SelectStatement {
    P::find()
        .select_only()
        .column(P::id())
        .filter(P::visible_rule(scope.principal()).as_filter())
        .filter(scope.meeting::<P>(need))
        .into_query()
}

/// Rows of link table `L` matching `filter`, in a stable order.
async fn link_rows<L: EntityTrait>(scope: &Scope, filter: Condition) -> ApiResult<Vec<L::Model>>
where
    L::Model: Sync,
{
    let mut select = L::find().filter(filter);
    for column in L::Column::iter() {
        select = select.order_by_asc(column);
    }
    Ok(select.all(scope.conn()).await?)
}

impl<P, L, V> Link<V> for Part<P, L, V>
where
    P: Policy,
    L: EntityTrait,
    L::Model: Sync,
    V: Send + 'static,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn need(&self) -> Option<Need> {
        Some(self.need)
    }

    fn pairs<'a>(
        &'a self,
        scope: &'a Scope,
        ids: &'a [i32],
        seen: bool,
    ) -> BoxFuture<'a, ApiResult<Vec<(i32, V)>>> {
        Box::pin(async move {
            let mut filter = Condition::all().add(self.parent.is_in(ids.iter().copied()));
            if !seen {
                filter = filter.add(self.parent.in_subquery(parents::<P>(scope, self.need)));
            }
            let rows = link_rows::<L>(scope, filter).await?;
            Ok(rows
                .into_iter()
                .filter_map(|l| Some((int(l.get(self.parent))?, (self.value)(&l))))
                .collect())
        })
    }
}

/// Links that are part of record type `P`, one per organisation (column `organisation` of
/// link table `L`), of which a caller who reads the record in full sees all when one of the
/// `handlers` terms reaches it (or it is the programme office), and otherwise only the one of
/// its own organisation: a vraagstuk's answers, which each institution gives for itself.
pub struct OwnPart<P: EntityTrait, L: EntityTrait, V> {
    name: &'static str,
    parent: L::Column,
    organisation: L::Column,
    handlers: fn() -> Vec<super::Reach<P>>,
    value: fn(&L::Model) -> V,
}

impl<P: EntityTrait, L: EntityTrait, V> OwnPart<P, L, V> {
    pub const fn new(
        name: &'static str,
        parent: L::Column,
        organisation: L::Column,
        handlers: fn() -> Vec<super::Reach<P>>,
        value: fn(&L::Model) -> V,
    ) -> Self {
        Self {
            name,
            parent,
            organisation,
            handlers,
            value,
        }
    }
}

impl<P, L, V> Link<V> for OwnPart<P, L, V>
where
    P: Policy,
    L: EntityTrait,
    L::Model: Sync,
    V: Send + 'static,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn need(&self) -> Option<Need> {
        Some(Need::Full)
    }

    fn pairs<'a>(
        &'a self,
        scope: &'a Scope,
        ids: &'a [i32],
        seen: bool,
    ) -> BoxFuture<'a, ApiResult<Vec<(i32, V)>>> {
        Box::pin(async move {
            let p = scope.principal();
            let mut filter = Condition::all().add(self.parent.is_in(ids.iter().copied()));
            if !seen {
                filter = filter.add(self.parent.in_subquery(parents::<P>(scope, Need::Full)));
            }
            let mut whose = Condition::any().add(in_rows::<P>(
                self.parent,
                super::rule_of(&(self.handlers)(), p),
            ));
            if let Some(p) = p {
                whose = whose.add(self.organisation.eq(p.organisatie_id));
            }
            let rows = link_rows::<L>(scope, filter.add(whose)).await?;
            Ok(rows
                .into_iter()
                .filter_map(|l| Some((int(l.get(self.parent))?, (self.value)(&l))))
                .collect())
        })
    }
}

/// The same links read from the organisation: the records of `P` an organisation owns or is
/// linked to through `L`, among those the caller may read in full.
pub struct PartOf<P, L: EntityTrait> {
    name: &'static str,
    parent: L::Column,
    organisation: L::Column,
    _types: PhantomData<fn() -> P>,
}

impl<P, L: EntityTrait> PartOf<P, L> {
    pub const fn new(name: &'static str, parent: L::Column, organisation: L::Column) -> Self {
        Self {
            name,
            parent,
            organisation,
            _types: PhantomData,
        }
    }
}

impl<P, L> Link<i32> for PartOf<P, L>
where
    P: Policy,
    P::Model: Sync,
    L: EntityTrait,
    L::Model: Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn need(&self) -> Option<Need> {
        Some(Need::Public)
    }

    fn pairs<'a>(
        &'a self,
        scope: &'a Scope,
        ids: &'a [i32],
        _seen: bool,
    ) -> BoxFuture<'a, ApiResult<Vec<(i32, i32)>>> {
        Box::pin(async move {
            let owned = P::find()
                .filter(P::owner().is_in(ids.iter().copied()))
                .filter(P::visible_rule(scope.principal()).as_filter())
                .filter(scope.meeting::<P>(Need::Full))
                // A stable order, as the link rows have: the owned records by id, first.
                .order_by_asc(P::id())
                .all(scope.conn())
                .await?;
            let mut pairs: Vec<(i32, i32)> = owned
                .iter()
                .map(|m| (P::owner_of(m), P::id_of(m)))
                .collect();
            let filter = Condition::all()
                .add(self.organisation.is_in(ids.iter().copied()))
                .add(self.parent.in_subquery(parents::<P>(scope, Need::Full)));
            let rows = link_rows::<L>(scope, filter).await?;
            pairs.extend(
                rows.into_iter().filter_map(|l| {
                    Some((int(l.get(self.organisation))?, int(l.get(self.parent))?))
                }),
            );
            Ok(pairs)
        })
    }
}

/// A link between records of `A` and `B` in link table `L`, read from the side `FROM` names.
pub struct Between<A, B, L: EntityTrait> {
    name: &'static str,
    a: L::Column,
    b: L::Column,
    from_a: bool,
    _types: PhantomData<fn() -> (A, B)>,
}

impl<A, B, L: EntityTrait> Between<A, B, L> {
    /// The `B`s linked to an `A` (`from_a`), or the `A`s linked to a `B`.
    pub const fn new(name: &'static str, a: L::Column, b: L::Column, from_a: bool) -> Self {
        Self {
            name,
            a,
            b,
            from_a,
            _types: PhantomData,
        }
    }
}

/// `column IN (the ids of P that `rule` lets through)`.
fn in_rows<P: Policy>(column: impl ColumnTrait, rule: Rule) -> Condition {
    Condition::all().add(
        column.in_subquery(
            Query::select()
                .column(P::id())
                .from(P::default())
                .cond_where(rule.as_filter())
                .to_owned(),
        ),
    )
}

impl<A, B, L> Link<i32> for Between<A, B, L>
where
    A: Policy,
    B: Policy,
    L: EntityTrait,
    L::Model: Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn need(&self) -> Option<Need> {
        None
    }

    fn pairs<'a>(
        &'a self,
        scope: &'a Scope,
        ids: &'a [i32],
        _seen: bool,
    ) -> BoxFuture<'a, ApiResult<Vec<(i32, i32)>>> {
        Box::pin(async move {
            let p = scope.principal();
            let (from, to) = if self.from_a {
                (self.a, self.b)
            } else {
                (self.b, self.a)
            };
            let filter = Condition::all()
                .add(from.is_in(ids.iter().copied()))
                .add(in_rows::<A>(self.a, A::visible_rule(p)))
                .add(in_rows::<B>(self.b, B::visible_rule(p)))
                .add(
                    Condition::any()
                        .add(in_rows::<A>(self.a, A::readable_rule(p)))
                        .add(in_rows::<B>(self.b, B::readable_rule(p))),
                );
            let rows = link_rows::<L>(scope, filter).await?;
            Ok(rows
                .into_iter()
                .filter_map(|l| Some((int(l.get(from))?, int(l.get(to))?)))
                .collect())
        })
    }
}
