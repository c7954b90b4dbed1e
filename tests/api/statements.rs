//! No N+1: the number of SQL statements of a request does not grow with the number of rows.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::json;

dual_tests!(
    a_page_of_opdrachten_with_relations_costs_the_same_statements_for_10_or_100_rows,
    a_page_of_fieldlabs_and_organisations_with_relations_costs_the_same_for_3_or_all,
    a_total_count_alone_runs_no_page_and_a_page_alone_no_count,
    the_links_of_a_page_are_read_by_the_ids_of_its_rows_alone,
);

const OPDRACHTEN: &str = "query($n: Int) { opdrachten(first: $n) { totalCount nodes { naam \
    opdrachtgever { naam ... on Rijkspartner { moederorganisatie { naam } } } \
    uitvoerders { naam } eigenaar { naam } fieldlab { naam themas { code } } lectoraat { naam } minor { naam } \
    themas { code naam } } } }";

/// Statements executed by one request.
async fn statements(caller: &Caller<'_>, query: &str, n: i64) -> u64 {
    // The caller's token is made before counting: only the request's statements count.
    caller.token().await;
    let before = caller.app().db.statements_executed();
    let antwoord = caller.query(query, json!({ "n": n })).await;
    antwoord.data();
    caller.app().db.statements_executed() - before
}

async fn a_page_of_opdrachten_with_relations_costs_the_same_statements_for_10_or_100_rows(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let tien = statements(&t, OPDRACHTEN, 10).await;
    let honderd = statements(&t, OPDRACHTEN, 100).await;
    assert!(tien > 0, "the counter counts");
    assert_eq!(
        tien, honderd,
        "statements grow with rows: {tien} for 10, {honderd} for 100"
    );
    assert!(honderd <= 15, "{honderd} statements for one page");
}

async fn a_page_of_fieldlabs_and_organisations_with_relations_costs_the_same_for_3_or_all(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    // The token is made before counting: only the requests' statements count.
    t.token().await;
    // The few rows of each narrow request already have every relation the query asks for
    // (AI-Labs: participants, lectoraten with partners; the two Utrecht institutions: fieldlabs,
    // lectoraten, minoren), so any difference would come from the number of rows. One root
    // field per request: two root lists run side by side, and how their batches meet depends
    // on which list query the database answers first.
    let labs = "query($z: String) { fieldlabs(first: 100, filter: {zoek: $z}) { nodes { naam \
        themas { code } penvoerder { naam } deelnemers { deelnemerRol organisatie { naam } } \
        lectoraten { naam partners { naam } } } } }";
    let instellingen = "query($z: String) { kennisinstellingen(first: 100, filter: {zoek: $z}) { \
        nodes { naam fieldlabs { naam } lectoraten { naam } minoren { naam } communities { naam } } } }";
    for (query, zoek, weinig_rijen, alle_rijen) in
        [(labs, "AI-Labs", 1, 10), (instellingen, "Utrecht", 2, 34)]
    {
        let mut tellingen = Vec::new();
        for (z, rijen) in [(json!(zoek), weinig_rijen), (json!(null), alle_rijen)] {
            let before = app.db.statements_executed();
            let antwoord = t.query(query, json!({ "z": z })).await;
            let (_, lijst) = antwoord.data().as_object().unwrap().iter().next().unwrap();
            assert_eq!(lijst["nodes"].as_array().unwrap().len(), rijen);
            tellingen.push(app.db.statements_executed() - before);
        }
        assert_eq!(
            tellingen[0], tellingen[1],
            "{tellingen:?} statements for {weinig_rijen} and {alle_rijen} rows"
        );
    }
}

/// The statements `query` runs as `caller` on opdrachten and their link tables, as SQL text
/// (not the caller's organisation or the cache's data version, which every request reads).
async fn sql_of(caller: &Caller<'_>, query: &str) -> Vec<String> {
    caller.token().await;
    let log = caller.app().db.record_statements();
    caller.query(query, json!({})).await.data();
    log.take()
        .into_iter()
        .map(|s| s.sql)
        .filter(|sql| sql.contains("\"opdracht"))
        .collect()
}

fn counts(sql: &[String]) -> usize {
    sql.iter().filter(|s| s.contains("COUNT(*)")).count()
}

async fn a_total_count_alone_runs_no_page_and_a_page_alone_no_count(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::HU, Rol::Lezer);
    let alleen_aantal = sql_of(&t, "{ opdrachten { totalCount } }").await;
    assert_eq!(alleen_aantal.len(), 1, "{alleen_aantal:#?}");
    assert_eq!(counts(&alleen_aantal), 1, "{alleen_aantal:#?}");
    for pagina in [
        "{ opdrachten { nodes { naam } } }",
        "{ opdrachten { edges { cursor } } }",
        "{ opdrachten { pageInfo { hasNextPage } } }",
        "{ opdrachten { ... on OpdrachtConnection { nodes { naam } } } }",
    ] {
        let sql = sql_of(&t, pagina).await;
        assert_eq!(sql.len(), 1, "{pagina}: {sql:#?}");
        assert_eq!(counts(&sql), 0, "{pagina}: {sql:#?}");
    }
    let beide = sql_of(&t, "{ opdrachten { totalCount nodes { naam } } }").await;
    assert_eq!((beide.len(), counts(&beide)), (2, 1), "{beide:#?}");
}

async fn the_links_of_a_page_are_read_by_the_ids_of_its_rows_alone(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::HU, Rol::Lezer);
    let sql = sql_of(
        &t,
        "{ opdrachten(first: 100) { nodes { themas { code } uitvoerders { naam } } } }",
    )
    .await;
    let links: Vec<&String> = sql
        .iter()
        .filter(|s| {
            s.contains("FROM \"opdracht_themas\"")
                || s.contains(
                    "FROM \"opdracht_uitvoerders\" WHERE \"opdracht_uitvoerders\".\"opdracht_id\"",
                )
        })
        .collect();
    assert_eq!(links.len(), 2, "{sql:#?}");
    for link in links {
        assert!(
            !link.contains("\"opdrachten\""),
            "a link of rows that passed the scope tests the scope again: {link}"
        );
    }
}
