"""Engine JSON, read-only: RapidOCR and PaddleOCR 3.x results.

Accepted shapes (anything else is an error naming the file):

- RapidOCR 3.x ``RapidOCROutput.to_json()``: ``[{"box": [[x, y]×4], "txt": str, "score": float}, …]``;
  a line may carry ``"word_results": [[text, score, box], …]`` (``return_word_box=True``,
  ``return_single_char_box=True``), which gives every character its own score;
- rapidocr-onnxruntime 1.x: ``[[box, text, score], …]``;
- PaddleOCR 2.x ``ocr.ocr()`` as ``json.dump`` writes it: ``[[box, [text, score]], …]``, or one such
  list per page (``[[[box, [text, score]], …], …]``; an empty page is ``null``);
- PaddleOCR 3.x ``save_to_json`` (optionally under ``"res"``): ``{"rec_texts": [...],
  "rec_scores": [...], …}``: a score per line only (and lines under ``text_rec_score_thresh`` are
  already gone).

Scores are 0–1. There are no per-character elements to write into, so JSON input gives restored
text and JSONL.
"""

from __future__ import annotations

import json
from typing import Any

from restore.errors import InputError
from restore.formats.model import Box, DocumentBuilder, OcrDocument, bounding_box


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def read(data: bytes, name: str, text: str) -> OcrDocument:
    """Read engine JSON (already decoded as ``text``)."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{name}: not JSON ({exc})") from exc
    if isinstance(payload, dict) and isinstance(payload.get("res"), dict):
        payload = payload["res"]
    builder = DocumentBuilder()
    if isinstance(payload, dict) and isinstance(payload.get("rec_texts"), list):
        texts, scores = payload["rec_texts"], payload.get("rec_scores")
        wrong = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
        if wrong is not None:
            raise InputError(f"{name}: rec_texts[{wrong}] must be a string, got {_shown(texts[wrong])}")
        if scores is None:
            scores = [None] * len(texts)
        elif not isinstance(scores, list) or len(scores) != len(texts):
            got = f"{len(scores)} scores" if isinstance(scores, list) else _shown(scores)
            raise InputError(f"{name}: rec_scores must give one score per line of rec_texts "
                             f"({len(texts)} line(s)), got {got}")
        wrong = next((i for i, v in enumerate(scores) if v is not None and _number(v) is None), None)
        if wrong is not None:
            raise InputError(f"{name}: rec_scores[{wrong}] must be a number (0–1), got {_shown(scores[wrong])}")
        for line, line_text in enumerate(texts):
            score = _number(scores[line])
            builder.add_word(line_text, line=line, ref=f"line {line + 1}", kind="line", confidences=[score] * len(line_text))
        return builder.build(format="paddleocr-json", version="3", engine="ppocr", source=data, path=name)
    if not isinstance(payload, list):
        raise InputError(f"{name}: not OCR engine JSON (expected a RapidOCR or PaddleOCR list of lines or PaddleOCR rec_texts)")
    if any(payload) and all(page is None or (isinstance(page, list) and all(map(_is_paddle2_line, page))) for page in payload):
        payload = [line for page in payload if page for line in page]  # PaddleOCR 2.x: one list per page
    paddle2 = bool(payload) and all(map(_is_paddle2_line, payload))
    for line, item in enumerate(payload):
        if isinstance(item, dict) and ("txt" in item or "score" in item):
            _check_rapidocr_line(item, line, name)
            line_text, score, chars = item["txt"], _number(item.get("score")), item.get("word_results")
        elif isinstance(item, list) and len(item) == 3 and isinstance(item[1], str):
            line_text, score, chars = item[1], _number(item[2]), None
        elif _is_paddle2_line(item):
            line_text, score, chars = item[1][0], _number(item[1][1]), None
        else:
            raise InputError(f"{name}: line {line + 1} is not an OCR result: expected a RapidOCR line "
                             '({"txt": text, "score": number, "box": ...} or [box, text, score]) or a PaddleOCR '
                             f"[box, [text, score]], got {_shown(item)}")
        confidences: list[float | None] = [score] * len(line_text)
        boxes: list[Box | None] = []
        if isinstance(chars, list) and all(isinstance(c, list) and len(c) >= 2 and isinstance(c[0], str) for c in chars):
            if "".join(c[0] for c in chars) == line_text and all(len(c[0]) == 1 for c in chars):
                confidences = [_number(c[1]) for c in chars]
                # RapidOCR centres each character's box on its CTC column: where one was dropped shows.
                boxes = [bounding_box(c[2]) if len(c) > 2 and isinstance(c[2], list) else None for c in chars]
        builder.add_word(line_text, line=line, ref=f"line {line + 1}", kind="line", confidences=confidences, boxes=boxes)
    if paddle2:
        return builder.build(format="paddleocr-json", version="2", engine="ppocr", source=data, path=name)
    return builder.build(format="rapidocr-json", version="", engine="ppocr", source=data, path=name)


def _check_rapidocr_line(item: dict[str, Any], line: int, name: str) -> None:
    """A RapidOCR line has a string ``txt`` and (if any) a number ``score``; else an error naming the field."""
    if not isinstance(item.get("txt"), str):
        found = _shown(item["txt"]) if "txt" in item else "none"
        raise InputError(f"{name}: line {line + 1}: 'txt' must be the line's text (a string), got {found}")
    if item.get("score") is not None and _number(item["score"]) is None:
        raise InputError(f"{name}: line {line + 1}: 'score' must be a number (0–1), got {_shown(item['score'])}")


def _shown(value: Any) -> str:
    """A JSON value in an error message: its type and a short repr."""
    return f"{type(value).__name__} {json.dumps(value, ensure_ascii=False)[:40]}"


def _is_paddle2_line(item: Any) -> bool:
    """``[box, [text, score]]``: one line of PaddleOCR 2.x's ``ocr.ocr()`` result."""
    return (isinstance(item, list) and len(item) == 2 and isinstance(item[0], list)
            and isinstance(item[1], list) and len(item[1]) == 2 and isinstance(item[1][0], str)
            and _number(item[1][1]) is not None)
