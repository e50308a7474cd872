//! The integration tests of `sekretess-ident`: the rules against the external lists in the
//! repository's `testdata/` folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod lists;
