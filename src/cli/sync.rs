//! `ipartnerschap sync --file opdrachten.csv --url … --token …`: the sync client institutions
//! can use as is. It reads an export of their own system (CSV with a header row, or JSON
//! lines), sends it to `syncOpdrachten` in batches, and prints the outcome of every item with
//! the line of the file it came from.
//!
//! Exit code: 0 when every item was accepted, 2 when some were rejected (so a scheduled job
//! notices), 1 when the file or the server could not be used at all. With `--mirror` the
//! opdrachten of the owner that are no longer in the file are withdrawn, so the API mirrors the
//! export; without it, only rows marked `ingetrokken` are withdrawn.
//!
//! The client speaks to the API over HTTP only, like any other client; it shares the input
//! shape (`OpdrachtSyncInput`) and nothing else with the server.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The export: `.csv` (header row with the field names of OpdrachtSyncInput; lists
    /// separated by `;`) or `.jsonl` / `.ndjson` (one OpdrachtSyncInput object per line).
    #[arg(long)]
    pub file: PathBuf,

    /// The API's GraphQL endpoint.
    #[arg(
        long,
        env = "IPARTNERSCHAP_URL",
        default_value = "http://127.0.0.1:8080/graphql"
    )]
    pub url: String,

    /// Bearer token (role medewerker or beheerder of the owner).
    #[arg(long, env = "IPARTNERSCHAP_TOKEN", hide_env_values = true)]
    pub token: String,

    /// Name of the source system, recorded in the audit trail.
    #[arg(long, default_value = "sync-client")]
    pub bron: String,

    /// Items per request (at most 1000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub batch: u16,

    /// Check and report, write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Apply the valid items of a batch even if others are rejected (default: all or nothing
    /// per batch).
    #[arg(long)]
    pub per_item: bool,

    /// Also withdraw the owner's opdrachten that are not in the file (mirror the export).
    #[arg(long)]
    pub mirror: bool,
}

const SYNC: &str = "mutation($input: OpdrachtenSyncInput!) { syncOpdrachten(input: $input) { \
    toegepast totalen { aangemaakt gewijzigd ongewijzigd verwijderd afgewezen } \
    items { externId resultaat id fouten { veld melding } } } }";

const EIGEN_OPDRACHTEN: &str = "query($org: ID!, $after: String) { \
    opdrachten(filter: { eigenaar: $org }, first: 100, after: $after) { \
    pageInfo { hasNextPage endCursor } nodes { externId } } }";

/// One row of the export: an opdracht, or a withdrawal, with its line number.
#[derive(Debug, Clone)]
enum Regel {
    Opdracht(usize, Map<String, Value>),
    Ingetrokken(usize, String),
}

impl Regel {
    fn extern_id(&self) -> String {
        match self {
            Regel::Opdracht(_, o) => o
                .get("externId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            Regel::Ingetrokken(_, e) => e.clone(),
        }
    }

    fn regel(&self) -> usize {
        match self {
            Regel::Opdracht(n, _) | Regel::Ingetrokken(n, _) => *n,
        }
    }
}

/// Fields that are lists in OpdrachtSyncInput (`;`-separated in CSV).
const LIJSTEN: &[&str] = &["uitvoerders", "themas"];
/// Fields that are numbers.
const GETALLEN: &[&str] = &["aantalStudenten"];

fn waar(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "1" | "true" | "ja" | "yes" | "j" | "y"
    )
}

fn lees_csv(pad: &PathBuf) -> Result<Vec<Regel>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_path(pad)
        .with_context(|| format!("cannot read {}", pad.display()))?;
    let kop: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    if !kop.iter().any(|k| k == "externId") {
        bail!("{}: the header row needs an externId column", pad.display());
    }
    let mut regels = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let nummer = i + 2;
        let record = record.with_context(|| format!("{}: line {nummer}", pad.display()))?;
        let mut object = Map::new();
        let mut ingetrokken = false;
        for (veld, waarde) in kop.iter().zip(record.iter()) {
            if waarde.is_empty() {
                continue;
            }
            let value = if veld == "ingetrokken" {
                ingetrokken = waar(waarde);
                continue;
            } else if LIJSTEN.contains(&veld.as_str()) {
                Value::Array(
                    waarde
                        .split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(Value::from)
                        .collect(),
                )
            } else if GETALLEN.contains(&veld.as_str()) {
                let n: i64 = waarde.parse().with_context(|| {
                    format!(
                        "{}: line {nummer}: {veld} is not a whole number",
                        pad.display()
                    )
                })?;
                Value::from(n)
            } else if let Some(naam) = veld.strip_prefix("contactpersoon.") {
                let cp = object.entry("contactpersoon").or_insert_with(|| json!({}));
                cp[naam] = Value::from(waarde);
                continue;
            } else {
                Value::from(waarde)
            };
            object.insert(veld.clone(), value);
        }
        regels.push(regel(nummer, object, ingetrokken));
    }
    Ok(regels)
}

fn regel(nummer: usize, mut object: Map<String, Value>, ingetrokken: bool) -> Regel {
    if ingetrokken {
        let extern_id = object
            .remove("externId")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Regel::Ingetrokken(nummer, extern_id)
    } else {
        Regel::Opdracht(nummer, object)
    }
}

fn lees_jsonl(pad: &PathBuf) -> Result<Vec<Regel>> {
    let tekst =
        std::fs::read_to_string(pad).with_context(|| format!("cannot read {}", pad.display()))?;
    let mut regels = Vec::new();
    for (i, lijn) in tekst.lines().enumerate() {
        if lijn.trim().is_empty() {
            continue;
        }
        let nummer = i + 1;
        let mut object: Map<String, Value> = serde_json::from_str(lijn)
            .with_context(|| format!("{}: line {nummer} is not a JSON object", pad.display()))?;
        let ingetrokken = object
            .remove("ingetrokken")
            .is_some_and(|v| v.as_bool() == Some(true));
        regels.push(regel(nummer, object, ingetrokken));
    }
    Ok(regels)
}

/// Reads the export by its extension.
fn lees(pad: &PathBuf) -> Result<Vec<Regel>> {
    match pad.extension().and_then(|e| e.to_str()) {
        Some("csv") => lees_csv(pad),
        Some("jsonl" | "ndjson") => lees_jsonl(pad),
        _ => bail!(
            "{}: use a .csv file (with a header row) or a .jsonl file (one JSON object per line)",
            pad.display()
        ),
    }
}

struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Client {
    async fn graphql(&self, query: &str, variables: Value) -> Result<Value> {
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .header(
                "Accept",
                "application/graphql-response+json, application/json",
            )
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.url))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .map_err(|_| anyhow!("{} answered {status} without a GraphQL response", self.url))?;
        if let Some(errors) = body.get("errors").and_then(Value::as_array) {
            let meldingen: Vec<String> = errors
                .iter()
                .map(|e| {
                    format!(
                        "{} ({})",
                        e["message"].as_str().unwrap_or("error"),
                        e["extensions"]["code"].as_str().unwrap_or("?")
                    )
                })
                .collect();
            bail!("the API refused the request: {}", meldingen.join("; "));
        }
        Ok(body["data"].clone())
    }
}

#[derive(Default)]
struct Totalen {
    aangemaakt: i64,
    gewijzigd: i64,
    ongewijzigd: i64,
    verwijderd: i64,
    afgewezen: i64,
}

impl Totalen {
    fn tel(&mut self, t: &Value) {
        let n = |k: &str| t[k].as_i64().unwrap_or(0);
        self.aangemaakt += n("aangemaakt");
        self.gewijzigd += n("gewijzigd");
        self.ongewijzigd += n("ongewijzigd");
        self.verwijderd += n("verwijderd");
        self.afgewezen += n("afgewezen");
    }
}

pub async fn run(args: Args) -> Result<()> {
    let regels = lees(&args.file)?;
    let client = Client {
        http: reqwest::Client::new(),
        url: args.url.clone(),
        token: args.token.clone(),
    };
    let mut alle = regels.clone();
    if args.mirror {
        let in_bestand: HashSet<String> = regels.iter().map(Regel::extern_id).collect();
        for extern_id in eigen_extern_ids(&client).await? {
            if !in_bestand.contains(&extern_id) {
                alle.push(Regel::Ingetrokken(0, extern_id));
            }
        }
    }
    let mut totalen = Totalen::default();
    let mut niet_toegepast = 0;
    for batch in alle.chunks(usize::from(args.batch)) {
        let opdrachten: Vec<&Regel> = batch
            .iter()
            .filter(|r| matches!(r, Regel::Opdracht(..)))
            .collect();
        let ingetrokken: Vec<&Regel> = batch
            .iter()
            .filter(|r| matches!(r, Regel::Ingetrokken(..)))
            .collect();
        let input = json!({
            "bron": args.bron,
            "opdrachten": opdrachten.iter().map(|r| match r {
                Regel::Opdracht(_, o) => Value::Object(o.clone()),
                Regel::Ingetrokken(..) => Value::Null,
            }).collect::<Vec<_>>(),
            "ingetrokken": ingetrokken.iter().map(|r| r.extern_id()).collect::<Vec<_>>(),
            "dryRun": args.dry_run,
            "modus": if args.per_item { "PER_ITEM" } else { "ATOMAIR" },
        });
        let data = client.graphql(SYNC, json!({ "input": input })).await?;
        let resultaat = &data["syncOpdrachten"];
        totalen.tel(&resultaat["totalen"]);
        if resultaat["toegepast"] != true {
            niet_toegepast += 1;
        }
        let items = resultaat["items"].as_array().cloned().unwrap_or_default();
        for (regel, item) in opdrachten.iter().chain(ingetrokken.iter()).zip(items) {
            let waar = match regel.regel() {
                0 => "(not in file)".to_owned(),
                n => format!("line {n}"),
            };
            println!(
                "{:<9} {:<24} {waar} {}",
                item["resultaat"].as_str().unwrap_or("?"),
                item["externId"].as_str().unwrap_or("?"),
                item["id"].as_str().unwrap_or("")
            );
            for fout in item["fouten"].as_array().into_iter().flatten() {
                let veld = fout["veld"].as_str().unwrap_or("");
                // `opdrachten[3].naam` -> `naam`: the line number already says which item.
                let veld = veld.split_once("].").map_or(veld, |(_, v)| v);
                println!(
                    "          {veld}: {}",
                    fout["melding"].as_str().unwrap_or("")
                );
            }
        }
    }
    println!(
        "{} items: {} created, {} updated, {} unchanged, {} withdrawn, {} rejected{}",
        alle.len(),
        totalen.aangemaakt,
        totalen.gewijzigd,
        totalen.ongewijzigd,
        totalen.verwijderd,
        totalen.afgewezen,
        if args.dry_run {
            " (dry run: nothing written)".to_owned()
        } else if niet_toegepast > 0 {
            format!(" ({niet_toegepast} batch(es) not applied because of rejected items)")
        } else {
            String::new()
        }
    );
    if totalen.afgewezen > 0 {
        std::process::exit(2);
    }
    Ok(())
}

/// The `externId`s of all opdrachten the caller's organisation owns.
async fn eigen_extern_ids(client: &Client) -> Result<Vec<String>> {
    let me = client
        .graphql("{ me { organisatie { id } } }", json!({}))
        .await?;
    let org = me["me"]["organisatie"]["id"]
        .as_str()
        .ok_or_else(|| anyhow!("the token names no organisation"))?
        .to_owned();
    let mut uit = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = client
            .graphql(EIGEN_OPDRACHTEN, json!({ "org": org, "after": after }))
            .await?;
        let pagina = &data["opdrachten"];
        uit.extend(
            pagina["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n["externId"].as_str().map(str::to_owned)),
        );
        if pagina["pageInfo"]["hasNextPage"] != true {
            return Ok(uit);
        }
        after = pagina["pageInfo"]["endCursor"].clone();
    }
}
