//! US Social Security numbers.

use crate::num;

/// Why nine bytes are not a US SSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsnFault {
    /// Not nine ASCII digits.
    Format,
    /// Area 000, 666 or 900-999: never issued.
    Area,
    /// Group 00 or serial 0000: never issued.
    GroupOrSerial,
    /// A number that was published and misused (Woolworth's wallet card etc.).
    Published,
}

/// US SSN rules on 9 digits: area not 000, 666 or 9xx; group not 00; serial not 0000; and
/// not one of the numbers known to have been published.
pub fn ssn_check(d: &[u8]) -> Result<(), SsnFault> {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) {
        return Err(SsnFault::Format);
    }
    let area = num(&d[..3]);
    if area == 0 || area == 666 || area >= 900 {
        return Err(SsnFault::Area);
    }
    if num(&d[3..5]) == 0 || num(&d[5..]) == 0 {
        return Err(SsnFault::GroupOrSerial);
    }
    if matches!(d, b"078051120" | b"457555462" | b"219099999") {
        return Err(SsnFault::Published);
    }
    Ok(())
}

/// Whether 9 digits pass [`ssn_check`].
pub fn is_ssn(d: &[u8]) -> bool {
    ssn_check(d).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_rules() {
        assert!(is_ssn(b"536904399"));
        assert!(!is_ssn(b"078051120"));
        assert!(!is_ssn(b"666123456"));
        assert!(!is_ssn(b"123004567"));
    }

    #[test]
    fn ssn_faults() {
        assert_eq!(ssn_check(b"900123456"), Err(SsnFault::Area));
        assert_eq!(ssn_check(b"000123456"), Err(SsnFault::Area));
        assert_eq!(ssn_check(b"123450000"), Err(SsnFault::GroupOrSerial));
        assert_eq!(ssn_check(b"219099999"), Err(SsnFault::Published));
        assert_eq!(ssn_check(b"53690439"), Err(SsnFault::Format));
        assert_eq!(ssn_check(b"53690439a"), Err(SsnFault::Format));
    }
}
