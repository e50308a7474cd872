#!/usr/bin/env python3
"""Writes N one-page letters (about 1.5 KB of text each) to a folder, each naming one or two
people with a Swedish personnummer (valid check digit, 10 or 12 digits), a phone number and
an e-mail address, plus a card number in some. Deterministic (seeded), so runs compare.

    bench/archive/make_letters.py OUT_DIR [N]
"""
import os
import random
import sys

GIVEN = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Nils",
         "Ingrid", "Olof", "Elin", "Gustav", "Maja", "Oskar", "Ada", "Bo", "Linnea", "Hugo"]
SURNAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
            "Persson", "Svensson", "Gustafsson", "Lindberg", "Lovelace", "Berg", "Holm"]
BODY = [
    "We write regarding the matter you raised with our office earlier this month.",
    "The enclosed statement summarises the payments received during the last quarter.",
    "Please check that the details below are correct and let us know of any change.",
    "Our records show that the agreement was renewed on the usual terms.",
    "If you have questions, our customer service is open on weekdays between nine and five.",
    "The next statement will be sent at the end of the coming quarter.",
]


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer(rng: random.Random) -> str:
    year = rng.randint(1940, 2004)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    serial = f"{rng.randint(0, 999):03d}"
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial}"
    check = luhn_digit(nine)
    if rng.random() < 0.5:
        return f"{year % 100:02d}{month:02d}{day:02d}-{serial}{check}"
    return f"{year}{month:02d}{day:02d}-{serial}{check}"


def phone(rng: random.Random) -> str:
    return f"07{rng.randint(0, 9)}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def letter(rng: random.Random, n: int) -> str:
    people = []
    for _ in range(rng.randint(1, 2)):
        given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
        people.append((given, surname, personnummer(rng), phone(rng),
                       f"{given.lower()}.{surname.lower()}@example.se"))
    g, s, pnr, tel, mail = people[0]
    lines = [f"Stockholm, 2026-11-{rng.randint(1, 28):02d}", "", f"{g} {s}",
             f"Storgatan {rng.randint(1, 90)}", f"{rng.randint(100, 999)} {rng.randint(10, 99)} Stockholm", "",
             f"Our reference: case {n}", "", f"Dear {g} {s},", ""]
    lines += rng.sample(BODY, 3)
    lines += ["", f"Personnummer: {pnr}", f"Telefon: {tel}", f"E-post: {mail}"]
    if rng.random() < 0.3:
        lines.append("Card on file: 4111 1111 1111 1111")
    for g2, s2, pnr2, tel2, _ in people[1:]:
        lines += ["", f"Co-signer {g2} {s2}, personnummer {pnr2}, reachable on {tel2}."]
    lines += [""] + rng.sample(BODY, 3) + ["", "Kind regards,", "", "Customer Service"]
    return "\n".join(lines) + "\n"


def main() -> None:
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(18)
    os.makedirs(out, exist_ok=True)
    for n in range(count):
        with open(os.path.join(out, f"letter-{n:04d}.txt"), "w", encoding="utf-8") as f:
            f.write(letter(rng, n))


if __name__ == "__main__":
    main()
