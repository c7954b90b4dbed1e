//! Fieldlabs: the list, the type and its relations.
//!
//! Everyone sees the public catalogue of a fieldlab (name, region, themes, description); the
//! penvoerder, the participants and the programme office also see its status, place, dates,
//! penvoerder, participants and lectoraten; only the penvoerder and the programme office see its
//! contact person. Its opdrachten are filtered by the opdrachten's own rules.

use super::filters::{FieldlabFilter, Sortering};
use super::id::GlobalId;
use super::lectoraten::Lectoraat;
use super::loaders;
use super::loaders::{
    Bron, FieldlabDeelnemers, Gekoppeld, Koppeling, OrganisatieId, PerId, Themas,
};
use super::opdrachten::OpdrachtenVan;
use super::organisaties::Organisatie;
use super::paginering::{connection, list_query};
use super::types::{Datum, Registratie, Thema, als_leesbaar, recordtype};
use crate::db::Rij;
use crate::db::entities::{fieldlab, lectoraat};
use crate::domain::{DeelnemerRol, FieldlabStatus, Regio};
use async_graphql::{Context, ID, MergedObject, Object, Result};

connection!(FieldlabConnection, FieldlabEdge, Fieldlab, "fieldlabs");

list_query!(
    FieldlabQuery,
    fieldlabs,
    fieldlab::Entity,
    FieldlabConnection,
    FieldlabFilter,
    Sortering,
    "Fieldlabs, by name unless `orderBy` says otherwise. Everyone sees every fieldlab's public \
     catalogue fields; see `Fieldlab` for what needs participation."
);

/// Fieldlab: a regional lab where government and education partners work on digitalisation
/// questions together ("broedkamer van kennis"). Owned by its lead partner (penvoerder).
#[derive(MergedObject)]
pub struct Fieldlab(FieldlabVelden, Registratie, OpdrachtenVan);

recordtype!(Fieldlab(FieldlabVelden, fieldlab, opdrachten: FieldlabId));

/// The fields of a fieldlab.
pub struct FieldlabVelden(Rij<fieldlab::Model>);

#[Object]
impl FieldlabVelden {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Fieldlab", self.0.model.id)
    }

    /// Name of the fieldlab.
    async fn naam(&self) -> &String {
        &self.0.model.naam
    }

    /// What the lab works on.
    async fn beschrijving(&self) -> Option<&String> {
        self.0.model.beschrijving.as_ref()
    }

    /// Region the lab is in.
    async fn regio(&self) -> Regio {
        self.0.model.regio
    }

    /// Themes the lab works on.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Vec<Thema>> {
        Ok(loaders(ctx)?
            .load(Themas(Bron::Fieldlab, self.0.model.id))
            .await?
            .unwrap_or_default())
    }

    /// Whether the lab is being set up, active or ended. Null unless the caller's organisation
    /// takes part in the lab (or is the programme office).
    async fn status(&self) -> Option<FieldlabStatus> {
        self.leesbaar(Some(self.0.model.status))
    }

    /// City or site of the lab. Null unless the caller's organisation takes part.
    async fn plaats(&self) -> Option<&String> {
        self.leesbaar(self.0.model.plaats.as_ref())
    }

    /// Website of the lab. Null unless the caller's organisation takes part.
    async fn website(&self) -> Option<&String> {
        self.leesbaar(self.0.model.website.as_ref())
    }

    /// Date the lab started. Null unless the caller's organisation takes part.
    async fn startdatum(&self) -> Option<Datum> {
        self.leesbaar(self.0.model.startdatum.map(Datum))
    }

    /// The lead partner (penvoerder), who owns and edits the lab's record. Null unless the
    /// caller's organisation takes part.
    async fn penvoerder(&self, ctx: &Context<'_>) -> Result<Option<Organisatie>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        Ok(loaders(ctx)?
            .load(OrganisatieId::new(self.0.model.eigenaar_id))
            .await?
            .map(Organisatie::from))
    }

    /// The participating organisations besides the penvoerder, with their role. Null unless
    /// the caller's organisation takes part.
    async fn deelnemers(&self, ctx: &Context<'_>) -> Result<Option<Vec<FieldlabDeelnemer>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        let loaders = loaders(ctx)?;
        let links = loaders
            .load(FieldlabDeelnemers(self.0.model.id))
            .await?
            .unwrap_or_default();
        let organisaties = loaders
            .load_all(
                links
                    .iter()
                    .map(|l| OrganisatieId::new(l.organisatie_id))
                    .collect(),
            )
            .await?;
        Ok(Some(
            links
                .iter()
                .zip(organisaties)
                .map(|(link, org)| FieldlabDeelnemer {
                    organisatie: org.into(),
                    rol: link.rol,
                })
                .collect(),
        ))
    }

    /// Lectoraten linked to the lab. Null unless the caller's organisation takes part.
    async fn lectoraten(&self, ctx: &Context<'_>) -> Result<Option<Vec<Lectoraat>>> {
        if !self.0.rechten.lezen {
            return Ok(None);
        }
        let loaders = loaders(ctx)?;
        let ids = loaders
            .load(Gekoppeld(Koppeling::FieldlabLectoraten, self.0.model.id))
            .await?
            .unwrap_or_default();
        Ok(Some(
            loaders
                .load_all(
                    ids.into_iter()
                        .map(PerId::<lectoraat::Entity>::new)
                        .collect(),
                )
                .await?
                .into_iter()
                .map(Lectoraat::from)
                .collect(),
        ))
    }
}

impl FieldlabVelden {
    fn leesbaar<T>(&self, value: Option<T>) -> Option<T> {
        als_leesbaar(self.0.rechten.lezen, value)
    }
}

pub struct FieldlabDeelnemer {
    organisatie: Organisatie,
    rol: DeelnemerRol,
}

/// FieldlabDeelnemer: an organisation taking part in a fieldlab, and its role there.
#[Object]
impl FieldlabDeelnemer {
    /// The participating organisation.
    async fn organisatie(&self) -> &Organisatie {
        &self.organisatie
    }

    /// Its role in the lab.
    async fn rol(&self) -> DeelnemerRol {
        self.rol
    }
}

/// Fieldlabs by id (for relations), in the order of `ids`.
pub async fn fieldlabs_per_id(ctx: &Context<'_>, ids: Vec<i32>) -> Result<Vec<Fieldlab>> {
    Ok(loaders(ctx)?
        .load_all(
            ids.into_iter()
                .map(PerId::<fieldlab::Entity>::new)
                .collect(),
        )
        .await?
        .into_iter()
        .map(Fieldlab::from)
        .collect())
}

/// The fieldlabs linked to a record through `koppeling`.
pub async fn gekoppelde_fieldlabs(
    ctx: &Context<'_>,
    koppeling: Koppeling,
    id: i32,
) -> Result<Vec<Fieldlab>> {
    let ids = loaders(ctx)?
        .load(Gekoppeld(koppeling, id))
        .await?
        .unwrap_or_default();
    fieldlabs_per_id(ctx, ids).await
}
