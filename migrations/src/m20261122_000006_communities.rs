//! Communities (knowledge-sharing groups): owned by the programme office, with member
//! organisations (who may read them) and themes.

use crate::common::{
    contactpersoon, enum_check, fk, index, organisatiekoppeling, themakoppeling,
    tijdstempels_en_versie,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, pk_auto, string_len, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table("communities")
            .col(pk_auto("id"))
            .col(integer("eigenaar_id"))
            .col(string_len("naam", 200).unique_key())
            .col(text_null("beschrijving"))
            .col(string_len("status", 20))
            .check(enum_check(
                "status",
                &["GEPLAND", "ACTIEF", "BEEINDIGD"],
                false,
            ))
            .foreign_key(&mut fk(
                "communities",
                "eigenaar_id",
                "organisaties",
                ForeignKeyAction::Restrict,
            ));
        contactpersoon(&mut table);
        tijdstempels_en_versie(&mut table);
        manager.create_table(table).await?;
        manager
            .create_table(organisatiekoppeling(
                "community_leden",
                "community_id",
                "communities",
            ))
            .await?;
        manager
            .create_index(index("community_leden", "organisatie_id"))
            .await?;
        manager
            .create_table(themakoppeling(
                "community_themas",
                "community_id",
                "communities",
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(
            manager,
            &["community_themas", "community_leden", "communities"],
        )
        .await
    }
}
