//! `ipartnerschap token --org KEY --role ROLE [--ttl DURATION]`: prints a signed token.
//!
//! The organisation is checked against the database (it must exist and fit the role) with the
//! same rules the server applies to incoming tokens, so a token this command prints is one the
//! server started with the same settings accepts.

use super::operator_error;
use crate::auth::{Claims, JwtKeys, Principal, Rol, check_sub, format_duration};
use crate::config::Settings;
use crate::db::Database;
use crate::domain::OrganisatieSleutel;
use anyhow::{Context, anyhow, bail};
use chrono::Utc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The organisation: OIN, schacHome or numeric id. Leave out for `programmabureau`.
    #[arg(long, value_name = "KEY")]
    pub org: Option<String>,

    /// programmabureau, beheerder, medewerker, lezer or kennismakelaar.
    #[arg(long, value_name = "ROLE")]
    pub role: Rol,

    /// For a kennismakelaar: its region(s), e.g. `--regio MIDDEN --regio WEST`.
    #[arg(long, value_name = "REGIO")]
    pub regio: Vec<String>,

    /// How long the token is valid, e.g. 30m, 8h, 7d; at most JWT_MAX_LIFETIME (default 400d).
    #[arg(long, value_name = "DURATION", default_value = "8h", value_parser = humantime::parse_duration)]
    pub ttl: Duration,

    /// The subject (`sub`) to put in the token. Default: `cli:<role>@<org>`.
    #[arg(long)]
    pub subject: Option<String>,
}

impl clap::ValueEnum for Rol {
    fn value_variants<'a>() -> &'a [Self] {
        &Rol::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// What a token is for.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    pub org: Option<&'a str>,
    pub rol: Rol,
    /// Regions of a kennismakelaar (empty for the other roles).
    pub regios: &'a [String],
    pub ttl: Duration,
    pub subject: Option<&'a str>,
}

/// Signs a token after checking the organisation and role as the server will.
pub async fn make_token(
    db: &Database,
    jwt: &JwtKeys,
    request: TokenRequest<'_>,
) -> anyhow::Result<String> {
    // Resolve a numeric id to the organisation's natural key: tokens carry natural keys,
    // which survive a database rebuild.
    let org_key = match request.org {
        Some(key) => {
            let org = db
                .organisatie_by_sleutel_or_id(key)
                .await
                .map_err(operator_error)?;
            match (org.oin, org.schac_home) {
                (Some(oin), _) => Some(oin),
                (None, Some(schac)) => Some(schac),
                (None, None) => None, // the programme office has no natural key
            }
        }
        None => None,
    };
    if let Some(key) = &org_key {
        OrganisatieSleutel::parse(key)?;
    }
    let max = jwt.max_lifetime();
    if request.ttl > max {
        bail!(
            "--ttl {} is longer than the maximum token lifetime of {} (JWT_MAX_LIFETIME); \
             the server would refuse the token",
            format_duration(request.ttl),
            format_duration(max)
        );
    }
    let subject = request.subject.map(str::to_owned).unwrap_or_else(|| {
        format!(
            "cli:{}@{}",
            request.rol.as_str(),
            org_key.as_deref().unwrap_or("programmabureau")
        )
    });
    check_sub(&subject).map_err(|e| anyhow!("--subject: {}", e.message()))?;
    let now = Utc::now();
    let claims = Claims {
        sub: subject.clone(),
        rol: request.rol.as_str().to_owned(),
        org: org_key.clone(),
        regio: request.regios.to_vec(),
        iss: jwt.config().issuer.clone(),
        aud: jwt.config().audience.clone(),
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp: now
            .timestamp()
            .saturating_add(i64::try_from(request.ttl.as_secs()).unwrap_or(i64::MAX)),
    };
    Principal::from_claims(db, &claims)
        .await
        .map_err(operator_error)?;
    jwt.sign_claims(&claims).context("cannot sign the token")
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let db = settings.database().await?;
    db.migrate_up().await?;
    let (jwt, _) = settings.jwt().await?;
    let token = make_token(
        &db,
        &jwt,
        TokenRequest {
            org: args.org.as_deref(),
            rol: args.role,
            regios: &args.regio,
            ttl: args.ttl,
            subject: args.subject.as_deref(),
        },
    )
    .await?;
    println!("{token}");
    Ok(())
}
