//! Look-alike names: every named record gets `naam_sleutel`, the comparison key of its name
//! ([`crate::naamsleutel`]: case, spacing, invisible characters and confusable letters do not
//! count), and the uniqueness of names moves to that key: fieldlabs and communities are unique
//! by key, lectoraten and minoren by (institution, key). The service fills the key on every
//! write; the database refuses a row without one (`NOT NULL` and a `CHECK` on PostgreSQL,
//! `BEFORE` triggers on SQLite, whose `ALTER TABLE` cannot add constraints), so a raw `INSERT`
//! cannot bypass the rule either.
//!
//! Existing rows get their key here. Rows that already look alike (written before the rule)
//! keep their names; the later ones get their key with `U+2063 #id` appended (a character no
//! valid name's key contains), so the index holds and nothing is lost, and their next update
//! through the API must give them a name of their own.

use crate::naamsleutel::naam_sleutel;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, Statement};
use std::collections::HashSet;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The named tables and the columns their names are unique within (besides the key).
const TABELLEN: &[(&str, Option<&str>)] = &[
    ("fieldlabs", None),
    ("lectoraten", Some("eigenaar_id")),
    ("minoren", Some("eigenaar_id")),
    ("communities", None),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        for (tabel, binnen) in TABELLEN {
            db.execute_unprepared(&format!("ALTER TABLE {tabel} ADD COLUMN naam_sleutel TEXT"))
                .await?;
            let groep = binnen.unwrap_or("0");
            let rijen = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT id, {groep}, naam FROM {tabel} ORDER BY id"),
                ))
                .await?;
            let mut gezien = HashSet::new();
            for rij in rijen {
                let id: i32 = rij.try_get_by_index(0)?;
                let groep: i32 = rij.try_get_by_index(1)?;
                let naam: String = rij.try_get_by_index(2)?;
                let mut sleutel = naam_sleutel(&naam);
                if sleutel.is_empty() || !gezien.insert((groep, sleutel.clone())) {
                    sleutel = format!("{sleutel}\u{2063}#{id}");
                }
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    match backend {
                        DatabaseBackend::Postgres => {
                            format!("UPDATE {tabel} SET naam_sleutel = $1 WHERE id = $2")
                        }
                        _ => format!("UPDATE {tabel} SET naam_sleutel = ? WHERE id = ?"),
                    },
                    [sleutel.into(), id.into()],
                ))
                .await?;
            }
            let kolommen = match binnen {
                Some(b) => format!("{b}, naam_sleutel"),
                None => "naam_sleutel".to_owned(),
            };
            db.execute_unprepared(&format!(
                "CREATE UNIQUE INDEX uq_{tabel}_naam_sleutel ON {tabel} ({kolommen})"
            ))
            .await?;
            if backend == DatabaseBackend::Postgres {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {tabel} ALTER COLUMN naam_sleutel SET NOT NULL, \
                     ADD CONSTRAINT ck_{tabel}_naam_sleutel CHECK (naam_sleutel <> '')"
                ))
                .await?;
            } else {
                for (actie, wanneer) in [("insert", "INSERT"), ("update", "UPDATE OF naam_sleutel")]
                {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {tabel}_naam_sleutel_{actie} BEFORE {wanneer} ON {tabel} \
                         WHEN NEW.naam_sleutel IS NULL OR NEW.naam_sleutel = '' \
                         BEGIN SELECT RAISE(ABORT, '{tabel}.naam_sleutel is required'); END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        for (tabel, _) in TABELLEN.iter().rev() {
            if backend != DatabaseBackend::Postgres {
                for actie in ["insert", "update"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {tabel}_naam_sleutel_{actie}"
                    ))
                    .await?;
                }
            }
            db.execute_unprepared(&format!("DROP INDEX uq_{tabel}_naam_sleutel"))
                .await?;
            db.execute_unprepared(&format!("ALTER TABLE {tabel} DROP COLUMN naam_sleutel"))
                .await?;
        }
        Ok(())
    }
}
