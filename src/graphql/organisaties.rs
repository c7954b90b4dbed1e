//! Organisations: the `Organisatie` interface and its three kinds (`Rijkspartner`,
//! `Kennisinstelling`, `Programmabureau`), and lookup by natural key.
//!
//! The fields all organisations share live in one object ([`OrganisatieFields`]) that each kind
//! merges with its own fields, so the shared part is written once.

use super::communities::Community;
use super::fieldlabs::Fieldlab;
use super::filters::{
    KennisinstellingFilter, RijkspartnerFilter, Sortering, opdrachten_of_organisatie,
};
use super::id::GlobalId;
use super::lectoraten::Lectoraat;
use super::loaders::Linked;
use super::minoren::Minor;
use super::opdrachten::LinkedOpdrachten;
use super::paging::{connection, list_query};
use super::types::{Contactpersoon, RecordName, Timestamp};
use super::{loaders, scope};
use crate::db::entities::{community, fieldlab, lectoraat, minor, organisatie};
use crate::db::organisatie_fields as f;
use crate::db::{Link, Row};
use crate::domain::{
    Onderwijssoort, OrganisatieSleutel, OrganisatieSoort, Regio, RijkspartnerSoort,
};
use crate::error::ApiError;
use async_graphql::{Context, ID, Interface, MergedObject, Object, Result, TypeName};
use sea_orm::{ColumnTrait, Condition};
use std::borrow::Cow;
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

/// The records an organisation of kind `K` leads, owns or takes part in. Each list holds only
/// records whose participant data the caller may read (otherwise the list would reveal what the
/// records hide). One part per kind (see [`RecordName`]).
pub struct OrganisatieLinks<K>(i32, PhantomData<fn() -> K>);

impl<K> OrganisatieLinks<K> {
    fn new(id: i32) -> Self {
        Self(id, PhantomData)
    }
}

impl<K: RecordName> TypeName for OrganisatieLinks<K> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Links", K::NAME).into()
    }
}

/// The records an organisation leads, owns or takes part in.
#[Object(name_type)]
impl<K: RecordName> OrganisatieLinks<K> {
    /// Fieldlabs the organisation leads (as penvoerder) or takes part in, among those the
    /// caller may read in full. Never null on an organisation; nullable because `fieldlabs` is
    /// nullable on lectoraten (where it may be hidden).
    async fn fieldlabs(&self, ctx: &Context<'_>) -> Result<Option<Vec<Fieldlab>>> {
        Ok(Some(
            loaders(ctx)?
                .records::<fieldlab::Entity, Fieldlab>(self.linked(ctx, &f::FIELDLABS).await?)
                .await?,
        ))
    }

    /// Lectoraten the organisation owns or is linked to, among those the caller may read in
    /// full. Never null on an organisation; nullable because `lectoraten` is nullable on
    /// fieldlabs (where it may be hidden).
    async fn lectoraten(&self, ctx: &Context<'_>) -> Result<Option<Vec<Lectoraat>>> {
        Ok(Some(
            loaders(ctx)?
                .records::<lectoraat::Entity, Lectoraat>(self.linked(ctx, &f::LECTORATEN).await?)
                .await?,
        ))
    }

    /// Minoren the organisation offers or co-develops, among those the caller may read in full.
    async fn minoren(&self, ctx: &Context<'_>) -> Result<Vec<Minor>> {
        Ok(loaders(ctx)?
            .records::<minor::Entity, Minor>(self.linked(ctx, &f::MINOREN).await?)
            .await?)
    }

    /// Communities the organisation runs or is a member of, among those the caller may read in
    /// full.
    async fn communities(&self, ctx: &Context<'_>) -> Result<Vec<Community>> {
        Ok(loaders(ctx)?
            .records::<community::Entity, Community>(self.linked(ctx, &f::COMMUNITIES).await?)
            .await?)
    }
}

impl<K> OrganisatieLinks<K> {
    async fn linked(&self, ctx: &Context<'_>, link: &'static dyn Link<i32>) -> Result<Vec<i32>> {
        Ok(loaders(ctx)?
            .load(Linked(link, self.0))
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
        self.0.rights.edit
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

/// The shared fields, as the `Organisatie` interface resolves them, and the kind's own parts.
macro_rules! shares_organisatie_fields {
    ($($kind:ident),*) => {$(
        impl RecordName for $kind {
            const NAME: &'static str = stringify!($kind);
        }

        impl std::ops::Deref for $kind {
            type Target = OrganisatieFields;
            fn deref(&self) -> &OrganisatieFields {
                &self.0
            }
        }
    )*};
}
shares_organisatie_fields!(Rijkspartner, Kennisinstelling, Programmabureau);

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
pub struct Programmabureau(OrganisatieFields, OrganisatieLinks<Programmabureau>);

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
