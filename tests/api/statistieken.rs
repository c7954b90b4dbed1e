//! `statistieken`: the published figures for the programme office, counts that match
//! independent SQL, and the caller's scope.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

dual_tests!(
    the_programme_office_sees_the_published_figures,
    theme_and_year_figures_match_independent_counts,
    a_filter_narrows_the_opdracht_figures,
    every_category_and_every_year_of_the_range_is_listed_under_a_filter_that_leaves_them_empty,
    the_years_of_verloop_are_those_of_the_range_within_the_filters_start_dates,
);

const STATS: &str = "query($f: OpdrachtFilter) { statistieken(filter: $f) { aantalOpdrachten aantalStudenten \
    aantalStudentenInStage perStatus { opdrachtStatus aantal } perOnderwijssoort { onderwijssoort aantal percentage } \
    perSoort { opdrachtSoort aantal } perThema { thema { code } aantal } \
    verloop { jaar aantal perStatus { opdrachtStatus aantal } } perRegio { regio aantal } \
    aantalRijkspartners aantalKennisinstellingen aantalFieldlabs aantalActieveFieldlabs aantalCommunities } }";

fn aantal(list: &Value, key: &str, value: &str) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e[key] == value)
        .map_or(0, |e| e["aantal"].as_i64().unwrap())
}

async fn the_programme_office_sees_the_published_figures(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let s = t.query(STATS, json!({})).await.data()["statistieken"].clone();
    assert_eq!(s["aantalOpdrachten"], 548);
    assert_eq!(s["aantalStudenten"], 1235);
    assert_eq!(s["aantalStudentenInStage"], 261);
    assert_eq!(aantal(&s["perStatus"], "opdrachtStatus", "AFGEROND"), 287);
    assert_eq!(
        aantal(&s["perStatus"], "opdrachtStatus", "IN_VOORBEREIDING"),
        58
    );
    assert_eq!(
        aantal(&s["perStatus"], "opdrachtStatus", "IN_UITVOERING"),
        54
    );
    let pct = |soort: &str| {
        s["perOnderwijssoort"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["onderwijssoort"] == soort)
            .unwrap()["percentage"]
            .as_f64()
            .unwrap()
            .round()
    };
    assert_eq!((pct("HBO"), pct("WO"), pct("MBO")), (64.0, 33.0, 3.0));
    assert_eq!(s["aantalRijkspartners"], 65);
    assert_eq!(s["aantalKennisinstellingen"], 34);
    assert_eq!(s["aantalFieldlabs"], 10);
    assert_eq!(s["aantalActieveFieldlabs"], 9);
    assert_eq!(s["aantalCommunities"], 4);
    let jaren: Vec<i64> = s["verloop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["jaar"].as_i64().unwrap())
        .collect();
    assert_eq!(jaren, vec![2020, 2021, 2022, 2023, 2024]);
}

async fn theme_and_year_figures_match_independent_counts(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let s = t.query(STATS, json!({})).await.data()["statistieken"].clone();
    for thema in s["perThema"].as_array().unwrap() {
        let code = thema["thema"]["code"].as_str().unwrap();
        assert_eq!(
            thema["aantal"].as_i64().unwrap(),
            app.scalar(&format!(
                "SELECT COUNT(*) FROM opdracht_themas WHERE thema_code = '{code}'"
            ))
            .await,
            "{code}"
        );
    }
    for jaar in s["verloop"].as_array().unwrap() {
        let j = jaar["jaar"].as_i64().unwrap();
        let range = format!("startdatum >= '{j}-01-01' AND startdatum <= '{j}-12-31'");
        assert_eq!(
            jaar["aantal"].as_i64().unwrap(),
            app.scalar(&format!("SELECT COUNT(*) FROM opdrachten WHERE {range}"))
                .await
        );
        for status in jaar["perStatus"].as_array().unwrap() {
            let st = status["opdrachtStatus"].as_str().unwrap();
            assert_eq!(
                status["aantal"].as_i64().unwrap(),
                app.scalar(&format!(
                    "SELECT COUNT(*) FROM opdrachten WHERE {range} AND status = '{st}'"
                ))
                .await
            );
        }
    }
    for regio in ["NOORD", "OOST", "MIDDEN", "WEST", "ZUID"] {
        assert_eq!(
            aantal(&s["perRegio"], "regio", regio),
            app.scalar(&format!(
                "SELECT COUNT(*) FROM opdrachten WHERE regio = '{regio}'"
            ))
            .await
        );
    }
    assert_eq!(
        aantal(&s["perSoort"], "opdrachtSoort", "AFSTUDEEROPDRACHT"),
        app.scalar("SELECT COUNT(*) FROM opdrachten WHERE soort = 'AFSTUDEEROPDRACHT'")
            .await
    );
}

async fn a_filter_narrows_the_opdracht_figures(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let s = t
        .query(
            STATS,
            json!({ "f": { "onderwijssoort": ["WO"], "regio": ["OOST"] } }),
        )
        .await
        .data()["statistieken"]
        .clone();
    let w = "onderwijssoort = 'WO' AND regio = 'OOST'";
    assert_eq!(
        s["aantalOpdrachten"].as_i64().unwrap(),
        app.scalar(&format!("SELECT COUNT(*) FROM opdrachten WHERE {w}"))
            .await
    );
    assert_eq!(
        s["aantalStudenten"].as_i64().unwrap(),
        app.scalar(&format!(
            "SELECT CAST(SUM(aantal_studenten) AS BIGINT) FROM opdrachten WHERE {w}"
        ))
        .await
    );
    assert_eq!(
        s["perOnderwijssoort"],
        json!([
            { "onderwijssoort": "WO", "aantal": s["aantalOpdrachten"], "percentage": 100.0 },
            { "onderwijssoort": "HBO", "aantal": 0, "percentage": 0.0 },
            { "onderwijssoort": "MBO", "aantal": 0, "percentage": 0.0 },
        ])
    );
    assert_eq!(
        s["aantalRijkspartners"], 65,
        "catalogue figures are not narrowed by an opdracht filter"
    );
}

/// Three opdrachten of HU for BZK, named "Teltest …", written straight into the database (the
/// statistics read what is stored, however it got there): `extern_id`, the values of `soort,
/// status, onderwijssoort, regio, startdatum, aantal_studenten`, and the themes.
const TELTEST: &[(&str, &str, &[&str])] = &[
    (
        "TEL-1",
        "'STAGE', 'AFGEROND', 'HBO', 'MIDDEN', '2021-02-01', 3",
        &["DATA_AI"],
    ),
    (
        "TEL-2",
        "'HACKATHON', 'IN_UITVOERING', 'HBO', NULL, '2023-09-01', 10",
        &["DATA_AI", "BLOCKCHAIN"],
    ),
    (
        "TEL-3",
        "'ONDERZOEK', 'AFGEROND', 'WO', 'MIDDEN', NULL, 1",
        &[],
    ),
];

async fn insert_teltest(app: &TestApp) {
    let conn = app.raw().await;
    let nu = "'2024-01-01T00:00:00+00:00'";
    for (extern_id, values, themas) in TELTEST {
        conn.execute_unprepared(&format!(
            "INSERT INTO opdrachten (eigenaar_id, extern_id, naam, opdrachtgever_id, soort, status, onderwijssoort, \
               regio, startdatum, aantal_studenten, aangemaakt_op, gewijzigd_op, versie) \
             SELECT k.id, '{extern_id}', 'Teltest {extern_id}', r.id, {values}, {nu}, {nu}, 1 \
             FROM organisaties k, organisaties r WHERE k.schac_home = 'hu.nl' AND r.oin = '{}'",
            demo::BZK
        ))
        .await
        .unwrap();
        for thema in *themas {
            conn.execute_unprepared(&format!(
                "INSERT INTO opdracht_themas (opdracht_id, thema_code) \
                 SELECT id, '{thema}' FROM opdrachten WHERE extern_id = '{extern_id}'"
            ))
            .await
            .unwrap();
        }
    }
}

/// Every status with its count, in the order of the enum.
fn per_status(in_voorbereiding: i64, in_uitvoering: i64, afgerond: i64, onbekend: i64) -> Value {
    json!([
        { "opdrachtStatus": "IN_VOORBEREIDING", "aantal": in_voorbereiding },
        { "opdrachtStatus": "IN_UITVOERING", "aantal": in_uitvoering },
        { "opdrachtStatus": "AFGEROND", "aantal": afgerond },
        { "opdrachtStatus": "ONBEKEND", "aantal": onbekend },
    ])
}

/// A year of `verloop` with its count per status.
fn jaar(year: i64, in_uitvoering: i64, afgerond: i64) -> Value {
    json!({
        "jaar": year,
        "aantal": in_uitvoering + afgerond,
        "perStatus": per_status(0, in_uitvoering, afgerond, 0),
    })
}

async fn every_category_and_every_year_of_the_range_is_listed_under_a_filter_that_leaves_them_empty(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    insert_teltest(&app).await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let s = t
        .query(STATS, json!({ "f": { "zoek": "Teltest" } }))
        .await
        .data()["statistieken"]
        .clone();
    let thema = |code: &str, aantal: i64| json!({ "thema": { "code": code }, "aantal": aantal });
    assert_eq!(
        s,
        json!({
            "aantalOpdrachten": 3,
            "aantalStudenten": 14,
            "aantalStudentenInStage": 3,
            "perStatus": per_status(0, 1, 2, 0),
            "perOnderwijssoort": [
                { "onderwijssoort": "WO", "aantal": 1, "percentage": 33.3 },
                { "onderwijssoort": "HBO", "aantal": 2, "percentage": 66.7 },
                { "onderwijssoort": "MBO", "aantal": 0, "percentage": 0.0 },
            ],
            "perSoort": [
                { "opdrachtSoort": "STAGE", "aantal": 1 },
                { "opdrachtSoort": "AFSTUDEEROPDRACHT", "aantal": 0 },
                { "opdrachtSoort": "GROEPSOPDRACHT", "aantal": 0 },
                { "opdrachtSoort": "HACKATHON", "aantal": 1 },
                { "opdrachtSoort": "ONDERZOEK", "aantal": 1 },
            ],
            "perThema": [
                thema("DATA_AI", 2),
                thema("CYBERVEILIGHEID", 0),
                thema("INFORMATIEHUISHOUDING", 0),
                thema("BLOCKCHAIN", 1),
                thema("SOFTWAREONTWIKKELING", 0),
                thema("PROCESOPTIMALISATIE", 0),
                thema("IT_CHANGE", 0),
            ],
            // The range is that of every opdracht the caller sees (the demo's 2020 to 2024),
            // so a filtered chart lines up with the unfiltered one.
            "verloop": [jaar(2020, 0, 0), jaar(2021, 0, 1), jaar(2022, 0, 0), jaar(2023, 1, 0), jaar(2024, 0, 0)],
            "perRegio": [
                { "regio": "NOORD", "aantal": 0 },
                { "regio": "OOST", "aantal": 0 },
                { "regio": "MIDDEN", "aantal": 2 },
                { "regio": "WEST", "aantal": 0 },
                { "regio": "ZUID", "aantal": 0 },
                { "regio": null, "aantal": 1 },
            ],
            "aantalRijkspartners": 65,
            "aantalKennisinstellingen": 34,
            "aantalFieldlabs": 10,
            "aantalActieveFieldlabs": 9,
            "aantalCommunities": 4,
        })
    );
}

async fn the_years_of_verloop_are_those_of_the_range_within_the_filters_start_dates(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    insert_teltest(&app).await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let verloop = |filter: Value| {
        let t = t.clone();
        async move {
            t.query(
                "query($f: OpdrachtFilter) { statistieken(filter: $f) { verloop { jaar aantal perStatus { opdrachtStatus aantal } } } }",
                json!({ "f": filter }),
            )
            .await
            .data()["statistieken"]["verloop"]
                .clone()
        }
    };
    assert_eq!(
        verloop(json!({ "zoek": "Teltest", "startdatumVanaf": "2022-03-01" })).await,
        json!([jaar(2022, 0, 0), jaar(2023, 1, 0), jaar(2024, 0, 0)])
    );
    assert_eq!(
        verloop(json!({ "zoek": "Teltest", "startdatumVanaf": "2018-01-01", "startdatumTotEnMet": "2021-12-31" })).await,
        json!([jaar(2020, 0, 0), jaar(2021, 0, 1)]),
        "years the caller has no opdrachten in are outside the range"
    );
    // An opdracht of 2026 widens the range for everyone who sees it, filtered or not.
    app.raw()
        .await
        .execute_unprepared(
            "UPDATE opdrachten SET startdatum = '2026-01-15' WHERE extern_id = 'TEL-3'",
        )
        .await
        .unwrap();
    let years: Vec<i64> = verloop(json!({ "zoek": "Teltest" }))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["jaar"].as_i64().unwrap())
        .collect();
    assert_eq!(years, vec![2020, 2021, 2022, 2023, 2024, 2025, 2026]);
}
