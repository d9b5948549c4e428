"""benchmarks.edit_precision: kinds, thresholds fitted per group, leave-one-font-out report."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

from benchmarks import edit_precision
from benchmarks.edit_precision import Row, fit_thresholds, precision


def _rows(cell: tuple[str, str], font: str, wrong_at: float, n_wrong: int, right_at: float, n_right: int) -> list[Row]:
    engine, script = cell
    return [Row(engine, script, font, "script", wrong_at, True, False)] * n_wrong + [
        Row(engine, script, font, "script", right_at, True, True)
    ] * n_right


def test_a_cell_under_target_is_raised_only_as_far_as_needed() -> None:
    rows = _rows(("a", "traditional"), "f1", 0.85, 10, 0.97, 90) + _rows(("b", "simplified"), "f1", 0.85, 1, 0.9, 99)
    fitted = fit_thresholds(rows, base=0.8, target=0.95, min_n=50)
    assert fitted == {"a/trad": 0.88, "b/simp": 0.8}
    assert precision([r for r in rows if r.cell == "a/trad"], fitted["a/trad"]) == (90, 90)


def test_small_cells_and_cells_that_never_reach_the_target() -> None:
    small = _rows(("a", "simplified"), "f", 0.85, 10, 0.9, 10)
    assert fit_thresholds(small, base=0.8, target=0.95, min_n=50) == {"a/simp": 0.8}
    # Wrong and right at the same confidence: no threshold separates them, and raising past
    # them all would apply nothing, so the base stays.
    mixed = _rows(("a", "simplified"), "f", 0.97, 20, 0.97, 80)
    assert fit_thresholds(mixed, base=0.8, target=0.95, min_n=50) == {"a/simp": 0.8}


def test_grouping_by_kind() -> None:
    rows = [Row("a", "simplified", "f", "punct", 0.85, True, False)] * 10 + [Row("a", "simplified", "f", "punct", 0.95, True, True)] * 90
    rows += [Row("a", "simplified", "f", "char-han", 0.85, True, True)] * 100
    by_kind = fit_thresholds(rows, base=0.8, target=0.95, min_n=50, key=edit_precision.GROUPINGS["cell-kind"])
    assert by_kind == {"a/simp punct": 0.88, "a/simp char-han": 0.8}


def test_report_reads_a_run_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rows.jsonl"
    rows = _rows(("a", "traditional"), "f1", 0.85, 10, 0.97, 90) + _rows(("a", "traditional"), "f2", 0.85, 10, 0.97, 90)
    path.write_text("".join(json.dumps({**r.__dict__, "mark": False}) + "\n" for r in rows), encoding="utf-8")
    edit_precision.main(["report", str(path), "--lofo", "cell"])
    out = capsys.readouterr().out
    assert "a/trad" in out and "0.900 *" in out  # 200 applied, 180 right: flagged under 0.95
    # Each font's threshold is fitted on the other font alone: 0.88 both times, nothing right lost.
    assert "a/trad                       200  0.900     180  1.000          0" in out


def test_module_examples_hold() -> None:
    assert doctest.testmod(edit_precision).failed == 0
