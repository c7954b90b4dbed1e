//! `statistieken`: the figures behind the programme office's infographic, for what the caller
//! may see. Counted in SQL; percentages are derived from those counts. Only the figures the
//! query selects are counted (the resolver looks ahead into its selection set): a portal that
//! shows the counts per status pays for one `GROUP BY status`, not for the whole infographic.
//!
//! Every category is listed, with 0 where there is none (every status, kind of education, kind,
//! theme and region), and `verloop` lists every year of its range: from the first to the last
//! year in which an opdracht the caller may see starts, whatever the filter (so a filtered
//! chart lines up with the unfiltered one), within the years of the filter's start dates
//! (`startdatumVanaf`, `startdatumTotEnMet`) when it has them. A chart's axes then do not
//! change with the filter, and an empty category reads as 0, not as missing.

use super::filters::OpdrachtFilter;
use super::scope;
use super::types::{Thema, Timestamp};
use crate::auth::Rol;
use crate::db::entities::{community, fieldlab, opdracht, organisatie, thema};
use crate::db::{Breakdowns, MeetingCounts, OpdrachtCounts, Scope, VraagstukCounts};
use crate::domain::{
    BijeenkomstSoort, FieldlabStatus, Onderwijssoort, OpdrachtSoort, OpdrachtStatus,
    OrganisatieSoort, Regio, VraagstukStatus,
};
use crate::error::ApiResult;
use async_graphql::{Context, Lookahead, Object, Result, SimpleObject};
use chrono::Datelike;
use sea_orm::Iterable;
use sea_orm::{ColumnTrait, Condition};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

#[derive(Default)]
pub struct StatistiekQuery;

#[Object]
impl StatistiekQuery {
    /// The partnership in figures. Opdracht figures count the opdrachten the caller may see
    /// that match `filter` (and start in `jaar`); organisation, fieldlab and community figures
    /// count the public catalogue (the number of active fieldlabs only those the caller may
    /// read in full); vraagstuk figures the vraagstukken the caller may see.
    async fn statistieken(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only count opdrachten that match every given criterion.")] filter: Option<
            OpdrachtFilter,
        >,
        #[graphql(
            desc = "One year (1900 to 2999): opdrachten that start in it, organisations with an opdracht running in it, vraagstukken submitted and matched in it."
        )]
        jaar: Option<i32>,
    ) -> Result<Statistieken> {
        let asked = Asked::of(&ctx.look_ahead());
        Ok(figures(scope(ctx)?, &filter.unwrap_or_default(), jaar, &asked).await?)
    }
}

/// The figures `asked` for, of the opdrachten that match `filter` (and start in `jaar`), as
/// `scope`'s caller may see them.
pub(super) async fn figures(
    scope: &Scope,
    filter: &OpdrachtFilter,
    jaar: Option<i32>,
    asked: &Asked,
) -> ApiResult<Statistieken> {
    if let Some(jaar) = jaar.filter(|j| !(1900..=2999).contains(j)) {
        let message = format!("{jaar} is not a year from 1900 to 2999");
        return Err(crate::error::ApiError::bad_input("jaar", message));
    }
    let filtered = filter.condition(scope).await?;
    let mut condition = filtered.clone();
    if let Some(jaar) = jaar {
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(jaar, m, d);
        condition = condition
            .add(opdracht::Column::Startdatum.gte(day(1, 1)))
            .add(opdracht::Column::Startdatum.lte(day(12, 31)));
    }
    let (counts, themas, catalogue, vraagstukken, actieve, programma) = tokio::try_join!(
        scope.opdracht_counts(condition, asked.breakdowns),
        themas(scope, asked.breakdowns.per_thema),
        catalogue_counts(scope, &asked.catalogue),
        if_asked(asked.vraagstukken, scope.vraagstuk_counts(jaar)),
        if_asked(asked.actieve, scope.active_organisations(filtered, jaar)),
        if_asked(asked.programma, scope.programme_counts(jaar)),
    )?;
    let mut years = year_range(counts.start_years, filter);
    if let Some(jaar) = jaar {
        years = *years.start().max(&jaar)..=*years.end().min(&jaar);
    }
    let mut statistieken = Statistieken::new(counts, themas, years, catalogue);
    statistieken.vraagstukken = VraagstukCijfers::from(vraagstukken);
    statistieken.aantal_promotietrajecten = programma.promotietrajecten;
    statistieken.bijeenkomsten = BijeenkomstCijfers::from(programma.bijeenkomsten);
    statistieken.actieve_organisaties = ActieveOrganisaties {
        aantal_rijkspartners: actieve.rijkspartners,
        aantal_kennisinstellingen: actieve.kennisinstellingen,
    };
    Ok(statistieken)
}

/// `figures` when `asked`, the default (zeros) otherwise (without running it).
async fn if_asked<T: Default>(
    asked: bool,
    figures: impl Future<Output = ApiResult<T>>,
) -> ApiResult<T> {
    if asked {
        figures.await
    } else {
        Ok(T::default())
    }
}

/// What a query selects of [`Statistieken`]: only that is counted. The look-ahead ignores
/// `@skip` and `@include`, so it may ask for more than is shown, never for less.
pub(super) struct Asked {
    breakdowns: Breakdowns,
    /// Rijkspartners, kennisinstellingen, fieldlabs, active fieldlabs, communities.
    catalogue: [bool; 5],
    vraagstukken: bool,
    actieve: bool,
    programma: bool,
}

impl Asked {
    /// Every figure: for the published yearly figures.
    pub(super) const ALL: Asked = Asked {
        breakdowns: Breakdowns::ALL,
        catalogue: [true; 5],
        vraagstukken: true,
        actieve: true,
        programma: true,
    };

    pub(super) fn of(selection: &Lookahead<'_>) -> Self {
        let has = |field: &str| selection.field(field).exists();
        Asked {
            vraagstukken: has("vraagstukken"),
            actieve: has("actieveOrganisaties"),
            programma: has("aantalPromotietrajecten") || has("bijeenkomsten"),
            breakdowns: Breakdowns {
                totals: has("aantalOpdrachten")
                    || has("aantalStudenten")
                    || has("aantalStudentenInStage"),
                per_status: has("perStatus"),
                // The percentages are shares of the total.
                per_onderwijssoort: has("perOnderwijssoort"),
                per_soort: has("perSoort"),
                per_regio: has("perRegio"),
                per_thema: has("perThema"),
                per_jaar: has("verloop"),
            },
            catalogue: [
                "aantalRijkspartners",
                "aantalKennisinstellingen",
                "aantalFieldlabs",
                "aantalActieveFieldlabs",
                "aantalCommunities",
            ]
            .map(has),
        }
    }
}

/// All themes when `asked` (the categories of `perThema`).
async fn themas(scope: &Scope, asked: bool) -> ApiResult<Vec<thema::Model>> {
    if asked {
        scope.themas().await
    } else {
        Ok(Vec::new())
    }
}

/// The catalogue's figures, in the order of [`Asked::catalogue`]; 0 where not asked.
async fn catalogue_counts(scope: &Scope, asked: &[bool; 5]) -> ApiResult<[u64; 5]> {
    let of_kind =
        |kind: OrganisatieSoort| Condition::all().add(organisatie::Column::Soort.eq(kind));
    let active = Condition::all()
        .add(fieldlab::Column::Status.eq(FieldlabStatus::Actief))
        .add(scope.meeting::<fieldlab::Entity>(crate::db::Need::Full));
    let counts = tokio::try_join!(
        count_if(
            asked[0],
            scope.count::<organisatie::Entity>(of_kind(OrganisatieSoort::Rijkspartner))
        ),
        count_if(
            asked[1],
            scope.count::<organisatie::Entity>(of_kind(OrganisatieSoort::Kennisinstelling))
        ),
        count_if(asked[2], scope.count::<fieldlab::Entity>(Condition::all())),
        count_if(asked[3], scope.count::<fieldlab::Entity>(active)),
        count_if(asked[4], scope.count::<community::Entity>(Condition::all())),
    )?;
    Ok(counts.into())
}

/// `count` when `asked`, 0 otherwise (without running it).
async fn count_if(asked: bool, count: impl Future<Output = ApiResult<u64>>) -> ApiResult<u64> {
    if asked { count.await } else { Ok(0) }
}

impl Statistieken {
    fn new(
        counts: OpdrachtCounts,
        themas: Vec<thema::Model>,
        years: RangeInclusive<i32>,
        catalogue: [u64; 5],
    ) -> Self {
        let share = share_of(counts.opdrachten);
        let [
            rijkspartners,
            kennisinstellingen,
            fieldlabs,
            actieve_fieldlabs,
            communities,
        ] = catalogue;
        Statistieken {
            aantal_opdrachten: counts.opdrachten,
            aantal_studenten: counts.studenten,
            aantal_studenten_in_stage: counts.studenten_in_stage,
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
                    opdracht_soort: *soort,
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
            verloop: year_counts(years, &counts.per_jaar),
            aantal_rijkspartners: rijkspartners,
            aantal_kennisinstellingen: kennisinstellingen,
            aantal_fieldlabs: fieldlabs,
            aantal_actieve_fieldlabs: actieve_fieldlabs,
            aantal_communities: communities,
            vraagstukken: VraagstukCijfers::default(),
            actieve_organisaties: ActieveOrganisaties::default(),
            aantal_promotietrajecten: 0,
            bijeenkomsten: BijeenkomstCijfers::default(),
        }
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
            opdracht_status: *status,
            aantal: *count,
        })
        .collect()
}

/// The years of `verloop`: those from the first to the last start year of the caller's
/// opdrachten (`start_years`), within the years of the filter's start dates.
fn year_range(start_years: Option<(i32, i32)>, filter: &OpdrachtFilter) -> RangeInclusive<i32> {
    let Some((first, last)) = start_years else {
        return RangeInclusive::new(1, 0);
    };
    let from = filter
        .startdatum_vanaf
        .map_or(first, |d| first.max(d.0.year()));
    let to = filter
        .startdatum_tot_en_met
        .map_or(last, |d| last.min(d.0.year()));
    from..=to
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

/// The counts per year of start date, every year of `years`, split by every status.
fn year_counts(
    years: RangeInclusive<i32>,
    counts: &[(i32, OpdrachtStatus, i64)],
) -> Vec<JaarAantal> {
    years
        .map(|year| {
            let per_status: Vec<(OpdrachtStatus, i64)> = OpdrachtStatus::iter()
                .map(|status| {
                    let count = counts
                        .iter()
                        .filter(|(y, s, _)| *y == year && *s == status)
                        .map(|(_, _, n)| n)
                        .sum();
                    (status, count)
                })
                .collect();
            JaarAantal {
                jaar: year,
                aantal: per_status.iter().map(|(_, n)| n).sum(),
                per_status: status_counts(&per_status),
            }
        })
        .collect()
}

/// Statistieken: the partnership in figures, as the infographic shows them. Every category is
/// listed, with 0 where there is none.
#[derive(SimpleObject, Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Statistieken {
    /// Number of opdrachten (assignments and internships).
    aantal_opdrachten: i64,
    /// Number of students on those opdrachten.
    aantal_studenten: i64,
    /// Number of students on internships (opdrachten of soort STAGE).
    aantal_studenten_in_stage: i64,
    /// Opdrachten per status: every status, in the order of `OpdrachtStatus`, also with 0.
    per_status: Vec<StatusAantal>,
    /// Opdrachten per kind of education, with their share of all counted opdrachten: every
    /// kind, also with 0.
    per_onderwijssoort: Vec<OnderwijssoortAandeel>,
    /// Opdrachten per kind of assignment: every kind, also with 0.
    per_soort: Vec<SoortAantal>,
    /// Opdrachten per theme; an opdracht with two themes counts for both. Every theme is
    /// listed, also with 0.
    per_thema: Vec<ThemaAantal>,
    /// Opdrachten per year of their start date (the "verloop"), split by status. Every year of
    /// the range: from the first to the last year in which an opdracht the caller may see
    /// starts, whatever the filter, within the years of the filter's `startdatumVanaf` and
    /// `startdatumTotEnMet`; empty when the caller sees no opdracht with a start date.
    verloop: Vec<JaarAantal>,
    /// Opdrachten per region: every region, also with 0, and last `regio` null (no region
    /// recorded).
    per_regio: Vec<RegioAantal>,
    /// Number of rijkspartners in the partnership.
    aantal_rijkspartners: u64,
    /// Number of kennisinstellingen in the partnership.
    aantal_kennisinstellingen: u64,
    /// Number of fieldlabs (active, being set up or ended).
    aantal_fieldlabs: u64,
    /// Number of active fieldlabs among those the caller may read in full.
    aantal_actieve_fieldlabs: u64,
    /// Number of communities.
    aantal_communities: u64,
    /// The vraagstukken the caller may see: submitted, per status, matched ("belegd"); with
    /// `jaar`, those submitted and those first matched in that year.
    vraagstukken: VraagstukCijfers,
    /// The organisations with an opdracht the caller may see that matches the filter (with
    /// `jaar`: running in that year): rijkspartners as opdrachtgever, kennisinstellingen as
    /// owner or executing institution.
    actieve_organisaties: ActieveOrganisaties,
    /// Number of PhD tracks of the I-Doctoraat (its promovendi); with `jaar`: started that
    /// year.
    aantal_promotietrajecten: u64,
    /// The meetings (summercourses, kennissessies, werkconferenties, events) and their
    /// participants; with `jaar`: held that year.
    bijeenkomsten: BijeenkomstCijfers,
}

/// BijeenkomstCijfers: the meetings and their participants.
#[derive(SimpleObject, Default, Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct BijeenkomstCijfers {
    /// Number of meetings.
    aantal: i64,
    /// Participants from government (where counted).
    aantal_deelnemers_overheid: i64,
    /// Participants from education (where counted).
    aantal_deelnemers_onderwijs: i64,
    /// All participants: per meeting its recorded total, or else the sum of the two.
    aantal_deelnemers: i64,
    /// Per kind of meeting: every kind, also with 0.
    per_bijeenkomst_soort: Vec<BijeenkomstSoortAantal>,
}

/// BijeenkomstSoortAantal: the meetings of one kind and their participants.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct BijeenkomstSoortAantal {
    /// The kind.
    bijeenkomst_soort: BijeenkomstSoort,
    /// Number of meetings.
    aantal: i64,
    /// Participants from government.
    aantal_deelnemers_overheid: i64,
    /// Participants from education.
    aantal_deelnemers_onderwijs: i64,
    /// All participants.
    aantal_deelnemers: i64,
}

impl From<Vec<(BijeenkomstSoort, MeetingCounts)>> for BijeenkomstCijfers {
    fn from(per_soort: Vec<(BijeenkomstSoort, MeetingCounts)>) -> Self {
        let per_soort: Vec<BijeenkomstSoortAantal> = per_soort
            .into_iter()
            .map(|(bijeenkomst_soort, c)| BijeenkomstSoortAantal {
                bijeenkomst_soort,
                aantal: c.aantal,
                aantal_deelnemers_overheid: c.overheid,
                aantal_deelnemers_onderwijs: c.onderwijs,
                aantal_deelnemers: c.totaal,
            })
            .collect();
        let sum = |f: fn(&BijeenkomstSoortAantal) -> i64| per_soort.iter().map(f).sum();
        BijeenkomstCijfers {
            aantal: sum(|s| s.aantal),
            aantal_deelnemers_overheid: sum(|s| s.aantal_deelnemers_overheid),
            aantal_deelnemers_onderwijs: sum(|s| s.aantal_deelnemers_onderwijs),
            aantal_deelnemers: sum(|s| s.aantal_deelnemers),
            per_bijeenkomst_soort: per_soort,
        }
    }
}

/// VraagstukCijfers: the figures of the vraagstukken.
#[derive(SimpleObject, Default, Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct VraagstukCijfers {
    /// Number of vraagstukken (with `jaar`: submitted that year).
    aantal: u64,
    /// Of which per status now: every status, also with 0.
    per_vraagstuk_status: Vec<VraagstukStatusAantal>,
    /// Number matched ("belegd", also those since closed); with `jaar`: first matched that
    /// year.
    belegd: u64,
}

impl From<VraagstukCounts> for VraagstukCijfers {
    fn from(c: VraagstukCounts) -> Self {
        VraagstukCijfers {
            aantal: c.aantal,
            per_vraagstuk_status: c
                .per_status
                .into_iter()
                .map(|(vraagstuk_status, aantal)| VraagstukStatusAantal {
                    vraagstuk_status,
                    aantal,
                })
                .collect(),
            belegd: c.belegd,
        }
    }
}

/// VraagstukStatusAantal: the number of vraagstukken with a status.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct VraagstukStatusAantal {
    /// The status.
    vraagstuk_status: VraagstukStatus,
    /// Number of vraagstukken.
    aantal: u64,
}

/// ActieveOrganisaties: the organisations active in the partnership (with an opdracht).
#[derive(SimpleObject, Default, Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ActieveOrganisaties {
    /// Rijkspartners that are opdrachtgever of such an opdracht.
    aantal_rijkspartners: i64,
    /// Kennisinstellingen that own or carry out such an opdracht.
    aantal_kennisinstellingen: i64,
}

/// StatusAantal: the number of opdrachten with a status.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct StatusAantal {
    /// The status.
    opdracht_status: OpdrachtStatus,
    /// Number of opdrachten.
    aantal: i64,
}

/// OnderwijssoortAandeel: the number and share of opdrachten of a kind of education.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct OnderwijssoortAandeel {
    /// The kind of education.
    onderwijssoort: Onderwijssoort,
    /// Number of opdrachten.
    aantal: i64,
    /// Share of all counted opdrachten, in percent, rounded to one decimal.
    percentage: f64,
}

/// SoortAantal: the number of opdrachten of a kind.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct SoortAantal {
    /// The kind of assignment.
    opdracht_soort: OpdrachtSoort,
    /// Number of opdrachten.
    aantal: i64,
}

/// ThemaAantal: the number of opdrachten on a theme.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct ThemaAantal {
    /// The theme.
    thema: Thema,
    /// Number of opdrachten.
    aantal: i64,
}

/// JaarAantal: the opdrachten that started in a year, split by status.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct JaarAantal {
    /// The year.
    jaar: i32,
    /// Number of opdrachten that started that year.
    aantal: i64,
    /// Of which per status.
    per_status: Vec<StatusAantal>,
}

/// RegioAantal: the number of opdrachten in a region.
#[derive(SimpleObject, Clone, Debug, Serialize, Deserialize)]
pub struct RegioAantal {
    /// The region; null for opdrachten without one.
    regio: Option<Regio>,
    /// Number of opdrachten.
    aantal: i64,
}

/// Jaarcijfers: the programme's figures of one year, as published (fixed) or, for the
/// programme office before publication, as they are now.
#[derive(SimpleObject)]
pub struct Jaarcijfers {
    /// The year.
    jaar: i32,
    /// Whether the figures are published (fixed from then on, and public).
    gepubliceerd: bool,
    /// When they were published; null before.
    gepubliceerd_op: Option<Timestamp>,
    /// The figures: as `statistieken(jaar:)` gave them to the programme office when published,
    /// unchanged since; before that, as they are now.
    cijfers: Statistieken,
}

impl Jaarcijfers {
    fn published(row: crate::db::entities::jaarcijfer::Model) -> ApiResult<Self> {
        let cijfers = serde_json::from_str(&row.cijfers).map_err(|e| {
            crate::error::ApiError::Internal(format!(
                "the figures of {} do not read: {e}",
                row.jaar
            ))
        })?;
        Ok(Jaarcijfers {
            jaar: row.jaar,
            gepubliceerd: true,
            gepubliceerd_op: Some(Timestamp(row.gepubliceerd_op)),
            cijfers,
        })
    }
}

#[derive(Default)]
pub struct JaarcijfersQuery;

#[Object]
impl JaarcijfersQuery {
    /// The figures of a year: once published, the same for everyone and unchanged whatever
    /// the data becomes; before that, only for the programme office (as they are now), null
    /// for everyone else.
    async fn jaarcijfers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year (1900 to 2999).")] jaar: i32,
    ) -> Result<Option<Jaarcijfers>> {
        let scope = scope(ctx)?;
        if let Some(row) = scope.jaarcijfers(jaar).await? {
            return Ok(Some(Jaarcijfers::published(row)?));
        }
        if !scope
            .principal()
            .is_some_and(|p| p.rol == Rol::Programmabureau)
        {
            return Ok(None);
        }
        let cijfers = figures(scope, &OpdrachtFilter::default(), Some(jaar), &Asked::ALL).await?;
        Ok(Some(Jaarcijfers {
            jaar,
            gepubliceerd: false,
            gepubliceerd_op: None,
            cijfers,
        }))
    }
}

#[derive(Default)]
pub struct JaarcijfersMutation;

#[Object]
impl JaarcijfersMutation {
    /// Publishes the figures of a year that has begun: they are counted now, over all data,
    /// stored, and from then on returned unchanged by `jaarcijfers(jaar:)`, to everyone. Once
    /// per year (`CONFLICT` after). Needs the role programmabureau.
    async fn publiceer_jaarcijfers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year, from 1900 to the current year.")] jaar: i32,
    ) -> Result<Jaarcijfers> {
        let now = chrono::Utc::now().year();
        if !(1900..=now).contains(&jaar) {
            let message = format!("{jaar} is not a year from 1900 to {now}");
            return Err(crate::error::ApiError::bad_input("jaar", message).into());
        }
        let scope = scope(ctx)?;
        let mut session = scope.write_session("publiceerJaarcijfers").await?;
        session.may_publish()?;
        let cijfers = figures(scope, &OpdrachtFilter::default(), Some(jaar), &Asked::ALL).await?;
        let json = serde_json::to_string(&cijfers)
            .map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
        let row = session.publish_jaarcijfers(jaar, json).await?;
        session.commit().await?;
        Ok(Jaarcijfers::published(row)?)
    }
}
