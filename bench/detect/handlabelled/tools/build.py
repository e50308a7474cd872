"""Assemble the hand-labelled set from the hand-written sources in ../src/*.txt.

Source format (one file per kind, several documents per file):

    ### <family> <format> <lang>
    document text, written by hand, with inline labels:
      {{PERSON|Amina Yusuf}}            a labelled span, the text as written
      {{CARD_NUMBER|@card:jcb:space}}   a labelled span whose value the helper generates
      [[@badcard:visa16:space]]         a generated look-alike that is NOT labelled (distractor)
    ### <next document> ...

A line `#-- comment` is dropped. Generated values are reproducible (fixed seed, in source order).

Generator specs (after @, fields separated by ':', optional '#tag' to reuse the same value in
one document, e.g. a personnummer and the matching date of birth):
  card:<brand>[:plain|space|dash]        brands in checks.CARD_BRANDS
  badcard:<brand>[:style]                Luhn-invalid look-alike
  pnr[:10|10plus|10bare|12|12bare][:YYYYMMDD]   personnummer
  samn[:style]                           samordningsnummer (day + 60)
  badpnr[:style]                         wrong check digit
  dob:<iso|dmy|dmys|mdy|sv|en|us|compact>#tag  birth date of the pnr with the same tag
  orgnr[:dash|bare|16]   badorgnr[:dash]
  ssn[:dash|space|plain] badssn         (badssn: area 666/000/9xx)
  iban:<CC>[:plain|space]   badiban:<CC>[:style]
  bg  pg  acct:<hb|swed|seb|nordea|plain>
  rand10  rand16                         random digit runs that fail Luhn (distractors)

Output: ../frozen.jsonl and ../heldout.jsonl (split per kind).

Another set written the same way (a tuning set, say) is built unsplit into one file:

    build.py --src DIR --out FILE.jsonl --seed N --first-id N
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import checks as C  # noqa: E402

HERE = Path(__file__).resolve().parent.parent
LABELS = {
    "CARD_NUMBER", "US_SSN", "SE_PERSONNUMMER", "SE_ORGNR", "IBAN", "SE_BANK_ACCOUNT",
    "EMAIL", "PHONE", "IP_ADDRESS", "DATE_OF_BIRTH", "POSTAL_ADDRESS", "PERSON",
}
FORMATS = {"text", "csv", "json", "ndjson", "log"}
MARK = re.compile(r"\{\{([A-Z_]+)\|(.*?)\}\}|\[\[(@[^\]]+)\]\]", re.S)

SV_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def fmt_date(d: dt.date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "dmy":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "dmys":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "mdy":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "sv":
        return f"{d.day} {SV_MONTHS[d.month - 1]} {d.year}"
    if style == "en":
        return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"
    if style == "us":
        return f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "compact":
        return f"{d.year}{d.month:02d}{d.day:02d}"
    raise ValueError(style)


class Gen:
    def __init__(self, seed: int = 19):
        self.rng = random.Random(seed)
        self.tags: dict[str, object] = {}
        self.seen: set[str] = set()

    def new_doc(self):
        self.tags = {}

    def _uniq(self, f):
        for _ in range(100):
            v = f()
            key = v if isinstance(v, str) else repr(v)
            if key not in self.seen:
                self.seen.add(key)
                return v
        raise RuntimeError("no unique value")

    def make(self, spec: str) -> str:
        assert spec.startswith("@"), spec
        spec = spec[1:]
        tag = None
        if "#" in spec:
            spec, tag = spec.split("#", 1)
        parts = spec.split(":")
        kind, args = parts[0], parts[1:]
        r = self.rng

        def cached(f):
            if tag is not None and tag in self.tags:
                return self.tags[tag]
            v = self._uniq(f)
            if tag is not None:
                self.tags[tag] = v
            return v

        if kind == "card":
            num = cached(lambda: C.gen_card(r, args[0]))
            return C.fmt_card(num, args[1] if len(args) > 1 else "plain")
        if kind == "badcard":
            num = self._uniq(lambda: C.luhn_break(C.gen_card(r, args[0])))
            return C.fmt_card(num, args[1] if len(args) > 1 else "plain")
        if kind in ("pnr", "samn", "badpnr"):
            style = args[0] if args else "10"
            birth = None
            if len(args) > 1:
                birth = dt.datetime.strptime(args[1], "%Y%m%d").date()
            if style == "10plus" and birth is None:
                birth = dt.date(1915, 1, 1) + dt.timedelta(days=r.randint(0, 365 * 9))

            def g():
                b, d10 = C.gen_pnr(r, birth, samordning=(kind == "samn"))
                if kind == "badpnr":
                    d10 = C.luhn_break(d10)
                return (b, d10)
            b, d10 = cached(g)
            return C.fmt_pnr(b, d10, style)
        if kind == "dob":
            b, _ = self.tags[tag]
            return fmt_date(b, args[0])
        if kind == "orgnr":
            d = cached(lambda: C.gen_orgnr(r))
            return C.fmt_orgnr(d, args[0] if args else "dash")
        if kind == "badorgnr":
            d = self._uniq(lambda: C.luhn_break(C.gen_orgnr(r)))
            return C.fmt_orgnr(d, args[0] if args else "dash")
        if kind == "ssn":
            d = cached(lambda: C.gen_ssn(r))
            return C.fmt_ssn(d, args[0] if args else "dash")
        if kind == "badssn":
            d = f"{r.choice(['666', '000', '912', '987'])}{r.randint(10, 99)}{r.randint(1000, 9999)}"
            return C.fmt_ssn(d, args[0] if args else "dash")
        if kind == "iban":
            v = cached(lambda: C.gen_iban(r, args[0]))
            return C.fmt_iban(v, args[1] if len(args) > 1 else "plain")
        if kind == "badiban":
            v = C.gen_iban(r, args[0])
            v = v[:2] + f"{(int(v[2:4]) + 7) % 100:02d}" + v[4:]
            return C.fmt_iban(v, args[1] if len(args) > 1 else "plain")
        if kind == "bg":
            return cached(lambda: C.gen_bankgiro(r))
        if kind == "pg":
            return cached(lambda: C.gen_plusgiro(r))
        if kind == "acct":
            return cached(lambda: C.gen_se_account(r, args[0] if args else "hb"))
        if kind in ("rand10", "rand16"):
            n = 10 if kind == "rand10" else 16

            def g():
                while True:
                    s = str(r.randint(1, 9)) + "".join(str(r.randint(0, 9)) for _ in range(n - 1))
                    if not C.luhn_valid(s):
                        return s
            return self._uniq(g)
        raise ValueError(f"unknown generator {spec!r}")


def parse_sources(src_dir: Path):
    docs = []
    for path in sorted(src_dir.glob("*.txt")):
        cur = None
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.startswith("#--"):
                continue
            if line.startswith("### "):
                if cur:
                    docs.append(cur)
                fam, fmt, lang = line[4:].split()
                cur = {"family": fam, "format": fmt, "lang": lang, "lines": [], "src": path.name}
                continue
            if cur is None:
                if line.strip():
                    raise SystemExit(f"{path}: text before first ### header: {line!r}")
                continue
            cur["lines"].append(line)
        if cur:
            docs.append(cur)
    return docs


def render(doc, gen: Gen):
    gen.new_doc()
    raw = "\n".join(doc["lines"]).strip("\n")
    out, spans, pos = [], [], 0
    n = 0
    for m in MARK.finditer(raw):
        out.append(raw[pos:m.start()])
        n += len(raw[pos:m.start()])
        if m.group(1):
            label, val = m.group(1), m.group(2)
            if label not in LABELS:
                raise SystemExit(f"{doc['src']}: unknown label {label}")
            if val.startswith("@"):
                val = gen.make(val)
            spans.append([n, n + len(val), label])
        else:
            val = gen.make(m.group(3))
        out.append(val)
        n += len(val)
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    if "{{" in text or "[[@" in text:
        raise SystemExit(f"{doc['src']}: unparsed marker in {text[:80]!r}")
    return text, sorted(spans)


def arg(name: str, default: str | None = None) -> str | None:
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def main():
    gen = Gen(seed=int(arg("--seed", "19")))
    docs = parse_sources(Path(arg("--src", str(HERE / "src"))))
    records = []
    for i, d in enumerate(docs, int(arg("--first-id", "1"))):
        if d["format"] not in FORMATS or d["lang"] not in ("sv", "en"):
            raise SystemExit(f"{d['src']}: bad header {d['format']} {d['lang']}")
        text, spans = render(d, gen)
        records.append({"id": i, "family": d["family"], "format": d["format"], "lang": d["lang"],
                        "text": text, "spans": spans})
    if arg("--out"):
        with open(arg("--out"), "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{len(records)} documents, {sum(len(r['spans']) for r in records)} spans, "
              f"{len({r['family'] for r in records})} kinds -> {arg('--out')}")
        return
    # split: stratified by kind. Within each kind, documents are taken in source order in
    # pairs; one of each pair goes to each half. Which one goes where is chosen greedily so that
    # the per-label span counts of the two halves stay close (ties by a seeded coin); a kind's
    # odd last document goes to the half that has fewer documents so far.
    rng = random.Random(1913)
    by_fam: dict[str, list] = {}
    for r in records:
        by_fam.setdefault(r["family"], []).append(r)
    frozen, heldout = [], []
    from collections import Counter
    cf, ch = Counter(), Counter()

    def labels(r):
        return Counter(sp[2] for sp in r["spans"])

    def imbalance(a, b):
        keys = set(a) | set(b)
        return sum(abs(a[k] - b[k]) for k in keys)
    for fam in sorted(by_fam):
        rs = by_fam[fam]
        for j in range(0, len(rs), 2):
            pair = rs[j:j + 2]
            if len(pair) == 1:
                if len(frozen) <= len(heldout):
                    frozen.append(pair[0]); cf += labels(pair[0])
                else:
                    heldout.append(pair[0]); ch += labels(pair[0])
                continue
            x, y = pair
            keep = imbalance(cf + labels(x), ch + labels(y))
            swap = imbalance(cf + labels(y), ch + labels(x))
            if swap < keep or (swap == keep and rng.random() < 0.5):
                x, y = y, x
            frozen.append(x); cf += labels(x)
            heldout.append(y); ch += labels(y)
    frozen.sort(key=lambda r: r["id"])
    heldout.sort(key=lambda r: r["id"])

    def dump(name, rs):
        with open(HERE / name, "w", encoding="utf-8") as f:
            for r in rs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    dump("frozen.jsonl", frozen)
    dump("heldout.jsonl", heldout)
    print(f"{len(records)} documents ({len(frozen)} frozen, {len(heldout)} heldout), "
          f"{sum(len(r['spans']) for r in records)} spans, {len(by_fam)} kinds")


if __name__ == "__main__":
    main()
