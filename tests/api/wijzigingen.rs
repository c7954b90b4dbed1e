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
    an_audit_entry_names_the_changed_fields_as_the_schema_does_with_global_ids,
    every_changed_field_is_a_field_of_its_record_type_and_links_are_global_ids,
    every_audit_and_feed_entry_has_an_id_of_its_own,
);

const TRAIL: &str = "query($filter: AuditFilter, $first: Int, $after: String) { auditTrail(filter: $filter, first: $first, after: $after) { \
    totalCount pageInfo { hasNextPage endCursor } \
    nodes { id volgnummer actie operatie actor actorRol actorOrganisatie { naam } recordType recordId versie veldwijzigingen { veld voor na } } } }";
const FEED: &str = "query($after: String, $types: [RecordType!]) { wijzigingen(after: $after, recordTypes: $types) { endCursor hasNextPage \
    wijzigingen { id volgnummer actie recordType recordId verwijderd record { id ... on Opdracht { naam } ... on Fieldlab { naam } } } } }";

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

/// Creates a stage given by `opdrachtgever` (an id); returns its id.
async fn maak_stage(caller: &Caller<'_>, naam: &str, opdrachtgever: &str) -> String {
    caller
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": naam, "opdrachtSoort": "STAGE", "opdrachtgever": opdrachtgever } }),
        )
        .await
        .data()["createOpdracht"]["id"]
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
    assert_eq!(update["actorRol"], "BEHEERDER");
    assert_eq!(update["actorOrganisatie"]["naam"], "Hogeschool Utrecht");
    assert_eq!(update["recordType"], "FIELDLAB");
    assert_eq!(update["recordId"], lab.as_str());
    assert_eq!(
        update["veldwijzigingen"],
        json!([{ "veld": "regios", "voor": "[\"WEST\"]", "na": "[\"OOST\"]" }])
    );
    let created = &trail["nodes"][2];
    let velden: Vec<&str> = created["veldwijzigingen"]
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
        created["veldwijzigingen"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["voor"].is_null())
    );
    let deleted = &trail["nodes"][0];
    assert!(
        deleted["veldwijzigingen"]
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
    let cursor = start["endCursor"].clone();

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

    let feed = hu.query(FEED, json!({ "after": cursor })).await;
    let feed = &feed.data()["wijzigingen"];
    let regels = feed["wijzigingen"].as_array().unwrap();
    let samenvatting: Vec<(String, String, bool)> = regels
        .iter()
        .map(|r| {
            (
                r["recordId"].as_str().unwrap().to_owned(),
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

    let verder = hu.query(FEED, json!({ "after": feed["endCursor"] })).await;
    assert_eq!(verder.data()["wijzigingen"]["wijzigingen"], json!([]));
    assert_eq!(verder.data()["wijzigingen"]["endCursor"], feed["endCursor"]);

    let anoniem = app.anoniem().query(FEED, json!({ "after": cursor })).await;
    assert_eq!(
        anoniem.data()["wijzigingen"]["wijzigingen"]
            .as_array()
            .unwrap()
            .len(),
        4,
        "fieldlabs are public, so are their changes"
    );
    let slecht = hu.query(FEED, json!({ "after": "geen-cursor" })).await;
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
    let opdracht = maak_stage(&hu, "Verhuizende stage", &bzk_id).await;
    // The opdrachtgever changes from BZK to RDW.
    hu.query(
        "mutation($id: ID!, $rdw: ID!) { updateOpdracht(id: $id, versie: 1, input: { naam: \"Verhuizende stage\", opdrachtSoort: STAGE, opdrachtgever: $rdw }) { versie } }",
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
            json!({ "input": { "naam": format!("Stage {n}"), "opdrachtSoort": "STAGE", "opdrachtgever": bzk_id } }),
        )
        .await
        .data();
    }
    let duo = app.als(demo::DUO, Rol::Lezer);
    let pagina = duo.query(FEED, json!({})).await;
    let pagina = &pagina.data()["wijzigingen"];
    assert_eq!(pagina["wijzigingen"], json!([]));
    assert_eq!(pagina["hasNextPage"], false);
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let alles = bureau.query(FEED, json!({})).await;
    assert_eq!(
        pagina["endCursor"],
        alles.data()["wijzigingen"]["endCursor"],
        "DUO's cursor is past the three changes it may not see"
    );
}

async fn an_audit_entry_names_the_changed_fields_as_the_schema_does_with_global_ids(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let (hu_id, bzk, rdw) = (
        app.org_id(demo::HU).await,
        app.org_id(demo::BZK).await,
        app.org_id(demo::RDW).await,
    );
    let opdracht = maak_stage(&hu, "Stage", &bzk).await;
    hu.query(
        "mutation($id: ID!, $rdw: ID!) { updateOpdracht(id: $id, versie: 1, input: { naam: \"Stage\", \
         opdrachtSoort: STAGE, opdrachtStatus: AFGEROND, opdrachtgever: $rdw }) { versie } }",
        json!({ "id": opdracht, "rdw": rdw }),
    )
    .await
    .data();
    let trail = hu
        .query(TRAIL, json!({ "filter": { "record": opdracht } }))
        .await;
    let nodes = &trail.data()["auditTrail"]["nodes"];
    let json_text = |v: &str| Value::from(format!("\"{v}\""));
    assert_eq!(
        nodes[0]["veldwijzigingen"],
        json!([
            { "veld": "opdrachtStatus", "voor": "\"ONBEKEND\"", "na": "\"AFGEROND\"" },
            { "veld": "opdrachtgever", "voor": json_text(&bzk), "na": json_text(&rdw) },
        ])
    );
    let created = |veld: &str| {
        nodes[1]["veldwijzigingen"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["veld"] == veld)
            .unwrap_or_else(|| panic!("{veld} in {}", nodes[1]))["na"]
            .clone()
    };
    assert_eq!(created("eigenaar"), json_text(&hu_id));
    assert_eq!(
        created("uitvoerders"),
        Value::from(format!("[\"{hu_id}\"]"))
    );
    assert_eq!(created("opdrachtSoort"), "\"STAGE\"");
}

/// The GraphQL types whose fields (and input fields) a change of a record type may name.
fn types_of(record_type: &str) -> &'static [&'static str] {
    match record_type {
        "FIELDLAB" => &["Fieldlab", "FieldlabInput"],
        "LECTORAAT" => &["Lectoraat", "LectoraatInput"],
        "MINOR" => &["Minor", "MinorInput"],
        "COMMUNITY" => &["Community", "CommunityInput"],
        "OPDRACHT" => &["Opdracht", "OpdrachtInput"],
        "ORGANISATIE" => &[
            "Rijkspartner",
            "Kennisinstelling",
            "OrganisatieProfielInput",
        ],
        other => panic!("unknown record type {other}"),
    }
}

/// The fields that link to other records.
const LINKS: &[&str] = &[
    "eigenaar",
    "penvoerder",
    "instelling",
    "opdrachtgever",
    "uitvoerders",
    "partners",
    "leden",
    "deelnemers",
    "fieldlab",
    "fieldlabs",
    "lectoraat",
    "minor",
    "moederorganisatie",
];

/// Collects the numbers and strings in a JSON value.
fn leaves(value: &Value, numbers: &mut Vec<String>, strings: &mut Vec<String>) {
    match value {
        Value::Number(n) => numbers.push(n.to_string()),
        Value::String(s) => strings.push(s.clone()),
        Value::Array(list) => list.iter().for_each(|v| leaves(v, numbers, strings)),
        Value::Object(map) => map.values().for_each(|v| leaves(v, numbers, strings)),
        _ => {}
    }
}

/// One record of every type, linked to each other, written by the programme office.
async fn one_linked_record_of_every_type(app: &TestApp) {
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let (hu, bzk) = (app.org_id(demo::HU).await, app.org_id(demo::BZK).await);
    let contact = json!({ "naam": "C. Persoon", "email": "c@hu.nl" });
    let lab = bureau
        .query(
            "mutation($input: FieldlabInput!) { createFieldlab(input: $input) { id } }",
            json!({ "input": { "eigenaar": hu, "naam": "Alles-lab", "regios": ["MIDDEN"], "contactpersoon": contact,
                    "deelnemers": [{ "organisatie": bzk, "deelnemerRol": "PARTNER" }] } }),
        )
        .await
        .data()["createFieldlab"]["id"]
        .clone();
    let records = bureau
        .query(
            "mutation($hu: ID!, $bzk: ID!, $lab: ID!) { \
             l: createLectoraat(input: { eigenaar: $hu, naam: \"L\", lectoraatSoort: LECTORAAT, partners: [$bzk], fieldlabs: [$lab] }) { id } \
             m: createMinor(input: { eigenaar: $hu, naam: \"M\", minorSoort: MINOR, studielastEcts: 30, partners: [$bzk] }) { id } \
             c: createCommunity(input: { naam: \"C\", leden: [$bzk] }) { id } }",
            json!({ "hu": hu, "bzk": bzk, "lab": lab }),
        )
        .await
        .data()
        .clone();
    bureau
        .query(
            "mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id } }",
            json!({ "input": { "eigenaar": hu, "naam": "O", "opdrachtSoort": "STAGE", "opdrachtgever": bzk,
                    "uitvoerders": [hu], "aantalStudenten": 3, "fieldlab": lab, "contactpersoon": contact,
                    "lectoraat": records["l"]["id"], "minor": records["m"]["id"] } }),
        )
        .await
        .data();
    bureau
        .query(
            "mutation($hu: ID!) { updateOrganisatieProfiel(id: $hu, versie: 1, input: { afkorting: \"HU-AUDIT\", beschrijving: \"Anders\" }) { versie } }",
            json!({ "hu": hu }),
        )
        .await
        .data();
}

async fn every_changed_field_is_a_field_of_its_record_type_and_links_are_global_ids(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    one_linked_record_of_every_type(&app).await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let schema = bureau
        .query(
            "{ __schema { types { name fields { name } inputFields { name } } } }",
            json!({}),
        )
        .await
        .data()["__schema"]["types"]
        .clone();
    let fields_of = |typename: &str| -> Vec<String> {
        let t = schema
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == typename)
            .unwrap();
        ["fields", "inputFields"]
            .iter()
            .flat_map(|k| t[*k].as_array().cloned().unwrap_or_default())
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let trail = bureau.query(TRAIL, json!({ "first": 100 })).await;
    let nodes = trail.data()["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let kinds: std::collections::BTreeSet<&str> = nodes
        .iter()
        .map(|n| n["recordType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 6, "a change of every record type: {kinds:?}");
    let mut links = Vec::new();
    for node in &nodes {
        let record_type = node["recordType"].as_str().unwrap();
        let known: Vec<String> = types_of(record_type)
            .iter()
            .flat_map(|t| fields_of(t))
            .collect();
        for w in node["veldwijzigingen"].as_array().unwrap() {
            let veld = w["veld"].as_str().unwrap();
            let field = veld.split('.').next().unwrap();
            assert!(
                known.iter().any(|k| k == field),
                "{record_type}: {veld} is no field of {:?}",
                types_of(record_type)
            );
            let (mut numbers, mut strings) = (Vec::new(), Vec::new());
            for side in ["voor", "na"] {
                if let Some(text) = w[side].as_str() {
                    leaves(
                        &serde_json::from_str(text).unwrap(),
                        &mut numbers,
                        &mut strings,
                    );
                }
            }
            if !["aantalStudenten", "studielastEcts"].contains(&veld) {
                assert!(
                    numbers.is_empty(),
                    "{record_type}.{veld}: a row number in {w}"
                );
            }
            if LINKS.contains(&veld) {
                links.extend(strings.into_iter().filter(|s| s != "PARTNER"));
            }
        }
    }
    assert!(links.len() >= 10, "links were changed: {links:?}");
    for id in links {
        let node = bureau
            .query(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(node.data()["node"]["id"], id.as_str(), "a global id");
    }
}

async fn every_audit_and_feed_entry_has_an_id_of_its_own(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let lab = maak_lab(&hu, "Eigen-id-lab").await;
    hu.query(
        "mutation($id: ID!) { updateFieldlab(id: $id, versie: 1, input: { naam: \"Eigen-id-lab 2\" }) { versie } }",
        json!({ "id": lab }),
    )
    .await
    .data();
    let ids = |entries: &Value, field: &str| -> Vec<String> {
        entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[field].as_str().unwrap().to_owned())
            .collect()
    };
    let trail = hu
        .query(TRAIL, json!({ "filter": { "record": lab } }))
        .await;
    let trail = &trail.data()["auditTrail"]["nodes"];
    let feed = hu.query(FEED, json!({ "types": ["FIELDLAB"] })).await;
    let feed = &feed.data()["wijzigingen"]["wijzigingen"];
    assert_eq!(ids(trail, "recordId"), [lab.clone(), lab.clone()]);
    assert_eq!(ids(feed, "recordId"), [lab.clone(), lab.clone()]);
    let mut own: Vec<String> = [ids(trail, "id"), ids(feed, "id")].concat();
    own.sort();
    own.dedup();
    assert_eq!(
        own.len(),
        4,
        "two entries of one record, each with its own id, in the trail and in the feed"
    );
    assert!(!own.contains(&lab));
    let again = hu.query(FEED, json!({ "types": ["FIELDLAB"] })).await;
    assert_eq!(
        ids(&again.data()["wijzigingen"]["wijzigingen"], "id"),
        ids(feed, "id"),
        "stable"
    );
    let node = hu
        .query(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": own[0] }),
        )
        .await;
    node.assert_bad_user_input();
}
