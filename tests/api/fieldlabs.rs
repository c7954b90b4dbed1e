//! `fieldlabs` answers according to the token: the public catalogue for everyone, participant
//! fields for participants, contact persons for the penvoerder and the programme office.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    anonymous_callers_see_the_public_catalogue_of_every_fieldlab,
    a_participating_ministry_sees_its_labs_in_full_and_others_as_catalogue,
    only_the_penvoerder_and_the_programme_office_see_a_labs_contact_person,
    the_programme_office_sees_every_lab_in_full,
    paging_through_fieldlabs_returns_each_lab_exactly_once,
    a_page_larger_than_the_maximum_is_bad_user_input,
    a_cursor_that_this_api_did_not_make_is_bad_user_input,
);

const LABS: &str = "{ fieldlabs(first: 100) { totalCount nodes { naam regios themas { code } fieldlabStatus \
                    penvoerder { naam } deelnemers { deelnemerRol organisatie { afkorting } } \
                    contactpersoon { naam email } } } }";

fn lab<'a>(data: &'a Value, naam: &str) -> &'a Value {
    data["fieldlabs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == naam)
        .unwrap_or_else(|| panic!("{naam} missing from {data}"))
}

async fn anonymous_callers_see_the_public_catalogue_of_every_fieldlab(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let antwoord = app.anoniem().query(LABS, json!({})).await;
    let data = antwoord.data();
    assert_eq!(data["fieldlabs"]["totalCount"], 10);
    let iddi = lab(data, "IDDI-Lab");
    assert_eq!(iddi["regios"], json!(["NOORD"]));
    assert_eq!(iddi["themas"], json!([{ "code": "INFORMATIEHUISHOUDING" }]));
    for field in [
        "fieldlabStatus",
        "penvoerder",
        "deelnemers",
        "contactpersoon",
    ] {
        assert_eq!(iddi[field], Value::Null, "{field} is not public");
    }
}

async fn a_participating_ministry_sees_its_labs_in_full_and_others_as_catalogue(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    // RDW (the 15th demo rijkspartner) takes part in IDDI-Lab, not in GovTech Lab.
    let token = app.token(Some(demo::RDW), Rol::Lezer).await;
    let antwoord = app.with_token(&token).query(LABS, json!({})).await;
    let data = antwoord.data();
    assert_eq!(data["fieldlabs"]["totalCount"], 10);
    let iddi = lab(data, "IDDI-Lab");
    assert_eq!(iddi["fieldlabStatus"], "ACTIEF");
    assert_eq!(iddi["penvoerder"]["naam"], "Hanze");
    let deelnemers: Vec<&str> = iddi["deelnemers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["organisatie"]["afkorting"].as_str().unwrap())
        .collect();
    assert!(
        deelnemers.contains(&"RDW") && deelnemers.contains(&"Dictu"),
        "{deelnemers:?}"
    );
    assert_eq!(
        iddi["contactpersoon"],
        Value::Null,
        "a participant is not the owner"
    );
    let govtech = lab(data, "GovTech Lab");
    assert_eq!(govtech["fieldlabStatus"], Value::Null);
    assert_eq!(govtech["deelnemers"], Value::Null);
}

async fn only_the_penvoerder_and_the_programme_office_see_a_labs_contact_person(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = app.als(demo::HANZE, Rol::Lezer);
    let data = hanze.query(LABS, json!({})).await.data().clone();
    assert_eq!(
        lab(&data, "IDDI-Lab")["contactpersoon"]["email"],
        "fieldlabs@i-partnerschap.example"
    );
    // Hanze takes part in the Blockchain Lab (penvoerder DUO): no contact person there.
    let blockchain = lab(&data, "Blockchain Lab (DUO DIT-lab)");
    assert_eq!(blockchain["fieldlabStatus"], "ACTIEF");
    assert_eq!(blockchain["contactpersoon"], Value::Null);

    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let data = bureau.query(LABS, json!({})).await.data().clone();
    assert!(lab(&data, "Blockchain Lab (DUO DIT-lab)")["contactpersoon"]["naam"].is_string());
}

async fn the_programme_office_sees_every_lab_in_full(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let data = bureau.query(LABS, json!({})).await.data().clone();
    for node in data["fieldlabs"]["nodes"].as_array().unwrap() {
        assert!(node["fieldlabStatus"].is_string(), "{node}");
        assert!(node["penvoerder"]["naam"].is_string(), "{node}");
    }
    assert_eq!(
        lab(&data, "IHH-Lab West")["fieldlabStatus"],
        "IN_OPRICHTING"
    );
}

async fn paging_through_fieldlabs_returns_each_lab_exactly_once(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let query = "query($after: String) { fieldlabs(first: 3, after: $after) { totalCount \
                 edges { cursor node { naam } } pageInfo { hasNextPage endCursor } } }";
    let mut after = Value::Null;
    let mut names = Vec::new();
    for _ in 0..10 {
        let data = app
            .anoniem()
            .query(query, json!({ "after": after }))
            .await
            .data()
            .clone();
        let page = &data["fieldlabs"];
        assert_eq!(page["totalCount"], 10);
        for edge in page["edges"].as_array().unwrap() {
            names.push(edge["node"]["naam"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names.len(), 10, "{names:?}");
    assert_eq!(names, sorted, "in name order, no repeats");
}

async fn a_page_larger_than_the_maximum_is_bad_user_input(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let antwoord = app
        .anoniem()
        .query("{ fieldlabs(first: 101) { totalCount } }", json!({}))
        .await;
    antwoord.assert_problem("first");
    assert!(
        antwoord.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("100")
    );
    let ok = app
        .anoniem()
        .query("{ fieldlabs(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(ok.data()["fieldlabs"]["totalCount"], 10);
}

async fn a_cursor_that_this_api_did_not_make_is_bad_user_input(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let antwoord = app
        .anoniem()
        .query(
            "{ fieldlabs(after: \"nonsense\") { totalCount } }",
            json!({}),
        )
        .await;
    antwoord.assert_problem("after");
}
