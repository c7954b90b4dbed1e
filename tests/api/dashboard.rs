//! The dashboard and the printable yearly figures over HTTP: served from the binary under a
//! strict Content-Security-Policy, without inline code or external URLs; the yearly page only
//! for published years, with the published figures. (The page itself, its figures, its
//! accessibility and its live updates are checked in a real browser by `.ci/browser`.)

use crate::dual_tests;
use crate::harness::{Backend, TestApp};
use ipartnerschap::auth::Rol;
use serde_json::json;

dual_tests!(the_yearly_page_shows_a_published_year_and_nothing_before_publication);

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    let base = app.endpoint.trim_end_matches("/graphql");
    reqwest::get(format!("{base}{path}")).await.unwrap()
}

#[tokio::test]
async fn the_dashboard_is_served_from_the_binary_under_a_strict_content_security_policy() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = get(&app, "/dashboard").await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external URL"
    );
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline code"
    );
    let assets: Vec<&str> = html
        .split('"')
        .filter(|s| s.starts_with("/dashboard/"))
        .collect();
    assert_eq!(assets.len(), 5, "{assets:?}");
    for asset in assets {
        let response = get(&app, asset).await;
        assert_eq!(response.status(), 200, "{asset}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        assert!(body.len() > 100, "{asset}");
        if asset.ends_with(".js") {
            assert!(kind.starts_with("text/javascript"), "{asset}: {kind}");
            assert!(
                !body.contains("localStorage") && !body.contains("sessionStorage"),
                "{asset}"
            );
        }
    }
    let module = get(&app, "/dashboard/dashboard.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(module.contains("./nl-provincies.js"));
    assert_eq!(get(&app, "/dashboard/bestaat-niet.js").await.status(), 404);
}

async fn the_yearly_page_shows_a_published_year_and_nothing_before_publication(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let before = get(&app, "/jaarcijfers/2023").await;
    assert_eq!(before.status(), 404);
    assert!(before.headers().contains_key("content-security-policy"));
    assert!(before.text().await.unwrap().contains("niet gepubliceerd"));
    assert_eq!(get(&app, "/jaarcijfers/twee").await.status(), 404);
    assert_eq!(get(&app, "/jaarcijfers/99999").await.status(), 404);

    let published = app
        .als(None, Rol::Programmabureau)
        .query(
            "mutation { publiceerJaarcijfers(jaar: 2023) { cijfers { aantalOpdrachten aantalPromotietrajecten } } }",
            json!({}),
        )
        .await;
    let cijfers = &published.data()["publiceerJaarcijfers"]["cijfers"];
    let page = get(&app, "/jaarcijfers/2023").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("I-Partnerschap in cijfers 2023"), "{html}");
    let figure = |key: &str| {
        let start = html.find(&format!("data-figure=\"{key}\">")).unwrap() + key.len() + 15;
        html[start..].split('<').next().unwrap().to_owned()
    };
    assert_eq!(
        figure("aantalOpdrachten"),
        cijfers["aantalOpdrachten"].to_string()
    );
    assert_eq!(
        figure("aantalPromotietrajecten"),
        cijfers["aantalPromotietrajecten"].to_string()
    );
    assert!(html.contains("Afgerond") && html.contains("Per onderwijssoort"));
    let english = get(&app, "/jaarcijfers/2023?taal=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Per kind of education"));
}
