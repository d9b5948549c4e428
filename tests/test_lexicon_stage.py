"""The lexicon stage: exact protection, variant and fuzzy repair, scripts, evidence, user lexicons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.config import Config, LexiconConfig
from restore.edits import apply_edits
from restore.evidence import ConfusionPair, Consistency, LexiconMatch
from restore.lexicon.glyphs import GlyphTable
from restore.pipeline import Corrector
from restore.stages.base import Document
from restore.stages.lexicon import BATCH_NOTE, LexiconStage

GOLDEN = Path(__file__).resolve().parent / "golden"
ONLY_LEXICON = Config(stages=("lexicon",))


@pytest.fixture(scope="module", params=["installed glyph tables", "no glyph table"])
def corrector(request: pytest.FixtureRequest) -> Corrector:
    corrector = Corrector(ONLY_LEXICON)
    if request.param == "no glyph table":
        # The stage must stay right (if more cautious) when the glyph data is absent.
        corrector._stages = [LexiconStage(ONLY_LEXICON, glyphs=GlyphTable())]
    return corrector


@pytest.fixture(scope="module")
def stage() -> LexiconStage:
    return LexiconStage(Config())


def golden(name: str) -> list[dict[str, str]]:
    return json.loads((GOLDEN / f"lexicon_{name}.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", golden("must_fix"), ids=lambda c: c["note"])
def test_must_fix(corrector: Corrector, case: dict[str, str]) -> None:
    result = corrector.fix(case["text"])
    assert result.text == case["fixed"]
    assert apply_edits(result.original, result.edits) == result.text
    assert all(edit.kind == "entity" and edit.source.startswith("lexicon:") for edit in result.edits)


@pytest.mark.parametrize("case", golden("must_not_change"), ids=lambda c: c["note"])
def test_must_not_change(corrector: Corrector, case: dict[str, str]) -> None:
    result = corrector.fix(case["text"])
    assert result.edits == ()
    assert result.text == case["text"]


def test_exact_hits_are_protected(stage: LexiconStage) -> None:
    text = "副区长习挺松和区长钟晓咏出席。"
    output = stage.propose(text, Document())
    assert output.proposals == ()
    protected = {text[p.start : p.end]: p.source for p in output.protections}
    assert protected["习挺松"] in ("lexicon:xuhui-officials", "lexicon:near-miss-names")
    assert protected["钟晓咏"] == "lexicon:xuhui-officials"


def test_variant_evidence_names_file_entry_and_line(stage: LexiconStage) -> None:
    (proposal,) = stage.propose("区长鐘曉暉出席。", Document()).proposals
    (match,) = [e for e in proposal.evidence if isinstance(e, LexiconMatch)]
    line = next(
        number
        for number, row in enumerate((Path(__file__).parent.parent / "lexicons" / "xuhui-officials.tsv").read_text(encoding="utf-8").splitlines(), 1)
        if row.startswith("钟晓咏\t")
    )
    assert match == LexiconMatch(lexicon="xuhui-officials.tsv", entry="钟晓咏", line=line, match="variant", similarity=1.0, cue="区长")
    assert (proposal.start, proposal.end, proposal.after, proposal.kind) == (2, 5, "鍾曉詠", "entity")
    assert proposal.confidence == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("text", "document_script", "fixed"),
    [
        ("会上鐘曉暉讲话", "", "会上鍾曉詠讲话"),  # the span's own characters are traditional
        ("会上高世均讲话，说明了情况", "", "会上高世昀讲话，说明了情况"),
        ("會議由鐘曉暉主持", "traditional", "會議由鍾曉詠主持"),
        ("会议由钟晓晖主持", "simplified", "会议由钟晓咏主持"),
    ],
)
def test_fix_is_written_in_the_page_script(stage: LexiconStage, text: str, document_script: str, fixed: str) -> None:
    proposals = stage.propose(text, Document(script=document_script)).proposals
    assert apply_edits(text, [Corrector(ONLY_LEXICON).fix(text).edits[0]]) == fixed
    assert len(proposals) == 1


def test_neutral_span_follows_the_surrounding_script(stage: LexiconStage) -> None:
    text = "深入學習習近平新時代中國特色社會主叉思想"
    (proposal,) = stage.propose(text, Document()).proposals
    assert proposal.after == "義"
    simplified = "深入学习习近平新时代中国特色社会主叉思想"
    (proposal,) = stage.propose(simplified, Document()).proposals
    assert proposal.after == "义"


def test_fuzzy_name_needs_support_to_be_applied(tmp_path: Path) -> None:
    # A made-up official, so the test does not depend on the bundled files.
    mine = tmp_path / "mine.tsv"
    mine.write_text(
        "# restore-lexicon: 1\n# name: test-officials\n# kind: person\n# source: invented for the tests\n"
        "# licence: CC0-1.0\n# columns: canonical\ttraditional\tvariants\tcues\tperiod\tnote\n"
        "魏明远\t\t\t镇长\t2020\tinvented\n",
        encoding="utf-8",
    )
    config = Config(stages=("lexicon",), lexicons=(str(mine),), lexicon=LexiconConfig(bundled=False))
    glyphs = GlyphTable.from_lines("test-glyphs", ["运\t远\t0.9"])
    stage = LexiconStage(config, glyphs=glyphs)
    # Alone and without a cue: not even a suggestion.
    assert stage.propose("魏明运来了。", Document()).proposals == ()
    # With the cue and the right form elsewhere in the document: confident, and the evidence says why.
    text = "镇长魏明远出席。会后镇长魏明运接受采访。"
    (proposal,) = stage.propose(text, Document()).proposals
    assert (text[proposal.start : proposal.end], proposal.after) == ("运", "远")
    assert proposal.confidence >= config.min_confidence
    match = proposal.evidence[0]
    assert isinstance(match, LexiconMatch) and match.match == "fuzzy" and match.cue == "镇长"
    assert match.similarity == pytest.approx(0.9)
    assert ConfusionPair(table="test-glyphs", seen="运", meant="远", similarity=0.9) in proposal.evidence
    assert Consistency(form="魏明远", occurrences=1, scope="document") in proposal.evidence
    assert proposal.source == "lexicon:test-officials"
    # Without glyph knowledge the same hit stays below the threshold: a suggestion for review.
    (unsure,) = LexiconStage(config, glyphs=GlyphTable()).propose(text, Document()).proposals
    assert config.lexicon.fuzzy_min_confidence <= unsure.confidence < config.min_confidence
    # Without the cue and the consistency, even a close look-alike is only a suggestion.
    assert all(p.confidence < config.min_confidence for p in stage.propose("魏明运", Document()).proposals)


def test_stronger_settings_make_fuzzy_hits_suggestions(tmp_path: Path) -> None:
    text = "坚持以习近平新时代中国特色社会主叉思想为指导。"
    strict = Corrector(Config(stages=("lexicon",), min_confidence=0.99))
    result = strict.fix(text)
    assert result.edits == () and [e.after for e in result.suggestions] == ["义"]


def test_variant_gains_confidence_from_consistency(stage: LexiconStage) -> None:
    (alone,) = stage.propose("副区长高世均出席。", Document()).proposals
    (backed,) = stage.propose("副区长高世昀讲话。副区长高世均出席。", Document()).proposals
    assert backed.confidence > alone.confidence
    assert any(isinstance(e, Consistency) for e in backed.evidence)


def test_bundled_lexicons_can_be_switched_off() -> None:
    config = Config(stages=("lexicon",), lexicon=LexiconConfig(bundled=False))
    assert Corrector(config).fix("副区长高世均出席。").edits == ()


def test_the_automaton_is_built_once_per_corrector() -> None:
    corrector = Corrector(ONLY_LEXICON)
    corrector.fix("区长鐘曉暉出席。")
    (stage,) = corrector.stages
    index = stage.index
    corrector.fix("副区长高世均出席。")
    assert stage.index is index


def test_nothing_is_loaded_before_the_first_text() -> None:
    stage = LexiconStage(Config())
    assert stage._index is None and stage._glyphs is None
    stage.propose("", Document())
    assert stage._index is None


def test_latin_entries_need_word_boundaries(stage: LexiconStage) -> None:
    text = "WAIC 2023 与 WAICX"
    spans = [(p.start, p.end) for p in stage.propose(text, Document()).protections]
    assert spans == [(0, 4)]


def test_a_doubled_function_word_is_not_an_ocr_slip(stage: LexiconStage) -> None:
    assert stage.propose("坚持中国特色的社会主义", Document()).proposals == ()


def test_a_misread_character_does_not_choose_the_script() -> None:
    # 弳 is a traditional character: the misread must not turn the fix traditional.
    stage = LexiconStage(Config(), glyphs=GlyphTable.from_lines("test-glyphs", ["弳\t强\t0.9"]))
    text = "区委书记曹立强讲话。区委书记曹立弳出席。"
    (proposal,) = stage.propose(text, Document()).proposals
    assert (text[proposal.start : proposal.end], proposal.after) == ("弳", "强")


def test_batch_consistency_from_document_notes() -> None:
    stage = LexiconStage(Config(), glyphs=GlyphTable.from_lines("test-glyphs", ["弳\t强\t0.9"]))
    first = stage.entities("区委书记曹立强讲话，曹立强指出。")
    assert first["曹立强"] == 2
    text = "区委书记曹立弳出席。"
    (alone,) = stage.propose(text, Document()).proposals
    document = Document(notes={BATCH_NOTE: first})
    (backed,) = stage.propose(text, document).proposals
    assert backed.after == "强" and backed.confidence > alone.confidence
    assert Consistency(form="曹立强", occurrences=2, scope="batch") in backed.evidence


# Characters of lexicon entries, their look-alikes, separators and odd code points, so that
# random texts often come close to entries.
_ALPHABET = "钟晓咏鍾曉詠鐘暉习近平全習挺松高世昀均智联能世界生成态未来 区长副书记徐汇区委，。\n\r\t\u3000\ufffd\U00020000aA1"


@pytest.fixture(scope="module")
def plain_corrector() -> Corrector:
    return Corrector(ONLY_LEXICON)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=60))
def test_any_text_gives_replayable_in_bounds_output(stage: LexiconStage, plain_corrector: Corrector, text: str) -> None:
    output = stage.propose(text, Document())
    for proposal in output.proposals:
        assert 0 <= proposal.start <= proposal.end <= len(text)
        assert text[proposal.start : proposal.end] != proposal.after
        assert 0.0 <= proposal.confidence <= 1.0
    spans = sorted((p.start, p.end) for p in output.proposals)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    for guard in output.protections:
        assert 0 <= guard.start < guard.end <= len(text)
    result = plain_corrector.fix(text)
    assert apply_edits(result.original, result.edits) == result.text


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("副區長羅华品出席會議", "副區長羅華品出席會議"),  # a simplified leftover inside a name on a traditional page
        ("副区长羅华品出席会议", "副区长罗华品出席会议"),  # a traditional leftover on a simplified page
        ("記者解景升報道", "記者解景昇報道"),  # the name's own 昇, not the common word's 升
    ],
)
def test_script_slips_inside_names_are_repaired(stage: LexiconStage, text: str, fixed: str) -> None:
    output = stage.propose(text, Document())
    (proposal,) = output.proposals
    assert text[: proposal.start] + proposal.after + text[proposal.end :] == fixed
    assert proposal.confidence >= Config().min_confidence


def test_a_name_in_the_other_script_is_left_to_the_script_stage(stage: LexiconStage) -> None:
    output = stage.propose("區長钟晓咏出席", Document())
    assert output.proposals == () and [(p.start, p.end) for p in output.protections] == [(2, 5)]


def _invented_lexicon(tmp_path: Path, *rows: str) -> Config:
    path = tmp_path / "invented.tsv"
    path.write_text(
        "# restore-lexicon: 1\n# name: invented\n# kind: person\n# source: invented for the tests\n"
        "# licence: CC0-1.0\n# columns: canonical\ttraditional\tvariants\tcues\tperiod\tnote\n"
        + "".join(f"{row}\n" for row in rows),
        encoding="utf-8",
    )
    return Config(stages=("lexicon",), lexicons=(str(path),), lexicon=LexiconConfig(bundled=False))


def test_a_runner_up_entry_lowers_confidence(tmp_path: Path) -> None:
    glyphs = GlyphTable.from_lines("test-glyphs", ["运\t远\t0.9", "运\t达\t0.9"])
    text = "镇长魏明运出席。"
    alone = LexiconStage(_invented_lexicon(tmp_path, "魏明远\t\t\t镇长\t\t"), glyphs=glyphs)
    (single,) = alone.propose(text, Document()).proposals
    rivals = LexiconStage(_invented_lexicon(tmp_path, "魏明达\t\t\t镇长\t\t", "魏明远\t\t\t镇长\t\t"), glyphs=glyphs)
    contested = rivals.propose(text, Document()).proposals
    # Two equally good readings: each loses the margin, here below the floor.
    assert all(p.confidence < single.confidence for p in contested)
    assert single.confidence >= rivals.settings.fuzzy_min_confidence and contested == ()


def test_searching_only_reachable_forms_changes_nothing(stage: LexiconStage, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [case["text"] for name in ("must_fix", "must_not_change") for case in golden(name)]
    texts.append("镇长曹立弳出席。区委书记曹立强讲话。党約二十大")
    pruned = [stage.propose(text, Document()) for text in texts]
    monkeypatch.setattr(type(stage.reach), "forms", lambda self, text, found, batch: None)
    assert [stage.propose(text, Document()) for text in texts] == pruned


def test_a_cue_counts_only_inside_the_entry_period(tmp_path: Path) -> None:
    glyphs = GlyphTable.from_lines("test-glyphs", ["运\t远\t0.9"])
    stage = LexiconStage(_invented_lexicon(tmp_path, "魏明远\t\t\t镇长\t2019/2021\t"), glyphs=glyphs)
    (inside,) = stage.propose("2020年，镇长魏明运出席。", Document()).proposals
    assert inside.evidence[0].cue == "镇长"
    outside = stage.propose("2023年，镇长魏明运出席。", Document()).proposals
    assert all(p.confidence < inside.confidence and p.evidence[0].cue == "" for p in outside)
    (undated,) = stage.propose("镇长魏明运出席。", Document()).proposals
    assert undated.confidence == inside.confidence


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=80), block=st.integers(min_value=1, max_value=9))
def test_fuzzy_search_by_blocks_finds_what_one_block_finds(stage: LexiconStage, text: str, block: int) -> None:
    # Blocks bound the memory of a long document; windows straddling a block edge (or starting
    # before the text) must still be found, once.
    from unittest import mock

    from restore.lexicon import index as index_module

    whole = stage.index.find_fuzzy(text)
    with mock.patch.object(index_module, "FUZZY_BLOCK", block):
        assert stage.index.find_fuzzy(text) == whole



def test_each_fuzzy_block_hands_the_automaton_its_slice_not_the_whole_text(stage: LexiconStage) -> None:
    # pyahocorasick converts the whole string of every iter() call: handing it the whole text per
    # block made a long document's search quadratic. Each call must see about one block.
    from unittest import mock

    from restore.lexicon import index as index_module

    text = "镇长魏明运出席会议。" * 40
    whole = stage.index.find_fuzzy(text)
    pieces = stage.index._pieces
    seen: list[int] = []

    class Recording:
        def iter(self, string: str, *bounds: int) -> object:
            seen.append(len(string))  # what the automaton converts, whatever the bounds
            return pieces.iter(string, *bounds)

    block = 16
    with mock.patch.object(index_module, "FUZZY_BLOCK", block), mock.patch.object(stage.index, "_pieces", Recording()):
        assert stage.index.find_fuzzy(text) == whole
    assert len(seen) >= len(text) // block
    assert max(seen) <= block + stage.index._longest_form


def test_rivals_are_weighed_per_run_of_overlapping_hits(stage: LexiconStage) -> None:
    # A long document is weighed run by run of overlapping hits (bounded memory); weighing all its
    # candidates at once gives the same proposals in the same order.
    from unittest import mock

    from restore.stages import lexicon as lexicon_module

    text = "\n".join(case["text"] for case in golden("must_fix"))
    hits = [*stage.index.find_fuzzy(text), *stage.index.find_slips(text)]
    runs = lexicon_module._overlapping_runs(hits)
    assert len(runs) >= 3 and any(len(run) > 1 for run in runs)
    by_runs = stage.propose(text, Document())
    assert len([p for p in by_runs.proposals if p.evidence[0].match == "fuzzy"]) >= 2
    with mock.patch.object(lexicon_module, "_overlapping_runs", lambda hits: [list(range(len(hits)))] if hits else []):
        assert stage.propose(text, Document()) == by_runs
