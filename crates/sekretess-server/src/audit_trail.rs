//! Denied and failed requests in the audit log.
//!
//! - Customer data: `customer_failures` wraps every customer-data route, inside the
//!   authentication layer. A request that ends in an error (refused scope or group, missing
//!   agreement, not found in the caller's reach, erased, integrity failure, invalid input,
//!   storage failure) gets exactly one entry with outcome `denied` or `failed`, its actor,
//!   action, and the group and customer code where known (a code from the path only when
//!   it parses; never a value), unless the request already wrote one (the vault's own
//!   entries, e.g. a write attempt and its commit marker). This is the one place that maps
//!   a failed customer-data request to its entry.
//! - Authentication: failures (401) are counted per source address by [`AuthFailures`]
//!   and written as one `auth.failed` entry per source and interval carrying the count,
//!   so an unauthenticated caller cannot grow the log without bound.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use sekretess_core::CustomerCode;
use sekretess_core::access::{AccessStore, Caller};
use sekretess_core::audit::{self, Action, Event, Outcome, Trail};
use sekretess_core::store::Store;

use crate::AppState;
use crate::auth::{Peer, audit_context};

/// The problem kind of an error response (set by [`crate::problem::ApiError`]).
#[derive(Debug, Clone, Copy)]
pub struct ProblemKind(pub &'static str);

/// The audit action of a customer-data route, if the route is one.
fn customer_action(method: &Method, route: &str) -> Option<&'static str> {
    Some(
        match (method.as_str(), route) {
            ("POST", "/v1/customers") | ("POST", "/v1/customers/batch") => Action::CustomerCreate,
            ("POST", "/v1/customers/search") => Action::CustomerFind,
            ("GET", "/v1/customers/{code}") => Action::CustomerRead,
            ("PATCH", "/v1/customers/{code}") => Action::CustomerUpdate,
            ("DELETE", "/v1/customers/{code}") => Action::CustomerErase,
            ("POST", "/v1/customers/{code}/reveal") => Action::CustomerReveal,
            ("POST", "/v1/tokenize") => Action::TokenCreate,
            ("POST", "/v1/detokenize") => Action::TokenReveal,
            ("POST", "/v1/tokens/revoke") => Action::TokenRevoke,
            ("GET", "/v1/customers/{code}/export") => Action::CustomerExport,
            ("PUT", "/v1/customers/{code}/retention") => Action::CustomerRetention,
            ("PUT", "/v1/customers/{code}/legal-hold") => Action::CustomerLegalHold,
            _ => return None,
        }
        .as_str(),
    )
}

/// The customer code in the path, compact, if it parses (a malformed one is not kept).
fn path_code(path: &str) -> Option<String> {
    let segment = path.strip_prefix("/v1/customers/")?.split('/').next()?;
    CustomerCode::parse(segment).ok().map(|c| c.compact().to_owned())
}

/// Refusals (the caller may not, or there is nothing in reach) are `denied`; the rest
/// (invalid input, integrity, storage) `failed`.
fn outcome_of(status: StatusCode) -> Outcome {
    match status.as_u16() {
        401 | 403 | 404 | 410 | 423 => Outcome::Denied,
        _ => Outcome::Failed,
    }
}

/// Puts every failed customer-data request on record, once (see the module docs).
pub(crate) async fn customer_failures<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    let route = req.extensions().get::<MatchedPath>();
    let Some(action) = route.and_then(|r| customer_action(req.method(), r.as_str())) else {
        return next.run(req).await;
    };
    let actor = req.extensions().get::<Caller>().map(|c| c.principal.clone());
    let origin = req.extensions().get::<Peer>().map(|p| p.0.ip().to_string());
    let code = path_code(req.uri().path());
    let trail = Arc::new(Trail::default());
    let resp = audit::with_trail(Arc::clone(&trail), next.run(req)).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) || trail.recorded() {
        return resp;
    }
    let (group, customer) = trail.target();
    let mut ctx = audit_context(actor.as_deref().unwrap_or("anonymous"));
    ctx.origin = origin;
    let mut event = ctx.event(action);
    event.group = group;
    event.customer = code.or(customer);
    if let Some(ProblemKind(kind)) = resp.extensions().get::<ProblemKind>() {
        event.fields = vec![format!("problem:{kind}")];
    }
    if let Err(e) = st.vault.record_event(event, outcome_of(status)).await {
        tracing::warn!(action, cause = %e, "a failed request could not be put on record");
    }
    resp
}

/// Sources counted per interval at most; failures from further sources are counted
/// together (origin left empty), so memory stays bounded whatever the traffic.
pub const AUTH_FAILURE_SOURCES: usize = 1024;
/// The interval of one `auth.failed` entry per source, in seconds.
pub const AUTH_FAILURE_INTERVAL: i64 = 60;

/// Authentication failures of the current interval, per source.
pub struct AuthFailures {
    interval: i64,
    max_sources: usize,
    /// When the current interval ends (`i64::MAX`: no failure counted).
    ends: AtomicI64,
    window: Mutex<Window>,
}

#[derive(Default)]
struct Window {
    start: i64,
    counts: HashMap<IpAddr, u64>,
    /// Failures from sources beyond `max_sources`, or without an address.
    other: u64,
}

/// One interval's count for one source (`None`: the sources not counted one by one).
type Tally = (i64, Option<IpAddr>, u64);

impl AuthFailures {
    pub fn new(interval_seconds: i64, max_sources: usize) -> Self {
        AuthFailures {
            interval: interval_seconds.max(1),
            max_sources,
            ends: AtomicI64::new(i64::MAX),
            window: Mutex::new(Window::default()),
        }
    }

    /// Counts a failure from `source` at `now`; returns the tallies of an interval that
    /// ended before it, to be written.
    fn count(&self, source: Option<IpAddr>, now: i64) -> Vec<Tally> {
        let Ok(mut w) = self.window.lock() else { return Vec::new() };
        let due = self.take(&mut w, now);
        if w.counts.is_empty() && w.other == 0 {
            w.start = now;
            self.ends.store(now.saturating_add(self.interval), Ordering::Relaxed);
        }
        let max = self.max_sources;
        match source {
            Some(ip) if w.counts.contains_key(&ip) || w.counts.len() < max => {
                *w.counts.entry(ip).or_default() += 1;
            }
            _ => w.other += 1,
        }
        due
    }

    /// The tallies of an interval that ended by `now` (none, usually: one atomic read).
    fn due(&self, now: i64) -> Vec<Tally> {
        if now < self.ends.load(Ordering::Relaxed) {
            return Vec::new();
        }
        let Ok(mut w) = self.window.lock() else { return Vec::new() };
        self.take(&mut w, now)
    }

    fn take(&self, w: &mut Window, now: i64) -> Vec<Tally> {
        if now < self.ends.load(Ordering::Relaxed) {
            return Vec::new();
        }
        self.ends.store(i64::MAX, Ordering::Relaxed);
        let start = w.start;
        let mut out: Vec<Tally> = w.counts.drain().map(|(ip, n)| (start, Some(ip), n)).collect();
        out.sort_unstable_by_key(|&(_, ip, _)| ip);
        if w.other > 0 {
            out.push((start, None, std::mem::take(&mut w.other)));
        }
        out
    }
}

/// Counts an authentication failure (`failed`) or just looks whether an interval ended;
/// writes the entries of an interval that ended. Called for every authenticated route.
pub(crate) async fn note_authentication<S: Store + AccessStore>(
    st: &AppState<S>,
    peer: Option<IpAddr>,
    failed: bool,
) {
    let now = st.clock.now();
    let due = if failed { st.auth_failures.count(peer, now) } else { st.auth_failures.due(now) };
    if due.is_empty() {
        return;
    }
    let events: Vec<(Event, Outcome)> = due
        .into_iter()
        .map(|(since, ip, n)| {
            let mut ctx = audit_context("anonymous");
            ctx.origin = ip.map(|ip| ip.to_string());
            let mut event = ctx.event(Action::AuthFailed.as_str());
            event.fields = vec![format!("count:{n}"), format!("since:{since}")];
            if ip.is_none() {
                event.fields.push("sources:other".into());
            }
            (event, Outcome::Denied)
        })
        .collect();
    if let Err(e) = st.vault.record_events(events).await {
        tracing::warn!(cause = %e, "authentication failures could not be put on record");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn failures_are_tallied_per_source_and_interval_in_bounded_memory() {
        let f = AuthFailures::new(60, 2);
        for _ in 0..500 {
            assert!(f.count(ip(1), 1000).is_empty());
        }
        assert!(f.count(ip(2), 1030).is_empty());
        assert!(f.count(ip(3), 1059).is_empty()); // a third source: counted with the rest
        assert!(f.count(None, 1059).is_empty());
        assert!(f.due(1059).is_empty());
        assert_eq!(f.due(1060), vec![(1000, ip(1), 500), (1000, ip(2), 1), (1000, None, 2)]);
        assert!(f.due(5000).is_empty());
        // The next failure after an interval ends flushes it too.
        assert!(f.count(ip(1), 6000).is_empty());
        assert_eq!(f.count(ip(1), 6061), vec![(6000, ip(1), 1)]);
        assert_eq!(f.due(6121), vec![(6061, ip(1), 1)]);
    }

    #[test]
    fn only_customer_routes_and_parsable_codes() {
        assert_eq!(customer_action(&Method::GET, "/v1/customers/{code}"), Some("customer.read"));
        assert_eq!(customer_action(&Method::GET, "/v1/groups"), None);
        assert_eq!(path_code("/v1/customers/not\na-code"), None);
        assert_eq!(outcome_of(StatusCode::INTERNAL_SERVER_ERROR), Outcome::Failed);
        assert_eq!(outcome_of(StatusCode::GONE), Outcome::Denied);
    }
}
