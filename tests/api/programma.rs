//! Promotietrajecten (the I-Doctoraat) and bijeenkomsten: the annual report's 2023 figures on
//! the demo data, who reads what of a PhD track (the candidate's name is personal data), and
//! the writes of both record types, hostile input included.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_figures_of_2023_are_those_of_the_annual_report,
    a_candidates_name_is_for_the_university_and_the_programme_office_only,
    only_a_beheerder_of_a_university_registers_its_phd_tracks,
    a_meeting_is_public_and_its_organiser_edits_it,
    hostile_input_to_tracks_and_meetings_is_refused_on_its_field_and_writes_nothing,
);

const TRACK: &str = "mutation($input: PromotietrajectInput!) { createPromotietraject(input: $input) { \
    id naam promovendus versie } }";
const READ_TRACK: &str = "query($id: ID!) { node(id: $id) { ... on Promotietraject { naam \
    thema { code } startjaar promotieStatus universiteit { naam } gastheer { naam } beschrijving \
    promovendus } } }";
const MEETING: &str = "mutation($input: BijeenkomstInput!) { createBijeenkomst(input: $input) { \
    id naam datum einddatum deelnemersTotaal versie } }";

async fn track_input(app: &TestApp) -> Value {
    json!({ "input": {
        "naam": "Datagedreven toezicht",
        "gastheer": app.org_id(demo::BZK).await,
        "thema": "DATA_AI",
        "startjaar": 2024,
        "promovendus": "A. Onderzoeker",
        "beschrijving": "Hoe toezicht leert van data",
    }})
}

async fn the_figures_of_2023_are_those_of_the_annual_report(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let reply = app
        .anoniem()
        .query(
            "{ statistieken(jaar: 2023) { aantalPromotietrajecten bijeenkomsten { aantal \
             perBijeenkomstSoort { bijeenkomstSoort aantal aantalDeelnemersOverheid aantalDeelnemers } } } }",
            json!({}),
        )
        .await;
    let s = &reply.data()["statistieken"];
    // "In 2023 zijn er 13 promovendi gestart bij het Rijk."
    assert_eq!(s["aantalPromotietrajecten"], 13, "{s}");
    let soort = |naam: &str| {
        s["bijeenkomsten"]["perBijeenkomstSoort"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["bijeenkomstSoort"] == naam)
            .cloned()
            .unwrap()
    };
    // Two courses with 50 government participants together; a werkconferentie of 220.
    assert_eq!(soort("SUMMERCOURSE")["aantal"], 2);
    assert_eq!(soort("SUMMERCOURSE")["aantalDeelnemersOverheid"], 50);
    assert_eq!(soort("WERKCONFERENTIE")["aantalDeelnemers"], 220);
    assert_eq!(s["bijeenkomsten"]["aantal"], 7);
    // The iBestuur event of 13 September 2023 is in the list.
    let lijst = app
        .anoniem()
        .query(
            "{ bijeenkomsten(filter: { datumVanaf: \"2023-09-13\", datumTotEnMet: \"2023-09-13\" }) \
             { nodes { naam bijeenkomstSoort } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        lijst.data()["bijeenkomsten"]["nodes"],
        json!([{ "naam": "iBestuur event", "bijeenkomstSoort": "EVENEMENT" }])
    );
    let themas = app
        .anoniem()
        .query(
            "{ promotietrajecten(first: 100) { totalCount nodes { thema { code } } } }",
            json!({}),
        )
        .await;
    let mut codes: Vec<String> = themas.data()["promotietrajecten"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["thema"]["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "CYBERVEILIGHEID",
            "DATA_AI",
            "INFORMATIEHUISHOUDING",
            "IT_CHANGE"
        ]
    );
}

async fn a_candidates_name_is_for_the_university_and_the_programme_office_only(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let made = app
        .als(demo::UU, Rol::Beheerder)
        .query(TRACK, track_input(&app).await)
        .await;
    let id = made.data()["createPromotietraject"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (caller, naam, beschrijving) in [
        (app.als(demo::UU, Rol::Lezer), true, true),
        (
            app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
            true,
            true,
        ),
        (app.als(demo::BZK, Rol::Beheerder), false, true),
        (
            app.als_kennismakelaar(demo::HANZE, &["MIDDEN"]),
            false,
            true,
        ),
        (app.als(demo::HU, Rol::Beheerder), false, false),
        (app.anoniem(), false, false),
    ] {
        let who = format!("{caller:?}");
        let reply = caller.query(READ_TRACK, json!({ "id": id })).await;
        let track = reply.data()["node"].clone();
        assert_eq!(track["naam"], "Datagedreven toezicht", "{who}");
        assert_eq!(
            track["gastheer"]["naam"],
            "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
        );
        assert_eq!(track["promovendus"].is_string(), naam, "{who}: {track}");
        assert_eq!(
            track["beschrijving"].is_string(),
            beschrijving,
            "{who}: {track}"
        );
    }
}

async fn only_a_beheerder_of_a_university_registers_its_phd_tracks(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let input = track_input(&app).await;
    let voor = app.dump().await;
    app.als(demo::UU, Rol::Medewerker)
        .query(TRACK, input.clone())
        .await
        .assert_forbidden();
    app.als(demo::BZK, Rol::Beheerder)
        .query(TRACK, input.clone())
        .await
        .assert_problem("eigenaar");
    let mut other = input.clone();
    other["input"]["eigenaar"] = json!(app.org_id(demo::UVA).await);
    app.als(demo::UU, Rol::Beheerder)
        .query(TRACK, other)
        .await
        .assert_forbidden();
    assert_eq!(app.dump().await, voor);
    let made = app.als(demo::UU, Rol::Beheerder).query(TRACK, input).await;
    let track = made.data()["createPromotietraject"].clone();
    // The host reads it but does not edit it; the owner does.
    let update = "mutation($id: ID!, $v: Int!, $input: PromotietrajectUpdateInput!) { \
        updatePromotietraject(id: $id, versie: $v, input: $input) { promotieStatus versie } }";
    let vars = json!({ "id": track["id"], "v": track["versie"], "input": { "promotieStatus": "GEPROMOVEERD" } });
    app.als(demo::BZK, Rol::Beheerder)
        .query(update, vars.clone())
        .await
        .assert_forbidden();
    let done = app.als(demo::UU, Rol::Beheerder).query(update, vars).await;
    assert_eq!(
        done.data()["updatePromotietraject"]["promotieStatus"],
        "GEPROMOVEERD"
    );
}

async fn a_meeting_is_public_and_its_organiser_edits_it(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let made = app
        .als(demo::BZK, Rol::Beheerder)
        .query(
            MEETING,
            json!({ "input": {
                "naam": "Kennissessie open source",
                "bijeenkomstSoort": "KENNISSESSIE",
                "datum": "2024-03-01",
                "deelnemersOverheid": 30,
                "deelnemersOnderwijs": 12,
                "themas": ["SOFTWAREONTWIKKELING"],
                "partners": [app.org_id(demo::HU).await],
                "beschrijving": "Voor de partners",
            }}),
        )
        .await;
    let meeting = made.data()["createBijeenkomst"].clone();
    assert_eq!(
        meeting["deelnemersTotaal"], 42,
        "the sum when no total is recorded"
    );
    let read = "query($id: ID!) { node(id: $id) { ... on Bijeenkomst { naam organisator { naam } \
        partners { naam } themas { code } beschrijving } } }";
    let anon = app
        .anoniem()
        .query(read, json!({ "id": meeting["id"] }))
        .await;
    assert_eq!(
        anon.data()["node"]["partners"],
        json!([{ "naam": "Hogeschool Utrecht" }])
    );
    assert_eq!(anon.data()["node"]["beschrijving"], Value::Null);
    let partner = app
        .als(demo::HU, Rol::Lezer)
        .query(read, json!({ "id": meeting["id"] }))
        .await;
    assert_eq!(partner.data()["node"]["beschrijving"], "Voor de partners");
    let update = "mutation($id: ID!, $v: Int!) { updateBijeenkomst(id: $id, versie: $v, \
        input: { deelnemersTotaal: 50 }) { deelnemersTotaal } }";
    let vars = json!({ "id": meeting["id"], "v": meeting["versie"] });
    app.als(demo::HU, Rol::Beheerder)
        .query(update, vars.clone())
        .await
        .assert_forbidden();
    let done = app.als(demo::BZK, Rol::Beheerder).query(update, vars).await;
    assert_eq!(done.data()["updateBijeenkomst"]["deelnemersTotaal"], 50);
}

async fn hostile_input_to_tracks_and_meetings_is_refused_on_its_field_and_writes_nothing(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let voor = app.dump().await;
    let uu = app.als(demo::UU, Rol::Beheerder);
    let mut input = track_input(&app).await;
    input["input"]["naam"] = json!("Nul\u{0}byte");
    uu.query(TRACK, input.clone()).await.assert_problem("naam");
    // The rules of form first (above); then every other problem at once.
    input["input"]["naam"] = json!("Een titel");
    input["input"]["startjaar"] = json!(-262143);
    input["input"]["thema"] = json!("ONBEKEND");
    input["input"]["gastheer"] = json!(app.org_id(demo::HU).await);
    let reply = uu.query(TRACK, input).await;
    let mut fields = reply.problem_fields();
    fields.sort();
    assert_eq!(fields, ["gastheer", "startjaar", "thema"], "{}", reply.body);
    let reply = uu
        .query(
            MEETING,
            json!({ "input": {
                "naam": "Te vroeg voorbij",
                "bijeenkomstSoort": "EVENEMENT",
                "datum": "2024-03-02",
                "einddatum": "2024-03-01",
                "deelnemersOverheid": -1,
                "partners": ["niet-een-id"],
            }}),
        )
        .await;
    let mut fields = reply.problem_fields();
    fields.sort();
    assert_eq!(
        fields,
        ["deelnemersOverheid", "einddatum", "partners[0]"],
        "{}",
        reply.body
    );
    assert_eq!(app.dump().await, voor, "nothing was written");
}
