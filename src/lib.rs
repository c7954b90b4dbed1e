//! The I-Partnerschap partner API: a GraphQL service that records the partnership between the
//! Dutch central government and education (rijkspartners, kennisinstellingen, fieldlabs,
//! lectoraten, minoren, communities and opdrachten), with role-based access.
//!
//! Layout: [`cli`] (one file per subcommand) drives [`app`] (router, state, serving), which
//! turns a request's bearer token ([`auth`]) into a [`db::Scope`], the only door to the data,
//! and hands it to the [`graphql`] schema. [`domain`] holds the vocabulary both sides share;
//! [`error`] the one error type.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphiql;
pub mod graphql;
pub mod metrics;
pub mod transport;
