//! `fieldlab_regios`: the regions a fieldlab lies in, one or more (the seed documents place
//! labs in "Noord/Oost NL" and "Midden/Oost NL"). A kennismakelaar of any of them reads the
//! lab in full, and the filter `regios` finds it by any of them.
//!
//! Expand, then contract (`migrations/README.md`): this migration adds the link table and fills
//! it from `fieldlabs.regio`, one region per lab. The column stays, written by the service
//! with the first of the lab's regions and read by nothing, so a process of the previous
//! release keeps working next to this one, and rolling this migration back leaves every lab
//! with a region. A later migration drops it.

use crate::common::{REGIOS, enum_check, fk, index};
use crate::m20261122_000009_datastand::triggers;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string_len};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "fieldlab_regios";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(integer("fieldlab_id"))
                    .col(string_len("regio", 10))
                    .primary_key(Index::create().col("fieldlab_id").col("regio"))
                    .check(enum_check("regio", REGIOS, false))
                    .foreign_key(&mut fk(
                        TABLE,
                        "fieldlab_id",
                        "fieldlabs",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index(TABLE, "regio")).await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO fieldlab_regios (fieldlab_id, regio) SELECT id, regio FROM fieldlabs",
        )
        .await?;
        for statement in triggers(manager.get_database_backend(), TABLE) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(manager, &[TABLE]).await
    }
}
