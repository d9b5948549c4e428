"""Joint decisions of the char stage (issue 12, item 4): two suspects within one LM window decided
together, with evidence naming the pair.

Sentences written for these tests.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from restore.edits import Edit
from restore.evidence import JointDecision, evidence_from_json, evidence_to_json
from restore.explain import explain
from restore.stages import joint

# 自己 with both characters misread (白 for 自, 已 for 己): neither change reads better alone.
BOTH_MISREAD = "他白已也不知道这件事。"
JOINT_ON = {"char": {"joint_decisions": True}}


@pytest.fixture(scope="module")
def joint_corrector() -> restore.Corrector:
    return restore.Corrector(restore.Config.from_mapping(JOINT_ON))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


logodds = st.floats(min_value=-12, max_value=12, allow_nan=False)


@given(logodds, logodds)
def test_independent_changes_keep_their_own_confidences(first: float, second: float) -> None:
    # A pair whose log-odds are the sum of its members' alone (no interaction) changes nothing.
    _, p_first, p_second = joint.marginals(first, second, first + second, True, True)
    assert p_first == pytest.approx(_sigmoid(first), abs=1e-9)
    assert p_second == pytest.approx(_sigmoid(second), abs=1e-9)


@given(logodds, logodds, logodds, st.booleans(), st.booleans())
def test_marginals_are_probabilities_ordered_as_the_readings(first: float, second: float, pair: float, same_a: bool, same_b: bool) -> None:
    both, p_first, p_second = joint.marginals(first, second, pair, same_a, same_b)
    assert 0.0 <= both <= p_first <= 1.0 and both <= p_second <= 1.0
    # A member counts its change alone only when that is the pair's character there.
    if not same_a:
        assert p_first == both
    if not same_b:
        assert p_second == both
    higher = joint.marginals(first, second, pair + 1.0, same_a, same_b)[0]
    assert higher >= both


def test_pairs_share_no_position() -> None:
    assert joint.disjoint([(0.5, 1, 2), (0.6, 2, 4), (0.1, 4, 5), (0.2, 0, 1)]) == [(2, 4), (0, 1)]


def test_a_pair_no_change_explains_alone_is_decided_together(joint_corrector: restore.Corrector) -> None:
    result = joint_corrector.fix(BOTH_MISREAD)
    proposed = {e.start: e for e in (*result.edits, *result.suggestions) if e.source == "lm:char5"}
    first, second = proposed[1], proposed[2]
    assert (first.after, second.after) == ("自", "己")
    [record] = [e for e in first.evidence if isinstance(e, JointDecision)]
    assert record in second.evidence  # both changes carry the pair
    assert (record.seen, record.meant) == ("白已", "自己")
    assert record.logprob_both > record.logprob_neither and record.interaction >= 1.0
    # Each member is at least as likely as the pair, never more than certain.
    assert record.probability <= min(first.confidence, second.confidence) + 1e-4
    assert Edit.from_json(first.to_json()) == first
    assert "decided with its partner: 白已→自己" in explain(result)


def test_off_by_default_the_greedy_stage_decides(corrector: restore.Corrector) -> None:
    result = corrector.fix(BOTH_MISREAD)
    assert not any(isinstance(e, JointDecision) for edit in (*result.edits, *result.suggestions) for e in edit.evidence)


def test_the_evidence_round_trips_through_json() -> None:
    record = JointDecision("白已", "自己", -13.71, -8.4, 5.19, 0.62)
    payload = evidence_to_json(record)
    assert payload["type"] == "joint" and payload["meant"] == "自己"
    assert evidence_from_json(payload) == record


def test_clean_text_gets_no_pair(joint_corrector: restore.Corrector) -> None:
    for line in ("他自己也不知道这件事。", "这里的土地十分肥沃。", "会议讨论了明年的工作计划。"):
        assert joint_corrector.fix(line).edits == ()


def test_the_report_carries_the_pair(joint_corrector: restore.Corrector) -> None:
    import hashlib

    from restore.batch.records import make_record
    from restore.report import build_report
    from test_report import embedded_data

    result = joint_corrector.fix("农民在士她上辛勤劳作。")
    record = make_record(result, path="a.txt", root="/in", sha256=hashlib.sha256(result.original.encode()).hexdigest())
    [document] = embedded_data(build_report([record]))["documents"]
    pairs = [e for edit in document["edits"] for e in edit["evidence"] if e["type"] == "joint"]
    assert [(p["seen"], p["meant"]) for p in pairs] == [("士她", "土地")] * 2


def test_the_command_line_explains_the_pair(tmp_path: Path) -> None:
    page, config = tmp_path / "page.txt", tmp_path / "restore.toml"
    page.write_text("每个人都要管好白已的事情。\n", encoding="utf-8")
    config.write_text("[char]\njoint_decisions = true\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "restore.cli", "fix", "--config", str(config), "--explain", str(page)],
        capture_output=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == "每个人都要管好自己的事情。\n"
    assert done.stderr.decode("utf-8").count("decided with its partner: 白已→自己") == 2
