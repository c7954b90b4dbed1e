//! Looking up an organisation by natural key: malformed keys are refused, personal data is
//! the owner's.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    an_organisation_is_found_by_oin_or_schac_home,
    a_malformed_oin_or_schac_home_is_bad_user_input,
    an_unknown_key_is_not_found,
    an_organisations_contact_person_is_visible_to_itself_and_the_programme_office_only,
);

const QUERY: &str = "query($k: String!) { organisatie(sleutel: $k) { __typename naam \
                     contactpersoon { email } ... on Rijkspartner { moederorganisatie { afkorting } } } }";

async fn an_organisation_is_found_by_oin_or_schac_home(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let duo = app
        .anoniem()
        .query(QUERY, json!({ "k": demo::DUO }))
        .await
        .data()["organisatie"]
        .clone();
    assert_eq!(duo["naam"], "Dienst Uitvoering Onderwijs");
    assert_eq!(duo["moederorganisatie"]["afkorting"], "OCW");
    let hu = app
        .anoniem()
        .query(QUERY, json!({ "k": "HU.nl" }))
        .await
        .data()["organisatie"]
        .clone();
    assert_eq!(
        hu["naam"], "Hogeschool Utrecht",
        "schacHome is case-insensitive"
    );
}

async fn a_malformed_oin_or_schac_home_is_bad_user_input(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for key in [
        "0000009900000000001",
        "0000009900000000001x",
        "https://hanze.nl",
        "-hanze.nl",
    ] {
        let antwoord = app.anoniem().query(QUERY, json!({ "k": key })).await;
        assert_eq!(antwoord.error_code(), "BAD_USER_INPUT", "{key}");
        assert_eq!(antwoord.extensions()["field"], "sleutel");
        assert!(antwoord.body["data"].is_null());
    }
}

async fn an_unknown_key_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let antwoord = app
        .anoniem()
        .query(QUERY, json!({ "k": demo::ONBEKENDE_OIN }))
        .await;
    antwoord.assert_not_found();
}

async fn an_organisations_contact_person_is_visible_to_itself_and_the_programme_office_only(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = json!({ "k": demo::HANZE });
    let email = |v: &Value| v["organisatie"]["contactpersoon"]["email"].clone();
    let zelf = app.als(demo::HANZE, Rol::Lezer);
    let ander = app.als(demo::HU, Rol::Beheerder);
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    assert_eq!(
        email(zelf.query(QUERY, hanze.clone()).await.data()),
        "i-partnerschap@hanze.nl.example"
    );
    assert!(email(bureau.query(QUERY, hanze.clone()).await.data()).is_string());
    assert_eq!(
        email(ander.query(QUERY, hanze.clone()).await.data()),
        Value::Null
    );
    assert_eq!(
        email(app.anoniem().query(QUERY, hanze).await.data()),
        Value::Null
    );
}
