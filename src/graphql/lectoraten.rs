//! Lectoraten (research chairs at hogescholen, leerstoelen at universities): the list, the type
//! and its relations.
//!
//! Public: name, kind, institution, themes. The owner, the linked rijkspartners and the
//! programme office also read the description, dates, partners and fieldlabs; the lector's name
//! is personal data, shown like a contact person.

use super::fieldlabs::{Fieldlab, gekoppelde_fieldlabs};
use super::filters::{LectoraatFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::loaders::{self as l, Bron, Gekoppeld, Koppeling, OrganisatieId, Themas};
use super::opdrachten::OpdrachtenVan;
use super::organisaties::{Organisatie, organisaties_per_id};
use super::paginering::{connection, list_query};
use super::types::{Datum, Registratie, Thema, als_leesbaar, recordtype};
use crate::db::Rij;
use crate::db::entities::lectoraat;
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
pub struct Lectoraat(LectoraatVelden, Registratie, OpdrachtenVan);

recordtype!(Lectoraat(LectoraatVelden, lectoraat, opdrachten: LectoraatId));

/// The fields of a lectoraat.
pub struct LectoraatVelden(Rij<lectoraat::Model>);

#[Object]
impl LectoraatVelden {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Lectoraat", self.0.model.id)
    }

    /// Name of the chair.
    async fn naam(&self) -> &String {
        &self.0.model.naam
    }

    /// Lectoraat or leerstoel.
    async fn soort(&self) -> LectoraatSoort {
        self.0.model.soort
    }

    /// The kennisinstelling the chair belongs to (its owner).
    async fn instelling(&self, ctx: &Context<'_>) -> Result<Option<Organisatie>> {
        Ok(loaders(ctx)?
            .load(OrganisatieId::new(self.0.model.eigenaar_id))
            .await?
            .map(Organisatie::from))
    }

    /// Themes of the chair.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Vec<Thema>> {
        Ok(loaders(ctx)?
            .load(Themas(Bron::Lectoraat, self.0.model.id))
            .await?
            .unwrap_or_default())
    }

    /// What the chair researches. Null unless the caller's organisation is linked to it.
    async fn beschrijving(&self) -> Option<&String> {
        als_leesbaar(self.0.rechten.lezen, self.0.model.beschrijving.as_ref())
    }

    /// Name of the lector or professor. Personal data: null unless the caller's organisation
    /// owns the record, or the caller is the programme office.
    async fn lector(&self) -> Option<&String> {
        als_leesbaar(self.0.rechten.eigen, self.0.model.lector.as_ref())
    }

    /// Start date. Null unless the caller's organisation is linked to the chair.
    async fn startdatum(&self) -> Option<Datum> {
        als_leesbaar(self.0.rechten.lezen, self.0.model.startdatum.map(Datum))
    }

    /// End date. Null unless the caller's organisation is linked to the chair.
    async fn einddatum(&self) -> Option<Datum> {
        als_leesbaar(self.0.rechten.lezen, self.0.model.einddatum.map(Datum))
    }

    /// Rijkspartners linked to the chair. Null unless the caller's organisation is linked to it.
    async fn partners(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisatie>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        let ids = loaders(ctx)?
            .load(Gekoppeld(Koppeling::LectoraatPartners, self.0.model.id))
            .await?
            .unwrap_or_default();
        Ok(Some(organisaties_per_id(ctx, ids).await?))
    }

    /// Fieldlabs the chair works in. Null unless the caller's organisation is linked to it.
    async fn fieldlabs(&self, ctx: &Context<'_>) -> Result<Option<Vec<Fieldlab>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        Ok(Some(
            gekoppelde_fieldlabs(ctx, Koppeling::LectoraatFieldlabs, self.0.model.id).await?,
        ))
    }
}

/// Lectoraten by id (for relations), in the order of `ids`.
pub async fn lectoraten_per_id(ctx: &Context<'_>, ids: Vec<i32>) -> Result<Vec<Lectoraat>> {
    Ok(loaders(ctx)?
        .load_all(
            ids.into_iter()
                .map(l::PerId::<lectoraat::Entity>::new)
                .collect(),
        )
        .await?
        .into_iter()
        .map(Lectoraat::from)
        .collect())
}
