//! The GraphQL-over-HTTP transport: media types, status codes, GET for queries only. (The
//! npm audit `graphql-http` runs in CI as well; these tests pin the behaviour in the suite.)

use crate::dual_tests;
use crate::harness::{Backend, TestApp};
use serde_json::{Value, json};

dual_tests!(
    queries_work_over_get_and_post_in_the_media_type_the_client_accepts,
    a_mutation_over_get_is_refused_with_405,
    a_request_that_fails_validation_is_a_400_without_data_only_for_graphql_response_json,
    malformed_http_requests_get_4xx_with_a_reason,
    a_browser_gets_graphiql_and_an_api_client_gets_json,
);

const GRJ: &str = "application/graphql-response+json";

async fn send(request: reqwest::RequestBuilder) -> (u16, String, String) {
    let response = request.send().await.expect("HTTP");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

fn post(app: &TestApp, accept: &str, body: Value) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(&app.endpoint)
        .header("accept", accept)
        .json(&body)
}

async fn queries_work_over_get_and_post_in_the_media_type_the_client_accepts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = reqwest::Client::new();
    let (status, ct, body) = send(
        client
            .get(&app.endpoint)
            .query(&[
                (
                    "query",
                    "query Wie($x: Boolean!) { me { ingelogd @include(if: $x) } }",
                ),
                ("variables", "{\"x\": true}"),
            ])
            .header("accept", GRJ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(ct.starts_with(GRJ), "{ct}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["data"]["me"]["ingelogd"],
        false
    );

    for (accept, verwacht) in [
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (GRJ, GRJ),
        (
            "application/graphql-response+json, application/json;q=0.9",
            GRJ,
        ),
    ] {
        let (status, ct, _) = send(post(
            &app,
            accept,
            json!({ "query": "{ me { ingelogd } }" }),
        ))
        .await;
        assert_eq!(status, 200);
        assert!(ct.starts_with(verwacht), "{accept}: {ct}");
        assert!(ct.contains("charset=utf-8"));
    }
    let (status, _, _) = send(post(
        &app,
        "text/plain",
        json!({ "query": "{ __typename }" }),
    ))
    .await;
    assert_eq!(status, 406);
}

async fn a_mutation_over_get_is_refused_with_405(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = reqwest::Client::new()
        .get(&app.endpoint)
        .query(&[("query", "mutation { deleteFieldlab(id: \"x\", versie: 1) }")])
        .header("accept", GRJ)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}

async fn a_request_that_fails_validation_is_a_400_without_data_only_for_graphql_response_json(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    for query in [
        "{ bestaatNiet }",
        "{ me { ",
        "query($id: ID!) { __typename }",
    ] {
        let verzoek = json!({ "query": query, "variables": { "id": null } });
        let (status, _, body) = send(post(&app, GRJ, verzoek.clone())).await;
        assert_eq!(status, 400, "{query}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert!(body.get("data").is_none(), "{query}: no data entry");
        assert!(body["errors"][0]["message"].is_string());
        let (status, _, _) = send(post(&app, "application/json", verzoek)).await;
        assert_eq!(status, 200, "{query}: legacy clients get 200");
    }
    // An error in a resolver is not a request error: 200, with data.
    let (status, _, body) = send(post(
        &app,
        GRJ,
        json!({ "query": "{ node(id: \"bm9wZQ\") { id } }" }),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        serde_json::from_str::<Value>(&body)
            .unwrap()
            .get("data")
            .is_some()
    );
}

async fn malformed_http_requests_get_4xx_with_a_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = reqwest::Client::new();
    let cases = [
        (
            client
                .post(&app.endpoint)
                .body("{\"query\": \"{ __typename }\"}"),
            415,
        ),
        (
            client
                .post(&app.endpoint)
                .header("content-type", "text/plain")
                .body("{ __typename }"),
            415,
        ),
        (
            client
                .post(&app.endpoint)
                .header("content-type", "application/json")
                .body("{ \"not json"),
            400,
        ),
        (
            client
                .post(&app.endpoint)
                .header("content-type", "application/json"),
            400,
        ),
        (
            client
                .post(&app.endpoint)
                .json(&json!({ "qeury": "{ __typename }" })),
            400,
        ),
        (client.post(&app.endpoint).json(&json!({ "query": 1 })), 400),
        (
            client
                .post(&app.endpoint)
                .json(&json!({ "query": "{ __typename }", "variables": "x" })),
            400,
        ),
        (
            client
                .get(&app.endpoint)
                .header("accept", "application/json"),
            400,
        ),
    ];
    for (request, verwacht) in cases {
        let (status, _, body) = send(request).await;
        assert_eq!(status, verwacht, "{body}");
        let body: Value = serde_json::from_str(&body).expect("a JSON error body");
        assert!(body["errors"][0]["message"].as_str().unwrap().len() > 10);
    }
}

async fn a_browser_gets_graphiql_and_an_api_client_gets_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, ct, body) = send(
        reqwest::Client::new()
            .get(&app.endpoint)
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"));
    assert!(body.contains("graphiql"));
}
