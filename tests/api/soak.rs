//! Soak test: many concurrent clients read, write and sync for a minute (`SOAK_SECONDS`), then
//! the test reconciles what they sent with what is stored. Not part of the default run:
//!
//! ```sh
//! cargo test --test api soak -- --ignored --nocapture                     # SQLite
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo test --test api soak::postgres -- --ignored --nocapture          # PostgreSQL
//! benches/soak2.sh          # two `ipartnerschap serve` processes on one PostgreSQL database
//! ```
//!
//! With several instances (`SOAK_ENDPOINTS`, see [`two_instances_on_one_database_lose_nothing_and_serve_nothing_stale`]),
//! every client writes on one instance and reads on another.
//!
//! Clients: sync clients of four institutions (two per institution on a shared set of
//! `externId`s, sending identical content, plus one with its own set that it changes and
//! withdraws), editors that create fieldlabs and update them with optimistic concurrency
//! (retrying on `CONFLICT`), and readers (lists, `node`, statistics, the change feed).
//! Afterwards: no 5xx and no unexpected error; every opdracht is stored once, in the state of
//! the last batch that was applied; every fieldlab has the last name written and a version that
//! counts the successful updates; the audit trail has exactly one entry per change reported;
//! and no stale answer: after every write confirmed by one instance, the writer reads it back
//! (the same query each time, so a cached answer would be found) from another instance, or
//! the same one when there is only one.

use crate::harness::{Backend, TestApp, demo};
use crate::sync::SYNC;
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a minute of load: run with --ignored"]
async fn sqlite_soak_many_clients_for_a_minute_lose_and_duplicate_nothing() {
    soak(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a minute of load: run with --ignored"]
async fn postgres_soak_many_clients_for_a_minute_lose_and_duplicate_nothing() {
    if crate::harness::postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: the PostgreSQL soak did not run");
        return;
    }
    soak(Backend::Postgres).await;
}

/// The soak against API processes started elsewhere on one database: `SOAK_ENDPOINTS` (their
/// GraphQL URLs, comma-separated) and `SOAK_DATABASE_URL`, the database they share with the
/// demo data loaded; they must accept the test tokens (`JWT_SECRET` = [`crate::harness::SECRET`]).
/// `benches/soak2.sh` starts two and runs this.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs running instances: run benches/soak2.sh"]
async fn two_instances_on_one_database_lose_nothing_and_serve_nothing_stale() {
    let (Ok(url), Ok(endpoints)) = (
        std::env::var("SOAK_DATABASE_URL"),
        std::env::var("SOAK_ENDPOINTS"),
    ) else {
        eprintln!("SOAK_DATABASE_URL and SOAK_ENDPOINTS are not set: the soak did not run");
        return;
    };
    let mut apps = Vec::new();
    for endpoint in endpoints
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        apps.push(Arc::new(TestApp::running_at(&url, endpoint).await));
    }
    run(apps).await;
}

const INSTELLINGEN: [&str; 4] = [demo::HU, demo::UU, demo::HANZE, demo::FONTYS];

#[derive(Default)]
struct Tellers {
    verzoeken: AtomicU64,
    serverfouten: AtomicU64,
    /// Changes reported by syncs (created + updated + deleted).
    sync_wijzigingen: AtomicU64,
    /// Reads after a confirmed write that did not show it.
    verouderd: AtomicU64,
}

fn item(prefix: &str, n: usize, versie: u64, uitvoerder: &str) -> Value {
    json!({
        "externId": format!("{prefix}-{n}"),
        "naam": format!("Soak {prefix} {n} v{versie}"),
        "opdrachtSoort": "STAGE",
        "opdrachtgever": demo::DUO,
        "uitvoerders": [uitvoerder],
        "themas": ["DATA_AI"],
    })
}

async fn verstuur(app: &TestApp, token: &str, query: &str, variables: Value, t: &Tellers) -> Value {
    t.verzoeken.fetch_add(1, Ordering::Relaxed);
    let antwoord = app.with_token(token).query(query, variables).await;
    if antwoord.status >= 500 {
        t.serverfouten.fetch_add(1, Ordering::Relaxed);
    }
    antwoord.body
}

async fn soak(backend: Backend) {
    run(vec![Arc::new(TestApp::spawn(backend).with_demo().await)]).await;
}

/// Reads `query` as `token` on `app` after a write, `expected` being what it must show; a
/// difference counts as a stale answer (and is kept in `verouderd` for the report).
async fn lees_terug(
    app: &TestApp,
    token: &str,
    (query, variables): (&str, Value),
    expected: impl Fn(&Value) -> bool,
    t: &Tellers,
    verouderd: &mut Vec<String>,
) {
    let body = verstuur(app, token, query, variables, t).await;
    if !expected(&body) {
        t.verouderd.fetch_add(1, Ordering::Relaxed);
        verouderd.push(format!("stale on {}: {body}", app.endpoint));
    }
}

/// The instance a client writes on and the one it reads back from.
fn instances(apps: &[Arc<TestApp>], client: usize) -> (Arc<TestApp>, Arc<TestApp>) {
    let n = apps.len();
    (apps[client % n].clone(), apps[(client + 1) % n].clone())
}

async fn run(apps: Vec<Arc<TestApp>>) {
    let app = apps[0].clone();
    let backend = app.backend;
    let duur = Duration::from_secs(
        std::env::var("SOAK_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60),
    );
    let einde = Instant::now() + duur;
    let t = Arc::new(Tellers::default());
    let mut taken = Vec::new();

    // Sync clients. Per institution: two on a shared set (identical content), one on its own.
    for (i, org) in INSTELLINGEN.iter().enumerate() {
        let token = app.token(Some(org), Rol::Medewerker).await;
        for kopie in 0..2 {
            let (app, t, token) = (instances(&apps, taken.len()).0, t.clone(), token.clone());
            taken.push(tokio::spawn(async move {
                let _ = kopie;
                let mut fouten = Vec::new();
                while Instant::now() < einde {
                    let items: Vec<Value> = (0..100)
                        .map(|n| item(&format!("G{i}"), n, 0, org))
                        .collect();
                    let body = verstuur(
                        &app,
                        &token,
                        SYNC,
                        json!({ "input": { "bron": "soak", "opdrachten": items } }),
                        &t,
                    )
                    .await;
                    tel_sync(&body, &t, &mut fouten);
                }
                (fouten, HashMap::new())
            }));
        }
        let (app, ander) = instances(&apps, taken.len());
        let (t, token) = (t.clone(), token.clone());
        taken.push(tokio::spawn(async move {
            let mut fouten = Vec::new();
            let eigen = (
                "query($z: String!) { opdrachten(first: 100, filter: { zoek: $z }) { nodes { naam } } }",
                json!({ "z": format!("Soak E{i} ") }),
            );
            // externId -> the version last applied (None: withdrawn).
            let mut laatste: HashMap<String, Option<u64>> = HashMap::new();
            let mut ronde = 0u64;
            while Instant::now() < einde {
                ronde += 1;
                let items: Vec<Value> = (0..50).map(|n| item(&format!("E{i}"), n, ronde, org)).collect();
                // Every third round withdraws a few.
                let ingetrokken: Vec<String> = if ronde.is_multiple_of(3) {
                    (40..50).map(|n| format!("E{i}-{n}")).collect()
                } else {
                    Vec::new()
                };
                let items: Vec<Value> = items
                    .into_iter()
                    .filter(|it| !ingetrokken.contains(&it["externId"].as_str().unwrap().to_owned()))
                    .collect();
                let body = verstuur(
                    &app,
                    &token,
                    SYNC,
                    json!({ "input": { "bron": "soak", "opdrachten": items, "ingetrokken": ingetrokken } }),
                    &t,
                )
                .await;
                if tel_sync(&body, &t, &mut fouten) {
                    for it in &items {
                        laatste.insert(it["externId"].as_str().unwrap().to_owned(), Some(ronde));
                    }
                    for e in &ingetrokken {
                        laatste.insert(e.clone(), None);
                    }
                    let mut verwacht: Vec<String> = laatste
                        .iter()
                        .filter_map(|(extern_id, v)| {
                            let n = extern_id.rsplit('-').next().unwrap();
                            v.map(|v| format!("Soak E{i} {n} v{v}"))
                        })
                        .collect();
                    verwacht.sort();
                    let toont = |body: &Value| {
                        let mut namen: Vec<String> = body["data"]["opdrachten"]["nodes"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|n| n["naam"].as_str().map(str::to_owned))
                            .collect();
                        namen.sort();
                        namen == verwacht
                    };
                    lees_terug(&ander, &token, eigen.clone(), toont, &t, &mut fouten).await;
                }
            }
            (fouten, laatste)
        }));
    }

    // Editors: each creates fieldlabs and renames them, with the version it read.
    for e in 0..6 {
        let ((app, ander), t) = (instances(&apps, taken.len()), t.clone());
        let token = app.token(Some(INSTELLINGEN[e % 4]), Rol::Beheerder).await;
        taken.push(tokio::spawn(async move {
            let lab = "query($id: ID!) { node(id: $id) { ... on Fieldlab { versie naam } } }";
            let toont = |versie: u64, naam: String| {
                move |body: &Value| {
                    body["data"]["node"]["versie"].as_u64() == Some(versie)
                        && body["data"]["node"]["naam"].as_str() == Some(naam.as_str())
                }
            };
            let mut fouten = Vec::new();
            let mut laatste: HashMap<String, Option<u64>> = HashMap::new();
            let mut n = 0u64;
            while Instant::now() < einde {
                n += 1;
                let naam = format!("Soaklab {e}-{n}");
                let body = verstuur(&app, &token,
                    "mutation($n: String!) { createFieldlab(input: { naam: $n, regios: [MIDDEN] }) { id versie } }",
                    json!({ "n": naam }), &t).await;
                let Some(id) = body["data"]["createFieldlab"]["id"].as_str().map(str::to_owned) else {
                    fouten.push(format!("create: {body}"));
                    continue;
                };
                let mut versie = 1;
                let terug = (lab, json!({ "id": id }));
                lees_terug(&ander, &token, terug.clone(), toont(1, naam.clone()), &t, &mut fouten).await;
                for k in 1..=3u64 {
                    let nieuw = format!("{naam} r{k}");
                    let body = verstuur(&app, &token,
                        "mutation($id: ID!, $v: Int!, $n: String!) { updateFieldlab(id: $id, versie: $v, input: { naam: $n, regios: [MIDDEN] }) { versie } }",
                        json!({ "id": id, "v": versie, "n": nieuw }), &t).await;
                    match body["data"]["updateFieldlab"]["versie"].as_u64() {
                        Some(v) => versie = v,
                        None => fouten.push(format!("update: {body}")),
                    }
                    lees_terug(&ander, &token, terug.clone(), toont(versie, nieuw), &t, &mut fouten).await;
                }
                laatste.insert(id, Some(versie));
            }
            (fouten, laatste)
        }));
    }

    // Readers.
    for r in 0..6 {
        let (app, t) = (instances(&apps, taken.len()).0, t.clone());
        let token = app.token(Some(INSTELLINGEN[r % 4]), Rol::Lezer).await;
        taken.push(tokio::spawn(async move {
            let mut fouten = Vec::new();
            let queries = [
                "{ opdrachten(first: 50) { totalCount nodes { id naam opdrachtgever { naam } themas { code } } } }",
                "{ fieldlabs(first: 20) { nodes { id naam fieldlabStatus deelnemers { deelnemerRol } } } }",
                "{ statistieken { aantalOpdrachten aantalStudenten perStatus { opdrachtStatus aantal } } }",
                "{ wijzigingen(first: 100) { endCursor wijzigingen { id actie verwijderd } } }",
            ];
            let mut i = 0;
            while Instant::now() < einde {
                i += 1;
                let body = verstuur(&app, &token, queries[i % queries.len()], json!({}), &t).await;
                if body.get("errors").is_some() {
                    fouten.push(format!("read: {body}"));
                }
            }
            (fouten, HashMap::new())
        }));
    }

    let mut fouten = Vec::new();
    let mut eigen_sync: Vec<HashMap<String, Option<u64>>> = Vec::new();
    let mut labs: HashMap<String, Option<u64>> = HashMap::new();
    for (nummer, taak) in taken.into_iter().enumerate() {
        let (f, laatste) = taak.await.expect("client task");
        fouten.extend(f);
        // Task order: per institution 2 shared + 1 own sync client, then 6 editors, then readers.
        if nummer < 12 && nummer % 3 == 2 {
            eigen_sync.push(laatste);
        } else if (12..18).contains(&nummer) {
            labs.extend(laatste);
        }
    }
    let verzoeken = t.verzoeken.load(Ordering::Relaxed);
    let verouderd = t.verouderd.load(Ordering::Relaxed);
    eprintln!(
        "soak on {backend:?}, {} instance(s): {verzoeken} requests in {duur:?}, {} 5xx, \
         {} unexpected errors (of which {verouderd} stale reads); load average {}",
        apps.len(),
        t.serverfouten.load(Ordering::Relaxed),
        fouten.len(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    for stale in fouten.iter().filter(|f| f.starts_with("stale")) {
        eprintln!("{stale}");
    }
    for instance in &apps {
        let metrics = instance
            .get("/metrics")
            .await
            .text()
            .await
            .unwrap_or_default();
        let cache: Vec<&str> = metrics
            .lines()
            .filter(|l| l.starts_with("ipartnerschap_response_cache_"))
            .collect();
        eprintln!("{}: {}", instance.endpoint, cache.join(", "));
    }
    assert!(
        fouten.is_empty(),
        "{} unexpected errors, e.g. {:?}",
        fouten.len(),
        &fouten[..fouten.len().min(3)]
    );
    assert_eq!(verouderd, 0, "no stale answer");
    assert_eq!(t.serverfouten.load(Ordering::Relaxed), 0, "no 5xx");

    // Every opdracht once, in the last applied state.
    for (i, org) in INSTELLINGEN.iter().enumerate() {
        let org_sql = format!("(SELECT id FROM organisaties WHERE schac_home = '{org}')");
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM opdrachten WHERE eigenaar_id = {org_sql} AND extern_id LIKE 'G{i}-%'")).await,
            100,
            "{org}: the shared set once, whichever client created it"
        );
        for (extern_id, versie) in &eigen_sync[i] {
            let sql = format!(
                "SELECT COUNT(*) FROM opdrachten WHERE eigenaar_id = {org_sql} AND extern_id = '{extern_id}'{}",
                match versie {
                    Some(v) => format!(" AND naam LIKE '% v{v}'"),
                    None => String::new(),
                }
            );
            let verwacht = i64::from(versie.is_some());
            assert_eq!(
                app.scalar(&sql).await,
                verwacht,
                "{org} {extern_id} {versie:?}"
            );
        }
    }
    // Every fieldlab with its last version.
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for (id, versie) in &labs {
        let body = bureau
            .query(
                "query($id: ID!) { node(id: $id) { ... on Fieldlab { versie naam } } }",
                json!({ "id": id }),
            )
            .await
            .body;
        assert_eq!(
            body["data"]["node"]["versie"].as_u64(),
            *versie,
            "{id}: {body}"
        );
        assert!(
            body["data"]["node"]["naam"]
                .as_str()
                .unwrap()
                .ends_with(" r3")
        );
    }
    // The audit trail matches what the clients were told.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM wijzigingen WHERE bron = 'soak'")
            .await as u64,
        t.sync_wijzigingen.load(Ordering::Relaxed),
        "one audit entry per synced change"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM wijzigingen WHERE record_type = 'FIELDLAB'")
            .await as usize,
        labs.len() * 4,
        "a create and three updates per fieldlab"
    );
}

/// Counts a sync response's changes; `false` (and a problem noted) if it was not applied.
fn tel_sync(body: &Value, t: &Tellers, fouten: &mut Vec<String>) -> bool {
    let r = &body["data"]["syncOpdrachten"];
    if r["toegepast"] != true {
        fouten.push(format!("sync: {body}"));
        return false;
    }
    let n = |k: &str| r["totalen"][k].as_u64().unwrap_or(0);
    t.sync_wijzigingen.fetch_add(
        n("created") + n("updated") + n("deleted"),
        Ordering::Relaxed,
    );
    true
}
