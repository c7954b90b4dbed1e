//! `statistieken`: the published figures for the programme office, counts that match
//! independent SQL, and the caller's scope.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_programme_office_sees_the_published_figures,
    theme_and_year_figures_match_independent_counts,
    a_filter_narrows_the_opdracht_figures,
);

const STATS: &str = "query($f: OpdrachtFilter) { statistieken(filter: $f) { opdrachten studenten studentenInStage \
    perStatus { status aantal } perOnderwijssoort { onderwijssoort aantal percentage } \
    perSoort { soort aantal } perThema { thema { code } aantal } \
    verloop { jaar aantal perStatus { status aantal } } perRegio { regio aantal } \
    rijkspartners kennisinstellingen fieldlabs actieveFieldlabs communities } }";

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
    assert_eq!(s["opdrachten"], 548);
    assert_eq!(s["studenten"], 1235);
    assert_eq!(s["studentenInStage"], 261);
    assert_eq!(aantal(&s["perStatus"], "status", "AFGEROND"), 287);
    assert_eq!(aantal(&s["perStatus"], "status", "IN_VOORBEREIDING"), 58);
    assert_eq!(aantal(&s["perStatus"], "status", "IN_UITVOERING"), 54);
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
    assert_eq!(s["rijkspartners"], 65);
    assert_eq!(s["kennisinstellingen"], 34);
    assert_eq!(s["fieldlabs"], 10);
    assert_eq!(s["actieveFieldlabs"], 9);
    assert_eq!(s["communities"], 4);
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
            let st = status["status"].as_str().unwrap();
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
        aantal(&s["perSoort"], "soort", "AFSTUDEEROPDRACHT"),
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
        s["opdrachten"].as_i64().unwrap(),
        app.scalar(&format!("SELECT COUNT(*) FROM opdrachten WHERE {w}"))
            .await
    );
    assert_eq!(
        s["studenten"].as_i64().unwrap(),
        app.scalar(&format!(
            "SELECT CAST(SUM(aantal_studenten) AS BIGINT) FROM opdrachten WHERE {w}"
        ))
        .await
    );
    assert_eq!(
        s["perOnderwijssoort"],
        json!([{ "onderwijssoort": "WO", "aantal": s["opdrachten"], "percentage": 100.0 }])
    );
    assert_eq!(
        s["rijkspartners"], 65,
        "catalogue figures are not narrowed by an opdracht filter"
    );
}
