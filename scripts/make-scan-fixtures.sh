#!/usr/bin/env bash
# Make the scan fixtures of issue 26 (crates/sekretess-detect/tests/fixtures/scans/):
# letters and forms written here as HTML, rendered to PDF by LibreOffice, rasterized by
# pdftoppm at 200 and 300 dpi, degraded copies made with ImageMagick (rotation, noise,
# JPEG quality 60), and a blank page, a photo-like image without text and an unreadably
# blurred page. Planted values are public TEST values (PayPal/Payflow test cards from
# /work/shared/testdata/cards, Skatteverket's test personnummer 19121212-1212, Luhn-valid
# samordnings/personnummer computed here, IBAN registry examples, example.* e-mail domains,
# fictional phone numbers and names). manifest.json lists them per file.
#
# Needs: soffice (libreoffice-writer-nogui), pdftoppm (poppler-utils), convert (imagemagick).
# Deterministic seeds; re-running gives visually identical files (encoders may differ
# slightly between versions).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/crates/sekretess-detect/tests/fixtures/scans"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for tool in soffice pdftoppm convert; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
mkdir -p "$out"

cat > "$work/letter-sv.html" <<'EOF'
<!doctype html><html><head><meta charset="utf-8">
<style>body{font-family:'Liberation Serif';font-size:13pt} td{padding:4pt 10pt}</style></head><body>
<p>Stockholm den 3 mars 2026</p>
<p>Kund: Anna Svensson<br>Personnummer: 19121212-1212<br>E-post: anna.svensson@example.se<br>Telefon: +46 70 123 45 67</p>
<p>Hej Anna,</p>
<p>Leveransen avser kontorsmaterial enligt ordern ovan. Betalning sker inom trettio dagar
till vårt konto med IBAN SE45 5000 0000 0583 9825 7466.</p>
<p>Vi har debiterat kortet 4111 1111 1111 1111 för första delen och kortet
5555 5555 5555 4444 för resten av beloppet.</p>
<p>Med vänliga hälsningar<br>Kundtjänst</p>
</body></html>
EOF

cat > "$work/form-en.html" <<'EOF'
<!doctype html><html><head><meta charset="utf-8">
<style>body{font-family:'Liberation Sans';font-size:12pt} td{padding:5pt 12pt;border:1px solid #000}</style></head><body>
<h2>Application form</h2>
<table>
<tr><td>Name</td><td>John Smith</td></tr>
<tr><td>E-mail</td><td>john.smith@example.com</td></tr>
<tr><td>Phone</td><td>+46 8 123 456 78</td></tr>
<tr><td>Card number</td><td>3782 822463 10005</td></tr>
<tr><td>Second card</td><td>6011 1111 1111 1117</td></tr>
<tr><td>IBAN</td><td>GB82 WEST 1234 5698 7654 32</td></tr>
<tr><td>Personal identity number</td><td>811218-9876</td></tr>
</table>
<p>The delivery covers office supplies. Payment is due within thirty days of the invoice date.</p>
<p>Dear John Smith, please sign the form and return it by post.</p>
</body></html>
EOF

# LibreOffice renders the HTML (Writer's HTML import) to PDF.
(cd "$work" && soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export letter-sv.html form-en.html >/dev/null 2>&1)

ras() { # pdf dpi out-prefix
  pdftoppm -r "$2" -gray -singlefile "$work/$1.pdf" "$work/$3"
}
ras letter-sv 300 letter-sv-300
ras letter-sv 200 letter-sv-200
ras form-en 300 form-en-300
ras form-en 200 form-en-200

# Clean renders: 300 dpi grayscale PNG (lossless) and 200 dpi JPEG (quality 85).
convert "$work/letter-sv-300.pgm" -strip "$out/letter-sv-300.png"
convert "$work/form-en-300.pgm" -strip -quality 85 "$out/form-en-300.jpg"
convert "$work/letter-sv-200.pgm" -strip -quality 85 "$out/letter-sv-200.jpg"
# A two-page TIFF (deflate) of the 200 dpi renders.
convert "$work/letter-sv-200.pgm" "$work/form-en-200.pgm" -strip -compress zip "$out/two-pages-200.tif"

# Degraded "scans" at 300 dpi: rotated 1-3 degrees, Gaussian noise, JPEG quality 60.
convert "$work/letter-sv-300.pgm" -background white -rotate 1.5 -seed 7 -attenuate 0.4 +noise Gaussian \
  -strip -quality 60 "$out/letter-sv-300-scan.jpg"
convert "$work/form-en-300.pgm" -background white -rotate -2.5 -seed 11 -attenuate 0.4 +noise Gaussian \
  -strip -quality 60 "$out/form-en-300-scan.jpg"
# The same degraded letter with EXIF/XMP-style metadata (a comment naming the customer) that
# must not survive redaction.
convert "$out/letter-sv-300-scan.jpg" -set comment "Kund Anna Svensson 19121212-1212" \
  -quality 60 "$out/letter-sv-300-scan-meta.jpg"

# Outcome fixtures: a blank page, a photo-like image without text, an unreadably blurred page.
convert -size 1654x2339 xc:white -strip "$out/blank-200.png"
convert -size 900x600 -seed 3 plasma:sandybrown-skyblue -blur 0x2 -strip -quality 80 "$out/photo.jpg"
convert "$work/letter-sv-200.pgm" -blur 0x6 -strip -quality 80 "$out/blurred-200.jpg"

# A PDF whose page is only an image (the degraded 300 dpi form scan), and a mixed page
# (text above an image of the 200 dpi letter), both made by LibreOffice from HTML.
cp "$out/form-en-300-scan.jpg" "$work/scan.jpg"
cp "$out/letter-sv-200.jpg" "$work/part.jpg"
cat > "$work/image-only.html" <<'EOF'
<!doctype html><html><head><meta charset="utf-8"></head><body><p><img src="scan.jpg" width="600" height="824"></p></body></html>
EOF
cat > "$work/mixed.html" <<'EOF'
<!doctype html><html><head><meta charset="utf-8"></head><body>
<p>Inskannad bilaga till ärendet. Kund: Åsa Öberg, e-post asa.oberg@example.se.</p>
<p><img src="part.jpg" width="480" height="679"></p></body></html>
EOF
(cd "$work" && soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export image-only.html mixed.html >/dev/null 2>&1)
cp "$work/image-only.pdf" "$out/image-only.pdf"
cp "$work/mixed.pdf" "$out/mixed.pdf"

{
  echo "soffice: $(soffice --version 2>/dev/null | head -1)"
  echo "pdftoppm: $(pdftoppm -v 2>&1 | head -1)"
  echo "convert: $(convert -version | head -1)"
} > "$out/PRODUCERS.txt"
ls -l "$out"
