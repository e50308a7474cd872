#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Integration tests: a real server over TLS on 127.0.0.1:0 with a temporary SQLite
//! store, driven through `sekretess-client`.

mod archive;
mod audit;
mod auth;
mod common;
mod contract;
mod customers;
mod export;
mod faults;
mod group_commit;
mod harden;
mod input;
mod known;
mod metrics;
mod mtls;
mod openapi;
mod people;
mod redact;
mod rotation;
mod sealed;
mod security;
mod tls;
mod tokens;
