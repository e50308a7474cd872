//! Calendar dates (Gregorian), for the birth date inside a personnummer and for dates.

/// Days in `month` (1-12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

/// Whether `yy`/`yyyy`, month and day form a real date. With a two-digit year only (`year`
/// is `None`), a 29 February is accepted if any century makes it real.
pub fn valid_date(year: Option<u32>, yy: u32, month: u32, day: u32) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let max = match year {
        Some(y) => days_in_month(y, month),
        None => {
            if month == 2 {
                if yy.is_multiple_of(4) { 29 } else { 28 }
            } else {
                days_in_month(2001, month)
            }
        }
    };
    day <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years_and_two_digit_years() {
        assert!(valid_date(Some(2024), 24, 2, 29));
        assert!(!valid_date(Some(2023), 23, 2, 29));
        assert!(!valid_date(Some(1900), 0, 2, 29));
        assert!(valid_date(Some(2000), 0, 2, 29));
        assert!(valid_date(None, 0, 2, 29), "2000-02-29 is real");
        assert!(!valid_date(None, 1, 2, 29));
        assert!(!valid_date(Some(2024), 24, 13, 1));
        assert!(!valid_date(Some(2024), 24, 4, 31));
        assert!(!valid_date(Some(2024), 24, 1, 0));
    }
}
