//! The demo vraagstukken, shaped on the seed documents: "in 2022 … zijn 120 vraagstukken
//! belegd". Each of the first 120 demo opdrachten that start in 2022 answers a question of its
//! opdrachtgever, asked in its region and on its themes, proposed to its institution, which
//! answered with interest; matched (`belegd_op`) on the day the opdracht started, and closed
//! where the opdracht is done. A dozen open questions of 2024 show the rest of the process:
//! new, taken up, proposed (with answers), withdrawn, some public; one is a Data/AI question
//! in Midden, for which the ranking of candidates puts HU and UU first. The opdrachten are
//! read, never changed, so their published figures stay as they are.

use super::{SeedReport, moment};
use crate::db::entities::koppelingen::{
    opdracht_thema, vraagstuk_makelaar, vraagstuk_opdracht, vraagstuk_reactie, vraagstuk_regio,
    vraagstuk_thema, vraagstuk_voorlegging,
};
use crate::db::entities::{opdracht, vraagstuk};
use crate::domain::{
    Antwoordsoort, OpdrachtSoort, OpdrachtStatus, Reactie, Regio, VraagstukStatus,
};
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::collections::{HashMap, HashSet};

/// How many questions of 2022 were matched ("belegd"), as the annual report says.
pub const BELEGD_IN_2022: usize = 120;

/// An open question of the demo: owner (afkorting), title, kind of answer, regions, themes,
/// status, whether public, and the institutions (schacHome) it was proposed to with their
/// answers.
struct Open {
    eigenaar: &'static str,
    titel: &'static str,
    antwoordsoort: Antwoordsoort,
    regios: &'static [Regio],
    themas: &'static [&'static str],
    status: VraagstukStatus,
    openbaar: bool,
    voorgelegd: &'static [(&'static str, Option<Reactie>)],
}

const OPEN: &[Open] = &[
    Open {
        eigenaar: "BZK",
        titel: "Algoritmes verantwoord inzetten in de dienstverlening",
        antwoordsoort: Antwoordsoort::Afstudeeropdracht,
        regios: &[Regio::Midden],
        themas: &["DATA_AI"],
        status: VraagstukStatus::Nieuw,
        openbaar: true,
        voorgelegd: &[],
    },
    Open {
        eigenaar: "DUO",
        titel: "Digitale toegankelijkheid van studiefinanciering",
        antwoordsoort: Antwoordsoort::Groepsopdracht,
        regios: &[Regio::Noord, Regio::Oost],
        themas: &["SOFTWAREONTWIKKELING"],
        status: VraagstukStatus::InBehandeling,
        openbaar: true,
        voorgelegd: &[],
    },
    Open {
        eigenaar: "RDW",
        titel: "Weerbaarheid van voertuigsystemen tegen cyberaanvallen",
        antwoordsoort: Antwoordsoort::Onderzoek,
        regios: &[Regio::Noord],
        themas: &["CYBERVEILIGHEID"],
        status: VraagstukStatus::Voorgelegd,
        openbaar: false,
        voorgelegd: &[
            ("rug.nl", Some(Reactie::Interesse)),
            ("hanze.nl", Some(Reactie::GeenInteresse)),
        ],
    },
    Open {
        eigenaar: "NA",
        titel: "Duurzaam toegankelijke archieven van berichtenapps",
        antwoordsoort: Antwoordsoort::Promotietraject,
        regios: &[Regio::West],
        themas: &["INFORMATIEHUISHOUDING"],
        status: VraagstukStatus::Voorgelegd,
        openbaar: true,
        voorgelegd: &[
            ("leidenuniv.nl", None),
            ("uva.nl", Some(Reactie::Interesse)),
        ],
    },
    Open {
        eigenaar: "UWV",
        titel: "Stage: datakwaliteit in de uitkeringsketen",
        antwoordsoort: Antwoordsoort::Stage,
        regios: &[Regio::Midden, Regio::West],
        themas: &["DATA_AI"],
        status: VraagstukStatus::Nieuw,
        openbaar: false,
        voorgelegd: &[],
    },
    Open {
        eigenaar: "POL",
        titel: "Herkenning van deepfakes in aangiftes",
        antwoordsoort: Antwoordsoort::Fieldlab,
        regios: &[Regio::Zuid],
        themas: &["DATA_AI", "CYBERVEILIGHEID"],
        status: VraagstukStatus::InBehandeling,
        openbaar: false,
        voorgelegd: &[],
    },
    Open {
        eigenaar: "BZK",
        titel: "Open source in de rijksdienst",
        antwoordsoort: Antwoordsoort::Groepsopdracht,
        regios: &[Regio::Oost],
        themas: &["SOFTWAREONTWIKKELING"],
        status: VraagstukStatus::Ingetrokken,
        openbaar: false,
        voorgelegd: &[],
    },
];

/// The demo vraagstukken that are missing (by kenmerk).
pub(super) async fn load(
    txn: &DatabaseTransaction,
    ids: &HashMap<&'static str, i32>,
    duos: &HashMap<Regio, Vec<i32>>,
    report: &mut SeedReport,
) -> Result<(), DbErr> {
    let existing: HashSet<String> = vraagstuk::Entity::find()
        .filter(vraagstuk::Column::Kenmerk.like("VS-%"))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|v| v.kenmerk)
        .collect();
    let opdrachten = opdracht::Entity::find()
        .filter(opdracht::Column::ExternId.like("demo-%"))
        .filter(opdracht::Column::Startdatum.gte(NaiveDate::from_ymd_opt(2022, 1, 1)))
        .filter(opdracht::Column::Startdatum.lte(NaiveDate::from_ymd_opt(2022, 12, 31)))
        .order_by_asc(opdracht::Column::Id)
        .all(txn)
        .await?;
    for (i, o) in opdrachten.iter().take(BELEGD_IN_2022).enumerate() {
        let kenmerk = format!("VS-2022-{:03}", i + 1);
        if !existing.contains(&kenmerk) {
            let model = matched(txn, o, kenmerk).await?;
            duo(txn, model, duos, o.regio.as_slice()).await?;
            report.vraagstukken += 1;
        }
    }
    for (i, v) in OPEN.iter().enumerate() {
        let kenmerk = format!("VS-2024-{:03}", i + 1);
        if !existing.contains(&kenmerk) {
            let model = open(txn, ids, v, kenmerk).await?;
            if v.status != VraagstukStatus::Nieuw {
                duo(txn, model, duos, v.regios).await?;
            }
            report.vraagstukken += 1;
        }
    }
    Ok(())
}

/// The question opdracht `o` answers.
async fn matched(
    txn: &DatabaseTransaction,
    o: &opdracht::Model,
    kenmerk: String,
) -> Result<i32, DbErr> {
    let start = o
        .startdatum
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(2022, 1, 1).unwrap());
    let asked = start - chrono::Duration::days(45);
    let status = if o.status == OpdrachtStatus::Afgerond {
        VraagstukStatus::Afgerond
    } else {
        VraagstukStatus::Belegd
    };
    let antwoordsoort = match o.soort {
        OpdrachtSoort::Stage => Antwoordsoort::Stage,
        OpdrachtSoort::Afstudeeropdracht => Antwoordsoort::Afstudeeropdracht,
        OpdrachtSoort::Onderzoek => Antwoordsoort::Onderzoek,
        _ => Antwoordsoort::Groepsopdracht,
    };
    let model = vraagstuk::ActiveModel {
        eigenaar_id: Set(o.opdrachtgever_id),
        titel: Set(format!("Vraag achter: {}", o.naam)),
        kenmerk: Set(Some(kenmerk)),
        omschrijving: Set(o.omschrijving.clone()),
        antwoordsoort: Set(antwoordsoort),
        gewenste_start: Set(Some(start)),
        status: Set(status),
        openbaar: Set(false),
        belegd_op: Set(Some(start)),
        fieldlab_id: Set(o.fieldlab_id),
        lectoraat_id: Set(None),
        contactpersoon_naam: Set(None),
        contactpersoon_email: Set(None),
        aangemaakt_op: Set(moment(asked.year(), asked.month(), asked.day())),
        gewijzigd_op: Set(moment(start.year(), start.month(), start.day())),
        versie: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let themas: Vec<String> = opdracht_thema::Entity::find()
        .filter(opdracht_thema::Column::OpdrachtId.eq(o.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|t| t.thema_code)
        .collect();
    links(
        txn,
        model.id,
        o.regio.into_iter().collect(),
        themas,
        vec![(o.eigenaar_id, Some(Reactie::Interesse))],
    )
    .await?;
    vraagstuk_opdracht::ActiveModel {
        vraagstuk_id: Set(model.id),
        opdracht_id: Set(o.id),
    }
    .insert(txn)
    .await?;
    Ok(model.id)
}

/// Names the duo of the first of `regios` that has one as the handlers of question `id`.
async fn duo(
    txn: &DatabaseTransaction,
    id: i32,
    duos: &HashMap<Regio, Vec<i32>>,
    regios: &[Regio],
) -> Result<(), DbErr> {
    let Some(duo) = regios.iter().find_map(|r| duos.get(r)) else {
        return Ok(());
    };
    for makelaar in duo {
        vraagstuk_makelaar::ActiveModel {
            vraagstuk_id: Set(id),
            kennismakelaar_id: Set(*makelaar),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// An open question of [`OPEN`].
async fn open(
    txn: &DatabaseTransaction,
    ids: &HashMap<&'static str, i32>,
    v: &Open,
    kenmerk: String,
) -> Result<i32, DbErr> {
    let id = |key: &str| {
        ids.get(key).copied().ok_or_else(|| {
            DbErr::Custom(format!("demo vraagstuk names unknown organisation {key}"))
        })
    };
    let model = vraagstuk::ActiveModel {
        eigenaar_id: Set(id(v.eigenaar)?),
        titel: Set(v.titel.to_owned()),
        kenmerk: Set(Some(kenmerk)),
        omschrijving: Set(None),
        antwoordsoort: Set(v.antwoordsoort),
        gewenste_start: Set(NaiveDate::from_ymd_opt(2025, 2, 1)),
        status: Set(v.status),
        openbaar: Set(v.openbaar),
        belegd_op: Set(None),
        fieldlab_id: Set(None),
        lectoraat_id: Set(None),
        contactpersoon_naam: Set(None),
        contactpersoon_email: Set(None),
        aangemaakt_op: Set(moment(2024, 10, 1)),
        gewijzigd_op: Set(moment(2024, 11, 1)),
        versie: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut voorgelegd = Vec::new();
    for (key, reactie) in v.voorgelegd {
        voorgelegd.push((id(key)?, *reactie));
    }
    let themas = v.themas.iter().map(|t| t.to_string()).collect();
    links(txn, model.id, v.regios.to_vec(), themas, voorgelegd).await?;
    Ok(model.id)
}

/// The regions, themes, proposals and answers of question `id`.
async fn links(
    txn: &DatabaseTransaction,
    id: i32,
    regios: Vec<Regio>,
    themas: Vec<String>,
    voorgelegd: Vec<(i32, Option<Reactie>)>,
) -> Result<(), DbErr> {
    for regio in regios {
        vraagstuk_regio::ActiveModel {
            vraagstuk_id: Set(id),
            regio: Set(regio),
        }
        .insert(txn)
        .await?;
    }
    for thema_code in themas {
        vraagstuk_thema::ActiveModel {
            vraagstuk_id: Set(id),
            thema_code: Set(thema_code),
        }
        .insert(txn)
        .await?;
    }
    for (org, reactie) in voorgelegd {
        vraagstuk_voorlegging::ActiveModel {
            vraagstuk_id: Set(id),
            organisatie_id: Set(org),
        }
        .insert(txn)
        .await?;
        if let Some(reactie) = reactie {
            vraagstuk_reactie::ActiveModel {
                vraagstuk_id: Set(id),
                organisatie_id: Set(org),
                reactie: Set(reactie),
                toelichting: Set(None),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}
