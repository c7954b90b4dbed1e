//! Fieldlabs, their participant organisations (with their role) and their themes.
//!
//! The owner of a fieldlab is its lead partner (penvoerder); `fieldlab_deelnemers` holds the
//! other participating organisations, so the penvoerder is stated once and cannot disagree with
//! itself.

use crate::common::{
    REGIOS, contactpersoon, enum_check, fk, index, organisatiekoppeling, themakoppeling,
    tijdstempels_en_versie,
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
            .table("fieldlabs")
            .col(pk_auto("id"))
            .col(integer("eigenaar_id"))
            .col(string_len("naam", 200).unique_key())
            .col(text_null("beschrijving"))
            .col(string_len("regio", 10))
            .col(string_len("status", 20))
            .col(ColumnDef::new("plaats").string_len(100).null())
            .col(ColumnDef::new("website").string_len(500).null())
            .col(date_null("startdatum"))
            .check(enum_check("regio", REGIOS, false))
            .check(enum_check(
                "status",
                &["IN_OPRICHTING", "ACTIEF", "BEEINDIGD"],
                false,
            ))
            .foreign_key(&mut fk(
                "fieldlabs",
                "eigenaar_id",
                "organisaties",
                ForeignKeyAction::Restrict,
            ));
        contactpersoon(&mut table);
        tijdstempels_en_versie(&mut table);
        manager.create_table(table).await?;
        manager
            .create_index(index("fieldlabs", "eigenaar_id"))
            .await?;

        let mut deelnemers =
            organisatiekoppeling("fieldlab_deelnemers", "fieldlab_id", "fieldlabs");
        deelnemers.col(string_len("rol", 20)).check(enum_check(
            "rol",
            &["PARTNER", "KENNISPARTNER"],
            false,
        ));
        manager.create_table(deelnemers).await?;
        manager
            .create_index(index("fieldlab_deelnemers", "organisatie_id"))
            .await?;
        manager
            .create_table(themakoppeling(
                "fieldlab_themas",
                "fieldlab_id",
                "fieldlabs",
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(
            manager,
            &["fieldlab_themas", "fieldlab_deelnemers", "fieldlabs"],
        )
        .await
    }
}
