//! Integration tests of the vault core over the real SQLite store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod audit;
mod binding;
mod common;
mod erasure;
mod input;
mod rest;
mod unseal;
