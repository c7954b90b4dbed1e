//! Operations: health and readiness, request ids, the API version, security headers, CORS, and
//! the SDL at `GET /schema.graphql`.

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
    cors_allows_the_headers_graphql_clients_send_and_exposes_the_request_id,
    cors_allows_the_request_headers_the_setting_names,
    every_response_carries_the_api_version_answers_from_the_cache_and_errors_too,
    the_sdl_is_served_without_a_token_and_equals_the_committed_schema,
    without_introspection_the_sdl_is_not_served,
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

/// The headers of a CORS preflight for a POST from `origin` that will send `headers`.
async fn preflight(app: &TestApp, origin: &str, headers: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, &app.endpoint)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", headers)
        .send()
        .await
        .unwrap()
}

/// A comma-separated header value as a list.
fn list(response: &reqwest::Response, header: &str) -> Vec<String> {
    response.headers()[header]
        .to_str()
        .unwrap()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect()
}

const PORTAAL: &str = "https://portaal.example.nl";

async fn cors_allows_the_headers_graphql_clients_send_and_exposes_the_request_id(backend: Backend) {
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            cors_allowed_origins: vec![PORTAAL.into()],
            ..ServerSettings::default()
        })
        .await;
    // What Apollo Client, urql and graphql-request send, with W3C trace context.
    let sent = [
        "authorization",
        "content-type",
        "apollographql-client-name",
        "apollographql-client-version",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "x-request-id",
        "traceparent",
        "tracestate",
    ];
    let response = preflight(&app, PORTAAL, &sent.join(", ")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], PORTAAL);
    assert_eq!(list(&response, "access-control-allow-headers"), sent);
    assert_eq!(
        list(&response, "access-control-allow-methods"),
        ["get", "post"]
    );

    let answer = reqwest::Client::new()
        .post(&app.endpoint)
        .header("Origin", PORTAAL)
        .json(&json!({ "query": "{ me { ingelogd } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["access-control-allow-origin"], PORTAAL);
    assert_eq!(
        list(&answer, "access-control-expose-headers"),
        ["x-request-id", "api-version", "retry-after"],
        "a browser script may read the request id, the version and when to retry"
    );
}

async fn cors_allows_the_request_headers_the_setting_names(backend: Backend) {
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            cors_allowed_origins: vec![PORTAAL.into()],
            cors_allowed_headers: vec!["authorization".into(), "x-portaal".into()],
            ..ServerSettings::default()
        })
        .await;
    let response = preflight(&app, PORTAAL, "authorization, x-portaal").await;
    assert_eq!(
        list(&response, "access-control-allow-headers"),
        ["authorization", "x-portaal"],
        "only the configured headers (a browser refuses the request if it sends another)"
    );
}

async fn every_response_carries_the_api_version_answers_from_the_cache_and_errors_too(
    backend: Backend,
) {
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            cors_allowed_origins: vec![PORTAAL.into()],
            max_body_bytes: 1024,
            ..ServerSettings::default()
        })
        .await;
    let version = env!("CARGO_PKG_VERSION");
    let client = reqwest::Client::new();
    let base = app.endpoint.trim_end_matches("/graphql").to_owned();
    let query = json!({ "query": "{ fieldlabs { totalCount } }" });
    let mutation = "mutation%7BdeleteFieldlab(id%3A%22x%22)%7D";
    let hits = || async {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        metrics
            .lines()
            .find_map(|l| l.strip_prefix("ipartnerschap_response_cache_hits_total "))
            .map(str::to_owned)
    };
    let mut responses = vec![("an answer", app.post_raw(query.to_string()).await)];
    assert_eq!(hits().await.as_deref(), Some("0"));
    responses.push((
        "an answer from the cache",
        app.post_raw(query.to_string()).await,
    ));
    assert_eq!(hits().await.as_deref(), Some("1"), "the second was cached");
    responses.extend([
        (
            "a field error",
            app.post_raw(
                json!({ "query": "{ fieldlabs(first: 500) { totalCount } }" }).to_string(),
            )
            .await,
        ),
        ("400: not a GraphQL request", app.post_raw("{".into()).await),
        (
            "413: a body over the limit",
            app.post_raw(format!("{{\"query\": \"{}\"}}", " ".repeat(2048)))
                .await,
        ),
        (
            "405: a mutation over GET",
            client
                .get(format!("{}?query={mutation}", app.endpoint))
                .send()
                .await
                .unwrap(),
        ),
        (
            "406: only HTML accepted",
            app.get(&format!("/graphql?query={mutation}")).await,
        ),
        (
            "405: a method the route has not",
            client.post(format!("{base}/healthz")).send().await.unwrap(),
        ),
        ("404: no such route", app.get("/nope").await),
        (
            "401: a bad token",
            client
                .post(&app.endpoint)
                .bearer_auth("garbage")
                .json(&query)
                .send()
                .await
                .unwrap(),
        ),
        ("GET /healthz", app.get("/healthz").await),
        ("GET /readyz", app.get("/readyz").await),
        ("GET /metrics", app.get("/metrics").await),
        ("GET /schema.graphql", app.get("/schema.graphql").await),
        ("GET /graphql: GraphiQL", app.get("/graphql").await),
        (
            "a CORS preflight",
            preflight(&app, PORTAAL, "authorization").await,
        ),
    ]);
    let statuses: Vec<(&str, u16)> = responses
        .iter()
        .map(|(what, r)| (*what, r.status().as_u16()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("an answer", 200),
            ("an answer from the cache", 200),
            ("a field error", 200),
            ("400: not a GraphQL request", 400),
            ("413: a body over the limit", 413),
            ("405: a mutation over GET", 405),
            ("406: only HTML accepted", 406),
            ("405: a method the route has not", 405),
            ("404: no such route", 404),
            ("401: a bad token", 401),
            ("GET /healthz", 200),
            ("GET /readyz", 200),
            ("GET /metrics", 200),
            ("GET /schema.graphql", 200),
            ("GET /graphql: GraphiQL", 200),
            ("a CORS preflight", 200),
        ]
    );
    for (what, response) in &responses {
        assert_eq!(
            response
                .headers()
                .get("api-version")
                .map(|v| v.to_str().unwrap()),
            Some(version),
            "{what}"
        );
    }
}

async fn the_sdl_is_served_without_a_token_and_equals_the_committed_schema(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let committed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .unwrap();
    let response = reqwest::Client::new()
        .get(app.endpoint.replace("/graphql", "/schema.graphql"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert!(
        response.bytes().await.unwrap() == committed,
        "GET /schema.graphql serves schema/schema.graphql byte for byte"
    );
}

async fn without_introspection_the_sdl_is_not_served(backend: Backend) {
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            graphql_introspection: false,
            ..ServerSettings::default()
        })
        .await;
    let response = app.get("/schema.graphql").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap(), "");
}
