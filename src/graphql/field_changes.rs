//! The changed fields of a change log entry (`Veldwijziging`) as the schema names them.
//!
//! The log keeps a record's snapshot as the database has it: column names (`opdrachtgeverId`,
//! `status`, `contactpersoonNaam`) and row numbers. A client knows the schema: its field names
//! (`opdrachtgever`, `opdrachtStatus`, `contactpersoon.naam`) and global ids. The log is
//! translated when it is read, not when it is written: it stays a plain record of the rows
//! (the feed's audience is computed from the stored row numbers), and entries written before
//! a rename read like new ones.
//!
//! Each record type lists the snapshot keys whose name or value differs in the schema; every
//! other key (`naam`, `regio`, `themas`, ...) is already the field's name, with its value as
//! the schema has it.

use super::id::GlobalId;
use super::loaders;
use super::loaders::OrganisatieById;
use super::organisaties::typename;
use crate::domain::RecordType;
use async_graphql::{Context, Result};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What a snapshot value holds.
#[derive(Clone, Copy)]
enum Holds {
    /// The value as it is.
    Plain,
    /// The row number of an organisation.
    Organisation,
    /// The row number of a record of this GraphQL type.
    Record(&'static str),
    /// A list of row numbers of organisations.
    Organisations,
    /// A list of row numbers of records of this GraphQL type.
    Records(&'static str),
    /// A fieldlab's participants: `{organisatie, rol}` objects.
    Participants,
    /// A vraagstuk's answers: `{organisatie, reactie, toelichting}` objects.
    Answers,
}

/// A snapshot key, its field in the schema and what its value holds.
type Key = (&'static str, &'static str, Holds);

/// The contact person, which every record type has.
const CONTACT: &[Key] = &[
    ("contactpersoonNaam", "contactpersoon.naam", Holds::Plain),
    ("contactpersoonEmail", "contactpersoon.email", Holds::Plain),
];

/// The keys of a record type whose name or value differs in the schema.
fn keys(record_type: RecordType) -> &'static [Key] {
    use Holds::*;
    match record_type {
        RecordType::Opdracht => &[
            ("eigenaarId", "eigenaar", Organisation),
            ("opdrachtgeverId", "opdrachtgever", Organisation),
            ("uitvoerders", "uitvoerders", Organisations),
            ("fieldlabId", "fieldlab", Record("Fieldlab")),
            ("lectoraatId", "lectoraat", Record("Lectoraat")),
            ("minorId", "minor", Record("Minor")),
            ("vraagstukId", "vraagstuk", Record("Vraagstuk")),
            ("soort", "opdrachtSoort", Plain),
            ("status", "opdrachtStatus", Plain),
        ],
        RecordType::Fieldlab => &[
            ("eigenaarId", "penvoerder", Organisation),
            ("deelnemers", "deelnemers", Participants),
            ("status", "fieldlabStatus", Plain),
        ],
        RecordType::Lectoraat => &[
            ("eigenaarId", "instelling", Organisation),
            ("partners", "partners", Organisations),
            ("fieldlabs", "fieldlabs", Records("Fieldlab")),
            ("soort", "lectoraatSoort", Plain),
        ],
        RecordType::Minor => &[
            ("eigenaarId", "instelling", Organisation),
            ("partners", "partners", Organisations),
            ("soort", "minorSoort", Plain),
        ],
        RecordType::Community => &[
            ("eigenaarId", "eigenaar", Organisation),
            ("leden", "leden", Organisations),
            ("status", "communityStatus", Plain),
        ],
        RecordType::Vraagstuk => &[
            ("eigenaarId", "vraagsteller", Organisation),
            ("status", "vraagstukStatus", Plain),
            ("fieldlabId", "fieldlab", Record("Fieldlab")),
            ("lectoraatId", "lectoraat", Record("Lectoraat")),
            ("voorgelegdAan", "voorgelegdAan", Organisations),
            ("opdrachten", "opdrachten", Records("Opdracht")),
            ("reacties", "reacties", Answers),
            ("makelaars", "makelaars", Records("Kennismakelaar")),
            (
                "promotietrajectId",
                "promotietraject",
                Record("Promotietraject"),
            ),
        ],
        RecordType::Promotietraject => &[
            ("eigenaarId", "universiteit", Organisation),
            ("gastheerId", "gastheer", Organisation),
            ("themaCode", "thema", Plain),
            ("status", "promotieStatus", Plain),
        ],
        RecordType::Bijeenkomst => &[
            ("eigenaarId", "organisator", Organisation),
            ("partners", "partners", Organisations),
            ("soort", "bijeenkomstSoort", Plain),
        ],
        RecordType::Kennismakelaar => &[("eigenaarId", "werkgever", Organisation)],
        RecordType::Organisatie => &[
            ("parentId", "moederorganisatie", Organisation),
            ("soort", "organisatieSoort", Plain),
        ],
    }
}

/// The schema's name of snapshot key `key` of `record_type`, and what its value holds.
fn field_of(record_type: RecordType, key: &str) -> (String, Holds) {
    keys(record_type)
        .iter()
        .chain(CONTACT)
        .find(|(k, _, _)| *k == key)
        .map_or((key.to_owned(), Holds::Plain), |(_, field, holds)| {
            ((*field).to_owned(), *holds)
        })
}

/// The changed fields of an entry of `record_type` as the schema names them, with their
/// values before and after (`voor`, `na`: the stored snapshots, JSON objects), in the order of
/// their names.
pub async fn translate(
    ctx: &Context<'_>,
    record_type: RecordType,
    voor: &Map<String, Value>,
    na: &Map<String, Value>,
) -> Result<Vec<(String, Option<Value>, Option<Value>)>> {
    let keys: BTreeSet<&String> = voor.keys().chain(na.keys()).collect();
    let fields: Vec<(&String, String, Holds)> = keys
        .into_iter()
        .map(|key| {
            let (field, holds) = field_of(record_type, key);
            (key, field, holds)
        })
        .collect();
    let organisations = organisation_ids(ctx, &fields, voor, na).await?;
    let value = |v: Option<&Value>, holds| v.map(|v| global(v, holds, &organisations));
    let mut out: Vec<_> = fields
        .iter()
        .map(|(key, field, holds)| {
            (
                field.clone(),
                value(voor.get(*key), *holds),
                value(na.get(*key), *holds),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The global ids of the organisations the entry refers to, by row number (an organisation's
/// id names its kind, which the row says).
async fn organisation_ids(
    ctx: &Context<'_>,
    fields: &[(&String, String, Holds)],
    voor: &Map<String, Value>,
    na: &Map<String, Value>,
) -> Result<BTreeMap<i64, Value>> {
    let mut rows = BTreeSet::new();
    for (key, _, holds) in fields {
        for value in [voor.get(*key), na.get(*key)].into_iter().flatten() {
            organisation_rows(value, *holds, &mut rows);
        }
    }
    let loaders = loaders(ctx)?;
    let found = futures_util::future::join_all(rows.iter().map(|row| {
        let row = i32::try_from(*row).unwrap_or_default();
        loaders.load(OrganisatieById::new(row))
    }))
    .await;
    let mut ids = BTreeMap::new();
    for (row, organisation) in rows.into_iter().zip(found) {
        if let Some(organisation) = organisation? {
            let id = GlobalId::encode(typename(&organisation), organisation.id());
            ids.insert(row, Value::from(id.to_string()));
        }
    }
    Ok(ids)
}

/// Collects the organisation row numbers in a snapshot value.
fn organisation_rows(value: &Value, holds: Holds, rows: &mut BTreeSet<i64>) {
    match (holds, value) {
        (Holds::Organisation, Value::Number(n)) => rows.extend(n.as_i64()),
        (Holds::Organisations, Value::Array(list)) => {
            rows.extend(list.iter().filter_map(Value::as_i64))
        }
        (Holds::Participants | Holds::Answers, Value::Array(list)) => rows.extend(
            list.iter()
                .filter_map(|p| p.get("organisatie").and_then(Value::as_i64)),
        ),
        _ => {}
    }
}

/// A snapshot value with its row numbers as global ids (lists sorted by id, so that their
/// order says nothing about the rows).
fn global(value: &Value, holds: Holds, organisations: &BTreeMap<i64, Value>) -> Value {
    let organisation = |v: &Value| {
        v.as_i64()
            .and_then(|n| organisations.get(&n).cloned())
            .unwrap_or(Value::Null)
    };
    let record = |typename: &str, v: &Value| {
        v.as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map_or(Value::Null, |n| {
                Value::from(GlobalId::encode(typename, n).to_string())
            })
    };
    let sorted = |mut list: Vec<Value>| {
        list.sort_by_key(Value::to_string);
        Value::Array(list)
    };
    match (holds, value) {
        (Holds::Plain, v) | (_, v @ Value::Null) => v.clone(),
        (Holds::Organisation, v) => organisation(v),
        (Holds::Record(typename), v) => record(typename, v),
        (Holds::Organisations, Value::Array(list)) => {
            sorted(list.iter().map(organisation).collect())
        }
        (Holds::Records(typename), Value::Array(list)) => {
            sorted(list.iter().map(|v| record(typename, v)).collect())
        }
        (Holds::Participants, Value::Array(list)) => sorted(
            list.iter()
                .map(|p| {
                    serde_json::json!({
                        "organisatie": organisation(&p["organisatie"]),
                        "deelnemerRol": p["rol"],
                    })
                })
                .collect(),
        ),
        (Holds::Answers, Value::Array(list)) => sorted(
            list.iter()
                .map(|a| {
                    serde_json::json!({
                        "instelling": organisation(&a["organisatie"]),
                        "reactie": a["reactie"],
                        "toelichting": a["toelichting"],
                    })
                })
                .collect(),
        ),
        (_, v) => v.clone(),
    }
}
