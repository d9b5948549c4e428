"""Progress inside one document: the pipeline reports each stage's characters, the CLI draws them."""

from __future__ import annotations

import io

import restore
from restore.commands.progress import DocumentProgress

# Self-written sentences: a long document is many of them.
SENTENCES = (
    "区图书馆今年新添了三千册地方志和老报纸的影印本,供市民查阅。",
    "街道社区食堂每天中午为七十岁以上的老人提供优惠午餐。",
    "市民可在工作日上午九时至下午五时前往服务中心办理相关手续。",
)


def test_fix_reports_every_stage_from_start_to_end(corrector: restore.Corrector) -> None:
    text = "\n".join(SENTENCES * 4)
    calls: list[tuple[str, int, int]] = []
    result = corrector.fix(text, progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert result == corrector.fix(text)  # reporting changes nothing
    stages = [stage.name for stage in corrector.stages]
    assert [stage for stage, done, _ in calls if done == 0] == stages
    for name in stages:
        mine = [(done, total) for stage, done, total in calls if stage == name]
        dones = [done for done, _ in mine]
        assert dones == sorted(dones) and dones[0] == 0 and dones[-1] == mine[-1][1]
    # No report is made twice in a row (a stage that reports its own end is not reported done again).
    assert all(a != b for a, b in zip(calls, calls[1:]))
    # The char stage reports within the document, once per sentence at least.
    assert len([1 for stage, _, _ in calls if stage == "char"]) >= len(SENTENCES) * 4


def test_bar_shows_the_stage_and_the_characters_done(corrector: restore.Corrector) -> None:
    text = "\n".join(SENTENCES * 4)
    stream = io.StringIO()
    with DocumentProgress(stream, "page.txt", enabled=True, delay=0) as progress:
        corrector.fix(text, progress=progress)
    drawn = stream.getvalue()
    for stage in corrector.stages:  # each stage is drawn at least when it starts, over the whole text
        assert f"page.txt: {stage.name}:" in drawn
    assert f"/{len(text)} [" in drawn.replace(" chars", "")
    assert drawn.endswith("\r")  # the bar erased itself: the terminal is left clean


def test_bar_stays_silent_off_a_terminal(corrector: restore.Corrector) -> None:
    stream = io.StringIO()  # not a terminal
    with DocumentProgress(stream, "page.txt", delay=0) as progress:
        corrector.fix("\n".join(SENTENCES), progress=progress)
    assert stream.getvalue() == ""
