//! The dashboard (`GET /dashboard`) and the printable yearly figures (`GET /jaarcijfers/{jaar}`):
//! the programme's infographic as pages, served from the binary.
//!
//! Why here and like this: the programme office got its figures as JSON and drew them by
//! hand; partner networks are often closed, so nothing is loaded from a CDN (the scripts are
//! vendored in `assets/dashboard/`, see its README), and a page into which people paste
//! tokens runs under a strict Content-Security-Policy: scripts, styles and connections from this
//! origin only, no inline code, no frames. The dashboard reads everything through the public
//! API (`/graphql`, the subscription for live updates), so it shows exactly what the caller's
//! token may see; the token stays in the page's memory.
//!
//! The yearly page is rendered here, from `jaarcijfers(jaar:)` as an anonymous caller: only
//! published figures, the ones that are public and fixed, so the page can be linked, printed
//! and archived as the yearly report. It fits one A4 page (`print.css`).

use crate::app::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The Content-Security-Policy of the pages.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

const PAGE: &str = include_str!("../assets/dashboard/index.html");

/// `(name, content type, bytes)` of each asset.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "dashboard.js",
        JS,
        include_bytes!("../assets/dashboard/dashboard.js"),
    ),
    (
        "dashboard.css",
        CSS,
        include_bytes!("../assets/dashboard/dashboard.css"),
    ),
    (
        "print.css",
        CSS,
        include_bytes!("../assets/dashboard/print.css"),
    ),
    (
        "chart.umd.min.js",
        JS,
        include_bytes!("../assets/dashboard/chart.umd.min.js"),
    ),
    (
        "graphql-ws.min.js",
        JS,
        include_bytes!("../assets/dashboard/graphql-ws.min.js"),
    ),
    (
        "nl-provincies.js",
        JS,
        include_bytes!("../assets/dashboard/nl-provincies.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/dashboard/favicon.svg"),
    ),
];
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// A page with the policy.
fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}

/// `GET /dashboard`.
pub async fn page() -> Response {
    html(StatusCode::OK, PAGE.to_owned())
}

/// `GET /dashboard/{asset}`: one embedded asset, cacheable for a day (they change only with a
/// new binary).
pub async fn asset(Path(name): Path<String>) -> Response {
    crate::graphiql::embedded(ASSETS, &name)
}

/// The query behind the yearly page.
const JAARCIJFERS: &str = "query($jaar: Int!) { jaarcijfers(jaar: $jaar) { jaar gepubliceerd \
    gepubliceerdOp cijfers { aantalOpdrachten aantalStudenten aantalStudentenInStage \
    aantalRijkspartners aantalKennisinstellingen aantalFieldlabs aantalCommunities \
    aantalPromotietrajecten perOnderwijssoort { onderwijssoort aantal percentage } \
    perStatus { opdrachtStatus aantal } perSoort { opdrachtSoort aantal } \
    perThema { thema { naam naamEn } aantal } perRegio { regio aantal } \
    vraagstukken { aantal belegd } actieveOrganisaties { aantalRijkspartners \
    aantalKennisinstellingen } bijeenkomsten { aantal aantalDeelnemersOverheid \
    aantalDeelnemersOnderwijs } } } }";

/// `GET /jaarcijfers/{jaar}` (`?taal=en` for English): the published figures of a year as a
/// page to print; `404` for a year that is not published.
pub async fn yearly(
    State(state): State<AppState>,
    Path(jaar): Path<String>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let labels = match params.get("taal").map(String::as_str) {
        Some("en") => &EN,
        _ => &NL,
    };
    let Ok(jaar) = jaar.parse::<i32>() else {
        return html(StatusCode::NOT_FOUND, not_published(labels, &jaar));
    };
    let request = async_graphql::Request::new(JAARCIJFERS)
        .variables(async_graphql::Variables::from_json(json!({ "jaar": jaar })));
    let response = crate::app::execute(&state, None, request).await;
    let data = response.data.into_json().unwrap_or(Value::Null);
    let figures = &data["jaarcijfers"];
    // The server's own trouble is no "not published": the page says to try again.
    let server_trouble = response.errors.iter().find_map(|e| {
        crate::graphql::spec::code_of(e).and_then(crate::graphql::spec::server_status)
    });
    if let Some(status) = server_trouble {
        return html(status, unavailable(labels, jaar));
    }
    if !response.errors.is_empty() || figures["gepubliceerd"] != true {
        return html(
            StatusCode::NOT_FOUND,
            not_published(labels, &jaar.to_string()),
        );
    }
    html(StatusCode::OK, yearly_page(labels, figures))
}

/// The words of the yearly page in one language.
struct Labels {
    lang: &'static str,
    title: &'static str,
    published: &'static str,
    not_published: &'static str,
    unavailable: &'static str,
    totals: [&'static str; 8],
    parts: [&'static str; 6],
    count: &'static str,
    share: &'static str,
    programme: [&'static str; 7],
    theme_name: &'static str,
    /// The words for the enum values in the lists (`AFGEROND`, `STAGE`, `NOORD`) and for none.
    values: &'static [(&'static str, &'static str)],
}

impl Labels {
    fn value(&self, value: &str) -> String {
        self.values
            .iter()
            .find(|(v, _)| *v == value)
            .map_or_else(|| value.to_owned(), |(_, label)| (*label).to_owned())
    }
}

const NL: Labels = Labels {
    lang: "nl",
    title: "I-Partnerschap in cijfers",
    published: "Gepubliceerd op",
    not_published: "De cijfers van dit jaar zijn (nog) niet gepubliceerd.",
    unavailable: "De cijfers zijn nu niet te lezen; probeer het over een ogenblik opnieuw.",
    totals: [
        "Opdrachten",
        "Studenten",
        "Studenten in stage",
        "Rijkspartners",
        "Kennisinstellingen",
        "Fieldlabs",
        "Communities",
        "Promovendi",
    ],
    parts: [
        "Per onderwijssoort",
        "Per status",
        "Per soort opdracht",
        "Per thema",
        "Per regio",
        "Het programma",
    ],
    count: "Aantal",
    share: "Aandeel",
    programme: [
        "Vraagstukken ingediend",
        "Vraagstukken belegd",
        "Actieve rijkspartners",
        "Actieve kennisinstellingen",
        "Bijeenkomsten",
        "Deelnemers overheid",
        "Deelnemers onderwijs",
    ],
    theme_name: "naam",
    values: &[
        ("IN_VOORBEREIDING", "In voorbereiding"),
        ("IN_UITVOERING", "In uitvoering"),
        ("AFGEROND", "Afgerond"),
        ("ONBEKEND", "Onbekend"),
        ("STAGE", "Stage"),
        ("AFSTUDEEROPDRACHT", "Afstudeeropdracht"),
        ("GROEPSOPDRACHT", "Groepsopdracht"),
        ("HACKATHON", "Hackathon"),
        ("ONDERZOEK", "Onderzoek"),
        ("NOORD", "Noord"),
        ("OOST", "Oost"),
        ("MIDDEN", "Midden"),
        ("WEST", "West"),
        ("ZUID", "Zuid"),
        ("", "Onbekend"),
    ],
};

const EN: Labels = Labels {
    lang: "en",
    title: "I-Partnerschap in figures",
    published: "Published on",
    not_published: "The figures of this year have not been published (yet).",
    unavailable: "The figures cannot be read now; try again in a moment.",
    totals: [
        "Assignments",
        "Students",
        "Students in internships",
        "Government partners",
        "Knowledge institutions",
        "Field labs",
        "Communities",
        "PhD candidates",
    ],
    parts: [
        "Per kind of education",
        "Per status",
        "Per kind of assignment",
        "Per theme",
        "Per region",
        "The programme",
    ],
    count: "Number",
    share: "Share",
    programme: [
        "Questions submitted",
        "Questions matched",
        "Active government partners",
        "Active knowledge institutions",
        "Meetings",
        "Government participants",
        "Education participants",
    ],
    theme_name: "naamEn",
    values: &[
        ("IN_VOORBEREIDING", "In preparation"),
        ("IN_UITVOERING", "In progress"),
        ("AFGEROND", "Completed"),
        ("ONBEKEND", "Unknown"),
        ("STAGE", "Internship"),
        ("AFSTUDEEROPDRACHT", "Graduation project"),
        ("GROEPSOPDRACHT", "Group assignment"),
        ("HACKATHON", "Hackathon"),
        ("ONDERZOEK", "Research"),
        ("NOORD", "North"),
        ("OOST", "East"),
        ("MIDDEN", "Central"),
        ("WEST", "West"),
        ("ZUID", "South"),
        ("", "Unknown"),
    ],
};

/// `&`, `<`, `>`, `"` and `'` as entities.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn head(labels: &Labels, title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"icon\" href=\"/dashboard/favicon.svg\">\n\
         <link rel=\"stylesheet\" href=\"/dashboard/print.css\">\n</head>\n",
        labels.lang,
        escape(title)
    )
}

/// The page for a year the server cannot read now.
fn unavailable(labels: &Labels, jaar: i32) -> String {
    let title = format!("{} {jaar}", labels.title);
    format!(
        "{}<body>\n<main>\n<h1>{}</h1>\n<p>{}</p>\n</main>\n</body>\n</html>\n",
        head(labels, &title),
        escape(&title),
        labels.unavailable
    )
}

fn not_published(labels: &Labels, jaar: &str) -> String {
    let title = format!("{} {}", labels.title, jaar);
    format!(
        "{}<body>\n<main>\n<h1>{}</h1>\n<p>{}</p>\n</main>\n</body>\n</html>\n",
        head(labels, &title),
        escape(&title),
        labels.not_published
    )
}

/// A table of `(name, count, share)` rows under heading `title`.
fn table(title: &str, labels: &Labels, rows: &[(String, i64, Option<f64>)]) -> String {
    let with_share = rows.iter().any(|r| r.2.is_some());
    let mut out = format!(
        "<section>\n<h2>{}</h2>\n<table>\n<thead><tr><th scope=\"col\"><span class=\"weg\">{}</span></th>\
         <th scope=\"col\" class=\"getal\">{}</th>",
        escape(title),
        escape(title),
        labels.count
    );
    if with_share {
        out.push_str(&format!(
            "<th scope=\"col\" class=\"getal\">{}</th>",
            labels.share
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (name, count, share) in rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td class=\"getal\">{}</td>",
            escape(name),
            count
        ));
        if with_share {
            let share = share.map(|s| format!("{s:.0}%")).unwrap_or_default();
            out.push_str(&format!("<td class=\"getal\">{share}</td>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

/// The rows of a list part: the value of `key` (or of `key.<name>` for an object), `aantal`
/// and the share of `total`.
fn list(
    labels: &Labels,
    part: &Value,
    key: &str,
    name: Option<&str>,
    total: i64,
) -> Vec<(String, i64, Option<f64>)> {
    part.as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            let label = match name {
                Some(name) => item[key][name].as_str().unwrap_or("").to_owned(),
                None => labels.value(item[key].as_str().unwrap_or("")),
            };
            let count = item["aantal"].as_i64().unwrap_or(0);
            let share = item["percentage"]
                .as_f64()
                .or_else(|| (total > 0).then(|| count as f64 * 100.0 / total as f64));
            (label, count, share)
        })
        .collect()
}

fn yearly_page(labels: &Labels, figures: &Value) -> String {
    let c = &figures["cijfers"];
    let jaar = figures["jaar"].as_i64().unwrap_or(0);
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let title = format!("{} {jaar}", labels.title);
    let mut body = format!(
        "<body>\n<main>\n<header><h1>{}</h1>\n<p>{} {}</p></header>\n<dl class=\"totalen\">\n",
        escape(&title),
        labels.published,
        escape(
            figures["gepubliceerdOp"]
                .as_str()
                .unwrap_or("")
                .get(..10)
                .unwrap_or("")
        )
    );
    let keys = [
        "aantalOpdrachten",
        "aantalStudenten",
        "aantalStudentenInStage",
        "aantalRijkspartners",
        "aantalKennisinstellingen",
        "aantalFieldlabs",
        "aantalCommunities",
        "aantalPromotietrajecten",
    ];
    for (label, key) in labels.totals.iter().zip(keys) {
        body.push_str(&format!(
            "<div><dt>{label}</dt><dd data-figure=\"{key}\">{}</dd></div>\n",
            int(&c[key])
        ));
    }
    body.push_str("</dl>\n<div class=\"delen\">\n");
    body.push_str(&parts(labels, c));
    body.push_str("</div>\n</main>\n</body>\n</html>\n");
    format!("{}{body}", head(labels, &title))
}

/// The tables of the yearly page: the lists of the figures, then the programme's own.
fn parts(labels: &Labels, c: &Value) -> String {
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let total = int(&c["aantalOpdrachten"]);
    let lists = [
        ("perOnderwijssoort", "onderwijssoort", None),
        ("perStatus", "opdrachtStatus", None),
        ("perSoort", "opdrachtSoort", None),
        ("perThema", "thema", Some(labels.theme_name)),
        ("perRegio", "regio", None),
    ];
    let mut out = String::new();
    for (title, (part, key, name)) in labels.parts.iter().zip(lists) {
        out.push_str(&table(
            title,
            labels,
            &list(labels, &c[part], key, name, total),
        ));
    }
    let values = [
        &c["vraagstukken"]["aantal"],
        &c["vraagstukken"]["belegd"],
        &c["actieveOrganisaties"]["aantalRijkspartners"],
        &c["actieveOrganisaties"]["aantalKennisinstellingen"],
        &c["bijeenkomsten"]["aantal"],
        &c["bijeenkomsten"]["aantalDeelnemersOverheid"],
        &c["bijeenkomsten"]["aantalDeelnemersOnderwijs"],
    ];
    let rows: Vec<(String, i64, Option<f64>)> = labels
        .programme
        .iter()
        .zip(values)
        .map(|(label, value)| ((*label).to_owned(), int(value), None))
        .collect();
    out.push_str(&table(labels.parts[5], labels, &rows));
    out
}
