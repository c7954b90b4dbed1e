//! `ipartnerschap serve [--bind ADDR] [--demo]`: migrates, optionally loads the demo data and
//! prints example tokens, then serves until SIGTERM or Ctrl-C.

use super::token::{TokenRequest, make_token};
use crate::app;
use crate::auth::Rol;
use crate::config::{SecretSource, ServerSettings, Settings, redact};
use crate::db::seed::data;
use anyhow::Context;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Load the demo data (what is missing of it) and print example tokens and queries.
    #[arg(long)]
    pub demo: bool,

    #[command(flatten)]
    pub server: ServerSettings,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let db = settings.database().await?;
    let (jwt, source) = settings.jwt().await?;
    if let SecretSource::DevFile(path) = &source {
        eprintln!();
        eprintln!("  ************************************************************************");
        eprintln!("  DEV MODE: JWT_SECRET is not set. Tokens are signed with a generated");
        eprintln!("  secret kept in {}.", path.display());
        eprintln!("  Anyone who can read that file can sign tokens. Set JWT_SECRET in production.");
        eprintln!("  ************************************************************************");
        eprintln!();
    }
    let bind = args.server.bind.clone();
    let app = app::build(db.clone(), jwt.clone(), args.server).await?;
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;

    if args.demo {
        let report = db.seed_demo().await.context("cannot load the demo data")?;
        println!("Demo data: {} records added.", report.total());
        print_demo_tokens(&db, &jwt, &addr.to_string()).await?;
    }

    println!(
        "I-Partnerschap API on http://{addr}/graphql (GraphiQL: open it in a browser); database {}",
        redact(&settings.database_url)
    );
    app.serve(listener, shutdown_signal()).await?;
    tracing::info!("stopped: no new connections, requests in flight finished");
    Ok(())
}

async fn print_demo_tokens(
    db: &crate::db::Database,
    jwt: &crate::auth::JwtKeys,
    addr: &str,
) -> anyhow::Result<()> {
    let bzk = data::demo_oin(1);
    let midden = ["MIDDEN".to_owned()];
    let examples: [(&str, Option<&str>, Rol, &[String]); 7] = [
        ("the programme office", None, Rol::Programmabureau, &[]),
        (
            "a ministry (BZK, beheerder)",
            Some(&bzk),
            Rol::Beheerder,
            &[],
        ),
        (
            "a ministry (BZK, medewerker)",
            Some(&bzk),
            Rol::Medewerker,
            &[],
        ),
        (
            "a kennismakelaar of region Midden (at Universiteit Utrecht)",
            Some("uu.nl"),
            Rol::Kennismakelaar,
            &midden,
        ),
        (
            "a hogeschool (HU, beheerder)",
            Some("hu.nl"),
            Rol::Beheerder,
            &[],
        ),
        (
            "a hogeschool (Hanze, medewerker)",
            Some("hanze.nl"),
            Rol::Medewerker,
            &[],
        ),
        (
            "a university (Universiteit Utrecht, lezer)",
            Some("uu.nl"),
            Rol::Lezer,
            &[],
        ),
    ];
    println!();
    println!("Example tokens (valid for 24 hours):");
    let mut first = None;
    for (who, org, rol, regios) in examples {
        let token = make_token(
            db,
            jwt,
            TokenRequest {
                org,
                rol,
                regios,
                ttl: Duration::from_secs(24 * 3600),
                subject: None,
            },
        )
        .await?;
        println!("  {who}:\n    {token}");
        first.get_or_insert(token);
    }
    let token = first.unwrap_or_default();
    println!();
    println!("Example queries:");
    println!(
        "  curl -s http://{addr}/graphql -H 'Content-Type: application/json' \\\n    -d '{{\"query\":\"{{ me {{ ingelogd rol }} fieldlabs(first: 3) {{ totalCount nodes {{ naam regios }} }} }}\"}}'"
    );
    println!(
        "  curl -s http://{addr}/graphql -H 'Content-Type: application/json' \\\n    -H 'Authorization: Bearer {token}' \\\n    -d '{{\"query\":\"{{ me {{ rol organisatie {{ naam }} }} fieldlabs {{ nodes {{ naam fieldlabStatus penvoerder {{ naam }} deelnemers {{ deelnemerRol organisatie {{ naam }} }} }} }} }}\"}}'"
    );
    println!();
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
