"""The char stage's phonetic channel (typed text): the shipped table, same-sound fixes, off by default."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from restore.config import Config
from restore.errors import ResourceError
from restore.evidence import ConfusionPair
from restore.glyphs.tables import PhoneticNeighbours
from restore.pipeline import Corrector
from restore.stages.base import Document
from restore.chars import is_bmp_han as is_han
from restore.stages.char import PHONETIC_TABLE_ID, CharStage

# Sentences written for these tests: a typed same-sound error each, and its correction.
TYPED = [
    ("他们在北京举行了会义。", "他们在北京举行了会议。"),
    ("下午的会义讨论了明年的工作计划。", "下午的会议讨论了明年的工作计划。"),
    ("这是一个重要的决定，我们必需认真对待。", "这是一个重要的决定，我们必须认真对待。"),
]
CLEAN = [
    "我们已经收到了你的来信。",
    "他们的孩子今年上小学了。",
    "春天到了，公园里的花都开了。",
    "今天的天气非常好，我们去公园散步吧。",
    "市政府决定在明年春天开始建设新的图书馆。",
    "这本书的内容很有意思，我已经看了两遍。",
    "他們的孩子今年上小學了，每天早上走路去學校。",
]


def phonetic_config(on: bool = True) -> Config:
    base = Config()
    return base.replace(char=dataclasses.replace(base.char, phonetic=on))


@pytest.fixture(scope="module")
def typed() -> Corrector:
    return Corrector(phonetic_config())


@pytest.fixture(scope="module")
def table() -> PhoneticNeighbours:
    return PhoneticNeighbours()


def test_shipped_table_is_well_formed(table):
    assert len(table) > 10000
    assert "zai" in table.readings("在") and "zai" in table.readings("再")
    assert set(table.readings("了")) >= {"le", "liao"}  # heteronyms
    assert "再" in table.neighbours("在", 5)
    assert "在" not in table.neighbours("在", 50)
    for reading in ("yi", "shi", "de"):
        group = table.group(reading)
        assert group and len(set(group)) == len(group) and all(is_han(ch) for ch in group)
    # most frequent first: a common character leads its group
    assert table.group("zai")[0] == "在"
    # a character of the other script is skipped, not counted against the limit
    assert "議" not in table.neighbours("义", 3, frozenset("議義")) and len(table.neighbours("义", 3, frozenset("議"))) >= 3


def test_malformed_table_names_file_and_line(tmp_path):
    bad = tmp_path / "phonetic.tsv"
    bad.write_text("# reading<TAB>characters\nzai\t在再\nyi 一以\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"phonetic.tsv:3"):
        PhoneticNeighbours(bad)
    bad.write_text("zai\t在再\nyi\t一a以\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"phonetic.tsv:2"):
        PhoneticNeighbours(bad)
    bad.write_text("zai\t在再\nzai\t载\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"phonetic.tsv:2: reading 'zai' listed twice"):
        PhoneticNeighbours(bad)
    with pytest.raises(ResourceError, match="missing.tsv"):
        PhoneticNeighbours(tmp_path / "missing.tsv")


@pytest.mark.parametrize(("text", "truth"), TYPED)
def test_typed_sound_alike_is_fixed_with_phonetic_evidence(typed, text, truth):
    result = typed.fix(text)
    assert result.text == truth
    [edit] = result.edits
    pairs = [e for e in edit.evidence if isinstance(e, ConfusionPair) and e.table == PHONETIC_TABLE_ID]
    assert pairs and (pairs[0].seen, pairs[0].meant) == (edit.before, edit.after)


def test_traditional_page_gets_traditional_candidates(typed):
    result = typed.fix("他們在北京舉行了會義。")
    assert result.text == "他們在北京舉行了會議。"


@pytest.mark.parametrize(("text", "truth"), TYPED)
def test_phonetic_off_makes_no_phonetic_change(text, truth):
    stage = CharStage(Config())
    proposals = stage.propose(text, Document(script="simplified")).proposals
    assert not any(
        isinstance(e, ConfusionPair) and e.table == PHONETIC_TABLE_ID for p in proposals for e in p.evidence
    )
    assert Corrector(Config()).fix(text).text == text
    assert stage.resources.phonetic is None  # the table is not even read


@pytest.mark.xfail(
    strict=True,
    reason="with the law-mixed default model (issue 11) 再 -> 在 is still proposed but at confidence 0.09, "
    "under min_suggestion_confidence: 再会 is a known word (word_before) and the LM gain is smaller; "
    "calib_phonetic refitted on DEV for this model (1.269 -> 1.156) lowers it further",
)
def test_sound_alike_below_the_threshold_is_a_suggestion(typed):
    # 再 for 在: the LM is unsure enough (再 is a word here too) that it is offered, not applied.
    result = typed.fix("我们再会议上讨论了这个问题。")
    assert result.text == "我们再会议上讨论了这个问题。"
    assert [(s.before, s.after) for s in result.suggestions] == [("再", "在")]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_sentences_get_no_confident_edit(typed, text):
    assert typed.fix(text).text == text


def test_cli_phonetic_flag_and_toml(tmp_path):
    text = TYPED[0][0]
    page = tmp_path / "typed.txt"
    page.write_text(text + "\n", encoding="utf-8")
    run = [sys.executable, "-m", "restore.cli", "fix", str(page)]
    off = subprocess.run(run, capture_output=True, timeout=120, check=False)
    on = subprocess.run([*run, "--phonetic"], capture_output=True, timeout=120, check=False)
    assert off.returncode == 0 and on.returncode == 0, on.stderr.decode()
    assert off.stdout.decode("utf-8") == text + "\n"
    assert on.stdout.decode("utf-8") == TYPED[0][1] + "\n"
    toml = tmp_path / "typed.toml"
    toml.write_text("[char]\nphonetic = true\n", encoding="utf-8")
    assert Config.from_toml(toml).char.phonetic
    via_toml = subprocess.run([*run, "--config", str(toml)], capture_output=True, timeout=120, check=False)
    assert via_toml.stdout.decode("utf-8") == TYPED[0][1] + "\n"


def test_runtime_never_imports_pypinyin():
    code = (
        "import sys, dataclasses, restore\n"
        "c = restore.Config(); c = c.replace(char=dataclasses.replace(c.char, phonetic=True))\n"
        f"restore.Corrector(c).fix({TYPED[0][0]!r})\n"
        "print('pypinyin' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "False"
