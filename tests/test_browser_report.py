"""The review report in headless Chromium: loads cleanly, filters, decisions, export, apply.

Needs Debian ``chromium`` and ``chromium-driver`` (listed in ``.ci/apt-packages.txt``).
Without them the tests are skipped, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from restore.edits import Edit, apply_edits

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
)

# Written for these tests: a district paper page with the usual OCR damage, and one quoting markup.
PAGE = (
    "徐 匯 報\n\n"
    "本報訊 12 月 17 日,徐匯區舉行社區养老服务座談會,居民代表就基层治理提出建議。\n"
    "會上,街道負責人介紹了今年的养老服务進展,並表示明年將繼續完善社區食堂。會后大家參觀了新建的活動室!\n"
)
MARKUP = "網頁教學:<script>window.__pwned = 1</script> 應原樣顯示,謝謝。\n"
# Characters outside the BMP are two UTF-16 units in JavaScript but one code point in the offsets.
ASTRAL = "𠮷野家 12 月 1 日開業,歡迎光臨𠀋。\n"


def _missing() -> str:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return f"needs {CHROMIUM} and {CHROMEDRIVER} (Debian chromium, chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "needs selenium (the 'test' extra)"
    return ""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="restore-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "restore.cli", *map(str, args)], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A cleaned tree whose report holds edits of every kind and two suggestions (below 0.9)."""
    root = tmp_path_factory.mktemp("batch")
    source = root / "in"
    source.mkdir()
    (source / "page.txt").write_text(PAGE, encoding="utf-8")
    (source / "markup.txt").write_text(MARKUP, encoding="utf-8")
    (source / "astral.txt").write_text(ASTRAL, encoding="utf-8")
    jsonl, report = root / "edits.jsonl", root / "report.html"
    # The core stages only, so the page's content does not move when other stages are added.
    config = root / "config.toml"
    config.write_text('min_confidence = 0.9\nstages = ["layout", "punct", "script"]\n', encoding="utf-8")
    proc = run_cli("clean", source, "-o", root / "out", "--jsonl", jsonl, "--report", report, "--config", config)
    assert proc.returncode == 0, proc.stderr
    records = {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    return {"root": root, "report": report, "records": records, "order": sorted(records)}


def item_id(batch: dict[str, Any], path: str, origin: str, predicate: Any) -> list[str]:
    """Ids the page gives to the edits (or suggestions) of a document that satisfy predicate."""
    document = batch["order"].index(path)
    key = "edits" if origin == "edit" else "suggestions"
    return [
        f"d{document}-{origin[0]}{j}" for j, item in enumerate(batch["records"][path][key]) if predicate(item)
    ]


def load(browser: Any, report: Path) -> None:
    browser.get(report.as_uri())
    deadline = time.monotonic() + 20
    while browser.execute_script("return document.body.dataset.ready") != "true":
        assert time.monotonic() < deadline, "the report never finished rendering"
        time.sleep(0.05)


def errors_in_console(browser: Any) -> list[dict[str, Any]]:
    return [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def click(browser: Any, element: Any) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def marks_shown(browser: Any, selector: str) -> list[bool]:
    from selenium.webdriver.common.by import By

    return [chip.find_element(By.CSS_SELECTOR, ".mark").is_displayed()
            for chip in browser.find_elements(By.CSS_SELECTOR, selector)]


def test_report_loads_without_console_errors_and_shows_markup_as_text(browser: Any, batch: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    load(browser, batch["report"])
    assert errors_in_console(browser) == []
    assert browser.execute_script("return window.__pwned === undefined")
    sections = browser.find_elements(By.CSS_SELECTOR, "section.doc")
    assert [s.get_attribute("data-path") for s in sections] == batch["order"]
    markup = browser.find_element(By.CSS_SELECTOR, f"#doc-{batch['order'].index('markup.txt')} .text")
    assert "<script>window.__pwned = 1</script>" in markup.text
    chips = browser.find_elements(By.CSS_SELECTOR, ".chip")
    expected = sum(len(r["edits"]) + len(r["suggestions"]) for r in batch["records"].values())
    assert len(chips) == expected
    assert {c.get_attribute("data-kind") for c in chips} == {"layout", "punct", "script"}


def test_with_every_kind_filtered_out_each_document_reads_as_its_restored_text(
    browser: Any, batch: dict[str, Any]
) -> None:
    from selenium.webdriver.common.by import By

    load(browser, batch["report"])
    for box in browser.find_elements(By.CSS_SELECTOR, "input.filter-kind"):
        click(browser, box)
    assert not any(marks_shown(browser, ".chip"))
    for index, path in enumerate(batch["order"]):
        shown = browser.execute_script(f"return document.querySelector('#doc-{index} .text').innerText")
        record = batch["records"][path]
        # Applied edits read as their output; suggestions (not accepted) as the original.
        assert shown.rstrip("\n") == record["text"].rstrip("\n"), path
    assert batch["records"]["astral.txt"]["edits"]


def test_filters_hide_exactly_the_edits_they_should(browser: Any, batch: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    load(browser, batch["report"])
    assert all(marks_shown(browser, ".chip"))

    punct = browser.find_element(By.CSS_SELECTOR, "input.filter-kind[value='punct']")
    click(browser, punct)
    assert marks_shown(browser, ".chip[data-kind='punct']") and not any(marks_shown(browser, ".chip[data-kind='punct']"))
    assert all(marks_shown(browser, ".chip:not([data-kind='punct'])"))
    # A hidden edit's text still reads in the document (the accepted form).
    page = browser.find_element(By.CSS_SELECTOR, f"#doc-{batch['order'].index('page.txt')} .text").text
    assert "日，徐匯區" in page and "活動室!" in page  # accepted edit shows its after, a suggestion its before
    click(browser, punct)
    assert all(marks_shown(browser, ".chip"))

    # Two layout rules fire on the page (letter-spaced heading, spaced date): hide one source.
    layout_sources = sorted({e["source"] for e in batch["records"]["page.txt"]["edits"] if e["kind"] == "layout"})
    assert len(layout_sources) >= 2
    hidden, kept = layout_sources[0], layout_sources[1:]
    box = browser.find_element(By.CSS_SELECTOR, f"input.filter-source[value='{hidden}']")
    click(browser, box)
    assert not any(marks_shown(browser, f".chip[data-source='{hidden}']"))
    for source in kept:
        assert all(marks_shown(browser, f".chip[data-source='{source}']"))
    click(browser, box)

    suggestions = browser.find_element(By.CSS_SELECTOR, "input.filter-origin[value='suggestion']")
    click(browser, suggestions)
    assert not any(marks_shown(browser, ".chip.origin-suggestion"))
    assert all(marks_shown(browser, ".chip.origin-edit"))
    click(browser, suggestions)

    browser.execute_script(
        "var s = document.getElementById('filter-min-confidence'); s.value = '0.9';"
        "s.dispatchEvent(new Event('input'));"
    )
    low = item_id(batch, "page.txt", "suggestion", lambda e: e["confidence"] < 0.9)
    assert low  # the min_confidence of 0.9 held some edits back as suggestions
    for identifier in low:
        chip = browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{identifier}']")
        assert "filtered" in chip.get_attribute("class").split()
    assert all(marks_shown(browser, ".chip.origin-edit"))
    assert errors_in_console(browser) == []


def test_decisions_export_and_apply(browser: Any, batch: dict[str, Any], tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    load(browser, batch["report"])
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})

    # Reject one edit: 层 → 層; the evidence shows when it is opened.
    [ceng] = item_id(batch, "page.txt", "edit", lambda e: e["before"] == "层")
    click(browser, browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{ceng}']"))
    detail = browser.find_element(By.CSS_SELECTOR, f"#doc-{batch['order'].index('page.txt')} .detail")
    assert detail.is_displayed()
    record = batch["records"]["page.txt"]
    [ceng_edit] = [e for e in record["edits"] if e["before"] == "层"]
    assert ceng_edit["source"] in detail.text and "Evidence" in detail.text
    click(browser, detail.find_element(By.CSS_SELECTOR, "button.reject"))
    assert "rejected" in browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{ceng}']").get_attribute("class")

    # Reject every 养 → 養 at once; accept the held-back 后 → 後.
    yang = item_id(batch, "page.txt", "edit", lambda e: e["before"] == "养")
    assert len(yang) == 2
    click(browser, browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{yang[0]}']"))
    click(browser, detail.find_element(By.CSS_SELECTOR, "button.reject-all"))
    for identifier in yang:
        assert "rejected" in browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{identifier}']").get_attribute("class")
    # Accept the first suggestion that overlaps no applied edit.
    record = batch["records"]["page.txt"]
    free = [
        j for j, s in enumerate(record["suggestions"])
        if not any(e["start"] < s["end"] and s["start"] < e["end"] for e in record["edits"])
    ]
    assert free
    accepted = record["suggestions"][free[0]]
    hou = f"d{batch['order'].index('page.txt')}-s{free[0]}"
    click(browser, browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{hou}']"))
    click(browser, detail.find_element(By.CSS_SELECTOR, "button.accept"))

    click(browser, browser.find_element(By.ID, "export-decisions"))
    exported = browser.find_element(By.ID, "decisions-json").get_attribute("value")
    decisions = json.loads(exported)
    assert decisions["schema"] == "restore.decisions/1"
    assert browser.find_element(By.ID, "download-decisions").get_attribute("href").startswith("blob:")
    deadline = time.monotonic() + 10
    while not (downloads / "decisions.json").exists():
        assert time.monotonic() < deadline, "the export did not download decisions.json"
        time.sleep(0.05)
    assert json.loads((downloads / "decisions.json").read_text(encoding="utf-8")) == decisions
    assert errors_in_console(browser) == []

    out = tmp_path / "applied"
    proc = run_cli("apply", downloads / "decisions.json", "-o", out, "--jsonl", batch["root"] / "edits.jsonl")
    assert proc.returncode == 0, proc.stderr
    kept = [Edit.from_json(e) for e in record["edits"] if e["before"] not in ("层", "养")]
    kept.append(Edit.from_json(accepted))
    expected = apply_edits(PAGE, kept)
    assert (out / "page.txt").read_text(encoding="utf-8") == expected
    assert "基层" in expected and "养老" in expected and "養老" not in expected
    assert expected != batch["records"]["page.txt"]["text"]
    assert (out / "markup.txt").read_text(encoding="utf-8") == batch["records"]["markup.txt"]["text"]


# A batch for the project-rule buttons, written for these tests: 高世均 is printed for the official
# 高世昀 in two pages (the lexicon fixes it) and right in a third; 活動室 is a leftover the script
# stage only suggests.
LEARNING = {
    "a.txt": "本报讯 12月17日,副区长高世均出席社区养老服务座谈会。\n会后大家参观了新建的活動室。\n",
    "b.txt": "居民代表就基层治理提出建议,副区长高世均出席。\n大家参观了新建的活動室。\n",
    "c.txt": "天气晴朗,副区长高世昀也来了。\n",
}


@pytest.fixture(scope="module")
def learning_batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("learning")
    source = root / "in"
    source.mkdir()
    for name, text in LEARNING.items():
        (source / name).write_text(text, encoding="utf-8")
    jsonl, report = root / "edits.jsonl", root / "report.html"
    proc = run_cli("clean", source, "-o", root / "out", "--jsonl", jsonl, "--report", report)
    assert proc.returncode == 0, proc.stderr
    records = {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    return {"root": root, "report": report, "records": records, "order": sorted(records)}


def exported(browser: Any) -> dict[str, Any]:
    from selenium.webdriver.common.by import By

    click(browser, browser.find_element(By.ID, "export-decisions"))
    return json.loads(browser.find_element(By.ID, "decisions-json").get_attribute("value"))


def exported_items(decisions: dict[str, Any]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Exported items by (document, before, after)."""
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for document in decisions["documents"]:
        for item in document["edits"]:
            found.setdefault((document["path"], item["before"], item["after"]), []).append(item)
    return found


def test_rule_buttons_are_exported_as_explicit_decisions_that_restore_learn_reads(
    browser: Any, learning_batch: dict[str, Any], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    load(browser, learning_batch["report"])
    assert errors_in_console(browser) == []
    # Nothing decided yet: the export says so for every item.
    untouched = exported(browser)
    assert all(item["decided"] is False and "rule" not in item
               for document in untouched["documents"] for item in document["edits"])

    [fix_a] = item_id(learning_batch, "a.txt", "edit", lambda e: e["after"] == "昀")
    click(browser, browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{fix_a}']"))
    click(browser, browser.find_element(By.CSS_SELECTOR, f"#doc-0 .detail button.never"))
    chip = browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{fix_a}']")
    assert "rule-never" in chip.get_attribute("class") and "rejected" in chip.get_attribute("class")
    assert "never change this" in browser.find_element(By.CSS_SELECTOR, "#doc-0 .fact-decision").text

    [leftover_b] = item_id(learning_batch, "b.txt", "suggestion", lambda e: e["after"] == "动")
    click(browser, browser.find_element(By.CSS_SELECTOR, f".chip[data-id='{leftover_b}']"))
    always_all = browser.find_element(By.CSS_SELECTOR, "#doc-1 .detail button.always-all")
    assert always_all.text == "Always make all 2 of this change"
    click(browser, always_all)

    items = exported_items(exported(browser))
    assert items[("a.txt", "均", "昀")] == [{**items[("a.txt", "均", "昀")][0], "accepted": False, "decided": True,
                                           "rule": "never"}]
    for path in ("a.txt", "b.txt"):
        [leftover] = items[(path, "動", "动")]
        assert (leftover["origin"], leftover["accepted"], leftover["decided"], leftover["rule"]) == (
            "suggestion", True, True, "always")
    # The other fix of the name was not touched: still a default.
    [fix_b] = items[("b.txt", "均", "昀")]
    assert fix_b["accepted"] is True and fix_b["decided"] is False and "rule" not in fix_b

    # The batch prints the name two ways: decide the misprint once for both pages.
    rows = browser.find_elements(By.CSS_SELECTOR, "#spellings tr.spelling[data-entry='高世昀']")
    assert [(r.get_attribute("data-form"), r.find_elements(By.CSS_SELECTOR, "td")[1].text) for r in rows] == [
        ("高世均", "2 change(s)"), ("高世昀", "right")]
    click(browser, rows[0].find_element(By.CSS_SELECTOR, "button.spelling-never"))
    final = exported(browser)
    items = exported_items(final)
    assert [(i["accepted"], i["decided"], i["rule"]) for p in ("a.txt", "b.txt") for i in items[(p, "均", "昀")]] == [
        (False, True, "never")] * 2

    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(final, ensure_ascii=False), encoding="utf-8")
    rules = tmp_path / "project.tsv"
    proc = run_cli("learn", decisions, "-o", rules, "--only-rules")
    assert proc.returncode == 0, proc.stderr
    assert run_cli("lexicon", "check", rules).returncode == 0
    lines = [line.split("\t") for line in rules.read_text(encoding="utf-8").splitlines() if line[0] != "#"]
    assert [(f[0], f[2], f[6], f[9]) for f in lines] == [
        ("的活动室。", "的活動室。", "variant", "2"), ("高世均出席", "", "keep", "2")]
