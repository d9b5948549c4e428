"""Punct rules for lists and brackets: a misread separator between two Chinese names (restore.stages.lists) and a doubled opener."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from restore.config import Config
from restore.stages.base import Document
from restore.stages.lists import dropped_annotation_separators, misread_interpuncts
from restore.stages.punct import PunctStage

SURNAMES = frozenset("王张李刘陈")
NAME_CHARS = "志远晓琪明强林峰"


@given(
    st.lists(st.tuples(st.sampled_from(sorted(SURNAMES)), st.text(alphabet=NAME_CHARS, min_size=1, max_size=2)), min_size=2, max_size=5)
)
def test_every_interpunct_between_chinese_names_is_found(names: list[tuple[str, str]]) -> None:
    unit = "·".join(surname + rest for surname, rest in names)
    assert misread_interpuncts(unit, SURNAMES) == [i for i, c in enumerate(unit) if c == "·"]


def test_transliterated_and_long_runs_keep_their_interpunct() -> None:
    # A part not led by a surname, a part of four characters, a run that goes on past the name.
    assert misread_interpuncts("约翰·王林", SURNAMES) == []
    assert misread_interpuncts("王林·张晓琪明", SURNAMES) == []
    assert misread_interpuncts("大会由王林·张明主持", SURNAMES) == []
    assert misread_interpuncts("王林（女）·张明、李强", SURNAMES) == [5]
    # With given-name characters, a name must go on with them (a transliteration led by a surname does not).
    assert misread_interpuncts("王并亚·张明", SURNAMES) == [3]
    assert misread_interpuncts("王并亚·张明", SURNAMES, frozenset("明亚")) == []


ANNOTATIONS = ["（女）", "（回族）", "(女)", "（女，蒙古族）", "（维吾尔族)"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(SURNAMES)),
            st.text(alphabet=NAME_CHARS, min_size=1, max_size=2),
            st.sampled_from(["", *ANNOTATIONS]),
            st.sampled_from(["", "、"]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_a_name_straight_after_an_annotation_lost_its_separator(items: list[tuple[str, str, str, str]]) -> None:
    unit = "".join(surname + rest + annotation + separator for surname, rest, annotation, separator in items)
    expected, at = [], 0
    for number, (surname, rest, annotation, separator) in enumerate(items):
        at += len(surname + rest + annotation)
        if annotation and not separator and number + 1 < len(items):
            expected.append(at)
        at += len(separator)
    assert dropped_annotation_separators(unit, SURNAMES, frozenset(NAME_CHARS)) == expected


def test_an_annotation_before_an_office_or_a_non_name_keeps_its_text() -> None:
    given_chars = frozenset(NAME_CHARS + "市长")
    surnames = SURNAMES | {"任"}
    # 为/任 + an office (当选, 任职), a closing mark, a word that is no name, a bracket that is no annotation.
    for unit in ("王林（女）为市长", "王林（女）任市长", "王林（女），张明", "王林（女）同志", "会议（第二次）王林"):
        assert dropped_annotation_separators(unit, surnames, given_chars) == [], unit


def test_the_annotation_rule_leaves_the_closers_own_separator_and_can_be_switched_off() -> None:
    text = "名单：王环（女）、李明（女)马林、陈琪（女）刘峰"
    on = PunctStage(Config()).propose(text, Document()).proposals
    found = sorted((p.start, p.end, p.after, p.source) for p in on if "、" in p.after)
    # The half-width closer's own rule restores the first lost 、 with its ）(a list whose other
    # items end "）、"): one 、 there, not two. The second is the annotation rule's.
    assert found == [(13, 14, "）、", "punct:halfwidth-closer"), (22, 22, "、", "punct:annotation-separator")]
    config = Config()
    off = dataclasses.replace(config, punct=dataclasses.replace(config.punct, annotation_separator_confidence=0.0))
    assert [p for p in PunctStage(off).propose(text, Document()).proposals if p.source == "punct:annotation-separator"] == []


def test_the_punct_stage_proposes_the_comma_and_can_be_switched_off() -> None:
    text = "名单：王志远·张晓琪、李明"
    on = PunctStage(Config()).propose(text, Document()).proposals
    assert [(p.start, p.after, p.source) for p in on] == [(6, "、", "punct:name-list-interpunct")]
    config = Config()
    off = dataclasses.replace(config, punct=dataclasses.replace(config.punct, name_list_interpunct_confidence=0.0))
    assert PunctStage(off).propose(text, Document()).proposals == ()


def test_a_doubled_opener_becomes_one_parenthesis_and_can_be_switched_off() -> None:
    text = "委员有王林〈(回族)、李强"
    on = PunctStage(Config()).propose(text, Document()).proposals
    assert sorted((p.start, p.end, p.after, p.source) for p in on) == [
        (5, 7, "（", "punct:doubled-opener"), (9, 10, "）", "punct:halfwidth-parenthesis")
    ]
    config = Config()
    off = dataclasses.replace(config, punct=dataclasses.replace(config.punct, doubled_opener_confidence=0.0))
    assert sorted((p.start, p.after) for p in PunctStage(off).propose(text, Document()).proposals) == [(6, "（"), (9, "）")]


def test_a_glued_list_item_is_judged_by_its_own_line() -> None:
    from restore.stages.punct import _glued_list_item, _ListCloses

    text = "王环（女）、李明(女)马红\n赵刚(男)孙丽\n钱多（女）、周全(女)吴用"
    closes = _ListCloses(text)
    closers = [i for i, c in enumerate(text) if c == ")"]
    # Lines 1 and 3 list items ending "）、"; line 2 does not: its ")" is not a glued item.
    assert [_glued_list_item(text, at, closes) for at in closers] == [True, False, True]
    assert [_glued_list_item(text, at) for at in closers] == [True, False, True]
