use super::*;

#[test]
fn keys() {
    assert!(is_firm_key("Company"));
    assert!(is_firm_key("företag_namn"));
    assert!(!is_firm_key("company_contact"));
    assert!(is_party_key("avsändare"));
    assert!(is_party_key("consignee_name"));
    assert!(!is_party_key("consignee_city"));
    assert!(!is_party_key("delivery_date"));
    assert!(is_place_column("pickup_point_name"));
    assert!(is_place_column("StoreAddress"));
    assert!(!is_place_column("company_contact_name"));
    assert!(!is_place_column("bank_account_holder"));
    assert!(!is_place_column("customer_name"));
    assert_eq!(key_label("customerName"), Some(Label::Person));
    assert_eq!(key_label("first_name"), Some(Label::Person));
    assert_eq!(key_label("middle"), Some(Label::Person));
    assert_eq!(key_label("attendee_last"), Some(Label::Person));
    assert_eq!(key_label("first_gift"), None);
    // A party's town is no person's name (written for this test).
    assert_eq!(key_label("recipient_city"), None);
    assert_eq!(key_label("kund_ort"), None);
    assert_eq!(key_label("recipient_name"), Some(Label::Person));
    assert_eq!(key_label("last_login"), None);
    assert_eq!(key_label("username"), None);
    assert_eq!(key_label("client_ip"), Some(Label::IpAddress));
    assert_eq!(key_label("zip"), Some(Label::PostalAddress));
    assert_eq!(key_label("recipient_ip"), Some(Label::IpAddress));
    assert_eq!(key_label("E-post"), Some(Label::Email));
    assert_eq!(key_label("email"), Some(Label::Email));
    assert_eq!(key_label("personnummer"), Some(Label::SePersonnummer));
    assert_eq!(key_label("Födelsedatum"), Some(Label::DateOfBirth));
    assert_eq!(key_label("description"), None);
    // Who sent a chat message, and the people in it.
    assert_eq!(key_label("author"), Some(Label::Person));
    assert_eq!(key_label("participants"), Some(Label::Person));
    assert_eq!(key_label("sender_ip"), Some(Label::IpAddress));
    // The abbreviated Swedish column name of an account number.
    assert_eq!(key_label("kontonr"), Some(Label::SeBankAccount));
    assert_eq!(key_label("Kontonr"), Some(Label::SeBankAccount));
}

#[test]
fn form_numbers_and_number_abbreviations_count_against_a_phone() {
    let adj = |text: &str, num: &str, label: Label| {
        let s = text.find(num).unwrap_or(0);
        Ctx::default().adjust(text.as_bytes(), s, s + num.len(), label)
    };
    assert!(adj("Betala med OCR-nummer 5512093381 senast", "5512093381", Label::Phone) < 0.0);
    assert!(adj("Cert. no. 0041 2290 7781 issued", "0041 2290 7781", Label::Phone) < 0.0);
    // "no." is no sentence end: the scheme's word before it still counts.
    assert!(adj("Patient NHS no. 721 004 5512 seen", "721 004 5512", Label::Phone) < 0.0);
    // A sentence that ends does end the cue.
    assert!(adj("Record kept. Call 070-123 45 67", "070-123 45 67", Label::Phone) >= 0.0);
    assert!(adj("Routing 021000021 Account 5521 0090 1123", "5521 0090 1123", Label::SeBankAccount) < 0.3);
}

#[test]
fn date_part_keys() {
    assert!(is_date_part_key("date") && is_date_part_key(" Datum "));
    assert!(!is_date_part_key("place") && !is_date_part_key("updated"));
}
