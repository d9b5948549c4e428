"""The compiled LM windows (restore._windows, restore.lm.native) give bit for bit the pure-Python
totals, and the char stage the same edits with either.

Without the extension (no C++ compiler at install time) these tests are skipped, except under CI
(``CI`` set), where the install must have built it and they fail.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import kenlm
import pytest
from native_support import native_module
from hypothesis import given, settings
from hypothesis import strategies as st

import restore
from restore.lm import native
from restore.lm.model import CharLanguageModel
from restore.lm.windows import FLOOR_SLACK, SentenceWalk, begin_state, score_windows, window_tail
from restore.stages.char import CharStage

REPO = Path(__file__).resolve().parent.parent

# Frequent and rare characters, marks, a character outside the model's vocabulary (Ꙃ), a Latin
# letter and a private-use code point (both unknown too).
ALPHABET = "会议在徐汇区召开的了是一人民图书馆涂斜钭天夭完宪，。、Ꙃx\ue000"
# Tokens the kernel reads through its one-character index, and beside them what it looks up
# directly: a character beyond the BMP and a token of two characters.
TOKENS = [*ALPHABET, "\U00020000", "人民"]


def _extension_or_skip() -> None:
    native_module()


@pytest.fixture(scope="module")
def lm() -> CharLanguageModel:
    return CharLanguageModel()


@pytest.fixture(scope="module")
def kernel(lm: CharLanguageModel) -> native.WindowsKernel:
    _extension_or_skip()
    loaded = native.load_kernel(lm.model, lm.path)
    assert loaded is not None
    return loaded


def _python(model: kenlm.Model, tokens: list[str], index: int, replacements: list[str], floor: float | None) -> list[float]:
    return score_windows(model, begin_state(model, tokens, index), window_tail(model, tokens, index), replacements, floor)


@settings(max_examples=400, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14),
    data=st.data(),
    replacements=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30),
    floor=st.none() | st.floats(min_value=-40.0, max_value=0.0),
)
def test_the_kernel_gives_the_python_totals_bit_for_bit(
    lm: CharLanguageModel, kernel: native.WindowsKernel, tokens: list[str], data: st.DataObject, replacements: list[str], floor: float | None
) -> None:
    # Any position: near the start (<s>), in the middle, and near the end (short tails with </s>).
    index = data.draw(st.integers(min_value=0, max_value=len(tokens) - 1))
    expected = _python(lm.model, tokens, index, replacements, floor)
    got = kernel.windows(tokens, index, replacements, None if floor is None else floor - FLOOR_SLACK)
    assert [value.hex() for value in got] == [value.hex() for value in expected]


def test_the_kernel_walks_unknown_replacements_once_with_the_python_totals(lm: CharLanguageModel, kernel: native.WindowsKernel) -> None:
    # Ꙃ, x and U+E000 are all <unk> to kenlm: the kernel copies the first one's window to the others
    # (CharStage then passes no sharing); each total is still the pure-Python walk's, bit for bit.
    tokens = list("会议在徐汇区召开")
    replacements = ["Ꙃ", "徐", "x", "涂", "\ue000", "Ꙃ"]
    assert [lm.unknown(token) for token in replacements] == [True, False, True, False, True, True]
    for index in (0, 3, len(tokens) - 1):
        for floor in (None, -12.0, -3.0):
            expected = _python(lm.model, tokens, index, replacements, floor)
            got = kernel.windows(tokens, index, replacements, None if floor is None else floor - FLOOR_SLACK)
            assert [value.hex() for value in got] == [value.hex() for value in expected]
            assert got[0] == got[2] == got[4] == got[5] != got[1]


def test_the_stage_leaves_unknown_sharing_to_the_kernel(kernel: native.WindowsKernel) -> None:
    stage = CharStage(restore.Config())
    assert stage.lm.windows_kernel is not None
    key = ("未", "simplified", False)
    listed = stage.candidates_for(*key)
    tokens, sharing = stage._replacements(key, listed, listed)
    assert tokens == [option[1] for option in listed] and sharing is None


@settings(max_examples=100, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=10),
    data=st.data(),
    walked=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=8),
)
def test_the_kernel_expands_shared_windows_by_source(
    lm: CharLanguageModel, kernel: native.WindowsKernel, tokens: list[str], data: st.DataObject, walked: list[str]
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(tokens) - 1))
    source = data.draw(st.lists(st.integers(min_value=0, max_value=len(walked) - 1), max_size=12))
    totals = _python(lm.model, tokens, index, walked, None)
    assert kernel.windows(tokens, index, walked, None, source) == [totals[at] for at in source]


@settings(max_examples=150, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(ALPHABET), max_size=10),
    data=st.data(),
    fillers=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=6),
    floor=st.none() | st.floats(min_value=-30.0, max_value=0.0),
)
def test_an_insertion_is_a_replacement_of_a_placeholder(
    lm: CharLanguageModel, kernel: native.WindowsKernel, tokens: list[str], data: st.DataObject, fillers: list[str], floor: float | None
) -> None:
    # CharStage._junction_scores: a filler before tokens[index] and the order - 1 tokens from index on.
    index = data.draw(st.integers(min_value=0, max_value=len(tokens)))
    model = lm.model
    end = index + model.order - 1
    tail = tokens[index:end] + (["</s>"] if end > len(tokens) else [])
    expected = score_windows(model, begin_state(model, tokens, index), tail, fillers, floor)
    cut = None if floor is None else floor - FLOOR_SLACK
    got = kernel.windows([*tokens[:index], "", *tokens[index:]], index, fillers, cut)
    assert [value.hex() for value in got] == [value.hex() for value in expected]


@settings(max_examples=150, deadline=None)
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=16))
def test_a_walk_takes_the_same_steps_from_the_kernel(lm: CharLanguageModel, kernel: native.WindowsKernel, tokens: list[str]) -> None:
    python, compiled = SentenceWalk(lm.model, tokens), SentenceWalk(lm.model, tokens, kernel)
    spans = [(start, end) for start in range(len(tokens) + 1) for end in range(start, len(tokens) + 2)]
    assert [compiled.span(*span).hex() for span in spans] == [python.span(*span).hex() for span in spans]
    assert compiled._states == []  # the kernel's walk needs no Python states ...
    assert all(compiled.state_before(i) == python.state_before(i) for i in range(len(tokens) + 1))  # ... until asked


@settings(max_examples=200, deadline=None)
@given(
    scores=st.lists(st.floats(min_value=-60.0, max_value=0.0) | st.sampled_from([-1.0, -1.5, 0.0]), max_size=30),
    before=st.floats(min_value=-60.0, max_value=0.0) | st.just(-2.5),
    min_gain=st.floats(min_value=0.0, max_value=5.0) | st.just(1.0),
)
def test_the_kernel_finds_the_gaining_positions(kernel: native.WindowsKernel, scores: list[float], before: float, min_gain: float) -> None:
    expected = [position for position, score in enumerate(scores) if score - before >= min_gain]
    assert kernel.gaining(scores, before, min_gain) == expected


def test_the_kernel_refuses_what_it_cannot_score(kernel: native.WindowsKernel) -> None:
    with pytest.raises(IndexError):
        kernel.windows(list("会议"), 3, ["在"])
    with pytest.raises(TypeError):
        kernel.windows(list("会议"), 0, [b"\xe5\x9c\xa8"])  # type: ignore[list-item]
    with pytest.raises(IndexError):
        kernel.windows(list("会议"), 0, ["在"], None, [1])
    with pytest.raises(OSError, match="nonexistent"):
        native.extension().Windows("/nonexistent/model.klm")


def test_only_a_plain_kenlm_model_gets_the_kernel(lm: CharLanguageModel, monkeypatch: pytest.MonkeyPatch) -> None:
    _extension_or_skip()
    assert native.load_kernel(lm.model, lm.path) is not None
    # An adapted model is a mixture object (restore.lm.mixture), scored in Python.
    assert native.load_kernel(object(), lm.path) is None
    monkeypatch.setenv(native.ENVIRONMENT, "0")
    assert native.load_kernel(lm.model, lm.path) is None


# Sentences written for this test, each with a misread or two of the kind OCR makes.
SENTENCES = [
    "我们在图书倌里借了一本书，然后去公园散步。",
    "今夭天气很好，孩子们在操场上玩耍。",
    "他已经把作业做宪了，正在看电视。",
    "会议在徐汇区召幵，大家讨论了很久。",
    "这个问题很复朵，需要慢慢解决。",
    "我們在圖書舘裏借了一本書。",
    "明天上午九点，请到三楼会议室开会",
    "她说：“这件事我们明天再谈吧。”",
]


def _results(monkeypatch: pytest.MonkeyPatch, native_on: bool) -> tuple[list[str], bool]:
    with monkeypatch.context() as patch:
        patch.setenv(native.ENVIRONMENT, "1" if native_on else "0")
        corrector = restore.Corrector()
        results = [corrector.fix(sentence).to_json() for sentence in SENTENCES]
        stage = next(stage for stage in corrector.stages if isinstance(stage, CharStage))
        used = stage.lm.windows_kernel is not None
    return results, used


def test_the_char_stage_makes_the_same_edits_with_either_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    _extension_or_skip()
    python, python_used = _results(monkeypatch, native_on=False)
    compiled, compiled_used = _results(monkeypatch, native_on=True)
    assert (python_used, compiled_used) == (False, True)
    assert compiled == python
    # Not vacuous: the misreads above are found (倌 -> 馆 at least).
    assert "馆" in restore.Corrector().fix(SENTENCES[0]).text


@pytest.mark.slow
def test_the_wheel_installs_without_a_compiler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `pip install .` builds this wheel (hatch_build.py's hook): without a compiler it must still build,
    # pure Python. (With one, tests/test_lexicon_format.py's wheel carries the kernel.)
    hatchling = pytest.importorskip("hatchling.builders.wheel")
    monkeypatch.setenv("CXX", str(tmp_path / "no-such-c++"))
    (wheel,) = list(hatchling.WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"]))
    with zipfile.ZipFile(wheel) as archive:
        assert [name for name in archive.namelist() if name.startswith("restore/_windows")] == []
    assert wheel.endswith("-py3-none-any.whl")


@settings(max_examples=300, deadline=None)
@given(tokens=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=14), data=st.data())
def test_the_kernel_weighs_a_stop_against_a_comma_bit_for_bit(
    lm: CharLanguageModel, kernel: native.WindowsKernel, tokens: list[str], data: st.DataObject
) -> None:
    # restore.lm.sentence_marks.stop_and_comma with the kernel: both readings, every position
    # (the one the unit ends exactly `order` tokens after is scored in Python either way).
    from restore.lm.sentence_marks import stop_and_comma

    index = data.draw(st.integers(min_value=0, max_value=len(tokens) - 1))
    python = stop_and_comma(lm.model, tokens, index)
    compiled = stop_and_comma(lm.model, tokens, index, kernel)
    assert [x.hex() for x in compiled] == [x.hex() for x in python]


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14),
    data=st.data(),
    min_gain=st.floats(min_value=0.0, max_value=4.0) | st.sampled_from([0.0, 1.0]),
)
def test_a_screen_is_the_windows_of_each_position_and_their_gains(
    lm: CharLanguageModel, kernel: native.WindowsKernel, tokens: list[str], data: st.DataObject, min_gain: float
) -> None:
    # CharStage._screen: each examined position's window as printed (the walk's steps), its
    # replacements' windows cut at that plus min_gain, and the gaining ones; None where none gains.
    positions = data.draw(st.lists(st.integers(min_value=0, max_value=len(tokens) - 1), max_size=6))
    replacements = [data.draw(st.lists(st.sampled_from(TOKENS), max_size=20)) for _ in positions]
    walk = SentenceWalk(lm.model, tokens)
    steps = kernel.steps(tokens)
    got = kernel.screen(tokens, steps, positions, replacements, min_gain, FLOOR_SLACK)
    assert len(got) == len(positions)
    for index, listed, found in zip(positions, replacements, got):
        before = walk.window(index)
        totals = kernel.windows(tokens, index, listed, before + min_gain - FLOOR_SLACK)
        assert totals == _python(lm.model, tokens, index, listed, before + min_gain)
        gaining = kernel.gaining(totals, before, min_gain)
        if not gaining:
            assert found is None
        else:
            assert found is not None
            assert found[0].hex() == before.hex()
            assert [value.hex() for value in found[1]] == [value.hex() for value in totals]
            assert found[2] == gaining


def test_a_screen_checks_its_arguments(kernel: native.WindowsKernel) -> None:
    tokens = list("会议在徐汇区召开")
    steps = kernel.steps(tokens)
    assert kernel.screen(tokens, steps, [], [], 1.0, FLOOR_SLACK) == []
    with pytest.raises(ValueError):
        kernel.screen(tokens, steps[:-1], [3], [["涂"]], 1.0, FLOOR_SLACK)
    with pytest.raises(ValueError):
        kernel.screen(tokens, steps, [3, 4], [["涂"]], 1.0, FLOOR_SLACK)
    with pytest.raises(IndexError):
        kernel.screen(tokens, steps, [len(tokens)], [["涂"]], 1.0, FLOOR_SLACK)
    with pytest.raises(TypeError):
        kernel.screen(tokens, steps, [3], [[3]], 1.0, FLOOR_SLACK)
    with pytest.raises(TypeError):
        kernel.screen(tokens, [*steps[:-1], "x"], [3], [["涂"]], 1.0, FLOOR_SLACK)


def test_the_stage_screens_with_the_kernel_and_finds_the_same_candidates(kernel: native.WindowsKernel) -> None:
    # The stage's own use (CharStage._screen in examine) against best_candidate without it.
    stage = CharStage(restore.Config())
    text = "会议在涂汇区召开，他己经到了图书馆，天气很好。"
    tokens = [stage.lm.prepare(c) for c in text]
    chars = list(text)
    steps = kernel.steps(tokens)
    suspects = list(range(len(chars)))
    screened = stage._screen(tokens, chars, suspects, "simplified", None, None, steps)
    assert any(found is not None for found in screened)
    walk = SentenceWalk(stage.lm.model, tokens, kernel, steps)
    for index, found in zip(suspects, screened):
        plain = stage.best_candidate(tokens, chars, index, steps[index], "simplified", walk=walk)
        fast = None if found is None else stage.best_candidate(tokens, chars, index, steps[index], "simplified", walk=walk, screened=found)
        assert fast == plain


@settings(max_examples=200, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(TOKENS), max_size=12),
    data=st.data(),
    min_gain=st.floats(min_value=0.0, max_value=4.0) | st.sampled_from([0.0, 1.0]),
)
def test_a_screen_of_insertions_is_the_windows_of_a_placeholder(
    lm: CharLanguageModel, kernel: native.WindowsKernel, tokens: list[str], data: st.DataObject, min_gain: float
) -> None:
    # CharStage.best_insertion: a mark inserted before tokens[i] (any i, the end too), its window
    # as the kernel scores a placeholder there, against the walk's span of the junction.
    positions = data.draw(st.lists(st.integers(min_value=0, max_value=len(tokens)), max_size=6))
    fillers = [data.draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6)) for _ in positions]
    walk = SentenceWalk(lm.model, tokens)
    got = kernel.screen(tokens, kernel.steps(tokens), positions, fillers, min_gain, FLOOR_SLACK, True)
    assert len(got) == len(positions)
    for index, listed, found in zip(positions, fillers, got):
        before = walk.span(index, index + lm.model.order - 1)
        totals = kernel.windows([*tokens[:index], "", *tokens[index:]], index, listed, before + min_gain - FLOOR_SLACK)
        end = index + lm.model.order - 1
        tail = tokens[index:end] + (["</s>"] if end > len(tokens) else [])
        assert totals == score_windows(lm.model, begin_state(lm.model, tokens, index), tail, listed, before + min_gain)
        gaining = kernel.gaining(totals, before, min_gain)
        if not gaining:
            assert found is None
        else:
            assert found is not None and found[0].hex() == before.hex() and found[2] == gaining
            assert [value.hex() for value in found[1]] == [value.hex() for value in totals]


def test_an_insertion_screen_reaches_the_end_but_a_replacement_does_not(kernel: native.WindowsKernel) -> None:
    tokens = list("会议在徐汇区召开")
    steps = kernel.steps(tokens)
    assert len(kernel.screen(tokens, steps, [len(tokens)], [["。"]], 0.0, FLOOR_SLACK, True)) == 1
    with pytest.raises(IndexError):
        kernel.screen(tokens, steps, [len(tokens)], [["。"]], 0.0, FLOOR_SLACK)
    with pytest.raises(IndexError):
        kernel.screen(tokens, steps, [-1], [["。"]], 0.0, FLOOR_SLACK, True)


def test_the_stage_screens_insertions_with_the_same_candidates(kernel: native.WindowsKernel) -> None:
    stage = CharStage(restore.Config())
    text = "今天天气很好我们去公园玩吧，因为下雨所以我们没有出去。"
    tokens = [stage.lm.prepare(c) for c in text]
    steps = kernel.steps(tokens)
    junctions = list(range(1, len(tokens)))
    walk = SentenceWalk(stage.lm.model, tokens, kernel, steps)
    screened = kernel.screen(tokens, steps, junctions, [["、", "，"]] * len(junctions), stage.config.min_lm_gain, FLOOR_SLACK, True)
    assert any(found is not None for found in screened)
    for index, found in zip(junctions, screened):
        plain = stage.best_insertion(tokens, index, steps[index], walk)
        if found is None:
            assert plain is None  # no mark gains: the screen skips the junction
        else:
            assert stage.best_insertion(tokens, index, steps[index], walk, found) == plain
