//! Hardening of access: a refused delete never counts what the caller cannot see, and what
//! other organisations link to a record is unlinked (and logged for them) when its owner
//! deletes it; an institution named as uitvoerder withdraws itself and stays out; counts have
//! plausible maxima; look-alike names are one name, also for the database.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo, fresh_database};
use ipartnerschap::auth::Rol;
use ipartnerschap::domain::naam::sleutel;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

dual_tests!(
    a_refused_delete_counts_only_the_records_of_the_callers_own_organisation,
    deleting_a_fieldlab_unlinks_the_opdrachten_and_lectoraten_of_other_organisations_and_logs_each_for_its_owner,
    deleting_a_minor_or_lectoraat_that_other_organisations_opdrachten_point_at_succeeds_for_the_owner,
    an_uitvoerder_withdraws_itself_and_the_opdracht_leaves_its_lists_and_statistics,
    only_an_executing_institution_with_an_editing_role_withdraws_and_nobody_else_learns_anything,
    the_owners_next_sync_does_not_name_a_withdrawn_uitvoerder_again_and_the_item_says_so,
    student_counts_and_study_loads_have_plausible_maxima,
    every_look_alike_name_is_refused_on_create_and_update_of_every_named_record_type,
    names_are_stored_normalised,
    the_database_refuses_a_look_alike_name_even_from_a_raw_insert,
    the_name_key_migration_keeps_look_alikes_written_before_it_and_keys_them_apart,
);

const CREATE_FIELDLAB: &str =
    "mutation($input: FieldlabInput!) { createFieldlab(input: $input) { id versie naam } }";
const DELETE_FIELDLAB: &str =
    "mutation($id: ID!, $versie: Int!) { deleteFieldlab(id: $id, versie: $versie) }";
const CREATE_OPDRACHT: &str =
    "mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id versie } }";
const UPDATE_OPDRACHT: &str = "mutation($id: ID!, $versie: Int!, $input: OpdrachtUpdateInput!) { \
    updateOpdracht(id: $id, versie: $versie, input: $input) { id versie } }";
const OPDRACHT: &str = "query($id: ID!) { node(id: $id) { ... on Opdracht { versie \
    fieldlab { id } lectoraat { id } minor { id } uitvoerders { naam } } } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawUitvoerder(opdracht: $id) }";
const TRAIL: &str = "query($record: ID!) { auditTrail(filter: { record: $record }) { \
    nodes { actie operatie versie veldwijzigingen { veld voor na } } } }";
const FEED: &str = "query { wijzigingen(first: 100, recordTypes: [OPDRACHT]) { \
    wijzigingen { actie recordId verwijderd } } }";
const SYNC: &str = "mutation($input: OpdrachtenSyncInput!) { syncOpdrachten(input: $input) { \
    toegepast items { externId resultaat opdracht errors { field message } warnings { field message } } } }";
const STUDENTEN: &str =
    "query { statistieken { aantalOpdrachten aantalStudenten } opdrachten { totalCount } }";

fn veld(antwoord: &crate::harness::Reply) -> String {
    antwoord.extensions()["field"]
        .as_str()
        .unwrap_or_else(|| panic!("an error naming a field: {}", antwoord.body))
        .to_owned()
}

fn bericht(antwoord: &crate::harness::Reply) -> String {
    antwoord.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn lab(caller: &Caller<'_>, naam: &str) -> String {
    caller
        .query(
            CREATE_FIELDLAB,
            json!({ "input": { "naam": naam, "regios": ["MIDDEN"] } }),
        )
        .await
        .data()["createFieldlab"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn opdracht(caller: &Caller<'_>, extra: Value) -> String {
    let mut input = json!({ "naam": "Opdracht", "opdrachtSoort": "STAGE", "opdrachtgever": caller.app().org_id(demo::BZK).await });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    caller
        .query(CREATE_OPDRACHT, json!({ "input": input }))
        .await
        .data()["createOpdracht"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn node(caller: &Caller<'_>, id: &str) -> crate::harness::Reply {
    caller.query(OPDRACHT, json!({ "id": id })).await
}

async fn a_refused_delete_counts_only_the_records_of_the_callers_own_organisation(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let hanze = app.als(demo::HANZE, Rol::Medewerker);
    let lab = lab(&hu, "Telwerklab").await;
    opdracht(&hu, json!({ "fieldlab": lab })).await;
    for _ in 0..3 {
        opdracht(&hanze, json!({ "fieldlab": lab })).await;
    }
    let voor = app.dump().await;
    let antwoord = hu
        .query(DELETE_FIELDLAB, json!({ "id": lab, "versie": 1 }))
        .await;
    antwoord.assert_conflict();
    let melding = bericht(&antwoord);
    assert!(
        melding.contains("1 opdrachten of your organisation"),
        "{melding}"
    );
    assert!(
        !melding.contains('3') && !melding.contains('4'),
        "hanze.nl's opdrachten are not counted: {melding}"
    );
    assert_eq!(app.dump().await, voor, "nothing changed");
}

async fn deleting_a_fieldlab_unlinks_the_opdrachten_and_lectoraten_of_other_organisations_and_logs_each_for_its_owner(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let hanze = app.als(demo::HANZE, Rol::Beheerder);
    let lab = lab(&hu, "Vertreklab").await;
    let opdracht = opdracht(&hanze, json!({ "fieldlab": lab })).await;
    let lectoraat = hanze
        .query(
            "mutation($lab: ID!) { createLectoraat(input: { naam: \"Lectoraat bij het lab\", \
             lectoraatSoort: LECTORAAT, fieldlabs: [$lab] }) { id } }",
            json!({ "lab": lab }),
        )
        .await
        .data()["createLectoraat"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let weg = hu
        .query(DELETE_FIELDLAB, json!({ "id": lab, "versie": 1 }))
        .await;
    assert_eq!(
        weg.data()["deleteFieldlab"],
        lab,
        "the owner's delete succeeds"
    );

    let nu = node(&hanze, &opdracht).await;
    let nu = &nu.data()["node"];
    assert_eq!(nu["fieldlab"], Value::Null, "unlinked");
    assert_eq!(nu["versie"], 2, "a new version of hanze.nl's opdracht");
    let l = hanze
        .query(
            "query($id: ID!) { node(id: $id) { ... on Lectoraat { versie fieldlabs { id } } } }",
            json!({ "id": lectoraat }),
        )
        .await;
    assert_eq!(l.data()["node"]["fieldlabs"], json!([]));
    assert_eq!(l.data()["node"]["versie"], 2);

    // hanze.nl's audit trail names the change and the operation that made it.
    let trail = hanze.query(TRAIL, json!({ "record": opdracht })).await;
    let regels = trail.data()["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(regels[0]["actie"], "UPDATED");
    assert_eq!(regels[0]["operatie"], "deleteFieldlab");
    assert_eq!(regels[0]["versie"], 2);
    assert_eq!(regels[0]["veldwijzigingen"][0]["veld"], "fieldlab");
    assert_eq!(regels[0]["veldwijzigingen"][0]["na"], "null", "as JSON");
    // ... and its feed has it; hu.nl's feed does not (it cannot see the opdracht).
    async fn feed(caller: &Caller<'_>) -> Vec<Value> {
        caller.query(FEED, json!({})).await.data()["wijzigingen"]["wijzigingen"]
            .as_array()
            .unwrap()
            .clone()
    }
    let van_hanze = feed(&hanze).await;
    assert!(
        van_hanze
            .iter()
            .filter(|w| w["recordId"] == opdracht.as_str() && w["actie"] == "UPDATED")
            .count()
            == 1,
        "{van_hanze:?}"
    );
    let van_hu = feed(&hu).await;
    assert!(van_hu.iter().all(|w| w["recordId"] != opdracht.as_str()));
    // The lectoraat's change is in its owner's trail too.
    let trail = hanze.query(TRAIL, json!({ "record": lectoraat })).await;
    assert_eq!(
        trail.data()["auditTrail"]["nodes"][0]["operatie"],
        "deleteFieldlab"
    );
}

async fn deleting_a_minor_or_lectoraat_that_other_organisations_opdrachten_point_at_succeeds_for_the_owner(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let hanze = app.als(demo::HANZE, Rol::Medewerker);
    for (soort, veld, invoer) in [
        ("Minor", "minor", "minorSoort: MINOR"),
        ("Lectoraat", "lectoraat", "lectoraatSoort: LECTORAAT"),
    ] {
        let id = hu.query(&format!(
                    "mutation {{ create{soort}(input: {{ naam: \"Te verwijderen\", {invoer} }}) {{ id }} }}"
                ),
                json!({}),
            )
            .await
            .data()[format!("create{soort}")]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut opdrachten = Vec::new();
        for _ in 0..3 {
            opdrachten.push(opdracht(&hanze, json!({ veld: id })).await);
        }
        let weg = hu
            .query(
                &format!("mutation($id: ID!) {{ delete{soort}(id: $id, versie: 1) }}"),
                json!({ "id": id }),
            )
            .await;
        assert_eq!(weg.data()[format!("delete{soort}")], id.as_str(), "{soort}");
        for o in &opdrachten {
            let nu = node(&hanze, o).await;
            assert_eq!(nu.data()["node"][veld], Value::Null, "{soort}");
            assert_eq!(nu.data()["node"]["versie"], 2, "{soort}");
            let trail = hanze.query(TRAIL, json!({ "record": o })).await;
            assert_eq!(
                trail.data()["auditTrail"]["nodes"][0]["operatie"],
                format!("delete{soort}"),
            );
        }
    }
}

async fn statistiek(caller: &Caller<'_>) -> (i64, i64) {
    let a = caller.query(STUDENTEN, json!({})).await;
    let d = a.data();
    assert_eq!(
        d["statistieken"]["aantalOpdrachten"],
        d["opdrachten"]["totalCount"]
    );
    (
        d["statistieken"]["aantalOpdrachten"].as_i64().unwrap(),
        d["statistieken"]["aantalStudenten"].as_i64().unwrap(),
    )
}

async fn an_uitvoerder_withdraws_itself_and_the_opdracht_leaves_its_lists_and_statistics(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = app.als(demo::HANZE, Rol::Medewerker);
    let hu = app.als(demo::HU, Rol::Medewerker);
    let hu_lezer = app.als(demo::HU, Rol::Lezer);
    let voor = statistiek(&hu_lezer).await;
    let id = opdracht(
        &hanze,
        json!({ "aantalStudenten": 200, "uitvoerders": [app.org_id(demo::HU).await] }),
    )
    .await;
    assert_eq!(
        statistiek(&hu_lezer).await,
        (voor.0 + 1, voor.1 + 200),
        "named as uitvoerder, the opdracht counts for hu.nl"
    );

    let antwoord = hu.query(WITHDRAW, json!({ "id": id })).await;
    assert_eq!(antwoord.data()["withdrawUitvoerder"], id.as_str());
    assert_eq!(
        statistiek(&hu_lezer).await,
        voor,
        "gone from hu.nl's figures"
    );
    node(&hu, &id).await.assert_not_found();

    // The owner sees the change in its trail and feed; hu.nl gets a tombstone.
    let nu = node(&hanze, &id).await;
    assert_eq!(nu.data()["node"]["uitvoerders"], json!([]));
    assert_eq!(nu.data()["node"]["versie"], 2);
    let trail = hanze.query(TRAIL, json!({ "record": id })).await;
    let regel = &trail.data()["auditTrail"]["nodes"][0];
    assert_eq!(regel["operatie"], "withdrawUitvoerder");
    assert_eq!(regel["veldwijzigingen"][0]["veld"], "uitvoerders");
    let feed = hu.query(FEED, json!({})).await;
    let laatste = feed.data()["wijzigingen"]["wijzigingen"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|w| w["recordId"] == id.as_str())
        .cloned()
        .expect("the withdrawal reaches hu.nl's feed");
    assert_eq!(laatste["verwijderd"], true, "as a tombstone");

    // The owner cannot name it again by hand.
    let input = json!({ "naam": "Opdracht", "opdrachtSoort": "STAGE", "opdrachtgever": app.org_id(demo::BZK).await,
                        "uitvoerders": [app.org_id(demo::HU).await] });
    let weer = hanze
        .query(
            UPDATE_OPDRACHT,
            json!({ "id": id, "versie": 2, "input": input }),
        )
        .await;
    weer.assert_bad_user_input();
    assert_eq!(veld(&weer), "uitvoerders[0]");
    assert_eq!(statistiek(&hu_lezer).await, voor);
}

async fn only_an_executing_institution_with_an_editing_role_withdraws_and_nobody_else_learns_anything(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = app.als(demo::HANZE, Rol::Medewerker);
    let id = opdracht(
        &hanze,
        json!({ "uitvoerders": [app.org_id(demo::HU).await, app.org_id(demo::HANZE).await] }),
    )
    .await;
    for (org, rol, code) in [
        (Some(demo::UU), Rol::Beheerder, "NOT_FOUND"),
        (Some(demo::HU), Rol::Lezer, "FORBIDDEN"),
        (Some(demo::BZK), Rol::Beheerder, "FORBIDDEN"),
        (Some(demo::HANZE), Rol::Beheerder, "FORBIDDEN"),
        (None, Rol::Programmabureau, "FORBIDDEN"),
    ] {
        let antwoord = app.als(org, rol).query(WITHDRAW, json!({ "id": id })).await;
        assert_eq!(antwoord.error_code(), code, "{org:?} {rol:?}");
    }
    let anoniem = app.anoniem().query(WITHDRAW, json!({ "id": id })).await;
    anoniem.assert_unauthenticated();
    // An id that never existed answers exactly like uu.nl's attempt above.
    let uu = app.als(demo::UU, Rol::Beheerder);
    let weg = opdracht(&hanze, json!({})).await;
    hanze
        .query(
            "mutation($id: ID!) { deleteOpdracht(id: $id, versie: 1) }",
            json!({ "id": weg }),
        )
        .await
        .data();
    let voor = app.dump().await;
    let nooit = uu.query(WITHDRAW, json!({ "id": weg })).await;
    let gezien = uu.query(WITHDRAW, json!({ "id": id })).await;
    assert_eq!(
        nooit.body["errors"][0]["message"],
        gezien.body["errors"][0]["message"]
    );
    assert_eq!(app.dump().await, voor, "nothing changed");
}

async fn the_owners_next_sync_does_not_name_a_withdrawn_uitvoerder_again_and_the_item_says_so(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = app.als(demo::HANZE, Rol::Medewerker);
    let hu = app.als(demo::HU, Rol::Medewerker);
    let batch = json!({ "input": { "bron": "osiris", "opdrachten": [{
        "externId": "HZ-1", "naam": "Samen met HU", "opdrachtSoort": "GROEPSOPDRACHT",
        "opdrachtgever": demo::BZK, "uitvoerders": [demo::HANZE, demo::HU], "aantalStudenten": 4,
    }] } });
    let eerste = hanze.query(SYNC, batch.clone()).await;
    let id = eerste.data()["syncOpdrachten"]["items"][0]["opdracht"]
        .as_str()
        .unwrap()
        .to_owned();
    hu.query(WITHDRAW, json!({ "id": id })).await.data();

    let tweede = hanze.query(SYNC, batch.clone()).await;
    let item = &tweede.data()["syncOpdrachten"]["items"][0];
    assert_eq!(item["resultaat"], "UNCHANGED", "{item}");
    assert_eq!(item["errors"], json!([]));
    assert_eq!(item["warnings"][0]["field"], "opdrachten[0].uitvoerders");
    let melding = item["warnings"][0]["message"].as_str().unwrap();
    assert!(melding.contains("Hogeschool Utrecht"), "{melding}");
    assert!(melding.contains("withdrew"), "{melding}");
    node(&hu, &id).await.assert_not_found();
    let nu = node(&hanze, &id).await;
    assert_eq!(nu.data()["node"]["versie"], 2, "the sync wrote nothing");

    // A changed item is updated, still without hu.nl.
    let mut gewijzigd = batch.clone();
    gewijzigd["input"]["opdrachten"][0]["aantalStudenten"] = json!(5);
    let derde = hanze.query(SYNC, gewijzigd).await;
    let item = &derde.data()["syncOpdrachten"]["items"][0];
    assert_eq!(item["resultaat"], "UPDATED");
    assert_eq!(item["warnings"].as_array().unwrap().len(), 1);
    node(&hu, &id).await.assert_not_found();
}

async fn student_counts_and_study_loads_have_plausible_maxima(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hanze = app.als(demo::HANZE, Rol::Beheerder);
    let voor = app.dump().await;
    let input = json!({ "naam": "Te groot", "opdrachtSoort": "HACKATHON", "opdrachtgever": app.org_id(demo::BZK).await,
                        "aantalStudenten": 10000 });
    let te_veel = hanze
        .query(CREATE_OPDRACHT, json!({ "input": input }))
        .await;
    te_veel.assert_bad_user_input();
    assert_eq!(veld(&te_veel), "aantalStudenten");
    assert!(bericht(&te_veel).contains("250"), "{}", bericht(&te_veel));
    let sync = hanze
        .query(
            SYNC,
            json!({ "input": { "bron": "osiris", "opdrachten": [{
                "externId": "HZ-GROOT", "naam": "Te groot", "opdrachtSoort": "HACKATHON",
                "opdrachtgever": demo::BZK, "aantalStudenten": 251 }] } }),
        )
        .await;
    let item = &sync.data()["syncOpdrachten"]["items"][0];
    assert_eq!(item["resultaat"], "REJECTED");
    assert_eq!(item["errors"][0]["field"], "opdrachten[0].aantalStudenten");
    let minor = hanze
        .query(
            "mutation { createMinor(input: { naam: \"Eindeloos\", minorSoort: MASTER, studielastEcts: 240 }) { id } }",
            json!({}),
        )
        .await;
    minor.assert_bad_user_input();
    assert_eq!(veld(&minor), "studielastEcts");
    assert_eq!(app.dump().await, voor);
    // The maximum itself is accepted.
    let mut input = input;
    input["aantalStudenten"] = json!(250);
    hanze
        .query(CREATE_OPDRACHT, json!({ "input": input }))
        .await
        .data();
}

/// The look-alikes of item 10 of "GovTech Lab".
const LOOK_ALIKES: &[&str] = &[
    "govtech lab",
    "GOVTECH LAB",
    "GovTech\u{a0}Lab",
    "GovTech Lab\u{200b}",
    "GovT\u{435}ch Lab",
    "GovTech  Lab",
    "GovTech\u{0}Lab",
    "\u{feff}GovTech Lab",
];

/// Per named record type: its GraphQL name, the rest of a valid input, and who writes it.
fn soorten() -> [(&'static str, &'static str, Option<&'static str>); 4] {
    [
        ("Fieldlab", "regios: [MIDDEN]", Some(demo::HU)),
        ("Lectoraat", "lectoraatSoort: LECTORAAT", Some(demo::HU)),
        ("Minor", "minorSoort: MINOR", Some(demo::HU)),
        ("Community", "", None),
    ]
}

async fn every_look_alike_name_is_refused_on_create_and_update_of_every_named_record_type(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    for (soort, rest, org) in soorten() {
        let caller = match org {
            Some(o) => app.als(o, Rol::Beheerder),
            None => app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
        };
        let create = format!(
            "mutation($naam: String!) {{ create{soort}(input: {{ naam: $naam, {rest} }}) {{ id }} }}"
        );
        let update = format!(
            "mutation($id: ID!, $naam: String!) {{ update{soort}(id: $id, versie: 1, input: {{ naam: $naam, {rest} }}) {{ id }} }}"
        );
        // The demo has a fieldlab "GovTech Lab"; the other types get one here.
        if soort != "Fieldlab" {
            caller
                .query(&create, json!({ "naam": "GovTech Lab" }))
                .await
                .data();
        }
        let ander = caller.query(&create, json!({ "naam": "Een ander" })).await;
        let ander = ander.data()[format!("create{soort}")]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let voor = app.dump().await;
        for naam in LOOK_ALIKES {
            for (query, variabelen) in [
                (&create, json!({ "naam": naam })),
                (&update, json!({ "id": ander, "naam": naam })),
            ] {
                let antwoord = caller.query(query, variabelen).await;
                assert_eq!(antwoord.error_code(), "BAD_USER_INPUT", "{soort} {naam:?}");
                assert_eq!(veld(&antwoord), "naam", "{soort} {naam:?}");
                assert!(
                    !bericht(&antwoord).is_empty(),
                    "{soort} {naam:?}: a message"
                );
            }
        }
        assert_eq!(app.dump().await, voor, "{soort}: nothing written");
    }
}

async fn names_are_stored_normalised(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let antwoord = hu
        .query(
            CREATE_FIELDLAB,
            json!({ "input": { "naam": "  Nieuw\u{a0}\u{a0}Lab voor  Cafe\u{301} ", "regios": ["MIDDEN"] } }),
        )
        .await;
    assert_eq!(
        antwoord.data()["createFieldlab"]["naam"],
        "Nieuw Lab voor Caf\u{e9}"
    );
    let hanze = app.als(demo::HANZE, Rol::Medewerker);
    let id = opdracht(&hanze, json!({ "naam": "Titel  met\u{a0}ruimte" })).await;
    let titel = hanze
        .query(
            "query($id: ID!) { node(id: $id) { ... on Opdracht { naam } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(titel.data()["node"]["naam"], "Titel met ruimte");
    let fout = hanze
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": "Titel\u{200b}", "opdrachtSoort": "STAGE", "opdrachtgever": app.org_id(demo::BZK).await } }),
        )
        .await;
    fout.assert_bad_user_input();
    assert_eq!(veld(&fout), "naam");
    assert!(bericht(&fout).contains("U+200B"), "{}", bericht(&fout));
}

async fn the_database_refuses_a_look_alike_name_even_from_a_raw_insert(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let conn = app.raw().await;
    let nu = "'2024-01-01T00:00:00+00:00'";
    let insert = |naam: &str, sleutel: Option<String>| {
        let (kolom, waarde) = match sleutel {
            Some(s) => (", naam_sleutel", format!(", '{s}'")),
            None => ("", String::new()),
        };
        format!(
            "INSERT INTO fieldlabs (eigenaar_id, naam, regio, status, aangemaakt_op, gewijzigd_op, versie{kolom}) \
             SELECT id, '{naam}', 'MIDDEN', 'ACTIEF', {nu}, {nu}, 1{waarde} FROM organisaties WHERE schac_home = 'hu.nl'"
        )
    };
    for naam in ["govtech lab", "GovT\u{435}ch Lab", "GovTech\u{a0}Lab"] {
        conn.execute_unprepared(&insert(naam, Some(sleutel(naam))))
            .await
            .expect_err(&format!("a look-alike of GovTech Lab: {naam:?}"));
    }
    conn.execute_unprepared(&insert("Zonder sleutel", None))
        .await
        .expect_err("a row without a key");
    conn.execute_unprepared(&insert("Leeg", Some(String::new())))
        .await
        .expect_err("a row with an empty key");
    conn.execute_unprepared(&insert("Rauw lab", Some(sleutel("Rauw lab"))))
        .await
        .expect("a name of its own is accepted");
    // Lectoraten: unique per institution.
    let lectoraat = |org: &str| {
        format!(
            "INSERT INTO lectoraten (eigenaar_id, naam, soort, aangemaakt_op, gewijzigd_op, versie, naam_sleutel) \
             SELECT id, 'Data Lab', 'LECTORAAT', {nu}, {nu}, 1, '{}' FROM organisaties WHERE schac_home = '{org}'",
            sleutel("Data Lab")
        )
    };
    conn.execute_unprepared(&lectoraat(demo::HU)).await.unwrap();
    conn.execute_unprepared(&lectoraat(demo::HANZE))
        .await
        .unwrap();
    conn.execute_unprepared(&lectoraat(demo::HU))
        .await
        .expect_err("twice at one institution");
}

async fn the_name_key_migration_keeps_look_alikes_written_before_it_and_keys_them_apart(
    backend: Backend,
) {
    use migrations::MigratorTrait;
    let (url, _dir) = fresh_database(backend).await;
    let conn = sea_orm::Database::connect(url.as_str()).await.unwrap();
    migrations::Migrator::up(&conn, Some(9)).await.unwrap();
    let nu = "'2024-01-01T00:00:00+00:00'";
    for naam in ["GovTech Lab", "govtech  lab", "Ander lab"] {
        conn.execute_unprepared(&format!(
            "INSERT INTO fieldlabs (eigenaar_id, naam, regio, status, aangemaakt_op, gewijzigd_op, versie) \
             SELECT id, '{naam}', 'MIDDEN', 'ACTIEF', {nu}, {nu}, 1 FROM organisaties WHERE soort = 'PROGRAMMABUREAU'"
        ))
        .await
        .unwrap();
    }
    migrations::Migrator::up(&conn, None).await.unwrap();
    let rijen = conn
        .query_all_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT naam, naam_sleutel FROM fieldlabs ORDER BY id",
        ))
        .await
        .unwrap();
    let rijen: Vec<(String, String)> = rijen
        .iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
            )
        })
        .collect();
    assert_eq!(rijen[0], ("GovTech Lab".into(), sleutel("GovTech Lab")));
    assert_eq!(rijen[1].0, "govtech  lab", "the name is kept");
    assert!(
        rijen[1].1.starts_with(&sleutel("GovTech Lab")) && rijen[1].1 != rijen[0].1,
        "a key of its own: {rijen:?}"
    );
    assert_eq!(rijen[2].1, sleutel("Ander lab"));
    migrations::Migrator::down(&conn, Some(2)).await.unwrap();
    migrations::Migrator::up(&conn, None).await.unwrap();
}
