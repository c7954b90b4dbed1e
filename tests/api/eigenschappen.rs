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

dual_tests!(
    no_query_path_shows_and_no_write_changes_an_opdracht_outside_the_callers_scope,
    no_query_path_shows_a_question_or_a_candidates_name_outside_the_callers_scope,
);

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
    let voor = app.dump().await;
    let fouten = cases(aantal, pad(), async |beller, pad| {
        controleer(&app, &w, beller, pad).await
    })
    .await;
    report(&fouten, aantal);
    assert_eq!(app.dump().await, voor, "no refused write changed anything");
}

/// A vraagstuk as the tables hold it, for the oracle.
#[derive(Debug, Clone)]
struct Vraag {
    id: i32,
    eigenaar: i32,
    openbaar: bool,
    status: String,
    regios: BTreeSet<String>,
    voorgelegd: BTreeSet<i32>,
    reacties: BTreeSet<i32>,
}

/// A promotietraject as the tables hold it: id, university, host, the university's region.
#[derive(Debug, Clone)]
struct Traject {
    id: i32,
    eigenaar: i32,
    gastheer: i32,
    regio: Option<String>,
}

const VRAAG_STATUSSEN: [&str; 6] = [
    "NIEUW",
    "IN_BEHANDELING",
    "VOORGELEGD",
    "BELEGD",
    "AFGEROND",
    "INGETROKKEN",
];

#[derive(Debug, Clone)]
enum VraagPad {
    Lijst {
        regio: Option<usize>,
        status: Option<usize>,
        pagina: i64,
    },
    Node {
        vraag: usize,
    },
    TrekIn {
        vraag: usize,
    },
    Traject {
        traject: usize,
    },
}

fn vraag_pad() -> impl Strategy<Value = VraagPad> {
    prop_oneof![
        2 => (prop::option::of(0usize..5), prop::option::of(0usize..6), 1i64..=60)
            .prop_map(|(regio, status, pagina)| VraagPad::Lijst { regio, status, pagina }),
        4 => (0usize..10_000).prop_map(|vraag| VraagPad::Node { vraag }),
        1 => (0usize..10_000).prop_map(|vraag| VraagPad::TrekIn { vraag }),
        2 => (0usize..1000).prop_map(|traject| VraagPad::Traject { traject }),
    ]
}

/// Rows of `sql` as pairs of integers.
async fn paren(app: &TestApp, sql: &str) -> Vec<(i32, String)> {
    use sea_orm::ConnectionTrait;
    let conn = app.raw().await;
    conn.query_all_raw(sea_orm::Statement::from_string(
        conn.get_database_backend(),
        sql,
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let value = r
            .try_get_by_index::<String>(1)
            .or_else(|_| r.try_get_by_index::<i32>(1).map(|n| n.to_string()))
            .unwrap();
        (r.try_get_by_index(0).unwrap(), value)
    })
    .collect()
}

async fn vragen(app: &TestApp) -> Vec<Vraag> {
    let mut vragen: Vec<Vraag> = paren(
        app,
        "SELECT id, eigenaar_id || ':' || status || ':' || CASE WHEN openbaar THEN 1 ELSE 0 END \
         FROM vraagstukken ORDER BY id",
    )
    .await
    .into_iter()
    .map(|(id, rest)| {
        let delen: Vec<&str> = rest.split(':').collect();
        Vraag {
            id,
            eigenaar: delen[0].parse().unwrap(),
            status: delen[1].to_owned(),
            openbaar: delen[2] == "1",
            regios: BTreeSet::new(),
            voorgelegd: BTreeSet::new(),
            reacties: BTreeSet::new(),
        }
    })
    .collect();
    let mut by_id: HashMap<i32, &mut Vraag> = vragen.iter_mut().map(|v| (v.id, v)).collect();
    for (v, regio) in paren(app, "SELECT vraagstuk_id, regio FROM vraagstuk_regios").await {
        by_id.get_mut(&v).unwrap().regios.insert(regio);
    }
    for (v, org) in paren(
        app,
        "SELECT vraagstuk_id, organisatie_id FROM vraagstuk_voorleggingen",
    )
    .await
    {
        by_id
            .get_mut(&v)
            .unwrap()
            .voorgelegd
            .insert(org.parse().unwrap());
    }
    for (v, org) in paren(
        app,
        "SELECT vraagstuk_id, organisatie_id FROM vraagstuk_reacties",
    )
    .await
    {
        by_id
            .get_mut(&v)
            .unwrap()
            .reacties
            .insert(org.parse().unwrap());
    }
    vragen
}

async fn trajecten(app: &TestApp) -> Vec<Traject> {
    let regio: HashMap<i32, String> = paren(
        app,
        "SELECT id, regio FROM organisaties WHERE regio IS NOT NULL",
    )
    .await
    .into_iter()
    .collect();
    paren(
        app,
        "SELECT id, eigenaar_id || ':' || gastheer_id FROM promotietrajecten ORDER BY id",
    )
    .await
    .into_iter()
    .map(|(id, rest)| {
        let (eigenaar, gastheer) = rest.split_once(':').unwrap();
        let eigenaar: i32 = eigenaar.parse().unwrap();
        Traject {
            id,
            eigenaar,
            gastheer: gastheer.parse().unwrap(),
            regio: regio.get(&eigenaar).cloned(),
        }
    })
    .collect()
}

/// The oracle of a caller and a question (docs/access.md, "Vraagstukken"): whether it may know
/// the question exists, read it in full, and read every answer (else only its own).
fn vraag_rechten(w: &Wereld, beller: &Beller, v: &Vraag) -> (bool, bool, bool) {
    let org = |o: &usize| w.organisaties[o % w.organisaties.len()].0;
    let (eigen, regio, voorgelegd) = match beller {
        Beller::Anoniem => (false, false, false),
        Beller::Bureau => return (true, true, true),
        Beller::Org { org: o, .. } => (v.eigenaar == org(o), false, v.voorgelegd.contains(&org(o))),
        Beller::Makelaar { org: o, regios } => (
            v.eigenaar == org(o),
            regios.iter().any(|r| v.regios.contains(REGIOS[*r])),
            v.voorgelegd.contains(&org(o)),
        ),
    };
    let vol = eigen || regio || voorgelegd;
    (vol || v.openbaar, vol, eigen || regio)
}

/// The caller's organisation id, if it has one.
fn org_van(w: &Wereld, beller: &Beller) -> Option<i32> {
    match beller {
        Beller::Org { org, .. } | Beller::Makelaar { org, .. } => {
            Some(w.organisaties[org % w.organisaties.len()].0)
        }
        _ => None,
    }
}

const VRAAG_NODE: &str = "query($id: ID!) { node(id: $id) { ... on Vraagstuk { id volledig \
    vraagsteller { id } reacties { instelling { id } } kandidaten(first: 1) { score } } } }";

/// Checks one case of the questions and PhD tracks; `Err` describes the disagreement.
async fn controleer_vraag(
    app: &TestApp,
    w: &Wereld,
    vragen: &[Vraag],
    trajecten: &[Traject],
    beller: &Beller,
    pad: &VraagPad,
) -> Result<(), String> {
    let caller = caller(app, w, beller);
    match pad {
        VraagPad::Lijst {
            regio,
            status,
            pagina,
        } => {
            let mut filter = Vec::new();
            if let Some(r) = regio {
                filter.push(format!("regios: [{}]", REGIOS[*r]));
            }
            if let Some(s) = status {
                filter.push(format!("vraagstukStatus: [{}]", VRAAG_STATUSSEN[*s]));
            }
            let verwacht: BTreeSet<String> = vragen
                .iter()
                .filter(|v| vraag_rechten(w, beller, v).0)
                .filter(|v| regio.is_none_or(|r| v.regios.contains(REGIOS[r])))
                .filter(|v| status.is_none_or(|s| v.status == VRAAG_STATUSSEN[s]))
                .map(|v| app.id("Vraagstuk", v.id))
                .collect();
            let query = format!(
                "query($first: Int, $after: String, $last: Int, $before: String) {{ \
                 vraagstukken(filter: {{ {} }}, first: $first, after: $after, last: $last, \
                 before: $before) {{ pageInfo {{ hasNextPage hasPreviousPage startCursor \
                 endCursor }} nodes {{ id }} }} }}",
                filter.join(", ")
            );
            let pages = caller
                .all_pages(&query, "vraagstukken", *pagina, true)
                .await;
            let gezien: BTreeSet<String> = pages
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect();
            if gezien.len() != pages.len() {
                return Err("a question twice while paging".into());
            }
            if gezien != verwacht {
                return Err(format!(
                    "list: {} shown outside scope, {} in scope missing",
                    gezien.difference(&verwacht).count(),
                    verwacht.difference(&gezien).count()
                ));
            }
            Ok(())
        }
        VraagPad::Node { vraag } => {
            let v = &vragen[vraag % vragen.len()];
            let (ziet, vol, alle) = vraag_rechten(w, beller, v);
            let body = caller
                .query(VRAAG_NODE, json!({ "id": app.id("Vraagstuk", v.id) }))
                .await
                .body;
            let node = &body["data"]["node"];
            if !ziet {
                let code = &body["errors"][0]["extensions"]["code"];
                return if node.is_null() && code == "NOT_FOUND" {
                    Ok(())
                } else {
                    Err(format!("hidden question {} answered: {body}", v.id))
                };
            }
            if node["volledig"] != vol || node["vraagsteller"].is_null() == vol {
                return Err(format!("question {} read in full = {vol}: {body}", v.id));
            }
            let reacties: BTreeSet<String> = node["reacties"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r["instelling"]["id"].as_str().unwrap().to_owned())
                .collect();
            let eigen = org_van(w, beller);
            let verwacht: BTreeSet<String> = v
                .reacties
                .iter()
                .filter(|o| vol && (alle || Some(**o) == eigen))
                .map(|o| app.id("Kennisinstelling", *o))
                .collect();
            if reacties != verwacht || node["reacties"].is_null() == vol {
                return Err(format!("answers of question {}: {body}", v.id));
            }
            if node["kandidaten"].is_null() == alle {
                return Err(format!(
                    "ranking of question {} for handlers only: {body}",
                    v.id
                ));
            }
            Ok(())
        }
        VraagPad::TrekIn { vraag } => {
            let v = &vragen[vraag % vragen.len()];
            let (ziet, _, _) = vraag_rechten(w, beller, v);
            let vraagsteller = matches!(
                beller,
                Beller::Org {
                    rol: Rol::Beheerder | Rol::Medewerker,
                    ..
                }
            ) && org_van(w, beller) == Some(v.eigenaar);
            if vraagsteller || matches!(beller, Beller::Bureau) {
                return Ok(()); // an allowed step would change the world; the workflow test takes it
            }
            let body = caller
                .query(
                    "mutation($id: ID!) { trekVraagstukIn(id: $id, versie: 1) { id } }",
                    json!({ "id": app.id("Vraagstuk", v.id) }),
                )
                .await
                .body;
            let verwacht = match beller {
                Beller::Anoniem => "UNAUTHENTICATED",
                _ if ziet => "FORBIDDEN",
                _ => "NOT_FOUND",
            };
            if body["errors"][0]["extensions"]["code"] == verwacht {
                Ok(())
            } else {
                Err(format!("withdraw {}: expected {verwacht}: {body}", v.id))
            }
        }
        VraagPad::Traject { traject } => {
            let t = &trajecten[traject % trajecten.len()];
            let eigen = org_van(w, beller);
            let (vol, persoon) = match beller {
                Beller::Anoniem => (false, false),
                Beller::Bureau => (true, true),
                Beller::Org { .. } => {
                    let betrokken = eigen == Some(t.eigenaar) || eigen == Some(t.gastheer);
                    (betrokken, eigen == Some(t.eigenaar))
                }
                Beller::Makelaar { regios, .. } => {
                    let in_regio = regios
                        .iter()
                        .any(|r| t.regio.as_deref() == Some(REGIOS[*r]));
                    let betrokken = eigen == Some(t.eigenaar) || eigen == Some(t.gastheer);
                    (betrokken || in_regio, eigen == Some(t.eigenaar))
                }
            };
            let body = caller
                .query(
                    "query($id: ID!) { node(id: $id) { ... on Promotietraject { naam volledig \
                     beschrijving promovendus } } }",
                    json!({ "id": app.id("Promotietraject", t.id) }),
                )
                .await
                .body;
            let node = &body["data"]["node"];
            let ok = node["naam"].is_string()
                && node["volledig"] == vol
                && node["beschrijving"].is_string() == vol
                && node["promovendus"].is_string() == persoon;
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "track {}: full {vol}, name {persoon}: {body}",
                    t.id
                ))
            }
        }
    }
}

async fn no_query_path_shows_a_question_or_a_candidates_name_outside_the_callers_scope(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    {
        // Every track with a description and a candidate, so that hiding them shows.
        use sea_orm::ConnectionTrait;
        let conn = app.raw().await;
        conn.execute_unprepared(
            "UPDATE promotietrajecten SET beschrijving = 'Onderzoek', promovendus = 'P. Romovendus'",
        )
        .await
        .unwrap();
    }
    let w = wereld(&app).await;
    let vragen = vragen(&app).await;
    let trajecten = trajecten(&app).await;
    assert_eq!(vragen.len(), 127);
    assert_eq!(trajecten.len(), 13);
    let aantal: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .map_or(600, |n: u32| n / 3);
    let voor = app.dump().await;
    let fouten = cases(aantal, vraag_pad(), async |beller, pad| {
        controleer_vraag(&app, &w, &vragen, &trajecten, beller, pad).await
    })
    .await;
    report(&fouten, aantal);
    assert_eq!(app.dump().await, voor, "no refused write changed anything");
}

/// Runs `aantal` cases of a random caller and a random path of `paden` through `check`; the
/// cases that found a disagreement, each with its description.
async fn cases<P: std::fmt::Debug>(
    aantal: u32,
    paden: impl Strategy<Value = P>,
    check: impl AsyncFn(&Beller, &P) -> Result<(), String>,
) -> Vec<String> {
    let mut runner = TestRunner::deterministic();
    let strategie = (beller(), paden);
    let mut fouten = Vec::new();
    for _ in 0..aantal {
        let (beller, pad) = strategie.new_tree(&mut runner).unwrap().current();
        if let Err(e) = check(&beller, &pad).await {
            fouten.push(format!("{beller:?} {pad:?}: {e}"));
        }
    }
    fouten
}

/// Fails with the first ten disagreements, if there are any.
fn report(fouten: &[String], aantal: u32) {
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
}
