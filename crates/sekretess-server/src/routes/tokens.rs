//! Tokens (DESIGN.md 4, issue 23; docs/tokens.md): `POST /v1/tokenize`,
//! `POST /v1/detokenize` and `POST /v1/tokens/revoke`. Batches of up to 10,000, answered
//! per item. Tokenizing and revoking need `tokens:create`; detokenizing needs
//! `tokens:reveal` and a purpose, and takes one token of the caller's reveal rate limit per
//! call. A locked group answers 423 for the whole call.

use axum::Json;
use axum::extract::State;
use sekretess_api::tokens as api;
use sekretess_core::access::AccessStore;
use sekretess_core::people::PeopleError;
use sekretess_core::policy::{PolicyError, Purpose};
use sekretess_core::store::Store;
use sekretess_core::vault::{MAX_TOKEN_BATCH, TokenFormat, TokenInput, TokenKind, TokenSpec};
use sekretess_core::{CustomerCode, VaultError};
use zeroize::Zeroizing;

use super::groups::reach_group;
use super::{ApiResult, PROBLEM};
use crate::AppState;
use crate::auth::{Authorized, Peer, need};
use crate::extract::ApiJson;
use crate::problem::ApiError;

const KIND: &str = "invalid-token-request";

fn invalid(detail: &str) -> ApiError {
    ApiError::InvalidBody { kind: KIND, detail: detail.to_owned() }
}

fn batch_size(n: usize) -> ApiResult<()> {
    if n > MAX_TOKEN_BATCH {
        return Err(invalid("at most 10,000 items per call"));
    }
    Ok(())
}

/// Issues tokens for up to 10,000 values of one type in one group (see docs/tokens.md):
/// `opaque` (`tok_…`), `deterministic` (`dtk_…`) or `fpe` (FF1, the value's own shape).
#[utoipa::path(operation_id = "tokenize_values", post, path = "/v1/tokenize", tag = "tokens", request_body = api::TokenizeRequest,
    security(("bearer" = ["tokens:create"])),
    responses((status = 200, description = "One result per item, in order", body = api::TokenizeResponse),
              (status = 404, description = "unknown group", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 422, description = "bad format, type or batch", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 423, description = "the group is locked", body = sekretess_api::Problem, content_type = PROBLEM)))]
pub async fn tokenize<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::TokensCreate>,
    ApiJson(req): ApiJson<api::TokenizeRequest>,
) -> ApiResult<Json<api::TokenizeResponse>> {
    batch_size(req.items.len())?;
    let format = TokenFormat::parse(&req.format)
        .ok_or_else(|| invalid("format must be one of opaque, deterministic, fpe"))?;
    let kind = TokenKind::parse(&req.kind)
        .ok_or_else(|| invalid("type must be one of card_number, se_personnummer, digits, text"))?;
    let g = reach_group(&st, &auth.caller, &req.group).await?;
    // A malformed customer code fails its item only.
    let mut inputs = Vec::with_capacity(req.items.len());
    let mut bad = Vec::with_capacity(req.items.len());
    for item in req.items {
        let customer = item.customer.as_deref().map(CustomerCode::parse).transpose();
        match customer {
            Ok(customer) => {
                inputs.push(TokenInput { value: Zeroizing::new(item.value), customer });
                bad.push(None);
            }
            Err(e) => bad.push(Some(ApiError::from(e))),
        }
    }
    let spec = TokenSpec { format, kind, ttl_seconds: req.ttl_seconds, reuse: req.reuse };
    let mut answers = st.vault.tokenize(&auth.ctx(), &g.name, spec, &inputs).await?.into_iter();
    let mut results = Vec::with_capacity(bad.len());
    for b in bad {
        let r = match b {
            Some(e) => {
                api::TokenizeResult { token: None, id: None, expires_at: None, problem: Some(e.problem()) }
            }
            None => match answers.next() {
                Some(Ok(t)) => api::TokenizeResult {
                    token: Some(t.token),
                    id: Some(t.id),
                    expires_at: t.expires_at,
                    problem: None,
                },
                Some(Err(e)) => api::TokenizeResult {
                    token: None,
                    id: None,
                    expires_at: None,
                    problem: Some(ApiError::from(e).problem()),
                },
                None => return Err(VaultError::Internal("token answers out of step").into()),
            },
        };
        results.push(r);
    }
    let issued = results.iter().filter(|r| r.token.is_some()).count();
    Ok(Json(api::TokenizeResponse { group: g.name, issued, results }))
}

/// Turns up to 10,000 tokens of one group back into their values, for a purpose (recorded
/// with the count and token ids, never values). Refused per item: `token-unknown`,
/// `token-revoked`, `token-expired`, `token-erased`.
#[utoipa::path(operation_id = "detokenize_tokens", post, path = "/v1/detokenize", tag = "tokens", request_body = api::DetokenizeRequest,
    security(("bearer" = ["tokens:reveal"])),
    responses((status = 200, description = "One result per token, in order", body = api::DetokenizeResponse),
              (status = 400, description = "no purpose", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 403, description = "no tokens:reveal scope", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 404, description = "unknown group", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 423, description = "the group is locked", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 429, description = "too many reveals (see Retry-After)", body = sekretess_api::Problem, content_type = PROBLEM)))]
pub async fn detokenize<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::TokensReveal>,
    peer: Option<axum::Extension<Peer>>,
    ApiJson(req): ApiJson<api::DetokenizeRequest>,
) -> ApiResult<Json<api::DetokenizeResponse>> {
    let source = peer.map(|p| p.0.0.ip());
    let now_ms = st.clock.now().saturating_mul(1000);
    st.rate_limits.reveal(&auth.caller.principal, source, now_ms).map_err(ApiError::RateLimited)?;
    let purpose = match req.purpose.as_deref().map(str::trim) {
        None | Some("") => return Err(PeopleError::Policy(PolicyError::PurposeRequired).into()),
        Some(p) => Purpose::parse(p).map_err(PeopleError::Policy)?,
    };
    batch_size(req.tokens.len())?;
    let g = reach_group(&st, &auth.caller, &req.group).await?;
    let answers = st.vault.detokenize(&auth.ctx(), &g.name, &purpose.audit_text(), &req.tokens).await?;
    let results: Vec<api::DetokenizeResult> = answers
        .into_iter()
        .map(|a| match a {
            Ok(d) => api::DetokenizeResult {
                value: Some(d.value.expose().to_owned()),
                kind: Some(d.kind.as_str().to_owned()),
                customer: d.customer.map(|c| c.to_string()),
                id: Some(d.id),
                problem: None,
            },
            Err(e) => api::DetokenizeResult {
                value: None,
                kind: None,
                customer: None,
                id: None,
                problem: Some(ApiError::from(e).problem()),
            },
        })
        .collect();
    let revealed = results.iter().filter(|r| r.value.is_some()).count();
    Ok(Json(api::DetokenizeResponse { group: g.name, revealed, results }))
}

/// Revokes up to 10,000 tokens of one group: they no longer detokenize (`token-revoked`),
/// and a deterministic or FF1 token is not issued again for the value.
#[utoipa::path(operation_id = "revoke_tokens", post, path = "/v1/tokens/revoke", tag = "tokens", request_body = api::RevokeTokensRequest,
    security(("bearer" = ["tokens:create"])),
    responses((status = 200, description = "One result per token, in order", body = api::RevokeTokensResponse),
              (status = 404, description = "unknown group", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 423, description = "the group is locked", body = sekretess_api::Problem, content_type = PROBLEM)))]
pub async fn revoke<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::TokensCreate>,
    ApiJson(req): ApiJson<api::RevokeTokensRequest>,
) -> ApiResult<Json<api::RevokeTokensResponse>> {
    batch_size(req.tokens.len())?;
    let g = reach_group(&st, &auth.caller, &req.group).await?;
    let answers = st.vault.revoke_tokens(&auth.ctx(), &g.name, &req.tokens).await?;
    let results: Vec<api::RevokeTokenResult> = answers
        .into_iter()
        .map(|a| match a {
            Ok(id) => api::RevokeTokenResult { id: Some(id), problem: None },
            Err(e) => api::RevokeTokenResult { id: None, problem: Some(ApiError::from(e).problem()) },
        })
        .collect();
    let revoked = results.iter().filter(|r| r.id.is_some()).count();
    Ok(Json(api::RevokeTokensResponse { group: g.name, revoked, results }))
}
