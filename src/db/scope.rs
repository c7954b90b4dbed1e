//! [`Scope`]: the caller's view of the data, and the only way to read it.
//!
//! A scope is built from the request's principal. For every protected record type it knows
//! three rules (docs/access.md, written out in the [`Beschermd`] impls below):
//!
//! - **zichtbaar**: may the caller know the row exists? Rows outside it are simply not there:
//!   lists skip them, lookups by id find nothing (`NOT_FOUND`, so ids cannot be probed).
//! - **lezen**: may the caller read the row beyond the public catalogue (participants, dates,
//!   linked records)?
//! - **eigen**: is the caller the owner or the programme office, who alone see personal data
//!   (contact persons)?
//!
//! Each rule is a SQL condition, so filtering happens in the database: the visibility rule is
//! the `WHERE` of every select, and the other two come back as computed columns
//! (`scope_lezen`, `scope_eigen`) on each row, so a page of records carries its own access
//! rights without a second query. Rules that do not depend on the row (the programme office
//! sees everything, an anonymous caller reads no participant data) short-circuit to constants.

use super::entities::koppelingen::{
    community_lid, fieldlab_deelnemer, lectoraat_partner, minor_partner, opdracht_uitvoerder,
};
use super::entities::{community, fieldlab, lectoraat, minor, opdracht, organisatie, thema};
use crate::auth::{Principal, Rol};
use crate::domain::{RecordType, Regio};
use crate::error::ApiResult;
use sea_orm::sea_query::{Expr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, ExprTrait, FromQueryResult,
    Iterable, Order, PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait,
    Select,
};
use std::sync::Arc;

/// What the caller may do with one row, beyond seeing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rechten {
    /// May read the row in full, not only its public catalogue fields.
    pub lezen: bool,
    /// Owner or programme office: may see personal data (contact persons).
    pub eigen: bool,
    /// May change or delete the row (an editing role of the owner, or the programme office).
    pub bewerken: bool,
}

/// A row as the caller sees it: the record and the caller's rights on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rij<M> {
    pub model: M,
    pub rechten: Rechten,
}

const LEZEN: &str = "scope_lezen";
const EIGEN: &str = "scope_eigen";
const BEWERKEN: &str = "scope_bewerken";

impl<M: FromQueryResult> FromQueryResult for Rij<M> {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        let flag =
            |column: &str| -> Result<bool, DbErr> { Ok(res.try_get::<i32>(pre, column)? != 0) };
        Ok(Self {
            model: M::from_query_result(res, pre)?,
            rechten: Rechten {
                lezen: flag(LEZEN)?,
                eigen: flag(EIGEN)?,
                bewerken: flag(BEWERKEN)?,
            },
        })
    }
}

/// An access rule: always, never, or when a condition on the row holds.
#[derive(Debug, Clone)]
pub enum Regel {
    Altijd,
    Nooit,
    Als(Condition),
}

impl Regel {
    pub(super) fn als_filter(&self) -> Condition {
        match self {
            Regel::Altijd => Condition::all(),
            Regel::Nooit => Condition::all().add(Expr::cust("1 = 0")),
            Regel::Als(c) => c.clone(),
        }
    }

    fn als_kolom(&self) -> SimpleExpr {
        match self {
            Regel::Altijd => Expr::cust("1"),
            Regel::Nooit => Expr::cust("0"),
            Regel::Als(c) => Expr::case(c.clone(), Expr::cust("1"))
                .finally(Expr::cust("0"))
                .into(),
        }
    }
}

/// A record type whose rows are protected by the access model. Sealed: implemented here only,
/// next to the rules.
pub trait Beschermd: EntityTrait + sealed::Sealed {
    /// The record type, as the change log names it.
    const TYPE: RecordType;
    /// The name of the record type in messages (its GraphQL type or interface).
    const NAAM: &'static str;
    /// The roles that edit the owner organisation's records of this type (besides the
    /// programme office, which edits everything).
    const BEWERKERS: &'static [Rol] = &[Rol::Beheerder];
    /// The column that holds the owner organisation.
    fn eigenaar() -> Self::Column;
    /// The owner organisation of a row.
    fn eigenaar_van(model: &Self::Model) -> i32;
    /// The version column (optimistic concurrency).
    fn versie() -> Self::Column;
    /// The version of a row.
    fn versie_van(model: &Self::Model) -> i32;
    /// The last-changed column.
    fn gewijzigd_op() -> Self::Column;
    /// The primary key column.
    fn id() -> Self::Column;
    /// The primary key of a row.
    fn id_van(model: &Self::Model) -> i32;
    /// Which rows the caller may know exist.
    fn zichtbaar(p: Option<&Principal>) -> Regel;
    /// Which rows the caller may read in full.
    fn lezen(p: Option<&Principal>) -> Regel;
    /// Which rows the caller owns (or, for the programme office, all of them).
    fn eigen(p: Option<&Principal>) -> Regel {
        match p {
            Some(p) if p.rol == Rol::Programmabureau => Regel::Altijd,
            Some(p) => Regel::Als(Condition::all().add(Self::eigenaar().eq(p.organisatie_id))),
            None => Regel::Nooit,
        }
    }
    /// Which rows the caller may change and delete: the programme office all, an editing role
    /// ([`Self::BEWERKERS`]) its own organisation's, everyone else none.
    fn bewerken(p: Option<&Principal>) -> Regel {
        match p {
            Some(p) if p.rol == Rol::Programmabureau => Regel::Altijd,
            Some(p) if Self::BEWERKERS.contains(&p.rol) => {
                Regel::Als(Condition::all().add(Self::eigenaar().eq(p.organisatie_id)))
            }
            _ => Regel::Nooit,
        }
    }
    /// Whether the caller may create a row owned by `eigenaar`: the same rule as
    /// [`Self::bewerken`], decided before the row exists.
    fn mag_aanmaken(p: &Principal, eigenaar: i32) -> bool {
        p.rol == Rol::Programmabureau
            || (Self::BEWERKERS.contains(&p.rol) && eigenaar == p.organisatie_id)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// `owner = org OR id IN (SELECT parent FROM link WHERE organisatie = org)`, the rule for
/// records that participants may read; the programme office reads all, anonymous nothing.
fn eigenaar_of_deelnemer<E, L>(
    p: Option<&Principal>,
    link_parent: L::Column,
    link_org: L::Column,
) -> Regel
where
    E: Beschermd,
    L: EntityTrait,
{
    match p {
        Some(p) if p.rol == Rol::Programmabureau => Regel::Altijd,
        Some(p) => Regel::Als(
            Condition::any()
                .add(E::eigenaar().eq(p.organisatie_id))
                .add(
                    Expr::col((E::default(), E::id())).in_subquery(
                        Query::select()
                            .column(link_parent)
                            .from(L::default())
                            .and_where(link_org.eq(p.organisatie_id))
                            .to_owned(),
                    ),
                ),
        ),
        None => Regel::Nooit,
    }
}

macro_rules! beschermd {
    (
        $entity:ty, $type:ident, $naam:literal, eigenaar: $owner:ident($veld:ident),
        $(bewerkers: $bewerkers:expr,)?
        zichtbaar: $zichtbaar:expr, lezen: $lezen:expr $(,)?
    ) => {
        impl sealed::Sealed for $entity {}
        impl Beschermd for $entity {
            const TYPE: RecordType = RecordType::$type;
            const NAAM: &'static str = $naam;
            $(const BEWERKERS: &'static [Rol] = $bewerkers;)?
            fn eigenaar() -> Self::Column {
                <Self as EntityTrait>::Column::$owner
            }
            fn eigenaar_van(model: &Self::Model) -> i32 {
                model.$veld
            }
            fn versie() -> Self::Column {
                <Self as EntityTrait>::Column::Versie
            }
            fn versie_van(model: &Self::Model) -> i32 {
                model.versie
            }
            fn gewijzigd_op() -> Self::Column {
                <Self as EntityTrait>::Column::GewijzigdOp
            }
            fn id() -> Self::Column {
                <Self as EntityTrait>::Column::Id
            }
            fn id_van(model: &Self::Model) -> i32 {
                model.id
            }
            fn zichtbaar(p: Option<&Principal>) -> Regel {
                $zichtbaar(p)
            }
            fn lezen(p: Option<&Principal>) -> Regel {
                $lezen(p)
            }
        }
    };
}

/// A kennismakelaar's extra reach: rows matching `in_regio` (a condition on the row built from
/// its regions) are readable to it, on top of `basis`.
fn met_regio(
    p: Option<&Principal>,
    basis: Regel,
    in_regio: impl Fn(&[Regio]) -> Condition,
) -> Regel {
    match (p, basis) {
        (Some(p), basis) if p.rol == Rol::Kennismakelaar && !p.regios.is_empty() => {
            let regio = in_regio(&p.regios);
            match basis {
                Regel::Altijd => Regel::Altijd,
                Regel::Nooit => Regel::Als(regio),
                Regel::Als(c) => Regel::Als(Condition::any().add(c).add(regio)),
            }
        }
        (_, basis) => basis,
    }
}

/// Rows whose owner organisation is in one of `regios` (for records without a region of
/// their own: lectoraten and minoren are where their institution is).
fn eigenaar_in_regio<E: Beschermd>(regios: &[Regio]) -> Condition {
    Condition::all().add(
        Expr::col((E::default(), E::eigenaar())).in_subquery(
            Query::select()
                .column(organisatie::Column::Id)
                .from(organisatie::Entity)
                .and_where(organisatie::Column::Regio.is_in(regios.iter().copied()))
                .to_owned(),
        ),
    )
}

/// The public catalogue: everyone may know the row exists.
fn publiek(_: Option<&Principal>) -> Regel {
    Regel::Altijd
}

/// Any authenticated partner.
fn ingelogd(p: Option<&Principal>) -> Regel {
    match p {
        Some(_) => Regel::Altijd,
        None => Regel::Nooit,
    }
}

/// Opdrachten have no public catalogue: only the owner, the opdrachtgever and the executing
/// institutions (and the programme office) know they exist, and they may read them in full.
fn betrokken_bij_opdracht(p: Option<&Principal>) -> Regel {
    match p {
        Some(p) if p.rol == Rol::Programmabureau => Regel::Altijd,
        Some(p) => Regel::Als(
            Condition::any()
                .add(opdracht::Column::EigenaarId.eq(p.organisatie_id))
                .add(opdracht::Column::OpdrachtgeverId.eq(p.organisatie_id))
                .add(
                    opdracht::Column::Id.in_subquery(
                        Query::select()
                            .column(opdracht_uitvoerder::Column::OpdrachtId)
                            .from(opdracht_uitvoerder::Entity)
                            .and_where(
                                opdracht_uitvoerder::Column::OrganisatieId.eq(p.organisatie_id),
                            )
                            .to_owned(),
                    ),
                ),
        ),
        None => Regel::Nooit,
    }
}

/// Opdrachten: those the caller is involved in, and for a kennismakelaar also those in its
/// regions.
fn opdracht_zichtbaar(p: Option<&Principal>) -> Regel {
    met_regio(p, betrokken_bij_opdracht(p), |regios| {
        Condition::all().add(opdracht::Column::Regio.is_in(regios.iter().copied()))
    })
}

// The rules per record type, as in docs/access.md.
beschermd!(
    organisatie::Entity,
    Organisatie,
    "Organisatie",
    eigenaar: Id(id),
    zichtbaar: publiek,
    // Every partner reads every profile; the public sees the catalogue fields.
    lezen: ingelogd,
);
beschermd!(
    fieldlab::Entity,
    Fieldlab,
    "Fieldlab",
    eigenaar: EigenaarId(eigenaar_id),
    zichtbaar: publiek,
    lezen: |p| met_regio(
        p,
        eigenaar_of_deelnemer::<fieldlab::Entity, fieldlab_deelnemer::Entity>(
            p,
            fieldlab_deelnemer::Column::FieldlabId,
            fieldlab_deelnemer::Column::OrganisatieId,
        ),
        |regios| Condition::all().add(fieldlab::Column::Regio.is_in(regios.iter().copied())),
    ),
);
beschermd!(
    lectoraat::Entity,
    Lectoraat,
    "Lectoraat",
    eigenaar: EigenaarId(eigenaar_id),
    zichtbaar: publiek,
    lezen: |p| met_regio(
        p,
        eigenaar_of_deelnemer::<lectoraat::Entity, lectoraat_partner::Entity>(
            p,
            lectoraat_partner::Column::LectoraatId,
            lectoraat_partner::Column::OrganisatieId,
        ),
        eigenaar_in_regio::<lectoraat::Entity>,
    ),
);
beschermd!(
    minor::Entity,
    Minor,
    "Minor",
    eigenaar: EigenaarId(eigenaar_id),
    zichtbaar: publiek,
    lezen: |p| met_regio(
        p,
        eigenaar_of_deelnemer::<minor::Entity, minor_partner::Entity>(
            p,
            minor_partner::Column::MinorId,
            minor_partner::Column::OrganisatieId,
        ),
        eigenaar_in_regio::<minor::Entity>,
    ),
);
beschermd!(
    community::Entity,
    Community,
    "Community",
    eigenaar: EigenaarId(eigenaar_id),
    // Communities are the programme office's own: no other role edits them.
    bewerkers: &[],
    zichtbaar: publiek,
    lezen: |p| eigenaar_of_deelnemer::<community::Entity, community_lid::Entity>(
        p,
        community_lid::Column::CommunityId,
        community_lid::Column::OrganisatieId,
    ),
);
beschermd!(
    opdracht::Entity,
    Opdracht,
    "Opdracht",
    eigenaar: EigenaarId(eigenaar_id),
    bewerkers: &[Rol::Beheerder, Rol::Medewerker],
    zichtbaar: opdracht_zichtbaar,
    lezen: opdracht_zichtbaar,
);

/// `SELECT` of the rows of `E` visible to `p` that match `filter`, with `p`'s rights on each
/// row as extra columns (read into [`Rij`]).
pub(super) fn select_zichtbaar<E: Beschermd>(
    p: Option<&Principal>,
    filter: Condition,
) -> Select<E> {
    E::find()
        .filter(E::zichtbaar(p).als_filter())
        .filter(filter)
        .column_as(E::lezen(p).als_kolom(), LEZEN)
        .column_as(E::eigen(p).als_kolom(), EIGEN)
        .column_as(E::bewerken(p).als_kolom(), BEWERKEN)
}

/// The caller's view of the data. Cheap to clone; one per request.
#[derive(Clone, Debug)]
pub struct Scope {
    conn: DatabaseConnection,
    principal: Option<Principal>,
    schrijfslot: Arc<tokio::sync::Mutex<()>>,
}

impl Scope {
    pub(super) fn new(
        conn: DatabaseConnection,
        principal: Option<Principal>,
        schrijfslot: Arc<tokio::sync::Mutex<()>>,
    ) -> Self {
        Self {
            conn,
            principal,
            schrijfslot,
        }
    }

    pub(super) fn schrijfslot(&self) -> Arc<tokio::sync::Mutex<()>> {
        self.schrijfslot.clone()
    }

    pub(super) fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// The authenticated caller, or `None` for an anonymous one.
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// `SELECT` of the visible rows of `E` with the caller's rights as extra columns.
    fn select<E: Beschermd>(&self, filter: Condition) -> Select<E> {
        select_zichtbaar::<E>(self.principal.as_ref(), filter)
    }

    /// Visible rows of `E` that match `filter`, in `order` (expressions on `E`'s columns), at
    /// most `limit`.
    pub async fn lijst<E: Beschermd>(
        &self,
        filter: Condition,
        order: Vec<(SimpleExpr, Order)>,
        limit: u64,
    ) -> ApiResult<Vec<Rij<E::Model>>>
    where
        E::Model: Sync,
    {
        let mut select = self.select::<E>(filter);
        for (expr, direction) in order {
            select = select.order_by(expr, direction);
        }
        Ok(select
            .limit(limit)
            .into_model::<Rij<E::Model>>()
            .all(&self.conn)
            .await?)
    }

    /// Number of visible rows of `E` that match `filter`.
    pub async fn tel<E: Beschermd>(&self, filter: Condition) -> ApiResult<u64>
    where
        E::Model: Sync,
    {
        let p = self.principal.as_ref();
        Ok(E::find()
            .filter(E::zichtbaar(p).als_filter())
            .filter(filter)
            .count(&self.conn)
            .await?)
    }

    /// The visible rows of `E` among `ids` (in no particular order).
    pub async fn per_id<E: Beschermd>(&self, ids: &[i32]) -> ApiResult<Vec<Rij<E::Model>>>
    where
        E::Model: Sync,
    {
        let filter = Condition::all().add(E::id().is_in(ids.iter().copied()));
        self.lijst::<E>(filter, Vec::new(), ids.len() as u64).await
    }

    /// Rows of a link table `L` that match `link_filter` and whose parent (column `parent`,
    /// pointing at `P`) is visible to the caller, or readable in full with `alleen_lezen`. A
    /// link is never read past its parent's rule.
    pub async fn koppelingen<P, L>(
        &self,
        parent: L::Column,
        link_filter: Condition,
        alleen_lezen: bool,
    ) -> ApiResult<Vec<L::Model>>
    where
        P: Beschermd,
        L: EntityTrait,
        L::Model: Sync,
    {
        let p = self.principal.as_ref();
        let mut parents = P::find()
            .select_only()
            .column(P::id())
            .filter(P::zichtbaar(p).als_filter());
        if alleen_lezen {
            parents = parents.filter(P::lezen(p).als_filter());
        }
        let mut select = L::find()
            .filter(link_filter)
            .filter(parent.in_subquery(parents.into_query()));
        for column in L::Column::iter() {
            select = select.order_by_asc(column);
        }
        Ok(select.all(&self.conn).await?)
    }

    /// The condition "the caller may read this row of `E` in full", to narrow a list to the
    /// rows whose non-public relations may be shown.
    pub fn leesbaar<E: Beschermd>(&self) -> Condition {
        E::lezen(self.principal.as_ref()).als_filter()
    }

    /// All themes (reference data, public), in their display order.
    pub async fn themas(&self) -> ApiResult<Vec<thema::Model>> {
        Ok(thema::Entity::find()
            .order_by_asc(thema::Column::Volgorde)
            .all(&self.conn)
            .await?)
    }
}
