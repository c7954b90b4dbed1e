//! Minoren, masters and post-masters (an OOAPI *programme*): owned by one kennisinstelling,
//! co-developed with rijkspartners (who may read them).

use crate::common::{
    contactpersoon, enum_check, fk, index, organisatiekoppeling, themakoppeling,
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
            .table("minoren")
            .col(pk_auto("id"))
            .col(integer("eigenaar_id"))
            .col(string_len("naam", 200))
            .col(string_len("soort", 20))
            .col(ColumnDef::new("studielast_ects").integer().null())
            .col(text_null("beschrijving"))
            .col(ColumnDef::new("website").string_len(500).null())
            .col(date_null("startdatum"))
            .check(enum_check(
                "soort",
                &["MINOR", "MASTER", "POST_MASTER"],
                false,
            ))
            .check(Expr::cust(
                "studielast_ects IS NULL OR (studielast_ects > 0 AND studielast_ects <= 360)",
            ))
            .index(
                Index::create()
                    .name("uq_minoren_eigenaar_naam")
                    .col("eigenaar_id")
                    .col("naam")
                    .unique(),
            )
            .foreign_key(&mut fk(
                "minoren",
                "eigenaar_id",
                "organisaties",
                ForeignKeyAction::Restrict,
            ));
        contactpersoon(&mut table);
        tijdstempels_en_versie(&mut table);
        manager.create_table(table).await?;
        manager
            .create_table(organisatiekoppeling(
                "minor_partners",
                "minor_id",
                "minoren",
            ))
            .await?;
        manager
            .create_index(index("minor_partners", "organisatie_id"))
            .await?;
        manager
            .create_table(themakoppeling("minor_themas", "minor_id", "minoren"))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(manager, &["minor_themas", "minor_partners", "minoren"]).await
    }
}
