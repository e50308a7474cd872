//! More name structures of printed and scanned documents for the PERSON model's training
//! text (airline passenger lists, OCR spacing, possessives, signature tables, role nouns, chat
//! speakers, given names alone in running text).

use super::{B, FILL_EN, FILL_SV, G, PLACES};

/// Role nouns written before a name and not part of it ("Inspector Jane Doe").
const ROLE_NOUNS: &[&str] = &[
    "Inspector",
    "Sergeant",
    "Engineer",
    "Teacher",
    "Coordinator",
    "Receptionist",
    "Captain",
    "Lärare",
    "Rektor",
    "Sjuksköterska",
    "Handledare",
    "Montör",
    "Chaufför",
    "Ombud",
    "Controller",
];

/// Name structures of printed and scanned documents: airline `SURNAME/GIVEN` passengers,
/// OCR spacing (`SURNAME ,  GIVEN`), possessives, two names side by side in a signature table,
/// a role noun before a name, chat speakers without a time.
pub(super) fn more_structures(g: &mut G, b: &mut B, sv: bool) {
    match g.r.below(8) {
        6 | 7 => {
            // A given name alone in running text, after a verb or a preposition; and the same
            // words before places and products, which are not names.
            let (before, after): (&[&str], &[&str]) = if sv {
                (
                    &[
                        "Fråga efter ",
                        "Betalt av ",
                        "Tack till ",
                        "Vi väntar på ",
                        "Skicka det till ",
                        "Prata med ",
                    ],
                    &[" i kassan.\n", ".\n", " på måndag.\n", " så snart som möjligt.\n"],
                )
            } else {
                (
                    &[
                        "Please ask for ",
                        "Paid by ",
                        "Thanks to ",
                        "We are waiting for ",
                        "Send it to ",
                        "Talk to ",
                    ],
                    &[" in billing.\n", ".\n", " on Monday.\n", " as soon as possible.\n"],
                )
            };
            b.lit(g.pk(before));
            if g.r.chance(0.7) {
                let n = g.given();
                b.name(&n);
                if g.r.chance(0.3) {
                    b.lit(if sv { " och " } else { " and " });
                    b.name(&g.given());
                }
            } else {
                b.lit(g.pk(PLACES));
            }
            b.lit(g.pk(after));
        }
        0 => {
            let n = 1 + g.r.below(3);
            let sur = g.sur().to_uppercase();
            for k in 0..n {
                if g.r.chance(0.5) {
                    b.lit(&format!(" {}. ", k + 1));
                } else if k > 0 {
                    b.lit(", ");
                }
                let given = if g.r.chance(0.3) { format!("{} {}", g.given(), g.given()) } else { g.given() }
                    .to_uppercase();
                let sur = if g.r.chance(0.7) { sur.clone() } else { g.sur().to_uppercase() };
                b.name(&format!("{sur}/{given}"));
                b.lit(g.pk(&[" MR", " MRS", " MS", " MISS", " MSTR", ""]));
                if g.r.chance(0.5) {
                    b.lit(&format!("     ADT   DOB {:02} MAR 19{}\n", 1 + g.r.below(28), 50 + g.r.below(50)));
                }
            }
            b.lit("\n");
        }
        1 => {
            let label = g.pk(&["Namn ..........", "Name:   ", "Sökande  :", "Intyget avser\n ", "  "]);
            b.lit(label);
            b.lit(" ");
            let gap = g.pk(&["  ", " ", "   "]);
            match g.r.below(3) {
                0 => b.name(&format!("{}{gap},{gap}{}", g.sur().to_uppercase(), g.given().to_uppercase())),
                1 => b.name(&format!("{} ,  {}", g.sur(), g.given())),
                _ => b.name(&format!("{}{gap}{}", g.given(), g.sur())),
            }
            b.lit(g.pk(&["\n", "   Personnr  19", "\n   Född  ", "        "]));
            b.lit("\n");
        }
        2 => {
            if g.r.chance(0.5) {
                b.name(&g.given());
            } else {
                b.name(&g.full());
            }
            b.lit(g.pk(&["'s ", "’s "]));
            b.lit(g.pk(&["appointment is moved.\n", "order never arrived.\n", "form is signed.\n"]));
        }
        3 => {
            b.lit(g.pk(&["Justeras: ", "Signed: ", "", "Underskrifter:\n"]));
            b.name(&g.full());
            b.lit(g.pk(&["     ", "   ", "\t\t", "          "]));
            b.name(&g.full());
            b.lit("\n");
        }
        4 => {
            b.lit(g.pk(if sv {
                &["Vi talade med ", "Enligt ", ""][..]
            } else {
                &["We spoke to ", "Ask ", ""][..]
            }));
            b.lit(g.pk(ROLE_NOUNS));
            b.lit(" ");
            b.name(&g.full());
            b.lit(g.pk(&[" i går.\n", " today.\n", ", tel 555-0101.\n", " (on site)\n"]));
        }
        _ => {
            let a = g.given();
            let c = g.given();
            b.lit(g.pk(&["Agent: ", "Handläggare: ", "Operator: ", ""]));
            b.name(&a);
            b.lit("\n\n");
            for k in 0..(2 + g.r.below(4)) {
                b.name(if k % 2 == 0 { &a } else { &c });
                b.lit(": ");
                b.lit(g.pk(if sv { FILL_SV } else { FILL_EN }));
                b.lit("\n");
            }
        }
    }
}
