//! Integration tests of the `sekretess` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit;
mod rotation;
mod scale;
mod serve;
