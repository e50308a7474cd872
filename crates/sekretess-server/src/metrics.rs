//! Operational metrics at `GET /v1/sys/metrics`, in the Prometheus text exposition format
//! (version 0.0.4).
//!
//! Only counts and states: no customer data, no customer code, no group or field name,
//! no principal, and no label but the status class. The route needs the `sys:metrics`
//! scope (security officers, auditors, and API keys given that scope). Like every route
//! but health, seal-status, init and unseal it answers 503 while the vault is sealed (a
//! monitor reads the seal state from the public seal-status). It reads nothing from the
//! store beyond authenticating the caller, and is not itself recorded in the audit log, so
//! it keeps answering when the audit log cannot be written (which is when it matters).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sekretess_core::access::AccessStore;
use sekretess_core::store::Store;

use crate::AppState;
use crate::auth::{Authorized, need};
use crate::problem::ApiError;

/// The content type of the Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Upper bounds (seconds) of the request-duration histogram buckets.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The status classes counted, `1xx` to `5xx`.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Counters the request middleware keeps (one set per server, shared by its clones).
#[derive(Debug, Default)]
pub struct HttpMetrics {
    by_class: [AtomicU64; CLASSES.len()],
    /// Requests per bucket (not cumulative; the last one is above every bound).
    buckets: [AtomicU64; BUCKETS.len() + 1],
    micros: AtomicU64,
}

impl HttpMetrics {
    pub fn new() -> Self {
        HttpMetrics::default()
    }

    /// Counts one answered request.
    pub fn observe(&self, status: StatusCode, elapsed: Duration) {
        let class = usize::from(status.as_u16() / 100);
        if let Some(c) = class.checked_sub(1).and_then(|i| self.by_class.get(i)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        let secs = elapsed.as_secs_f64();
        let bucket = BUCKETS.iter().position(|b| secs <= *b).unwrap_or(BUCKETS.len());
        if let Some(b) = self.buckets.get(bucket) {
            b.fetch_add(1, Ordering::Relaxed);
        }
        self.micros.fetch_add(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

/// The vault's side of the metrics, read at scrape time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultGauges {
    pub initialized: bool,
    pub sealed: bool,
    pub audit_failures: u64,
    /// Requests refused by the rate limits: (authentication failures, reveals).
    pub rate_limited: (u64, u64),
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The exposition text.
pub fn render(http: &HttpMetrics, vault: VaultGauges) -> String {
    let mut out = String::with_capacity(2048);
    family(
        &mut out,
        "sekretess_audit_write_failures_total",
        "counter",
        "Audit log writes that could not be made durable (each refused the requests whose entries it carried). Counted since the process started.",
    );
    let _ = writeln!(out, "sekretess_audit_write_failures_total {}", vault.audit_failures);
    family(
        &mut out,
        "sekretess_rate_limited_total",
        "counter",
        "Requests refused with 429 by a rate limit since the process started: sources past their authentication failures (auth), reveals (reveal).",
    );
    let _ = writeln!(out, "sekretess_rate_limited_total{{kind=\"auth\"}} {}", vault.rate_limited.0);
    let _ = writeln!(out, "sekretess_rate_limited_total{{kind=\"reveal\"}} {}", vault.rate_limited.1);
    family(&mut out, "sekretess_sealed", "gauge", "1 while this process's vault is sealed, else 0.");
    let _ = writeln!(out, "sekretess_sealed {}", u8::from(vault.sealed));
    family(&mut out, "sekretess_initialized", "gauge", "1 once the vault is initialized, else 0.");
    let _ = writeln!(out, "sekretess_initialized {}", u8::from(vault.initialized));
    family(
        &mut out,
        "sekretess_http_requests_total",
        "counter",
        "HTTP requests answered by this process since it started, by status class.",
    );
    for (class, n) in CLASSES.iter().zip(&http.by_class) {
        let _ =
            writeln!(out, "sekretess_http_requests_total{{class=\"{class}\"}} {}", n.load(Ordering::Relaxed));
    }
    family(
        &mut out,
        "sekretess_http_request_duration_seconds",
        "histogram",
        "Time from a request's arrival to its answer, in seconds.",
    );
    let mut cumulative = 0u64;
    for (bound, n) in BUCKETS.iter().zip(&http.buckets) {
        cumulative += n.load(Ordering::Relaxed);
        let _ =
            writeln!(out, "sekretess_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}");
    }
    cumulative += http.buckets.last().map_or(0, |n| n.load(Ordering::Relaxed));
    let _ = writeln!(out, "sekretess_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}");
    let secs = http.micros.load(Ordering::Relaxed) as f64 / 1e6;
    let _ = writeln!(out, "sekretess_http_request_duration_seconds_sum {secs}");
    let _ = writeln!(out, "sekretess_http_request_duration_seconds_count {cumulative}");
    out
}

/// Operational metrics in the Prometheus text format.
///
/// Audit write failures, seal state, requests by status class and their durations (text
/// exposition format 0.0.4). Never a customer value, code or group name. 503 while
/// sealed; not recorded in the audit log.
#[utoipa::path(get, operation_id = "get_metrics", path = "/v1/sys/metrics", tag = "sys", security(("bearer" = ["sys:metrics"])),
    responses((status = 200, description = "Prometheus text exposition format 0.0.4",
        body = String, content_type = "text/plain; version=0.0.4")))]
pub async fn metrics<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    _auth: Authorized<need::Metrics>,
) -> Result<Response, ApiError> {
    let status = st.vault.seal_status()?;
    let mut text = render(
        &st.metrics,
        VaultGauges {
            initialized: status.initialized,
            sealed: status.sealed,
            audit_failures: st.vault.audit_failures(),
            rate_limited: st.rate_limits.refused(),
        },
    );
    text.push_str(&st.backups.render(st.clock.now()));
    text.push_str(&st.retention.render());
    text.push_str(&crate::logqueue::render());
    let mut resp = text.into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'a>(text: &'a str, series: &str) -> &'a str {
        text.lines()
            .find_map(|l| l.strip_prefix(series).and_then(|r| r.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    }

    #[test]
    fn renders_counters_gauges_and_a_cumulative_histogram() {
        let m = HttpMetrics::new();
        m.observe(StatusCode::OK, Duration::from_millis(1));
        m.observe(StatusCode::CREATED, Duration::from_millis(30));
        m.observe(StatusCode::NOT_FOUND, Duration::from_millis(2));
        m.observe(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(20));
        let text = render(
            &m,
            VaultGauges { initialized: true, sealed: false, audit_failures: 3, rate_limited: (4, 5) },
        );

        assert_eq!(value(&text, "sekretess_audit_write_failures_total"), "3");
        assert_eq!(value(&text, "sekretess_rate_limited_total{kind=\"auth\"}"), "4");
        assert_eq!(value(&text, "sekretess_rate_limited_total{kind=\"reveal\"}"), "5");
        assert_eq!(value(&text, "sekretess_sealed"), "0");
        assert_eq!(value(&text, "sekretess_initialized"), "1");
        assert_eq!(value(&text, "sekretess_http_requests_total{class=\"2xx\"}"), "2");
        assert_eq!(value(&text, "sekretess_http_requests_total{class=\"4xx\"}"), "1");
        assert_eq!(value(&text, "sekretess_http_requests_total{class=\"5xx\"}"), "1");
        assert_eq!(value(&text, "sekretess_http_requests_total{class=\"1xx\"}"), "0");
        assert_eq!(value(&text, "sekretess_http_request_duration_seconds_bucket{le=\"0.005\"}"), "2");
        assert_eq!(value(&text, "sekretess_http_request_duration_seconds_bucket{le=\"0.05\"}"), "3");
        assert_eq!(value(&text, "sekretess_http_request_duration_seconds_bucket{le=\"10\"}"), "3");
        assert_eq!(value(&text, "sekretess_http_request_duration_seconds_bucket{le=\"+Inf\"}"), "4");
        assert_eq!(value(&text, "sekretess_http_request_duration_seconds_count"), "4");
        let sum: f64 = value(&text, "sekretess_http_request_duration_seconds_sum").parse().unwrap();
        assert!((sum - 20.033).abs() < 1e-9, "{sum}");

        // Every sample line belongs to a family announced with HELP and TYPE.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let name = line.split(['{', ' ']).next().unwrap();
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .filter(|b| text.contains(&format!("# TYPE {b} histogram")))
                .unwrap_or(name);
            assert!(text.contains(&format!("# TYPE {base} ")), "{line}");
            assert!(text.contains(&format!("# HELP {base} ")), "{line}");
        }
        assert!(text.ends_with('\n'));
    }
}
