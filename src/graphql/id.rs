//! Global object ids: opaque strings that name a type and a row (`base64url("Fieldlab:12")`).
//!
//! Opaque so that clients treat them as handles and so that the numeric ids behind them can
//! change (a migration to UUIDs) without breaking stored ids' meaning for clients that only
//! pass them back. A malformed id is a `BAD_USER_INPUT`; a well-formed id of a record the caller
//! may not see is `NOT_FOUND`, exactly like an id that never existed.

use crate::error::ApiError;
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A decoded global id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalId {
    pub typename: &'static str,
    pub id: i32,
}

/// The type names that have global ids (the implementations of `Node`).
pub const TYPES: &[&str] = &[
    "Rijkspartner",
    "Kennisinstelling",
    "Programmabureau",
    "Fieldlab",
    "Lectoraat",
    "Minor",
    "Community",
    "Opdracht",
];

impl GlobalId {
    pub fn encode(typename: &str, id: i32) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{typename}:{id}")))
    }

    pub fn decode(field: &str, value: &ID) -> Result<Self, ApiError> {
        let bad = || {
            ApiError::bad_input(
                field,
                format!(
                    "'{}' is not an id of this API; use an id it returned",
                    value.as_str()
                ),
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(value.as_str()).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (typename, id) = text.split_once(':').ok_or_else(bad)?;
        let typename = TYPES.iter().find(|t| **t == typename).ok_or_else(bad)?;
        let id = id.parse().map_err(|_| bad())?;
        Ok(Self { typename, id })
    }
}

impl GlobalId {
    /// The kind of record the id names, as the change log calls it.
    pub fn record_type(&self) -> crate::domain::RecordType {
        use crate::domain::RecordType;
        match self.typename {
            "Fieldlab" => RecordType::Fieldlab,
            "Lectoraat" => RecordType::Lectoraat,
            "Minor" => RecordType::Minor,
            "Community" => RecordType::Community,
            "Opdracht" => RecordType::Opdracht,
            _ => RecordType::Organisatie,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_garbage_is_refused() {
        let id = GlobalId::encode("Fieldlab", 12);
        assert_eq!(
            GlobalId::decode("id", &id).unwrap(),
            GlobalId {
                typename: "Fieldlab",
                id: 12
            }
        );
        assert!(GlobalId::decode("id", &ID("bm9wZQ".into())).is_err());
        assert!(GlobalId::decode("id", &ID(URL_SAFE_NO_PAD.encode("Geheim:1"))).is_err());
        assert!(GlobalId::decode("id", &ID("!!".into())).is_err());
    }
}
