//! Request-scoped DataLoaders: nested fields ask for one row each, the loader collects the keys
//! of a whole response level and fetches them in one query, through the request's scope.
//!
//! One loader type serves several key types (one per relation), so a request carries a single
//! [`Loaders`] value.

use crate::db::entities::koppelingen::{fieldlab_deelnemer, fieldlab_thema};
use crate::db::entities::{fieldlab, organisatie};
use crate::db::{Rij, Scope};
use crate::error::ApiError;
use crate::graphql::types::Thema;
use async_graphql::dataloader::{DataLoader, Loader};
use std::collections::HashMap;

/// Loads through the request's scope.
pub struct ScopeLoader(Scope);

/// The loaders of one request.
pub struct Loaders(DataLoader<ScopeLoader>);

impl Loaders {
    pub fn new(scope: Scope) -> Self {
        Self(DataLoader::new(ScopeLoader(scope), tokio::spawn))
    }

    pub async fn load<K>(
        &self,
        key: K,
    ) -> Result<Option<<ScopeLoader as Loader<K>>::Value>, ApiError>
    where
        K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
        ScopeLoader: Loader<K, Error = ApiError>,
    {
        self.0.load_one(key).await
    }
}

/// An organisation by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrganisatieId(pub i32);

impl Loader<OrganisatieId> for ScopeLoader {
    type Value = Rij<organisatie::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[OrganisatieId],
    ) -> Result<HashMap<OrganisatieId, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        Ok(self
            .0
            .per_id::<organisatie::Entity>(&ids)
            .await?
            .into_iter()
            .map(|rij| (OrganisatieId(rij.model.id), rij))
            .collect())
    }
}

/// The themes of a fieldlab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldlabThemas(pub i32);

impl Loader<FieldlabThemas> for ScopeLoader {
    type Value = Vec<Thema>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[FieldlabThemas],
    ) -> Result<HashMap<FieldlabThemas, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let links = self
            .0
            .koppelingen::<fieldlab::Entity, fieldlab_thema::Entity>(
                fieldlab_thema::Column::FieldlabId,
                &ids,
                false,
            )
            .await?;
        let themas = self.0.themas().await?;
        let mut result: HashMap<FieldlabThemas, Vec<Thema>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        // Keep the themes' display order within each fieldlab.
        for thema in themas {
            for link in links.iter().filter(|l| l.thema_code == thema.code) {
                if let Some(list) = result.get_mut(&FieldlabThemas(link.fieldlab_id)) {
                    list.push(thema.clone().into());
                }
            }
        }
        Ok(result)
    }
}

/// The participants of a fieldlab (only for fieldlabs the caller may read in full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldlabDeelnemers(pub i32);

impl Loader<FieldlabDeelnemers> for ScopeLoader {
    type Value = Vec<fieldlab_deelnemer::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[FieldlabDeelnemers],
    ) -> Result<HashMap<FieldlabDeelnemers, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let links = self
            .0
            .koppelingen::<fieldlab::Entity, fieldlab_deelnemer::Entity>(
                fieldlab_deelnemer::Column::FieldlabId,
                &ids,
                true,
            )
            .await?;
        let mut result: HashMap<FieldlabDeelnemers, Self::Value> = HashMap::new();
        for link in links {
            result
                .entry(FieldlabDeelnemers(link.fieldlab_id))
                .or_default()
                .push(link);
        }
        Ok(result)
    }
}
