//! The answer cache: a repeated query is answered without running it, shared only by callers
//! with the same scope (and never when it selects the caller's own identity), and never after
//! the data it read changed, whoever changed it; a write to one record type keeps the answers
//! that did not read it.

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
    a_sync_of_opdrachten_keeps_the_cached_fieldlab_and_catalogue_answers,
    a_sync_is_seen_by_the_next_page_statistics_and_feed,
    a_renamed_organisation_is_seen_in_a_cached_page_of_its_opdrachten,
    a_profile_change_by_a_mutation_is_seen_in_a_cached_page_of_opdrachten,
    a_write_to_a_link_table_by_another_connection_is_seen,
    a_write_by_another_connection_is_seen_by_node_and_the_change_feed,
    callers_of_other_organisations_roles_or_regions_get_their_own_answers,
    callers_with_the_same_scope_share_one_answer,
    a_query_that_selects_me_is_not_shared,
    every_table_raises_the_version_of_its_record_type,
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

const FIELDLABS: &str = "{ fieldlabs(first: 50) { totalCount nodes { naam regios themas { code } \
    penvoerder { naam } deelnemers { deelnemerRol organisatie { naam } } } } }";
const CATALOGUS: &str = "{ themas { code naam } rijkspartners(first: 50) { nodes { naam } } \
    kennisinstellingen(first: 50) { nodes { naam onderwijssoort } } }";
const STATISTIEKEN: &str =
    "{ statistieken { aantalOpdrachten perStatus { opdrachtStatus aantal } } }";
const FEED: &str = "{ wijzigingen(first: 100) { wijzigingen { id actie } } }";

/// Syncs `items` (see [`crate::sync::item`]) as `caller`, which must apply them.
async fn sync(caller: &Caller<'_>, items: Vec<Value>) {
    let body = caller
        .query(
            crate::sync::SYNC,
            json!({ "input": { "bron": "osiris", "opdrachten": items } }),
        )
        .await;
    assert_eq!(
        body.data()["syncOpdrachten"]["toegepast"],
        true,
        "{}",
        body.body
    );
}

async fn hits(app: &TestApp) -> f64 {
    metriek(app, "ipartnerschap_response_cache_hits_total").await
}

async fn entries(app: &TestApp) -> f64 {
    metriek(app, "ipartnerschap_response_cache_entries").await
}

async fn a_sync_of_opdrachten_keeps_the_cached_fieldlab_and_catalogue_answers(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let lezer = app.als(demo::HU, Rol::Lezer);
    let (labs, _) = vraag(&lezer, FIELDLABS).await;
    let (catalogus, _) = vraag(&lezer, CATALOGUS).await;
    assert!(labs["data"]["fieldlabs"]["totalCount"].as_i64().unwrap() > 0);
    sync(
        &app.als(demo::HU, Rol::Medewerker),
        (0..20).map(crate::sync::item).collect(),
    )
    .await;
    let voor = hits(&app).await;
    let (labs_na, labs_gedraaid) = vraag(&lezer, FIELDLABS).await;
    let (catalogus_na, catalogus_gedraaid) = vraag(&lezer, CATALOGUS).await;
    assert_eq!((labs_na, catalogus_na), (labs, catalogus));
    assert_eq!(
        (labs_gedraaid, catalogus_gedraaid),
        (2, 2),
        "both answered from the cache"
    );
    assert_eq!(hits(&app).await, voor + 2.0, "two more hits");
}

async fn a_sync_is_seen_by_the_next_page_statistics_and_feed(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let medewerker = app.als(demo::HU, Rol::Medewerker);
    // Each query and where its answer counts the opdrachten or their changes.
    let queries = [
        (PAGINA, "/data/opdrachten/totalCount"),
        (STATISTIEKEN, "/data/statistieken/aantalOpdrachten"),
        (FEED, "/data/wijzigingen/wijzigingen"),
    ];
    let tel = |v: &Value, pad: &str| match v.pointer(pad) {
        Some(Value::Array(lijst)) => lijst.len() as i64,
        Some(n) => n.as_i64().expect("a number"),
        None => panic!("no {pad} in {v}"),
    };
    let mut voor = Vec::new();
    for (query, _) in queries {
        vraag(&medewerker, query).await;
        voor.push(vraag(&medewerker, query).await.0);
    }
    sync(&medewerker, vec![crate::sync::item(1)]).await;
    for ((query, pad), voor) in queries.into_iter().zip(&voor) {
        let (na, _) = vraag(&medewerker, query).await;
        assert_eq!(
            tel(&na, pad),
            tel(voor, pad) + 1,
            "{query} sees the new opdracht"
        );
    }
}

async fn a_renamed_organisation_is_seen_in_a_cached_page_of_its_opdrachten(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    vraag(&bureau, PAGINA).await;
    let (voor, _) = vraag(&bureau, PAGINA).await;
    app.raw()
        .await
        .execute_unprepared("UPDATE organisaties SET naam = naam || ' (hernoemd)'")
        .await
        .unwrap();
    let (na, gedraaid) = vraag(&bureau, PAGINA).await;
    assert!(gedraaid > 2, "the page ran again");
    let opdrachtgever =
        |v: &Value| v["data"]["opdrachten"]["nodes"][0]["opdrachtgever"]["naam"].clone();
    assert_eq!(
        opdrachtgever(&na).as_str().unwrap(),
        format!("{} (hernoemd)", opdrachtgever(&voor).as_str().unwrap())
    );
}

async fn a_profile_change_by_a_mutation_is_seen_in_a_cached_page_of_opdrachten(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let query = "{ opdrachten(first: 100) { nodes { opdrachtgever { website } } } }";
    let duo = app.als(demo::DUO, Rol::Beheerder);
    vraag(&duo, query).await;
    let (voor, _) = vraag(&duo, query).await;
    let versie = duo
        .query("{ me { organisatie { id versie } } }", json!({}))
        .await
        .data()["me"]["organisatie"]
        .clone();
    duo.query(
        "mutation($id: ID!, $v: Int!) { updateOrganisatieProfiel(id: $id, versie: $v, \
         input: { website: \"https://www.duo.nl/cache\" }) { versie } }",
        json!({ "id": versie["id"], "v": versie["versie"] }),
    )
    .await
    .data();
    let (na, _) = vraag(&duo, query).await;
    let websites = |v: &Value| -> Vec<Value> {
        v["data"]["opdrachten"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["opdrachtgever"]["website"].clone())
            .collect()
    };
    assert!(!websites(&voor).is_empty());
    assert!(!websites(&voor).contains(&json!("https://www.duo.nl/cache")));
    assert!(
        websites(&na)
            .iter()
            .all(|w| w == "https://www.duo.nl/cache"),
        "every opdracht of DUO shows the new website: {na}"
    );
}

async fn a_write_to_a_link_table_by_another_connection_is_seen(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    vraag(&bureau, PAGINA).await;
    let (voor, _) = vraag(&bureau, PAGINA).await;
    let themas = |v: &Value| -> usize {
        v["data"]["opdrachten"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["themas"].as_array().map_or(0, Vec::len))
            .sum()
    };
    assert!(themas(&voor) > 0);
    app.raw()
        .await
        .execute_unprepared("DELETE FROM opdracht_themas")
        .await
        .unwrap();
    let (na, _) = vraag(&bureau, PAGINA).await;
    assert_eq!(themas(&na), 0, "no opdracht has a theme any more");
}

async fn a_write_by_another_connection_is_seen_by_node_and_the_change_feed(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let node = "query($id: ID!) { node(id: $id) { ... on Opdracht { naam } } }";
    let id = json!({ "id": app.id("Opdracht", 1) });
    let vraag_node = async || bureau.query(node, id.clone()).await.data()["node"]["naam"].clone();
    vraag_node().await;
    let voor = vraag_node().await;
    vraag(&bureau, FEED).await;
    let (feed_voor, _) = vraag(&bureau, FEED).await;
    let raw = app.raw().await;
    raw.execute_unprepared("UPDATE opdrachten SET naam = 'Van buiten' WHERE id = 1")
        .await
        .unwrap();
    assert_ne!(voor, "Van buiten");
    assert_eq!(vraag_node().await, "Van buiten");
    // A change logged by another process reaches the feed.
    app.second_process()
        .await
        .als(demo::HU, Rol::Beheerder)
        .query(
            "mutation { createFieldlab(input: { naam: \"Elders\", regios: [MIDDEN] }) { id } }",
            json!({}),
        )
        .await
        .data();
    let (feed_na, _) = vraag(&bureau, FEED).await;
    assert_ne!(feed_na, feed_voor, "the feed has the new change");
}

/// Callers of the demo that differ in organisation, role or regions.
fn verschillende(app: &TestApp) -> Vec<Caller<'_>> {
    vec![
        app.anoniem(),
        app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
        app.als(demo::HU, Rol::Lezer),
        app.als(demo::HU, Rol::Medewerker),
        app.als(demo::UVA, Rol::Lezer),
        app.als(demo::DUO, Rol::Lezer),
        app.als_kennismakelaar(demo::UVA, &["NOORD"]),
        app.als_kennismakelaar(demo::UVA, &["MIDDEN"]),
        app.als_kennismakelaar(demo::UVA, &["NOORD", "MIDDEN"]),
    ]
}

async fn callers_of_other_organisations_roles_or_regions_get_their_own_answers(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let query = "{ opdrachten(first: 100) { totalCount nodes { id naam } } \
        fieldlabs(first: 50) { nodes { id naam contactpersoon { email } } } }";
    let callers = verschillende(&app);
    // Each asks twice, interleaved, so that every other caller's answer is in the cache.
    let mut antwoorden = Vec::new();
    for _ in 0..2 {
        antwoorden.clear();
        for caller in &callers {
            antwoorden.push(vraag(caller, query).await.0);
        }
    }
    assert_eq!(
        entries(&app).await,
        callers.len() as f64,
        "one answer per scope"
    );
    assert_eq!(hits(&app).await, callers.len() as f64);
    // What each would get computed for it alone, by a process with an empty cache.
    let ander = app.second_process().await;
    let mut totalen = std::collections::HashSet::new();
    for (caller, antwoord) in callers.iter().zip(&antwoorden) {
        let eigen = match caller.token().await {
            Some(token) => ander.with_token(token),
            None => ander.anoniem(),
        };
        assert_eq!(&vraag(&eigen, query).await.0, antwoord, "its own answer");
        totalen.insert(antwoord["data"]["opdrachten"]["totalCount"].clone());
    }
    assert!(
        totalen.len() > 4,
        "the callers see different opdrachten: {totalen:?}"
    );
}

async fn callers_with_the_same_scope_share_one_answer(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let een = app.als(demo::HU, Rol::Lezer);
    let ander = app.als(demo::HU, Rol::Lezer).with_subject("een-collega");
    let makelaar = app.als_kennismakelaar(demo::UVA, &["NOORD"]);
    let collega = app
        .als_kennismakelaar(demo::UVA, &["NOORD"])
        .with_subject("een-collega");
    for (a, b) in [(&een, &ander), (&makelaar, &collega)] {
        let (eerste, _) = vraag(a, PAGINA).await;
        let voor = hits(&app).await;
        let (tweede, gedraaid) = vraag(b, PAGINA).await;
        assert_eq!(eerste, tweede);
        assert_eq!(gedraaid, 2, "answered from the other's entry");
        assert_eq!(hits(&app).await, voor + 1.0);
    }
    assert_eq!(entries(&app).await, 2.0, "one entry per scope");
}

async fn a_query_that_selects_me_is_not_shared(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let een = app.als(demo::HU, Rol::Lezer);
    let ander = app.als(demo::HU, Rol::Lezer).with_subject("een-collega");
    for query in [
        "{ me { subject } fieldlabs(first: 5) { totalCount } }",
        "{ me { rol organisatie { naam } } }",
    ] {
        let (a, _) = vraag(&een, query).await;
        let (b, gedraaid) = vraag(&ander, query).await;
        assert!(gedraaid > 2, "the other subject's query ran");
        if query.contains("subject") {
            assert_eq!(a["data"]["me"]["subject"], "test-user");
            assert_eq!(b["data"]["me"]["subject"], "een-collega");
        }
        assert_eq!(
            vraag(&een, query).await.1,
            2,
            "each subject has its own entry"
        );
    }
    assert_eq!(hits(&app).await, 2.0);
    assert_eq!(entries(&app).await, 4.0);
}

async fn every_table_raises_the_version_of_its_record_type(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (tabellen, triggers) = match backend {
        Backend::Postgres => (
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
            "SELECT tgname::text FROM pg_trigger",
        ),
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            "SELECT name FROM sqlite_master WHERE type = 'trigger'",
        ),
    };
    let namen = |rows: Vec<sea_orm::QueryResult>| -> Vec<String> {
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect()
    };
    let triggers = namen(app.rows(triggers).await);
    let zonder: Vec<String> = namen(app.rows(tabellen).await)
        .into_iter()
        .filter(|t| {
            !["seaql_migrations", "datastand", "datastanden", "sleutels"].contains(&t.as_str())
        })
        .filter(|t| {
            !triggers
                .iter()
                .any(|g| g.starts_with(&format!("{t}_datastanden")))
        })
        .collect();
    assert!(
        zonder.is_empty(),
        "tables without the triggers of their record type: {zonder:?}"
    );
}
