//! A fieldlab lies in one or more regions (the seed documents place the Blockchain Lab in
//! "Noord/Oost NL"): a kennismakelaar of any of them reads it in full, the filter finds it by
//! any of them, and a fieldlab is written with at least one.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    an_oost_kennismakelaar_reads_the_blockchain_lab_in_full,
    a_noord_kennismakelaar_reads_the_blockchain_lab_in_full_and_a_zuid_one_does_not,
    the_demo_places_each_fieldlab_in_the_regions_the_seed_documents_name,
    the_regios_filter_finds_a_fieldlab_by_any_of_its_regions,
    a_fieldlab_is_created_and_updated_with_two_regions_and_duplicates_merged,
    a_fieldlab_without_a_region_is_bad_user_input_naming_regios,
);

const BLOCKCHAIN: &str = "Blockchain Lab (DUO DIT-lab)";

const LABS: &str = "query($f: FieldlabFilter) { fieldlabs(first: 100, filter: $f) { totalCount \
    nodes { naam regios fieldlabStatus deelnemers { deelnemerRol } } } }";

/// The Blockchain Lab as `regios` of kennismakelaar of Utrecht University (which takes no part
/// in it) sees it.
async fn blockchain_lab_for(app: &TestApp, regios: &[&str]) -> Value {
    let data = app
        .als_kennismakelaar(demo::UU, regios)
        .query(LABS, json!({}))
        .await
        .data()
        .clone();
    data["fieldlabs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == BLOCKCHAIN)
        .unwrap_or_else(|| panic!("{BLOCKCHAIN} missing from {data}"))
        .clone()
}

async fn an_oost_kennismakelaar_reads_the_blockchain_lab_in_full(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let lab = blockchain_lab_for(&app, &["OOST"]).await;
    assert_eq!(lab["regios"], json!(["NOORD", "OOST"]));
    assert_eq!(lab["fieldlabStatus"], "ACTIEF", "{lab}");
    assert_eq!(
        lab["deelnemers"],
        json!([{ "deelnemerRol": "KENNISPARTNER" }])
    );
}

async fn a_noord_kennismakelaar_reads_the_blockchain_lab_in_full_and_a_zuid_one_does_not(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let noord = blockchain_lab_for(&app, &["NOORD"]).await;
    assert_eq!(noord["fieldlabStatus"], "ACTIEF", "{noord}");
    let zuid = blockchain_lab_for(&app, &["ZUID", "WEST"]).await;
    assert_eq!(
        zuid["regios"],
        json!(["NOORD", "OOST"]),
        "regions are public"
    );
    assert_eq!(zuid["fieldlabStatus"], Value::Null, "{zuid}");
    assert_eq!(zuid["deelnemers"], Value::Null, "{zuid}");
}

async fn the_demo_places_each_fieldlab_in_the_regions_the_seed_documents_name(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let data = app.anoniem().query(LABS, json!({})).await.data().clone();
    let regios = |naam: &str| {
        data["fieldlabs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["naam"] == naam)
            .unwrap_or_else(|| panic!("{naam} missing"))["regios"]
            .clone()
    };
    // "Midden/Oost NL", "Noord/Oost NL" (twice), and one region for the others.
    assert_eq!(
        regios("Centrum voor Veiligheid en Digitalisering"),
        json!(["OOST", "MIDDEN"])
    );
    assert_eq!(regios(BLOCKCHAIN), json!(["NOORD", "OOST"]));
    assert_eq!(
        regios("ICT Atelier Sustainable Public Services"),
        json!(["NOORD", "OOST"])
    );
    assert_eq!(regios("IDDI-Lab"), json!(["NOORD"]));
    assert_eq!(regios("GovTech Lab"), json!(["WEST"]));
}

async fn the_regios_filter_finds_a_fieldlab_by_any_of_its_regions(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let names = |data: &Value| -> Vec<String> {
        data["fieldlabs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["naam"].as_str().unwrap().to_owned())
            .collect()
    };
    let oost = app
        .anoniem()
        .query(LABS, json!({ "f": { "regios": ["OOST"] } }))
        .await;
    assert_eq!(
        names(oost.data()),
        vec![
            BLOCKCHAIN,
            "Centrum voor Veiligheid en Digitalisering",
            "ICT Atelier Sustainable Public Services",
        ]
    );
    let either = app
        .anoniem()
        .query(LABS, json!({ "f": { "regios": ["OOST", "NOORD"] } }))
        .await;
    assert_eq!(
        either.data()["fieldlabs"]["totalCount"],
        4,
        "a lab in both regions is counted once: {}",
        either.body
    );
    let counted = app
        .scalar(
            "SELECT COUNT(DISTINCT fieldlab_id) FROM fieldlab_regios WHERE regio IN ('OOST', 'NOORD')",
        )
        .await;
    assert_eq!(counted, 4);
}

const CREATE: &str =
    "mutation($input: FieldlabInput!) { createFieldlab(input: $input) { id versie regios } }";
const UPDATE: &str = "mutation($id: ID!, $versie: Int!, $input: FieldlabUpdateInput!) { \
    updateFieldlab(id: $id, versie: $versie, input: $input) { versie regios } }";

async fn a_fieldlab_is_created_and_updated_with_two_regions_and_duplicates_merged(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let input = json!({ "naam": "Grenslab", "regios": ["WEST", "MIDDEN", "WEST"] });
    let created = hu.query(CREATE, json!({ "input": input })).await;
    let lab = created.data()["createFieldlab"].clone();
    assert_eq!(
        lab["regios"],
        json!(["MIDDEN", "WEST"]),
        "merged, in region order"
    );
    let west = app.als_kennismakelaar(demo::UU, &["WEST"]);
    let full = west
        .query(
            "query($id: ID!) { node(id: $id) { ... on Fieldlab { fieldlabStatus } } }",
            json!({ "id": lab["id"] }),
        )
        .await;
    assert_eq!(full.data()["node"]["fieldlabStatus"], "IN_OPRICHTING");

    let updated = hu
        .query(
            UPDATE,
            json!({ "id": lab["id"], "versie": 1, "input": { "regios": ["ZUID", "OOST"] } }),
        )
        .await;
    assert_eq!(
        updated.data()["updateFieldlab"],
        json!({ "versie": 2, "regios": ["OOST", "ZUID"] })
    );
    let trail = app
        .als(demo::HU, Rol::Beheerder)
        .query(
            "query($id: ID!) { auditTrail(filter: { record: $id }) { nodes { actie veldwijzigingen { veld voor na } } } }",
            json!({ "id": lab["id"] }),
        )
        .await;
    assert_eq!(
        trail.data()["auditTrail"]["nodes"][0],
        json!({ "actie": "UPDATED", "veldwijzigingen": [
            { "veld": "regios", "voor": "[\"MIDDEN\",\"WEST\"]", "na": "[\"OOST\",\"ZUID\"]" }
        ] })
    );
}

async fn a_fieldlab_without_a_region_is_bad_user_input_naming_regios(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let before = app.dump().await;
    hu.query(
        CREATE,
        json!({ "input": { "naam": "Nergenslab", "regios": [] } }),
    )
    .await
    .assert_problem("regios");
    assert_eq!(app.dump().await, before, "nothing is written");

    let created = hu
        .query(
            CREATE,
            json!({ "input": { "naam": "Ergenslab", "regios": ["NOORD"] } }),
        )
        .await;
    let id = created.data()["createFieldlab"]["id"].clone();
    for regios in [json!([]), Value::Null] {
        hu.query(
            UPDATE,
            json!({ "id": id, "versie": 1, "input": { "regios": regios } }),
        )
        .await
        .assert_problem("regios");
    }
}
