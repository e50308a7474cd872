//! PDF (stub: filled in by the PDF work).
use super::{Cx, Reason};
use crate::DetectError;

pub(crate) fn redact(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let _ = input;
    let _ = cx.not_inspected(None, None, Reason::NotBuilt);
    Ok(None)
}
