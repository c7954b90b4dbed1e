//! Fieldlabs: the list, the type and its relations.
//!
//! Everyone sees the public catalogue of a fieldlab (name, region, themes, description); the
//! penvoerder, the participants and the programme office also see its status, location,
//! participants and dates; only the penvoerder and the programme office see its contact person.

use super::id::GlobalId;
use super::loaders::{FieldlabDeelnemers, FieldlabThemas, OrganisatieId};
use super::organisaties::Organisatie;
use super::paginering::{cursor, paginagrootte, positie, verbinding};
use super::types::{Contactpersoon, Datum, Thema, Tijdstip};
use super::{loaders, scope};
use crate::db::Rij;
use crate::db::entities::fieldlab;
use crate::domain::{DeelnemerRol, FieldlabStatus, Regio};
use async_graphql::{Context, ID, Object, Result};
use sea_orm::{ColumnTrait, Condition, Order};

#[derive(Default)]
pub struct FieldlabQuery;

#[Object]
impl FieldlabQuery {
    /// Fieldlabs, ordered by name. Everyone sees every fieldlab's public catalogue fields;
    /// see `Fieldlab` for what needs participation.
    async fn fieldlabs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of fieldlabs to return (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return the fieldlabs after this cursor (from a previous page).")]
        after: Option<String>,
    ) -> Result<FieldlabConnection> {
        let scope = scope(ctx)?;
        let limit = paginagrootte(first)?;
        let mut filter = Condition::all();
        if let Some(after) = &after {
            let (naam, id): (String, i32) = positie("after", after)?;
            filter = filter.add(
                Condition::any()
                    .add(fieldlab::Column::Naam.gt(naam.clone()))
                    .add(
                        Condition::all()
                            .add(fieldlab::Column::Naam.eq(naam))
                            .add(fieldlab::Column::Id.gt(id)),
                    ),
            );
        }
        let total_count = scope.tel::<fieldlab::Entity>(Condition::all()).await?;
        let mut rows = scope
            .lijst::<fieldlab::Entity>(
                filter,
                &[
                    (fieldlab::Column::Naam, Order::Asc),
                    (fieldlab::Column::Id, Order::Asc),
                ],
                limit as u64 + 1,
            )
            .await?;
        let has_next = rows.len() > limit;
        rows.truncate(limit);
        let items = rows
            .into_iter()
            .map(|rij| {
                (
                    cursor(&(rij.model.naam.clone(), rij.model.id)),
                    Fieldlab(rij),
                )
            })
            .collect();
        Ok(FieldlabConnection::pagina(
            items,
            after.is_some(),
            has_next,
            total_count,
        ))
    }
}

verbinding!(FieldlabConnection, FieldlabEdge, Fieldlab, "fieldlabs");

pub struct Fieldlab(Rij<fieldlab::Model>);

impl From<Rij<fieldlab::Model>> for Fieldlab {
    fn from(rij: Rij<fieldlab::Model>) -> Self {
        Self(rij)
    }
}

/// Fieldlab: a regional lab where government and education partners work on digitalisation
/// questions together ("broedkamer van kennis"). Owned by its lead partner (penvoerder).
#[Object]
impl Fieldlab {
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
            .load(FieldlabThemas(self.0.model.id))
            .await?
            .unwrap_or_default())
    }

    /// Whether the lab is being set up, active or ended. Null unless the caller's organisation
    /// takes part in the lab (or is the programme office).
    async fn status(&self) -> Option<FieldlabStatus> {
        self.0.rechten.lezen.then_some(self.0.model.status)
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
            .load(OrganisatieId(self.0.model.eigenaar_id))
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
        let mut deelnemers = Vec::with_capacity(links.len());
        for link in links {
            if let Some(org) = loaders.load(OrganisatieId(link.organisatie_id)).await? {
                deelnemers.push(FieldlabDeelnemer {
                    organisatie: org.into(),
                    rol: link.rol,
                });
            }
        }
        Ok(Some(deelnemers))
    }

    /// Contact person of the lab. Personal data: null unless the caller is the penvoerder or
    /// the programme office.
    async fn contactpersoon(&self) -> Option<Contactpersoon> {
        let m = &self.0.model;
        Contactpersoon::als_eigen(
            self.0.rechten.eigen,
            &m.contactpersoon_naam,
            &m.contactpersoon_email,
        )
    }

    /// When the record was created (UTC).
    async fn aangemaakt_op(&self) -> Tijdstip {
        Tijdstip(self.0.model.aangemaakt_op)
    }

    /// When the record was last changed (UTC).
    async fn gewijzigd_op(&self) -> Tijdstip {
        Tijdstip(self.0.model.gewijzigd_op)
    }

    /// Version counter: 1 when created, one more on every change.
    async fn versie(&self) -> i32 {
        self.0.model.versie
    }
}

impl Fieldlab {
    fn leesbaar<T>(&self, value: Option<T>) -> Option<T> {
        if self.0.rechten.lezen { value } else { None }
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
