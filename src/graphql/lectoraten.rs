//! Lectoraten (research chairs at hogescholen, leerstoelen at universities): the list, the type
//! and its relations.
//!
//! Public: name, kind, institution, themes. The owner, the linked rijkspartners and the
//! programme office also read the description, dates, partners and fieldlabs; the lector's name
//! is personal data, shown like a contact person.

use super::fieldlabs::Fieldlab;
use super::filters::{LectoraatFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::opdrachten::LinkedOpdrachten;
use super::organisaties::{Kennisinstelling, Organisatie, organisation};
use super::paging::{connection, list_query};
use super::types::{Date, RegistrationFields, Thema, record_type};
use crate::db::Row;
use crate::db::entities::{fieldlab, lectoraat, organisatie};
use crate::db::lectoraat_fields as f;
use crate::domain::LectoraatSoort;
use async_graphql::{Context, ID, MergedObject, Object, Result};

connection!(LectoraatConnection, LectoraatEdge, Lectoraat, "lectoraten");

list_query!(
    LectoraatQuery,
    lectoraten,
    lectoraat::Entity,
    LectoraatConnection,
    LectoraatFilter,
    Sortering,
    "Lectoraten and leerstoelen, by name unless `orderBy` says otherwise."
);

/// Lectoraat: a research chair at a hogeschool (lectoraat) or university (leerstoel), owned by
/// its kennisinstelling.
#[derive(MergedObject)]
pub struct Lectoraat(
    LectoraatFields,
    RegistrationFields,
    LinkedOpdrachten<Lectoraat>,
);

record_type!(Lectoraat(LectoraatFields, lectoraat, opdrachten: LectoraatId));

/// The fields of a lectoraat.
pub struct LectoraatFields(Row<lectoraat::Model>);

#[Object]
impl LectoraatFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Lectoraat", self.0.id())
    }

    /// Name of the chair.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// The owner's kenmerk, its stable code for the lectoraat (2 to 40 capital letters, digits and
    /// hyphens), unique among lectoraten; `syncOpdrachten` names the lectoraat of an opdracht by it
    /// (`lectoraatKenmerk`). Null until the owner gives one.
    async fn kenmerk(&self) -> Option<String> {
        self.0.public(&f::KENMERK)
    }

    /// Lectoraat or leerstoel.
    async fn lectoraat_soort(&self) -> LectoraatSoort {
        self.0.public(&f::SOORT)
    }

    /// The kennisinstelling the chair belongs to (its owner).
    async fn instelling(&self, ctx: &Context<'_>) -> Result<Kennisinstelling> {
        let instelling = organisation(ctx, self.0.public(&f::INSTELLING)).await?;
        Ok(instelling.narrow()?)
    }

    /// Themes of the chair. Never null on a lectoraat (they are public); nullable because
    /// `themas` is nullable on every record type.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        Ok(loaders(ctx)?.themas(&f::THEMAS, &self.0).await?)
    }

    /// What the chair researches. Null unless the caller's organisation is linked to it.
    async fn beschrijving(&self) -> Option<String> {
        self.0.get(&f::BESCHRIJVING).flatten()
    }

    /// Name of the lector or professor. Personal data: null unless the caller's organisation
    /// owns the record, or the caller is the programme office.
    async fn lector(&self) -> Option<String> {
        self.0.get(&f::LECTOR).flatten()
    }

    /// Start date. Null unless the caller's organisation is linked to the chair.
    async fn startdatum(&self) -> Option<Date> {
        self.0.get(&f::STARTDATUM).flatten().map(Date)
    }

    /// End date. Null unless the caller's organisation is linked to the chair.
    async fn einddatum(&self) -> Option<Date> {
        self.0.get(&f::EINDDATUM).flatten().map(Date)
    }

    /// Rijkspartners linked to the chair. Null unless the caller's organisation is linked to it.
    async fn partners(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisatie>>> {
        Ok(loaders(ctx)?
            .linked_records::<_, organisatie::Entity, Organisatie>(&f::PARTNERS, &self.0)
            .await?)
    }

    /// Fieldlabs the chair works in. The link is shown from both sides: null unless the
    /// caller's organisation is linked to the chair, or takes part in one of its fieldlabs
    /// (then that one is listed).
    async fn fieldlabs(&self, ctx: &Context<'_>) -> Result<Option<Vec<Fieldlab>>> {
        Ok(loaders(ctx)?
            .linked_records::<_, fieldlab::Entity, Fieldlab>(&f::FIELDLABS, &self.0)
            .await?)
    }
}
