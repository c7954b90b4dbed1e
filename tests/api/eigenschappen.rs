//! Property test of the access model: random callers (any organisation, any role, a
//! kennismakelaar with random regions, anonymous) take random query paths (lists with random
//! filters and page sizes walked page by page, `node(id:)`, opdrachten nested under a fieldlab,
//! `statistieken`) and random writes on records they may not change; every answer is compared
//! with an oracle computed straight from the tables, independently of the scope code. No path
//! may return an opdracht outside the caller's scope, leave one out that is in it, or change
//! anything it may not.
//!
//! Cases are generated with proptest from the demo data's 548 opdrachten and 99 organisations;
//! `PROPTEST_CASES` sets their number (default 2000 per database). A failure prints the case.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

dual_tests!(no_query_path_shows_and_no_write_changes_an_opdracht_outside_the_callers_scope);

const REGIOS: [&str; 5] = ["NOORD", "OOST", "MIDDEN", "WEST", "ZUID"];
const STATUSSEN: [&str; 4] = ["IN_VOORBEREIDING", "IN_UITVOERING", "AFGEROND", "ONBEKEND"];

#[derive(Debug, Clone)]
struct Opdracht {
    id: i32,
    eigenaar: i32,
    opdrachtgever: i32,
    uitvoerders: BTreeSet<i32>,
    regio: Option<String>,
    status: String,
    fieldlab: Option<i32>,
}

#[derive(Debug, Clone)]
enum Beller {
    Anoniem,
    Bureau,
    Org { org: usize, rol: Rol },
    Makelaar { org: usize, regios: Vec<usize> },
}

#[derive(Debug, Clone)]
enum Pad {
    Lijst {
        regio: Option<usize>,
        status: Option<usize>,
        pagina: i64,
    },
    Node {
        opdracht: usize,
    },
    Genest {
        fieldlab: usize,
    },
    Statistieken {
        status: Option<usize>,
    },
    Verwijder {
        opdracht: usize,
    },
}

fn beller() -> impl Strategy<Value = Beller> {
    prop_oneof![
        1 => Just(Beller::Anoniem),
        1 => Just(Beller::Bureau),
        6 => (0usize..1000, prop::sample::select(vec![Rol::Beheerder, Rol::Medewerker, Rol::Lezer]))
            .prop_map(|(org, rol)| Beller::Org { org, rol }),
        2 => (0usize..1000, prop::collection::vec(0usize..5, 1..3))
            .prop_map(|(org, regios)| Beller::Makelaar { org, regios }),
    ]
}

fn pad() -> impl Strategy<Value = Pad> {
    prop_oneof![
        3 => (prop::option::of(0usize..5), prop::option::of(0usize..4), 1i64..=100)
            .prop_map(|(regio, status, pagina)| Pad::Lijst { regio, status, pagina }),
        3 => (0usize..10_000).prop_map(|opdracht| Pad::Node { opdracht }),
        1 => (0usize..100).prop_map(|fieldlab| Pad::Genest { fieldlab }),
        1 => prop::option::of(0usize..4).prop_map(|status| Pad::Statistieken { status }),
        1 => (0usize..10_000).prop_map(|opdracht| Pad::Verwijder { opdracht }),
    ]
}

struct Wereld {
    opdrachten: Vec<Opdracht>,
    /// Organisations: (id, natural key).
    organisaties: Vec<(i32, String)>,
    fieldlabs: Vec<i32>,
}

async fn wereld(app: &TestApp) -> Wereld {
    let conn = app.raw().await;
    let rijen = |sql: &'static str| {
        let conn = conn.clone();
        async move {
            use sea_orm::ConnectionTrait;
            conn.query_all_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
        }
    };
    let mut uitvoerders: HashMap<i32, BTreeSet<i32>> = HashMap::new();
    for r in rijen("SELECT opdracht_id, organisatie_id FROM opdracht_uitvoerders").await {
        let o: i32 = r.try_get_by_index(0).unwrap();
        uitvoerders
            .entry(o)
            .or_default()
            .insert(r.try_get_by_index(1).unwrap());
    }
    let opdrachten = rijen(
        "SELECT id, eigenaar_id, opdrachtgever_id, regio, status, fieldlab_id FROM opdrachten ORDER BY id",
    )
    .await
    .iter()
    .map(|r| {
        let id: i32 = r.try_get_by_index(0).unwrap();
        Opdracht {
            id,
            eigenaar: r.try_get_by_index(1).unwrap(),
            opdrachtgever: r.try_get_by_index(2).unwrap(),
            uitvoerders: uitvoerders.remove(&id).unwrap_or_default(),
            regio: r.try_get_by_index(3).unwrap(),
            status: r.try_get_by_index(4).unwrap(),
            fieldlab: r.try_get_by_index(5).unwrap(),
        }
    })
    .collect();
    let organisaties = rijen(
        "SELECT id, COALESCE(oin, schac_home) FROM organisaties WHERE soort <> 'PROGRAMMABUREAU' ORDER BY id",
    )
    .await
    .iter()
    .map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap()))
    .collect();
    let fieldlabs = rijen("SELECT id FROM fieldlabs ORDER BY id")
        .await
        .iter()
        .map(|r| r.try_get_by_index(0).unwrap())
        .collect();
    Wereld {
        opdrachten,
        organisaties,
        fieldlabs,
    }
}

/// The oracle: may this caller see this opdracht (docs/access.md)?
fn ziet(w: &Wereld, beller: &Beller, o: &Opdracht) -> bool {
    let betrokken = |org: usize| {
        let id = w.organisaties[org % w.organisaties.len()].0;
        o.eigenaar == id || o.opdrachtgever == id || o.uitvoerders.contains(&id)
    };
    match beller {
        Beller::Anoniem => false,
        Beller::Bureau => true,
        Beller::Org { org, .. } => betrokken(*org),
        Beller::Makelaar { org, regios } => {
            betrokken(*org)
                || regios
                    .iter()
                    .any(|r| o.regio.as_deref() == Some(REGIOS[*r]))
        }
    }
}

/// May this caller change this opdracht?
fn mag_wijzigen(w: &Wereld, beller: &Beller, o: &Opdracht) -> bool {
    match beller {
        Beller::Bureau => true,
        Beller::Org { org, rol } => {
            matches!(rol, Rol::Beheerder | Rol::Medewerker)
                && w.organisaties[org % w.organisaties.len()].0 == o.eigenaar
        }
        _ => false,
    }
}

/// The caller `beller` of the API of `app`.
fn caller<'a>(app: &'a TestApp, w: &Wereld, beller: &Beller) -> Caller<'a> {
    match beller {
        Beller::Anoniem => app.anoniem(),
        Beller::Bureau => app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
        Beller::Org { org, rol } => {
            let key = &w.organisaties[org % w.organisaties.len()].1;
            app.als(key.as_str(), *rol)
        }
        Beller::Makelaar { org, regios } => {
            let key = &w.organisaties[org % w.organisaties.len()].1;
            let regios: Vec<&str> = regios.iter().map(|r| REGIOS[*r]).collect();
            app.als_kennismakelaar(key.as_str(), &regios)
        }
    }
}

fn id_van(app: &TestApp, o: &Opdracht) -> String {
    app.id("Opdracht", o.id)
}

/// Checks one case; `Err` describes the disagreement.
async fn controleer(app: &TestApp, w: &Wereld, beller: &Beller, pad: &Pad) -> Result<(), String> {
    let caller = caller(app, w, beller);
    let anonymous = matches!(beller, Beller::Anoniem);
    let zichtbaar = |o: &&Opdracht| ziet(w, beller, o);
    match pad {
        Pad::Lijst {
            regio,
            status,
            pagina,
        } => {
            let mut filter = json!({});
            if let Some(r) = regio {
                filter["regio"] = json!([REGIOS[*r]]);
            }
            if let Some(s) = status {
                filter["opdrachtStatus"] = json!([STATUSSEN[*s]]);
            }
            let verwacht: BTreeSet<String> = w
                .opdrachten
                .iter()
                .filter(zichtbaar)
                .filter(|o| regio.is_none_or(|r| o.regio.as_deref() == Some(REGIOS[r])))
                .filter(|o| status.is_none_or(|s| o.status == STATUSSEN[s]))
                .map(|o| id_van(app, o))
                .collect();
            let mut gezien = BTreeSet::new();
            let mut after = Value::Null;
            loop {
                let body = caller.query(
                        "query($f: OpdrachtFilter, $n: Int, $a: String) { opdrachten(filter: $f, first: $n, after: $a) { \
                         totalCount pageInfo { hasNextPage endCursor } nodes { id } } }",
                        json!({ "f": filter, "n": pagina, "a": after }),
                    )
                    .await
                    .body;
                let lijst = &body["data"]["opdrachten"];
                if anonymous {
                    // Anonymous callers see no opdrachten at all.
                    return match lijst["totalCount"].as_i64() {
                        Some(0) => Ok(()),
                        _ => Err(format!("anonymous list: {body}")),
                    };
                }
                if lijst["totalCount"].as_u64() != Some(verwacht.len() as u64) {
                    return Err(format!(
                        "totalCount {} != {}",
                        lijst["totalCount"],
                        verwacht.len()
                    ));
                }
                for n in lijst["nodes"].as_array().ok_or(format!("{body}"))? {
                    let id = n["id"].as_str().unwrap().to_owned();
                    if !gezien.insert(id.clone()) {
                        return Err(format!("{id} twice while paging"));
                    }
                }
                if lijst["pageInfo"]["hasNextPage"] != true {
                    break;
                }
                after = lijst["pageInfo"]["endCursor"].clone();
            }
            if gezien == verwacht {
                Ok(())
            } else {
                Err(format!(
                    "list: {} shown outside scope, {} in scope missing",
                    gezien.difference(&verwacht).count(),
                    verwacht.difference(&gezien).count()
                ))
            }
        }
        Pad::Node { opdracht } => {
            let o = &w.opdrachten[opdracht % w.opdrachten.len()];
            let body = caller
                .query(
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id_van(app, o) }),
                )
                .await
                .body;
            let gevonden = body["data"]["node"]["id"].is_string();
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("");
            match (ziet(w, beller, o), gevonden, code) {
                (true, true, _) | (false, false, "NOT_FOUND") => Ok(()),
                _ => Err(format!("node {}: {body}", o.id)),
            }
        }
        Pad::Genest { fieldlab } => {
            let lab = w.fieldlabs[fieldlab % w.fieldlabs.len()];
            let verwacht: BTreeSet<String> = w
                .opdrachten
                .iter()
                .filter(zichtbaar)
                .filter(|o| o.fieldlab == Some(lab))
                .map(|o| id_van(app, o))
                .collect();
            let body = caller.query(
                        "query($id: ID!) { node(id: $id) { ... on Fieldlab { opdrachten(first: 100) { nodes { id } } } } }",
                    json!({ "id": app.id("Fieldlab", lab) }),
                )
                .await
                .body;
            let gezien: BTreeSet<String> = body["data"]["node"]["opdrachten"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n["id"].as_str().map(str::to_owned))
                .collect();
            if gezien == verwacht {
                Ok(())
            } else {
                Err(format!("nested under fieldlab {lab}: {body}"))
            }
        }
        Pad::Statistieken { status } => {
            let filter = match status {
                Some(s) => json!({ "opdrachtStatus": [STATUSSEN[*s]] }),
                None => json!({}),
            };
            let verwacht = w
                .opdrachten
                .iter()
                .filter(zichtbaar)
                .filter(|o| status.is_none_or(|s| o.status == STATUSSEN[s]))
                .count();
            let body = caller
                .query(
                    "query($f: OpdrachtFilter) { statistieken(filter: $f) { aantalOpdrachten } }",
                    json!({ "f": filter }),
                )
                .await
                .body;
            if body["data"]["statistieken"]["aantalOpdrachten"].as_u64() == Some(verwacht as u64) {
                Ok(())
            } else {
                Err(format!("statistieken: expected {verwacht}: {body}"))
            }
        }
        Pad::Verwijder { opdracht } => {
            let o = &w.opdrachten[opdracht % w.opdrachten.len()];
            if mag_wijzigen(w, beller, o) {
                return Ok(()); // allowed deletes would change the world; the matrix test covers them
            }
            let body = caller
                .query(
                    "mutation($id: ID!) { deleteOpdracht(id: $id, versie: 1) }",
                    json!({ "id": id_van(app, o) }),
                )
                .await
                .body;
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("NONE");
            let verwacht = match beller {
                Beller::Anoniem => "UNAUTHENTICATED",
                _ if ziet(w, beller, o) => "FORBIDDEN",
                _ => "NOT_FOUND",
            };
            if code == verwacht {
                Ok(())
            } else {
                Err(format!("delete {}: expected {verwacht}: {body}", o.id))
            }
        }
    }
}

async fn no_query_path_shows_and_no_write_changes_an_opdracht_outside_the_callers_scope(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let w = wereld(&app).await;
    assert_eq!(w.opdrachten.len(), 548);
    let aantal: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let mut runner = TestRunner::deterministic();
    let strategie = (beller(), pad());
    let voor = app.dump().await;
    let mut fouten = Vec::new();
    for _ in 0..aantal {
        let (beller, pad) = strategie.new_tree(&mut runner).unwrap().current();
        if let Err(e) = controleer(&app, &w, &beller, &pad).await {
            fouten.push(format!("{beller:?} {pad:?}: {e}"));
        }
    }
    assert!(
        fouten.is_empty(),
        "{} of {aantal} cases found a leak:\n{}",
        fouten.len(),
        fouten
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(app.dump().await, voor, "no refused write changed anything");
}
