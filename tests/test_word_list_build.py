"""The known-word list leaves out misspellings (scripts/build/build_word_list.py, issue 12).

Words here are written for these tests; the counts are made up.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from restore.glyphs.tables import ConfusionTable, GlyphNeighbours
from restore.lm.model import load_words
from restore.scriptdata import ScriptTables

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build" / "build_word_list.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_word_list", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_word_list"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["build_word_list"]


COUNTS = {"己经": 10, "已经": 50_000, "自己": 9_000, "巳经": 0, "已經": 40, "工件": 20, "工作": 90_000}
TABLE = ConfusionTable({"己": {"已": 3, "巳": 1}, "經": {"经": 40}, "件": {"作": 2}})


def test_a_word_a_mined_look_alike_outnumbers_is_left_out(build) -> None:
    found = build.misspellings(list(COUNTS), COUNTS, TABLE, 1000, tables=ScriptTables.load())
    assert found == {"己经": ("已经", 5000.0), "工件": ("工作", 4500.0)}


def test_below_the_ratio_nothing_is_left_out(build) -> None:
    assert build.misspellings(list(COUNTS), COUNTS, TABLE, 6000, tables=ScriptTables.load()) == {}
    assert build.misspellings(list(COUNTS), COUNTS, TABLE, 0) == {}


def test_kept_words_and_words_without_a_count_stay(build) -> None:
    found = build.misspellings([*COUNTS, "己任"], COUNTS, TABLE, 1000, keep={"工件"}, tables=ScriptTables.load())
    assert set(found) == {"己经"}


def test_a_script_counterpart_is_no_misspelling(build) -> None:
    counts = {"已經": 40, "已经": 50_000}
    assert build.misspellings(list(counts), counts, TABLE, 100) == {"已經": ("已经", 1250.0)}
    assert build.misspellings(list(counts), counts, TABLE, 100, tables=ScriptTables.load()) == {}


def test_glyph_similarity_floor(build) -> None:
    glyphs = GlyphNeighbours.bundled()
    assert build.glyph_similarity("己", "已", glyphs) >= 0.6
    counts = {"己经": 10, "已经": 50_000}
    noisy = ConfusionTable({"己": {"已": 3}, "经": {"绎": 1}})
    assert set(build.misspellings(list(counts), counts, noisy, 100, glyphs=glyphs, min_similarity=0.6)) == {"己经"}
    # A pair whose glyphs are not alike (alignment noise in a mined table) is not used.
    unlike = ConfusionTable({"经": {"说": 5}})
    counts = {"己经": 10, "己说": 50_000}
    assert build.misspellings(list(counts), counts, unlike, 100, glyphs=glyphs, min_similarity=0.6) == {}


def test_shipped_word_list() -> None:
    """The shipped list was built with the filter: the misspelling is gone, the words stay."""
    words = load_words()
    assert "己经" not in words and "时侯" not in words
    assert {"已经", "时候", "自己", "工件", "自已"} <= words
