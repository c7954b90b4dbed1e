//! Matching: `Vraagstuk.kandidaten` ranks institutions (and fieldlabs, lectoraten, minoren) for
//! a question from what the caller may see, with reasons; on the demo data a Data/AI question
//! in Midden ranks HU and UU above the MBO colleges, and an opdracht the caller cannot see does
//! not move its ranking.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    a_data_ai_question_in_midden_ranks_hu_and_uu_above_the_mbo_colleges,
    an_opdracht_the_caller_cannot_see_does_not_move_its_ranking,
    only_those_who_handle_the_question_see_the_ranking,
    fieldlabs_lectoraten_and_minoren_are_ranked_by_the_same_reasons,
    the_demo_question_on_data_ai_in_midden_has_hu_and_uu_as_its_first_candidates,
);

const KANDIDATEN: &str = "query($id: ID!, $soort: KandidaatSoort, $first: Int) { node(id: $id) { \
    ... on Vraagstuk { kandidaten(soort: $soort, first: $first) { score \
    redenen { soort aantal punten } kennisinstelling { naam onderwijssoort } fieldlab { naam } \
    lectoraat { naam } minor { naam } } } } }";

/// A Data/AI question of BZK in Midden that seeks an afstudeeropdracht.
async fn data_ai_in_midden(app: &TestApp) -> String {
    let reply = app
        .als(demo::BZK, Rol::Medewerker)
        .query(
            "mutation($input: VraagstukInput!) { createVraagstuk(input: $input) { id } }",
            json!({ "input": {
                "titel": "Slimme dienstverlening met data",
                "antwoordsoort": "AFSTUDEEROPDRACHT",
                "regios": ["MIDDEN"],
                "themas": ["DATA_AI"],
            }}),
        )
        .await;
    reply.data()["createVraagstuk"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn ranking(caller: &Caller<'_>, id: &str, soort: &str, first: i32) -> Value {
    let reply = caller
        .query(
            KANDIDATEN,
            json!({ "id": id, "soort": soort, "first": first }),
        )
        .await;
    reply.data()["node"]["kandidaten"].clone()
}

fn names(ranking: &Value, field: &str) -> Vec<String> {
    ranking
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k[field]["naam"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_data_ai_question_in_midden_ranks_hu_and_uu_above_the_mbo_colleges(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let id = data_ai_in_midden(&app).await;
    for caller in [
        app.als_kennismakelaar(demo::UU, &["MIDDEN"]),
        app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
    ] {
        let ranked = ranking(&caller, &id, "KENNISINSTELLING", 50).await;
        let namen = names(&ranked, "kennisinstelling");
        let plaats = |naam: &str| namen.iter().position(|n| n == naam);
        let hu = plaats("Hogeschool Utrecht").expect("HU is a candidate");
        let uu = plaats("Universiteit Utrecht").expect("UU is a candidate");
        assert!(hu < 2 && uu < 2, "{caller:?}: HU and UU first: {namen:?}");
        // Earlier opdrachten are the caller's visible opdrachten for BZK, no more.
        let bzk = caller
            .query(
                "query($o: ID!) { opdrachten(filter: { opdrachtgever: $o }) { totalCount } }",
                json!({ "o": app.org_id(demo::BZK).await }),
            )
            .await;
        let zichtbaar = bzk.data()["opdrachten"]["totalCount"].as_i64().unwrap();
        for k in ranked.as_array().unwrap() {
            for r in k["redenen"].as_array().unwrap() {
                if r["soort"] == "EERDERE_OPDRACHTEN" {
                    assert!(
                        r["aantal"].as_i64().unwrap() <= zichtbaar,
                        "{caller:?}: {k}"
                    );
                }
            }
        }
        for (i, k) in ranked.as_array().unwrap().iter().enumerate() {
            if k["kennisinstelling"]["onderwijssoort"] == "MBO" {
                assert!(
                    i > hu && i > uu,
                    "{caller:?}: an MBO college above HU or UU: {namen:?}"
                );
            }
        }
        // The score is the sum of its reasons, and HU's reasons name the theme, the region
        // and the fit of an HBO for an afstudeeropdracht.
        for k in ranked.as_array().unwrap() {
            let som: i64 = k["redenen"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["punten"].as_i64().unwrap())
                .sum();
            assert_eq!(som, k["score"].as_i64().unwrap(), "{k}");
        }
        let soorten: Vec<&str> = ranked[hu]["redenen"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["soort"].as_str().unwrap())
            .collect();
        for reden in ["GEDEELDE_THEMAS", "ZELFDE_REGIO", "PASSENDE_SOORT"] {
            assert!(soorten.contains(&reden), "{reden} for HU: {soorten:?}");
        }
    }
}

async fn an_opdracht_the_caller_cannot_see_does_not_move_its_ranking(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let id = data_ai_in_midden(&app).await;
    let makelaar = app.als_kennismakelaar(demo::UU, &["MIDDEN"]);
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let voor = ranking(&makelaar, &id, "KENNISINSTELLING", 50).await;
    let bureau_voor = ranking(&bureau, &id, "KENNISINSTELLING", 50).await;
    // Fontys (Zuid) gets an opdracht for BZK on Data/AI in Zuid: the kennismakelaar of Midden
    // cannot see it, the programme office can.
    bureau
        .query(
            "mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id } }",
            json!({ "input": {
                "eigenaar": app.org_id(demo::FONTYS).await,
                "opdrachtgever": app.org_id(demo::BZK).await,
                "naam": "Verborgen voor Midden",
                "opdrachtSoort": "AFSTUDEEROPDRACHT",
                "regio": "ZUID",
                "themas": ["DATA_AI"],
            }}),
        )
        .await
        .data();
    assert_eq!(ranking(&makelaar, &id, "KENNISINSTELLING", 50).await, voor);
    let fontys = |r: &Value| {
        r.as_array()
            .unwrap()
            .iter()
            .find(|k| k["kennisinstelling"]["naam"] == "Fontys Hogescholen")
            .cloned()
            .unwrap_or(Value::Null)
    };
    let na = ranking(&bureau, &id, "KENNISINSTELLING", 50).await;
    assert_ne!(
        fontys(&na),
        fontys(&bureau_voor),
        "the programme office sees the new opdracht"
    );
}

async fn only_those_who_handle_the_question_see_the_ranking(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let id = data_ai_in_midden(&app).await;
    for caller in [
        app.als(demo::BZK, Rol::Lezer),
        app.als_kennismakelaar(demo::HANZE, &["MIDDEN", "NOORD"]),
    ] {
        assert!(
            ranking(&caller, &id, "KENNISINSTELLING", 5)
                .await
                .is_array(),
            "{caller:?}"
        );
    }
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let versie = 1;
    let v = bureau
        .query(
            "mutation($id: ID!, $v: Int!) { neemVraagstukInBehandeling(id: $id, versie: $v) { versie } }",
            json!({ "id": id, "v": versie }),
        )
        .await;
    let versie = v.data()["neemVraagstukInBehandeling"]["versie"].clone();
    bureau
        .query(
            "mutation($id: ID!, $v: Int!, $i: [ID!]!) { legVraagstukVoor(id: $id, versie: $v, instellingen: $i) { id } }",
            json!({ "id": id, "v": versie, "i": [app.org_id(demo::HU).await] }),
        )
        .await
        .data();
    // The institution it was proposed to reads the question, not the ranking of its rivals.
    let hu = app.als(demo::HU, Rol::Beheerder);
    assert_eq!(ranking(&hu, &id, "KENNISINSTELLING", 5).await, Value::Null);
    let reply = app
        .als(demo::DUO, Rol::Beheerder)
        .query(
            KANDIDATEN,
            json!({ "id": id, "soort": "KENNISINSTELLING", "first": 5 }),
        )
        .await;
    reply.assert_not_found();
    let te_veel = bureau
        .query(
            KANDIDATEN,
            json!({ "id": id, "soort": "KENNISINSTELLING", "first": 51 }),
        )
        .await;
    te_veel.assert_problem("first");
}

async fn fieldlabs_lectoraten_and_minoren_are_ranked_by_the_same_reasons(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let id = data_ai_in_midden(&app).await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for (soort, field) in [
        ("FIELDLAB", "fieldlab"),
        ("LECTORAAT", "lectoraat"),
        ("MINOR", "minor"),
    ] {
        let ranked = ranking(&bureau, &id, soort, 10).await;
        let list = ranked.as_array().unwrap();
        assert!(!list.is_empty(), "{soort}: candidates on the demo data");
        let scores: Vec<i64> = list.iter().map(|k| k["score"].as_i64().unwrap()).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{soort}: best first: {scores:?}"
        );
        assert!(
            list.iter().all(|k| !k[field].is_null()),
            "{soort}: {ranked}"
        );
    }
    let labs = ranking(&bureau, &id, "FIELDLAB", 3).await;
    let eerste = &labs[0]["redenen"];
    assert!(
        eerste
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["soort"] == "GEDEELDE_THEMAS"),
        "the best lab works on Data/AI: {labs}"
    );
}

async fn the_demo_question_on_data_ai_in_midden_has_hu_and_uu_as_its_first_candidates(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let makelaar = app.als_kennismakelaar(demo::UU, &["MIDDEN"]);
    let found = makelaar
        .query(
            "{ vraagstukken(filter: { kenmerken: [\"VS-2024-001\"] }) { nodes { id titel } } }",
            json!({}),
        )
        .await;
    let vraag = &found.data()["vraagstukken"]["nodes"][0];
    assert_eq!(
        vraag["titel"],
        "Algoritmes verantwoord inzetten in de dienstverlening"
    );
    let ranked = ranking(
        &makelaar,
        vraag["id"].as_str().unwrap(),
        "KENNISINSTELLING",
        2,
    )
    .await;
    let mut eerste = names(&ranked, "kennisinstelling");
    eerste.sort();
    assert_eq!(
        eerste,
        ["Hogeschool Utrecht", "Universiteit Utrecht"],
        "{ranked}"
    );
}
