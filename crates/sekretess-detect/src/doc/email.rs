//! E-mail (stub).
use super::{Cx, Kind, Reason};
use crate::DetectError;

pub(crate) fn redact(input: &[u8], kind: Kind, cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let _ = (input, kind);
    let _ = cx.not_inspected(None, None, Reason::NotBuilt);
    Ok(None)
}
