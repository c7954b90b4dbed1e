//! The test harness: `TestApp::spawn(backend).await` starts the real application on a free port
//! with a fresh, migrated database, built by the same [`app::build`] as `ipartnerschap serve`;
//! `TestApp::spawn(backend).with_demo().await` loads the demo data too.
//!
//! - Callers: `app.als(demo::HU, Rol::Beheerder).query(QUERY, vars)`,
//!   `app.als_kennismakelaar(demo::HU, &["MIDDEN"])` or `app.anoniem().query(..)`; see
//!   [`Caller`]. Tokens made by hand (custom claims, other keys, bad tokens) go through
//!   `app.with_token(..)` or `app.with_authorization(..)`; `app.token(..)` and `app.graphql(..)`
//!   remain for tests that pass tokens around themselves. The demo organisations are named in
//!   [`demo`].
//! - Answers: `antwoord.assert_not_found()`, `.assert_forbidden()`, `.assert_problem("naam")`,
//!   ...; see [`Reply`].
//!
//! - SQLite: a new database file in a temporary directory, always.
//! - PostgreSQL: a new database (`ipt_test_…`) on the server of `TEST_DATABASE_URL`. When that
//!   variable is set, PostgreSQL tests must reach the server: an unreachable server fails them.
//!   When it is not set, the PostgreSQL variants say so on stderr and pass without running;
//!   `.ci/run` always sets it.
//!
//! `dual_tests!` writes each test once and runs it on both backends (`sqlite::name`,
//! `postgres::name`).

#![allow(dead_code)]

use ipartnerschap::app;
use ipartnerschap::auth::{JwtConfig, JwtKeys, Rol};
use ipartnerschap::cli::{TokenRequest, make_token};
use ipartnerschap::config::ServerSettings;
use ipartnerschap::db::Database;
use ipartnerschap::graphql::Keys;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::{OnceCell, oneshot};

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256-0123456789";
pub const ISSUER: &str = "ipartnerschap";
pub const AUDIENCE: &str = "ipartnerschap-api";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Writes `async fn name(backend: Backend)` tests once, runs them on both backends.
#[macro_export]
macro_rules! dual_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::harness::postgres_url().is_none() {
                        eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant not run");
                        return;
                    }
                    super::$name($crate::harness::Backend::Postgres).await
                }
            )*
        }
    };
}

/// The PostgreSQL server URL from `TEST_DATABASE_URL`, if set (and not empty).
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
static CLEANUP: OnceCell<()> = OnceCell::const_new();

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A fresh, empty database; returns its URL and (for SQLite) the directory that holds it.
pub async fn fresh_database(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
            (url, Some(dir))
        }
        Backend::Postgres => {
            let server = postgres_url().expect("TEST_DATABASE_URL is set");
            let admin = sea_orm::Database::connect(server.as_str())
                .await
                .unwrap_or_else(|e| {
                    panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}")
                });
            CLEANUP
                .get_or_init(|| async { drop_stale_databases(&admin).await })
                .await;
            let name = format!(
                "ipt_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create the test database");
            (with_database(&server, &name), None)
        }
    }
}

/// Whether the test run that made database `ipt_test_<pid>_<n>` is still running (a concurrent
/// `cargo test` on the same server), so its databases are left alone.
fn run_is_alive(name: &str) -> bool {
    name.strip_prefix("ipt_test_")
        .and_then(|rest| rest.split('_').next())
        .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
}

/// Test databases of earlier runs (any process that has ended) are dropped once per run.
async fn drop_stale_databases(admin: &DatabaseConnection) {
    let prefix = format!("ipt_test_{}_", std::process::id());
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'ipt\\_test\\_%'",
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        if let Ok(name) = row.try_get::<String>("", "datname")
            && !name.starts_with(&prefix)
            && !run_is_alive(&name)
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

pub fn jwt_keys() -> JwtKeys {
    JwtKeys::hs256(
        SECRET.as_bytes(),
        JwtConfig {
            issuer: ISSUER.into(),
            audience: AUDIENCE.into(),
            leeway: Duration::from_secs(5),
        },
    )
}

/// Builds the application as `serve` does ([`app::build`]: migrations, state) and serves it on a
/// free port; returns its GraphQL endpoint, its keys of ids and cursors, and the sender that
/// stops it.
async fn serve(
    db: &Database,
    jwt: &JwtKeys,
    instellingen: ServerSettings,
) -> (String, std::sync::Arc<Keys>, oneshot::Sender<()>) {
    let built = app::build(db.clone(), jwt.clone(), instellingen)
        .await
        .expect("build the application");
    let sleutels = built.keys().await.expect("the id keys");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}/graphql", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        built
            .serve(listener, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
    });
    (endpoint, sleutels, tx)
}

/// A running application with its own database.
pub struct TestApp {
    pub backend: Backend,
    pub database_url: String,
    pub db: Database,
    pub jwt: JwtKeys,
    pub endpoint: String,
    /// The database's keys of ids and cursors (to make ids the way the API does).
    pub sleutels: std::sync::Arc<Keys>,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
}

/// The demo organisations (`src/db/seed/data.rs`) by the keys tokens and `organisatie(sleutel:)`
/// take: OINs for rijkspartners, schacHome domains for kennisinstellingen.
pub mod demo {
    /// The programme office: it has no key of its own (`als(demo::PROGRAMMABUREAU,
    /// Rol::Programmabureau)`).
    pub const PROGRAMMABUREAU: Option<&str> = None;

    /// Ministerie van Binnenlandse Zaken en Koninkrijksrelaties, demo rijkspartner 1.
    pub const BZK: &str = "00000099000000000001";
    /// Dienst Uitvoering Onderwijs, demo rijkspartner 14.
    pub const DUO: &str = "00000099000000000014";
    /// Rijksdienst voor het Wegverkeer, demo rijkspartner 15.
    pub const RDW: &str = "00000099000000000015";
    /// Uitvoeringsinstituut Werknemersverzekeringen, demo rijkspartner 17.
    pub const UWV: &str = "00000099000000000017";
    /// Politie, demo rijkspartner 18.
    pub const POLITIE: &str = "00000099000000000018";
    /// Nationaal Archief, demo rijkspartner 42.
    pub const NA: &str = "00000099000000000042";
    /// A well-formed OIN with the demo prefix that no demo organisation has.
    pub const ONBEKENDE_OIN: &str = "00000099999999999999";

    /// Universiteit van Amsterdam.
    pub const UVA: &str = "uva.nl";
    /// Universiteit Utrecht.
    pub const UU: &str = "uu.nl";
    /// Hanze (Hanzehogeschool Groningen).
    pub const HANZE: &str = "hanze.nl";
    /// Hogeschool Utrecht.
    pub const HU: &str = "hu.nl";
    /// Fontys Hogescholen.
    pub const FONTYS: &str = "fontys.nl";
}

/// The organisation of a caller: a key or id (`&str`, `String`), or `None` (`Option`) for the
/// programme office.
pub trait CallerOrg {
    fn key(&self) -> Option<String>;
}

impl CallerOrg for &str {
    fn key(&self) -> Option<String> {
        Some((*self).to_owned())
    }
}

impl CallerOrg for String {
    fn key(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl CallerOrg for &String {
    fn key(&self) -> Option<String> {
        Some((*self).clone())
    }
}

impl CallerOrg for Option<&str> {
    fn key(&self) -> Option<String> {
        self.map(str::to_owned)
    }
}

/// How a [`Caller`] authenticates.
#[derive(Clone, Debug)]
enum Who {
    Anonymous,
    /// A token made by `make_token` for this organisation and role.
    Token {
        org: Option<String>,
        rol: Rol,
        regios: Vec<String>,
        subject: &'static str,
    },
    /// This bearer token, as given.
    Bearer(String),
    /// This `Authorization` header value, as given.
    Authorization(String),
}

/// Someone calling the API of a [`TestApp`]: `app.als(demo::HU, Rol::Beheerder)`,
/// `app.anoniem()`, `app.with_token(..)`.
#[derive(Clone)]
pub struct Caller<'a> {
    app: &'a TestApp,
    who: Who,
    token: OnceCell<String>,
}

/// A caller shows as who it is (in assertion messages).
impl std::fmt::Debug for Caller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.who)
    }
}

impl<'a> Caller<'a> {
    fn new(app: &'a TestApp, who: Who) -> Self {
        Self {
            app,
            who,
            token: OnceCell::new(),
        }
    }

    /// The same organisation, role and regions as another person (`sub`): a token that
    /// differs from this caller's in its subject only.
    pub fn with_subject(self, other: &'static str) -> Self {
        let who = match self.who {
            Who::Token {
                org, rol, regios, ..
            } => Who::Token {
                org,
                rol,
                regios,
                subject: other,
            },
            who => who,
        };
        Self::new(self.app, who)
    }

    /// The application this caller calls.
    pub fn app(&self) -> &'a TestApp {
        self.app
    }

    /// The bearer token this caller sends (`None` for an anonymous caller or a raw
    /// `Authorization` header).
    pub async fn token(&self) -> Option<String> {
        match &self.who {
            Who::Anonymous | Who::Authorization(_) => None,
            Who::Bearer(token) => Some(token.clone()),
            Who::Token {
                org,
                rol,
                regios,
                subject,
            } => Some(
                self.token
                    .get_or_init(|| async {
                        make_token(
                            &self.app.db,
                            &self.app.jwt,
                            TokenRequest {
                                org: org.as_deref(),
                                rol: *rol,
                                regios,
                                ttl: Duration::from_secs(600),
                                subject: Some(subject),
                            },
                        )
                        .await
                        .expect("token")
                    })
                    .await
                    .clone(),
            ),
        }
    }

    /// POSTs a GraphQL request as this caller.
    pub async fn query(&self, query: &str, variables: Value) -> Reply {
        self.query_accepting(None, query, variables).await
    }

    /// POSTs a GraphQL request as this caller, accepting `application/graphql-response+json`
    /// (the media type in which request errors are `400`).
    pub async fn query_strict(&self, query: &str, variables: Value) -> Reply {
        let media = "application/graphql-response+json";
        self.query_accepting(Some(media), query, variables).await
    }

    async fn query_accepting(&self, accept: Option<&str>, query: &str, variables: Value) -> Reply {
        let mut request = self
            .app
            .client
            .post(&self.app.endpoint)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(accept) = accept {
            request = request.header("Accept", accept);
        }
        if let Who::Authorization(value) = &self.who {
            request = request.header("Authorization", value.as_str());
        } else if let Some(token) = self.token().await {
            request = request.bearer_auth(token);
        }
        self.app.send(request).await
    }

    /// [`TestApp::all_pages`] as this caller.
    pub async fn all_pages(
        &self,
        query: &str,
        field: &str,
        page: i64,
        vooruit: bool,
    ) -> Vec<Value> {
        let token = self.token().await;
        self.app
            .all_pages(token.as_deref(), query, field, page, vooruit)
            .await
    }
}

/// An HTTP response: status and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `data` of a response that must have succeeded.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "expected no errors, got {}",
            self.body
        );
        &self.body["data"]
    }

    /// `extensions.code` of the first error.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error with a code, got {}", self.body))
    }

    /// `extensions` of the first error.
    pub fn extensions(&self) -> &Value {
        &self.body["errors"][0]["extensions"]
    }

    /// `message` of the first error.
    pub fn message(&self) -> &str {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error with a message, got {}", self.body))
    }

    /// Asserts that the first error has `extensions.code` `code`.
    #[track_caller]
    pub fn assert_code(&self, code: &str) -> &Self {
        assert_eq!(self.error_code(), code, "in {}", self.body);
        self
    }

    /// Asserts a `NOT_FOUND` error.
    #[track_caller]
    pub fn assert_not_found(&self) -> &Self {
        self.assert_code("NOT_FOUND")
    }

    /// Asserts a `FORBIDDEN` error.
    #[track_caller]
    pub fn assert_forbidden(&self) -> &Self {
        self.assert_code("FORBIDDEN")
    }

    /// Asserts an `UNAUTHENTICATED` error.
    #[track_caller]
    pub fn assert_unauthenticated(&self) -> &Self {
        self.assert_code("UNAUTHENTICATED")
    }

    /// Asserts a `CONFLICT` error.
    #[track_caller]
    pub fn assert_conflict(&self) -> &Self {
        self.assert_code("CONFLICT")
    }

    /// Asserts a `BAD_USER_INPUT` error.
    #[track_caller]
    pub fn assert_bad_user_input(&self) -> &Self {
        self.assert_code("BAD_USER_INPUT")
    }

    /// Asserts a `BAD_USER_INPUT` error with one problem, about `field` (`extensions.field`).
    #[track_caller]
    pub fn assert_problem(&self, field: &str) -> &Self {
        self.assert_bad_user_input();
        assert_eq!(self.extensions()["field"], field, "in {}", self.body);
        self
    }

    /// The fields of the problems of a `BAD_USER_INPUT` error (`extensions.problems`), in
    /// order (asserting that it is one).
    #[track_caller]
    pub fn problem_fields(&self) -> Vec<String> {
        self.assert_bad_user_input();
        self.extensions()["problems"]
            .as_array()
            .unwrap_or_else(|| panic!("expected problems, got {}", self.body))
            .iter()
            .map(|p| p["field"].as_str().expect("a field").to_owned())
            .collect()
    }

    /// Asserts the HTTP status.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "in {}", self.body);
        self
    }
}

/// What [`TestApp::spawn`] starts: `.await` it for an empty database, or set it up first with
/// `.with_demo()`, `.with_settings(..)` or `.with_jwt(..)`.
#[must_use = "await it to start the application"]
pub struct Spawn {
    backend: Backend,
    instellingen: ServerSettings,
    jwt: JwtKeys,
    demo: bool,
}

impl Spawn {
    /// Loads the demo data (`src/db/seed/data.rs`) before the test starts.
    pub fn with_demo(mut self) -> Self {
        self.demo = true;
        self
    }

    /// Serves with these server settings (limits, introspection, GraphiQL).
    pub fn with_settings(mut self, instellingen: ServerSettings) -> Self {
        self.instellingen = instellingen;
        self
    }

    /// Verifies tokens with these keys (identity providers, claim mappings).
    pub fn with_jwt(mut self, jwt: JwtKeys) -> Self {
        self.jwt = jwt;
        self
    }

    async fn start(self) -> TestApp {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let (database_url, dir) = fresh_database(self.backend).await;
        let db = Database::connect(&database_url, 5).await.expect("connect");
        let (endpoint, sleutels, tx) = serve(&db, &self.jwt, self.instellingen).await;
        if self.demo {
            db.seed_demo().await.expect("demo data");
        }
        TestApp {
            backend: self.backend,
            database_url,
            db,
            jwt: self.jwt,
            endpoint,
            sleutels,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            _dir: dir,
        }
    }
}

impl IntoFuture for Spawn {
    type Output = TestApp;
    type IntoFuture = Pin<Box<dyn Future<Output = TestApp> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.start())
    }
}

impl TestApp {
    /// Starts the application on a fresh, migrated database (see [`Spawn`]).
    pub fn spawn(backend: Backend) -> Spawn {
        Spawn {
            backend,
            instellingen: ServerSettings::default(),
            jwt: jwt_keys(),
            demo: false,
        }
    }

    /// A second application process on the same database (its own connection pool and its own
    /// in-process write lock), as when two instances serve one SQLite file or one PostgreSQL
    /// database.
    pub async fn second_process(&self) -> Self {
        Self::attach(self.backend, &self.database_url, self.jwt.clone()).await
    }

    /// The application, served here, on a database that already exists and is migrated (one that several
    /// tests share, such as the plan tests' 100,000 opdrachten).
    pub async fn attach(backend: Backend, database_url: &str, jwt: JwtKeys) -> Self {
        let db = Database::connect(database_url, 5).await.expect("connect");
        let (endpoint, sleutels, tx) = serve(&db, &jwt, ServerSettings::default()).await;
        Self {
            backend,
            database_url: database_url.to_owned(),
            db,
            jwt,
            endpoint,
            sleutels,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            _dir: None,
        }
    }

    /// An application already running at `endpoint` on the database at `database_url`, started
    /// by someone else (e.g. `ipartnerschap serve` with `JWT_SECRET` set to [`SECRET`]): callers
    /// call it, and [`TestApp::scalar`] and friends read its database.
    pub async fn running_at(database_url: &str, endpoint: &str) -> Self {
        let db = Database::connect(database_url, 5).await.expect("connect");
        let sleutels = std::sync::Arc::new(Keys::load(&db).await.expect("the id keys"));
        let backend = match database_url.starts_with("postgres") {
            true => Backend::Postgres,
            false => Backend::Sqlite,
        };
        Self {
            backend,
            database_url: database_url.to_owned(),
            db,
            jwt: jwt_keys(),
            endpoint: endpoint.to_owned(),
            sleutels,
            client: reqwest::Client::new(),
            shutdown: None,
            _dir: None,
        }
    }

    /// A caller of `org` (a [`demo`] organisation, any key or id, or
    /// [`demo::PROGRAMMABUREAU`]) in `rol`, with a token the way `ipartnerschap token` makes
    /// one. The token is made at the caller's first request (or [`Caller::token`]) and then
    /// reused; making it reads the database, so a test that counts statements makes it first.
    pub fn als(&self, org: impl CallerOrg, rol: Rol) -> Caller<'_> {
        Caller::new(
            self,
            Who::Token {
                org: org.key(),
                rol,
                regios: Vec::new(),
                subject: "test-user",
            },
        )
    }

    /// A kennismakelaar of `org` for `regios`.
    pub fn als_kennismakelaar(&self, org: impl CallerOrg, regios: &[&str]) -> Caller<'_> {
        Caller::new(
            self,
            Who::Token {
                org: org.key(),
                rol: Rol::Kennismakelaar,
                regios: regios.iter().map(|r| r.to_string()).collect(),
                subject: "test-makelaar",
            },
        )
    }

    /// A caller without a token.
    pub fn anoniem(&self) -> Caller<'_> {
        Caller::new(self, Who::Anonymous)
    }

    /// A caller with exactly this bearer token (custom claims, other keys, bad tokens).
    pub fn with_token(&self, token: impl Into<String>) -> Caller<'_> {
        Caller::new(self, Who::Bearer(token.into()))
    }

    /// A caller with this raw `Authorization` header value (other schemes, malformed headers).
    pub fn with_authorization(&self, authorization: impl Into<String>) -> Caller<'_> {
        Caller::new(self, Who::Authorization(authorization.into()))
    }

    /// A token for `org` (OIN, schacHome or id; `None` for the programme office) in `rol`.
    pub async fn token(&self, org: Option<&str>, rol: Rol) -> String {
        make_token(
            &self.db,
            &self.jwt,
            TokenRequest {
                org,
                rol,
                regios: &[],
                ttl: Duration::from_secs(600),
                subject: Some("test-user"),
            },
        )
        .await
        .expect("token")
    }

    /// A token of a kennismakelaar of `org` for `regios`.
    pub async fn kennismakelaar(&self, org: &str, regios: &[&str]) -> String {
        let regios: Vec<String> = regios.iter().map(|r| r.to_string()).collect();
        make_token(
            &self.db,
            &self.jwt,
            TokenRequest {
                org: Some(org),
                rol: Rol::Kennismakelaar,
                regios: &regios,
                ttl: Duration::from_secs(600),
                subject: Some("test-makelaar"),
            },
        )
        .await
        .expect("token")
    }

    /// POSTs a GraphQL request with an optional bearer token.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Reply {
        let mut request = self
            .client
            .post(&self.endpoint)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// POSTs a raw body.
    pub async fn post_raw(&self, body: String) -> reqwest::Response {
        self.client
            .post(&self.endpoint)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("HTTP request")
    }

    /// GETs a path of the server.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        let base = self.endpoint.trim_end_matches("/graphql");
        self.client
            .get(format!("{base}{path}"))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("HTTP request")
    }

    /// POSTs a GraphQL request with a raw `Authorization` header value.
    pub async fn graphql_with_authorization(&self, authorization: &str, query: &str) -> Reply {
        let request = self
            .client
            .post(&self.endpoint)
            .header("Authorization", authorization)
            .json(&json!({ "query": query }));
        self.send(request).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("HTTP request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("expected JSON, got {status}: {text}"));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The global id of row `row` of `typename`, as the API writes it.
    pub fn id(&self, typename: &str, row: i32) -> String {
        self.sleutels.id(typename, row).0
    }

    /// The global id of the organisation with this natural key.
    pub async fn org_id(&self, sleutel: &str) -> String {
        let antwoord = self
            .graphql(
                None,
                "query($k: String!) { organisatie(sleutel: $k) { id } }",
                json!({ "k": sleutel }),
            )
            .await;
        antwoord.data()["organisatie"]["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    }

    /// Walks a connection field page by page (forwards with `first`, or backwards with `last`)
    /// and returns all nodes in list order. `query` takes `$first`, `$after`, `$last`,
    /// `$before` and selects `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`
    /// and `nodes` under the path `field`.
    pub async fn all_pages(
        &self,
        token: Option<&str>,
        query: &str,
        field: &str,
        page: i64,
        vooruit: bool,
    ) -> Vec<Value> {
        let mut nodes: Vec<Value> = Vec::new();
        let mut cursor = Value::Null;
        for _ in 0..1000 {
            let variables = if vooruit {
                json!({ "first": page, "after": cursor })
            } else {
                json!({ "last": page, "before": cursor })
            };
            let data = self.graphql(token, query, variables).await.data().clone();
            let connection = &data[field];
            let mut batch = connection["nodes"].as_array().expect("nodes").clone();
            let info = &connection["pageInfo"];
            if vooruit {
                nodes.extend(batch);
                if info["hasNextPage"] != true {
                    return nodes;
                }
                cursor = info["endCursor"].clone();
            } else {
                batch.extend(nodes);
                nodes = batch;
                if info["hasPreviousPage"] != true {
                    return nodes;
                }
                cursor = info["startCursor"].clone();
            }
        }
        panic!("more than 1000 pages");
    }

    /// A direct connection to the test database, for checks the API does not offer (counting
    /// rows, trying to break constraints).
    pub async fn raw(&self) -> DatabaseConnection {
        sea_orm::Database::connect(self.database_url.as_str())
            .await
            .expect("raw connection")
    }

    /// The rows of a query, read straight from the test database.
    pub async fn rows(&self, sql: &str) -> Vec<sea_orm::QueryResult> {
        let conn = self.raw().await;
        conn.query_all_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            sql,
        ))
        .await
        .expect("query")
    }

    /// `SELECT COUNT(*)` or any query that returns one integer.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let conn = self.raw().await;
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                sql,
            ))
            .await
            .expect("query")
            .expect("a row");
        row.try_get_by_index::<i64>(0).expect("an integer")
    }
}

/// Every table of the schema, for [`TestApp::dump`].
const TABELLEN: &[&str] = &[
    "themas",
    "organisaties",
    "fieldlabs",
    "fieldlab_deelnemers",
    "fieldlab_themas",
    "lectoraten",
    "lectoraat_partners",
    "lectoraat_fieldlabs",
    "lectoraat_themas",
    "minoren",
    "minor_partners",
    "minor_themas",
    "communities",
    "community_leden",
    "community_themas",
    "opdrachten",
    "opdracht_uitvoerders",
    "opdracht_themas",
    "vraagstukken",
    "vraagstuk_themas",
    "vraagstuk_regios",
    "vraagstuk_voorleggingen",
    "vraagstuk_reacties",
    "vraagstuk_opdrachten",
    "jaarcijfers",
    "promotietrajecten",
    "bijeenkomsten",
    "bijeenkomst_partners",
    "bijeenkomst_themas",
    "kennismakelaars",
    "kennismakelaar_regios",
    "vraagstuk_makelaars",
    "wijzigingen",
    "wijziging_betrokkenen",
];

impl TestApp {
    /// The contents of every table as text, one line per row, sorted: two equal dumps mean
    /// the database holds exactly the same data.
    pub async fn dump(&self) -> String {
        let conn = self.raw().await;
        let backend = conn.get_database_backend();
        let mut uit = String::new();
        for tabel in TABELLEN {
            let kolommen_sql = match backend {
                sea_orm::DatabaseBackend::Postgres => format!(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_name = '{tabel}' AND table_schema = current_schema() \
                     ORDER BY ordinal_position"
                ),
                _ => format!("SELECT name FROM pragma_table_info('{tabel}') ORDER BY cid"),
            };
            let kolommen: Vec<String> = conn
                .query_all_raw(sea_orm::Statement::from_string(backend, kolommen_sql))
                .await
                .expect("columns")
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).expect("name"))
                .collect();
            assert!(!kolommen.is_empty(), "table {tabel} has columns");
            let rij = kolommen
                .iter()
                .map(|k| format!("COALESCE(CAST({k} AS TEXT), '<null>')"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let rijen = conn
                .query_all_raw(sea_orm::Statement::from_string(
                    backend,
                    format!("SELECT {rij} FROM {tabel}"),
                ))
                .await
                .expect("rows");
            let mut regels: Vec<String> = rijen
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).expect("row text"))
                .collect();
            regels.sort();
            uit.push_str(&format!("## {tabel} ({})\n", regels.len()));
            for regel in regels {
                uit.push_str(&regel);
                uit.push('\n');
            }
        }
        uit
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
