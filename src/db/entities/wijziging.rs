//! `wijzigingen`: the append-only change log (audit trail and change feed),
//! `wijziging_betrokkenen` and `wijziging_regios`, the organisations and the regions (of
//! kennismakelaars) that may see a change of a non-public record.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wijzigingen")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tijdstip: DateTime<Utc>,
    pub actor_subject: String,
    pub actor_organisatie_id: i32,
    pub actor_rol: String,
    pub operatie: String,
    pub bron: Option<String>,
    pub record_type: crate::domain::RecordType,
    pub record_id: i32,
    pub eigenaar_id: i32,
    pub actie: crate::domain::Actie,
    pub versie: i32,
    /// JSON object: the changed fields before the change (null when created).
    pub voor: Option<String>,
    /// JSON object: the changed fields after the change (null when deleted).
    pub na: Option<String>,
    pub publiek: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `wijziging_betrokkenen`
pub mod betrokkene {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "wijziging_betrokkenen")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub wijziging_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisatie_id: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `wijziging_regios`: the regions whose kennismakelaars may see a change.
pub mod regio {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "wijziging_regios")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub wijziging_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub regio: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
