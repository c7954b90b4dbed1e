//! Indexes for the reach of an organisation (issue "reads that stay fast as the data grows").
//!
//! Why: an organisation-scoped caller sees the opdrachten it owns, gives or carries out, and
//! the visibility rule reads those as three id sets (`policy::rule_of`). The link table's set is
//! read from its index alone (migration 23), but the owner's and the opdrachtgever's sets were
//! read through indexes without the id (`(eigenaar_id, extern_id)`, `(opdrachtgever_id)`), so
//! PostgreSQL fetched every matching row from the table to learn its id: at 100,000 opdrachten
//! 2,000 table pages for one kennisinstelling, most of a scoped `totalCount`. Now:
//!
//! - `(opdrachtgever_id, id)` replaces the single-column index (the same leading column serves
//!   the foreign key and the filter);
//! - on PostgreSQL the unique `(eigenaar_id, extern_id)` carries the id as an included column,
//!   so the owner's set is an index-only scan of the index that exists anyway. Not a second
//!   index `(eigenaar_id, id)`: with two indexes led by the owner, a planner without statistics
//!   (a new database's first syncs) picks either, and the wrong one makes each of a sync's key
//!   lookups read every opdracht of the owner (`tests/api/plans.rs`). On SQLite every index
//!   holds the row id already;
//! - the single-column `gewijzigd_op` index of migration 7 goes: `(gewijzigd_op, id)` of
//!   migration 23 answers everything it did, and every index costs each created and changed
//!   row of a sync.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The index on the opdrachtgever with the id.
const OPDRACHTGEVER: &str = "idx_opdrachten_opdrachtgever_bereik";
/// The indexes this migration drops, with their column: `(name, column)` on `opdrachten`.
const SUPERSEDED: &[(&str, &str)] = &[
    ("idx_opdrachten_opdrachtgever_id", "opdrachtgever_id"),
    ("idx_opdrachten_gewijzigd_op", "gewijzigd_op"),
];

/// The unique key of an opdracht for its owner (migration 7), with the id included or not.
fn unique_owner_key(included: &str) -> String {
    format!(
        "ALTER TABLE opdrachten DROP CONSTRAINT uq_opdrachten_eigenaar_extern_id, \
         ADD CONSTRAINT uq_opdrachten_eigenaar_extern_id UNIQUE (eigenaar_id, extern_id) {included}"
    )
}

fn is_postgres(manager: &SchemaManager) -> bool {
    manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE INDEX {OPDRACHTGEVER} ON opdrachten (opdrachtgever_id, id)"
        ))
        .await?;
        for (name, _) in SUPERSEDED {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        if is_postgres(manager) {
            db.execute_unprepared(&unique_owner_key("INCLUDE (id)"))
                .await?;
            db.execute_unprepared("ANALYZE opdrachten").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if is_postgres(manager) {
            db.execute_unprepared(&unique_owner_key("")).await?;
        }
        for (name, column) in SUPERSEDED {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON opdrachten ({column})"))
                .await?;
        }
        db.execute_unprepared(&format!("DROP INDEX {OPDRACHTGEVER}"))
            .await?;
        Ok(())
    }
}
