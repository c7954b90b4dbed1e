//! The GraphQL schema: one module per domain area, merged into one `Query`; the mutations in
//! [`mutaties`], one module per area, merged into one `Mutation`.
//!
//! Resolvers get the request's [`Scope`] from the context (never a database connection) and
//! nested fields load through the request's [`loaders::Loaders`], which batch per request and
//! go through the same scope.

mod bijeenkomsten;
mod communities;
mod field_changes;
mod fieldlabs;
mod filters;
pub mod id;
mod kennismakelaars;
mod lectoraten;
mod limits;
mod loaders;
mod me;
mod minoren;
mod mutations;
mod nesting;
mod node;
mod opdrachten;
mod organisaties;
mod paging;
mod promotietrajecten;
pub mod spec;
mod statistieken;
mod themas;
mod types;
mod vraagstukken;
mod wijzigingen;

pub use id::{GlobalId, Keys, with_keys};
pub use limits::{Limits, Operation};
pub use loaders::{Loaders, stream_with_batches, with_batches};

use crate::db::Scope;
use async_graphql::{Context, MergedObject, MergedSubscription, Schema};
pub use mutations::Mutation;

/// The root of all queries.
#[derive(MergedObject, Default)]
pub struct Query(
    me::MeQuery,
    node::NodeQuery,
    organisaties::OrganisatieQuery,
    organisaties::RijkspartnerQuery,
    organisaties::KennisinstellingQuery,
    fieldlabs::FieldlabQuery,
    lectoraten::LectoraatQuery,
    minoren::MinorQuery,
    communities::CommunityQuery,
    opdrachten::OpdrachtQuery,
    vraagstukken::VraagstukQuery,
    promotietrajecten::PromotietrajectQuery,
    bijeenkomsten::BijeenkomstQuery,
    kennismakelaars::KennismakelaarQuery,
    themas::ThemaQuery,
    statistieken::StatistiekQuery,
    statistieken::JaarcijfersQuery,
    wijzigingen::WijzigingQuery,
);

/// Subscription: changes as they happen, over WebSocket (`graphql-transport-ws` on
/// `/graphql`; authenticate in `connection_init` with `{"Authorization": "Bearer …"}`).
#[derive(MergedSubscription, Default)]
pub struct Subscription(wijzigingen::WijzigingSubscription);

pub type ApiSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema (as the SDL describes it, without limits). Per-request data (the scope
/// and the loaders) is added to each request.
pub fn schema() -> ApiSchema {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .finish()
}

/// The schema as the server runs it: unless `introspection` is on, without introspection and
/// without field suggestions (which would leak the schema too). The limits of [`Limits`] are
/// checked by the handler before execution ([`Limits::check`]).
pub fn schema_with(introspection: bool) -> ApiSchema {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    // The handler's limits refuse deeper documents first, with a code (see `limits`).
    .limit_recursive_depth(nesting::MAX_SELECTION_DEPTH)
    .limit_directives(10);
    if introspection {
        builder.finish()
    } else {
        builder
            .disable_introspection()
            .disable_suggestions()
            .finish()
    }
}

/// The schema in SDL, as committed in `schema/schema.graphql`, with the `@specifiedBy` URLs of
/// its scalars (so that code generators know what a `Date` is).
pub fn sdl() -> String {
    sdl_of(&schema())
}

/// The SDL of `schema`, as [`sdl`] writes it.
pub fn sdl_of(schema: &ApiSchema) -> String {
    schema.sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

/// The request's scope. Every request carries one (see [`crate::app`]); a missing one is a bug,
/// reported as an internal error rather than a panic.
fn scope<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Scope> {
    ctx.data::<Scope>()
        .map_err(|_| crate::error::ApiError::Internal("request without a scope".into()).into())
}

fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    ctx.data::<Loaders>()
        .map_err(|_| crate::error::ApiError::Internal("request without loaders".into()).into())
}
