//! Relay cursor pagination: page-size limits and opaque keyset cursors.
//!
//! Cursors are keyset positions (the sort key and the id of the last row seen), not offsets, so
//! a page never skips or repeats rows when rows are added or removed in front of it.

use crate::error::ApiError;
use async_graphql::SimpleObject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Serialize, de::DeserializeOwned};

/// Page size when `first` is not given.
pub const STANDAARD_PAGINA: usize = 20;
/// The largest page a caller may ask for.
pub const MAX_PAGINA: usize = 100;

/// Checks `first` against the limits.
pub fn paginagrootte(first: Option<i32>) -> Result<usize, ApiError> {
    match first {
        None => Ok(STANDAARD_PAGINA),
        Some(n) if n < 0 => Err(ApiError::bad_input("first", "must not be negative")),
        Some(n) if n as usize > MAX_PAGINA => Err(ApiError::bad_input(
            "first",
            format!("at most {MAX_PAGINA} items per page; ask for the next page with `after`"),
        )),
        Some(n) => Ok(n as usize),
    }
}

/// Encodes a keyset position as an opaque cursor.
pub fn cursor<T: Serialize>(positie: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(positie).unwrap_or_default())
}

/// Decodes a cursor that this API produced.
pub fn positie<T: DeserializeOwned>(field: &str, cursor: &str) -> Result<T, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            ApiError::bad_input(
                field,
                "not a cursor of this list; use a cursor from its edges or pageInfo",
            )
        })
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
