//! The figures as CSV: `GET /statistieken.csv`, for spreadsheets and the programme office's
//! reports, with the same filters and the same scope as the dashboard and `statistieken`.
//!
//! Why through the schema: the CSV is `statistieken` written another way. The handler builds
//! the GraphQL request the dashboard sends (every part, the filter from the URL) and runs it
//! with the caller's token like any request, so the access rules, the limits and the
//! validation of the filter values are those of the API, and the CSV cannot say more than the
//! query would.
//!
//! One row per figure, columns `part,key,count,percentage`:
//! - `part`: where the figure is in `Statistieken` (`totaal`, `perStatus`, `perOnderwijssoort`,
//!   `perSoort`, `perThema`, `perRegio`, `verloop`, `vraagstukken`,
//!   `vraagstukken.perVraagstukStatus`, `actieveOrganisaties`, `bijeenkomsten`);
//! - `key`: the field (`aantalOpdrachten`) or the value it counts (`AFGEROND`, `HBO`, a theme
//!   code, a year, a region; `ONBEKEND` for opdrachten without a region);
//! - `count`: the number;
//! - `percentage`: its share, one decimal: of the opdrachten counted (per status, kind of
//!   education, kind, theme and region; themes overlap), of the vraagstukken (per status);
//!   empty where a share says nothing (totals, years).

use crate::app::AppState;
use crate::error::ApiError;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The query behind the CSV: every part of `statistieken`.
pub const QUERY: &str = "query($filter: OpdrachtFilter, $jaar: Int) { \
    statistieken(filter: $filter, jaar: $jaar) { \
    aantalOpdrachten aantalStudenten aantalStudentenInStage aantalRijkspartners \
    aantalKennisinstellingen aantalFieldlabs aantalActieveFieldlabs aantalCommunities \
    aantalPromotietrajecten \
    perStatus { opdrachtStatus aantal } perOnderwijssoort { onderwijssoort aantal percentage } \
    perSoort { opdrachtSoort aantal } perThema { thema { code } aantal } \
    perRegio { regio aantal } verloop { jaar aantal } \
    vraagstukken { aantal belegd perVraagstukStatus { vraagstukStatus aantal } } \
    actieveOrganisaties { aantalRijkspartners aantalKennisinstellingen } \
    bijeenkomsten { aantal aantalDeelnemersOverheid aantalDeelnemersOnderwijs } } }";

/// The URL parameters and the `OpdrachtFilter` field each one fills (lists: comma-separated).
const FILTERS: &[(&str, &str)] = &[
    ("regio", "regio"),
    ("thema", "themas"),
    ("onderwijssoort", "onderwijssoort"),
    ("opdrachtSoort", "opdrachtSoort"),
    ("opdrachtStatus", "opdrachtStatus"),
];

/// `GET /statistieken.csv?jaar=2023&regio=MIDDEN,WEST&thema=DATA_AI`: the figures the caller
/// may see (anonymous without `Authorization`), one row per figure.
pub async fn statistieken_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    extensions: axum::http::Extensions,
) -> Response {
    let variables = match variables(query.as_deref().unwrap_or("")) {
        Ok(variables) => variables,
        Err(error) => return refusal(StatusCode::BAD_REQUEST, &error),
    };
    let source = state.source(&headers, crate::app::peer(&extensions));
    let principal = match crate::app::authenticate(&state, &headers, source).await {
        Ok(principal) => principal,
        Err(error @ ApiError::TooManyRequests { .. }) => {
            return refusal(StatusCode::TOO_MANY_REQUESTS, &error);
        }
        Err(error) => return refusal(StatusCode::UNAUTHORIZED, &error),
    };
    let request = async_graphql::Request::new(QUERY)
        .variables(async_graphql::Variables::from_json(variables));
    let response = crate::app::execute(&state, principal, request).await;
    if let Some(error) = response.errors.first() {
        let code = crate::graphql::spec::code_of(error).unwrap_or("BAD_REQUEST");
        let status = crate::graphql::spec::server_status(code).unwrap_or(StatusCode::BAD_REQUEST);
        let body =
            json!({ "errors": [{ "message": error.message, "extensions": { "code": code } }] });
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        return response;
    }
    let data = response.data.into_json().unwrap_or(Value::Null);
    match csv_of(&data["statistieken"]) {
        Ok(text) => csv_response(text),
        Err(error) => refusal(StatusCode::INTERNAL_SERVER_ERROR, &error),
    }
}

/// The GraphQL variables of the URL's parameters: `jaar` and the filter.
fn variables(query: &str) -> Result<Value, ApiError> {
    let mut filter = Map::new();
    let mut jaar = Value::Null;
    for (key, value) in crate::transport::form_urlencoded(query) {
        if key == "jaar" {
            let year: i32 = value.trim().parse().map_err(|_| {
                ApiError::BadRequest(format!("jaar must be a year, e.g. 2023, not {value:?}"))
            })?;
            jaar = json!(year);
            continue;
        }
        let Some((_, field)) = FILTERS.iter().find(|(name, _)| *name == key) else {
            let names: Vec<&str> = FILTERS.iter().map(|(n, _)| *n).collect();
            return Err(ApiError::BadRequest(format!(
                "unknown parameter {key:?}; use jaar, {}",
                names.join(", ")
            )));
        };
        let values: Vec<Value> = value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| json!(v))
            .collect();
        filter.insert((*field).to_owned(), Value::Array(values));
    }
    Ok(json!({ "filter": filter, "jaar": jaar }))
}

/// A row: part, key, count, and the share of `of` (none when `of` is `None` or 0).
type Row = (String, String, i64, Option<f64>);

/// The CSV of a `statistieken` answer.
pub fn csv_of(stats: &Value) -> Result<String, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(format!("cannot write the CSV: {e}"));
    writer
        .write_record(["part", "key", "count", "percentage"])
        .map_err(fail)?;
    for (part, key, count, share) in rows(stats) {
        let percentage = share.map(|p| format!("{p:.1}")).unwrap_or_default();
        writer
            .write_record([part, key, count.to_string(), percentage])
            .map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(format!("cannot write the CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The figures of a `statistieken` answer as rows, in the order of [`QUERY`].
fn rows(stats: &Value) -> Vec<Row> {
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let opdrachten = int(&stats["aantalOpdrachten"]);
    let mut rows: Vec<Row> = Vec::new();
    for key in [
        "aantalOpdrachten",
        "aantalStudenten",
        "aantalStudentenInStage",
        "aantalRijkspartners",
        "aantalKennisinstellingen",
        "aantalFieldlabs",
        "aantalActieveFieldlabs",
        "aantalCommunities",
        "aantalPromotietrajecten",
    ] {
        rows.push(("totaal".into(), key.into(), int(&stats[key]), None));
    }
    let lists: [(&str, &str, Option<i64>); 6] = [
        ("perStatus", "opdrachtStatus", Some(opdrachten)),
        ("perOnderwijssoort", "onderwijssoort", None),
        ("perSoort", "opdrachtSoort", Some(opdrachten)),
        ("perThema", "thema", Some(opdrachten)),
        ("perRegio", "regio", Some(opdrachten)),
        ("verloop", "jaar", None),
    ];
    for (part, field, of) in lists {
        list_rows(&mut rows, part, &stats[part], field, of);
    }
    let vraagstukken = &stats["vraagstukken"];
    for key in ["aantal", "belegd"] {
        rows.push((
            "vraagstukken".into(),
            key.into(),
            int(&vraagstukken[key]),
            None,
        ));
    }
    let per_status = &vraagstukken["perVraagstukStatus"];
    let of = Some(int(&vraagstukken["aantal"]));
    list_rows(
        &mut rows,
        "vraagstukken.perVraagstukStatus",
        per_status,
        "vraagstukStatus",
        of,
    );
    for (part, keys) in [
        (
            "actieveOrganisaties",
            &["aantalRijkspartners", "aantalKennisinstellingen"][..],
        ),
        (
            "bijeenkomsten",
            &[
                "aantal",
                "aantalDeelnemersOverheid",
                "aantalDeelnemersOnderwijs",
            ],
        ),
    ] {
        for key in keys {
            rows.push((part.into(), (*key).into(), int(&stats[part][key]), None));
        }
    }
    rows
}

/// The rows of one list part: its key field's value, its count, its share of `of` (or the
/// list's own `percentage`).
fn list_rows(rows: &mut Vec<Row>, part: &str, list: &Value, field: &str, of: Option<i64>) {
    for item in list.as_array().into_iter().flatten() {
        let key = match &item[field] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Object(thema) => thema["code"].as_str().unwrap_or("").to_owned(),
            _ => "ONBEKEND".to_owned(),
        };
        let count = item["aantal"].as_i64().unwrap_or(0);
        let share = match (item["percentage"].as_f64(), of) {
            (Some(p), _) => Some(p),
            (None, Some(total)) if total > 0 => Some(count as f64 * 100.0 / total as f64),
            _ => None,
        };
        rows.push((part.to_owned(), key, count, share));
    }
}

fn csv_response(text: String) -> Response {
    let mut response = (StatusCode::OK, text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"statistieken.csv\""),
    );
    response
}

fn refusal(status: StatusCode, error: &ApiError) -> Response {
    let async_error: async_graphql::Error = error.clone().into();
    let body = json!({ "errors": [{ "message": async_error.message, "extensions": async_error.extensions }] });
    (status, axum::Json(body)).into_response()
}
