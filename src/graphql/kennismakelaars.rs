//! Kennismakelaars: the directory of knowledge brokers, the list and the type.
//!
//! Public: the organisation the person works for, the side (education or government) and the
//! regions, so a portal can show an organisation the brokers of its region and a vraagstuk
//! names its duo. The person (`contactpersoon`: name and e-mail) is personal data, for that
//! organisation and the programme office. The directory is for display and assignment: what a
//! broker may see is decided by the regions in its token, not by its entry here.

use super::filters::{KennismakelaarFilter, KennismakelaarSortering};
use super::id::GlobalId;
use super::loaders;
use super::organisaties::{Organisatie, organisation};
use super::paging::{connection, list_query};
use super::types::{RegistrationFields, record_type};
use crate::db::Row;
use crate::db::entities::kennismakelaar;
use crate::db::kennismakelaar_fields as f;
use crate::domain::{Kant, Regio};
use async_graphql::{Context, ID, MergedObject, Object, Result};

connection!(
    KennismakelaarConnection,
    KennismakelaarEdge,
    Kennismakelaar,
    "kennismakelaars"
);

list_query!(
    KennismakelaarQuery,
    kennismakelaars,
    kennismakelaar::Entity,
    KennismakelaarConnection,
    KennismakelaarFilter,
    KennismakelaarSortering,
    "The directory of kennismakelaars, oldest entry first unless `orderBy` says otherwise."
);

/// Kennismakelaar: a knowledge broker of the programme, who matches the rijkspartners'
/// vraagstukken to institutions in its regions. They work in duos, one from education and one
/// from government. The person is the entry's `contactpersoon` (personal data: the
/// organisation the person works for and the programme office see it).
#[derive(MergedObject)]
pub struct Kennismakelaar(KennismakelaarFields, RegistrationFields);

record_type!(Kennismakelaar(KennismakelaarFields, kennismakelaar));

/// The fields of a kennismakelaar.
pub struct KennismakelaarFields(Row<kennismakelaar::Model>);

#[Object]
impl KennismakelaarFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Kennismakelaar", self.0.id())
    }

    /// The organisation the person works for (the owner of the entry).
    async fn werkgever(&self, ctx: &Context<'_>) -> Result<Organisatie> {
        organisation(ctx, self.0.public(&f::ORGANISATIE)).await
    }

    /// Education or government: the kind of organisation the person works for.
    async fn kant(&self) -> Kant {
        self.0.public(&f::KANT)
    }

    /// The regions the person brokers in (one or more).
    async fn regios(&self, ctx: &Context<'_>) -> Result<Vec<Regio>> {
        let mut regios = loaders(ctx)?
            .linked(&f::REGIOS, &self.0)
            .await?
            .unwrap_or_default();
        regios.sort();
        Ok(regios)
    }
}
