//! In-process benchmark of one request shape, without HTTP: `cargo bench --bench pagina`.
//!
//! Runs the page of 100 opdrachten with their relations (`benches/wrk/opdrachten.json`) for
//! the programme office against SQLite with the demo data, one request at a time, and prints
//! the time per request of execution (resolvers, loaders, SQL) and of writing the response as
//! JSON, and of the spec's steps around execution (the argument checks before it and the
//! completion of the answer after it, `graphql::spec`; `PAGINA_SPEC=off` leaves them out). It
//! isolates the API's cost per page when the answer is not in the answer cache (the
//! figure the load benchmark's uncached throughput follows from); use it with `perf` to find
//! where that time goes.

use ipartnerschap::auth::{Principal, Rol};
use ipartnerschap::db::Database;
use ipartnerschap::graphql::{Keys, Loaders, schema_with, spec, with_batches, with_keys};
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
    // PAGINA_SPEC=off: without the spec's steps (and without the `__typename` they add), to
    // compare.
    let with_spec = std::env::var("PAGINA_SPEC").as_deref() != Ok("off");
    let (mut uitvoering, mut schrijven, mut spec) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut bytes = 0;
    for i in 0..n + 20 {
        let scope = db.scope(Some(principal.clone()));
        let (loaders, wachtrij) = Loaders::new(scope.clone());
        let mut request = async_graphql::Request::new(query.clone());
        let t0 = Instant::now();
        let written = match with_spec {
            true => spec::prepare(&mut request),
            false => None,
        };
        if let Some(written) = &written {
            let checked = with_keys(sleutels.clone(), written.check_arguments(&scope)).await;
            assert!(checked.is_ok(), "the arguments are right");
        }
        let t1 = Instant::now();
        let request = request.data(loaders).data(scope);
        let response = with_keys(
            sleutels.clone(),
            with_batches(wachtrij, schema.execute(request)),
        )
        .await;
        let t2 = Instant::now();
        let response = match &written {
            Some(written) => written.complete(response),
            None => response,
        };
        let t3 = Instant::now();
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let json = serde_json::to_vec(&response).unwrap();
        let t4 = Instant::now();
        if i >= 20 {
            spec += (t1 - t0) + (t3 - t2);
            uitvoering += t2 - t1;
            schrijven += t4 - t3;
            bytes = json.len();
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / f64::from(n);
    println!(
        "page of 100 opdrachten, {n} requests: execution {:.2} ms, argument checks and completion {:.2} ms, JSON {:.2} ms per request ({bytes} bytes)",
        ms(uitvoering),
        ms(spec),
        ms(schrijven)
    );
}
