//! Relay cursor pagination: page-size limits and opaque keyset cursors.
//!
//! Cursors are keyset positions (the sort key and the id of the last row seen), not offsets, so
//! a page never skips or repeats rows when rows are added or removed in front of it. They are
//! sealed with the database's cursor key ([`super::id`]): a caller cannot read the row id in
//! them, and a forged or tampered cursor is a `BAD_USER_INPUT` on `after` / `before`.

use crate::db::{Policy, Row, Scope};
use crate::error::ApiError;
use async_graphql::SimpleObject;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, ExprTrait, Order};
use serde::{Deserialize, Serialize};

/// Page size when `first` is not given.
pub const STANDAARD_PAGINA: usize = 20;
/// The largest page a caller may ask for.
pub const MAX_PAGINA: usize = 100;

/// Sorteerrichting: ascending or descending.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Richting {
    /// Ascending: A to Z, oldest first. Records without a value come last.
    #[default]
    Asc,
    /// Descending: Z to A, newest first. Records without a value come first.
    Desc,
}

/// A value of a sort field, as a cursor carries it (typed, so it binds as the column's type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SortWaarde {
    Tekst(String),
    Datum(NaiveDate),
    Tijdstip(DateTime<Utc>),
    Geen,
}

impl SortWaarde {
    fn als_value(&self) -> sea_orm::Value {
        match self {
            SortWaarde::Tekst(s) => s.clone().into(),
            SortWaarde::Datum(d) => (*d).into(),
            SortWaarde::Tijdstip(t) => (*t).into(),
            SortWaarde::Geen => sea_orm::Value::String(None),
        }
    }
}

/// A field a list can be ordered by.
pub trait SorteerbaarVeld<E: EntityTrait>: Copy + Send + Sync + 'static {
    /// Name of the field in cursors (so a cursor of one ordering is refused by another).
    fn naam(self) -> &'static str;
    fn kolom(self) -> E::Column;
    /// The row's value of the field (a public one: what a list is ordered by is visible).
    fn waarde(self, row: &Row<E::Model>) -> SortWaarde;
}

/// Where a cursor points: the ordering it belongs to, the sort value and the id.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Positie {
    veld: String,
    richting: bool,
    waarde: SortWaarde,
    id: i32,
}

/// The paging arguments of a connection field: `first`/`after` or `last`/`before`.
#[derive(Debug, Clone, Default)]
pub struct Venster {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// A page of rows with their cursors.
pub struct Pagina<M> {
    pub items: Vec<(String, Row<M>)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub total_count: u64,
}

/// A requested page size (`first` / `last`), checked against `max`.
pub(super) fn grootte(field: &str, n: Option<i32>, max: usize) -> Result<Option<usize>, ApiError> {
    match n {
        None => Ok(None),
        Some(n) if n < 0 => Err(ApiError::bad_input(field, "must not be negative")),
        Some(n) if n as usize > max => Err(ApiError::bad_input(
            field,
            format!("at most {max} items per page; fetch the rest page by page"),
        )),
        Some(n) => Ok(Some(n as usize)),
    }
}

/// One page of the visible rows of `E` matching `filter`, ordered by `veld` (then by id, so the
/// order is total and cursors never skip or repeat a row).
pub async fn pagineer<E, F>(
    scope: &Scope,
    filter: Condition,
    veld: F,
    richting: Richting,
    venster: Venster,
) -> Result<Pagina<E::Model>, ApiError>
where
    E: Policy,
    E::Model: Sync,
    F: SorteerbaarVeld<E>,
{
    let first = grootte("first", venster.first, MAX_PAGINA)?;
    let last = grootte("last", venster.last, MAX_PAGINA)?;
    let (limit, vooruit, cursor_veld, cursor) = match (first, last, &venster.after, &venster.before)
    {
        (Some(_), Some(_), _, _) => {
            return Err(ApiError::bad_input(
                "last",
                "give either `first` (with `after`) or `last` (with `before`), not both",
            ));
        }
        (_, Some(_), Some(_), _) | (Some(_), _, _, Some(_)) => {
            return Err(ApiError::bad_input(
                "before",
                "page forwards with `first` and `after`, or backwards with `last` and `before`",
            ));
        }
        (None, Some(n), None, before) => (n, false, "before", before.clone()),
        (None, None, None, Some(before)) => {
            (STANDAARD_PAGINA, false, "before", Some(before.clone()))
        }
        (first, None, after, None) => (
            first.unwrap_or(STANDAARD_PAGINA),
            true,
            "after",
            after.clone(),
        ),
        (_, None, Some(_), Some(_)) => {
            return Err(ApiError::bad_input(
                "before",
                "give either `after` (paging forwards) or `before` (backwards), not both",
            ));
        }
    };
    let oplopend = (richting == Richting::Asc) == vooruit;
    let kolom = Expr::col((E::default(), veld.kolom()));
    let id = Expr::col((E::default(), E::id()));

    let mut keyset = Condition::all();
    if let Some(cursor) = &cursor {
        let positie = positie(cursor_veld, cursor)?;
        if positie.veld != veld.naam() || positie.richting != (richting == Richting::Asc) {
            return Err(ApiError::bad_input(
                cursor_veld,
                "this cursor belongs to another ordering of the list; start again without it",
            ));
        }
        if !past(veld.kolom(), &positie.waarde) {
            return Err(ApiError::bad_input(
                cursor_veld,
                "not a cursor of this list; use a cursor from its edges or pageInfo",
            ));
        }
        let v = positie.waarde.als_value();
        let same_value_further = |c: Condition| {
            if oplopend {
                c.add(id.clone().gt(positie.id))
            } else {
                c.add(id.clone().lt(positie.id))
            }
        };
        keyset = match (&positie.waarde, oplopend) {
            (SortWaarde::Geen, true) => {
                same_value_further(Condition::all().add(kolom.clone().is_null()))
            }
            (SortWaarde::Geen, false) => Condition::any()
                .add(same_value_further(
                    Condition::all().add(kolom.clone().is_null()),
                ))
                .add(kolom.clone().is_not_null()),
            (_, true) => Condition::any()
                .add(kolom.clone().is_null())
                .add(kolom.clone().gt(v.clone()))
                .add(same_value_further(
                    Condition::all().add(kolom.clone().eq(v)),
                )),
            (_, false) => {
                Condition::any()
                    .add(kolom.clone().lt(v.clone()))
                    .add(same_value_further(
                        Condition::all().add(kolom.clone().eq(v)),
                    ))
            }
        };
    }
    let order = if oplopend { Order::Asc } else { Order::Desc };
    let total_count = scope.count::<E>(filter.clone()).await?;
    let mut rows = scope
        .list::<E>(
            filter.add(keyset),
            vec![
                (kolom.clone().is_null(), order.clone()),
                (kolom, order.clone()),
                (id, order),
            ],
            limit as u64 + 1,
        )
        .await?;
    let meer = rows.len() > limit;
    rows.truncate(limit);
    if !vooruit {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|rij| {
            let c = cursor_van(&Positie {
                veld: veld.naam().to_owned(),
                richting: richting == Richting::Asc,
                waarde: veld.waarde(&rij),
                id: rij.id(),
            });
            (c, rij)
        })
        .collect();
    Ok(Pagina {
        items,
        has_previous_page: if vooruit {
            venster.after.is_some()
        } else {
            meer
        },
        has_next_page: if vooruit {
            meer
        } else {
            venster.before.is_some()
        },
        total_count,
    })
}

/// What list cursors are sealed for (see [`super::id`]).
const DOEL: &str = "lijst";

fn cursor_van(positie: &Positie) -> String {
    super::id::cursor(DOEL, &serde_json::to_vec(positie).unwrap_or_default())
}

/// Decodes a cursor that this API produced for a list: `BAD_USER_INPUT` on `field` if it is
/// forged, tampered with or not a list cursor.
fn positie(field: &str, cursor: &str) -> Result<Positie, ApiError> {
    let bytes = super::id::lees_cursor(field, DOEL, cursor)?;
    serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::bad_input(
            field,
            "not a cursor of this list; use a cursor from its edges or pageInfo",
        )
    })
}

/// Whether a cursor's sort value fits the type of the column it is compared with (a sealed
/// cursor always does; checked anyway, so that no value ever meets a column of another type).
fn past<C: ColumnTrait>(kolom: C, waarde: &SortWaarde) -> bool {
    use sea_orm::ColumnType as T;
    matches!(
        (waarde, kolom.def().get_column_type()),
        (SortWaarde::Geen, _)
            | (SortWaarde::Tekst(_), T::String(_) | T::Text | T::Char(_))
            | (SortWaarde::Datum(_), T::Date)
            | (
                SortWaarde::Tijdstip(_),
                T::TimestampWithTimeZone | T::Timestamp | T::DateTime
            )
    )
}

/// PageInfo: where a page lies in its list (Relay cursor connections).
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct PageInfo {
    /// Whether there are items after this page (ask with `first` and `after: endCursor`).
    pub has_next_page: bool,
    /// Whether there are items before this page (ask with `last` and `before: startCursor`).
    pub has_previous_page: bool,
    /// Cursor of the first item on this page; null on an empty page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item on this page; null on an empty page.
    pub end_cursor: Option<String>,
}

/// Defines a Relay connection type and its edge type for one node type, with descriptions.
macro_rules! verbinding {
    ($connection:ident, $edge:ident, $node:ty, $items:literal) => {
        #[doc = concat!("A page of ", $items, " (a Relay cursor connection).")]
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: $crate::graphql::paginering::PageInfo,
            pub total_count: u64,
        }

        #[doc = concat!("A page of ", $items, " (a Relay cursor connection).")]
        #[async_graphql::Object]
        impl $connection {
            #[doc = concat!("The ", $items, " on this page, each with its cursor.")]
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            #[doc = concat!("The ", $items, " on this page (the nodes of `edges`).")]
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|e| &e.node).collect()
            }

            /// Where this page lies in the whole list.
            async fn page_info(&self) -> &$crate::graphql::paginering::PageInfo {
                &self.page_info
            }

            #[doc = concat!("Number of ", $items, " in the whole list (all pages) that the caller may see.")]
            async fn total_count(&self) -> u64 {
                self.total_count
            }
        }

        #[doc = concat!("One of the ", $items, " on a page, with its cursor.")]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        #[doc = concat!("One of the ", $items, " on a page, with its cursor.")]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of this item; pass it as `after` or `before` to page on.
            async fn cursor(&self) -> &str {
                &self.cursor
            }

            /// The item.
            async fn node(&self) -> &$node {
                &self.node
            }
        }

        impl $connection {
            /// Turns a page of rows into the connection.
            pub fn van<M>(pagina: $crate::graphql::paginering::Pagina<M>) -> Self
            where
                $node: From<$crate::db::Row<M>>,
            {
                Self::pagina(
                    pagina
                        .items
                        .into_iter()
                        .map(|(cursor, rij)| (cursor, <$node>::from(rij)))
                        .collect(),
                    pagina.has_previous_page,
                    pagina.has_next_page,
                    pagina.total_count,
                )
            }

            /// Builds a page from rows already fetched (at most the page size).
            pub fn pagina(
                items: Vec<(String, $node)>,
                has_previous_page: bool,
                has_next_page: bool,
                total_count: u64,
            ) -> Self {
                let page_info = $crate::graphql::paginering::PageInfo {
                    has_next_page,
                    has_previous_page,
                    start_cursor: items.first().map(|(c, _)| c.clone()),
                    end_cursor: items.last().map(|(c, _)| c.clone()),
                };
                Self {
                    edges: items
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    page_info,
                    total_count,
                }
            }
        }
    };
}
pub(crate) use verbinding;

/// Defines a root query object with one list field: a connection with `filter`, `orderBy` and
/// Relay paging arguments, filtered by the caller's scope.
macro_rules! lijst_query {
    (
        $query:ident, $field:ident, $entity:ty, $connection:ident, $filter:ty, $order:ty,
        $doc:literal
    ) => {
        #[derive(Default)]
        pub struct $query;

        #[async_graphql::Object]
        impl $query {
            #[doc = $doc]
            // GraphQL arguments: filter, orderBy and the four Relay paging arguments.
            #[allow(clippy::too_many_arguments)]
            async fn $field(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Only items that match every given criterion.")] filter: Option<
                    $filter,
                >,
                #[graphql(desc = "The order of the list; ties are broken by id.")] order_by: Option<
                    $order,
                >,
                #[graphql(
                    desc = "Page forwards: at most this many items (default 20, at most 100)."
                )]
                first: Option<i32>,
                #[graphql(desc = "Page forwards: the items after this cursor.")] after: Option<
                    String,
                >,
                #[graphql(desc = "Page backwards: at most this many items (at most 100).")]
                last: Option<i32>,
                #[graphql(desc = "Page backwards: the items before this cursor.")] before: Option<
                    String,
                >,
            ) -> async_graphql::Result<$connection> {
                let scope = $crate::graphql::scope(ctx)?;
                let conditie = filter.unwrap_or_default().conditie(scope).await?;
                let order = order_by.unwrap_or_default();
                let pagina = $crate::graphql::paginering::pagineer::<$entity, _>(
                    scope,
                    conditie,
                    order.veld,
                    order.richting,
                    $crate::graphql::paginering::Venster {
                        first,
                        after,
                        last,
                        before,
                    },
                )
                .await?;
                Ok($connection::van(pagina))
            }
        }
    };
}
pub(crate) use lijst_query;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entities::opdracht::Column;

    #[test]
    fn a_sort_value_must_fit_its_column() {
        let datum = SortWaarde::Datum(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert!(past(Column::Startdatum, &datum));
        assert!(past(Column::Startdatum, &SortWaarde::Geen));
        assert!(!past(Column::Startdatum, &SortWaarde::Tekst("x".into())));
        assert!(past(Column::Naam, &SortWaarde::Tekst("x".into())));
        assert!(!past(Column::Naam, &datum));
        assert!(past(Column::GewijzigdOp, &SortWaarde::Tijdstip(Utc::now())));
        assert!(!past(Column::GewijzigdOp, &datum));
    }
}
