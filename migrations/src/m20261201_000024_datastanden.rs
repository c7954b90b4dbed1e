//! The data's version per record type (`datastanden`): one row per record type with a counter
//! that every write to the type's table or to one of its link tables raises, in the same
//! transaction, by triggers.
//!
//! Why: the API caches answers to read queries (`src/cache.rs`). With one counter for all data
//! (migration 9), every write made every cached answer useless, and institutions sync their
//! opdrachten many times a day. With a counter per record type, an answer is kept for as long
//! as the record types it read are unchanged: a sync of opdrachten leaves the answers about
//! fieldlabs or the catalogue of organisations valid.
//!
//! A link table counts with the record type that owns it (`opdracht_themas` with opdrachten,
//! `lectoraat_fieldlabs` with lectoraten): a query that follows a link from one record type to
//! another reads both types anyway. The change log (`wijzigingen` and its tables) is a record
//! type of its own; the API treats a query that reads the change log as reading every record
//! type, so every write invalidates it, without every trigger raising a second row.
//!
//! Triggers rather than code raise the counters, so no write escapes them: not a mutation, not
//! a sync, not `seed`, not a statement typed by hand, not a second API process on the same
//! PostgreSQL database. PostgreSQL has one statement-level trigger per table (one `UPDATE` per
//! write statement), SQLite row triggers, as in migration 9.
//!
//! Expand, then contract: migration 9's single counter keeps being raised, so a process of the
//! previous release keeps serving correct answers next to this one; a later migration drops it.
//! While both exist, a table added later gets both sets of triggers (migration 9's
//! [`triggers`](crate::m20261122_000009_datastand::triggers) and [`triggers`] here).
//!
//! Deadlocks: every write transaction locks the rows of the types it writes, in the order it
//! writes them. Writers of the API take turns on an advisory lock first (`src/db/write.rs`), and
//! every writer updates migration 9's single row at its first write; so two transactions never
//! wait for each other's rows here. Without both, PostgreSQL would detect a deadlock and abort
//! one of the writes, which its writer retries; a cached answer is never wrong because of it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table whose contents a query can return, by the record type it counts with.
const TABELLEN: &[(&str, &[&str])] = &[
    ("themas", &["themas"]),
    ("organisaties", &["organisaties"]),
    (
        "fieldlabs",
        &[
            "fieldlabs",
            "fieldlab_deelnemers",
            "fieldlab_themas",
            "fieldlab_regios",
        ],
    ),
    (
        "lectoraten",
        &[
            "lectoraten",
            "lectoraat_partners",
            "lectoraat_fieldlabs",
            "lectoraat_themas",
        ],
    ),
    ("minoren", &["minoren", "minor_partners", "minor_themas"]),
    (
        "communities",
        &["communities", "community_leden", "community_themas"],
    ),
    (
        "opdrachten",
        &[
            "opdrachten",
            "opdracht_uitvoerders",
            "opdracht_themas",
            "opdracht_uitvoerder_intrekkingen",
        ],
    ),
    (
        "wijzigingen",
        &["wijzigingen", "wijziging_betrokkenen", "wijziging_regios"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE datastanden (recordsoort VARCHAR(20) PRIMARY KEY, \
             versie BIGINT NOT NULL)",
        )
        .await?;
        for (soort, _) in TABELLEN {
            db.execute_unprepared(&format!(
                "INSERT INTO datastanden (recordsoort, versie) VALUES ('{soort}', 1)"
            ))
            .await?;
        }
        if backend == DatabaseBackend::Postgres {
            db.execute_unprepared(
                "CREATE FUNCTION datastanden_ophogen() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE datastanden SET versie = versie + 1 \
                 WHERE recordsoort = TG_ARGV[0]; RETURN NULL; END $$",
            )
            .await?;
        }
        for (soort, tabellen) in TABELLEN {
            for tabel in *tabellen {
                for statement in triggers(backend, tabel, soort) {
                    db.execute_unprepared(&statement).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        if backend == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS datastanden_ophogen() CASCADE")
                .await?;
        } else {
            for tabel in TABELLEN.iter().flat_map(|(_, t)| t.iter()) {
                for actie in ACTIES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {tabel}_datastanden_{}",
                        actie.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        db.execute_unprepared("DROP TABLE datastanden").await?;
        Ok(())
    }
}

const ACTIES: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

/// The statements that make every write to `tabel` raise the version of record type `soort`.
pub fn triggers(backend: DatabaseBackend, tabel: &str, soort: &str) -> Vec<String> {
    match backend {
        DatabaseBackend::Postgres => vec![format!(
            "CREATE TRIGGER {tabel}_datastanden AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
             ON {tabel} FOR EACH STATEMENT EXECUTE FUNCTION datastanden_ophogen('{soort}')"
        )],
        _ => ACTIES
            .iter()
            .map(|actie| {
                format!(
                    "CREATE TRIGGER {tabel}_datastanden_{} AFTER {actie} ON {tabel} \
                     BEGIN UPDATE datastanden SET versie = versie + 1 \
                     WHERE recordsoort = '{soort}'; END",
                    actie.to_lowercase()
                )
            })
            .collect(),
    }
}
