//! Swedish personnummer, samordningsnummer and organisationsnummer.

use crate::date::valid_date;
use crate::luhn::luhn;
use crate::num;

/// Why digits are not a personnummer or samordningsnummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonnummerFault {
    /// Not 10 or 12 ASCII digits.
    Format,
    /// The birth date part is not a real date, or its century is not 18, 19 or 20.
    BirthDate,
    /// The Luhn check digit is wrong.
    CheckDigit,
}

/// Personnummer or samordningsnummer (day + 60): `d` is 10 digits (`YYMMDDNNNC`) or 12
/// (`CCYYMMDDNNNC`), separators stripped. For 10 digits, `century` is the century the caller
/// has worked out (from today's date and a `+` separator), or `None` when it cannot know it:
/// then a 29 February is accepted if any century makes it real. A 12-digit number carries its
/// own century. The century must be 18, 19 or 20. Returns `Ok(true)` for a
/// samordningsnummer, `Ok(false)` for a personnummer.
pub fn personnummer_check(d: &[u8], century: Option<u32>) -> Result<bool, PersonnummerFault> {
    if !d.iter().all(u8::is_ascii_digit) {
        return Err(PersonnummerFault::Format);
    }
    let (century, ten) = match d.len() {
        10 => (century, d),
        12 => (Some(num(&d[..2])), &d[2..]),
        _ => return Err(PersonnummerFault::Format),
    };
    if century.is_some_and(|c| !(18..=20).contains(&c)) {
        return Err(PersonnummerFault::BirthDate);
    }
    let yy = num(&ten[..2]);
    let month = num(&ten[2..4]);
    let mut day = num(&ten[4..6]);
    let coordination = day > 60;
    if coordination {
        day -= 60;
    }
    let year = century.map(|c| c * 100 + yy);
    if !valid_date(year, yy, month, day) {
        return Err(PersonnummerFault::BirthDate);
    }
    if !luhn(ten) {
        return Err(PersonnummerFault::CheckDigit);
    }
    Ok(coordination)
}

/// Personnummer or samordningsnummer: `d` is 10 or 12 digits (separators stripped), the
/// century unknown for 10. Returns `Some(true)` for a samordningsnummer (day + 60),
/// `Some(false)` for a personnummer.
pub fn personnummer(d: &[u8]) -> Option<bool> {
    personnummer_check(d, None).ok()
}

/// Why digits are not an organisationsnummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgnrFault {
    /// Not 10 digits, or 12 with the `16` prefix.
    Format,
    /// The first digit (the group of the organisation) is 0: no group has that number.
    Group,
    /// The Luhn check digit is wrong.
    CheckDigit,
}

/// Organisationsnummer: 10 digits (or 12 with the `16` prefix), first digit (the group of
/// the organisation) not 0, Luhn. Returns `Ok(true)` when the third digit is 2 or more (a
/// legal person, never a birth date), `Ok(false)` when it is valid but could also be a
/// personnummer.
pub fn orgnr_check(d: &[u8]) -> Result<bool, OrgnrFault> {
    let ten = match d.len() {
        10 => d,
        12 if d.starts_with(b"16") => &d[2..],
        _ => return Err(OrgnrFault::Format),
    };
    if !ten.iter().all(u8::is_ascii_digit) {
        return Err(OrgnrFault::Format);
    }
    if ten[0] == b'0' {
        return Err(OrgnrFault::Group);
    }
    if !luhn(ten) {
        return Err(OrgnrFault::CheckDigit);
    }
    Ok(ten[2] >= b'2')
}

/// [`orgnr_check`] as an `Option`: `Some(true)` for a number that is only an
/// organisationsnummer, `Some(false)` for one that could also be a personnummer.
pub fn orgnr(d: &[u8]) -> Option<bool> {
    orgnr_check(d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pnr_and_coordination() {
        assert_eq!(personnummer(b"8803200016"), Some(false));
        assert_eq!(personnummer(b"198803200016"), Some(false));
        assert_eq!(personnummer(b"8803200018"), None);
        // 1988-03-20 as a samordningsnummer: day 80, Luhn recomputed.
        let mut d = *b"880380001X";
        for c in b'0'..=b'9' {
            d[9] = c;
            if luhn(&d) {
                break;
            }
        }
        assert_eq!(personnummer(&d), Some(true));
    }

    #[test]
    fn personnummer_faults_and_century() {
        assert_eq!(personnummer_check(b"8112289874", Some(19)), Ok(false));
        assert_eq!(personnummer_check(b"8112329874", Some(19)), Err(PersonnummerFault::BirthDate));
        assert_eq!(personnummer_check(b"8112289875", Some(19)), Err(PersonnummerFault::CheckDigit));
        assert_eq!(personnummer_check(b"811228987", None), Err(PersonnummerFault::Format));
        assert_eq!(personnummer_check(b"811228-987", None), Err(PersonnummerFault::Format));
        // Only the centuries 18, 19 and 20 hold people with a personnummer.
        assert_eq!(personnummer_check(b"218112289874", None), Err(PersonnummerFault::BirthDate));
        assert_eq!(personnummer_check(b"178112289874", None), Err(PersonnummerFault::BirthDate));
        assert_eq!(personnummer_check(b"188112289874", None), Ok(false));
        // A known century decides 29 February.
        let leap = |c: &[u8; 10]| {
            let mut d = *c;
            for k in b'0'..=b'9' {
                d[9] = k;
                if luhn(&d) {
                    break;
                }
            }
            d
        };
        let d = leap(b"000229123X");
        assert!(personnummer_check(&d, Some(20)).is_ok());
        assert_eq!(personnummer_check(&d, Some(19)), Err(PersonnummerFault::BirthDate));
        assert!(personnummer_check(&d, None).is_ok());
    }

    #[test]
    fn orgnr_rules() {
        assert_eq!(orgnr(b"5560581158"), Some(true));
        assert_eq!(orgnr(b"165560581158"), Some(true));
        assert_eq!(orgnr(b"8112289874"), Some(false), "could be a personnummer");
        assert_eq!(orgnr(b"5560581159"), None);
        assert_eq!(orgnr(b"175560581158"), None);
        // Luhn-valid, but no organisation group is 0.
        assert!(luhn(b"0000000000"));
        assert_eq!(orgnr_check(b"0000000000"), Err(OrgnrFault::Group));
        assert_eq!(orgnr_check(b"5560581159"), Err(OrgnrFault::CheckDigit));
        assert_eq!(orgnr_check(b"556058115"), Err(OrgnrFault::Format));
    }
}
