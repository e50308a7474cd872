//! The vault's status for security officers: seal state, the single-officer and bootstrap
//! key warnings, the `sekretess serve` processes, the groups (locked or open, key versions
//! and the rewrap after a rotation), the last backup and audit write failures. Only what
//! the API gives the officer: `GET /v1/sys/seal-status`, `/v1/sys/processes`,
//! `/v1/groups` and the backup and audit figures of `/v1/sys/metrics`.

use askama::Template;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use sekretess_api as api;

use super::admin::officer;
use super::i18n::Texts;
use super::view::{Chrome, utc};
use super::{Console, Ctx, chrome, error_page, html};

pub struct ProcessRow {
    pub id: String,
    pub host: String,
    pub pid: u32,
    pub listen: String,
    pub started: String,
    pub last_seen: String,
    pub sealed: bool,
    pub stale: bool,
    pub this_process: bool,
}

pub struct GroupRow {
    pub name: String,
    pub locked: bool,
    pub kek_version: u32,
    pub kek_versions: String,
    /// The background rewrap after a rotation, while older key versions remain.
    pub rewrap: Option<String>,
}

/// The last backup, from the metrics.
pub struct Backup {
    /// Time (UTC) and age of the last complete backup, `None`: none since this process
    /// started.
    pub last: Option<(String, String)>,
    /// The schedule's period, `None`: no schedule.
    pub every: Option<String>,
}

#[derive(Template)]
#[template(path = "console/status.html")]
pub struct StatusPage {
    pub chrome: Chrome,
    pub seal: api::SealStatus,
    pub processes: Vec<ProcessRow>,
    pub groups: Vec<GroupRow>,
    /// `None`: the metrics were not available to this officer.
    pub backup: Option<Backup>,
    pub audit_failures: Option<u64>,
}

/// The value of an unlabelled series in Prometheus text (`name value`).
fn metric(text: &str, name: &str) -> Option<i64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .map(|v| v as i64)
}

/// A duration as `2 d 3 h`, `3 h 12 min`, `12 min`, `42 s`.
fn span(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m) = (s / 86_400, s / 3600 % 24, s / 60 % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn backup_of(metrics: &str, now: i64) -> Option<Backup> {
    let age = metric(metrics, "sekretess_backup_last_success_age_seconds")?;
    let every = metric(metrics, "sekretess_backup_schedule_seconds").unwrap_or(0);
    Some(Backup {
        last: (age >= 0).then(|| (utc(now - age), span(age))),
        every: (every > 0).then(|| span(every)),
    })
}

fn rewrap_text(t: &Texts, r: &api::keys::RewrapProgress) -> String {
    let mut s = format!("{}: {}", t.rewrapped, r.rewrapped);
    if let Some(n) = r.remaining {
        s.push_str(&format!(", {}: {n}", t.remaining));
    }
    if r.unreadable > 0 {
        s.push_str(&format!(", {}: {}", t.unreadable, r.unreadable));
    }
    s
}

/// The status page.
pub async fn status(State(st): State<Console>, ctx: Ctx) -> Response {
    let s = match officer(&st, &ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let seal: api::SealStatus =
        match st.as_staff(&ctx, &s, Method::GET, "/v1/sys/seal-status", None::<&()>).await {
            Ok(x) => x,
            Err(p) => return error_page(&ctx, Some(&s), &p),
        };
    let processes: api::Processes =
        match st.as_staff(&ctx, &s, Method::GET, "/v1/sys/processes", None::<&()>).await {
            Ok(x) => x,
            Err(p) => return error_page(&ctx, Some(&s), &p),
        };
    let groups: api::GroupList = match st.as_staff(&ctx, &s, Method::GET, "/v1/groups", None::<&()>).await {
        Ok(x) => x,
        Err(p) => return error_page(&ctx, Some(&s), &p),
    };
    let (code, text) = st.call(&ctx, Some(s.token.as_str()), Method::GET, "/v1/sys/metrics", None).await;
    let metrics = code.is_success().then(|| String::from_utf8_lossy(&text).into_owned());
    let now = st.clock.now();
    let page = StatusPage {
        chrome: chrome(&ctx, Some(&s), ctx.t().status_title),
        seal,
        processes: processes
            .processes
            .into_iter()
            .map(|p| ProcessRow {
                started: utc(p.started_at),
                last_seen: utc(p.last_seen),
                id: p.id,
                host: p.host,
                pid: p.pid,
                listen: p.listen,
                sealed: p.sealed,
                stale: p.stale,
                this_process: p.this_process,
            })
            .collect(),
        groups: groups
            .groups
            .into_iter()
            .map(|g| GroupRow {
                locked: g.state == "locked",
                kek_version: g.kek_version,
                kek_versions: g.kek_versions.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                rewrap: g.rewrap.as_ref().map(|r| rewrap_text(ctx.t(), r)),
                name: g.name,
            })
            .collect(),
        backup: metrics.as_deref().and_then(|m| backup_of(m, now)),
        audit_failures: metrics
            .as_deref()
            .and_then(|m| metric(m, "sekretess_audit_write_failures_total"))
            .map(|n| n.max(0) as u64),
    };
    html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    const METRICS: &str = "# HELP sekretess_backup_last_success_age_seconds Seconds since the last complete backup (-1: none since start).\n\
# TYPE sekretess_backup_last_success_age_seconds gauge\n\
sekretess_backup_last_success_age_seconds 4000\n\
sekretess_backup_schedule_seconds 86400\n\
sekretess_audit_write_failures_total 0\n\
sekretess_http_requests_total{class=\"2xx\"} 17\n";

    #[test]
    fn series_are_read_by_exact_name() {
        assert_eq!(metric(METRICS, "sekretess_backup_last_success_age_seconds"), Some(4000));
        assert_eq!(metric(METRICS, "sekretess_backup_schedule_seconds"), Some(86_400));
        assert_eq!(metric(METRICS, "sekretess_backup"), None);
        assert_eq!(metric(METRICS, "sekretess_http_requests_total"), None, "labelled series are not read");
        assert_eq!(metric("x NaN\n", "x"), None);
    }

    #[test]
    fn the_last_backup_time_and_age() {
        // 2026-12-07T01:02:03Z = 1796605323; 4000 s earlier is 23:55:23 the day before.
        let b = backup_of(METRICS, 1_796_605_323).unwrap();
        assert_eq!(b.last, Some(("2026-12-06 23:55:23".to_owned(), "1 h 6 min".to_owned())));
        assert_eq!(b.every.as_deref(), Some("1 d 0 h"));
        let none = backup_of(
            "sekretess_backup_last_success_age_seconds -1\nsekretess_backup_schedule_seconds 0\n",
            1_796_605_323,
        )
        .unwrap();
        assert!(none.last.is_none() && none.every.is_none());
        assert!(backup_of("", 0).is_none(), "no metrics, no backup section");
    }

    #[test]
    fn spans() {
        assert_eq!(span(42), "42 s");
        assert_eq!(span(12 * 60 + 5), "12 min");
        assert_eq!(span(3 * 3600 + 12 * 60), "3 h 12 min");
        assert_eq!(span(2 * 86_400 + 3 * 3600 + 59), "2 d 3 h");
        assert_eq!(span(-5), "0 s");
    }
}
