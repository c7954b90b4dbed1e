//! The demo's PhD tracks and meetings, from the seed documents: "in 2023 zijn er 13
//! promovendi gestart bij het Rijk" on Data/AI, Cybersecurity, IT-Change and
//! Informatiehuishouding; the four-day cybersecurity course with Universiteit Twente (March to
//! April 2023) and the two-day Data/AI summercourse with Universiteit Utrecht (September 2023),
//! "het totaal aantal overheidsdeelnemers was 50" (split 25 and 25 here: the documents give
//! the total only); the IHH werkconferentie of June 2023 with 220 participants from government
//! and education (a total, not split); the iBestuur event of 13 September 2023; and the Open
//! Donderdagen, the Innovatiedag of IenW and the Purple Nectar event of Defensie, which the
//! documents name without a date (the demo puts them in 2023). The candidates' names are not
//! in the documents, and not in the demo.

use super::{SeedReport, moment};
use crate::db::entities::koppelingen::{bijeenkomst_partner, bijeenkomst_thema};
use crate::db::entities::{bijeenkomst, promotietraject};
use crate::domain::{BijeenkomstSoort, PromotieStatus};
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, DbErr, EntityTrait};
use std::collections::{HashMap, HashSet};

/// The 13 tracks of 2023: title, university (schacHome), host (afkorting), theme.
const PROMOTIES: &[(&str, &str, &str, &str)] = &[
    ("Uitlegbare AI in de toeslagen", "uva.nl", "FIN", "DATA_AI"),
    (
        "Eerlijke risicomodellen bij uitvoeringsorganisaties",
        "eur.nl",
        "UWV",
        "DATA_AI",
    ),
    (
        "Taalmodellen voor wetgevingsanalyse",
        "leidenuniv.nl",
        "BZK",
        "DATA_AI",
    ),
    (
        "Federatief datadelen in het onderwijs",
        "uu.nl",
        "DUO",
        "DATA_AI",
    ),
    (
        "Zero trust in de rijksdienst",
        "utwente.nl",
        "BZK",
        "CYBERVEILIGHEID",
    ),
    (
        "Detectie van ransomware in vitale netwerken",
        "tudelft.nl",
        "JenV",
        "CYBERVEILIGHEID",
    ),
    (
        "Cyberweerbaarheid van voertuigketens",
        "tue.nl",
        "RDW",
        "CYBERVEILIGHEID",
    ),
    (
        "Digitale forensiek op schaal",
        "ru.nl",
        "POL",
        "CYBERVEILIGHEID",
    ),
    (
        "Wendbare IT-organisaties bij het Rijk",
        "vu.nl",
        "BZK",
        "IT_CHANGE",
    ),
    (
        "Legacy-modernisering in de uitvoering",
        "rug.nl",
        "UWV",
        "IT_CHANGE",
    ),
    (
        "Archiveren van chatberichten",
        "uva.nl",
        "NA",
        "INFORMATIEHUISHOUDING",
    ),
    (
        "Metadata voor actieve openbaarmaking",
        "leidenuniv.nl",
        "NA",
        "INFORMATIEHUISHOUDING",
    ),
    (
        "Informatiehuishouding en de Woo",
        "uu.nl",
        "BZK",
        "INFORMATIEHUISHOUDING",
    ),
];

/// A meeting of the seed documents.
struct Meeting {
    naam: &'static str,
    soort: BijeenkomstSoort,
    /// afkorting or schacHome; `None` for the programme office.
    organisator: Option<&'static str>,
    partners: &'static [&'static str],
    datum: (i32, u32, u32),
    einddatum: Option<(i32, u32, u32)>,
    thema: &'static str,
    overheid: Option<i32>,
    totaal: Option<i32>,
}

const MEETINGS: &[Meeting] = &[
    Meeting {
        naam: "Cursus cybersecurity (vier dagen)",
        soort: BijeenkomstSoort::Summercourse,
        organisator: None,
        partners: &["utwente.nl"],
        datum: (2023, 3, 16),
        einddatum: Some((2023, 4, 13)),
        thema: "CYBERVEILIGHEID",
        overheid: Some(25),
        totaal: None,
    },
    Meeting {
        naam: "Summercourse Data/AI",
        soort: BijeenkomstSoort::Summercourse,
        organisator: None,
        partners: &["uu.nl"],
        datum: (2023, 9, 21),
        einddatum: Some((2023, 9, 22)),
        thema: "DATA_AI",
        overheid: Some(25),
        totaal: None,
    },
    Meeting {
        naam: "Werkconferentie Informatiehuishouding",
        soort: BijeenkomstSoort::Werkconferentie,
        organisator: None,
        partners: &["fontys.nl"],
        datum: (2023, 6, 8),
        einddatum: None,
        thema: "INFORMATIEHUISHOUDING",
        overheid: None,
        totaal: Some(220),
    },
    Meeting {
        naam: "iBestuur event",
        soort: BijeenkomstSoort::Evenement,
        organisator: None,
        partners: &[],
        datum: (2023, 9, 13),
        einddatum: None,
        thema: "DATA_AI",
        overheid: None,
        totaal: None,
    },
    Meeting {
        naam: "Open Donderdag Informatiehuishouding",
        soort: BijeenkomstSoort::Kennissessie,
        organisator: Some("NA"),
        partners: &[],
        datum: (2023, 11, 2),
        einddatum: None,
        thema: "INFORMATIEHUISHOUDING",
        overheid: None,
        totaal: None,
    },
    Meeting {
        naam: "Innovatiedag IenW",
        soort: BijeenkomstSoort::Evenement,
        organisator: Some("IenW"),
        partners: &[],
        datum: (2023, 10, 5),
        einddatum: None,
        thema: "PROCESOPTIMALISATIE",
        overheid: None,
        totaal: None,
    },
    Meeting {
        naam: "Purple Nectar event",
        soort: BijeenkomstSoort::Evenement,
        organisator: Some("DEF"),
        partners: &[],
        datum: (2023, 5, 25),
        einddatum: None,
        thema: "CYBERVEILIGHEID",
        overheid: None,
        totaal: None,
    },
];

/// Loads the tracks and meetings that are missing (by name).
pub(super) async fn load(
    txn: &DatabaseTransaction,
    ids: &HashMap<&'static str, i32>,
    programmabureau: i32,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    let id = |key: &str| {
        ids.get(key)
            .copied()
            .ok_or_else(|| DbErr::Custom(format!("demo data names unknown organisation {key}")))
    };
    report.promotietrajecten += tracks(txn, &id).await?;
    report.bijeenkomsten += meetings(txn, &id, programmabureau).await?;
    Ok(())
}

/// The organisation id of a key of the data file.
type Ids<'a> = dyn Fn(&str) -> Result<i32, DbErr> + Send + Sync + 'a;

async fn tracks(txn: &DatabaseTransaction, id: &Ids<'_>) -> Result<usize, DbErr> {
    let existing: HashSet<String> = promotietraject::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.naam)
        .collect();
    let mut added = 0;
    for (naam, universiteit, gastheer, thema) in PROMOTIES {
        if existing.contains(*naam) {
            continue;
        }
        promotietraject::ActiveModel {
            eigenaar_id: Set(id(universiteit)?),
            gastheer_id: Set(id(gastheer)?),
            naam: Set((*naam).to_owned()),
            thema_code: Set((*thema).to_owned()),
            startjaar: Set(2023),
            status: Set(PromotieStatus::Lopend),
            promovendus: Set(None),
            beschrijving: Set(None),
            contactpersoon_naam: Set(None),
            contactpersoon_email: Set(None),
            aangemaakt_op: Set(moment(2023, 9, 1)),
            gewijzigd_op: Set(moment(2023, 9, 1)),
            versie: Set(1),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        added += 1;
    }
    Ok(added)
}

async fn meetings(
    txn: &DatabaseTransaction,
    id: &Ids<'_>,
    programmabureau: i32,
) -> Result<usize, DbErr> {
    let existing: HashSet<String> = bijeenkomst::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|b| b.naam)
        .collect();
    let mut added = 0;
    for m in MEETINGS.iter().filter(|m| !existing.contains(m.naam)) {
        let organisator = match m.organisator {
            Some(key) => id(key)?,
            None => programmabureau,
        };
        let row = meeting(m, organisator).insert(txn).await?;
        bijeenkomst_thema::ActiveModel {
            bijeenkomst_id: Set(row.id),
            thema_code: Set(m.thema.to_owned()),
        }
        .insert(txn)
        .await?;
        for partner in m.partners {
            bijeenkomst_partner::ActiveModel {
                bijeenkomst_id: Set(row.id),
                organisatie_id: Set(id(partner)?),
            }
            .insert(txn)
            .await?;
        }
        added += 1;
    }
    Ok(added)
}

/// The row of meeting `m`, organised by `organisator`.
fn meeting(m: &Meeting, organisator: i32) -> bijeenkomst::ActiveModel {
    let day = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    let (y, mo, d) = m.datum;
    bijeenkomst::ActiveModel {
        eigenaar_id: Set(organisator),
        naam: Set(m.naam.to_owned()),
        soort: Set(m.soort),
        datum: Set(day(m.datum)),
        einddatum: Set(m.einddatum.map(day)),
        plaats: Set(None),
        beschrijving: Set(None),
        deelnemers_overheid: Set(m.overheid),
        deelnemers_onderwijs: Set(None),
        deelnemers_totaal: Set(m.totaal),
        contactpersoon_naam: Set(None),
        contactpersoon_email: Set(None),
        aangemaakt_op: Set(moment(y, mo, d)),
        gewijzigd_op: Set(moment(y, mo, d)),
        versie: Set(1),
        ..Default::default()
    }
}
