//! Organisations: rijkspartners, kennisinstellingen and the programme office in one table.
//!
//! One table rather than one per kind because every record has an *owner organisation* that may
//! be of either kind (a ministry leads a fieldlab, a hogeschool owns a lectoraat, the programme
//! office owns the communities), and a single foreign key target keeps ownership and access
//! checks one join away. The kind-specific rules (a rijkspartner has an OIN, a kennisinstelling
//! has a schacHome and an onderwijssoort) are `CHECK` constraints, not conventions.
//!
//! The programme office itself is reference data: this migration inserts it, so a fresh database
//! can hold communities (owned by the programme office) without demo data.

use crate::common::{
    ONDERWIJSSOORTEN, REGIOS, contactpersoon, enum_check, fk, format_check, index,
    tijdstempels_en_versie,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{pk_auto, string_len, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut table = Table::create();
        table
            .table("organisaties")
            .col(pk_auto("id"))
            .col(string_len("soort", 20))
            .col(string_len("naam", 200))
            .col(ColumnDef::new("afkorting").string_len(40).null())
            .col(ColumnDef::new("oin").string_len(20).null().unique_key())
            .col(
                ColumnDef::new("schac_home")
                    .string_len(253)
                    .null()
                    .unique_key(),
            )
            .col(
                ColumnDef::new("instellingscode")
                    .string_len(4)
                    .null()
                    .unique_key(),
            )
            .col(ColumnDef::new("onderwijssoort").string_len(3).null())
            .col(ColumnDef::new("rijkspartner_soort").string_len(30).null())
            .col(ColumnDef::new("parent_id").integer().null())
            .col(ColumnDef::new("regio").string_len(10).null())
            .col(ColumnDef::new("website").string_len(500).null())
            .col(text_null("beschrijving"))
            .check(enum_check(
                "soort",
                &["RIJKSPARTNER", "KENNISINSTELLING", "PROGRAMMABUREAU"],
                false,
            ))
            .check(enum_check("onderwijssoort", ONDERWIJSSOORTEN, true))
            .check(enum_check(
                "rijkspartner_soort",
                &[
                    "MINISTERIE",
                    "UITVOERINGSORGANISATIE",
                    "HOOG_COLLEGE_VAN_STAAT",
                    "OVERIG",
                ],
                true,
            ))
            .check(enum_check("regio", REGIOS, true))
            .check(Expr::cust(
                "(soort = 'RIJKSPARTNER' AND oin IS NOT NULL AND rijkspartner_soort IS NOT NULL \
                   AND schac_home IS NULL AND instellingscode IS NULL AND onderwijssoort IS NULL) \
                 OR (soort = 'KENNISINSTELLING' AND schac_home IS NOT NULL \
                   AND onderwijssoort IS NOT NULL AND rijkspartner_soort IS NULL) \
                 OR (soort = 'PROGRAMMABUREAU' AND schac_home IS NULL AND onderwijssoort IS NULL \
                   AND rijkspartner_soort IS NULL)",
            ))
            .check(format_check(
                backend,
                "oin",
                "^[0-9A-Z]{20}$",
                "length(oin) = 20 AND oin NOT GLOB '*[^0-9A-Z]*'",
            ))
            .check(format_check(
                backend,
                "instellingscode",
                "^[0-9]{2}[A-Z]{2}$",
                "instellingscode GLOB '[0-9][0-9][A-Z][A-Z]'",
            ))
            .check(format_check(
                backend,
                "schac_home",
                "^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
                "schac_home = lower(schac_home) AND schac_home LIKE '_%._%' \
                 AND schac_home NOT GLOB '*[^a-z0-9.-]*'",
            ))
            .check(Expr::cust("parent_id IS NULL OR parent_id <> id"))
            .foreign_key(&mut fk(
                "organisaties",
                "parent_id",
                "organisaties",
                ForeignKeyAction::Restrict,
            ));
        contactpersoon(&mut table);
        tijdstempels_en_versie(&mut table);
        manager.create_table(table).await?;
        manager.create_index(index("organisaties", "soort")).await?;
        manager
            .create_index(index("organisaties", "parent_id"))
            .await?;

        let nu = "2020-06-01T00:00:00+00:00";
        let programmabureau = Query::insert()
            .into_table("organisaties")
            .columns([
                "soort",
                "naam",
                "afkorting",
                "website",
                "beschrijving",
                "aangemaakt_op",
                "gewijzigd_op",
            ])
            .values_panic([
                "PROGRAMMABUREAU".into(),
                "Programmabureau I-Partnerschap".into(),
                "I-Partnerschap".into(),
                "https://www.i-partnerschap.nl".into(),
                "Het programmabureau van I-Partnerschap Rijksoverheid-Hoger Onderwijs.".into(),
                Expr::cust(format!("'{nu}'")),
                Expr::cust(format!("'{nu}'")),
            ])
            .to_owned();
        manager.exec_stmt(programmabureau).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::common::drop_tables(manager, &["organisaties"]).await
    }
}
