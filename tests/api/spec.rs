//! Execution as the GraphQL spec defines it, checked on the exact JSON text of answers: keys
//! in the order of the query ("CollectFields"), a failed field `null` with the null propagated
//! to the nearest nullable parent ("Handling Field Errors"), one error per field; and
//! arguments checked before execution, so a mistaken one is a request error.

use crate::dual_tests;
use crate::harness::{Backend, Reply, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    a_failed_non_null_root_field_makes_the_whole_data_null,
    a_failed_nullable_field_is_null_beside_its_siblings,
    response_keys_come_back_in_query_order_at_the_root,
    response_keys_come_back_in_query_order_in_nested_objects,
    fragments_on_an_abstract_type_answer_in_query_order_without_an_unasked_typename,
    a_typename_the_client_asks_for_stays_where_it_asked_for_it,
);

/// The answer as JSON text, without the request ids (they differ per request): what the
/// client's parser sees, in order.
fn text(reply: &Reply) -> String {
    let mut body = reply.body.clone();
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        for error in errors {
            if let Some(ext) = error.get_mut("extensions").and_then(Value::as_object_mut) {
                ext.remove("requestId");
            }
        }
    }
    body.to_string()
}

/// The keys of the object at `pointer` in the answer's data, in the order they came.
fn keys(reply: &Reply, pointer: &str) -> Vec<String> {
    let object = reply.data().pointer(pointer).and_then(Value::as_object);
    object.expect(pointer).keys().cloned().collect()
}

async fn a_failed_non_null_root_field_makes_the_whole_data_null(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let reply = app
        .als(demo::HU, Rol::Lezer)
        .query(
            r#"{ me { ingelogd } organisatie(sleutel: "nope.nl") { naam } }"#,
            json!({}),
        )
        .await;
    reply.assert_status(200);
    assert_eq!(
        text(&reply),
        json!({
            "data": null,
            "errors": [{
                "message": "organisation nope.nl not found",
                "locations": [{ "line": 1, "column": 19 }],
                "path": ["organisatie"],
                "extensions": { "code": "NOT_FOUND" }
            }]
        })
        .to_string()
    );
}

async fn a_failed_nullable_field_is_null_beside_its_siblings(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let reply = app
        .als(demo::HU, Rol::Lezer)
        .query(r#"{ node(id: "nope") { id } me { ingelogd } }"#, json!({}))
        .await;
    let body = text(&reply);
    assert!(
        body.starts_with(r#"{"data":{"node":null,"me":{"ingelogd":true}},"errors":[{"#),
        "{body}"
    );
    assert_eq!(reply.body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(reply.body["errors"][0]["path"], json!(["node"]));
}

async fn response_keys_come_back_in_query_order_at_the_root(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let caller = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for _ in 0..3 {
        let reply = caller
            .query(
                r#"{ organisatie(sleutel: "hu.nl") { naam } me { ingelogd } __typename }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            text(&reply),
            r#"{"data":{"organisatie":{"naam":"Hogeschool Utrecht"},"me":{"ingelogd":true},"__typename":"Query"}}"#
        );
    }
}

async fn response_keys_come_back_in_query_order_in_nested_objects(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let reply = app
        .als(demo::PROGRAMMABUREAU, Rol::Programmabureau)
        .query(
            "{ fieldlabs(first: 2) { nodes { opdrachten(first: 1) { totalCount } naam } totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        reply.data()["fieldlabs"]["nodes"].as_array().unwrap().len(),
        2
    );
    for i in 0..2 {
        assert_eq!(
            keys(&reply, &format!("/fieldlabs/nodes/{i}")),
            ["opdrachten", "naam"]
        );
    }
    assert_eq!(keys(&reply, "/fieldlabs"), ["nodes", "totalCount"]);
}

async fn fragments_on_an_abstract_type_answer_in_query_order_without_an_unasked_typename(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let reply = app
        .als(demo::HU, Rol::Lezer)
        .query(
            r#"query { organisatie(sleutel: "hu.nl") {
                 ... on Rijkspartner { oin }
                 ... on Kennisinstelling { schacHome ...Naam }
                 id
               } }
               fragment Naam on Organisatie { naam afkorting }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        keys(&reply, "/organisatie"),
        ["schacHome", "naam", "afkorting", "id"]
    );
}

async fn a_typename_the_client_asks_for_stays_where_it_asked_for_it(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let reply = app
        .als(demo::HU, Rol::Lezer)
        .query(
            r#"{ organisatie(sleutel: "hu.nl") { naam __typename id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(keys(&reply, "/organisatie"), ["naam", "__typename", "id"]);
    assert_eq!(
        reply.data()["organisatie"]["__typename"],
        "Kennisinstelling"
    );
}
