#!/usr/bin/env python3
"""Side by side on the scan fixtures (issue 26): Sekretess (release CLI) and Presidio's image
redactor, in one run, on the same files, with the same Tesseract, one core each
(OMP_THREAD_LIMIT=1, `sekretess redact --threads 1`).

usage: compare.py SEKRETESS PRESIDIO_PYTHON [ROUNDS]

Recall: a planted value counts when the independent judge (scripts/scan-fixtures/
ocr_check.py: the `tesseract` program) reads it in the input; it is removed when the judge no
longer reads it in the output. Pages per second: pages over wall time of ROUNDS (default 3)
passes over the files, and pages per CPU-second (user + system, tesseract children
included); Sekretess's time includes starting the process and loading the language data,
Presidio's excludes loading its models.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "crates/sekretess-detect/tests/fixtures/scans")
JUDGE = os.path.join(ROOT, "scripts/scan-fixtures/ocr_check.py")
FILES = ["letter-sv-300.png", "form-en-300.jpg", "letter-sv-200.jpg", "letter-sv-300-scan.jpg", "form-en-300-scan.jpg"]
CHECKSUM = {"CARD_NUMBER", "SE_PERSONNUMMER", "IBAN"}


def judge(name, path):
    out = subprocess.run([sys.executable, JUDGE, os.path.join(FIX, "manifest.json"), name, path], capture_output=True, check=True)
    return json.loads(out.stdout)


def klass(label):
    return "checksum" if label in CHECKSUM else ("names" if label == "PERSON" else "other")


def main():
    sek, py = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    manifest = json.load(open(os.path.join(FIX, "manifest.json"), encoding="utf-8"))
    degraded = {f["file"]: f["degraded"] for f in manifest["fixtures"]}
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    inputs = [os.path.join(FIX, f) for f in FILES]
    tmp = tempfile.mkdtemp(prefix="scan-compare-")
    outs = {"sekretess": os.path.join(tmp, "sekretess"), "presidio": os.path.join(tmp, "presidio")}
    for d in outs.values():
        os.makedirs(d)
    secs = {"sekretess": 0.0, "presidio": 0.0}
    cpu = {"sekretess": 0.0, "presidio": 0.0}

    def children():
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ch.ru_utime + ch.ru_stime

    for _ in range(rounds):
        t0, c0 = time.perf_counter(), children()
        subprocess.run([sek, "redact", "--threads", "1", "--uninspected", "fail", "--out", outs["sekretess"], *inputs],
                       env=env, check=True, capture_output=True)
        secs["sekretess"] += time.perf_counter() - t0
        cpu["sekretess"] += children() - c0
        r = subprocess.run([py, os.path.join(ROOT, "bench/scans/run_presidio_image.py"), outs["presidio"], *inputs],
                           env=env, check=True, capture_output=True)
        last = json.loads(r.stdout.decode().strip().splitlines()[-1])
        secs["presidio"] += last["seconds"]
        cpu["presidio"] += last["cpu"]
    # counts[tool][(clean|degraded, class)] = [removed, readable]
    counts = {t: {} for t in outs}
    for f in FILES:
        before = judge(f, os.path.join(FIX, f))
        cond = "degraded" if degraded[f] else "clean"
        for tool, d in outs.items():
            after = judge(f, os.path.join(d, f))
            for b, a in zip(before["planted"], after["planted"]):
                if not b["present"]:
                    continue
                c = counts[tool].setdefault((cond, klass(b["label"])), [0, 0])
                c[1] += 1
                c[0] += 0 if a["present"] else 1
            kept = sum(k["present"] for k in after["keep"])
            counts[tool].setdefault(("keep", "phrases"), [0, 0])
            counts[tool][("keep", "phrases")][0] += kept
            counts[tool][("keep", "phrases")][1] += len(after["keep"])
    pages = rounds * len(FILES)
    print(f"{len(FILES)} pages ({', '.join(FILES)}), {rounds} rounds, one core each")
    print(f"{'':28}{'Sekretess':>16}{'Presidio':>16}")
    keys = sorted({k for t in counts.values() for k in t})
    for k in keys:
        row = f"{k[0] + ' ' + k[1]:28}"
        for t in outs:
            r, n = counts[t].get(k, [0, 0])
            row += f"{f'{r}/{n} = {r / n:.2f}' if n else '-':>16}"
        print(row)
    print(f"{'pages per second (wall)':28}{pages / secs['sekretess']:>16.2f}{pages / secs['presidio']:>16.2f}")
    print(f"{'pages per CPU-second':28}{pages / cpu['sekretess']:>16.2f}{pages / cpu['presidio']:>16.2f}")
    print(f"outputs in {tmp}")


if __name__ == "__main__":
    main()
