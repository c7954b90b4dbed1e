//! Schema migrations of the I-Partnerschap API.
//!
//! One file per migration, applied in order by `ipartnerschap migrate` and by `serve` at start-up.
//! A migration that has landed on `main` is never edited again: a change to the schema is a new
//! migration (expand, migrate data, contract), see `migrations/README.md`.
//!
//! Every constraint that protects the data lives in the database as well as in the code: natural
//! keys are unique, links are foreign keys, enums are `CHECK`ed against their values, and the
//! format of OINs, schacHome domains and instellingscodes is checked per backend (PostgreSQL has
//! regular expressions, SQLite has `GLOB`). The enum values are spelled out here on purpose: a
//! migration must keep meaning what it meant when it ran, whatever the Rust enums become later.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261122_000001_themas;
mod m20261122_000002_organisaties;
mod m20261122_000003_fieldlabs;
mod m20261122_000004_lectoraten;
mod m20261122_000005_minoren;
mod m20261122_000006_communities;
mod m20261122_000007_opdrachten;
mod m20261122_000008_wijzigingen;
mod m20261122_000009_datastand;
mod m20261201_000010_naam_sleutel;
mod m20261201_000011_uitvoerder_intrekkingen;
mod m20261201_000020_sleutels;
mod m20261201_000021_wijziging_regios;
mod m20261201_000022_fieldlab_regios;
mod m20261201_000023_leesindexen;
mod m20261201_000024_datastanden;
mod m20261202_000025_bereikindexen;
mod m20261202_000026_kenmerken;
mod m20261202_000027_vraagstukken;
mod m20261202_000028_jaarcijfers;
mod m20261202_000029_promoties_bijeenkomsten;
mod m20261202_000030_kennismakelaars;
mod m20261202_000031_wijziging_signaal;
pub mod naamsleutel;

/// All migrations of the service, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_themas::Migration),
            Box::new(m20261122_000002_organisaties::Migration),
            Box::new(m20261122_000003_fieldlabs::Migration),
            Box::new(m20261122_000004_lectoraten::Migration),
            Box::new(m20261122_000005_minoren::Migration),
            Box::new(m20261122_000006_communities::Migration),
            Box::new(m20261122_000007_opdrachten::Migration),
            Box::new(m20261122_000008_wijzigingen::Migration),
            Box::new(m20261122_000009_datastand::Migration),
            Box::new(m20261201_000010_naam_sleutel::Migration),
            Box::new(m20261201_000011_uitvoerder_intrekkingen::Migration),
            Box::new(m20261201_000020_sleutels::Migration),
            Box::new(m20261201_000021_wijziging_regios::Migration),
            Box::new(m20261201_000022_fieldlab_regios::Migration),
            Box::new(m20261201_000023_leesindexen::Migration),
            Box::new(m20261201_000024_datastanden::Migration),
            Box::new(m20261202_000025_bereikindexen::Migration),
            Box::new(m20261202_000026_kenmerken::Migration),
            Box::new(m20261202_000027_vraagstukken::Migration),
            Box::new(m20261202_000028_jaarcijfers::Migration),
            Box::new(m20261202_000029_promoties_bijeenkomsten::Migration),
            Box::new(m20261202_000030_kennismakelaars::Migration),
            Box::new(m20261202_000031_wijziging_signaal::Migration),
        ]
    }
}
