//! Tokens from real-style identity providers: RS256 and ES256 verified against a JWKS (file or
//! URL), selected by `kid`, rotated without a restart, with configurable issuers and claim
//! mappings; and the key confusions that must fail.

use crate::dual_tests;
use crate::harness::{AUDIENCE, Backend, ISSUER, SECRET, TestApp, demo};
use ipartnerschap::auth::{ClaimMapping, Jwks, JwksSource, JwtConfig, JwtKeys};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

dual_tests!(
    an_rs256_token_from_a_surfconext_style_identity_provider_works_end_to_end,
    an_es256_token_with_an_oin_claim_works_end_to_end,
    a_rotated_key_works_without_a_restart,
    the_jwks_can_come_from_a_url,
    tokens_with_unknown_keys_or_confused_algorithms_are_unauthenticated,
);

const IDP: &str = "https://idp.example.nl";
const ME: &str = "{ me { ingelogd rol organisatie { naam } } }";

fn fixture(naam: &str) -> String {
    format!("{}/tests/fixtures/{naam}", env!("CARGO_MANIFEST_DIR"))
}

fn config() -> JwtConfig {
    JwtConfig {
        issuer: ISSUER.into(),
        audience: AUDIENCE.into(),
        leeway: Duration::from_secs(5),
    }
}

/// Keys that accept HS256 (the test secret) and the identity provider's JWKS from `bron`,
/// with tokens from both issuers, reading the organisation from `org_claim`.
async fn keys(bron: JwksSource, verversen: Duration, org_claim: &str) -> JwtKeys {
    let jwks = Jwks::load(bron, verversen).await.expect("JWKS");
    JwtKeys::hs256(SECRET.as_bytes(), config())
        .with_jwks(Arc::new(jwks))
        .with_issuers(&[ISSUER.to_owned(), IDP.to_owned()])
        .with_mapping(ClaimMapping {
            organisatie: org_claim.into(),
            rol: "rol".into(),
        })
}

/// The API with the demo data, accepting the identity provider's keys from `bron`.
async fn idp_app(
    backend: Backend,
    bron: JwksSource,
    verversen: Duration,
    org_claim: &str,
) -> TestApp {
    let app = TestApp::spawn(backend)
        .with_jwt(keys(bron, verversen, org_claim).await)
        .await;
    app.db.seed_demo().await.unwrap();
    app
}

/// An RS256 token signed with the key `rsa-1`.
fn rs256(claims: Value) -> String {
    idp_token(Algorithm::RS256, Some("rsa-1"), "rsa1.pem", claims)
}

/// A token as an identity provider would issue it.
fn idp_token(alg: Algorithm, kid: Option<&str>, pem: &str, claims: Value) -> String {
    let pem = std::fs::read(fixture(pem)).unwrap();
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem).unwrap(),
        _ => EncodingKey::from_rsa_pem(&pem).unwrap(),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, &claims, &key).unwrap()
}

fn claims(extra: Value) -> Value {
    let nu = chrono::Utc::now().timestamp();
    let mut c = json!({
        "sub": "urn:collab:person:hu.nl:j.jansen",
        "iss": IDP,
        "aud": [AUDIENCE, "another-service"],
        "iat": nu, "nbf": nu, "exp": nu + 600,
        "rol": "medewerker",
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

async fn an_rs256_token_from_a_surfconext_style_identity_provider_works_end_to_end(
    backend: Backend,
) {
    let app = idp_app(
        backend,
        JwksSource::File(fixture("jwks1.json").into()),
        Duration::from_secs(300),
        "schac_home_organization",
    )
    .await;
    let token = rs256(claims(json!({ "schac_home_organization": demo::HU })));
    let me = app.with_token(&token).query(ME, json!({})).await;
    assert_eq!(me.data()["me"]["rol"], "MEDEWERKER");
    assert_eq!(me.data()["me"]["organisatie"]["naam"], "Hogeschool Utrecht");
    // And the token can write, like any other.
    let sync = app
        .with_token(&token)
        .query(
            crate::sync::SYNC,
            json!({ "input": { "bron": "osiris", "opdrachten": [crate::sync::item(1)] } }),
        )
        .await;
    assert_eq!(sync.data()["syncOpdrachten"]["totalen"]["created"], 1);
    // The service's own HS256 tokens keep working next to it.
    let eigen = app
        .token(Some(demo::HU), ipartnerschap::auth::Rol::Lezer)
        .await;
    assert_eq!(
        app.with_token(&eigen).query(ME, json!({})).await.data()["me"]["rol"],
        "LEZER"
    );
    // An issuer that is not configured is refused.
    let vreemd = rs256(claims(
        json!({ "schac_home_organization": demo::HU, "iss": "https://evil.example" }),
    ));
    let antwoord = app.with_token(&vreemd).query(ME, json!({})).await;
    assert_eq!(antwoord.status, 401);
    antwoord.assert_unauthenticated();
}

async fn an_es256_token_with_an_oin_claim_works_end_to_end(backend: Backend) {
    let app = idp_app(
        backend,
        JwksSource::File(fixture("jwks1.json").into()),
        Duration::from_secs(300),
        "oin",
    )
    .await;
    let token = idp_token(
        Algorithm::ES256,
        Some("ec-1"),
        "ec1.pem",
        claims(json!({ "oin": demo::DUO, "rol": ["onbekend", "lezer"] })),
    );
    let me = app.with_token(&token).query(ME, json!({})).await;
    assert_eq!(
        me.data()["me"]["organisatie"]["naam"],
        "Dienst Uitvoering Onderwijs"
    );
    assert_eq!(
        me.data()["me"]["rol"],
        "LEZER",
        "the first known role of a list"
    );
}

async fn a_rotated_key_works_without_a_restart(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let pad = dir.path().join("jwks.json");
    std::fs::copy(fixture("jwks1.json"), &pad).unwrap();
    let app = idp_app(
        backend,
        JwksSource::File(pad.clone()),
        Duration::ZERO,
        "schac_home_organization",
    )
    .await;
    let oud = rs256(claims(json!({ "schac_home_organization": demo::HU })));
    let nieuw = idp_token(
        Algorithm::RS256,
        Some("rsa-2"),
        "rsa2.pem",
        claims(json!({ "schac_home_organization": demo::HU })),
    );
    assert_eq!(app.with_token(&oud).query(ME, json!({})).await.status, 200);
    assert_eq!(
        app.with_token(&nieuw).query(ME, json!({})).await.status,
        401
    );
    // The identity provider rotates: the new key replaces the old one.
    std::fs::copy(fixture("jwks2.json"), &pad).unwrap();
    assert_eq!(
        app.with_token(&nieuw).query(ME, json!({})).await.status,
        200
    );
    assert_eq!(app.with_token(&oud).query(ME, json!({})).await.status, 401);
}

async fn the_jwks_can_come_from_a_url(backend: Backend) {
    let jwks: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("jwks1.json")).unwrap()).unwrap();
    let router = axum::Router::new().route(
        "/.well-known/jwks.json",
        axum::routing::get(move || {
            let jwks = jwks.clone();
            async move { axum::Json(jwks) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let app = idp_app(
        backend,
        JwksSource::parse(&url),
        Duration::from_secs(300),
        "schac_home_organization",
    )
    .await;
    let token = rs256(claims(json!({ "schac_home_organization": demo::UU })));
    let me = app.with_token(&token).query(ME, json!({})).await;
    assert_eq!(
        me.data()["me"]["organisatie"]["naam"],
        "Universiteit Utrecht"
    );
}

async fn tokens_with_unknown_keys_or_confused_algorithms_are_unauthenticated(backend: Backend) {
    let app = idp_app(
        backend,
        JwksSource::File(fixture("jwks1.json").into()),
        Duration::from_secs(300),
        "schac_home_organization",
    )
    .await;
    let hu = json!({ "schac_home_organization": demo::HU });

    // HS/RS confusion: an HS256 token "signed" with the identity provider's public key.
    let publiek = std::process::Command::new("openssl")
        .args(["rsa", "-in", &fixture("rsa1.pem"), "-pubout"])
        .output()
        .unwrap()
        .stdout;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("rsa-1".into());
    let verward = encode(
        &header,
        &claims(hu.clone()),
        &EncodingKey::from_secret(&publiek),
    )
    .unwrap();

    let gevallen = [
        (
            "unknown kid",
            idp_token(
                Algorithm::RS256,
                Some("bestaat-niet"),
                "rsa1.pem",
                claims(hu.clone()),
            ),
        ),
        (
            "key of another kid",
            idp_token(
                Algorithm::RS256,
                Some("rsa-1"),
                "rsa2.pem",
                claims(hu.clone()),
            ),
        ),
        (
            "RSA key named as EC",
            idp_token(
                Algorithm::RS256,
                Some("ec-1"),
                "rsa1.pem",
                claims(hu.clone()),
            ),
        ),
        ("HS256 with the public key", verward),
        ("no organisation claim", rs256(claims(json!({})))),
        (
            "wrong audience",
            rs256(claims(
                json!({ "schac_home_organization": demo::HU, "aud": "another-service" }),
            )),
        ),
    ];
    for (naam, token) in gevallen {
        let antwoord = app.with_token(&token).query(ME, json!({})).await;
        assert_eq!(antwoord.status, 401, "{naam}: {}", antwoord.body);
        assert_eq!(antwoord.error_code(), "UNAUTHENTICATED", "{naam}");
        assert!(antwoord.body["data"].is_null(), "{naam}: no data");
    }

    // Without a JWKS, RS256 is not accepted at all.
    let alleen_hs = TestApp::spawn(app.backend).await;
    let token = idp_token(Algorithm::RS256, Some("rsa-1"), "rsa1.pem", claims(hu));
    assert_eq!(
        alleen_hs
            .with_token(&token)
            .query(ME, json!({}))
            .await
            .status,
        401
    );
}
