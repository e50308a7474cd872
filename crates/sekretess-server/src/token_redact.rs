//! The redaction operator `token` (`POST /v1/redact?operator=token&group=G`, and
//! `sekretess redact --vault --operator token --group G`): every finding is replaced by a
//! token of the group (docs/tokens.md), so documents and exports keep a stand-in that the
//! business's other systems can join on and an authorized caller can turn back.
//!
//! - card numbers: format-preserving (FF1) tokens: first 6 and last 4 digits kept, Luhn
//!   failing, so the document still reads as holding a card but holds none;
//! - personnummer/samordningsnummer: FF1 tokens (year kept, check digit failing);
//! - everything else: deterministic `dtk_…` tokens of the value as found (type `text`).
//!
//! Two passes, as for known customers: the detector first only collects the findings, the
//! vault issues their tokens (one `token.create` entry per token format and type, with the
//! token ids), and the detector runs again with a [`Replacer`] that writes each token. A
//! value the vault refuses (e.g. a 12-digit number found as a card but failing Luhn) is
//! masked. It needs the `tokens:create` scope besides `redact`.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::AuditContext;
use sekretess_core::store::Store;
use sekretess_core::vault::{TokenFormat, TokenInput, TokenKind, TokenSpec};
use sekretess_detect::doc::{self, DocOptions, RedactedDocument};
use sekretess_detect::{Format, Label, Operator, Replacer, SpanHook};
use zeroize::Zeroizing;

use crate::AppState;
use crate::known::redact_blocking;
use crate::problem::ApiError;

/// A finding's label and value.
type Found = (Label, Zeroizing<String>);

/// Pass 1: every finding's label and value, each once.
#[derive(Default)]
struct Collect {
    seen: Mutex<BTreeSet<(Label, String)>>,
}

impl SpanHook for Collect {
    fn spans(&self, text: &str, found: &[(Range<usize>, Label)]) -> Vec<(Range<usize>, Label)> {
        if let Ok(mut seen) = self.seen.lock() {
            for (r, label) in found {
                if let Some(v) = text.get(r.clone()) {
                    seen.insert((*label, v.to_owned()));
                }
            }
        }
        Vec::new()
    }
}

/// Pass 2: the token of each value found.
struct Tokens(HashMap<(Label, String), String>);

impl Replacer for Tokens {
    fn replace(&self, label: Label, value: &str) -> Option<String> {
        self.0.get(&(label, value.to_owned())).cloned()
    }
}

impl Drop for Tokens {
    fn drop(&mut self) {
        for ((_, v), _) in self.0.drain() {
            drop(Zeroizing::new(v));
        }
    }
}

fn spec_of(label: Label) -> TokenSpec {
    let (format, kind) = match label {
        Label::CardNumber => (TokenFormat::Fpe, TokenKind::Card),
        Label::SePersonnummer => (TokenFormat::Fpe, TokenKind::Personnummer),
        _ => (TokenFormat::Deterministic, TokenKind::Text),
    };
    TokenSpec { format, kind, ttl_seconds: None, reuse: false }
}

/// Redacts `input` as [`doc::redact_document`] does, with every finding replaced by its
/// token in `group` (already checked for the caller). Findings the vault refuses are
/// masked.
pub async fn redact_with_tokens<S: Store + AccessStore>(
    st: &AppState<S>,
    ctx: &AuditContext,
    group: &str,
    input: Bytes,
    format: Format,
    options: DocOptions,
) -> Result<RedactedDocument, ApiError> {
    let collect = Arc::new(Collect::default());
    let mut first = options.clone();
    first.detect.spans = Some(collect.clone());
    first.detect.operator = Operator::Keep;
    first.detect.per_label.clear();
    first.uninspected = doc::UninspectedPolicy::Skip;
    drop(redact_blocking(input.clone(), format, first).await?);
    let seen = std::mem::take(&mut *collect.seen.lock().map_err(|_| internal())?);

    // One vault call per token format and type.
    let mut batches: Vec<(TokenSpec, Vec<Found>)> = Vec::new();
    for (label, value) in seen {
        let spec = spec_of(label);
        match batches.iter_mut().find(|(s, _)| *s == spec) {
            Some((_, items)) => items.push((label, Zeroizing::new(value))),
            None => batches.push((spec, vec![(label, Zeroizing::new(value))])),
        }
    }
    let mut map = HashMap::new();
    for (spec, items) in batches {
        for part in items.chunks(sekretess_core::vault::MAX_TOKEN_BATCH) {
            let inputs: Vec<TokenInput> =
                part.iter().map(|(_, v)| TokenInput { value: v.clone(), customer: None }).collect();
            let answers = st.vault.tokenize(ctx, group, spec, &inputs).await?;
            for ((label, value), answer) in part.iter().zip(answers) {
                if let Ok(t) = answer {
                    map.insert((*label, value.to_string()), t.token);
                }
            }
        }
    }

    let mut second = options;
    second.detect.operator = Operator::Custom(Arc::new(Tokens(map)));
    second.detect.per_label.clear();
    redact_blocking(input, format, second).await
}

fn internal() -> ApiError {
    ApiError::InvalidBody { kind: "invalid-redact-request", detail: "redaction failed".to_owned() }
}
