//! Rate limits: token buckets for authentication failures per source address and for
//! reveals per principal (API key or employee) and per source address.
//!
//! A bucket holds up to `burst` tokens and gains `per_minute` tokens a minute. An
//! authentication failure takes a token from its source's bucket; once that is empty, the
//! source's requests are answered `429 rate-limited` with `Retry-After` before any
//! credential is looked at, so guessing stops being cheap. A reveal takes a token from its
//! principal's bucket and its source's. Successful authentications and plain reads take
//! nothing, so the limits cost the common path nothing but a lookup on failure. Login
//! lockout stays per account (in `sekretess-core::people`).
//!
//! Each map holds at most [`MAX_KEYS`] buckets; when full, buckets that have refilled are
//! dropped first (they hold no state worth keeping), and if none has, the new key shares one
//! overflow bucket, so a flood of addresses cannot grow memory without bound.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Buckets kept per map at most.
pub const MAX_KEYS: usize = 65_536;

/// How fast and how much: `per_minute` tokens a minute, at most `burst` saved up.
/// `per_minute == 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    pub const OFF: Rate = Rate { per_minute: 0, burst: 0 };

    fn is_off(self) -> bool {
        self.per_minute == 0
    }
}

/// The configured limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Authentication failures per source address.
    pub auth_failures: Rate,
    /// Reveals per principal and per source address.
    pub reveals: Rate,
}

impl Default for RateLimitConfig {
    /// 10 failures at once, then one every 6 seconds; 60 reveals at once, then one a second.
    fn default() -> Self {
        RateLimitConfig {
            auth_failures: Rate { per_minute: 10, burst: 10 },
            reveals: Rate { per_minute: 60, burst: 60 },
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Tokens, in thousandths.
    milli: u64,
    /// When `milli` was last brought up to date (Unix milliseconds).
    at: i64,
}

struct Buckets<K> {
    rate: Rate,
    map: Mutex<(HashMap<K, Bucket>, Option<Bucket>)>,
}

impl<K: Eq + Hash + Clone> Buckets<K> {
    fn new(rate: Rate) -> Self {
        Buckets { rate, map: Mutex::new((HashMap::new(), None)) }
    }

    fn full(&self, now: i64) -> Bucket {
        Bucket { milli: u64::from(self.rate.burst) * 1000, at: now }
    }

    fn refill(&self, b: &mut Bucket, now: i64) {
        let elapsed = u64::try_from(now.saturating_sub(b.at)).unwrap_or(0);
        // per_minute tokens per 60,000 ms = per_minute thousandths per 60 ms.
        let gained = elapsed.saturating_mul(u64::from(self.rate.per_minute)) / 60;
        b.milli = b.milli.saturating_add(gained).min(u64::from(self.rate.burst) * 1000);
        b.at = now;
    }

    /// Seconds until a token is there (0: one is there now).
    fn wait(&self, b: &Bucket) -> u64 {
        if b.milli >= 1000 {
            return 0;
        }
        let missing = 1000 - b.milli;
        // ms = missing * 60 / per_minute, rounded up to whole seconds.
        let ms = missing.saturating_mul(60).div_ceil(u64::from(self.rate.per_minute.max(1)));
        ms.div_ceil(1000).max(1)
    }

    /// Runs `f` on `key`'s bucket, brought up to date.
    fn with<T>(&self, key: &K, now: i64, f: impl FnOnce(&Self, &mut Bucket) -> T) -> Option<T> {
        let mut guard = self.map.lock().ok()?;
        let (map, overflow) = &mut *guard;
        if !map.contains_key(key) && map.len() >= MAX_KEYS {
            let burst = u64::from(self.rate.burst) * 1000;
            map.retain(|_, b| {
                self.refill(b, now);
                b.milli < burst
            });
        }
        let b = if map.contains_key(key) || map.len() < MAX_KEYS {
            map.entry(key.clone()).or_insert_with(|| self.full(now))
        } else {
            overflow.get_or_insert_with(|| self.full(now))
        };
        self.refill(b, now);
        Some(f(self, b))
    }

    /// `Err(seconds)` when `key` has no token left; takes nothing.
    fn check(&self, key: &K, now: i64) -> Result<(), u64> {
        if self.rate.is_off() {
            return Ok(());
        }
        match self.with(key, now, |s, b| s.wait(b)) {
            Some(0) | None => Ok(()),
            Some(wait) => Err(wait),
        }
    }

    /// Takes a token from `key`'s bucket; `Err(seconds)` when there was none.
    fn take(&self, key: &K, now: i64) -> Result<(), u64> {
        if self.rate.is_off() {
            return Ok(());
        }
        match self.with(key, now, |s, b| {
            let wait = s.wait(b);
            if wait == 0 {
                b.milli -= 1000;
            }
            wait
        }) {
            Some(0) | None => Ok(()),
            Some(wait) => Err(wait),
        }
    }
}

/// The server's rate limits and how often they refused.
pub struct RateLimits {
    auth_failures: Buckets<Option<IpAddr>>,
    reveals_by_principal: Buckets<String>,
    reveals_by_source: Buckets<Option<IpAddr>>,
    refused_auth: AtomicU64,
    refused_reveals: AtomicU64,
}

impl RateLimits {
    pub fn new(config: RateLimitConfig) -> Self {
        RateLimits {
            auth_failures: Buckets::new(config.auth_failures),
            reveals_by_principal: Buckets::new(config.reveals),
            reveals_by_source: Buckets::new(config.reveals),
            refused_auth: AtomicU64::new(0),
            refused_reveals: AtomicU64::new(0),
        }
    }

    /// Before authenticating: `Err(seconds)` when the source has used up its failures.
    pub fn check_source(&self, source: Option<IpAddr>, now_ms: i64) -> Result<(), u64> {
        self.auth_failures.check(&source, now_ms).inspect_err(|_| {
            self.refused_auth.fetch_add(1, Ordering::Relaxed);
        })
    }

    /// After an authentication failure.
    pub fn note_failure(&self, source: Option<IpAddr>, now_ms: i64) {
        let _ = self.auth_failures.take(&source, now_ms);
    }

    /// Before a reveal: takes a token of the principal and of the source, or `Err(seconds)`
    /// (then nothing is taken from the principal).
    pub fn reveal(&self, principal: &str, source: Option<IpAddr>, now_ms: i64) -> Result<(), u64> {
        let principal = principal.to_owned();
        let refused = |wait| {
            self.refused_reveals.fetch_add(1, Ordering::Relaxed);
            wait
        };
        self.reveals_by_principal.check(&principal, now_ms).map_err(refused)?;
        self.reveals_by_source.take(&source, now_ms).map_err(refused)?;
        self.reveals_by_principal.take(&principal, now_ms).map_err(refused)
    }

    /// Requests refused so far: (authentication, reveals).
    pub fn refused(&self) -> (u64, u64) {
        (self.refused_auth.load(Ordering::Relaxed), self.refused_reveals.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SRC: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 7)));

    #[test]
    fn failures_are_allowed_up_to_the_burst_then_refill_at_the_rate() {
        let r = RateLimits::new(RateLimitConfig {
            auth_failures: Rate { per_minute: 6, burst: 3 },
            reveals: Rate::OFF,
        });
        for _ in 0..3 {
            assert_eq!(r.check_source(SRC, 0), Ok(()));
            r.note_failure(SRC, 0);
        }
        // 6 a minute: the next token is 10 s away.
        assert_eq!(r.check_source(SRC, 0), Err(10));
        assert_eq!(r.check_source(SRC, 9_000), Err(1));
        assert_eq!(r.check_source(SRC, 10_000), Ok(()));
        // Another source is not affected.
        assert_eq!(r.check_source(None, 0), Ok(()));
        assert_eq!(r.refused(), (2, 0));
    }

    #[test]
    fn reveals_are_limited_per_principal_and_per_source() {
        let r = RateLimits::new(RateLimitConfig {
            auth_failures: Rate::OFF,
            reveals: Rate { per_minute: 60, burst: 2 },
        });
        assert!(r.reveal("apikey:1", SRC, 0).is_ok());
        assert!(r.reveal("apikey:1", None, 0).is_ok());
        assert_eq!(r.reveal("apikey:1", None, 0), Err(1));
        // A second key from the first source: that source has one token left.
        assert!(r.reveal("apikey:2", SRC, 0).is_ok());
        assert_eq!(r.reveal("apikey:2", SRC, 0), Err(1));
        assert!(r.reveal("apikey:1", None, 1_000).is_ok());
        assert_eq!(r.refused(), (0, 2));
    }

    #[test]
    fn off_means_off_and_memory_is_bounded() {
        let off = RateLimits::new(RateLimitConfig { auth_failures: Rate::OFF, reveals: Rate::OFF });
        for _ in 0..100 {
            off.note_failure(SRC, 0);
        }
        assert_eq!(off.check_source(SRC, 0), Ok(()));
        let b: Buckets<u32> = Buckets::new(Rate { per_minute: 1, burst: 1 });
        for k in 0..(MAX_KEYS as u32 + 10) {
            let _ = b.take(&k, 0);
        }
        assert!(b.map.lock().unwrap().0.len() <= MAX_KEYS);
        // Keys past the bound share the overflow bucket, which is empty now.
        assert_eq!(b.take(&(MAX_KEYS as u32 + 20), 0), Err(60));
    }
}
