"""Review that teaches the next run, through the CLI: clean → decide → learn → clean again.

Every command runs in a subprocess. The batch is written for these tests: a district paper
where 高世均 is a different person from the official 高世昀 (the reviewer rejects the lexicon's
fix) and 活動室 is a simplified-page leftover the script stage only suggests (the reviewer
accepts it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from restore.decisions import default_decisions
from restore.edits import Edit, apply_edits

BATCH = {
    "a.txt": "本报讯 12月17日,副区长高世均出席社区养老服务座谈会。\n会后大家参观了新建的活動室。\n",
    "b.txt": "居民代表就基层治理提出建议,副区长高世均出席。\n大家参观了新建的活動室。工程尚末完成,预计明年开放。\n",
    "c.txt": "区图书馆开放新的阅览室,市民可以免费借阅报刊。\n",
}
# A later batch of the same paper: the same phrases in new sentences.
LATER = {
    "d.txt": "记者从街道获悉,副区长高世均出席了揭牌仪式。\n居民参观新建的活動室。\n",
    "e.txt": "天气晴朗,适合出门散步。副区长高世昀也来了。\n",
}
REJECTED = ("高世均出席", "均", "昀")      # phrase, printed text, the change the reviewer rejected
ACCEPTED = ("的活動室。", "動", "动")       # phrase, printed text, the suggestion the reviewer accepted


def run_cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "restore.cli", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def write_tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def clean(src: Path, out: Path, *extra: str | Path) -> dict[str, dict[str, Any]]:
    jsonl = out.parent / (out.name + ".jsonl")
    done = run_cli("clean", src, "-o", out, "--jsonl", jsonl, *extra)
    assert done.returncode == 0, done.stderr
    return {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}


def changes(record: dict[str, Any], key: str = "edits") -> set[tuple[int, int, str, str]]:
    return {(e["start"], e["end"], e["before"], e["after"]) for e in record[key]}


def occurrences(text: str, phrase: str, printed: str) -> list[int]:
    """Offsets of ``printed`` inside every occurrence of ``phrase``."""
    found, start = [], text.find(phrase)
    while start >= 0:
        found.append(start + phrase.index(printed))
        start = text.find(phrase, start + 1)
    return found


def expected_after_learning(record: dict[str, Any]) -> set[tuple[int, int, str, str]]:
    """The first run's edits without the rejected change, with the accepted one wherever its phrase recurs."""
    text = record["original"]
    kept = {(p, p + 1, REJECTED[1], REJECTED[2]) for p in occurrences(text, *REJECTED[:2])}
    fixed = {(p, p + 1, ACCEPTED[1], ACCEPTED[2]) for p in occurrences(text, *ACCEPTED[:2])}
    return (changes(record) - kept) | fixed


def decide(records: dict[str, dict[str, Any]], path: str) -> dict[str, Any]:
    """Defaults for the whole batch; in ``path`` the reviewer rejects 均→昀 and accepts 動→动."""
    decisions = default_decisions(records.values())
    for document in decisions["documents"]:
        if document["path"] != path:
            continue
        for item in document["edits"]:
            if (item["before"], item["after"]) == REJECTED[1:]:
                item.update(accepted=False, decided=True)
            if (item["before"], item["after"]) == ACCEPTED[1:]:
                item.update(accepted=True, decided=True)
        assert sum(item["decided"] for item in document["edits"]) == 2
    return decisions


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One batch cleaned, decided, learned; the paths and the first run's records."""
    base = tmp_path_factory.mktemp("learn")
    src = write_tree(base / "in", BATCH)
    first = clean(src, base / "out1")
    # The first run made the change the reviewer rejects and only suggested the one they accept.
    assert all(REJECTED[1:] in {(e["before"], e["after"]) for e in first[p]["edits"]} for p in ("a.txt", "b.txt"))
    assert all(ACCEPTED[1:] in {(e["before"], e["after"]) for e in first[p]["suggestions"]} for p in ("a.txt", "b.txt"))
    decisions = base / "decisions.json"
    decisions.write_text(json.dumps(decide(first, "a.txt"), ensure_ascii=False), encoding="utf-8")
    rules = base / "project.tsv"
    done = run_cli("learn", decisions, "-o", rules)
    assert done.returncode == 0, done.stderr
    assert "2 rule(s) (1 keep, 1 variant, 0 entity)" in done.stderr
    return {"base": base, "src": src, "first": first, "rules": rules, "decisions": decisions}


def test_learned_rules_are_a_clean_sorted_lexicon(learned: dict[str, Any]) -> None:
    rules: Path = learned["rules"]
    check = run_cli("lexicon", "check", rules)
    assert check.returncode == 0, check.stdout + check.stderr
    lines = rules.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# restore-lexicon: 2"
    data = [line.split("\t") for line in lines if not line.startswith("#")]
    assert [(f[0], f[6]) for f in data] == sorted((f[0], f[6]) for f in data)
    by_rule = {f[6]: f for f in data}
    assert by_rule["keep"][0] == REJECTED[0] and by_rule["keep"][8] == "2:3"
    assert (by_rule["variant"][0], by_rule["variant"][2]) == ("的活动室。", ACCEPTED[0])
    assert by_rule["variant"][9:] == ["1", "decisions.json"]


def test_learning_twice_is_byte_identical_and_merging_counts_confirmations(learned: dict[str, Any]) -> None:
    base: Path = learned["base"]
    again = base / "again.tsv"
    done = run_cli("learn", learned["decisions"], "-o", again, "--name", "project")
    assert done.returncode == 0, done.stderr
    assert again.read_bytes() == learned["rules"].read_bytes()
    # Learning the same decisions into the file again: the same rules, each confirmed twice.
    done = run_cli("learn", learned["decisions"], "-o", again)
    assert done.returncode == 0, done.stderr
    merged = [line.split("\t") for line in again.read_text(encoding="utf-8").splitlines() if line[0] != "#"]
    assert [f[9] for f in merged] == ["2", "2"]
    assert run_cli("lexicon", "check", again).returncode == 0


def test_the_next_run_follows_the_decisions_and_changes_nothing_else(learned: dict[str, Any]) -> None:
    base: Path = learned["base"]
    second = clean(learned["src"], base / "out2", "--lexicon", learned["rules"])
    for path, record in learned["first"].items():
        expected = expected_after_learning(record)
        assert changes(second[path]) == expected, path
        edits = sorted((Edit.from_json(e) for e in second[path]["edits"]), key=lambda e: e.start)
        assert (base / "out2" / path).read_text(encoding="utf-8") == apply_edits(record["original"], edits)
        # The suggestion became an edit; every other suggestion is as before.
        assert changes(second[path], "suggestions") == {
            s for s in changes(record, "suggestions") if s[2:] != ACCEPTED[1:]
        }
    text_b = learned["first"]["b.txt"]["original"]
    assert len(occurrences(text_b, *REJECTED[:2])) == 1 and len(occurrences(text_b, *ACCEPTED[:2])) == 1
    learned_edit = next(e for e in second["b.txt"]["edits"] if e["after"] == ACCEPTED[2])
    assert learned_edit["confidence"] == 0.95 and learned_edit["source"] == "lexicon:project"
    lines = learned["rules"].read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "\tvariant\t" in text)
    assert learned_edit["evidence"] == [{
        "type": "learned", "lexicon": str(learned["rules"]), "line": line, "rule": "variant",
        "phrase": ACCEPTED[0], "decisions": ["decisions.json"], "confirmed": 1,
    }]


def test_a_later_batch_with_the_same_phrases_behaves_the_same(learned: dict[str, Any]) -> None:
    base: Path = learned["base"]
    src = write_tree(base / "later", LATER)
    plain = clean(src, base / "later-plain")
    taught = clean(src, base / "later-taught", "--lexicon", learned["rules"])
    assert len(occurrences(LATER["d.txt"], *REJECTED[:2])) == 1
    for path, record in plain.items():
        assert changes(taught[path]) == expected_after_learning(record), path
    # 高世昀 printed right stays right; e.txt has neither phrase and is restored exactly as before.
    assert taught["e.txt"]["text"] == plain["e.txt"]["text"]
    # The same rules given in a TOML file.
    config = base / "restore.toml"
    config.write_text(f'lexicons = ["{learned["rules"].name}"]\n', encoding="utf-8")
    via_toml = clean(src, base / "later-toml", "--config", config)
    assert {p: r["text"] for p, r in via_toml.items()} == {p: r["text"] for p, r in taught.items()}


def test_report_takes_the_rules_and_the_old_decisions_file_teaches_nothing(learned: dict[str, Any]) -> None:
    base: Path = learned["base"]
    report = base / "review.html"
    done = run_cli("report", base / "out1.jsonl", "-o", report, "--lexicon", learned["rules"])
    assert done.returncode == 0, done.stderr
    assert "restore-data" in report.read_text(encoding="utf-8")
    # A decisions file as older reports exported it: no 'decided' anywhere. It still applies...
    old = json.loads(learned["decisions"].read_text(encoding="utf-8"))
    for document in old["documents"]:
        for item in document["edits"]:
            del item["decided"]
    old_file = base / "old-decisions.json"
    old_file.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert run_cli("apply", old_file, "-o", base / "applied", "--jsonl", base / "out1.jsonl").returncode == 0
    # ...but an untouched default is no lesson.
    done = run_cli("learn", old_file, "-o", base / "nothing.tsv")
    assert done.returncode == 1
    assert "no explicit decisions" in done.stderr
    assert not (base / "nothing.tsv").exists()
