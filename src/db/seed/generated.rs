//! Generated opdrachten for measuring at scale: `ipartnerschap seed --demo --opdrachten N`.
//!
//! Why copies of the demo: a benchmark at 100,000 opdrachten should answer the question "what
//! does this cost when the partnership has run for years", so the large data must look like the
//! small one: the same owners, opdrachtgevers, executing institutions, themes, regions,
//! statuses and share of missing dates, in the same proportions. Each generated opdracht is a
//! copy of one demo opdracht (in turn) with its links, moved back by whole years (up to nine)
//! so that date filters and the yearly figures spread the way years of data do. An
//! organisation-scoped caller then sees the same fraction of the rows at every size.
//!
//! The rows are inserted in bulk (a few thousand per statement, ids assigned here), in one
//! transaction, not through a write session: like the demo data, they are a starting state and
//! leave no change log (see the parent module). On PostgreSQL the tables are vacuumed and
//! analyzed afterwards, so that a measurement right after the load sees the database as it is
//! once autovacuum has run. The extern ids (`GEN-000001`, …) make the load
//! idempotent: `N` is the number of generated opdrachten there should be, and only the missing
//! ones are added.

use super::super::Database;
use super::super::entities::koppelingen::{opdracht_thema, opdracht_uitvoerder};
use super::super::entities::opdracht;
use chrono::{Datelike, Months};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

/// The prefix of the extern ids of generated opdrachten.
const PREFIX: &str = "GEN-";
/// Rows per `INSERT` (20 columns each, well under both databases' parameter limits).
const CHUNK: usize = 1_000;

/// A demo opdracht with its links: what a generated one is copied from.
struct Source {
    model: opdracht::Model,
    themas: Vec<String>,
    uitvoerders: Vec<i32>,
}

impl Database {
    /// Adds generated opdrachten until there are `n` (see the module doc); returns how many
    /// were added. Needs the demo data.
    pub async fn seed_generated(&self, n: usize) -> Result<usize, DbErr> {
        let txn = self.conn.begin().await?;
        let sources = sources(&txn).await?;
        if sources.is_empty() {
            return Err(DbErr::Custom(
                "generated opdrachten are copies of the demo's: load the demo data first".into(),
            ));
        }
        let present = opdracht::Entity::find()
            .filter(opdracht::Column::ExternId.starts_with(PREFIX))
            .count(&txn)
            .await? as usize;
        let mut next_id = next_id(&txn).await?;
        for start in (present..n).step_by(CHUNK) {
            let numbers = start..n.min(start + CHUNK);
            insert_chunk(&txn, &sources, numbers, next_id).await?;
            next_id += CHUNK.min(n - start) as i32;
        }
        if self.backend() == DatabaseBackend::Postgres {
            txn.execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('opdrachten', 'id'), \
                 (SELECT MAX(id) FROM opdrachten))",
            )
            .await?;
        }
        txn.commit().await?;
        self.after_bulk_load().await?;
        Ok(n.saturating_sub(present))
    }

    /// On PostgreSQL, what autovacuum does a minute after a bulk load, done at once: the
    /// visibility map (without which no scan is index-only, and a `COUNT` reads the table) and
    /// the planner's statistics of the tables the load filled.
    async fn after_bulk_load(&self) -> Result<(), DbErr> {
        if self.backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        self.conn
            .execute_unprepared("VACUUM ANALYZE opdrachten, opdracht_themas, opdracht_uitvoerders")
            .await?;
        Ok(())
    }
}

/// The demo opdrachten (every opdracht that is not itself generated) with their links, by id.
async fn sources(txn: &DatabaseTransaction) -> Result<Vec<Source>, DbErr> {
    let models = opdracht::Entity::find()
        .filter(
            Condition::any()
                .add(opdracht::Column::ExternId.is_null())
                .add(opdracht::Column::ExternId.not_like(format!("{PREFIX}%"))),
        )
        .order_by_asc(opdracht::Column::Id)
        .all(txn)
        .await?;
    let mut themas: HashMap<i32, Vec<String>> = HashMap::new();
    for t in opdracht_thema::Entity::find().all(txn).await? {
        themas.entry(t.opdracht_id).or_default().push(t.thema_code);
    }
    let mut uitvoerders: HashMap<i32, Vec<i32>> = HashMap::new();
    for u in opdracht_uitvoerder::Entity::find().all(txn).await? {
        uitvoerders
            .entry(u.opdracht_id)
            .or_default()
            .push(u.organisatie_id);
    }
    Ok(models
        .into_iter()
        .map(|model| Source {
            themas: themas.remove(&model.id).unwrap_or_default(),
            uitvoerders: uitvoerders.remove(&model.id).unwrap_or_default(),
            model,
        })
        .collect())
}

async fn next_id(txn: &DatabaseTransaction) -> Result<i32, DbErr> {
    let max: Option<i32> = opdracht::Entity::find()
        .select_only()
        .column_as(opdracht::Column::Id.max(), "max")
        .into_tuple()
        .one(txn)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

/// Inserts the generated opdrachten `numbers` (0-based) with ids from `first_id` on.
async fn insert_chunk(
    txn: &DatabaseTransaction,
    sources: &[Source],
    numbers: std::ops::Range<usize>,
    first_id: i32,
) -> Result<(), DbErr> {
    let mut rows = Vec::with_capacity(numbers.len());
    let mut themas = Vec::new();
    let mut uitvoerders = Vec::new();
    for (offset, number) in numbers.enumerate() {
        let source = &sources[number % sources.len()];
        let id = first_id + offset as i32;
        rows.push(copy(source, number, sources.len(), id));
        themas.extend(
            source
                .themas
                .iter()
                .map(|code| opdracht_thema::ActiveModel {
                    opdracht_id: Set(id),
                    thema_code: Set(code.clone()),
                }),
        );
        uitvoerders.extend(
            source
                .uitvoerders
                .iter()
                .map(|org| opdracht_uitvoerder::ActiveModel {
                    opdracht_id: Set(id),
                    organisatie_id: Set(*org),
                }),
        );
    }
    opdracht::Entity::insert_many(rows).exec(txn).await?;
    for part in themas.chunks(5 * CHUNK) {
        opdracht_thema::Entity::insert_many(part.to_vec())
            .exec(txn)
            .await?;
    }
    for part in uitvoerders.chunks(5 * CHUNK) {
        opdracht_uitvoerder::Entity::insert_many(part.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Generated opdracht `number`: a copy of `source`, moved back by `number / sources` whole
/// years modulo ten (the demo spans 2020–2024, so the data spans 2011–2024).
fn copy(source: &Source, number: usize, sources: usize, id: i32) -> opdracht::ActiveModel {
    let years = ((number / sources) % 10) as u32;
    let back = |d: chrono::NaiveDate| d.checked_sub_months(Months::new(12 * years)).unwrap_or(d);
    let m = &source.model;
    let mut copy = m.clone().into_active_model();
    copy.id = Set(id);
    copy.extern_id = Set(Some(format!("{PREFIX}{:06}", number + 1)));
    copy.naam = Set(format!("{} ({})", m.naam, number + 1));
    copy.startdatum = Set(m.startdatum.map(back));
    copy.einddatum = Set(m.einddatum.map(back));
    copy.aangemaakt_op = Set(back_time(m.aangemaakt_op, years));
    copy.gewijzigd_op = Set(back_time(m.gewijzigd_op, years));
    copy
}

fn back_time(t: chrono::DateTime<chrono::Utc>, years: u32) -> chrono::DateTime<chrono::Utc> {
    t.with_year(t.year() - years as i32).unwrap_or(t)
}
