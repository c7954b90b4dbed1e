//! The demo kennismakelaars: the programme works "in duo's: een kennismakelaar uit het hoger
//! onderwijs en uit de Rijksoverheid", one duo per region group. Three duos: Noord and Oost
//! (Rijksuniversiteit Groningen and DUO, both in Groningen), Midden (Hogeschool Utrecht and
//! BZK) and West (Universiteit Leiden and Justitie en Veiligheid). The people are invented.

use super::{SeedReport, moment};
use crate::db::entities::kennismakelaar;
use crate::db::entities::koppelingen::kennismakelaar_regio;
use crate::domain::{Kant, Regio};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, DbErr, EntityTrait};
use std::collections::{HashMap, HashSet};

/// A demo kennismakelaar: organisation (schacHome or afkorting), side, name, regions.
struct Makelaar {
    organisatie: &'static str,
    kant: Kant,
    naam: &'static str,
    regios: &'static [Regio],
}

const MAKELAARS: &[Makelaar] = &[
    Makelaar {
        organisatie: "rug.nl",
        kant: Kant::Onderwijs,
        naam: "Marieke Veenstra",
        regios: &[Regio::Noord, Regio::Oost],
    },
    Makelaar {
        organisatie: "DUO",
        kant: Kant::Overheid,
        naam: "Jeroen Mulder",
        regios: &[Regio::Noord, Regio::Oost],
    },
    Makelaar {
        organisatie: "hu.nl",
        kant: Kant::Onderwijs,
        naam: "Fatima el Amrani",
        regios: &[Regio::Midden],
    },
    Makelaar {
        organisatie: "BZK",
        kant: Kant::Overheid,
        naam: "Pieter de Graaf",
        regios: &[Regio::Midden],
    },
    Makelaar {
        organisatie: "leidenuniv.nl",
        kant: Kant::Onderwijs,
        naam: "Sophie van Dijk",
        regios: &[Regio::West],
    },
    Makelaar {
        organisatie: "JenV",
        kant: Kant::Overheid,
        naam: "Ruben Koster",
        regios: &[Regio::West],
    },
];

/// The duo of each region, by the entries' ids: the demo kennismakelaars, those that are
/// missing (by name) added.
pub(super) async fn load(
    txn: &DatabaseTransaction,
    ids: &HashMap<&'static str, i32>,
    report: &mut SeedReport,
) -> Result<HashMap<Regio, Vec<i32>>, DbErr> {
    let existing: HashMap<String, i32> = kennismakelaar::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.contactpersoon_naam?, m.id)))
        .collect();
    let mut duos: HashMap<Regio, Vec<i32>> = HashMap::new();
    for m in MAKELAARS {
        let id = match existing.get(m.naam) {
            Some(id) => *id,
            None => {
                report.kennismakelaars += 1;
                add(txn, ids, m).await?
            }
        };
        for regio in m.regios {
            duos.entry(*regio).or_default().push(id);
        }
    }
    Ok(duos)
}

async fn add(
    txn: &DatabaseTransaction,
    ids: &HashMap<&'static str, i32>,
    m: &Makelaar,
) -> Result<i32, DbErr> {
    let eigenaar = ids.get(m.organisatie).copied().ok_or_else(|| {
        DbErr::Custom(format!("demo kennismakelaar of unknown {}", m.organisatie))
    })?;
    let email: String = m
        .naam
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(".");
    let model = kennismakelaar::ActiveModel {
        eigenaar_id: Set(eigenaar),
        kant: Set(m.kant),
        contactpersoon_naam: Set(Some(m.naam.to_owned())),
        contactpersoon_email: Set(Some(format!("{email}@kennismakelaars.example"))),
        aangemaakt_op: Set(moment(2022, 1, 10)),
        gewijzigd_op: Set(moment(2022, 1, 10)),
        versie: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let regios: HashSet<Regio> = m.regios.iter().copied().collect();
    for regio in regios {
        kennismakelaar_regio::ActiveModel {
            kennismakelaar_id: Set(model.id),
            regio: Set(regio),
        }
        .insert(txn)
        .await?;
    }
    Ok(model.id)
}
