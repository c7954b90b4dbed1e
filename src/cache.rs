//! The answer cache: the JSON of a read query's answer, kept for the next identical request of
//! a caller with the same scope for as long as the record types it read have not changed.
//!
//! Why: the API's users ask the same questions over and over (a ministry portal's list of its
//! labs and assignments, the programme office's figures), and most of the cost of an answer is
//! the GraphQL execution itself (a page of 100 opdrachten with their relations is ~2,500 values,
//! each resolved, converted and serialised), not the database. See BENCHMARKS.md. Institutions
//! sync their opdrachten many times a day, so an answer must survive the writes that cannot
//! change it, and callers who would get the same answer should share it.
//!
//! Correctness rests on three things:
//! - **The key is the question and everything the answer can depend on of the caller**: the
//!   query text, the operation name, the variables, and the principal without its subject (its
//!   role, organisation and the organisation's kind, its regions: everything the access rules
//!   are built from, [`crate::db::Scope`]). Only [`Principal::subject`] is left out, and only
//!   when the query cannot show it: a query that selects the caller's own identity (`me`, see
//!   [`crate::graphql::spec::Reads::identity`]) is keyed by the whole principal. Anything added
//!   to the principal later is in the key by default. So callers share an answer only when the
//!   access rules treat them alike, and the cache cannot widen what anyone sees.
//! - **What the answer read**: the record types a query can read are derived from the operation
//!   before it runs ([`crate::graphql::spec::Reads`]), conservatively: every type reachable in
//!   its selection and its arguments, every type an interface can stand for, all types when in
//!   doubt, and all types for the change log (the feed and the audit trail).
//! - **The versions of those types**: the database keeps a counter per record type
//!   (`datastanden`) that every write to the type's tables raises in its own transaction
//!   (triggers of migration 24, so writes by other processes count too). All versions are read
//!   *before* a query runs (one statement) and the answer is stored with the versions of the
//!   types it read; an entry is only used while those are unchanged. A write that lands while a
//!   query runs moves a version on, so that answer, stored under the old one, is never served.
//!
//! Only queries (never mutations) whose answer has no errors are kept. The cache is bounded in
//! bytes (`RESPONSE_CACHE_BYTES`, 0 turns it off); when full, the oldest entries go first, and a
//! newer version of a record type drops at once the answers that read it.

use crate::auth::Principal;
use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// A record type as the versions count it: a table of records with its link tables, or the
/// change log. The names are the rows of `datastanden` (migration 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recordsoort {
    Themas,
    Organisaties,
    Fieldlabs,
    Lectoraten,
    Minoren,
    Communities,
    Opdrachten,
    Vraagstukken,
    Promotietrajecten,
    Bijeenkomsten,
    Kennismakelaars,
    /// The published yearly figures.
    Jaarcijfers,
    /// The change log: the feed and the audit trail.
    Wijzigingen,
}

impl Recordsoort {
    pub const ALL: [Recordsoort; 13] = [
        Recordsoort::Themas,
        Recordsoort::Organisaties,
        Recordsoort::Fieldlabs,
        Recordsoort::Lectoraten,
        Recordsoort::Minoren,
        Recordsoort::Communities,
        Recordsoort::Opdrachten,
        Recordsoort::Vraagstukken,
        Recordsoort::Promotietrajecten,
        Recordsoort::Bijeenkomsten,
        Recordsoort::Kennismakelaars,
        Recordsoort::Jaarcijfers,
        Recordsoort::Wijzigingen,
    ];

    /// Its row in `datastanden`.
    pub fn naam(self) -> &'static str {
        match self {
            Recordsoort::Themas => "themas",
            Recordsoort::Organisaties => "organisaties",
            Recordsoort::Fieldlabs => "fieldlabs",
            Recordsoort::Lectoraten => "lectoraten",
            Recordsoort::Minoren => "minoren",
            Recordsoort::Communities => "communities",
            Recordsoort::Opdrachten => "opdrachten",
            Recordsoort::Vraagstukken => "vraagstukken",
            Recordsoort::Promotietrajecten => "promotietrajecten",
            Recordsoort::Bijeenkomsten => "bijeenkomsten",
            Recordsoort::Kennismakelaars => "kennismakelaars",
            Recordsoort::Jaarcijfers => "jaarcijfers",
            Recordsoort::Wijzigingen => "wijzigingen",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A set of record types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recordsoorten(u16);

impl Recordsoorten {
    pub const NONE: Recordsoorten = Recordsoorten(0);
    pub const ALL: Recordsoorten = Recordsoorten((1 << Recordsoort::ALL.len()) - 1);

    pub fn of(soorten: &[Recordsoort]) -> Self {
        soorten
            .iter()
            .fold(Self::NONE, |set, s| set.union(Self(1 << s.index())))
    }

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn contains(self, soort: Recordsoort) -> bool {
        self.0 & (1 << soort.index()) != 0
    }

    fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    fn iter(self) -> impl Iterator<Item = Recordsoort> {
        Recordsoort::ALL
            .into_iter()
            .filter(move |s| self.contains(*s))
    }
}

/// The version of every record type, as read from the database at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Versies([i64; Recordsoort::ALL.len()]);

impl Versies {
    /// The versions from the rows `(recordsoort, versie)` of `datastanden`; `None` when a
    /// record type has no row (then nothing may be cached: nothing would invalidate it).
    pub fn from_rows(rows: &[(String, i64)]) -> Option<Self> {
        let mut versies = [0; Recordsoort::ALL.len()];
        for soort in Recordsoort::ALL {
            let (_, versie) = rows.iter().find(|(naam, _)| naam == soort.naam())?;
            versies[soort.index()] = *versie;
        }
        Some(Self(versies))
    }

    fn of(&self, soort: Recordsoort) -> i64 {
        self.0[soort.index()]
    }

    /// The record types that are newer here than in `other`.
    fn newer_than(&self, other: &Versies) -> Recordsoorten {
        Recordsoorten::of(
            &Recordsoort::ALL
                .into_iter()
                .filter(|s| self.of(*s) > other.of(*s))
                .collect::<Vec<_>>(),
        )
    }

    /// Whether these and `other` are the same for every type in `soorten`.
    fn agree(&self, other: &Versies, soorten: Recordsoorten) -> bool {
        soorten.iter().all(|s| self.of(s) == other.of(s))
    }
}

/// What identifies an answer: what is asked, by whom as far as the answer can tell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    principal: Option<Principal>,
    query: String,
    operation: Option<String>,
    /// The variables as JSON text.
    variables: String,
}

impl CacheKey {
    /// The key of `request` by `principal`. `shared`: the answer cannot show who the caller is
    /// (it selects no identity), so it is keyed by the principal without its subject and
    /// shared with every caller of the same role, organisation and regions.
    pub fn new(
        principal: Option<&Principal>,
        request: &async_graphql::Request,
        shared: bool,
    ) -> serde_json::Result<Self> {
        let principal = principal.map(|p| match shared {
            true => Principal {
                subject: String::new(),
                ..p.clone()
            },
            false => p.clone(),
        });
        Ok(Self {
            principal,
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

/// A kept answer: the JSON, the record types the query read and their versions before it ran.
struct Entry {
    answer: Bytes,
    reads: Recordsoorten,
    versies: Versies,
}

#[derive(Default)]
struct Contents {
    /// The newest versions seen; every entry agrees with them on the types it read.
    seen: Versies,
    answers: HashMap<Arc<CacheKey>, Entry>,
    /// Insertion order, oldest first: who goes when the cache is full.
    order: VecDeque<Arc<CacheKey>>,
    bytes: usize,
}

impl Contents {
    /// Takes note of `versies`: the answers that read a type now newer are dropped.
    fn advance(&mut self, versies: &Versies) {
        let changed = versies.newer_than(&self.seen);
        if changed == Recordsoorten::NONE {
            return;
        }
        for soort in changed.iter() {
            self.seen.0[soort.index()] = versies.of(soort);
        }
        let bytes = &mut self.bytes;
        self.answers.retain(|key, entry| {
            let keep = !entry.reads.intersects(changed);
            if !keep {
                *bytes -= key.size(&entry.answer);
            }
            keep
        });
        let answers = &self.answers;
        self.order.retain(|key| answers.contains_key(key));
    }
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

    /// The answer to `key`, if kept and computed at the `versies` just read of the types it
    /// read.
    pub fn get(&self, key: &CacheKey, versies: &Versies) -> Option<Bytes> {
        let found = self.contents.lock().ok().and_then(|mut contents| {
            contents.advance(versies);
            let entry = contents.answers.get(key)?;
            entry
                .versies
                .agree(versies, entry.reads)
                .then(|| entry.answer.clone())
        });
        if let Ok(mut counter) = self.counter.lock() {
            match found {
                Some(_) => counter.0 += 1,
                None => counter.1 += 1,
            }
        }
        found
    }

    /// Keeps `answer` to `key`, computed by a query that read the record types `reads` after
    /// reading the versions `versies`.
    pub fn put(&self, key: CacheKey, reads: Recordsoorten, versies: &Versies, answer: Bytes) {
        let size = key.size(&answer);
        // One answer may take at most a quarter of the cache, so a few huge ones cannot push
        // out everything else.
        if size > self.max_bytes / 4 {
            return;
        }
        let Ok(mut contents) = self.contents.lock() else {
            return;
        };
        contents.advance(versies);
        if !contents.seen.agree(versies, reads) {
            // Computed before a write to a type it read that has been seen since: out of date.
            return;
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
                contents.bytes -= oldest.size(&removed.answer);
            }
        }
        contents.bytes += size;
        contents.order.push_back(key.clone());
        let entry = Entry {
            answer,
            reads,
            versies: *versies,
        };
        contents.answers.insert(key, entry);
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
    use Recordsoort::{Fieldlabs, Opdrachten, Organisaties};

    fn key(query: &str) -> CacheKey {
        CacheKey::new(None, &async_graphql::Request::new(query), true).unwrap()
    }

    /// Versions with `raised` raised `times` times past 1.
    fn versies(raised: &[(Recordsoort, i64)]) -> Versies {
        let mut v = Versies([1; Recordsoort::ALL.len()]);
        for (soort, times) in raised {
            v.0[soort.index()] += times;
        }
        v
    }

    fn reads(soorten: &[Recordsoort]) -> Recordsoorten {
        Recordsoorten::of(soorten)
    }

    #[test]
    fn an_answer_is_found_only_while_the_types_it_read_are_unchanged() {
        let cache = ResponseCache::new(1 << 20);
        let start = versies(&[]);
        let a = Bytes::from_static(b"A");
        cache.put(key("{ a }"), reads(&[Fieldlabs]), &start, a.clone());
        cache.put(key("{ b }"), reads(&[Opdrachten]), &start, a.clone());
        assert_eq!(cache.get(&key("{ a }"), &start), Some(a.clone()));
        assert_eq!(cache.get(&key("{ c }"), &start), None);
        let sync = versies(&[(Opdrachten, 1)]);
        assert_eq!(cache.get(&key("{ a }"), &sync), Some(a.clone()), "kept");
        assert_eq!(cache.get(&key("{ b }"), &sync), None, "read opdrachten");
        assert_eq!(cache.stats().answers, 1, "the stale answer was dropped");
        // A request that read the versions before the sync does not get the new answer.
        cache.put(key("{ b }"), reads(&[Opdrachten]), &sync, a.clone());
        assert_eq!(cache.get(&key("{ b }"), &start), None);
        assert_eq!(cache.get(&key("{ b }"), &sync), Some(a));
    }

    #[test]
    fn an_answer_computed_before_a_write_that_has_been_seen_is_not_kept() {
        let cache = ResponseCache::new(1 << 20);
        let later = versies(&[(Organisaties, 2)]);
        cache.get(&key("{ x }"), &later);
        let answer = Bytes::from_static(b"A");
        cache.put(
            key("{ a }"),
            reads(&[Organisaties]),
            &versies(&[]),
            answer.clone(),
        );
        cache.put(key("{ b }"), reads(&[Fieldlabs]), &versies(&[]), answer);
        assert_eq!(
            cache.stats().answers,
            1,
            "only the one that read no newer type"
        );
    }

    #[test]
    fn the_cache_stays_within_its_size_by_dropping_the_oldest_answers() {
        let cache = ResponseCache::new(4000);
        let v = versies(&[]);
        let answer = Bytes::from(vec![b'x'; 600]);
        for i in 0..20 {
            cache.put(
                key(&format!("{{ v{i} }}")),
                reads(&[Fieldlabs]),
                &v,
                answer.clone(),
            );
            assert!(cache.stats().bytes <= 4000);
        }
        assert_eq!(cache.get(&key("{ v0 }"), &v), None, "the oldest went first");
        assert!(
            cache.get(&key("{ v19 }"), &v).is_some(),
            "the newest stayed"
        );
        // Larger than a quarter of the cache: not kept.
        cache.put(
            key("{ groot }"),
            reads(&[]),
            &v,
            Bytes::from(vec![b'x'; 1500]),
        );
        assert_eq!(cache.get(&key("{ groot }"), &v), None);
        // Dropping stale answers gives back their bytes.
        cache.get(&key("{ v19 }"), &versies(&[(Fieldlabs, 1)]));
        assert_eq!(
            cache.stats(),
            CacheStats {
                hits: 1,
                misses: 3,
                answers: 0,
                bytes: 0
            }
        );
    }

    #[test]
    fn a_cache_of_zero_bytes_keeps_nothing() {
        let cache = ResponseCache::new(0);
        assert!(!cache.enabled());
        let v = versies(&[]);
        cache.put(
            key("{ a }"),
            Recordsoorten::ALL,
            &v,
            Bytes::from_static(b"A"),
        );
        assert_eq!(cache.get(&key("{ a }"), &v), None);
    }

    #[test]
    fn versions_need_a_row_for_every_record_type() {
        let mut rows: Vec<(String, i64)> = Recordsoort::ALL
            .iter()
            .map(|s| (s.naam().to_owned(), 3))
            .collect();
        assert_eq!(
            Versies::from_rows(&rows),
            Some(Versies([3; Recordsoort::ALL.len()]))
        );
        rows.pop();
        assert_eq!(Versies::from_rows(&rows), None);
    }
}
