//! Problem documents for employees, sessions, the field policy and agreements. Details
//! name rules and states, never a submitted value (login, password, code, purpose text).

use axum::http::StatusCode as S;
use sekretess_core::people::PeopleError as P;
use sekretess_core::policy::PolicyError;

use crate::problem::{Mapped, map_vault};

pub(crate) fn map_people(e: &P) -> Mapped {
    let d = |s: &str| Some(s.to_owned());
    match e {
        P::LoginFailed => (
            S::UNAUTHORIZED,
            "login-failed",
            "Login failed",
            d("the login name, password or code is wrong, or the account is locked"),
        ),
        P::NotActive { .. } => {
            (S::FORBIDDEN, "account-not-active", "Account not active", Some(e.to_string()))
        }
        P::SessionInvalid => (S::UNAUTHORIZED, "session-invalid", "Session not valid", Some(e.to_string())),
        P::SessionExpired => (S::UNAUTHORIZED, "session-expired", "Session expired", Some(e.to_string())),
        P::Forbidden { .. } => (S::FORBIDDEN, "forbidden", "Not allowed", Some(e.to_string())),
        P::SelfApproval => (S::FORBIDDEN, "self-approval", "Self-approval refused", Some(e.to_string())),
        P::SelfAction { .. } => (S::FORBIDDEN, "self-action", "Not on your own account", Some(e.to_string())),
        P::InvalidEnrolmentCode => {
            (S::BAD_REQUEST, "invalid-enrolment-code", "Invalid enrolment code", Some(e.to_string()))
        }
        P::WeakPassword(_) => {
            (S::UNPROCESSABLE_ENTITY, "weak-password", "Password refused", Some(e.to_string()))
        }
        P::PasswordMismatch => (S::FORBIDDEN, "wrong-password", "Wrong password", Some(e.to_string())),
        P::AccountLocked => (S::LOCKED, "account-locked", "Account locked", Some(e.to_string())),
        P::WrongState { .. } => (S::CONFLICT, "wrong-state", "Wrong employee state", Some(e.to_string())),
        P::UnknownEmployee => (S::NOT_FOUND, "unknown-employee", "No such employee", None),
        P::LoginTaken => (S::CONFLICT, "login-taken", "Login taken", Some(e.to_string())),
        P::InvalidInput { .. } => {
            (S::UNPROCESSABLE_ENTITY, "invalid-input", "Invalid input", Some(e.to_string()))
        }
        P::AlreadyBootstrapped => {
            (S::CONFLICT, "already-bootstrapped", "The first security officer exists", None)
        }
        P::UnknownGroup(_) => {
            (S::NOT_FOUND, "unknown-group", "Unknown customer group", d("no customer group has this name"))
        }
        P::Policy(p) => map_policy(p),
        P::NoAgreement => (S::NOT_FOUND, "no-agreement", "No agreement published", Some(e.to_string())),
        P::AgreementOutdated { .. } => {
            (S::CONFLICT, "agreement-outdated", "A newer agreement exists", Some(e.to_string()))
        }
        P::Vault(v) => map_vault(v),
        P::InviterApproval => {
            (S::FORBIDDEN, "inviter-approval", "The inviter cannot approve", Some(e.to_string()))
        }
        P::UnknownRequest => (S::NOT_FOUND, "unknown-request", "No such request", None),
        P::RequestClosed { .. } => {
            (S::CONFLICT, "request-closed", "The request is no longer pending", Some(e.to_string()))
        }
        _ => (S::INTERNAL_SERVER_ERROR, "internal", "Internal error", None),
    }
}

fn map_policy(p: &PolicyError) -> Mapped {
    let d = |s: &str| Some(s.to_owned());
    match p {
        PolicyError::RestrictedNeverPlain => (
            S::UNPROCESSABLE_ENTITY,
            "restricted-never-plain",
            "Restricted is never plain",
            Some(p.to_string()),
        ),
        PolicyError::PurposeRequired => {
            (S::BAD_REQUEST, "purpose-required", "Purpose required", Some(p.to_string()))
        }
        PolicyError::UnknownPurpose(_) => (
            S::BAD_REQUEST,
            "unknown-purpose",
            "Unknown purpose",
            d(
                "use customer_request, identity_verification, payment, fraud_investigation, legal_obligation, data_correction, or other: <description>",
            ),
        ),
        PolicyError::InvalidPurpose(_) => {
            (S::BAD_REQUEST, "invalid-purpose", "Invalid purpose", Some(p.to_string()))
        }
        PolicyError::RevealNotAllowed { .. } => (
            S::FORBIDDEN,
            "reveal-not-allowed",
            "Reveal not allowed",
            d("a named field cannot be revealed by this caller (restricted fields never are)"),
        ),
        PolicyError::UnknownField { .. } => (
            S::UNPROCESSABLE_ENTITY,
            "unknown-field",
            "Unknown field",
            d("a field name is not in the customer schema (see GET /v1/schema)"),
        ),
        _ => (S::INTERNAL_SERVER_ERROR, "internal", "Internal error", None),
    }
}
