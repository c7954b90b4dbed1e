//! Limits against abuse: just under each limit passes, just over fails with an error that
//! names the limit.

use crate::dual_tests;
use crate::harness::{Backend, Reply, TestApp, demo};
use ipartnerschap::auth::Rol;
use ipartnerschap::config::ServerSettings;
use serde_json::json;

dual_tests!(
    a_query_at_the_maximum_depth_passes_and_one_deeper_is_refused,
    aliases_up_to_the_maximum_pass_and_one_more_is_refused,
    root_fields_up_to_the_maximum_pass_and_one_more_is_refused,
    a_query_at_the_maximum_cost_passes_and_a_costlier_one_is_refused,
    a_document_of_the_maximum_size_passes_and_a_larger_one_is_refused,
    a_body_over_the_maximum_is_refused_with_413,
    a_request_over_the_time_limit_is_cancelled_with_a_timeout_error,
    introspection_suggestions_and_graphiql_can_be_switched_off,
);

fn refused(antwoord: &Reply, limit: &str) {
    assert_eq!(antwoord.error_code(), "BAD_USER_INPUT", "{}", antwoord.body);
    assert_eq!(antwoord.extensions()["limit"], limit);
    assert!(antwoord.body.get("data").is_none_or(|d| d.is_null()));
}

/// `me { organisatie { ... on Rijkspartner { moederorganisatie { … naam } } } }` with `k`
/// levels of moederorganisatie: depth 3 + k.
fn diep(k: usize) -> String {
    let mut inner = "naam".to_owned();
    for _ in 0..k {
        inner = format!("... on Rijkspartner {{ moederorganisatie {{ {inner} }} }}");
    }
    format!("{{ me {{ organisatie {{ {inner} }} }} }}")
}

async fn a_query_at_the_maximum_depth_passes_and_one_deeper_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app.token(Some(demo::DUO), Rol::Lezer).await;
    let ok = app.with_token(&token).query(&diep(12), json!({})).await;
    // DUO's parent is OCW, which has none.
    let ocw = &ok.data()["me"]["organisatie"]["moederorganisatie"];
    assert!(
        ocw.is_object() && ocw["moederorganisatie"].is_null(),
        "{ocw}"
    );
    refused(
        &app.with_token(&token).query(&diep(13), json!({})).await,
        "maxDepth",
    );
}

async fn aliases_up_to_the_maximum_pass_and_one_more_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let query = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: ingelogd")).collect();
        format!("{{ me {{ {} }} }}", fields.join(" "))
    };
    assert_eq!(
        app.anoniem().query(&query(30), json!({})).await.data()["me"]["a29"],
        false
    );
    refused(
        &app.anoniem().query(&query(31), json!({})).await,
        "maxAliases",
    );
}

async fn root_fields_up_to_the_maximum_pass_and_one_more_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let query = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("m{i}: me {{ ingelogd }}")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    assert_eq!(
        app.anoniem().query(&query(10), json!({})).await.data()["m9"]["ingelogd"],
        false
    );
    refused(
        &app.anoniem().query(&query(11), json!({})).await,
        "maxRootFields",
    );
}

async fn a_query_at_the_maximum_cost_passes_and_a_costlier_one_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app.token(None, Rol::Programmabureau).await;
    // cost = 1 + F × (2 + 2 × 100): 9,899 for F = 49, 10,101 for F = 50 (maximum 10,000).
    let query = "query($f: Int) { rijkspartners(first: $f) { nodes { opdrachten(first: 100) { nodes { naam } } } } }";
    let ok = app
        .with_token(&token)
        .query(query, json!({ "f": 49 }))
        .await;
    assert_eq!(
        ok.data()["rijkspartners"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        49
    );
    let te_duur = app
        .with_token(&token)
        .query(query, json!({ "f": 50 }))
        .await;
    refused(&te_duur, "maxCost");
    assert!(
        te_duur.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("10101")
    );
}

async fn a_document_of_the_maximum_size_passes_and_a_larger_one_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let base = "{ me { ingelogd } }\n#";
    let query = |size: usize| format!("{base}{}", "x".repeat(size - base.len()));
    assert_eq!(
        app.anoniem()
            .query(&query(16 * 1024), json!({}))
            .await
            .data()["me"]["ingelogd"],
        false
    );
    refused(
        &app.anoniem().query(&query(16 * 1024 + 1), json!({})).await,
        "maxDocumentBytes",
    );
}

async fn a_body_over_the_maximum_is_refused_with_413(backend: Backend) {
    assert_eq!(
        ServerSettings::default().max_body_bytes,
        4 * 1024 * 1024,
        "the default has room for a sync batch of 1000 opdrachten"
    );
    // A small limit, so the refused body fits in the socket buffers and the client reads the
    // answer instead of finding the connection closed while it still writes.
    let max = 64 * 1024;
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            max_body_bytes: max,
            ..ServerSettings::default()
        })
        .await;
    let body = |size: usize| {
        let query = "{ me { ingelogd } }";
        let leeg = json!({ "query": query, "variables": { "padding": "" } }).to_string();
        let padding = "x".repeat(size - leeg.len());
        json!({ "query": query, "variables": { "padding": padding } }).to_string()
    };
    assert_eq!(app.post_raw(body(max)).await.status(), 200);
    assert_eq!(app.post_raw(body(max + 1)).await.status(), 413);
}

async fn a_request_over_the_time_limit_is_cancelled_with_a_timeout_error(backend: Backend) {
    let instellingen = ServerSettings {
        request_timeout_ms: 0,
        ..ServerSettings::default()
    };
    let app = TestApp::spawn(backend).with_settings(instellingen).await;
    // 0 ms leaves no time at all: every request is cancelled, however quickly it could be
    // answered (the second one would be an answer from the cache).
    for _ in 0..2 {
        let antwoord = app
            .anoniem()
            .query("{ fieldlabs { totalCount } }", json!({}))
            .await;
        assert_eq!(antwoord.status, 503);
        assert_eq!(antwoord.error_code(), "TIMEOUT");
        assert_eq!(antwoord.extensions()["limit"], "requestTimeout");
    }
    // The server is still there for the next request.
    let normaal = TestApp::spawn(backend).await;
    assert_eq!(
        normaal
            .anoniem()
            .query("{ fieldlabs { totalCount } }", json!({}))
            .await
            .status,
        200
    );
}

async fn introspection_suggestions_and_graphiql_can_be_switched_off(backend: Backend) {
    let open = TestApp::spawn(backend).await;
    let typo = "{ fieldlab { totalCount } }";
    let msg = |a: &Reply| a.body["errors"][0]["message"].as_str().unwrap().to_owned();
    assert!(
        msg(&open.anoniem().query(typo, json!({})).await).contains("fieldlabs"),
        "suggestions on"
    );
    assert!(
        open.anoniem()
            .query("{ __schema { queryType { name } } }", json!({}))
            .await
            .body["errors"]
            .is_null()
    );

    let dicht = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            graphql_introspection: false,
            graphiql: false,
            ..ServerSettings::default()
        })
        .await;
    let introspectie = dicht
        .anoniem()
        .query("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert!(
        introspectie.body["data"]["__schema"].is_null(),
        "no schema without introspection: {}",
        introspectie.body
    );
    let fout = msg(&dicht.anoniem().query(typo, json!({})).await);
    assert!(
        !fout.contains("fieldlabs"),
        "no suggestion leaks the schema: {fout}"
    );
    assert_ne!(dicht.get("/graphql").await.status(), 200);
    assert_eq!(dicht.get("/graphiql/graphiql.min.js").await.status(), 404);
    assert_eq!(open.get("/graphql").await.status(), 200);
}
