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
const GRENZEN: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
const MAX_OPERATIES: usize = 100;

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; GRENZEN.len()],
    som: f64,
    aantal: u64,
}

#[derive(Default)]
struct Stand {
    per_operatie: BTreeMap<String, Histogram>,
    fouten: BTreeMap<String, u64>,
}

/// The service's metrics.
#[derive(Default)]
pub struct Metrics(Mutex<Stand>);

impl Metrics {
    /// Records a GraphQL request: its operation name, how long it took, its errors' codes.
    pub fn verzoek(&self, operatie: Option<&str>, duur: Duration, codes: &[String]) {
        let Ok(mut stand) = self.0.lock() else {
            return;
        };
        let naam = match operatie {
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
        let naam =
            if stand.per_operatie.contains_key(&naam) || stand.per_operatie.len() < MAX_OPERATIES {
                naam
            } else {
                "other".to_owned()
            };
        let h = stand.per_operatie.entry(naam).or_default();
        let s = duur.as_secs_f64();
        for (bucket, grens) in h.buckets.iter_mut().zip(GRENZEN) {
            if s <= grens {
                *bucket += 1;
            }
        }
        h.som += s;
        h.aantal += 1;
        for code in codes {
            *stand.fouten.entry(code.clone()).or_default() += 1;
        }
    }

    /// The metrics in Prometheus text format, with the database's and the answer cache's
    /// figures.
    pub fn tekst(
        &self,
        statements: u64,
        pool: Option<(u32, usize)>,
        cache: crate::cache::CacheStats,
    ) -> String {
        let mut out = String::new();
        let Ok(stand) = self.0.lock() else {
            return out;
        };
        let _ = writeln!(
            out,
            "# HELP ipartnerschap_graphql_request_duration_seconds GraphQL requests by operation name, and how long they took."
        );
        let _ = writeln!(
            out,
            "# TYPE ipartnerschap_graphql_request_duration_seconds histogram"
        );
        for (op, h) in &stand.per_operatie {
            for (grens, n) in GRENZEN.iter().zip(h.buckets) {
                let _ = writeln!(
                    out,
                    "ipartnerschap_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{grens}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "ipartnerschap_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {}",
                h.aantal
            );
            let _ = writeln!(
                out,
                "ipartnerschap_graphql_request_duration_seconds_sum{{operation=\"{op}\"}} {}",
                h.som
            );
            let _ = writeln!(
                out,
                "ipartnerschap_graphql_request_duration_seconds_count{{operation=\"{op}\"}} {}",
                h.aantal
            );
        }
        let _ = writeln!(
            out,
            "# HELP ipartnerschap_graphql_errors_total GraphQL errors by extensions.code."
        );
        let _ = writeln!(out, "# TYPE ipartnerschap_graphql_errors_total counter");
        for (code, n) in &stand.fouten {
            let _ = writeln!(
                out,
                "ipartnerschap_graphql_errors_total{{code=\"{code}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP ipartnerschap_sql_statements_total SQL statements executed."
        );
        let _ = writeln!(out, "# TYPE ipartnerschap_sql_statements_total counter");
        let _ = writeln!(out, "ipartnerschap_sql_statements_total {statements}");
        if let Some((grootte, vrij)) = pool {
            let _ = writeln!(
                out,
                "# HELP ipartnerschap_db_pool_connections Open connections in the database pool."
            );
            let _ = writeln!(out, "# TYPE ipartnerschap_db_pool_connections gauge");
            let _ = writeln!(out, "ipartnerschap_db_pool_connections {grootte}");
            let _ = writeln!(
                out,
                "# HELP ipartnerschap_db_pool_idle_connections Idle connections in the database pool."
            );
            let _ = writeln!(out, "# TYPE ipartnerschap_db_pool_idle_connections gauge");
            let _ = writeln!(out, "ipartnerschap_db_pool_idle_connections {vrij}");
        }
        let reeksen = [
            (
                "ipartnerschap_response_cache_hits_total",
                "counter",
                "Queries answered from the answer cache.",
                cache.treffers as f64,
            ),
            (
                "ipartnerschap_response_cache_misses_total",
                "counter",
                "Cacheable queries that had to run.",
                cache.missers as f64,
            ),
            (
                "ipartnerschap_response_cache_entries",
                "gauge",
                "Answers in the answer cache.",
                cache.antwoorden as f64,
            ),
            (
                "ipartnerschap_response_cache_bytes",
                "gauge",
                "Size of the answer cache (RESPONSE_CACHE_BYTES is its maximum).",
                cache.bytes as f64,
            ),
        ];
        for (naam, soort, uitleg, waarde) in reeksen {
            let _ = writeln!(out, "# HELP {naam} {uitleg}");
            let _ = writeln!(out, "# TYPE {naam} {soort}");
            let _ = writeln!(out, "{naam} {waarde}");
        }
        out
    }
}
