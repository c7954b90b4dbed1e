//! `ipartnerschap seed --demo`: loads the demo data (idempotent; see `db::seed`).

use crate::config::Settings;
use anyhow::bail;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Load the demo data: the organisations, fieldlabs, lectoraten, minoren, communities and
    /// opdrachten of the seed documents.
    #[arg(long)]
    pub demo: bool,
    /// With `--demo`: also generated opdrachten, copies of the demo's moved back by whole
    /// years, until there are this many (for measuring at scale; `--opdrachten 100000`).
    #[arg(long, value_name = "N", requires = "demo")]
    pub opdrachten: Option<usize>,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    if !args.demo {
        bail!("say what to load: `ipartnerschap seed --demo` loads the demo data");
    }
    let db = settings.database().await?;
    db.migrate_up().await?;
    let report = db.seed_demo().await?;
    println!(
        "demo data loaded: {} organisations, {} fieldlabs, {} lectoraten, {} minoren, {} communities, {} opdrachten, {} vraagstukken, {} promotietrajecten, {} bijeenkomsten, {} kennismakelaars added",
        report.organisaties,
        report.fieldlabs,
        report.lectoraten,
        report.minoren,
        report.communities,
        report.opdrachten,
        report.vraagstukken,
        report.promotietrajecten,
        report.bijeenkomsten,
        report.kennismakelaars
    );
    if let Some(n) = args.opdrachten {
        let added = db.seed_generated(n).await?;
        println!("generated opdrachten: {added} added, {n} in all");
    }
    Ok(())
}
