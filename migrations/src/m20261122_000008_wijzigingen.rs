//! The change log (`wijzigingen`): one row per change of a record (create, update, delete, sync
//! item), written in the same transaction as the change. It is both the audit trail (who, when,
//! which record, before and after of the changed fields, via which operation) and the change
//! feed for mirroring clients (its `id` is the feed's sequence number).
//!
//! Append-only, enforced by the database: a trigger refuses every `UPDATE` and `DELETE`, so no
//! code path (nor a hand-typed statement) can rewrite history.
//!
//! `wijziging_betrokkenen` lists, for changes of records that are not public (opdrachten), the
//! organisations that could see the record before or after the change; the feed shows such a
//! change to those organisations only, so a record that leaves your scope reaches you as a
//! tombstone and nothing leaks to anyone else.

use crate::common::{enum_check, fk};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_pk_auto, boolean, integer, string_len, string_len_null, text_null, timestamp_with_time_zone,
};
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const RECORD_TYPES: &[&str] = &[
    "ORGANISATIE",
    "FIELDLAB",
    "LECTORAAT",
    "MINOR",
    "COMMUNITY",
    "OPDRACHT",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("wijzigingen")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("tijdstip"))
                    .col(string_len("actor_subject", 255))
                    .col(integer("actor_organisatie_id"))
                    .col(string_len("actor_rol", 30))
                    .col(string_len("operatie", 100))
                    .col(string_len_null("bron", 100))
                    .col(string_len("record_type", 20))
                    .col(integer("record_id"))
                    .col(integer("eigenaar_id"))
                    .col(string_len("actie", 10))
                    .col(integer("versie"))
                    .col(text_null("voor"))
                    .col(text_null("na"))
                    .col(boolean("publiek"))
                    .check(enum_check("record_type", RECORD_TYPES, false))
                    .check(enum_check(
                        "actie",
                        &["CREATED", "UPDATED", "DELETED"],
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "wijzigingen",
                        "actor_organisatie_id",
                        "organisaties",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_wijzigingen_record",
                &["record_type", "record_id", "id"][..],
            ),
            ("idx_wijzigingen_eigenaar", &["eigenaar_id", "id"][..]),
            ("idx_wijzigingen_tijdstip", &["tijdstip"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("wijzigingen");
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("wijziging_betrokkenen")
                    .col(ColumnDef::new("wijziging_id").big_integer().not_null())
                    .col(integer("organisatie_id"))
                    .primary_key(Index::create().col("wijziging_id").col("organisatie_id"))
                    .foreign_key(&mut fk(
                        "wijziging_betrokkenen",
                        "wijziging_id",
                        "wijzigingen",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "wijziging_betrokkenen",
                        "organisatie_id",
                        "organisaties",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_wijziging_betrokkenen_organisatie")
                    .table("wijziging_betrokkenen")
                    .col("organisatie_id")
                    .col("wijziging_id")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for table in ["wijzigingen", "wijziging_betrokkenen"] {
            for statement in append_only(manager.get_database_backend(), table) {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS weiger_wijziging() CASCADE")
                .await?;
        }
        crate::common::drop_tables(manager, &["wijziging_betrokkenen", "wijzigingen"]).await
    }
}

/// Statements that make `table` append-only: updates and deletes raise an error.
pub(crate) fn append_only(backend: DatabaseBackend, table: &str) -> Vec<String> {
    const MESSAGE: &str = "the change log is append-only";
    match backend {
        DatabaseBackend::Postgres => {
            let mut statements = Vec::new();
            if table == "wijzigingen" {
                statements.push(format!(
                    "CREATE OR REPLACE FUNCTION weiger_wijziging() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
                ));
            }
            statements.push(format!(
                "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION weiger_wijziging()"
            ));
            statements
        }
        _ => ["UPDATE", "DELETE"]
            .iter()
            .map(|action| {
                format!(
                    "CREATE TRIGGER {table}_append_only_{} BEFORE {action} ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
                    action.to_lowercase()
                )
            })
            .collect(),
    }
}
