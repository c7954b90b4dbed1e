//! The access policy: for every protected record type, one declaration (one file in this
//! module) of who may know a row exists, who may read it in full, who owns it, who edits it,
//! which fields need which right, how its links are read, and (derived from the first) who
//! sees its changes in the feed. docs/access.md is the table these declarations implement.
//!
//! Why declarations and not checks: a rule written once as data is applied everywhere the
//! same way. The row rules become the `WHERE` of every select and computed columns
//! ([`Rights`] on each [`Row`]); the field rules are the only way to read a row's fields
//! ([`Row::get`]), and a filter criterion on a field takes the field's rule with it
//! ([`Field::need`]); the feed records, with every change, the audience the visibility rule
//! gives the record before and after the change ([`FeedAudience`]), so tombstones reach
//! those who could see the record. Nothing outside `db` can read a row around them.
//!
//! The rules are built from a few [`Reach`] terms (everyone, partners, the owner, an
//! organisation column, a link table of organisations, a region column, a link table of
//! regions) so that each can be turned into SQL for reading and evaluated on a record's state
//! for the feed.

mod bijeenkomst;
mod community;
mod fieldlab;
mod kennismakelaar;
mod lectoraat;
mod links;
mod minor;
mod opdracht;
mod organisatie;
mod promotietraject;
mod vraagstuk;

pub use bijeenkomst::fields as bijeenkomst_fields;
pub use community::fields as community_fields;
pub use fieldlab::fields as fieldlab_fields;
pub use kennismakelaar::fields as kennismakelaar_fields;
pub use lectoraat::fields as lectoraat_fields;
pub use links::Link;
pub use minor::fields as minor_fields;
pub use opdracht::fields as opdracht_fields;
pub use organisatie::fields as organisatie_fields;
pub use promotietraject::fields as promotietraject_fields;
pub use vraagstuk::fields as vraagstuk_fields;
pub(super) use vraagstuk::handled_by as vraagstukken_handled_by;

use super::entities::organisatie as organisatie_entity;
use crate::auth::{Principal, Rol};
use crate::domain::{RecordType, Regio};
use sea_orm::sea_query::{DynIden, Expr, IntoIden, Query, SelectStatement, SimpleExpr, UnionType};
use sea_orm::{
    ColumnTrait, Condition, DbErr, EntityTrait, ExprTrait, FromQueryResult, ModelTrait, QueryResult,
};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::str::FromStr;

/// An access rule evaluated for one caller: always, never, or when a condition on the row
/// holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Always,
    Never,
    If(Condition),
}

impl Rule {
    /// The rule as a `WHERE` condition.
    pub(crate) fn as_filter(&self) -> Condition {
        match self {
            Rule::Always => Condition::all(),
            Rule::Never => Condition::all().add(Expr::cust("1 = 0")),
            Rule::If(c) => c.clone(),
        }
    }

    /// The rule as a computed column: 1 where it holds, 0 elsewhere.
    pub(super) fn as_column(&self) -> SimpleExpr {
        match self {
            Rule::Always => Expr::cust("1"),
            Rule::Never => Expr::cust("0"),
            Rule::If(c) => Expr::case(c.clone(), Expr::cust("1"))
                .finally(Expr::cust("0"))
                .into(),
        }
    }
}

/// A link table that ties rows of a record type to organisations or to regions:
/// `(parent, value)` pairs, and the key under which a record's snapshot (in the change log)
/// lists the values.
#[derive(Debug, Clone)]
pub struct LinkTable {
    table: DynIden,
    parent: DynIden,
    value: DynIden,
    snapshot_key: &'static str,
}

impl LinkTable {
    /// Link table `L`, with its parent and value (organisation or region) columns.
    pub fn of<L: EntityTrait>(
        parent: L::Column,
        value: L::Column,
        snapshot_key: &'static str,
    ) -> Self {
        Self {
            table: L::default().into_iden(),
            parent: parent.into_iden(),
            value: value.into_iden(),
            snapshot_key,
        }
    }

    /// `SELECT parent FROM link WHERE value IN (values)`.
    fn parents<V: Into<sea_orm::Value>>(
        &self,
        values: impl IntoIterator<Item = V>,
    ) -> SelectStatement {
        Query::select()
            .column(self.parent.clone())
            .from(self.table.clone())
            .and_where(Expr::col(self.value.clone()).is_in(values))
            .to_owned()
    }

    /// `id IN (SELECT parent FROM link WHERE value IN (values))`.
    fn contains<E: Policy, V: Into<sea_orm::Value>>(
        &self,
        values: impl IntoIterator<Item = V>,
    ) -> Condition {
        Condition::all().add(Expr::col((E::default(), E::id())).in_subquery(self.parents(values)))
    }
}

/// One way a caller reaches a row. A rule is a list of them: the caller is reached when any
/// term reaches it (and the programme office always is).
#[derive(Debug, Clone)]
pub enum Reach<E: EntityTrait> {
    /// Every caller, anonymous too.
    Everyone,
    /// Every caller with a token.
    Partners,
    /// The owner organisation.
    Owner,
    /// The organisation in this column (an opdracht's opdrachtgever).
    Organisation(E::Column),
    /// The organisations linked to the row through this table.
    Linked(LinkTable),
    /// A kennismakelaar whose regions include the row's region, in this column.
    Region(E::Column),
    /// A kennismakelaar whose regions include any of the row's regions, linked to the row
    /// through this table (a fieldlab lies in one or more regions).
    Regions(LinkTable),
    /// A kennismakelaar whose regions include the region of the row's owner (for records
    /// without a region of their own).
    OwnerRegion,
    /// Every caller, anonymous too, where this boolean column of the row holds (a vraagstuk
    /// its owner made `openbaar`).
    Where(E::Column),
}

impl<E: Policy> Reach<E> {
    /// Whether the term is a condition on the row's own columns that holds on a broad share
    /// of the rows (a region), which [`rule_of`] keeps as a condition.
    fn is_on_the_row(&self) -> bool {
        matches!(
            self,
            Reach::Region(_) | Reach::OwnerRegion | Reach::Where(_)
        )
    }

    /// The rows this term lets `p` reach.
    fn rule(&self, p: Option<&Principal>) -> Rule {
        if let Reach::Where(column) = self {
            return Rule::If(Condition::all().add(column.eq(true)));
        }
        let Some(p) = p else {
            return match self {
                Reach::Everyone => Rule::Always,
                _ => Rule::Never,
            };
        };
        let org = p.organisatie_id;
        match self {
            Reach::Everyone | Reach::Partners => Rule::Always,
            Reach::Owner => Rule::If(Condition::all().add(E::owner().eq(org))),
            Reach::Organisation(column) => Rule::If(Condition::all().add(column.eq(org))),
            Reach::Linked(link) => Rule::If(link.contains::<E, _>([org])),
            Reach::Region(_) | Reach::Regions(_) | Reach::OwnerRegion if !is_broker(p) => {
                Rule::Never
            }
            Reach::Region(column) => {
                Rule::If(Condition::all().add(column.is_in(p.regios.iter().copied())))
            }
            Reach::Regions(link) => Rule::If(link.contains::<E, _>(p.regios.iter().copied())),
            Reach::OwnerRegion => Rule::If(owner_in_regions::<E>(&p.regios)),
            Reach::Where(_) => unreachable!("answered above"),
        }
    }
}

impl<E: Policy> Reach<E> {
    /// The ids of the rows this term lets `p` reach, as a query; `None` for a term that holds
    /// on every row or none (see [`Reach::rule`]).
    fn ids(&self, p: &Principal) -> Option<SelectStatement> {
        Some(match self {
            Reach::Everyone | Reach::Partners => return None,
            Reach::Owner | Reach::Organisation(_) | Reach::Linked(_) => {
                return self.ids_of_organisation(p.organisatie_id);
            }
            Reach::Region(_) | Reach::Regions(_) | Reach::OwnerRegion if !is_broker(p) => {
                return None;
            }
            Reach::Region(column) => {
                rows::<E>(Condition::all().add(column.is_in(p.regios.iter().copied())))
            }
            Reach::OwnerRegion => rows::<E>(owner_in_regions::<E>(&p.regios)),
            Reach::Regions(link) => link.parents(p.regios.iter().copied()),
            Reach::Where(column) => rows::<E>(Condition::all().add(column.eq(true))),
        })
    }

    /// The ids of the rows in which organisation `org` takes part through this term, if it
    /// is one of an organisation (owner, an organisation column, a link table of them).
    fn ids_of_organisation(&self, org: i32) -> Option<SelectStatement> {
        match self {
            Reach::Owner => Some(rows::<E>(Condition::all().add(E::owner().eq(org)))),
            Reach::Organisation(column) => Some(rows::<E>(Condition::all().add(column.eq(org)))),
            Reach::Linked(link) => Some(link.parents([org])),
            _ => None,
        }
    }
}

/// `SELECT id FROM E WHERE condition`.
fn rows<E: Policy>(condition: Condition) -> SelectStatement {
    Query::select()
        .column((E::default(), E::id()))
        .from(E::default())
        .cond_where(condition)
        .to_owned()
}

/// The rows of `E` in which organisation `org` takes part in any of the ways its visibility
/// rule names an organisation (an opdracht: as owner, opdrachtgever or executing institution),
/// as one set of ids like the rule itself (see [`rule_of`]).
pub fn involving<E: Policy>(org: i32) -> Condition {
    one_of_ids::<E>(
        E::visible()
            .iter()
            .filter_map(|term| term.ids_of_organisation(org)),
    )
}

/// A kennismakelaar with regions: the only role that reaches rows by region.
fn is_broker(p: &Principal) -> bool {
    p.rol == Rol::Kennismakelaar && !p.regios.is_empty()
}

/// Rows whose owner organisation is in one of `regios`.
fn owner_in_regions<E: Policy>(regios: &[Regio]) -> Condition {
    Condition::all().add(
        Expr::col((E::default(), E::owner())).in_subquery(
            Query::select()
                .column(organisatie_entity::Column::Id)
                .from(organisatie_entity::Entity)
                .and_where(organisatie_entity::Column::Regio.is_in(regios.iter().copied()))
                .to_owned(),
        ),
    )
}

/// The rule of a list of terms for `p`: the programme office always, otherwise any term.
///
/// Several terms that hold on some rows become one set of ids, `id IN (ids of the first term
/// UNION ALL ids of the second …)`, not an `OR` of their conditions: each part is answered by
/// its own index (the owner column, the link table from the organisation's side), and the
/// planner can either walk the page's ordering index and test each row against the hashed
/// set, or look up the few rows of a narrow set, whichever is cheaper for the caller at hand.
/// An `OR` that mixes columns with a link-table subquery leaves it only a scan of the table.
///
/// Terms on the row's own region (a kennismakelaar's) stay conditions, `OR`ed with that set:
/// they are broad (two regions hold two fifths of all opdrachten), and as a set they would be
/// collected whole, tens of thousands of ids at 100,000 opdrachten, before the first row of a
/// page; as a condition the page walks its ordering index and tests each row as it goes
/// (`tests/api/plans.rs`).
fn rule_of<E: Policy>(terms: &[Reach<E>], p: Option<&Principal>) -> Rule {
    if p.is_some_and(|p| p.rol == Rol::Programmabureau) {
        return Rule::Always;
    }
    let holding: Vec<(&Reach<E>, Rule)> = terms
        .iter()
        .map(|term| (term, term.rule(p)))
        .filter(|(_, rule)| !matches!(rule, Rule::Never))
        .collect();
    if holding.iter().any(|(_, rule)| matches!(rule, Rule::Always)) {
        return Rule::Always;
    }
    match holding.as_slice() {
        [] => Rule::Never,
        [(_, rule)] => rule.clone(),
        _ => {
            let (on_the_row, sets): (Vec<_>, Vec<_>) =
                holding.iter().partition(|(term, _)| term.is_on_the_row());
            let sets: Vec<_> = sets.iter().filter_map(|(term, _)| term.ids(p?)).collect();
            let mut any = Condition::any();
            for (_, rule) in on_the_row {
                any = any.add(rule.as_filter());
            }
            if !sets.is_empty() {
                any = any.add(one_of_ids::<E>(sets));
            }
            Rule::If(any)
        }
    }
}

/// `id IN (the union of the sets of ids)`.
pub(crate) fn one_of_ids<E: Policy>(sets: impl IntoIterator<Item = SelectStatement>) -> Condition {
    let mut sets = sets.into_iter();
    let Some(mut union) = sets.next() else {
        return Rule::Never.as_filter();
    };
    for set in sets {
        union.union(UnionType::All, set);
    }
    Condition::all().add(Expr::col((E::default(), E::id())).in_subquery(union))
}

/// What a field of a record needs of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: part of the public catalogue (or of every row the caller may see).
    Public,
    /// The right to read the row in full.
    Full,
    /// Ownership (or the programme office): personal data.
    Own,
}

/// A field of record type `E` and what it needs: the only way to read a value of a row.
pub struct Field<E: EntityTrait, T> {
    need: Need,
    column: Option<E::Column>,
    read: fn(&E::Model) -> T,
}

impl<E: EntityTrait, T> Field<E, T> {
    /// A field anyone who sees the row reads.
    pub const fn public(column: Option<E::Column>, read: fn(&E::Model) -> T) -> Self {
        Self {
            need: Need::Public,
            column,
            read,
        }
    }

    /// A field for those who may read the row in full.
    pub const fn full(column: Option<E::Column>, read: fn(&E::Model) -> T) -> Self {
        Self {
            need: Need::Full,
            column,
            read,
        }
    }

    /// Personal data, for the owner and the programme office.
    pub const fn own(column: Option<E::Column>, read: fn(&E::Model) -> T) -> Self {
        Self {
            need: Need::Own,
            column,
            read,
        }
    }

    /// What the field needs.
    pub fn need(&self) -> Need {
        self.need
    }

    /// The column a filter or order on this field uses.
    pub fn column(&self) -> Option<E::Column> {
        self.column
    }
}

/// What the caller may do with one row, beyond seeing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rights {
    /// May read the row in full, not only its public catalogue fields.
    pub full: bool,
    /// Owner or programme office: may see personal data (contact persons).
    pub own: bool,
    /// May change or delete the row (an editing role of the owner, or the programme office).
    pub edit: bool,
}

impl Rights {
    /// Whether these rights meet `need`.
    pub fn meet(&self, need: Need) -> bool {
        match need {
            Need::Public => true,
            Need::Full => self.full,
            Need::Own => self.own,
        }
    }
}

/// A row as the caller sees it: the record and the caller's rights on it. Its fields are read
/// through the record type's [`Field`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<M> {
    pub(in crate::db) model: M,
    /// Computed by the scope with the row; never set elsewhere (a link of a row is read by id
    /// alone when these rights meet its need, see `links`).
    pub(in crate::db) rights: Rights,
}

pub(super) const FULL: &str = "scope_lezen";
pub(super) const OWN: &str = "scope_eigen";
pub(super) const EDIT: &str = "scope_bewerken";

impl<M: FromQueryResult> FromQueryResult for Row<M> {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        let flag =
            |column: &str| -> Result<bool, DbErr> { Ok(res.try_get::<i32>(pre, column)? != 0) };
        Ok(Self {
            model: M::from_query_result(res, pre)?,
            rights: Rights {
                full: flag(FULL)?,
                own: flag(OWN)?,
                edit: flag(EDIT)?,
            },
        })
    }
}

impl<M: ModelTrait> Row<M>
where
    M::Entity: Policy + EntityTrait<Model = M>,
{
    /// What the caller may do with the row.
    pub fn rights(&self) -> Rights {
        self.rights
    }

    /// The value of `field`, or `None` when the caller's rights do not meet its need.
    pub fn get<T>(&self, field: &Field<M::Entity, T>) -> Option<T> {
        self.rights
            .meet(field.need)
            .then(|| (field.read)(&self.model))
    }

    /// The value of a public field.
    pub fn public<T>(&self, field: &Field<M::Entity, T>) -> T {
        debug_assert_eq!(field.need, Need::Public, "a protected field read as public");
        (field.read)(&self.model)
    }

    /// The row's id (public: a row the caller sees has an id it may use).
    pub fn id(&self) -> i32 {
        M::Entity::id_of(&self.model)
    }

    /// The row's version, creation and change moments (public, like the id).
    pub fn registration(&self) -> Registration {
        Registration {
            version: M::Entity::version_of(&self.model),
            created: self.timestamp("aangemaakt_op"),
            changed: self.timestamp("gewijzigd_op"),
        }
    }

    /// The contact person (name, e-mail): personal data, `None` unless the caller owns the row.
    pub fn contact(&self) -> Option<(Option<String>, Option<String>)> {
        let text = |column: &str| match self.model.get(column_named::<M::Entity>(column)) {
            sea_orm::Value::String(Some(s)) => Some(s.to_string()),
            _ => None,
        };
        self.rights
            .own
            .then(|| (text("contactpersoon_naam"), text("contactpersoon_email")))
    }

    fn timestamp(&self, column: &str) -> chrono::DateTime<chrono::Utc> {
        match self.model.get(column_named::<M::Entity>(column)) {
            sea_orm::Value::ChronoDateTimeUtc(Some(t)) => t,
            _ => chrono::DateTime::UNIX_EPOCH,
        }
    }

    /// The value of column `column` of the row, for a cursor (the sort value of a page).
    pub fn sort_value(&self, column: <M::Entity as EntityTrait>::Column) -> sea_orm::Value {
        self.model.get(column)
    }
}

/// The registration data every record has.
#[derive(Debug, Clone, Copy)]
pub struct Registration {
    pub version: i32,
    pub created: chrono::DateTime<chrono::Utc>,
    pub changed: chrono::DateTime<chrono::Utc>,
}

/// The column of `E` with this name; every record type has the registration columns (a unit
/// test checks each policy's).
fn column_named<E: EntityTrait>(name: &str) -> E::Column {
    E::Column::from_str(name).unwrap_or_else(|_| {
        panic!(
            "record type {} has no column {name}",
            E::default().table_name()
        )
    })
}

/// Who sees a change in the feed: computed from the record type's visibility rule on the
/// record's state before and after the change, and stored with the change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedAudience {
    /// Everyone may see the record: everyone sees the change.
    pub public: bool,
    /// Organisations that may see the record.
    pub organisaties: BTreeSet<i32>,
    /// Regions whose kennismakelaars may see the record (their stored values).
    pub regios: BTreeSet<String>,
}

impl FeedAudience {
    /// Those who see either change.
    pub fn union(mut self, other: FeedAudience) -> FeedAudience {
        self.public |= other.public;
        self.organisaties.extend(other.organisaties);
        self.regios.extend(other.regios);
        self
    }
}

/// A record type whose rows are protected by the access model: its whole policy. Sealed:
/// declared in this module only, one file per record type.
pub trait Policy: EntityTrait + sealed::Sealed {
    /// The record type, as the change log names it.
    const TYPE: RecordType;
    /// The name of the record type in messages (its GraphQL type or interface).
    const NAME: &'static str;
    /// The roles that edit the owner organisation's records of this type (besides the
    /// programme office, which edits everything).
    const EDITORS: &'static [Rol] = &[Rol::Beheerder];
    /// The column that holds the owner organisation (`eigenaar_id` unless said otherwise).
    fn owner() -> Self::Column {
        column_named::<Self>("eigenaar_id")
    }
    /// Who may know a row exists. Rows outside it are not there: lists skip them, lookups by
    /// id are `NOT_FOUND`, and the feed shows their changes to no one else. Unless said
    /// otherwise, everyone: the public catalogue.
    fn visible() -> Vec<Reach<Self>> {
        vec![Reach::Everyone]
    }
    /// Who may read a row in full (its non-public fields and links).
    fn readable() -> Vec<Reach<Self>>;

    /// The primary key column.
    fn id() -> Self::Column {
        column_named::<Self>("id")
    }
    /// The version column (optimistic concurrency).
    fn version() -> Self::Column {
        column_named::<Self>("versie")
    }
    /// The created-at column.
    fn created_at() -> Self::Column {
        column_named::<Self>("aangemaakt_op")
    }
    /// The last-changed column.
    fn changed_at() -> Self::Column {
        column_named::<Self>("gewijzigd_op")
    }
    /// The primary key of a row.
    fn id_of(model: &Self::Model) -> i32 {
        int(model.get(Self::id())).unwrap_or_default()
    }
    /// The owner organisation of a row.
    fn owner_of(model: &Self::Model) -> i32 {
        int(model.get(Self::owner())).unwrap_or_default()
    }
    /// The version of a row.
    fn version_of(model: &Self::Model) -> i32 {
        int(model.get(Self::version())).unwrap_or_default()
    }

    /// The rows `p` may know exist.
    fn visible_rule(p: Option<&Principal>) -> Rule {
        rule_of(&Self::visible(), p)
    }
    /// The rows `p` may read in full.
    fn readable_rule(p: Option<&Principal>) -> Rule {
        rule_of(&Self::readable(), p)
    }
    /// The rows `p` owns (the programme office: all).
    fn own_rule(p: Option<&Principal>) -> Rule {
        rule_of::<Self>(&[Reach::Owner], p)
    }
    /// The rows `p` may change and delete: the programme office all, an editing role
    /// ([`Self::EDITORS`]) its own organisation's, everyone else none.
    fn edit_rule(p: Option<&Principal>) -> Rule {
        match p {
            Some(p) if p.rol != Rol::Programmabureau && !Self::EDITORS.contains(&p.rol) => {
                Rule::Never
            }
            _ => Self::own_rule(p),
        }
    }
    /// Whether `p` may create a row owned by `owner`: the edit rule, decided before the row
    /// exists.
    fn may_create(p: &Principal, owner: i32) -> bool {
        p.rol == Rol::Programmabureau
            || (Self::EDITORS.contains(&p.rol) && owner == p.organisatie_id)
    }

    /// Who sees a change that leaves the row as `model` with links `snapshot`: the
    /// visibility rule evaluated on that state.
    fn feed_audience(model: &Self::Model, snapshot: &Map<String, Value>) -> FeedAudience {
        let mut audience = FeedAudience::default();
        for term in Self::visible() {
            term.add_audience(model, snapshot, &mut audience);
        }
        audience
    }
}

impl<E: Policy> Reach<E> {
    /// Adds those this term reaches on a record in state `model` with links `snapshot` to
    /// `audience`.
    fn add_audience(
        &self,
        model: &E::Model,
        snapshot: &Map<String, Value>,
        audience: &mut FeedAudience,
    ) {
        match self {
            Reach::Everyone => audience.public = true,
            Reach::Owner => {
                audience.organisaties.insert(E::owner_of(model));
            }
            Reach::Organisation(column) => audience.organisaties.extend(int(model.get(*column))),
            Reach::Linked(link) => audience
                .organisaties
                .extend(snapshot_ids(snapshot, link.snapshot_key)),
            Reach::Region(column) => audience.regios.extend(regio(model.get(*column))),
            Reach::Regions(link) => audience
                .regios
                .extend(snapshot_texts(snapshot, link.snapshot_key)),
            Reach::Where(column) => {
                audience.public |= matches!(model.get(*column), sea_orm::Value::Bool(Some(true)))
            }
            // Not used by any visibility rule (a unit test checks). The feed cannot record
            // them (every partner; the owner's region at the time of the change), so they
            // fail closed: such a change would reach only the programme office.
            Reach::Partners | Reach::OwnerRegion => {}
        }
    }
}

fn int(value: sea_orm::Value) -> Option<i32> {
    match value {
        sea_orm::Value::Int(Some(v)) => Some(v),
        sea_orm::Value::BigInt(Some(v)) => i32::try_from(v).ok(),
        _ => None,
    }
}

fn regio(value: sea_orm::Value) -> Option<String> {
    match value {
        sea_orm::Value::String(Some(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// The organisation ids a snapshot lists under `key`.
fn snapshot_ids<'a>(snapshot: &'a Map<String, Value>, key: &str) -> impl Iterator<Item = i32> + 'a {
    snapshot
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_i64().and_then(|v| i32::try_from(v).ok()))
}

/// The texts a snapshot lists under `key` (a fieldlab's regions).
fn snapshot_texts<'a>(
    snapshot: &'a Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = String> + 'a {
    snapshot
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
}

mod sealed {
    pub trait Sealed {}
}
pub(super) use sealed::Sealed;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entities::{
        bijeenkomst, community, fieldlab, kennismakelaar, lectoraat, minor, opdracht, organisatie,
        promotietraject, vraagstuk,
    };

    /// The columns every policy finds by name, and a visibility rule the feed can record.
    fn check<E: Policy>() {
        let _ = (
            E::id(),
            E::owner(),
            E::version(),
            E::created_at(),
            E::changed_at(),
        );
        for name in ["contactpersoon_naam", "contactpersoon_email"] {
            let _ = column_named::<E>(name);
        }
        assert!(
            E::visible()
                .iter()
                .all(|term| !matches!(term, Reach::OwnerRegion | Reach::Partners)),
            "{}: the feed records organisations and regions of the rows, not the owner's region",
            E::NAME
        );
    }

    #[test]
    fn a_change_of_a_record_in_several_regions_reaches_the_kennismakelaars_of_each() {
        use crate::db::entities::koppelingen::fieldlab_regio;
        use crate::domain::FieldlabStatus;
        let term = Reach::<fieldlab::Entity>::Regions(LinkTable::of::<fieldlab_regio::Entity>(
            fieldlab_regio::Column::FieldlabId,
            fieldlab_regio::Column::Regio,
            "regios",
        ));
        let now = chrono::DateTime::UNIX_EPOCH;
        let lab = fieldlab::Model {
            id: 1,
            eigenaar_id: 2,
            naam: "Lab".into(),
            naam_sleutel: "lab".into(),
            kenmerk: None,
            beschrijving: None,
            regio: Regio::Noord,
            status: FieldlabStatus::Actief,
            plaats: None,
            website: None,
            startdatum: None,
            contactpersoon_naam: None,
            contactpersoon_email: None,
            aangemaakt_op: now,
            gewijzigd_op: now,
            versie: 1,
        };
        let snapshot = serde_json::json!({ "regios": ["NOORD", "OOST"] });
        let mut audience = FeedAudience::default();
        term.add_audience(&lab, snapshot.as_object().unwrap(), &mut audience);
        assert_eq!(
            audience.regios,
            BTreeSet::from(["NOORD".to_owned(), "OOST".to_owned()])
        );
        assert!(!audience.public && audience.organisaties.is_empty());
    }

    #[test]
    fn every_policy_names_columns_its_record_type_has_and_a_visibility_the_feed_can_record() {
        check::<organisatie::Entity>();
        check::<fieldlab::Entity>();
        check::<lectoraat::Entity>();
        check::<minor::Entity>();
        check::<community::Entity>();
        check::<opdracht::Entity>();
        check::<vraagstuk::Entity>();
        check::<promotietraject::Entity>();
        check::<bijeenkomst::Entity>();
        check::<kennismakelaar::Entity>();
    }
}
