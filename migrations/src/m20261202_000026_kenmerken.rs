//! Kenmerken: fieldlabs, lectoraten and minoren get `kenmerk`, a stable code their owner sets, so
//! that an institution's sync can name the fieldlab, lectoraat or minor of an opdracht in its own
//! terms rather than by this API's ids (issue "Vraagstukken", point 6). Called `kenmerk` (the
//! Dutch government's word for a reference code) and not `code`: `Thema.code` is a non-null
//! `String!`, and one field name has one type everywhere in the schema (`tests/api/schema.rs`).
//!
//! Unique per record type across all owners (an opdracht of one institution names a fieldlab of
//! another penvoerder, so the code alone must say which), optional (existing records have none
//! until their owner gives one), and of one shape the database checks too: 2 to 40 capital
//! letters, digits and hyphens, not starting with a hyphen. The service uppercases what a client
//! sends before it checks.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables that get a kenmerk.
const TABLES: &[&str] = &["fieldlabs", "lectoraten", "minoren"];

/// The shape of a kenmerk, as the database checks it: a regular expression on PostgreSQL, the
/// same as `GLOB`s on SQLite.
pub(crate) fn kenmerk_check(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "kenmerk ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'",
        _ => {
            "length(kenmerk) BETWEEN 2 AND 40 AND kenmerk NOT GLOB '*[^A-Z0-9-]*' \
             AND kenmerk NOT GLOB '-*'"
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN kenmerk VARCHAR(40) NULL CHECK ({})",
                kenmerk_check(manager.get_database_backend())
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE UNIQUE INDEX uq_{table}_kenmerk ON {table} (kenmerk)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!("DROP INDEX uq_{table}_kenmerk"))
                .await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN kenmerk"))
                .await?;
        }
        Ok(())
    }
}
