"""``restore.fix`` reuses one corrector per config, from any number of threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import restore
from restore import pipeline

# Self-written OCR-like lines: a half-width comma, spaced dates, a look-alike (怏 for 快), traditional text.
LINES = (
    "会议在 12 月 17 日召开,地点在徐汇区图书馆。",
    "社区食堂的饭菜很好,老人们吃得很愉怏。",
    "區委書記來到社區,調研养老服务工作。",
    "街道为七十岁以上的老人提供优惠午餐。",
    "本报讯 记者从区教育局获悉,新学期全区将新开两所小学。",
    "市民可在工作日上午九时至下午五时前往服务中心办理手续。",
    "徐 匯 報",
    "图书馆今年新添了三千册地方志。",
)


def test_fix_reuses_one_corrector_per_config() -> None:
    restore.fix(LINES[0])
    first = pipeline.shared_corrector()
    assert first._stages is not None  # restore.fix built and used it
    restore.fix(LINES[1], config=restore.Config())
    assert pipeline.shared_corrector(restore.Config()) is first  # equal configs share one
    assert pipeline.shared_corrector(restore.Config(min_confidence=0.86)) is not first


def test_shared_correctors_are_bounded() -> None:
    configs = [restore.Config(min_confidence=0.5 + i / 100) for i in range(pipeline.SHARED_CORRECTORS + 2)]
    first = pipeline.shared_corrector(configs[0])
    for config in configs[1:]:
        pipeline.shared_corrector(config)
    assert len(pipeline._shared) == pipeline.SHARED_CORRECTORS
    assert pipeline.shared_corrector(configs[0]) is not first  # the oldest was dropped and is rebuilt


def test_shared_fix_equals_a_private_corrector(corrector: restore.Corrector) -> None:
    private = corrector
    assert [restore.fix(line) for line in LINES] == [private.fix(line) for line in LINES]


def test_eight_threads_on_a_cold_config_give_the_sequential_results() -> None:
    # A config no other test uses, so the threads race to build and load its corrector.
    config = restore.Config(min_confidence=0.81)
    expected = [restore.Corrector(config).fix(line) for line in LINES * 3]
    pipeline._shared.pop(config, None)
    barrier = threading.Barrier(len(LINES))

    def together(line: str) -> restore.Result:
        barrier.wait()  # the first calls start at once and race to build and load the corrector
        return restore.fix(line, config=config)

    with ThreadPoolExecutor(max_workers=len(LINES)) as pool:
        got = list(pool.map(together, LINES))
        got += pool.map(lambda line: restore.fix(line, config=config), LINES * 2)
    assert got == expected
    assert pipeline.shared_corrector(config).stages  # one corrector was built and kept


def test_an_edited_lexicon_gets_a_new_corrector(tmp_path) -> None:
    # A user who edits their lexicon between two restore.fix calls must not be served the old rules.
    lexicon = tmp_path / "mine.tsv"
    header = "# restore-lexicon: 1\n# name: mine\n# kind: place\n# source: written for this test\n# licence: CC0-1.0\n"
    header += "# columns: canonical\ttraditional\tvariants\tcues\tperiod\tnote\n"
    lexicon.write_text(header + "青石板广场\t\t青石极广场\t\t\t\n", encoding="utf-8")
    config = restore.Config(lexicons=(str(lexicon),))
    assert restore.fix("我们在青石极广场集合。", config=config).text == "我们在青石板广场集合。"
    first = pipeline.shared_corrector(config)
    lexicon.write_text(header + "青石板广场\t\t\t\t\tno variants now\n", encoding="utf-8")
    assert pipeline.shared_corrector(config) is not first
    assert restore.fix("我们在青石极广场集合。", config=config).text == "我们在青石极广场集合。"
