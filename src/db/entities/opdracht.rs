//! `opdrachten`: student assignments.
use crate::domain::{Onderwijssoort, OpdrachtSoort, OpdrachtStatus, Regio};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "opdrachten")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub eigenaar_id: i32,
    pub extern_id: Option<String>,
    pub naam: String,
    pub omschrijving: Option<String>,
    pub opdrachtgever_id: i32,
    pub fieldlab_id: Option<i32>,
    pub lectoraat_id: Option<i32>,
    pub minor_id: Option<i32>,
    /// The vraagstuk it answers, as its owner names it.
    pub vraagstuk_id: Option<i32>,
    pub soort: OpdrachtSoort,
    pub status: OpdrachtStatus,
    pub onderwijssoort: Onderwijssoort,
    pub regio: Option<Regio>,
    pub startdatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub aantal_studenten: i32,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_email: Option<String>,
    pub aangemaakt_op: DateTime<Utc>,
    pub gewijzigd_op: DateTime<Utc>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
