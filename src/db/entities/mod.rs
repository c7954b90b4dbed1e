//! SeaORM entities, one file per table. They are the shape of the rows and nothing more: they
//! are only reachable through [`crate::db::Scope`], which decides what a caller may see.

/// The `ActiveModelBehavior` of a named record: its save hook keeps `naam_sleutel` in step with
/// `naam` (see [`crate::domain::naam`]).
macro_rules! met_naamsleutel {
    () => {
        #[async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
            where
                C: ConnectionTrait,
            {
                if let sea_orm::ActiveValue::Set(naam) = &self.naam {
                    self.naam_sleutel =
                        sea_orm::ActiveValue::Set(crate::domain::naam::sleutel(naam));
                }
                Ok(self)
            }
        }
    };
}

pub mod bijeenkomst;
pub mod community;
pub mod fieldlab;
pub mod jaarcijfer;
pub mod kennismakelaar;
pub mod koppelingen;
pub mod lectoraat;
pub mod minor;
pub mod opdracht;
pub mod organisatie;
pub mod promotietraject;
pub mod thema;
pub mod vraagstuk;
pub mod wijziging;
