//! `ipartnerschap seed --demo`: loads the demo data (idempotent; see `db::seed`).

use crate::config::Settings;
use anyhow::bail;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Load the demo data: the organisations, fieldlabs, lectoraten, minoren, communities and
    /// opdrachten of the seed documents.
    #[arg(long)]
    pub demo: bool,
}

pub async fn run(instellingen: &Settings, args: Args) -> anyhow::Result<()> {
    if !args.demo {
        bail!("say what to load: `ipartnerschap seed --demo` loads the demo data");
    }
    let db = instellingen.database().await?;
    db.migrate_up().await?;
    let verslag = db.seed_demo().await?;
    println!(
        "demo data loaded: {} organisations, {} fieldlabs, {} lectoraten, {} minoren, {} communities, {} opdrachten added",
        verslag.organisaties,
        verslag.fieldlabs,
        verslag.lectoraten,
        verslag.minoren,
        verslag.communities,
        verslag.opdrachten
    );
    Ok(())
}
