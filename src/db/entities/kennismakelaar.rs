//! `kennismakelaars`: the directory of knowledge brokers, each owned by the organisation the
//! person works for.
use crate::domain::Kant;
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "kennismakelaars")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The organisation the person works for.
    pub eigenaar_id: i32,
    /// Education or government, from the kind of the owner.
    pub kant: Kant,
    /// The person's name (never null here): personal data.
    pub contactpersoon_naam: Option<String>,
    /// The person's e-mail address: personal data.
    pub contactpersoon_email: Option<String>,
    pub aangemaakt_op: DateTime<Utc>,
    pub gewijzigd_op: DateTime<Utc>,
    pub versie: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
