#!/usr/bin/env python3
"""Make the shared document fixtures of issue 17 with real producers.

LibreOffice headless writes DOCX/ODT/XLSX/ODS/PPTX/PDF/DOC from Flat ODF sources written
here, headless Chromium prints an HTML letter to PDF, Python's email package writes the
e-mails as a mail program would. Run through scripts/make-doc-fixtures.sh.
"""
import argparse
import email.policy
import json
import mailbox
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import extract  # noqa: E402

# The planted values (issue 17), with the label each must get.
VISA = "4111 1111 1111 1111"
MC = "5555 5555 5555 4444"
AMEX = "3782 822463 10005"
PNR1 = "19121212-1212"
PNR2 = "811218-9876"
IBAN_SE = "SE45 5000 0000 0583 9825 7466"
IBAN_GB = "GB82 WEST 1234 5698 7654 32"
MAIL_SE = "anna.svensson@example.se"
MAIL_EN = "john.smith@example.com"
PHONE_SE = "+46 70 123 45 67"
PHONE_US = "(555) 123-4567"
SSN = "536-90-4399"
ANNA = "Anna Svensson"
ASA = "Åsa Öberg"
JOHN = "John Smith"

LABELS = {
    VISA: "CARD_NUMBER", MC: "CARD_NUMBER", AMEX: "CARD_NUMBER",
    PNR1: "SE_PERSONNUMMER", PNR2: "SE_PERSONNUMMER",
    IBAN_SE: "IBAN", IBAN_GB: "IBAN",
    MAIL_SE: "EMAIL", MAIL_EN: "EMAIL",
    PHONE_SE: "PHONE", PHONE_US: "PHONE",
    SSN: "US_SSN",
    ANNA: "PERSON", ASA: "PERSON", JOHN: "PERSON",
}

DATE = "2024-03-01T10:00:00"
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.3"'
)


def e(s):
    return escape(s)


def meta(title, description):
    return f"""<office:meta>
  <dc:title>{e(title)}</dc:title>
  <dc:description>{e(description)}</dc:description>
  <meta:initial-creator>{e(ASA)}</meta:initial-creator>
  <dc:creator>{e(JOHN)}</dc:creator>
  <meta:creation-date>{DATE}</meta:creation-date>
  <dc:date>{DATE}</dc:date>
  <meta:user-defined meta:name="Company">{e(ANNA)} Konsult AB</meta:user-defined>
 </office:meta>"""


def p(s):
    return f"<text:p>{e(s)}</text:p>"


# ---------------------------------------------------------------- text document
def fodt():
    body = "\n".join([
        p("Avtal och villkor"),
        p(f"Kund: {ANNA}"),
        p(f"Personnummer: {PNR1}"),
        p(f"Kortnummer: {VISA}"),
        p(f"Kontonummer (IBAN): {IBAN_SE}"),
        # Worded so that LibreOffice's PDF breaks the line inside the IBAN (see WRAPPED).
        p(f"Enligt avtalet ska återbetalningen av hela det inbetalda beloppet ske till kontot {IBAN_GB} "
          "senast inom trettio dagar."),
        f'<text:p>E-post: <text:a xlink:type="simple" xlink:href="mailto:{MAIL_SE}">{e(MAIL_SE)}</text:a></text:p>',
        p(f"Telefon: {PHONE_SE}"),
        f"<text:p>Hej {e(ASA)}. Leveransen avser kontorsmaterial."
        f'<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        f"<text:note-body>{p(f'Resekortet Amex {AMEX} används vid resor.')}</text:note-body></text:note></text:p>",
        f"<text:p>Betalning sker inom trettio dagar."
        f"<office:annotation><dc:creator>{e(ANNA)}</dc:creator><dc:date>{DATE}</dc:date>"
        f"{p(f'Kontrollera kortet {MC} med kunden.')}</office:annotation></text:p>",
        f'<text:p>Tidigare uppgifter: <text:change text:change-id="ct1"/><text:s/>borttagna.</text:p>',
        '<table:table table:name="Kunder"><table:table-column table:number-columns-repeated="3"/>'
        "<table:table-row>"
        + "".join(f'<table:table-cell office:value-type="string">{p(c)}</table:table-cell>'
                  for c in ["Kundens namn", "Personnummer", "Konto"])
        + "</table:table-row><table:table-row>"
        + "".join(f'<table:table-cell office:value-type="string">{p(c)}</table:table-cell>'
                  for c in [f"Kund: {ASA}", PNR2, IBAN_GB])
        + "</table:table-row></table:table>",
        p(f"Dear {JOHN},"),
        p("The delivery covers office supplies."),
        p(f"Name: {JOHN}"),
        p(f"Card: {MC}"),
        # Worded so that LibreOffice's PDF breaks the line inside the card number.
        p(f"Please note that the payment for the office supplies was made with the customer's card {VISA} "
          "and was refunded."),
        p(f"SSN: {SSN}"),
        p(f"Phone: {PHONE_US}"),
        f'<text:p>Email: <text:a xlink:type="simple" xlink:href="mailto:{MAIL_EN}">write to us</text:a></text:p>',
        p("Payment is due within thirty days."),
        p("Med vänliga hälsningar"),
    ])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:mimetype="application/vnd.oasis.opendocument.text">
 {meta(f"Avtal för {ANNA}", f"Kund: {ANNA}, personnummer {PNR1}")}
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
   <style:header-style><style:header-footer-properties fo:min-height="0.6cm"/></style:header-style>
   <style:footer-style><style:header-footer-properties fo:min-height="0.6cm"/></style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header>{p(f"Ärende för {ASA}, personnummer {PNR2}")}</style:header>
   <style:footer>{p(f"Kontakt: {MAIL_EN}, telefon {PHONE_SE}")}</style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:text>
   <text:tracked-changes text:track-changes="false">
    <text:changed-region xml:id="ct1" text:id="ct1">
     <text:deletion>
      <office:change-info><dc:creator>{e(ASA)}</dc:creator><dc:date>{DATE}</dc:date></office:change-info>
      {p(f"gammalt kort {VISA} och {ASA}")}
     </text:deletion>
    </text:changed-region>
   </text:tracked-changes>
{body}
  </office:text>
 </office:body>
</office:document>
"""


# ---------------------------------------------------------------- spreadsheet
def cell(v):
    return f'<table:table-cell office:value-type="string">{p(v)}</table:table-cell>'


def fods():
    head = "".join(cell(c) for c in ["Namn", "Personnummer", "Kort", "IBAN", "E-post", "Telefon"])
    anna = "".join(cell(c) for c in [f"Kund: {ANNA}", PNR1, VISA, IBAN_SE]) + (
        f'<table:table-cell office:value-type="string"><text:p>'
        f'<text:a xlink:type="simple" xlink:href="mailto:{MAIL_SE}">Skicka e-post</text:a></text:p></table:table-cell>'
    ) + cell(PHONE_SE)
    john = cell(f"Name: {JOHN}") + cell(SSN) + (
        # A card number in a number cell (15 digits: a float keeps them all).
        f'<table:table-cell table:style-name="ce1" office:value-type="float" office:value="378282246310005">'
        f"<text:p>378282246310005</text:p></table:table-cell>"
    ) + cell(IBAN_GB) + cell(MAIL_EN) + (
        f'<table:table-cell office:value-type="string"><office:annotation><dc:creator>{e(ANNA)}</dc:creator>'
        f"<dc:date>{DATE}</dc:date>{p(f'Ring {JOHN} på {PHONE_US}')}</office:annotation>"
        f"{p(PHONE_US)}</table:table-cell>"
    )
    total = cell("Summa") + cell("Kundregister") + cell("Customer register")
    second = (
        f"<table:table-row>{cell(f'Hej {ASA}')}{cell('Resekort')}{cell('5555555555554444')}{cell(PNR2)}</table:table-row>"
        f"<table:table-row>{cell('Reseräkning')}{cell('Travel expenses')}</table:table-row>"
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 {meta(f"Kundlista för {ANNA}", f"Kund: {ANNA}, personnummer {PNR1}")}
 <office:automatic-styles>
  <number:number-style style:name="N1"><number:number number:decimal-places="0" number:min-integer-digits="1"/></number:number-style>
  <style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>
 </office:automatic-styles>
 <office:body>
  <office:spreadsheet>
   <table:table table:name="Kunder">
    <table:table-column table:number-columns-repeated="6"/>
    <table:table-row>{head}</table:table-row>
    <table:table-row>{anna}</table:table-row>
    <table:table-row>{john}</table:table-row>
    <table:table-row>{total}</table:table-row>
   </table:table>
   <table:table table:name="{e(ASA)}">
    <table:table-column table:number-columns-repeated="4"/>
    {second}
   </table:table>
  </office:spreadsheet>
 </office:body>
</office:document>
"""


# ---------------------------------------------------------------- presentation
def frame(y, paras, title=None):
    t = f"<svg:title>{e(title)}</svg:title><svg:desc>{e(title)}</svg:desc>" if title else ""
    return (f'<draw:frame svg:x="1cm" svg:y="{y}cm" svg:width="26cm" svg:height="5cm">'
            f"<draw:text-box>{''.join(p(x) for x in paras)}</draw:text-box>{t}</draw:frame>")


def notes(paras):
    return ('<presentation:notes><draw:frame presentation:class="notes" svg:x="2cm" svg:y="14cm" '
            f'svg:width="17cm" svg:height="10cm"><draw:text-box>{"".join(p(x) for x in paras)}'
            "</draw:text-box></draw:frame></presentation:notes>")


def fodp():
    s1 = (frame(1, ["Kundmöte"]) + frame(4, [f"Kund: {ANNA}", f"Personnummer {PNR1}", f"Kort {VISA}",
                                               f"IBAN {IBAN_SE}", f"E-post {MAIL_SE}"], f"Name: {JOHN}")
          + notes([f"Hej {ASA}, ring {PHONE_SE} före mötet.", "Mötet gäller leveransen."]))
    s2 = (frame(1, ["Customer meeting"]) + frame(4, [f"Dear {JOHN},", f"Card {MC}", f"IBAN {IBAN_GB}",
                                                      f"Email {MAIL_EN}", f"Amex {AMEX}"])
          + notes([f"Name: {JOHN}, SSN {SSN}, personnummer {PNR2}.", "The meeting covers the delivery."]))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:mimetype="application/vnd.oasis.opendocument.presentation">
 {meta(f"Möte med {ANNA}", f"Kund: {ANNA}")}
 <office:automatic-styles>
  <style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" fo:page-height="15.75cm" style:print-orientation="landscape"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Default" style:page-layout-name="PM1"/></office:master-styles>
 <office:body>
  <office:presentation>
   <draw:page draw:name="page1" draw:master-page-name="Default">{s1}</draw:page>
   <draw:page draw:name="page2" draw:master-page-name="Default">{s2}</draw:page>
  </office:presentation>
 </office:body>
</office:document>
"""


# ---------------------------------------------------------------- HTML letter
def html_letter():
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Brev till {e(ANNA)}</title>
<meta name="author" content="Kund: {e(ASA)}">
<style>body {{ font-family: sans-serif; margin: 2em; }} .n {{ font-weight: bold; }}</style>
</head>
<body>
<h1>Tack för din beställning</h1>
<p>Hej <span class="n">{e(ANNA)}</span>,</p>
<p>Kund: {e(ANNA)}, personnummer {PNR1}.</p>
<p>Kortnummer: <b>4111</b> 1111 1111 1111 har debiterats.</p>
<p>Kontonummer (IBAN): {IBAN_SE}</p>
<p>E-post: <a href="mailto:{MAIL_SE}">{e(MAIL_SE)}</a>, telefon <a href="tel:+46701234567">{PHONE_SE}</a></p>
<!-- intern anteckning: Amex {AMEX} -->
<form><input name="kund" value="Kund: {e(ASA)}" title="Personnummer {PNR2}"></form>
<p>Leveransen avser kontorsmaterial.</p>
<hr>
<p>Dear {e(JOHN)},</p>
<p>Thank you for your order.</p>
<p>Name: {e(JOHN)}<br>Card: {MC}<br>IBAN: {IBAN_GB}<br>SSN: {SSN}<br>Phone: {PHONE_US}</p>
<p><abbr title="Email {MAIL_EN}">Contact</abbr>: <a href="mailto:{MAIL_EN}">write to us</a></p>
<p>Kind regards</p>
<script>var page = "letter";</script>
</body>
</html>
"""


# ---------------------------------------------------------------- e-mail
TEXT_BODY = f"""Hej {ASA},

Tack för din beställning. Leveransen avser kontorsmaterial.

Kund: {ANNA}
Personnummer: {PNR1}
Kortnummer: {VISA}
Kontonummer (IBAN): {IBAN_SE}
Telefon: {PHONE_SE}

Dear {JOHN},

Thank you for your order.
Card: {MC}
IBAN: {IBAN_GB}
SSN: {SSN}

Med vänliga hälsningar
"""


def base_message(subject, n):
    msg = EmailMessage()
    msg["From"] = Address(ANNA, *MAIL_SE.split("@"))
    msg["To"] = Address(JOHN, *MAIL_EN.split("@"))
    msg["Cc"] = Address(ASA, "kundtjanst", "example.org")
    msg["Reply-To"] = Address(ASA, *MAIL_SE.split("@"))
    msg["Subject"] = subject
    msg["Date"] = "Fri, 01 Mar 2024 10:00:00 +0100"
    msg["Message-ID"] = f"<fixture-{n}@example.org>"
    return msg


def write_emails(out, pdf, docx, png):
    random.seed(17)  # MIME boundaries come from `random`
    msg = base_message(f"Faktura till {ASA}, kort {AMEX}", 1)
    msg.set_content(TEXT_BODY, charset="utf-8", cte="quoted-printable")
    html = html_letter()
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="avtal.pdf")
    msg.add_attachment(docx, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="brev.docx")
    with open(os.path.join(out, "mail-alternative.eml"), "wb") as f:
        f.write(msg.as_bytes())

    box_path = os.path.join(out, "mailbox.mbox")
    if os.path.exists(box_path):
        os.remove(box_path)
    box = mailbox.mbox(box_path)
    m1 = base_message(f"Hej {ANNA}", 2)
    m1.set_content(f"Hej {ASA},\n\nKund: {ANNA}, personnummer {PNR2}, kort {VISA}.\n"
                   "Leveransen avser kontorsmaterial.\n", charset="utf-8", cte="quoted-printable")
    m2 = base_message("Your order", 3)
    m2.set_content(f"Dear {JOHN},\n\nCard {MC}, IBAN {IBAN_GB}, phone {PHONE_US}.\n"
                   "Thank you for your order.\n", charset="utf-8", cte="base64")
    for m in (m1, m2):
        mm = mailbox.mboxMessage(m)
        mm.set_from("MAILER-DAEMON", time.gmtime(1709283600))
        box.add(mm)
    box.flush()
    box.close()

    u = base_message(f"Skannat brev till {ASA}", 4)
    u.set_content(f"Kund: {ANNA}\nSe bifogad bild.\n", charset="utf-8", cte="quoted-printable")
    u.add_attachment(png, maintype="image", subtype="png", filename="skanning.png")
    with open(os.path.join(out, "unsupported", "mail-with-png.eml"), "wb") as f:
        f.write(u.as_bytes())

    # message/rfc822 nested 40 deep.
    inner = base_message("Vidarebefordrat 0", 100)
    inner.set_content(f"Kund: {ANNA}, kort {VISA}\n")
    for i in range(1, 40):
        outer = base_message(f"Vidarebefordrat {i}", 100 + i)
        outer.set_content("Se bifogat meddelande.\n")
        outer.add_attachment(inner)
        inner = outer
    with open(os.path.join(out, "limits", "nested.eml"), "wb") as f:
        f.write(inner.as_bytes())


# ---------------------------------------------------------------- zip bomb
def bomb(path):
    """A DOCX-shaped 42.zip: packages nested 4 deep, 16 members per level, the leaves
    10.5 MB of whitespace each (some 700 GB in all once unpacked)."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="docx" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    big = (f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>'.encode()
           + b" " * (10 * 1024 * 1024 + 512 * 1024)
           + b"<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>")

    def package(document, members):
        import io
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for name, data in [("[Content_Types].xml", ct), ("_rels/.rels", rels),
                               ("word/document.xml", document)] + members:
                z.writestr(zipfile.ZipInfo(name, (2024, 3, 1, 10, 0, 0)), data,
                           compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        return buf.getvalue()

    level = package(big, [(f"customXml/item{i}.xml", big) for i in range(1, 16)])
    for _ in range(3):
        # The main part of every level is a leaf too: a reader that checks the ratio of
        # what it unpacks stops at the top; one that does not meets the total.
        level = package(big, [(f"word/embeddings/package{i}.docx", level) for i in range(1, 17)])
    with open(path, "wb") as f:
        f.write(level)


# ---------------------------------------------------------------- producers
class Soffice:
    def __init__(self, tmp):
        self.profile = "file://" + os.path.join(tmp, "lo-profile")

    def convert(self, src, filt, outdir):
        os.makedirs(outdir, exist_ok=True)
        subprocess.run(["soffice", f"-env:UserInstallation={self.profile}", "--headless",
                        "--norestore", "--convert-to", filt, "--outdir", outdir, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    for sub in ("", "unsupported", "unsupported/folder", "limits"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="sekretess-fixtures-")
    try:
        build(out, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build(out, tmp):
    src = os.path.join(tmp, "src")
    os.makedirs(src)
    for name, text in [("letter.fodt", fodt()), ("sheet.fods", fods()), ("slides.fodp", fodp()),
                       ("letter.html", html_letter())]:
        with open(os.path.join(src, name), "w", encoding="utf-8") as f:
            f.write(text)
    lo = Soffice(tmp)
    conv = os.path.join(tmp, "conv")
    fodt_path = os.path.join(src, "letter.fodt")
    lo.convert(fodt_path, "docx:MS Word 2007 XML", conv)
    lo.convert(fodt_path, "odt", conv)
    lo.convert(fodt_path, 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}', conv)
    lo.convert(fodt_path, "doc:MS Word 97", conv)
    lo.convert(os.path.join(src, "sheet.fods"), "xlsx:Calc MS Excel 2007 XML", conv)
    lo.convert(os.path.join(src, "sheet.fods"), "ods", conv)
    lo.convert(os.path.join(src, "slides.fodp"), "pptx:Impress MS PowerPoint 2007 XML", conv)
    for a, b in [("letter.docx", "letter.docx"), ("letter.odt", "letter.odt"), ("letter.pdf", "letter-lo.pdf"),
                 ("sheet.xlsx", "sheet.xlsx"), ("sheet.ods", "sheet.ods"), ("slides.pptx", "slides.pptx")]:
        shutil.copyfile(os.path.join(conv, a), os.path.join(out, b))
    shutil.copyfile(os.path.join(conv, "letter.doc"), os.path.join(out, "unsupported", "letter.doc"))
    shutil.copyfile(os.path.join(src, "letter.html"), os.path.join(out, "letter.html"))

    # Chromium prints the HTML letter.
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={os.path.join(tmp, 'chromium')}",
                    f"--print-to-pdf={os.path.join(out, 'letter-chromium.pdf')}",
                    "file://" + os.path.join(src, "letter.html")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # The unsupported set.
    uns = os.path.join(out, "unsupported")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile",
                    os.path.join(out, "letter-lo.pdf"), os.path.join(uns, "scan")], check=True,
                   stderr=subprocess.DEVNULL)
    subprocess.run(["qpdf", "--static-id", "--static-aes-iv", "--encrypt", "user", "owner", "256", "--",
                    os.path.join(out, "letter-chromium.pdf"), os.path.join(uns, "encrypted.pdf")], check=True)
    member = os.path.join(tmp, "kund.txt")
    with open(member, "w", encoding="utf-8") as f:
        f.write(f"Kund: {ANNA}\nKortnummer: {VISA}\n")
    os.utime(member, (1709283600, 1709283600))
    zpath = os.path.join(uns, "protected.zip")
    if os.path.exists(zpath):
        os.remove(zpath)
    subprocess.run(["zip", "-q", "-X", "-j", "-P", "hemligt", zpath, member], check=True)
    with open(os.path.join(uns, "random.bin"), "wb") as f:
        f.write(random.Random(17).randbytes(4096))
    folder = os.path.join(uns, "folder")
    with open(os.path.join(folder, "clean.txt"), "w", encoding="utf-8") as f:
        f.write("Leveransen avser kontorsmaterial.\nThe delivery covers office supplies.\n")
    shutil.copyfile(os.path.join(uns, "scan.png"), os.path.join(folder, "scan.png"))

    with open(os.path.join(out, "letter-lo.pdf"), "rb") as f:
        pdf = f.read()
    with open(os.path.join(out, "letter.docx"), "rb") as f:
        docx = f.read()
    with open(os.path.join(uns, "scan.png"), "rb") as f:
        png = f.read()
    write_emails(out, pdf, docx, png)
    bomb(os.path.join(out, "limits", "bomb.docx"))
    check_wrapped(out)
    write_manifest(out)


# Values that letter-lo.pdf shows broken over two lines (pdftotext), as LibreOffice 7.4 wraps them.
WRAPPED = ["GB82 WEST 1234\n5698 7654 32", "4111 1111\n1111 1111"]


def check_wrapped(out):
    text = extract.pdf_text(open(os.path.join(out, "letter-lo.pdf"), "rb").read())
    for w in WRAPPED:
        if w not in text:
            print(f"make.py: warning: letter-lo.pdf no longer breaks the line inside {w.split()[0]}…; "
                  "reword the paragraph for this LibreOffice version", file=sys.stderr)


# Where each fixture holds each value (documentation only; the tests check every value).
KEEP_SV = ["Leveransen avser kontorsmaterial", "Med vänliga hälsningar", "senast inom trettio dagar"]
KEEP_EN = ["The delivery covers office supplies", "Payment is due within thirty days", "and was refunded"]
ALL = [VISA, MC, AMEX, PNR1, PNR2, IBAN_SE, IBAN_GB, MAIL_SE, MAIL_EN, PHONE_SE, PHONE_US, SSN, ANNA, ASA, JOHN]

FIXTURES = [
    ("letter.docx", "docx", ALL, KEEP_SV + KEEP_EN + ["Avtal och villkor", "Betalning sker inom trettio dagar"],
     "LibreOffice Writer from letter.fodt: body, table, header, footer, footnote, comment (text and author), "
     "tracked deletion, mailto: hyperlinks, core/app/custom properties"),
    ("letter.odt", "odt", ALL, KEEP_SV + KEEP_EN + ["Avtal och villkor", "Betalning sker inom trettio dagar"],
     "LibreOffice Writer from letter.fodt: as letter.docx (header/footer in styles.xml, meta.xml)"),
    ("letter-lo.pdf", "pdf", None, KEEP_SV + KEEP_EN + ["Avtal och villkor"],
     "LibreOffice Writer PDF export from letter.fodt: page text (an IBAN and a card number broken "
     "over two lines), header, footer, footnote, comments as annotations, link annotations, Info dictionary"),
    ("sheet.xlsx", "xlsx", [VISA, MC, AMEX, PNR1, PNR2, IBAN_SE, IBAN_GB, MAIL_SE, MAIL_EN, PHONE_SE, PHONE_US, SSN, ANNA, ASA, JOHN],
     ["Kundregister", "Customer register", "Reseräkning", "Travel expenses"],
     "LibreOffice Calc from sheet.fods: shared strings, a number cell holding a card number, "
     "a sheet named after a person, a comment, a mailto: hyperlink, properties"),
    ("sheet.ods", "ods", [VISA, MC, AMEX, PNR1, PNR2, IBAN_SE, IBAN_GB, MAIL_SE, MAIL_EN, PHONE_SE, PHONE_US, SSN, ANNA, ASA, JOHN],
     ["Kundregister", "Customer register", "Reseräkning", "Travel expenses"],
     "LibreOffice Calc from sheet.fods: as sheet.xlsx (office:value of the number cell)"),
    ("slides.pptx", "pptx", [v for v in ALL if v != PHONE_US], ["Kundmöte", "Customer meeting", "Mötet gäller leveransen", "The meeting covers the delivery"],
     "LibreOffice Impress from slides.fodp: slide text, speaker notes, alt text (title/description), properties"),
    ("letter.html", "html", ALL, ["Tack för din beställning", "Leveransen avser kontorsmaterial", "Thank you for your order", "Kind regards"],
     "written by make.py: title, meta author, text nodes (one value split by <b>), comment, "
     "input value/title, abbr title, mailto:/tel: hrefs"),
    ("letter-chromium.pdf", "pdf", None, ["Tack för din beställning", "Leveransen avser kontorsmaterial", "Thank you for your order", "Kind regards"],
     "headless Chromium print of letter.html: page text, link annotations, Info title"),
    ("mail-alternative.eml", "email", ALL, ["Tack för din beställning", "Leveransen avser kontorsmaterial", "Thank you for your order",
                                            "avtal.pdf", "brev.docx", "Avtal och villkor", "The delivery covers office supplies"],
     "Python email: From/To/Cc/Reply-To display names and addresses, RFC 2047 Subject, "
     "multipart/alternative (text/plain quoted-printable, text/html base64), "
     "attachments letter-lo.pdf and letter.docx (base64)"),
    ("mailbox.mbox", "mbox", [VISA, MC, PNR2, IBAN_GB, MAIL_SE, MAIL_EN, PHONE_US, ANNA, ASA, JOHN],
     ["Leveransen avser kontorsmaterial", "Thank you for your order"],
     "Python mailbox.mbox: two messages (quoted-printable, base64)"),
]

UNSUPPORTED = [
    ("unsupported/scan.png", "image", "pdftoppm -png of letter-lo.pdf page 1"),
    ("unsupported/encrypted.pdf", "encrypted-pdf", "qpdf --encrypt user owner 256 of letter-chromium.pdf"),
    ("unsupported/protected.zip", "encrypted-archive", "zip -P (ZipCrypto) of a text file"),
    ("unsupported/letter.doc", "ole-binary", "LibreOffice Writer, MS Word 97 export of letter.fodt"),
    ("unsupported/random.bin", "unknown-binary", "4096 random bytes (Python random, seed 17)"),
    ("unsupported/mail-with-png.eml", "image", "Python email: a text body and scan.png attached"),
]

LIMITS = [
    ("limits/bomb.docx", ["max_ratio", "max_unpacked", "max_depth"],
     "42.zip-style: DOCX-shaped packages nested 4 deep, 16 members per level, leaves of 10.5 MB of spaces"),
    ("limits/nested.eml", ["max_depth"], "Python email: message/rfc822 nested 40 deep"),
]


def write_manifest(out):
    fixtures = []
    for file, kind, values, keep, made in FIXTURES:
        path = os.path.join(out, file)
        text = extract.any_text(open(path, "rb").read()) if kind not in ("mbox",) else None
        if kind == "mbox":
            text = subprocess.run([sys.executable, os.path.join(HERE, "extract.py"), "email", path],
                                  check=True, capture_output=True).stdout.decode()
        if kind == "pdf":
            # Only what the extractors see in the PDF.
            data = open(path, "rb").read()
            text, raw = extract.pdf_text(data), extract.pdf_raw(data)
            values = [v for v in ALL if found(text, v) or v in raw]
            text += raw
        missing = [v for v in values if not found(text, v)]
        lost = [k for k in keep if norm(k) not in norm(text)]
        if missing or lost:
            raise SystemExit(f"{file}: extractor does not see planted {missing} / kept {lost}")
        fixtures.append({"file": file, "kind": kind, "made_by": made,
                         "planted": [{"value": v, "label": LABELS[v]} for v in values],
                         "keep": keep})
    manifest = {
        "about": "Document fixtures of issue 17; made by scripts/make-doc-fixtures.sh. "
                 "planted: values that must be absent from the redacted output (also with spaces "
                 "and dashes removed); keep: ordinary phrases that must survive.",
        "fixtures": fixtures,
        "unsupported": [{"file": f, "reason": r, "made_by": m} for f, r, m in UNSUPPORTED],
        "unsupported_folder": {"dir": "unsupported/folder", "files": ["clean.txt", "scan.png"],
                               "not_inspected": ["scan.png"]},
        "limits": [{"file": f, "limit_any_of": l, "made_by": m} for f, l, m in LIMITS],
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")


def norm(s):
    return " ".join(s.split())


def squeeze(s):
    return "".join(c for c in s if not c.isspace() and c not in "-–()")


def found(text, value):
    return value in text or squeeze(value) in squeeze(text)


if __name__ == "__main__":
    main()
