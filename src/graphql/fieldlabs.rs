//! Fieldlabs: the list, the type and its relations.
//!
//! Everyone sees the public catalogue of a fieldlab (name, regions, themes, description); the
//! penvoerder, the participants, a kennismakelaar of one of its regions and the programme
//! office also see its status, place, dates, penvoerder, participants and lectoraten; only the
//! penvoerder and the programme office see its contact person. Its opdrachten are filtered by
//! the opdrachten's own rules.

use super::filters::{FieldlabFilter, Sortering};
use super::id::GlobalId;
use super::lectoraten::Lectoraat;
use super::loaders;
use super::loaders::OrganisatieById;
use super::opdrachten::LinkedOpdrachten;
use super::organisaties::Organisatie;
use super::paging::{connection, list_query};
use super::types::{Date, RegistrationFields, Thema, record_type};
use crate::db::Row;
use crate::db::entities::{fieldlab, lectoraat, organisatie};
use crate::db::fieldlab_fields as f;
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
pub struct Fieldlab(
    FieldlabFields,
    RegistrationFields,
    LinkedOpdrachten<Fieldlab>,
);

record_type!(Fieldlab(FieldlabFields, fieldlab, opdrachten: FieldlabId));

/// The fields of a fieldlab.
pub struct FieldlabFields(Row<fieldlab::Model>);

#[Object]
impl FieldlabFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Fieldlab", self.0.id())
    }

    /// Name of the fieldlab.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// The owner's kenmerk, its stable code for the fieldlab (2 to 40 capital letters, digits and
    /// hyphens), unique among fieldlabs; `syncOpdrachten` names the fieldlab of an opdracht by it
    /// (`fieldlabKenmerk`). Null until the owner gives one.
    async fn kenmerk(&self) -> Option<String> {
        self.0.public(&f::KENMERK)
    }

    /// What the lab works on.
    async fn beschrijving(&self) -> Option<String> {
        self.0.public(&f::BESCHRIJVING)
    }

    /// The regions the lab lies in: one or more, in the order of `Regio`. A kennismakelaar of
    /// any of them reads the lab in full.
    async fn regios(&self, ctx: &Context<'_>) -> Result<Vec<Regio>> {
        let mut regios = loaders(ctx)?
            .linked(&f::REGIOS, &self.0)
            .await?
            .unwrap_or_default();
        regios.sort();
        Ok(regios)
    }

    /// Themes the lab works on. Never null on a fieldlab (they are public); nullable because
    /// `themas` is nullable on every record type.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        Ok(loaders(ctx)?.themas(&f::THEMAS, &self.0).await?)
    }

    /// Whether the lab is being set up, active or ended. Null unless the caller's organisation
    /// takes part in the lab (or is the programme office).
    async fn fieldlab_status(&self) -> Option<FieldlabStatus> {
        self.0.get(&f::STATUS)
    }

    /// City or site of the lab. Null unless the caller's organisation takes part.
    async fn plaats(&self) -> Option<String> {
        self.0.get(&f::PLAATS).flatten()
    }

    /// Website of the lab. Null unless the caller's organisation takes part.
    async fn website(&self) -> Option<String> {
        self.0.get(&f::WEBSITE).flatten()
    }

    /// Date the lab started. Null unless the caller's organisation takes part.
    async fn startdatum(&self) -> Option<Date> {
        self.0.get(&f::STARTDATUM).flatten().map(Date)
    }

    /// The lead partner (penvoerder), who owns and edits the lab's record. Null unless the
    /// caller's organisation takes part.
    async fn penvoerder(&self, ctx: &Context<'_>) -> Result<Option<Organisatie>> {
        loaders(ctx)?
            .record::<organisatie::Entity, Organisatie>(self.0.get(&f::PENVOERDER))
            .await
            .map_err(Into::into)
    }

    /// The participating organisations besides the penvoerder, with their role. Null unless
    /// the caller's organisation takes part.
    async fn deelnemers(&self, ctx: &Context<'_>) -> Result<Option<Vec<FieldlabDeelnemer>>> {
        let loaders = loaders(ctx)?;
        let Some(links) = loaders.linked(&f::DEELNEMERS, &self.0).await? else {
            return Ok(None);
        };
        let organisaties = loaders
            .load_all(
                links
                    .iter()
                    .map(|(org, _)| OrganisatieById::new(*org))
                    .collect(),
            )
            .await?;
        Ok(Some(
            links
                .iter()
                .zip(organisaties)
                .map(|((_, rol), org)| FieldlabDeelnemer {
                    organisatie: org.into(),
                    deelnemer_rol: *rol,
                })
                .collect(),
        ))
    }

    /// Lectoraten linked to the lab. The link is shown from both sides: null unless the
    /// caller's organisation takes part in the lab, or may read one of its lectoraten in full
    /// (then that one is listed).
    async fn lectoraten(&self, ctx: &Context<'_>) -> Result<Option<Vec<Lectoraat>>> {
        let loaders = loaders(ctx)?;
        let Some(ids) = loaders.linked(&f::LECTORATEN, &self.0).await? else {
            return Ok(None);
        };
        Ok(Some(
            loaders.records::<lectoraat::Entity, Lectoraat>(ids).await?,
        ))
    }
}

pub struct FieldlabDeelnemer {
    organisatie: Organisatie,
    deelnemer_rol: DeelnemerRol,
}

/// FieldlabDeelnemer: an organisation taking part in a fieldlab, and its role there.
#[Object]
impl FieldlabDeelnemer {
    /// The participating organisation. Never null here (every participant is an organisation
    /// of the partnership); nullable because `organisatie` is nullable everywhere (`Me` has
    /// none for an anonymous caller).
    async fn organisatie(&self) -> Option<&Organisatie> {
        Some(&self.organisatie)
    }

    /// Its role in the lab.
    async fn deelnemer_rol(&self) -> DeelnemerRol {
        self.deelnemer_rol
    }
}
