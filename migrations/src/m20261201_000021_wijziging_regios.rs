//! `wijziging_regios`: the regions whose kennismakelaars may see a change in the feed.
//!
//! The feed shows a change to whoever could see the record before or after it. A
//! kennismakelaar sees the opdrachten of its regions, so a change of an opdracht is recorded
//! with the regions the opdracht was in before and after it, next to the organisations in
//! `wijziging_betrokkenen`. Append-only, like the rest of the change log.
//!
//! Changes logged before this migration are given the region their opdracht has now (the
//! region at the time of the change was not recorded; for most opdrachten it never changes).
//! Changes of opdrachten that no longer exist get none: their tombstones reach the
//! organisations involved, as before.

use crate::common::fk;
use crate::m20261122_000008_wijzigingen::append_only;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "wijziging_regios";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(ColumnDef::new("wijziging_id").big_integer().not_null())
                    .col(ColumnDef::new("regio").string().not_null())
                    .primary_key(Index::create().col("wijziging_id").col("regio"))
                    .foreign_key(&mut fk(
                        TABLE,
                        "wijziging_id",
                        "wijzigingen",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_wijziging_regios_regio")
                    .table(TABLE)
                    .col("regio")
                    .col("wijziging_id")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO wijziging_regios (wijziging_id, regio) \
             SELECT w.id, o.regio FROM wijzigingen w JOIN opdrachten o ON o.id = w.record_id \
             WHERE w.record_type = 'OPDRACHT' AND o.regio IS NOT NULL",
        )
        .await?;
        for statement in append_only(manager.get_database_backend(), TABLE) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(manager, &[TABLE]).await
    }
}
