//! `communities`: knowledge-sharing groups, owned by the programme office.
use crate::domain::CommunityStatus;
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "communities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub eigenaar_id: i32,
    pub naam: String,
    /// The comparison key of the name, unique (see [`crate::domain::naam`]); not part of the
    /// record's snapshot in the change log.
    #[serde(skip)]
    pub naam_sleutel: String,
    pub beschrijving: Option<String>,
    pub status: CommunityStatus,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_email: Option<String>,
    pub aangemaakt_op: DateTime<Utc>,
    pub gewijzigd_op: DateTime<Utc>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

met_naamsleutel!();
