//! `jaarcijfers`: a year's published figures, fixed once stored (migration 28).
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jaarcijfers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub jaar: i32,
    /// The figures as `statistieken(jaar:)` gave them to the programme office, as JSON.
    pub cijfers: String,
    pub gepubliceerd_op: DateTime<Utc>,
    /// The subject (`sub`) of the programme office's token that published them.
    pub gepubliceerd_door: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
