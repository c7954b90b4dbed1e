//! A signal for live subscriptions: on PostgreSQL, every statement that adds to the change log
//! (`wijzigingen`) sends `NOTIFY ipartnerschap_wijzigingen`, which PostgreSQL delivers when the
//! transaction commits (and not at all when it rolls back).
//!
//! Why a trigger: every API process listens on this channel (`src/db/signal.rs`), so a change
//! written through one process reaches the subscribers of all of them, and no writer can forget
//! to send it. The notification carries no payload: subscribers read the feed from their own
//! cursor, under its visibility rule; PostgreSQL folds the notifications of one transaction
//! into one.
//!
//! SQLite has no channel between processes; there a process raises the signal itself after
//! each commit, so this migration does nothing on SQLite.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE FUNCTION wijzigingen_signaleren() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN PERFORM pg_notify('ipartnerschap_wijzigingen', ''); RETURN NULL; END $$",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER wijzigingen_signaal AFTER INSERT ON wijzigingen \
             FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_signaleren()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP FUNCTION IF EXISTS wijzigingen_signaleren() CASCADE")
            .await?;
        Ok(())
    }
}
