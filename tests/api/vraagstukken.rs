//! Vraagstukken: a ministry's question from submission to the opdracht that answers it, each
//! step visible to exactly the right callers; the workflow table of docs/access.md, step by
//! step for every kind of caller; the public catalogue of open questions; the institutions'
//! answers, each seen by its own institution only.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use ipartnerschap::db::workflow::STAPPEN;
use serde_json::{Value, json};

dual_tests!(
    a_question_goes_from_ministry_to_belegd_and_each_step_is_seen_by_exactly_the_right_callers,
    each_institution_reads_only_its_own_answer_and_the_handlers_read_all,
    a_public_question_shows_title_status_themes_and_regions_to_everyone_and_nothing_more,
    a_step_from_the_wrong_status_is_a_conflict_that_names_the_status,
    the_workflow_table_in_docs_access_md_is_the_one_the_code_declares,
    every_step_of_the_workflow_is_taken_by_exactly_the_callers_the_table_names,
    the_changes_of_a_question_reach_the_feeds_of_exactly_those_who_may_see_it,
    hostile_input_to_the_workflow_is_refused_on_its_field_and_writes_nothing,
);

const CREATE: &str = "mutation($input: VraagstukInput!) { createVraagstuk(input: $input) { \
    id versie vraagstukStatus } }";
const READ: &str = "query($id: ID!) { node(id: $id) { ... on Vraagstuk { id titel \
    vraagstukStatus openbaar regios themas { code } omschrijving antwoordsoort kenmerk \
    vraagsteller { naam } voorgelegdAan { naam } reacties { instelling { naam } reactie \
    toelichting } contactpersoon { naam } versie opdrachten { totalCount } } } }";

/// A question of BZK in `regios`, as its medewerker submits it.
fn vraag(titel: &str, regios: &[&str], openbaar: bool) -> Value {
    json!({ "input": {
        "titel": titel,
        "omschrijving": "Hoe zetten we algoritmes verantwoord in?",
        "antwoordsoort": "AFSTUDEEROPDRACHT",
        "regios": regios,
        "themas": ["DATA_AI"],
        "openbaar": openbaar,
        "contactpersoon": { "naam": "Vera Vraag", "email": "vera@bzk.example" },
    }})
}

async fn submit(app: &TestApp, regios: &[&str], openbaar: bool) -> (String, i64) {
    submit_input(app, vraag("Algoritmes", regios, openbaar)).await
}

async fn submit_input(app: &TestApp, input: Value) -> (String, i64) {
    let bzk = app.als(demo::BZK, Rol::Medewerker);
    let reply = bzk.query(CREATE, input).await;
    let created = &reply.data()["createVraagstuk"];
    assert_eq!(created["vraagstukStatus"], "NIEUW", "{}", reply.body);
    (
        created["id"].as_str().unwrap().to_owned(),
        created["versie"].as_i64().unwrap(),
    )
}

/// The question as `caller` reads it by id (`Value::Null` when it is not found).
async fn read(caller: &Caller<'_>, id: &str) -> Value {
    let reply = caller.query(READ, json!({ "id": id })).await;
    if reply.body.get("errors").is_some() {
        reply.assert_not_found();
        return Value::Null;
    }
    reply.data()["node"].clone()
}

/// Takes step `mutatie` with `args` (besides `id`), as `caller`; the raw reply.
async fn step(caller: &Caller<'_>, mutatie: &str, id: &str, args: Value) -> crate::harness::Reply {
    let mut vars = args.as_object().cloned().unwrap_or_default();
    vars.insert("id".into(), json!(id));
    let (params, pass): (Vec<String>, Vec<String>) = vars
        .iter()
        .map(|(k, v)| {
            let ty = match (k.as_str(), v) {
                ("id", _) => "ID!",
                ("versie", _) => "Int!",
                ("instellingen" | "opdrachten" | "makelaars", _) => "[ID!]",
                ("fieldlab" | "lectoraat" | "promotietraject", _) => "ID",
                ("reactie", _) => "Reactie!",
                ("toelichting", _) => "String",
                ("input", _) => "VraagstukUpdateInput!",
                (other, _) => panic!("unknown argument {other}"),
            };
            (format!("${k}: {ty}"), format!("{k}: ${k}"))
        })
        .unzip();
    let selection = if mutatie == "deleteVraagstuk" {
        String::new()
    } else {
        " { versie vraagstukStatus }".to_owned()
    };
    let query = format!(
        "mutation({}) {{ {mutatie}({}){selection} }}",
        params.join(", "),
        pass.join(", ")
    );
    caller.query(&query, Value::Object(vars)).await
}

/// Takes step `mutatie` as `caller`, checks that it leaves the question in `status`, and
/// returns the question's new versie.
async fn advance(caller: &Caller<'_>, mutatie: &str, id: &str, args: Value, status: &str) -> i64 {
    let reply = step(caller, mutatie, id, args).await;
    let after = &reply.data()[mutatie];
    assert_eq!(
        after["vraagstukStatus"], status,
        "{mutatie}: {}",
        reply.body
    );
    after["versie"].as_i64().unwrap()
}

async fn an_opdracht_of(caller: &Caller<'_>) -> String {
    let reply = caller
        .query("{ opdrachten(first: 1) { nodes { id } } }", json!({}))
        .await;
    reply.data()["opdrachten"]["nodes"][0]["id"]
        .as_str()
        .expect("the caller sees an opdracht")
        .to_owned()
}

async fn a_question_goes_from_ministry_to_belegd_and_each_step_is_seen_by_exactly_the_right_callers(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut input = vraag("Algoritmes", &["MIDDEN"], false);
    input["input"]["kenmerk"] = json!("bzk-2026-01");
    let (id, versie) = submit_input(&app, input).await;
    let bzk = app.als(demo::BZK, Rol::Medewerker);
    let makelaar = app.als_kennismakelaar(demo::UU, &["MIDDEN"]);
    let makelaar_noord = app.als_kennismakelaar(demo::HANZE, &["NOORD"]);
    let hu = app.als(demo::HU, Rol::Medewerker);
    let uu = app.als(demo::UU, Rol::Beheerder);
    let hanze = app.als(demo::HANZE, Rol::Beheerder);
    let duo = app.als(demo::DUO, Rol::Beheerder);
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let anoniem = app.anoniem();

    // NIEUW: the owner, the kennismakelaars of Midden and the programme office; nobody else.
    for (caller, sees) in [
        (&bzk, true),
        (&makelaar, true),
        (&bureau, true),
        (&makelaar_noord, false),
        (&hu, false),
        (&duo, false),
        (&anoniem, false),
    ] {
        assert_eq!(
            !read(caller, &id).await.is_null(),
            sees,
            "{caller:?} at NIEUW"
        );
    }
    let gelezen = read(&bzk, &id).await;
    assert_eq!(
        gelezen["omschrijving"],
        "Hoe zetten we algoritmes verantwoord in?"
    );
    assert_eq!(gelezen["kenmerk"], "BZK-2026-01");
    assert_eq!(gelezen["contactpersoon"]["naam"], "Vera Vraag");
    assert_eq!(
        read(&makelaar, &id).await["contactpersoon"],
        Value::Null,
        "personal data"
    );

    // A kennismakelaar of another region cannot take it up: for it, the question is not there.
    step(
        &makelaar_noord,
        "neemVraagstukInBehandeling",
        &id,
        json!({ "versie": versie }),
    )
    .await
    .assert_not_found();
    let versie = advance(
        &makelaar,
        "neemVraagstukInBehandeling",
        &id,
        json!({ "versie": versie }),
        "IN_BEHANDELING",
    )
    .await;

    // Proposed to HU and UU: they see it now, Hanze still does not.
    let instellingen = json!([app.org_id(demo::HU).await, app.org_id(demo::UU).await]);
    let versie = advance(
        &makelaar,
        "legVraagstukVoor",
        &id,
        json!({ "versie": versie, "instellingen": instellingen }),
        "VOORGELEGD",
    )
    .await;
    assert!(!read(&hu, &id).await.is_null());
    assert!(!read(&uu, &id).await.is_null());
    assert!(read(&hanze, &id).await.is_null());
    assert_eq!(
        read(&bzk, &id).await["voorgelegdAan"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // HU answers with interest; its answer is in, the status stays.
    let versie_na = advance(
        &hu,
        "reageerOpVraagstuk",
        &id,
        json!({ "reactie": "INTERESSE", "toelichting": "Past bij ons lectoraat" }),
        "VOORGELEGD",
    )
    .await;
    assert_eq!(
        versie_na,
        versie + 1,
        "an answer is a change of the question"
    );

    // The kennismakelaar links an opdracht it can see: BELEGD; the owner reads the link.
    let opdracht = an_opdracht_of(&makelaar).await;
    let versie = advance(
        &makelaar,
        "belegVraagstuk",
        &id,
        json!({ "versie": versie_na, "opdrachten": [opdracht] }),
        "BELEGD",
    )
    .await;
    assert_eq!(read(&makelaar, &id).await["opdrachten"]["totalCount"], 1);
    for (caller, sees) in [
        (&bzk, true),
        (&hu, true),
        (&hanze, false),
        (&duo, false),
        (&anoniem, false),
    ] {
        let gelezen = read(caller, &id).await;
        assert_eq!(!gelezen.is_null(), sees, "{caller:?} at BELEGD");
        if sees {
            assert_eq!(gelezen["vraagstukStatus"], "BELEGD");
        }
    }

    // The owner closes it; a closed question is no longer edited.
    let args = json!({ "versie": versie });
    let versie = advance(&bzk, "rondVraagstukAf", &id, args, "AFGEROND").await;
    step(
        &bzk,
        "updateVraagstuk",
        &id,
        json!({ "versie": versie, "input": { "titel": "Later" } }),
    )
    .await
    .assert_conflict();
}

async fn each_institution_reads_only_its_own_answer_and_the_handlers_read_all(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (id, versie) = question_in(&app, "VOORGELEGD", "").await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let uu = json!([app.org_id(demo::UU).await]);
    step(
        &bureau,
        "legVraagstukVoor",
        &id,
        json!({ "versie": versie, "instellingen": uu }),
    )
    .await
    .data();
    let hu = app.als(demo::HU, Rol::Medewerker);
    let uu = app.als(demo::UU, Rol::Beheerder);
    step(
        &hu,
        "reageerOpVraagstuk",
        &id,
        json!({ "reactie": "INTERESSE", "toelichting": "Ja" }),
    )
    .await
    .data();
    step(
        &uu,
        "reageerOpVraagstuk",
        &id,
        json!({ "reactie": "GEEN_INTERESSE" }),
    )
    .await
    .data();
    // A second answer replaces the first.
    step(
        &uu,
        "reageerOpVraagstuk",
        &id,
        json!({ "reactie": "GEEN_INTERESSE", "toelichting": "Vol" }),
    )
    .await
    .data();
    let namen = |v: Value| -> Vec<String> {
        let mut namen: Vec<String> = v["reacties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{}:{}",
                    r["instelling"]["naam"].as_str().unwrap(),
                    r["reactie"].as_str().unwrap()
                )
            })
            .collect();
        namen.sort();
        namen
    };
    assert_eq!(
        namen(read(&hu, &id).await),
        vec!["Hogeschool Utrecht:INTERESSE"]
    );
    assert_eq!(
        namen(read(&uu, &id).await),
        vec!["Universiteit Utrecht:GEEN_INTERESSE"]
    );
    let alle = vec![
        "Hogeschool Utrecht:INTERESSE".to_owned(),
        "Universiteit Utrecht:GEEN_INTERESSE".to_owned(),
    ];
    for caller in [
        app.als(demo::BZK, Rol::Lezer),
        app.als_kennismakelaar(demo::HANZE, &["MIDDEN"]),
        bureau,
    ] {
        assert_eq!(namen(read(&caller, &id).await), alle, "{caller:?}");
    }
    // The lezer of an institution it was proposed to reads the question but cannot answer.
    step(
        &app.als(demo::HU, Rol::Lezer),
        "reageerOpVraagstuk",
        &id,
        json!({ "reactie": "INTERESSE" }),
    )
    .await
    .assert_forbidden();
}

async fn a_public_question_shows_title_status_themes_and_regions_to_everyone_and_nothing_more(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (id, _) = submit(&app, &["NOORD", "OOST"], true).await;
    for caller in [
        app.anoniem(),
        app.als(demo::HANZE, Rol::Lezer),
        app.als(demo::DUO, Rol::Beheerder),
    ] {
        let gelezen = read(&caller, &id).await;
        assert_eq!(gelezen["titel"], "Algoritmes", "{caller:?}");
        assert_eq!(gelezen["vraagstukStatus"], "NIEUW");
        assert_eq!(gelezen["regios"], json!(["NOORD", "OOST"]));
        assert_eq!(gelezen["themas"], json!([{ "code": "DATA_AI" }]));
        for hidden in [
            "omschrijving",
            "antwoordsoort",
            "kenmerk",
            "vraagsteller",
            "voorgelegdAan",
            "reacties",
            "contactpersoon",
        ] {
            assert_eq!(gelezen[hidden], Value::Null, "{hidden} for {caller:?}");
        }
    }
    let lijst = app
        .anoniem()
        .query(
            "{ vraagstukken(filter: { openbaar: true }) { totalCount nodes { titel } } }",
            json!({}),
        )
        .await;
    // The demo's three public questions, and this one.
    assert_eq!(lijst.data()["vraagstukken"]["totalCount"], 4);
    // Made private again, it is gone for them.
    let bzk = app.als(demo::BZK, Rol::Beheerder);
    let versie = read(&bzk, &id).await["versie"].clone();
    step(
        &bzk,
        "updateVraagstuk",
        &id,
        json!({ "versie": versie, "input": { "openbaar": false } }),
    )
    .await
    .data();
    assert!(read(&app.anoniem(), &id).await.is_null());
    let lijst = app
        .anoniem()
        .query("{ vraagstukken { totalCount } }", json!({}))
        .await;
    assert_eq!(lijst.data()["vraagstukken"]["totalCount"], 3);
}

async fn a_step_from_the_wrong_status_is_a_conflict_that_names_the_status(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (id, versie) = submit(&app, &["MIDDEN"], false).await;
    let voor = app.dump().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let reply = step(&bureau, "rondVraagstukAf", &id, json!({ "versie": versie })).await;
    reply.assert_conflict();
    assert!(reply.message().contains("NIEUW"), "{}", reply.message());
    assert!(reply.message().contains("BELEGD"), "{}", reply.message());
    assert_eq!(reply.extensions()["versie"], versie);
    // A stale versie is a conflict too, and neither writes anything.
    step(
        &bureau,
        "neemVraagstukInBehandeling",
        &id,
        json!({ "versie": versie + 7 }),
    )
    .await
    .assert_conflict();
    assert_eq!(app.dump().await, voor);
}

/// One row of the workflow table of docs/access.md: mutation, from, to, who.
type Rij = (String, Vec<String>, String, Vec<String>);

fn workflow_table() -> Vec<Rij> {
    let tekst = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/access.md"))
        .expect("docs/access.md");
    let sectie = tekst
        .split("## Vraagstukken: the workflow")
        .nth(1)
        .expect("docs/access.md has the workflow section");
    let sectie = sectie.split("\n## ").next().unwrap();
    let lijst = |s: &str| {
        s.split(',')
            .map(|w| w.trim().to_owned())
            .collect::<Vec<_>>()
    };
    sectie
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let k: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (
                k[0].trim_matches('`').to_owned(),
                lijst(k[1]),
                k[2].to_owned(),
                lijst(k[3]),
            )
        })
        .collect()
}

async fn the_workflow_table_in_docs_access_md_is_the_one_the_code_declares(_backend: Backend) {
    let status = |s: &ipartnerschap::domain::VraagstukStatus| {
        ipartnerschap::db::workflow::status_name(*s).to_owned()
    };
    let code: Vec<Rij> = STAPPEN
        .iter()
        .map(|s| {
            (
                s.mutatie.to_owned(),
                s.van.iter().map(status).collect(),
                s.naar.as_ref().map_or("(unchanged)".to_owned(), status),
                s.wie.iter().map(|w| w.naam().to_owned()).collect(),
            )
        })
        .collect();
    assert_eq!(workflow_table(), code);
}

/// The kinds of caller the workflow test tries every step as.
const BELLERS: &[&str] = &[
    "vraagsteller",
    "lezer of the vraagsteller",
    "other rijkspartner",
    "kennismakelaar of the region",
    "kennismakelaar of another region",
    "institution proposed to",
    "lezer of the institution proposed to",
    "institution not proposed to",
    "programme office",
    "anonymous",
];

fn beller<'a>(app: &'a TestApp, naam: &str) -> Caller<'a> {
    match naam {
        "vraagsteller" => app.als(demo::BZK, Rol::Medewerker),
        "lezer of the vraagsteller" => app.als(demo::BZK, Rol::Lezer),
        "other rijkspartner" => app.als(demo::DUO, Rol::Beheerder),
        "kennismakelaar of the region" => app.als_kennismakelaar(demo::UU, &["MIDDEN"]),
        "kennismakelaar of another region" => app.als_kennismakelaar(demo::HANZE, &["NOORD"]),
        "institution proposed to" => app.als(demo::HU, Rol::Beheerder),
        "lezer of the institution proposed to" => app.als(demo::HU, Rol::Lezer),
        "institution not proposed to" => app.als(demo::FONTYS, Rol::Beheerder),
        "programme office" => app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
        _ => app.anoniem(),
    }
}

/// The table's name of the kind of caller `naam` is, if it has one.
fn rol_in_table(naam: &str) -> Option<&'static str> {
    match naam {
        "vraagsteller" => Some("vraagsteller"),
        "kennismakelaar of the region" => Some("kennismakelaar of the region"),
        "institution proposed to" => Some("institution proposed to"),
        "programme office" => Some("programme office"),
        _ => None,
    }
}

/// Whether `naam` may see a question of BZK in Midden proposed to HU.
fn sees(naam: &str) -> bool {
    [
        "vraagsteller",
        "lezer of the vraagsteller",
        "kennismakelaar of the region",
        "institution proposed to",
        "lezer of the institution proposed to",
        "programme office",
    ]
    .contains(&naam)
}

/// A question of BZK in Midden, proposed to HU, brought to `status` by the programme office;
/// its id and versie.
async fn question_in(app: &TestApp, status: &str, opdracht: &str) -> (String, i64) {
    let (id, mut versie) = submit(app, &["MIDDEN"], false).await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let hu = app.org_id(demo::HU).await;
    let neem = ("neemVraagstukInBehandeling", json!({}));
    let leg = ("legVraagstukVoor", json!({ "instellingen": [hu] }));
    let beleg = ("belegVraagstuk", json!({ "opdrachten": [opdracht] }));
    let pad = match status {
        "NIEUW" => vec![],
        "IN_BEHANDELING" => vec![neem],
        "VOORGELEGD" => vec![neem, leg],
        "BELEGD" => vec![neem, leg, beleg],
        "AFGEROND" => vec![neem, leg, beleg, ("rondVraagstukAf", json!({}))],
        "INGETROKKEN" => vec![("trekVraagstukIn", json!({}))],
        other => panic!("no path to {other}"),
    };
    for (mutatie, mut args) in pad {
        args["versie"] = json!(versie);
        let reply = step(&bureau, mutatie, &id, args).await;
        versie = reply.data()[mutatie]["versie"].as_i64().expect("a versie");
    }
    (id, versie)
}

/// The arguments of step `mutatie` besides `id` and `versie`.
fn args_of(mutatie: &str, opdracht: &str) -> Value {
    match mutatie {
        "updateVraagstuk" => json!({ "input": { "titel": "Gewijzigd" } }),
        "legVraagstukVoor" => json!({ "instellingen": [] }),
        "reageerOpVraagstuk" => json!({ "reactie": "INTERESSE" }),
        "belegVraagstuk" => json!({ "opdrachten": [opdracht] }),
        _ => json!({}),
    }
}

async fn every_step_of_the_workflow_is_taken_by_exactly_the_callers_the_table_names(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let opdracht = an_opdracht_of(&app.als_kennismakelaar(demo::UU, &["MIDDEN"])).await;
    let hu = app.org_id(demo::HU).await;
    let mut fouten = Vec::new();
    let mut gecontroleerd = 0;
    for (mutatie, van, naar, wie) in workflow_table() {
        let status = van[0].as_str();
        for naam in BELLERS {
            let (id, versie) = question_in(&app, status, &opdracht).await;
            // Before VOORGELEGD the institution is not proposed to: it is an outsider then.
            let voorgelegd = ["VOORGELEGD", "BELEGD", "AFGEROND"].contains(&status);
            let naam_hier = if naam.contains("proposed to") && !naam.contains("not") && !voorgelegd
            {
                "institution not proposed to"
            } else {
                naam
            };
            let mut args = args_of(&mutatie, &opdracht);
            if mutatie == "legVraagstukVoor" {
                args["instellingen"] = json!([hu]);
            }
            if mutatie != "reageerOpVraagstuk" {
                args["versie"] = json!(versie);
            }
            let reply = step(&beller(&app, naam), &mutatie, &id, args).await;
            let mag = rol_in_table(naam_hier).is_some_and(|r| wie.iter().any(|w| w == r));
            let verwacht = if mag {
                "ok"
            } else if *naam == "anonymous" {
                "UNAUTHENTICATED"
            } else if sees(naam_hier) {
                "FORBIDDEN"
            } else {
                "NOT_FOUND"
            };
            let kreeg = if reply.body.get("errors").is_none() {
                "ok"
            } else {
                reply.error_code()
            };
            gecontroleerd += 1;
            if kreeg != verwacht {
                fouten.push(format!(
                    "{mutatie} from {status} as {naam}: expected {verwacht}, got {kreeg}: {}",
                    reply.body
                ));
            } else if mag && mutatie != "deleteVraagstuk" {
                let status_na = reply.data()[&mutatie]["vraagstukStatus"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let verwacht_na = if naar == "(unchanged)" {
                    status.to_owned()
                } else {
                    naar.clone()
                };
                if status_na != verwacht_na {
                    fouten.push(format!(
                        "{mutatie} from {status} as {naam}: left {status_na}, not {verwacht_na}"
                    ));
                }
            }
        }
        // From every status the table does not name, even the programme office is refused.
        for status in [
            "NIEUW",
            "IN_BEHANDELING",
            "VOORGELEGD",
            "BELEGD",
            "AFGEROND",
            "INGETROKKEN",
        ] {
            if van.iter().any(|v| v == status) || mutatie == "reageerOpVraagstuk" {
                continue;
            }
            let (id, versie) = question_in(&app, status, &opdracht).await;
            let mut args = args_of(&mutatie, &opdracht);
            args["versie"] = json!(versie);
            if mutatie == "legVraagstukVoor" {
                args["instellingen"] = json!([hu]);
            }
            let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
            let reply = step(&bureau, &mutatie, &id, args).await;
            gecontroleerd += 1;
            if reply.body.get("errors").is_none() || reply.error_code() != "CONFLICT" {
                fouten.push(format!(
                    "{mutatie} from {status}: expected CONFLICT, got {}",
                    reply.body
                ));
            }
        }
    }
    assert!(gecontroleerd > 100, "{gecontroleerd} checks");
    assert!(
        fouten.is_empty(),
        "{} of {gecontroleerd} checks disagree with docs/access.md:\n{}",
        fouten.len(),
        fouten.join("\n")
    );
}

const FEED: &str = "query($types: [RecordType!]) { wijzigingen(recordTypes: $types, first: 100) { \
    wijzigingen { actie recordType record { id } } } }";

async fn the_changes_of_a_question_reach_the_feeds_of_exactly_those_who_may_see_it(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    // Created, taken up, proposed to HU: three changes.
    question_in(&app, "VOORGELEGD", "").await;
    let types = json!({ "types": ["VRAAGSTUK"] });
    for (caller, changes) in [
        (app.als(demo::BZK, Rol::Lezer), 3),
        (app.als_kennismakelaar(demo::UU, &["MIDDEN"]), 3),
        // The institution could not see the question before it was proposed to it: it gets the
        // change that let it in, not the two before.
        (app.als(demo::HU, Rol::Lezer), 1),
        (app.als(demo::FONTYS, Rol::Beheerder), 0),
        (app.als(demo::DUO, Rol::Beheerder), 0),
        (app.als_kennismakelaar(demo::HANZE, &["NOORD"]), 0),
    ] {
        let feed = caller.query(FEED, types.clone()).await;
        let n = feed.data()["wijzigingen"]["wijzigingen"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(n, changes, "{caller:?}: {}", feed.body);
    }
}

async fn hostile_input_to_the_workflow_is_refused_on_its_field_and_writes_nothing(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut input = vraag("Algoritmes", &["MIDDEN"], false);
    input["input"]["kenmerk"] = json!("BZK-1");
    let (id, versie) = submit_input(&app, input.clone()).await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let genomen = step(
        &bureau,
        "neemVraagstukInBehandeling",
        &id,
        json!({ "versie": versie }),
    )
    .await;
    let versie = genomen.data()["neemVraagstukInBehandeling"]["versie"]
        .as_i64()
        .unwrap();
    let voor = app.dump().await;
    let bzk = app.als(demo::BZK, Rol::Medewerker);
    bzk.query(CREATE, vraag("Nul\u{0}byte", &["MIDDEN"], false))
        .await
        .assert_problem("titel");
    bzk.query(CREATE, vraag("Zonder regio", &[], false))
        .await
        .assert_problem("regios");
    bzk.query(CREATE, input).await.assert_problem("kenmerk");
    let te_veel: Vec<String> = (0..1001).map(|_| app.id("Kennisinstelling", 1)).collect();
    step(
        &bureau,
        "legVraagstukVoor",
        &id,
        json!({ "versie": versie, "instellingen": te_veel }),
    )
    .await
    .assert_bad_user_input();
    step(
        &bureau,
        "legVraagstukVoor",
        &id,
        json!({ "versie": versie, "instellingen": [app.org_id(demo::BZK).await] }),
    )
    .await
    .assert_problem("instellingen[0]");
    step(
        &bureau,
        "neemVraagstukInBehandeling",
        &app.id("Fieldlab", 1),
        json!({ "versie": versie }),
    )
    .await
    .assert_problem("id");
    assert_eq!(app.dump().await, voor, "nothing was written");
}
