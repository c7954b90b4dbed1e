//! Minoren, masters and post-masters: the list, the type and its relations.
//!
//! Public: name, kind, institution, study load. The owner, the co-developing rijkspartners and
//! the programme office also read description, website, start date, themes and partners.

use super::filters::{MinorFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::loaders::{Bron, Gekoppeld, Koppeling, OrganisatieId, PerId, Themas};
use super::opdrachten::OpdrachtenVan;
use super::organisaties::{Organisatie, organisaties_per_id};
use super::paginering::{connection, list_query};
use super::types::{Datum, Registratie, Thema, als_leesbaar, recordtype};
use crate::db::Rij;
use crate::db::entities::minor;
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
pub struct Minor(MinorVelden, Registratie, OpdrachtenVan);

recordtype!(Minor(MinorVelden, minor, opdrachten: MinorId));

/// The fields of a minor.
pub struct MinorVelden(Rij<minor::Model>);

#[Object]
impl MinorVelden {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Minor", self.0.model.id)
    }

    /// Name of the curriculum.
    async fn naam(&self) -> &String {
        &self.0.model.naam
    }

    /// Minor, master or post-master.
    async fn soort(&self) -> MinorSoort {
        self.0.model.soort
    }

    /// Study load in ECTS credits, if known.
    async fn studielast_ects(&self) -> Option<i32> {
        self.0.model.studielast_ects
    }

    /// The kennisinstelling that offers it (its owner).
    async fn instelling(&self, ctx: &Context<'_>) -> Result<Option<Organisatie>> {
        Ok(loaders(ctx)?
            .load(OrganisatieId::new(self.0.model.eigenaar_id))
            .await?
            .map(Organisatie::from))
    }

    /// What the curriculum covers. Null unless the caller's organisation co-develops it.
    async fn beschrijving(&self) -> Option<&String> {
        als_leesbaar(self.0.rechten.lezen, self.0.model.beschrijving.as_ref())
    }

    /// Website. Null unless the caller's organisation co-develops it.
    async fn website(&self) -> Option<&String> {
        als_leesbaar(self.0.rechten.lezen, self.0.model.website.as_ref())
    }

    /// First start. Null unless the caller's organisation co-develops it.
    async fn startdatum(&self) -> Option<Datum> {
        als_leesbaar(self.0.rechten.lezen, self.0.model.startdatum.map(Datum))
    }

    /// Themes. Null unless the caller's organisation co-develops it.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        Ok(loaders(ctx)?
            .load(Themas(Bron::Minor, self.0.model.id))
            .await?)
    }

    /// Rijkspartners that co-develop it. Null unless the caller's organisation co-develops it.
    async fn partners(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisatie>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        let ids = loaders(ctx)?
            .load(Gekoppeld(Koppeling::MinorPartners, self.0.model.id))
            .await?
            .unwrap_or_default();
        Ok(Some(organisaties_per_id(ctx, ids).await?))
    }
}

/// Minoren by id (for relations), in the order of `ids`.
pub async fn minoren_per_id(ctx: &Context<'_>, ids: Vec<i32>) -> Result<Vec<Minor>> {
    Ok(loaders(ctx)?
        .load_all(ids.into_iter().map(PerId::<minor::Entity>::new).collect())
        .await?
        .into_iter()
        .map(Minor::from)
        .collect())
}
