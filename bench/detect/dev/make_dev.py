"""Build dev.jsonl (corpus format of bench/detect/src/main.rs) from dev.txt's markup."""
import json, re, sys
out = []
for n, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    fam, fmt, raw = line.split("\t", 2)
    raw = raw.replace("\\n", "\n")
    text, spans, pos = "", [], 0
    for m in re.finditer(r"\[\[([A-Z_]+)\|(.*?)\]\]", raw):
        text += raw[pos:m.start()]
        s = len(text)
        text += m.group(2)
        spans.append([s, len(text), m.group(1)])
        pos = m.end()
    text += raw[pos:]
    out.append({"id": len(out), "family": fam, "format": fmt, "text": text, "spans": spans})
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for d in out:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
