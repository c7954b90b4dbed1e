//! `bijeenkomsten`: summercourses, kennissessies, werkconferenties and events, owned by their
//! organiser.
use crate::domain::BijeenkomstSoort;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "bijeenkomsten")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub eigenaar_id: i32,
    pub naam: String,
    pub soort: BijeenkomstSoort,
    pub datum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
    pub plaats: Option<String>,
    pub beschrijving: Option<String>,
    /// Participants from government.
    pub deelnemers_overheid: Option<i32>,
    /// Participants from education.
    pub deelnemers_onderwijs: Option<i32>,
    /// All participants, where only the total is known (or more than the two counts).
    pub deelnemers_totaal: Option<i32>,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_email: Option<String>,
    pub aangemaakt_op: DateTime<Utc>,
    pub gewijzigd_op: DateTime<Utc>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
