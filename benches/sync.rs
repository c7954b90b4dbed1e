//! Sync benchmark: `cargo bench --bench sync` (SQLite; PostgreSQL too when
//! `TEST_DATABASE_URL` points at a server). Figures go to BENCHMARKS.md.
//!
//! Starts the real API in-process on a fresh database with the demo data, and sends N
//! opdrachten (1,000 / 10,000 / 100,000; `SYNC_SIZES=1000,10000` to choose) over HTTP in
//! batches of 1,000 with the token of a medewerker of Hogeschool Utrecht, three times: the
//! first sync (all CREATED), the same export again (all UNCHANGED), and an export in which
//! every opdracht changed (all UPDATED). It prints the wall-clock time of each round, end to
//! end (JSON encoding, HTTP, validation, database), as a Markdown table with the load average
//! after each size (figures taken while the machine is busy are noise).

use ipartnerschap::app::{self, AppState};
use ipartnerschap::auth::{JwtConfig, JwtKeys, Rol};
use ipartnerschap::cli::{TokenRequest, make_token};
use ipartnerschap::config::ServerSettings;
use ipartnerschap::db::Database;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const SYNC: &str = "mutation($input: OpdrachtenSyncInput!) { syncOpdrachten(input: $input) { \
    toegepast totalen { created updated unchanged rejected } } }";
const BATCH: usize = 1000;

fn item(n: usize, ronde: &str) -> Value {
    json!({
        "externId": format!("BENCH-{n}"),
        "naam": format!("Afstudeeropdracht {n} {ronde}"),
        "omschrijving": "Onderzoek naar de inzet van data bij de uitvoering van beleid, met aanbevelingen.",
        "opdrachtSoort": "AFSTUDEEROPDRACHT",
        "opdrachtStatus": "IN_UITVOERING",
        "regio": "MIDDEN",
        "startdatum": "2025-02-03",
        "einddatum": "2025-06-27",
        "aantalStudenten": 1 + (n % 3) as i64,
        "opdrachtgever": "00000099000000000014",
        "uitvoerders": ["hu.nl"],
        "themas": ["DATA_AI", "INFORMATIEHUISHOUDING"],
    })
}

struct Api {
    endpoint: String,
    token: String,
    client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(url: String, dir: Option<tempfile::TempDir>) -> Api {
    let db = Database::connect(&url, 10).await.expect("connect");
    db.migrate_up().await.expect("migrate");
    db.seed_demo().await.expect("demo data");
    let jwt = JwtKeys::hs256(
        b"benchmark-secret-benchmark-secret-0123",
        JwtConfig {
            issuer: "ipartnerschap".into(),
            audience: "ipartnerschap-api".into(),
            leeway: Duration::from_secs(5),
        },
    );
    let token = make_token(
        &db,
        &jwt,
        TokenRequest {
            org: Some("hu.nl"),
            regios: &[],
            rol: Rol::Medewerker,
            ttl: Duration::from_secs(3600),
            subject: Some("benchmark"),
        },
    )
    .await
    .expect("token");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}/graphql", listener.local_addr().unwrap());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::with_settings(db, jwt, ServerSettings::default());
    tokio::spawn(async move {
        app::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    Api {
        endpoint,
        token,
        client: reqwest::Client::new(),
        _dir: dir,
        _stop: stop,
    }
}

/// Sends `n` items in batches; returns the time taken and the summed totals.
async fn ronde(api: &Api, n: usize, naam: &str) -> (Duration, Value) {
    let begin = Instant::now();
    let mut totalen = json!({ "created": 0, "updated": 0, "unchanged": 0, "rejected": 0 });
    for start in (0..n).step_by(BATCH) {
        let items: Vec<Value> = (start..(start + BATCH).min(n))
            .map(|i| item(i, naam))
            .collect();
        let body: Value = api
            .client
            .post(&api.endpoint)
            .bearer_auth(&api.token)
            .json(&json!({ "query": SYNC, "variables": { "input": { "bron": "bench", "opdrachten": items } } }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON");
        let t = &body["data"]["syncOpdrachten"]["totalen"];
        assert!(t.is_object(), "sync failed: {body}");
        for k in ["created", "updated", "unchanged", "rejected"] {
            totalen[k] = json!(totalen[k].as_i64().unwrap() + t[k].as_i64().unwrap());
        }
    }
    (begin.elapsed(), totalen)
}

/// The machine's load average over 1, 5 and 15 minutes (others' work makes figures noise).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn postgres_database(server: &str, naam: &str) -> String {
    let base = server.rsplit_once('/').map_or(server, |(b, _)| b);
    format!("{base}/{naam}")
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("SYNC_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let postgres = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    println!(
        "| database | opdrachten | first sync (created) | same again (unchanged) | all changed (updated) | load average |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for backend in ["SQLite", "PostgreSQL"] {
        for &n in &sizes {
            let api = match backend {
                "SQLite" => {
                    let dir = tempfile::tempdir().unwrap();
                    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
                    start(url, Some(dir)).await
                }
                _ => {
                    let Some(server) = &postgres else { continue };
                    let admin = sea_orm::Database::connect(server.as_str()).await.unwrap();
                    let naam = format!("ipt_bench_{}", std::process::id());
                    use sea_orm::ConnectionTrait;
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {naam} WITH (FORCE)"))
                        .await;
                    admin
                        .execute_unprepared(&format!("CREATE DATABASE {naam}"))
                        .await
                        .unwrap();
                    start(postgres_database(server, &naam), None).await
                }
            };
            let (eerste, t1) = ronde(&api, n, "a").await;
            let (tweede, t2) = ronde(&api, n, "a").await;
            let (derde, t3) = ronde(&api, n, "b").await;
            assert_eq!(t1["created"], n);
            assert_eq!(t2["unchanged"], n);
            assert_eq!(t3["updated"], n);
            println!(
                "| {backend} | {n} | {:.2} s | {:.2} s | {:.2} s | {} |",
                eerste.as_secs_f64(),
                tweede.as_secs_f64(),
                derde.as_secs_f64(),
                load_average()
            );
        }
    }
}
