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
use crate::db::Database;
use crate::error::ApiError;
use crate::graphql::{self, ApiSchema, Loaders, met_batches};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;

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
}

impl AppState {
    pub fn new(db: Database, jwt: JwtKeys) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                jwt,
                schema: graphql::schema(),
            }),
        }
    }
}

/// The router of the service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(crate::graphiql::pagina).post(graphql_handler),
        )
        .route("/graphiql/{asset}", get(crate::graphiql::asset))
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
    let response = met_batches(wachtrij, state.inner.schema.execute(request)).await;
    GraphQLResponse::from(response).into_response()
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
