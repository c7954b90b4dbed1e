//! Vraagstukken: a rijkspartner's questions, the list, the type and the answers to them.
//!
//! Who knows a question exists and who reads what of it is the record type's policy
//! (`crate::db::policy`, "vraagstuk"); who moves it through its statuses is the workflow table
//! (`crate::db::workflow`). Public, on a question its owner made `openbaar`: title, status,
//! themes and regions.

use super::fieldlabs::Fieldlab;
use super::filters::{VraagstukFilter, VraagstukSortering};
use super::id::GlobalId;
use super::kennismakelaars::Kennismakelaar;
use super::lectoraten::Lectoraat;
use super::loaders::OrganisatieById;
use super::minoren::Minor;
use super::opdrachten::LinkedOpdrachten;
use super::organisaties::{Kennisinstelling, Organisatie, Rijkspartner, organisation};
use super::paging::{connection, list_query};
use super::promotietrajecten::Promotietraject;
use super::types::{Date, RegistrationFields, Thema};
use super::{loaders, scope};
use crate::db::entities::{
    fieldlab, kennismakelaar, lectoraat, minor, organisatie, promotietraject, vraagstuk,
};
use crate::db::vraagstuk_fields as f;
use crate::db::{self, Row};
use crate::domain::{Antwoordsoort, Reactie, Regio, VraagstukStatus};
use async_graphql::{Context, Enum, ID, MergedObject, Object, Result, SimpleObject};

connection!(
    VraagstukConnection,
    VraagstukEdge,
    Vraagstuk,
    "vraagstukken"
);

list_query!(
    VraagstukQuery,
    vraagstukken,
    vraagstuk::Entity,
    VraagstukConnection,
    VraagstukFilter,
    VraagstukSortering,
    "Vraagstukken the caller may see (its own organisation's, those of its regions for a \
     kennismakelaar, those proposed to its institution, and the public ones), newest first \
     unless `orderBy` says otherwise."
);

/// Vraagstuk: a digital question of a rijkspartner, which the programme's kennismakelaars
/// translate into an assignment and match to a kennisinstelling in the region.
#[derive(MergedObject)]
pub struct Vraagstuk(
    VraagstukFields,
    RegistrationFields,
    LinkedOpdrachten<Vraagstuk>,
);

impl From<Row<vraagstuk::Model>> for Vraagstuk {
    fn from(row: Row<vraagstuk::Model>) -> Self {
        let registration = RegistrationFields::of(&row);
        let opdrachten = LinkedOpdrachten::new(f::opdrachten, row.id());
        Self(VraagstukFields(row), registration, opdrachten)
    }
}

impl std::ops::Deref for Vraagstuk {
    type Target = VraagstukFields;
    fn deref(&self) -> &VraagstukFields {
        &self.0
    }
}

/// The fields of a vraagstuk.
pub struct VraagstukFields(Row<vraagstuk::Model>);

#[Object]
impl VraagstukFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Vraagstuk", self.0.id())
    }

    /// The question, in a line.
    async fn titel(&self) -> String {
        self.0.public(&f::TITEL)
    }

    /// Where the question is in the programme's process (see the workflow in
    /// docs/access.md).
    async fn vraagstuk_status(&self) -> VraagstukStatus {
        self.0.public(&f::STATUS)
    }

    /// Whether its title, status, themes and regions are in the public catalogue.
    async fn openbaar(&self) -> bool {
        self.0.public(&f::OPENBAAR)
    }

    /// The regions it is asked in; their kennismakelaars handle it.
    async fn regios(&self, ctx: &Context<'_>) -> Result<Vec<Regio>> {
        let mut regios = loaders(ctx)?
            .linked(&f::REGIOS, &self.0)
            .await?
            .unwrap_or_default();
        regios.sort();
        Ok(regios)
    }

    /// Themes of the question. Never null on a vraagstuk (they are public where it is seen);
    /// nullable because `themas` is nullable on every record type.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        Ok(loaders(ctx)?.themas(&f::THEMAS, &self.0).await?)
    }

    /// The rijkspartner that asks it (its owner). Null unless the caller reads the question in
    /// full (its owner, a kennismakelaar of its regions, an institution it was proposed to, the
    /// programme office).
    async fn vraagsteller(&self, ctx: &Context<'_>) -> Result<Option<Rijkspartner>> {
        match self.0.get(&f::VRAAGSTELLER) {
            Some(id) => Ok(Some(organisation(ctx, id).await?.narrow()?)),
            None => Ok(None),
        }
    }

    /// The owner's kenmerk, its stable code for the question (unique among vraagstukken).
    /// Null unless the caller reads the question in full, or the owner gave none.
    async fn kenmerk(&self) -> Option<String> {
        self.0.get(&f::KENMERK).flatten()
    }

    /// What the question is about. Null unless the caller reads the question in full.
    async fn omschrijving(&self) -> Option<String> {
        self.0.get(&f::OMSCHRIJVING).flatten()
    }

    /// The kind of answer sought. Null unless the caller reads the question in full.
    async fn antwoordsoort(&self) -> Option<Antwoordsoort> {
        self.0.get(&f::ANTWOORDSOORT)
    }

    /// When the rijkspartner would like the work to start. Null unless the caller reads the
    /// question in full.
    async fn gewenste_start(&self) -> Option<Date> {
        self.0.get(&f::GEWENSTE_START).flatten().map(Date)
    }

    /// The day it was first matched (BELEGD); null before. Null unless the caller reads the
    /// question in full.
    async fn belegd_op(&self) -> Option<Date> {
        self.0.get(&f::BELEGD_OP).flatten().map(Date)
    }

    /// The kennisinstellingen it was proposed to. Null unless the caller reads the question
    /// in full.
    async fn voorgelegd_aan(&self, ctx: &Context<'_>) -> Result<Option<Vec<Kennisinstelling>>> {
        let Some(instellingen) = loaders(ctx)?
            .linked_records::<_, organisatie::Entity, Organisatie>(&f::VOORGELEGD_AAN, &self.0)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(
            instellingen
                .into_iter()
                .map(Organisatie::narrow)
                .collect::<Result<_, _>>()?,
        ))
    }

    /// The kennismakelaar duo that handles it (named when it was taken up). Null unless the
    /// caller reads the question in full.
    async fn makelaars(&self, ctx: &Context<'_>) -> Result<Option<Vec<Kennismakelaar>>> {
        Ok(loaders(ctx)?
            .linked_records::<_, kennismakelaar::Entity, Kennismakelaar>(&f::MAKELAARS, &self.0)
            .await?)
    }

    /// The institutions' answers: all of them for the owner, the kennismakelaars of its
    /// regions and the programme office; an institution it was proposed to sees only its own.
    /// Null unless the caller reads the question in full.
    async fn reacties(&self, ctx: &Context<'_>) -> Result<Option<Vec<VraagstukReactie>>> {
        let loaders = loaders(ctx)?;
        let Some(links) = loaders.linked(&f::REACTIES, &self.0).await? else {
            return Ok(None);
        };
        let keys = links.iter().map(|(org, _, _)| OrganisatieById::new(*org));
        let organisaties = loaders.load_all(keys.collect()).await?;
        let mut reacties = Vec::with_capacity(links.len());
        for ((_, reactie, toelichting), org) in links.into_iter().zip(organisaties) {
            reacties.push(VraagstukReactie {
                instelling: Organisatie::from(org).narrow()?,
                reactie,
                toelichting,
            });
        }
        Ok(Some(reacties))
    }

    /// Candidates to answer the question, best first: kennisinstellingen unless `soort` says
    /// otherwise, each with its score and the reasons behind it. Computed from what the caller
    /// may see (opdrachten under their own rules, fieldlab participants and partners where the
    /// caller reads the record in full), so a ranking never tells of an opdracht the caller
    /// cannot see. Null unless the caller handles the question (its rijkspartner, a
    /// kennismakelaar of its regions, the programme office). Candidates without any reason are
    /// left out.
    async fn kandidaten(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to rank.",
            default_with = "KandidaatSoort::Kennisinstelling"
        )]
        soort: KandidaatSoort,
        #[graphql(desc = "At most this many (default 10, at most 50).")] first: Option<i32>,
    ) -> Result<Option<Vec<Kandidaat>>> {
        let first = super::paging::page_size("first", first, MAX_KANDIDATEN)?
            .unwrap_or(DEFAULT_KANDIDATEN) as u64;
        let Some(ranked) = scope(ctx)?.kandidaten(&self.0, soort.into(), first).await? else {
            return Ok(None);
        };
        Ok(Some(
            ranked.into_iter().map(|k| Kandidaat(soort, k)).collect(),
        ))
    }

    /// The fieldlab that answers it, if one does (and the caller may see it).
    async fn fieldlab(&self, ctx: &Context<'_>) -> Result<Option<Fieldlab>> {
        Ok(loaders(ctx)?
            .record::<fieldlab::Entity, Fieldlab>(self.0.get(&f::FIELDLAB).flatten())
            .await?)
    }

    /// The lectoraat that answers it, if one does (and the caller may see it).
    async fn lectoraat(&self, ctx: &Context<'_>) -> Result<Option<Lectoraat>> {
        Ok(loaders(ctx)?
            .record::<lectoraat::Entity, Lectoraat>(self.0.get(&f::LECTORAAT).flatten())
            .await?)
    }

    /// The promotietraject that answers it, if one does (and the caller may see it).
    async fn promotietraject(&self, ctx: &Context<'_>) -> Result<Option<Promotietraject>> {
        let id = self.0.get(&f::PROMOTIETRAJECT).flatten();
        Ok(loaders(ctx)?
            .record::<promotietraject::Entity, Promotietraject>(id)
            .await?)
    }
}

/// The most candidates one `kandidaten` returns, and how many it returns by default.
const MAX_KANDIDATEN: usize = 50;
const DEFAULT_KANDIDATEN: usize = 10;

/// KandidaatSoort: what `Vraagstuk.kandidaten` ranks.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KandidaatSoort {
    /// Universities, hogescholen and MBO colleges.
    Kennisinstelling,
    /// Fieldlabs.
    Fieldlab,
    /// Lectoraten and leerstoelen.
    Lectoraat,
    /// Minoren, masters and post-masters.
    Minor,
}

impl From<KandidaatSoort> for db::KandidaatSoort {
    fn from(soort: KandidaatSoort) -> Self {
        match soort {
            KandidaatSoort::Kennisinstelling => db::KandidaatSoort::Kennisinstelling,
            KandidaatSoort::Fieldlab => db::KandidaatSoort::Fieldlab,
            KandidaatSoort::Lectoraat => db::KandidaatSoort::Lectoraat,
            KandidaatSoort::Minor => db::KandidaatSoort::Minor,
        }
    }
}

pub struct Kandidaat(KandidaatSoort, db::Kandidaat);

/// Kandidaat: a candidate to answer a vraagstuk, with its score and the reasons for it. One of
/// `kennisinstelling`, `fieldlab`, `lectoraat` and `minor` is set, as `soort` asked.
#[Object]
impl Kandidaat {
    /// The sum of the reasons' points: higher is a better match.
    async fn score(&self) -> i64 {
        self.1.score
    }

    /// Why it is a candidate, each reason with the points it adds; every fact behind them is
    /// one the caller can look up.
    async fn redenen(&self) -> Vec<Reden> {
        let k = &self.1;
        let mut redenen = Vec::new();
        let mut add = |soort, aantal: i64, punten: i64| {
            if aantal > 0 {
                redenen.push(Reden {
                    soort,
                    aantal,
                    punten,
                });
            }
        };
        add(RedenSoort::GedeeldeThemas, k.themas, 3 * k.themas);
        add(RedenSoort::ZelfdeRegio, k.regio, 2);
        add(RedenSoort::EerdereOpdrachten, k.eerder, k.eerder.min(3));
        add(RedenSoort::Samenwerking, k.samen, 2);
        add(RedenSoort::PassendeSoort, k.past, 2);
        redenen
    }

    /// The kennisinstelling, when `soort` is KENNISINSTELLING.
    async fn kennisinstelling(&self, ctx: &Context<'_>) -> Result<Option<Kennisinstelling>> {
        if self.0 != KandidaatSoort::Kennisinstelling {
            return Ok(None);
        }
        Ok(Some(organisation(ctx, self.1.id).await?.narrow()?))
    }

    /// The fieldlab, when `soort` is FIELDLAB.
    async fn fieldlab(&self, ctx: &Context<'_>) -> Result<Option<Fieldlab>> {
        let id = (self.0 == KandidaatSoort::Fieldlab).then_some(self.1.id);
        Ok(loaders(ctx)?
            .record::<fieldlab::Entity, Fieldlab>(id)
            .await?)
    }

    /// The lectoraat, when `soort` is LECTORAAT.
    async fn lectoraat(&self, ctx: &Context<'_>) -> Result<Option<Lectoraat>> {
        let id = (self.0 == KandidaatSoort::Lectoraat).then_some(self.1.id);
        Ok(loaders(ctx)?
            .record::<lectoraat::Entity, Lectoraat>(id)
            .await?)
    }

    /// The minor, when `soort` is MINOR.
    async fn minor(&self, ctx: &Context<'_>) -> Result<Option<Minor>> {
        let id = (self.0 == KandidaatSoort::Minor).then_some(self.1.id);
        Ok(loaders(ctx)?.record::<minor::Entity, Minor>(id).await?)
    }
}

/// RedenSoort: a kind of reason why a candidate fits a vraagstuk.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedenSoort {
    /// It works on themes of the question (its opdrachten and lectoraten, or its own themes):
    /// 3 points per theme.
    GedeeldeThemas,
    /// It lies in a region of the question (an institution's or record owner's region, a
    /// fieldlab's regions): 2 points.
    ZelfdeRegio,
    /// Earlier opdrachten for the question's rijkspartner (that the caller can see): 1 point
    /// each, at most 3.
    EerdereOpdrachten,
    /// Already working together: an institution in a fieldlab on the question's themes, or
    /// the rijkspartner as participant or partner of the record: 2 points.
    Samenwerking,
    /// Its kind fits the answer sought (WO for research and PhD tracks, HBO and MBO for stages
    /// and group assignments, a fieldlab for FIELDLAB, ...): 2 points.
    PassendeSoort,
}

/// Reden: one reason why a candidate fits.
#[derive(SimpleObject)]
pub struct Reden {
    /// What kind of reason.
    soort: RedenSoort,
    /// How many of it: shared themes, regions, earlier opdrachten, labs; 1 for a fit.
    aantal: i64,
    /// The points it adds to the score.
    punten: i64,
}

/// VraagstukReactie: a kennisinstelling's answer to a vraagstuk proposed to it.
#[derive(SimpleObject)]
pub struct VraagstukReactie {
    /// The institution that answers.
    instelling: Kennisinstelling,
    /// Interest or not.
    reactie: Reactie,
    /// Its note to the kennismakelaars and the rijkspartner.
    toelichting: Option<String>,
}
