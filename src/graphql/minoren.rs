//! Minoren, masters and post-masters: the list, the type and its relations.
//!
//! Public: name, kind, institution, study load. The owner, the co-developing rijkspartners and
//! the programme office also read description, website, start date, themes and partners.

use super::filters::{MinorFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::opdrachten::LinkedOpdrachten;
use super::organisaties::{Kennisinstelling, Organisatie, organisation};
use super::paging::{connection, list_query};
use super::types::{Date, RegistrationFields, Thema, record_type};
use crate::db::Row;
use crate::db::entities::{minor, organisatie};
use crate::db::minor_fields as f;
use crate::domain::MinorSoort;
use async_graphql::{Context, ID, MergedObject, Object, Result};

connection!(MinorConnection, MinorEdge, Minor, "minoren");

list_query!(
    MinorQuery,
    minoren,
    minor::Entity,
    MinorConnection,
    MinorFilter,
    Sortering,
    "Minoren, masters and post-masters, by name unless `orderBy` says otherwise."
);

/// Minor: a curriculum (minor, master or post-master; an OOAPI programme) of a
/// kennisinstelling, often built with government partners.
#[derive(MergedObject)]
pub struct Minor(MinorFields, RegistrationFields, LinkedOpdrachten<Minor>);

record_type!(Minor(MinorFields, minor, opdrachten: MinorId));

/// The fields of a minor.
pub struct MinorFields(Row<minor::Model>);

#[Object]
impl MinorFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Minor", self.0.id())
    }

    /// Name of the curriculum.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// The owner's kenmerk, its stable code for the minor (2 to 40 capital letters, digits and
    /// hyphens), unique among minoren; `syncOpdrachten` names the minor of an opdracht by it
    /// (`minorKenmerk`). Null until the owner gives one.
    async fn kenmerk(&self) -> Option<String> {
        self.0.public(&f::KENMERK)
    }

    /// Minor, master or post-master.
    async fn minor_soort(&self) -> MinorSoort {
        self.0.public(&f::SOORT)
    }

    /// Study load in ECTS credits, if known.
    async fn studielast_ects(&self) -> Option<i32> {
        self.0.public(&f::STUDIELAST_ECTS)
    }

    /// The kennisinstelling that offers it (its owner).
    async fn instelling(&self, ctx: &Context<'_>) -> Result<Kennisinstelling> {
        let instelling = organisation(ctx, self.0.public(&f::INSTELLING)).await?;
        Ok(instelling.narrow()?)
    }

    /// What the curriculum covers. Null unless the caller's organisation co-develops it.
    async fn beschrijving(&self) -> Option<String> {
        self.0.get(&f::BESCHRIJVING).flatten()
    }

    /// Website. Null unless the caller's organisation co-develops it.
    async fn website(&self) -> Option<String> {
        self.0.get(&f::WEBSITE).flatten()
    }

    /// First start. Null unless the caller's organisation co-develops it.
    async fn startdatum(&self) -> Option<Date> {
        self.0.get(&f::STARTDATUM).flatten().map(Date)
    }

    /// Themes. Null unless the caller's organisation co-develops it.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        Ok(loaders(ctx)?.themas(&f::THEMAS, &self.0).await?)
    }

    /// Rijkspartners that co-develop it. Null unless the caller's organisation co-develops it.
    async fn partners(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisatie>>> {
        Ok(loaders(ctx)?
            .linked_records::<_, organisatie::Entity, Organisatie>(&f::PARTNERS, &self.0)
            .await?)
    }
}
