//! GraphiQL works offline: the page and its scripts come from the binary, nothing from a CDN.

use crate::harness::{Backend, TestApp};

#[tokio::test]
async fn graphiql_is_served_from_the_binary_without_external_urls() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = reqwest::Client::new();
    let page = client
        .get(&app.endpoint)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("GraphiQL"));
    // The Headers tab holds a bearer token: it must not go into the browser's storage.
    assert!(html.contains("shouldPersistHeaders: false"), "{html}");
    assert!(!html.contains("shouldPersistHeaders: true"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external URL"
    );
    let base = app.endpoint.trim_end_matches("/graphql");
    let mut scripts = 0;
    for asset in html.split('"').filter(|s| s.starts_with("/graphiql/")) {
        let response = client.get(format!("{base}{asset}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        assert!(response.bytes().await.unwrap().len() > 1000, "{asset}");
        scripts += 1;
    }
    assert_eq!(scripts, 4, "three scripts and a stylesheet");
    let missing = client
        .get(format!("{base}/graphiql/nope.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
