#!/usr/bin/env python3
"""Reference format-preserving encryption from PyPI, for the side-by-side run of
`cargo run --release -p sekretess-bench-server --bin tokens`.

The same operation as a Sekretess FF1 card token: the 6 middle digits of a 16-digit card
encrypted in radix 10 with a tweak from the kept digits, one key reused.

- ff3 (PyPI `ff3`, FF3-1 of NIST SP 800-38G Rev. 1, AES-256, 56-bit tweak): its domain
  minimum is 10^6 like ours, so the 6 middle digits are encrypted directly (no Luhn walk).
- pyffx (PyPI `pyffx`, FFX-A2-like Feistel on HMAC-SHA1): 6 digits, no tweak.

Prints one line per library: `<name> <tokens per second>`; a missing library prints
`<name> missing`. Usage: ff_reference.py [COUNT]
"""
import sys
import time

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
middles = ["%06d" % ((i * 7919) % 1_000_000) for i in range(COUNT)]


def rate(fn):
    t0 = time.perf_counter()
    for m in middles:
        fn(m)
    return COUNT / (time.perf_counter() - t0)


try:
    from ff3 import FF3Cipher

    c = FF3Cipher.withCustomAlphabet("00" * 32, "00112233445566", "0123456789")
    print("ff3 %.0f" % rate(c.encrypt))
except ImportError:
    print("ff3 missing")

try:
    import pyffx

    e = pyffx.Integer(b"sekretess-bench-key", length=6)
    print("pyffx %.0f" % rate(lambda m: e.encrypt(int(m))))
except ImportError:
    print("pyffx missing")
