//! `promotietrajecten`: PhD tracks of the I-Doctoraat, owned by the university, hosted by a
//! rijkspartner.
use crate::domain::PromotieStatus;
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "promotietrajecten")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub eigenaar_id: i32,
    /// The rijkspartner where the candidate works and researches.
    pub gastheer_id: i32,
    /// The research title.
    pub naam: String,
    pub thema_code: String,
    pub startjaar: i32,
    pub status: PromotieStatus,
    /// The candidate's name: personal data.
    pub promovendus: Option<String>,
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
