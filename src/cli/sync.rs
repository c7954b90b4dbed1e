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
use std::collections::HashMap;
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
    toegepast totalen { created updated unchanged deleted rejected } \
    items { externId resultaat opdracht errors { field message } } } }";

const OWN_OPDRACHTEN: &str = "query($org: ID!, $after: String) { \
    opdrachten(filter: { eigenaar: $org }, first: 100, after: $after) { \
    pageInfo { hasNextPage endCursor } nodes { externId } } }";

/// One row of the export: an opdracht, or a withdrawal, with its line number.
#[derive(Debug, Clone)]
enum Line {
    Opdracht(usize, Map<String, Value>),
    Withdrawal(usize, String),
}

impl Line {
    fn extern_id(&self) -> String {
        match self {
            Line::Opdracht(_, o) => o
                .get("externId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            Line::Withdrawal(_, e) => e.clone(),
        }
    }

    fn line(&self) -> usize {
        match self {
            Line::Opdracht(n, _) | Line::Withdrawal(n, _) => *n,
        }
    }
}

/// Fields that are lists in OpdrachtSyncInput (`;`-separated in CSV).
const LIST_FIELDS: &[&str] = &["uitvoerders", "themas"];
/// Fields that are numbers.
const NUMBER_FIELDS: &[&str] = &["aantalStudenten"];

fn is_true(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "1" | "true" | "ja" | "yes" | "j" | "y"
    )
}

/// The rows of an export, read one at a time: the file is never held in memory.
type Rows = Box<dyn Iterator<Item = Result<Line>>>;

fn read_csv(path: &PathBuf) -> Result<Rows> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    if !header.iter().any(|k| k == "externId") {
        bail!(
            "{}: the header row needs an externId column",
            path.display()
        );
    }
    let path = path.clone();
    Ok(Box::new(reader.into_records().enumerate().map(
        move |(i, record)| {
            let number = i + 2;
            let record = record.with_context(|| format!("{}: line {number}", path.display()))?;
            csv_line(&path, &header, number, &record)
        },
    )))
}

/// One CSV record as a row of the export.
fn csv_line(
    path: &std::path::Path,
    header: &[String],
    number: usize,
    record: &csv::StringRecord,
) -> Result<Line> {
    let mut object = Map::new();
    let mut withdrawn = false;
    for (field, cell) in header.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        let value = if field == "ingetrokken" {
            withdrawn = is_true(cell);
            continue;
        } else if LIST_FIELDS.contains(&field.as_str()) {
            Value::Array(
                cell.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(Value::from)
                    .collect(),
            )
        } else if NUMBER_FIELDS.contains(&field.as_str()) {
            let n: i64 = cell.parse().with_context(|| {
                format!(
                    "{}: line {number}: {field} is not a whole number",
                    path.display()
                )
            })?;
            Value::from(n)
        } else if let Some(key) = field.strip_prefix("contactpersoon.") {
            let cp = object.entry("contactpersoon").or_insert_with(|| json!({}));
            cp[key] = Value::from(cell);
            continue;
        } else {
            Value::from(cell)
        };
        object.insert(field.clone(), value);
    }
    Ok(line(number, object, withdrawn))
}

fn line(number: usize, mut object: Map<String, Value>, withdrawn: bool) -> Line {
    if withdrawn {
        let extern_id = object
            .remove("externId")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Line::Withdrawal(number, extern_id)
    } else {
        Line::Opdracht(number, object)
    }
}

fn read_jsonl(path: &PathBuf) -> Result<Rows> {
    use std::io::BufRead;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let path = path.clone();
    let rows = std::io::BufReader::new(file)
        .lines()
        .enumerate()
        .filter_map(move |(i, text_line)| {
            let number = i + 1;
            let text_line = match text_line {
                Ok(t) if t.trim().is_empty() => return None,
                Ok(t) => t,
                Err(e) => {
                    return Some(Err(anyhow!(e)
                        .context(format!("cannot read {}: line {number}", path.display()))));
                }
            };
            Some(jsonl_line(&path, number, &text_line))
        });
    Ok(Box::new(rows))
}

/// One line of a JSON lines file as a row of the export.
fn jsonl_line(path: &std::path::Path, number: usize, text_line: &str) -> Result<Line> {
    let mut object: Map<String, Value> = serde_json::from_str(text_line)
        .with_context(|| format!("{}: line {number} is not a JSON object", path.display()))?;
    let withdrawn = object
        .remove("ingetrokken")
        .is_some_and(|v| v.as_bool() == Some(true));
    Ok(line(number, object, withdrawn))
}

/// Reads the export by its extension, row by row.
fn read(path: &PathBuf) -> Result<Rows> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => read_csv(path),
        Some("jsonl" | "ndjson") => read_jsonl(path),
        _ => bail!(
            "{}: use a .csv file (with a header row) or a .jsonl file (one JSON object per line)",
            path.display()
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
            let messages: Vec<String> = errors
                .iter()
                .map(|e| {
                    format!(
                        "{} ({})",
                        e["message"].as_str().unwrap_or("error"),
                        e["extensions"]["code"].as_str().unwrap_or("?")
                    )
                })
                .collect();
            bail!("the API refused the request: {}", messages.join("; "));
        }
        Ok(body["data"].clone())
    }
}

#[derive(Default)]
struct Totals {
    created: i64,
    updated: i64,
    unchanged: i64,
    withdrawn: i64,
    rejected: i64,
}

impl Totals {
    fn count(&mut self, t: &Value) {
        let n = |k: &str| t[k].as_i64().unwrap_or(0);
        self.created += n("created");
        self.updated += n("updated");
        self.unchanged += n("unchanged");
        self.withdrawn += n("deleted");
        self.rejected += n("rejected");
    }
}

/// Runs the client. The export is read twice, row by row, and never held in memory: first
/// to check that every row can be read (a broken file sends nothing, as before), then to send
/// it batch by batch. With `--mirror` the owner's stored `externId`s are read first and those
/// not in the file are withdrawn after the file's rows, in the same batches.
pub async fn run(args: Args) -> Result<()> {
    for row in read(&args.file)? {
        row?;
    }
    let client = Client {
        http: reqwest::Client::new(),
        url: args.url.clone(),
        token: args.token.clone(),
    };
    let mut not_in_file: Vec<Option<String>> = if args.mirror {
        own_extern_ids(&client)
            .await?
            .into_iter()
            .map(Some)
            .collect()
    } else {
        Vec::new()
    };
    let mut position: HashMap<String, usize> = not_in_file
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, e)| (e.clone(), i))
        .collect();
    let mut run = Run::new(&client, &args);
    for row in read(&args.file)? {
        let row = row?;
        if let Some(i) = position.remove(&row.extern_id()) {
            not_in_file[i] = None;
        }
        run.push(row).await?;
    }
    drop(position);
    for extern_id in not_in_file.into_iter().flatten() {
        run.push(Line::Withdrawal(0, extern_id)).await?;
    }
    run.finish().await?;
    print_summary(run.items, &run.totals, args.dry_run, run.not_applied);
    if run.totals.rejected > 0 {
        std::process::exit(2);
    }
    Ok(())
}

/// The batches of a run: rows are gathered into batches of `--batch` and sent when full.
struct Run<'a> {
    client: &'a Client,
    args: &'a Args,
    batch: Vec<Line>,
    items: usize,
    totals: Totals,
    not_applied: usize,
}

impl<'a> Run<'a> {
    fn new(client: &'a Client, args: &'a Args) -> Self {
        Self {
            client,
            args,
            batch: Vec::with_capacity(usize::from(args.batch)),
            items: 0,
            totals: Totals::default(),
            not_applied: 0,
        }
    }

    /// Adds a row, sending the batch when it is full.
    async fn push(&mut self, row: Line) -> Result<()> {
        self.batch.push(row);
        self.items += 1;
        if self.batch.len() >= usize::from(self.args.batch) {
            self.send().await?;
        }
        Ok(())
    }

    /// Sends what is left.
    async fn finish(&mut self) -> Result<()> {
        if !self.batch.is_empty() {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        if !send_batch(self.client, self.args, &batch, &mut self.totals).await? {
            self.not_applied += 1;
        }
        self.batch = batch;
        self.batch.clear();
        Ok(())
    }
}

/// Sends one batch, adds its totals and prints the outcome of its items; whether the batch
/// was applied.
async fn send_batch(
    client: &Client,
    args: &Args,
    batch: &[Line],
    totals: &mut Totals,
) -> Result<bool> {
    let opdrachten: Vec<&Line> = batch
        .iter()
        .filter(|r| matches!(r, Line::Opdracht(..)))
        .collect();
    let withdrawals: Vec<&Line> = batch
        .iter()
        .filter(|r| matches!(r, Line::Withdrawal(..)))
        .collect();
    let input = json!({
        "bron": args.bron,
        "opdrachten": opdrachten.iter().map(|r| match r {
            Line::Opdracht(_, o) => Value::Object(o.clone()),
            Line::Withdrawal(..) => Value::Null,
        }).collect::<Vec<_>>(),
        "ingetrokken": withdrawals.iter().map(|r| r.extern_id()).collect::<Vec<_>>(),
        "dryRun": args.dry_run,
        "modus": if args.per_item { "PER_ITEM" } else { "ATOMAIR" },
    });
    let data = client.graphql(SYNC, json!({ "input": input })).await?;
    let result = &data["syncOpdrachten"];
    totals.count(&result["totalen"]);
    let items = result["items"].as_array().cloned().unwrap_or_default();
    for (line, item) in opdrachten.iter().chain(withdrawals.iter()).zip(items) {
        print_item(line, &item);
    }
    Ok(result["toegepast"] == true)
}

/// Prints an item's outcome and its errors, with the line it came from.
fn print_item(line: &Line, item: &Value) {
    let location = match line.line() {
        0 => "(not in file)".to_owned(),
        n => format!("line {n}"),
    };
    println!(
        "{:<9} {:<24} {location} {}",
        item["resultaat"].as_str().unwrap_or("?"),
        item["externId"].as_str().unwrap_or("?"),
        item["opdracht"].as_str().unwrap_or("")
    );
    for error in item["errors"].as_array().into_iter().flatten() {
        let field = error["field"].as_str().unwrap_or("");
        // `opdrachten[3].naam` -> `naam`: the line number already says which item.
        let field = field.split_once("].").map_or(field, |(_, v)| v);
        println!(
            "          {field}: {}",
            error["message"].as_str().unwrap_or("")
        );
    }
}

/// Prints the totals of the whole run.
fn print_summary(items: usize, totals: &Totals, dry_run: bool, not_applied: usize) {
    println!(
        "{} items: {} created, {} updated, {} unchanged, {} withdrawn, {} rejected{}",
        items,
        totals.created,
        totals.updated,
        totals.unchanged,
        totals.withdrawn,
        totals.rejected,
        if dry_run {
            " (dry run: nothing written)".to_owned()
        } else if not_applied > 0 {
            format!(" ({not_applied} batch(es) not applied because of rejected items)")
        } else {
            String::new()
        }
    );
}

/// The `externId`s of all opdrachten the caller's organisation owns.
async fn own_extern_ids(client: &Client) -> Result<Vec<String>> {
    let me = client
        .graphql("{ me { organisatie { id } } }", json!({}))
        .await?;
    let org = me["me"]["organisatie"]["id"]
        .as_str()
        .ok_or_else(|| anyhow!("the token names no organisation"))?
        .to_owned();
    let mut ids = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = client
            .graphql(OWN_OPDRACHTEN, json!({ "org": org, "after": after }))
            .await?;
        let page = &data["opdrachten"];
        ids.extend(
            page["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n["externId"].as_str().map(str::to_owned)),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            return Ok(ids);
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}
