//! The data's version (`datastand`): one row with a counter that every write to a table of
//! records, links or the change log raises, in the same transaction, by triggers.
//!
//! The API caches the answers to read queries (`src/cache.rs`) under the version they were
//! computed at. Triggers rather than code raise it, so no write escapes it: not a mutation,
//! not a sync, not `seed`, not a statement typed by hand, not a second API process on the same
//! PostgreSQL database. On PostgreSQL one statement-level trigger per table raises it once per
//! statement (a bulk insert of 3,000 links costs one update, not 3,000); SQLite only has row
//! triggers, which are cheap there (no row versions). A statement that changes no row may
//! still raise it on PostgreSQL; that costs one cache miss, never a stale answer.
//!
//! A table added by a later migration gets the same triggers in that migration
//! ([`triggers`]).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table whose contents a query can return.
const TABELLEN: &[&str] = &[
    "themas",
    "organisaties",
    "fieldlabs",
    "fieldlab_deelnemers",
    "fieldlab_themas",
    "lectoraten",
    "lectoraat_partners",
    "lectoraat_fieldlabs",
    "lectoraat_themas",
    "minoren",
    "minor_partners",
    "minor_themas",
    "communities",
    "community_leden",
    "community_themas",
    "opdrachten",
    "opdracht_uitvoerders",
    "opdracht_themas",
    "wijzigingen",
    "wijziging_betrokkenen",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE datastand (id INTEGER PRIMARY KEY CHECK (id = 1), versie BIGINT NOT NULL)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO datastand (id, versie) VALUES (1, 1)")
            .await?;
        if backend == DatabaseBackend::Postgres {
            db.execute_unprepared(
                "CREATE FUNCTION datastand_ophogen() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE datastand SET versie = versie + 1; RETURN NULL; END $$",
            )
            .await?;
        }
        for tabel in TABELLEN {
            for statement in triggers(backend, tabel) {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        if backend == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS datastand_ophogen() CASCADE")
                .await?;
        } else {
            for tabel in TABELLEN {
                for actie in ACTIES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {tabel}_datastand_{}",
                        actie.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        db.execute_unprepared("DROP TABLE datastand").await?;
        Ok(())
    }
}

const ACTIES: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

/// The statements that make every write to `tabel` raise the data's version.
pub fn triggers(backend: DatabaseBackend, tabel: &str) -> Vec<String> {
    match backend {
        DatabaseBackend::Postgres => vec![format!(
            "CREATE TRIGGER {tabel}_datastand AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
             ON {tabel} FOR EACH STATEMENT EXECUTE FUNCTION datastand_ophogen()"
        )],
        _ => ACTIES
            .iter()
            .map(|actie| {
                format!(
                    "CREATE TRIGGER {tabel}_datastand_{} AFTER {actie} ON {tabel} \
                     BEGIN UPDATE datastand SET versie = versie + 1; END",
                    actie.to_lowercase()
                )
            })
            .collect(),
    }
}
