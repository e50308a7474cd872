//! Labels of personal data.

use std::fmt;
use std::str::FromStr;

/// What kind of personal data a finding is. The names are the wire names (`CARD_NUMBER` …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Label {
    CardNumber,
    UsSsn,
    SePersonnummer,
    SeOrgnr,
    Iban,
    SeBankAccount,
    Email,
    Phone,
    IpAddress,
    DateOfBirth,
    PostalAddress,
    Person,
    /// A customer code of the vault (`K7Q4-M92D-J3X8`, check symbol verified). Reported,
    /// never replaced: it is a pseudonym, and archived documents are found by it.
    CustomerCode,
}

impl Label {
    /// Every label, in a stable order.
    pub const ALL: [Label; 13] = [
        Label::CardNumber,
        Label::UsSsn,
        Label::SePersonnummer,
        Label::SeOrgnr,
        Label::Iban,
        Label::SeBankAccount,
        Label::Email,
        Label::Phone,
        Label::IpAddress,
        Label::DateOfBirth,
        Label::PostalAddress,
        Label::Person,
        Label::CustomerCode,
    ];

    /// The wire name, e.g. `SE_PERSONNUMMER`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Label::CardNumber => "CARD_NUMBER",
            Label::UsSsn => "US_SSN",
            Label::SePersonnummer => "SE_PERSONNUMMER",
            Label::SeOrgnr => "SE_ORGNR",
            Label::Iban => "IBAN",
            Label::SeBankAccount => "SE_BANK_ACCOUNT",
            Label::Email => "EMAIL",
            Label::Phone => "PHONE",
            Label::IpAddress => "IP_ADDRESS",
            Label::DateOfBirth => "DATE_OF_BIRTH",
            Label::PostalAddress => "POSTAL_ADDRESS",
            Label::Person => "PERSON",
            Label::CustomerCode => "CUSTOMER_CODE",
        }
    }

    /// Specificity used to resolve overlaps: checksum-validated identifiers first, then
    /// rule-validated ones, then patterns, then context/lexicon-based ones.
    pub(crate) const fn tier(self) -> u8 {
        match self {
            Label::CustomerCode => 7,
            Label::CardNumber | Label::Iban | Label::SePersonnummer | Label::SeOrgnr => 6,
            Label::Email => 5,
            Label::UsSsn => 4,
            Label::IpAddress | Label::SeBankAccount => 3,
            Label::Phone | Label::DateOfBirth => 2,
            Label::PostalAddress => 1,
            Label::Person => 0,
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given is not a label.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "unknown label (expected one of CARD_NUMBER, US_SSN, SE_PERSONNUMMER, SE_ORGNR, IBAN, SE_BANK_ACCOUNT, EMAIL, PHONE, IP_ADDRESS, DATE_OF_BIRTH, POSTAL_ADDRESS, PERSON, CUSTOMER_CODE)"
)]
pub struct UnknownLabel;

impl FromStr for Label {
    type Err = UnknownLabel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Label::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(s)).ok_or(UnknownLabel)
    }
}
