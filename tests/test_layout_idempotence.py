"""Layout decisions are idempotent: a second ``fix`` changes nothing, and headings, date lines and
paragraph breaks survive both passes (Hypothesis over realistic pages, written for this test)."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import restore

# Page parts in the style of a district paper, written for this test.
MASTHEADS = ("徐 匯 報", "社 區 新 聞", "徐匯報", "社區週刊")
HEADLINES = (
    "世界人工智能大會",
    "世界人工智能大會在滬開幕",
    "區圖書館新閱覽室開放",
    "社區養老服務中心啟用",
    "徐匯濱江綠地完成改造",
    "街道舉辦鄰里文化節",
)
SUBHEADS = ("智聯世界 生成未來", "居民可免費借閱報刊", "為老人提供日間照料", "市民休閒有了新去處")
BYLINES = ("本報記者 王華", "□ 記者 曹香玉", "通訊員 李明 攝", "本報訊")
SENTENCES = (
    "會議於上午九時在區文化中心舉行,各街道負責人出席了會議",
    "來自各國的專家學者齊聚一堂,共同探討人工智能的未來發展",
    "居民代表就基層治理提出建議,街道負責人逐一作了回應",
    "新閱覽室共有座位一百二十個,每天開放到晚上九點",
    "活動期間,志願者為老人測量血壓並講解防詐騙知識",
    "改造後的綠地增加了步道和座椅,周末遊客明顯增多",
)
WEEKDAYS = "一二三四五六日"


@st.composite
def date_lines(draw: st.DrawFn) -> str:
    year, month, day = draw(st.integers(2019, 2025)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    weekday = draw(st.sampled_from(WEEKDAYS))
    if draw(st.booleans()):  # OCR often spaces the numbers
        return f"{year} 年 {month} 月 {day} 日 星期{weekday}"
    return f"{year}年{month}月{day}日 星期{weekday}"


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    """A paragraph of running text, wrapped at a column width as a page scan would be."""
    sentences = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4))
    text = "。".join(sentences) + "。"
    width = draw(st.integers(12, 40))
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A page and its heading-like lines (which must stay lines of their own)."""
    masthead, date = draw(st.sampled_from(MASTHEADS)), draw(date_lines())
    headline, subhead = draw(st.sampled_from(HEADLINES)), draw(st.sampled_from(SUBHEADS))
    byline = draw(st.sampled_from(BYLINES))
    body = draw(st.lists(paragraphs(), min_size=1, max_size=4))
    head = [masthead, "", date, headline, subhead, ""]
    text = "\n".join([*head, byline, *"\n\n".join(body).split("\n")]) + "\n"
    return text, [date, headline, subhead]


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n")]


CORE = restore.Config(stages=("layout", "punct", "script"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_a_second_fix_changes_nothing_and_headings_survive(page: tuple[str, list[str]]) -> None:
    text, headings = page
    corrector = restore.Corrector(CORE)
    first = corrector.fix(text)
    second = corrector.fix(first.text)
    assert second.edits == (), [(e.before, e.after, e.source) for e in second.edits]
    for result in (first, second):
        lines = lines_of(result.text)
        for heading in headings:
            restored = corrector.fix(heading).text
            assert restored in lines, (heading, result.text)
        assert result.text.count("\n\n") == text.count("\n\n") - _joined_blank_lines(first)


def _joined_blank_lines(result: restore.Result) -> int:
    """Blank lines the first pass joined across (a sentence broken by a column gap)."""
    return sum(1 for e in result.edits if e.source == "layout:join-lines" and "\n\n" in e.before)
