//! Opdrachten (student assignments): registered by an owner organisation (usually the
//! kennisinstelling that syncs them from its own system, hence the unique `(eigenaar_id,
//! extern_id)`), given by a rijkspartner (opdrachtgever), carried out by one or more
//! kennisinstellingen, optionally linked to a fieldlab, lectoraat or minor.
//!
//! Students are a count, never people: no personal data of students is stored.

use crate::common::{
    ONDERWIJSSOORTEN, REGIOS, contactpersoon, enum_check, fk, index, organisatiekoppeling,
    themakoppeling, tijdstempels_en_versie,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date_null, integer, pk_auto, string_len, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table("opdrachten")
            .col(pk_auto("id"))
            .col(integer("eigenaar_id"))
            .col(ColumnDef::new("extern_id").string_len(200).null())
            .col(string_len("naam", 300))
            .col(text_null("omschrijving"))
            .col(integer("opdrachtgever_id"))
            .col(ColumnDef::new("fieldlab_id").integer().null())
            .col(ColumnDef::new("lectoraat_id").integer().null())
            .col(ColumnDef::new("minor_id").integer().null())
            .col(string_len("soort", 30))
            .col(string_len("status", 20))
            .col(string_len("onderwijssoort", 3))
            .col(ColumnDef::new("regio").string_len(10).null())
            .col(date_null("startdatum"))
            .col(date_null("einddatum"))
            .col(integer("aantal_studenten").default(1))
            .check(enum_check(
                "soort",
                &[
                    "STAGE",
                    "AFSTUDEEROPDRACHT",
                    "GROEPSOPDRACHT",
                    "HACKATHON",
                    "ONDERZOEK",
                ],
                false,
            ))
            .check(enum_check(
                "status",
                &["IN_VOORBEREIDING", "IN_UITVOERING", "AFGEROND", "ONBEKEND"],
                false,
            ))
            .check(enum_check("onderwijssoort", ONDERWIJSSOORTEN, false))
            .check(enum_check("regio", REGIOS, true))
            .check(Expr::cust(
                "aantal_studenten >= 0 AND aantal_studenten <= 10000",
            ))
            .check(Expr::cust(
                "einddatum IS NULL OR startdatum IS NULL OR einddatum >= startdatum",
            ))
            .check(Expr::cust("extern_id IS NULL OR length(extern_id) > 0"))
            .index(
                Index::create()
                    .name("uq_opdrachten_eigenaar_extern_id")
                    .col("eigenaar_id")
                    .col("extern_id")
                    .unique(),
            )
            .foreign_key(&mut fk(
                "opdrachten",
                "eigenaar_id",
                "organisaties",
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "opdrachten",
                "opdrachtgever_id",
                "organisaties",
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "opdrachten",
                "fieldlab_id",
                "fieldlabs",
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "opdrachten",
                "lectoraat_id",
                "lectoraten",
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "opdrachten",
                "minor_id",
                "minoren",
                ForeignKeyAction::Restrict,
            ));
        contactpersoon(&mut table);
        tijdstempels_en_versie(&mut table);
        manager.create_table(table).await?;
        for column in [
            "opdrachtgever_id",
            "fieldlab_id",
            "lectoraat_id",
            "minor_id",
            "status",
            "startdatum",
            "gewijzigd_op",
        ] {
            manager.create_index(index("opdrachten", column)).await?;
        }
        manager
            .create_table(organisatiekoppeling(
                "opdracht_uitvoerders",
                "opdracht_id",
                "opdrachten",
            ))
            .await?;
        manager
            .create_index(index("opdracht_uitvoerders", "organisatie_id"))
            .await?;
        manager
            .create_table(themakoppeling(
                "opdracht_themas",
                "opdracht_id",
                "opdrachten",
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(
            manager,
            &["opdracht_themas", "opdracht_uitvoerders", "opdrachten"],
        )
        .await
    }
}
