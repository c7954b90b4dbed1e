//! The theme catalogue as a root query: a UI builds its theme pickers and filter chips from it
//! (codes for `themas` criteria and inputs, Dutch and English labels) instead of hard-coding
//! the list.
//!
//! Reference data, public: everyone reads the whole catalogue, in its display order. It is the
//! request's one catalogue load (the same one record themes are resolved from).

use super::loaders;
use super::loaders::ThemeCatalogue;
use super::types::Thema;
use async_graphql::{Context, Object, Result};

#[derive(Default)]
pub struct ThemaQuery;

#[Object]
impl ThemaQuery {
    /// Every theme of the partnership (reference data, public), in display order; ties by
    /// code, so the order is stable. `code` is what filters and inputs take in `themas`.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Vec<Thema>> {
        let catalogue = loaders(ctx)?.load(ThemeCatalogue).await?;
        Ok(catalogue.map(|themas| themas.to_vec()).unwrap_or_default())
    }
}
