//! `organisaties`: rijkspartners, kennisinstellingen and the programme office.
use crate::domain::{Onderwijssoort, OrganisatieSoort, Regio, RijkspartnerSoort};
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "organisaties")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub soort: OrganisatieSoort,
    pub naam: String,
    pub afkorting: Option<String>,
    pub oin: Option<String>,
    pub schac_home: Option<String>,
    pub instellingscode: Option<String>,
    pub onderwijssoort: Option<Onderwijssoort>,
    pub rijkspartner_soort: Option<RijkspartnerSoort>,
    pub parent_id: Option<i32>,
    pub regio: Option<Regio>,
    pub website: Option<String>,
    pub beschrijving: Option<String>,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_email: Option<String>,
    pub aangemaakt_op: DateTime<Utc>,
    pub gewijzigd_op: DateTime<Utc>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
