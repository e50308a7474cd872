//! Audit routes: read with filters, verify the chain, export a checkpoint. Each call is
//! itself recorded (an audit read is an auditable event) before it answers.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use sekretess_api::audit as api;
use sekretess_core::access::{ADMIN_SCOPES, AccessStore};
use sekretess_core::audit::{Action, Checkpoint, Entry, Outcome, Verdict};
use sekretess_core::store::Store;

use crate::AppState;
use crate::auth::{Authorized, need};
use crate::problem::ApiError;

type ApiResult<T> = Result<T, ApiError>;

/// Entries looked at per request at most, so one call stays cheap whatever the filters.
const SCAN_LIMIT: u64 = 50_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored (compact) customer code as every answer writes it, `K7Q4-M92D-J3XP`; a value
/// that is not a code (none is stored so) stays as it is.
fn dashed(code: String) -> String {
    sekretess_core::CustomerCode::parse(&code).map_or(code, |c| c.to_string())
}

fn wire(e: Entry) -> api::AuditEntry {
    api::AuditEntry {
        seq: e.seq,
        time: e.time,
        actor: e.actor,
        action: e.action,
        group: e.group,
        customer: e.customer.map(dashed),
        fields: e.fields,
        purpose: e.purpose,
        outcome: e.outcome.as_str().to_owned(),
        request_id: e.request_id,
        origin: e.origin,
        mac: hex(&e.mac),
    }
}

fn matches(q: &api::AuditQuery, code: Option<&str>, e: &Entry) -> bool {
    q.actor.as_ref().is_none_or(|a| a == &e.actor)
        && q.action.as_ref().is_none_or(|a| a == &e.action)
        && code.is_none_or(|c| e.customer.as_deref() == Some(c))
        && q.since.is_none_or(|t| e.time >= t)
        && q.until.is_none_or(|t| e.time < t)
}

/// Audit entries, oldest first, filtered by actor, customer code, action and time.
#[utoipa::path(operation_id = "list_audit_entries", get, path = "/v1/audit", tag = "audit", params(api::AuditQuery),
    security(("bearer" = ["audit:read"])),
    responses((status = 200, description = "A page of audit entries, oldest first", body = api::AuditPage),
              (status = 400, description = "A malformed customer code or a wrong check symbol (`malformed-code`, `code-check-failed`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "Unknown or malformed query parameters (`invalid-query`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn list<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::AuditRead>,
    query: Result<Query<api::AuditQuery>, QueryRejection>,
) -> ApiResult<Json<api::AuditPage>> {
    let Query(q) = query.map_err(|_| ApiError::InvalidBody {
        kind: "invalid-query",
        detail:
            "unknown or malformed query parameters (from_seq, limit, actor, customer, action, since, until)"
                .into(),
    })?;
    let code = match &q.customer {
        Some(c) => Some(sekretess_core::CustomerCode::parse(c)?.compact().to_owned()),
        None => None,
    };
    // Sequence numbers are stored as signed 64-bit integers.
    if q.from_seq.is_some_and(|s| i64::try_from(s).is_err()) {
        return Err(ApiError::InvalidBody {
            kind: "invalid-query",
            detail: "from_seq is at most 9223372036854775807".into(),
        });
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let mut event = auth.ctx().event(Action::AuditRead.as_str());
    event.customer.clone_from(&code);
    st.vault.record_event(event, Outcome::Success).await?;

    let store = st.vault.store();
    let start = q.from_seq.unwrap_or(1).max(1);
    let mut from = start;
    let mut entries = Vec::new();
    if let Some(c) = code.as_deref() {
        // One customer's entries come from the store's index, not from a scan of the log
        // (which would look at SCAN_LIMIT entries and could stop before the first match).
        // With no other filter every entry of the index is shown: read one more than the
        // page, to know where it ends.
        let only_code = q.actor.is_none() && q.action.is_none() && q.since.is_none() && q.until.is_none();
        let chunk = if only_code { limit + 1 } else { 1000 };
        let mut looked = 0u64;
        while entries.len() < limit && looked < SCAN_LIMIT {
            let page = store.audit_of_customer(c, from, chunk).await?;
            let Some(last) = page.last().map(|e| e.seq) else {
                return Ok(Json(api::AuditPage { entries, next_seq: None }));
            };
            looked += page.len() as u64;
            from = last + 1;
            for e in page {
                if entries.len() >= limit {
                    from = e.seq;
                    break;
                }
                if matches(&q, Some(c), &e) {
                    entries.push(wire(e));
                }
            }
        }
        return Ok(Json(api::AuditPage { entries, next_seq: Some(from) }));
    }
    // Unfiltered, a page reads only what it returns (one more, to know where it ends).
    let unfiltered = q.actor.is_none() && q.action.is_none() && q.since.is_none() && q.until.is_none();
    let chunk = if unfiltered { limit + 1 } else { 1000 };
    while entries.len() < limit && from.saturating_sub(start) < SCAN_LIMIT {
        let page = store.audit_read(from, chunk).await?;
        let Some(last) = page.last() else {
            return Ok(Json(api::AuditPage { entries, next_seq: None }));
        };
        from = last.seq + 1;
        for e in page {
            if entries.len() < limit && matches(&q, code.as_deref(), &e) {
                entries.push(wire(e));
            } else if entries.len() >= limit {
                from = e.seq;
                break;
            }
        }
    }
    Ok(Json(api::AuditPage { entries, next_seq: Some(from) }))
}

/// Verifies the whole HMAC chain and names the first bad entry. (A chain cut off at its
/// end still verifies: `POST` with a checkpoint detects that.)
#[utoipa::path(operation_id = "verify_audit_chain", get, path = "/v1/audit/verify", tag = "audit",
    security(("bearer" = ["audit:read"])),
    responses((status = 200, description = "The verdict on the whole chain", body = api::AuditVerification)))]
pub async fn verify<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::AuditRead>,
) -> ApiResult<Json<api::AuditVerification>> {
    verify_against(&st, &auth, None).await
}

/// Verifies the whole HMAC chain and that it still reaches the entry a checkpoint names
/// with that entry's MAC: a cut-off tail is `truncated`, a checkpoint this vault did not
/// sign is `broken`.
#[utoipa::path(operation_id = "verify_audit_checkpoint", post, path = "/v1/audit/verify", tag = "audit", request_body = api::AuditVerifyRequest,
    security(("bearer" = ["audit:read"])),
    responses((status = 200, description = "The verdict on the chain against the checkpoint", body = api::AuditVerification),
              (status = 400, description = "Not a checkpoint (`invalid-checkpoint`), or a body that is not JSON", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn verify_checkpoint<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::AuditRead>,
    crate::extract::ApiJson(req): crate::extract::ApiJson<api::AuditVerifyRequest>,
) -> ApiResult<Json<api::AuditVerification>> {
    let checkpoint = Checkpoint::parse_text(&req.checkpoint).ok_or_else(|| ApiError::InvalidBody {
        kind: "invalid-checkpoint",
        detail: "not a checkpoint (sekretess-audit-checkpoint-v1 …)".into(),
    })?;
    verify_against(&st, &auth, Some(&checkpoint)).await
}

async fn verify_against<S: Store + AccessStore>(
    st: &AppState<S>,
    auth: &Authorized<need::AuditRead>,
    checkpoint: Option<&Checkpoint>,
) -> ApiResult<Json<api::AuditVerification>> {
    st.vault.record_event(auth.ctx().event(Action::AuditVerify.as_str()), Outcome::Success).await?;
    let (status, seq, detail) = match st.vault.audit_verify(checkpoint).await? {
        Verdict::Intact { head } => ("intact", head, format!("entries 1 to {head} verify")),
        Verdict::BrokenAt { seq, reason } => ("broken", seq, reason.to_owned()),
        Verdict::Truncated { head, checkpoint } => {
            ("truncated", head, format!("the log ends at {head}, the checkpoint names {checkpoint}"))
        }
        Verdict::ForeignCheckpoint => (
            "broken",
            0,
            "the checkpoint was not made with this vault's audit key (or was edited)".to_owned(),
        ),
    };
    Ok(Json(api::AuditVerification { status: status.to_owned(), seq, detail }))
}

/// A signed checkpoint of the chain head, to keep outside the vault; `sekretess audit
/// verify --checkpoint` then detects a cut-off tail.
#[utoipa::path(operation_id = "get_audit_checkpoint", get, path = "/v1/audit/checkpoint", tag = "audit",
    security(("bearer" = ["audit:read"])),
    responses((status = 200, description = "The signed chain head", body = api::AuditCheckpoint)))]
pub async fn checkpoint<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::AuditRead>,
) -> ApiResult<Json<api::AuditCheckpoint>> {
    st.vault.record_event(auth.ctx().event(Action::AuditCheckpoint.as_str()), Outcome::Success).await?;
    let cp = st.vault.audit_checkpoint().await?;
    Ok(Json(api::AuditCheckpoint { seq: cp.seq, checkpoint: cp.to_text() }))
}

/// Exports the audit verification key for verifying the chain offline (`sekretess audit
/// verify --data … --key-file …`). The key also makes MACs, so only a caller holding every
/// administrative scope (a security officer) may export it; each export is on record.
#[utoipa::path(operation_id = "export_audit_key", post, path = "/v1/audit/key", tag = "audit",
    security(("bearer" = ["audit:read", "apikeys:admin", "groups:admin", "sys:seal"])),
    responses((status = 200, description = "The audit verification key", body = api::AuditKeyExport),
              (status = 403, description = "The caller lacks one of the scopes this needs (`forbidden`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn export_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::AuditRead>,
) -> ApiResult<Json<api::AuditKeyExport>> {
    for scope in ADMIN_SCOPES {
        auth.caller.require(scope)?;
    }
    let key = st.vault.audit_verification_key(&auth.ctx()).await?;
    Ok(Json(api::AuditKeyExport { key: key.to_text().to_string() }))
}
