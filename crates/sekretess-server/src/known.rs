//! Known customers in a document: redaction that replaces the vault's own customers by
//! their codes (DESIGN.md 9 and 9b, issue 18). The archive (`POST /v1/documents`),
//! `POST /v1/redact` with `operator=code` and `sekretess redact --vault` all go through
//! [`redact_known`].
//!
//! Two passes over the document (docs/redaction.md, "Known customers"):
//! 1. the detector runs with a [`SpanHook`] that only collects: the identifiers it found
//!    (e-mail, phone, personnummer/samordningsnummer, US SSN, card, IBAN, bank account)
//!    and every name candidate (`names::candidates`), whether or not it took it for a name;
//! 2. the vault looks them all up at once ([`sekretess_core::Vault::identify`]: one batch per reachable
//!    group, one audit entry), the rules below decide which mention is which customer, and
//!    the detector runs again with a hook that adds the matched names as findings and a
//!    [`Replacer`] that writes `[CODE]` for every matched mention and lets the caller's
//!    operator replace everything else.
//!
//! Rules: an identifier that matches exactly one customer in reach identifies them; a name
//! does when exactly one customer in reach has it, or when exactly one of the customers
//! who have it is identified by an identifier in the same document. Anything else
//! (ambiguity) is blacked out like any unknown value: a mention never gets the wrong code.

mod names;

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::AuditContext;
use sekretess_core::store::Store;
use sekretess_core::{CustomerCode, FieldType, GroupInfo, Probe};
use sekretess_detect::doc::{self, DocOptions, RedactedDocument};
use sekretess_detect::{DetectError, Format, Label, Operator, Options, Replacer, SpanHook};
use zeroize::Zeroizing;

use crate::AppState;
use crate::problem::ApiError;

/// A document redacted with known customers coded.
#[derive(Debug)]
pub struct KnownRedaction {
    /// The redacted document, its findings and the parts not inspected.
    pub redacted: RedactedDocument,
    /// The codes of the customers identified in the document (display form, sorted, each
    /// once). In a PDF the mentions are removed and boxed like every finding (no code is
    /// drawn); the customers are still identified and listed here.
    pub codes: Vec<String>,
}

/// Redacts `input` as [`doc::redact_document`] does and replaces every mention of a
/// customer of `groups` (resolved and checked for the caller already; no other group is
/// consulted) by that customer's code. `options.detect.operator` applies to everything
/// else. The lookups of one document are one audit entry under `ctx`.
pub async fn redact_known<S: Store + AccessStore>(
    st: &AppState<S>,
    ctx: &AuditContext,
    groups: &[GroupInfo],
    input: Bytes,
    format: Format,
    options: DocOptions,
) -> Result<KnownRedaction, ApiError> {
    if groups.is_empty() {
        let redacted = redact_blocking(input, format, options).await?;
        return Ok(KnownRedaction { redacted, codes: Vec::new() });
    }
    // Pass 1: collect.
    let collect = Arc::new(Collect::default());
    let mut first = options.clone();
    first.detect.spans = Some(collect.clone());
    first.detect.operator = Operator::Keep;
    first.detect.per_label.clear();
    first.uninspected = doc::UninspectedPolicy::Skip;
    let seen = redact_blocking(input.clone(), format, first).await?;
    drop(seen);
    let (probes, kinds) = collect.probes()?;

    // The lookup: one batch per group, one audit entry.
    let matches = if probes.is_empty() {
        Vec::new()
    } else {
        let ids: Vec<u32> = groups.iter().map(|g| g.id).collect();
        st.vault.identify(ctx, &ids, &probes, None).await?
    };
    let known = Arc::new(decide(&probes, &kinds, &matches, &options.detect));
    drop(probes);

    // Pass 2: redact with codes.
    let mut second = options;
    second.detect.spans = Some(known.clone());
    let coded = Operator::Custom(known.clone());
    let mut per_label: Vec<(Label, Operator)> = CODED.iter().map(|&l| (l, coded.clone())).collect();
    per_label.append(&mut second.detect.per_label);
    second.detect.per_label = per_label;
    let redacted = redact_blocking(input, format, second).await?;
    let codes: BTreeSet<String> = known.codes().map(|c| c.to_string()).collect();
    Ok(KnownRedaction { redacted, codes: codes.into_iter().collect() })
}

/// The labels whose values may be a customer's (and get the code operator).
const CODED: [Label; 8] = [
    Label::Person,
    Label::Email,
    Label::Phone,
    Label::SePersonnummer,
    Label::UsSsn,
    Label::CardNumber,
    Label::Iban,
    Label::SeBankAccount,
];

/// The vault field type a value found as `label` would have.
fn field_type(label: Label) -> Option<FieldType> {
    Some(match label {
        Label::Person => FieldType::Name,
        Label::Email => FieldType::Email,
        Label::Phone => FieldType::Phone,
        Label::SePersonnummer => FieldType::SePersonnummer,
        Label::UsSsn => FieldType::UsSsn,
        Label::CardNumber => FieldType::CardNumber,
        Label::Iban => FieldType::Iban,
        Label::SeBankAccount => FieldType::BankAccount,
        _ => return None,
    })
}

/// What a probe stands for: a name form, or an identifier as written.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Name(String),
    Id(Label, String),
}

/// Pass 1: every identifier found and every name candidate, each once.
#[derive(Default)]
struct Collect {
    seen: Mutex<BTreeSet<(u8, Label, String)>>,
}

impl SpanHook for Collect {
    fn spans(&self, text: &str, found: &[(Range<usize>, Label)]) -> Vec<(Range<usize>, Label)> {
        let mut add = Vec::new();
        for (r, label) in found {
            if *label == Label::Person {
                let form = names::fold(&text[r.clone()]);
                if (2..=4).contains(&form.split(' ').count()) {
                    add.push((0, Label::Person, form));
                }
            } else if field_type(*label).is_some() {
                add.push((1, *label, text[r.clone()].to_owned()));
            }
        }
        for c in names::candidates(text) {
            add.push((0, Label::Person, c.form));
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.extend(add);
        }
        Vec::new()
    }
}

impl Collect {
    /// The probes to look up, and what each stands for.
    fn probes(&self) -> Result<(Vec<Probe>, Vec<Key>), ApiError> {
        let seen = std::mem::take(&mut *self.seen.lock().map_err(|_| internal())?);
        let mut probes = Vec::with_capacity(seen.len());
        let mut keys = Vec::with_capacity(seen.len());
        for (kind, label, value) in seen {
            let Some(ft) = field_type(label) else { continue };
            let key = if kind == 0 { Key::Name(value.clone()) } else { Key::Id(label, value.clone()) };
            // A national phone number is also looked up in its international form: the
            // vault stores phones in E.164 only.
            if label == Label::Phone
                && let Some(e164) = international(&value)
            {
                probes.push(Probe { field_type: ft, value: Zeroizing::new(e164) });
                keys.push(key.clone());
            }
            probes.push(Probe { field_type: ft, value: Zeroizing::new(value) });
            keys.push(key);
        }
        Ok((probes, keys))
    }
}

/// `070-123 45 67` -> `+46701234567` (Swedish national: 0 and 8 to 10 digits);
/// `(415) 555-0132` -> `+14155550132` (North American: 10 digits, area code not 0 or 1).
fn international(written: &str) -> Option<String> {
    if written.trim_start().starts_with('+') || written.trim_start().starts_with("00") {
        return None;
    }
    let digits: String = written.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = digits.strip_prefix('0')
        && (8..=10).contains(&rest.len())
    {
        return Some(format!("+46{rest}"));
    }
    if digits.len() == 10 && !digits.starts_with(['0', '1']) {
        return Some(format!("+1{digits}"));
    }
    None
}

fn internal() -> ApiError {
    ApiError::InvalidBody { kind: "invalid-redact-request", detail: "redaction failed".to_owned() }
}

/// Pass 2: which mention is which customer.
struct Known {
    names: HashMap<String, CustomerCode>,
    ids: HashMap<(Label, String), CustomerCode>,
    /// The caller's options, for what is not coded.
    fallback: Options,
}

/// Applies the rules of the module docs to the lookup's answers.
fn decide(probes: &[Probe], keys: &[Key], matches: &[Vec<CustomerCode>], fallback: &Options) -> Known {
    // All codes per key (a phone may have been asked in two forms).
    let mut per_key: HashMap<&Key, BTreeSet<&CustomerCode>> = HashMap::new();
    for (i, key) in keys.iter().enumerate().take(probes.len()) {
        let entry = per_key.entry(key).or_default();
        if let Some(codes) = matches.get(i) {
            entry.extend(codes.iter());
        }
    }
    let one = |set: &BTreeSet<&CustomerCode>| -> Option<CustomerCode> {
        match set.iter().collect::<Vec<_>>().as_slice() {
            [c] => Some((**c).clone()),
            _ => None,
        }
    };
    // Customers identified by an identifier alone.
    let anchored: BTreeSet<CustomerCode> =
        per_key.iter().filter(|(k, _)| matches!(k, Key::Id(..))).filter_map(|(_, s)| one(s)).collect();
    let resolve = |set: &BTreeSet<&CustomerCode>| -> Option<CustomerCode> {
        one(set).or_else(|| {
            let within: BTreeSet<&CustomerCode> =
                set.iter().copied().filter(|c| anchored.contains(*c)).collect();
            one(&within)
        })
    };
    let mut names = HashMap::new();
    let mut ids = HashMap::new();
    for (key, set) in &per_key {
        let Some(code) = resolve(set) else { continue };
        match key {
            Key::Name(form) => {
                names.insert(form.clone(), code);
            }
            Key::Id(label, value) => {
                ids.insert((*label, value.clone()), code);
            }
        }
    }
    Known { names, ids, fallback: fallback.clone() }
}

impl Known {
    fn codes(&self) -> impl Iterator<Item = &CustomerCode> {
        let all: BTreeSet<&CustomerCode> = self.names.values().chain(self.ids.values()).collect();
        all.into_iter()
    }

    fn code_of(&self, label: Label, value: &str) -> Option<&CustomerCode> {
        if label == Label::Person {
            self.names.get(&names::fold(value))
        } else {
            self.ids.get(&(label, value.to_owned()))
        }
    }
}

impl Replacer for Known {
    fn replace(&self, label: Label, value: &str) -> Option<String> {
        Some(match self.code_of(label, value) {
            Some(code) => format!("[{code}]"),
            None => self.fallback.operator_for(label).replacement(value, label, &self.fallback.hash_key),
        })
    }
}

impl SpanHook for Known {
    /// The matched name candidates, longest first, that no longer finding of a name runs
    /// past (a longer name than the customer's is blacked out, not coded).
    fn spans(&self, text: &str, found: &[(Range<usize>, Label)]) -> Vec<(Range<usize>, Label)> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let mut cands: Vec<Range<usize>> = names::candidates(text)
            .into_iter()
            .filter(|c| self.names.contains_key(&c.form))
            .map(|c| c.range)
            .filter(|r| {
                !found.iter().any(|(f, l)| {
                    *l == Label::Person
                        && f.start < r.end
                        && r.start < f.end
                        && (f.start < r.start || f.end > r.end)
                })
            })
            .collect();
        cands.sort_by(|a, b| (b.end - b.start).cmp(&(a.end - a.start)).then(a.start.cmp(&b.start)));
        let mut out: Vec<(Range<usize>, Label)> = Vec::new();
        for r in cands {
            if !out.iter().any(|(o, _)| o.start < r.end && r.start < o.end) {
                out.push((r, Label::Person));
            }
        }
        out
    }
}

/// Runs the (CPU-bound) redaction off the async workers and maps its errors.
pub async fn redact_blocking(
    input: Bytes,
    format: Format,
    options: DocOptions,
) -> Result<RedactedDocument, ApiError> {
    tokio::task::spawn_blocking(move || doc::redact_document(&input, format, &options))
        .await
        .map_err(|_| ApiError::InvalidBody {
            kind: "invalid-redact-request",
            detail: "redaction failed".to_owned(),
        })?
        .map_err(|e| match e {
            DetectError::Limit { limit, .. } => ApiError::DocumentLimit(limit),
            DetectError::Damaged { format, what } => ApiError::DamagedDocument(format, what),
            _ => ApiError::InvalidBody {
                kind: "invalid-redact-request",
                detail: "the document could not be parsed".to_owned(),
            },
        })
}
