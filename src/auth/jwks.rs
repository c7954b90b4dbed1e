//! Public keys of an identity provider, from a JWKS document (a file or an `https://` URL), for
//! RS256 and ES256 tokens.
//!
//! The document is read at start-up (a missing or unreadable one stops the server: better than
//! refusing every login later) and read again when it is older than the refresh interval, and
//! when a token names a key id (`kid`) the document does not have, at most once per
//! [`MIN_RELOAD_INTERVAL`]: that is how a rotated key starts working without a restart, while a flood
//! of tokens with made-up key ids cannot make the server hammer the identity provider. When a
//! refresh fails, the keys already known stay in use and the failure is logged.
//!
//! A key is only used for the algorithm family it belongs to (an RSA key for RS256, a P-256 key
//! for ES256) and, when the document states an `alg`, only for that algorithm: a token cannot
//! choose how its own signature is checked.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

use crate::error::{ApiError, ApiResult};

/// The shortest time between two reads of the document caused by unknown key ids.
pub const MIN_RELOAD_INTERVAL: Duration = Duration::from_secs(10);

/// Where the JWKS document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    File(PathBuf),
    Url(String),
}

impl JwksSource {
    /// `https://…` or `http://…` is a URL, anything else a file path.
    pub fn parse(s: &str) -> Self {
        if s.starts_with("https://") || s.starts_with("http://") {
            JwksSource::Url(s.to_owned())
        } else {
            JwksSource::File(PathBuf::from(s))
        }
    }
}

impl std::fmt::Display for JwksSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwksSource::File(p) => write!(f, "{}", p.display()),
            JwksSource::Url(u) => f.write_str(u),
        }
    }
}

struct State {
    keys: JwkSet,
    read_at: Instant,
}

/// The keys of an identity provider, refreshed as described in the module docs.
pub struct Jwks {
    source: JwksSource,
    refresh: Duration,
    client: reqwest::Client,
    state: RwLock<State>,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field("source", &self.source)
            .field("refresh", &self.refresh)
            .finish_non_exhaustive()
    }
}

async fn read(client: &reqwest::Client, source: &JwksSource) -> ApiResult<JwkSet> {
    let unreadable = ApiError::Internal;
    let text = match source {
        JwksSource::File(path) => tokio::fs::read_to_string(path)
            .await
            .map_err(|e| unreadable(format!("cannot read {}: {e}", path.display())))?,
        JwksSource::Url(url) => client
            .get(url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| unreadable(format!("cannot fetch {url}: {e}")))?
            .text()
            .await
            .map_err(|e| unreadable(format!("cannot fetch {url}: {e}")))?,
    };
    serde_json::from_str(&text)
        .map_err(|e| unreadable(format!("{source} is not a JWKS document: {e}")))
}

/// Whether `jwk` may check a signature made with `alg`.
fn fits(jwk: &Jwk, alg: Algorithm) -> bool {
    let family = match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        _ => false,
    };
    let usable = !matches!(
        &jwk.common.public_key_use,
        Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
    );
    let named = jwk
        .common
        .key_algorithm
        .is_none_or(|a| a.to_string() == format!("{alg:?}"));
    family && usable && named
}

impl Jwks {
    /// Reads the document for the first time.
    pub async fn load(source: JwksSource, refresh: Duration) -> ApiResult<Self> {
        let client = reqwest::Client::new();
        let keys = read(&client, &source).await?;
        Ok(Self {
            source,
            refresh,
            client,
            state: RwLock::new(State {
                keys,
                read_at: Instant::now(),
            }),
        })
    }

    async fn reload(&self) {
        match read(&self.client, &self.source).await {
            Ok(keys) => {
                let mut state = self.state.write().await;
                state.keys = keys;
                state.read_at = Instant::now();
                tracing::info!(bron = %self.source, keys = state.keys.keys.len(), "read the JWKS");
            }
            Err(err) => {
                // Keep the known keys, and do not try again straight away.
                self.state.write().await.read_at = Instant::now();
                tracing::warn!(error = %err.detail(), "could not refresh the JWKS; keeping the known keys");
            }
        }
    }

    async fn find(&self, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
        let state = self.state.read().await;
        let candidates: Vec<&Jwk> = state
            .keys
            .keys
            .iter()
            .filter(|k| fits(k, alg))
            .filter(|k| match kid {
                Some(kid) => k.common.key_id.as_deref() == Some(kid),
                None => true,
            })
            .collect();
        // Without a kid, only an unambiguous key will do.
        match candidates.as_slice() {
            [only] => DecodingKey::from_jwk(only).ok(),
            _ => None,
        }
    }

    /// The key to check a token signed with `alg` and naming `kid`.
    pub async fn key(&self, kid: Option<&str>, alg: Algorithm) -> ApiResult<DecodingKey> {
        let age = self.state.read().await.read_at.elapsed();
        if age > self.refresh {
            self.reload().await;
        }
        if let Some(key) = self.find(kid, alg).await {
            return Ok(key);
        }
        if self.state.read().await.read_at.elapsed() >= MIN_RELOAD_INTERVAL {
            self.reload().await;
            if let Some(key) = self.find(kid, alg).await {
                return Ok(key);
            }
        }
        Err(ApiError::Unauthenticated(match kid {
            Some(_) => "the token's key id (kid) is not among the identity provider's keys".into(),
            None => "the token names no key id (kid) and the key is ambiguous".into(),
        }))
    }
}
