//! Integration tests of the `sekretess` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit;
mod backup;
mod scale;
mod serve;
