"""Real-OCR pair generator: render People's Daily lines, degrade them like scanned newsprint, read
them with Tesseract and PaddleOCR (PP-OCRv4/v6 via rapidocr), align the output to the truth.

Entry points: ``python -m benchmarks.ocrgen`` (pairs as JSONL) and ``scripts/build/mine_ocr_confusions.py``
(confusion tables). Heavy imports (engines, Pillow, numpy) live in submodules, never here; the
alignment helpers in :mod:`benchmarks.ocrgen.align` need nothing outside the standard library.
"""
