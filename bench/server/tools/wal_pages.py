#!/usr/bin/env python3
"""Which tables and indexes the frames of SQLite write-ahead logs belong to.

Usage: wal_pages.py DB [DB ...]   (each DB with its DB-wal beside it; copy a running
server's vault folder first, e.g. during a `wrkload` round)

For each database: the valid frames of its log (those of the current salt), its commits,
and frames per commit by B-tree (from SQLite's `dbstat` table on a copy), so one sees which
table's or index's pages each commit rewrites: an index keyed by random values costs about
one page per entry, an append-only table a page per commit.
"""
import collections
import os
import shutil
import sqlite3
import struct
import sys
import tempfile


def frames(wal_path):
    data = open(wal_path, "rb").read()
    if len(data) < 32:
        return [], 0
    _magic, _version, page_size, _ckpt, salt1, salt2, _c1, _c2 = struct.unpack(">8I", data[:32])
    out, off = [], 32
    while off + 24 + page_size <= len(data):
        page, commit_size, s1, s2 = struct.unpack(">4I", data[off : off + 16])
        if (s1, s2) != (salt1, salt2):
            break
        out.append((page, commit_size != 0))
        off += 24 + page_size
    return out, page_size


def main(paths):
    for db in paths:
        log, _ = frames(db + "-wal")
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "copy.db")
            shutil.copy(db, copy)
            shutil.copy(db + "-wal", copy + "-wal")
            con = sqlite3.connect(copy)
            owner = {page: name for name, page in con.execute("SELECT name, pageno FROM dbstat")}
            con.close()
        commits = max(1, sum(1 for _, commit in log if commit))
        print(f"{db}: {len(log)} frames, {commits} commits, {len(log) / commits:.1f} frames per commit")
        counts = collections.Counter(owner.get(page, "(freed or new)") for page, _ in log)
        for name, n in counts.most_common(12):
            print(f"  {name:<36} {n:7d}  {n / commits:6.2f} per commit")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
