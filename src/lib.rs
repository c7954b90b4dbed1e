//! The I-Partnerschap partner API: a GraphQL service that records the partnership between the
//! Dutch central government and education (rijkspartners, kennisinstellingen, fieldlabs,
//! lectoraten, minoren, communities and opdrachten), with role-based access.
//!
//! Layout: [`cli`] (one file per subcommand) drives [`app`] (router, state, serving), which
//! turns a request's bearer token ([`auth`]) into a [`db::Scope`], the only door to the data,
//! and hands it to the [`graphql`] schema. [`domain`] holds the vocabulary both sides share;
//! [`error`] the one error type. The access policy of every record type is declared in one
//! place, `db::policy`; `docs/architecture.md` follows a request and a write through the
//! layers and lists the files a new field or record type touches.

// Functions fit on a screen: at most 80 lines (clippy.toml).
#![warn(clippy::too_many_lines)]

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod domain;
pub mod error;
pub mod export;
pub mod graphiql;
pub mod graphql;
pub mod live;
pub mod metrics;
pub mod throttle;
pub mod transport;
