use super::{
    company_number, letterhead_lead, listing_before, names_a_place, opening_hours, sale_price_after,
    sentence_tail,
};

#[test]
fn listings_and_opening_hours_are_not_homes() {
    assert!(listing_before("Villa, 6 rok, 164 m²  ·  "));
    assert!(listing_before("Semi-detached | 3 bedrooms | "));
    assert!(!listing_before("offert på villa 140 kvm, "));
    assert!(!listing_before("Lägenhet | "));
    assert!(opening_hours("öppet mån–fre 9–19, lör 10–16"));
    assert!(opening_hours("mon-sat 8.30-17.30"));
    assert!(!opening_hours("möte mån 14 mars"));
    assert!(!opening_hours("tel 08-123 45 67"));
}

#[test]
fn places_businesses_and_boxes_are_named_by_their_words() {
    for yes in [
        "Registered office: ",
        "Plats: föreningslokalen, ",
        "Hotellet: ",
        "NORTHGATE & PARTNERS SOLICITORS",
        "Box 330, ",
        "P.O. Box 12 , ",
        "Lindholm Law LLC | ",
        "Hartley Lettings & Co, ",
        "Välkommen till Kulturbiblioteket, ",
        "The firm's office is at ",
        "Utlämningsställe: Kiosken Torget, ",
        "Nowak Bygg AB\n",
    ] {
        assert!(names_a_place(yes), "{yes}");
    }
    for no in [
        "Adress: ",
        "Home address: ",
        "I, Maria Lind, of ",
        "lives at ",
        "Mrs Amara Okoye-Hill",
        "Lägenhet: ",
        "Leveransadress: ",
        "Mr & Mrs Ó Briain",
        "Hallstahammar ",
    ] {
        assert!(!names_a_place(no), "{no}");
    }
    assert_eq!(
        sentence_tail("The meeting moved to room 171. Our customer lives at "),
        "Our customer lives at "
    );
    assert_eq!(sentence_tail("P.O. Box 7400 , "), "P.O. Box 7400 , ");
}

#[test]
fn an_organisation_number_is_told_from_a_personnummer_by_its_third_digit() {
    assert!(company_number("org.nr 556677-8890"));
    assert!(company_number("org.nr 16556677-8890"));
    assert!(!company_number("org.nr 850101-2384"));
    assert!(!company_number("org.nr saknas"));
}

#[test]
fn practices_laboratories_and_associations_are_named_by_their_field() {
    assert!(names_a_place("Hillcrest Paediatrics, "));
    assert!(names_a_place("Northfield Diagnostics Laboratory\n"));
    assert!(names_a_place("Riverside Tenants' Association, "));
    assert!(!names_a_place("Dr Amara Osei, "));
}

#[test]
fn a_department_before_its_address_at_the_top_is_a_letterhead() {
    for yes in ["Payroll Office, ", "Dept. of Parks, ", "Kundtjänst Norr, ", "Accounts Division, 2nd floor, "]
    {
        assert!(letterhead_lead(yes), "{yes}");
    }
    for no in [
        "Johan Lindqvist, ",
        "Mrs Okafor, ",
        "Skicka till mig, ",
        "Adress: Kontoret, ",
        "Flat 4, ",
        "Ivy Cottage, ",
        "Kontoret 2, ",
        "Payroll Office ",
        "Sure, ",
    ] {
        assert!(!letterhead_lead(no), "{no}");
    }
}

#[test]
fn a_sale_price_after_an_address_is_a_sale() {
    for yes in [" – £385,000 – May 2025", " - $1,250,000", " — 4 150 000 kr", " – €310.000"] {
        assert!(sale_price_after(yes.as_bytes()), "{yes}");
    }
    for no in [" – £650 pcm", ", London", " - 2 bed flat", " – rent £1,200", " - £650.00 a month"] {
        assert!(!sale_price_after(no.as_bytes()), "{no}");
    }
}
