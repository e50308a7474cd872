"""Check-digit helpers for the hand-labelled evaluation set.

Written for this set only, from the public definitions of each scheme (Luhn / ISO/IEC 7812,
ISO 13616 + ISO 7064 mod 97-10, Skatteverket's personnummer and samordningsnummer rules,
Bolagsverket's organisationsnummer rule, the SSA rules for US SSNs). It does not use or
look at the detector under test.

Generators take a random.Random so the set can be rebuilt identically (build.py seeds it).
Validators are used by verify.py; where python-stdnum is installed it is used as a second
opinion.
"""
from __future__ import annotations

import datetime as _dt
import random
import re
import string

# ---------------------------------------------------------------- Luhn

def luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10


def luhn_valid(digits: str) -> bool:
    return digits.isdigit() and luhn_sum(digits) == 0


def luhn_complete(partial: str) -> str:
    """Append the Luhn check digit to `partial`."""
    check = (10 - luhn_sum(partial + "0")) % 10
    return partial + str(check)


def luhn_break(digits: str) -> str:
    """Change the last digit so the Luhn check fails (a look-alike distractor)."""
    last = int(digits[-1])
    return digits[:-1] + str((last + 3) % 10)


def only_digits(s: str) -> str:
    return re.sub(r"\D", "", s)

# ---------------------------------------------------------------- cards

# brand -> list of (prefix choices, length)
CARD_BRANDS = {
    "visa13": (["4"], 13),
    "visa16": (["4"], 16),
    "visa19": (["4"], 19),
    "mc16": (["51", "52", "53", "54", "55"], 16),
    "mc2": ([str(p) for p in range(2221, 2721)], 16),
    "amex": (["34", "37"], 15),
    "discover": (["6011", "644", "645", "646", "647", "648", "649", "65"], 16),
    "discover19": (["6011", "65"], 19),
    "jcb": ([str(p) for p in range(3528, 3590)], 16),
    "jcb19": ([str(p) for p in range(3528, 3590)], 19),
    "maestro12": (["5018", "5020", "5038", "6304", "6759", "6761", "6763"], 12),
    "maestro13": (["5018", "5020", "5038", "6304", "6759", "6761"], 13),
    "maestro15": (["5018", "5020", "6304", "6759"], 15),
    "maestro16": (["5018", "5020", "5038", "6304", "6759", "6761", "6763"], 16),
    "maestro18": (["5018", "6304", "6759"], 18),
    "maestro19": (["5018", "5020", "6304", "6759", "6763"], 19),
    "diners14": (["300", "301", "302", "303", "304", "305", "36", "38"], 14),
    "diners16": (["36", "3095", "38", "39"], 16),
    "unionpay16": (["62"], 16),
    "unionpay19": (["62"], 19),
}


def gen_card(rng: random.Random, brand: str) -> str:
    prefixes, length = CARD_BRANDS[brand]
    while True:
        p = rng.choice(prefixes)
        if brand.startswith("unionpay"):
            # keep clear of the Discover co-branded 622126-622925 range
            p = "62" + rng.choice(["4", "5", "6", "8"]) + str(rng.randint(0, 9))
        body = p + "".join(rng.choice(string.digits) for _ in range(length - len(p) - 1))
        num = luhn_complete(body)
        if len(set(num[len(p):])) > 3:  # avoid degenerate runs
            return num


def card_grouping(num: str) -> list[int]:
    n = len(num)
    if n == 15:
        return [4, 6, 5]
    if n == 14:
        return [4, 6, 4]
    if n == 13:
        return [4, 4, 5]
    if n == 12:
        return [4, 4, 4]
    if n == 16:
        return [4, 4, 4, 4]
    if n == 18:
        return [4, 4, 4, 4, 2]
    if n == 19:
        return [4, 4, 4, 4, 3]
    return [4] * (n // 4) + ([n % 4] if n % 4 else [])


def group(num: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for s in sizes:
        out.append(num[i:i + s])
        i += s
    if i < len(num):
        out.append(num[i:])
    return sep.join(x for x in out if x)


def fmt_card(num: str, style: str) -> str:
    if style == "plain":
        return num
    sep = {"space": " ", "dash": "-"}[style]
    return group(num, card_grouping(num), sep)


def card_valid(s: str) -> bool:
    d = only_digits(s)
    if not (12 <= len(d) <= 19) or not luhn_valid(d):
        return False
    for brand, (prefixes, length) in CARD_BRANDS.items():
        if len(d) == length and any(d.startswith(p) for p in prefixes):
            return True
    return False

# ---------------------------------------------------------------- personnummer / samordningsnummer

def pnr_valid(s: str) -> bool:
    d = only_digits(s)
    if len(d) == 12:
        century, d10 = d[:2], d[2:]
        if century not in ("18", "19", "20"):
            return False
        year = int(d[:4])
    elif len(d) == 10:
        d10 = d
        year = None
    else:
        return False
    if not luhn_valid(d10):
        return False
    mm, dd = int(d10[2:4]), int(d10[4:6])
    if dd > 60:
        dd -= 60
    yy = int(d10[0:2])
    for y in ([year] if year else [1900 + yy, 2000 + yy]):
        try:
            _dt.date(y, mm, dd)
            return True
        except ValueError:
            pass
    return False


def gen_pnr(rng: random.Random, birth: _dt.date | None = None, samordning: bool = False) -> tuple[_dt.date, str]:
    """Return (birth date, 10 digits)."""
    if birth is None:
        birth = _dt.date(1930, 1, 1) + _dt.timedelta(days=rng.randint(0, 365 * 75))
    day = birth.day + (60 if samordning else 0)
    body = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return birth, luhn_complete(body)


def fmt_pnr(birth: _dt.date, d10: str, style: str) -> str:
    """style: 10 (YYMMDD-NNNN, '+' if 100 or older), 10plus, 10bare, 12 (YYYYMMDD-NNNN), 12bare."""
    cc = f"{birth.year // 100:02d}"
    if style == "10":
        sep = "+" if birth.year < 1926 else "-"
        return d10[:6] + sep + d10[6:]
    if style == "10plus":
        return d10[:6] + "+" + d10[6:]
    if style == "10bare":
        return d10
    if style == "12":
        return cc + d10[:6] + "-" + d10[6:]
    if style == "12bare":
        return cc + d10
    raise ValueError(style)

# ---------------------------------------------------------------- organisationsnummer

def orgnr_valid(s: str) -> bool:
    d = only_digits(s)
    if len(d) == 12 and d.startswith("16"):
        d = d[2:]
    return len(d) == 10 and d[0] != "0" and int(d[2]) >= 2 and luhn_valid(d)


def gen_orgnr(rng: random.Random) -> str:
    first = rng.choice("25789")  # 5 = aktiebolag, 7 = ekonomisk förening, 8 = ideell, 2 = stat/kommun, 9 = HB/KB
    body = first + str(rng.randint(0, 9)) + str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(6))
    return luhn_complete(body)


def fmt_orgnr(d: str, style: str) -> str:
    if style == "dash":
        return d[:6] + "-" + d[6:]
    if style == "bare":
        return d
    if style == "16":
        return "16" + d[:6] + "-" + d[6:]
    if style == "se":  # VAT number form SE5560360793 01 is not used; plain 'SE' + digits + 01
        return "SE" + d + "01"
    raise ValueError(style)

# ---------------------------------------------------------------- US SSN

SSN_BLOCKLIST = {"078051120", "457555462", "219099999"}


def ssn_valid(s: str) -> bool:
    d = only_digits(s)
    if len(d) != 9 or d in SSN_BLOCKLIST:
        return False
    area, grp, serial = d[:3], d[3:5], d[5:]
    return area not in ("000", "666") and not area.startswith("9") and grp != "00" and serial != "0000"


def gen_ssn(rng: random.Random) -> str:
    while True:
        d = f"{rng.randint(1, 899):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if ssn_valid(d):
            return d


def fmt_ssn(d: str, style: str) -> str:
    if style == "dash":
        return f"{d[:3]}-{d[3:5]}-{d[5:]}"
    if style == "space":
        return f"{d[:3]} {d[3:5]} {d[5:]}"
    if style == "plain":
        return d
    raise ValueError(style)

# ---------------------------------------------------------------- IBAN

# country -> BBAN pattern: n = digit, a = upper-case letter, c = alphanumeric
IBAN_BBAN = {
    "SE": "nnnnnnnnnnnnnnnnnnnn",          # 24
    "NO": "nnnnnnnnnnn",                   # 15
    "DK": "nnnnnnnnnnnnnn",                # 18
    "FI": "nnnnnnnnnnnnnn",                # 18
    "DE": "nnnnnnnnnnnnnnnnnn",            # 22
    "GB": "aaaannnnnnnnnnnnnn",            # 22
    "IE": "aaaannnnnnnnnnnnnn",            # 22
    "NL": "aaaannnnnnnnnn",                # 18
    "PL": "nnnnnnnnnnnnnnnnnnnnnnnn",      # 28
    "AT": "nnnnnnnnnnnnnnnn",              # 20
    "CH": "nnnnnccccccccccccc",            # 21
    "EE": "nnnnnnnnnnnnnnnn",              # 20
    "LT": "nnnnnnnnnnnnnnnn",              # 20
    "ES": "nnnnnnnnnnnnnnnnnnnn",          # 24
    "FR": "nnnnnnnnnnnnnnnnnnnnnnn",       # 27 (RIB key fixed below)
    "BE": "nnnnnnnnnnnn",                  # 16
    "IT": "annnnnnnnnnnnnnnnnnnnnn",       # 27
    "PT": "nnnnnnnnnnnnnnnnnnnnn",         # 25
}
SE_BANKS = ["500", "600", "800", "300", "950", "120", "923", "957"]
GB_BANKS = ["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]
NL_BANKS = ["ABNA", "INGB", "RABO", "TRIO", "SNSB"]
IE_BANKS = ["AIBK", "BOFI"]


def iban_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    num = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(num) % 97:02d}"


def iban_valid(s: str) -> bool:
    t = re.sub(r"[\s\-.]", "", s).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", t):
        return False
    cc = t[:2]
    if cc in IBAN_BBAN and len(t) != 4 + len(IBAN_BBAN[cc]):
        return False
    num = "".join(str(int(ch, 36)) for ch in t[4:] + t[:4])
    return int(num) % 97 == 1


def _es_dc(digits: str, weights=(1, 2, 4, 8, 5, 10, 9, 7, 3, 6)) -> str:
    s = sum(int(d) * w for d, w in zip(digits, weights[-len(digits):] if len(digits) < 10 else weights))
    r = 11 - s % 11
    return str({10: 1, 11: 0}.get(r, r))


def _be_fix(bban: str) -> str:
    base = bban[:10]
    chk = int(base) % 97 or 97
    return base + f"{chk:02d}"


def _fr_fix(bban: str) -> str:
    # RIB key: 97 - ((89*bank + 15*branch + 3*account) mod 97)
    bank, branch, acct = bban[:5], bban[5:10], bban[10:21]
    key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97)
    return bank + branch + acct + f"{key:02d}"


def _it_fix(bban: str) -> str:
    # CIN check letter over ABI+CAB+account (22 chars)
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    rest = bban[1:]
    s = 0
    for i, ch in enumerate(rest):
        v = int(ch) if ch.isdigit() else ord(ch) - 65
        s += odd[v] if i % 2 == 0 else v
    return chr(65 + s % 26) + rest


def gen_iban(rng: random.Random, country: str) -> str:
    pat = IBAN_BBAN[country]
    bban = "".join(
        rng.choice(string.digits) if p == "n" else rng.choice(string.ascii_uppercase) if p == "a" else rng.choice(string.digits)
        for p in pat
    )
    if country == "SE":
        bban = rng.choice(SE_BANKS) + bban[3:]
    elif country == "GB":
        bban = rng.choice(GB_BANKS) + bban[4:]
    elif country == "IE":
        bban = rng.choice(IE_BANKS) + bban[4:]
    elif country == "NL":
        bban = rng.choice(NL_BANKS) + bban[4:]
    elif country == "ES":
        bank, branch, acct = bban[:4], bban[4:8], bban[10:]
        bban = bank + branch + _es_dc(bank + branch) + _es_dc(acct) + acct
    elif country == "BE":
        bban = _be_fix(bban)
    elif country == "FR":
        bban = _fr_fix(bban)
    elif country == "IT":
        bban = _it_fix(bban)
    elif country == "NO":
        # MOD11 national check over the 11 digits
        w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        while True:
            s = sum(int(a) * b for a, b in zip(bban[:10], w))
            r = 11 - s % 11
            if r == 10:
                bban = bban[:9] + str((int(bban[9]) + 1) % 10) + bban[10:]
                continue
            bban = bban[:10] + str(0 if r == 11 else r)
            break
    elif country == "FI":
        bban = bban[:13] + luhn_complete(bban[:13])[-1]
    return country + iban_check(country, bban) + bban


def fmt_iban(iban: str, style: str) -> str:
    if style == "plain":
        return iban
    if style == "space":
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    raise ValueError(style)

# ---------------------------------------------------------------- Swedish bank accounts

def gen_bankgiro(rng: random.Random) -> str:
    n = rng.choice([7, 8])
    body = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 2))
    d = luhn_complete(body)
    return d[:-4] + "-" + d[-4:]


def gen_plusgiro(rng: random.Random) -> str:
    n = rng.randint(7, 8)
    body = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 2))
    d = luhn_complete(body)
    # written in pairs from the right with the check digit after a dash: 12 34 56-7
    head = d[:-1]
    pairs = []
    while head:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return " ".join(pairs) + "-" + d[-1]


def gen_se_account(rng: random.Random, style: str) -> str:
    """A Swedish clearing number + account number in a few written forms."""
    if style == "hb":  # Handelsbanken: 6xxx, 9-digit account
        return f"6{rng.randint(0, 999):03d}-{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    if style == "swed":  # Swedbank 5-digit clearing 8xxx-x
        clr = f"8{rng.randint(100, 999)}-{rng.randint(0, 9)}"
        acct = f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}-{rng.randint(0, 9)}"
        return f"{clr}, {acct}"
    if style == "seb":  # SEB 5xxx + 7 digits
        return f"5{rng.randint(0, 999):03d} {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(10, 99)}"
    if style == "nordea":  # Nordea 3xxx-xxxxxxx
        return f"3{rng.choice(['000', '010', '114', '200', '401'])}-{rng.randint(1000000, 9999999)}"
    if style == "plain":
        return f"{rng.choice(['9150', '9420', '7300', '8105', '6152'])}{rng.randint(10 ** 9, 10 ** 10 - 1)}"
    raise ValueError(style)


def stdnum_second_opinion(label: str, value: str) -> bool | None:
    """Ask python-stdnum where it knows the scheme; None if not installed or not applicable."""
    try:
        from stdnum import iban, luhn  # noqa: F401
        from stdnum.se import personnummer, orgnr
        from stdnum.us import ssn
    except ImportError:
        return None
    v = value
    if label == "IBAN":
        return iban.is_valid(v)
    if label == "SE_PERSONNUMMER":
        d = only_digits(v)
        if int(d[-6:-4]) > 60:
            # samordningsnummer: python-stdnum 2.x knows only personnummer, so give it the birth
            # day and check the Luhn digit (computed over the number as written) ourselves
            if not luhn_valid(d[-10:]):
                return False
            birth = d[:-6] + f"{int(d[-6:-4]) - 60:02d}"
            d = birth + d[-4:-1] + luhn_complete((birth + d[-4:-1])[-9:])[-1]
        if len(d) == 10:
            # stdnum wants the separator to decide the century; both are fine for our purpose
            return personnummer.is_valid(d[:6] + "-" + d[6:]) or personnummer.is_valid(d[:6] + "+" + d[6:])
        return personnummer.is_valid(d)
    if label == "SE_ORGNR":
        d = only_digits(v)
        if len(d) == 12:
            d = d[2:]
        return orgnr.is_valid(d)
    if label == "US_SSN":
        return ssn.is_valid(only_digits(v))
    if label == "CARD_NUMBER":
        return luhn.is_valid(only_digits(v))
    return None
