//! `ipartnerschap migrate [--down N]`: applies pending migrations or rolls back the last N.

use crate::config::Settings;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Roll back the last N migrations instead of applying pending ones.
    #[arg(long, value_name = "N")]
    pub down: Option<u32>,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let db = settings.database().await?;
    match args.down {
        Some(steps) => {
            db.migrate_down(steps).await?;
            println!("rolled back {steps} migration(s)");
        }
        None => {
            let pending = db.pending_migrations().await?;
            db.migrate_up().await?;
            if pending.is_empty() {
                println!("the database is up to date");
            } else {
                for name in pending {
                    println!("applied {name}");
                }
            }
        }
    }
    Ok(())
}
