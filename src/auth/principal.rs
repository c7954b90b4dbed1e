use crate::domain::{OrganisatieSoort, Regio};
use std::str::FromStr;

/// Rol: what a token allows its holder to do for their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
#[graphql(rename_items = "lowercase")]
pub enum Rol {
    /// The programme office: reads and edits everything.
    Programmabureau,
    /// Beheerder: edits the records and profile of its organisation.
    Beheerder,
    /// Medewerker: edits the opdrachten of its organisation.
    Medewerker,
    /// Lezer: reads the records of its organisation.
    Lezer,
    /// Kennismakelaar: a regional knowledge broker; reads what its organisation may read, and
    /// everything in its regions (the token's `regio` claim). Edits nothing.
    Kennismakelaar,
}

impl Rol {
    pub const ALL: [Rol; 5] = [
        Rol::Programmabureau,
        Rol::Beheerder,
        Rol::Medewerker,
        Rol::Lezer,
        Rol::Kennismakelaar,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rol::Programmabureau => "programmabureau",
            Rol::Beheerder => "beheerder",
            Rol::Medewerker => "medewerker",
            Rol::Lezer => "lezer",
            Rol::Kennismakelaar => "kennismakelaar",
        }
    }
}

impl FromStr for Rol {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rol::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown role '{s}': expected one of programmabureau, beheerder, medewerker, lezer, kennismakelaar"
                )
            })
    }
}

/// The authenticated caller: a person (subject) acting for an organisation in a role.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal {
    /// The token's `sub`: who this is at the identity provider.
    pub subject: String,
    pub rol: Rol,
    /// The organisation the caller acts for (for the programme office: the programme office).
    pub organisatie_id: i32,
    pub organisatie_soort: OrganisatieSoort,
    /// For a kennismakelaar: the regions it works in (empty for the other roles).
    pub regios: Vec<Regio>,
}
