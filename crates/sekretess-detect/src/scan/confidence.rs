//! The detector's confidence values, by name. Each recognizer gives a candidate a base
//! confidence from its shape; [`Scanner::conf`](super::Scanner) then adds the context (cue
//! words around it, the field name) and clamps to 0..=1. A finding is reported when the
//! result reaches the caller's threshold, so these numbers are the detector's tuning: change
//! one only with the fixture and benchmark suites (`bench/detect`) run.

// ---------------------------------------------------------------- field name

/// Added when the field's name says it holds this label.
pub const FIELD_NAME_MATCH: f32 = 0.5;
/// Taken off when the field's name says it holds another label (not for names, addresses or
/// e-mail addresses, which turn up inside other fields).
pub const FIELD_NAME_OTHER: f32 = 0.3;
/// A whole field value taken as the label its field name says (names, phones, addresses).
pub const WHOLE_FIELD: f32 = 0.9;

// ---------------------------------------------------------------- checksummed numbers

/// Card number in groups (`4111 1111 1111 1111`), brand range and Luhn valid.
pub const CARD_GROUPED: f32 = 0.92;
/// Card number, 16 bare digits, brand range and Luhn valid.
pub const CARD_16_DIGITS: f32 = 0.8;
/// Card number, 12 or 13 bare digits (short numbers collide with other identifiers).
pub const CARD_SHORT: f32 = 0.6;
/// Card number, another bare length (14, 15, 17-19 digits).
pub const CARD_OTHER_LENGTH: f32 = 0.75;

/// Personnummer, 12 bare digits (`198112289874`).
pub const PNR_12_DIGITS: f32 = 0.9;
/// Personnummer, 10 bare digits.
pub const PNR_10_DIGITS: f32 = 0.75;
/// Personnummer with `-` or `+` before the last four (`811228-9874`).
pub const PNR_DASH: f32 = 0.95;
/// Personnummer with a space before the last four.
pub const PNR_SPACE: f32 = 0.7;
/// Personnummer written `8112-28-9874`.
pub const PNR_DATE_DASHES: f32 = 0.85;

/// Organisationsnummer (third digit 2 or more), 10 or 12 bare digits.
pub const ORGNR_BARE: f32 = 0.75;
/// Organisationsnummer (third digit 2 or more) with a separator (`556058-1158`).
pub const ORGNR_GROUPED: f32 = 0.92;

/// US SSN written `AAA-GG-SSSS`.
pub const SSN_DASHES: f32 = 0.85;
/// US SSN written `AAA GG SSSS`.
pub const SSN_SPACES: f32 = 0.55;
/// US SSN as 9 bare digits (mostly other numbers: needs a cue).
pub const SSN_BARE: f32 = 0.2;

/// IBAN: country, length, format and check digits valid.
pub const IBAN: f32 = 0.95;

/// Swedish bankgiro, plusgiro or clearing and account number (needs a cue to be taken).
pub const SE_BANK_ACCOUNT: f32 = 0.35;

// ---------------------------------------------------------------- contact

/// E-mail address.
pub const EMAIL: f32 = 0.95;
/// Phone number in international form (`+46 70 …`).
pub const PHONE_E164: f32 = 0.85;
/// US phone number with the area code in parentheses (`(212) 555-0100`).
pub const PHONE_US_PAREN: f32 = 0.8;
/// US phone number in groups (`212-555-0100`, `1-212-555-0100`).
pub const PHONE_US_GROUPED: f32 = 0.75;
/// US phone number as 10 bare digits.
pub const PHONE_US_BARE: f32 = 0.25;
/// Phone number with the `00` international prefix, in groups.
pub const PHONE_INTL_PREFIX: f32 = 0.7;
/// Swedish phone number (leading 0) in groups (`070-123 45 67`).
pub const PHONE_SE_GROUPED: f32 = 0.7;
/// Swedish phone number (leading 0) as bare digits.
pub const PHONE_SE_BARE: f32 = 0.5;
/// A national number of another country's plan without its country code (UK `07700 900123`,
/// Norwegian `912 34 567`, Danish `32 12 34 56`): below the threshold unless a phone cue is
/// near.
pub const PHONE_NATIONAL_CUE_ONLY: f32 = 0.35;
/// IPv4 address.
pub const IPV4: f32 = 0.8;
/// IPv6 address.
pub const IPV6: f32 = 0.85;

// ---------------------------------------------------------------- dates and addresses

/// Date of birth (a real date, with a cue).
pub const DATE_OF_BIRTH: f32 = 0.6;
/// Swedish postcode with the `SE-` prefix (`SE-123 45`).
pub const SE_POSTCODE_PREFIXED: f32 = 0.85;
/// Swedish postcode followed by a capitalised town (`123 45 Lund`).
pub const SE_POSTCODE_TOWN: f32 = 0.65;
/// Swedish postcode alone (`123 45`).
pub const SE_POSTCODE: f32 = 0.3;
/// US ZIP code after a state code (`IL 62704`).
pub const US_ZIP_STATE: f32 = 0.8;
/// US ZIP code alone.
pub const US_ZIP: f32 = 0.25;
/// Street and number (`Storgatan 12`, `221 Baker Street`).
pub const STREET: f32 = 0.8;

// ---------------------------------------------------------------- names

/// Given name followed by a known given name or surname.
pub const PERSON_GIVEN_AND_KNOWN: f32 = 0.9;
/// Given name followed by an unknown capitalised word.
pub const PERSON_GIVEN_AND_UNKNOWN: f32 = 0.7;
/// Surname (or surname-shaped word) followed by a surname.
pub const PERSON_SURNAMES: f32 = 0.5;
/// Unknown capitalised word followed by a surname.
pub const PERSON_UNKNOWN_AND_SURNAME: f32 = 0.55;
/// Several capitalised words, none a known name at the end.
pub const PERSON_UNKNOWN_WORDS: f32 = 0.15;
/// A given name alone, at the start of a sentence.
pub const PERSON_GIVEN_SENTENCE_START: f32 = 0.3;
/// A given name alone, inside a sentence.
pub const PERSON_GIVEN: f32 = 0.4;
/// A surname (or surname-shaped word) alone.
pub const PERSON_SURNAME: f32 = 0.25;
/// An unknown capitalised word alone.
pub const PERSON_UNKNOWN_WORD: f32 = 0.05;
/// Added after a strong person cue (a title or a greeting: `Mr`, `fru`, `Dear`, `Hej`, …).
pub const PERSON_STRONG_CUE: f32 = 0.5;
/// Added after a weak person cue (the other cue words: `madam`, `tjena`, `sincerely`, …).
pub const PERSON_WEAK_CUE: f32 = 0.15;
/// Added when the field's name says it holds a person's name.
pub const PERSON_FIELD_NAME: f32 = 0.4;

/// A European postcode after "street number, " and before a town.
pub const EU_POSTCODE_STREET: f32 = 0.8;
/// A European postcode before a town, with an address cue near (the cue adds its share).
pub const EU_POSTCODE_CUE: f32 = 0.35;
/// A UK postcode after a town or a comma.
pub const UK_POSTCODE_TOWN: f32 = 0.6;
/// A UK postcode alone (needs an address cue).
pub const UK_POSTCODE: f32 = 0.3;

/// An address whose line names a business, a public place or a PO box (not a person's):
/// kept as a candidate, below the default threshold.
pub const NOT_A_HOME: f32 = 0.2;

/// A bankgiro number right after its name ("bankgiro 612-3368", "BG 322-9192"), whatever its
/// check digit: the name is the evidence (an invoice word near it may still lower it).
pub const GIRO_KEYED: f32 = 0.75;

/// A Japanese address: block number, wards, town and postcode in their order.
pub const JP_ADDRESS: f32 = 0.9;
