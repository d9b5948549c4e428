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

Scores are 0–1 (anything else, NaN too, is an error naming the file and field). A character's
confidence comes only from a per-character score: a line's score says how sure the engine was of
the line as a whole (for CTC recognisers, the mean of its characters' scores), not of any one
character, so lines with only a line score (PaddleOCR 2.x/3.x, rapidocr-onnxruntime 1.x, RapidOCR
without ``word_results``) leave their characters without a confidence and are weighed as text.
RapidOCR keeps a line's spaces in ``txt`` but not in ``word_results``: the entries are matched to
the line's characters other than spaces; an entry of several characters (``return_single_char_box``
off) is a word's score, and its characters get none. ``word_results`` that do not spell the line's
``txt`` are an error. There are no per-character elements to write into, so JSON input gives
restored text and JSONL.

>>> line = {"txt": "Web 版", "score": 0.97, "word_results": [["W", 0.9, [[0, 0], [9, 0], [9, 20], [0, 20]]],
...         ["e", 0.8, None], ["b", 0.99, None], ["版", 0.6, [[40, 0], [60, 0], [60, 20], [40, 20]]]]}
>>> document = read(b"", "r.json", json.dumps([line]))
>>> document.confidences, document.boxes[4]
((0.9, 0.8, 0.99, None, 0.6), (40.0, 0.0, 60.0, 20.0))
>>> read(b"", "p.json", '{"rec_texts": ["新馆"], "rec_scores": [0.98]}').confidences  # a line score only
(None, None)
"""

from __future__ import annotations

import json
import math
from typing import Any

from restore.errors import InputError
from restore.formats.model import Box, DocumentBuilder, OcrDocument, bounding_box


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _score(value: Any, field: str, name: str) -> float | None:
    """A score field's value (None when absent); :class:`InputError` naming ``name`` and ``field``
    unless it is a number from 0 to 1 (NaN, which Python's ``json`` writes and reads, is none)."""
    if value is None:
        return None
    number = _number(value)
    if number is None or not math.isfinite(number) or not 0 <= number <= 1:
        raise InputError(f"{name}: {field} must be a number from 0 to 1, got {_shown(value)}")
    return number


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
        for index, score in enumerate(scores):
            _score(score, f"rec_scores[{index}]", name)
        for line, line_text in enumerate(texts):  # a line score only: no character's confidence
            builder.add_word(line_text, line=line, ref=f"line {line + 1}", kind="line", confidences=[None] * len(line_text))
        return builder.build(format="paddleocr-json", version="3", engine="ppocr", source=data, path=name)
    if not isinstance(payload, list):
        raise InputError(f"{name}: not OCR engine JSON (expected a RapidOCR or PaddleOCR list of lines or PaddleOCR rec_texts)")
    if any(payload) and all(page is None or (isinstance(page, list) and all(map(_is_paddle2_line, page))) for page in payload):
        payload = [line for page in payload if page for line in page]  # PaddleOCR 2.x: one list per page
    paddle2 = bool(payload) and all(map(_is_paddle2_line, payload))
    for line, item in enumerate(payload):
        where = f"line {line + 1}"
        if isinstance(item, dict) and ("txt" in item or "score" in item):
            _check_rapidocr_line(item, line, name)
            line_text, chars = item["txt"], item.get("word_results")
        elif isinstance(item, list) and len(item) == 3 and isinstance(item[1], str):
            _score(item[2], f"{where}: the score", name)
            line_text, chars = item[1], None
        elif _is_paddle2_line(item):
            _score(item[1][1], f"{where}: the score", name)
            line_text, chars = item[1][0], None
        else:
            raise InputError(f"{name}: line {line + 1} is not an OCR result: expected a RapidOCR line "
                             '({"txt": text, "score": number, "box": ...} or [box, text, score]) or a PaddleOCR '
                             f"[box, [text, score]], got {_shown(item)}")
        confidences, boxes = _per_character(line_text, chars, where, name)
        builder.add_word(line_text, line=line, ref=where, kind="line", confidences=confidences, boxes=boxes)
    if paddle2:
        return builder.build(format="paddleocr-json", version="2", engine="ppocr", source=data, path=name)
    return builder.build(format="rapidocr-json", version="", engine="ppocr", source=data, path=name)


def _check_rapidocr_line(item: dict[str, Any], line: int, name: str) -> None:
    """A RapidOCR line has a string ``txt`` and (if any) a ``score`` from 0 to 1; else an error naming the field."""
    if not isinstance(item.get("txt"), str):
        found = _shown(item["txt"]) if "txt" in item else "none"
        raise InputError(f"{name}: line {line + 1}: 'txt' must be the line's text (a string), got {found}")
    _score(item.get("score"), f"line {line + 1}: 'score'", name)


def _per_character(
    line_text: str, chars: Any, where: str, name: str
) -> tuple[list[float | None], list[Box | None]]:
    """Each character's score and box from a RapidOCR line's ``word_results`` (see the module
    docstring); ``None`` for all without them. :class:`InputError` for entries that are not
    ``[text, score, box]`` or do not spell ``line_text``."""
    confidences: list[float | None] = [None] * len(line_text)
    boxes: list[Box | None] = [None] * len(line_text)
    if chars is None or chars == []:
        return confidences, []
    if not isinstance(chars, list):
        raise InputError(f"{name}: {where}: 'word_results' must be a list of [text, score, box], got {_shown(chars)}")
    for index, entry in enumerate(chars):
        if not (isinstance(entry, list) and len(entry) >= 2 and isinstance(entry[0], str)):
            raise InputError(f"{name}: {where}: word_results[{index}] must be [text, score, box], got {_shown(entry)}")
        _score(entry[1], f"{where}: word_results[{index}] score", name)
    spelled = "".join(entry[0] for entry in chars)
    positions = list(range(len(line_text)))
    if spelled != line_text:  # rapidocr leaves the line's spaces out of word_results
        positions = [i for i, char in enumerate(line_text) if not char.isspace()]
        target = "".join(line_text[i] for i in positions)
        if spelled != target:
            at = next((i for i, (a, b) in enumerate(zip(spelled, target)) if a != b), min(len(spelled), len(target)))
            raise InputError(
                f"{name}: {where}: word_results do not spell the line's txt: {len(spelled)} characters for its "
                f"{len(target)} (spaces aside), first differing at character {at + 1} (word_results: "
                f"{_char_at(spelled, at)}, txt: {_char_at(target, at)})")
    cursor = iter(positions)
    for text, score, *rest in chars:
        placed = [next(cursor) for _char in text]
        if len(text) == 1:  # a word of several characters has a word's score, not each character's
            confidences[placed[0]] = _number(score)
            # RapidOCR centres each character's box on its CTC column: where one was dropped shows.
            boxes[placed[0]] = bounding_box(rest[0]) if rest and isinstance(rest[0], list) else None
    return confidences, boxes


def _char_at(text: str, index: int) -> str:
    """``text[index]`` quoted for an error message, or ``end`` past its end."""
    return json.dumps(text[index], ensure_ascii=False) if index < len(text) else "end"


def _shown(value: Any) -> str:
    """A JSON value in an error message: its type and a short repr."""
    return f"{type(value).__name__} {json.dumps(value, ensure_ascii=False)[:40]}"


def _is_paddle2_line(item: Any) -> bool:
    """``[box, [text, score]]``: one line of PaddleOCR 2.x's ``ocr.ocr()`` result."""
    return (isinstance(item, list) and len(item) == 2 and isinstance(item[0], list)
            and isinstance(item[1], list) and len(item[1]) == 2 and isinstance(item[1][0], str)
            and _number(item[1][1]) is not None)
