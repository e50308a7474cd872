//! The customer schema: typed fields with sensitivity and searchability.

use crate::error::VaultError;
use crate::validate::{self, Normalized};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    Name,
    Email,
    Phone,
    Address,
    Date,
    SePersonnummer,
    UsSsn,
    /// Swedish personnummer or samordningsnummer, or US SSN.
    NationalId,
    /// Swedish organisationsnummer (for business customers; not in the default schema).
    SeOrgnr,
    CardNumber,
    Iban,
    BankAccount,
    Text,
}

impl FieldType {
    pub const ALL: [FieldType; 13] = [
        FieldType::Name,
        FieldType::Email,
        FieldType::Phone,
        FieldType::Address,
        FieldType::Date,
        FieldType::SePersonnummer,
        FieldType::UsSsn,
        FieldType::NationalId,
        FieldType::SeOrgnr,
        FieldType::CardNumber,
        FieldType::Iban,
        FieldType::BankAccount,
        FieldType::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Name => "name",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Address => "address",
            FieldType::Date => "date",
            FieldType::SePersonnummer => "se_personnummer",
            FieldType::UsSsn => "us_ssn",
            FieldType::NationalId => "national_id",
            FieldType::SeOrgnr => "se_orgnr",
            FieldType::CardNumber => "card_number",
            FieldType::Iban => "iban",
            FieldType::BankAccount => "bank_account",
            FieldType::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Longest accepted value, in characters.
    pub fn max_chars(self) -> usize {
        match self {
            FieldType::Text => 10_000,
            FieldType::Address => 500,
            FieldType::Name | FieldType::Email => 254,
            _ => 64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sensitivity {
    Internal,
    Confidential,
    Restricted,
}

impl Sensitivity {
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Internal => "internal",
            Sensitivity::Confidential => "confidential",
            Sensitivity::Restricted => "restricted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Sensitivity::Internal, Sensitivity::Confidential, Sensitivity::Restricted]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    pub name: String,
    pub field_type: FieldType,
    pub sensitivity: Sensitivity,
    /// Has a blind index, so customers can be found by an exact value.
    pub searchable: bool,
    /// At most one customer per group may hold a value (needs `searchable`).
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    fields: Vec<FieldDef>,
}

/// Field names that suggest a card security code. Storing one is forbidden (PCI DSS 3.3.1).
const CVV_NAMES: [&str; 9] =
    ["cvv", "cvc", "cvv2", "cvc2", "cid", "csc", "cav2", "security_code", "card_security_code"];

/// Whether a field name is, or ends in, a card security code's name (any case, with `-`,
/// ` ` or `_` between words). Runs for every field of every item, so it allocates nothing.
pub fn is_cvv_like(field: &str) -> bool {
    let norm = |c: u8| match c {
        b'-' | b' ' => b'_',
        c => c.to_ascii_lowercase(),
    };
    let field = field.as_bytes();
    CVV_NAMES.iter().any(|name| {
        let name = name.as_bytes();
        let Some(start) = field.len().checked_sub(name.len()) else { return false };
        let tail_matches = field[start..].iter().zip(name).all(|(&c, &n)| norm(c) == n);
        tail_matches && (start == 0 || norm(field[start - 1]) == b'_')
    })
}

impl Schema {
    /// The default schema of DESIGN.md section 4.
    pub fn default_schema() -> Self {
        use FieldType as T;
        use Sensitivity as S;
        let f = |name: &str, field_type, sensitivity, searchable, unique| FieldDef {
            name: name.to_owned(),
            field_type,
            sensitivity,
            searchable,
            unique,
        };
        Schema {
            fields: vec![
                f("full_name", T::Name, S::Confidential, true, false),
                f("email", T::Email, S::Confidential, true, false),
                f("phone", T::Phone, S::Confidential, true, false),
                f("postal_address", T::Address, S::Confidential, false, false),
                f("birth_date", T::Date, S::Confidential, false, false),
                f("national_id", T::NationalId, S::Confidential, true, true),
                f("card_number", T::CardNumber, S::Confidential, true, false),
                f("iban", T::Iban, S::Confidential, true, false),
                f("notes", T::Text, S::Internal, false, false),
            ],
        }
    }

    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }

    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Adds a field. Names are lower-case `[a-z0-9_]`, 1-64 characters, unique, and never
    /// a card security code.
    pub fn add_field(&mut self, def: FieldDef) -> Result<(), VaultError> {
        let name_ok = !def.name.is_empty()
            && def.name.len() <= 64
            && def.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !name_ok {
            return Err(VaultError::Invalid { field: def.name, rule: "field names are 1-64 of a-z, 0-9, _" });
        }
        if is_cvv_like(&def.name) {
            return Err(VaultError::ForbiddenField { field: def.name });
        }
        if self.field(&def.name).is_some() {
            return Err(VaultError::Invalid { field: def.name, rule: "a field with this name exists" });
        }
        if def.unique && !def.searchable {
            return Err(VaultError::Invalid { field: def.name, rule: "a unique field must be searchable" });
        }
        self.fields.push(def);
        Ok(())
    }

    /// Changes a field's definition in place (what [`FieldChange`] sets; the rest stays).
    /// Whether the change is allowed while values exist is the vault's question
    /// ([`FieldChange::needs_no_values`]).
    pub fn change_field(&mut self, name: &str, change: &FieldChange) -> Result<(), VaultError> {
        let def = self
            .fields
            .iter_mut()
            .find(|f| f.name == name)
            .ok_or_else(|| VaultError::UnknownField { field: name.to_owned() })?;
        let mut next = def.clone();
        if let Some(t) = change.field_type {
            next.field_type = t;
        }
        if let Some(s) = change.sensitivity {
            next.sensitivity = s;
        }
        if let Some(b) = change.searchable {
            next.searchable = b;
        }
        if let Some(u) = change.unique {
            next.unique = u;
        }
        if next.unique && !next.searchable {
            return Err(VaultError::Invalid { field: next.name, rule: "a unique field must be searchable" });
        }
        if next == *def {
            return Err(VaultError::Invalid { field: next.name, rule: "the change changes nothing" });
        }
        *def = next;
        Ok(())
    }

    /// The schema as stored (JSON: a list of field definitions).
    pub fn to_json(&self) -> Result<String, VaultError> {
        let wire: Vec<WireField> = self
            .fields
            .iter()
            .map(|f| WireField {
                name: f.name.clone(),
                field_type: f.field_type.as_str().to_owned(),
                sensitivity: f.sensitivity.as_str().to_owned(),
                searchable: f.searchable,
                unique: f.unique,
            })
            .collect();
        serde_json::to_string(&wire).map_err(|_| VaultError::Internal("schema does not encode"))
    }

    /// Reads a stored schema back; anything unexpected is corruption.
    pub fn from_json(text: &str) -> Result<Self, VaultError> {
        let wire: Vec<WireField> = serde_json::from_str(text).map_err(|_| VaultError::Integrity)?;
        let mut schema = Schema { fields: Vec::with_capacity(wire.len()) };
        for w in wire {
            let def = FieldDef {
                field_type: FieldType::parse(&w.field_type).ok_or(VaultError::Integrity)?,
                sensitivity: Sensitivity::parse(&w.sensitivity).ok_or(VaultError::Integrity)?,
                name: w.name,
                searchable: w.searchable,
                unique: w.unique,
            };
            schema.add_field(def).map_err(|_| VaultError::Integrity)?;
        }
        Ok(schema)
    }

    /// Validates one value for one field; returns the value to store and, for searchable
    /// fields, the normalized form to index.
    pub fn check(&self, field: &str, value: &str, today_year: i32) -> Result<Normalized, VaultError> {
        if is_cvv_like(field) {
            return Err(VaultError::ForbiddenField { field: field.to_owned() });
        }
        let def = self.field(field).ok_or_else(|| VaultError::UnknownField { field: field.to_owned() })?;
        validate::check(def, value, today_year)
    }
}

/// A change to one field: each `Some` replaces that part of its definition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldChange {
    pub field_type: Option<FieldType>,
    pub sensitivity: Option<Sensitivity>,
    pub searchable: Option<bool>,
    pub unique: Option<bool>,
}

impl FieldChange {
    /// Whether this change to `def` may only be made while no customer of the group holds
    /// a value of the field: a new type (stored values were checked against the old one), a
    /// move to or from `restricted` (values sealed online cannot be opened, plain ones would
    /// stay readable), and a change to the blind index (existing values would be missing
    /// from it, or have stale entries). Internal <-> confidential is always allowed.
    pub fn needs_no_values(&self, def: &FieldDef) -> bool {
        let differs = |new: Option<bool>, old: bool| new.is_some_and(|n| n != old);
        self.field_type.is_some_and(|t| t != def.field_type)
            || self.sensitivity.is_some_and(|s| {
                s != def.sensitivity
                    && (s == Sensitivity::Restricted || def.sensitivity == Sensitivity::Restricted)
            })
            || differs(self.searchable, def.searchable)
            || differs(self.unique, def.unique)
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WireField {
    name: String,
    #[serde(rename = "type")]
    field_type: String,
    sensitivity: String,
    searchable: bool,
    unique: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_round_trips_and_changes_are_classified() {
        let mut s = Schema::default_schema();
        assert_eq!(Schema::from_json(&s.to_json().unwrap()).unwrap(), s);
        assert!(Schema::from_json("[{\"name\":\"x\"}]").is_err());
        let national = s.field("national_id").unwrap().clone();
        let to_text = FieldChange { field_type: Some(FieldType::Text), ..FieldChange::default() };
        assert!(to_text.needs_no_values(&national));
        let to_internal = FieldChange { sensitivity: Some(Sensitivity::Internal), ..FieldChange::default() };
        assert!(!to_internal.needs_no_values(&national));
        let to_restricted =
            FieldChange { sensitivity: Some(Sensitivity::Restricted), ..FieldChange::default() };
        assert!(to_restricted.needs_no_values(&national));
        // The same type again is no type change.
        let same = FieldChange { field_type: Some(FieldType::NationalId), ..FieldChange::default() };
        assert!(!same.needs_no_values(&national));
        assert!(s.change_field("national_id", &same).is_err(), "a change that changes nothing");
        s.change_field("national_id", &to_restricted).unwrap();
        assert_eq!(s.field("national_id").unwrap().sensitivity, Sensitivity::Restricted);
        let unique_unsearchable = FieldChange { searchable: Some(false), ..FieldChange::default() };
        assert!(s.change_field("national_id", &unique_unsearchable).is_err());
    }

    #[test]
    fn security_code_names_in_any_spelling() {
        for name in ["cvv", "CVC2", "card_cvv", "card-CVC", "Card Security Code", "security_code", "x cid"] {
            assert!(is_cvv_like(name), "{name}");
        }
        for name in ["cvvx", "mycvv", "acid", "customer_id", "national_id", "code", "", "vv", "cvv_number"] {
            assert!(!is_cvv_like(name), "{name}");
        }
    }
}
