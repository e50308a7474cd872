#!/usr/bin/env python3
"""Make the benchmark documents of issue 17 with LibreOffice headless.

    make_inputs.py OUTDIR [--docx-paragraphs N]
Writes OUTDIR/report-100p.pdf (100 pages of text, planted values on every page),
OUTDIR/big.docx (about 1 MB) and OUTDIR/values.txt (the planted strings, one a line).
Text is drawn from a fixed word list with a fixed seed, so runs make the same documents.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

VALUES = ["4111 1111 1111 1111", "5555 5555 5555 4444", "19121212-1212", "811218-9876",
          "SE45 5000 0000 0583 9825 7466", "anna.svensson@example.se", "john.smith@example.com",
          "+46 70 123 45 67", "Anna Svensson", "John Smith"]

WORDS = """avtal leverans betalning faktura kontor material villkor period månad vecka dag tjänst
kostnad pris belopp summa moms order vara lager frakt paket adress kund leverantör projekt
rapport möte protokoll beslut styrelse budget prognos resultat intäkt utgift konto saldo
överföring bank ränta lån kredit garanti service support ärende fråga svar förslag plan
the delivery covers office supplies payment within thirty days invoice order item stock
shipping parcel customer supplier project report meeting minutes decision board budget
forecast result income expense account balance transfer bank interest loan credit warranty
service support case question answer proposal plan schedule quarter annual review update
contract terms period month week day cost price amount total tax goods freight note and or
for with from into over under after before during while because therefore however also
och eller för med från till över under efter före under medan eftersom därför dock också
""".split()

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"')


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def planted(i):
    """One paragraph holding every planted value, with cues."""
    return (f"Ärende {i}. Kund: Anna Svensson, personnummer 19121212-1212 (make 811218-9876), "
            f"kort 4111 1111 1111 1111, IBAN SE45 5000 0000 0583 9825 7466, e-post "
            f"anna.svensson@example.se, telefon +46 70 123 45 67. Dear John Smith, card "
            f"5555 5555 5555 4444, email john.smith@example.com.")


def fodt(paragraphs):
    body = "\n".join(f'<text:p text:style-name="{s}">{escape(t)}</text:p>' for s, t in paragraphs)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:style style:name="PB" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style>
  <style:style style:name="P" style:family="paragraph"/>
 </office:automatic-styles>
 <office:body><office:text>
{body}
 </office:text></office:body>
</office:document>
"""


def convert(src, filt, outdir, tmp):
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless", "--norestore",
                    "--convert-to", filt, "--outdir", outdir, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--docx-paragraphs", type=int, default=9000)
    args = ap.parse_args()
    out = os.path.abspath(args.outdir)
    os.makedirs(out, exist_ok=True)
    rng = random.Random(17)
    with tempfile.TemporaryDirectory(prefix="sekretess-doc-bench-") as tmp:
        # 100 pages: a page break before each page's first paragraph; each page about 30
        # lines, the planted values in its second paragraph.
        paras = []
        for page in range(1, 101):
            paras.append(("PB" if page > 1 else "P", f"Sida {page}. " + sentence(rng, 60)))
            paras.append(("P", planted(page)))
            paras += [("P", sentence(rng, 60)) for _ in range(3)]
        src = os.path.join(tmp, "report-100p.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(fodt(paras))
        convert(src, "pdf", out, tmp)
        # About 1 MB of DOCX: ordinary paragraphs, the planted values every 25th.
        paras = [("P", planted(i) if i % 25 == 0 else sentence(rng, 60)) for i in range(args.docx_paragraphs)]
        src = os.path.join(tmp, "big.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(fodt(paras))
        convert(src, "docx:MS Word 2007 XML", out, tmp)
    with open(os.path.join(out, "values.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(VALUES) + "\n")
    pages = subprocess.run(["pdfinfo", os.path.join(out, "report-100p.pdf")], check=True,
                           capture_output=True, text=True).stdout
    pages = next(l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:"))
    size = os.path.getsize(os.path.join(out, "big.docx"))
    print(f"report-100p.pdf: {pages} pages; big.docx: {size / 1e6:.2f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
