//! `node(id:)`: every record by its global id, through the same scope as the lists.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    a_fieldlab_and_an_organisation_are_found_by_the_id_the_api_returned,
    node_shows_a_fieldlab_with_the_same_rights_as_the_list,
    an_id_whose_type_does_not_match_the_record_is_not_found,
    an_id_of_a_record_that_does_not_exist_is_not_found,
    an_id_this_api_did_not_make_is_bad_user_input,
);

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id \
                    ... on Fieldlab { naam fieldlabStatus } ... on Organisatie { naam } } }";

async fn lab_id(app: &TestApp, naam: &str) -> Value {
    let data = app
        .anoniem()
        .query("{ fieldlabs(first: 100) { nodes { id naam } } }", json!({}))
        .await
        .data()
        .clone();
    data["fieldlabs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["naam"] == naam)
        .unwrap()["id"]
        .clone()
}

async fn a_fieldlab_and_an_organisation_are_found_by_the_id_the_api_returned(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let id = lab_id(&app, "IDDI-Lab").await;
    let node = app.anoniem().query(NODE, json!({ "id": id })).await.data()["node"].clone();
    assert_eq!(node["__typename"], "Fieldlab");
    assert_eq!(node["naam"], "IDDI-Lab");
    assert_eq!(node["id"], id);

    let hanze = app.org_id(demo::HANZE).await;
    let node = app
        .anoniem()
        .query(NODE, json!({ "id": hanze }))
        .await
        .data()["node"]
        .clone();
    assert_eq!(node["__typename"], "Kennisinstelling");
    assert_eq!(node["naam"], "Hanze");
}

async fn node_shows_a_fieldlab_with_the_same_rights_as_the_list(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let id = lab_id(&app, "IDDI-Lab").await;
    let anonymous = app.anoniem().query(NODE, json!({ "id": id })).await.data()["node"].clone();
    assert_eq!(anonymous["fieldlabStatus"], Value::Null);
    let hanze = app.als(demo::HANZE, Rol::Lezer);
    let owner = hanze.query(NODE, json!({ "id": id })).await.data()["node"].clone();
    assert_eq!(owner["fieldlabStatus"], "ACTIEF");
}

async fn an_id_whose_type_does_not_match_the_record_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = app.org_id(demo::HANZE).await;
    let number = app.sleutels.read_id(&hanze).expect("an id of this API").id;
    let forged = app.id("Rijkspartner", number);
    let antwoord = app.anoniem().query(NODE, json!({ "id": forged })).await;
    antwoord.assert_not_found();
    assert_eq!(antwoord.body["data"]["node"], Value::Null);
}

async fn an_id_of_a_record_that_does_not_exist_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let id = app.id("Fieldlab", 999999);
    let antwoord = app.anoniem().query(NODE, json!({ "id": id })).await;
    antwoord.assert_not_found();
}

async fn an_id_this_api_did_not_make_is_bad_user_input(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for id in [
        "12",
        "not base64!",
        &URL_SAFE_NO_PAD.encode("Geheim:1"),
        // The old format: readable row numbers are no ids any more.
        &URL_SAFE_NO_PAD.encode("Fieldlab:1"),
    ] {
        let antwoord = app.anoniem().query(NODE, json!({ "id": id })).await;
        assert_eq!(antwoord.error_code(), "BAD_USER_INPUT", "{id}");
        assert_eq!(antwoord.extensions()["field"], "id");
    }
}
