//! Filter and ordering inputs of the lists, and how each becomes a SQL condition.
//!
//! A filter only narrows what the scope already allows. Criteria on fields that are not public
//! (a fieldlab's status or participants, a community's members) also require that the caller may
//! read the record in full, so filtering cannot be used to learn what the fields would hide.

use super::id::GlobalId;
use super::paging::{Direction, SortField, SortValue};
use super::types::{Date, Timestamp};
use crate::db::entities::koppelingen::{
    bijeenkomst_partner, bijeenkomst_thema, community_lid, community_thema, fieldlab_deelnemer,
    fieldlab_regio, fieldlab_thema, kennismakelaar_regio, lectoraat_thema, minor_thema,
    opdracht_thema, opdracht_uitvoerder, vraagstuk_regio, vraagstuk_thema, vraagstuk_voorlegging,
};
use crate::db::entities::{
    bijeenkomst, community, fieldlab, kennismakelaar, lectoraat, minor, opdracht, organisatie,
    promotietraject, vraagstuk,
};
use crate::db::{
    Field, Link, Need, Policy, Row, Scope, community_fields, fieldlab_fields, lectoraat_fields,
    minor_fields,
};
use crate::domain::{
    Antwoordsoort, BijeenkomstSoort, CommunityStatus, FieldlabStatus, Kant, Kenmerk, MinorSoort,
    Onderwijssoort, OpdrachtSoort, OpdrachtStatus, PromotieStatus, Regio, RijkspartnerSoort,
    VraagstukStatus,
};
use crate::error::{ApiError, FieldProblem};
use async_graphql::{Enum, ID, InputObject};
use sea_orm::sea_query::{Expr, Func, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, ExprTrait};

/// The longest search text, in characters.
pub const MAX_SEARCH: usize = 200;
/// The maximum lengths of filters' text fields.
const FILTER_MAXIMA: &crate::domain::input::Maxima =
    &[("zoek", MAX_SEARCH), ("kenmerken", Kenmerk::MAX_LEN)];

/// Collects the conditions of a filter and every problem with its input.
pub struct FilterBuilder {
    pub condition: Condition,
    pub problems: Vec<FieldProblem>,
}

impl FilterBuilder {
    pub fn new() -> Self {
        Self {
            condition: Condition::all(),
            problems: Vec::new(),
        }
    }

    pub fn and(&mut self, c: impl sea_orm::sea_query::IntoCondition) {
        self.condition =
            std::mem::replace(&mut self.condition, Condition::all()).add(c.into_condition());
    }

    pub fn problem(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(FieldProblem {
            field: format!("filter.{field}"),
            message: message.into(),
        });
    }

    /// A builder for `filter`, once the rules of [`crate::domain::input`] hold for the whole
    /// filter (list maxima, text without control characters and within its maximum, dates in
    /// range); otherwise the problems are the answer and no condition is built.
    pub fn checked<T: async_graphql::InputType>(filter: &T) -> Result<Self, ApiError> {
        let mut builder = Self::new();
        crate::domain::input::form(
            "filter",
            &filter.to_value(),
            &[FILTER_MAXIMA],
            &mut builder.problems,
        );
        match builder.problems.is_empty() {
            true => Ok(builder),
            false => Err(ApiError::BadUserInput {
                problems: builder.problems,
            }),
        }
    }

    pub fn finish(self) -> Result<Condition, ApiError> {
        if self.problems.is_empty() {
            Ok(self.condition)
        } else {
            Err(ApiError::BadUserInput {
                problems: self.problems,
            })
        }
    }

    /// `column IN (values)` when values are given.
    pub fn one_of<C: ColumnTrait, V: Into<sea_orm::Value> + Clone>(
        &mut self,
        column: C,
        values: &Option<Vec<V>>,
    ) {
        if let Some(values) = values {
            self.and(column.is_in(values.iter().cloned()));
        }
    }

    /// Case-insensitive substring search over `columns`.
    pub fn search<C: ColumnTrait>(&mut self, columns: &[C], term: &Option<String>) {
        let Some(term) = term.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
            return;
        };
        if term.chars().count() > MAX_SEARCH {
            self.problem("zoek", format!("must be at most {MAX_SEARCH} characters"));
            return;
        }
        let escaped = term
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let mut any = Condition::any();
        for column in columns {
            any = any.add(
                Expr::expr(Func::lower(Expr::col(*column)))
                    .like(LikeExpr::new(pattern.clone()).escape('\\')),
            );
        }
        self.and(any);
    }

    /// Dates of `column` from `from` to `to` (either may be open). With a bound, the column has
    /// a value, and the criterion says so in the terms of the ordering index
    /// (`(column IS NULL) = false`, migration 23), so that the range is a range of that index on
    /// both databases and the page needs no sort.
    pub fn date_range<C: ColumnTrait>(&mut self, column: C, from: Option<Date>, to: Option<Date>) {
        if from.is_none() && to.is_none() {
            return;
        }
        self.and(Expr::expr(column.is_null()).eq(false));
        if let Some(d) = from {
            self.and(column.gte(d.0));
        }
        if let Some(d) = to {
            self.and(column.lte(d.0));
        }
    }

    /// The organisation id behind a global id given in a filter.
    pub fn organisatie(&mut self, field: &str, id: &Option<ID>) -> Option<i32> {
        let id = id.as_ref()?;
        match GlobalId::decode(&format!("filter.{field}"), id) {
            Ok(g)
                if ["Rijkspartner", "Kennisinstelling", "Programmabureau"]
                    .contains(&g.typename) =>
            {
                Some(g.id)
            }
            _ => {
                self.problem(field, "not the id of an organisation of this API");
                None
            }
        }
    }

    /// The row id behind a global id of a record of GraphQL type `typename` (a fieldlab,
    /// lectoraat or minor) given in a filter; `what` names the type in the problem ("a
    /// fieldlab"). An id of another type, or no id of this API, is a problem; a valid id of a
    /// record that does not exist or is hidden simply matches nothing.
    pub fn record(
        &mut self,
        field: &str,
        id: &Option<ID>,
        typename: &str,
        what: &str,
    ) -> Option<i32> {
        let id = id.as_ref()?;
        match GlobalId::decode(&format!("filter.{field}"), id) {
            Ok(g) if g.typename == typename => Some(g.id),
            _ => {
                self.problem(field, format!("not the id of {what} of this API"));
                None
            }
        }
    }

    pub fn gewijzigd_sinds<C: ColumnTrait>(&mut self, column: C, since: &Option<Timestamp>) {
        if let Some(since) = since {
            self.and(column.gte(since.0));
        }
    }

    /// Checks that `themas` are known theme codes (a problem on `themas` if not).
    pub async fn theme_codes(
        &mut self,
        scope: &Scope,
        themas: &[String],
    ) -> Result<bool, ApiError> {
        let known: Vec<String> = scope.themas().await?.into_iter().map(|t| t.code).collect();
        let unknown: Vec<&String> = themas.iter().filter(|t| !known.contains(t)).collect();
        if unknown.is_empty() {
            return Ok(true);
        }
        self.problem(
            "themas",
            format!(
                "unknown theme code(s) {unknown:?}; known codes: {}",
                known.join(", ")
            ),
        );
        Ok(false)
    }

    /// `id IN (SELECT parent FROM link WHERE thema_code IN (...))`, after checking the codes.
    pub async fn themas<L: EntityTrait>(
        &mut self,
        scope: &Scope,
        id: impl ColumnTrait,
        parent: L::Column,
        code: L::Column,
        themas: &Option<Vec<String>>,
    ) -> Result<(), ApiError> {
        let Some(themas) = themas else {
            return Ok(());
        };
        if !self.theme_codes(scope, themas).await? {
            return Ok(());
        }
        self.link_one_of::<L, _>(id, parent, code, &Some(themas.clone()));
        Ok(())
    }

    /// `id IN (SELECT parent FROM link WHERE value IN (values))` when values are given: rows
    /// linked to any of them (a fieldlab in any of the regions).
    pub fn link_one_of<L: EntityTrait, V: Into<sea_orm::Value> + Clone>(
        &mut self,
        id: impl ColumnTrait,
        parent: L::Column,
        value: L::Column,
        values: &Option<Vec<V>>,
    ) {
        let Some(values) = values else {
            return;
        };
        self.and(
            id.in_subquery(
                Query::select()
                    .column(parent)
                    .from(L::default())
                    .and_where(value.is_in(values.iter().cloned()))
                    .to_owned(),
            ),
        );
    }

    /// The criteria every list of organisations of `soort` has: its kind, a search in name and
    /// abbreviation, regions and changed-since.
    pub fn organisaties(
        &mut self,
        soort: crate::domain::OrganisatieSoort,
        zoek: &Option<String>,
        regio: &Option<Vec<Regio>>,
        gewijzigd_sinds: &Option<Timestamp>,
    ) {
        use organisatie::Column as C;
        self.and(C::Soort.eq(soort));
        self.search(&[C::Naam, C::Afkorting], zoek);
        self.one_of(C::Regio, regio);
        self.gewijzigd_sinds(C::GewijzigdOp, gewijzigd_sinds);
    }

    /// `field IN (values)` when values are given. A field that is not public brings its rule
    /// along: only rows whose `field` the caller may read can match.
    pub fn field_in<E, T, V>(&mut self, scope: &Scope, field: &Field<E, T>, values: &Option<Vec<V>>)
    where
        E: Policy,
        V: Into<sea_orm::Value> + Clone,
    {
        let Some(values) = values else {
            return;
        };
        self.require::<E>(scope, Some(field.need()));
        if let Some(column) = field.column() {
            self.and(column.is_in(values.iter().cloned()));
        }
    }

    /// `field IN (values)` for kenmerken, each value taken as a [`Kenmerk`] (in capitals); one
    /// of the wrong shape is reported on `kenmerken[i]`.
    pub fn kenmerken<E: Policy>(
        &mut self,
        scope: &Scope,
        field: &Field<E, Option<String>>,
        values: &Option<Vec<String>>,
    ) {
        let Some(values) = values else {
            return;
        };
        let mut kenmerken = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            match Kenmerk::parse(value) {
                Ok(kenmerk) => kenmerken.push(kenmerk.into_string()),
                Err(e) => self.problem(&format!("kenmerken[{i}]"), e.to_string()),
            }
        }
        self.field_in(scope, field, &Some(kenmerken));
    }

    /// Narrows to rows on which the caller's rights meet `need`: what a criterion on a
    /// non-public field or link of `E` needs (as the policy declares it).
    pub fn require<E: Policy>(&mut self, scope: &Scope, need: Option<Need>) {
        if let Some(need) = need.filter(|n| *n != Need::Public) {
            self.and(scope.meeting::<E>(need));
        }
    }
}

fn in_link<L: EntityTrait>(
    id: impl ColumnTrait,
    parent: L::Column,
    org: L::Column,
    org_id: i32,
) -> sea_orm::sea_query::SimpleExpr {
    id.in_subquery(
        Query::select()
            .column(parent)
            .from(L::default())
            .and_where(org.eq(org_id))
            .to_owned(),
    )
}

/// OpdrachtFilter: narrows a list of opdrachten. Every given criterion must hold; a list
/// criterion holds when the opdracht matches any of its values.
#[derive(InputObject, Default, Debug)]
pub struct OpdrachtFilter {
    /// Case-insensitive text that the name or description contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Region(s) of the opdracht. At most 1000 values.
    pub regio: Option<Vec<Regio>>,
    /// Theme code(s), e.g. `DATA_AI`: opdrachten with at least one of them. At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// Status(es). At most 1000 values.
    pub opdracht_status: Option<Vec<OpdrachtStatus>>,
    /// Kind(s) of assignment. At most 1000 values.
    pub opdracht_soort: Option<Vec<OpdrachtSoort>>,
    /// Kind(s) of education. At most 1000 values.
    pub onderwijssoort: Option<Vec<Onderwijssoort>>,
    /// Only opdrachten registered by this organisation, their owner (its `id`).
    pub eigenaar: Option<ID>,
    /// Only opdrachten given by this rijkspartner (its `id`).
    pub opdrachtgever: Option<ID>,
    /// Only opdrachten carried out by this kennisinstelling (its `id`).
    pub uitvoerder: Option<ID>,
    /// Only opdrachten in which this organisation takes part in any role: owner,
    /// opdrachtgever or executing institution (its `id`).
    pub organisatie: Option<ID>,
    /// Only opdrachten linked to this fieldlab (its `id`).
    pub fieldlab: Option<ID>,
    /// Only opdrachten linked to this lectoraat (its `id`).
    pub lectoraat: Option<ID>,
    /// Only opdrachten linked to this minor (its `id`).
    pub minor: Option<ID>,
    /// Start date on or after this date. Between 1900-01-01 and 2999-12-31.
    pub startdatum_vanaf: Option<Date>,
    /// Start date on or before this date. Between 1900-01-01 and 2999-12-31.
    pub startdatum_tot_en_met: Option<Date>,
    /// End date on or after this date. Between 1900-01-01 and 2999-12-31.
    pub einddatum_vanaf: Option<Date>,
    /// End date on or before this date. Between 1900-01-01 and 2999-12-31.
    pub einddatum_tot_en_met: Option<Date>,
    /// Changed at or after this moment: for incremental reads, pass the time of your last read
    /// (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl OpdrachtFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use opdracht::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Naam, C::Omschrijving], &self.zoek);
        b.one_of(C::Regio, &self.regio);
        b.one_of(C::Status, &self.opdracht_status);
        b.one_of(C::Soort, &self.opdracht_soort);
        b.one_of(C::Onderwijssoort, &self.onderwijssoort);
        b.themas::<opdracht_thema::Entity>(
            scope,
            C::Id,
            opdracht_thema::Column::OpdrachtId,
            opdracht_thema::Column::ThemaCode,
            &self.themas,
        )
        .await?;
        if let Some(org) = b.organisatie("eigenaar", &self.eigenaar) {
            b.and(C::EigenaarId.eq(org));
        }
        if let Some(org) = b.organisatie("opdrachtgever", &self.opdrachtgever) {
            b.and(C::OpdrachtgeverId.eq(org));
        }
        if let Some(org) = b.organisatie("uitvoerder", &self.uitvoerder) {
            b.and(in_link::<opdracht_uitvoerder::Entity>(
                C::Id,
                opdracht_uitvoerder::Column::OpdrachtId,
                opdracht_uitvoerder::Column::OrganisatieId,
                org,
            ));
        }
        if let Some(org) = b.organisatie("organisatie", &self.organisatie) {
            b.and(opdrachten_of_organisatie(org));
        }
        if let Some(lab) = b.record("fieldlab", &self.fieldlab, "Fieldlab", "a fieldlab") {
            b.and(C::FieldlabId.eq(lab));
        }
        if let Some(id) = b.record("lectoraat", &self.lectoraat, "Lectoraat", "a lectoraat") {
            b.and(C::LectoraatId.eq(id));
        }
        if let Some(minor) = b.record("minor", &self.minor, "Minor", "a minor") {
            b.and(C::MinorId.eq(minor));
        }
        b.date_range(
            C::Startdatum,
            self.startdatum_vanaf,
            self.startdatum_tot_en_met,
        );
        b.date_range(
            C::Einddatum,
            self.einddatum_vanaf,
            self.einddatum_tot_en_met,
        );
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// Opdrachten in which `org` takes part: owner, opdrachtgever or executing institution (the
/// organisation terms of the opdrachten's visibility rule).
pub fn opdrachten_of_organisatie(org: i32) -> Condition {
    crate::db::involving::<opdracht::Entity>(org)
}

/// FieldlabFilter: narrows a list of fieldlabs. Criteria on non-public fields (fieldlabStatus,
/// deelnemer) only match fieldlabs the caller may read in full.
#[derive(InputObject, Default, Debug)]
pub struct FieldlabFilter {
    /// Case-insensitive text that the name or description contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Kenmerk(en): the fieldlabs with one of these kenmerken (case does not matter). At most
    /// 1000 values.
    pub kenmerken: Option<Vec<String>>,
    /// Region(s): fieldlabs in at least one of them. At most 1000 values.
    pub regios: Option<Vec<Regio>>,
    /// Theme code(s): fieldlabs with at least one of them. At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// Status(es). At most 1000 values.
    pub fieldlab_status: Option<Vec<FieldlabStatus>>,
    /// Only fieldlabs in which this organisation takes part, as penvoerder or participant.
    pub deelnemer: Option<ID>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl FieldlabFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use fieldlab::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Naam, C::Beschrijving], &self.zoek);
        b.kenmerken(scope, &fieldlab_fields::KENMERK, &self.kenmerken);
        b.link_one_of::<fieldlab_regio::Entity, _>(
            C::Id,
            fieldlab_regio::Column::FieldlabId,
            fieldlab_regio::Column::Regio,
            &self.regios,
        );
        b.themas::<fieldlab_thema::Entity>(
            scope,
            C::Id,
            fieldlab_thema::Column::FieldlabId,
            fieldlab_thema::Column::ThemaCode,
            &self.themas,
        )
        .await?;
        b.field_in(scope, &fieldlab_fields::STATUS, &self.fieldlab_status);
        if let Some(org) = b.organisatie("deelnemer", &self.deelnemer) {
            b.require::<fieldlab::Entity>(scope, fieldlab_fields::DEELNEMERS.need());
            b.and(Condition::any().add(C::EigenaarId.eq(org)).add(in_link::<
                fieldlab_deelnemer::Entity,
            >(
                C::Id,
                fieldlab_deelnemer::Column::FieldlabId,
                fieldlab_deelnemer::Column::OrganisatieId,
                org,
            )));
        }
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// RijkspartnerFilter: narrows a list of rijkspartners.
#[derive(InputObject, Default, Debug)]
pub struct RijkspartnerFilter {
    /// Case-insensitive text that the name or abbreviation contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Region(s). At most 1000 values.
    pub regio: Option<Vec<Regio>>,
    /// Kind(s) of rijkspartner. At most 1000 values.
    pub rijkspartner_soort: Option<Vec<RijkspartnerSoort>>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl RijkspartnerFilter {
    pub async fn condition(&self, _scope: &Scope) -> Result<Condition, ApiError> {
        use organisatie::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.organisaties(
            crate::domain::OrganisatieSoort::Rijkspartner,
            &self.zoek,
            &self.regio,
            &self.gewijzigd_sinds,
        );
        b.one_of(C::RijkspartnerSoort, &self.rijkspartner_soort);
        b.finish()
    }
}

/// KennisinstellingFilter: narrows a list of kennisinstellingen.
#[derive(InputObject, Default, Debug)]
pub struct KennisinstellingFilter {
    /// Case-insensitive text that the name or abbreviation contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Region(s). At most 1000 values.
    pub regio: Option<Vec<Regio>>,
    /// Kind(s) of education. At most 1000 values.
    pub onderwijssoort: Option<Vec<Onderwijssoort>>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl KennisinstellingFilter {
    pub async fn condition(&self, _scope: &Scope) -> Result<Condition, ApiError> {
        use organisatie::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.organisaties(
            crate::domain::OrganisatieSoort::Kennisinstelling,
            &self.zoek,
            &self.regio,
            &self.gewijzigd_sinds,
        );
        b.one_of(C::Onderwijssoort, &self.onderwijssoort);
        b.finish()
    }
}

/// LectoraatFilter: narrows a list of lectoraten.
#[derive(InputObject, Default, Debug)]
pub struct LectoraatFilter {
    /// Case-insensitive text that the name contains. At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Kenmerk(en): the lectoraten with one of these kenmerken (case does not matter). At most
    /// 1000 values.
    pub kenmerken: Option<Vec<String>>,
    /// Only lectoraten of this kennisinstelling (its `id`).
    pub instelling: Option<ID>,
    /// Theme code(s): lectoraten with at least one of them. At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl LectoraatFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use lectoraat::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Naam], &self.zoek);
        b.kenmerken(scope, &lectoraat_fields::KENMERK, &self.kenmerken);
        if let Some(org) = b.organisatie("instelling", &self.instelling) {
            b.and(C::EigenaarId.eq(org));
        }
        b.themas::<lectoraat_thema::Entity>(
            scope,
            C::Id,
            lectoraat_thema::Column::LectoraatId,
            lectoraat_thema::Column::ThemaCode,
            &self.themas,
        )
        .await?;
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// MinorFilter: narrows a list of minoren, masters and post-masters. A theme criterion only
/// matches records the caller may read in full (themes are not public for minoren).
#[derive(InputObject, Default, Debug)]
pub struct MinorFilter {
    /// Case-insensitive text that the name contains. At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Kenmerk(en): the minoren with one of these kenmerken (case does not matter). At most
    /// 1000 values.
    pub kenmerken: Option<Vec<String>>,
    /// Only curricula of this kennisinstelling (its `id`).
    pub instelling: Option<ID>,
    /// Kind(s): minor, master, post-master. At most 1000 values.
    pub minor_soort: Option<Vec<MinorSoort>>,
    /// Theme code(s). At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl MinorFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use minor::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Naam], &self.zoek);
        b.kenmerken(scope, &minor_fields::KENMERK, &self.kenmerken);
        if let Some(org) = b.organisatie("instelling", &self.instelling) {
            b.and(C::EigenaarId.eq(org));
        }
        b.one_of(C::Soort, &self.minor_soort);
        if self.themas.is_some() {
            b.require::<minor::Entity>(scope, minor_fields::THEMAS.need());
        }
        b.themas::<minor_thema::Entity>(
            scope,
            C::Id,
            minor_thema::Column::MinorId,
            minor_thema::Column::ThemaCode,
            &self.themas,
        )
        .await?;
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// CommunityFilter: narrows a list of communities. Criteria on non-public fields (communityStatus,
/// themes, members) only match communities the caller may read in full.
#[derive(InputObject, Default, Debug)]
pub struct CommunityFilter {
    /// Case-insensitive text that the name or description contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Status(es). At most 1000 values.
    pub community_status: Option<Vec<CommunityStatus>>,
    /// Theme code(s). At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// Only communities of which this organisation is a member (its `id`).
    pub lid: Option<ID>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl CommunityFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use community::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Naam, C::Beschrijving], &self.zoek);
        b.field_in(scope, &community_fields::STATUS, &self.community_status);
        if self.themas.is_some() {
            b.require::<community::Entity>(scope, community_fields::THEMAS.need());
        }
        if self.lid.is_some() {
            b.require::<community::Entity>(scope, community_fields::LEDEN.need());
        }
        b.themas::<community_thema::Entity>(
            scope,
            C::Id,
            community_thema::Column::CommunityId,
            community_thema::Column::ThemaCode,
            &self.themas,
        )
        .await?;
        if let Some(org) = b.organisatie("lid", &self.lid) {
            b.and(in_link::<community_lid::Entity>(
                C::Id,
                community_lid::Column::CommunityId,
                community_lid::Column::OrganisatieId,
                org,
            ));
        }
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// Sorteerveld: the fields a catalogue list (organisations, fieldlabs, lectoraten, minoren,
/// communities) can be ordered by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sorteerveld {
    /// By name.
    #[default]
    Naam,
    /// By the moment of the last change.
    GewijzigdOp,
}

/// Sortering: how to order a catalogue list. Ties are broken by id, so the order is total.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct Sortering {
    /// The field to order by.
    #[graphql(default)]
    pub veld: Sorteerveld,
    /// Ascending or descending.
    #[graphql(default)]
    pub richting: Direction,
}

macro_rules! sortable_by_name {
    ($($module:ident: $fields:ident),*) => {$(
        impl SortField<$module::Entity> for Sorteerveld {
            fn name(self) -> &'static str {
                match self {
                    Self::Naam => "NAAM",
                    Self::GewijzigdOp => "GEWIJZIGD_OP",
                }
            }
            fn column(self) -> $module::Column {
                match self {
                    Self::Naam => $module::Column::Naam,
                    Self::GewijzigdOp => $module::Column::GewijzigdOp,
                }
            }
            fn value(self, row: &Row<$module::Model>) -> SortValue {
                match self {
                    Self::Naam => SortValue::Text(row.public(&crate::db::$fields::NAAM)),
                    Self::GewijzigdOp => SortValue::DateTime(row.registration().changed),
                }
            }
        }
    )*};
}
sortable_by_name!(
    organisatie: organisatie_fields,
    fieldlab: fieldlab_fields,
    lectoraat: lectoraat_fields,
    minor: minor_fields,
    community: community_fields,
    promotietraject: promotietraject_fields,
    bijeenkomst: bijeenkomst_fields
);

/// OpdrachtSorteerveld: the fields a list of opdrachten can be ordered by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OpdrachtSorteerveld {
    /// By name.
    Naam,
    /// By start date (opdrachten without one come last when ascending).
    #[default]
    Startdatum,
    /// By end date (opdrachten without one come last when ascending).
    Einddatum,
    /// By the moment of the last change (for incremental reads).
    GewijzigdOp,
    /// By the moment of registration.
    AangemaaktOp,
}

/// OpdrachtSortering: how to order a list of opdrachten. Ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct OpdrachtSortering {
    /// The field to order by.
    #[graphql(default)]
    pub veld: OpdrachtSorteerveld,
    /// Ascending or descending.
    #[graphql(default)]
    pub richting: Direction,
}

impl SortField<opdracht::Entity> for OpdrachtSorteerveld {
    fn name(self) -> &'static str {
        match self {
            Self::Naam => "NAAM",
            Self::Startdatum => "STARTDATUM",
            Self::Einddatum => "EINDDATUM",
            Self::GewijzigdOp => "GEWIJZIGD_OP",
            Self::AangemaaktOp => "AANGEMAAKT_OP",
        }
    }
    fn column(self) -> opdracht::Column {
        match self {
            Self::Naam => opdracht::Column::Naam,
            Self::Startdatum => opdracht::Column::Startdatum,
            Self::Einddatum => opdracht::Column::Einddatum,
            Self::GewijzigdOp => opdracht::Column::GewijzigdOp,
            Self::AangemaaktOp => opdracht::Column::AangemaaktOp,
        }
    }
    fn value(self, row: &Row<opdracht::Model>) -> SortValue {
        use crate::db::opdracht_fields as f;
        let date = |d: Option<chrono::NaiveDate>| d.map_or(SortValue::Null, SortValue::Date);
        match self {
            Self::Naam => SortValue::Text(row.public(&f::NAAM)),
            Self::Startdatum => date(row.public(&f::STARTDATUM)),
            Self::Einddatum => date(row.public(&f::EINDDATUM)),
            Self::GewijzigdOp => SortValue::DateTime(row.registration().changed),
            Self::AangemaaktOp => SortValue::DateTime(row.registration().created),
        }
    }
}

/// VraagstukFilter: narrows a list of vraagstukken. Criteria on non-public fields
/// (antwoordsoort, kenmerken, the institutions it was proposed to) only match vraagstukken the
/// caller may read in full.
#[derive(InputObject, Default, Debug)]
pub struct VraagstukFilter {
    /// Case-insensitive text that the title contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Status(es). At most 1000 values.
    pub vraagstuk_status: Option<Vec<VraagstukStatus>>,
    /// Region(s): vraagstukken asked in at least one of them. At most 1000 values.
    pub regios: Option<Vec<Regio>>,
    /// Theme code(s): vraagstukken with at least one of them. At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// Kind(s) of answer sought. At most 1000 values.
    pub antwoordsoort: Option<Vec<Antwoordsoort>>,
    /// Only those in the public catalogue (true) or only those that are not (false).
    pub openbaar: Option<bool>,
    /// Kenmerk(en) of the owner (case does not matter). At most 1000 values.
    pub kenmerken: Option<Vec<String>>,
    /// Only vraagstukken of this rijkspartner (its `id`).
    pub vraagsteller: Option<ID>,
    /// Only vraagstukken proposed to this kennisinstelling (its `id`).
    pub voorgelegd_aan: Option<ID>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl VraagstukFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use crate::db::vraagstuk_fields as f;
        use vraagstuk::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Titel], &self.zoek);
        b.field_in(scope, &f::STATUS, &self.vraagstuk_status);
        b.link_one_of::<vraagstuk_regio::Entity, _>(
            C::Id,
            vraagstuk_regio::Column::VraagstukId,
            vraagstuk_regio::Column::Regio,
            &self.regios,
        );
        b.themas::<vraagstuk_thema::Entity>(
            scope,
            C::Id,
            vraagstuk_thema::Column::VraagstukId,
            vraagstuk_thema::Column::ThemaCode,
            &self.themas,
        )
        .await?;
        b.field_in(scope, &f::ANTWOORDSOORT, &self.antwoordsoort);
        b.field_in(scope, &f::OPENBAAR, &self.openbaar.map(|o| vec![o]));
        b.kenmerken(scope, &f::KENMERK, &self.kenmerken);
        if let Some(org) = b.organisatie("vraagsteller", &self.vraagsteller) {
            b.require::<vraagstuk::Entity>(scope, Some(f::VRAAGSTELLER.need()));
            b.and(C::EigenaarId.eq(org));
        }
        if let Some(org) = b.organisatie("voorgelegdAan", &self.voorgelegd_aan) {
            b.require::<vraagstuk::Entity>(scope, f::VOORGELEGD_AAN.need());
            b.and(in_link::<vraagstuk_voorlegging::Entity>(
                C::Id,
                vraagstuk_voorlegging::Column::VraagstukId,
                vraagstuk_voorlegging::Column::OrganisatieId,
                org,
            ));
        }
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// VraagstukSorteerveld: the fields a list of vraagstukken can be ordered by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VraagstukSorteerveld {
    /// By the moment of submission.
    #[default]
    AangemaaktOp,
    /// By title.
    Titel,
    /// By the moment of the last change.
    GewijzigdOp,
}

/// VraagstukSortering: how to order a list of vraagstukken. Ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct VraagstukSortering {
    /// The field to order by.
    #[graphql(default)]
    pub veld: VraagstukSorteerveld,
    /// Ascending or descending.
    #[graphql(default)]
    pub richting: Direction,
}

impl SortField<vraagstuk::Entity> for VraagstukSorteerveld {
    fn name(self) -> &'static str {
        match self {
            Self::AangemaaktOp => "AANGEMAAKT_OP",
            Self::Titel => "TITEL",
            Self::GewijzigdOp => "GEWIJZIGD_OP",
        }
    }
    fn column(self) -> vraagstuk::Column {
        match self {
            Self::AangemaaktOp => vraagstuk::Column::AangemaaktOp,
            Self::Titel => vraagstuk::Column::Titel,
            Self::GewijzigdOp => vraagstuk::Column::GewijzigdOp,
        }
    }
    fn value(self, row: &Row<vraagstuk::Model>) -> SortValue {
        match self {
            Self::AangemaaktOp => SortValue::DateTime(row.registration().created),
            Self::Titel => SortValue::Text(row.public(&crate::db::vraagstuk_fields::TITEL)),
            Self::GewijzigdOp => SortValue::DateTime(row.registration().changed),
        }
    }
}

/// PromotietrajectFilter: narrows a list of PhD tracks.
#[derive(InputObject, Default, Debug)]
pub struct PromotietrajectFilter {
    /// Case-insensitive text that the title contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Theme code(s). At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// Status(es). At most 1000 values.
    pub promotie_status: Option<Vec<PromotieStatus>>,
    /// Started in or after this year.
    pub startjaar_vanaf: Option<i32>,
    /// Started in or before this year.
    pub startjaar_tot_en_met: Option<i32>,
    /// Only those of this university (its `id`).
    pub universiteit: Option<ID>,
    /// Only those hosted by this rijkspartner (its `id`).
    pub gastheer: Option<ID>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl PromotietrajectFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use crate::db::promotietraject_fields as f;
        use promotietraject::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Naam], &self.zoek);
        if let Some(themas) = &self.themas {
            b.theme_codes(scope, themas).await?;
            b.and(C::ThemaCode.is_in(themas.iter().cloned()));
        }
        b.field_in(scope, &f::STATUS, &self.promotie_status);
        if let Some(jaar) = self.startjaar_vanaf {
            b.and(C::Startjaar.gte(jaar));
        }
        if let Some(jaar) = self.startjaar_tot_en_met {
            b.and(C::Startjaar.lte(jaar));
        }
        if let Some(org) = b.organisatie("universiteit", &self.universiteit) {
            b.and(C::EigenaarId.eq(org));
        }
        if let Some(org) = b.organisatie("gastheer", &self.gastheer) {
            b.and(C::GastheerId.eq(org));
        }
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// BijeenkomstFilter: narrows a list of meetings.
#[derive(InputObject, Default, Debug)]
pub struct BijeenkomstFilter {
    /// Case-insensitive text that the name or place contains.
    /// At most 200 characters, no control characters.
    pub zoek: Option<String>,
    /// Kind(s). At most 1000 values.
    pub bijeenkomst_soort: Option<Vec<BijeenkomstSoort>>,
    /// Theme code(s): meetings with at least one of them. At most 1000 values.
    pub themas: Option<Vec<String>>,
    /// On or after this day (between 1900-01-01 and 2999-12-31).
    pub datum_vanaf: Option<Date>,
    /// On or before this day (between 1900-01-01 and 2999-12-31).
    pub datum_tot_en_met: Option<Date>,
    /// Only those this organisation organised or was a partner of (its `id`).
    pub organisatie: Option<ID>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl BijeenkomstFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use crate::db::bijeenkomst_fields as f;
        use bijeenkomst::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.search(&[C::Naam, C::Plaats], &self.zoek);
        b.field_in(scope, &f::SOORT, &self.bijeenkomst_soort);
        b.themas::<bijeenkomst_thema::Entity>(
            scope,
            C::Id,
            bijeenkomst_thema::Column::BijeenkomstId,
            bijeenkomst_thema::Column::ThemaCode,
            &self.themas,
        )
        .await?;
        b.date_range(C::Datum, self.datum_vanaf, self.datum_tot_en_met);
        if let Some(org) = b.organisatie("organisatie", &self.organisatie) {
            b.and(Condition::any().add(C::EigenaarId.eq(org)).add(in_link::<
                bijeenkomst_partner::Entity,
            >(
                C::Id,
                bijeenkomst_partner::Column::BijeenkomstId,
                bijeenkomst_partner::Column::OrganisatieId,
                org,
            )));
        }
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// KennismakelaarFilter: narrows the directory of kennismakelaars.
#[derive(InputObject, Default, Debug)]
pub struct KennismakelaarFilter {
    /// Region(s): brokers working in at least one of them. At most 1000 values.
    pub regios: Option<Vec<Regio>>,
    /// Education or government.
    pub kant: Option<Kant>,
    /// Only the brokers working for this organisation (its `id`).
    pub werkgever: Option<ID>,
    /// Changed at or after this moment (in UTC between 1900-01-01 and 2999-12-31).
    pub gewijzigd_sinds: Option<Timestamp>,
}

impl KennismakelaarFilter {
    pub async fn condition(&self, scope: &Scope) -> Result<Condition, ApiError> {
        use crate::db::kennismakelaar_fields as f;
        use kennismakelaar::Column as C;
        let mut b = FilterBuilder::checked(self)?;
        b.link_one_of::<kennismakelaar_regio::Entity, _>(
            C::Id,
            kennismakelaar_regio::Column::KennismakelaarId,
            kennismakelaar_regio::Column::Regio,
            &self.regios,
        );
        b.field_in(scope, &f::KANT, &self.kant.map(|k| vec![k]));
        if let Some(org) = b.organisatie("werkgever", &self.werkgever) {
            b.and(C::EigenaarId.eq(org));
        }
        b.gewijzigd_sinds(C::GewijzigdOp, &self.gewijzigd_sinds);
        b.finish()
    }
}

/// KennismakelaarSorteerveld: the fields the directory of kennismakelaars can be ordered by
/// (not the person's name: it is personal data, and an order would tell of it).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KennismakelaarSorteerveld {
    /// By the moment the entry was made.
    #[default]
    AangemaaktOp,
    /// By the moment of the last change.
    GewijzigdOp,
}

/// KennismakelaarSortering: how to order the directory of kennismakelaars. Ties are broken by
/// id.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct KennismakelaarSortering {
    /// The field to order by.
    #[graphql(default)]
    pub veld: KennismakelaarSorteerveld,
    /// Ascending or descending.
    #[graphql(default)]
    pub richting: Direction,
}

impl SortField<kennismakelaar::Entity> for KennismakelaarSorteerveld {
    fn name(self) -> &'static str {
        match self {
            Self::AangemaaktOp => "AANGEMAAKT_OP",
            Self::GewijzigdOp => "GEWIJZIGD_OP",
        }
    }
    fn column(self) -> kennismakelaar::Column {
        match self {
            Self::AangemaaktOp => kennismakelaar::Column::AangemaaktOp,
            Self::GewijzigdOp => kennismakelaar::Column::GewijzigdOp,
        }
    }
    fn value(self, row: &Row<kennismakelaar::Model>) -> SortValue {
        let registration = row.registration();
        match self {
            Self::AangemaaktOp => SortValue::DateTime(registration.created),
            Self::GewijzigdOp => SortValue::DateTime(registration.changed),
        }
    }
}
