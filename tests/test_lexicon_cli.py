"""``restore lexicon check`` and ``restore lexicon list``."""

from __future__ import annotations

from pathlib import Path

import pytest

from restore.cli import main

HEADER = "# restore-lexicon: 1\n# name: demo\n# kind: place\n# source: tests\n# licence: CC0-1.0\n# columns: canonical\ttraditional\tvariants\tcues\tperiod\tnote\n"


def test_check_passes_the_bundled_lexicons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lexicon", "check"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "OK" in captured.err


def test_check_reports_file_line_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.tsv"
    good.write_text(HEADER + "徐家汇\t\t\t\t\t\n", encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + "龙华\t\t\t\t\t\n徐家汇\t\t\t\t\t\n田林\t\t\n", encoding="utf-8")
    assert main(["lexicon", "check", str(good), str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{bad}:8: not sorted: '徐家汇' comes after '龙华'",
        f"{bad}:9: expected 6 tab-separated columns, found 3",
    ]


def test_check_reports_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lexicon", "check", str(tmp_path / "missing.tsv")]) == 1
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'missing.tsv'}:0: cannot read")


def test_list_shows_the_bundled_lexicons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lexicon", "list"]) == 0
    out = capsys.readouterr().out
    assert "xuhui-officials\tperson\t" in out and "events\tevent\t" in out
