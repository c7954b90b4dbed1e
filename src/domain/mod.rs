//! The vocabulary of the partnership: enums and natural keys, shared by the database layer and
//! the GraphQL schema so a value means the same thing everywhere.
//!
//! Each enum is stored as text (its GraphQL name), readable in a database console and checked by
//! a `CHECK` constraint in the migrations. The natural keys are newtypes that can only be built by
//! parsing ("parse, don't validate"): an [`Oin`] in hand is a well-formed OIN.

mod enums;
mod keys;
pub mod naam;

pub use enums::*;
pub use keys::*;

/// The rules every input obeys (lists, text, dates).
pub mod input;
