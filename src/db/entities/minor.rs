//! `minoren`: minors, masters and post-masters, owned by their kennisinstelling.
use crate::domain::MinorSoort;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "minoren")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub eigenaar_id: i32,
    pub naam: String,
    /// The comparison key of the name, unique (see [`crate::domain::naam`]); not part of the
    /// record's snapshot in the change log.
    #[serde(skip)]
    pub naam_sleutel: String,
    /// The owner's stable code of the record (its kenmerk) (2 to 40 capital letters, digits and hyphens),
    /// unique among its record type; sync clients name the record by it.
    pub kenmerk: Option<String>,
    pub soort: MinorSoort,
    pub studielast_ects: Option<i32>,
    pub beschrijving: Option<String>,
    pub website: Option<String>,
    pub startdatum: Option<NaiveDate>,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_email: Option<String>,
    pub aangemaakt_op: DateTime<Utc>,
    pub gewijzigd_op: DateTime<Utc>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

met_naamsleutel!();
