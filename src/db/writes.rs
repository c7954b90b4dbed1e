//! The write side of a record type's links, declared as small tables (in `super::policy`,
//! per record type): its [`LinkSet`]s, stored in link tables and written as part of the
//! record, and the [`Reference`]s of other records that point at it, which a delete unlinks
//! (records of other organisations) or which block the delete (the caller's own).

use super::entities::koppelingen::{fieldlab_deelnemer, vraagstuk_reactie};
use super::policy::Policy;
use super::write::{LinkUpdate, Writable, WriteSession, links_of, replace_link_rows};
use crate::error::ApiResult;
use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, Condition, DatabaseTransaction, EntityTrait,
    IntoActiveModel, ModelTrait, QueryFilter, QuerySelect,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::marker::PhantomData;

/// One set of links of a record: read into the record's snapshot, replaced by an update.
#[async_trait]
pub trait LinkSet: Send + Sync {
    /// Its key in the record's snapshot (and its field name).
    fn key(&self) -> &'static str;
    /// The links of record `id`, sorted, as a snapshot value.
    async fn read(&self, db: &DatabaseTransaction, id: i32) -> ApiResult<Value>;
    /// Replaces the links of the records `ids` with `links`, if `links` is of this set;
    /// `false` if it is not.
    async fn replace(
        &self,
        db: &DatabaseTransaction,
        ids: &[i32],
        links: &LinkUpdate,
    ) -> ApiResult<bool>;
}

/// A link table of `(record, value)` pairs: themes, partners, members, uitvoerders,
/// fieldlabs, regions.
pub struct Pairs<L: EntityTrait> {
    key: &'static str,
    parent: L::Column,
    value: L::Column,
    accepts: fn(&LinkUpdate) -> Option<Vec<sea_orm::Value>>,
}

impl<L: EntityTrait> Pairs<L> {
    /// The pairs of link table `L` under `key`, written by the replacements `accepts` takes.
    pub const fn new(
        key: &'static str,
        parent: L::Column,
        value: L::Column,
        accepts: fn(&LinkUpdate) -> Option<Vec<sea_orm::Value>>,
    ) -> Self {
        Self {
            key,
            parent,
            value,
            accepts,
        }
    }
}

fn values<T: Clone + Into<sea_orm::Value>>(set: &BTreeSet<T>) -> Vec<sea_orm::Value> {
    set.iter().cloned().map(Into::into).collect()
}

/// A replacement of theme codes.
pub fn themas(links: &LinkUpdate) -> Option<Vec<sea_orm::Value>> {
    match links {
        LinkUpdate::Themas(set) => Some(values(set)),
        _ => None,
    }
}

/// A replacement of a fieldlab's regions.
pub fn regios(links: &LinkUpdate) -> Option<Vec<sea_orm::Value>> {
    match links {
        LinkUpdate::Regios(set) => Some(values(set)),
        _ => None,
    }
}

/// A replacement of linked organisations.
pub fn organisaties(links: &LinkUpdate) -> Option<Vec<sea_orm::Value>> {
    match links {
        LinkUpdate::Organisaties(set) => Some(values(set)),
        _ => None,
    }
}

/// A replacement of the opdrachten that answer a vraagstuk.
pub fn opdrachten(links: &LinkUpdate) -> Option<Vec<sea_orm::Value>> {
    match links {
        LinkUpdate::Opdrachten(set) => Some(values(set)),
        _ => None,
    }
}

/// A replacement of the kennismakelaars that handle a vraagstuk.
pub fn makelaars(links: &LinkUpdate) -> Option<Vec<sea_orm::Value>> {
    match links {
        LinkUpdate::Makelaars(set) => Some(values(set)),
        _ => None,
    }
}

/// A replacement of linked fieldlabs.
pub fn fieldlabs(links: &LinkUpdate) -> Option<Vec<sea_orm::Value>> {
    match links {
        LinkUpdate::Fieldlabs(set) => Some(values(set)),
        _ => None,
    }
}

#[async_trait]
impl<L> LinkSet for Pairs<L>
where
    L: EntityTrait,
    L::Model: Sync,
    L::ActiveModel: ActiveModelTrait<Entity = L> + Send,
{
    fn key(&self) -> &'static str {
        self.key
    }

    async fn read(&self, db: &DatabaseTransaction, id: i32) -> ApiResult<Value> {
        let rows = links_of::<L>(db, self.parent, &[id]).await?;
        let mut values: Vec<Value> = rows
            .iter()
            .map(|row| match row.get(self.value) {
                sea_orm::Value::Int(Some(n)) => Value::from(n),
                sea_orm::Value::String(Some(s)) => Value::from(s),
                other => Value::from(format!("{other:?}")),
            })
            .collect();
        values.sort_by_key(|v| v.to_string());
        Ok(Value::Array(values))
    }

    async fn replace(
        &self,
        db: &DatabaseTransaction,
        ids: &[i32],
        links: &LinkUpdate,
    ) -> ApiResult<bool> {
        let Some(values) = (self.accepts)(links) else {
            return Ok(false);
        };
        let mut rows = Vec::with_capacity(ids.len() * values.len());
        for id in ids {
            for value in &values {
                let mut row = <L::ActiveModel as ActiveModelTrait>::default();
                row.set(self.parent, (*id).into());
                row.set(self.value, value.clone());
                rows.push(row);
            }
        }
        replace_link_rows::<L>(db, self.parent, ids, rows).await?;
        Ok(true)
    }
}

/// A fieldlab's participants, with their role.
pub struct Participants;

#[async_trait]
impl LinkSet for Participants {
    fn key(&self) -> &'static str {
        "deelnemers"
    }

    async fn read(&self, db: &DatabaseTransaction, id: i32) -> ApiResult<Value> {
        Ok(Value::Array(
            links_of::<fieldlab_deelnemer::Entity>(
                db,
                fieldlab_deelnemer::Column::FieldlabId,
                &[id],
            )
            .await?
            .into_iter()
            .map(|l| serde_json::json!({"organisatie": l.organisatie_id, "rol": l.rol}))
            .collect(),
        ))
    }

    async fn replace(
        &self,
        db: &DatabaseTransaction,
        ids: &[i32],
        links: &LinkUpdate,
    ) -> ApiResult<bool> {
        let LinkUpdate::Deelnemers(deelnemers) = links else {
            return Ok(false);
        };
        let rows = ids
            .iter()
            .flat_map(|id| {
                deelnemers
                    .iter()
                    .map(move |(org, rol)| fieldlab_deelnemer::ActiveModel {
                        fieldlab_id: ActiveValue::Set(*id),
                        organisatie_id: ActiveValue::Set(*org),
                        rol: ActiveValue::Set(*rol),
                    })
            })
            .collect();
        replace_link_rows::<fieldlab_deelnemer::Entity>(
            db,
            fieldlab_deelnemer::Column::FieldlabId,
            ids,
            rows,
        )
        .await?;
        Ok(true)
    }
}

/// The answers of the institutions to a vraagstuk.
pub struct Reacties;

/// The one set of a vraagstuk's answers.
pub static REACTIES: Reacties = Reacties;

#[async_trait]
impl LinkSet for Reacties {
    fn key(&self) -> &'static str {
        "reacties"
    }

    async fn read(&self, db: &DatabaseTransaction, id: i32) -> ApiResult<Value> {
        Ok(Value::Array(
            links_of::<vraagstuk_reactie::Entity>(
                db,
                vraagstuk_reactie::Column::VraagstukId,
                &[id],
            )
            .await?
            .into_iter()
            .map(|l| {
                serde_json::json!({
                    "organisatie": l.organisatie_id,
                    "reactie": l.reactie,
                    "toelichting": l.toelichting,
                })
            })
            .collect(),
        ))
    }

    async fn replace(
        &self,
        db: &DatabaseTransaction,
        ids: &[i32],
        links: &LinkUpdate,
    ) -> ApiResult<bool> {
        let LinkUpdate::Reacties(reacties) = links else {
            return Ok(false);
        };
        let rows = ids
            .iter()
            .flat_map(|id| {
                reacties.iter().map(move |(org, reactie, toelichting)| {
                    vraagstuk_reactie::ActiveModel {
                        vraagstuk_id: ActiveValue::Set(*id),
                        organisatie_id: ActiveValue::Set(*org),
                        reactie: ActiveValue::Set(*reactie),
                        toelichting: ActiveValue::Set(toelichting.clone()),
                    }
                })
            })
            .collect();
        replace_link_rows::<vraagstuk_reactie::Entity>(
            db,
            vraagstuk_reactie::Column::VraagstukId,
            ids,
            rows,
        )
        .await?;
        Ok(true)
    }
}

/// Records that point at a row (docs/access.md, "Deleting what others point at").
#[async_trait]
pub trait Reference: Send + Sync {
    /// How many records of organisation `org` point at row `id`, for a message ("2
    /// opdrachten"); `None` when none do.
    async fn count_own(
        &self,
        db: &DatabaseTransaction,
        id: i32,
        org: i32,
    ) -> ApiResult<Option<String>>;
    /// Unlinks every record that points at row `id`, each as a logged update of that record.
    async fn unlink(&self, session: &mut WriteSession, id: i32) -> ApiResult<()>;
}

/// Rows of `R` whose nullable column points at the row (an opdracht's fieldlab).
pub struct ByColumn<R: EntityTrait> {
    column: R::Column,
    what: &'static str,
}

impl<R: EntityTrait> ByColumn<R> {
    /// Rows of `R` pointing through `column`, named `what` in messages.
    pub const fn new(column: R::Column, what: &'static str) -> Self {
        Self { column, what }
    }
}

/// `COUNT(*)` of the rows of `R` owned by `org` that match `filter`, as "n what".
async fn count_owned<R: Policy>(
    db: &DatabaseTransaction,
    filter: Condition,
    org: i32,
    what: &str,
) -> ApiResult<Option<String>> {
    let count: i64 = R::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(filter)
        .filter(R::owner().eq(org))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or(0);
    Ok((count > 0).then(|| format!("{count} {what}")))
}

#[async_trait]
impl<R: Writable> Reference for ByColumn<R> {
    async fn count_own(
        &self,
        db: &DatabaseTransaction,
        id: i32,
        org: i32,
    ) -> ApiResult<Option<String>> {
        count_owned::<R>(db, Condition::all().add(self.column.eq(id)), org, self.what).await
    }

    async fn unlink(&self, session: &mut WriteSession, id: i32) -> ApiResult<()> {
        let rows = R::find()
            .filter(self.column.eq(id))
            .all(session.tx())
            .await?;
        for row in rows {
            let mut am = row.clone().into_active_model();
            am.set(self.column, sea_orm::Value::Int(None));
            session.update::<R>(row, am, &[]).await?;
        }
        Ok(())
    }
}

/// Rows of `R` linked to the row through link table `L` (`parent` the row of `R`, `target`
/// the row pointed at; `links` rebuilds `R`'s set of these links).
pub struct ByLink<R, L: EntityTrait> {
    parent: L::Column,
    target: L::Column,
    links: fn(BTreeSet<i32>) -> LinkUpdate,
    what: &'static str,
    _record: PhantomData<fn() -> R>,
}

impl<R, L: EntityTrait> ByLink<R, L> {
    pub const fn new(
        parent: L::Column,
        target: L::Column,
        links: fn(BTreeSet<i32>) -> LinkUpdate,
        what: &'static str,
    ) -> Self {
        Self {
            parent,
            target,
            links,
            what,
            _record: PhantomData,
        }
    }
}

fn int(value: sea_orm::Value) -> Option<i32> {
    match value {
        sea_orm::Value::Int(Some(n)) => Some(n),
        _ => None,
    }
}

#[async_trait]
impl<R, L> Reference for ByLink<R, L>
where
    R: Writable,
    L: EntityTrait,
    L::Model: Sync,
{
    async fn count_own(
        &self,
        db: &DatabaseTransaction,
        id: i32,
        org: i32,
    ) -> ApiResult<Option<String>> {
        let filter = Condition::all().add(
            R::id().in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(self.parent)
                    .from(L::default())
                    .and_where(self.target.eq(id))
                    .to_owned(),
            ),
        );
        count_owned::<R>(db, filter, org, self.what).await
    }

    async fn unlink(&self, session: &mut WriteSession, id: i32) -> ApiResult<()> {
        let parents: Vec<i32> = L::find()
            .filter(self.target.eq(id))
            .all(session.tx())
            .await?
            .into_iter()
            .filter_map(|l| int(l.get(self.parent)))
            .collect();
        let rows = R::find()
            .filter(R::id().is_in(parents))
            .all(session.tx())
            .await?;
        for row in rows {
            let rest: BTreeSet<i32> = links_of::<L>(session.tx(), self.parent, &[R::id_of(&row)])
                .await?
                .into_iter()
                .filter_map(|l| int(l.get(self.target)))
                .filter(|n| *n != id)
                .collect();
            let am = row.clone().into_active_model();
            session.update::<R>(row, am, &[(self.links)(rest)]).await?;
        }
        Ok(())
    }
}
