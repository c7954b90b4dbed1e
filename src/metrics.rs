//! Prometheus metrics at `GET /metrics`: GraphQL requests and their latency per operation name,
//! errors per `extensions.code`, SQL statements and the database pool.
//!
//! Hand-written text exposition (a handful of series) rather than a metrics framework. The
//! operation name comes from the client, so it is only used when it is a plain identifier, and
//! at most 100 distinct names are kept; the rest count as `other`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BOUNDS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
const MAX_OPERATIONS: usize = 100;

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; BOUNDS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct State {
    per_operation: BTreeMap<String, Histogram>,
    errors: BTreeMap<String, u64>,
}

/// The service's metrics.
#[derive(Default)]
pub struct Metrics(Mutex<State>);

impl Metrics {
    /// Records a GraphQL request: its operation name, how long it took, its errors' codes.
    pub fn record_request(&self, operation: Option<&str>, duration: Duration, codes: &[String]) {
        let Ok(mut state) = self.0.lock() else {
            return;
        };
        let name = match operation {
            Some(n)
                if !n.is_empty()
                    && n.len() <= 64
                    && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                n.to_owned()
            }
            Some(_) => "other".to_owned(),
            None => "anonymous".to_owned(),
        };
        let name = if state.per_operation.contains_key(&name)
            || state.per_operation.len() < MAX_OPERATIONS
        {
            name
        } else {
            "other".to_owned()
        };
        let h = state.per_operation.entry(name).or_default();
        let s = duration.as_secs_f64();
        for (bucket, bound) in h.buckets.iter_mut().zip(BOUNDS) {
            if s <= bound {
                *bucket += 1;
            }
        }
        h.sum += s;
        h.count += 1;
        for code in codes {
            *state.errors.entry(code.clone()).or_default() += 1;
        }
    }

    /// The metrics in Prometheus text format, with the database's and the answer cache's
    /// figures.
    pub fn render(
        &self,
        statements: u64,
        pool: Option<(u32, usize)>,
        cache: crate::cache::CacheStats,
        live: (usize, usize),
    ) -> String {
        let mut out = String::new();
        let Ok(state) = self.0.lock() else {
            return out;
        };
        write_requests(&mut out, &state.per_operation);
        write_errors(&mut out, &state.errors);
        write_database(&mut out, statements, pool);
        write_cache(&mut out, &cache);
        write_live(&mut out, live);
        out
    }
}

/// The request histogram per operation name.
fn write_requests(out: &mut String, per_operation: &BTreeMap<String, Histogram>) {
    let _ = writeln!(
        out,
        "# HELP ipartnerschap_graphql_request_duration_seconds GraphQL requests by operation name, and how long they took."
    );
    let _ = writeln!(
        out,
        "# TYPE ipartnerschap_graphql_request_duration_seconds histogram"
    );
    for (op, h) in per_operation {
        for (bound, n) in BOUNDS.iter().zip(h.buckets) {
            let _ = writeln!(
                out,
                "ipartnerschap_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "ipartnerschap_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(
            out,
            "ipartnerschap_graphql_request_duration_seconds_sum{{operation=\"{op}\"}} {}",
            h.sum
        );
        let _ = writeln!(
            out,
            "ipartnerschap_graphql_request_duration_seconds_count{{operation=\"{op}\"}} {}",
            h.count
        );
    }
}

/// The error counter per `extensions.code`.
fn write_errors(out: &mut String, errors: &BTreeMap<String, u64>) {
    let _ = writeln!(
        out,
        "# HELP ipartnerschap_graphql_errors_total GraphQL errors by extensions.code."
    );
    let _ = writeln!(out, "# TYPE ipartnerschap_graphql_errors_total counter");
    for (code, n) in errors {
        let _ = writeln!(
            out,
            "ipartnerschap_graphql_errors_total{{code=\"{code}\"}} {n}"
        );
    }
}

/// The SQL statement counter and, when known, the pool's connections.
fn write_database(out: &mut String, statements: u64, pool: Option<(u32, usize)>) {
    let _ = writeln!(
        out,
        "# HELP ipartnerschap_sql_statements_total SQL statements executed."
    );
    let _ = writeln!(out, "# TYPE ipartnerschap_sql_statements_total counter");
    let _ = writeln!(out, "ipartnerschap_sql_statements_total {statements}");
    if let Some((size, idle)) = pool {
        let _ = writeln!(
            out,
            "# HELP ipartnerschap_db_pool_connections Open connections in the database pool."
        );
        let _ = writeln!(out, "# TYPE ipartnerschap_db_pool_connections gauge");
        let _ = writeln!(out, "ipartnerschap_db_pool_connections {size}");
        let _ = writeln!(
            out,
            "# HELP ipartnerschap_db_pool_idle_connections Idle connections in the database pool."
        );
        let _ = writeln!(out, "# TYPE ipartnerschap_db_pool_idle_connections gauge");
        let _ = writeln!(out, "ipartnerschap_db_pool_idle_connections {idle}");
    }
}

/// The answer cache's figures.
fn write_cache(out: &mut String, cache: &crate::cache::CacheStats) {
    let series = [
        (
            "ipartnerschap_response_cache_hits_total",
            "counter",
            "Queries answered from the answer cache.",
            cache.hits as f64,
        ),
        (
            "ipartnerschap_response_cache_misses_total",
            "counter",
            "Cacheable queries that had to run.",
            cache.misses as f64,
        ),
        (
            "ipartnerschap_response_cache_entries",
            "gauge",
            "Answers in the answer cache.",
            cache.answers as f64,
        ),
        (
            "ipartnerschap_response_cache_bytes",
            "gauge",
            "Size of the answer cache (RESPONSE_CACHE_BYTES is its maximum).",
            cache.bytes as f64,
        ),
    ];
    for (name, kind, help, value) in series {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        let _ = writeln!(out, "{name} {value}");
    }
}

/// The live (WebSocket) connections and subscriptions open now.
fn write_live(out: &mut String, (connections, subscriptions): (usize, usize)) {
    let _ = writeln!(
        out,
        "# HELP ipartnerschap_live_connections WebSocket connections open now (acknowledged)."
    );
    let _ = writeln!(out, "# TYPE ipartnerschap_live_connections gauge");
    let _ = writeln!(out, "ipartnerschap_live_connections {connections}");
    let _ = writeln!(
        out,
        "# HELP ipartnerschap_live_subscriptions Subscriptions running now."
    );
    let _ = writeln!(out, "# TYPE ipartnerschap_live_subscriptions gauge");
    let _ = writeln!(out, "ipartnerschap_live_subscriptions {subscriptions}");
}
