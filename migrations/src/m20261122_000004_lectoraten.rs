//! Lectoraten (research chairs at a hogeschool, leerstoelen at a university): owned by one
//! kennisinstelling, linked to rijkspartners (who may read them) and to fieldlabs.

use crate::common::{
    contactpersoon, enum_check, fk, index, koppeltabel, organisatiekoppeling, themakoppeling,
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
            .table("lectoraten")
            .col(pk_auto("id"))
            .col(integer("eigenaar_id"))
            .col(string_len("naam", 200))
            .col(string_len("soort", 20))
            .col(ColumnDef::new("lector").string_len(200).null())
            .col(text_null("beschrijving"))
            .col(date_null("startdatum"))
            .col(date_null("einddatum"))
            .check(enum_check("soort", &["LECTORAAT", "LEERSTOEL"], false))
            .check(Expr::cust(
                "einddatum IS NULL OR startdatum IS NULL OR einddatum >= startdatum",
            ))
            .index(
                Index::create()
                    .name("uq_lectoraten_eigenaar_naam")
                    .col("eigenaar_id")
                    .col("naam")
                    .unique(),
            )
            .foreign_key(&mut fk(
                "lectoraten",
                "eigenaar_id",
                "organisaties",
                ForeignKeyAction::Restrict,
            ));
        contactpersoon(&mut table);
        tijdstempels_en_versie(&mut table);
        manager.create_table(table).await?;
        manager
            .create_table(organisatiekoppeling(
                "lectoraat_partners",
                "lectoraat_id",
                "lectoraten",
            ))
            .await?;
        manager
            .create_index(index("lectoraat_partners", "organisatie_id"))
            .await?;
        manager
            .create_table(koppeltabel(
                "lectoraat_fieldlabs",
                ("lectoraat_id", "lectoraten"),
                ("fieldlab_id", "fieldlabs", ColumnType::Integer),
            ))
            .await?;
        manager
            .create_table(themakoppeling(
                "lectoraat_themas",
                "lectoraat_id",
                "lectoraten",
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(
            manager,
            &[
                "lectoraat_themas",
                "lectoraat_fieldlabs",
                "lectoraat_partners",
                "lectoraten",
            ],
        )
        .await
    }
}
