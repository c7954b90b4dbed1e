//! The opdrachten list: paging over the whole demo set in every ordering, each filter against
//! counts computed independently in SQL, nested relations, and the page limits.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};
use std::collections::HashSet;

dual_tests!(
    paging_forwards_and_backwards_returns_every_opdracht_exactly_once_in_every_ordering,
    each_opdracht_filter_matches_an_independent_count,
    filters_combine_and_a_bad_filter_names_its_field,
    an_opdracht_has_its_relations_as_stored,
    an_organisation_lists_its_opdrachten_and_its_records,
    paging_arguments_are_checked,
);

const PAGINA: &str = "query($first: Int, $after: String, $last: Int, $before: String, $order: OpdrachtSortering) { \
    opdrachten(first: $first, after: $after, last: $last, before: $before, orderBy: $order) { \
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } \
      nodes { id naam startdatum einddatum } } }";

fn bureau(app: &TestApp) -> Caller<'_> {
    app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau)
}

async fn paging_forwards_and_backwards_returns_every_opdracht_exactly_once_in_every_ordering(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let token = bureau(&app);
    for (veld, richting) in [
        ("STARTDATUM", "ASC"),
        ("EINDDATUM", "ASC"),
        ("EINDDATUM", "DESC"),
        ("NAAM", "DESC"),
        ("GEWIJZIGD_OP", "DESC"),
    ] {
        let query = PAGINA.replace(
            "orderBy: $order",
            &format!("orderBy: {{ veld: {veld}, richting: {richting} }}"),
        );
        let query = query.replace(", $order: OpdrachtSortering", "");
        let vooruit = token.all_pages(&query, "opdrachten", 100, true).await;
        let achteruit = token.all_pages(&query, "opdrachten", 70, false).await;
        let ids: Vec<&Value> = vooruit.iter().map(|n| &n["id"]).collect();
        let uniek: HashSet<String> = ids.iter().map(|v| v.to_string()).collect();
        assert_eq!(ids.len(), 548, "{veld} {richting}");
        assert_eq!(uniek.len(), 548, "{veld} {richting}: no repeats");
        let terug: Vec<&Value> = achteruit.iter().map(|n| &n["id"]).collect();
        assert_eq!(
            ids, terug,
            "{veld} {richting}: backwards gives the same order"
        );
        if veld == "EINDDATUM" {
            // Opdrachten without an end date come last ascending, first descending; the dates
            // are in order.
            let dates: Vec<&Value> = vooruit.iter().map(|n| &n["einddatum"]).collect();
            let nulls = dates.iter().filter(|d| d.is_null()).count();
            assert_eq!(nulls, 58);
            let (eerst, rest) = if richting == "ASC" {
                (&dates[..548 - nulls], &dates[548 - nulls..])
            } else {
                (&dates[nulls..], &dates[..nulls])
            };
            assert!(rest.iter().all(|d| d.is_null()));
            let mut gesorteerd: Vec<&str> = eerst.iter().map(|d| d.as_str().unwrap()).collect();
            let origineel = gesorteerd.clone();
            gesorteerd.sort();
            if richting == "DESC" {
                gesorteerd.reverse();
            }
            assert_eq!(origineel, gesorteerd);
        }
    }
}

async fn count_with(caller: &Caller<'_>, filter: Value) -> i64 {
    let antwoord = caller
        .query(
            "query($f: OpdrachtFilter) { opdrachten(filter: $f) { totalCount } }",
            json!({ "f": filter }),
        )
        .await;
    antwoord.data()["opdrachten"]["totalCount"]
        .as_i64()
        .unwrap()
}

async fn each_opdracht_filter_matches_an_independent_count(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = bureau(&app);
    let duo = app.org_id(demo::DUO).await;
    let hanze = app.org_id(demo::HANZE).await;
    let iddi = app
        .anoniem()
        .query(
            "{ fieldlabs(filter: {zoek: \"IDDI\"}) { nodes { id } } }",
            json!({}),
        )
        .await
        .data()["fieldlabs"]["nodes"][0]["id"]
        .clone();
    let sql = |w: &str| format!("SELECT COUNT(*) FROM opdrachten o WHERE {w}");
    let cases: Vec<(Value, String)> = vec![
        (
            json!({ "opdrachtStatus": ["AFGEROND"] }),
            sql("status = 'AFGEROND'"),
        ),
        (
            json!({ "opdrachtStatus": ["IN_UITVOERING", "IN_VOORBEREIDING"] }),
            sql("status IN ('IN_UITVOERING', 'IN_VOORBEREIDING')"),
        ),
        (
            json!({ "onderwijssoort": ["MBO"] }),
            sql("onderwijssoort = 'MBO'"),
        ),
        (
            json!({ "opdrachtSoort": ["STAGE"] }),
            sql("soort = 'STAGE'"),
        ),
        (
            json!({ "regio": ["NOORD", "ZUID"] }),
            sql("regio IN ('NOORD', 'ZUID')"),
        ),
        (
            json!({ "themas": ["BLOCKCHAIN", "IT_CHANGE"] }),
            sql(
                "id IN (SELECT opdracht_id FROM opdracht_themas WHERE thema_code IN ('BLOCKCHAIN', 'IT_CHANGE'))",
            ),
        ),
        (
            json!({ "opdrachtgever": duo }),
            sql("opdrachtgever_id = (SELECT id FROM organisaties WHERE afkorting = 'DUO')"),
        ),
        (
            json!({ "uitvoerder": hanze }),
            sql(
                "id IN (SELECT opdracht_id FROM opdracht_uitvoerders u JOIN organisaties k ON k.id = u.organisatie_id WHERE k.schac_home = 'hanze.nl')",
            ),
        ),
        (
            json!({ "organisatie": duo }),
            sql(
                "(opdrachtgever_id = (SELECT id FROM organisaties WHERE afkorting = 'DUO') OR eigenaar_id = (SELECT id FROM organisaties WHERE afkorting = 'DUO'))",
            ),
        ),
        (
            json!({ "fieldlab": iddi }),
            sql("fieldlab_id = (SELECT id FROM fieldlabs WHERE naam = 'IDDI-Lab')"),
        ),
        (
            json!({ "startdatumVanaf": "2022-01-01", "startdatumTotEnMet": "2022-12-31" }),
            sql("startdatum >= '2022-01-01' AND startdatum <= '2022-12-31'"),
        ),
        (
            json!({ "einddatumVanaf": "2023-06-01", "einddatumTotEnMet": "2023-12-31" }),
            sql("einddatum >= '2023-06-01' AND einddatum <= '2023-12-31'"),
        ),
        (
            json!({ "gewijzigdSinds": "2024-01-01T00:00:00Z" }),
            sql(
                "gewijzigd_op >= (SELECT MIN(gewijzigd_op) FROM opdrachten WHERE startdatum >= '2024-01-01')",
            ),
        ),
        (
            json!({ "zoek": "WALLET" }),
            sql("LOWER(naam) LIKE '%wallet%'"),
        ),
        (json!({ "zoek": "100%" }), sql("1 = 0")),
    ];
    for (filter, sql) in cases {
        let verwacht = app.scalar(&sql).await;
        assert!(
            verwacht > 0 || sql.contains("1 = 0"),
            "a case that cannot fail: {sql}"
        );
        assert_eq!(count_with(&t, filter.clone()).await, verwacht, "{filter}");
    }
    assert_eq!(
        count_with(
            &t,
            json!({ "startdatumVanaf": "2022-01-01", "startdatumTotEnMet": "2022-12-31" })
        )
        .await,
        150,
        "the 2022 figure of the annual report"
    );
}

async fn filters_combine_and_a_bad_filter_names_its_field(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = bureau(&app);
    let beide = count_with(
        &t,
        json!({ "opdrachtStatus": ["AFGEROND"], "onderwijssoort": ["WO"] }),
    )
    .await;
    assert_eq!(
        beide,
        app.scalar(
            "SELECT COUNT(*) FROM opdrachten WHERE status = 'AFGEROND' AND onderwijssoort = 'WO'"
        )
        .await
    );
    let antwoord = t.query(
        "{ opdrachten(filter: { themas: [\"KOFFIE\"], opdrachtgever: \"nonsense\" }) { totalCount } }",
        json!({}),
    )
    .await;
    antwoord.assert_bad_user_input();
    let problems = &antwoord.extensions()["problems"];
    let fields: Vec<&str> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"filter.themas") && fields.contains(&"filter.opdrachtgever"),
        "{problems}"
    );
    assert!(
        antwoord.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("DATA_AI"),
        "lists the known codes"
    );
}

async fn an_opdracht_has_its_relations_as_stored(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = bureau(&app);
    let data = t.query("{ opdrachten(first: 100, filter: { zoek: \"\" }) { nodes { externId opdrachtgever { naam oin } \
               uitvoerders { naam schacHome } eigenaar { naam } fieldlab { naam } themas { code } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    let conn = app.raw().await;
    use sea_orm::ConnectionTrait;
    for node in data["opdrachten"]["nodes"].as_array().unwrap() {
        let extern_id = node["externId"].as_str().unwrap();
        let rows = conn
            .query_all_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                format!(
                    "SELECT g.naam AS gever, g.oin AS oin, e.naam AS eigenaar, f.naam AS lab, \
                       (SELECT COUNT(*) FROM opdracht_themas t WHERE t.opdracht_id = o.id) AS themas, \
                       (SELECT COUNT(*) FROM opdracht_uitvoerders u WHERE u.opdracht_id = o.id) AS uitvoerders \
                     FROM opdrachten o JOIN organisaties g ON g.id = o.opdrachtgever_id \
                     JOIN organisaties e ON e.id = o.eigenaar_id \
                     LEFT JOIN fieldlabs f ON f.id = o.fieldlab_id WHERE o.extern_id = '{extern_id}'"
                ),
            ))
            .await
            .unwrap();
        let row = &rows[0];
        assert_eq!(
            node["opdrachtgever"]["naam"],
            row.try_get::<String>("", "gever").unwrap()
        );
        assert_eq!(
            node["opdrachtgever"]["oin"],
            row.try_get::<String>("", "oin").unwrap(),
            "the opdrachtgever is a Rijkspartner"
        );
        assert!(
            node["uitvoerders"]
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["schacHome"].as_str().is_some_and(|s| !s.is_empty())),
            "the uitvoerders are kennisinstellingen: {node}"
        );
        assert_eq!(
            node["eigenaar"]["naam"],
            row.try_get::<String>("", "eigenaar").unwrap()
        );
        assert_eq!(
            node["fieldlab"]["naam"].as_str().map(str::to_owned),
            row.try_get::<Option<String>>("", "lab").unwrap()
        );
        assert_eq!(
            node["themas"].as_array().unwrap().len() as i64,
            row.try_get::<i64>("", "themas").unwrap()
        );
        assert_eq!(
            node["uitvoerders"].as_array().unwrap().len() as i64,
            row.try_get::<i64>("", "uitvoerders").unwrap()
        );
    }
}

async fn an_organisation_lists_its_opdrachten_and_its_records(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::BZK, Rol::Beheerder);
    let data = t.query("{ me { organisatie { ... on Rijkspartner { opdrachten { totalCount } fieldlabs { naam } \
               lectoraten { naam partners { afkorting } } minoren { naam instelling { naam } } } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    let bzk = &data["me"]["organisatie"];
    assert_eq!(
        bzk["opdrachten"]["totalCount"].as_i64().unwrap(),
        app.scalar("SELECT COUNT(*) FROM opdrachten WHERE opdrachtgever_id = (SELECT id FROM organisaties WHERE afkorting = 'BZK')")
            .await
    );
    assert_eq!(bzk["fieldlabs"], json!([{ "naam": "GovTech Lab" }]));
    assert_eq!(
        bzk["lectoraten"],
        json!([{ "naam": "Human Centered AI in the public sector", "partners": [{ "afkorting": "BZK" }] }])
    );
    assert_eq!(bzk["minoren"].as_array().unwrap().len(), 4, "{bzk}");

    // A fieldlab's opdrachten, from the lab's side.
    let t = bureau(&app);
    let lab = t.query(
        "{ fieldlabs(filter: {zoek: \"IDDI\"}) { nodes { opdrachten(first: 5) { totalCount nodes { fieldlab { naam } } } lectoraten { naam } } } }",
        json!({}),
    )
    .await
    .data()["fieldlabs"]["nodes"][0]
    .clone();
    assert_eq!(
        lab["opdrachten"]["totalCount"].as_i64().unwrap(),
        app.scalar("SELECT COUNT(*) FROM opdrachten WHERE fieldlab_id = (SELECT id FROM fieldlabs WHERE naam = 'IDDI-Lab')")
            .await
    );
    for node in lab["opdrachten"]["nodes"].as_array().unwrap() {
        assert_eq!(node["fieldlab"]["naam"], "IDDI-Lab");
    }
}

async fn paging_arguments_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = bureau(&app);
    let fout = |q: &'static str| {
        let t = t.clone();
        async move {
            let a = t.query(q, json!({})).await;
            (a.error_code().to_owned(), a.extensions()["field"].clone())
        }
    };
    assert_eq!(
        fout("{ opdrachten(first: 101) { totalCount } }").await,
        ("BAD_USER_INPUT".into(), json!("first"))
    );
    assert_eq!(
        fout("{ opdrachten(last: 101) { totalCount } }").await,
        ("BAD_USER_INPUT".into(), json!("last"))
    );
    assert_eq!(
        fout("{ opdrachten(first: 1, last: 1) { totalCount } }")
            .await
            .0,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        fout("{ opdrachten(first: -1) { totalCount } }").await.0,
        "BAD_USER_INPUT"
    );
    let standaard = t.query("{ opdrachten { nodes { id } } }", json!({})).await;
    assert_eq!(
        standaard.data()["opdrachten"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        20,
        "default page size"
    );
    // A cursor of one ordering is refused by another.
    let cursor = t
        .query(
            "{ opdrachten(first: 1, orderBy: {veld: NAAM}) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await
        .data()["opdrachten"]["pageInfo"]["endCursor"]
        .clone();
    let a = t.query(
        "query($c: String) { opdrachten(first: 1, after: $c, orderBy: {veld: STARTDATUM}) { totalCount } }",
        json!({ "c": cursor }),
    )
    .await;
    a.assert_problem("after");
}
