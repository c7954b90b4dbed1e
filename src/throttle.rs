//! Failed authentications per source: after `AUTH_FAILURES_PER_MINUTE` refused tokens from one
//! address within a minute, the next refusals from it are `429 TOO_MANY_REQUESTS` with
//! `Retry-After`, not `401`, until the minute is over.
//!
//! Why this shape: a valid token is never throttled (a university's campus shares one address,
//! and one misconfigured client there must not lock out the rest), so tokens are always
//! checked and only the refusal changes. Guessing stays hopeless either way (an HS256 signature
//! or a 256-bit secret); what the limit bounds is what a client hammering with bad tokens costs:
//! its answers say "stop and wait", and it is logged once per minute instead of once per
//! request. The count is kept per process, in memory, for at most [`MAX_SOURCES`] addresses.
//!
//! The source is the peer's address, or, behind a proxy that sets one, the last address of
//! `CLIENT_IP_HEADER` (the one the nearest proxy added; only set it when a proxy you run sets
//! the header). An IPv6 address counts by its /64. Refusals of tokens that are signed by a
//! trusted key (expired, not yet valid, of an unknown organisation) are no guesses and are not
//! counted.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window failures are counted in.
pub const WINDOW: Duration = Duration::from_secs(60);

/// The most addresses counted at once; beyond it the oldest windows are forgotten.
pub const MAX_SOURCES: usize = 100_000;

/// Failed authentications per source address in the current window.
#[derive(Debug)]
pub struct FailedAuthentications {
    limit: u32,
    per_source: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// What a failure means for its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the limit: refuse as usual (`401`).
    Refuse,
    /// Over it, for the first time in this window: refuse with `429` and log it.
    FirstOverLimit(Duration),
    /// Over it again: refuse with `429`, without a log line.
    OverLimit(Duration),
}

impl FailedAuthentications {
    /// Counting `limit` failures per source and minute; 0 counts nothing.
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            per_source: Mutex::default(),
        }
    }

    /// Records a failed authentication from `source` (none known: not counted).
    pub fn failed(&self, source: Option<IpAddr>) -> Verdict {
        let (Some(source), true) = (source, self.limit > 0) else {
            return Verdict::Refuse;
        };
        let source = counted(source);
        let Ok(mut sources) = self.per_source.lock() else {
            return Verdict::Refuse;
        };
        let now = Instant::now();
        if sources.len() >= MAX_SOURCES && !sources.contains_key(&source) {
            sources.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if sources.len() >= MAX_SOURCES {
                // Full of live windows: a new address is not counted, rather than forgetting
                // the counts of the others (which a sprayer of addresses could force).
                return Verdict::Refuse;
            }
        }
        let (start, count) = sources.entry(source).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            (*start, *count) = (now, 0);
        }
        *count = count.saturating_add(1);
        let retry_after = (*start + WINDOW).saturating_duration_since(now);
        match (*count).cmp(&self.limit.saturating_add(1)) {
            std::cmp::Ordering::Less => Verdict::Refuse,
            std::cmp::Ordering::Equal => Verdict::FirstOverLimit(retry_after),
            std::cmp::Ordering::Greater => Verdict::OverLimit(retry_after),
        }
    }
}

/// The address as counted: an IPv6 address by its /64 (what one site gets), an IPv4 address
/// as it is.
fn counted(source: IpAddr) -> IpAddr {
    match source {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_beyond_the_limit_are_over_it_per_source_and_counted_once_for_the_log() {
        let failures = FailedAuthentications::new(2);
        let a = Some("192.0.2.1".parse().unwrap());
        let b = Some("192.0.2.2".parse().unwrap());
        assert_eq!(failures.failed(a), Verdict::Refuse);
        assert_eq!(failures.failed(a), Verdict::Refuse);
        assert!(matches!(failures.failed(a), Verdict::FirstOverLimit(d) if d <= WINDOW));
        assert!(matches!(failures.failed(a), Verdict::OverLimit(_)));
        assert_eq!(failures.failed(b), Verdict::Refuse, "another source");
        assert_eq!(failures.failed(None), Verdict::Refuse, "no source");
        assert_eq!(
            FailedAuthentications::new(0).failed(a),
            Verdict::Refuse,
            "off"
        );
    }
}
