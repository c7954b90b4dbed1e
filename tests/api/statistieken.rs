//! `statistieken`: the published figures for the programme office, counts that match
//! independent SQL, and the caller's scope.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use ipartnerschap::config::ServerSettings;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

dual_tests!(
    the_programme_office_sees_the_published_figures,
    theme_and_year_figures_match_independent_counts,
    a_filter_narrows_the_opdracht_figures,
    every_category_and_every_year_of_the_range_is_listed_under_a_filter_that_leaves_them_empty,
    the_years_of_verloop_are_those_of_the_range_within_the_filters_start_dates,
    only_the_selected_parts_are_counted_and_the_opdracht_figures_in_one_statement,
    each_part_alone_answers_as_it_does_among_all_parts_for_every_role_and_filter,
    scoped_and_filtered_figures_match_independent_counts,
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

/// The parts of `statistieken`, each as a query would select it alone.
const PARTS: &[&str] = &[
    "aantalOpdrachten",
    "aantalStudenten",
    "aantalStudentenInStage",
    "perStatus { opdrachtStatus aantal }",
    "perOnderwijssoort { onderwijssoort aantal percentage }",
    "perSoort { opdrachtSoort aantal }",
    "perThema { thema { code } aantal }",
    "verloop { jaar aantal perStatus { opdrachtStatus aantal } }",
    "perRegio { regio aantal }",
    "aantalRijkspartners",
    "aantalKennisinstellingen",
    "aantalFieldlabs",
    "aantalActieveFieldlabs",
    "aantalCommunities",
];

/// `statistieken(filter: $f)` selecting `selection`.
fn stats_of(selection: &str) -> String {
    format!("query($f: OpdrachtFilter) {{ statistieken(filter: $f) {{ {selection} }} }}")
}

/// The SQL statements one `statistieken` query selecting `selection` runs, beyond those of
/// one that selects nothing to count (`__typename`).
async fn statements(app: &TestApp, t: &Caller<'_>, filter: &Value, selection: &str) -> u64 {
    t.token().await;
    let run = |selection: String| async move {
        let before = app.db.statements_executed();
        t.query(&stats_of(&selection), json!({ "f": filter }))
            .await
            .data();
        app.db.statements_executed() - before
    };
    let nothing = run("__typename".into()).await;
    run(selection.into()).await - nothing
}

async fn only_the_selected_parts_are_counted_and_the_opdracht_figures_in_one_statement(
    backend: Backend,
) {
    let app = TestApp::spawn(backend)
        .with_settings(ServerSettings {
            response_cache_bytes: 0,
            ..ServerSettings::default()
        })
        .with_demo()
        .await;
    let t = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let geen = json!({});
    let wo = json!({ "onderwijssoort": ["WO"] });
    let opdrachtcijfers = "aantalOpdrachten aantalStudenten aantalStudentenInStage \
        perStatus { aantal } perOnderwijssoort { percentage } perSoort { aantal } \
        perRegio { aantal } verloop { jaar perStatus { aantal } }";
    let alles = PARTS.join(" ");
    for (filter, selection, verwacht, waarom) in [
        (
            &geen,
            "perStatus { opdrachtStatus aantal }",
            1,
            "per status alone",
        ),
        (
            &wo,
            "perStatus { opdrachtStatus aantal }",
            1,
            "per status alone, filtered",
        ),
        (&geen, "aantalCommunities", 1, "one catalogue figure"),
        (
            &geen,
            "aantalRijkspartners aantalFieldlabs",
            2,
            "two catalogue figures",
        ),
        (
            &geen,
            opdrachtcijfers,
            1,
            "every opdracht figure but the themes",
        ),
        (
            &wo,
            opdrachtcijfers,
            2,
            "filtered, the range of verloop's years is another statement",
        ),
        (
            &geen,
            "perThema { aantal }",
            2,
            "the themes and their counts",
        ),
        (&geen, &alles, 8, "everything"),
        (&wo, &alles, 9, "everything, filtered"),
    ] {
        assert_eq!(
            statements(&app, &t, filter, selection).await,
            verwacht,
            "{waarom}: {selection}"
        );
    }
}

/// The callers whose figures the tests below compare: the programme office, a lezer of an
/// institution, a kennismakelaar with two regions, a rijkspartner.
fn callers(app: &TestApp) -> Vec<(&'static str, Caller<'_>)> {
    vec![
        (
            "programme office",
            app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
        ),
        ("HU lezer", app.als(demo::HU, Rol::Lezer)),
        (
            "kennismakelaar",
            app.als_kennismakelaar(demo::HANZE, &["NOORD", "OOST"]),
        ),
        ("BZK medewerker", app.als(demo::BZK, Rol::Medewerker)),
    ]
}

async fn each_part_alone_answers_as_it_does_among_all_parts_for_every_role_and_filter(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let alles = PARTS.join(" ");
    let filters = [
        json!({}),
        json!({ "onderwijssoort": ["HBO"], "startdatumVanaf": "2021-01-01" }),
        json!({ "opdrachtStatus": ["AFGEROND"], "themas": ["DATA_AI"] }),
    ];
    for (wie, t) in callers(&app) {
        for filter in &filters {
            let f = json!({ "f": filter });
            let heel = t.query(&stats_of(&alles), f.clone()).await.data()["statistieken"].clone();
            for part in PARTS {
                let alleen =
                    t.query(&stats_of(part), f.clone()).await.data()["statistieken"].clone();
                let (veld, _) = alleen.as_object().unwrap().iter().next().unwrap();
                assert_eq!(alleen[veld], heel[veld], "{wie}, {filter}: {part}");
            }
            // Two parts that share the grouped statement, without the others.
            let twee = t
                .query(
                    &stats_of("perSoort { aantal } verloop { jaar aantal }"),
                    f.clone(),
                )
                .await
                .data()["statistieken"]
                .clone();
            let jaren: Vec<Value> = heel["verloop"]
                .as_array()
                .unwrap()
                .iter()
                .map(|j| json!({ "jaar": j["jaar"], "aantal": j["aantal"] }))
                .collect();
            assert_eq!(twee["verloop"], json!(jaren), "{wie}, {filter}");
        }
    }
}

async fn scoped_and_filtered_figures_match_independent_counts(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    insert_teltest(&app).await;
    let org = |key: &str| {
        let app = &app;
        let key = key.to_owned();
        async move {
            app.scalar(&format!(
                "SELECT CAST(id AS BIGINT) FROM organisaties WHERE schac_home = '{key}' OR oin = '{key}'"
            ))
            .await
        }
    };
    // The opdrachten rule of docs/access.md, written out.
    let ziet = |id: i64| {
        format!(
            "(eigenaar_id = {id} OR opdrachtgever_id = {id} OR id IN \
             (SELECT opdracht_id FROM opdracht_uitvoerders WHERE organisatie_id = {id}))"
        )
    };
    let hu = ziet(org(demo::HU).await);
    let makelaar = format!(
        "({} OR regio IN ('NOORD', 'OOST'))",
        ziet(org(demo::HANZE).await)
    );
    let bzk = ziet(org(demo::BZK).await);
    let zichtbaar = ["1 = 1", hu.as_str(), makelaar.as_str(), bzk.as_str()];
    let filters = [
        (json!({}), "1 = 1"),
        (
            json!({ "onderwijssoort": ["HBO"], "regio": ["MIDDEN", "OOST"] }),
            "onderwijssoort = 'HBO' AND regio IN ('MIDDEN', 'OOST')",
        ),
        (
            json!({ "themas": ["DATA_AI"], "startdatumVanaf": "2021-01-01" }),
            "id IN (SELECT opdracht_id FROM opdracht_themas WHERE thema_code = 'DATA_AI') \
             AND startdatum >= '2021-01-01'",
        ),
    ];
    for ((wie, t), zicht) in callers(&app).into_iter().zip(zichtbaar) {
        for (filter, waar) in &filters {
            let s = t.query(STATS, json!({ "f": filter })).await.data()["statistieken"].clone();
            let w = format!("{zicht} AND {waar}");
            let telling = |extra: String| {
                let app = &app;
                let w = w.clone();
                async move {
                    app.scalar(&format!(
                        "SELECT COUNT(*) FROM opdrachten WHERE {w} AND {extra}"
                    ))
                    .await
                }
            };
            let context = format!("{wie}, {filter}");
            assert_eq!(
                s["aantalOpdrachten"].as_i64().unwrap(),
                telling("1 = 1".into()).await,
                "{context}"
            );
            assert_eq!(
                s["aantalStudentenInStage"].as_i64().unwrap(),
                app.scalar(&format!(
                    "SELECT CAST(COALESCE(SUM(aantal_studenten), 0) AS BIGINT) FROM opdrachten \
                     WHERE {w} AND soort = 'STAGE'"
                ))
                .await,
                "{context}"
            );
            for status in s["perStatus"].as_array().unwrap() {
                let st = status["opdrachtStatus"].as_str().unwrap();
                assert_eq!(
                    status["aantal"].as_i64().unwrap(),
                    telling(format!("status = '{st}'")).await,
                    "{context} {st}"
                );
            }
            for e in s["perOnderwijssoort"].as_array().unwrap() {
                let o = e["onderwijssoort"].as_str().unwrap();
                assert_eq!(
                    e["aantal"].as_i64().unwrap(),
                    telling(format!("onderwijssoort = '{o}'")).await,
                    "{context} {o}"
                );
            }
            for e in s["perSoort"].as_array().unwrap() {
                let so = e["opdrachtSoort"].as_str().unwrap();
                assert_eq!(
                    e["aantal"].as_i64().unwrap(),
                    telling(format!("soort = '{so}'")).await,
                    "{context} {so}"
                );
            }
            for e in s["perRegio"].as_array().unwrap() {
                let r = match e["regio"].as_str() {
                    Some(r) => format!("regio = '{r}'"),
                    None => "regio IS NULL".into(),
                };
                assert_eq!(
                    e["aantal"].as_i64().unwrap(),
                    telling(r.clone()).await,
                    "{context} {r}"
                );
            }
            for e in s["perThema"].as_array().unwrap() {
                let code = e["thema"]["code"].as_str().unwrap();
                let by_theme = format!(
                    "id IN (SELECT opdracht_id FROM opdracht_themas WHERE thema_code = '{code}')"
                );
                assert_eq!(
                    e["aantal"].as_i64().unwrap(),
                    telling(by_theme).await,
                    "{context} {code}"
                );
            }
            for jaar in s["verloop"].as_array().unwrap() {
                let j = jaar["jaar"].as_i64().unwrap();
                let range = format!("startdatum >= '{j}-01-01' AND startdatum <= '{j}-12-31'");
                assert_eq!(
                    jaar["aantal"].as_i64().unwrap(),
                    telling(range).await,
                    "{context} {j}"
                );
            }
        }
    }
}
