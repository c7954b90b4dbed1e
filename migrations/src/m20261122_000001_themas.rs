//! Themes: a reference table (code plus Dutch and English label), never free text, so that
//! statistics per theme add up and filters cannot miss a spelling variant.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string_len};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The themes of the partnership as published (WAU + IHH), plus IT-Change from the I-Doctoraat.
const THEMAS: &[(&str, &str, &str)] = &[
    ("DATA_AI", "Datamanagement & AI", "Data management & AI"),
    ("CYBERVEILIGHEID", "Cyberveiligheid", "Cybersecurity"),
    (
        "INFORMATIEHUISHOUDING",
        "Informatiehuishouding",
        "Information management",
    ),
    ("BLOCKCHAIN", "Blockchain", "Blockchain"),
    (
        "SOFTWAREONTWIKKELING",
        "Softwareontwikkeling",
        "Software development",
    ),
    (
        "PROCESOPTIMALISATIE",
        "Procesoptimalisatie",
        "Process optimisation",
    ),
    ("IT_CHANGE", "IT-Change", "IT change"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("themas")
                    .col(string_len("code", 40).primary_key())
                    .col(string_len("naam_nl", 100))
                    .col(string_len("naam_en", 100))
                    .col(integer("volgorde"))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert
            .into_table("themas")
            .columns(["code", "naam_nl", "naam_en", "volgorde"]);
        for (volgorde, (code, nl, en)) in THEMAS.iter().enumerate() {
            insert.values_panic([
                (*code).into(),
                (*nl).into(),
                (*en).into(),
                (volgorde as i32 + 1).into(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(manager, &["themas"]).await
    }
}
