//! Bijeenkomsten (summercourses, kennissessies, werkconferenties, events): the list and the
//! type. Public, but for the description (organiser and partners) and the contact person (the
//! organiser's).

use super::filters::{BijeenkomstFilter, Sortering};
use super::id::GlobalId;
use super::loaders;
use super::organisaties::{Organisatie, organisation};
use super::paging::{connection, list_query};
use super::types::{Date, RegistrationFields, Thema, record_type};
use crate::db::Row;
use crate::db::bijeenkomst_fields as f;
use crate::db::entities::{bijeenkomst, organisatie};
use crate::domain::BijeenkomstSoort;
use async_graphql::{Context, ID, MergedObject, Object, Result};

connection!(
    BijeenkomstConnection,
    BijeenkomstEdge,
    Bijeenkomst,
    "bijeenkomsten"
);

list_query!(
    BijeenkomstQuery,
    bijeenkomsten,
    bijeenkomst::Entity,
    BijeenkomstConnection,
    BijeenkomstFilter,
    Sortering,
    "Summercourses, kennissessies, werkconferenties and events, by name unless `orderBy` says \
     otherwise."
);

/// Bijeenkomst: a meeting the partnership organises or contributes to: a summercourse, a
/// kennissessie, a werkconferentie or an event.
#[derive(MergedObject)]
pub struct Bijeenkomst(BijeenkomstFields, RegistrationFields);

record_type!(Bijeenkomst(BijeenkomstFields, bijeenkomst));

/// The fields of a bijeenkomst.
pub struct BijeenkomstFields(Row<bijeenkomst::Model>);

#[Object]
impl BijeenkomstFields {
    /// Global, opaque id; use it with `node(id:)`.
    pub(super) async fn id(&self) -> ID {
        GlobalId::encode("Bijeenkomst", self.0.id())
    }

    /// Name of the meeting.
    async fn naam(&self) -> String {
        self.0.public(&f::NAAM)
    }

    /// Summercourse, kennissessie, werkconferentie or event.
    async fn bijeenkomst_soort(&self) -> BijeenkomstSoort {
        self.0.public(&f::SOORT)
    }

    /// The (first) day.
    async fn datum(&self) -> Date {
        Date(self.0.public(&f::DATUM))
    }

    /// The last day of a meeting of several days; null for one of a day.
    async fn einddatum(&self) -> Option<Date> {
        self.0.public(&f::EINDDATUM).map(Date)
    }

    /// Where it took place.
    async fn plaats(&self) -> Option<String> {
        self.0.public(&f::PLAATS)
    }

    /// The organiser (the owner).
    async fn organisator(&self, ctx: &Context<'_>) -> Result<Organisatie> {
        organisation(ctx, self.0.public(&f::ORGANISATOR)).await
    }

    /// The organisations that organised it with the organiser.
    async fn partners(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisatie>>> {
        Ok(loaders(ctx)?
            .linked_records::<_, organisatie::Entity, Organisatie>(&f::PARTNERS, &self.0)
            .await?)
    }

    /// Themes of the meeting. Never null here (they are public); nullable because `themas` is
    /// nullable on every record type.
    async fn themas(&self, ctx: &Context<'_>) -> Result<Option<Vec<Thema>>> {
        Ok(loaders(ctx)?.themas(&f::THEMAS, &self.0).await?)
    }

    /// Participants from government, if counted.
    async fn deelnemers_overheid(&self) -> Option<i32> {
        self.0.public(&f::DEELNEMERS_OVERHEID)
    }

    /// Participants from education, if counted.
    async fn deelnemers_onderwijs(&self) -> Option<i32> {
        self.0.public(&f::DEELNEMERS_ONDERWIJS)
    }

    /// All participants: the total recorded, or else the sum of those from government and
    /// from education; null when nothing was counted.
    async fn deelnemers_totaal(&self) -> Option<i32> {
        let (overheid, onderwijs) = (
            self.0.public(&f::DEELNEMERS_OVERHEID),
            self.0.public(&f::DEELNEMERS_ONDERWIJS),
        );
        self.0
            .public(&f::DEELNEMERS_TOTAAL)
            .or(match (overheid, onderwijs) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
            })
    }

    /// What happened there. Null unless the caller is the organiser, a partner or the
    /// programme office.
    async fn beschrijving(&self) -> Option<String> {
        self.0.get(&f::BESCHRIJVING).flatten()
    }
}
