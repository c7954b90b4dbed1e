//! HS256 tokens: signing (for `ipartnerschap token` and tests) and verification.
//!
//! Verification requires `exp`, `nbf`, `iss`, `aud` and `sub`, pins the algorithm to HS256 (a
//! token that names another algorithm, `none` included, is refused) and allows a small clock
//! leeway. Organisation resolution happens afterwards, against the database.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a token of this service carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Who the caller is at the identity provider.
    pub sub: String,
    /// One of `programmabureau`, `beheerder`, `medewerker`, `lezer`.
    pub rol: String,
    /// The natural key of the caller's organisation: OIN or schacHome. Absent for the
    /// programme office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// Issuer, audience and leeway that tokens must match.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub issuer: String,
    pub audience: String,
    pub leeway: Duration,
}

/// The keys and rules for signing and verifying tokens.
#[derive(Clone)]
pub struct JwtKeys {
    config: JwtConfig,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
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
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            config,
        }
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
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            iat,
            nbf: iat,
            exp: iat.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Signs arbitrary claims (tests use this to build expired or otherwise odd tokens).
    pub fn sign_claims(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    /// Checks signature, algorithm, time window, issuer and audience; returns the claims or a
    /// message that says which check failed (never the token itself).
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        use jsonwebtoken::errors::ErrorKind;
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| match err.kind() {
                ErrorKind::ExpiredSignature => "the token has expired".to_owned(),
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".to_owned(),
                ErrorKind::InvalidSignature => "the token's signature is invalid".to_owned(),
                ErrorKind::InvalidIssuer => "the token has the wrong issuer (iss)".to_owned(),
                ErrorKind::InvalidAudience => "the token has the wrong audience (aud)".to_owned(),
                ErrorKind::InvalidAlgorithm => "the token's algorithm is not accepted".to_owned(),
                ErrorKind::MissingRequiredClaim(claim) => {
                    format!("the token lacks the required claim '{claim}'")
                }
                _ => "the token is malformed".to_owned(),
            })
    }

    pub fn config(&self) -> &JwtConfig {
        &self.config
    }
}
