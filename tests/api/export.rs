//! The figures as CSV (`GET /statistieken.csv`): one row per figure, equal to `statistieken`
//! for the same caller and filter, and refusals that say what to change.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_csv_has_one_row_per_figure_equal_to_statistieken_for_the_caller,
    the_csv_is_scoped_like_statistieken,
    a_csv_request_with_an_unknown_parameter_value_or_token_is_refused_with_its_reason,
);

/// `GET /statistieken.csv?<query>` with `token`: status, content type and body.
async fn csv(app: &TestApp, token: Option<&str>, query: &str) -> (u16, String, String) {
    let base = app.endpoint.trim_end_matches("/graphql");
    let mut request = reqwest::Client::new().get(format!("{base}/statistieken.csv?{query}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

/// The rows of a CSV body (without its header), as `part,key` → `(count, percentage)`.
fn rows(body: &str) -> Vec<(String, String, i64, String)> {
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("part,key,count,percentage"));
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 4, "{line}");
            let count = cells[2].parse().unwrap();
            (cells[0].into(), cells[1].into(), count, cells[3].into())
        })
        .collect()
}

fn row<'r>(
    rows: &'r [(String, String, i64, String)],
    part: &str,
    key: &str,
) -> &'r (String, String, i64, String) {
    rows.iter()
        .find(|r| r.0 == part && r.1 == key)
        .unwrap_or_else(|| panic!("no row {part},{key}"))
}

const STATS: &str = "query($f: OpdrachtFilter, $jaar: Int) { statistieken(filter: $f, jaar: $jaar) { \
    aantalOpdrachten aantalStudenten aantalRijkspartners aantalPromotietrajecten \
    perOnderwijssoort { onderwijssoort aantal percentage } perStatus { opdrachtStatus aantal } \
    perThema { thema { code } aantal } verloop { jaar aantal } vraagstukken { aantal belegd } } }";

async fn the_csv_has_one_row_per_figure_equal_to_statistieken_for_the_caller(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.token(None, Rol::Programmabureau).await;
    let (status, content_type, body) = csv(&app, Some(&bureau), "").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        content_type.starts_with("text/csv; charset=utf-8"),
        "{content_type}"
    );
    let all = rows(&body);
    assert_eq!(row(&all, "totaal", "aantalOpdrachten").2, 548);
    assert_eq!(row(&all, "totaal", "aantalRijkspartners").2, 65);
    assert_eq!(row(&all, "totaal", "aantalKennisinstellingen").2, 34);
    // The published 64 / 33 / 3 %, rounded.
    for (soort, percentage) in [("HBO", 64.0), ("WO", 33.0), ("MBO", 3.0)] {
        let r = row(&all, "perOnderwijssoort", soort);
        assert_eq!(
            r.3.parse::<f64>().unwrap().round(),
            percentage,
            "{soort}: {r:?}"
        );
    }

    let filter = json!({ "regio": ["MIDDEN", "WEST"], "themas": ["DATA_AI"] });
    let stats = app
        .graphql(Some(&bureau), STATS, json!({ "f": filter, "jaar": 2022 }))
        .await;
    let stats = &stats.data()["statistieken"];
    let (_, _, body) = csv(
        &app,
        Some(&bureau),
        "jaar=2022&regio=MIDDEN,WEST&thema=DATA_AI",
    )
    .await;
    let some = rows(&body);
    assert_eq!(
        row(&some, "totaal", "aantalOpdrachten").2,
        stats["aantalOpdrachten"]
    );
    assert_eq!(
        row(&some, "totaal", "aantalStudenten").2,
        stats["aantalStudenten"]
    );
    assert_eq!(
        row(&some, "vraagstukken", "belegd").2,
        stats["vraagstukken"]["belegd"]
    );
    let total = stats["aantalOpdrachten"].as_f64().unwrap();
    assert!(total > 0.0);
    for status in stats["perStatus"].as_array().unwrap() {
        let key = status["opdrachtStatus"].as_str().unwrap();
        let r = row(&some, "perStatus", key);
        assert_eq!(r.2, status["aantal"]);
        let share = status["aantal"].as_f64().unwrap() * 100.0 / total;
        assert_eq!(r.3, format!("{share:.1}"), "{key}");
    }
    for soort in stats["perOnderwijssoort"].as_array().unwrap() {
        let key = soort["onderwijssoort"].as_str().unwrap();
        let r = row(&some, "perOnderwijssoort", key);
        assert_eq!(r.3, format!("{:.1}", soort["percentage"].as_f64().unwrap()));
    }
    for jaar in stats["verloop"].as_array().unwrap() {
        let r = row(&some, "verloop", &jaar["jaar"].to_string());
        assert_eq!(r.2, jaar["aantal"]);
        assert_eq!(r.3, "", "a year has no share");
    }
}

async fn the_csv_is_scoped_like_statistieken(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for token in [
        None,
        Some(app.token(Some(demo::BZK), Rol::Lezer).await),
        Some(app.token(Some(demo::HU), Rol::Medewerker).await),
    ] {
        let stats = app.graphql(token.as_deref(), STATS, json!({})).await;
        let stats: &Value = &stats.data()["statistieken"];
        let (status, _, body) = csv(&app, token.as_deref(), "").await;
        assert_eq!(status, 200);
        let all = rows(&body);
        assert_eq!(
            row(&all, "totaal", "aantalOpdrachten").2,
            stats["aantalOpdrachten"]
        );
        assert_eq!(
            row(&all, "vraagstukken", "aantal").2,
            stats["vraagstukken"]["aantal"]
        );
        for thema in stats["perThema"].as_array().unwrap() {
            let r = row(&all, "perThema", thema["thema"]["code"].as_str().unwrap());
            assert_eq!(r.2, thema["aantal"]);
        }
    }
}

async fn a_csv_request_with_an_unknown_parameter_value_or_token_is_refused_with_its_reason(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let cases = [
        ("kleur=rood", 400, "BAD_REQUEST", "unknown parameter"),
        ("jaar=twee", 400, "BAD_REQUEST", "jaar"),
        ("regio=MARS", 400, "GRAPHQL_VALIDATION_FAILED", "MARS"),
        ("jaar=99999", 400, "BAD_USER_INPUT", "jaar"),
    ];
    for (query, status, code, words) in cases {
        let (got, _, body) = csv(&app, None, query).await;
        assert_eq!(got, status, "{query}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{query}: {body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{query}: {message}");
    }
    let (status, _, body) = csv(&app, Some("not-a-token"), "").await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("UNAUTHENTICATED"), "{body}");
}
