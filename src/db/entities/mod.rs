//! SeaORM entities, one file per table. They are the shape of the rows and nothing more: they
//! are only reachable through [`crate::db::Scope`], which decides what a caller may see.

pub mod community;
pub mod fieldlab;
pub mod koppelingen;
pub mod lectoraat;
pub mod minor;
pub mod opdracht;
pub mod organisatie;
pub mod thema;
pub mod wijziging;
