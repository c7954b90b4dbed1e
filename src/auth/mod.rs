//! Authentication: a bearer token becomes a [`Principal`] (or none: anonymous).
//!
//! This module only answers *who* is calling. *What* they may see is decided in one place,
//! [`crate::db::Scope`], which is built from the principal.

mod jwks;
mod jwt;
mod principal;

pub use jwks::{Jwks, JwksBron};
pub use jwt::{
    ClaimMapping, Claims, JwtConfig, JwtKeys, MAX_SUB_TEKENS, STANDAARD_MAX_LEVENSDUUR,
    controleer_sub, duur,
};
pub use principal::{Principal, Rol};
