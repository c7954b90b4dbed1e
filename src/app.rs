//! The HTTP application: router, shared state, authentication of each request, serving.
//!
//! `POST /graphql` runs a GraphQL request; `GET /graphql` serves GraphiQL for people, from
//! assets embedded in the binary (`/graphiql/...`). Each
//! request's bearer token is verified here and turned into a principal; the request then gets a
//! [`Scope`](crate::db::Scope) for that principal and its own DataLoaders. A request with a
//! token that fails verification is answered `401` with a GraphQL error whose
//! `extensions.code` is `UNAUTHENTICATED`, before any resolver runs: a bad token never degrades
//! to anonymous access.

use crate::auth::{JwtKeys, Principal};
use crate::config::Serverinstellingen;
use crate::db::Database;
use crate::error::ApiError;
use crate::graphql::{self, ApiSchema, Loaders, met_batches};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
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
    instellingen: Serverinstellingen,
}

impl AppState {
    /// State with the default server settings.
    pub fn new(db: Database, jwt: JwtKeys) -> Self {
        Self::met(db, jwt, Serverinstellingen::default())
    }

    /// State with the given server settings (limits, introspection, GraphiQL).
    pub fn met(db: Database, jwt: JwtKeys, instellingen: Serverinstellingen) -> Self {
        let schema =
            graphql::schema_met(instellingen.limieten(), instellingen.graphql_introspection);
        Self {
            inner: Arc::new(Inner {
                db,
                jwt,
                schema,
                instellingen,
            }),
        }
    }
}

/// The router of the service.
pub fn router(state: AppState) -> Router {
    let instellingen = &state.inner.instellingen;
    let graphql = if instellingen.graphiql {
        get(crate::graphiql::pagina).post(graphql_handler)
    } else {
        post(graphql_handler)
    };
    let mut router = Router::new().route("/graphql", graphql);
    if instellingen.graphiql {
        router = router.route("/graphiql/{asset}", get(crate::graphiql::asset));
    }
    router
        // async-graphql-axum reads the body itself, past axum's DefaultBodyLimit; this layer
        // limits the body as it streams in (413 beyond MAX_BODY_BYTES).
        .layer(RequestBodyLimitLayer::new(instellingen.max_body_bytes))
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn graphql_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let principal = match authenticate(&state, &headers).await {
        Ok(principal) => principal,
        Err(err) => return unauthenticated(err),
    };
    let scope = state.inner.db.scope(principal);
    let (loaders, wachtrij) = Loaders::new(scope.clone());
    let request = request.into_inner().data(loaders).data(scope);
    let timeout = Duration::from_millis(state.inner.instellingen.request_timeout_ms);
    let uitvoering = met_batches(wachtrij, state.inner.schema.execute(request));
    match tokio::time::timeout(timeout, uitvoering).await {
        Ok(response) => GraphQLResponse::from(response).into_response(),
        // The request's future is dropped here, which cancels its database work.
        Err(_) => te_langzaam(timeout),
    }
}

/// `503` for a request that took longer than `REQUEST_TIMEOUT_MS`.
fn te_langzaam(timeout: Duration) -> Response {
    let body = serde_json::json!({
        "errors": [{
            "message": format!(
                "the request took longer than {} ms (REQUEST_TIMEOUT_MS) and was cancelled; \
                 ask for less (smaller pages, fewer nested lists)",
                timeout.as_millis()
            ),
            "extensions": { "code": "TIMEOUT", "limit": "requestTimeout" }
        }]
    });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

/// The principal of a request: `None` without an `Authorization` header, an error for any
/// header that does not carry a valid token.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let refuse = |reason: &str| {
        tracing::warn!(reason, "refused a request's token");
        ApiError::Unauthenticated(format!("invalid token: {reason}"))
    };
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
    let claims = state.inner.jwt.verify(token).map_err(|r| refuse(&r))?;
    match state.inner.db.principal(&claims).await {
        Ok(principal) => Ok(Some(principal)),
        Err(ApiError::Unauthenticated(reason)) => Err(refuse(&reason)),
        Err(other) => Err(other),
    }
}

/// `401` with a GraphQL error body, as the GraphQL-over-HTTP spec allows for auth failures.
fn unauthenticated(err: ApiError) -> Response {
    let status = match err {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let error: async_graphql::Error = err.into();
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
    response
}
