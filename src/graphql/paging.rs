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
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, EntityTrait, ExprTrait, Order};
use serde::{Deserialize, Serialize};

/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest page a caller may ask for.
pub const MAX_PAGE_SIZE: usize = 100;

/// Sorteerrichting: ascending or descending.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[graphql(name = "Richting")]
pub enum Direction {
    /// Ascending: A to Z, oldest first. Records without a value come last.
    #[default]
    Asc,
    /// Descending: Z to A, newest first. Records without a value come first.
    Desc,
}

/// A value of a sort field, as a cursor carries it (typed, so it binds as the column's type).
/// The serialized names are those of the cursors already handed out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SortValue {
    #[serde(rename = "Tekst")]
    Text(String),
    #[serde(rename = "Date")]
    Date(NaiveDate),
    #[serde(rename = "Timestamp")]
    DateTime(DateTime<Utc>),
    #[serde(rename = "Geen")]
    Null,
}

impl SortValue {
    fn to_value(&self) -> sea_orm::Value {
        match self {
            SortValue::Text(s) => s.clone().into(),
            SortValue::Date(d) => (*d).into(),
            SortValue::DateTime(t) => (*t).into(),
            SortValue::Null => sea_orm::Value::String(None),
        }
    }
}

/// A field a list can be ordered by.
pub trait SortField<E: EntityTrait>: Copy + Send + Sync + 'static {
    /// Name of the field in cursors (so a cursor of one ordering is refused by another): the
    /// GraphQL name of its enum value (`STARTDATUM`), which the argument checks read from
    /// `orderBy` before execution.
    fn name(self) -> &'static str;
    fn column(self) -> E::Column;
    /// The row's value of the field (a public one: what a list is ordered by is visible).
    fn value(self, row: &Row<E::Model>) -> SortValue;
}

/// Where a cursor points: the ordering it belongs to, the sort value and the id. The
/// serialized names are those of the cursors already handed out.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Position {
    #[serde(rename = "veld")]
    field: String,
    #[serde(rename = "richting")]
    ascending: bool,
    #[serde(rename = "waarde")]
    value: SortValue,
    id: i32,
}

/// The paging arguments of a connection field: `first`/`after` or `last`/`before`.
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// What of a connection the query selects: its `totalCount`, and its rows (`edges`, `nodes` or
/// `pageInfo`, which tells whether there are more). Each costs a statement that the other does
/// not need: at 100,000 rows a `COUNT(*)` nobody reads, or a page nobody reads, is most of the
/// cost of the request.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    pub count: bool,
    pub rows: bool,
}

impl Wanted {
    /// What the field being resolved (a connection) selects, fragments included.
    pub fn of(ctx: &async_graphql::Context<'_>) -> Self {
        let selection = ctx.look_ahead();
        Self {
            count: selection.field("totalCount").exists(),
            rows: ["edges", "nodes", "pageInfo"]
                .iter()
                .any(|field| selection.field(field).exists()),
        }
    }
}

/// The cursor of an item on a page: where it is, sealed only when a client asks for it (a
/// page read through `nodes` needs none, and sealing costs a key derivation per cursor).
#[derive(Debug, Clone)]
pub struct Cursor {
    list: &'static str,
    position: Position,
}

impl Cursor {
    /// The cursor as the client gets it, sealed for its list (see [`super::id`]).
    pub fn sealed(&self) -> String {
        encode_cursor(self.list, &self.position)
    }
}

/// A page of rows with their cursors.
pub struct Page<M> {
    pub items: Vec<(Cursor, Row<M>)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub total_count: u64,
}

/// A requested page size (`first` / `last`), checked against `max`.
pub(super) fn page_size(
    field: &str,
    n: Option<i32>,
    max: usize,
) -> Result<Option<usize>, ApiError> {
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

/// What a window asks for: how many rows, in which direction, from which cursor (and the
/// argument that cursor came in, for messages).
struct Request {
    limit: usize,
    forwards: bool,
    cursor_field: &'static str,
    cursor: Option<String>,
}

impl Request {
    /// The request of a window, or `BAD_USER_INPUT` for a combination of arguments that does
    /// not page one way.
    fn of(window: &Window) -> Result<Self, ApiError> {
        let first = page_size("first", window.first, MAX_PAGE_SIZE)?;
        let last = page_size("last", window.last, MAX_PAGE_SIZE)?;
        let request = |limit, forwards, cursor_field, cursor: Option<&String>| Request {
            limit,
            forwards,
            cursor_field,
            cursor: cursor.cloned(),
        };
        match (first, last, &window.after, &window.before) {
            (Some(_), Some(_), _, _) => Err(ApiError::bad_input(
                "last",
                "give either `first` (with `after`) or `last` (with `before`), not both",
            )),
            (_, Some(_), Some(_), _) => Err(ApiError::bad_input(
                "after",
                "page backwards with `last` and `before`, or forwards with `first` and `after`",
            )),
            (Some(_), _, _, Some(_)) => Err(ApiError::bad_input(
                "before",
                "page forwards with `first` and `after`, or backwards with `last` and `before`",
            )),
            (None, Some(n), None, before) => Ok(request(n, false, "before", before.as_ref())),
            (None, None, None, Some(before)) => {
                Ok(request(DEFAULT_PAGE_SIZE, false, "before", Some(before)))
            }
            (first, None, after, None) => Ok(request(
                first.unwrap_or(DEFAULT_PAGE_SIZE),
                true,
                "after",
                after.as_ref(),
            )),
            (_, None, Some(_), Some(_)) => Err(ApiError::bad_input(
                "before",
                "give either `after` (paging forwards) or `before` (backwards), not both",
            )),
        }
    }
}

/// One page of the visible rows of `E` matching `filter`, ordered by `field` (then by id, so
/// the order is total and cursors never skip or repeat a row).
pub async fn paginate<E, F>(
    list: &'static str,
    scope: &Scope,
    filter: Condition,
    field: F,
    direction: Direction,
    window: Window,
    wanted: Wanted,
) -> Result<Page<E::Model>, ApiError>
where
    E: Policy,
    E::Model: Sync,
    F: SortField<E>,
{
    let request = Request::of(&window)?;
    let ascending = (direction == Direction::Asc) == request.forwards;
    let keyset = match &request.cursor {
        Some(cursor) => {
            let position = position(list, &request, cursor, field.name(), direction)?;
            after_cursor::<E, F>(field, direction, &request, position)?
        }
        None => Condition::all(),
    };
    let order = if ascending { Order::Asc } else { Order::Desc };
    let total_count = match wanted.count {
        true => scope.count::<E>(filter.clone()).await?,
        false => 0,
    };
    let mut rows = match wanted.rows {
        true => {
            let order = sort_key::<E>(field.column())
                .into_iter()
                .map(|expr| (expr, order.clone()))
                .collect();
            let limit = request.limit as u64 + 1;
            scope.list::<E>(filter.add(keyset), order, limit).await?
        }
        false => Vec::new(),
    };
    let more = rows.len() > request.limit;
    rows.truncate(request.limit);
    if !request.forwards {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let position = Position {
                field: field.name().to_owned(),
                ascending: direction == Direction::Asc,
                value: field.value(&row),
                id: row.id(),
            };
            (Cursor { list, position }, row)
        })
        .collect();
    let (has_previous_page, has_next_page) = if request.forwards {
        (window.after.is_some(), more)
    } else {
        (more, window.before.is_some())
    };
    Ok(Page {
        items,
        has_previous_page,
        has_next_page,
        total_count,
    })
}

/// Checks the paging arguments of the list `list` ordered by the sort field `sort` (its name
/// in cursors, see [`SortField::name`]) in `direction`: what [`paginate`] would refuse, found
/// before anything runs (see [`crate::graphql::spec`]).
pub fn check_window(
    list: &str,
    window: &Window,
    sort: &str,
    direction: Direction,
) -> Result<(), ApiError> {
    let request = Request::of(window)?;
    if let Some(cursor) = &request.cursor {
        position(list, &request, cursor, sort, direction)?;
    }
    Ok(())
}

/// Where `cursor` points in the list `list` ordered by `sort` in `direction`; `BAD_USER_INPUT`
/// for a cursor that is forged or belongs to another list or ordering.
fn position(
    list: &str,
    request: &Request,
    cursor: &str,
    sort: &str,
    direction: Direction,
) -> Result<Position, ApiError> {
    let position = decode_cursor(list, request.cursor_field, cursor)?;
    if position.field != sort || position.ascending != (direction == Direction::Asc) {
        return Err(ApiError::bad_input(
            request.cursor_field,
            "this cursor belongs to another ordering of the list; start again without it",
        ));
    }
    Ok(position)
}

/// The rows past `position` in the order of the page (by `field` in `direction`, then by id).
fn after_cursor<E, F>(
    field: F,
    direction: Direction,
    request: &Request,
    position: Position,
) -> Result<Condition, ApiError>
where
    E: Policy,
    F: SortField<E>,
{
    if !fits(field.column(), &position.value) {
        return Err(ApiError::bad_input(
            request.cursor_field,
            "not a cursor of this list; use a cursor from its edges or pageInfo",
        ));
    }
    let ascending = (direction == Direction::Asc) == request.forwards;
    let column = Expr::col((E::default(), field.column()));
    let id = Expr::col((E::default(), E::id()));
    let further = |key: Vec<SimpleExpr>, at: Vec<SimpleExpr>| {
        let (key, at) = (Expr::tuple(key), Expr::tuple(at));
        if ascending { key.gt(at) } else { key.lt(at) }
    };
    Ok(match position.value {
        // Past a row without a value: among those, by id; descending, also every row with one.
        SortValue::Null => {
            let same = Condition::all()
                .add(column.clone().is_null())
                .add(further(vec![id], vec![position.id.into()]));
            if ascending {
                same
            } else {
                Condition::any().add(same).add(column.is_not_null())
            }
        }
        // Past a row with a value: the row value of the sort key (an index's order) compared.
        ref value => {
            let mut at: Vec<SimpleExpr> = vec![value.to_value().into(), position.id.into()];
            if nullable(field.column()) {
                at.insert(0, false.into());
            }
            Condition::all().add(further(sort_key::<E>(field.column()), at))
        }
    })
}

/// Whether a sort column may be empty (then rows without a value come last, ascending).
fn nullable<C: ColumnTrait>(column: C) -> bool {
    column.def().is_null()
}

/// The key a list is ordered by: the sort column (after `column IS NULL` when it may be
/// empty, so that rows without a value come last), then the id. Migration 23 has an index in
/// this order for every sort field of opdrachten, which the page walks instead of sorting, and
/// the keyset of [`after_cursor`] compares this key as a row value, which the same index
/// answers as a range.
fn sort_key<E: Policy>(column: E::Column) -> Vec<SimpleExpr> {
    let col = Expr::col((E::default(), column));
    let mut key = vec![col.clone(), Expr::col((E::default(), E::id()))];
    if nullable(column) {
        key.insert(0, col.is_null());
    }
    key
}

/// What the cursors of the list `list` (the name of its field) are sealed for (see
/// [`super::id`]): a cursor of one list is refused by every other.
fn purpose(list: &str) -> String {
    format!("lijst:{list}")
}

fn encode_cursor(list: &str, position: &Position) -> String {
    super::id::cursor(
        &purpose(list),
        &serde_json::to_vec(position).unwrap_or_default(),
    )
}

/// Decodes a cursor that this API produced for the list `list`: `BAD_USER_INPUT` on `field` if
/// it is forged, tampered with or a cursor of another list.
fn decode_cursor(list: &str, field: &str, cursor: &str) -> Result<Position, ApiError> {
    let bytes = super::id::read_cursor(field, &purpose(list), cursor)?;
    serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::bad_input(
            field,
            "not a cursor of this list; use a cursor from its edges or pageInfo",
        )
    })
}

/// Whether a cursor's sort value fits the type of the column it is compared with (a sealed
/// cursor always does; checked anyway, so that no value ever meets a column of another type).
fn fits<C: ColumnTrait>(column: C, value: &SortValue) -> bool {
    use sea_orm::ColumnType as T;
    matches!(
        (value, column.def().get_column_type()),
        (SortValue::Null, _)
            | (SortValue::Text(_), T::String(_) | T::Text | T::Char(_))
            | (SortValue::Date(_), T::Date)
            | (
                SortValue::DateTime(_),
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
/// Cursors are sealed when `cursor` or `pageInfo` asks for them ([`Cursor`]).
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $items:literal) => {
        #[doc = concat!("A page of ", $items, " (a Relay cursor connection).")]
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub has_previous_page: bool,
            pub has_next_page: bool,
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
            async fn page_info(&self) -> $crate::graphql::paging::PageInfo {
                $crate::graphql::paging::PageInfo {
                    has_next_page: self.has_next_page,
                    has_previous_page: self.has_previous_page,
                    start_cursor: self.edges.first().map(|e| e.cursor.sealed()),
                    end_cursor: self.edges.last().map(|e| e.cursor.sealed()),
                }
            }

            #[doc = concat!("Number of ", $items, " in the whole list (all pages) that the caller may see.")]
            async fn total_count(&self) -> u64 {
                self.total_count
            }
        }

        #[doc = concat!("One of the ", $items, " on a page, with its cursor.")]
        pub struct $edge {
            pub cursor: $crate::graphql::paging::Cursor,
            pub node: $node,
        }

        #[doc = concat!("One of the ", $items, " on a page, with its cursor.")]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of this item; pass it as `after` or `before` to page on.
            async fn cursor(&self) -> String {
                self.cursor.sealed()
            }

            /// The item.
            async fn node(&self) -> &$node {
                &self.node
            }
        }

        impl $connection {
            /// Turns a page of rows into the connection.
            pub fn from_page<M>(page: $crate::graphql::paging::Page<M>) -> Self
            where
                $node: From<$crate::db::Row<M>>,
            {
                Self {
                    edges: page
                        .items
                        .into_iter()
                        .map(|(cursor, row)| $edge {
                            cursor,
                            node: <$node>::from(row),
                        })
                        .collect(),
                    has_previous_page: page.has_previous_page,
                    has_next_page: page.has_next_page,
                    total_count: page.total_count,
                }
            }
        }
    };
}
pub(crate) use connection;

/// Defines a root query object with one list field: a connection with `filter`, `orderBy` and
/// Relay paging arguments, filtered by the caller's scope.
macro_rules! list_query {
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
                let condition = filter.unwrap_or_default().condition(scope).await?;
                let order = order_by.unwrap_or_default();
                let page = $crate::graphql::paging::paginate::<$entity, _>(
                    stringify!($field),
                    scope,
                    condition,
                    order.veld,
                    order.richting,
                    $crate::graphql::paging::Window {
                        first,
                        after,
                        last,
                        before,
                    },
                    $crate::graphql::paging::Wanted::of(ctx),
                )
                .await?;
                Ok($connection::from_page(page))
            }
        }
    };
}
pub(crate) use list_query;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entities::opdracht::Column;

    #[test]
    fn a_sort_value_must_fit_its_column() {
        let date = SortValue::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert!(fits(Column::Startdatum, &date));
        assert!(fits(Column::Startdatum, &SortValue::Null));
        assert!(!fits(Column::Startdatum, &SortValue::Text("x".into())));
        assert!(fits(Column::Naam, &SortValue::Text("x".into())));
        assert!(!fits(Column::Naam, &date));
        assert!(fits(Column::GewijzigdOp, &SortValue::DateTime(Utc::now())));
        assert!(!fits(Column::GewijzigdOp, &date));
    }
}
