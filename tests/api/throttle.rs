//! Refused tokens per source address: beyond `AUTH_FAILURES_PER_MINUTE` they are `429
//! TOO_MANY_REQUESTS` with `Retry-After`, per address; a valid token is never throttled.

use crate::harness::{Backend, TestApp};
use ipartnerschap::auth::Rol;
use ipartnerschap::config::ServerSettings;
use serde_json::{Value, json};

/// POSTs `{ me { ingelogd } }` as coming from `address` with `authorization`.
async fn me_from(
    app: &TestApp,
    address: &str,
    authorization: &str,
) -> (u16, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(&app.endpoint)
        .header("X-Forwarded-For", address)
        .header("Authorization", authorization)
        .json(&json!({ "query": "{ me { ingelogd } }" }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap())
}

#[tokio::test]
async fn refused_tokens_beyond_the_limit_are_too_many_requests_while_a_valid_token_still_works() {
    let settings = ServerSettings {
        auth_failures_per_minute: 3,
        client_ip_header: Some("x-forwarded-for".into()),
        ..ServerSettings::default()
    };
    let app = TestApp::spawn(Backend::Sqlite)
        .with_demo()
        .with_settings(settings)
        .await;
    let bad = "Bearer not.a.token";
    for _ in 0..3 {
        let (status, _, body) = me_from(&app, "198.51.100.7", bad).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }
    let (status, retry, body) = me_from(&app, "198.51.100.7", bad).await;
    assert_eq!(status, 429, "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "TOO_MANY_REQUESTS");
    let seconds: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert_eq!(error["extensions"]["retryAfter"], seconds);
    assert!(
        error["message"].as_str().unwrap().contains("try again in"),
        "{error}"
    );

    // A token signed with the right key but expired is no guess: still 401, so that the
    // client refreshes it.
    let now = chrono::Utc::now().timestamp();
    let expired = ipartnerschap::auth::Claims {
        sub: "verlopen".into(),
        rol: "lezer".into(),
        org: Some("hanze.nl".into()),
        regio: Vec::new(),
        iss: crate::harness::ISSUER.into(),
        aud: crate::harness::AUDIENCE.into(),
        iat: now - 7200,
        nbf: now - 7200,
        exp: now - 3600,
    };
    let expired = app.jwt.sign_claims(&expired).unwrap();
    let (status, _, body) = me_from(&app, "198.51.100.7", &format!("Bearer {expired}")).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    // A valid token from the same address is served; another address is counted apart.
    let token = app.token(None, Rol::Programmabureau).await;
    let (status, _, body) = me_from(&app, "198.51.100.7", &format!("Bearer {token}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["ingelogd"], true);
    let (status, _, _) = me_from(&app, "198.51.100.8", bad).await;
    assert_eq!(status, 401);

    // The CSV counts the same way.
    let base = app.endpoint.trim_end_matches("/graphql");
    let csv = reqwest::Client::new()
        .get(format!("{base}/statistieken.csv"))
        .header("X-Forwarded-For", "198.51.100.7")
        .header("Authorization", bad)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 429);
}
