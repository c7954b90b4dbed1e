//! The keys of public ids and cursors (`sleutels`): one row per purpose, 32 random bytes as
//! hex, made here with the operating system's random source.
//!
//! The API encrypts row numbers into global ids with the `id` key and seals cursors with the
//! `cursor` key (`src/graphql/id.rs`). Kept in the database so that every API process on it, and
//! every restart, uses the same keys, and a fresh database gets its own. Whoever can read this
//! table can read the records themselves; the keys only keep row numbers from API callers.
//! Rolling this migration back drops the keys: every id and cursor given out stops working.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// 32 random bytes as 64 hex digits.
fn sleutel() -> Result<String, DbErr> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| DbErr::Migration(format!("no random bytes for the id keys: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE sleutels (doel VARCHAR(20) PRIMARY KEY CHECK (doel IN ('id', 'cursor')), \
             waarde VARCHAR(64) NOT NULL CHECK (LENGTH(waarde) = 64))",
        )
        .await?;
        for doel in ["id", "cursor"] {
            db.execute_unprepared(&format!(
                "INSERT INTO sleutels (doel, waarde) VALUES ('{doel}', '{}')",
                sleutel()?
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE sleutels")
            .await?;
        Ok(())
    }
}
