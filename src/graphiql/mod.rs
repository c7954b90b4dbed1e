//! GraphiQL, served from assets embedded in the binary (`assets/graphiql/`: the production
//! builds of the npm packages graphiql@4, react@18 and react-dom@18, with their licences).
//!
//! No CDN: partner networks are often closed, and a page that loads scripts from elsewhere
//! would also let that elsewhere read the tokens typed into it. The bearer token is set in
//! GraphiQL's Headers tab.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

const PAGE: &str = include_str!("index.html");

/// `(name, content type, bytes)` of each asset.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
];

/// The GraphiQL page.
pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// One embedded asset, cacheable for a day (they change only with a new binary).
pub async fn asset(Path(name): Path<String>) -> Response {
    embedded(ASSETS, &name)
}

/// The asset `name` of `assets` (`(name, content type, bytes)`), cacheable for a day; `404`
/// for a name that is not there. The dashboard's assets are served the same way.
pub fn embedded(assets: &[(&str, &str, &'static [u8])], name: &str) -> Response {
    match assets.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
