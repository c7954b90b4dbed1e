//! Vraagstukken: a rijkspartner's question, from submission to the opdracht that answers it
//! (issue "Vraagstukken"). The question is owned by the rijkspartner that asks it; its regions
//! decide which kennismakelaars handle it, the institutions it is proposed to
//! (`vraagstuk_voorleggingen`) may read it and answer (`vraagstuk_reacties`, one answer per
//! proposal: the foreign key makes an answer without a proposal impossible), and what answered
//! it is recorded as links (`vraagstuk_opdrachten`) or columns (a fieldlab, a lectoraat), with
//! the day it was first matched (`belegd_op`: the programme counts questions "belegd" per
//! year).
//!
//! A deleted opdracht takes its link to a vraagstuk with it (`ON DELETE CASCADE`): opdrachten
//! are withdrawn by their institution's sync, which knows nothing of the questions they
//! answered; the deletion is in the change log as the opdracht's. A fieldlab or lectoraat is
//! unlinked by the service first, as a logged change of the vraagstuk.
//!
//! The change log learns the record type `VRAAGSTUK`: its `CHECK` is widened. PostgreSQL
//! replaces the constraint; SQLite cannot alter a constraint, and widening a `CHECK` is the
//! change its documentation allows through `writable_schema` (every stored row still
//! satisfies the new one), in one call so on one connection of the pool, followed by a new
//! schema version so every connection rereads it. Rolling back is refused once the change log
//! holds changes of vraagstukken (it is append-only).

use crate::common::{
    REGIOS, contactpersoon, enum_check, fk, index, organisatiekoppeling, themakoppeling,
    tijdstempels_en_versie,
};
use crate::m20261202_000026_kenmerken::kenmerk_check;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, date_null, integer, integer_null, pk_auto, string_len, text_null,
};
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const STATUSSEN: &[&str] = &[
    "NIEUW",
    "IN_BEHANDELING",
    "VOORGELEGD",
    "BELEGD",
    "AFGEROND",
    "INGETROKKEN",
];
const ANTWOORDSOORTEN: &[&str] = &[
    "STAGE",
    "AFSTUDEEROPDRACHT",
    "GROEPSOPDRACHT",
    "ONDERZOEK",
    "PROMOTIETRAJECT",
    "FIELDLAB",
];

/// The new tables, each counted with the record type `vraagstukken` by the data versions.
const TABLES: &[&str] = &[
    "vraagstukken",
    "vraagstuk_themas",
    "vraagstuk_regios",
    "vraagstuk_voorleggingen",
    "vraagstuk_reacties",
    "vraagstuk_opdrachten",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager.create_table(vraagstukken(backend)).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_vraagstukken_eigenaar_id")
                    .table("vraagstukken")
                    .col("eigenaar_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(themakoppeling(
                "vraagstuk_themas",
                "vraagstuk_id",
                "vraagstukken",
            ))
            .await?;
        manager.create_table(regios()).await?;
        manager
            .create_index(index("vraagstuk_regios", "regio"))
            .await?;
        manager
            .create_table(organisatiekoppeling(
                "vraagstuk_voorleggingen",
                "vraagstuk_id",
                "vraagstukken",
            ))
            .await?;
        manager
            .create_index(index("vraagstuk_voorleggingen", "organisatie_id"))
            .await?;
        manager.create_table(reacties()).await?;
        manager.create_table(opdrachten()).await?;
        manager
            .create_index(index("vraagstuk_opdrachten", "opdracht_id"))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO datastanden (recordsoort, versie) VALUES ('vraagstukken', 1)",
        )
        .await?;
        for table in TABLES {
            let statements = crate::m20261122_000009_datastand::triggers(backend, table)
                .into_iter()
                .chain(crate::m20261201_000024_datastanden::triggers(
                    backend,
                    table,
                    "vraagstukken",
                ));
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        change_record_types(manager, BEFORE, AFTER).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The change log is append-only: with changes of vraagstukken in it, the narrower check
        // would not hold, so rolling back stops here and says why.
        let logged = db
            .query_one_raw(Statement::from_string(
                manager.get_database_backend(),
                "SELECT COUNT(*) FROM wijzigingen WHERE record_type = 'VRAAGSTUK'",
            ))
            .await?
            .ok_or_else(|| DbErr::Migration("no count".into()))?
            .try_get_by_index::<i64>(0)?;
        if logged > 0 {
            return Err(DbErr::Migration(format!(
                "the change log holds {logged} changes of vraagstukken, and it is append-only; \
                 this migration cannot be rolled back on this database"
            )));
        }
        db.execute_unprepared("DELETE FROM datastanden WHERE recordsoort = 'vraagstukken'")
            .await?;
        let mut tables = TABLES.to_vec();
        tables.reverse();
        crate::common::drop_tables(manager, &tables).await?;
        change_record_types(manager, AFTER, BEFORE).await
    }
}

fn vraagstukken(backend: DatabaseBackend) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("vraagstukken")
        .col(pk_auto("id"))
        .col(integer("eigenaar_id"))
        .col(string_len("titel", 200))
        .col(ColumnDef::new("kenmerk").string_len(40).null())
        .col(text_null("omschrijving"))
        .col(string_len("antwoordsoort", 20))
        .col(date_null("gewenste_start"))
        .col(string_len("status", 20).default("NIEUW"))
        .col(boolean("openbaar").default(false))
        .col(date_null("belegd_op"))
        .col(integer_null("fieldlab_id"))
        .col(integer_null("lectoraat_id"))
        .check(Expr::cust(format!(
            "kenmerk IS NULL OR ({})",
            kenmerk_check(backend)
        )))
        .check(enum_check("antwoordsoort", ANTWOORDSOORTEN, false))
        .check(enum_check("status", STATUSSEN, false))
        .index(
            Index::create()
                .name("uq_vraagstukken_kenmerk")
                .col("kenmerk")
                .unique(),
        )
        .foreign_key(&mut fk(
            "vraagstukken",
            "eigenaar_id",
            "organisaties",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk(
            "vraagstukken",
            "fieldlab_id",
            "fieldlabs",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk(
            "vraagstukken",
            "lectoraat_id",
            "lectoraten",
            ForeignKeyAction::Restrict,
        ));
    contactpersoon(&mut table);
    tijdstempels_en_versie(&mut table);
    table.to_owned()
}

fn regios() -> TableCreateStatement {
    Table::create()
        .table("vraagstuk_regios")
        .col(integer("vraagstuk_id"))
        .col(string_len("regio", 10))
        .primary_key(Index::create().col("vraagstuk_id").col("regio"))
        .check(enum_check("regio", REGIOS, false))
        .foreign_key(&mut fk(
            "vraagstuk_regios",
            "vraagstuk_id",
            "vraagstukken",
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn reacties() -> TableCreateStatement {
    Table::create()
        .table("vraagstuk_reacties")
        .col(integer("vraagstuk_id"))
        .col(integer("organisatie_id"))
        .col(string_len("reactie", 20))
        .col(text_null("toelichting"))
        .primary_key(Index::create().col("vraagstuk_id").col("organisatie_id"))
        .check(enum_check(
            "reactie",
            &["INTERESSE", "GEEN_INTERESSE"],
            false,
        ))
        .foreign_key(
            ForeignKey::create()
                .name("fk_vraagstuk_reacties_voorlegging")
                .from_tbl("vraagstuk_reacties")
                .from_col("vraagstuk_id")
                .from_col("organisatie_id")
                .to_tbl("vraagstuk_voorleggingen")
                .to_col("vraagstuk_id")
                .to_col("organisatie_id")
                .on_delete(ForeignKeyAction::Cascade)
                .on_update(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn opdrachten() -> TableCreateStatement {
    Table::create()
        .table("vraagstuk_opdrachten")
        .col(integer("vraagstuk_id"))
        .col(integer("opdracht_id"))
        .primary_key(Index::create().col("vraagstuk_id").col("opdracht_id"))
        .foreign_key(&mut fk(
            "vraagstuk_opdrachten",
            "vraagstuk_id",
            "vraagstukken",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            "vraagstuk_opdrachten",
            "opdracht_id",
            "opdrachten",
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

/// The record types of the change log before this migration, and after.
const BEFORE: &[&str] = &[
    "ORGANISATIE",
    "FIELDLAB",
    "LECTORAAT",
    "MINOR",
    "COMMUNITY",
    "OPDRACHT",
];
pub(crate) const AFTER: &[&str] = &[
    "ORGANISATIE",
    "FIELDLAB",
    "LECTORAAT",
    "MINOR",
    "COMMUNITY",
    "OPDRACHT",
    "VRAAGSTUK",
];

/// Rewrites the change log's `CHECK` on `record_type` from the values `from` to `to`.
pub(crate) async fn change_record_types(
    manager: &SchemaManager<'_>,
    from: &[&str],
    to: &[&str],
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let (old, new) = (
        enum_check("record_type", from, false),
        enum_check("record_type", to, false),
    );
    let text = |e: Expr| {
        Query::select()
            .expr(e)
            .to_string(SqliteQueryBuilder)
            .trim_start_matches("SELECT ")
            .to_owned()
    };
    match manager.get_database_backend() {
        DatabaseBackend::Postgres => {
            let row = db
                .query_one_raw(Statement::from_string(
                    DatabaseBackend::Postgres,
                    "SELECT conname FROM pg_constraint WHERE conrelid = 'wijzigingen'::regclass \
                     AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%record_type%'",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("wijzigingen has no record_type check".into()))?;
            let name: String = row.try_get("", "conname")?;
            db.execute_unprepared(&format!(
                "ALTER TABLE wijzigingen DROP CONSTRAINT {name}, ADD CONSTRAINT {name} CHECK ({})",
                text(new)
            ))
            .await?;
        }
        _ => {
            let version: i64 = db
                .query_one_raw(Statement::from_string(
                    DatabaseBackend::Sqlite,
                    "PRAGMA schema_version",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("no schema version".into()))?
                .try_get_by_index(0)?;
            // One call, so one connection of the pool: `writable_schema` holds per connection.
            let quote = |e: Expr| text(e).replace('\'', "''");
            db.execute_unprepared(&format!(
                "PRAGMA writable_schema = ON; \
                 UPDATE sqlite_schema SET sql = replace(sql, '{}', '{}') \
                 WHERE type = 'table' AND name = 'wijzigingen'; \
                 PRAGMA writable_schema = OFF; \
                 PRAGMA schema_version = {};",
                quote(old),
                quote(new.clone()),
                version + 1
            ))
            .await?;
            let changed = db
                .query_one_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Sqlite,
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' \
                     AND name = 'wijzigingen' AND instr(sql, ?1) > 0",
                    [text(new).into()],
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("no schema".into()))?
                .try_get_by_index::<i64>(0)?;
            if changed != 1 {
                return Err(DbErr::Migration(
                    "the change log's record_type check is not as migration 8 wrote it".into(),
                ));
            }
        }
    }
    Ok(())
}
