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
    an_argument_error_deep_in_a_query_is_a_request_error_and_nothing_runs,
    a_mutation_with_a_mistaken_argument_writes_nothing,
    a_value_that_does_not_fit_its_type_names_the_path_of_the_argument,
    every_request_error_has_a_code_and_a_one_line_message,
    a_cursor_belongs_to_its_list,
    a_cursor_given_with_the_wrong_direction_is_named,
    the_windows_of_the_feed_and_the_audit_trail_are_checked_before_anything_runs,
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

/// The one error of a request error: `400`, no `data`, and the error's code and field.
fn request_error(reply: &Reply, code: &str, field: Option<&str>) -> Value {
    reply.assert_status(400);
    assert!(reply.body.get("data").is_none(), "{}", reply.body);
    let errors = reply.body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{}", reply.body);
    let error = errors[0].clone();
    assert_eq!(error["extensions"]["code"], code, "{error}");
    if let Some(field) = field {
        assert_eq!(error["extensions"]["field"], field, "{error}");
    }
    let message = error["message"].as_str().unwrap();
    assert!(!message.contains('\n'), "one line: {message}");
    assert!(
        error.get("path").is_none(),
        "a request error has no path: {error}"
    );
    error
}

async fn an_argument_error_deep_in_a_query_is_a_request_error_and_nothing_runs(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let caller = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    // What a request costs that nothing runs of (authentication): one that fails validation.
    caller.query("{ me { ingelogd } }", json!({})).await.data();
    let before = app.db.statements_executed();
    caller.query("{ opdrachten { onbekend } }", json!({})).await;
    let refused = app.db.statements_executed() - before;
    let before = app.db.statements_executed();
    let reply = caller
        .query_strict(
            "{ fieldlabs { nodes { naam opdrachten(first: 101) { totalCount } } } }",
            json!({}),
        )
        .await;
    let error = request_error(&reply, "BAD_USER_INPUT", Some("first"));
    assert_eq!(error["locations"], json!([{ "line": 1, "column": 28 }]));
    assert_eq!(
        error["message"],
        "first: at most 100 items per page; fetch the rest page by page"
    );
    assert_eq!(
        app.db.statements_executed() - before,
        refused,
        "nothing ran"
    );
}

async fn a_mutation_with_a_mistaken_argument_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let before = app.scalar("SELECT COUNT(*) FROM communities").await;
    let reply = app
        .als(demo::HU, Rol::Beheerder)
        .query_strict(
            r#"mutation { createCommunity(input: { naam: "Nieuwe community" }) {
                 naam leden { ... on Kennisinstelling { opdrachten(last: 2, after: "x") { totalCount } } }
               } }"#,
            json!({}),
        )
        .await;
    request_error(&reply, "BAD_USER_INPUT", Some("after"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM communities").await, before);
}

async fn a_value_that_does_not_fit_its_type_names_the_path_of_the_argument(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let caller = app.als(demo::HU, Rol::Lezer);
    let cases = [
        (
            "{ opdrachten(first: -2147483649) { totalCount } }",
            json!({}),
            "first",
        ),
        (
            r#"{ opdrachten(filter: { startdatumVanaf: "01-02-2026" }) { totalCount } }"#,
            json!({}),
            "filter.startdatumVanaf",
        ),
        (
            "query($d: DateTime) { opdrachten(filter: { gewijzigdSinds: $d }) { totalCount } }",
            json!({ "d": "yesterday" }),
            "$d",
        ),
        (
            "query($f: OpdrachtFilter) { opdrachten(filter: $f) { totalCount } }",
            json!({ "f": { "themas": ["DATA_AI", 7] } }),
            "$f.themas[1]",
        ),
        (
            "query($f: OpdrachtFilter) { opdrachten(filter: $f) { totalCount } }",
            json!({ "f": { "onbekend": 1 } }),
            "$f.onbekend",
        ),
    ];
    for (query, variables, field) in cases {
        let reply = caller.query_strict(query, variables).await;
        let error = request_error(&reply, "BAD_USER_INPUT", Some(field));
        let message = error["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}: ")), "{message}");
        for internal in ["Failed to parse", "occurred while parsing"] {
            assert!(!message.contains(internal), "{message}");
        }
    }
}

async fn every_request_error_has_a_code_and_a_one_line_message(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let caller = app.als(demo::HU, Rol::Lezer);
    let reply = caller
        .query_strict("{ opdrachten( { totalCount } }", json!({}))
        .await;
    let error = request_error(&reply, "GRAPHQL_PARSE_FAILED", None);
    assert_eq!(
        error["message"],
        "the query does not parse at line 1, column 15: expected name"
    );
    let reply = caller
        .query_strict("{ opdrachten { onbekend } }", json!({}))
        .await;
    request_error(&reply, "GRAPHQL_VALIDATION_FAILED", None);
    let reply = caller
        .query_strict("{ opdrachten(onbekend: 1) { totalCount } }", json!({}))
        .await;
    request_error(&reply, "GRAPHQL_VALIDATION_FAILED", None);
    let reply = caller
        .query_strict(
            "query($n: Int!) { opdrachten(first: $n) { totalCount } }",
            json!({}),
        )
        .await;
    request_error(&reply, "BAD_USER_INPUT", Some("$n"));
}

async fn a_cursor_belongs_to_its_list(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let caller = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let reply = caller
        .query_strict(
            "{ rijkspartners(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = reply.data()["rijkspartners"]["pageInfo"]["endCursor"].clone();
    let same = caller
        .query(
            "query($c: String) { rijkspartners(first: 1, after: $c) { totalCount } }",
            json!({ "c": cursor }),
        )
        .await;
    assert!(same.data()["rijkspartners"]["totalCount"].as_i64().unwrap() > 1);
    for list in ["kennisinstellingen", "fieldlabs", "opdrachten"] {
        let query = format!("query($c: String) {{ {list}(after: $c) {{ totalCount }} }}");
        let reply = caller.query_strict(&query, json!({ "c": cursor })).await;
        let error = request_error(&reply, "BAD_USER_INPUT", Some("after"));
        assert_eq!(
            error["message"],
            "after: not a cursor of this list; use a cursor from its edges or pageInfo",
            "{list}"
        );
    }
}

async fn a_cursor_given_with_the_wrong_direction_is_named(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let caller = app.als(demo::HU, Rol::Lezer);
    let reply = caller
        .query_strict(
            r#"{ rijkspartners(last: 2, after: "c") { totalCount } }"#,
            json!({}),
        )
        .await;
    request_error(&reply, "BAD_USER_INPUT", Some("after"));
    let reply = caller
        .query_strict(
            r#"{ rijkspartners(first: 2, before: "c") { totalCount } }"#,
            json!({}),
        )
        .await;
    request_error(&reply, "BAD_USER_INPUT", Some("before"));
}

async fn the_windows_of_the_feed_and_the_audit_trail_are_checked_before_anything_runs(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let caller = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let cases = [
        (
            r#"{ me { ingelogd } wijzigingen(after: "x") { hasNextPage } }"#,
            "after",
        ),
        (
            "{ me { ingelogd } wijzigingen(first: 501) { hasNextPage } }",
            "first",
        ),
        (
            r#"{ me { ingelogd } auditTrail(after: "x") { totalCount } }"#,
            "after",
        ),
        (
            "{ me { ingelogd } auditTrail(first: 101) { totalCount } }",
            "first",
        ),
    ];
    for (query, field) in cases {
        let reply = caller.query_strict(query, json!({})).await;
        request_error(&reply, "BAD_USER_INPUT", Some(field));
    }
}
