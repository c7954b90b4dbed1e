//! The command line: one subcommand per file.
//!
//! `serve` runs the API, `migrate` changes the schema, `seed` loads demo data, `schema` prints
//! the SDL, `token` signs a token for an organisation and role, and `sync` is the client that
//! sends an institution's export of opdrachten to a running API. Settings shared by all of
//! them (database, token secret) come from [`crate::config::Settings`].

mod migrate;
mod schema;
mod seed;
mod serve;
mod sync;
mod token;

pub use token::{TokenRequest, make_token};

use crate::config::{LogFormat, Settings};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The I-Partnerschap partner API.
#[derive(Parser, Debug)]
#[command(name = "ipartnerschap", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply pending migrations and serve the GraphQL API.
    Serve(serve::Args),
    /// Apply pending migrations (or roll back with --down N).
    Migrate(migrate::Args),
    /// Load data into the database.
    Seed(seed::Args),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Print a signed token for an organisation and role.
    Token(token::Args),
    /// Send an export of opdrachten (CSV or JSON lines) to a running API with syncOpdrachten.
    Sync(sync::Args),
}

/// Parses the command line, runs the subcommand and turns its outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(&cli.settings, args).await,
            Command::Migrate(args) => migrate::run(&cli.settings, args).await,
            Command::Seed(args) => seed::run(&cli.settings, args).await,
            Command::Schema => schema::run(),
            Command::Token(args) => token::run(&cli.settings, args).await,
            Command::Sync(args) => sync::run(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr; `RUST_LOG` sets the filter (default `info`), `LOG_FORMAT` the format (see
/// [`LogFormat`]).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if LogFormat::from_env() == LogFormat::Json {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.try_init()
    };
}

/// An [`ApiError`](crate::error::ApiError) as the command line reports it: the messages of a
/// bad input without their field (a subcommand names its own flags), the details of an internal
/// error, the message of anything else.
pub(crate) fn operator_error(err: crate::error::ApiError) -> anyhow::Error {
    match err {
        crate::error::ApiError::BadUserInput { problems } => anyhow::anyhow!(
            problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!(other.detail()),
    }
}
