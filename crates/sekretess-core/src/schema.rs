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

#[cfg(test)]
mod tests {
    use super::is_cvv_like;

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
