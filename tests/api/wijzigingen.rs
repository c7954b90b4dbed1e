//! The change log read two ways: the audit trail (owners and the programme office) and the
//! change feed (in order, with tombstones, scoped like every other read).

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use crate::mutaties::{CREATE_FIELDLAB, CREATE_OPDRACHT};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_audit_trail_records_who_changed_what_when_and_how,
    only_the_owner_and_the_programme_office_read_a_records_audit_trail,
    the_change_feed_lists_creates_updates_and_deletes_in_order,
    an_opdracht_that_leaves_your_scope_reaches_you_as_a_tombstone_and_never_reaches_outsiders,
    the_feed_cursor_moves_on_when_there_is_nothing_for_you,
);

const TRAIL: &str = "query($filter: AuditFilter, $first: Int, $after: String) { auditTrail(filter: $filter, first: $first, after: $after) { \
    totalCount pageInfo { hasNextPage endCursor } \
    nodes { volgnummer actie operatie actor actorRol actorOrganisatie { naam } recordType recordId versie wijzigingen { veld voor na } } } }";
const FEED: &str = "query($na: String, $types: [RecordType!]) { wijzigingen(na: $na, recordTypes: $types) { cursor heeftMeer \
    wijzigingen { volgnummer actie recordType id verwijderd record { id ... on Opdracht { naam } ... on Fieldlab { naam } } } } }";

async fn maak_lab(caller: &Caller<'_>, naam: &str) -> String {
    caller
        .query(
            CREATE_FIELDLAB,
            json!({ "input": { "naam": naam, "regios": ["WEST"], "contactpersoon": { "naam": "A", "email": "a@hhs.nl" } } }),
        )
        .await
        .data()["createFieldlab"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
}

async fn the_audit_trail_records_who_changed_what_when_and_how(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let lab = maak_lab(&hu, "Auditlab").await;
    hu
        .query(
            "mutation($id: ID!) { updateFieldlab(id: $id, versie: 1, input: { naam: \"Auditlab\", regios: [OOST], contactpersoon: { naam: \"A\", email: \"a@hhs.nl\" } }) { versie } }",
            json!({ "id": lab }),
        )
        .await
        .data();
    hu.query(
        "mutation($id: ID!) { deleteFieldlab(id: $id, versie: 2) }",
        json!({ "id": lab }),
    )
    .await
    .data();
    let trail = hu
        .query(TRAIL, json!({ "filter": { "record": lab } }))
        .await;
    let trail = &trail.data()["auditTrail"];
    assert_eq!(trail["totalCount"], 3);
    let acties: Vec<&str> = trail["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["actie"].as_str().unwrap())
        .collect();
    assert_eq!(acties, ["DELETED", "UPDATED", "CREATED"], "newest first");
    let update = &trail["nodes"][1];
    assert_eq!(update["operatie"], "updateFieldlab");
    assert_eq!(update["actor"], "test-user");
    assert_eq!(update["actorRol"], "beheerder");
    assert_eq!(update["actorOrganisatie"]["naam"], "Hogeschool Utrecht");
    assert_eq!(update["recordType"], "FIELDLAB");
    assert_eq!(update["recordId"], lab.as_str());
    assert_eq!(
        update["wijzigingen"],
        json!([{ "veld": "regios", "voor": "[\"WEST\"]", "na": "[\"OOST\"]" }])
    );
    let created = &trail["nodes"][2];
    let velden: Vec<&str> = created["wijzigingen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["veld"].as_str().unwrap())
        .collect();
    assert!(
        velden.contains(&"naam") && velden.contains(&"themas"),
        "{velden:?}"
    );
    assert!(
        created["wijzigingen"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["voor"].is_null())
    );
    let deleted = &trail["nodes"][0];
    assert!(
        deleted["wijzigingen"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["na"].is_null())
    );

    // Filters and paging.
    let per_actie = hu
        .query(
            TRAIL,
            json!({ "filter": { "actie": "UPDATED", "recordType": "FIELDLAB" } }),
        )
        .await;
    assert_eq!(per_actie.data()["auditTrail"]["totalCount"], 1);
    let eerste = hu
        .query(
            TRAIL,
            json!({ "filter": { "actor": "test-user" }, "first": 2 }),
        )
        .await;
    let pagina = &eerste.data()["auditTrail"];
    assert_eq!(pagina["pageInfo"]["hasNextPage"], true);
    let rest = hu
        .query(
            TRAIL,
            json!({ "filter": { "actor": "test-user" }, "first": 2, "after": pagina["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(rest.data()["auditTrail"]["nodes"][0]["actie"], "CREATED");
    let later = hu
        .query(
            TRAIL,
            json!({ "filter": { "vanaf": "2999-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(later.data()["auditTrail"]["totalCount"], 0);
}

async fn only_the_owner_and_the_programme_office_read_a_records_audit_trail(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let lab = maak_lab(&hu, "Privé-auditlab").await;
    let filter = json!({ "filter": { "record": lab } });
    let hu_lezer = app.als(demo::HU, Rol::Lezer);
    let uu = app.als(demo::UU, Rol::Beheerder);
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for (caller, verwacht) in [(&hu_lezer, 1), (&uu, 0), (&bureau, 1)] {
        let antwoord = caller.query(TRAIL, filter.clone()).await;
        assert_eq!(antwoord.data()["auditTrail"]["totalCount"], verwacht);
    }
    let anoniem = app.anoniem().query(TRAIL, filter).await;
    anoniem.assert_unauthenticated();
}

async fn the_change_feed_lists_creates_updates_and_deletes_in_order(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let start = hu.query(FEED, json!({})).await;
    let start = &start.data()["wijzigingen"];
    assert_eq!(start["wijzigingen"], json!([]), "demo data is not a change");
    let cursor = start["cursor"].clone();

    let a = maak_lab(&hu, "Feedlab A").await;
    let b = maak_lab(&hu, "Feedlab B").await;
    hu
        .query(
            "mutation($id: ID!) { updateFieldlab(id: $id, versie: 1, input: { naam: \"Feedlab A2\", regios: [WEST] }) { versie } }",
            json!({ "id": a }),
        )
        .await
        .data();
    hu.query(
        "mutation($id: ID!) { deleteFieldlab(id: $id, versie: 1) }",
        json!({ "id": b }),
    )
    .await
    .data();

    let feed = hu.query(FEED, json!({ "na": cursor })).await;
    let feed = &feed.data()["wijzigingen"];
    let regels = feed["wijzigingen"].as_array().unwrap();
    let samenvatting: Vec<(String, String, bool)> = regels
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["actie"].as_str().unwrap().to_owned(),
                r["verwijderd"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        samenvatting,
        [
            (a.clone(), "CREATED".to_owned(), false),
            (b.clone(), "CREATED".to_owned(), true),
            (a.clone(), "UPDATED".to_owned(), false),
            (b.clone(), "DELETED".to_owned(), true),
        ]
    );
    assert_eq!(
        regels[0]["record"]["naam"], "Feedlab A2",
        "the current state"
    );
    assert!(regels[3]["record"].is_null());
    let volgnummers: Vec<i64> = regels
        .iter()
        .map(|r| r["volgnummer"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(volgnummers.windows(2).all(|w| w[0] < w[1]));

    let verder = hu.query(FEED, json!({ "na": feed["cursor"] })).await;
    assert_eq!(verder.data()["wijzigingen"]["wijzigingen"], json!([]));
    assert_eq!(verder.data()["wijzigingen"]["cursor"], feed["cursor"]);

    let anoniem = app.anoniem().query(FEED, json!({ "na": cursor })).await;
    assert_eq!(
        anoniem.data()["wijzigingen"]["wijzigingen"]
            .as_array()
            .unwrap()
            .len(),
        4,
        "fieldlabs are public, so are their changes"
    );
    let slecht = hu.query(FEED, json!({ "na": "geen-cursor" })).await;
    slecht.assert_bad_user_input();
}

async fn an_opdracht_that_leaves_your_scope_reaches_you_as_a_tombstone_and_never_reaches_outsiders(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let bzk_id = app.org_id(demo::BZK).await;
    let rdw_id = app.org_id(demo::RDW).await;
    let bzk = app.als(demo::BZK, Rol::Lezer);
    let rdw = app.als(demo::RDW, Rol::Lezer);
    let duo = app.als(demo::DUO, Rol::Lezer);
    let types = json!({ "types": ["OPDRACHT"] });
    let opdracht = hu
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": "Verhuizende stage", "soort": "STAGE", "opdrachtgever": bzk_id } }),
        )
        .await
        .data()["createOpdracht"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The opdrachtgever changes from BZK to RDW.
    hu.query(
        "mutation($id: ID!, $rdw: ID!) { updateOpdracht(id: $id, versie: 1, input: { naam: \"Verhuizende stage\", soort: STAGE, opdrachtgever: $rdw }) { versie } }",
        json!({ "id": opdracht, "rdw": rdw_id }),
    )
    .await
    .data();

    async fn feed(caller: &Caller<'_>, types: &Value) -> Vec<Value> {
        caller.query(FEED, types.clone()).await.data()["wijzigingen"]["wijzigingen"]
            .as_array()
            .unwrap()
            .clone()
    }
    let bzk_feed = feed(&bzk, &types).await;
    assert_eq!(bzk_feed.len(), 2, "BZK saw it created and saw it go");
    assert!(
        bzk_feed
            .iter()
            .all(|r| r["verwijderd"] == true && r["record"].is_null())
    );
    let rdw_feed = feed(&rdw, &types).await;
    assert_eq!(rdw_feed.len(), 1, "RDW sees the change that brought it in");
    assert_eq!(rdw_feed[0]["record"]["naam"], "Verhuizende stage");
    assert_eq!(
        feed(&duo, &types).await,
        Vec::<Value>::new(),
        "DUO never sees it"
    );
    assert_eq!(feed(&hu, &types).await.len(), 2);
}

async fn the_feed_cursor_moves_on_when_there_is_nothing_for_you(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let bzk_id = app.org_id(demo::BZK).await;
    for n in 0..3 {
        hu.query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": format!("Stage {n}"), "soort": "STAGE", "opdrachtgever": bzk_id } }),
        )
        .await
        .data();
    }
    let duo = app.als(demo::DUO, Rol::Lezer);
    let pagina = duo.query(FEED, json!({})).await;
    let pagina = &pagina.data()["wijzigingen"];
    assert_eq!(pagina["wijzigingen"], json!([]));
    assert_eq!(pagina["heeftMeer"], false);
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let alles = bureau.query(FEED, json!({})).await;
    assert_eq!(
        pagina["cursor"],
        alles.data()["wijzigingen"]["cursor"],
        "DUO's cursor is past the three changes it may not see"
    );
}
