//! Roles, the field policy (role x sensitivity -> decision), masking per field type and
//! reveal purposes. Pure functions: the server asks [`FieldPolicy::view_customer`] what a
//! caller may see of a customer it has already read from the vault.
//!
//! Rules that hold whatever a security officer configures:
//! - `restricted` fields are never returned in plain: only `deny` or `masked` may be set
//!   for them (a reveal returns the plain value, so `reveal_with_purpose` is refused too);
//! - a reveal names a purpose and returns only the fields it names;
//! - an employee with several roles gets, per sensitivity, the most open of their roles'
//!   decisions (a security officer sees no customer data unless also an agent).

use std::collections::BTreeMap;
use std::fmt;

use crate::schema::{FieldType, Schema, Sensitivity};
use crate::vault::FieldValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Employees, agreements, groups, schema, policies, keys, backups; no customer data.
    SecurityOfficer,
    /// Customer data in their granted groups, by policy.
    Agent,
    /// The audit log only.
    Auditor,
    /// Every API key (a program, not a person): customer data in the key's groups, by
    /// policy, like an agent. Never given to an employee.
    Service,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::SecurityOfficer, Role::Agent, Role::Auditor, Role::Service];
    /// The roles an employee can hold.
    pub const EMPLOYEE: [Role; 3] = [Role::SecurityOfficer, Role::Agent, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SecurityOfficer => "security_officer",
            Role::Agent => "agent",
            Role::Auditor => "auditor",
            Role::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a role sees of a field of one sensitivity. Ordered from closed to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// The field is not returned at all.
    Deny,
    /// A masked form is returned (see [`mask`]); the value cannot be revealed.
    Masked,
    /// Masked, and the plain value is returned on a reveal that names a purpose.
    RevealWithPurpose,
    /// The plain value is returned.
    Plain,
}

impl Decision {
    pub const ALL: [Decision; 4] =
        [Decision::Deny, Decision::Masked, Decision::RevealWithPurpose, Decision::Plain];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Deny => "deny",
            Decision::Masked => "masked",
            Decision::RevealWithPurpose => "reveal_with_purpose",
            Decision::Plain => "plain",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

pub fn parse_sensitivity(s: &str) -> Option<Sensitivity> {
    [Sensitivity::Internal, Sensitivity::Confidential, Sensitivity::Restricted]
        .into_iter()
        .find(|x| x.as_str() == s)
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    #[error("restricted fields are never shown in plain: only deny or masked may be set for them")]
    RestrictedNeverPlain,
    #[error("a reveal needs a purpose")]
    PurposeRequired,
    #[error("unknown purpose {0:?}; use one of the listed purposes, or \"other\" with a description")]
    UnknownPurpose(String),
    #[error("purpose description is invalid: {0}")]
    InvalidPurpose(&'static str),
    #[error("field {field:?} cannot be revealed by this caller")]
    RevealNotAllowed { field: String },
    #[error("unknown field {field:?}")]
    UnknownField { field: String },
}

/// Role x sensitivity -> decision. Start from [`FieldPolicy::default`] (minimal exposure)
/// and change cells with [`FieldPolicy::set`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPolicy {
    rules: BTreeMap<(Role, Sensitivity), Decision>,
}

impl Default for FieldPolicy {
    /// Agents and API keys (`service`): internal plain, confidential reveal-with-purpose,
    /// restricted masked. Security officers and auditors: no customer data at all.
    fn default() -> Self {
        use Sensitivity as S;
        let mut rules = BTreeMap::new();
        for role in Role::ALL {
            for s in [S::Internal, S::Confidential, S::Restricted] {
                let d = match (role, s) {
                    (Role::Agent | Role::Service, S::Internal) => Decision::Plain,
                    (Role::Agent | Role::Service, S::Confidential) => Decision::RevealWithPurpose,
                    (Role::Agent | Role::Service, S::Restricted) => Decision::Masked,
                    _ => Decision::Deny,
                };
                rules.insert((role, s), d);
            }
        }
        FieldPolicy { rules }
    }
}

impl FieldPolicy {
    pub fn decision(&self, role: Role, sensitivity: Sensitivity) -> Decision {
        self.rules.get(&(role, sensitivity)).copied().unwrap_or(Decision::Deny)
    }

    /// The most open decision among `roles` (deny for no role at all).
    pub fn decision_for(&self, roles: &[Role], sensitivity: Sensitivity) -> Decision {
        roles.iter().map(|r| self.decision(*r, sensitivity)).max().unwrap_or(Decision::Deny)
    }

    /// Sets one cell. `restricted` only takes deny or masked.
    pub fn set(
        &mut self,
        role: Role,
        sensitivity: Sensitivity,
        decision: Decision,
    ) -> Result<(), PolicyError> {
        if sensitivity == Sensitivity::Restricted && decision > Decision::Masked {
            return Err(PolicyError::RestrictedNeverPlain);
        }
        self.rules.insert((role, sensitivity), decision);
        Ok(())
    }

    /// Every cell, in (role, sensitivity) order.
    pub fn rules(&self) -> impl Iterator<Item = (Role, Sensitivity, Decision)> + '_ {
        self.rules.iter().map(|(&(r, s), &d)| (r, s, d))
    }

    /// What a caller with `roles` sees of a customer's `fields`.
    ///
    /// Without a reveal: every field the policy does not deny, masked or plain.
    /// With a reveal: only the named fields, in plain, and only if each is
    /// `reveal_with_purpose` or `plain` for the caller; the purpose is required.
    pub fn view_customer(
        &self,
        roles: &[Role],
        schema: &Schema,
        fields: &BTreeMap<String, FieldValue>,
        reveal: Option<(&[String], Option<&Purpose>)>,
    ) -> Result<BTreeMap<String, FieldView>, PolicyError> {
        let mut out = BTreeMap::new();
        match reveal {
            None => {
                for (name, value) in fields {
                    // A field missing from the schema is treated as restricted text.
                    let (ty, s) =
                        schema.field(name).map_or((FieldType::Text, Sensitivity::Restricted), |d| {
                            (d.field_type, d.sensitivity)
                        });
                    match self.decision_for(roles, s) {
                        Decision::Deny => {}
                        // A restricted value is not online at all: say where it is.
                        Decision::Masked | Decision::RevealWithPurpose if s == Sensitivity::Restricted => {
                            out.insert(
                                name.clone(),
                                FieldView::Masked(crate::vault::HELD_OFFLINE.to_owned()),
                            );
                        }
                        Decision::Masked | Decision::RevealWithPurpose => {
                            out.insert(name.clone(), FieldView::Masked(mask(ty, value.expose())));
                        }
                        Decision::Plain => {
                            out.insert(name.clone(), FieldView::Plain(value.clone()));
                        }
                    }
                }
            }
            Some((names, purpose)) => {
                if purpose.is_none() {
                    return Err(PolicyError::PurposeRequired);
                }
                if names.is_empty() {
                    return Err(PolicyError::RevealNotAllowed { field: String::new() });
                }
                for name in names {
                    let def = schema
                        .field(name)
                        .ok_or_else(|| PolicyError::UnknownField { field: name.clone() })?;
                    let d = self.decision_for(roles, def.sensitivity);
                    // Belt and braces: restricted is never plain, whatever the table says.
                    if d < Decision::RevealWithPurpose || def.sensitivity == Sensitivity::Restricted {
                        return Err(PolicyError::RevealNotAllowed { field: name.clone() });
                    }
                    if let Some(v) = fields.get(name) {
                        out.insert(name.clone(), FieldView::Plain(v.clone()));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// One field as a caller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldView {
    /// A masked form (safe to show; still not to be logged needlessly).
    Masked(String),
    Plain(FieldValue),
}

/// The masked form of `value` for a field of type `ty`. Never shows more than the type's
/// rule allows; unknown shapes fall back to a fixed mask.
pub fn mask(ty: FieldType, value: &str) -> String {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    let stars = |n: usize| "*".repeat(n);
    let tail = |n: usize| -> String { digits[digits.len().saturating_sub(n)..].iter().collect() };
    match ty {
        FieldType::CardNumber => {
            // First 6 + last 4 only when at least 6 digits stay hidden; otherwise last 4.
            if digits.len() >= 16 {
                let head: String = digits[..6].iter().collect();
                format!("{head}{}{}", stars(digits.len() - 10), tail(4))
            } else if digits.len() >= 8 {
                format!("{}{}", stars(digits.len() - 4), tail(4))
            } else {
                stars(4)
            }
        }
        FieldType::SePersonnummer | FieldType::SeOrgnr => mask_swedish_id(&digits),
        FieldType::NationalId => {
            if digits.len() == 9 {
                format!("***-**-{}", tail(4))
            } else {
                mask_swedish_id(&digits)
            }
        }
        FieldType::UsSsn => {
            if digits.len() == 9 {
                format!("***-**-{}", tail(4))
            } else {
                "***-**-****".to_owned()
            }
        }
        FieldType::Email => match value.trim().rsplit_once('@') {
            Some((local, domain)) if !domain.is_empty() => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            _ => "***".to_owned(),
        },
        FieldType::Phone => {
            if digits.len() >= 6 {
                format!("{}{}", stars(digits.len() - 2), tail(2))
            } else {
                stars(6)
            }
        }
        FieldType::Name => {
            let initials: Vec<String> = value
                .split(|c: char| c.is_whitespace() || c == '-')
                .filter_map(|part| part.chars().find(|c| c.is_alphabetic()))
                .flat_map(char::to_uppercase)
                .map(|c| format!("{c}."))
                .collect();
            if initials.is_empty() { "*".to_owned() } else { initials.join(" ") }
        }
        FieldType::Date => {
            // The year only.
            let year: String = digits.iter().take(4).collect();
            if year.len() == 4 { format!("{year}-**-**") } else { "****-**-**".to_owned() }
        }
        FieldType::Iban => {
            let compact: Vec<char> = value.chars().filter(char::is_ascii_alphanumeric).collect();
            if compact.len() >= 12 {
                let cc: String = compact[..2].iter().collect::<String>().to_uppercase();
                let last: String = compact[compact.len() - 4..].iter().collect();
                format!("{cc}{}{last}", stars(compact.len() - 6))
            } else {
                "****".to_owned()
            }
        }
        FieldType::BankAccount => {
            if digits.len() >= 8 {
                format!("{}{}", stars(digits.len() - 4), tail(4))
            } else {
                stars(6)
            }
        }
        // Free text and addresses have no safe part: a fixed mask (not even the length).
        FieldType::Address | FieldType::Text => "****".to_owned(),
        // A type added later gets the fixed mask until it has a rule.
        #[allow(unreachable_patterns)]
        _ => "****".to_owned(),
    }
}

/// `YYMMDD-****` from the digits of a Swedish personnummer, samordningsnummer or
/// organisationsnummer (10 or 12 digits).
fn mask_swedish_id(digits: &[char]) -> String {
    let start = match digits.len() {
        12 => 2,
        10 => 0,
        _ => return "******-****".to_owned(),
    };
    let head: String = digits[start..start + 6].iter().collect();
    format!("{head}-****")
}

/// Why data is revealed: one of a fixed list, plus a free-text description (required for
/// `other`). Recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PurposeKind {
    /// The customer asked (support case, their own request).
    CustomerRequest,
    /// Checking identity before acting for the customer.
    IdentityVerification,
    /// Payment, refund or billing.
    Payment,
    /// Fraud or security investigation.
    FraudInvestigation,
    /// A legal obligation (authority request, court order).
    LegalObligation,
    /// Correcting the customer's data.
    DataCorrection,
    /// Anything else; a description is required.
    Other,
}

impl PurposeKind {
    pub const ALL: [PurposeKind; 7] = [
        PurposeKind::CustomerRequest,
        PurposeKind::IdentityVerification,
        PurposeKind::Payment,
        PurposeKind::FraudInvestigation,
        PurposeKind::LegalObligation,
        PurposeKind::DataCorrection,
        PurposeKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PurposeKind::CustomerRequest => "customer_request",
            PurposeKind::IdentityVerification => "identity_verification",
            PurposeKind::Payment => "payment",
            PurposeKind::FraudInvestigation => "fraud_investigation",
            PurposeKind::LegalObligation => "legal_obligation",
            PurposeKind::DataCorrection => "data_correction",
            PurposeKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub const MAX_PURPOSE_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    pub kind: PurposeKind,
    pub description: Option<String>,
}

impl Purpose {
    /// `kind` from [`PurposeKind::ALL`]; `description` is trimmed, at most 200 characters,
    /// no control characters, and required (non-empty) for `other`.
    pub fn new(kind: &str, description: Option<&str>) -> Result<Self, PolicyError> {
        let kind_text = kind.trim();
        if kind_text.is_empty() {
            return Err(PolicyError::PurposeRequired);
        }
        let kind = PurposeKind::parse(kind_text).ok_or_else(|| {
            PolicyError::UnknownPurpose(crate::audit::escape_text(&truncate(kind_text, 40)))
        })?;
        let description = description.map(str::trim).filter(|d| !d.is_empty());
        if let Some(d) = description {
            if d.chars().count() > MAX_PURPOSE_CHARS {
                return Err(PolicyError::InvalidPurpose("at most 200 characters"));
            }
            if d.chars().any(char::is_control) {
                return Err(PolicyError::InvalidPurpose("no control characters"));
            }
        }
        if kind == PurposeKind::Other && description.is_none() {
            return Err(PolicyError::InvalidPurpose("\"other\" needs a description"));
        }
        Ok(Purpose { kind, description: description.map(str::to_owned) })
    }

    /// Parses `kind` or `kind: description` (the CLI's `--purpose` form).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        match text.split_once(':') {
            Some((kind, description)) => Purpose::new(kind, Some(description)),
            None => Purpose::new(text, None),
        }
    }

    /// The text recorded in the audit log (`kind` or `kind: description`).
    pub fn audit_text(&self) -> String {
        match &self.description {
            Some(d) => format!("{}: {d}", self.kind.as_str()),
            None => self.kind.as_str().to_owned(),
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldType as T;

    #[test]
    fn defaults_keep_exposure_minimal() {
        let p = FieldPolicy::default();
        use Sensitivity as S;
        assert_eq!(p.decision(Role::Agent, S::Internal), Decision::Plain);
        assert_eq!(p.decision(Role::Agent, S::Confidential), Decision::RevealWithPurpose);
        assert_eq!(p.decision(Role::Agent, S::Restricted), Decision::Masked);
        for role in [Role::SecurityOfficer, Role::Auditor] {
            for s in [S::Internal, S::Confidential, S::Restricted] {
                assert_eq!(p.decision(role, s), Decision::Deny);
            }
        }
        assert_eq!(p.decision_for(&[], S::Internal), Decision::Deny);
        assert_eq!(p.decision_for(&[Role::SecurityOfficer, Role::Agent], S::Internal), Decision::Plain);
    }

    #[test]
    fn restricted_is_never_plain() {
        let mut p = FieldPolicy::default();
        for role in Role::ALL {
            assert_eq!(
                p.set(role, Sensitivity::Restricted, Decision::Plain),
                Err(PolicyError::RestrictedNeverPlain)
            );
            assert_eq!(
                p.set(role, Sensitivity::Restricted, Decision::RevealWithPurpose),
                Err(PolicyError::RestrictedNeverPlain)
            );
        }
        assert_eq!(p, FieldPolicy::default());
        p.set(Role::Agent, Sensitivity::Restricted, Decision::Deny).unwrap();
        p.set(Role::Agent, Sensitivity::Confidential, Decision::Plain).unwrap();
        assert_eq!(p.decision(Role::Agent, Sensitivity::Restricted), Decision::Deny);
    }

    #[test]
    fn card_masks_show_at_most_six_and_four() {
        assert_eq!(mask(T::CardNumber, "4111 1111 1111 1111"), "411111******1111");
        assert_eq!(mask(T::CardNumber, "4111111111111111111"), "411111*********1111");
        // Shorter numbers: only the last four, so at least 6 digits stay hidden.
        assert_eq!(mask(T::CardNumber, "378282246310005"), "***********0005");
        assert_eq!(mask(T::CardNumber, "123"), "****");
        for len in 0..=19 {
            let card: String = (0..len).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
            let m = mask(T::CardNumber, &card);
            let shown = m.chars().filter(char::is_ascii_digit).count();
            assert!(shown <= 10 && (shown <= 4 || len >= 16), "{len}: {m}");
        }
    }

    #[test]
    fn masks_per_type() {
        assert_eq!(mask(T::SePersonnummer, "19811218-9876"), "811218-****");
        assert_eq!(mask(T::SePersonnummer, "811218-9876"), "811218-****");
        assert_eq!(mask(T::NationalId, "8112189876"), "811218-****");
        assert_eq!(mask(T::NationalId, "078-05-1120"), "***-**-1120");
        assert_eq!(mask(T::UsSsn, "078-05-1120"), "***-**-1120");
        assert_eq!(mask(T::SeOrgnr, "556036-0793"), "556036-****");
        assert_eq!(mask(T::Email, "jane.doe@example.com"), "j***@example.com");
        assert_eq!(mask(T::Email, "not an address"), "***");
        assert_eq!(mask(T::Phone, "+46 70 123 45 67"), "*********67");
        assert_eq!(mask(T::Phone, "123"), "******");
        assert_eq!(mask(T::Name, "Anna-Karin von Svensson"), "A. K. V. S.");
        assert_eq!(mask(T::Name, "Örjan Ek"), "Ö. E.");
        assert_eq!(mask(T::Date, "1981-12-18"), "1981-**-**");
        assert_eq!(mask(T::Iban, "SE45 5000 0000 0583 9825 7466"), "SE******************7466");
        assert_eq!(mask(T::BankAccount, "8327-9 123 456 789"), "**********6789");
        assert_eq!(mask(T::Address, "Storgatan 1, 111 22 Stockholm"), "****");
        assert_eq!(mask(T::Text, "anything at all"), "****");
        // Every type masks a value to something that differs from it.
        for ty in FieldType::ALL {
            assert_ne!(mask(ty, "4111111111111111"), "4111111111111111", "{ty:?}");
        }
    }

    #[test]
    fn purposes() {
        assert_eq!(Purpose::new("", None), Err(PolicyError::PurposeRequired));
        assert_eq!(Purpose::new("   ", Some("x")), Err(PolicyError::PurposeRequired));
        assert!(matches!(Purpose::new("because", None), Err(PolicyError::UnknownPurpose(_))));
        assert!(matches!(Purpose::new("other", Some("  ")), Err(PolicyError::InvalidPurpose(_))));
        assert!(matches!(Purpose::new("other", Some("a\nb")), Err(PolicyError::InvalidPurpose(_))));
        let p = Purpose::parse("other: customer asked by phone").unwrap();
        assert_eq!(p.audit_text(), "other: customer asked by phone");
        assert_eq!(Purpose::parse("payment").unwrap().audit_text(), "payment");
    }

    fn customer() -> BTreeMap<String, FieldValue> {
        [("full_name", "Anna Svensson"), ("card_number", "4111111111111111"), ("notes", "likes tea")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), FieldValue::new(v)))
            .collect()
    }

    #[test]
    fn views_and_reveals() {
        let p = FieldPolicy::default();
        let schema = Schema::default_schema();
        let c = customer();
        let v = p.view_customer(&[Role::Agent], &schema, &c, None).unwrap();
        assert_eq!(v["full_name"], FieldView::Masked("A. S.".into()));
        assert_eq!(v["card_number"], FieldView::Masked("411111******1111".into()));
        assert_eq!(v["notes"], FieldView::Plain(FieldValue::new("likes tea")));
        assert!(p.view_customer(&[Role::SecurityOfficer], &schema, &c, None).unwrap().is_empty());
        assert!(p.view_customer(&[Role::Auditor], &schema, &c, None).unwrap().is_empty());

        let names = vec!["card_number".to_owned()];
        assert_eq!(
            p.view_customer(&[Role::Agent], &schema, &c, Some((&names, None))),
            Err(PolicyError::PurposeRequired)
        );
        let purpose = Purpose::new("payment", None).unwrap();
        let r = p.view_customer(&[Role::Agent], &schema, &c, Some((&names, Some(&purpose)))).unwrap();
        assert_eq!(r.len(), 1, "a reveal returns only the named fields");
        assert_eq!(r["card_number"], FieldView::Plain(FieldValue::new("4111111111111111")));
        assert!(matches!(
            p.view_customer(&[Role::SecurityOfficer], &schema, &c, Some((&names, Some(&purpose)))),
            Err(PolicyError::RevealNotAllowed { .. })
        ));
    }

    #[test]
    fn restricted_fields_never_plain_in_views() {
        let mut schema = Schema::default_schema();
        schema
            .add_field(crate::schema::FieldDef {
                name: "secret_note".into(),
                field_type: FieldType::Text,
                sensitivity: Sensitivity::Restricted,
                searchable: false,
                unique: false,
            })
            .unwrap();
        let mut c = customer();
        c.insert("secret_note".into(), FieldValue::new("very secret"));
        let mut p = FieldPolicy::default();
        p.set(Role::Agent, Sensitivity::Confidential, Decision::Plain).unwrap();
        let purpose = Purpose::new("payment", None).unwrap();
        for roles in [vec![Role::Agent], vec![Role::Agent, Role::SecurityOfficer, Role::Auditor]] {
            let v = p.view_customer(&roles, &schema, &c, None).unwrap();
            // The masked view says where the value is (it is not online at all).
            assert_eq!(v["secret_note"], FieldView::Masked("[held offline]".into()));
            let names = vec!["secret_note".to_owned()];
            assert!(matches!(
                p.view_customer(&roles, &schema, &c, Some((&names, Some(&purpose)))),
                Err(PolicyError::RevealNotAllowed { .. })
            ));
        }
    }
}
