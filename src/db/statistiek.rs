//! The figures behind the infographic, counted in SQL over the opdrachten the caller may see.
//! Nothing here loads rows to count them. Every value of every counted enum is listed, with 0
//! where no opdracht has it, so a chart has the same categories under any filter.
//!
//! Why one grouped statement: the totals and the breakdowns by status, kind of education,
//! kind, region and start year all come from one `GROUP BY` over the columns of the asked
//! breakdowns (at most a few thousand groups: the product of the enums' sizes and the years),
//! summed per breakdown here. That is one pass over the opdrachten on both databases, where a
//! statement per breakdown read them once each (12 statements, ~205 ms at 100,000 opdrachten
//! on PostgreSQL). A breakdown nobody asked for is not grouped by, so the counts per status
//! alone are `GROUP BY status`, which the index on `status` answers. The themes are a link
//! table and need a statement of their own; it and the range of start years run beside the
//! grouped statement on the pool.

use super::Scope;
use super::entities::koppelingen::{opdracht_thema, opdracht_uitvoerder};
use super::entities::{bijeenkomst, opdracht, organisatie, promotietraject, vraagstuk};
use super::policy::Policy;
use crate::domain::{
    BijeenkomstSoort, Onderwijssoort, OpdrachtSoort, OpdrachtStatus, OrganisatieSoort, Regio,
    VraagstukStatus,
};
use crate::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, ExprTrait,
    FromQueryResult, Iterable, QueryFilter, QuerySelect, QueryTrait, Select,
};
use std::collections::BTreeMap;

/// The breakdowns a caller asks for; what is not asked is not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Breakdowns {
    /// Opdrachten, students and students in a stage.
    pub totals: bool,
    pub per_status: bool,
    pub per_onderwijssoort: bool,
    pub per_soort: bool,
    pub per_regio: bool,
    pub per_thema: bool,
    /// Per year of the start date and status, with the range of start years.
    pub per_jaar: bool,
}

impl Breakdowns {
    /// Every breakdown.
    pub const ALL: Self = Self {
        totals: true,
        per_status: true,
        per_onderwijssoort: true,
        per_soort: true,
        per_regio: true,
        per_thema: true,
        per_jaar: true,
    };

    /// The columns the grouped statement groups by; `None` when it is not needed.
    fn dimensions(&self) -> Option<Vec<Dimension>> {
        let wanted = [
            (self.per_status || self.per_jaar, Dimension::Status),
            (self.per_onderwijssoort, Dimension::Onderwijssoort),
            (self.per_soort, Dimension::Soort),
            (self.per_regio, Dimension::Regio),
            (self.per_jaar, Dimension::Jaar),
        ];
        let dimensions: Vec<Dimension> = wanted
            .into_iter()
            .filter_map(|(asked, dimension)| asked.then_some(dimension))
            .collect();
        (self.totals || !dimensions.is_empty()).then_some(dimensions)
    }
}

/// Counts of the visible opdrachten that match a filter. The per-enum counts list every value
/// in the order of its enum, also with 0; `per_regio` ends with `None` (no region recorded).
/// A breakdown that was not asked for is empty (and the totals 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpdrachtCounts {
    pub opdrachten: i64,
    pub studenten: i64,
    pub studenten_in_stage: i64,
    pub per_status: Vec<(OpdrachtStatus, i64)>,
    pub per_onderwijssoort: Vec<(Onderwijssoort, i64)>,
    pub per_soort: Vec<(OpdrachtSoort, i64)>,
    pub per_regio: Vec<(Option<Regio>, i64)>,
    /// `(theme code, count)`; an opdracht with two themes counts for both.
    pub per_thema: Vec<(String, i64)>,
    /// `(year of the start date, status, count)`, in order of year and status.
    pub per_jaar: Vec<(i32, OpdrachtStatus, i64)>,
    /// The first and the last year in which an opdracht the caller may see starts (any
    /// opdracht, whatever the filter: the range of the statistics' `verloop`); `None` when it
    /// sees none with a start date.
    pub start_years: Option<(i32, i32)>,
}

/// A column the grouped statement may group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Status,
    Onderwijssoort,
    Soort,
    Regio,
    Jaar,
}

impl Dimension {
    const ALL: [Dimension; 5] = [
        Dimension::Status,
        Dimension::Onderwijssoort,
        Dimension::Soort,
        Dimension::Regio,
        Dimension::Jaar,
    ];

    /// The name of its column in a [`Group`].
    fn alias(self) -> &'static str {
        match self {
            Dimension::Status => "status",
            Dimension::Onderwijssoort => "onderwijssoort",
            Dimension::Soort => "soort",
            Dimension::Regio => "regio",
            Dimension::Jaar => "jaar",
        }
    }

    /// What it groups by, and what stands in its place when it is not grouped by.
    fn expr(self, backend: DatabaseBackend) -> (SimpleExpr, SimpleExpr) {
        use opdracht::Column as C;
        let text = |column: C| -> (SimpleExpr, SimpleExpr) {
            (Expr::col(column), Expr::cust("CAST(NULL AS TEXT)"))
        };
        match self {
            Dimension::Status => text(C::Status),
            Dimension::Onderwijssoort => text(C::Onderwijssoort),
            Dimension::Soort => text(C::Soort),
            Dimension::Regio => text(C::Regio),
            Dimension::Jaar => (
                year_of(backend, "startdatum"),
                Expr::cust("CAST(NULL AS INTEGER)"),
            ),
        }
    }
}

/// The year of a date expression, in SQL.
fn year_of(backend: DatabaseBackend, date: &str) -> SimpleExpr {
    match backend {
        DatabaseBackend::Postgres => {
            Expr::cust(format!("CAST(EXTRACT(YEAR FROM {date}) AS INTEGER)"))
        }
        _ => Expr::cust(format!("CAST(strftime('%Y', {date}) AS INTEGER)")),
    }
}

/// One row of the grouped statement: a combination of the grouped columns' values (the others
/// `NULL`) and its counts.
#[derive(Debug, FromQueryResult)]
struct Group {
    status: Option<String>,
    onderwijssoort: Option<String>,
    soort: Option<String>,
    regio: Option<String>,
    jaar: Option<i32>,
    aantal: i64,
    studenten: i64,
    stage: i64,
}

/// Every value of `T` (and `None` last) with the sum of the counts of the groups whose
/// `value` it is, 0 where there is none.
fn every<T>(groups: &[Group], value: fn(&Group) -> Option<&str>) -> ApiResult<Vec<(Option<T>, i64)>>
where
    T: ActiveEnum<Value = String> + Iterable,
{
    let mut counted: Vec<(Option<T>, i64)> =
        T::iter().map(Some).chain([None]).map(|v| (v, 0)).collect();
    let keys: Vec<Option<String>> = counted
        .iter()
        .map(|(v, _)| v.as_ref().map(|v| v.to_value()))
        .collect();
    for group in groups {
        let v = value(group);
        let Some(i) = keys.iter().position(|k| k.as_deref() == v) else {
            return Err(unexpected(v));
        };
        counted[i].1 += group.aantal;
    }
    Ok(counted)
}

fn unexpected(value: Option<&str>) -> ApiError {
    ApiError::Internal(format!("unexpected enum value {value:?} in the database"))
}

/// [`every`] for a column that always has a value.
fn every_value<T>(groups: &[Group], value: fn(&Group) -> Option<&str>) -> ApiResult<Vec<(T, i64)>>
where
    T: ActiveEnum<Value = String> + Iterable,
{
    Ok(every::<T>(groups, value)?
        .into_iter()
        .filter_map(|(value, count)| Some((value?, count)))
        .collect())
}

/// The counts per year of start date and status, in order of year and status.
fn per_year(groups: &[Group]) -> ApiResult<Vec<(i32, OpdrachtStatus, i64)>> {
    let statuses: Vec<OpdrachtStatus> = OpdrachtStatus::iter().collect();
    let mut counted: BTreeMap<(i32, usize), i64> = BTreeMap::new();
    for group in groups {
        let Some(year) = group.jaar else { continue };
        let status = group.status.as_deref();
        let Some(i) = statuses
            .iter()
            .position(|s| Some(s.to_value().as_str()) == status)
        else {
            return Err(unexpected(status));
        };
        *counted.entry((year, i)).or_default() += group.aantal;
    }
    Ok(counted
        .into_iter()
        .map(|((year, i), n)| (year, statuses[i], n))
        .collect())
}

/// The asked breakdowns, summed from the groups.
fn fold(groups: &[Group], wanted: Breakdowns) -> ApiResult<OpdrachtCounts> {
    let mut counts = OpdrachtCounts::default();
    for group in groups {
        counts.opdrachten += group.aantal;
        counts.studenten += group.studenten;
        counts.studenten_in_stage += group.stage;
    }
    if wanted.per_status {
        counts.per_status = every_value(groups, |g| g.status.as_deref())?;
    }
    if wanted.per_onderwijssoort {
        counts.per_onderwijssoort = every_value(groups, |g| g.onderwijssoort.as_deref())?;
    }
    if wanted.per_soort {
        counts.per_soort = every_value(groups, |g| g.soort.as_deref())?;
    }
    if wanted.per_regio {
        counts.per_regio = every(groups, |g| g.regio.as_deref())?;
    }
    if wanted.per_jaar {
        counts.per_jaar = per_year(groups)?;
    }
    Ok(counts)
}

impl Scope {
    fn opdrachten_select(&self, filter: Condition) -> Select<opdracht::Entity> {
        opdracht::Entity::find()
            .filter(opdracht::Entity::visible_rule(self.principal()).as_filter())
            .filter(filter)
    }

    /// The asked figures of the visible opdrachten matching `filter`: one grouped statement,
    /// and beside it the themes' statement and the range of start years, each when asked.
    pub async fn opdracht_counts(
        &self,
        filter: Condition,
        wanted: Breakdowns,
    ) -> ApiResult<OpdrachtCounts> {
        // Unfiltered, the years of the groups are those of every visible opdracht.
        let years_from_groups = filter.is_empty();
        let (groups, per_thema, start_years) = tokio::try_join!(
            self.groups(&filter, wanted),
            self.count_per_thema(&filter, wanted.per_thema),
            self.start_years(wanted.per_jaar && !years_from_groups),
        )?;
        let mut counts = fold(&groups, wanted)?;
        counts.per_thema = per_thema;
        counts.start_years = if years_from_groups {
            let years = || groups.iter().filter_map(|g| g.jaar);
            years().min().zip(years().max())
        } else {
            start_years
        };
        Ok(counts)
    }

    /// The groups of the visible opdrachten matching `filter` by the columns of the asked
    /// breakdowns, each with its counts; none when no breakdown of the opdrachten is asked.
    async fn groups(&self, filter: &Condition, wanted: Breakdowns) -> ApiResult<Vec<Group>> {
        let Some(dimensions) = wanted.dimensions() else {
            return Ok(Vec::new());
        };
        let backend = self.conn().get_database_backend();
        let mut select = self.opdrachten_select(filter.clone()).select_only();
        for dimension in Dimension::ALL {
            let (grouped, absent) = dimension.expr(backend);
            if dimensions.contains(&dimension) {
                select = select
                    .column_as(grouped.clone(), dimension.alias())
                    .group_by(grouped);
            } else {
                select = select.column_as(absent, dimension.alias());
            }
        }
        // The students' sums read columns outside the index on `status`: only when asked.
        let sum = |sql: &'static str| {
            Expr::cust(if wanted.totals {
                sql
            } else {
                "CAST(0 AS BIGINT)"
            })
        };
        Ok(select
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .column_as(sum("CAST(COALESCE(SUM(aantal_studenten), 0) AS BIGINT)"), "studenten")
            .column_as(
                sum("CAST(COALESCE(SUM(CASE WHEN soort = 'STAGE' THEN aantal_studenten ELSE 0 END), 0) AS BIGINT)"),
                "stage",
            )
            .into_model::<Group>()
            .all(self.conn())
            .await?)
    }

    /// `(theme code, count)` of the visible opdrachten matching `filter`, when `asked`.
    async fn count_per_thema(
        &self,
        filter: &Condition,
        asked: bool,
    ) -> ApiResult<Vec<(String, i64)>> {
        if !asked {
            return Ok(Vec::new());
        }
        let mut select = opdracht_thema::Entity::find();
        // Every opdracht counts (the programme office, unfiltered): the link table alone, an
        // index-only scan of (thema_code, opdracht_id), without the opdrachten.
        let every_opdracht = filter.is_empty()
            && opdracht::Entity::visible_rule(self.principal()) == super::policy::Rule::Always;
        if !every_opdracht {
            let visible_ids = self
                .opdrachten_select(filter.clone())
                .select_only()
                .column(opdracht::Column::Id)
                .into_query();
            select = select.filter(opdracht_thema::Column::OpdrachtId.in_subquery(visible_ids));
        }
        Ok(select
            .select_only()
            .column(opdracht_thema::Column::ThemaCode)
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .group_by(opdracht_thema::Column::ThemaCode)
            .into_tuple::<(String, i64)>()
            .all(self.conn())
            .await?)
    }

    /// The first and the last year in which an opdracht the caller may see starts, whatever
    /// a filter asks, when `asked`: the years of the first and the last start date, which
    /// the index on `startdatum` finds.
    async fn start_years(&self, asked: bool) -> ApiResult<Option<(i32, i32)>> {
        if !asked {
            return Ok(None);
        }
        let backend = self.conn().get_database_backend();
        let (first, last): (Option<i32>, Option<i32>) = self
            .opdrachten_select(Condition::all().add(opdracht::Column::Startdatum.is_not_null()))
            .select_only()
            .column_as(year_of(backend, "MIN(startdatum)"), "eerste")
            .column_as(year_of(backend, "MAX(startdatum)"), "laatste")
            .into_tuple()
            .one(self.conn())
            .await?
            .unwrap_or_default();
        Ok(first.zip(last))
    }
}

/// The figures of the vraagstukken the caller may see: how many were submitted, how many are
/// in each status now, and how many were matched ("belegd"); for one year, those submitted and
/// those first matched in that year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VraagstukCounts {
    pub aantal: u64,
    /// Every status, in the order of its enum, also with 0.
    pub per_status: Vec<(VraagstukStatus, u64)>,
    pub belegd: u64,
}

/// The organisations with an opdracht the caller may see running (in a year, or at all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActiveOrganisations {
    /// Rijkspartners, as opdrachtgever.
    pub rijkspartners: i64,
    /// Kennisinstellingen, as owner or executing institution.
    pub kennisinstellingen: i64,
}

/// `[1 January of jaar, 1 January of the next year)` as moments.
fn year_bounds(
    jaar: i32,
) -> ApiResult<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let start = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .ok_or_else(|| ApiError::bad_input("jaar", "not a year of the calendar"))
    };
    Ok((start(jaar)?, start(jaar + 1)?))
}

impl Scope {
    /// [`VraagstukCounts`], for `jaar` when given.
    pub async fn vraagstuk_counts(&self, jaar: Option<i32>) -> ApiResult<VraagstukCounts> {
        use vraagstuk::Column as C;
        let (submitted, matched) = match jaar {
            Some(jaar) => {
                let (from, to) = year_bounds(jaar)?;
                let first = |d: chrono::DateTime<chrono::Utc>| d.date_naive();
                (
                    Condition::all()
                        .add(C::AangemaaktOp.gte(from))
                        .add(C::AangemaaktOp.lt(to)),
                    Condition::all()
                        .add(C::BelegdOp.gte(first(from)))
                        .add(C::BelegdOp.lt(first(to))),
                )
            }
            None => (
                Condition::all(),
                Condition::all().add(C::BelegdOp.is_not_null()),
            ),
        };
        let per_status = futures_util::future::try_join_all(VraagstukStatus::iter().map(|s| {
            let submitted = submitted.clone();
            async move {
                let n = self
                    .count::<vraagstuk::Entity>(submitted.add(C::Status.eq(s)))
                    .await?;
                Ok::<_, ApiError>((s, n))
            }
        }));
        let (per_status, belegd) =
            tokio::try_join!(per_status, self.count::<vraagstuk::Entity>(matched))?;
        Ok(VraagstukCounts {
            aantal: per_status.iter().map(|(_, n)| n).sum(),
            per_status,
            belegd,
        })
    }

    /// [`ActiveOrganisations`] among the visible opdrachten that match `condition` and, for
    /// `jaar`, run in that year (started by its end, not ended before its start).
    pub async fn active_organisations(
        &self,
        condition: Condition,
        jaar: Option<i32>,
    ) -> ApiResult<ActiveOrganisations> {
        use opdracht::Column as C;
        let mut base = Condition::all()
            .add(opdracht::Entity::visible_rule(self.principal()).as_filter())
            .add(condition);
        if let Some(jaar) = jaar {
            let (from, to) = year_bounds(jaar)?;
            base = base.add(C::Startdatum.lt(to.date_naive())).add(
                Condition::any()
                    .add(C::Einddatum.is_null())
                    .add(C::Einddatum.gte(from.date_naive())),
            );
        }
        // Counted from the organisations' side: per organisation one probe of an index for an
        // opdracht that involves it (an `EXISTS`), not a `DISTINCT` over every opdracht (which
        // was ~100 ms at 100,000 opdrachten on PostgreSQL).
        let k = || Alias::new("k");
        let of_k = |column: opdracht::Column| {
            Expr::col((opdracht::Entity, column)).eq(Expr::col((k(), organisatie::Column::Id)))
        };
        let some = |condition: Condition| {
            Expr::exists(
                Query::select()
                    .expr(Expr::cust("1"))
                    .from(opdracht::Entity)
                    .cond_where(Condition::all().add(base.clone()).add(condition))
                    .to_owned(),
            )
        };
        let executing = opdracht::Column::Id.in_subquery(
            Query::select()
                .column(opdracht_uitvoerder::Column::OpdrachtId)
                .from(opdracht_uitvoerder::Entity)
                .and_where(
                    Expr::col(opdracht_uitvoerder::Column::OrganisatieId)
                        .eq(Expr::col((k(), organisatie::Column::Id))),
                )
                .to_owned(),
        );
        let count = |soort: OrganisatieSoort, involved: Condition| {
            Query::select()
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .from_as(organisatie::Entity, k())
                .and_where(Expr::col((k(), organisatie::Column::Soort)).eq(soort))
                .cond_where(involved)
                .to_owned()
        };
        let rijkspartners = count(
            OrganisatieSoort::Rijkspartner,
            Condition::all().add(some(Condition::all().add(of_k(C::OpdrachtgeverId)))),
        );
        let kennisinstellingen = count(
            OrganisatieSoort::Kennisinstelling,
            Condition::any()
                .add(some(Condition::all().add(of_k(C::EigenaarId))))
                .add(some(Condition::all().add(executing))),
        );
        let backend = self.conn().get_database_backend();
        let one = |query: SelectStatement| async move {
            Ok::<_, ApiError>(
                match self.conn().query_one_raw(backend.build(&query)).await? {
                    Some(row) => row.try_get::<i64>("", "n")?,
                    None => 0,
                },
            )
        };
        let (rijkspartners, kennisinstellingen) =
            tokio::try_join!(one(rijkspartners), one(kennisinstellingen))?;
        Ok(ActiveOrganisations {
            rijkspartners,
            kennisinstellingen,
        })
    }
}

/// The figures of the PhD tracks and meetings (public records): for one year, the tracks that
/// started and the meetings held in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeCounts {
    pub promotietrajecten: u64,
    /// Per kind of meeting, in the order of the enum: meetings, participants from government,
    /// from education, and in all (a recorded total, or else the sum of the two).
    pub bijeenkomsten: Vec<(BijeenkomstSoort, MeetingCounts)>,
}

/// The counts of the meetings of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromQueryResult)]
pub struct MeetingCounts {
    pub aantal: i64,
    pub overheid: i64,
    pub onderwijs: i64,
    pub totaal: i64,
}

impl Scope {
    /// [`ProgrammeCounts`], for `jaar` when given.
    pub async fn programme_counts(&self, jaar: Option<i32>) -> ApiResult<ProgrammeCounts> {
        let mut tracks = Condition::all();
        let mut meetings = Condition::all();
        if let Some(jaar) = jaar {
            let (from, to) = year_bounds(jaar)?;
            tracks = tracks.add(promotietraject::Column::Startjaar.eq(jaar));
            meetings = meetings
                .add(bijeenkomst::Column::Datum.gte(from.date_naive()))
                .add(bijeenkomst::Column::Datum.lt(to.date_naive()));
        }
        let per_soort = futures_util::future::try_join_all(BijeenkomstSoort::iter().map(|soort| {
            let meetings = meetings.clone().add(bijeenkomst::Column::Soort.eq(soort));
            async move { Ok::<_, ApiError>((soort, self.meeting_counts(meetings).await?)) }
        }));
        let (promotietrajecten, bijeenkomsten) =
            tokio::try_join!(self.count::<promotietraject::Entity>(tracks), per_soort)?;
        Ok(ProgrammeCounts {
            promotietrajecten,
            bijeenkomsten,
        })
    }

    async fn meeting_counts(&self, condition: Condition) -> ApiResult<MeetingCounts> {
        let sum = |e: &str| Expr::cust(format!("CAST(COALESCE(SUM({e}), 0) AS BIGINT)"));
        let counts = bijeenkomst::Entity::find()
            .select_only()
            .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "aantal")
            .column_as(sum("COALESCE(deelnemers_overheid, 0)"), "overheid")
            .column_as(sum("COALESCE(deelnemers_onderwijs, 0)"), "onderwijs")
            .column_as(
                sum(
                    "COALESCE(deelnemers_totaal, COALESCE(deelnemers_overheid, 0) \
                     + COALESCE(deelnemers_onderwijs, 0))",
                ),
                "totaal",
            )
            .filter(bijeenkomst::Entity::visible_rule(self.principal()).as_filter())
            .filter(condition)
            .into_model::<MeetingCounts>()
            .one(self.conn())
            .await?;
        Ok(counts.unwrap_or_default())
    }
}
