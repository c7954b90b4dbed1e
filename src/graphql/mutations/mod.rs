//! Mutations: one module per area, merged into one `Mutation`.
//!
//! Every mutation follows the same steps: open a write session (the scope's write door, see
//! [`crate::db::WriteSession`]), check the whole input and report *every* problem at once
//! ([`Check`]: `BAD_USER_INPUT` with `extensions.problems`, one `{field, message}` per
//! problem, the field a path inside the mutation's arguments), write, commit, and return the
//! record as the caller now sees it. Any error before the commit rolls the session back, so a
//! failed mutation changes nothing.
//!
//! Updates change what their input gives (see [`changes`]): a field left out keeps its value,
//! `null` clears it, a list given replaces the list; with the `versie` you read, so a stale
//! update is a `CONFLICT`, never a silent overwrite. A sync item is the whole record as its
//! source has it: a field it leaves out is cleared.

mod changes;
mod opdrachten;
mod programma;
mod records;
mod vraagstukken;

use crate::db::{Policy, Row, WriteSession};
use crate::domain::OrganisatieSoort;
use crate::domain::input::{self, MAX_FREE_TEXT, Maxima};
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::graphql::GlobalId;
use async_graphql::{Context, ID, InputObject, MergedObject};
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashSet};

pub use opdrachten::{OpdrachtMutation, SyncMutation, UitvoerderMutation};
pub use records::{
    CommunityMutation, FieldlabMutation, LectoraatMutation, MinorMutation, OrganisatieMutation,
};
pub use vraagstukken::VraagstukMutation;

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
    UitvoerderMutation,
    VraagstukMutation,
    programma::ProgrammaMutation,
    programma::KennismakelaarMutation,
    crate::graphql::statistieken::JaarcijfersMutation,
);

/// ContactpersoonInput: the contact person of a record (personal data: only the owner and the
/// programme office will see it).
#[derive(InputObject, Debug, Clone, Default)]
pub struct ContactpersoonInput {
    /// Name, at most 200 characters, one line without control characters; required with an
    /// e-mail address.
    pub naam: Option<String>,
    /// E-mail address, at most 254 characters, one line without control characters.
    pub email: Option<String>,
}

/// Collects the problems of an input, so that all of them are reported at once.
#[derive(Debug, Default)]
pub struct Check {
    problems: Vec<FieldProblem>,
}

impl Check {
    /// Records a problem (once: the same problem found by two checks is reported once).
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let problem = FieldProblem {
            field: field.into(),
            message: message.into(),
        };
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    /// The rules of [`invoer`] (list maxima, text without control characters and within its
    /// maximum, dates in range) applied to a whole input, its fields reported below `path`.
    /// Resolvers run this before they open a write session.
    pub fn form<T: async_graphql::InputType>(&mut self, path: &str, input: &T, maxima: &[&Maxima]) {
        let mut problems = Vec::new();
        input::form(path, &input.to_value(), maxima, &mut problems);
        for p in problems {
            self.fail(p.field, p.message);
        }
    }

    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems found so far, leaving none.
    pub fn take(&mut self) -> Vec<FieldProblem> {
        std::mem::take(&mut self.problems)
    }

    /// `BAD_USER_INPUT` with every problem, or `Ok` if there were none.
    pub fn finish(self) -> ApiResult<()> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ApiError::BadUserInput {
                problems: self.problems,
            })
        }
    }

    /// A required text: trimmed, not empty, at most `max` characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, "is required and must not be blank");
        } else if let Some(m) = input::text_problem(value, false, max) {
            self.fail(field, m);
        }
        value.to_owned()
    }

    /// An optional text: trimmed, blank means none, one line of at most `max` characters.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        self.text_with(field, value, false, max)
    }

    fn text_with(
        &mut self,
        field: &str,
        value: Option<&str>,
        free: bool,
        max: usize,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|w| !w.is_empty())?;
        if let Some(m) = input::text_problem(value, free, max) {
            self.fail(field, m);
        }
        Some(value.to_owned())
    }

    /// A free-text description (tabs and line breaks allowed).
    pub fn free_text(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        self.text_with(field, value, true, MAX_FREE_TEXT)
    }

    /// An optional web address (http or https).
    pub fn website(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = self.text(field, value, 500)?;
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace)) {
            self.fail(
                field,
                "must be a web address starting with https:// (or http://)",
            );
        }
        Some(value)
    }

    /// A contact person: name and e-mail (`field.naam`, `field.email`); an e-mail address
    /// needs a name, so that `Contactpersoon.naam` is never null.
    pub fn contactpersoon(
        &mut self,
        field: &str,
        c: Option<&ContactpersoonInput>,
    ) -> (Option<String>, Option<String>) {
        let Some(c) = c else {
            return (None, None);
        };
        let naam = self.text(&format!("{field}.naam"), c.naam.as_deref(), 200);
        let email = self.text(&format!("{field}.email"), c.email.as_deref(), 254);
        if naam.is_none() && email.is_some() {
            self.fail(
                format!("{field}.naam"),
                "is required with an e-mail address: a contact person has a name",
            );
        }
        if let Some(e) = &email {
            let ok = e
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !e.contains(' '));
            if !ok {
                self.fail(
                    format!("{field}.email"),
                    "must be an e-mail address (name@example.nl)",
                );
            }
        }
        (naam, email)
    }

    /// End not before start (reported on `end_field`).
    pub fn period(&mut self, end_field: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) {
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            self.fail(
                end_field,
                format!("must not be before the start date ({s})"),
            );
        }
    }

    /// A whole number in `min..=max`.
    pub fn range(&mut self, field: &str, value: i32, min: i32, max: i32) -> i32 {
        if !(min..=max).contains(&value) {
            self.fail(field, format!("must be between {min} and {max}"));
        }
        value
    }

    /// Known theme codes, without duplicates (`field[i]` for each unknown one).
    pub fn themas(
        &mut self,
        field: &str,
        codes: &[String],
        known: &HashSet<String>,
    ) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for (i, code) in codes.iter().enumerate() {
            let code = code.trim().to_uppercase();
            if known.contains(&code) {
                found.insert(code);
            } else {
                let mut list: Vec<&String> = known.iter().collect();
                list.sort();
                self.fail(
                    format!("{field}[{i}]"),
                    format!(
                        "unknown theme '{code}'; the themes are {}",
                        list.iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        found
    }

    /// The row id in a global id of one of `typenames`.
    pub fn id(&mut self, field: &str, id: &ID, typenames: &[&str]) -> Option<i32> {
        match GlobalId::decode(field, id) {
            Ok(g) if typenames.contains(&g.typename) => Some(g.id),
            Ok(g) => {
                self.fail(
                    field,
                    format!(
                        "is the id of a {}; expected the id of a {}",
                        g.typename,
                        typenames.join(" or ")
                    ),
                );
                None
            }
            Err(e) => {
                self.fail(field, e.message());
                None
            }
        }
    }

    /// An organisation by global id, which must exist and be of one of `soorten`.
    pub async fn organisatie(
        &mut self,
        session: &WriteSession,
        field: &str,
        id: &ID,
        soorten: &[OrganisatieSoort],
    ) -> ApiResult<Option<i32>> {
        let found = self
            .organisaties_at(session, &[(field.to_owned(), id)], soorten)
            .await?;
        Ok(found.into_iter().next().flatten())
    }

    /// Organisations by global id (`field[i]` for each problem), without duplicates.
    pub async fn organisaties(
        &mut self,
        session: &WriteSession,
        field: &str,
        ids: &[ID],
        soorten: &[OrganisatieSoort],
    ) -> ApiResult<BTreeSet<i32>> {
        let fields: Vec<(String, &ID)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (format!("{field}[{i}]"), id))
            .collect();
        Ok(self
            .organisaties_at(session, &fields, soorten)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }

    /// Organisations by global id, each at its field: looked up in one query, each checked to
    /// exist and to be of one of `soorten` (reported at its field otherwise).
    pub async fn organisaties_at(
        &mut self,
        session: &WriteSession,
        fields: &[(String, &ID)],
        soorten: &[OrganisatieSoort],
    ) -> ApiResult<Vec<Option<i32>>> {
        let rows: Vec<Option<i32>> = fields
            .iter()
            .map(|(field, id)| self.id(field, id, ORGANISATIE_TYPENAMES))
            .collect();
        let unique: BTreeSet<i32> = rows.iter().flatten().copied().collect();
        let found = session
            .organisaties(&unique.into_iter().collect::<Vec<_>>())
            .await?;
        let mut ids = Vec::with_capacity(fields.len());
        for ((field, _), row) in fields.iter().zip(rows) {
            ids.push(match row.map(|r| found.get(&r)) {
                None => None,
                Some(Some(org)) if soorten.contains(&org.soort) => Some(org.id),
                Some(Some(org)) => {
                    let expected: Vec<&str> = soorten.iter().map(|s| s.naam()).collect();
                    let message = format!(
                        "{} is a {}; expected a {}",
                        org.naam,
                        org.soort.naam(),
                        expected.join(" or ")
                    );
                    self.fail(field.as_str(), message);
                    None
                }
                Some(None) => {
                    self.fail(field.as_str(), "no such organisation");
                    None
                }
            });
        }
        Ok(ids)
    }

    /// A record of `E` by global id, which the caller must be able to see (you cannot link
    /// to what you cannot see; it is reported as not found, like everywhere else).
    pub async fn visible<E: Policy>(
        &mut self,
        session: &WriteSession,
        field: &str,
        id: Option<&ID>,
    ) -> ApiResult<Option<i32>>
    where
        E::Model: Sync,
    {
        let Some(id) = id else {
            return Ok(None);
        };
        let Some(id) = self.id(field, id, &[E::NAME]) else {
            return Ok(None);
        };
        if session.visible_ids::<E>(&[id]).await?.contains(&id) {
            Ok(Some(id))
        } else {
            self.fail(field, format!("no such {}", E::NAME));
            Ok(None)
        }
    }
}

/// The type names of organisation ids.
pub const ORGANISATIE_TYPENAMES: &[&str] = &["Rijkspartner", "Kennisinstelling", "Programmabureau"];

/// Every kind of organisation.
pub const ALL_SOORTEN: &[OrganisatieSoort] = &[
    OrganisatieSoort::Rijkspartner,
    OrganisatieSoort::Kennisinstelling,
    OrganisatieSoort::Programmabureau,
];

/// The request's write session for the mutation `operatie`.
async fn session(ctx: &Context<'_>, operatie: &str) -> async_graphql::Result<WriteSession> {
    Ok(super::scope(ctx)?.write_session(operatie).await?)
}

/// The owner of a new record: the given organisation id or, by default, the caller's own.
fn eigenaar(c: &mut Check, session: &WriteSession, id: Option<&ID>) -> Option<i32> {
    match id {
        Some(id) => c.id("eigenaar", id, ORGANISATIE_TYPENAMES),
        None => Some(session.principal().organisatie_id),
    }
}

/// The row id of `id` if it is an id of `E`'s type (`BAD_USER_INPUT` otherwise).
fn record_id<E: Policy>(id: &ID) -> ApiResult<i32> {
    let mut c = Check::default();
    let row = c.id("id", id, &[E::NAME]);
    c.finish()?;
    row.ok_or_else(|| ApiError::bad_input("id", "not an id"))
}

/// The row of `E` with `id` as the caller sees it now (after a write).
async fn read_back<E, T>(ctx: &Context<'_>, id: i32) -> async_graphql::Result<T>
where
    E: Policy,
    E::Model: Sync,
    T: From<Row<E::Model>>,
{
    let scope = super::scope(ctx)?;
    let row = scope
        .by_ids::<E>(&[id])
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound(E::NAME.to_owned()))?;
    Ok(T::from(row))
}
