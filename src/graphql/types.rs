//! Small types shared by several areas.

use crate::db::{Policy, Row};
use async_graphql::SimpleObject;

/// Thema: a theme of the partnership (reference data).
#[derive(SimpleObject, Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Thema {
    /// Stable code, e.g. `DATA_AI`.
    pub code: String,
    /// Dutch label, e.g. "Datamanagement & AI".
    pub naam: String,
    /// English label.
    pub naam_en: String,
}

impl From<crate::db::entities::thema::Model> for Thema {
    fn from(m: crate::db::entities::thema::Model) -> Self {
        Self {
            code: m.code,
            naam: m.naam_nl,
            naam_en: m.naam_en,
        }
    }
}

/// Contactpersoon: the contact person of a record. Personal data: only the owner organisation
/// and the programme office see it.
#[derive(SimpleObject, Clone, Debug)]
pub struct Contactpersoon {
    /// Name of the contact person (a contact person is recorded with a name).
    pub naam: String,
    /// E-mail address of the contact person.
    pub email: Option<String>,
}

impl Contactpersoon {
    /// The contact person of a row, if the caller may see it and there is one (the input
    /// refuses an e-mail address without a name).
    pub fn of<M>(row: &Row<M>) -> Option<Self>
    where
        M: sea_orm::ModelTrait,
        M::Entity: Policy + sea_orm::EntityTrait<Model = M>,
    {
        let (naam, email) = row.contact()?;
        Some(Self { naam: naam?, email })
    }
}

/// A calendar date, ISO 8601 (`2024-04-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

/// Date: a calendar date in ISO 8601 format, `YYYY-MM-DD` (e.g. `2024-04-01`).
#[async_graphql::Scalar(
    name = "Date",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl async_graphql::ScalarType for Date {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            async_graphql::Value::String(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    async_graphql::InputValueError::custom(format!(
                        "'{s}' is not a date: use YYYY-MM-DD, e.g. 2024-04-01"
                    ))
                }),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub chrono::DateTime<chrono::Utc>);

/// DateTime: an instant in ISO 8601 / RFC 3339 format. Returned in UTC (e.g.
/// `2024-04-01T09:00:00Z`); accepted with any offset.
#[async_graphql::Scalar(
    name = "DateTime",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339"
)]
impl async_graphql::ScalarType for Timestamp {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            async_graphql::Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| Timestamp(t.with_timezone(&chrono::Utc)))
                .map_err(|_| {
                    async_graphql::InputValueError::custom(format!(
                        "'{s}' is not a timestamp: use RFC 3339, e.g. 2024-04-01T09:00:00Z"
                    ))
                }),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

/// Registration data every record has: contact person, the caller's rights on it
/// (`magBewerken`, `volledig`), timestamps and version.
pub struct RegistrationFields {
    contactpersoon: Option<Contactpersoon>,
    mag_bewerken: bool,
    volledig: bool,
    aangemaakt_op: Timestamp,
    gewijzigd_op: Timestamp,
    versie: i32,
}

impl RegistrationFields {
    /// The registration data of a row; the contact person only when the caller owns the row.
    pub fn of<M>(row: &Row<M>) -> Self
    where
        M: sea_orm::ModelTrait,
        M::Entity: Policy + sea_orm::EntityTrait<Model = M>,
    {
        let registration = row.registration();
        Self {
            contactpersoon: Contactpersoon::of(row),
            mag_bewerken: row.rights().edit,
            volledig: row.rights().full,
            aangemaakt_op: Timestamp(registration.created),
            gewijzigd_op: Timestamp(registration.changed),
            versie: registration.version,
        }
    }
}

/// Registration data of a record.
#[async_graphql::Object]
impl RegistrationFields {
    /// Contact person for the record. Personal data: null unless the caller's organisation
    /// owns the record, or the caller is the programme office.
    async fn contactpersoon(&self) -> Option<&Contactpersoon> {
        self.contactpersoon.as_ref()
    }

    /// Whether the caller may change and delete this record (an editing role of its owner,
    /// or the programme office). A frontend can show or hide its edit controls by it.
    async fn mag_bewerken(&self) -> bool {
        self.mag_bewerken
    }

    /// Whether the caller may read this record in full. True: its fields are filled in as the
    /// record has them (a null is empty), except personal data (`contactpersoon`, a lectoraat's
    /// `lector`), which only the owner and the programme office see. False: the fields that are
    /// not part of the public catalogue (those described as null unless ...) are null because
    /// they are hidden from the caller, not because they are empty. From the access policy's
    /// read-in-full rule (docs/access.md, read-full).
    async fn volledig(&self) -> bool {
        self.volledig
    }

    /// When the record was created (UTC).
    async fn aangemaakt_op(&self) -> Timestamp {
        self.aangemaakt_op
    }

    /// When the record was last changed (UTC).
    async fn gewijzigd_op(&self) -> Timestamp {
        self.gewijzigd_op
    }

    /// Version counter: 1 when created, one more on every change. Send it back when updating
    /// so concurrent edits are detected.
    async fn versie(&self) -> i32 {
        self.versie
    }
}

/// The `From<Row<Model>>` and `Deref` (to its fields object, for interfaces) of a record type
/// that merges its fields with its [`RegistrationFields`] and, when a column is named, with the
/// `opdrachten` that link to it through that column.
macro_rules! record_type {
    ($type:ident($fields:ident, $module:ident)) => {
        impl From<$crate::db::Row<$module::Model>> for $type {
            fn from(row: $crate::db::Row<$module::Model>) -> Self {
                let registration = $crate::graphql::types::RegistrationFields::of(&row);
                Self($fields(row), registration)
            }
        }
        $crate::graphql::types::record_type!(@deref $type, $fields);
    };
    ($type:ident($fields:ident, $module:ident, opdrachten: $column:ident)) => {
        impl From<$crate::db::Row<$module::Model>> for $type {
            fn from(row: $crate::db::Row<$module::Model>) -> Self {
                use sea_orm::ColumnTrait;
                let registration = $crate::graphql::types::RegistrationFields::of(&row);
                let opdrachten = $crate::graphql::opdrachten::LinkedOpdrachten::new(
                    |id| {
                        sea_orm::Condition::all()
                            .add($crate::db::entities::opdracht::Column::$column.eq(id))
                    },
                    row.id(),
                );
                Self($fields(row), registration, opdrachten)
            }
        }
        $crate::graphql::types::record_type!(@deref $type, $fields);
    };
    (@deref $type:ident, $fields:ident) => {
        impl std::ops::Deref for $type {
            type Target = $fields;
            fn deref(&self) -> &$fields {
                &self.0
            }
        }
    };
}
pub(crate) use record_type;
