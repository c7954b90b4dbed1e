//! Authentication: a bearer token becomes a [`Principal`] (or none: anonymous).
//!
//! This module only answers *who* is calling. *What* they may see is decided in one place,
//! [`crate::db::Scope`], which is built from the principal.

mod jwks;
mod jwt;
mod principal;

pub use jwks::{Jwks, JwksSource};
pub use jwt::{
    ClaimMapping, Claims, DEFAULT_MAX_LIFETIME, EXPIRED, JwtConfig, JwtKeys, MAX_SUB_CHARS,
    NOT_YET_VALID, check_sub, format_duration,
};
pub use principal::{Principal, Rol};
