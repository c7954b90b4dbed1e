//! Communities: the list, the type and its members.
//!
//! Public: name and description. Members and the programme office (the owner) also read the
//! status, themes and members.

use super::filters::{CommunityFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::organisaties::Organisatie;
use super::paging::{connection, list_query};
use super::types::{RegistrationFields, Thema, record_type};
use crate::db::Row;
use crate::db::community_fields as f;
use crate::db::entities::{community, organisatie};
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
pub struct Community(CommunityFields, RegistrationFields);

record_type!(Community(CommunityFields, community));

/// The fields of a community.
pub struct CommunityFields(Row<community::Model>);

#[Object]
impl CommunityFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Community", self.0.id())
    }

    /// Name of the community.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// What the community shares.
    async fn beschrijving(&self) -> Option<String> {
        self.0.public(&f::BESCHRIJVING)
    }

    /// Planned, active or ended. Null unless the caller's organisation is a member.
    async fn community_status(&self) -> Option<CommunityStatus> {
        self.0.get(&f::STATUS)
    }

    /// Themes. Null unless the caller's organisation is a member.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        Ok(loaders(ctx)?.themas(&f::THEMAS, &self.0).await?)
    }

    /// Member organisations. Null unless the caller's organisation is a member.
    async fn leden(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisatie>>> {
        Ok(loaders(ctx)?
            .linked_records::<_, organisatie::Entity, Organisatie>(&f::LEDEN, &self.0)
            .await?)
    }
}
