//! In-process benchmark of one request shape, without HTTP: `cargo bench --bench pagina`.
//!
//! Runs the page of 100 opdrachten with their relations (`benches/wrk/opdrachten.json`) for
//! the programme office against SQLite with the demo data, one request at a time, and prints
//! the time per request of execution (resolvers, loaders, SQL) and of writing the response as
//! JSON. It isolates the API's cost per page when the answer is not in the answer cache (the
//! figure the load benchmark's uncached throughput follows from); use it with `perf` to find
//! where that time goes.

use ipartnerschap::auth::{Principal, Rol};
use ipartnerschap::db::Database;
use ipartnerschap::graphql::{Keys, Loaders, schema_with, with_batches, with_keys};
use std::time::{Duration, Instant};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/pagina.db?mode=rwc", dir.path().display());
    let db = Database::connect(&url, 4).await.expect("connect");
    db.migrate_up().await.expect("migrate");
    db.seed_demo().await.expect("demo data");
    let bureau = db.programmabureau().await.expect("programme office");
    let principal = Principal {
        subject: "bench".into(),
        rol: Rol::Programmabureau,
        organisatie_id: bureau.id,
        organisatie_soort: bureau.soort,
        regios: Vec::new(),
    };
    let body: serde_json::Value =
        serde_json::from_str(include_str!("wrk/opdrachten.json")).unwrap();
    let query = body["query"].as_str().unwrap().to_owned();
    let schema = schema_with(false);
    let sleutels = std::sync::Arc::new(Keys::load(&db).await.expect("the id keys"));
    let n: u32 = std::env::var("PAGINA_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let (mut uitvoering, mut schrijven) = (Duration::ZERO, Duration::ZERO);
    let mut bytes = 0;
    for i in 0..n + 20 {
        let scope = db.scope(Some(principal.clone()));
        let (loaders, wachtrij) = Loaders::new(scope.clone());
        let request = async_graphql::Request::new(query.clone())
            .data(loaders)
            .data(scope);
        let t0 = Instant::now();
        let response = with_keys(
            sleutels.clone(),
            with_batches(wachtrij, schema.execute(request)),
        )
        .await;
        let t1 = Instant::now();
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let json = serde_json::to_vec(&response).unwrap();
        let t2 = Instant::now();
        if i >= 20 {
            uitvoering += t1 - t0;
            schrijven += t2 - t1;
            bytes = json.len();
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / f64::from(n);
    println!(
        "page of 100 opdrachten, {n} requests: execution {:.2} ms, JSON {:.2} ms per request ({bytes} bytes)",
        ms(uitvoering),
        ms(schrijven)
    );
}
