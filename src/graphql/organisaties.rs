//! Organisations: the `Organisatie` interface and its three kinds (`Rijkspartner`,
//! `Kennisinstelling`, `Programmabureau`), and lookup by natural key.
//!
//! The fields all organisations share live in one object ([`OrganisatieFields`]) that each kind
//! merges with its own fields, so the shared part is written once.

use super::communities::Community;
use super::fieldlabs::Fieldlab;
use super::filters::{
    KennisinstellingFilter, OpdrachtFilter, OpdrachtSortering, RijkspartnerFilter, Sortering,
    opdrachten_of_organisatie,
};
use super::id::GlobalId;
use super::lectoraten::Lectoraat;
use super::loaders::Linked;
use super::minoren::Minor;
use super::opdrachten::{LinkedOpdrachten, OpdrachtConnection};
use super::paging::{connection, list_query};
use super::types::{Contactpersoon, Timestamp};
use super::{loaders, scope};
use crate::db::entities::{community, fieldlab, lectoraat, minor, organisatie};
use crate::db::organisatie_fields as f;
use crate::db::{Link, Row};
use crate::domain::{
    Onderwijssoort, OrganisatieSleutel, OrganisatieSoort, Regio, RijkspartnerSoort,
};
use crate::error::ApiError;
use async_graphql::{Context, ID, Interface, MergedObject, Object, Result};
use sea_orm::{ColumnTrait, Condition};
use std::marker::PhantomData;

type Model = Row<organisatie::Model>;

/// An organisation row shared by the parts of its GraphQL type (not copied per part).
type Shared = std::sync::Arc<Model>;

/// The GraphQL type name of an organisation row.
pub fn typename(row: &Row<organisatie::Model>) -> &'static str {
    match row.public(&f::SOORT) {
        OrganisatieSoort::Rijkspartner => "Rijkspartner",
        OrganisatieSoort::Kennisinstelling => "Kennisinstelling",
        OrganisatieSoort::Programmabureau => "Programmabureau",
    }
}

/// Organisatie: any organisation in the partnership.
// The interface's field list repeats `ty = ...` by design; clippy reads that as duplication.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(
        name = "id",
        ty = "ID",
        desc = "Global, opaque id; use it with `node(id:)`."
    ),
    field(name = "naam", ty = "String", desc = "Official name."),
    field(
        name = "afkorting",
        ty = "Option<String>",
        desc = "Common abbreviation (BZK, DUO, HU)."
    ),
    field(
        name = "organisatie_soort",
        ty = "OrganisatieSoort",
        desc = "Kind of organisation."
    ),
    field(
        name = "regio",
        ty = "Option<Regio>",
        desc = "Region of the main location."
    ),
    field(name = "website", ty = "Option<String>", desc = "Public website."),
    field(
        name = "beschrijving",
        ty = "Option<String>",
        desc = "Short description. Null for anonymous callers (not part of the public catalogue)."
    ),
    field(
        name = "contactpersoon",
        ty = "Option<Contactpersoon>",
        desc = "Contact person for the partnership. Personal data: null unless the caller belongs to this organisation or to the programme office."
    ),
    field(
        name = "mag_bewerken",
        ty = "bool",
        desc = "Whether the caller may change this profile (its beheerder, or the programme office)."
    ),
    field(
        name = "volledig",
        ty = "bool",
        desc = "Whether the caller may read this record in full. True: its fields are filled in as the record has them (a null is empty), except personal data (`contactpersoon`, a lectoraat's `lector`), which only the owner and the programme office see. False: the fields that are not part of the public catalogue (those described as null unless ...) are null because they are hidden from the caller, not because they are empty. From the access policy's read-in-full rule (docs/access.md, read-full)."
    ),
    field(
        name = "aangemaakt_op",
        ty = "Timestamp",
        desc = "When the record was created (UTC)."
    ),
    field(
        name = "gewijzigd_op",
        ty = "Timestamp",
        desc = "When the record was last changed (UTC)."
    ),
    field(
        name = "versie",
        ty = "i32",
        desc = "Version counter: 1 when created, one more on every change."
    ),
    field(
        name = "fieldlabs",
        ty = "Option<Vec<Fieldlab>>",
        desc = "Fieldlabs the organisation leads (as penvoerder) or takes part in, among those the caller may read in full. Never null on an organisation (nullable because the same field of a lectoraat can be hidden)."
    ),
    field(
        name = "lectoraten",
        ty = "Option<Vec<Lectoraat>>",
        desc = "Lectoraten the organisation owns or is linked to, among those the caller may read in full. Never null on an organisation (nullable because the same field of a fieldlab can be hidden)."
    ),
    field(
        name = "minoren",
        ty = "Vec<Minor>",
        desc = "Minoren the organisation offers or co-develops, among those the caller may read in full."
    ),
    field(
        name = "communities",
        ty = "Vec<Community>",
        desc = "Communities the organisation runs or is a member of, among those the caller may read in full."
    ),
    field(
        name = "opdrachten",
        ty = "OpdrachtConnection",
        desc = "Opdrachten in which the organisation takes part in any role (owner, opdrachtgever or executing institution) that the caller may see (the opdrachten's own rules apply).",
        arg(
            name = "filter",
            ty = "Option<OpdrachtFilter>",
            desc = "Only opdrachten that match every given criterion."
        ),
        arg(
            name = "order_by",
            ty = "Option<OpdrachtSortering>",
            desc = "The order of the list; ties are broken by id."
        ),
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Page forwards: at most this many items (default 20, at most 100)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Page forwards: the items after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Page backwards: at most this many items (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Page backwards: the items before this cursor."
        )
    )
)]
pub enum Organisatie {
    Rijkspartner(Rijkspartner),
    Kennisinstelling(Kennisinstelling),
    Programmabureau(Programmabureau),
}

impl From<Model> for Organisatie {
    fn from(row: Model) -> Self {
        match row.public(&f::SOORT) {
            OrganisatieSoort::Rijkspartner => Organisatie::Rijkspartner(row.into()),
            OrganisatieSoort::Kennisinstelling => Organisatie::Kennisinstelling(row.into()),
            OrganisatieSoort::Programmabureau => Organisatie::Programmabureau(row.into()),
        }
    }
}

impl Organisatie {
    /// This organisation as the kind `K` a field promises (an opdrachtgever is a rijkspartner,
    /// an uitvoerder a kennisinstelling). The writes check the kind, so another kind is a bug,
    /// reported as an internal error rather than as a wrongly typed answer.
    pub fn narrow<K: TryFrom<Organisatie, Error = Organisatie>>(self) -> Result<K, ApiError> {
        K::try_from(self).map_err(|other| {
            ApiError::Internal(format!(
                "organisation {} is a {}, not a {}",
                other.row().id(),
                typename(other.row()),
                std::any::type_name::<K>()
            ))
        })
    }

    fn row(&self) -> &Model {
        match self {
            Organisatie::Rijkspartner(o) => &o.0.0,
            Organisatie::Kennisinstelling(o) => &o.0.0,
            Organisatie::Programmabureau(o) => &o.0.0,
        }
    }
}

/// The kinds of organisation a field can be narrowed to ([`Organisatie::narrow`]).
macro_rules! narrows_to {
    ($($kind:ident),*) => {$(
        impl TryFrom<Organisatie> for $kind {
            type Error = Organisatie;
            fn try_from(organisatie: Organisatie) -> Result<Self, Organisatie> {
                match organisatie {
                    Organisatie::$kind(kind) => Ok(kind),
                    other => Err(other),
                }
            }
        }
    )*};
}
narrows_to!(Rijkspartner, Kennisinstelling);

/// The organisation a record points at (its owner, its opdrachtgever). Organisations are a
/// public catalogue and are never deleted, so a missing one is a bug, reported as internal.
pub async fn organisation(ctx: &Context<'_>, id: i32) -> Result<Organisatie> {
    loaders(ctx)?
        .record::<organisatie::Entity, Organisatie>(Some(id))
        .await?
        .ok_or_else(|| ApiError::Internal(format!("organisation {id} is missing")).into())
}

impl From<Model> for Rijkspartner {
    fn from(row: Model) -> Self {
        let id = row.id();
        let row = Shared::new(row);
        Self(
            OrganisatieFields(row.clone()),
            RijkspartnerFields(row),
            OrganisatieLinks::new(id),
            LinkedOpdrachten::new(opdrachten_of_organisatie, id),
        )
    }
}

impl From<Model> for Kennisinstelling {
    fn from(row: Model) -> Self {
        let id = row.id();
        let row = Shared::new(row);
        Self(
            OrganisatieFields(row.clone()),
            KennisinstellingFields(row),
            OrganisatieLinks::new(id),
            LinkedOpdrachten::new(opdrachten_of_organisatie, id),
        )
    }
}

impl From<Model> for Programmabureau {
    fn from(row: Model) -> Self {
        let id = row.id();
        Self(
            OrganisatieFields(Shared::new(row)),
            OrganisatieLinks::new(id),
            LinkedOpdrachten::new(opdrachten_of_organisatie, id),
        )
    }
}

connection!(
    RijkspartnerConnection,
    RijkspartnerEdge,
    Rijkspartner,
    "rijkspartners"
);
connection!(
    KennisinstellingConnection,
    KennisinstellingEdge,
    Kennisinstelling,
    "kennisinstellingen"
);

list_query!(
    RijkspartnerQuery,
    rijkspartners,
    organisatie::Entity,
    RijkspartnerConnection,
    RijkspartnerFilter,
    Sortering,
    "Rijkspartners (ministries, agencies, High Councils of State), by name unless `orderBy` \
     says otherwise. A public catalogue: everyone sees them all."
);

list_query!(
    KennisinstellingQuery,
    kennisinstellingen,
    organisatie::Entity,
    KennisinstellingConnection,
    KennisinstellingFilter,
    Sortering,
    "Kennisinstellingen (universities, hogescholen, MBO colleges), by name unless `orderBy` \
     says otherwise. A public catalogue: everyone sees them all."
);

/// The records an organisation leads, owns or takes part in. Each list holds only records whose
/// participant data the caller may read (otherwise the list would reveal what the records hide).
///
/// One GraphQL object per kind of organisation `K` (the `concrete`s), for the reason
/// [`LinkedOpdrachten`] gives: a part shared by the three kinds would be in registration while
/// the records it lists register the organisations they point at.
pub struct OrganisatieLinks<K> {
    id: i32,
    kind: PhantomData<fn() -> K>,
}

impl<K> OrganisatieLinks<K> {
    fn new(id: i32) -> Self {
        Self {
            id,
            kind: PhantomData,
        }
    }
}

/// The records an organisation leads, owns or takes part in.
#[Object(
    concrete(name = "RijkspartnerLinks", params(Rijkspartner)),
    concrete(name = "KennisinstellingLinks", params(Kennisinstelling)),
    concrete(name = "ProgrammabureauLinks", params(Programmabureau))
)]
impl<K: Send + Sync> OrganisatieLinks<K> {
    /// Fieldlabs the organisation leads (as penvoerder) or takes part in, among those the
    /// caller may read in full. Never null on an organisation (nullable because the same field
    /// of a lectoraat can be hidden).
    pub async fn fieldlabs(&self, ctx: &Context<'_>) -> Result<Option<Vec<Fieldlab>>> {
        Ok(Some(
            loaders(ctx)?
                .records::<fieldlab::Entity, Fieldlab>(self.linked(ctx, &f::FIELDLABS).await?)
                .await?,
        ))
    }

    /// Lectoraten the organisation owns or is linked to, among those the caller may read in
    /// full. Never null on an organisation (nullable because the same field of a fieldlab can
    /// be hidden).
    pub async fn lectoraten(&self, ctx: &Context<'_>) -> Result<Option<Vec<Lectoraat>>> {
        Ok(Some(
            loaders(ctx)?
                .records::<lectoraat::Entity, Lectoraat>(self.linked(ctx, &f::LECTORATEN).await?)
                .await?,
        ))
    }

    /// Minoren the organisation offers or co-develops, among those the caller may read in full.
    pub async fn minoren(&self, ctx: &Context<'_>) -> Result<Vec<Minor>> {
        Ok(loaders(ctx)?
            .records::<minor::Entity, Minor>(self.linked(ctx, &f::MINOREN).await?)
            .await?)
    }

    /// Communities the organisation runs or is a member of, among those the caller may read in
    /// full.
    pub async fn communities(&self, ctx: &Context<'_>) -> Result<Vec<Community>> {
        Ok(loaders(ctx)?
            .records::<community::Entity, Community>(self.linked(ctx, &f::COMMUNITIES).await?)
            .await?)
    }
}

impl<K> OrganisatieLinks<K> {
    async fn linked(&self, ctx: &Context<'_>, link: &'static dyn Link<i32>) -> Result<Vec<i32>> {
        Ok(loaders(ctx)?
            .load(Linked::of_organisation(link, self.id))
            .await?
            .unwrap_or_default())
    }
}

/// Fields every kind of organisation has.
pub struct OrganisatieFields(Shared);

#[Object]
impl OrganisatieFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode(typename(&self.0), self.0.id())
    }

    /// Official name.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// Common abbreviation (BZK, DUO, HU).
    async fn afkorting(&self) -> Option<String> {
        self.0.public(&f::AFKORTING)
    }

    /// Kind of organisation.
    async fn organisatie_soort(&self) -> OrganisatieSoort {
        self.0.public(&f::SOORT)
    }

    /// Region of the main location.
    async fn regio(&self) -> Option<Regio> {
        self.0.public(&f::REGIO)
    }

    /// Public website.
    async fn website(&self) -> Option<String> {
        self.0.public(&f::WEBSITE)
    }

    /// Short description. Null for anonymous callers (not part of the public catalogue).
    async fn beschrijving(&self) -> Option<String> {
        self.0.get(&f::BESCHRIJVING).flatten()
    }

    /// Contact person for the partnership. Personal data: null unless the caller belongs to
    /// this organisation or to the programme office.
    async fn contactpersoon(&self) -> Option<Contactpersoon> {
        Contactpersoon::of(&self.0)
    }

    /// Whether the caller may change this profile (its beheerder, or the programme office).
    async fn mag_bewerken(&self) -> bool {
        self.0.rights().edit
    }

    /// Whether the caller may read this record in full. True: its fields are filled in as the
    /// record has them (a null is empty), except personal data (`contactpersoon`, a lectoraat's
    /// `lector`), which only the owner and the programme office see. False: the fields that are
    /// not part of the public catalogue (those described as null unless ...) are null because
    /// they are hidden from the caller, not because they are empty. From the access policy's
    /// read-in-full rule (docs/access.md, read-full).
    async fn volledig(&self) -> bool {
        self.0.rights().full
    }

    /// When the record was created (UTC).
    async fn aangemaakt_op(&self) -> Timestamp {
        Timestamp(self.0.registration().created)
    }

    /// When the record was last changed (UTC).
    async fn gewijzigd_op(&self) -> Timestamp {
        Timestamp(self.0.registration().changed)
    }

    /// Version counter: 1 when created, one more on every change. Send it back when updating
    /// so concurrent edits are detected.
    async fn versie(&self) -> i32 {
        self.0.registration().version
    }
}

/// Rijkspartner: a government organisation (ministry, agency, High Council of State),
/// identified by its OIN.
#[derive(MergedObject)]
pub struct Rijkspartner(
    OrganisatieFields,
    RijkspartnerFields,
    OrganisatieLinks<Rijkspartner>,
    LinkedOpdrachten<Rijkspartner>,
);

/// The shared fields and relations, as the `Organisatie` interface resolves them: the fields
/// through `Deref` to [`OrganisatieFields`], the relations passed on to the kind's
/// [`OrganisatieLinks`] and [`LinkedOpdrachten`] (tuple positions `$links` and `$opdrachten`).
macro_rules! shares_organisatie_fields {
    ($($kind:ident($links:tt, $opdrachten:tt)),*) => {$(
        impl std::ops::Deref for $kind {
            type Target = OrganisatieFields;
            fn deref(&self) -> &OrganisatieFields {
                &self.0
            }
        }

        impl $kind {
            async fn fieldlabs(&self, ctx: &Context<'_>) -> Result<Option<Vec<Fieldlab>>> {
                self.$links.fieldlabs(ctx).await
            }

            async fn lectoraten(&self, ctx: &Context<'_>) -> Result<Option<Vec<Lectoraat>>> {
                self.$links.lectoraten(ctx).await
            }

            async fn minoren(&self, ctx: &Context<'_>) -> Result<Vec<Minor>> {
                self.$links.minoren(ctx).await
            }

            async fn communities(&self, ctx: &Context<'_>) -> Result<Vec<Community>> {
                self.$links.communities(ctx).await
            }

            // The interface passes the GraphQL arguments one by one.
            #[allow(clippy::too_many_arguments)]
            async fn opdrachten(
                &self,
                ctx: &Context<'_>,
                filter: Option<OpdrachtFilter>,
                order_by: Option<OpdrachtSortering>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> Result<OpdrachtConnection> {
                self.$opdrachten
                    .opdrachten(ctx, filter, order_by, first, after, last, before)
                    .await
            }
        }
    )*};
}
shares_organisatie_fields!(
    Rijkspartner(2, 3),
    Kennisinstelling(2, 3),
    Programmabureau(1, 2)
);

/// Fields of rijkspartners only.
pub struct RijkspartnerFields(Shared);

#[Object]
impl RijkspartnerFields {
    /// Organisatie-identificatienummer: 20 positions, digits and capitals. Demo data uses the
    /// test prefix 00000099.
    async fn oin(&self) -> String {
        self.0.public(&f::OIN).unwrap_or_default()
    }

    /// Kind of rijkspartner.
    async fn rijkspartner_soort(&self) -> Option<RijkspartnerSoort> {
        self.0.public(&f::RIJKSPARTNER_SOORT)
    }

    /// The parent organisation (DUO belongs to OCW), if any.
    async fn moederorganisatie(&self, ctx: &Context<'_>) -> Result<Option<Rijkspartner>> {
        match self.0.public(&f::MOEDERORGANISATIE) {
            Some(id) => Ok(Some(organisation(ctx, id).await?.narrow()?)),
            None => Ok(None),
        }
    }
}

/// Kennisinstelling: a university (WO), hogeschool (HBO) or MBO college, identified by its
/// schacHome.
#[derive(MergedObject)]
pub struct Kennisinstelling(
    OrganisatieFields,
    KennisinstellingFields,
    OrganisatieLinks<Kennisinstelling>,
    LinkedOpdrachten<Kennisinstelling>,
);

/// Fields of kennisinstellingen only.
pub struct KennisinstellingFields(Shared);

#[Object]
impl KennisinstellingFields {
    /// The institution's internet domain as SURFconext logins carry it (e.g. `hanze.nl`).
    async fn schac_home(&self) -> String {
        self.0.public(&f::SCHAC_HOME).unwrap_or_default()
    }

    /// Instellingscode (formerly BRIN): two digits and two capitals. Demo data uses the
    /// fictitious 99xx range.
    async fn instellingscode(&self) -> Option<String> {
        self.0.public(&f::INSTELLINGSCODE)
    }

    /// Kind of education: WO, HBO or MBO.
    async fn onderwijssoort(&self) -> Result<Onderwijssoort> {
        // A database constraint gives every kennisinstelling one.
        self.0.public(&f::ONDERWIJSSOORT).ok_or_else(|| {
            ApiError::Internal(format!(
                "kennisinstelling {} has no onderwijssoort",
                self.0.id()
            ))
            .into()
        })
    }
}

/// Programmabureau: the programme office of I-Partnerschap, which owns the communities.
#[derive(MergedObject)]
pub struct Programmabureau(
    OrganisatieFields,
    OrganisatieLinks<Programmabureau>,
    LinkedOpdrachten<Programmabureau>,
);

#[derive(Default)]
pub struct OrganisatieQuery;

#[Object]
impl OrganisatieQuery {
    /// Looks up an organisation by its natural key: an OIN (rijkspartner) or a schacHome
    /// (kennisinstelling). A key of the wrong shape is a `BAD_USER_INPUT` error; a key no
    /// organisation has is `NOT_FOUND`.
    async fn organisatie(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "OIN (20 digits and capitals) or schacHome (e.g. `hanze.nl`).")]
        sleutel: String,
    ) -> Result<Organisatie> {
        let sleutel = OrganisatieSleutel::parse(&sleutel)
            .map_err(|e| ApiError::bad_input("sleutel", e.to_string()))?;
        let filter = match &sleutel {
            OrganisatieSleutel::Oin(oin) => organisatie::Column::Oin.eq(oin.as_str()),
            OrganisatieSleutel::SchacHome(s) => organisatie::Column::SchacHome.eq(s.as_str()),
        };
        scope(ctx)?
            .list::<organisatie::Entity>(Condition::all().add(filter), Vec::new(), 1)
            .await?
            .pop()
            .map(Organisatie::from)
            .ok_or_else(|| ApiError::NotFound(format!("organisation {sleutel}")).into())
    }
}
