//! Integration tests of the `sekretess` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod archive;
mod audit;
mod crash;
mod backup;
mod scale;
mod serve;
