//! Looking up an organisation by natural key: malformed keys are refused, personal data is
//! the owner's.

use crate::dual_tests;
use crate::harness::{Backend, TestApp};
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
        .graphql(None, QUERY, json!({ "k": "00000099000000000014" }))
        .await
        .data()["organisatie"]
        .clone();
    assert_eq!(duo["naam"], "Dienst Uitvoering Onderwijs");
    assert_eq!(duo["moederorganisatie"]["afkorting"], "OCW");
    let hu = app
        .graphql(None, QUERY, json!({ "k": "HU.nl" }))
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
        let antwoord = app.graphql(None, QUERY, json!({ "k": key })).await;
        assert_eq!(antwoord.error_code(), "BAD_USER_INPUT", "{key}");
        assert_eq!(antwoord.body["errors"][0]["extensions"]["field"], "sleutel");
        assert!(antwoord.body["data"].is_null());
    }
}

async fn an_unknown_key_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let antwoord = app
        .graphql(None, QUERY, json!({ "k": "00000099999999999999" }))
        .await;
    assert_eq!(antwoord.error_code(), "NOT_FOUND");
}

async fn an_organisations_contact_person_is_visible_to_itself_and_the_programme_office_only(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = json!({ "k": "hanze.nl" });
    let email = |v: &Value| v["organisatie"]["contactpersoon"]["email"].clone();
    let zelf = app.token(Some("hanze.nl"), Rol::Lezer).await;
    let ander = app.token(Some("hu.nl"), Rol::Beheerder).await;
    let bureau = app.token(None, Rol::Programmabureau).await;
    assert_eq!(
        email(app.graphql(Some(&zelf), QUERY, hanze.clone()).await.data()),
        "i-partnerschap@hanze.nl.example"
    );
    assert!(
        email(
            app.graphql(Some(&bureau), QUERY, hanze.clone())
                .await
                .data()
        )
        .is_string()
    );
    assert_eq!(
        email(app.graphql(Some(&ander), QUERY, hanze.clone()).await.data()),
        Value::Null
    );
    assert_eq!(
        email(app.graphql(None, QUERY, hanze).await.data()),
        Value::Null
    );
}
