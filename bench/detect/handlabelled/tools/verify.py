"""Verify frozen.jsonl and heldout.jsonl, and print the counts used in the README.

Checks, per document: unique ids across both files; required fields; spans sorted, inside the
text, non-empty, without leading/trailing whitespace, not overlapping; labels from the fixed
set; checksum-bearing values valid (CARD_NUMBER Luhn + brand prefix/length, SE_PERSONNUMMER
date + Luhn, SE_ORGNR Luhn + third digit >= 2, IBAN mod 97 + country length, US_SSN rules),
with python-stdnum as a second opinion when it is importable; EMAIL has one '@';
IP_ADDRESS parses; DATE_OF_BIRTH is a real date; PERSON has no digits or '@';
json documents parse as JSON, ndjson documents line by line, csv documents as CSV.
It also warns about unlabelled digit runs that pass a checksum (a planted value forgotten).

    python3 tools/verify.py            # exit 1 on any error
    python3 tools/verify.py FILE.jsonl  # another set built the same way (build.py --out)
    python3 tools/verify.py --counts   # also print the count tables (markdown)
"""
from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import checks as C  # noqa: E402

HERE = Path(__file__).resolve().parent.parent
LABELS = ["CARD_NUMBER", "US_SSN", "SE_PERSONNUMMER", "SE_ORGNR", "IBAN", "SE_BANK_ACCOUNT",
          "EMAIL", "PHONE", "IP_ADDRESS", "DATE_OF_BIRTH", "POSTAL_ADDRESS", "PERSON"]
VALIDATORS = {
    "CARD_NUMBER": C.card_valid,
    "SE_PERSONNUMMER": C.pnr_valid,
    "SE_ORGNR": C.orgnr_valid,
    "IBAN": C.iban_valid,
    "US_SSN": C.ssn_valid,
}
DATE_PATTERNS = [
    (r"(\d{4})-(\d{2})-(\d{2})", "ymd"), (r"(\d{4})(\d{2})(\d{2})", "ymd"),
    (r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", "dmy_or_mdy"),
]


def date_ok(s: str) -> bool:
    import datetime as dt
    months = {m.lower(): i + 1 for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"])}
    months.update({m: i + 1 for i, m in enumerate(
        ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
         "oktober", "november", "december"])})
    for abbr, i in list(months.items()):
        months.setdefault(abbr[:3], i)
    t = s.strip().lower().replace(",", "")
    t = re.sub(r"\s*([./-])\s*", r"\1", t)  # OCR spacing: "12 / 09 / 1985"
    t = re.sub(r"\s+", " ", t)
    for pat, kind in DATE_PATTERNS:
        m = re.fullmatch(pat, t)
        if m:
            a, b, c = (int(x) for x in m.groups())
            cands = [(a, b, c)] if kind == "ymd" else [(c, b, a), (c, a, b)]
            for y, mo, d in cands:
                try:
                    dt.date(y, mo, d)
                    return True
                except ValueError:
                    pass
            return False
    m = re.fullmatch(r"(\d{1,2})\.? ([a-zåäö]+)\.? (\d{4})", t) or None
    if m:
        d, mo, y = int(m.group(1)), months.get(m.group(2)), int(m.group(3))
    else:
        m = re.fullmatch(r"([a-z]+)\.? (\d{1,2}) (\d{4})", t)
        if not m:
            return False
        mo, d, y = months.get(m.group(1)), int(m.group(2)), int(m.group(3))
    if not mo:
        return False
    try:
        dt.date(y, mo, d)
        return True
    except ValueError:
        return False


def main():
    errors, warnings = [], []
    named = [Path(a) for a in sys.argv[1:] if a.endswith(".jsonl")]
    files = {p.stem: p for p in named} or {"frozen": HERE / "frozen.jsonl", "heldout": HERE / "heldout.jsonl"}
    data = {}
    ids = set()
    for half, path in files.items():
        rs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        data[half] = rs
        for r in rs:
            where = f"{half} id={r.get('id')}"
            for k in ("id", "family", "format", "lang", "text", "spans"):
                if k not in r:
                    errors.append(f"{where}: missing {k}")
            if r["id"] in ids:
                errors.append(f"{where}: duplicate id")
            ids.add(r["id"])
            if r["format"] not in ("text", "csv", "json", "ndjson", "log"):
                errors.append(f"{where}: format {r['format']}")
            if r["lang"] not in ("sv", "en"):
                errors.append(f"{where}: lang {r['lang']}")
            text = r["text"]
            if r["format"] == "json":
                try:
                    json.loads(text)
                except ValueError as e:
                    errors.append(f"{where}: JSON does not parse: {e}")
            if r["format"] == "ndjson":
                for ln, line in enumerate(text.splitlines(), 1):
                    if line.strip():
                        try:
                            json.loads(line)
                        except ValueError as e:
                            errors.append(f"{where}: NDJSON line {ln} does not parse: {e}")
            if r["format"] == "csv":
                try:
                    rows = list(csv.reader(io.StringIO(text), delimiter=";" if text.split("\n")[0].count(";") > text.split("\n")[0].count(",") else ","))
                    if len({len(x) for x in rows if x}) > 1:
                        warnings.append(f"{where}: CSV rows of unequal width")
                except csv.Error as e:
                    errors.append(f"{where}: CSV: {e}")
            prev_end = -1
            if r["spans"] != sorted(r["spans"]):
                errors.append(f"{where}: spans not sorted")
            for s, e, label in r["spans"]:
                v = text[s:e]
                w = f"{where} [{s},{e}] {label} {v!r}"
                if label not in LABELS:
                    errors.append(f"{w}: unknown label")
                if not (0 <= s < e <= len(text)):
                    errors.append(f"{w}: out of range or empty")
                    continue
                if v != v.strip():
                    errors.append(f"{w}: leading/trailing whitespace")
                if s < prev_end:
                    errors.append(f"{w}: overlaps the previous span")
                prev_end = max(prev_end, e)
                if label in VALIDATORS:
                    if not VALIDATORS[label](v):
                        errors.append(f"{w}: checksum/format invalid")
                    second = C.stdnum_second_opinion(label, v)
                    if second is False:
                        errors.append(f"{w}: python-stdnum says invalid")
                if label == "EMAIL" and (v.count("@") != 1 or " " in v):
                    errors.append(f"{w}: not an e-mail")
                if label == "IP_ADDRESS":
                    try:
                        ipaddress.ip_network(v.split("%")[0], strict=False)
                    except ValueError:
                        errors.append(f"{w}: not an IP")
                if label == "DATE_OF_BIRTH" and not date_ok(v):
                    errors.append(f"{w}: not a date")
                if label == "PERSON" and (re.search(r"[\d@]", v)):
                    errors.append(f"{w}: digits in a name")
                if label == "PHONE" and len(C.only_digits(v)) < 6:
                    errors.append(f"{w}: too few digits for a phone")
                if label == "SE_BANK_ACCOUNT" and len(C.only_digits(v)) < 7:
                    errors.append(f"{w}: too few digits for an account")
            # forgotten values: Luhn-valid 13-19 digit runs (cards) and valid IBANs not covered
            covered = [(s, e) for s, e, _ in r["spans"]]

            def is_cov(a, b):
                return any(s <= a and b <= e for s, e in covered)
            for m in re.finditer(r"(?<![\w])\d(?:[ -]?\d){12,18}(?![\w])", text):
                d = C.only_digits(m.group())
                if C.card_valid(d) and not is_cov(m.start(), m.end()):
                    warnings.append(f"{where}: unlabelled Luhn-valid card-like {m.group()!r}")
            for m in re.finditer(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", text):
                if C.iban_valid(m.group()) and not is_cov(m.start(), m.end()):
                    warnings.append(f"{where}: unlabelled valid IBAN {m.group()!r}")
            for m in re.finditer(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
                if not is_cov(m.start(), m.end()):
                    warnings.append(f"{where}: unlabelled e-mail-like {m.group()!r}")
            for m in re.finditer(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])", text):
                try:
                    ipaddress.ip_address(m.group())
                except ValueError:
                    continue
                if re.search(r"(?i)(version|build|firmware|fw_|release)", text[max(0, m.start() - 25):m.start()]):
                    continue  # a version string written on purpose as a distractor
                if not is_cov(m.start(), m.end()):
                    warnings.append(f"{where}: unlabelled IPv4-like {m.group()!r}")
            for m in re.finditer(r"(?<![\w-])\d{6}-?\d{4}(?![\w-])", text):
                if C.orgnr_valid(m.group()) and not C.pnr_valid(m.group()) and not is_cov(m.start(), m.end()):
                    warnings.append(f"{where}: unlabelled valid organisationsnummer-like {m.group()!r}")
            for m in re.finditer(r"(?<![\w-])(?:\d{2})?\d{6}[-+]?\d{4}(?![\w])", text):
                if C.pnr_valid(m.group()) and not is_cov(m.start(), m.end()):
                    warnings.append(f"{where}: unlabelled valid personnummer-like {m.group()!r}")

    for e in errors:
        print("ERROR", e)
    for w in warnings:
        print("warn ", w)
    total_docs = sum(len(v) for v in data.values())
    total_spans = sum(len(r["spans"]) for v in data.values() for r in v)
    fams = {r["family"] for v in data.values() for r in v}
    print(f"{total_docs} documents, {total_spans} spans, {len(fams)} kinds; "
          f"{len(errors)} errors, {len(warnings)} warnings")
    missing = set() if named else (
        fams - {r["family"] for r in data["frozen"]} | (fams - {r["family"] for r in data["heldout"]}))
    if missing:
        errors.append(f"kinds missing from one half: {sorted(missing)}")
        print("ERROR kinds missing from a half:", sorted(missing))
    if "--counts" in sys.argv and not named:
        print_counts(data, fams)
    sys.exit(1 if errors else 0)


def print_counts(data, fams):
    print("\n| label | frozen | heldout | total |\n|---|---:|---:|---:|")
    cnt = {h: Counter(sp[2] for r in rs for sp in r["spans"]) for h, rs in data.items()}
    for lab in LABELS:
        print(f"| `{lab}` | {cnt['frozen'][lab]} | {cnt['heldout'][lab]} | {cnt['frozen'][lab] + cnt['heldout'][lab]} |")
    tf, th = sum(cnt["frozen"].values()), sum(cnt["heldout"].values())
    print(f"| **all** | {tf} | {th} | {tf + th} |")
    print("\n| kind | frozen docs | heldout docs | frozen spans | heldout spans | sv / en | formats |\n|---|---:|---:|---:|---:|---|---|")
    for fam in sorted(fams):
        fr = [r for r in data["frozen"] if r["family"] == fam]
        he = [r for r in data["heldout"] if r["family"] == fam]
        both = fr + he
        sv = sum(1 for r in both if r["lang"] == "sv")
        fmts = ", ".join(sorted({r["format"] for r in both}))
        print(f"| {fam} | {len(fr)} | {len(he)} | {sum(len(r['spans']) for r in fr)} | "
              f"{sum(len(r['spans']) for r in he)} | {sv} / {len(both) - sv} | {fmts} |")
    allr = data["frozen"] + data["heldout"]
    sv = sum(1 for r in allr if r["lang"] == "sv")
    print(f"\nLanguages: {sv} sv, {len(allr) - sv} en. Formats: "
          + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r['format'] for r in allr).items())))


if __name__ == "__main__":
    main()
