//! The v1 routes. Handlers are thin: check the caller, call the vault, shape the answer.
//!
//! One module per part of the API: [`sys`], [`groups`], [`customers`], [`apikeys`],
//! [`people`] (employees, sessions, policy, agreements, reveal), [`audit`], [`redact`] and [`documents`] (the archive).

pub mod apikeys;
pub mod approvals;
pub mod audit;
pub mod customers;
pub mod documents;
pub mod groups;
pub mod keys;
pub mod people;
pub mod redact;
pub mod retention;
pub mod schema;
pub mod sys;
pub mod tokens;

use crate::problem::ApiError;

type ApiResult<T> = Result<T, ApiError>;

pub(crate) const PROBLEM: &str = "application/problem+json";
