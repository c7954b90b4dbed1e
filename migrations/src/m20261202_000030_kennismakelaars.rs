//! Kennismakelaars as a directory, the duo that handles a vraagstuk, and what else answers a
//! question (issue "Vraagstukken", points 1, 4 and 6).
//!
//! A kennismakelaar is a person who brokers between government and education for one or more
//! regions (`kennismakelaar_regios`); the entry is owned by the organisation the person works
//! for, whose kind gives the side (`kant`: ONDERWIJS for a kennisinstelling, OVERHEID for a
//! rijkspartner). The person is kept as every record's contact person is (name, required here,
//! and e-mail): personal data. The directory is for display and
//! assignment; what a broker may see is still decided by the regions in its token.
//!
//! `vraagstuk_makelaars` names the duo that handles a question (set when it is taken up). A
//! question can now also be answered by a promotietraject (`vraagstukken.promotietraject_id`),
//! and an opdracht can name the question it answers (`opdrachten.vraagstuk_id`), which an
//! institution's sync sets in its own terms (the question's kenmerk). Both are plain nullable
//! columns with a restricting foreign key: the service unlinks them, as logged changes, before
//! it deletes what they point at.
//!
//! The change log learns the record type `KENNISMAKELAAR` (its `CHECK` widened as in migration
//! 27).

use crate::common::{
    REGIOS, contactpersoon, enum_check, fk, index, koppeltabel, tijdstempels_en_versie,
};
use crate::m20261202_000027_vraagstukken::change_record_types;
use crate::m20261202_000029_promoties_bijeenkomsten::with_new_types as before;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, pk_auto, string_len};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new tables, each with the record type the data versions count it with.
const TABLES: &[(&str, &str)] = &[
    ("kennismakelaars", "kennismakelaars"),
    ("kennismakelaar_regios", "kennismakelaars"),
    ("vraagstuk_makelaars", "vraagstukken"),
];

/// The new columns: table, column, the table it points at.
const COLUMNS: &[(&str, &str, &str)] = &[
    ("opdrachten", "vraagstuk_id", "vraagstukken"),
    ("vraagstukken", "promotietraject_id", "promotietrajecten"),
];

fn after() -> Vec<&'static str> {
    let mut types = before();
    types.push("KENNISMAKELAAR");
    types
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager.create_table(kennismakelaars()).await?;
        manager
            .create_index(index("kennismakelaars", "eigenaar_id"))
            .await?;
        manager.create_table(regios()).await?;
        manager
            .create_index(index("kennismakelaar_regios", "regio"))
            .await?;
        manager
            .create_table(koppeltabel(
                "vraagstuk_makelaars",
                ("vraagstuk_id", "vraagstukken"),
                ("kennismakelaar_id", "kennismakelaars", ColumnType::Integer),
            ))
            .await?;
        manager
            .create_index(index("vraagstuk_makelaars", "kennismakelaar_id"))
            .await?;
        let db = manager.get_connection();
        for (table, column, target) in COLUMNS {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} INTEGER NULL \
                 CONSTRAINT fk_{table}_{column} REFERENCES {target} (id) \
                 ON DELETE RESTRICT ON UPDATE CASCADE"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE INDEX idx_{table}_{column} ON {table} ({column})"
            ))
            .await?;
        }
        db.execute_unprepared(
            "INSERT INTO datastanden (recordsoort, versie) VALUES ('kennismakelaars', 1)",
        )
        .await?;
        for (table, soort) in TABLES {
            let statements = crate::m20261122_000009_datastand::triggers(backend, table)
                .into_iter()
                .chain(crate::m20261201_000024_datastanden::triggers(
                    backend, table, soort,
                ));
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        change_record_types(manager, &before(), &after()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        change_record_types(manager, &after(), &before()).await?;
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM datastanden WHERE recordsoort = 'kennismakelaars'")
            .await?;
        for (table, column, _) in COLUMNS {
            db.execute_unprepared(&format!("DROP INDEX idx_{table}_{column}"))
                .await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                .await?;
        }
        crate::common::drop_tables(
            manager,
            &[
                "vraagstuk_makelaars",
                "kennismakelaar_regios",
                "kennismakelaars",
            ],
        )
        .await
    }
}

fn kennismakelaars() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("kennismakelaars")
        .col(pk_auto("id"))
        .col(integer("eigenaar_id"))
        .col(string_len("kant", 10))
        .check(enum_check("kant", &["ONDERWIJS", "OVERHEID"], false))
        .check(Expr::cust("contactpersoon_naam IS NOT NULL"))
        .foreign_key(&mut fk(
            "kennismakelaars",
            "eigenaar_id",
            "organisaties",
            ForeignKeyAction::Restrict,
        ));
    contactpersoon(&mut table);
    tijdstempels_en_versie(&mut table);
    table.to_owned()
}

fn regios() -> TableCreateStatement {
    Table::create()
        .table("kennismakelaar_regios")
        .col(integer("kennismakelaar_id"))
        .col(string_len("regio", 10))
        .primary_key(Index::create().col("kennismakelaar_id").col("regio"))
        .check(enum_check("regio", REGIOS, false))
        .foreign_key(&mut fk(
            "kennismakelaar_regios",
            "kennismakelaar_id",
            "kennismakelaars",
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}
