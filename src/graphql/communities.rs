//! Communities: the list, the type and its members.
//!
//! Public: name and description. Members and the programme office (the owner) also read the
//! status, themes and members.

use super::filters::{CommunityFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::loaders::{Bron, Gekoppeld, Koppeling, PerId, Themas};
use super::organisaties::{Organisatie, organisaties_per_id};
use super::paginering::{connection, list_query};
use super::types::{Registratie, Thema, als_leesbaar, recordtype};
use crate::db::Rij;
use crate::db::entities::community;
use crate::domain::CommunityStatus;
use async_graphql::{Context, ID, MergedObject, Object, Result};

connection!(CommunityConnection, CommunityEdge, Community, "communities");

list_query!(
    CommunityQuery,
    communities,
    community::Entity,
    CommunityConnection,
    CommunityFilter,
    Sortering,
    "Communities, by name unless `orderBy` says otherwise."
);

/// Community: a knowledge-sharing group of partner organisations, run by the programme office.
#[derive(MergedObject)]
pub struct Community(CommunityVelden, Registratie);

recordtype!(Community(CommunityVelden, community));

/// The fields of a community.
pub struct CommunityVelden(Rij<community::Model>);

#[Object]
impl CommunityVelden {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Community", self.0.model.id)
    }

    /// Name of the community.
    async fn naam(&self) -> &String {
        &self.0.model.naam
    }

    /// What the community shares.
    async fn beschrijving(&self) -> Option<&String> {
        self.0.model.beschrijving.as_ref()
    }

    /// Planned, active or ended. Null unless the caller's organisation is a member.
    async fn status(&self) -> Option<CommunityStatus> {
        als_leesbaar(self.0.rechten.lezen, Some(self.0.model.status))
    }

    /// Themes. Null unless the caller's organisation is a member.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        Ok(loaders(ctx)?
            .load(Themas(Bron::Community, self.0.model.id))
            .await?)
    }

    /// Member organisations. Null unless the caller's organisation is a member.
    async fn leden(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisatie>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        let ids = loaders(ctx)?
            .load(Gekoppeld(Koppeling::CommunityLeden, self.0.model.id))
            .await?
            .unwrap_or_default();
        Ok(Some(organisaties_per_id(ctx, ids).await?))
    }
}

/// Communities by id (for relations), in the order of `ids`.
pub async fn communities_per_id(ctx: &Context<'_>, ids: Vec<i32>) -> Result<Vec<Community>> {
    Ok(loaders(ctx)?
        .load_all(
            ids.into_iter()
                .map(PerId::<community::Entity>::new)
                .collect(),
        )
        .await?
        .into_iter()
        .map(Community::from)
        .collect())
}
