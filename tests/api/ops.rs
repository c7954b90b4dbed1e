//! Operations: health and readiness, request ids, security headers, CORS.

use crate::dual_tests;
use crate::harness::{Backend, TestApp};
use ipartnerschap::config::ServerSettings;
use serde_json::{Value, json};

dual_tests!(
    healthz_answers_while_the_process_is_up,
    readyz_is_ready_only_with_the_database_reachable_and_migrations_current,
    every_response_has_a_request_id_and_errors_carry_it,
    api_responses_have_security_headers_and_are_not_cached,
    cors_allows_only_the_configured_origins,
    metrics_count_requests_per_operation_errors_per_code_and_statements,
);

async fn healthz_answers_while_the_process_is_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "ok");
}

async fn readyz_is_ready_only_with_the_database_reachable_and_migrations_current(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.db.migrate_down(1).await.unwrap();
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["reason"], "1 migration(s) not applied");
    app.db.migrate_up().await.unwrap();
    assert_eq!(app.get("/readyz").await.status(), 200);
}

async fn every_response_has_a_request_id_and_errors_carry_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let antwoord = app
        .anoniem()
        .query("{ fieldlabs(first: 500) { totalCount } }", json!({}))
        .await;
    let id = antwoord.headers["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(id.len() >= 16, "{id}");
    assert_eq!(antwoord.extensions()["requestId"], id);
    let geweigerd = app
        .with_token("garbage")
        .query("{ me { ingelogd } }", json!({}))
        .await;
    assert_eq!(
        geweigerd.extensions()["requestId"],
        geweigerd.headers["x-request-id"].to_str().unwrap()
    );
    let ander = app.anoniem().query("{ me { ingelogd } }", json!({})).await;
    assert_ne!(
        ander.headers["x-request-id"].to_str().unwrap(),
        id,
        "a new id per request"
    );
}

async fn api_responses_have_security_headers_and_are_not_cached(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let antwoord = app.anoniem().query("{ me { ingelogd } }", json!({})).await;
    let h = &antwoord.headers;
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    let asset = app.get("/graphiql/react.production.min.js").await;
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=86400",
        "static assets may be cached"
    );
}

async fn cors_allows_only_the_configured_origins(backend: Backend) {
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            cors_allowed_origins: vec!["https://portaal.example.nl".into()],
            ..ServerSettings::default()
        })
        .await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, &app.endpoint)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
    };
    let toegestaan = preflight("https://portaal.example.nl").await.unwrap();
    assert_eq!(
        toegestaan.headers()["access-control-allow-origin"],
        "https://portaal.example.nl"
    );
    let vreemd = preflight("https://elders.example.com").await.unwrap();
    assert!(!vreemd.headers().contains_key("access-control-allow-origin"));

    let zonder = TestApp::spawn(backend).await;
    let response = client
        .request(reqwest::Method::OPTIONS, &zonder.endpoint)
        .header("Origin", "https://portaal.example.nl")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin"),
        "no origins by default"
    );
}

async fn metrics_count_requests_per_operation_errors_per_code_and_statements(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..3 {
        app.anoniem()
            .query("query Labs { fieldlabs { totalCount } }", json!({}))
            .await;
    }
    app.anoniem()
        .query(
            "query Fout { fieldlabs(first: 500) { totalCount } }",
            json!({}),
        )
        .await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let tekst = response.text().await.unwrap();
    let waarde = |serie: &str| -> f64 {
        tekst
            .lines()
            .find(|l| l.starts_with(serie))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{serie} missing in\n{tekst}"))
    };
    assert_eq!(
        waarde("ipartnerschap_graphql_request_duration_seconds_count{operation=\"Labs\"}"),
        3.0
    );
    assert_eq!(
        waarde(
            "ipartnerschap_graphql_request_duration_seconds_bucket{operation=\"Labs\",le=\"+Inf\"}"
        ),
        3.0
    );
    assert_eq!(
        waarde("ipartnerschap_graphql_errors_total{code=\"BAD_USER_INPUT\"}"),
        1.0
    );
    assert!(waarde("ipartnerschap_sql_statements_total") >= 6.0);
    assert!(waarde("ipartnerschap_db_pool_connections") >= 1.0);
}
