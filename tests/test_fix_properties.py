"""Properties of restore.fix on any input: replayable, well-formed, idempotent in its rules."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import restore
from restore.edits import check_edits

# Characters that exercise every rule: both scripts, spaces, newlines, half- and full-width marks, debris.
chinese_like = st.text(
    st.sampled_from(list("徐匯报報层層养養务務联聯系繫发發台平的了 \n\t,!?:;()，。、“”12a.\ufffd\x00") + ["\u3000"]),
    max_size=60,
)


def _check_result(text: str, result: restore.Result) -> None:
    assert result.original == text
    check_edits(text, result.edits)
    assert restore.apply_edits(text, result.edits) == result.text
    for edit in (*result.edits, *result.suggestions):
        assert 0.0 <= edit.confidence <= 1.0
        assert 0 <= edit.start <= edit.end <= len(text)
        assert text[edit.start : edit.end] == edit.before
        assert edit.evidence, f"{edit.source} gave no evidence"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_fix_never_raises_on_any_str(corrector: restore.Corrector, text: str) -> None:
    _check_result(text, corrector.fix(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chinese_like)
def test_fix_is_well_formed_on_chinese_like_text(corrector: restore.Corrector, text: str) -> None:
    _check_result(text, corrector.fix(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chinese_like)
@example("”,.")  # a speck deleted after "," used to leave the comma for the next run to widen
@example("、,.")
@example("、，.")
@example("、，,")
@example("、、，")  # the doubled 、 and the trailing ， go in one pass, not one per run
@example("1111111111了,.\n1")  # a line ending in a speck after a comma is joined in the first run, not the second
def test_second_fix_proposes_no_core_edits(core_corrector: restore.Corrector, text: str) -> None:
    once = core_corrector.fix(text)
    twice = core_corrector.fix(once.text)
    assert [e for e in twice.edits if e.kind in ("layout", "punct", "script")] == [], (once.text, twice.edits)


# Runs of separators, specks and brackets: where the mark rules meet (doubled, trailing, speck, width).
mark_runs = st.text(alphabet="、，,.。；：!？·丶好”“a1)（ \n", max_size=8)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mark_runs)
@example("（丶),")  # a comma after a lone closer: widened in the same pass as the closer
@example("王环（女）、李明(女)马红,好")  # a pair closed with "）、" before a comma
@example("（丶),·")  # a speck after that comma: the speck rule sees the widened closer too
def test_mark_rules_are_idempotent_on_runs_of_marks(core_corrector: restore.Corrector, text: str) -> None:
    once = core_corrector.fix(text)
    assert core_corrector.fix(once.text).edits == (), once.text


def test_a_change_two_stages_hold_back_is_offered_once(corrector: restore.Corrector) -> None:
    # Written for this test: the punct stage and the char stage both hold back ":" -> "：".
    result = corrector.fix("时间:上午九点")
    offered = [(e.start, e.end, e.after) for e in result.suggestions]
    assert offered == sorted(set(offered)) and (2, 3, "：") in offered
    applied = {(e.start, e.end, e.after) for e in result.edits}
    assert not applied & set(offered)
