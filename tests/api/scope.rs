//! The scope holds everywhere: a lezer of one hogeschool never sees another's opdrachten, not
//! in lists, not by id, not nested under other records, not in the statistics. Anonymous callers
//! see no opdrachten at all.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};
use std::collections::HashSet;

dual_tests!(
    a_hogeschool_lezer_sees_exactly_its_own_opdrachten_everywhere,
    an_anonymous_caller_sees_no_opdrachten_anywhere,
);

/// `extern_id`s of the opdrachten Hanze owns or carries out.
const HANZE: &str = "SELECT o.extern_id FROM opdrachten o WHERE o.eigenaar_id = (SELECT id FROM organisaties WHERE schac_home = 'hanze.nl') \
     OR o.id IN (SELECT u.opdracht_id FROM opdracht_uitvoerders u JOIN organisaties k ON k.id = u.organisatie_id WHERE k.schac_home = 'hanze.nl')";

async fn extern_ids(app: &TestApp, sql: &str) -> HashSet<String> {
    use sea_orm::ConnectionTrait;
    let conn = app.raw().await;
    conn.query_all_raw(sea_orm::Statement::from_string(
        conn.get_database_backend(),
        sql,
    ))
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.try_get_by_index::<String>(0).unwrap())
    .collect()
}

fn ids_of(nodes: &[Value]) -> HashSet<String> {
    nodes
        .iter()
        .map(|n| n["externId"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_hogeschool_lezer_sees_exactly_its_own_opdrachten_everywhere(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let eigen = extern_ids(&app, HANZE).await;
    assert!(eigen.len() > 10, "Hanze has opdrachten in the demo data");
    let hanze = app.als(demo::HANZE, Rol::Lezer);

    // Lists, in both directions.
    let query = "query($first: Int, $after: String, $last: Int, $before: String) { \
        opdrachten(first: $first, after: $after, last: $last, before: $before) { \
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id externId } } }";
    let vooruit = hanze.all_pages(query, "opdrachten", 13, true).await;
    assert_eq!(ids_of(&vooruit), eigen);
    assert_eq!(vooruit.len(), eigen.len());
    let achteruit = hanze.all_pages(query, "opdrachten", 100, false).await;
    assert_eq!(ids_of(&achteruit), eigen);

    // By id: an opdracht of another institution does not exist for Hanze.
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let alle = bureau.all_pages(query, "opdrachten", 100, true).await;
    let vreemd = alle
        .iter()
        .find(|n| !eigen.contains(n["externId"].as_str().unwrap()))
        .unwrap();
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let antwoord = hanze.query(node, json!({ "id": vreemd["id"] })).await;
    antwoord.assert_not_found();
    let eigen_node = vooruit[0]["id"].clone();
    assert_eq!(
        hanze.query(node, json!({ "id": eigen_node })).await.data()["node"]["id"],
        eigen_node
    );

    // Nested: under every fieldlab, kennisinstelling and rijkspartner, only Hanze's opdrachten.
    // (Several requests: all of it in one would be over the cost limit.)
    let mut genest = HashSet::new();
    let mut verzamel = |data: &Value, list: &str| {
        for node in data[list]["nodes"].as_array().unwrap() {
            genest.extend(ids_of(node["opdrachten"]["nodes"].as_array().unwrap()));
        }
    };
    let geneste = |list: &str, first: usize| {
        format!(
            "query($after: String) {{ {list}(first: {first}, after: $after) {{ \
               pageInfo {{ hasNextPage endCursor }} nodes {{ opdrachten(first: 100) {{ nodes {{ externId }} }} }} }} }}"
        )
    };
    for (list, first) in [
        ("fieldlabs", 10),
        ("kennisinstellingen", 40),
        ("rijkspartners", 40),
    ] {
        let mut after = Value::Null;
        loop {
            let data = hanze
                .query(&geneste(list, first), json!({ "after": after }))
                .await
                .data()
                .clone();
            verzamel(&data, list);
            if data[list]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = data[list]["pageInfo"]["endCursor"].clone();
        }
    }
    assert!(!genest.is_empty());
    assert!(
        genest.is_subset(&eigen),
        "nested lists leak: {:?}",
        genest.difference(&eigen)
    );

    // Statistics count Hanze's opdrachten only.
    let s = hanze
        .query(
            "{ statistieken { aantalOpdrachten perThema { aantal } } }",
            json!({}),
        )
        .await
        .data()["statistieken"]
        .clone();
    assert_eq!(
        s["aantalOpdrachten"].as_u64().unwrap() as usize,
        eigen.len()
    );
}

async fn an_anonymous_caller_sees_no_opdrachten_anywhere(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let data = app
        .anoniem().query("{ opdrachten { totalCount } statistieken { aantalOpdrachten aantalStudenten perStatus { aantal } verloop { aantal } } \
               fieldlabs(first: 100) { nodes { opdrachten { totalCount } } } \
               kennisinstellingen(first: 100) { nodes { opdrachten { totalCount } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    assert_eq!(data["opdrachten"]["totalCount"], 0);
    assert_eq!(data["statistieken"]["aantalOpdrachten"], 0);
    assert_eq!(data["statistieken"]["aantalStudenten"], 0);
    assert_eq!(
        data["statistieken"]["perStatus"],
        json!([{ "aantal": 0 }, { "aantal": 0 }, { "aantal": 0 }, { "aantal": 0 }]),
        "every status, with 0"
    );
    assert_eq!(
        data["statistieken"]["verloop"],
        json!([]),
        "no years: the caller sees no opdracht"
    );
    for list in ["fieldlabs", "kennisinstellingen"] {
        for node in data[list]["nodes"].as_array().unwrap() {
            assert_eq!(node["opdrachten"]["totalCount"], 0);
        }
    }
}
