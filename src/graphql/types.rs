//! Small types shared by several areas.

use async_graphql::SimpleObject;

/// Thema: a theme of the partnership (reference data).
#[derive(SimpleObject, Clone, Debug)]
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
    /// Name of the contact person.
    pub naam: Option<String>,
    /// E-mail address of the contact person.
    pub email: Option<String>,
}

impl Contactpersoon {
    /// The contact person if the caller may see it and there is one.
    pub fn als_eigen(eigen: bool, naam: &Option<String>, email: &Option<String>) -> Option<Self> {
        (eigen && (naam.is_some() || email.is_some())).then(|| Self {
            naam: naam.clone(),
            email: email.clone(),
        })
    }
}
