//! `syncOpdrachten`: idempotency, batch semantics, dry run, withdrawal, the batch limit, and two
//! clients syncing the same source at once.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    syncing_the_same_batch_twice_creates_nothing_the_second_time,
    changed_items_are_updated_and_logged_with_their_source,
    an_invalid_item_rejects_an_atomair_batch_entirely_and_only_itself_per_item,
    a_dry_run_reports_what_would_happen_and_writes_nothing,
    withdrawn_items_are_deleted,
    a_batch_above_the_maximum_is_refused_with_a_clear_error,
    an_externid_twice_in_one_batch_is_rejected,
    two_clients_syncing_the_same_source_at_once_create_no_duplicates,
    only_editing_roles_of_the_owner_sync,
    an_item_is_the_whole_record_so_an_optional_field_it_leaves_out_is_cleared,
);

pub const SYNC: &str = "mutation($input: OpdrachtenSyncInput!) { syncOpdrachten(input: $input) { \
    toegepast dryRun modus totalen { created updated unchanged deleted rejected } \
    items { externId resultaat opdracht errors { field message } } } }";

pub fn item(n: usize) -> Value {
    json!({
        "externId": format!("OSIRIS-{n}"),
        "naam": format!("Afstudeeropdracht {n}"),
        "opdrachtSoort": "AFSTUDEEROPDRACHT",
        "opdrachtStatus": "IN_VOORBEREIDING",
        "startdatum": "2025-02-01",
        "einddatum": "2025-07-01",
        "aantalStudenten": 1 + (n % 3) as i64,
        "opdrachtgever": demo::DUO,
        "uitvoerders": [demo::HU],
        "themas": ["DATA_AI"],
    })
}

fn batch(items: Vec<Value>) -> Value {
    json!({ "input": { "bron": "osiris", "opdrachten": items } })
}

async fn sync(caller: &Caller<'_>, variables: Value) -> Value {
    caller.query(SYNC, variables).await.data()["syncOpdrachten"].clone()
}

fn medewerker(app: &TestApp) -> Caller<'_> {
    app.als(demo::HU, Rol::Medewerker)
}

const HU_OPDRACHTEN: &str = "SELECT COUNT(*) FROM opdrachten WHERE eigenaar_id = (SELECT id FROM organisaties WHERE schac_home = 'hu.nl') AND extern_id LIKE 'OSIRIS-%'";

async fn syncing_the_same_batch_twice_creates_nothing_the_second_time(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let items: Vec<Value> = (0..50).map(item).collect();
    let eerste = sync(&token, batch(items.clone())).await;
    assert_eq!(eerste["toegepast"], true);
    assert_eq!(eerste["totalen"]["created"], 50);
    assert!(
        eerste["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["opdracht"].is_string())
    );
    let na_eerste = app.dump().await;
    let tweede = sync(&token, batch(items)).await;
    assert_eq!(tweede["totalen"]["unchanged"], 50);
    assert_eq!(tweede["totalen"]["created"], 0);
    assert_eq!(
        eerste["items"][7]["opdracht"],
        tweede["items"][7]["opdracht"]
    );
    assert_eq!(
        app.dump().await,
        na_eerste,
        "the second sync wrote nothing at all"
    );
    assert_eq!(app.scalar(HU_OPDRACHTEN).await, 50);
}

async fn changed_items_are_updated_and_logged_with_their_source(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let eerste = sync(&token, batch((0..3).map(item).collect())).await;
    let mut gewijzigd = item(1);
    gewijzigd["opdrachtStatus"] = json!("IN_UITVOERING");
    gewijzigd["themas"] = json!(["DATA_AI", "CYBERVEILIGHEID"]);
    let tweede = sync(&token, batch(vec![item(0), gewijzigd, item(2)])).await;
    assert_eq!(tweede["totalen"]["updated"], 1);
    assert_eq!(tweede["totalen"]["unchanged"], 2);
    assert_eq!(tweede["items"][1]["resultaat"], "UPDATED");
    let id = eerste["items"][1]["opdracht"].as_str().unwrap();
    let opdracht = token.query(
        "query($id: ID!) { node(id: $id) { ... on Opdracht { opdrachtStatus versie themas { code } } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(opdracht.data()["node"]["opdrachtStatus"], "IN_UITVOERING");
    assert_eq!(opdracht.data()["node"]["versie"], 2);
    let trail = token.query(
        "query($id: ID!) { auditTrail(filter: { record: $id }) { totalCount nodes { actie operatie bron actor actorRol versie veldwijzigingen { veld voor na } } } }",
        json!({ "id": id }),
    )
    .await;
    let trail = &trail.data()["auditTrail"];
    assert_eq!(trail["totalCount"], 2);
    let update = &trail["nodes"][0];
    assert_eq!(update["actie"], "UPDATED");
    assert_eq!(update["operatie"], "syncOpdrachten");
    assert_eq!(update["bron"], "osiris");
    assert_eq!(update["actor"], "test-user");
    assert_eq!(update["actorRol"], "MEDEWERKER");
    assert_eq!(update["versie"], 2);
    assert_eq!(
        update["veldwijzigingen"],
        json!([
            { "veld": "opdrachtStatus", "voor": "\"IN_VOORBEREIDING\"", "na": "\"IN_UITVOERING\"" },
            { "veld": "themas", "voor": "[\"DATA_AI\"]", "na": "[\"CYBERVEILIGHEID\",\"DATA_AI\"]" },
        ])
    );
    assert_eq!(trail["nodes"][1]["actie"], "CREATED");
}

async fn an_invalid_item_rejects_an_atomair_batch_entirely_and_only_itself_per_item(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let mut slecht = item(1);
    slecht["einddatum"] = json!("2024-01-01");
    slecht["opdrachtgever"] = json!(demo::ONBEKENDE_OIN);
    let items = vec![item(0), slecht, item(2)];
    let voor = app.dump().await;
    let atomair = sync(&token, batch(items.clone())).await;
    assert_eq!(atomair["toegepast"], false);
    assert_eq!(atomair["modus"], "ATOMAIR");
    assert_eq!(atomair["totalen"]["rejected"], 1);
    assert_eq!(
        atomair["items"][0]["resultaat"], "CREATED",
        "what would have happened"
    );
    assert_eq!(atomair["items"][1]["resultaat"], "REJECTED");
    let velden: Vec<&str> = atomair["items"][1]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        velden,
        ["opdrachten[1].einddatum", "opdrachten[1].opdrachtgever"]
    );
    assert_eq!(
        app.dump().await,
        voor,
        "an atomair batch with a rejected item writes nothing"
    );

    let mut per_item = batch(items);
    per_item["input"]["modus"] = json!("PER_ITEM");
    let resultaat = sync(&token, per_item).await;
    assert_eq!(resultaat["toegepast"], true);
    assert_eq!(resultaat["totalen"]["created"], 2);
    assert_eq!(resultaat["totalen"]["rejected"], 1);
    assert!(resultaat["items"][1]["opdracht"].is_null());
    assert_eq!(app.scalar(HU_OPDRACHTEN).await, 2);
}

async fn a_dry_run_reports_what_would_happen_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    sync(&token, batch(vec![item(0)])).await;
    let voor = app.dump().await;
    let mut gewijzigd = item(0);
    gewijzigd["naam"] = json!("Nieuwe naam");
    let mut variables = batch(vec![gewijzigd, item(1)]);
    variables["input"]["dryRun"] = json!(true);
    variables["input"]["ingetrokken"] = json!(["OSIRIS-99"]);
    let resultaat = sync(&token, variables).await;
    assert_eq!(resultaat["toegepast"], false);
    assert_eq!(resultaat["dryRun"], true);
    let uitkomsten: Vec<&str> = resultaat["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["resultaat"].as_str().unwrap())
        .collect();
    assert_eq!(uitkomsten, ["UPDATED", "CREATED", "UNCHANGED"]);
    assert_eq!(app.dump().await, voor);
}

async fn withdrawn_items_are_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let eerste = sync(&token, batch((0..3).map(item).collect())).await;
    let id = eerste["items"][2]["opdracht"].as_str().unwrap().to_owned();
    let resultaat = sync(
        &token,
        json!({ "input": { "bron": "osiris", "ingetrokken": ["OSIRIS-2", "OSIRIS-404"] } }),
    )
    .await;
    assert_eq!(resultaat["items"][0]["resultaat"], "DELETED");
    assert_eq!(resultaat["items"][0]["opdracht"], id.as_str());
    assert_eq!(
        resultaat["items"][1]["resultaat"], "UNCHANGED",
        "unknown: nothing to do"
    );
    assert_eq!(app.scalar(HU_OPDRACHTEN).await, 2);
    let node = token
        .query(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    node.assert_not_found();
}

async fn a_batch_above_the_maximum_is_refused_with_a_clear_error(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let voor = app.dump().await;
    let antwoord = token
        .query(SYNC, batch((0..1001).map(item).collect()))
        .await;
    antwoord.assert_bad_user_input();
    let message = antwoord.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("at most 1000 items"), "{message}");
    assert_eq!(app.dump().await, voor);
    let precies = sync(&token, batch((0..1000).map(item).collect())).await;
    assert_eq!(precies["totalen"]["created"], 1000, "1000 is allowed");
}

async fn an_externid_twice_in_one_batch_is_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let mut variables = batch(vec![item(0), item(1), item(0)]);
    variables["input"]["modus"] = json!("PER_ITEM");
    let resultaat = sync(&token, variables).await;
    let uitkomsten: Vec<&str> = resultaat["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["resultaat"].as_str().unwrap())
        .collect();
    assert_eq!(uitkomsten, ["REJECTED", "CREATED", "REJECTED"]);
    assert!(
        resultaat["items"][0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("opdrachten[2].externId")
    );
}

async fn two_clients_syncing_the_same_source_at_once_create_no_duplicates(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let items: Vec<Value> = (0..200).map(item).collect();
    let (a, b) = tokio::join!(
        sync(&token, batch(items.clone())),
        sync(&token, batch(items.clone())),
    );
    let aangemaakt =
        a["totalen"]["created"].as_i64().unwrap() + b["totalen"]["created"].as_i64().unwrap();
    let ongewijzigd =
        a["totalen"]["unchanged"].as_i64().unwrap() + b["totalen"]["unchanged"].as_i64().unwrap();
    assert_eq!(
        (aangemaakt, ongewijzigd),
        (200, 200),
        "one created them, the other found them"
    );
    assert_eq!(app.scalar(HU_OPDRACHTEN).await, 200);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM wijzigingen WHERE record_type = 'OPDRACHT'")
            .await,
        200,
        "one log entry per opdracht"
    );
}

async fn only_editing_roles_of_the_owner_sync(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let lezer = app.als(demo::HU, Rol::Lezer);
    let antwoord = lezer.query(SYNC, batch(vec![item(0)])).await;
    antwoord.assert_forbidden();
    let medewerker = medewerker(&app);
    let uu = app.org_id(demo::UU).await;
    let mut andermans = batch(vec![item(0)]);
    andermans["input"]["eigenaar"] = json!(uu);
    let antwoord = medewerker.query(SYNC, andermans.clone()).await;
    antwoord.assert_forbidden();
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let namens = sync(&bureau, andermans).await;
    assert_eq!(
        namens["totalen"]["created"], 1,
        "the programme office syncs for anyone"
    );
}

async fn an_item_is_the_whole_record_so_an_optional_field_it_leaves_out_is_cleared(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = medewerker(&app);
    let mut full = item(7);
    full["regio"] = json!("MIDDEN");
    full["contactpersoon"] = json!({ "naam": "A. de Vries", "email": "a.devries@hu.nl" });
    let first = sync(&token, batch(vec![full])).await;
    let id = first["items"][0]["opdracht"].clone();
    let mut without = item(7);
    without.as_object_mut().unwrap().remove("einddatum");
    without.as_object_mut().unwrap().remove("themas");
    let second = sync(&token, batch(vec![without])).await;
    assert_eq!(second["items"][0]["resultaat"], "UPDATED");
    let opdracht = token
        .query(
            "query($id: ID!) { node(id: $id) { ... on Opdracht { regio startdatum einddatum themas { code } contactpersoon { naam } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        opdracht.data()["node"],
        json!({ "regio": null, "startdatum": "2025-02-01", "einddatum": null, "themas": [], "contactpersoon": null })
    );
}
