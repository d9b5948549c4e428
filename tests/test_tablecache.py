"""The parsed-table cache: same values as a fresh parse, keyed by content, harmless when broken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restore import tablecache
from restore.lexicon import conversions
from restore.lexicon.conversions import RememberedConversions, opencc_converters
from restore.lexicon.glyphs import GlyphTable
from restore.lm.model import KnownWords, load_known_words, load_words
from restore.lm.t2s import _read_script_sets, _read_t2s, load_script_sets, load_t2s
from restore.glyphs.tables import GlyphNeighbours, _merge_confusions, bundled_confusion_paths, load_confusions
from restore.scriptdata import ScriptTables


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(tablecache.ENV_DIR, str(folder))
    return folder


def _parse_counter(source: Path) -> tuple[list[int], object]:
    calls = [0]

    def parse() -> dict[str, int]:
        calls[0] += 1
        return {line.split("\t")[0]: int(line.split("\t")[1]) for line in source.read_text().splitlines()}

    return calls, parse


def test_a_second_load_reads_the_stored_value_and_an_edited_source_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "table.tsv"
    source.write_text("甲\t1\n乙\t2\n", encoding="utf-8")
    calls, parse = _parse_counter(source)
    assert tablecache.cached("t", [source], parse, version=1) == {"甲": 1, "乙": 2}
    assert tablecache.cached("t", [source], parse, version=1) == {"甲": 1, "乙": 2}
    assert calls[0] == 1
    source.write_text("甲\t1\n乙\t3\n", encoding="utf-8")
    assert tablecache.cached("t", [source], parse, version=1) == {"甲": 1, "乙": 3}
    assert calls[0] == 2
    # A new layout version or another variant never reads the old file.
    tablecache.cached("t", [source], parse, version=2)
    tablecache.cached("t", [source], parse, version=2, variant="other settings")
    assert calls[0] == 4


def test_a_truncated_cache_file_is_parsed_again_and_rewritten(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "table.tsv"
    source.write_text("甲\t1\n", encoding="utf-8")
    calls, parse = _parse_counter(source)
    tablecache.cached("t", [source], parse, version=1)
    (stored,) = cache.glob("t-*.marshal")
    stored.write_bytes(stored.read_bytes()[:3])
    assert tablecache.cached("t", [source], parse, version=1) == {"甲": 1}
    assert calls[0] == 2
    assert tablecache.cached("t", [source], parse, version=1) == {"甲": 1}
    assert calls[0] == 2


def test_an_unwritable_cache_folder_only_costs_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(tablecache.ENV_DIR, str(blocker / "cache"))
    source = tmp_path / "table.tsv"
    source.write_text("甲\t1\n", encoding="utf-8")
    calls, parse = _parse_counter(source)
    assert tablecache.cached("t", [source], parse, version=1) == {"甲": 1}
    assert tablecache.cached("t", [source], parse, version=1) == {"甲": 1}
    assert calls[0] == 2


def test_an_empty_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(tablecache.ENV_DIR, "")
    assert tablecache.cache_dir() is None
    source = tmp_path / "table.tsv"
    source.write_text("甲\t1\n", encoding="utf-8")
    calls, parse = _parse_counter(source)
    tablecache.cached("t", [source], parse, version=1)
    tablecache.cached("t", [source], parse, version=1)
    assert calls[0] == 2


def test_a_missing_source_is_left_to_the_parser_to_report(cache: Path, tmp_path: Path) -> None:
    def parse() -> dict[str, int]:
        raise FileNotFoundError("the parser's own error")

    with pytest.raises(FileNotFoundError, match="the parser's own error"):
        tablecache.cached("t", [tmp_path / "missing.tsv"], parse, version=1)


@pytest.mark.parametrize("runs", [1, 2])
def test_the_shipped_tables_equal_a_fresh_parse(cache: Path, runs: int) -> None:
    # The first run parses and stores; a second one (a later process) reads the store.
    from restore.scriptdata import _bundled_tables

    for _ in range(runs):
        _bundled_tables.cache_clear()
        tables = _bundled_tables()
        t2s, script_sets, words = load_t2s(), load_script_sets(), load_known_words()
        glyphs, confusions = GlyphNeighbours(), load_confusions([*bundled_confusion_paths()])
    _bundled_tables.cache_clear()
    assert tables == ScriptTables.read()
    assert {k: t2s[k] for k in _read_t2s()} == _read_t2s()
    assert script_sets == _read_script_sets()
    assert set(words) == load_words() and len(words) == len(load_words())
    assert (glyphs._rows, glyphs._neighbours, glyphs._similarities.tobytes()) == glyphs._read_rows()
    assert (confusions.by_seen, confusions.sources) == _merge_confusions(bundled_confusion_paths())


def test_the_lexicon_glyph_table_equals_a_fresh_merge(cache: Path) -> None:
    keep = frozenset("北京徐汇区委")
    for _ in range(2):  # parsed and stored, then loaded
        table = GlyphTable.load_installed(confusion_similarity=0.6, keep=keep)
        pairs, name = GlyphTable._merge_installed(0.6, keep)
        assert (table.pairs, table.name) == (pairs, name)
    assert GlyphTable.load_installed(confusion_similarity=0.0, keep=keep).pairs == GlyphTable._merge_installed(0.0, keep)[0]


def test_the_whole_lexicon_glyph_table_holds_every_row(cache: Path) -> None:
    # keep=None merges every row of the glyph table (a fresh cache: the merge itself runs).
    table = GlyphTable.load_installed(confusion_similarity=0.0)
    glyphs = GlyphNeighbours.bundled()
    assert sorted(glyphs) == sorted(glyphs._rows) and len(list(glyphs)) == len(glyphs)
    some = next(iter(glyphs))
    assert {(some, n) for n, _ in glyphs.get(some)} <= set(table.pairs)


def test_remembered_conversions_match_opencc_and_need_no_opencc_the_second_time(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("徐汇区\n", encoding="utf-8")
    words = ["徐汇区", "发展", "头发", "台湾", "后来"]
    forward, backward = opencc_converters("s2t", "t2s")
    first = RememberedConversions("s2t", "t2s", [lexicon])
    assert [first.forward(w) for w in words] == [forward(w) for w in words]
    assert [first.backward(forward(w)) for w in words] == [backward(forward(w)) for w in words]
    first.save()

    def unavailable(*names: str) -> None:
        raise AssertionError("OpenCC loaded although every conversion was stored")

    monkeypatch.setattr(conversions, "opencc_converters", unavailable)
    second = RememberedConversions("s2t", "t2s", [lexicon])
    assert [second.forward(w) for w in words] == [forward(w) for w in words]
    # An edited lexicon is another key: its strings are converted afresh (here: OpenCC needed).
    lexicon.write_text("徐汇区\n北京\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="OpenCC loaded"):
        RememberedConversions("s2t", "t2s", [lexicon]).forward("北京")


@given(st.sets(st.text(alphabet="一二三天下人", min_size=1, max_size=4)), st.text(alphabet="一二三天下人x", max_size=5))
def test_known_words_answer_like_a_set(words: set[str], query: str) -> None:
    by_first: dict[str, list[str]] = {}
    for word in sorted(words):
        by_first.setdefault(word[0], []).append(word)
    known = KnownWords({first: "\n".join(group) for first, group in by_first.items()})
    assert (query in known) == (query in words)
    assert set(known) == words and len(known) == len(words)


def test_cold_cli_gives_the_same_output_parsing_and_loading_the_tables(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("会议于 12 月 17 日召开,地点在徐汇.他們在北京工作了三年。\n", encoding="utf-8")
    env = {**os.environ, tablecache.ENV_DIR: str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-m", "restore.cli", "fix", str(page)], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    env[tablecache.ENV_DIR] = ""
    uncached = subprocess.run([sys.executable, "-m", "restore.cli", "fix", str(page)], capture_output=True, text=True, env=env)
    assert [run.returncode for run in runs] == [0, 0] and uncached.returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout == uncached.stdout
    assert runs[0].stdout.startswith("会议于12月17日召开，")
    assert len(list((tmp_path / "cache").glob("*.marshal"))) >= 6
