//! The GraphQL-over-HTTP transport (https://graphql.github.io/graphql-over-http/): reading a
//! request from `POST` (JSON) or `GET` (URL parameters, queries only) and writing the response
//! in the media type the client accepts, with the status code the spec asks for.
//!
//! Written here rather than taken from async-graphql-axum's extractor because the spec's
//! details are the contract: `application/graphql-response+json` when the client accepts it
//! (then a request that fails before execution, unparsable or invalid, is a `400` without a
//! `data` entry), `application/json` otherwise (then it is a `200`, as older clients expect),
//! `406` when the client accepts neither, `415` for a body that is not JSON, `405` for a
//! mutation over `GET`, `400` for a body that is not a GraphQL request. The npm package
//! `graphql-http` audits all of this in CI (`.ci/graphql-http-audit.mjs`).

use crate::error::ApiError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The response media types of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphqlResponse,
    /// `application/json`: the legacy type; well-formed GraphQL requests always get `200`.
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in, from the `Accept` header (highest quality first; `*/*` and
/// `application/*` mean `application/json`; no header means `application/json`). `None` when
/// the client accepts neither type.
pub fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    else {
        return Some(Media::Json);
    };
    let mut best: Option<(f32, Media)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media_type = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match media_type.as_str() {
            "application/graphql-response+json" => Media::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        // Equal quality: prefer graphql-response+json over application/json.
        let better = match best {
            None => true,
            Some((bq, bm)) => q > bq || (q == bq && media == Media::GraphqlResponse && bm != media),
        };
        if q > 0.0 && better {
            best = Some((q, media));
        }
    }
    best.map(|(_, m)| m)
}

/// A response that is not a GraphQL execution result: a transport error in the shape of a
/// GraphQL response (`errors` only), with `extensions.code`.
pub fn error_response(
    status: StatusCode,
    media: Media,
    code: &str,
    message: impl Into<String>,
) -> Response {
    let body = json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    response
}

/// Reads a GraphQL request from an HTTP request (`GET` or `POST`), or the error response to
/// send instead.
pub async fn read_request(
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
    media: Media,
) -> Result<async_graphql::Request, Response> {
    let params = if method == Method::GET {
        url_params(query.unwrap_or("")).map_err(|error| bad_request(media, error.message()))?
    } else {
        read_body(headers, body, media).await?
    };
    graphql_request(&params).map_err(|error| bad_request(media, error.message()))
}

/// `400 BAD_REQUEST` with `message`.
fn bad_request(media: Media, message: impl Into<String>) -> Response {
    error_response(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", message)
}

/// The parameters of a `GET` request: its URL parameters, `variables` and `extensions` as JSON;
/// or why they are a bad request.
fn url_params(query: &str) -> Result<Map<String, Value>, ApiError> {
    let mut params = Map::new();
    for (key, value) in form_urlencoded(query) {
        let value = match key.as_str() {
            "variables" | "extensions" => serde_json::from_str(&value).map_err(|_| {
                ApiError::BadRequest(format!("the URL parameter `{key}` is not JSON"))
            })?,
            _ => Value::String(value),
        };
        params.insert(key, value);
    }
    Ok(params)
}

/// The parameters of a `POST` request: its body, a JSON object in UTF-8.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    media: Media,
) -> Result<Map<String, Value>, Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset_ok = parts
        .filter_map(|p| {
            p.trim()
                .to_ascii_lowercase()
                .strip_prefix("charset=")
                .map(str::to_owned)
        })
        .all(|c| c.trim_matches('"') == "utf-8");
    if media_type != "application/json" || !charset_ok {
        return Err(error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request as JSON: `Content-Type: application/json` (UTF-8)",
        ));
    }
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Err(error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            "PAYLOAD_TOO_LARGE",
            "the request body is larger than MAX_BODY_BYTES",
        ));
    };
    if bytes.is_empty() {
        return Err(bad_request(
            media,
            "the request body is empty; send {\"query\": \"...\"}",
        ));
    }
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad_request(media, "the request body must be a JSON object")),
        Err(e) => Err(bad_request(
            media,
            format!("the request body is not valid JSON: {e}"),
        )),
    }
}

/// The GraphQL request of the parameters `query`, `operationName`, `variables` and
/// `extensions`; or why they are a bad request.
pub(crate) fn graphql_request(
    params: &Map<String, Value>,
) -> Result<async_graphql::Request, ApiError> {
    let bad = |message: &str| Err(ApiError::BadRequest(message.to_owned()));
    let mut request = match params.get("query") {
        Some(Value::String(q)) => async_graphql::Request::new(q.clone()),
        Some(_) => return bad("`query` must be a string"),
        None => return bad("the request has no `query`"),
    };
    match params.get("operationName") {
        Some(Value::String(name)) => request = request.operation_name(name.clone()),
        None | Some(Value::Null) => {}
        Some(_) => return bad("`operationName` must be a string or null"),
    }
    match params.get("variables") {
        Some(v @ Value::Object(_)) => {
            request = request.variables(async_graphql::Variables::from_json(v.clone()));
        }
        None | Some(Value::Null) => {}
        Some(_) => return bad("`variables` must be an object or null"),
    }
    match params.get("extensions") {
        Some(Value::Object(map)) => {
            for (k, v) in map {
                if let Ok(value) = async_graphql::Value::from_json(v.clone()) {
                    request.extensions.insert(k.clone(), value);
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => return bad("`extensions` must be an object or null"),
    }
    Ok(request)
}

/// `405` for a mutation sent with `GET`: `GET` is for queries only.
pub fn post_only(media: Media) -> Response {
    let mut response = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        media,
        "METHOD_NOT_ALLOWED",
        "mutations are sent with POST, never with GET",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// The key/value pairs of a URL query string.
pub(crate) fn form_urlencoded(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decoding with `+` as space (application/x-www-form-urlencoded). A `%` not followed
/// by two hex digits stays as it is.
fn decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    bytes.get(i + 1).and_then(|b| hex(*b)),
                    bytes.get(i + 2).and_then(|b| hex(*b)),
                ) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The HTTP response for an execution result. A request that failed before execution (it
/// could not be parsed or validated, or its variables did not fit: no data and no error with a
/// path) is a `400` without `data` for `application/graphql-response+json`, and a `200` for
/// `application/json`.
pub fn execution_response(response: async_graphql::Response, media: Media) -> Response {
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut http = if request_error && media == Media::GraphqlResponse {
        let mut body = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
        if let Some(map) = body.as_object_mut() {
            map.remove("data");
        }
        (StatusCode::BAD_REQUEST, body.to_string()).into_response()
    } else {
        // async-graphql-axum's responder serializes and carries the response's HTTP headers;
        // its content type is corrected below to the negotiated one.
        async_graphql_axum::GraphQLResponse::from(response).into_response()
    };
    http.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    http
}

/// A `200` with a GraphQL response already written as JSON (an answer from the cache).
pub fn json(body: axum::body::Bytes, media: Media) -> Response {
    let mut http = Response::new(Body::from(body));
    http.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    http
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Option<Media> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        negotiate(&h)
    }

    #[test]
    fn the_accept_header_picks_the_media_type() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(accept("*/*"), Some(Media::Json));
        assert_eq!(accept("application/json"), Some(Media::Json));
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            Some(Media::Json)
        );
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
    }

    #[test]
    fn url_parameters_are_decoded() {
        assert_eq!(
            form_urlencoded("query=%7B+me+%7B+ingelogd+%7D+%7D&x"),
            vec![
                ("query".into(), "{ me { ingelogd } }".into()),
                ("x".into(), String::new())
            ]
        );
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%e2%82%ac"), "€");
    }
}
