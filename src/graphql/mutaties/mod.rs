//! Mutations: one module per area, merged into one `Mutation`.
//!
//! Every mutation follows the same steps: open a write session (the scope's write door, see
//! [`crate::db::Schrijfsessie`]), check the whole input and report *every* problem at once
//! ([`Controle`]: `BAD_USER_INPUT` with `extensions.problems`, one `{field, message}` per
//! problem, the field a path inside the mutation's arguments), write, commit, and return the
//! record as the caller now sees it. Any error before the commit rolls the session back, so a
//! failed mutation changes nothing.
//!
//! Updates replace the record's editable fields (read the record, edit, send it back with the
//! `versie` you read): an omitted optional field is cleared. That keeps one input type per
//! record for create and update, and the version makes a replacement safe: a stale one is a
//! `CONFLICT`, never a silent overwrite.

mod opdrachten;
mod records;

use crate::db::{Policy, Row, Schrijfsessie};
use crate::domain::OrganisatieSoort;
use crate::domain::invoer::{self, MAX_TEKST, Maxima};
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::graphql::GlobalId;
use async_graphql::{Context, ID, InputObject, MergedObject};
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashSet};

pub use opdrachten::{OpdrachtMutation, SyncMutation, UitvoeringMutation};
pub use records::{
    CommunityMutation, FieldlabMutation, LectoraatMutation, MinorMutation, OrganisatieMutation,
};

/// The root of all mutations.
#[derive(MergedObject, Default)]
pub struct Mutation(
    OrganisatieMutation,
    FieldlabMutation,
    LectoraatMutation,
    MinorMutation,
    CommunityMutation,
    OpdrachtMutation,
    SyncMutation,
    UitvoeringMutation,
);

/// ContactpersoonInput: the contact person of a record (personal data: only the owner and the
/// programme office will see it).
#[derive(InputObject, Debug, Clone, Default)]
pub struct ContactpersoonInput {
    /// Name, at most 200 characters, one line without control characters.
    pub naam: Option<String>,
    /// E-mail address, at most 254 characters, one line without control characters.
    pub email: Option<String>,
}

/// Collects the problems of an input, so that all of them are reported at once.
#[derive(Debug, Default)]
pub struct Controle {
    problemen: Vec<FieldProblem>,
}

impl Controle {
    /// Records a problem (once: the same problem found by two checks is reported once).
    pub fn fout(&mut self, veld: impl Into<String>, melding: impl Into<String>) {
        let probleem = FieldProblem {
            field: veld.into(),
            message: melding.into(),
        };
        if !self.problemen.contains(&probleem) {
            self.problemen.push(probleem);
        }
    }

    /// The rules of [`invoer`] (list maxima, text without control characters and within its
    /// maximum, dates in range) applied to a whole input, its fields reported below `pad`.
    /// Resolvers run this before they open a write session.
    pub fn vorm<T: async_graphql::InputType>(&mut self, pad: &str, input: &T, maxima: &[&Maxima]) {
        let mut problemen = Vec::new();
        invoer::vorm(pad, &input.to_value(), maxima, &mut problemen);
        for p in problemen {
            self.fout(p.field, p.message);
        }
    }

    pub fn is_goed(&self) -> bool {
        self.problemen.is_empty()
    }

    /// The problems found so far, leaving none.
    pub fn neem(&mut self) -> Vec<FieldProblem> {
        std::mem::take(&mut self.problemen)
    }

    /// `BAD_USER_INPUT` with every problem, or `Ok` if there were none.
    pub fn klaar(self) -> ApiResult<()> {
        if self.problemen.is_empty() {
            Ok(())
        } else {
            Err(ApiError::BadUserInput {
                problems: self.problemen,
            })
        }
    }

    /// A required text: trimmed, not empty, at most `max` characters.
    pub fn naam(&mut self, veld: &str, waarde: &str, max: usize) -> String {
        let waarde = waarde.trim();
        if waarde.is_empty() {
            self.fout(veld, "is required and must not be blank");
        } else if let Some(m) = invoer::tekstprobleem(waarde, false, max) {
            self.fout(veld, m);
        }
        waarde.to_owned()
    }

    /// An optional text: trimmed, blank means none, one line of at most `max` characters.
    pub fn tekst(&mut self, veld: &str, waarde: Option<&str>, max: usize) -> Option<String> {
        self.tekst_met(veld, waarde, false, max)
    }

    fn tekst_met(
        &mut self,
        veld: &str,
        waarde: Option<&str>,
        vrij: bool,
        max: usize,
    ) -> Option<String> {
        let waarde = waarde.map(str::trim).filter(|w| !w.is_empty())?;
        if let Some(m) = invoer::tekstprobleem(waarde, vrij, max) {
            self.fout(veld, m);
        }
        Some(waarde.to_owned())
    }

    /// A free-text description (tabs and line breaks allowed).
    pub fn omschrijving(&mut self, veld: &str, waarde: Option<&str>) -> Option<String> {
        self.tekst_met(veld, waarde, true, MAX_TEKST)
    }

    /// An optional web address (http or https).
    pub fn website(&mut self, veld: &str, waarde: Option<&str>) -> Option<String> {
        let waarde = self.tekst(veld, waarde, 500)?;
        let rest = waarde
            .strip_prefix("https://")
            .or_else(|| waarde.strip_prefix("http://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace)) {
            self.fout(
                veld,
                "must be a web address starting with https:// (or http://)",
            );
        }
        Some(waarde)
    }

    /// A contact person: name and e-mail (`veld.naam`, `veld.email`).
    pub fn contactpersoon(
        &mut self,
        veld: &str,
        c: Option<&ContactpersoonInput>,
    ) -> (Option<String>, Option<String>) {
        let Some(c) = c else {
            return (None, None);
        };
        let naam = self.tekst(&format!("{veld}.naam"), c.naam.as_deref(), 200);
        let email = self.tekst(&format!("{veld}.email"), c.email.as_deref(), 254);
        if let Some(e) = &email {
            let ok = e
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !e.contains(' '));
            if !ok {
                self.fout(
                    format!("{veld}.email"),
                    "must be an e-mail address (name@example.nl)",
                );
            }
        }
        (naam, email)
    }

    /// End not before start (reported on `veld_eind`).
    pub fn periode(&mut self, veld_eind: &str, start: Option<NaiveDate>, eind: Option<NaiveDate>) {
        if let (Some(s), Some(e)) = (start, eind)
            && e < s
        {
            self.fout(
                veld_eind,
                format!("must not be before the start date ({s})"),
            );
        }
    }

    /// A whole number in `min..=max`.
    pub fn bereik(&mut self, veld: &str, waarde: i32, min: i32, max: i32) -> i32 {
        if !(min..=max).contains(&waarde) {
            self.fout(veld, format!("must be between {min} and {max}"));
        }
        waarde
    }

    /// Known theme codes, without duplicates (`veld[i]` for each unknown one).
    pub fn themas(
        &mut self,
        veld: &str,
        codes: &[String],
        bekend: &HashSet<String>,
    ) -> BTreeSet<String> {
        let mut uit = BTreeSet::new();
        for (i, code) in codes.iter().enumerate() {
            let code = code.trim().to_uppercase();
            if bekend.contains(&code) {
                uit.insert(code);
            } else {
                let mut lijst: Vec<&String> = bekend.iter().collect();
                lijst.sort();
                self.fout(
                    format!("{veld}[{i}]"),
                    format!(
                        "unknown theme '{code}'; the themes are {}",
                        lijst
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        uit
    }

    /// The row id in a global id of one of `typen`.
    pub fn id(&mut self, veld: &str, id: &ID, typen: &[&str]) -> Option<i32> {
        match GlobalId::decode(veld, id) {
            Ok(g) if typen.contains(&g.typename) => Some(g.id),
            Ok(g) => {
                self.fout(
                    veld,
                    format!(
                        "is the id of a {}; expected the id of a {}",
                        g.typename,
                        typen.join(" or ")
                    ),
                );
                None
            }
            Err(e) => {
                self.fout(veld, e.message());
                None
            }
        }
    }

    /// An organisation by global id, which must exist and be of one of `soorten`.
    pub async fn organisatie(
        &mut self,
        sessie: &Schrijfsessie,
        veld: &str,
        id: &ID,
        soorten: &[OrganisatieSoort],
    ) -> ApiResult<Option<i32>> {
        let gevonden = self
            .organisaties_per_plek(sessie, &[(veld.to_owned(), id)], soorten)
            .await?;
        Ok(gevonden.into_iter().next().flatten())
    }

    /// Organisations by global id (`veld[i]` for each problem), without duplicates.
    pub async fn organisaties(
        &mut self,
        sessie: &Schrijfsessie,
        veld: &str,
        ids: &[ID],
        soorten: &[OrganisatieSoort],
    ) -> ApiResult<BTreeSet<i32>> {
        let plekken: Vec<(String, &ID)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (format!("{veld}[{i}]"), id))
            .collect();
        Ok(self
            .organisaties_per_plek(sessie, &plekken, soorten)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }

    /// Organisations by global id, each at its field: looked up in one query, each checked to
    /// exist and to be of one of `soorten` (reported at its field otherwise).
    pub async fn organisaties_per_plek(
        &mut self,
        sessie: &Schrijfsessie,
        plekken: &[(String, &ID)],
        soorten: &[OrganisatieSoort],
    ) -> ApiResult<Vec<Option<i32>>> {
        let rijen: Vec<Option<i32>> = plekken
            .iter()
            .map(|(veld, id)| self.id(veld, id, ORGANISATIE_TYPEN))
            .collect();
        let uniek: BTreeSet<i32> = rijen.iter().flatten().copied().collect();
        let gevonden = sessie
            .organisaties(&uniek.into_iter().collect::<Vec<_>>())
            .await?;
        let mut uit = Vec::with_capacity(plekken.len());
        for ((veld, _), rij) in plekken.iter().zip(rijen) {
            uit.push(match rij.map(|r| gevonden.get(&r)) {
                None => None,
                Some(Some(org)) if soorten.contains(&org.soort) => Some(org.id),
                Some(Some(org)) => {
                    let verwacht: Vec<&str> = soorten.iter().map(|s| s.naam()).collect();
                    let melding = format!(
                        "{} is a {}; expected a {}",
                        org.naam,
                        org.soort.naam(),
                        verwacht.join(" or ")
                    );
                    self.fout(veld.as_str(), melding);
                    None
                }
                Some(None) => {
                    self.fout(veld.as_str(), "no such organisation");
                    None
                }
            });
        }
        Ok(uit)
    }

    /// A record of `E` by global id, which the caller must be able to see (you cannot link
    /// to what you cannot see; it is reported as not found, like everywhere else).
    pub async fn zichtbaar<E: Policy>(
        &mut self,
        sessie: &Schrijfsessie,
        veld: &str,
        id: Option<&ID>,
    ) -> ApiResult<Option<i32>>
    where
        E::Model: Sync,
    {
        let Some(id) = id else {
            return Ok(None);
        };
        let Some(id) = self.id(veld, id, &[E::NAME]) else {
            return Ok(None);
        };
        if sessie.zichtbaar::<E>(&[id]).await?.contains(&id) {
            Ok(Some(id))
        } else {
            self.fout(veld, format!("no such {}", E::NAME));
            Ok(None)
        }
    }
}

/// The type names of organisation ids.
pub const ORGANISATIE_TYPEN: &[&str] = &["Rijkspartner", "Kennisinstelling", "Programmabureau"];

/// Every kind of organisation.
pub const ALLE_SOORTEN: &[OrganisatieSoort] = &[
    OrganisatieSoort::Rijkspartner,
    OrganisatieSoort::Kennisinstelling,
    OrganisatieSoort::Programmabureau,
];

/// The request's write session for the mutation `operatie`.
async fn sessie(ctx: &Context<'_>, operatie: &str) -> async_graphql::Result<Schrijfsessie> {
    Ok(super::scope(ctx)?.schrijven(operatie).await?)
}

/// The owner of a new record: the given organisation id or, by default, the caller's own.
fn eigenaar(c: &mut Controle, sessie: &Schrijfsessie, id: Option<&ID>) -> Option<i32> {
    match id {
        Some(id) => c.id("eigenaar", id, ORGANISATIE_TYPEN),
        None => Some(sessie.principal().organisatie_id),
    }
}

/// The row id of `id` if it is an id of `E`'s type (`BAD_USER_INPUT` otherwise).
fn record_id<E: Policy>(id: &ID) -> ApiResult<i32> {
    let mut c = Controle::default();
    let rij = c.id("id", id, &[E::NAME]);
    c.klaar()?;
    rij.ok_or_else(|| ApiError::bad_input("id", "not an id"))
}

/// The row of `E` with `id` as the caller sees it now (after a write).
async fn gelezen<E, T>(ctx: &Context<'_>, id: i32) -> async_graphql::Result<T>
where
    E: Policy,
    E::Model: Sync,
    T: From<Row<E::Model>>,
{
    let scope = super::scope(ctx)?;
    let rij = scope
        .by_ids::<E>(&[id])
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound(E::NAME.to_owned()))?;
    Ok(T::from(rij))
}
