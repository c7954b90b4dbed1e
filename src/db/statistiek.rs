//! The figures behind the infographic, counted in SQL (`GROUP BY`) over the opdrachten the
//! caller may see. Nothing here loads rows to count them. Every value of every counted enum is
//! listed, with 0 where no opdracht has it, so a chart has the same categories under any
//! filter.

use super::Scope;
use super::entities::koppelingen::opdracht_thema;
use super::entities::opdracht;
use super::policy::Policy;
use crate::domain::{Onderwijssoort, OpdrachtSoort, OpdrachtStatus, Regio};
use crate::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Select,
};

/// Counts of the visible opdrachten that match a filter. The per-enum counts list every value
/// in the order of its enum, also with 0; `per_regio` ends with `None` (no region recorded).
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
    /// `(year of the start date, status, count)`.
    pub per_jaar: Vec<(i32, OpdrachtStatus, i64)>,
}

fn parse<T: ActiveEnum<Value = String>>(value: String) -> ApiResult<T> {
    T::try_from_value(&value)
        .map_err(|_| ApiError::Internal(format!("unexpected enum value {value} in the database")))
}

/// Every value of `T` (and `None` last) with its count among `rows` of `(stored value, count)`,
/// 0 where `rows` has none.
fn every<T>(rows: Vec<(Option<String>, i64)>) -> ApiResult<Vec<(Option<T>, i64)>>
where
    T: ActiveEnum<Value = String> + sea_orm::Iterable + PartialEq,
{
    let mut counted = Vec::with_capacity(rows.len());
    for (value, count) in rows {
        counted.push((value.map(parse::<T>).transpose()?, count));
    }
    let count_of = |value: &Option<T>| {
        counted
            .iter()
            .filter(|(v, _)| v == value)
            .map(|(_, n)| n)
            .sum()
    };
    Ok(T::iter()
        .map(Some)
        .chain([None])
        .map(|value| {
            let count = count_of(&value);
            (value, count)
        })
        .collect())
}

/// [`every`] for a column that always has a value.
fn every_value<T>(rows: Vec<(Option<String>, i64)>) -> ApiResult<Vec<(T, i64)>>
where
    T: ActiveEnum<Value = String> + sea_orm::Iterable + PartialEq,
{
    Ok(every::<T>(rows)?
        .into_iter()
        .filter_map(|(value, count)| Some((value?, count)))
        .collect())
}

impl Scope {
    fn opdrachten_select(&self, filter: Condition) -> Select<opdracht::Entity> {
        opdracht::Entity::find()
            .filter(opdracht::Entity::visible_rule(self.principal()).as_filter())
            .filter(filter)
    }

    /// Count per value of `column` (an enum column) of the visible opdrachten.
    async fn per_value(
        &self,
        filter: &Condition,
        column: opdracht::Column,
    ) -> ApiResult<Vec<(Option<String>, i64)>> {
        Ok(self
            .opdrachten_select(filter.clone())
            .select_only()
            .column(column)
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .group_by(column)
            .into_tuple::<(Option<String>, i64)>()
            .all(self.conn())
            .await?)
    }

    /// The infographic's opdracht figures for the visible opdrachten matching `filter`.
    pub async fn opdracht_counts(&self, filter: Condition) -> ApiResult<OpdrachtCounts> {
        let (opdrachten, studenten, studenten_in_stage) = self.totals(&filter).await?;
        let mut counts = OpdrachtCounts {
            opdrachten,
            studenten,
            studenten_in_stage,
            ..Default::default()
        };
        self.count_per_enum(&filter, &mut counts).await?;
        counts.per_thema = self.count_per_thema(&filter).await?;
        counts.per_jaar = self.count_per_year(filter).await?;
        Ok(counts)
    }

    /// `(opdrachten, students, students in a stage)` of the visible opdrachten.
    async fn totals(&self, filter: &Condition) -> ApiResult<(i64, i64, i64)> {
        Ok(self
            .opdrachten_select(filter.clone())
            .select_only()
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .column_as(
                Expr::cust("CAST(COALESCE(SUM(aantal_studenten), 0) AS BIGINT)"),
                "studenten",
            )
            .column_as(
                Expr::cust(
                    "CAST(COALESCE(SUM(CASE WHEN soort = 'STAGE' THEN aantal_studenten ELSE 0 END), 0) AS BIGINT)",
                ),
                "stage",
            )
            .into_tuple()
            .one(self.conn())
            .await?
            .unwrap_or_default())
    }

    /// The counts per status, kind of education, kind and region: every value, each in the
    /// order its enum defines (the order of the infographic).
    async fn count_per_enum(
        &self,
        filter: &Condition,
        counts: &mut OpdrachtCounts,
    ) -> ApiResult<()> {
        use opdracht::Column as C;
        counts.per_status = every_value(self.per_value(filter, C::Status).await?)?;
        counts.per_onderwijssoort = every_value(self.per_value(filter, C::Onderwijssoort).await?)?;
        counts.per_soort = every_value(self.per_value(filter, C::Soort).await?)?;
        counts.per_regio = every(self.per_value(filter, C::Regio).await?)?;
        Ok(())
    }

    /// `(theme code, count)` of the visible opdrachten.
    async fn count_per_thema(&self, filter: &Condition) -> ApiResult<Vec<(String, i64)>> {
        let visible_ids = self
            .opdrachten_select(filter.clone())
            .select_only()
            .column(opdracht::Column::Id)
            .into_query();
        Ok(opdracht_thema::Entity::find()
            .filter(opdracht_thema::Column::OpdrachtId.in_subquery(visible_ids))
            .select_only()
            .column(opdracht_thema::Column::ThemaCode)
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .group_by(opdracht_thema::Column::ThemaCode)
            .into_tuple::<(String, i64)>()
            .all(self.conn())
            .await?)
    }

    /// The year of an opdracht's start date, in SQL.
    fn start_year(&self) -> SimpleExpr {
        match self.conn().get_database_backend() {
            DatabaseBackend::Postgres => {
                Expr::cust("CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER)")
            }
            _ => Expr::cust("CAST(strftime('%Y', startdatum) AS INTEGER)"),
        }
    }

    /// The first and the last year in which an opdracht the caller may see starts (any
    /// opdracht, whatever a filter asks: the range of the statistics' `verloop`); `None` when
    /// it sees none with a start date.
    pub async fn start_years(&self) -> ApiResult<Option<(i32, i32)>> {
        let year = self.start_year();
        let (first, last): (Option<i32>, Option<i32>) = self
            .opdrachten_select(Condition::all().add(opdracht::Column::Startdatum.is_not_null()))
            .select_only()
            .column_as(Expr::expr(Func::min(year.clone())), "eerste")
            .column_as(Expr::expr(Func::max(year)), "laatste")
            .into_tuple()
            .one(self.conn())
            .await?
            .unwrap_or_default();
        Ok(first.zip(last))
    }

    /// `(year of the start date, status, count)` of the visible opdrachten with a start date.
    async fn count_per_year(
        &self,
        filter: Condition,
    ) -> ApiResult<Vec<(i32, OpdrachtStatus, i64)>> {
        let year = self.start_year();
        let rows: Vec<(Option<i32>, String, i64)> = self
            .opdrachten_select(filter.add(opdracht::Column::Startdatum.is_not_null()))
            .select_only()
            .column_as(year.clone(), "jaar")
            .column(opdracht::Column::Status)
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .group_by(year)
            .group_by(opdracht::Column::Status)
            .into_tuple()
            .all(self.conn())
            .await?;
        let mut per_year = Vec::with_capacity(rows.len());
        for (year, status, n) in rows {
            if let Some(year) = year {
                per_year.push((year, parse(status)?, n));
            }
        }
        Ok(per_year)
    }
}
