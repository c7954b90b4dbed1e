//! The answer cache: a repeated query is answered without running it, for the same caller
//! only, and never after the data changed, whoever changed it.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use ipartnerschap::config::ServerSettings;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

dual_tests!(
    a_repeated_query_is_answered_from_the_cache_with_only_the_token_and_version_lookups,
    a_mutation_makes_the_next_query_see_the_change,
    a_write_outside_the_api_makes_the_next_query_see_it,
    two_callers_never_share_an_answer,
    answers_with_errors_and_mutations_are_never_kept,
    with_response_cache_bytes_zero_every_query_runs,
);

const PAGINA: &str = "{ opdrachten(first: 100) { totalCount nodes { id naam opdrachtgever { naam } \
    uitvoerders { naam } themas { code } } } }";
const HU: &str = "{ organisatie(sleutel: \"hu.nl\") { naam versie } }";

/// The body of a query's answer and the SQL statements it took.
async fn vraag(caller: &Caller<'_>, query: &str) -> (Value, u64) {
    // The caller's token is made before counting: only the request's statements count.
    caller.token().await;
    let app = caller.app();
    let voor = app.db.statements_executed();
    let antwoord = caller.query(query, json!({})).await;
    assert_eq!(antwoord.status, 200, "{}", antwoord.body);
    (antwoord.body, app.db.statements_executed() - voor)
}

/// A series of `/metrics`.
async fn metriek(app: &TestApp, naam: &str) -> f64 {
    let tekst = app.get("/metrics").await.text().await.unwrap();
    tekst
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{naam} ")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {naam} in /metrics"))
}

async fn a_repeated_query_is_answered_from_the_cache_with_only_the_token_and_version_lookups(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let (eerste, gedraaid) = vraag(&t, PAGINA).await;
    let (tweede, uit_cache) = vraag(&t, PAGINA).await;
    assert_eq!(eerste, tweede, "the same answer");
    assert!(eerste["data"]["opdrachten"]["totalCount"].as_i64().unwrap() > 100);
    assert!(
        gedraaid > 5,
        "the first answer ran its queries ({gedraaid})"
    );
    assert_eq!(
        uit_cache, 2,
        "the cached answer costs the token's organisation and the data's version only"
    );
    assert_eq!(
        metriek(&app, "ipartnerschap_response_cache_hits_total").await,
        1.0
    );
    assert_eq!(
        metriek(&app, "ipartnerschap_response_cache_misses_total").await,
        1.0
    );
    assert_eq!(
        metriek(&app, "ipartnerschap_response_cache_entries").await,
        1.0
    );
}

async fn a_mutation_makes_the_next_query_see_the_change(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    let (voor, _) = vraag(&beheerder, HU).await;
    vraag(&beheerder, HU).await;
    let hu = app.org_id(demo::HU).await;
    let gewijzigd = beheerder
        .query(
            "mutation($id: ID!, $v: Int!) { updateOrganisatieProfiel(id: $id, versie: $v, \
             input: { afkorting: \"HU\", website: \"https://www.hu.nl/nieuw\" }) { versie } }",
            json!({ "id": hu, "v": voor["data"]["organisatie"]["versie"] }),
        )
        .await;
    let nieuwe_versie = gewijzigd.data()["updateOrganisatieProfiel"]["versie"].clone();
    let (na, gedraaid) = vraag(&beheerder, HU).await;
    assert_eq!(na["data"]["organisatie"]["versie"], nieuwe_versie);
    assert_ne!(
        na, voor,
        "the answer after the change is not the cached one"
    );
    assert!(gedraaid > 2, "the query ran again ({gedraaid} statements)");
}

async fn a_write_outside_the_api_makes_the_next_query_see_it(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let lezer = app.als(demo::HU, Rol::Lezer);
    let (voor, _) = vraag(&lezer, HU).await;
    vraag(&lezer, HU).await;
    // As a second API process, `seed`, or an operator at the database would.
    app.raw()
        .await
        .execute_unprepared(
            "UPDATE organisaties SET naam = 'Hogeschool Utrecht (hernoemd)' \
             WHERE schac_home = 'hu.nl'",
        )
        .await
        .unwrap();
    let (na, _) = vraag(&lezer, HU).await;
    assert_ne!(
        voor["data"]["organisatie"]["naam"],
        na["data"]["organisatie"]["naam"]
    );
    assert_eq!(
        na["data"]["organisatie"]["naam"],
        "Hogeschool Utrecht (hernoemd)"
    );
}

async fn two_callers_never_share_an_answer(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let query = "{ opdrachten(first: 5) { totalCount } me { organisatie { naam } rol } }";
    let hu = app.als(demo::HU, Rol::Lezer);
    let uva = app.als(demo::UVA, Rol::Lezer);
    let hu_beheerder = app.als(demo::HU, Rol::Beheerder);
    let (a, _) = vraag(&hu, query).await;
    let (a_weer, _) = vraag(&hu, query).await;
    let (b, gedraaid_b) = vraag(&uva, query).await;
    let (c, gedraaid_c) = vraag(&hu_beheerder, query).await;
    let (anoniem, _) = vraag(&app.anoniem(), query).await;
    assert_eq!(a, a_weer);
    assert_ne!(a, b, "another organisation gets its own answer");
    assert_ne!(
        a["data"]["opdrachten"]["totalCount"], b["data"]["opdrachten"]["totalCount"],
        "each sees its own opdrachten"
    );
    assert_eq!(
        c["data"]["me"]["rol"], "BEHEERDER",
        "another role, its own answer"
    );
    assert_eq!(anoniem["data"]["opdrachten"]["totalCount"], 0);
    assert!(gedraaid_b > 2 && gedraaid_c > 2, "both ran");
    assert_eq!(
        metriek(&app, "ipartnerschap_response_cache_hits_total").await,
        1.0
    );
}

async fn answers_with_errors_and_mutations_are_never_kept(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let onbekend =
        "{ node(id: \"T3BkcmFjaHQ6OTk5OTk\") { id } organisatie(sleutel: \"x.nl\") { naam } }";
    let eerste = t.query(onbekend, json!({})).await;
    let tweede = t.query(onbekend, json!({})).await;
    assert!(eerste.body["errors"].is_array(), "{}", eerste.body);
    assert_ne!(
        eerste.extensions()["requestId"],
        tweede.extensions()["requestId"],
        "each error answer is its own"
    );
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    let lab =
        "mutation { createFieldlab(input: { naam: \"Cachelab\", regios: [MIDDEN] }) { naam } }";
    beheerder.query(lab, json!({})).await.data();
    let weer = beheerder.query(lab, json!({})).await;
    assert!(
        weer.body["errors"].is_array(),
        "the second create ran (and found the name taken): {}",
        weer.body
    );
    assert_eq!(
        metriek(&app, "ipartnerschap_response_cache_hits_total").await,
        0.0
    );
}

async fn with_response_cache_bytes_zero_every_query_runs(backend: Backend) {
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            response_cache_bytes: 0,
            ..ServerSettings::default()
        })
        .await;
    app.db.seed_demo().await.unwrap();
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let (eerste, gedraaid) = vraag(&t, PAGINA).await;
    let (tweede, weer) = vraag(&t, PAGINA).await;
    assert_eq!(eerste, tweede);
    assert_eq!(gedraaid, weer, "the second ran in full, like the first");
    assert_eq!(
        metriek(&app, "ipartnerschap_response_cache_entries").await,
        0.0
    );
}
