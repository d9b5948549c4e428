"""One clear line for every bad input (issue 14, points 4, 6, 8, 9, 11 and 12), through the CLI.

The README promises one line on stderr naming the file, exit code 1, and nothing written.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from reliability import OTHER, PAGE, one_error_line, run_cli, visible_files

import restore

# --- 4. the JSONL clean writes is read back by every reader ----------------------------------


def test_report_reads_the_jsonl_clean_wrote_for_documents_with_line_separators(tmp_path: Path) -> None:
    source, out, jsonl = tmp_path / "in", tmp_path / "out", tmp_path / "e.jsonl"
    source.mkdir()
    (source / "a.txt").write_text("第一段,到此為止\u2028第二段\u2029第三段\x85第四段。\n", encoding="utf-8")
    (source / "b.txt").write_text(OTHER, encoding="utf-8")
    assert run_cli("clean", source, "-o", out, "--jsonl", jsonl).returncode == 0
    text = jsonl.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2  # any reader splitting on line ends sees two records
    records = [json.loads(line) for line in text.splitlines()]
    assert "\u2028" in records[0]["original"] and "\x85" in records[0]["original"]
    proc = run_cli("report", jsonl, "-o", tmp_path / "r.html")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r.html").stat().st_size > 0


# --- 6. a second fix changes nothing, and clean pages are left alone ---------------------------

# Column-wrapped pages (12 characters a line) in the shape of a district paper's OCR output.
NARROW_PAGE = (
    "徐 匯 報\n\n2024年7月1日 星期一\n世界人工智能大會在滬開幕\n智聯世界 生成未來\n\n本報記者 王華\n"
    "居民代表就基層治理提出建\n議,街道負責人逐一作了回\n應。來自各國的專家學者齊\n聚一堂,共同探討人工智能\n的未來發展。\n"
)
SHORT_PARAGRAPH_PAGE = (
    "徐 匯 報\n\n2019年1月1日 星期一\n世界人工智能大會\n智聯世界 生成未來\n\n本報記者 王華\n"
    "居民代表就基層治理提出建\n議,街道負責人逐一作了回\n應。\n"
)


@pytest.mark.parametrize("text", [NARROW_PAGE, SHORT_PARAGRAPH_PAGE], ids=["narrow-column", "short-paragraph"])
def test_headings_stay_apart_and_a_second_fix_changes_nothing(tmp_path: Path, text: str) -> None:
    page, once, twice = tmp_path / "page.txt", tmp_path / "once.txt", tmp_path / "twice.txt"
    page.write_text(text, encoding="utf-8")
    assert run_cli("fix", page, "-o", once).returncode == 0
    assert run_cli("fix", once, "-o", twice, "--jsonl", tmp_path / "e.jsonl").returncode == 0
    restored = once.read_text(encoding="utf-8")
    assert twice.read_text(encoding="utf-8") == restored
    assert json.loads((tmp_path / "e.jsonl").read_text(encoding="utf-8"))["edits"] == []
    # The dateline, the headline and the subhead are still lines of their own, as printed.
    assert restored.split("\n")[2:5] == text.split("\n")[2:5]
    assert restored.count("\n\n") == text.count("\n\n")


# --- 8. every configured number is checked when the config loads ------------------------------


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[char]\ncalib_bias = nan\n", "char.calib_bias"),
        ("[char]\ncalib_bias = 1e308\n", "char.calib_bias"),
        ("[punct]\nconfidence = 1.5\n", "punct.confidence"),
        ("[lexicon]\ncue_window = -3\n", "lexicon.cue_window"),
        ("[char]\ndetect_logprob = nan\n", "char.detect_logprob"),
        ("[script]\ndominance_ratio = inf\n", "script.dominance_ratio"),
    ],
)
def test_out_of_range_config_values_are_one_line_naming_key_and_file(tmp_path: Path, toml: str, key: str) -> None:
    config, page, out = tmp_path / "restore.toml", tmp_path / "page.txt", tmp_path / "out.txt"
    config.write_text(toml, encoding="utf-8")
    page.write_text("星期二，區委召開會議。\n", encoding="utf-8")
    proc = run_cli("fix", page, "--config", config, "-o", out)
    assert proc.returncode == 1
    one_error_line(proc.stderr, "restore.toml", repr(key), "finite number in")
    assert not out.exists()


def test_every_numeric_setting_has_a_declared_range() -> None:
    import dataclasses

    from restore.config import declared_range

    def numeric_fields(section: object, prefix: str = "") -> list[str]:
        names = []
        for item in dataclasses.fields(section):  # type: ignore[arg-type]
            value = getattr(section, item.name)
            if dataclasses.is_dataclass(value):
                names += numeric_fields(value, prefix + item.name + ".")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                names.append(prefix + item.name)
        return names

    fields = numeric_fields(restore.Config())
    assert len(fields) > 50
    assert [name for name in fields if declared_range(name.rsplit(".", 1)[-1]) is None] == []
    for name in fields:  # and every default lies in its range
        low, high = declared_range(name.rsplit(".", 1)[-1])  # type: ignore[misc]
        section = restore.Config()
        for part in name.split("."):
            section = getattr(section, part)
        assert low <= section <= high, name


# --- 9. Chinese legacy encodings ---------------------------------------------------------------

TRADITIONAL = "本報訊 12 月 17 日,徐匯區舉行社區服務座談會,居民代表就基層治理提出建議。\n"
SIMPLIFIED = "本报讯 3 月 5 日,区图书馆开放新的阅览室,市民可以免费借阅报刊。\n"


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (SIMPLIFIED.encode("gb18030"), "looks like GB18030: use --encoding gb18030"),
        (TRADITIONAL.encode("big5"), "looks like Big5: use --encoding big5"),
        (TRADITIONAL.encode("utf-16"), "UTF-16 text (it starts with a byte-order mark); use --encoding utf-16"),
    ],
)
def test_a_legacy_encoding_is_refused_naming_it_and_the_option(tmp_path: Path, data: bytes, hint: str) -> None:
    page, out = tmp_path / "page.txt", tmp_path / "out.txt"
    page.write_bytes(data)
    proc = run_cli("fix", page, "-o", out)
    assert proc.returncode == 1
    one_error_line(proc.stderr, str(page), hint)
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "encoding", "option"),
    [
        (SIMPLIFIED, "gb18030", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
        (TRADITIONAL, "utf-16", "utf-16"),
        (SIMPLIFIED, "gb18030", "auto"),
        (TRADITIONAL, "big5", "auto"),
        (TRADITIONAL, "utf-16", "auto"),
    ],
)
def test_fix_reads_a_legacy_encoding_and_writes_utf8(tmp_path: Path, text: str, encoding: str, option: str) -> None:
    page, out = tmp_path / "page.txt", tmp_path / "out.txt"
    page.write_bytes(text.encode(encoding))
    proc = run_cli("fix", page, "-o", out, "--encoding", option, "--jsonl", tmp_path / "e.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == restore.fix(text).text
    record = json.loads((tmp_path / "e.jsonl").read_text(encoding="utf-8"))
    assert record["encoding"].startswith(encoding) and record["original"] == text
    assert record["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()


def test_clean_auto_reads_a_mixed_archive_records_encodings_and_apply_replays(tmp_path: Path) -> None:
    source, out, jsonl = tmp_path / "in", tmp_path / "out", tmp_path / "e.jsonl"
    source.mkdir()
    (source / "gb.txt").write_bytes(SIMPLIFIED.encode("gb18030"))
    (source / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (source / "notepad.txt").write_bytes(TRADITIONAL.encode("utf-16"))
    (source / "utf8.txt").write_text(TRADITIONAL, encoding="utf-8")
    refused = run_cli("clean", source, "-o", out)
    assert refused.returncode == 1 and "--encoding gb18030" in refused.stderr and "--encoding big5" in refused.stderr
    proc = run_cli("clean", source, "-o", out, "--encoding", "auto", "--jsonl", jsonl)
    assert proc.returncode == 0, proc.stderr
    expected = {"gb.txt": SIMPLIFIED, "big5.txt": TRADITIONAL, "notepad.txt": TRADITIONAL, "utf8.txt": TRADITIONAL}
    corrector = restore.Corrector()
    for name, text in expected.items():
        assert (out / name).read_text(encoding="utf-8") == corrector.fix(text).text
    records = {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    assert {name: r["encoding"] for name, r in records.items()} == {
        "big5.txt": "big5", "gb.txt": "gb18030", "notepad.txt": "utf-16-le", "utf8.txt": "utf-8"
    }
    from restore.decisions import default_decisions

    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps(default_decisions(records.values()), ensure_ascii=False), encoding="utf-8")
    applied = run_cli("apply", decisions, "-o", tmp_path / "reviewed", "--jsonl", jsonl)
    assert applied.returncode == 0, applied.stderr
    for name in expected:
        assert (tmp_path / "reviewed" / name).read_bytes() == (out / name).read_bytes()


# --- 11. tracebacks where one line was promised --------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_one_line_and_the_rest_is_done(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    bad_name = os.fsdecode(b"caf\xe9.txt")
    (source / bad_name).write_text(OTHER, encoding="utf-8")
    (source / "good.txt").write_text(OTHER, encoding="utf-8")
    for _ in range(2):  # and the rerun says the same, without redoing the good file
        proc = run_cli("clean", source, "-o", out, "--jsonl", tmp_path / "e.jsonl")
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert "caf\\xe9.txt: the file name is not valid UTF-8" in proc.stderr
        assert visible_files(out) == ["good.txt"]
    # fix reads such a file and records its name with the bytes escaped.
    fixed = run_cli("fix", source / bad_name, "--jsonl", tmp_path / "one.jsonl", "-o", tmp_path / "o.txt")
    assert fixed.returncode == 0, fixed.stderr
    assert json.loads((tmp_path / "one.jsonl").read_text(encoding="utf-8"))["path"].endswith("caf\\xe9.txt")


def good_decisions(tmp_path: Path) -> tuple[dict, Path]:
    root = tmp_path / "originals"
    root.mkdir()
    (root / "a.txt").write_text(PAGE, encoding="utf-8")
    sha = hashlib.sha256((root / "a.txt").read_bytes()).hexdigest()
    comma = PAGE.index(",")
    edit = {"start": comma, "end": comma + 1, "before": ",", "after": "，", "kind": "punct",
            "source": "punct:halfwidth", "confidence": 0.95, "origin": "edit", "accepted": True}
    return {"schema": "restore.decisions/1", "documents": [{"path": "a.txt", "root": str(root), "sha256": sha,
                                                            "edits": [edit]}]}, root


MALFORMED = {
    "nul-in-path": lambda d: d["documents"][0].update(path="a\x00.txt"),
    "newline-in-path": lambda d: d["documents"][0].update(path="a\n.txt"),
    "path-a-number": lambda d: d["documents"][0].update(path=7),
    "root-a-list": lambda d: d["documents"][0].update(root=["/"]),
    "root-with-nul": lambda d: d["documents"][0].update(root="/tmp\x00"),
    "sha-a-number": lambda d: d["documents"][0].update(sha256=12),
    "start-a-string": lambda d: d["documents"][0]["edits"][0].update(start="4"),
    "before-a-number": lambda d: d["documents"][0]["edits"][0].update(before=5),
    "confidence-a-string": lambda d: d["documents"][0]["edits"][0].update(confidence="high"),
    "confidence-nan": lambda d: d["documents"][0]["edits"][0].update(confidence=float("nan")),
    "edits-an-object": lambda d: d["documents"][0].update(edits={}),
    "documents-null": lambda d: d.update(documents=None),
    "encoding-unknown": lambda d: d["documents"][0].update(encoding="latin-1"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_decisions_are_one_line_naming_the_file(tmp_path: Path, case: str) -> None:
    decisions, root = good_decisions(tmp_path)
    MALFORMED[case](decisions)
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    proc = run_cli("apply", path, "-o", tmp_path / "out", "--root", root)
    assert proc.returncode == 1
    one_error_line(proc.stderr, "decisions.json")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("shape", ["deep", "directory", "not-utf8"])
def test_unreadable_decisions_files_are_one_line(tmp_path: Path, shape: str) -> None:
    path = tmp_path / "decisions.json"
    if shape == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif shape == "directory":
        path.mkdir()
    else:
        path.write_bytes(b'{"schema": "\xff"}')
    proc = run_cli("apply", path, "-o", tmp_path / "out", "--root", tmp_path)
    assert proc.returncode == 1
    one_error_line(proc.stderr, "decisions.json")


def test_the_good_decisions_of_these_tests_do_apply(tmp_path: Path) -> None:
    decisions, root = good_decisions(tmp_path)
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    proc = run_cli("apply", path, "-o", tmp_path / "out", "--root", root)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == PAGE.replace(",", "，", 1)


@pytest.mark.parametrize("content", ["a = " + "[" * 5000 + "]" * 5000 + "\n", "a = " + "{b = " * 3000 + "1" + "}" * 3000])
def test_a_deeply_nested_toml_is_one_line(tmp_path: Path, content: str) -> None:
    config, page = tmp_path / "deep.toml", tmp_path / "page.txt"
    config.write_text(content, encoding="utf-8")
    page.write_text(OTHER, encoding="utf-8")
    proc = run_cli("fix", page, "--config", config)
    assert proc.returncode == 1
    one_error_line(proc.stderr, "deep.toml")


@pytest.mark.parametrize("kind", ["missing", "directory", "binary", "not-utf8"])
def test_bad_input_is_one_line_naming_the_file_and_nothing_is_written(tmp_path: Path, kind: str) -> None:
    page, out, jsonl = tmp_path / "page.txt", tmp_path / "out.txt", tmp_path / "e.jsonl"
    if kind == "directory":
        page.mkdir()
    elif kind == "binary":
        page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    elif kind == "not-utf8":
        page.write_bytes("café".encode("latin-1"))
    proc = run_cli("fix", page, "-o", out, "--jsonl", jsonl)
    assert proc.returncode == 1
    one_error_line(proc.stderr, str(page))
    assert not out.exists() and not jsonl.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if kind == "missing" else ["page.txt"])


# --- 12. a lexicon that passes the lint never crashes fix ---------------------------------------

HEADER = (
    "# restore-lexicon: 1\n# name: mine\n# kind: term\n# source: written for this test\n# licence: CC0-1.0\n"
    "# columns: canonical\ttraditional\tvariants\tcues\tperiod\tnote\n"
)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("甲乙丙" + "乙" * 1_000_000 + "\t\t\t\t\t\n", "characters long"),
        ("区委会议\t\t" + "议" * 200 + "\t\t\t\n", "characters long"),
        ("是非\t\t是\t\t\t\n", "a single character"),
        ("目的地\t\t的\t\t\t\n", "a single character"),
        ("中心城区\t\t中心\t\t\t\n", "a common word"),
    ],
)
def test_lint_and_load_refuse_dangerous_lexicon_entries(tmp_path: Path, line: str, reason: str) -> None:
    lexicon, page = tmp_path / "mine.tsv", tmp_path / "page.txt"
    lexicon.write_text(HEADER + line, encoding="utf-8")
    page.write_text("本市的中心城区是目的地。\n", encoding="utf-8")
    checked = run_cli("lexicon", "check", lexicon)
    assert checked.returncode == 1 and "mine.tsv:7: " in checked.stdout and reason in checked.stdout
    proc = run_cli("fix", page, "--lexicon", lexicon)
    assert proc.returncode == 1  # not a segfault (-11), not a rewrite of every 的
    one_error_line(proc.stderr, "mine.tsv:7", reason)


def test_a_marked_common_variant_passes_the_lint(tmp_path: Path) -> None:
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text(HEADER + "中心城区\t\t!中心城\t\t\t\n", encoding="utf-8")
    checked = run_cli("lexicon", "check", lexicon)
    assert checked.returncode == 0, checked.stdout
