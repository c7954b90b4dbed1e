//! Withdrawn executing institutions: `opdracht_uitvoerder_intrekkingen` records that a
//! kennisinstelling withdrew itself as uitvoerder of an opdracht (`withdrawUitvoerder`), so that
//! the owner's next sync does not silently name it again. The row goes with the opdracht; the
//! when and who are in the change log.

use crate::common::{index, organisatiekoppeling};
use crate::m20261122_000009_datastand::triggers;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABEL: &str = "opdracht_uitvoerder_intrekkingen";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(organisatiekoppeling(TABEL, "opdracht_id", "opdrachten"))
            .await?;
        manager.create_index(index(TABEL, "organisatie_id")).await?;
        let backend = manager.get_database_backend();
        for statement in triggers(backend, TABEL) {
            manager
                .get_connection()
                .execute_unprepared(&statement)
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(manager, &[TABEL]).await
    }
}
