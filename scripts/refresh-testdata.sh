#!/usr/bin/env bash
# Re-copies the known-answer vectors and fixture lists under testdata/ from a source folder
# laid out the same way (for example a fresh collection of the upstream files), and says
# what changed. Only the files listed in testdata/FILES are copied; the README.md files in
# testdata/ are this repository's own and are left alone (update their version or commit
# line by hand when a source moves on).
#
#   scripts/refresh-testdata.sh /path/to/source/testdata
#
# Exit status: 0 when every listed file was found (changed or not), 1 when any is missing
# from the source (nothing is deleted from testdata/ in that case).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 SOURCE_TESTDATA_DIR" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
dst="$(cd "$(dirname "$0")/.." && pwd)/testdata"
list="$dst/FILES"

changed=0 added=0 same=0 missing=0
while IFS= read -r rel; do
  case "$rel" in '' | '#'*) continue ;; esac
  if [ ! -f "$src/$rel" ]; then
    echo "missing: $rel (not in $src)" >&2
    missing=$((missing + 1))
    continue
  fi
  if [ ! -e "$dst/$rel" ]; then
    mkdir -p "$(dirname "$dst/$rel")"
    cp "$src/$rel" "$dst/$rel"
    chmod u+w,go-w "$dst/$rel"
    echo "added:   $rel"
    added=$((added + 1))
  elif cmp -s "$src/$rel" "$dst/$rel"; then
    same=$((same + 1))
  else
    echo "changed: $rel"
    diff -u "$dst/$rel" "$src/$rel" | sed -n '3,$p' | grep -c '^[-+]' | sed 's/^/         lines differing: /' || true
    cp "$src/$rel" "$dst/$rel"
    chmod u+w,go-w "$dst/$rel"
    changed=$((changed + 1))
  fi
done <"$list"

echo "$changed changed, $added added, $same unchanged, $missing missing"
if [ "$missing" -gt 0 ]; then exit 1; fi
if [ $((changed + added)) -gt 0 ]; then
  echo "Run the tests that read them: cargo test -p sekretess-crypto -p sekretess-detect -p sekretess-store"
fi
