//! HTML redaction, checked with Python's `html.parser`.
