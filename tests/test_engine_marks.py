"""The OCR engine's alternatives as evidence for the width of a mark (PunctConfig.engine_listed_width)."""

from __future__ import annotations

import dataclasses

import restore
from ocrfiles import Reading
from restore.config import Config
from restore.evidence import EngineReading

# Written for these tests: a colon between two clauses (not after a verb of saying, so the width
# rule alone leaves it to the char stage) and a line-final colon.
INSIDE = "他们的计划很简单:先修路再建桥"
AT_END = "会议通过了三项决定:"


def read(text: str, alternatives: tuple[tuple[str, float | None], ...] = (), engine: str = "ppocrv6") -> Reading:
    colon = text.index(":")
    confidences = tuple(0.97 if i == colon else 0.99 for i in range(len(text)))
    return Reading(engine, confidences, {colon: alternatives} if alternatives else {})


def colon_change(result: restore.Result, text: str) -> restore.Edit | None:
    colon = text.index(":")
    return next((e for e in result.edits if e.start <= colon < e.end), None)


def test_a_colon_the_engine_also_read_full_width_is_converted(corrector: restore.Corrector) -> None:
    result = corrector.fix(INSIDE, ocr=read(INSIDE, (("：", 0.02), (";", 0.001))))
    edit = colon_change(result, INSIDE)
    assert edit is not None and edit.after == "：" and edit.source == "punct:halfwidth-mark"
    assert edit.confidence == Config().punct.confidence
    assert EngineReading("ppocrv6", 0.97, 0.02) in edit.evidence


def test_without_the_listing_the_colon_stays_a_suggestion(corrector: restore.Corrector) -> None:
    for reading in (read(INSIDE), read(INSIDE, ((";", 0.02),))):
        result = corrector.fix(INSIDE, ocr=reading)
        assert colon_change(result, INSIDE) is None
        assert [s.after for s in result.suggestions if s.start == INSIDE.index(":")] == ["："]


def test_a_listed_line_final_colon_is_converted_at_the_line_end_confidence(corrector: restore.Corrector) -> None:
    assert colon_change(corrector.fix(AT_END, ocr=read(AT_END)), AT_END) is None  # may introduce Latin or a list
    edit = colon_change(corrector.fix(AT_END, ocr=read(AT_END, (("：", 0.1),))), AT_END)
    assert edit is not None and edit.after == "："
    assert edit.confidence == Config().punct.line_end_confidence


def test_the_listing_counts_only_with_the_engine_prior_and_the_setting() -> None:
    reading = read(INSIDE, (("：", 0.02),))
    for config in (
        Config().replace(char=dataclasses.replace(Config().char, engine_prior=False)),
        Config().replace(punct=dataclasses.replace(Config().punct, engine_listed_width=False)),
    ):
        assert colon_change(restore.Corrector(config).fix(INSIDE, ocr=reading), INSIDE) is None


# Written for this test: a comma the engine printed twice, the second copy with less confidence.
TWICE = "我们先到北京，，再去上海"


def test_a_doubled_mark_loses_the_copy_the_engine_doubted(corrector: restore.Corrector) -> None:
    first = TWICE.index("，，")
    confidences = [0.99] * len(TWICE)
    confidences[first], confidences[first + 1] = 0.98, 0.6
    result = corrector.fix(TWICE, ocr=Reading("ppocrv6", tuple(confidences)))
    (edit,) = [e for e in result.edits if e.source == "punct:doubled-mark"]
    assert (edit.start, edit.after, result.text) == (first + 1, "", "我们先到北京，再去上海")
    assert EngineReading("ppocrv6", 0.6, None) in edit.evidence
    # Equal confidences, none, or the engine's evidence switched off: the first copy goes, as in text.
    confidences[first + 1] = 0.98
    for reading, config in (
        (Reading("ppocrv6", tuple(confidences)), Config()),
        (None, Config()),
        (Reading("ppocrv6", (0.99,) * first + (0.98, 0.6) + (0.99,) * (len(TWICE) - first - 2)),
         Config().replace(char=dataclasses.replace(Config().char, engine_prior=False))),
    ):
        (edit,) = [e for e in restore.Corrector(config).fix(TWICE, ocr=reading).edits if e.source == "punct:doubled-mark"]
        assert edit.start == first
