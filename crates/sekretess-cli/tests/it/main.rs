//! Integration tests of the `sekretess` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod archive;
mod audit;
mod backup;
mod console;
mod crash;
mod faults_postgres;
mod offline;
mod rotation;
mod scale;
mod serve;
mod token;
