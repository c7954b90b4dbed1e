//! Tokens: HS256 with a shared secret (signing for `ipartnerschap token` and tests, and
//! verification), and RS256 / ES256 from an identity provider, verified against its JWKS
//! ([`super::jwks`]).
//!
//! Verification requires `exp`, `nbf`, `iss`, `aud` and `sub`, accepts one of the configured
//! issuers, and allows a small clock leeway. The `sub` must not be empty and is at most 255
//! characters (the audit trail keeps it); `exp` may lie at most the maximum lifetime
//! (`JWT_MAX_LIFETIME`, default 400 days) in the future. The algorithm decides which key is used, and each
//! kind of key only checks its own algorithm: HS256 only with the shared secret (so an HS256
//! token "signed" with an identity provider's public key is refused), RS256 and ES256 only with
//! the JWKS keys of that family; `none` and every other algorithm are refused.
//!
//! Identity providers name things differently, so the claims that carry the organisation and
//! the role are configurable ([`ClaimMapping`]): SURFconext-style tokens carry the institution
//! as `schac_home_organization`, government ones an OIN. Organisation resolution happens
//! afterwards, against the database.

use super::jwks::Jwks;
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// The refusal of a token whose signature is valid but whose `exp` has passed. (Such a refusal
/// is no guess at a token: the count of refused tokens per address leaves it out.)
pub const EXPIRED: &str = "the token has expired";
/// The refusal of a token whose signature is valid but whose `nbf` lies ahead.
pub const NOT_YET_VALID: &str = "the token is not valid yet (nbf)";

/// What a token of this service carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Who the caller is at the identity provider.
    pub sub: String,
    /// One of `programmabureau`, `beheerder`, `medewerker`, `lezer`, `kennismakelaar`.
    pub rol: String,
    /// The natural key of the caller's organisation: OIN or schacHome. Absent for the
    /// programme office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// For a kennismakelaar: the regions it works in (`MIDDEN`, `WEST`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regio: Vec<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// The longest `sub` accepted: the audit trail keeps it in a column of 255 characters
/// (`wijzigingen.actor_subject`, migration 8).
pub const MAX_SUB_CHARS: usize = 255;

/// The longest token lifetime accepted when none is configured (`JWT_MAX_LIFETIME`): 400 days,
/// so that the year-long tokens of sync jobs keep working until revocable sync credentials exist.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 3600);

/// A duration as the settings write it: `400d`, `8h`, `30m` or `90s`.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s > 0 && s.is_multiple_of(86400) => format!("{}d", s / 86400),
        _ if s > 0 && s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ if s > 0 && s.is_multiple_of(60) => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}

/// Checks a token's `sub`: not empty, at most [`MAX_SUB_CHARS`] characters.
pub fn check_sub(sub: &str) -> ApiResult<()> {
    if sub.trim().is_empty() {
        return Err(ApiError::Unauthenticated(
            "the token's subject (sub) is empty".into(),
        ));
    }
    let chars = sub.chars().count();
    if chars > MAX_SUB_CHARS {
        return Err(ApiError::Unauthenticated(format!(
            "the token's subject (sub) is {chars} characters long; at most {MAX_SUB_CHARS}"
        )));
    }
    Ok(())
}

/// Issuer, audience and leeway that tokens must match.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub issuer: String,
    pub audience: String,
    pub leeway: Duration,
}

/// Which claims carry the organisation and the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimMapping {
    /// The claim with the organisation's natural key (OIN or schacHome), e.g. `org`,
    /// `schac_home_organization` or `oin`. A list is read as its first element.
    pub organisatie: String,
    /// The claim with the role (`programmabureau`, `beheerder`, `medewerker`, `lezer`,
    /// `kennismakelaar`). A list is read as its first known role.
    pub rol: String,
}

impl Default for ClaimMapping {
    fn default() -> Self {
        Self {
            organisatie: "org".into(),
            rol: "rol".into(),
        }
    }
}

/// The keys and rules for signing and verifying tokens.
#[derive(Clone)]
pub struct JwtKeys {
    config: JwtConfig,
    /// The shared secret (HS256); `None` when only an identity provider's tokens are accepted.
    hs256: Option<(EncodingKey, DecodingKey)>,
    jwks: Option<Arc<Jwks>>,
    mapping: ClaimMapping,
    validation: Validation,
    /// The longest lifetime accepted: `exp` at most this far from now (plus the leeway).
    max_lifetime: Duration,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    pub fn hs256(secret: &[u8], config: JwtConfig) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&config.issuer]);
        validation.set_audience(&[&config.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = config.leeway.as_secs();
        Self {
            hs256: Some((
                EncodingKey::from_secret(secret),
                DecodingKey::from_secret(secret),
            )),
            jwks: None,
            mapping: ClaimMapping::default(),
            validation,
            config,
            max_lifetime: DEFAULT_MAX_LIFETIME,
        }
    }

    /// Accepts tokens whose `exp` is at most `max` from now (default
    /// [`DEFAULT_MAX_LIFETIME`]); `ipartnerschap token` signs none longer.
    pub fn with_max_lifetime(mut self, max: Duration) -> Self {
        self.max_lifetime = max;
        self
    }

    /// The longest token lifetime accepted.
    pub fn max_lifetime(&self) -> Duration {
        self.max_lifetime
    }

    /// Keys that accept only an identity provider's tokens (RS256 / ES256 from `jwks`).
    pub fn jwks_only(jwks: Arc<Jwks>, config: JwtConfig) -> Self {
        let mut keys = Self::hs256(b"unused", config);
        keys.hs256 = None;
        keys.jwks = Some(jwks);
        keys
    }

    /// Also accepts RS256 / ES256 tokens signed with a key from `jwks`.
    pub fn with_jwks(mut self, jwks: Arc<Jwks>) -> Self {
        self.jwks = Some(jwks);
        self
    }

    /// Accepts tokens from any of `issuers` (the first one is the one `sign` writes).
    pub fn with_issuers(mut self, issuers: &[String]) -> Self {
        if !issuers.is_empty() {
            self.validation.set_issuer(issuers);
        }
        self
    }

    /// Reads the organisation and role from these claims.
    pub fn with_mapping(mut self, mapping: ClaimMapping) -> Self {
        self.mapping = mapping;
        self
    }

    fn encoding(&self) -> Result<&EncodingKey, jsonwebtoken::errors::Error> {
        self.hs256
            .as_ref()
            .map(|(e, _)| e)
            .ok_or_else(|| jsonwebtoken::errors::ErrorKind::InvalidKeyFormat.into())
    }

    /// Signs a token for `subject` acting as `rol` for the organisation with natural key `org`,
    /// valid from now for `ttl`.
    pub fn sign(
        &self,
        subject: &str,
        rol: &str,
        org: Option<&str>,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let iat = now.timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            rol: rol.to_owned(),
            org: org.map(str::to_owned),
            regio: Vec::new(),
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            iat,
            nbf: iat,
            exp: iat.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
        };
        encode(&Header::new(Algorithm::HS256), &claims, self.encoding()?)
    }

    /// Signs arbitrary claims (tests use this to build expired or otherwise odd tokens).
    pub fn sign_claims(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        encode(&Header::new(Algorithm::HS256), claims, self.encoding()?)
    }

    /// Checks signature, algorithm, time window, issuer and audience; returns the claims or a
    /// message that says which check failed (never the token itself).
    pub async fn verify(&self, token: &str) -> ApiResult<Claims> {
        use jsonwebtoken::errors::ErrorKind;
        let refuse = |reason: &str| ApiError::Unauthenticated(reason.to_owned());
        let header = decode_header(token).map_err(|err| match err.kind() {
            ErrorKind::InvalidAlgorithmName => refuse("the token's algorithm is not accepted"),
            _ => refuse("the token is malformed"),
        })?;
        let key = match header.alg {
            Algorithm::HS256 => match &self.hs256 {
                Some((_, decoding)) => decoding.clone(),
                None => return Err(refuse("HS256 tokens are not accepted here")),
            },
            Algorithm::RS256 | Algorithm::ES256 => match &self.jwks {
                Some(jwks) => jwks.key(header.kid.as_deref(), header.alg).await?,
                None => return Err(refuse("the token's algorithm is not accepted")),
            },
            _ => return Err(refuse("the token's algorithm is not accepted")),
        };
        let mut validation = self.validation.clone();
        validation.algorithms = vec![header.alg];
        let claims = decode::<Map<String, Value>>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|err| match err.kind() {
                ErrorKind::ExpiredSignature => refuse(EXPIRED),
                ErrorKind::ImmatureSignature => refuse(NOT_YET_VALID),
                ErrorKind::InvalidSignature => refuse("the token's signature is invalid"),
                ErrorKind::InvalidIssuer => refuse("the token has the wrong issuer (iss)"),
                ErrorKind::InvalidAudience => refuse("the token has the wrong audience (aud)"),
                ErrorKind::InvalidAlgorithm => refuse("the token's algorithm is not accepted"),
                ErrorKind::MissingRequiredClaim(claim) => {
                    refuse(&format!("the token lacks the required claim '{claim}'"))
                }
                _ => refuse("the token is malformed"),
            })?;
        let claims = self.read_claims(&claims)?;
        check_sub(&claims.sub)?;
        let limit = Utc::now()
            .timestamp()
            .saturating_add(i64::try_from(self.max_lifetime.as_secs()).unwrap_or(i64::MAX))
            .saturating_add(i64::try_from(self.config.leeway.as_secs()).unwrap_or(i64::MAX));
        if claims.exp > limit {
            return Err(refuse(&format!(
                "the token is valid for longer than the maximum lifetime of {} (JWT_MAX_LIFETIME)",
                format_duration(self.max_lifetime)
            )));
        }
        Ok(claims)
    }

    /// Maps verified claims onto [`Claims`] with the configured [`ClaimMapping`].
    fn read_claims(&self, claims: &Map<String, Value>) -> ApiResult<Claims> {
        let text = |name: &str| -> Option<String> {
            match claims.get(name)? {
                Value::String(s) => Some(s.clone()),
                Value::Array(list) => list.iter().find_map(|v| v.as_str().map(str::to_owned)),
                _ => None,
            }
        };
        let rol = match claims.get(&self.mapping.rol) {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .find(|r| r.parse::<super::Rol>().is_ok())
                .or_else(|| list.iter().find_map(Value::as_str))
                .map(str::to_owned),
            _ => text(&self.mapping.rol),
        }
        .ok_or_else(|| {
            ApiError::Unauthenticated(format!(
                "the token lacks the role claim '{}'",
                self.mapping.rol
            ))
        })?;
        let number = |name: &str| claims.get(name).and_then(Value::as_i64).unwrap_or_default();
        Ok(Claims {
            sub: text("sub").ok_or_else(|| {
                ApiError::Unauthenticated("the token lacks the required claim 'sub'".into())
            })?,
            rol,
            // The service's own tokens say `org`, whatever an identity provider's say.
            org: text(&self.mapping.organisatie).or_else(|| text("org")),
            regio: match claims.get("regio") {
                Some(Value::String(r)) => vec![r.clone()],
                Some(Value::Array(list)) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            },
            iss: text("iss").unwrap_or_default(),
            aud: self.config.audience.clone(),
            iat: number("iat"),
            nbf: number("nbf"),
            exp: number("exp"),
        })
    }

    pub fn config(&self) -> &JwtConfig {
        &self.config
    }
}
