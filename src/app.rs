//! The HTTP application: router, shared state, authentication of each request, serving.
//!
//! `POST /graphql` runs a GraphQL request; `GET /graphql` serves GraphiQL for people, from
//! assets embedded in the binary (`/graphiql/...`); `GET /schema.graphql` the SDL (while
//! introspection is on). Every response carries `X-Request-Id` and `API-Version`. Each
//! request's bearer token is verified here and turned into a principal; the request then gets a
//! [`Scope`](crate::db::Scope) for that principal and its own DataLoaders. A request with a
//! token that fails verification is answered `401` with a GraphQL error whose
//! `extensions.code` is `UNAUTHENTICATED`, before any resolver runs: a bad token never degrades
//! to anonymous access.

use crate::auth::{JwtKeys, Principal};
use crate::cache::{CacheKey, ResponseCache, Versies};
use crate::config::ServerSettings;
use crate::db::Database;
use crate::error::ApiError;
use crate::graphql::{self, ApiSchema, Loaders, with_batches};
use crate::metrics::Metrics;
use crate::transport;
use async_graphql::parser::types::OperationType;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::Method;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

/// Tokens longer than this are refused without parsing (a JWT of this service is ~400 bytes).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    jwt: JwtKeys,
    schema: ApiSchema,
    settings: ServerSettings,
    metrics: Metrics,
    cache: ResponseCache,
    /// The keys of ids and cursors, read from the database at the first request.
    keys: tokio::sync::OnceCell<Arc<graphql::Keys>>,
    /// The schema's SDL, written at the first `GET /schema.graphql`.
    sdl: std::sync::OnceLock<axum::body::Bytes>,
    /// The open live (WebSocket) connections, per organisation.
    live: Arc<crate::live::Connections>,
    /// Failed authentications per source address (see [`crate::throttle`]).
    failures: crate::throttle::FailedAuthentications,
}

impl AppState {
    /// State with the default server settings.
    pub fn new(db: Database, jwt: JwtKeys) -> Self {
        Self::with_settings(db, jwt, ServerSettings::default())
    }

    /// State with the given server settings (limits, introspection, GraphiQL).
    pub fn with_settings(db: Database, jwt: JwtKeys, settings: ServerSettings) -> Self {
        let schema = graphql::schema_with(settings.graphql_introspection);
        let failures =
            crate::throttle::FailedAuthentications::new(settings.auth_failures_per_minute);
        Self {
            inner: Arc::new(Inner {
                db,
                jwt,
                schema,
                cache: ResponseCache::new(settings.response_cache_bytes),
                settings,
                metrics: Metrics::default(),
                keys: tokio::sync::OnceCell::new(),
                sdl: std::sync::OnceLock::new(),
                live: Arc::default(),
                failures,
            }),
        }
    }
}

impl AppState {
    pub(crate) fn settings(&self) -> &ServerSettings {
        &self.inner.settings
    }

    pub(crate) fn db(&self) -> &Database {
        &self.inner.db
    }

    pub(crate) fn schema(&self) -> &ApiSchema {
        &self.inner.schema
    }

    pub(crate) fn live_connections(&self) -> &Arc<crate::live::Connections> {
        &self.inner.live
    }

    /// The keys of ids and cursors (see [`Self::keys`]).
    pub(crate) async fn id_keys(&self) -> Result<Arc<graphql::Keys>, sea_orm::DbErr> {
        self.keys().await
    }

    /// The principal of a bearer token and the token's expiry (`exp`, seconds since the
    /// epoch); `UNAUTHENTICATED` with the reason for a token that is refused, or
    /// `TOO_MANY_REQUESTS` once `source` has had too many refused (see [`crate::throttle`]).
    pub(crate) async fn verify_token(
        &self,
        token: &str,
        source: Option<std::net::IpAddr>,
    ) -> Result<(Principal, i64), ApiError> {
        use crate::auth::{EXPIRED, NOT_YET_VALID};
        let claims = match self.inner.jwt.verify(token).await {
            Ok(claims) => claims,
            // A signed token out of its time is no guess: refused (401, so that clients
            // refresh it), not counted.
            Err(ApiError::Unauthenticated(reason))
                if reason == EXPIRED || reason == NOT_YET_VALID =>
            {
                return Err(uncounted(&reason));
            }
            Err(e) => return Err(self.refuse(source, &e.message())),
        };
        match Principal::from_claims(&self.inner.db, &claims).await {
            Ok(principal) => Ok((principal, claims.exp)),
            // Signed by a trusted key, so no guess either.
            Err(ApiError::Unauthenticated(reason)) => Err(uncounted(&reason)),
            Err(other) => Err(other),
        }
    }

    /// The refusal of a token that could be a guess (malformed, forged, of another issuer) from
    /// `source` for `reason`: `UNAUTHENTICATED`, or
    /// `TOO_MANY_REQUESTS` beyond the source's limit (logged once per window).
    pub(crate) fn refuse(&self, source: Option<std::net::IpAddr>, reason: &str) -> ApiError {
        use crate::throttle::Verdict;
        let retry_after = match self.inner.failures.failed(source) {
            Verdict::Refuse => return uncounted(reason),
            Verdict::FirstOverLimit(wait) => {
                tracing::warn!(?source, reason, "too many refused tokens from one address");
                wait
            }
            Verdict::OverLimit(wait) => wait,
        };
        let seconds = retry_after.as_secs().max(1);
        ApiError::TooManyRequests {
            message: format!(
                "too many refused tokens from your address; try again in {seconds} s \
                 (AUTH_FAILURES_PER_MINUTE)"
            ),
            retry_after: seconds,
        }
    }

    /// The address a request comes from: the first address in `CLIENT_IP_HEADER` when that is
    /// configured and present, else the peer's.
    pub(crate) fn source(
        &self,
        headers: &HeaderMap,
        peer: Option<std::net::SocketAddr>,
    ) -> Option<std::net::IpAddr> {
        if let Some(name) = &self.inner.settings.client_ip_header {
            let forwarded = headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        peer.map(|p| p.ip())
    }

    /// The keys of ids and cursors, read from the database once.
    async fn keys(&self) -> Result<Arc<graphql::Keys>, sea_orm::DbErr> {
        self.inner
            .keys
            .get_or_try_init(|| async { graphql::Keys::load(&self.inner.db).await.map(Arc::new) })
            .await
            .cloned()
    }
}

/// The router of the service.
pub fn router(state: AppState) -> Router {
    let settings = &state.inner.settings;
    let mut router = Router::new()
        .route("/graphql", get(graphql_handler).post(graphql_handler))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/statistieken.csv", get(crate::export::statistieken_csv))
        .route("/dashboard", get(crate::dashboard::page))
        .route("/dashboard/{asset}", get(crate::dashboard::asset))
        .route("/jaarcijfers/{jaar}", get(crate::dashboard::yearly));
    if settings.graphiql {
        router = router.route("/graphiql/{asset}", get(crate::graphiql::asset));
    }
    if settings.graphql_introspection {
        // The SDL is the schema told another way: with introspection off, neither is served.
        router = router.route("/schema.graphql", get(schema_sdl));
    }
    let cors = cors(
        &settings.cors_allowed_origins,
        &settings.cors_allowed_headers,
    );
    router
        // async-graphql-axum reads the body itself, past axum's DefaultBodyLimit; this layer
        // limits the body as it streams in (413 beyond MAX_BODY_BYTES).
        .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
        .layer(DefaultBodyLimit::disable())
        .layer(cors)
        .layer(middleware::from_fn(request_id_and_headers))
        .with_state(state)
}

/// CORS for the configured origins only; none configured, no cross-origin access. Browsers
/// may send the configured request headers (`CORS_ALLOWED_HEADERS`: what GraphQL clients
/// send) and read the response headers a client needs beyond the safelisted ones: the request
/// id to quote in a support question, the API version, and when to retry a `503`.
fn cors(origins: &[String], headers: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    // The names were checked when the settings were read (`config::header_name`).
    let headers: Vec<HeaderName> = headers
        .iter()
        .filter_map(|h| HeaderName::from_bytes(h.as_bytes()).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(headers)
        .expose_headers([
            HeaderName::from_static(REQUEST_ID),
            HeaderName::from_static(API_VERSION),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(3600))
}

/// The response header with the request's id.
const REQUEST_ID: &str = "x-request-id";

/// The response header with the version of this API: the NL API Design Rules ask for the full
/// version in a response header `API-Version` (`/core/version-header`).
const API_VERSION: &str = "api-version";

/// The version of this API: the crate's version, which the release sets.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The id of a request: the caller's `X-Request-Id` if it is short and plain, otherwise a new
/// one. Returned in the response header, in every GraphQL error's `extensions.requestId`, and in
/// the log lines of the request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn new_request_id() -> String {
    let mut bytes = [0u8; 12];
    if getrandom::fill(&mut bytes).is_err() {
        return format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Request id, `API-Version`, security headers, and `Cache-Control: no-store` on API
/// responses. The outermost layer, so every response has them: answers from the answer cache,
/// CORS preflights, and the errors of the layers and the router (`404`, `405`, `413`) too.
async fn request_id_and_headers(mut request: axum::extract::Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
        .unwrap_or_else(new_request_id);
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, path = %request.uri().path());
    let mut response = tracing::Instrument::instrument(next.run(request), span).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(REQUEST_ID, value);
    }
    headers.insert(API_VERSION, HeaderValue::from_static(VERSION));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// `/metrics`: Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Response {
    let db = &state.inner.db;
    let text = state.inner.metrics.render(
        db.statements_executed(),
        Some(db.pool()),
        state.inner.cache.stats(),
        state.inner.live.counts(),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// `GET /schema.graphql`: the SDL of the schema this server runs (equal to the committed
/// `schema/schema.graphql`, a test checks), without authentication, like any public contract:
/// the NL API Design Rules ask for an API's description at a fixed, open URL (for OpenAPI
/// `/openapi.json`); for GraphQL that description is the SDL.
///
/// Served as `text/plain; charset=utf-8`. `application/graphql` is no registered media type
/// (IANA has `application/graphql-response+json`, for responses; the GraphQL-over-HTTP spec
/// dropped `application/graphql` for requests) and the SDL has none of its own, so `text/plain`
/// is the honest type: browsers show it inline instead of downloading it, and code generators
/// and schema diff tools that read SDL from a URL take the text whatever its type. The charset
/// is explicit because descriptions are UTF-8 (`X-Content-Type-Options: nosniff` is set).
async fn schema_sdl(State(state): State<AppState>) -> Response {
    let sdl = state
        .inner
        .sdl
        .get_or_init(|| axum::body::Bytes::from(crate::graphql::sdl_of(&state.inner.schema)))
        .clone();
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], sdl).into_response()
}

/// `/healthz`: the process is up.
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `/readyz`: the database answers and its migrations are current.
async fn readyz(State(state): State<AppState>) -> Response {
    let db = &state.inner.db;
    let problem = match db.ping().await {
        Err(err) => {
            tracing::warn!(error = %err, "readiness: the database does not answer");
            Some("the database does not answer".to_owned())
        }
        Ok(()) => match db.pending_migrations().await {
            Ok(pending) if pending.is_empty() => None,
            Ok(pending) => Some(format!("{} migration(s) not applied", pending.len())),
            Err(_) => Some("cannot read the migration state".to_owned()),
        },
    };
    match problem {
        None => Json(serde_json::json!({ "status": "ready" })).into_response(),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "not ready", "reason": reason })),
        )
            .into_response(),
    }
}

/// The application as `serve` runs it: the database migrated, the state built with the server
/// settings, ready to serve.
pub struct App {
    state: AppState,
}

/// Builds the application `ipartnerschap serve` runs (and the integration tests start): applies
/// the migrations that are pending, then builds the state for `db`, `jwt` and `settings`.
pub async fn build(db: Database, jwt: JwtKeys, settings: ServerSettings) -> anyhow::Result<App> {
    use anyhow::Context;
    let pending = db.pending_migrations().await?;
    db.migrate_up()
        .await
        .context("cannot apply the migrations")?;
    for name in pending {
        tracing::info!(migration = %name, "applied migration");
    }
    Ok(App {
        state: AppState::with_settings(db, jwt, settings),
    })
}

impl App {
    /// The shared state of the request handlers.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The keys of ids and cursors, read from the database once.
    pub async fn keys(&self) -> Result<Arc<graphql::Keys>, sea_orm::DbErr> {
        self.state.keys().await
    }

    /// Serves the application on `listener` until `shutdown` completes (see [`serve`]).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        serve(listener, self.state, shutdown).await
    }
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Read the keys of ids and cursors before the first request (which would otherwise pay
    // for it); if that fails here, the first request tries again and reports it.
    if let Err(e) = state.keys().await {
        tracing::warn!(error = %e, "cannot read the keys of ids and cursors yet");
    }
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// `GET` and `POST /graphql`: GraphiQL for a browser that asks for the page, otherwise a
/// GraphQL request per the GraphQL-over-HTTP spec (see [`transport`]).
async fn graphql_handler(
    State(state): State<AppState>,
    axum::Extension(id): axum::Extension<RequestId>,
    request: axum::extract::Request,
) -> Response {
    let (mut parts, body) = request.into_parts();
    if is_websocket(&parts.headers) {
        return live_upgrade(state, id, &mut parts).await;
    }
    let headers = &parts.headers;
    let query = parts.uri.query();
    if parts.method == Method::GET
        && state.inner.settings.graphiql
        && wants_graphiql(headers, query)
    {
        return crate::graphiql::page().await.into_response();
    }
    let Some(media) = transport::negotiate(headers) else {
        return transport::error_response(
            StatusCode::NOT_ACCEPTABLE,
            transport::Media::Json,
            "NOT_ACCEPTABLE",
            "accept application/graphql-response+json or application/json",
        );
    };
    let mut request =
        match transport::read_request(&parts.method, headers, query, body, media).await {
            Ok(request) => request,
            Err(response) => return response,
        };
    // The time limit counts from here: the request has been read.
    let begin = std::time::Instant::now();
    let deadline = tokio::time::Instant::from_std(begin)
        + Duration::from_millis(state.inner.settings.request_timeout_ms);
    // The limits come first, before anything parses more than they allow.
    let operation = match state.inner.settings.limits().check(&mut request) {
        Ok(operation) => operation,
        Err(error) => {
            let name = request.operation_name.clone();
            let response = async_graphql::Response::from_errors(vec![error]);
            return finish(&state, &id, name.as_deref(), begin, response, media);
        }
    };
    let operation_type = operation.as_ref().and_then(|o| o.kind);
    if parts.method == Method::GET
        && matches!(
            operation_type,
            Some(OperationType::Mutation | OperationType::Subscription)
        )
    {
        return transport::post_only(media);
    }
    let written = graphql::spec::prepare(&mut request);
    let source = state.source(headers, peer(&parts.extensions));
    let principal = match authenticate(&state, headers, source).await {
        Ok(principal) => principal,
        Err(err) => return unauthenticated(err, &id),
    };
    let name = operation.and_then(|o| o.name);
    let execution = Execution {
        state: &state,
        id: &id,
        name: name.as_deref(),
        begin,
        media,
        written,
    };
    let answer = execution.answer(principal, request, operation_type);
    match before_deadline(deadline, answer).await {
        Some(response) => response,
        // The request's future is dropped here, which cancels its database work.
        None => {
            let codes = ["TIMEOUT".to_owned()];
            let elapsed = begin.elapsed();
            state
                .inner
                .metrics
                .record_request(name.as_deref(), elapsed, &codes);
            too_slow(&state.inner.settings, &id)
        }
    }
}

/// Whether a request asks to become a WebSocket (`Upgrade: websocket`).
fn is_websocket(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// `GET /graphql` with `Upgrade: websocket`: a live connection in the `graphql-transport-ws`
/// protocol (see [`crate::live`]). A client that does not offer that subprotocol is closed
/// with `4406`, as the protocol asks.
async fn live_upgrade(
    state: AppState,
    id: RequestId,
    parts: &mut axum::http::request::Parts,
) -> Response {
    use axum::extract::FromRequestParts;
    use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
    let upgrade = match WebSocketUpgrade::from_request_parts(parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = upgrade
        .protocols([crate::live::PROTOCOL])
        .max_message_size(state.inner.settings.max_body_bytes);
    let accepted = upgrade.selected_protocol().is_some();
    let source = state.source(&parts.headers, peer(&parts.extensions));
    upgrade.on_upgrade(move |mut socket| async move {
        if accepted {
            crate::live::serve(socket, state, id.0, source).await;
        } else {
            let frame = CloseFrame {
                code: 4406,
                reason: "Subprotocol not acceptable: use graphql-transport-ws".into(),
            };
            let _ = socket.send(Message::Close(Some(frame))).await;
        }
    })
}

/// Whether a `GET` asks for the GraphiQL page: a browser that accepts HTML and sends no query.
fn wants_graphiql(headers: &HeaderMap, query: Option<&str>) -> bool {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let has_query = query.is_some_and(|q| q.split('&').any(|p| p.starts_with("query=")));
    wants_html && !has_query
}

/// Runs `work` until `deadline`; `None` when the deadline comes first. The clock is read before
/// every poll, so a deadline that has already passed (a time limit of 0 ms) is never missed,
/// however quickly `work` could finish.
async fn before_deadline<F: Future>(deadline: tokio::time::Instant, work: F) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    let mut alarm = std::pin::pin!(tokio::time::sleep_until(deadline));
    std::future::poll_fn(|cx| {
        if tokio::time::Instant::now() >= deadline {
            return std::task::Poll::Ready(None);
        }
        if let std::task::Poll::Ready(out) = work.as_mut().poll(cx) {
            return std::task::Poll::Ready(Some(out));
        }
        alarm.as_mut().poll(cx).map(|()| None)
    })
    .await
}

/// One GraphQL request past its limits and authentication: answered from the cache or run.
struct Execution<'a> {
    state: &'a AppState,
    id: &'a RequestId,
    name: Option<&'a str>,
    begin: std::time::Instant,
    media: transport::Media,
    /// The operation as written, to complete the answer per the spec (see [`graphql::spec`]).
    written: Option<graphql::spec::Written>,
}

impl Execution<'_> {
    async fn answer(
        self,
        principal: Option<Principal>,
        request: async_graphql::Request,
        operation_type: Option<OperationType>,
    ) -> Response {
        let inner = &self.state.inner;
        // A query may be answered from the cache: the versions of the data are read first, so
        // an answer is never kept under versions older than the data it saw.
        let cache = &inner.cache;
        let reads = self
            .written
            .as_ref()
            .filter(|_| cache.enabled() && operation_type == Some(OperationType::Query))
            .map(graphql::spec::Written::reads);
        let cache_key = reads
            .and_then(|reads| CacheKey::new(principal.as_ref(), &request, !reads.identity).ok());
        let versies = match &cache_key {
            Some(_) => inner
                .db
                .data_versions()
                .await
                .ok()
                .as_deref()
                .and_then(Versies::from_rows),
            None => None,
        };
        if let (Some(cache_key), Some(versies)) = (&cache_key, &versies)
            && let Some(body) = cache.get(cache_key, versies)
        {
            inner
                .metrics
                .record_request(self.name, self.begin.elapsed(), &[]);
            return transport::json(body, self.media);
        }
        let keys = match self.state.keys().await {
            Ok(keys) => keys,
            Err(e) => {
                let error = async_graphql::Error::from(ApiError::Internal(format!(
                    "cannot read the keys of ids and cursors: {e}"
                )))
                .into_server_error(Default::default());
                let response = async_graphql::Response::from_errors(vec![error]);
                return finish(
                    self.state, self.id, self.name, self.begin, response, self.media,
                );
            }
        };
        let scope = inner.db.scope(principal);
        if let Some(written) = &self.written
            && let Err(refused) =
                graphql::with_keys(keys.clone(), written.check_arguments(&scope)).await
        {
            return finish(
                self.state, self.id, self.name, self.begin, refused, self.media,
            );
        }
        let response = run(self.state, keys, scope, request).await;
        let response = match &self.written {
            Some(written) => written.complete(response),
            None => response,
        };
        if let (Some(cache_key), Some(versies), Some(reads)) = (cache_key, versies, reads)
            && response.errors.is_empty()
            && let Ok(json) = serde_json::to_vec(&response)
        {
            let body = axum::body::Bytes::from(json);
            cache.put(cache_key, reads.types, &versies, body.clone());
            inner
                .metrics
                .record_request(self.name, self.begin.elapsed(), &[]);
            return transport::json(body, self.media);
        }
        finish(
            self.state, self.id, self.name, self.begin, response, self.media,
        )
    }
}

/// Runs a GraphQL request the server makes itself (the CSV export, the yearly page) for
/// `principal`, as a request of that caller: through its scope, with its own loaders and the
/// keys of ids and cursors, within `REQUEST_TIMEOUT_MS` (else a `TIMEOUT` error).
pub(crate) async fn execute(
    state: &AppState,
    principal: Option<Principal>,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let keys = match state.keys().await {
        Ok(keys) => keys,
        Err(e) => {
            let error = ApiError::Internal(format!("cannot read the keys of ids and cursors: {e}"));
            let error = async_graphql::Error::from(error).into_server_error(Default::default());
            return async_graphql::Response::from_errors(vec![error]);
        }
    };
    let scope = state.inner.db.scope(principal);
    let deadline = tokio::time::Instant::now()
        + Duration::from_millis(state.inner.settings.request_timeout_ms);
    let mut response = match before_deadline(deadline, run(state, keys, scope, request)).await {
        Some(response) => response,
        None => {
            let error = ApiError::Timeout(format!(
                "the request took longer than {} ms (REQUEST_TIMEOUT_MS) and was cancelled",
                state.inner.settings.request_timeout_ms
            ));
            let error = async_graphql::Error::from(error).into_server_error(Default::default());
            async_graphql::Response::from_errors(vec![error])
        }
    };
    graphql::spec::add_codes(&mut response.errors);
    response
}

/// Runs `request` in `scope`, with its own loaders, under the keys of ids and cursors.
async fn run(
    state: &AppState,
    keys: Arc<graphql::Keys>,
    scope: crate::db::Scope,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let (loaders, batch_queue) = Loaders::new(scope.clone());
    let request = request.data(loaders).data(scope);
    let execution = with_batches(batch_queue, state.inner.schema.execute(request));
    graphql::with_keys(keys, execution).await
}

/// Records an executed (or refused) request in the metrics, adds the request id to its errors
/// and writes it in the negotiated media type.
fn finish(
    state: &AppState,
    id: &RequestId,
    operation: Option<&str>,
    begin: std::time::Instant,
    mut response: async_graphql::Response,
    media: transport::Media,
) -> Response {
    graphql::spec::add_codes(&mut response.errors);
    let codes: Vec<String> = response
        .errors
        .iter()
        .map(|e| graphql::spec::code_of(e).unwrap_or_default().to_owned())
        .collect();
    state
        .inner
        .metrics
        .record_request(operation, begin.elapsed(), &codes);
    for error in &mut response.errors {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("requestId", id.0.as_str());
    }
    let mut http = transport::execution_response(response, media);
    if codes.iter().any(|c| c == "TIMEOUT") {
        // A writer that could not have the write lock in time: nothing was written, try again.
        *http.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        http.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER));
    }
    http
}

/// `Retry-After` of a `503 TIMEOUT`, in seconds.
const RETRY_AFTER: &str = "2";

/// `503` for a request that took longer than `REQUEST_TIMEOUT_MS`.
fn too_slow(settings: &ServerSettings, id: &RequestId) -> Response {
    let body = serde_json::json!({
        "errors": [{
            "message": format!(
                "the request took longer than {} ms (REQUEST_TIMEOUT_MS) and was cancelled; \
                 ask for less (smaller pages, fewer nested lists)",
                settings.request_timeout_ms
            ),
            "extensions": { "code": "TIMEOUT", "limit": "requestTimeout", "requestId": id.0 }
        }]
    });
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, RETRY_AFTER)],
        Json(body),
    )
        .into_response()
}

/// `UNAUTHENTICATED` for `reason`, logged.
fn uncounted(reason: &str) -> ApiError {
    tracing::warn!(reason, "refused a request's token");
    ApiError::Unauthenticated(format!("invalid token: {reason}"))
}

/// The principal of a request: `None` without an `Authorization` header, an error for any
/// header that does not carry a valid token.
pub(crate) async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    source: Option<std::net::IpAddr>,
) -> Result<Option<Principal>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let refuse = |reason: &str| state.refuse(source, reason);
    if value.len() > MAX_TOKEN_BYTES {
        return Err(refuse("the Authorization header is too large"));
    }
    let value = value
        .to_str()
        .map_err(|_| refuse("the Authorization header is not text"))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| refuse("expected `Authorization: Bearer <token>`"))?;
    Ok(Some(state.verify_token(token, source).await?.0))
}

/// The peer's address of a request, as `serve` records it.
pub(crate) fn peer(extensions: &axum::http::Extensions) -> Option<std::net::SocketAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0)
}

/// `401` with a GraphQL error body, as the GraphQL-over-HTTP spec allows for auth failures.
fn unauthenticated(err: ApiError, id: &RequestId) -> Response {
    let status = match err {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let retry_after = match &err {
        ApiError::TooManyRequests { retry_after, .. } => Some(*retry_after),
        _ => None,
    };
    let mut error: async_graphql::Error = err.into();
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("requestId", id.0.as_str());
    let body = serde_json::json!({
        "errors": [{ "message": error.message, "extensions": error.extensions }]
    });
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
