//! Public keys of an identity provider, from a JWKS document (a file or an `https://` URL), for
//! RS256 and ES256 tokens.
//!
//! The document is read at start-up (a missing or unreadable one stops the server: better than
//! refusing every login later) and read again when it is older than the refresh interval, and
//! when a token names a key id (`kid`) the document does not have, at most once per
//! [`MIN_HERLADEN`]: that is how a rotated key starts working without a restart, while a flood
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

/// The shortest time between two reads of the document caused by unknown key ids.
pub const MIN_HERLADEN: Duration = Duration::from_secs(10);

/// Where the JWKS document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksBron {
    Bestand(PathBuf),
    Url(String),
}

impl JwksBron {
    /// `https://…` or `http://…` is a URL, anything else a file path.
    pub fn parse(s: &str) -> Self {
        if s.starts_with("https://") || s.starts_with("http://") {
            JwksBron::Url(s.to_owned())
        } else {
            JwksBron::Bestand(PathBuf::from(s))
        }
    }
}

impl std::fmt::Display for JwksBron {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwksBron::Bestand(p) => write!(f, "{}", p.display()),
            JwksBron::Url(u) => f.write_str(u),
        }
    }
}

struct Staat {
    sleutels: JwkSet,
    gelezen: Instant,
}

/// The keys of an identity provider, refreshed as described in the module docs.
pub struct Jwks {
    bron: JwksBron,
    verversen: Duration,
    client: reqwest::Client,
    staat: RwLock<Staat>,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field("bron", &self.bron)
            .field("verversen", &self.verversen)
            .finish_non_exhaustive()
    }
}

async fn lees(client: &reqwest::Client, bron: &JwksBron) -> Result<JwkSet, String> {
    let tekst = match bron {
        JwksBron::Bestand(pad) => tokio::fs::read_to_string(pad)
            .await
            .map_err(|e| format!("cannot read {}: {e}", pad.display()))?,
        JwksBron::Url(url) => client
            .get(url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| format!("cannot fetch {url}: {e}"))?
            .text()
            .await
            .map_err(|e| format!("cannot fetch {url}: {e}"))?,
    };
    serde_json::from_str(&tekst).map_err(|e| format!("{bron} is not a JWKS document: {e}"))
}

/// Whether `jwk` may check a signature made with `alg`.
fn past(jwk: &Jwk, alg: Algorithm) -> bool {
    let familie = match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        _ => false,
    };
    let gebruik = !matches!(
        &jwk.common.public_key_use,
        Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
    );
    let genoemd = jwk
        .common
        .key_algorithm
        .is_none_or(|a| a.to_string() == format!("{alg:?}"));
    familie && gebruik && genoemd
}

impl Jwks {
    /// Reads the document for the first time.
    pub async fn laad(bron: JwksBron, verversen: Duration) -> Result<Self, String> {
        let client = reqwest::Client::new();
        let sleutels = lees(&client, &bron).await?;
        Ok(Self {
            bron,
            verversen,
            client,
            staat: RwLock::new(Staat {
                sleutels,
                gelezen: Instant::now(),
            }),
        })
    }

    async fn ververs(&self) {
        match lees(&self.client, &self.bron).await {
            Ok(sleutels) => {
                let mut staat = self.staat.write().await;
                staat.sleutels = sleutels;
                staat.gelezen = Instant::now();
                tracing::info!(bron = %self.bron, keys = staat.sleutels.keys.len(), "read the JWKS");
            }
            Err(err) => {
                // Keep the known keys, and do not try again straight away.
                self.staat.write().await.gelezen = Instant::now();
                tracing::warn!(error = %err, "could not refresh the JWKS; keeping the known keys");
            }
        }
    }

    async fn zoek(&self, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
        let staat = self.staat.read().await;
        let kandidaten: Vec<&Jwk> = staat
            .sleutels
            .keys
            .iter()
            .filter(|k| past(k, alg))
            .filter(|k| match kid {
                Some(kid) => k.common.key_id.as_deref() == Some(kid),
                None => true,
            })
            .collect();
        // Without a kid, only an unambiguous key will do.
        match kandidaten.as_slice() {
            [een] => DecodingKey::from_jwk(een).ok(),
            _ => None,
        }
    }

    /// The key to check a token signed with `alg` and naming `kid`.
    pub async fn sleutel(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, String> {
        let leeftijd = self.staat.read().await.gelezen.elapsed();
        if leeftijd > self.verversen {
            self.ververs().await;
        }
        if let Some(sleutel) = self.zoek(kid, alg).await {
            return Ok(sleutel);
        }
        if self.staat.read().await.gelezen.elapsed() >= MIN_HERLADEN {
            self.ververs().await;
            if let Some(sleutel) = self.zoek(kid, alg).await {
                return Ok(sleutel);
            }
        }
        Err(match kid {
            Some(_) => "the token's key id (kid) is not among the identity provider's keys".into(),
            None => "the token names no key id (kid) and the key is ambiguous".into(),
        })
    }
}
