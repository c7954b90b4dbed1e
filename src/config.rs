//! Configuration: flags and environment variables shared by every subcommand.
//!
//! Every setting is a flag with an environment variable behind it (clap's `env`), so the same
//! names work on a command line, in a service unit or in CI. The README lists them all.
//!
//! With no `JWT_SECRET`, the service runs in **dev mode**: it keeps a random secret in a file
//! next to the database (`<database file>.dev-secret`, or `ipartnerschap.dev-secret` in the
//! working directory for PostgreSQL and in-memory databases), so `ipartnerschap token` and
//! `ipartnerschap serve` started with the same settings agree on it. Dev mode is announced
//! loudly; production sets `JWT_SECRET`.

use crate::auth::{ClaimMapping, Jwks, JwksSource, JwtConfig, JwtKeys};
use crate::db::Database;
use anyhow::{Context, bail};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The database used when `DATABASE_URL` is not set: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://ipartnerschap.db?mode=rwc";

/// The shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash size, 256 bits).
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(clap::Args, Debug, Clone)]
pub struct Settings {
    /// Database URL: `sqlite://file.db?mode=rwc` (created if missing) or `postgres://...`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Maximum number of pooled database connections.
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub database_max_connections: u32,

    /// HS256 secret for tokens (at least 32 bytes). Unset: dev mode with a generated secret.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// The issuer(s) (`iss`) tokens may carry, comma-separated; `token` writes the first.
    #[arg(
        long,
        env = "JWT_ISSUER",
        default_value = "ipartnerschap",
        value_delimiter = ',',
        global = true
    )]
    pub jwt_issuer: Vec<String>,

    /// The audience (`aud`) tokens must carry and `token` writes.
    #[arg(
        long,
        env = "JWT_AUDIENCE",
        default_value = "ipartnerschap-api",
        global = true
    )]
    pub jwt_audience: String,

    /// Clock skew allowed when checking `exp` and `nbf`, in seconds.
    #[arg(long, env = "JWT_LEEWAY_SECONDS", default_value_t = 30, global = true)]
    pub jwt_leeway_seconds: u64,

    /// The longest token lifetime accepted (`exp` at most this far ahead), e.g. `8h`, `90d`;
    /// `token` signs none longer.
    #[arg(
        long,
        env = "JWT_MAX_LIFETIME",
        default_value = "400d",
        value_parser = humantime::parse_duration,
        global = true
    )]
    pub jwt_max_lifetime: Duration,

    /// JWKS of an identity provider (a file path or an https:// URL): RS256 and ES256 tokens
    /// signed with its keys are accepted.
    #[arg(long, env = "JWT_JWKS", global = true)]
    pub jwt_jwks: Option<String>,

    /// Read the JWKS again after this many seconds (and when a token names an unknown key).
    #[arg(
        long,
        env = "JWT_JWKS_REFRESH_SECONDS",
        default_value_t = 300,
        global = true
    )]
    pub jwt_jwks_refresh_seconds: u64,

    /// The claim that holds the organisation's OIN or schacHome (SURFconext:
    /// `schac_home_organization`).
    #[arg(long, env = "JWT_ORG_CLAIM", default_value = "org", global = true)]
    pub jwt_org_claim: String,

    /// The claim that holds the role.
    #[arg(long, env = "JWT_ROLE_CLAIM", default_value = "rol", global = true)]
    pub jwt_role_claim: String,
}

/// How log lines are written (`LOG_FORMAT`): `json` writes one JSON object per line (with the
/// request's span, so `request_id`) for log collectors; anything else, or nothing, plain text.
/// `RUST_LOG` sets the filter (default `info`), as `tracing_subscriber` reads it.
///
/// Only an environment variable, not a flag: logging starts before a subcommand runs, and
/// this way its help stays as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// The format `LOG_FORMAT` asks for.
    pub fn from_env() -> Self {
        match std::env::var("LOG_FORMAT") {
            Ok(f) if f.eq_ignore_ascii_case("json") => Self::Json,
            _ => Self::Text,
        }
    }
}

/// Where the token secret came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `JWT_SECRET`.
    Configured,
    /// Dev mode: generated and kept in this file.
    DevFile(PathBuf),
    /// No shared secret: only an identity provider's tokens (`JWT_JWKS`).
    JwksOnly,
}

impl Settings {
    /// Connects to the configured database.
    pub async fn database(&self) -> anyhow::Result<Database> {
        Database::connect(&self.database_url, self.database_max_connections)
            .await
            .with_context(|| {
                format!(
                    "cannot connect to the database at {}",
                    redact(&self.database_url)
                )
            })
    }

    /// The token keys: the shared secret from `JWT_SECRET` or (dev mode, when neither a secret
    /// nor a JWKS is configured) the dev secret file, and the identity provider's keys from
    /// `JWT_JWKS`.
    pub async fn jwt(&self) -> anyhow::Result<(JwtKeys, SecretSource)> {
        let issuers: Vec<String> = self
            .jwt_issuer
            .iter()
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty())
            .collect();
        let config = JwtConfig {
            issuer: issuers.first().cloned().unwrap_or_default(),
            audience: self.jwt_audience.clone(),
            leeway: Duration::from_secs(self.jwt_leeway_seconds),
        };
        let jwks = match &self.jwt_jwks {
            Some(source) => {
                let source = JwksSource::parse(source);
                let jwks = Jwks::load(
                    source.clone(),
                    Duration::from_secs(self.jwt_jwks_refresh_seconds),
                )
                .await
                .map_err(|e| anyhow::anyhow!("JWT_JWKS: {}", e.detail()))?;
                Some(Arc::new(jwks))
            }
            None => None,
        };
        let (keys, source) = match (&self.jwt_secret, jwks.clone()) {
            (Some(secret), _) => {
                if secret.len() < MIN_SECRET_BYTES {
                    bail!(
                        "JWT_SECRET is {} bytes long; use at least {MIN_SECRET_BYTES} random bytes \
                         (e.g. `openssl rand -hex 32`)",
                        secret.len()
                    );
                }
                (
                    JwtKeys::hs256(secret.as_bytes(), config),
                    SecretSource::Configured,
                )
            }
            (None, Some(jwks)) => (JwtKeys::jwks_only(jwks, config), SecretSource::JwksOnly),
            (None, None) => {
                let path = dev_secret_path(&self.database_url);
                let secret = read_or_create_dev_secret(&path)?;
                (
                    JwtKeys::hs256(secret.as_bytes(), config),
                    SecretSource::DevFile(path),
                )
            }
        };
        let keys = match jwks {
            Some(jwks) => keys.with_jwks(jwks),
            None => keys,
        };
        Ok((
            keys.with_issuers(&issuers)
                .with_mapping(ClaimMapping {
                    organisatie: self.jwt_org_claim.clone(),
                    rol: self.jwt_role_claim.clone(),
                })
                .with_max_lifetime(self.jwt_max_lifetime),
            source,
        ))
    }
}

/// `sqlite://path/to/file.db?mode=rwc` → `path/to/file.db.dev-secret`; anything else →
/// `ipartnerschap.dev-secret` in the working directory.
pub fn dev_secret_path(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.contains(":memory:"));
    match file {
        Some(path) => PathBuf::from(format!("{path}.dev-secret")),
        None => PathBuf::from("ipartnerschap.dev-secret"),
    }
}

fn read_or_create_dev_secret(path: &PathBuf) -> anyhow::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= MIN_SECRET_BYTES {
            return Ok(existing);
        }
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(path, &secret)
        .with_context(|| format!("cannot write the dev secret to {}", path.display()))?;
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &PathBuf, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &PathBuf, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dev_secret_lives_next_to_a_sqlite_file() {
        assert_eq!(
            dev_secret_path("sqlite://data/ip.db?mode=rwc"),
            PathBuf::from("data/ip.db.dev-secret")
        );
        assert_eq!(
            dev_secret_path("postgres://u@h/db"),
            PathBuf::from("ipartnerschap.dev-secret")
        );
        assert_eq!(
            dev_secret_path("sqlite::memory:"),
            PathBuf::from("ipartnerschap.dev-secret")
        );
    }

    #[test]
    fn cors_allowed_headers_are_header_names_in_lower_case_and_a_bad_one_stops_the_start() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Args {
            #[command(flatten)]
            settings: ServerSettings,
        }
        let headers = |args: &[&str]| {
            Args::try_parse_from([&["ipartnerschap"], args].concat())
                .map(|a| a.settings.cors_allowed_headers)
        };
        // The default list: tests/api/ops.rs checks it in a real preflight.
        assert_eq!(headers(&[]).unwrap().len(), 9);
        assert_eq!(
            headers(&["--cors-allowed-headers", "Authorization, X-Portaal"]).unwrap(),
            ["authorization", "x-portaal"]
        );
        let refused =
            headers(&["--cors-allowed-headers", "authorization,geen header"]).expect_err("refused");
        assert!(
            refused
                .to_string()
                .contains("`geen header` is not an HTTP header name"),
            "{refused}"
        );
    }

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(redact("postgres://u:geheim@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}

/// Settings of the HTTP server: limits against abuse and what is exposed.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerSettings {
    /// Address to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Deepest nesting of selection sets a query may have.
    #[arg(long, env = "GRAPHQL_MAX_DEPTH", default_value_t = 15)]
    pub graphql_max_depth: usize,

    /// Highest estimated cost of a query (a field costs 1; a list field its page size times
    /// what it selects).
    #[arg(long, env = "GRAPHQL_MAX_COST", default_value_t = 10_000)]
    pub graphql_max_cost: usize,

    /// Most aliased fields in one query.
    #[arg(long, env = "GRAPHQL_MAX_ALIASES", default_value_t = 30)]
    pub graphql_max_aliases: usize,

    /// Most root fields in one operation.
    #[arg(long, env = "GRAPHQL_MAX_ROOT_FIELDS", default_value_t = 10)]
    pub graphql_max_root_fields: usize,

    /// Largest query text, in bytes.
    #[arg(long, env = "GRAPHQL_MAX_DOCUMENT_BYTES", default_value_t = 16 * 1024)]
    pub graphql_max_document_bytes: usize,

    /// Most fields in a document with its fragments written out, over all its operations.
    #[arg(long, env = "GRAPHQL_MAX_SELECTIONS", default_value_t = 2_000)]
    pub graphql_max_selections: usize,

    /// Largest request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Size of the answer cache in bytes: answers to read queries, per caller, kept until the
    /// data changes. 0 turns it off.
    #[arg(long, env = "RESPONSE_CACHE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub response_cache_bytes: usize,

    /// Time a request may take from when it has been read, in milliseconds; one still running
    /// then is cancelled (503, `TIMEOUT`). 0 leaves no time: every request is cancelled.
    #[arg(long, env = "REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,

    /// Answer introspection queries (`__schema`, `__type`) and suggest field names in errors.
    #[arg(long, env = "GRAPHQL_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphql_introspection: bool,

    /// Serve GraphiQL on `GET /graphql`.
    #[arg(long, env = "GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,

    /// Browser origins allowed to call the API (CORS), comma-separated, e.g.
    /// `https://portaal.example.nl`. Empty: no cross-origin access.
    #[arg(
        long,
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub cors_allowed_origins: Vec<String>,

    /// Request headers a browser may send cross-origin (CORS), comma-separated: what common
    /// GraphQL clients send (Apollo's client name and version headers, its CSRF header,
    /// W3C trace context, a request id).
    #[arg(
        long,
        env = "CORS_ALLOWED_HEADERS",
        value_delimiter = ',',
        value_parser = header_name,
        default_value = DEFAULT_CORS_ALLOWED_HEADERS
    )]
    pub cors_allowed_headers: Vec<String>,

    /// Most subscriptions running at once on one WebSocket connection.
    #[arg(long, env = "SUBSCRIPTIONS_PER_CONNECTION", default_value_t = 10)]
    pub subscriptions_per_connection: usize,

    /// Most WebSocket connections one organisation may have open at once (per API process).
    #[arg(long, env = "WS_CONNECTIONS_PER_ORGANISATION", default_value_t = 50)]
    pub ws_connections_per_organisation: usize,

    /// Most WebSocket connections of anonymous callers open at once, together (per API
    /// process).
    #[arg(long, env = "WS_ANONYMOUS_CONNECTIONS", default_value_t = 200)]
    pub ws_anonymous_connections: usize,

    /// Most WebSocket connections of anonymous callers from one address open at once (per API
    /// process), so that one client cannot take every anonymous place.
    #[arg(
        long,
        env = "WS_ANONYMOUS_CONNECTIONS_PER_ADDRESS",
        default_value_t = 20
    )]
    pub ws_anonymous_connections_per_address: usize,

    /// A WebSocket connection without a running subscription for this long is closed, e.g.
    /// `5m`.
    #[arg(long, env = "WS_IDLE_TIMEOUT", default_value = "5m", value_parser = humantime::parse_duration)]
    pub ws_idle_timeout: Duration,

    /// Refused tokens one address may send per minute before further refusals are `429
    /// TOO_MANY_REQUESTS` (valid tokens are never throttled); 0 turns the count off.
    #[arg(long, env = "AUTH_FAILURES_PER_MINUTE", default_value_t = 30)]
    pub auth_failures_per_minute: u32,

    /// A request header with the client's address, set by a proxy in front of the API (e.g.
    /// `x-forwarded-for`; its last address counts, the one the proxy added). Unset: the
    /// peer's address.
    #[arg(long, env = "CLIENT_IP_HEADER", value_parser = header_name)]
    pub client_ip_header: Option<String>,

    /// Time a new WebSocket connection has to send `connection_init`, e.g. `10s`.
    #[arg(long, env = "WS_INIT_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub ws_init_timeout: Duration,
}

/// The request headers browsers may send cross-origin unless `CORS_ALLOWED_HEADERS` says
/// otherwise.
pub const DEFAULT_CORS_ALLOWED_HEADERS: &str = "authorization,content-type,\
    apollographql-client-name,apollographql-client-version,apollo-require-preflight,\
    x-apollo-operation-name,x-request-id,traceparent,tracestate";

/// A header name of a list setting, trimmed and in lower case; an empty entry is left for the
/// caller to skip. Refused at start-up when it is no header name, rather than ignored.
fn header_name(value: &str) -> Result<String, String> {
    let name = value.trim().to_ascii_lowercase();
    match name.is_empty() || axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok() {
        true => Ok(name),
        false => Err(format!("`{name}` is not an HTTP header name")),
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            settings: ServerSettings,
        }
        Defaults::parse_from(["ipartnerschap"]).settings
    }
}

impl ServerSettings {
    /// The limits of live (WebSocket) connections.
    pub fn live_limits(&self) -> crate::live::LiveLimits {
        crate::live::LiveLimits {
            subscriptions_per_connection: self.subscriptions_per_connection,
            connections_per_organisation: self.ws_connections_per_organisation,
            anonymous_connections: self.ws_anonymous_connections,
            anonymous_connections_per_address: self.ws_anonymous_connections_per_address,
            idle_timeout: self.ws_idle_timeout,
            init_timeout: self.ws_init_timeout,
        }
    }

    pub fn limits(&self) -> crate::graphql::Limits {
        crate::graphql::Limits {
            max_depth: self.graphql_max_depth,
            max_cost: self.graphql_max_cost,
            max_aliases: self.graphql_max_aliases,
            max_root_fields: self.graphql_max_root_fields,
            max_document_bytes: self.graphql_max_document_bytes,
            max_selections: self.graphql_max_selections,
        }
    }
}
