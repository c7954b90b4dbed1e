//! The figures behind the infographic, counted in SQL (`GROUP BY`) over the opdrachten the
//! caller may see. Nothing here loads rows to count them.

use super::Scope;
use super::entities::koppelingen::opdracht_thema;
use super::entities::opdracht;
use super::policy::Policy;
use crate::domain::{Onderwijssoort, OpdrachtSoort, OpdrachtStatus, Regio};
use crate::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Select,
};

/// Counts of the visible opdrachten that match a filter.
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
        let totalen: (i64, i64, i64) = self
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
            .unwrap_or_default();

        let enums = |rows: Vec<(Option<String>, i64)>| rows.into_iter();
        let mut cijfers = OpdrachtCounts {
            opdrachten: totalen.0,
            studenten: totalen.1,
            studenten_in_stage: totalen.2,
            ..Default::default()
        };
        for (v, n) in enums(self.per_value(&filter, opdracht::Column::Status).await?) {
            cijfers.per_status.push((parse(v.unwrap_or_default())?, n));
        }
        for (v, n) in enums(
            self.per_value(&filter, opdracht::Column::Onderwijssoort)
                .await?,
        ) {
            cijfers
                .per_onderwijssoort
                .push((parse(v.unwrap_or_default())?, n));
        }
        for (v, n) in enums(self.per_value(&filter, opdracht::Column::Soort).await?) {
            cijfers.per_soort.push((parse(v.unwrap_or_default())?, n));
        }
        for (v, n) in enums(self.per_value(&filter, opdracht::Column::Regio).await?) {
            cijfers.per_regio.push((v.map(parse).transpose()?, n));
        }

        // Enum groups in the order the enums define (the order of the infographic).
        fn position<T: PartialEq + sea_orm::Iterable>(v: &T) -> usize {
            T::iter().position(|x| x == *v).unwrap_or(usize::MAX)
        }
        cijfers.per_status.sort_by_key(|(v, _)| position(v));
        cijfers.per_onderwijssoort.sort_by_key(|(v, _)| position(v));
        cijfers.per_soort.sort_by_key(|(v, _)| position(v));
        cijfers
            .per_regio
            .sort_by_key(|(v, _)| v.as_ref().map_or(usize::MAX, position));

        let zichtbare_ids = self
            .opdrachten_select(filter.clone())
            .select_only()
            .column(opdracht::Column::Id)
            .into_query();
        cijfers.per_thema = opdracht_thema::Entity::find()
            .filter(opdracht_thema::Column::OpdrachtId.in_subquery(zichtbare_ids))
            .select_only()
            .column(opdracht_thema::Column::ThemaCode)
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .group_by(opdracht_thema::Column::ThemaCode)
            .into_tuple::<(String, i64)>()
            .all(self.conn())
            .await?;

        let jaar: SimpleExpr = match self.conn().get_database_backend() {
            DatabaseBackend::Postgres => {
                Expr::cust("CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER)")
            }
            _ => Expr::cust("CAST(strftime('%Y', startdatum) AS INTEGER)"),
        };
        let rows: Vec<(Option<i32>, String, i64)> = self
            .opdrachten_select(filter.add(opdracht::Column::Startdatum.is_not_null()))
            .select_only()
            .column_as(jaar.clone(), "jaar")
            .column(opdracht::Column::Status)
            .column_as(Expr::cust("COUNT(*)"), "aantal")
            .group_by(jaar)
            .group_by(opdracht::Column::Status)
            .into_tuple()
            .all(self.conn())
            .await?;
        for (jaar, status, n) in rows {
            if let Some(jaar) = jaar {
                cijfers.per_jaar.push((jaar, parse(status)?, n));
            }
        }
        Ok(cijfers)
    }
}
