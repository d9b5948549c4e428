"""benchmarks.crossfit: families from evidence, folds by corpus line, thresholds fitted off-fold."""

from __future__ import annotations

from benchmarks.crossfit import Judged, crossfit, family, line_of
from benchmarks.edit_precision import Row


def test_families_follow_the_evidence() -> None:
    mined = {"type": "confusion", "table": "ocr-mined", "similarity": 3}
    weak = {"type": "confusion", "table": "glyph:noto-cjk", "similarity": 0.55}
    alike = {"type": "confusion", "table": "glyph:noto-cjk", "similarity": 0.75}
    script = {"type": "script"}
    han = {"kind": "char-han", "source": "lm:char5"}
    assert family({**han, "evidence": [mined, weak]}) == "han-mined"
    assert family({**han, "evidence": [weak]}) == "han-weak-glyph"
    assert family({**han, "evidence": [alike, script]}) == "han-glyph+trad"
    assert family({"kind": "punct", "source": "lm:char5", "evidence": [{"type": "confusion", "table": "glued-list-items"}]}) == "mark-lm:glued-list-items"
    assert family({"kind": "punct", "source": "punct:halfwidth-mark", "evidence": []}) == "punct:halfwidth-mark"
    assert line_of("law-dev-42-7") == 42


def test_a_family_threshold_is_fitted_on_the_other_folds_only() -> None:
    # Family "weak" is wrong under 0.9 on every line; "ok" is always right.
    judged = []
    for line in range(10):
        judged += [Judged(Row("e", "simplified", "f", "char-han", 0.85, True, False), "weak", line)] * 3
        judged += [Judged(Row("e", "simplified", "f", "char-han", 0.95, True, True), "weak", line)] * 7
        judged += [Judged(Row("e", "simplified", "f", "punct", 0.85, True, True), "ok", line)] * 5
    held, chosen = crossfit(judged, lambda j: j.line % 5, threshold=0.8, target=0.95, min_n=20)
    assert chosen["weak"] == [0.88] * 5 and chosen["ok"] == [0.8] * 5
    assert held["family:weak"] == [100, 70, 70, 70]
    assert held["all"][2:] == [120, 120]
