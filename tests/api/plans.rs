//! The plans of the hot reads at scale: on PostgreSQL with 100,000 generated opdrachten (and
//! the demo's 548), no statement of a hot query may read the whole `opdrachten` table.
//!
//! Why a plan test and not a timed one: a timing fails on a busy machine and passes on a fast
//! one, while a plan that falls back to a sequential scan (an ordering no index matches, a
//! visibility rule written as an `OR` the planner cannot split) is the regression itself, and
//! is visible in `EXPLAIN` on any machine. At demo size a sequential scan is the right plan,
//! so these tests need the large table; its statistics are fresh (`VACUUM ANALYZE`), as
//! autovacuum keeps them on a live database.
//!
//! Each test sends its query over HTTP to the real router, records the statements the request
//! executed (with their values) and asks PostgreSQL for the plan of each. PostgreSQL only:
//! SQLite has no cost-based choice between these plans to regress.

use crate::harness::{Backend, TestApp, demo, fresh_database, jwt_keys, postgres_url};
use ipartnerschap::auth::Rol;
use ipartnerschap::db::Database;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

/// Generated opdrachten in the shared database.
const GENERATED: usize = 100_000;

/// The database with the demo and the generated opdrachten, made once for all plan tests.
static LARGE: OnceCell<String> = OnceCell::const_new();

async fn large_database() -> &'static str {
    LARGE
        .get_or_init(|| async {
            let (url, _) = fresh_database(Backend::Postgres).await;
            let db = Database::connect(&url, 2).await.expect("connect");
            db.migrate_up().await.expect("migrate");
            db.seed_demo().await.expect("demo data");
            db.seed_generated(GENERATED)
                .await
                .expect("generated opdrachten");
            let conn = sea_orm::Database::connect(url.as_str())
                .await
                .expect("connect");
            conn.execute_unprepared("VACUUM ANALYZE")
                .await
                .expect("vacuum");
            url
        })
        .await
}

/// Who asks.
#[derive(Clone, Copy)]
enum Who {
    Programmabureau,
    /// A lezer of this kennisinstelling.
    Lezer(&'static str),
    /// A kennismakelaar of HU for these regions.
    Kennismakelaar(&'static [&'static str]),
}

/// Sends `query` as `who` and returns the plans of the statements it ran on `opdrachten`, as
/// `(sql, plan)`.
async fn plans(who: Who, query: &str, variables: Value) -> Vec<(String, Value)> {
    let url = large_database().await;
    let app = TestApp::attach(Backend::Postgres, url, jwt_keys()).await;
    let caller = match who {
        Who::Programmabureau => app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
        Who::Lezer(org) => app.als(org, Rol::Lezer),
        Who::Kennismakelaar(regios) => app.als_kennismakelaar(demo::HU, regios),
    };
    caller.token().await;
    let variables = with_ids(&caller, variables).await;
    let log = app.db.record_statements();
    let antwoord = caller.query(query, variables).await;
    antwoord.data();
    let statements = log.take();
    let conn = sea_orm::Database::connect(url).await.expect("connect");
    let mut plans = Vec::new();
    for statement in statements {
        if !statement.sql.contains("FROM \"opdrachten\"") {
            continue;
        }
        let explain = Statement {
            sql: format!("EXPLAIN (FORMAT JSON) {}", statement.sql),
            ..statement.clone()
        };
        let row = conn
            .query_one_raw(explain)
            .await
            .expect("explain")
            .expect("a plan");
        let plan: Value = row.try_get("", "QUERY PLAN").expect("the plan as JSON");
        plans.push((statement.sql, plan));
    }
    assert!(!plans.is_empty(), "the query read no opdrachten: {query}");
    plans
}

/// `variables` with every text `@key` replaced by the id of the organisation with that key.
async fn with_ids(caller: &crate::harness::Caller<'_>, variables: Value) -> Value {
    match variables {
        Value::String(s) if s.starts_with('@') => {
            let antwoord = caller
                .query(
                    "query($k: String!) { organisatie(sleutel: $k) { id } }",
                    json!({ "k": &s[1..] }),
                )
                .await;
            antwoord.data()["organisatie"]["id"].clone()
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(k, Box::pin(with_ids(caller, v)).await);
            }
            Value::Object(out)
        }
        other => other,
    }
}

/// The relations scanned whole anywhere in `plan`.
fn sequential_scans(plan: &Value, found: &mut Vec<String>) {
    match plan {
        Value::Object(node) => {
            if node.get("Node Type") == Some(&json!("Seq Scan"))
                && let Some(Value::String(relation)) = node.get("Relation Name")
            {
                found.push(relation.clone());
            }
            node.values().for_each(|v| sequential_scans(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| sequential_scans(v, found)),
        _ => {}
    }
}

/// Fails when a statement of `query` (as `who`) scans `opdrachten` whole.
async fn assert_no_scan_of_opdrachten(who: Who, query: &str, variables: Value) {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: plan test not run");
        return;
    }
    for (sql, plan) in plans(who, query, variables).await {
        let mut scans = Vec::new();
        sequential_scans(&plan, &mut scans);
        assert!(
            !scans.iter().any(|relation| relation == "opdrachten"),
            "a sequential scan of opdrachten at {GENERATED} rows:\n{sql}\n{plan:#}"
        );
    }
}

/// A page of 100 with the relations of `benches/wrk/opdrachten.json`.
const PAGE: &str = "query($f: OpdrachtFilter, $o: OpdrachtSortering) { \
    opdrachten(first: 100, filter: $f, orderBy: $o) { nodes { id naam opdrachtStatus \
    startdatum opdrachtgever { naam } uitvoerders { naam } fieldlab { naam } themas { code } } \
    pageInfo { endCursor } } }";

const COUNT: &str = "query($f: OpdrachtFilter) { opdrachten(filter: $f) { totalCount } }";

async fn page(who: Who, filter: Value) {
    assert_no_scan_of_opdrachten(who, PAGE, json!({ "f": filter })).await;
}

macro_rules! plan_tests {
    ($($name:ident: $body:expr;)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                $body.await
            }
        )*
    };
}

plan_tests! {
    a_page_of_opdrachten_as_the_programme_office_walks_an_index:
        page(Who::Programmabureau, json!({}));
    a_page_by_status_walks_an_index:
        page(Who::Programmabureau, json!({ "opdrachtStatus": ["IN_UITVOERING"] }));
    a_page_by_theme_walks_an_index:
        page(Who::Programmabureau, json!({ "themas": ["DATA_AI"] }));
    a_page_by_region_walks_an_index:
        page(Who::Programmabureau, json!({ "regio": ["NOORD"] }));
    a_page_by_onderwijssoort_walks_an_index:
        page(Who::Programmabureau, json!({ "onderwijssoort": ["MBO"] }));
    a_search_for_a_rare_word_uses_the_trigram_indexes:
        page(Who::Programmabureau, json!({ "zoek": "zeldzaamwoord" }));
    a_page_by_date_range_walks_an_index:
        page(Who::Programmabureau, json!({ "startdatumVanaf": "2023-01-01", "startdatumTotEnMet": "2023-03-31" }));
    a_page_by_opdrachtgever_walks_an_index:
        page(Who::Programmabureau, json!({ "opdrachtgever": format!("@{}", demo::DUO) }));
    a_page_by_uitvoerder_walks_an_index:
        page(Who::Programmabureau, json!({ "uitvoerder": format!("@{}", demo::HU) }));
    a_page_by_organisatie_walks_an_index:
        page(Who::Programmabureau, json!({ "organisatie": format!("@{}", demo::HANZE) }));
    a_page_as_an_organisation_scoped_lezer_walks_an_index:
        page(Who::Lezer(demo::HANZE), json!({}));
    a_page_as_a_kennismakelaar_of_two_regions_walks_an_index:
        page(Who::Kennismakelaar(&["NOORD", "OOST"]), json!({}));
    a_page_ordered_by_name_descending_walks_an_index:
        assert_no_scan_of_opdrachten(Who::Programmabureau, PAGE, json!({ "o": { "veld": "NAAM", "richting": "DESC" } }));
    a_page_ordered_by_last_change_walks_an_index:
        assert_no_scan_of_opdrachten(Who::Programmabureau, PAGE, json!({ "o": { "veld": "GEWIJZIGD_OP" } }));
    a_later_page_walks_the_index_from_its_cursor:
        later_page();
    the_total_count_by_status_and_theme_reads_no_whole_table:
        assert_no_scan_of_opdrachten(Who::Programmabureau, COUNT, json!({ "f": { "opdrachtStatus": ["IN_UITVOERING"], "themas": ["DATA_AI"] } }));
    the_total_count_as_an_organisation_scoped_lezer_reads_no_whole_table:
        assert_no_scan_of_opdrachten(Who::Lezer(demo::HANZE), COUNT, json!({}));
}

/// The second page: the keyset of its cursor is a range of the ordering index, not a filter
/// over all rows before it.
async fn later_page() {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: plan test not run");
        return;
    }
    let url = large_database().await;
    let app = TestApp::attach(Backend::Postgres, url, jwt_keys()).await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let eerste = t
        .query(
            "{ opdrachten(first: 100, after: null) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = eerste.data()["opdrachten"]["pageInfo"]["endCursor"].clone();
    assert_no_scan_of_opdrachten(
        Who::Programmabureau,
        PAGE.replace("first: 100", "first: 100, after: $c")
            .replace("$o: OpdrachtSortering", "$o: OpdrachtSortering, $c: String")
            .as_str(),
        json!({ "c": cursor }),
    )
    .await;
}
