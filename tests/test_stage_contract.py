"""The contract between the pipeline and its stages: registry, plan, typed deferral, batch survey,
one definition of the char features, and a corrector shared by threads."""

from __future__ import annotations

import dataclasses
import math
import pickle
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from restore.config import STAGE_NAMES, CharConfig, Config
from restore.edits import apply_edits, carry_span
from restore.stages import STAGES
from restore.stages.base import Deferred, Document, Proposal, StageOutput, StagePlan
from restore.stages.char_features import FEATURES, GLYPH_SHARPNESS, CharCalibration, CharFeatures
from restore.stages.lexicon import BATCH_NOTE, EntityVotes
from restore.survey import Survey


def test_registry_has_every_configurable_stage_in_default_order() -> None:
    assert tuple(STAGES) == STAGE_NAMES == Config().stages
    assert [stage.name for stage in restore.Corrector().stages] == list(STAGE_NAMES)


def test_punct_leaves_confusable_marks_to_the_char_stage_only_when_it_follows() -> None:
    text = "会议地点:徐汇区"
    with_char = STAGES["punct"](Config(), plan=StagePlan(("char",))).propose(text, Document())
    alone = STAGES["punct"](Config(), plan=StagePlan(())).propose(text, Document())
    assert [(p.after, p.confidence) for p in alone.proposals] == [("：", Config().punct.confidence)]
    assert [p.confidence for p in with_char.proposals] == [Config().punct.confusable_confidence]


# -- typed deferral through the pipeline (stand-in stages registered under real names) ----------


def _proposal(start: int, after: str, confidence: float, source: str) -> Proposal:
    return Proposal(start, start + 1, after, kind="char", confidence=confidence, source=source)


class _Deferring:
    """Deletes the leading "#", and defers 乙 -> 甲 (hedged at 0.5)."""

    name = "layout"

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        pass

    def propose(self, text: str, document: Document) -> StageOutput:
        at = text.index("乙")
        deletion = Proposal(0, 1, "", kind="layout", confidence=1.0, source="test:delete")
        sure = _proposal(at, "甲", 0.97, "test:defer")
        return StageOutput(proposals=(deletion,), deferred=(Deferred(sure, dataclasses.replace(sure, confidence=0.5), "乙"),))


class _Inserting:
    """Inserts "<>" at the start: the deferral must move right by two."""

    name = "punct"

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        pass

    def propose(self, text: str, document: Document) -> StageOutput:
        return StageOutput(proposals=(Proposal(0, 0, "<>", kind="punct", confidence=1.0, source="test:insert"),))


class _Arbiter:
    """Keeps deferrals as proposed, hedged when told to contest them."""

    name = "char"
    arbitrates: ClassVar[bool] = True
    seen: ClassVar[list[tuple[str, int, str]]] = []
    contest = False

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        pass

    def propose(self, text: str, document: Document, *, deferred: Sequence[Deferred] = ()) -> StageOutput:
        _Arbiter.seen.extend((text, d.proposal.start, d.recheck) for d in deferred)
        return StageOutput(proposals=tuple(d.hedged if self.contest else d.proposal for d in deferred))


@pytest.fixture
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> type[_Arbiter]:
    monkeypatch.setitem(STAGES, "layout", _Deferring)
    monkeypatch.setitem(STAGES, "punct", _Inserting)
    monkeypatch.setitem(STAGES, "char", _Arbiter)
    _Arbiter.seen = []
    return _Arbiter


def test_deferral_is_carried_to_the_arbiter_in_its_coordinates(stand_ins: type[_Arbiter]) -> None:
    result = restore.Corrector(Config(stages=("layout", "punct", "char"))).fix("#天乙地")
    ((text, start, recheck),) = stand_ins.seen
    assert text == "<>天乙地" and text[start] == recheck == "乙"
    assert result.text == "<>天甲地"
    assert apply_edits(result.original, result.edits) == result.text
    (change,) = [e for e in result.edits if e.source == "test:defer"]
    assert (change.start, change.before, change.after, change.confidence) == (2, "乙", "甲", 0.97)


def test_hedged_deferral_is_a_suggestion(stand_ins: type[_Arbiter], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Arbiter, "contest", True)
    result = restore.Corrector(Config(stages=("layout", "char"))).fix("#天乙地")
    assert result.text == "天乙地"
    assert [(s.before, s.after, s.confidence) for s in result.suggestions] == [("乙", "甲", 0.5)]


def test_without_an_arbiter_the_deferral_is_proposed_as_is(stand_ins: type[_Arbiter]) -> None:
    result = restore.Corrector(Config(stages=("layout", "punct"))).fix("#天乙地")
    assert result.text == "<>天甲地" and stand_ins.seen == []


def test_a_deferral_whose_character_was_resized_is_dropped(stand_ins: type[_Arbiter], monkeypatch: pytest.MonkeyPatch) -> None:
    def widen(self: _Inserting, text: str, document: Document) -> StageOutput:
        at = text.index("乙")
        return StageOutput(proposals=(Proposal(at, at + 1, "乙乙", kind="punct", confidence=1.0, source="test:widen"),))

    monkeypatch.setattr(_Inserting, "propose", widen)
    result = restore.Corrector(Config(stages=("layout", "punct", "char"))).fix("#天乙地")
    assert stand_ins.seen == [] and result.text == "天乙乙地"


_changes = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 3), st.text("xyz", max_size=4)), max_size=6)


@given(text=st.text("abcdefgh", min_size=1, max_size=30), changes=_changes, data=st.data())
def test_carry_span_follows_the_characters(text: str, changes: list[tuple[int, int, str]], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    # Disjoint changes inside the text, as one stage's applied changes are.
    spans: list[tuple[int, int, str]] = []
    for at, length, after in sorted(changes):
        at, end = min(at, len(text)), min(at + length, len(text))
        if all(end <= s or e <= at for s, e, _ in spans) and not any(s == e == at for s, e, _ in spans):
            spans.append((at, end, after))
    spans.sort()
    new_text, position = "", 0
    for s, e, after in spans:
        new_text += text[position:s] + after
        position = e
    new_text += text[position:]
    carried = carry_span(start, start + 1, [(s, e, len(after)) for s, e, after in spans])
    touching = [(s, e, after) for s, e, after in spans if s <= start < e]
    if any(len(after) != e - s for s, e, after in touching):
        assert carried is None
    else:
        assert carried is not None
        expected = touching[0][2][start - touching[0][0]] if touching else text[start]
        assert new_text[carried] == expected


# -- the batch survey ---------------------------------------------------------------------------

_PAGES = ["区长钟晓咏表示，街道将继续推进社区服务。", "会上，区长钟晓泳作了讲话。", "徐汇区委召开会议。", "天气晴。"]


def test_survey_is_a_map_and_a_merge() -> None:
    corrector = restore.Corrector(Config(stages=("lexicon",)))
    whole = corrector.survey(_PAGES)
    halves = Survey.merged([corrector.survey(_PAGES[2:]), corrector.survey(_PAGES[:2])])
    one_by_one = Survey.merged(corrector.survey_document(page) for page in reversed(_PAGES))
    assert whole.to_json() == halves.to_json() == one_by_one.to_json()
    assert whole.to_json()["lexicon"]["钟晓咏"] == 1
    assert restore.Corrector(Config(stages=("layout",))).survey(iter(_PAGES)) == Survey()


def test_surveyed_facts_support_a_near_miss_in_another_document() -> None:
    corrector = restore.Corrector(Config(stages=("lexicon",)))
    survey = corrector.survey(_PAGES[:1])
    assert isinstance(survey.get("lexicon"), EntityVotes)
    alone = corrector.fix(_PAGES[1])
    backed = corrector.fix(_PAGES[1], survey=survey)
    # Alone, the near miss is too far from the entry to be proposed; the batch's vote brings it in.
    assert not [e for e in (*alone.edits, *alone.suggestions) if e.after == "咏"]
    (edit,) = [e for e in (*backed.edits, *backed.suggestions) if e.after == "咏"]
    assert any(getattr(e, "scope", "") == "batch" for e in edit.evidence)
    assert corrector.fix(_PAGES[1], notes={BATCH_NOTE: {"钟晓咏": 1}}).to_json() == backed.to_json()


# -- one definition of the char features --------------------------------------------------------


def test_every_feature_has_a_field_and_a_weight() -> None:
    fields = {f.name for f in dataclasses.fields(CharFeatures)}
    weights = {f.name.removeprefix("calib_") for f in dataclasses.fields(CharConfig) if f.name.startswith("calib_")}
    names = [feature.name for feature in FEATURES]
    assert len(set(names)) == len(names)
    assert set(names) == fields == weights - {"bias"}


def test_logodds_weigh_each_feature_by_its_own_weight() -> None:
    # Distinct weights: a feature paired with the wrong weight or transform changes the sum.
    weights = {name: float(2 + i) for i, name in enumerate(CharCalibration.names())}
    config = CharCalibration.fitted(CharConfig(), bias=-1.0, weights=weights)
    features = CharFeatures(
        lm_gain=1.5, glyph_similarity=0.9, mined=30, logprob=-4.0, word_after=True, name=True, width=True, phonetic=True
    )
    expected = -1.0 + config.prior_logodds
    for name in CharCalibration.names():
        value = getattr(features, name)
        if name == "glyph_similarity":
            value = value**GLYPH_SHARPNESS
        elif name == "mined":
            value = math.log10(1 + min(value, config.mined_count_cap))
        expected += weights[name] * value
    calibration = CharCalibration(config)
    # Summed left to right in FEATURES order, as here: the same float bit for bit (fitted figures reproduce).
    assert calibration.logodds(features).hex() == expected.hex()
    assert calibration.vector(features, ["lm_gain", "word_before"]) == [1.5, 0.0]
    with pytest.raises(ValueError, match="unknown feature"):
        CharCalibration.fitted(config, weights={"colour": 1.0})


def test_confidence_grows_with_the_lm_gain() -> None:
    calibration = CharCalibration(CharConfig())
    confidences = [calibration.confidence(CharFeatures(lm_gain=g, glyph_similarity=0.9)) for g in (0.0, 1.0, 2.0, 4.0)]
    assert confidences == sorted(confidences) and 0.0 < confidences[0] < confidences[-1] < 1.0


# -- a corrector shared by threads ------------------------------------------------------------

_THREAD_PAGES = [
    "会议于 12 月 17 日召开,地点在徐汇区养老服务中心。",
    "他們都是新疆生產建設兵圆的職工。",
    "今天的天气很好,我们去公圆散步。",
    "這個圆形的廣場很漂亮。",
    "区长钟晓泳作了讲话，会议很怏就结束了。",
    "市民可以在网上查洵办事进度。",
    "徐 匯 報\n会议在二〇二三年召开。",
    "我們要把藍圖變成施工图，幹出實績。",
]


def test_a_fresh_corrector_shared_by_eight_threads_gives_the_sequential_results() -> None:
    sequential = [restore.Corrector().fix(page).to_json() for page in _THREAD_PAGES]
    shared = restore.Corrector()
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda page: shared.fix(page).to_json(), _THREAD_PAGES * 2))
    assert threaded == sequential * 2


def test_a_pickled_corrector_is_its_config() -> None:
    used = restore.Corrector(Config(min_confidence=0.9))
    used.fix(_THREAD_PAGES[0])  # loads resources, which stay behind
    copy = pickle.loads(pickle.dumps(used))
    assert copy.config == used.config
    assert copy.fix(_THREAD_PAGES[1]).to_json() == used.fix(_THREAD_PAGES[1]).to_json()


def test_rule_evidence_shares_short_patterns_and_still_round_trips() -> None:
    # A long document's rule edits share one string per short matched piece (memory); the evidence
    # reads, compares and serialises as before.
    from restore.evidence import evidence_from_json, evidence_to_json
    from restore.stages.base import rule_proposal

    first = rule_proposal("甲乙，丙", 2, 3, ",", kind="punct", rule="fullwidth-test", confidence=0.9)
    second = rule_proposal("丁，戊己庚", 1, 2, ",", kind="punct", rule="fullwidth-test", confidence=0.9)
    (a,), (b,) = first.evidence, second.evidence
    assert a.pattern == b.pattern == "，" and a.pattern is b.pattern
    assert (a.context, b.context) == ("甲乙，丙", "丁，戊己庚")
    assert evidence_from_json(evidence_to_json(a)) == a
    longer = rule_proposal("甲  乙。。。丙", 4, 7, "。", kind="punct", rule="dots-test", confidence=0.9)
    assert longer.evidence[0].pattern == "。。。"
