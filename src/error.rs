//! The one error type of the service.
//!
//! Every failure a caller can see is an [`ApiError`]; its variant decides the
//! `extensions.code` of the GraphQL error (`UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`,
//! `BAD_USER_INPUT`, `CONFLICT`, `TIMEOUT`, `INTERNAL`). Internal errors are logged with their details and
//! sent as a bare "internal error": database messages never reach a caller.

use async_graphql::ErrorExtensions;

/// One problem with one input field: the path of the field and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// Deliberately not `Display`: async-graphql converts every `Display` type into an error
/// *without* extensions, and a missing `extensions.code` must not compile. Errors reach GraphQL
/// through the `From` impl below, which sets the code.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// No valid credentials: a token that is expired, forged, malformed or names an unknown
    /// organisation.
    Unauthenticated(String),
    /// The caller may see the record but not do this to it.
    Forbidden(String),
    /// The record does not exist, or the caller may not see it (the two are indistinguishable
    /// on purpose, so ids cannot be probed).
    NotFound(String),
    /// The HTTP request is not a GraphQL request (no query, a body or URL parameter that is
    /// not JSON): HTTP 400, before anything is parsed or run.
    BadRequest(String),
    /// The input is wrong; every problem is listed with its field.
    BadUserInput { problems: Vec<FieldProblem> },
    /// The record changed since the caller read it (`extensions.versie`: its version now, named
    /// like the `versie` of the schema).
    Conflict {
        message: String,
        current_version: i32,
    },
    /// The database's write lock could not be had in time (another writer, perhaps of another
    /// process, holds it): HTTP 503 with `Retry-After`; nothing was written.
    Timeout(String),
    /// Too many failed authentications from the caller's address (`crate::throttle`): HTTP 429
    /// with `Retry-After` (`extensions.retryAfter`, seconds).
    TooManyRequests { message: String, retry_after: u64 },
    /// Anything else: a bug or an unavailable database. Details are logged, not sent.
    Internal(String),
}

impl ApiError {
    /// A `BAD_USER_INPUT` error about one field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            problems: vec![FieldProblem {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// The message a caller sees.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(m)
            | Self::Forbidden(m)
            | Self::Timeout(m)
            | Self::BadRequest(m) => m.clone(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadUserInput { problems } => problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; "),
            Self::Conflict { message, .. } | Self::TooManyRequests { message, .. } => {
                message.clone()
            }
            Self::Internal(_) => "internal error".to_owned(),
        }
    }

    /// The message for an operator (a log line, the command line): [`Self::message`], but with
    /// the details of an internal error, which a caller never sees.
    pub fn detail(&self) -> String {
        match self {
            Self::Internal(details) => details.clone(),
            _ => self.message(),
        }
    }

    /// The value of `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadRequest(_) => "BAD_REQUEST",
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::Conflict { .. } => "CONFLICT",
            Self::Timeout(_) => "TIMEOUT",
            Self::TooManyRequests { .. } => "TOO_MANY_REQUESTS",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        let text = err.to_string();
        // SQLite: another process kept the write lock past the busy timeout; PostgreSQL: the
        // writers' lock was not free within `lock_timeout` (SQLSTATE 55P03).
        if text.contains("database is locked")
            || text.contains("database table is locked")
            || text.contains("lock timeout")
        {
            tracing::warn!(error = %text, "a writer gave up waiting for the write lock");
            return Self::Timeout(
                "the database is busy with another writer; nothing was written: try again in \
                 a moment (see Retry-After)"
                    .into(),
            );
        }
        Self::Internal(format!("database: {text}"))
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        if let Self::Internal(details) = self {
            tracing::error!(error = %details, "internal error");
        }
        async_graphql::Error::new(self.message()).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                Self::BadUserInput { problems } => {
                    if let [only] = problems.as_slice() {
                        ext.set("field", only.field.as_str());
                    }
                    let list: Vec<async_graphql::Value> = problems
                        .iter()
                        .map(|p| {
                            let mut m = async_graphql::indexmap::IndexMap::new();
                            m.insert(
                                async_graphql::Name::new("field"),
                                async_graphql::Value::from(p.field.as_str()),
                            );
                            m.insert(
                                async_graphql::Name::new("message"),
                                async_graphql::Value::from(p.message.as_str()),
                            );
                            async_graphql::Value::Object(m)
                        })
                        .collect();
                    ext.set("problems", list);
                }
                Self::Conflict {
                    current_version, ..
                } => ext.set("versie", *current_version),
                Self::TooManyRequests { retry_after, .. } => ext.set("retryAfter", *retry_after),
                _ => {}
            }
        })
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.extend()
    }
}

/// Result of anything that can fail towards a caller.
pub type ApiResult<T> = Result<T, ApiError>;
