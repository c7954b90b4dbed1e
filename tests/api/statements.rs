//! No N+1: the number of SQL statements of a request does not grow with the number of rows.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::json;

dual_tests!(
    a_page_of_opdrachten_with_relations_costs_the_same_statements_for_10_or_100_rows,
    a_page_of_fieldlabs_and_organisations_with_relations_costs_the_same_for_3_or_all,
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
