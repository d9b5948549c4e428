"""The long-document benchmark's bookkeeping: runs combined per document and the 10 MB / 1 MB ratio."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import scaling


def _run(size: str, one_line: bool, cpu: float, **extra: Any) -> dict[str, Any]:
    chars = {"1M": 1000, "10M": 10000}[size]
    return {
        "size": size, "one_line": one_line, "chars": chars, "bytes": 3 * chars, "seconds": cpu + 1.0,
        "cpu_seconds": cpu, "us_per_char": (cpu + 1.0) / chars * 1e6, "cpu_us_per_char": cpu / chars * 1e6,
        "edits": 5, "rss_loaded_mb": 190.0, "peak_rss_mb": 220.0, **extra,
    }


def test_one_round_is_kept_as_it_ran() -> None:
    runs = [_run("1M", False, 9.0), _run("1M", True, 9.5)]
    assert scaling.cheapest(runs) == runs


def test_rounds_keep_each_documents_cheapest_run_in_first_seen_order() -> None:
    runs = [
        _run("1M", False, 9.6), _run("10M", False, 104.0),
        _run("1M", False, 9.2), _run("10M", False, 98.0),
        _run("1M", False, 9.4), _run("10M", False, 120.0),
    ]
    combined = scaling.cheapest(runs)
    assert [(r["size"], r["cpu_seconds"], r["rounds"]) for r in combined] == [("1M", 9.2, 3), ("10M", 98.0, 3)]
    assert combined[1]["cpu_runs"] == [104.0, 98.0, 120.0]


def test_a_failed_round_does_not_hide_a_finished_one() -> None:
    runs = [{"size": "10M", "one_line": True, "error": "killed"}, _run("10M", True, 100.0)]
    (combined,) = scaling.cheapest(runs)
    assert combined["cpu_seconds"] == 100.0 and combined["rounds"] == 2
    (failed,) = scaling.cheapest([{"size": "10M", "one_line": True, "error": "killed"}] * 2)
    assert failed["error"] == "killed"


def test_ratio_per_shape_and_the_tables_summary_line() -> None:
    runs = scaling.cheapest([_run("1M", False, 10.0), _run("1M", True, 8.0), _run("10M", False, 101.0), _run("10M", True, 88.0)])
    assert scaling.cpu_ratios(runs) == {False: 10.1, True: 11.0}
    lines = scaling.table(runs)
    assert any("many lines 10.10×, one line 11.00×" in line and "one run each" in line for line in lines)


def test_rounds_below_one_are_refused() -> None:
    with pytest.raises(ValueError):
        scaling.run(["1M"], rounds=0)


def test_same_span_fixes_the_smaller_documents_as_often_as_the_largest_holds() -> None:
    assert scaling.fixes_in_span(["1M", "10M"]) == {"1M": 10, "10M": 1}
    assert scaling.fixes_in_span(["1M"]) == {"1M": 1}
    runs = [_run("1M", False, 10.0, fixes=10, cpu_each=[10.0] * 10), _run("10M", False, 101.0)]
    (summary,) = [line for line in scaling.table(runs) if line.startswith("10 MB")]
    assert "fixed up to 10 times in their run, the mean per fix" in summary and "many lines 10.10×" in summary
