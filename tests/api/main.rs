//! Integration tests: the real router over HTTP (and the real binary where the CLI is the
//! subject) against a fresh database per test.
//!
//! One test binary (one link, one harness). Every test runs on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set; see [`harness`].

mod harness;

mod auth;
mod bijwerken;
mod cache;
mod catalogus;
mod cli;
mod dashboard;
mod demo;
mod eigenschappen;
mod export;
mod fieldlabs;
mod graphiql;
mod ids;
mod invoer;
mod jaarcijfers;
mod jwks;
mod kandidaten;
mod kenmerken;
mod kennismakelaars;
mod limieten;
mod live;
mod matrix;
mod migrations;
mod mutaties;
mod node;
mod opdrachten;
mod ops;
mod organisaties;
mod plans;
mod policy;
mod programma;
mod regios;
mod schema;
mod scope;
mod soak;
mod spec;
mod statements;
mod statistieken;
mod sync;
mod throttle;
mod toegang;
mod transport;
mod ui;
mod vijandig;
mod vraagstukken;
mod wijzigingen;
