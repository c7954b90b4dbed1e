//! `jaarcijfers`: the programme's figures of a year as the programme office published them
//! (`publiceerJaarcijfers`), stored whole (the answer of `statistieken(jaar:)` as JSON) so that
//! `jaarcijfers(jaar:)` returns them unchanged however the data changes later: they are what
//! the yearly infographic showed. One row per year, and fixed: triggers refuse every `UPDATE`
//! and `DELETE`, as for the change log, so no code path can rewrite a published year.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string_len, text, timestamp_with_time_zone};
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const MESSAGE: &str = "published yearly figures are fixed";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        manager
            .create_table(
                Table::create()
                    .table("jaarcijfers")
                    .col(integer("jaar").primary_key())
                    .col(text("cijfers"))
                    .col(timestamp_with_time_zone("gepubliceerd_op"))
                    .col(string_len("gepubliceerd_door", 255))
                    .check(Expr::cust("jaar BETWEEN 1900 AND 2999"))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "INSERT INTO datastanden (recordsoort, versie) VALUES ('jaarcijfers', 1)",
        )
        .await?;
        let mut statements = crate::m20261122_000009_datastand::triggers(backend, "jaarcijfers");
        statements.extend(crate::m20261201_000024_datastanden::triggers(
            backend,
            "jaarcijfers",
            "jaarcijfers",
        ));
        statements.extend(fixed(backend));
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE jaarcijfers").await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION weiger_jaarcijfers_wijziging()")
                .await?;
        }
        db.execute_unprepared("DELETE FROM datastanden WHERE recordsoort = 'jaarcijfers'")
            .await?;
        Ok(())
    }
}

/// The triggers that refuse to change or delete a published year.
fn fixed(backend: DatabaseBackend) -> Vec<String> {
    match backend {
        DatabaseBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION weiger_jaarcijfers_wijziging() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
            ),
            "CREATE TRIGGER jaarcijfers_vast BEFORE UPDATE OR DELETE ON jaarcijfers \
             FOR EACH ROW EXECUTE FUNCTION weiger_jaarcijfers_wijziging()"
                .to_owned(),
        ],
        _ => ["UPDATE", "DELETE"]
            .iter()
            .map(|action| {
                format!(
                    "CREATE TRIGGER jaarcijfers_vast_{} BEFORE {action} ON jaarcijfers \
                     BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
                    action.to_lowercase()
                )
            })
            .collect(),
    }
}
