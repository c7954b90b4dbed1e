//! Indexes for reading opdrachten at scale (issue "reads that stay fast as the data grows").
//!
//! Why these: a page of opdrachten is `ORDER BY <field> [IS NULL,] <field>, id LIMIT n` under
//! the caller's visibility rule and the filter, and at 100,000 rows every such statement must
//! be answerable by walking an index in order (or, for a narrow filter, by an index lookup of
//! the few matching rows) instead of sorting the table:
//!
//! - one index per sort field in the order of the page, with the id as tie-breaker; for the
//!   nullable dates the expression `(field IS NULL)` first, so that "without a date last" is
//!   the index's own order on both databases (the single-column `startdatum` index of
//!   migration 7 stays: the first and last start date of the figures read its ends);
//! - on PostgreSQL, trigram indexes (`pg_trgm`) of the lowercased name and description, which
//!   answer the filter `zoek` (`lower(column) LIKE '%text%'`) without reading every row. Where
//!   the database user may not create the extension (it is a trusted one: the database's owner
//!   may), the migration leaves them out and says so, and `zoek` reads the table as before;
//! - status and region (a kennismakelaar's visibility) followed by the default order, and the
//!   link tables from the side of the organisation and the theme, with the opdracht id in the
//!   index, so that "the opdrachten of organisation X" and "with theme T" are index-only. Not
//!   for the criteria with few values that few pages are narrowed by (onderwijssoort, kind):
//!   walking the page's index and skipping the rows that do not match is cheaper than a
//!   lookup of every match followed by a sort, which is what such an index makes SQLite (which
//!   keeps no statistics here) choose;

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(name, table, columns)`; a column may be an expression in parentheses.
const INDEXES: &[(&str, &str, &str)] = &[
    (
        "idx_opdrachten_orde_startdatum",
        "opdrachten",
        "(startdatum IS NULL), startdatum, id",
    ),
    (
        "idx_opdrachten_orde_einddatum",
        "opdrachten",
        "(einddatum IS NULL), einddatum, id",
    ),
    ("idx_opdrachten_orde_naam", "opdrachten", "naam, id"),
    (
        "idx_opdrachten_orde_gewijzigd_op",
        "opdrachten",
        "gewijzigd_op, id",
    ),
    (
        "idx_opdrachten_orde_aangemaakt_op",
        "opdrachten",
        "aangemaakt_op, id",
    ),
    // The two criteria a page is most often narrowed by, and a kennismakelaar's visibility
    // (by region), in the order of the default page: an equality on them still walks the
    // index in page order, where a single-column index would make SQLite collect and sort
    // every matching row.
    (
        "idx_opdrachten_status_orde",
        "opdrachten",
        "status, (startdatum IS NULL), startdatum, id",
    ),
    (
        "idx_opdrachten_regio_orde",
        "opdrachten",
        "regio, (startdatum IS NULL), startdatum, id",
    ),
    (
        "idx_opdracht_themas_thema",
        "opdracht_themas",
        "thema_code, opdracht_id",
    ),
    (
        "idx_opdracht_uitvoerders_organisatie_opdracht",
        "opdracht_uitvoerders",
        "organisatie_id, opdracht_id",
    ),
];

/// Indexes this migration replaces: `(name, table, column)`.
const SUPERSEDED: &[(&str, &str, &str)] = &[
    ("idx_opdrachten_status", "opdrachten", "status"),
    (
        "idx_opdracht_uitvoerders_organisatie_id",
        "opdracht_uitvoerders",
        "organisatie_id",
    ),
];

/// The trigram indexes of `zoek`, when `pg_trgm` is there or may be created.
const TRIGRAMS: &str = "DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
        RAISE WARNING 'pg_trgm is not available: the filter zoek reads every opdracht (%)', SQLERRM;
        RETURN;
    END;
    CREATE INDEX idx_opdrachten_zoek_naam ON opdrachten USING gin (lower(naam) gin_trgm_ops);
    CREATE INDEX idx_opdrachten_zoek_omschrijving
        ON opdrachten USING gin (lower(omschrijving) gin_trgm_ops);
END $$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
                .await?;
        }
        for (name, _, _) in SUPERSEDED {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(TRIGRAMS).await?;
        }
        analyze(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, column) in SUPERSEDED {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({column})"))
                .await?;
        }
        for (name, _, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for column in ["naam", "omschrijving"] {
                db.execute_unprepared(&format!(
                    "DROP INDEX IF EXISTS idx_opdrachten_zoek_{column}"
                ))
                .await?;
            }
        }
        Ok(())
    }
}

/// PostgreSQL's statistics for the planner, so that it knows the expressions' values at once
/// rather than after the next autovacuum. Not on SQLite: statistics there are never refreshed
/// by themselves, and those of a small table would mislead its planner once the table grew
/// (without them it assumes large tables, which is what these indexes are for).
async fn analyze(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    if manager.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for table in ["opdrachten", "opdracht_themas", "opdracht_uitvoerders"] {
        db.execute_unprepared(&format!("ANALYZE {table}")).await?;
    }
    Ok(())
}
