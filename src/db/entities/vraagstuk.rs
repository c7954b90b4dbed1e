//! `vraagstukken`: a rijkspartner's questions, owned by the rijkspartner that asks them.
use crate::domain::{Antwoordsoort, VraagstukStatus};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "vraagstukken")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub eigenaar_id: i32,
    pub titel: String,
    /// The owner's stable code of the question, unique among vraagstukken.
    pub kenmerk: Option<String>,
    pub omschrijving: Option<String>,
    pub antwoordsoort: Antwoordsoort,
    pub gewenste_start: Option<NaiveDate>,
    pub status: VraagstukStatus,
    /// Title, themes and regions in the public catalogue.
    pub openbaar: bool,
    /// The day it was first matched (BELEGD).
    pub belegd_op: Option<NaiveDate>,
    /// The fieldlab that answers it, if one does.
    pub fieldlab_id: Option<i32>,
    /// The lectoraat that answers it, if one does.
    pub lectoraat_id: Option<i32>,
    /// The promotietraject that answers it, if one does.
    pub promotietraject_id: Option<i32>,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_email: Option<String>,
    pub aangemaakt_op: DateTime<Utc>,
    pub gewijzigd_op: DateTime<Utc>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
