//! Shared pieces of the benchmarks: seeded synthetic customers, and a store without an
//! audit log for measuring what auditing costs.
#![forbid(unsafe_code)]

pub mod data;
pub mod unaudited;
