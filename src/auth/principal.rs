//! Who is calling: the [`Principal`] a verified token stands for, and its [`Rol`].
//!
//! A token only *names* an organisation (by its OIN or schacHome) and a role; whether that
//! names a partner, and whether the role fits it, is only known against the database. That
//! mapping lives here, in [`Principal::from_claims`], rather than in the database layer: the
//! database offers look-ups of organisations and knows nothing of tokens, and the rules of
//! what a token must carry (a role that belongs to the organisation's kind, the regions of a
//! kennismakelaar) are rules of authentication. The server ([`crate::app`]) and
//! `ipartnerschap token` both call it, so a token the command prints is one the server
//! accepts.
//!
//! A principal is the only input of the access rules ([`crate::db::Scope`]): everything the
//! rules need (organisation, its kind, role, regions) is resolved once per request, here.

use super::Claims;
use crate::db::Database;
use crate::domain::{OrganisatieSleutel, OrganisatieSoort, Regio};
use crate::error::{ApiError, ApiResult};
use std::str::FromStr;

/// Rol: what a token allows its holder to do for their organisation. (Tokens and the command
/// line write the roles in lower case: `beheerder`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
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
    /// everything in its regions (the token's `regio` claim). Edits only the steps of a
    /// vraagstuk's workflow (`crate::db::workflow`).
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
    /// A role is only read from a token, so an unknown one is `UNAUTHENTICATED`.
    type Err = ApiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rol::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                ApiError::Unauthenticated(format!(
                    "unknown role '{s}': expected one of programmabureau, beheerder, medewerker, lezer, kennismakelaar"
                ))
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

impl Principal {
    /// Turns verified token claims into a principal: the role must be known, and the
    /// organisation must exist and fit the role (the programmabureau role belongs to the
    /// programme office only; the other roles need an organisation). Every refusal is
    /// `UNAUTHENTICATED`; a failing database is `INTERNAL`.
    pub async fn from_claims(db: &Database, claims: &Claims) -> ApiResult<Principal> {
        let rol: Rol = claims.rol.parse()?;
        let organisatie = match claims.org.as_deref() {
            Some(key) => {
                let sleutel = OrganisatieSleutel::parse(key).map_err(|_| {
                    ApiError::Unauthenticated(
                        "the token's organisation (org) is not an OIN or schacHome".into(),
                    )
                })?;
                db.organisatie_by_sleutel(&sleutel).await?.ok_or_else(|| {
                    ApiError::Unauthenticated(
                        "the token's organisation (org) is not a partner of I-Partnerschap".into(),
                    )
                })?
            }
            None if rol == Rol::Programmabureau => db.programmabureau().await?,
            None => {
                return Err(ApiError::Unauthenticated(format!(
                    "a token with role {} must name its organisation (org)",
                    rol.as_str()
                )));
            }
        };
        let is_bureau = organisatie.soort == OrganisatieSoort::Programmabureau;
        if (rol == Rol::Programmabureau) != is_bureau {
            return Err(ApiError::Unauthenticated(
                "the role programmabureau belongs to the programme office, and only to it".into(),
            ));
        }
        let regios = if rol == Rol::Kennismakelaar {
            let mut regios = Vec::new();
            for name in &claims.regio {
                let regio = <Regio as sea_orm::Iterable>::iter()
                    .find(|r| sea_orm::ActiveEnum::to_value(r) == name.trim().to_uppercase())
                    .ok_or_else(|| {
                        ApiError::Unauthenticated(format!(
                            "the token's region '{name}' is not one of NOORD, OOST, MIDDEN, WEST, ZUID"
                        ))
                    })?;
                regios.push(regio);
            }
            if regios.is_empty() {
                return Err(ApiError::Unauthenticated(
                    "a kennismakelaar token must name its region(s) in the claim `regio`".into(),
                ));
            }
            regios
        } else {
            Vec::new()
        };
        Ok(Principal {
            subject: claims.sub.clone(),
            rol,
            organisatie_id: organisatie.id,
            organisatie_soort: organisatie.soort,
            regios,
        })
    }
}
