//! Promotietrajecten (the I-Doctoraat's PhD tracks) and bijeenkomsten (summercourses,
//! kennissessies, werkconferenties, events): the rest of what the programme reports (issue
//! "Vraagstukken", point 4).
//!
//! A promotietraject is owned by the university where the candidate obtains the doctorate and
//! hosted by a rijkspartner (`gastheer_id`); it names one theme and the year it started. The
//! candidate's name is personal data, kept in `promovendus` for the owner and the programme
//! office. A bijeenkomst is owned by its organiser, has partner organisations
//! (`bijeenkomst_partners`), themes, a date (and an end date for a course of several days) and
//! its participants from government and from education, as numbers.
//!
//! The change log learns both record types (its `CHECK` widened as in migration 27).

use crate::common::{
    contactpersoon, enum_check, fk, index, organisatiekoppeling, themakoppeling,
    tijdstempels_en_versie,
};
use crate::m20261202_000027_vraagstukken::{AFTER, change_record_types};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    date, date_null, integer, integer_null, pk_auto, string_len, string_len_null, text_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables, each with the record type the data versions count it with.
const TABLES: &[(&str, &str)] = &[
    ("promotietrajecten", "promotietrajecten"),
    ("bijeenkomsten", "bijeenkomsten"),
    ("bijeenkomst_partners", "bijeenkomsten"),
    ("bijeenkomst_themas", "bijeenkomsten"),
];

pub(crate) fn with_new_types() -> Vec<&'static str> {
    let mut types = AFTER.to_vec();
    types.extend(["PROMOTIETRAJECT", "BIJEENKOMST"]);
    types
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager.create_table(promotietrajecten()).await?;
        for column in ["eigenaar_id", "gastheer_id"] {
            manager
                .create_index(index("promotietrajecten", column))
                .await?;
        }
        manager.create_table(bijeenkomsten()).await?;
        manager
            .create_index(index("bijeenkomsten", "eigenaar_id"))
            .await?;
        manager
            .create_table(organisatiekoppeling(
                "bijeenkomst_partners",
                "bijeenkomst_id",
                "bijeenkomsten",
            ))
            .await?;
        manager
            .create_index(index("bijeenkomst_partners", "organisatie_id"))
            .await?;
        manager
            .create_table(themakoppeling(
                "bijeenkomst_themas",
                "bijeenkomst_id",
                "bijeenkomsten",
            ))
            .await?;
        let db = manager.get_connection();
        for soort in ["promotietrajecten", "bijeenkomsten"] {
            db.execute_unprepared(&format!(
                "INSERT INTO datastanden (recordsoort, versie) VALUES ('{soort}', 1)"
            ))
            .await?;
        }
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
        change_record_types(manager, AFTER, &with_new_types()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        change_record_types(manager, &with_new_types(), AFTER).await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "DELETE FROM datastanden WHERE recordsoort IN ('promotietrajecten', 'bijeenkomsten')",
        )
        .await?;
        crate::common::drop_tables(
            manager,
            &[
                "bijeenkomst_themas",
                "bijeenkomst_partners",
                "bijeenkomsten",
                "promotietrajecten",
            ],
        )
        .await
    }
}

fn promotietrajecten() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("promotietrajecten")
        .col(pk_auto("id"))
        .col(integer("eigenaar_id"))
        .col(integer("gastheer_id"))
        .col(string_len("naam", 200))
        .col(string_len("thema_code", 40))
        .col(integer("startjaar"))
        .col(string_len("status", 20).default("LOPEND"))
        .col(string_len_null("promovendus", 200))
        .col(text_null("beschrijving"))
        .check(Expr::cust("startjaar BETWEEN 1900 AND 2999"))
        .check(enum_check(
            "status",
            &["LOPEND", "GEPROMOVEERD", "GESTOPT"],
            false,
        ))
        .foreign_key(&mut fk(
            "promotietrajecten",
            "eigenaar_id",
            "organisaties",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk(
            "promotietrajecten",
            "gastheer_id",
            "organisaties",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(
            ForeignKey::create()
                .name("fk_promotietrajecten_thema_code")
                .from("promotietrajecten", "thema_code")
                .to("themas", "code")
                .on_delete(ForeignKeyAction::Restrict)
                .on_update(ForeignKeyAction::Cascade),
        );
    contactpersoon(&mut table);
    tijdstempels_en_versie(&mut table);
    table.to_owned()
}

fn bijeenkomsten() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("bijeenkomsten")
        .col(pk_auto("id"))
        .col(integer("eigenaar_id"))
        .col(string_len("naam", 200))
        .col(string_len("soort", 20))
        .col(date("datum"))
        .col(date_null("einddatum"))
        .col(string_len_null("plaats", 100))
        .col(text_null("beschrijving"))
        .col(integer_null("deelnemers_overheid"))
        .col(integer_null("deelnemers_onderwijs"))
        .col(integer_null("deelnemers_totaal"))
        .check(enum_check(
            "soort",
            &[
                "SUMMERCOURSE",
                "KENNISSESSIE",
                "WERKCONFERENTIE",
                "EVENEMENT",
            ],
            false,
        ))
        .check(Expr::cust("einddatum IS NULL OR einddatum >= datum"))
        .check(Expr::cust(
            "(deelnemers_overheid IS NULL OR deelnemers_overheid >= 0) \
             AND (deelnemers_onderwijs IS NULL OR deelnemers_onderwijs >= 0) \
             AND (deelnemers_totaal IS NULL OR deelnemers_totaal >= 0)",
        ))
        .foreign_key(&mut fk(
            "bijeenkomsten",
            "eigenaar_id",
            "organisaties",
            ForeignKeyAction::Restrict,
        ));
    contactpersoon(&mut table);
    tijdstempels_en_versie(&mut table);
    table.to_owned()
}
