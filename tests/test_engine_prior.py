"""The OCR engine's confidences in the pipeline: the typed channel, its projection and the char stage's prior."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from ocrfiles import Reading
from restore.edits import Edit, apply_edits
from restore.evidence import EngineReading
from restore.explain import explain
from restore.pipeline import engine_view
from restore.stages import engine_prior
from restore.stages.base import EngineView
from restore.config import Config
from restore.stages.char import CharStage
from restore.stages.engine_prior import EnginePrior, doubt

# Written for these tests: 己 for 已 is a look-alike OCR error the char stage knows.
LINE = "新馆己经开放三层阅览室。"


def test_without_confidences_the_result_is_unchanged(corrector: restore.Corrector) -> None:
    text = "会议于 12 月 17 日召开,地点在徐匯區养老服务中心。" + LINE
    plain = corrector.fix(text)
    unknown = corrector.fix(text, ocr=Reading("tesseract", (None,) * len(text)))
    unnamed = corrector.fix(text, ocr=Reading("", (0.1,) * len(text)))
    assert unknown == plain and unnamed == plain


def test_confidences_must_cover_the_text(corrector: restore.Corrector) -> None:
    with pytest.raises(ValueError, match="3 confidences for 12 characters"):
        corrector.fix(LINE, ocr=Reading("tesseract", (0.5, 0.5, 0.5)))


@given(
    st.lists(st.sampled_from("新馆己经开放，。 \n"), min_size=1, max_size=30),
    st.data(),
)
def test_the_engine_view_follows_the_text_through_edits(chars: list[str], data: st.DataObject) -> None:
    text = "".join(chars)
    confidences = tuple(i / 100 for i in range(len(text)))
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=6)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        after = data.draw(st.sampled_from(["", "已", "，，"]))
        if after != text[start:end]:  # an edit that changes nothing is not an edit
            edits.append(Edit(start, end, text[start:end], after, kind="char", confidence=0.9, source="t"))
    view = engine_view(Reading("tesseract", confidences, {0: (("x", 0.1),)}), edits)
    assert len(view.confidences) == len(apply_edits(text, edits))
    # Every character an edit did not touch keeps its own confidence; edited ones have none.
    kept = [c for c in view.confidences if c is not None]
    untouched = [confidences[i] for i in range(len(text)) if not any(e.start <= i < e.end for e in edits)]
    assert kept == untouched


def test_doubt_is_symmetric_and_clipped() -> None:
    assert doubt(0.5) == 0.0
    assert doubt(0.1) == pytest.approx(-doubt(0.9))
    assert doubt(1.0) == doubt(0.9999999) == pytest.approx(-engine_prior.DOUBT_CLIP)


def test_each_engine_has_its_own_feature_and_threshold() -> None:
    config = dataclasses.replace(
        Config().char, engine_detect_ppocrv6=0.9, engine_detect_tesseract=0.0, calib_engine_doubt_tesseract=0.1
    )
    v6, tesseract = EnginePrior.for_engine("ppocrv6", config), EnginePrior.for_engine("tesseract", config)
    assert tesseract is not None and tesseract.engine == "tesseract"
    assert v6.values(0.2, True) == {
        "engine_doubt_ppocrv6": pytest.approx(doubt(0.2)), "engine_read_ppocrv6": True, "engine_alternative": True,
        "engine_support_ppocrv6": 0.0,  # no probability given for the alternative
    }
    assert v6.values(0.2, True, 0.02)["engine_support_ppocrv6"] == pytest.approx(2.0)
    assert v6.values(0.2, False, 0.02)["engine_support_ppocrv6"] == 0.0
    assert v6.values(None, True) == {}  # a character without a confidence is scored as before
    assert v6.doubtful(0.5) and not v6.doubtful(0.95) and not v6.doubtful(None)
    assert not tesseract.doubtful(0.1)  # threshold 0: only the LM decides what Tesseract's text shows
    assert EnginePrior.for_engine("abbyy", config) is None
    # Shipped, Tesseract's weights are all 0 (no setting kept its precision on DEV): not consulted.
    assert EnginePrior.for_engine("tesseract", Config().char) is None


def test_the_char_stage_weighs_the_engine() -> None:
    index = LINE.index("己")

    def best(stage: CharStage, confidence: float, alternatives: tuple = ()) -> tuple[float, float]:
        confidences = [0.99] * len(LINE)
        confidences[index] = confidence
        view = EngineView("ppocrv6", tuple(confidences), {index: alternatives} if alternatives else {})
        found = dict(stage.examine_text(LINE, "simplified", view))
        return found[index].confidence, stage.calibration.confidence(dataclasses.replace(
            found[index].features, engine_doubt_ppocrv6=0.0, engine_read_ppocrv6=False, engine_alternative=False
        ))

    neutral = CharStage(Config().replace(char=dataclasses.replace(
        Config().char, calib_engine_doubt_ppocrv6=0.0, calib_engine_read_ppocrv6=0.0, calib_engine_alternative=0.0)))
    confidence, text_only = best(neutral, 0.2)
    assert confidence == pytest.approx(text_only)  # weight 0: the engine changes nothing
    weighted = CharStage(Config().replace(char=dataclasses.replace(
        Config().char, calib_engine_doubt_ppocrv6=0.8, calib_engine_read_ppocrv6=0.0, calib_engine_alternative=1.0)))
    doubted, text_only = best(weighted, 0.2)
    sure, _ = best(weighted, 0.999)
    assert doubted > text_only > sure
    with_alternative, _ = best(weighted, 0.2, (("已", 0.3),))
    assert with_alternative > doubted
    # Switched off in the config, the engine is not consulted.
    off = CharStage(Config().replace(char=dataclasses.replace(Config().char, engine_prior=False)))
    view = EngineView("ppocrv6", (0.2,) * len(LINE), {})
    assert off.engine_prior(view) is None and weighted.engine_prior(view) is not None


def test_an_engine_alternative_becomes_a_candidate() -> None:
    stage = CharStage(Config())
    options = stage.candidates_for("借", "simplified")
    assert "错" not in {o[0] for o in options}
    extra = stage._engine_alternatives("借", {"错": 0.2, ",": 0.1, "借": None}, options)
    assert [o[0] for o in extra] == ["错"]  # same kind (Han for Han), not the seen character itself


def test_support_is_the_engines_posterior_ratio_clipped() -> None:
    assert engine_prior.support(0.4, 0.4) == pytest.approx(engine_prior.SUPPORT_DECADES)
    assert engine_prior.support(0.9, 0.001) == engine_prior.SUPPORT_DECADES + 1  # clipped above
    assert engine_prior.support(1e-9, 0.9) == 0.0  # clipped below
    assert engine_prior.support(None, 0.9) == engine_prior.support(0.1, None) == 0.0


def test_the_engines_support_for_an_alternative_raises_its_confidence() -> None:
    index = LINE.index("己")
    stage = CharStage(Config().replace(char=dataclasses.replace(Config().char, calib_engine_support_ppocrv6=1.0)))

    def confidence(probability: float) -> float:
        confidences = [0.99] * len(LINE)
        confidences[index] = 0.5
        view = EngineView("ppocrv6", tuple(confidences), {index: (("已", probability),)})
        return dict(stage.examine_text(LINE, "simplified", view))[index].confidence

    assert confidence(0.45) > confidence(0.01) > confidence(0.0001)


# Written for this test: a traditional page whose 貧 the engine printed as 資, with 贫 (the
# simplified form a simplified recognition model knows) as its alternative.
TRADITIONAL_LINE = "政府幫助資困戶發展生產，讓他們過上好日子。"


def test_a_simplified_alternative_is_written_in_the_pages_script(corrector: restore.Corrector) -> None:
    index = TRADITIONAL_LINE.index("資")
    confidences = [0.99] * len(TRADITIONAL_LINE)
    confidences[index] = 0.45
    reading = Reading("ppocrv6", tuple(confidences), {index: (("贫", 0.4),)})
    result = corrector.fix(TRADITIONAL_LINE, ocr=reading)
    assert result.text == TRADITIONAL_LINE.replace("資", "貧")
    (edit,) = result.edits
    assert [e.type for e in edit.evidence][:2] == ["lm", "script"]
    # The channel evidence names the pair the engine and the tables know: 資 read for 贫.
    assert all(getattr(e, "after", "贫") == "贫" for e in edit.evidence if e.type == "confusion")


def test_an_edit_the_engine_weighed_names_its_reading(corrector: restore.Corrector) -> None:
    at = LINE.index("己")
    confidences = [0.99] * len(LINE)
    confidences[at] = 0.3
    result = corrector.fix(LINE, ocr=Reading("ppocrv6", tuple(confidences), {at: (("已", 0.6),)}))
    (edit,) = [e for e in result.edits if e.start == at]
    assert edit.after == "已"
    assert EngineReading("ppocrv6", 0.3, 0.6) in edit.evidence
    assert Edit.from_json(edit.to_json()) == edit
    assert "OCR engine ppocrv6: confidence 0.30" in explain(result)
    # Read as bare text, the same edit has no engine evidence.
    (plain,) = [e for e in corrector.fix(LINE).edits if e.start == at]
    assert not any(isinstance(record, EngineReading) for record in plain.evidence)
