"""Learning project rules from decisions: context, contradictions, merging, escapes, hostile files.

Sentences are written for these tests.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import restore
from restore.batch import state
from restore.cli import main
from restore.decisions import parse_decisions
from restore.errors import SchemaError
from restore.evidence import LearnedRule, LexiconMatch
from restore.lexicon.escape import decode_rule_text, encode_rule_text
from restore.lexicon.learn import (
    MAX_CONTEXT,
    MIN_CONTEXT,
    Rule,
    existing_rules,
    learn_rules,
    lexicon_entity_finder,
    render_rules,
)
from restore.lexicon.lessons import Lesson
from restore.lexicon.parse import parse_lexicon

DEMO_LEXICON = (
    "# restore-lexicon: 1\n# name: demo-names\n# kind: person\n# source: written for this test\n"
    "# licence: CC0-1.0\n# columns: canonical\ttraditional\tvariants\tcues\tperiod\tnote\n"
    "李明远\t\t\t馆长\t\t馆长 (written for this test)\n"
)


def lesson(text: str, printed: str, after: str, accepted: bool, *, kind: str = "char", origin: str = "a.json",
           nth: int = 0) -> Lesson:
    start = -1
    for _ in range(nth + 1):
        start = text.index(printed, start + 1)
    return Lesson(text, start, start + len(printed), printed, after, accepted, kind, f"{kind}:test", origin, "p.txt")


def document(text: str, items: list[dict[str, Any]], *, root: Path, path: str = "p.txt") -> dict[str, Any]:
    (root / path).write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {"path": path, "root": str(root), "sha256": sha, "edits": items}


def item(text: str, printed: str, after: str, *, accepted: bool, decided: bool = True, **extra: Any) -> dict[str, Any]:
    start = text.index(printed)
    return {"start": start, "end": start + len(printed), "before": printed, "after": after, "kind": "char",
            "source": "char:test", "confidence": 0.7, "origin": "edit", "accepted": accepted, "decided": decided,
            **extra}


def write_decisions(path: Path, documents: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"schema": "restore.decisions/1", "documents": documents}, ensure_ascii=False),
                    encoding="utf-8")
    return path


# --- decisions: the new fields -----------------------------------------------------------------


def test_decided_and_rule_are_read_and_checked() -> None:
    base = {"path": "a.txt", "sha256": "0" * 64, "edits": []}
    plain = {"start": 0, "end": 1, "before": "末", "after": "未", "kind": "char", "source": "s", "confidence": 0.5,
             "origin": "suggestion", "accepted": True}
    old = parse_decisions({"schema": "restore.decisions/1", "documents": [{**base, "edits": [plain]}]})
    assert old[0].decisions[0].decided is False and old[0].decisions[0].rule == ""
    ruled = parse_decisions({"schema": "restore.decisions/1",
                             "documents": [{**base, "edits": [{**plain, "rule": "always"}]}]})
    assert ruled[0].decisions[0].decided is True and ruled[0].decisions[0].rule == "always"
    for bad, message in (({"decided": "yes"}, "'decided' must be true or false"),
                         ({"rule": "never"}, "contradicts 'accepted'"),
                         ({"rule": ["always"]}, "'rule' must be one of")):
        with pytest.raises(SchemaError, match=message):
            parse_decisions({"schema": "restore.decisions/1", "documents": [{**base, "edits": [{**plain, **bad}]}]})


# --- context and contradictions ----------------------------------------------------------------


def test_context_grows_only_to_separate_decisions_that_disagree() -> None:
    accepted = lesson("甲乙丙末丁戊己。", "末", "未", True)
    rejected = lesson("庚乙丙末丁戊辛。", "末", "未", False)
    elsewhere = lesson("工程尚末完成。", "末", "未", True)
    learned = learn_rules([accepted, rejected, elsewhere])
    assert not learned.contradictions
    phrases = sorted((rule.rule, rule.seen) for rule in learned.rules)
    # The two that disagree at two characters a side are told apart at three; the third keeps two.
    assert phrases == [("keep", "庚乙丙末丁戊辛"), ("variant", "甲乙丙末丁戊己"), ("variant", "程尚末完成")]
    assert len("程尚末完成") == 2 * MIN_CONTEXT + 1


def test_the_same_phrase_decided_both_ways_is_a_contradiction_not_a_rule() -> None:
    text = "今年的工程尚末完成，明年继续。"
    learned = learn_rules([lesson(text, "末", "未", True, origin="a.json"),
                           lesson(text, "末", "未", False, origin="b.json"),
                           lesson("天气晴朗,适合散步。", ",", "，", False)])
    assert [rule.rule for rule in learned.rules] == ["keep"]
    assert len(learned.contradictions) == 1
    assert "decided both ways" in learned.contradictions[0] and "a.json" in learned.contradictions[0]
    # The context grew as far as it may before giving up.
    assert text[max(0, 6 - MAX_CONTEXT) : 7 + MAX_CONTEXT] in learned.contradictions[0]


def test_two_different_changes_of_one_printed_text_also_contradict() -> None:
    text = "他说工程尚末完成。"
    learned = learn_rules([lesson(text, "末", "未", True), lesson(text, "末", "本", True)])
    assert not learned.rules and len(learned.contradictions) == 1


def test_merging_counts_confirmations_and_reports_new_decisions_against_the_file() -> None:
    first = learn_rules([lesson("工程尚末完成。", "末", "未", False, origin="a.json")])
    assert [(r.rule, r.confirmed, r.decisions) for r in first.rules] == [("keep", 1, ("a.json",))]
    again = learn_rules([lesson("新工程尚末完成了", "末", "未", False, origin="b.json")], existing=first.rules)
    assert [(r.rule, r.confirmed, r.decisions) for r in again.rules] == [("keep", 2, ("a.json", "b.json"))]
    # Another reviewer accepts the change in a longer phrase holding the kept one: reported, the file wins.
    against = learn_rules([lesson("那个工程尚末完成吗", "末", "未", True, origin="c.json")], existing=again.rules)
    assert against.rules == again.rules
    assert len(against.contradictions) == 1 and "the file's rule stays" in against.contradictions[0]


# --- the rule file -------------------------------------------------------------------------------


def test_rendered_rules_lint_clean_and_read_back_identically() -> None:
    learned = learn_rules([
        lesson("座谈\n会,居民", "\n", "", True, kind="layout"),
        lesson("于 12 月举行", " ", "", False, kind="layout"),
        lesson("编号A|\\末页", "末", "未", True),
    ])
    text = render_rules(learned.rules, name="project")
    lexicon, problems = parse_lexicon(text, "project.tsv")
    assert not problems and lexicon is not None
    assert existing_rules(lexicon) == [
        Rule.from_entry(entry) for entry in lexicon.entries
    ]
    assert [Rule.from_entry(e) for e in lexicon.entries] == sorted(learned.rules, key=lambda r: r.fields)
    assert "\\u000a" in text and "\\u0020" in text and "\\u007c" in text and "\\\\" in text
    assert render_rules(list(reversed(learned.rules)), name="project") == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_escapes_round_trip_and_never_leave_a_character_lint_rejects(text: str) -> None:
    encoded = encode_rule_text(text)
    assert decode_rule_text(encoded) == text
    assert "\t" not in encoded and "\n" not in encoded and "|" not in encoded and " " not in encoded


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="甲乙丙丁 ,\n|\\末", min_size=3, max_size=12), st.booleans()),
                min_size=1, max_size=6))
def test_any_learned_rules_render_to_a_clean_file(cases: list[tuple[str, bool]]) -> None:
    lessons = [Lesson(text + "末" + text[::-1], len(text), len(text) + 1, "末", "未", ok, "char", "char:t", "a.json",
                      f"p{i}.txt") for i, (text, ok) in enumerate(cases)]
    learned = learn_rules(lessons)
    if not learned.rules:
        return
    lexicon, problems = parse_lexicon(render_rules(learned.rules), "p.tsv")
    assert not problems and lexicon is not None and len(lexicon.entries) == len(learned.rules)


# --- applying rules --------------------------------------------------------------------------------


def test_rules_reach_the_first_stages_a_learned_line_join_and_a_kept_comma(tmp_path: Path) -> None:
    text = "本报讯 徐汇区今天举行社区养老服务座谈\n会,居民代表提出了很多建议。\n"
    plain = restore.fix(text)
    assert any(s.before == "\n" and s.source == "layout:join-lines" for s in plain.suggestions)
    joined = learn_rules([lesson(text, "\n", "", True, kind="layout", nth=0)])
    rules = tmp_path / "rules.tsv"
    rules.write_text(render_rules(joined.rules), encoding="utf-8")
    fixed = restore.fix(text, config=restore.Config(lexicons=(str(rules),)))
    join = next(e for e in fixed.edits if e.before == "\n")
    assert join.kind == "layout" and join.confidence == 0.95
    assert isinstance(join.evidence[0], LearnedRule) and join.evidence[0].phrase == "座谈\n会,"
    assert fixed.text == text.replace("座谈\n会,", "座谈会，")
    # The opposite lesson: the punct stage's comma fix is rejected here and kept, everything else as before.
    kept = learn_rules([lesson(text, ",", "，", False, kind="punct")])
    rules.write_text(render_rules(kept.rules), encoding="utf-8")
    protected = restore.fix(text, config=restore.Config(lexicons=(str(rules),)))
    assert "," in protected.text and [e for e in plain.edits if e.before != ","] == list(protected.edits)


def test_an_accepted_name_fix_becomes_an_entity_entry(tmp_path: Path) -> None:
    names = tmp_path / "names.tsv"
    names.write_text(DEMO_LEXICON, encoding="utf-8")
    config = restore.Config(lexicons=(str(names),))
    finder = lexicon_entity_finder(config)
    learned = learn_rules([lesson("馆长李明逺致辞。", "逺", "远", True, kind="entity")], find_entity=finder)
    assert [(r.rule, r.canonical, r.variants) for r in learned.rules] == [("entity", "李明远", ("李明逺",))]
    rules = tmp_path / "project.tsv"
    rules.write_text(render_rules(learned.rules), encoding="utf-8")
    # No cue in this sentence; the learned variant is fixed anyway, with the rule in the evidence.
    result = restore.fix("今天李明逺来参观。", config=config.replace(lexicons=(str(names), str(rules))))
    assert result.text == "今天李明远来参观。"
    kinds = [type(record) for record in result.edits[0].evidence]
    assert kinds[:2] == [LexiconMatch, LearnedRule]
    assert result.edits[0].evidence[1].confirmed == 1


def test_a_name_fix_accepted_once_and_rejected_elsewhere_is_a_contradiction(tmp_path: Path) -> None:
    names = tmp_path / "names.tsv"
    names.write_text(DEMO_LEXICON, encoding="utf-8")
    finder = lexicon_entity_finder(restore.Config(lexicons=(str(names),)))
    learned = learn_rules([lesson("馆长李明逺致辞。", "逺", "远", True, kind="entity", origin="a.json"),
                           lesson("另一位李明逺先生", "逺", "远", False, kind="entity", origin="b.json"),
                           lesson("工程尚末完成。", "末", "未", True)], find_entity=finder)
    assert [rule.rule for rule in learned.rules] == ["variant"]
    assert len(learned.contradictions) == 1 and "'李明远'" in learned.contradictions[0]
    assert "a.json" in learned.contradictions[0] and "b.json" in learned.contradictions[0]


def test_the_batch_state_hash_follows_the_lexicon_files_content(tmp_path: Path) -> None:
    rules = tmp_path / "rules.tsv"
    rules.write_text(render_rules(learn_rules([lesson("工程尚末完成。", "末", "未", False)]).rules), encoding="utf-8")
    config = restore.Config(lexicons=(str(rules),))
    before = state.config_hash(config)
    rules.write_text(render_rules(learn_rules([lesson("工程尚末完成。", "末", "未", True)]).rules), encoding="utf-8")
    assert state.config_hash(config) != before


# --- hostile decisions files -----------------------------------------------------------------------


def learn_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main(["learn", *map(str, args)])
    return code, capsys.readouterr().err


def test_wrong_schema_and_not_json_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = tmp_path / "edits.json"
    wrong.write_text(json.dumps({"schema": "restore.edits/1", "documents": []}), encoding="utf-8")
    code, err = learn_cli(capsys, wrong, "-o", tmp_path / "r.tsv")
    assert code == 1 and "expected schema 'restore.decisions/1'" in err
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, err = learn_cli(capsys, deep, "-o", tmp_path / "r.tsv")
    assert code == 1 and "not a JSON file" in err
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe{")
    code, err = learn_cli(capsys, garbage, "-o", tmp_path / "r.tsv")
    assert code == 1 and "not a JSON file" in err
    assert not (tmp_path / "r.tsv").exists()


def test_paths_escaping_the_root_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "root"
    root.mkdir()
    text = "工程尚末完成。"
    outside = document(text, [item(text, "末", "未", accepted=False)], root=tmp_path, path="secret.txt")
    escaping = {**outside, "path": "../secret.txt", "root": str(root)}
    code, err = learn_cli(capsys, write_decisions(tmp_path / "d1.json", [escaping]), "-o", tmp_path / "r.tsv")
    assert code == 1 and "must be relative and stay inside the root" in err
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    linked = {**outside, "path": "link.txt", "root": str(root)}
    code, err = learn_cli(capsys, write_decisions(tmp_path / "d2.json", [linked]), "-o", tmp_path / "r.tsv")
    assert code == 1 and "leads outside" in err
    assert not (tmp_path / "r.tsv").exists()


def test_a_keep_rule_of_a_whole_page_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = "今天天气晴朗，适合出门散步。" * 20
    items = [item(page, page, "x", accepted=False)]
    code, err = learn_cli(capsys, write_decisions(tmp_path / "d.json", [document(page, items, root=tmp_path)]),
                          "-o", tmp_path / "r.tsv")
    assert code == 1 and "longer than" in err and "no rule learned" in err
    assert not (tmp_path / "r.tsv").exists()
    # Beside a good decision: the good one is learned, the page is listed as skipped.
    other = "工程尚末完成。"
    docs = [document(page, items, root=tmp_path), document(other, [item(other, "末", "未", accepted=True)],
                                                           root=tmp_path, path="q.txt")]
    code, err = learn_cli(capsys, write_decisions(tmp_path / "d2.json", docs), "-o", tmp_path / "r.tsv")
    assert code == 0 and "skipped" in err
    assert [line.split("\t")[6] for line in (tmp_path / "r.tsv").read_text().splitlines() if line[0] != "#"] == [
        "variant"]


def test_a_million_items_is_a_quick_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "huge.json"
    items = ",".join(["{}"] * 1_000_000)
    huge.write_text('{"schema": "restore.decisions/1", "documents": [{"path": "a.txt", "sha256": "0", '
                    f'"edits": [{items}]}}]}}', encoding="utf-8")
    started = time.perf_counter()
    code, err = learn_cli(capsys, huge, "-o", tmp_path / "r.tsv")
    assert code == 1 and "1,000,000 items" in err and "split the review" in err
    assert time.perf_counter() - started < 60  # bounded, not a benchmark: it never validates a million items
    assert not (tmp_path / "r.tsv").exists()


def test_a_changed_original_or_a_bad_rule_file_stops_everything(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    text = "工程尚末完成。"
    doc = document(text, [item(text, "末", "未", accepted=True)], root=tmp_path)
    decisions = write_decisions(tmp_path / "d.json", [doc])
    (tmp_path / "p.txt").write_text(text + "改", encoding="utf-8")
    code, err = learn_cli(capsys, decisions, "-o", tmp_path / "r.tsv")
    assert code == 1 and "sha256 differs" in err and "nothing was learned" in err
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    not_rules = tmp_path / "names.tsv"
    not_rules.write_text(DEMO_LEXICON, encoding="utf-8")
    code, err = learn_cli(capsys, decisions, "-o", not_rules)
    assert code == 1 and "not a rule file" in err
    assert not_rules.read_text(encoding="utf-8") == DEMO_LEXICON
    broken = tmp_path / "broken.tsv"
    broken.write_text("# restore-lexicon: 2\nnonsense\n", encoding="utf-8")
    code, err = learn_cli(capsys, decisions, "-o", broken)
    assert code == 1 and "bad lexicon" in err
    assert broken.read_text(encoding="utf-8") == "# restore-lexicon: 2\nnonsense\n"


def test_the_format_example_in_the_lexicon_readme_lints(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "lexicons" / "README.md").read_text(encoding="utf-8")
    start = readme.index("# restore-lexicon: 2")
    example = readme[start : readme.index("```", start)].replace("<TAB>", "\t")
    lexicon, problems = parse_lexicon(example, "example.tsv")
    assert not problems and lexicon is not None
    assert [entry.rule for entry in lexicon.entries] == ["variant", "keep", "entity"]


def test_explain_names_the_learned_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules.tsv"
    learned = learn_rules([lesson("新建的活動室。", "動", "动", True)])
    rules.write_text(render_rules(learned.rules), encoding="utf-8")
    result = restore.fix("大家参观了新建的活動室。", config=restore.Config(lexicons=(str(rules),)))
    from restore.explain import explain

    assert 'learned variant rule' in explain(result) and "from a.json, confirmed once" in explain(result)
