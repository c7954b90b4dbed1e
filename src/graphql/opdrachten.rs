//! Opdrachten (student assignments): the list, the type, its relations, and the paged
//! `opdrachten` field that fieldlabs, organisations, lectoraten and minoren share.
//!
//! Opdrachten have no public catalogue: the owner, the opdrachtgever, the executing
//! institutions and the programme office see them; for everyone else they do not exist.

use super::fieldlabs::Fieldlab;
use super::filters::{OpdrachtFilter, OpdrachtSortering};
use super::id::GlobalId;
use super::lectoraten::Lectoraat;
use super::minoren::Minor;
use super::organisaties::{
    Kennisinstelling, Organisatie, Programmabureau, Rijkspartner, organisation,
};
use super::paging::{Wanted, Window, connection, list_query, paginate};
use super::types::{Date, RegistrationFields, Thema, record_type};
use super::{loaders, scope};
use crate::db::Row;
use crate::db::entities::{fieldlab, lectoraat, minor, opdracht, organisatie};
use crate::db::opdracht_fields as f;
use crate::domain::{Onderwijssoort, OpdrachtSoort, OpdrachtStatus, Regio};
use async_graphql::{Context, ID, MergedObject, Object, Result};
use sea_orm::Condition;
use std::marker::PhantomData;

connection!(OpdrachtConnection, OpdrachtEdge, Opdracht, "opdrachten");

list_query!(
    OpdrachtQuery,
    opdrachten,
    opdracht::Entity,
    OpdrachtConnection,
    OpdrachtFilter,
    OpdrachtSortering,
    "Opdrachten the caller may see, by start date unless `orderBy` says otherwise. Anonymous \
     callers see none."
);

/// The `opdrachten` field of a record that opdrachten link to (a fieldlab, lectoraat, minor or
/// organisation): merged into that record's type `T`.
///
/// Holds the relation as a function of the record's id, not as a built condition: records are
/// created by the hundred per page and their `opdrachten` is rarely asked for, so the
/// condition is only built when it is.
///
/// Why one GraphQL object per record type (`T`, named in the `concrete`s below) rather than
/// one shared by all: async-graphql registers a merged object's parts as types of their own,
/// and a part that is still being registered reads as empty. One shared part would be in
/// registration while `Opdracht` registers the record types it points at (`minor: Minor`), and
/// the first of those would silently lose its `opdrachten` (as `Minor.opdrachten` did). A part
/// per record type is only registered by that record type. `schema.rs` in the tests checks that
/// every record type that opdrachten point at has the field.
pub struct LinkedOpdrachten<T> {
    link: fn(i32) -> Condition,
    id: i32,
    record: PhantomData<fn() -> T>,
}

impl<T> LinkedOpdrachten<T> {
    /// The opdrachten that match `link(id)`.
    pub fn new(link: fn(i32) -> Condition, id: i32) -> Self {
        Self {
            link,
            id,
            record: PhantomData,
        }
    }
}

/// Opdrachten linked to a record.
#[Object(
    concrete(name = "FieldlabOpdrachten", params(Fieldlab)),
    concrete(name = "LectoraatOpdrachten", params(Lectoraat)),
    concrete(name = "MinorOpdrachten", params(Minor)),
    concrete(name = "RijkspartnerOpdrachten", params(Rijkspartner)),
    concrete(name = "KennisinstellingOpdrachten", params(Kennisinstelling)),
    concrete(name = "ProgrammabureauOpdrachten", params(Programmabureau)),
    concrete(
        name = "VraagstukOpdrachten",
        params(crate::graphql::vraagstukken::Vraagstuk)
    )
)]
impl<T: Send + Sync> LinkedOpdrachten<T> {
    /// Opdrachten linked to this record that the caller may see (the opdrachten's own rules
    /// apply: owner, opdrachtgever, executing institutions and the programme office).
    // GraphQL arguments: filter, orderBy and the four Relay paging arguments.
    #[allow(clippy::too_many_arguments)]
    pub async fn opdrachten(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only opdrachten that match every given criterion.")] filter: Option<
            OpdrachtFilter,
        >,
        #[graphql(desc = "The order of the list; ties are broken by id.")] order_by: Option<
            OpdrachtSortering,
        >,
        #[graphql(desc = "Page forwards: at most this many items (default 20, at most 100).")]
        first: Option<i32>,
        #[graphql(desc = "Page forwards: the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many items (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Page backwards: the items before this cursor.")] before: Option<String>,
    ) -> Result<OpdrachtConnection> {
        let scope = scope(ctx)?;
        let condition = filter
            .unwrap_or_default()
            .condition(scope)
            .await?
            .add((self.link)(self.id));
        let order = order_by.unwrap_or_default();
        let window = Window {
            first,
            after,
            last,
            before,
        };
        let page = paginate::<opdracht::Entity, _>(
            "opdrachten",
            scope,
            condition,
            order.veld,
            order.richting,
            window,
            Wanted::of(ctx),
        )
        .await?;
        Ok(OpdrachtConnection::from_page(page))
    }
}

/// Opdracht: a student assignment given by a rijkspartner (the opdrachtgever) and carried out
/// by students of one or more kennisinstellingen.
#[derive(MergedObject)]
pub struct Opdracht(OpdrachtFields, RegistrationFields);

record_type!(Opdracht(OpdrachtFields, opdracht));

/// The fields of an opdracht.
pub struct OpdrachtFields(Row<opdracht::Model>);

#[Object]
impl OpdrachtFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Opdracht", self.0.id())
    }

    /// Title of the assignment.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// What the assignment is about.
    async fn omschrijving(&self) -> Option<String> {
        self.0.public(&f::OMSCHRIJVING)
    }

    /// The key of the opdracht in the owner's own system (used by sync clients).
    async fn extern_id(&self) -> Option<String> {
        self.0.public(&f::EXTERN_ID)
    }

    /// Kind of assignment.
    async fn opdracht_soort(&self) -> OpdrachtSoort {
        self.0.public(&f::SOORT)
    }

    /// Where the assignment stands.
    async fn opdracht_status(&self) -> OpdrachtStatus {
        self.0.public(&f::STATUS)
    }

    /// Kind of education of the students.
    async fn onderwijssoort(&self) -> Onderwijssoort {
        self.0.public(&f::ONDERWIJSSOORT)
    }

    /// Region where the assignment is carried out.
    async fn regio(&self) -> Option<Regio> {
        self.0.public(&f::REGIO)
    }

    /// Start date.
    async fn startdatum(&self) -> Option<Date> {
        self.0.public(&f::STARTDATUM).map(Date)
    }

    /// End date (on or after the start date).
    async fn einddatum(&self) -> Option<Date> {
        self.0.public(&f::EINDDATUM).map(Date)
    }

    /// Number of students working on it (a count: no personal data of students is kept).
    async fn aantal_studenten(&self) -> i32 {
        self.0.public(&f::AANTAL_STUDENTEN)
    }

    /// Themes of the assignment. Never null on an opdracht (whoever sees it sees its themes);
    /// nullable because `themas` is nullable on every record type.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        Ok(loaders(ctx)?.themas(&f::THEMAS, &self.0).await?)
    }

    /// The rijkspartner that gave the assignment.
    async fn opdrachtgever(&self, ctx: &Context<'_>) -> Result<Rijkspartner> {
        let id = self.0.public(&f::OPDRACHTGEVER);
        Ok(organisation(ctx, id).await?.narrow()?)
    }

    /// The kennisinstellingen whose students carry it out.
    async fn uitvoerders(&self, ctx: &Context<'_>) -> Result<Vec<Kennisinstelling>> {
        let uitvoerders = loaders(ctx)?
            .linked_records::<_, organisatie::Entity, Organisatie>(&f::UITVOERDERS, &self.0)
            .await?
            .unwrap_or_default();
        Ok(uitvoerders
            .into_iter()
            .map(Organisatie::narrow)
            .collect::<Result<_, _>>()?)
    }

    /// The organisation that registered the opdracht (usually the kennisinstelling that syncs
    /// it) and edits it.
    async fn eigenaar(&self, ctx: &Context<'_>) -> Result<Organisatie> {
        organisation(ctx, self.0.public(&f::EIGENAAR)).await
    }

    /// The fieldlab the assignment belongs to, if any.
    async fn fieldlab(&self, ctx: &Context<'_>) -> Result<Option<Fieldlab>> {
        Ok(loaders(ctx)?
            .record::<fieldlab::Entity, Fieldlab>(self.0.public(&f::FIELDLAB))
            .await?)
    }

    /// The lectoraat the assignment belongs to, if any.
    async fn lectoraat(&self, ctx: &Context<'_>) -> Result<Option<Lectoraat>> {
        Ok(loaders(ctx)?
            .record::<lectoraat::Entity, Lectoraat>(self.0.public(&f::LECTORAAT))
            .await?)
    }

    /// The minor the assignment belongs to, if any.
    async fn minor(&self, ctx: &Context<'_>) -> Result<Option<Minor>> {
        Ok(loaders(ctx)?
            .record::<minor::Entity, Minor>(self.0.public(&f::MINOR))
            .await?)
    }

    /// The vraagstuk the assignment answers, as its owner names it; null if it names none or
    /// the caller may not see the question.
    async fn vraagstuk(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::vraagstukken::Vraagstuk>> {
        Ok(loaders(ctx)?
            .record::<crate::db::entities::vraagstuk::Entity, _>(self.0.public(&f::VRAAGSTUK))
            .await?)
    }
}
