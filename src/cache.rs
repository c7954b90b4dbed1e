//! The answer cache: the JSON of a read query's answer, kept for the next identical request of
//! the same caller for as long as the data has not changed.
//!
//! Why: the API's users ask the same questions over and over (a ministry portal's list of its
//! labs and assignments, the programme office's figures), and most of the cost of an answer is
//! the GraphQL execution itself (a page of 100 opdrachten with their relations is ~2,500 values,
//! each resolved, converted and serialised), not the database. See BENCHMARKS.md.
//!
//! Correctness rests on two things:
//! - **The key is the whole question of one caller**: the principal (subject, role,
//!   organisation, regions, everything the scope is built from), the query text, the operation
//!   name and the variables. Two callers never share an entry, so the cache cannot widen what
//!   anyone sees; an answer is only ever what the scope computed for that same principal.
//! - **The version of the data**: the database keeps a counter that every write raises in its
//!   own transaction (triggers of migration 9, so writes by other processes count too). The
//!   version is read *before* a query runs and the answer is stored under it; an entry is only
//!   used while the version is unchanged. A write that lands while a query runs makes the
//!   version move on, so that answer, stored under the old version, is never served.
//!
//! Only queries (never mutations) whose answer has no errors are kept. The cache is bounded in
//! bytes (`RESPONSE_CACHE_BYTES`, 0 turns it off); when full, the oldest entries go first, and a
//! new version empties it at once.

use crate::auth::Principal;
use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// What identifies an answer: who asks what.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    principal: Option<Principal>,
    query: String,
    operation: Option<String>,
    /// The variables as JSON text.
    variables: String,
}

impl CacheKey {
    pub fn new(
        principal: Option<&Principal>,
        request: &async_graphql::Request,
    ) -> serde_json::Result<Self> {
        Ok(Self {
            principal: principal.cloned(),
            query: request.query.clone(),
            operation: request.operation_name.clone(),
            variables: serde_json::to_string(&request.variables)?,
        })
    }

    /// Bytes an entry for this question takes, roughly (key and bookkeeping included).
    fn size(&self, answer: &Bytes) -> usize {
        answer.len() + 2 * (self.query.len() + self.variables.len()) + 256
    }
}

/// The answers of one version of the data.
#[derive(Default)]
struct Contents {
    version: i64,
    answers: HashMap<Arc<CacheKey>, Bytes>,
    /// Insertion order, oldest first: who goes when the cache is full.
    order: VecDeque<Arc<CacheKey>>,
    bytes: usize,
}

/// What [`ResponseCache::state`] reports, for the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub answers: usize,
    pub bytes: usize,
}

/// The cache of one server process.
pub struct ResponseCache {
    max_bytes: usize,
    contents: Mutex<Contents>,
    counter: Mutex<(u64, u64)>,
}

impl ResponseCache {
    /// A cache of at most `max_bytes`; 0 keeps nothing.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            contents: Mutex::default(),
            counter: Mutex::default(),
        }
    }

    /// Whether the cache keeps anything at all.
    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    /// The answer to `key` computed at data version `version`, if kept.
    pub fn get(&self, key: &CacheKey, version: i64) -> Option<Bytes> {
        let found = self.contents.lock().ok().and_then(|contents| {
            (contents.version == version)
                .then(|| contents.answers.get(key).cloned())
                .flatten()
        });
        if let Ok(mut counter) = self.counter.lock() {
            match found {
                Some(_) => counter.0 += 1,
                None => counter.1 += 1,
            }
        }
        found
    }

    /// Keeps `answer` to `key`, computed after reading data version `version`.
    pub fn put(&self, key: CacheKey, version: i64, answer: Bytes) {
        let size = key.size(&answer);
        // One answer may take at most a quarter of the cache, so a few huge ones cannot push
        // out everything else.
        if size > self.max_bytes / 4 {
            return;
        }
        let Ok(mut contents) = self.contents.lock() else {
            return;
        };
        if version < contents.version {
            // Computed before a write that has been seen since: already out of date.
            return;
        }
        if version > contents.version {
            *contents = Contents {
                version,
                ..Contents::default()
            };
        }
        let key = Arc::new(key);
        if contents.answers.contains_key(&key) {
            return;
        }
        while contents.bytes + size > self.max_bytes {
            let Some(oldest) = contents.order.pop_front() else {
                break;
            };
            if let Some(removed) = contents.answers.remove(&oldest) {
                contents.bytes -= oldest.size(&removed);
            }
        }
        contents.bytes += size;
        contents.order.push_back(key.clone());
        contents.answers.insert(key, answer);
    }

    /// Hits, misses, entries and bytes, for `/metrics`.
    pub fn stats(&self) -> CacheStats {
        let (hits, misses) = self.counter.lock().map(|t| *t).unwrap_or_default();
        let (answers, bytes) = self
            .contents
            .lock()
            .map(|i| (i.answers.len(), i.bytes))
            .unwrap_or_default();
        CacheStats {
            hits,
            misses,
            answers,
            bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(query: &str) -> CacheKey {
        CacheKey::new(None, &async_graphql::Request::new(query)).unwrap()
    }

    #[test]
    fn an_answer_is_found_only_at_the_version_it_was_computed_at() {
        let cache = ResponseCache::new(1 << 20);
        cache.put(key("{ a }"), 7, Bytes::from_static(b"A"));
        assert_eq!(cache.get(&key("{ a }"), 7), Some(Bytes::from_static(b"A")));
        assert_eq!(cache.get(&key("{ a }"), 8), None);
        assert_eq!(cache.get(&key("{ b }"), 7), None);
        // An answer computed before a newer version was seen is not kept.
        cache.put(key("{ c }"), 8, Bytes::from_static(b"C"));
        cache.put(key("{ a }"), 7, Bytes::from_static(b"A"));
        assert_eq!(cache.get(&key("{ a }"), 7), None);
        assert_eq!(
            cache.stats().answers,
            1,
            "the new version emptied the cache"
        );
    }

    #[test]
    fn the_cache_stays_within_its_size_by_dropping_the_oldest_answers() {
        let cache = ResponseCache::new(4000);
        let answer = Bytes::from(vec![b'x'; 600]);
        for i in 0..20 {
            cache.put(key(&format!("{{ v{i} }}")), 1, answer.clone());
            assert!(cache.stats().bytes <= 4000);
        }
        assert_eq!(cache.get(&key("{ v0 }"), 1), None, "the oldest went first");
        assert!(cache.get(&key("{ v19 }"), 1).is_some(), "the newest stayed");
        // Larger than a quarter of the cache: not kept.
        cache.put(key("{ groot }"), 1, Bytes::from(vec![b'x'; 1500]));
        assert_eq!(cache.get(&key("{ groot }"), 1), None);
    }

    #[test]
    fn a_cache_of_zero_bytes_keeps_nothing() {
        let cache = ResponseCache::new(0);
        assert!(!cache.enabled());
        cache.put(key("{ a }"), 1, Bytes::from_static(b"A"));
        assert_eq!(cache.get(&key("{ a }"), 1), None);
    }
}
