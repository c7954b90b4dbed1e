//! Promotietrajecten (the I-Doctoraat's PhD tracks): the list and the type.
//!
//! Public: title, theme, start year, status, university and host rijkspartner. The university,
//! the host and a kennismakelaar of the university's region also read the description; the
//! candidate's name only the university and the programme office.

use super::filters::{PromotietrajectFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::organisaties::{Kennisinstelling, Rijkspartner, organisation};
use super::paging::{connection, list_query};
use super::types::{RegistrationFields, Thema, record_type};
use crate::db::Row;
use crate::db::entities::promotietraject;
use crate::db::promotietraject_fields as f;
use crate::domain::PromotieStatus;
use async_graphql::{Context, ID, MergedObject, Object, Result};

connection!(
    PromotietrajectConnection,
    PromotietrajectEdge,
    Promotietraject,
    "promotietrajecten"
);

list_query!(
    PromotietrajectQuery,
    promotietrajecten,
    promotietraject::Entity,
    PromotietrajectConnection,
    PromotietrajectFilter,
    Sortering,
    "PhD tracks of the I-Doctoraat, by title unless `orderBy` says otherwise."
);

/// Promotietraject: a PhD track of the I-Doctoraat: a candidate who works at a rijkspartner
/// and obtains the doctorate at a university.
#[derive(MergedObject)]
pub struct Promotietraject(PromotietrajectFields, RegistrationFields);

record_type!(Promotietraject(PromotietrajectFields, promotietraject));

/// The fields of a promotietraject.
pub struct PromotietrajectFields(Row<promotietraject::Model>);

#[Object]
impl PromotietrajectFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Promotietraject", self.0.id())
    }

    /// The research title.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// The theme of the research.
    async fn thema(&self, ctx: &Context<'_>) -> Result<Thema> {
        let code = self.0.public(&f::THEMA);
        loaders(ctx)?.thema(&code).await?.ok_or_else(|| {
            crate::error::ApiError::Internal(format!("theme {code} is missing")).into()
        })
    }

    /// The year the track started.
    async fn startjaar(&self) -> i32 {
        self.0.public(&f::STARTJAAR)
    }

    /// Running, completed with a doctorate, or stopped.
    async fn promotie_status(&self) -> PromotieStatus {
        self.0.public(&f::STATUS)
    }

    /// The university where the candidate obtains the doctorate (the owner).
    async fn universiteit(&self, ctx: &Context<'_>) -> Result<Kennisinstelling> {
        Ok(organisation(ctx, self.0.public(&f::UNIVERSITEIT))
            .await?
            .narrow()?)
    }

    /// The rijkspartner where the candidate works and researches.
    async fn gastheer(&self, ctx: &Context<'_>) -> Result<Rijkspartner> {
        Ok(organisation(ctx, self.0.public(&f::GASTHEER))
            .await?
            .narrow()?)
    }

    /// What the research is about. Null unless the caller is the university, the host, a
    /// kennismakelaar of the university's region or the programme office.
    async fn beschrijving(&self) -> Option<String> {
        self.0.get(&f::BESCHRIJVING).flatten()
    }

    /// The candidate's name: personal data, null unless the caller is the university or the
    /// programme office.
    async fn promovendus(&self) -> Option<String> {
        self.0.get(&f::PROMOVENDUS).flatten()
    }
}
