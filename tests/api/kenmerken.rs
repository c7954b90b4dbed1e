//! Kenmerken (codes) of fieldlabs, lectoraten and minoren: set by the owner, public, unique per
//! record type, of one shape, and the way a sync names the fieldlab, lectoraat or minor of an
//! opdracht.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use crate::sync::{SYNC, item};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    a_kenmerk_is_stored_in_capitals_and_everyone_reads_it,
    a_kenmerk_of_the_wrong_shape_is_refused_on_its_field,
    two_fieldlabs_cannot_share_a_kenmerk_whatever_its_case,
    an_update_changes_or_clears_the_kenmerk_and_keeps_it_when_left_out,
    a_sync_names_the_fieldlab_lectoraat_and_minor_of_an_opdracht_by_their_kenmerken,
    a_sync_item_with_an_unknown_kenmerk_or_with_both_id_and_kenmerk_is_rejected_on_that_field,
    the_database_refuses_a_kenmerk_of_the_wrong_shape,
    a_sync_names_a_demo_fieldlab_by_its_kenmerk,
    the_lists_find_records_by_their_kenmerken,
    a_kenmerk_of_the_wrong_shape_in_a_filter_is_refused_on_its_place,
    hostile_kenmerken_are_refused_with_their_field_and_write_nothing,
);

const CREATE_FIELDLAB: &str =
    "mutation($input: FieldlabInput!) { createFieldlab(input: $input) { id kenmerk versie } }";
const CREATE_LECTORAAT: &str =
    "mutation($input: LectoraatInput!) { createLectoraat(input: $input) { id kenmerk } }";
const CREATE_MINOR: &str =
    "mutation($input: MinorInput!) { createMinor(input: $input) { id kenmerk } }";
const UPDATE_FIELDLAB: &str = "mutation($id: ID!, $versie: Int!, $input: FieldlabUpdateInput!) { \
    updateFieldlab(id: $id, versie: $versie, input: $input) { kenmerk versie } }";

fn lab(naam: &str, code: Value) -> Value {
    json!({ "input": { "naam": naam, "regios": ["MIDDEN"], "kenmerk": code } })
}

async fn a_kenmerk_is_stored_in_capitals_and_everyone_reads_it(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    let lab = beheerder
        .query(CREATE_FIELDLAB, lab("Codelab", json!(" fl-data-utrecht ")))
        .await;
    assert_eq!(lab.data()["createFieldlab"]["kenmerk"], "FL-DATA-UTRECHT");
    let id = lab.data()["createFieldlab"]["id"].clone();
    let gelezen = app
        .anoniem()
        .query(
            "query($id: ID!) { node(id: $id) { ... on Fieldlab { kenmerk } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(gelezen.data()["node"]["kenmerk"], "FL-DATA-UTRECHT");
}

async fn a_kenmerk_of_the_wrong_shape_is_refused_on_its_field(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    let voor = app.dump().await;
    for code in ["A", "-AB", "AB CD", "AB_CD", "AB\u{0}CD", &"A".repeat(41)] {
        let antwoord = beheerder
            .query(CREATE_FIELDLAB, lab("Vormlab", json!(code)))
            .await;
        assert_eq!(
            antwoord.problem_fields(),
            vec!["kenmerk"],
            "{code:?}: {}",
            antwoord.body
        );
    }
    assert_eq!(app.dump().await, voor, "nothing was written");
}

async fn two_fieldlabs_cannot_share_a_kenmerk_whatever_its_case(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let hanze = app.als(demo::HANZE, Rol::Beheerder);
    hu.query(CREATE_FIELDLAB, lab("Eerste", json!("FL-X")))
        .await
        .data();
    let tweede = hanze
        .query(CREATE_FIELDLAB, lab("Tweede", json!("fl-x")))
        .await;
    assert_eq!(tweede.problem_fields(), vec!["kenmerk"], "{}", tweede.body);
    assert!(tweede.body.to_string().contains("FL-X"), "{}", tweede.body);
    let lectoraat = hanze
        .query(
            CREATE_LECTORAAT,
            json!({ "input": { "naam": "L", "lectoraatSoort": "LECTORAAT", "kenmerk": "FL-X" } }),
        )
        .await;
    assert_eq!(
        lectoraat.data()["createLectoraat"]["kenmerk"],
        "FL-X",
        "kenmerken are unique per record type"
    );
}

async fn an_update_changes_or_clears_the_kenmerk_and_keeps_it_when_left_out(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    let lab = beheerder
        .query(CREATE_FIELDLAB, lab("Wissellab", json!("FL-OUD")))
        .await;
    let id = lab.data()["createFieldlab"]["id"].clone();
    let mut versie = lab.data()["createFieldlab"]["versie"].clone();
    let mut kenmerk_na = async |input: Value| {
        let antwoord = beheerder
            .query(
                UPDATE_FIELDLAB,
                json!({ "id": id.clone(), "versie": versie.clone(), "input": input }),
            )
            .await;
        versie = antwoord.data()["updateFieldlab"]["versie"].clone();
        antwoord.data()["updateFieldlab"]["kenmerk"].clone()
    };
    assert_eq!(kenmerk_na(json!({ "plaats": "Utrecht" })).await, "FL-OUD");
    assert_eq!(
        kenmerk_na(json!({ "kenmerk": "FL-NIEUW" })).await,
        "FL-NIEUW"
    );
    assert_eq!(
        kenmerk_na(json!({ "kenmerk": "fl-nieuw" })).await,
        "FL-NIEUW",
        "its own kenmerk is not another's"
    );
    assert_eq!(kenmerk_na(json!({ "kenmerk": null })).await, Value::Null);
}

/// Creates a fieldlab, lectoraat and minor of HU with kenmerken; returns their ids.
async fn records_with_kenmerken(app: &TestApp) -> (Value, Value, Value) {
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    let lab = beheerder
        .query(CREATE_FIELDLAB, lab("Synclab", json!("FL-SYNC")))
        .await;
    let lectoraat = beheerder
        .query(
            CREATE_LECTORAAT,
            json!({ "input": { "naam": "Synclectoraat", "lectoraatSoort": "LECTORAAT", "kenmerk": "LEC-SYNC" } }),
        )
        .await;
    let minor = beheerder
        .query(
            CREATE_MINOR,
            json!({ "input": { "naam": "Syncminor", "minorSoort": "MINOR", "kenmerk": "MIN-SYNC" } }),
        )
        .await;
    (
        lab.data()["createFieldlab"]["id"].clone(),
        lectoraat.data()["createLectoraat"]["id"].clone(),
        minor.data()["createMinor"]["id"].clone(),
    )
}

fn batch(items: Vec<Value>) -> Value {
    json!({ "input": { "bron": "osiris", "opdrachten": items } })
}

/// Syncs `opdracht` as a medewerker of HU (it must be created) and reads `selection` of the
/// opdracht it became.
async fn synced(app: &TestApp, opdracht: Value, selection: &str) -> Value {
    let medewerker = app.als(demo::HU, Rol::Medewerker);
    let antwoord = medewerker.query(SYNC, batch(vec![opdracht])).await;
    let resultaat = &antwoord.data()["syncOpdrachten"];
    assert_eq!(resultaat["totalen"]["created"], 1, "{}", antwoord.body);
    let id = resultaat["items"][0]["opdracht"].clone();
    let query =
        format!("query($id: ID!) {{ node(id: $id) {{ ... on Opdracht {{ {selection} }} }} }}");
    medewerker.query(&query, json!({ "id": id })).await.data()["node"].clone()
}

async fn a_sync_names_the_fieldlab_lectoraat_and_minor_of_an_opdracht_by_their_kenmerken(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (lab, lectoraat, minor) = records_with_kenmerken(&app).await;
    let mut opdracht = item(1);
    opdracht["fieldlabKenmerk"] = json!("fl-sync");
    opdracht["lectoraatKenmerk"] = json!("LEC-SYNC");
    opdracht["minorKenmerk"] = json!("MIN-SYNC");
    let node = synced(
        &app,
        opdracht,
        "fieldlab { id kenmerk } lectoraat { id } minor { id }",
    )
    .await;
    assert_eq!(node["fieldlab"]["id"], lab);
    assert_eq!(node["fieldlab"]["kenmerk"], "FL-SYNC");
    assert_eq!(node["lectoraat"]["id"], lectoraat);
    assert_eq!(node["minor"]["id"], minor);
}

async fn a_sync_item_with_an_unknown_kenmerk_or_with_both_id_and_kenmerk_is_rejected_on_that_field(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (lab, _, _) = records_with_kenmerken(&app).await;
    let mut onbekend = item(1);
    onbekend["fieldlabKenmerk"] = json!("FL-NERGENS");
    let mut beide = item(2);
    beide["fieldlab"] = lab;
    beide["fieldlabKenmerk"] = json!("FL-SYNC");
    let mut misvormd = item(3);
    misvormd["minorKenmerk"] = json!("-");
    let voor = app.dump().await;
    let antwoord = app
        .als(demo::HU, Rol::Medewerker)
        .query(SYNC, batch(vec![onbekend, beide, misvormd]))
        .await;
    let resultaat = &antwoord.data()["syncOpdrachten"];
    assert_eq!(resultaat["toegepast"], false, "{}", antwoord.body);
    let velden: Vec<&Value> = (0..3)
        .map(|i| &resultaat["items"][i]["errors"][0]["field"])
        .collect();
    assert_eq!(
        velden,
        [
            "opdrachten[0].fieldlabKenmerk",
            "opdrachten[1].fieldlabKenmerk",
            "opdrachten[2].minorKenmerk"
        ]
    );
    assert!(
        resultaat["items"][0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("FL-NERGENS")
    );
    assert_eq!(app.dump().await, voor, "a rejected batch writes nothing");
}

async fn the_database_refuses_a_kenmerk_of_the_wrong_shape(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let raw = app.raw().await;
    use sea_orm::ConnectionTrait;
    for code in ["fl-klein", "-AB", "A"] {
        let result = raw
            .execute_unprepared(&format!(
                "UPDATE fieldlabs SET kenmerk = '{code}' WHERE id = (SELECT MIN(id) FROM fieldlabs)"
            ))
            .await;
        assert!(result.is_err(), "{code} was stored");
    }
    raw.execute_unprepared(
        "UPDATE fieldlabs SET kenmerk = 'FL-GOED' WHERE id = (SELECT MIN(id) FROM fieldlabs)",
    )
    .await
    .expect("a well-formed kenmerk is stored");
}

async fn a_sync_names_a_demo_fieldlab_by_its_kenmerk(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut opdracht = item(1);
    opdracht["fieldlabKenmerk"] = json!("fl-ai-midden");
    let node = synced(&app, opdracht, "fieldlab { naam kenmerk }").await;
    assert_eq!(node["fieldlab"]["naam"], "AI-Labs midden NL");
    assert_eq!(node["fieldlab"]["kenmerk"], "FL-AI-MIDDEN");
}

async fn the_lists_find_records_by_their_kenmerken(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    records_with_kenmerken(&app).await;
    let antwoord = app
        .anoniem()
        .query(
            "{ fieldlabs(filter: { kenmerken: [\"fl-sync\", \"FL-ELSA\", \"FL-NERGENS\"] }) \
               { nodes { kenmerk } } \
             lectoraten(filter: { kenmerken: [\"lec-sync\"] }) { nodes { naam } } \
             minoren(filter: { kenmerken: [\"MIN-SYNC\"] }) { nodes { naam } } }",
            json!({}),
        )
        .await;
    let data = antwoord.data();
    let mut labs: Vec<&str> = data["fieldlabs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kenmerk"].as_str().unwrap())
        .collect();
    labs.sort();
    assert_eq!(labs, ["FL-ELSA", "FL-SYNC"]);
    assert_eq!(
        data["lectoraten"]["nodes"],
        json!([{ "naam": "Synclectoraat" }])
    );
    assert_eq!(data["minoren"]["nodes"], json!([{ "naam": "Syncminor" }]));
}

async fn a_kenmerk_of_the_wrong_shape_in_a_filter_is_refused_on_its_place(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let antwoord = app
        .anoniem()
        .query(
            "{ fieldlabs(filter: { kenmerken: [\"FL-ELSA\", \"-\"] }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(antwoord.problem_fields(), vec!["filter.kenmerken[1]"]);
}

async fn hostile_kenmerken_are_refused_with_their_field_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let te_veel = vec!["FL-ELSA"; 1001];
    let lijst = app
        .anoniem()
        .query(
            "query($k: [String!]) { fieldlabs(filter: { kenmerken: $k }) { totalCount } }",
            json!({ "k": te_veel }),
        )
        .await;
    assert_eq!(
        lijst.problem_fields(),
        vec!["filter.kenmerken"],
        "{}",
        lijst.body
    );
    let lang = app
        .anoniem()
        .query(
            "query($k: [String!]) { fieldlabs(filter: { kenmerken: $k }) { totalCount } }",
            json!({ "k": ["A".repeat(100_000)] }),
        )
        .await;
    assert_eq!(
        lang.problem_fields(),
        vec!["filter.kenmerken[0]"],
        "{}",
        lang.body
    );
    let voor = app.dump().await;
    let mut opdracht = item(1);
    opdracht["fieldlabKenmerk"] = json!(format!("FL-{}\u{0}", "X".repeat(100_000)));
    let antwoord = app
        .als(demo::HU, Rol::Medewerker)
        .query(SYNC, batch(vec![opdracht]))
        .await;
    let resultaat = &antwoord.data()["syncOpdrachten"];
    assert_eq!(resultaat["toegepast"], false, "{}", antwoord.body);
    assert_eq!(
        resultaat["items"][0]["errors"][0]["field"],
        "opdrachten[0].fieldlabKenmerk"
    );
    assert!(
        antwoord.body.to_string().len() < 10_000,
        "the refusal does not echo the input"
    );
    assert_eq!(app.dump().await, voor, "nothing was written");
}
