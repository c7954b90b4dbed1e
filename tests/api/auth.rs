//! Authentication: who `me` is for each kind of token, and every way a token can be wrong.

use crate::dual_tests;
use crate::harness::{AUDIENCE, Backend, ISSUER, Reply, SECRET, TestApp, demo};
use chrono::Utc;
use ipartnerschap::auth::{Claims, JwtConfig, JwtKeys, Rol};
use serde_json::json;
use std::time::Duration;

dual_tests!(
    an_anonymous_caller_is_not_logged_in,
    me_names_the_ministry_and_role_of_the_token,
    me_names_the_hogeschool_of_a_schac_home_token,
    me_names_the_programme_office_for_a_programmabureau_token,
    an_expired_token_is_unauthenticated,
    a_token_that_is_not_valid_yet_is_unauthenticated,
    a_token_signed_with_another_secret_is_unauthenticated,
    a_token_with_another_issuer_is_unauthenticated,
    a_token_for_another_audience_is_unauthenticated,
    an_unsigned_token_is_unauthenticated,
    a_malformed_token_is_unauthenticated,
    an_authorization_header_that_is_not_bearer_is_unauthenticated,
    an_oversized_token_is_unauthenticated,
    a_token_for_an_unknown_organisation_is_unauthenticated,
    a_token_with_an_unknown_role_is_unauthenticated,
    a_ministry_token_with_the_programmabureau_role_is_unauthenticated,
    a_medewerker_token_without_organisation_is_unauthenticated,
    a_token_with_an_empty_subject_is_unauthenticated,
    a_token_with_a_subject_longer_than_the_audit_column_is_unauthenticated,
    a_token_valid_for_longer_than_the_maximum_lifetime_is_unauthenticated,
    a_token_within_the_maximum_lifetime_works,
    the_token_command_refuses_a_ttl_beyond_the_maximum_lifetime,
);

/// A refused token's answer names the reason.
fn assert_unauthenticated_because(antwoord: &Reply, reden: &str) {
    assert_unauthenticated(antwoord);
    let message = antwoord.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(reden), "{message}");
}

async fn a_token_with_an_empty_subject_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for sub in ["", "   "] {
        let mut c = claims(&app, "lezer", Some(demo::HANZE));
        c.sub = sub.into();
        let token = app.jwt.sign_claims(&c).unwrap();
        let antwoord = app.with_token(&token).query(ME, json!({})).await;
        assert_unauthenticated_because(&antwoord, "subject (sub) is empty");
    }
}

async fn a_token_with_a_subject_longer_than_the_audit_column_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut c = claims(&app, "medewerker", Some(demo::HANZE));
    c.sub = "é".repeat(256);
    let token = app.jwt.sign_claims(&c).unwrap();
    let antwoord = app.with_token(&token).query(ME, json!({})).await;
    assert_unauthenticated_because(&antwoord, "at most 255");
    // 255 characters fit the audit trail's column on both databases: such a caller can write.
    c.sub = "é".repeat(255);
    let token = app.jwt.sign_claims(&c).unwrap();
    let lab = "mutation { createOpdracht(input: { naam: \"Lang subject\", opdrachtSoort: AFSTUDEEROPDRACHT, \
               opdrachtgever: $o }) { id } }";
    let o = app.org_id(demo::BZK).await;
    let lab = lab.replace("$o", &format!("\"{o}\""));
    app.with_token(&token).query(&lab, json!({})).await.data();
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let trail = bureau
        .query("{ auditTrail(first: 1) { nodes { actor } } }", json!({}))
        .await;
    assert_eq!(
        trail.data()["auditTrail"]["nodes"][0]["actor"],
        "é".repeat(255)
    );
}

async fn a_token_valid_for_longer_than_the_maximum_lifetime_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for exp in [i64::MAX, Utc::now().timestamp() + 401 * 24 * 3600] {
        let mut c = claims(&app, "lezer", Some(demo::HANZE));
        c.exp = exp;
        let token = app.jwt.sign_claims(&c).unwrap();
        let antwoord = app.with_token(&token).query(ME, json!({})).await;
        assert_unauthenticated_because(&antwoord, "maximum lifetime of 400d");
    }
}

async fn a_token_within_the_maximum_lifetime_works(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut c = claims(&app, "medewerker", Some(demo::HANZE));
    c.exp = Utc::now().timestamp() + 399 * 24 * 3600;
    let token = app.jwt.sign_claims(&c).unwrap();
    let antwoord = app.with_token(&token).query(ME, json!({})).await;
    assert_eq!(antwoord.data()["me"]["rol"], "MEDEWERKER");
}

async fn the_token_command_refuses_a_ttl_beyond_the_maximum_lifetime(backend: Backend) {
    let (url, _db) = crate::harness::fresh_database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let cli = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ipartnerschap"));
        cmd.current_dir(dir.path())
            .env_clear()
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn");
        cmd
    };
    assert!(cli().args(["seed", "--demo"]).status().unwrap().success());
    let token = |ttl: &str, max: Option<&str>| {
        let mut cmd = cli();
        cmd.args(["token", "--role", "programmabureau", "--ttl", ttl]);
        if let Some(max) = max {
            cmd.env("JWT_MAX_LIFETIME", max);
        }
        cmd.output().expect("run ipartnerschap")
    };
    let geweigerd = token("500d", None);
    assert!(!geweigerd.status.success());
    let stderr = String::from_utf8_lossy(&geweigerd.stderr);
    assert!(
        stderr.contains("longer than the maximum token lifetime of 400d (JWT_MAX_LIFETIME)"),
        "{stderr}"
    );
    assert!(geweigerd.stdout.is_empty(), "no token printed");
    assert!(
        token("365d", None).status.success(),
        "a sync job's year-long token"
    );
    let kort = token("2h", Some("1h"));
    assert!(!kort.status.success(), "the configured maximum counts");
    assert!(token("30m", Some("1h")).status.success());
}

const ME: &str = "{ me { ingelogd subject rol organisatie { __typename naam organisatieSoort \
                  ... on Rijkspartner { oin } ... on Kennisinstelling { schacHome onderwijssoort } } } }";

fn claims(app: &TestApp, rol: &str, org: Option<&str>) -> Claims {
    let now = Utc::now().timestamp();
    let _ = app;
    Claims {
        sub: "test-user".into(),
        rol: rol.into(),
        org: org.map(Into::into),
        regio: Vec::new(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: now,
        nbf: now,
        exp: now + 600,
    }
}

fn assert_unauthenticated(antwoord: &Reply) {
    assert_eq!(antwoord.status, 401, "{}", antwoord.body);
    antwoord.assert_unauthenticated();
    assert!(
        antwoord.body.get("data").is_none(),
        "no data for a refused token"
    );
    assert!(antwoord.headers.contains_key("www-authenticate"));
}

async fn an_anonymous_caller_is_not_logged_in(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let antwoord = app.anoniem().query(ME, json!({})).await;
    assert_eq!(antwoord.status, 200);
    assert_eq!(
        antwoord.data()["me"],
        json!({ "ingelogd": false, "subject": null, "rol": null, "organisatie": null })
    );
}

async fn me_names_the_ministry_and_role_of_the_token(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app.token(Some(demo::BZK), Rol::Beheerder).await;
    let antwoord = app.with_token(&token).query(ME, json!({})).await;
    assert_eq!(
        antwoord.data()["me"],
        json!({
            "ingelogd": true,
            "subject": "test-user",
            "rol": "BEHEERDER",
            "organisatie": {
                "__typename": "Rijkspartner",
                "naam": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
                "organisatieSoort": "RIJKSPARTNER",
                "oin": demo::BZK
            }
        })
    );
}

async fn me_names_the_hogeschool_of_a_schac_home_token(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app.token(Some(demo::HANZE), Rol::Lezer).await;
    let me = &app.with_token(&token).query(ME, json!({})).await.data()["me"].clone();
    assert_eq!(me["rol"], "LEZER");
    assert_eq!(me["organisatie"]["__typename"], "Kennisinstelling");
    assert_eq!(me["organisatie"]["schacHome"], demo::HANZE);
    assert_eq!(me["organisatie"]["onderwijssoort"], "HBO");
}

async fn me_names_the_programme_office_for_a_programmabureau_token(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app.token(None, Rol::Programmabureau).await;
    let me = app.with_token(&token).query(ME, json!({})).await.data()["me"].clone();
    assert_eq!(me["rol"], "PROGRAMMABUREAU");
    assert_eq!(me["organisatie"]["__typename"], "Programmabureau");
}

async fn an_expired_token_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut c = claims(&app, "lezer", Some(demo::HANZE));
    c.exp = Utc::now().timestamp() - 3600;
    c.nbf = c.exp - 600;
    let token = app.jwt.sign_claims(&c).unwrap();
    let antwoord = app.with_token(&token).query(ME, json!({})).await;
    assert_unauthenticated(&antwoord);
    assert!(
        antwoord.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

async fn a_token_that_is_not_valid_yet_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut c = claims(&app, "lezer", Some(demo::HANZE));
    c.nbf = Utc::now().timestamp() + 3600;
    c.exp = c.nbf + 600;
    let token = app.jwt.sign_claims(&c).unwrap();
    assert_unauthenticated(&app.with_token(&token).query(ME, json!({})).await);
}

fn keys(secret: &str, issuer: &str, audience: &str) -> JwtKeys {
    JwtKeys::hs256(
        secret.as_bytes(),
        JwtConfig {
            issuer: issuer.into(),
            audience: audience.into(),
            leeway: Duration::from_secs(0),
        },
    )
}

async fn a_token_signed_with_another_secret_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let forger = keys(
        "another-secret-of-sufficient-length-0123456789",
        ISSUER,
        AUDIENCE,
    );
    let token = forger
        .sign_claims(&claims(&app, "programmabureau", None))
        .unwrap();
    let antwoord = app.with_token(&token).query(ME, json!({})).await;
    assert_unauthenticated(&antwoord);
    assert!(
        antwoord.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("signature")
    );
}

/// A token signed with the right secret by keys with another issuer or audience.
async fn assert_refused_from(backend: Backend, issuer: &str, audience: &str) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = keys(SECRET, issuer, audience)
        .sign(
            "x",
            "lezer",
            Some(demo::HANZE),
            Utc::now(),
            Duration::from_secs(600),
        )
        .unwrap();
    assert_unauthenticated(&app.with_token(&token).query(ME, json!({})).await);
}

async fn a_token_with_another_issuer_is_unauthenticated(backend: Backend) {
    assert_refused_from(backend, "someone-else", AUDIENCE).await;
}

async fn a_token_for_another_audience_is_unauthenticated(backend: Backend) {
    assert_refused_from(backend, ISSUER, "another-api").await;
}

async fn an_unsigned_token_is_unauthenticated(backend: Backend) {
    use base64::Engine;
    let app = TestApp::spawn(backend).with_demo().await;
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let header = b64(json!({ "alg": "none", "typ": "JWT" }));
    let payload = b64(serde_json::to_value(claims(&app, "programmabureau", None)).unwrap());
    let token = format!("{header}.{payload}.");
    assert_unauthenticated(&app.with_token(&token).query(ME, json!({})).await);
}

async fn a_malformed_token_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for garbage in ["abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30", "🙂.🙂.🙂"] {
        assert_unauthenticated(&app.with_token(garbage).query(ME, json!({})).await);
    }
}

async fn an_authorization_header_that_is_not_bearer_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Token abc"] {
        assert_unauthenticated(&app.graphql_with_authorization(header, ME).await);
    }
}

async fn an_oversized_token_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let huge = format!("Bearer {}", "a".repeat(20 * 1024));
    let antwoord = app.graphql_with_authorization(&huge, ME).await;
    assert_unauthenticated(&antwoord);
    assert!(
        antwoord.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too large")
    );
}

async fn a_token_for_an_unknown_organisation_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for org in [demo::ONBEKENDE_OIN, "onbekend.nl", "not a key"] {
        let token = app
            .jwt
            .sign_claims(&claims(&app, "lezer", Some(org)))
            .unwrap();
        assert_unauthenticated(&app.with_token(&token).query(ME, json!({})).await);
    }
}

async fn a_token_with_an_unknown_role_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app
        .jwt
        .sign_claims(&claims(&app, "superuser", Some(demo::HANZE)))
        .unwrap();
    let antwoord = app.with_token(&token).query(ME, json!({})).await;
    assert_unauthenticated(&antwoord);
    assert!(
        antwoord.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown role")
    );
}

async fn a_ministry_token_with_the_programmabureau_role_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app
        .jwt
        .sign_claims(&claims(&app, "programmabureau", Some(demo::BZK)))
        .unwrap();
    assert_unauthenticated(&app.with_token(&token).query(ME, json!({})).await);
}

async fn a_medewerker_token_without_organisation_is_unauthenticated(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = app
        .jwt
        .sign_claims(&claims(&app, "medewerker", None))
        .unwrap();
    assert_unauthenticated(&app.with_token(&token).query(ME, json!({})).await);
}
