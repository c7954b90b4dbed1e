//! `statistieken`: the figures behind the programme office's infographic, for what the caller
//! may see. Counted in SQL; percentages are derived from those counts.

use super::filters::OpdrachtFilter;
use super::scope;
use super::types::Thema;
use crate::db::entities::{community, fieldlab, organisatie, thema};
use crate::domain::{
    FieldlabStatus, Onderwijssoort, OpdrachtSoort, OpdrachtStatus, OrganisatieSoort, Regio,
};
use async_graphql::{Context, Object, Result, SimpleObject};
use sea_orm::{ColumnTrait, Condition};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct StatistiekQuery;

#[Object]
impl StatistiekQuery {
    /// The partnership in figures. Opdracht figures count the opdrachten the caller may see
    /// that match `filter`; organisation, fieldlab and community figures count the public
    /// catalogue (the number of active fieldlabs only those the caller may read in full).
    async fn statistieken(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only count opdrachten that match every given criterion.")] filter: Option<
            OpdrachtFilter,
        >,
    ) -> Result<Statistieken> {
        let scope = scope(ctx)?;
        let condition = filter.unwrap_or_default().condition(scope).await?;
        let counts = scope.opdracht_counts(condition).await?;
        let of_kind =
            |kind: OrganisatieSoort| Condition::all().add(organisatie::Column::Soort.eq(kind));
        let active = Condition::all()
            .add(fieldlab::Column::Status.eq(FieldlabStatus::Actief))
            .add(scope.meeting::<fieldlab::Entity>(crate::db::Need::Full));
        let themas = scope.themas().await?;
        let share = share_of(counts.opdrachten);
        Ok(Statistieken {
            opdrachten: counts.opdrachten,
            studenten: counts.studenten,
            studenten_in_stage: counts.studenten_in_stage,
            per_status: status_counts(&counts.per_status),
            per_onderwijssoort: counts
                .per_onderwijssoort
                .iter()
                .map(|(onderwijssoort, count)| OnderwijssoortAandeel {
                    onderwijssoort: *onderwijssoort,
                    aantal: *count,
                    percentage: share(*count),
                })
                .collect(),
            per_soort: counts
                .per_soort
                .iter()
                .map(|(soort, count)| SoortAantal {
                    soort: *soort,
                    aantal: *count,
                })
                .collect(),
            per_regio: counts
                .per_regio
                .iter()
                .map(|(regio, count)| RegioAantal {
                    regio: *regio,
                    aantal: *count,
                })
                .collect(),
            per_thema: theme_counts(themas, &counts.per_thema),
            verloop: year_counts(&counts.per_jaar),
            rijkspartners: scope
                .count::<organisatie::Entity>(of_kind(OrganisatieSoort::Rijkspartner))
                .await?,
            kennisinstellingen: scope
                .count::<organisatie::Entity>(of_kind(OrganisatieSoort::Kennisinstelling))
                .await?,
            fieldlabs: scope.count::<fieldlab::Entity>(Condition::all()).await?,
            actieve_fieldlabs: scope.count::<fieldlab::Entity>(active).await?,
            communities: scope.count::<community::Entity>(Condition::all()).await?,
        })
    }
}

/// A count's share of `total`, in percent rounded to one decimal (0 when `total` is 0).
fn share_of(total: i64) -> impl Fn(i64) -> f64 {
    move |n: i64| {
        if total == 0 {
            0.0
        } else {
            (n as f64 * 1000.0 / total as f64).round() / 10.0
        }
    }
}

/// The counts per status.
fn status_counts(counts: &[(OpdrachtStatus, i64)]) -> Vec<StatusAantal> {
    counts
        .iter()
        .map(|(status, count)| StatusAantal {
            status: *status,
            aantal: *count,
        })
        .collect()
}

/// Every theme with its count, also with 0.
fn theme_counts(themas: Vec<thema::Model>, counts: &[(String, i64)]) -> Vec<ThemaAantal> {
    themas
        .into_iter()
        .map(|t| {
            let count = counts
                .iter()
                .find(|(code, _)| *code == t.code)
                .map_or(0, |(_, n)| *n);
            ThemaAantal {
                thema: t.into(),
                aantal: count,
            }
        })
        .collect()
}

/// The counts per year of start date, split by status.
fn year_counts(counts: &[(i32, OpdrachtStatus, i64)]) -> Vec<JaarAantal> {
    let mut by_year: BTreeMap<i32, Vec<StatusAantal>> = BTreeMap::new();
    for (year, status, count) in counts {
        by_year.entry(*year).or_default().push(StatusAantal {
            status: *status,
            aantal: *count,
        });
    }
    by_year
        .into_iter()
        .map(|(year, per_status)| JaarAantal {
            jaar: year,
            aantal: per_status.iter().map(|s| s.aantal).sum(),
            per_status,
        })
        .collect()
}

/// Statistieken: the partnership in figures, as the infographic shows them.
#[derive(SimpleObject)]
pub struct Statistieken {
    /// Number of opdrachten (assignments and internships).
    opdrachten: i64,
    /// Number of students on those opdrachten.
    studenten: i64,
    /// Number of students on internships (opdrachten of soort STAGE).
    studenten_in_stage: i64,
    /// Opdrachten per status.
    per_status: Vec<StatusAantal>,
    /// Opdrachten per kind of education, with their share of all counted opdrachten.
    per_onderwijssoort: Vec<OnderwijssoortAandeel>,
    /// Opdrachten per kind of assignment.
    per_soort: Vec<SoortAantal>,
    /// Opdrachten per theme; an opdracht with two themes counts for both. Every theme is
    /// listed, also with 0.
    per_thema: Vec<ThemaAantal>,
    /// Opdrachten per year of their start date (the "verloop"), split by status.
    verloop: Vec<JaarAantal>,
    /// Opdrachten per region (`regio` null: no region recorded).
    per_regio: Vec<RegioAantal>,
    /// Number of rijkspartners in the partnership.
    rijkspartners: u64,
    /// Number of kennisinstellingen in the partnership.
    kennisinstellingen: u64,
    /// Number of fieldlabs (active, being set up or ended).
    fieldlabs: u64,
    /// Number of active fieldlabs among those the caller may read in full.
    actieve_fieldlabs: u64,
    /// Number of communities.
    communities: u64,
}

/// StatusAantal: the number of opdrachten with a status.
#[derive(SimpleObject)]
pub struct StatusAantal {
    /// The status.
    status: OpdrachtStatus,
    /// Number of opdrachten.
    aantal: i64,
}

/// OnderwijssoortAandeel: the number and share of opdrachten of a kind of education.
#[derive(SimpleObject)]
pub struct OnderwijssoortAandeel {
    /// The kind of education.
    onderwijssoort: Onderwijssoort,
    /// Number of opdrachten.
    aantal: i64,
    /// Share of all counted opdrachten, in percent, rounded to one decimal.
    percentage: f64,
}

/// SoortAantal: the number of opdrachten of a kind.
#[derive(SimpleObject)]
pub struct SoortAantal {
    /// The kind of assignment.
    soort: OpdrachtSoort,
    /// Number of opdrachten.
    aantal: i64,
}

/// ThemaAantal: the number of opdrachten on a theme.
#[derive(SimpleObject)]
pub struct ThemaAantal {
    /// The theme.
    thema: Thema,
    /// Number of opdrachten.
    aantal: i64,
}

/// JaarAantal: the opdrachten that started in a year, split by status.
#[derive(SimpleObject)]
pub struct JaarAantal {
    /// The year.
    jaar: i32,
    /// Number of opdrachten that started that year.
    aantal: i64,
    /// Of which per status.
    per_status: Vec<StatusAantal>,
}

/// RegioAantal: the number of opdrachten in a region.
#[derive(SimpleObject)]
pub struct RegioAantal {
    /// The region; null for opdrachten without one.
    regio: Option<Regio>,
    /// Number of opdrachten.
    aantal: i64,
}
