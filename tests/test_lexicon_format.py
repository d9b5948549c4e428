"""The lexicon file format: parsing, linting, loading bundled and user lexicons."""

from __future__ import annotations

import sysconfig
import zipfile
from pathlib import Path

import pytest

from restore.config import Config
from restore.errors import LexiconError
from restore.lexicon import (
    ENTRY_KINDS,
    bundled_lexicon_dir,
    bundled_lexicon_files,
    lint_lexicon,
    load_bundled_lexicons,
    load_lexicons,
    parse_lexicon,
    with_user_lexicons,
)
from restore.lm import native
from restore.scriptdata import ScriptTables

REPO = Path(__file__).resolve().parent.parent
COLUMNS_LINE = "# columns: canonical\ttraditional\tvariants\tcues\tperiod\tnote"
HEADER = ["# restore-lexicon: 1", "# name: demo", "# kind: person", "# source: written for the tests", "# licence: CC0-1.0", COLUMNS_LINE]


@pytest.fixture(scope="module")
def tables() -> ScriptTables:
    return ScriptTables.load()


def lexicon_text(*rows: str, header: list[str] | None = None) -> str:
    return "\n".join([*(HEADER if header is None else header), *rows]) + "\n"


def reasons(text: str, tables: ScriptTables | None = None) -> list[str]:
    return [f"{p.line}: {p.reason}" for p in parse_lexicon(text, "demo.tsv", tables=tables)[1]]


@pytest.mark.parametrize("path", [f.name for f in bundled_lexicon_files()])
def test_every_bundled_lexicon_is_clean(path: str, tables: ScriptTables) -> None:
    assert lint_lexicon(bundled_lexicon_dir() / path, tables=tables) == []


def test_bundled_lexicons_cover_the_issue() -> None:
    lexicons = {lexicon.name: lexicon for lexicon in load_bundled_lexicons()}
    assert {lexicon.kind for lexicon in lexicons.values()} == set(ENTRY_KINDS)
    officials = {e.canonical: e for e in lexicons["xuhui-officials"].entries}
    assert officials["钟晓咏"].traditional == "鍾曉詠" and "鐘曉暉" in officials["钟晓咏"].variants
    assert "高世均" in officials["高世昀"].variants and "习挺松" in officials
    places = {e.canonical for e in lexicons["places"].entries}
    assert sum(1 for p in places if p.endswith("区") and len(p) in (3, 4)) == 16
    assert sum(1 for p in places if p.endswith("街道") and p != "枫林街道") + ("华泾镇" in places) == 13
    theme = {e.canonical: e for e in lexicons["events"].entries}["智联世界 生成未来"]
    assert theme.period == "2023" and set(theme.variants) == {"智能世界 生成未来", "智联世界 生态未来"}
    assert "习挺松" in {e.canonical for e in lexicons["near-miss-names"].entries}
    for lexicon in lexicons.values():
        assert lexicon.source and lexicon.licence


def test_editable_install_reads_the_repository_folder() -> None:
    assert Path(str(bundled_lexicon_dir())).resolve() == (REPO / "lexicons").resolve()


def test_parse_reads_every_column(tables: ScriptTables) -> None:
    lexicon, problems = parse_lexicon(lexicon_text("钟晓咏\t鍾曉詠\t鐘曉暉|鐘曉詠\t区长|区委副书记\t2021/2024\t区长"), "demo.tsv", tables=tables)
    assert problems == []
    (entry,) = lexicon.entries
    assert (entry.canonical, entry.traditional, entry.variants, entry.cues, entry.period, entry.line) == (
        "钟晓咏", "鍾曉詠", ("鐘曉暉", "鐘曉詠"), ("区长", "区委副书记"), "2021/2024", 7,
    )
    assert lexicon.source_id == "lexicon:demo" and lexicon.label == "demo.tsv"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["张三\t\t\t\t"], "7: expected 6 tab-separated columns, found 5"),
        (["张三\t\t\t\t\t", "张三\t\t\t\t\t"], "8: duplicate entry '张三'"),
        (["李四\t\t\t\t\t", "张三\t\t\t\t\t"], "8: not sorted: '张三' comes after '李四'"),
        (["张\ufffd三\t\t\t\t\t"], "7: canonical: bad character U+FFFD in '张\ufffd三'"),
        (["张三 \t\t\t\t\t"], "7: canonical: leading or trailing space in '张三 '"),
        (["ＭｉｎｉＭａｘ\t\t\t\t\t"], "7: canonical: full-width Latin character 'Ｍ' in 'ＭｉｎｉＭａｘ' (use half-width)"),
        (["张三\t張三三\t\t\t\t"], "7: traditional: '張三三' is not the same length as '张三'"),
        (["张三\t\t张三\t\t\t"], "7: variant '张三' is the entry's own form"),
        (["张三\t\t张叁|张叁\t\t\t"], "7: variants: repeated item in '张叁|张叁'"),
        (["张三\t\t\t区长||\t\t"], "7: cues: empty item or item with surrounding spaces in '区长||'"),
        (["张三\t\t\t\t2024/2021\t"], "7: period '2024/2021' ends before it starts"),
        (["张三\t\t\t\t2021-2024\t"], "7: period '2021-2024' must look like 2023, 2021/2024, 2024-12/ or /2023"),
        (["\t\t\t\t\t"], "7: canonical form is empty"),
    ],
)
def test_lint_finds_bad_lines(rows: list[str], expected: str) -> None:
    assert expected in reasons(lexicon_text(*rows))


def test_lint_checks_traditional_characters(tables: ScriptTables) -> None:
    assert reasons(lexicon_text("钟晓咏\t鍾曉詠\t\t\t\t"), tables) == []
    assert reasons(lexicon_text("钟晓咏\t鍾曉話\t\t\t\t"), tables) == ["7: traditional: '話' is not a traditional form of '咏'"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER[1:], "1: first line must be '# restore-lexicon: 1'"),
        ([h for h in HEADER if "source" not in h], "header is missing '# source: ...'"),
        ([h.replace("person", "people") for h in HEADER], "kind 'people' is not one of person, place, org, event, term"),
        ([h.replace("name: demo", "name: Demo") for h in HEADER], "name 'Demo' must be lowercase letters, digits and '-'"),
        ([h.replace("\tnote", "") for h in HEADER], "columns must be: canonical traditional variants cues period note"),
    ],
)
def test_lint_checks_the_header(header: list[str], expected: str) -> None:
    assert any(expected in r for r in reasons(lexicon_text("张三\t\t\t\t\t", header=header)))


def test_license_spelling_is_accepted() -> None:
    header = [h.replace("licence", "license") for h in HEADER]
    assert reasons(lexicon_text("张三\t\t\t\t\t", header=header)) == []


def test_lint_reports_encoding_problems(tmp_path: Path) -> None:
    bom = tmp_path / "bom.tsv"
    bom.write_text("\ufeff" + lexicon_text("张三\t\t\t\t\t"), encoding="utf-8")
    assert [str(p) for p in lint_lexicon(bom)] == [f"{bom}:1: starts with a byte-order mark (save as UTF-8 without BOM)"]
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes(lexicon_text("张三\t\t\t\t\t").encode("utf-8") + "é\t\t\t\t\t\n".encode("latin-1"))
    (problem,) = lint_lexicon(latin1)
    assert problem.line == 8 and problem.reason.startswith("not UTF-8")
    crlf = tmp_path / "crlf.tsv"
    crlf.write_bytes(lexicon_text("张三\t\t\t\t\t").replace("\n", "\r\n").encode("utf-8"))
    assert "CRLF line ending (use LF)" in {p.reason for p in lint_lexicon(crlf)}
    missing = lint_lexicon(tmp_path / "missing.tsv")
    assert missing[0].reason.startswith("cannot read")


def test_user_lexicons_load_after_the_bundled_ones(tmp_path: Path) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text(lexicon_text("张三\t\t\t\t\t"), encoding="utf-8")
    names = [lexicon.name for lexicon in load_lexicons(Config(lexicons=(str(mine),)))]
    assert names[-1] == "demo" and "xuhui-officials" in names
    config = Config().replace(lexicon=Config().lexicon.__class__(bundled=False), lexicons=(str(mine),))
    assert [lexicon.name for lexicon in load_lexicons(config)] == ["demo"]


def test_a_bad_user_lexicon_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(lexicon_text("李四\t\t\t\t\t", "张三\t\t\t"), encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"{bad}:8: expected 6 tab-separated columns"):
        with_user_lexicons(Config(), [str(bad)])
    good = tmp_path / "good.tsv"
    good.write_text(lexicon_text("张三\t\t\t\t\t"), encoding="utf-8")
    assert with_user_lexicons(Config(), [str(good)]).lexicons == (str(good),)


@pytest.mark.slow
def test_the_wheel_ships_the_lexicons_and_the_type_marker(tmp_path: Path) -> None:
    hatchling = pytest.importorskip("hatchling.builders.wheel")
    builder = hatchling.WheelBuilder(str(REPO))
    (wheel,) = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    shipped = {name.rsplit("/", 1)[-1] for name in names if name.startswith("restore/_lexicons/")}
    assert {f.name for f in bundled_lexicon_files()} <= shipped and "README.md" in shipped
    # PEP 561: type checkers of projects that install restore read its annotations.
    assert "restore/py.typed" in names
    # The native LM windows (hatch_build.py), when this install could build them, and then a platform wheel.
    if native.extension() is not None:
        assert f"restore/_windows{sysconfig.get_config_var('EXT_SUFFIX')}" in names
        assert "restore/_windows-kenlm/LICENSE" in names  # kenlm's LGPL goes with its compiled code
        assert not wheel.endswith("-none-any.whl")


def test_an_empty_file_is_a_problem(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tsv"
    empty.write_text("", encoding="utf-8")
    assert [str(p) for p in lint_lexicon(empty)] == [f"{empty}:1: empty file"]
    header_only = tmp_path / "header.tsv"
    header_only.write_text(lexicon_text(), encoding="utf-8")
    assert [p.reason for p in lint_lexicon(header_only)] == ["no entries"]
