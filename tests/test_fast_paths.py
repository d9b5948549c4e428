"""C-level fast paths agree with the per-character definitions they replaced (issue 13).

Each reference below is the code the fast path replaced, kept here as the definition: the
property compares both on texts drawn from the characters the rule reacts to (so matches are
common), mixed with ordinary Chinese, Latin, digits, spaces, line breaks and a character
beyond the Basic Multilingual Plane.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.chars import PROSE_PUNCT, Translation, display_width, is_cjk, is_han
from restore.config import Config, PunctConfig
from restore.edits import Edit, EditLog, apply_edits
from restore.lm.cache import _HAN_FIRST, _HAN_LAST, NgramCounts, _han_bearing
from restore.scriptdata import ScriptTables
from restore.stages import punct
from restore.stages.layout import _GAP, _HALF_PROSE, _gaps, _reads_as_prose

# Ordinary text, the marks and brackets the punct rules read, full-width forms, debris, both
# scripts' only-characters (层 養), the radical 丶, 〇, an Extension B ideograph, the marks'
# own code points (\x01 \x02: what ScriptTables.counts marks with).
ALPHABET = (
    "会议在徐汇区召开基层养層養发髮联系聯繫女族丶〇一二三年月日万%％"
    "，。、；：！？“”‘’（）《》〈〉【】「」『』〔〕—…·～,.!?:;()'`"
    "abcXYZ0123456789０１２３ＡＢ 　\t\n\r\x01\x02\ufffd\U00020000"
)
# Pieces of text the rules fire on (a range dash 6一7, a decimal comma 7，62万, a radical comma,
# a final opening quote, misread and doubled brackets, doubled marks, specks, trailing
# separators, letter-spaced Han), so the properties see matches, not only misses.
PIECES = (
    "6一7级", "3万一5万", "7，62万", "4。9%", "北京丶上海", "获奖“", "获奖“\n\n", "成功。“", "高兴，‘\n\n", "刘敏〈女)", "刘敏(〈女)",
    "王环（女)", "会议。。", "丰收。.", "说,.是", "获悉。,", "、、", "徐 匯 報", "12 月 17 日", "王林·张明",
)
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(ALPHABET)), max_size=30).map("".join)


def _display_width_reference(text: str) -> int:
    return sum(2 if (is_cjk(c) or "\uff00" <= c <= "\uffef" or c == "\u3000") else 1 for c in text)


@given(texts)
def test_display_width_counts_as_the_per_character_rule(text: str) -> None:
    assert display_width(text) == _display_width_reference(text)


def _reads_as_prose_reference(line: str) -> bool:
    for index, char in enumerate(line):
        if char in PROSE_PUNCT:
            return True
        if char in _HALF_PROSE and 0 < index and is_han(line[index - 1]):
            return True
    return False


@given(texts)
def test_reads_as_prose_agrees_with_the_loop(text: str) -> None:
    assert _reads_as_prose(text) == _reads_as_prose_reference(text)


@given(texts)
def test_script_counts_agree_with_set_membership(text: str) -> None:
    tables = ScriptTables.load()
    expected = (
        sum(1 for c in text if c in tables.simplified_only),
        sum(1 for c in text if c in tables.traditional_only),
    )
    assert tables.counts(text) == expected


def test_script_only_sets_are_disjoint() -> None:
    # counts() gives each character one mark: it relies on no character being both.
    tables = ScriptTables.load()
    assert not tables.simplified_only & tables.traditional_only


def _han_bearing_reference(block: str, n: int) -> list[str]:
    han = [_HAN_FIRST <= ch <= _HAN_LAST for ch in block]
    return [block[i : i + n] for i in range(len(block) - n + 1) if any(han[i : i + n])]


@given(texts, st.integers(2, 5))
def test_han_bearing_ngrams_are_those_with_a_han_character(text: str, n: int) -> None:
    assert _han_bearing(text, n) == _han_bearing_reference(text, n)


def test_ngram_counts_of_a_mixed_line() -> None:
    counts = NgramCounts.from_texts(["ab会议1234召开 abcd"], n=3)
    assert dict(counts.counts) == {"ab会": 1, "b会议": 1, "会议1": 1, "议12": 1, "34召": 1, "4召开": 1, "召开a": 1, "开ab": 1}


GUARDED = sorted(name for name, value in vars(punct).items() if isinstance(value, punct._Guarded))


def test_the_guarded_rules_are_found() -> None:
    # The property below checks each of these; a rule renamed away would silently drop out.
    assert len(GUARDED) >= 9


@pytest.mark.parametrize("name", GUARDED)
@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_guarded_rule_finds_what_its_pattern_finds(name: str, text: str) -> None:
    rule = getattr(punct, name)
    found = [(m.span(), m.groups()) for m in rule.finditer(text)]
    assert found == [(m.span(), m.groups()) for m in rule.pattern.finditer(text)]


def _double_reads_reference(stage: punct.PunctStage, text: str) -> list[int]:
    doubled = stage.settings.doubled_marks
    reads = []
    for match in re.finditer(r"(.)\1+", text):
        if match.group(1) in doubled and match.end() - match.start() == 2:
            reads.append(match.start())
    return reads


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["。，、；：“”", "。\n，", "]^-\\。", ""]))
def test_doubled_marks_are_the_runs_of_any_character_that_are_marks(text: str, marks: str) -> None:
    stage = punct.PunctStage(Config(punct=PunctConfig(doubled_marks=marks)))
    assert stage._double_reads(text) == _double_reads_reference(stage, text)


@st.composite
def commits(draw: st.DrawFn) -> tuple[str, list[list[Edit]]]:
    """A text and rounds of disjoint edits of the working text, as stages commit them."""
    text = draw(st.text(alphabet="徐汇区 ,。a", min_size=1, max_size=12))
    rounds = []
    for _ in range(draw(st.integers(1, 3))):
        spans = sorted(draw(st.lists(st.integers(0, len(text)), max_size=4, unique=True)))
        edits = [
            Edit(start, start + 1, text[start], draw(st.sampled_from(["", "X", "乙丙"])), kind="char", confidence=0.9, source="t")
            for start in spans[::2]
            if start < len(text)
        ]
        rounds.append(edits)
    return text, rounds


@given(commits())
def test_commit_replays_the_edits_as_apply_edits_does(case: tuple[str, list[list[Edit]]]) -> None:
    text, rounds = case
    log = EditLog(text)
    for edits in rounds:
        # Each round's edits are of the working text: lifted into the original, absorbing earlier ones.
        lifted = [log.lift(e.start, e.end, e.after) for e in edits if e.end <= len(log.text)]
        made = [log.to_edit(x, kind="char", confidence=0.9, source="t", evidence=()) for x in lifted]
        applied = [e for e in made if e is not None]
        absorbed = [a for x, e in zip(lifted, made) if e is not None for a in x.absorbed]
        if any(a.start < b.end and b.start < a.end or a.start == b.start for a, b in zip(applied, applied[1:])):
            continue  # overlapping after lifting: the resolver would have kept one
        log.commit(applied, absorbed)
        assert log.text == apply_edits(text, log.edits)


# Keys include what a regex character class treats specially: Translation finds the characters a
# table changes with one.
TABLE_KEYS = ALPHABET + "-]^\\["
tables = st.dictionaries(
    st.sampled_from(TABLE_KEYS).map(ord),
    st.one_of(st.none(), st.sampled_from(ALPHABET), st.sampled_from(ALPHABET).map(ord), st.just("长串")),
    max_size=12,
)


@given(texts | st.text(alphabet=TABLE_KEYS, max_size=12), tables)
def test_translation_is_str_translate_with_the_dict(text: str, table: dict[int, int | str | None]) -> None:
    assert Translation(table)(text) == text.translate(table)


@given(texts)
def test_line_gaps_are_the_pattern_matches(text: str) -> None:
    assert [m.span() for m in _gaps(text)] == [m.span() for m in _GAP.finditer(text)]
