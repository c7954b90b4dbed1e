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
        let plan = explain(&conn, &statement).await;
        plans.push((statement.sql, plan));
    }
    assert!(!plans.is_empty(), "the query read no opdrachten: {query}");
    plans
}

/// PostgreSQL's plan of a recorded statement, with its values.
async fn explain(conn: &sea_orm::DatabaseConnection, statement: &Statement) -> Value {
    let explain = Statement {
        sql: format!("EXPLAIN (FORMAT JSON) {}", statement.sql),
        ..statement.clone()
    };
    let row = conn
        .query_one_raw(explain)
        .await
        .expect("explain")
        .expect("a plan");
    row.try_get("", "QUERY PLAN").expect("the plan as JSON")
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

/// Every node of `plan` (a plan node is a JSON object; its children are nested in it), each
/// passed to `visit`.
fn each_node(plan: &Value, visit: &mut impl FnMut(&serde_json::Map<String, Value>)) {
    match plan {
        Value::Object(node) => {
            visit(node);
            node.values().for_each(|v| each_node(v, visit));
        }
        Value::Array(items) => items.iter().for_each(|v| each_node(v, visit)),
        _ => {}
    }
}

/// The relations read by a plan node of type `kind` anywhere in `plan`.
fn scans(kind: &str, plan: &Value) -> Vec<String> {
    let mut found = Vec::new();
    each_node(plan, &mut |node| {
        if node.get("Node Type") == Some(&json!(kind))
            && let Some(Value::String(relation)) = node.get("Relation Name")
        {
            found.push(relation.clone());
        }
    });
    found
}

/// Fails when a statement of `query` (as `who`) scans `opdrachten` whole.
async fn assert_no_scan_of_opdrachten(who: Who, query: &str, variables: Value) {
    assert_no_node_on_opdrachten("Seq Scan", who, query, variables).await
}

/// Fails when a plan node of type `kind` of a statement of `query` (as `who`) reads
/// `opdrachten`.
async fn assert_no_node_on_opdrachten(kind: &str, who: Who, query: &str, variables: Value) {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: plan test not run");
        return;
    }
    for (sql, plan) in plans(who, query, variables).await {
        let found = scans(kind, &plan);
        assert!(
            !found.iter().any(|relation| relation == "opdrachten"),
            "a {kind} of opdrachten at {GENERATED} rows:\n{sql}\n{plan:#}"
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
    a_page_as_a_kennismakelaar_walks_the_order_without_collecting_its_regions_first:
        walks_the_order(Who::Kennismakelaar(&["MIDDEN", "WEST"]));
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
    the_total_count_as_an_organisation_scoped_lezer_is_answered_from_indexes_alone:
        from_indexes_alone(Who::Lezer(demo::HANZE), COUNT);
}

/// Fails when a statement of `query` (as `who`) reads rows of `opdrachten` itself (a heap
/// scan after an index, or an index scan that is not index-only) rather than its indexes.
async fn from_indexes_alone(who: Who, query: &str) {
    for kind in ["Bitmap Heap Scan", "Index Scan"] {
        assert_no_node_on_opdrachten(kind, who, query, json!({})).await;
    }
}

/// Fails unless the page statement of [`PAGE`] (as `who`) walks the default ordering index and
/// stops after the page, testing each row against the rule as it goes. The alternative, the
/// ids of every row the caller may see collected and sorted first, costs what the caller may
/// see (for a kennismakelaar of two regions, tens of thousands of rows) for each page of 100.
async fn walks_the_order(who: Who) {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: plan test not run");
        return;
    }
    let pages: Vec<_> = plans(who, PAGE, json!({}))
        .await
        .into_iter()
        .filter(|(sql, _)| sql.contains("LIMIT"))
        .collect();
    assert!(!pages.is_empty(), "no page statement");
    for (sql, plan) in pages {
        let scans = index_scans_of_opdrachten(&plan);
        assert!(
            scans
                .iter()
                .any(|(index, _)| index == "idx_opdrachten_orde_startdatum"),
            "the page does not walk the ordering index:\n{sql}\n{plan:#}"
        );
        let sorts = count_of_kind("Sort", &plan);
        assert!(
            sorts == 0,
            "the page sorts what it collected:\n{sql}\n{plan:#}"
        );
    }
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

/// The number of plan nodes of type `kind` in `plan`.
fn count_of_kind(kind: &str, plan: &Value) -> usize {
    let mut found = 0;
    each_node(plan, &mut |node| {
        found += usize::from(node.get("Node Type") == Some(&json!(kind)));
    });
    found
}

/// The indexes scans in `plan` read `opdrachten` by, with their conditions.
fn index_scans_of_opdrachten(plan: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    each_node(plan, &mut |node| {
        if node.get("Relation Name") == Some(&json!("opdrachten"))
            && let Some(Value::String(index)) = node.get("Index Name")
        {
            let condition = node.get("Index Cond").and_then(Value::as_str);
            found.push((index.clone(), condition.unwrap_or_default().to_owned()));
        }
    });
    found
}

/// A sync finds the opdrachten of its batch by their key (owner, externId), one probe of the
/// unique index per item, also while the statistics are those of an almost empty table (as
/// during the first syncs of a new database, before autovacuum has analyzed it). An index on
/// the owner alone looks cheaper to a planner without statistics, and reads every opdracht of
/// the owner for every item: a batch of 1,000 then costs 1,000 × the owner's opdrachten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_finds_its_items_by_their_key_before_the_statistics_know_the_table() {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: plan test not run");
        return;
    }
    let app = TestApp::spawn(Backend::Postgres).with_demo().await;
    let medewerker = app.als(demo::HU, Rol::Medewerker);
    let items: Vec<Value> = (0..1000).map(crate::sync::item).collect();
    let batch = json!({ "input": { "bron": "osiris", "opdrachten": items } });
    let eerste = medewerker.query(crate::sync::SYNC, batch.clone()).await;
    assert_eq!(eerste.data()["syncOpdrachten"]["totalen"]["created"], 1000);
    let log = app.db.record_statements();
    let tweede = medewerker.query(crate::sync::SYNC, batch).await;
    assert_eq!(
        tweede.data()["syncOpdrachten"]["totalen"]["unchanged"],
        1000
    );
    let conn = app.raw().await;
    let mut lookups = 0;
    for statement in log.take() {
        if !(statement.sql.contains("FROM \"opdrachten\"")
            && statement.sql.contains("json_array_elements_text"))
        {
            continue;
        }
        lookups += 1;
        let scans = index_scans_of_opdrachten(&explain(&conn, &statement).await);
        assert!(
            !scans.is_empty()
                && scans
                    .iter()
                    .all(|(_, condition)| condition.contains("extern_id")),
            "the lookup does not probe by (owner, externId): {scans:?}\n{}",
            statement.sql
        );
    }
    assert!(lookups > 0, "no lookup by externId was recorded");
}
