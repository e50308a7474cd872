//! The store conformance suite: the vault core over each real store. Every test runs
//! once per backend (`sqlite::…` and `postgres::…`); the PostgreSQL ones run when
//! SEKRETESS_TEST_POSTGRES_URL names a server and are skipped (with a printed line)
//! otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod audit;
mod binding;
mod common;
mod control_rows;
mod documents;
mod erasure;
mod input;
mod known;
#[cfg(target_os = "linux")]
mod memory;
mod multi;
mod offline;
mod outage;
mod parts;
mod people;
mod reads;
mod records;
mod rest;
mod retention;
mod rotation;
mod staged_index;
mod tokens;
mod unseal;
