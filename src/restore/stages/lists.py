"""Where a list of short names lost a separator: two items glued into one (王志远王林峰).

OCR engines drop the small ``、`` between list items (name lists are where most dropped marks of
news text are: half the ``、`` dropped on the DEV renders). A language model barely notices: one
name running into the next is as probable as any rare name. The list itself is the evidence: its
other items are short (two or three characters), so an item about twice as long, made of Han
characters only and standing between separators, is two items, and the second starts with a
surname. :func:`glued_items` finds such items and the places where the separator may go; the
char stage lets its LM choose among them (:meth:`restore.stages.char.CharStage.separators_in_lists`).

>>> glued_items("名单：王志远王林峰、张晓琪、李明、刘强", frozenset("王张李刘"))
[[6]]
>>> glued_items("委员有王志远、张晓琪", frozenset("王张"))   # too short a list to judge
[]

A list can also keep its separator in a misread form: PP-OCRv4 prints ``、`` as the interpunct
``·`` that joins the parts of a transliterated name (约翰·史密斯). Between two Chinese names it is
a misread: :func:`misread_interpuncts` finds those.

>>> misread_interpuncts("王志远·张晓琪、李明", frozenset("王张李"))
[3]

Or the separator is gone after a name's annotation, ``（女）`` or ``（回族）``, and the next name
follows the closing bracket directly: :func:`dropped_annotation_separators` finds those.

>>> dropped_annotation_separators("王林（女）张明、李强", frozenset("王张李"), frozenset("林明强"))
[5]
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Set as AbstractSet

from restore.chars import is_han

# An item: a run of anything but separators, brackets, quotes and spaces.
_ITEM = re.compile(r"[^、，。；：！？,;:!?（）()〈〉《》“”‘’「」『』·丶\s]+")
# An item may start after these (or at the unit's start) and end before these (or at its end).
_OPENS_ITEM = frozenset("、）)：:")
_CLOSES_ITEM = frozenset("、（(")


def glued_items(
    unit: str,
    surnames: AbstractSet[str],
    *,
    min_items: int = 3,
    max_median: float = 3.5,
    piece: tuple[int, int] = (2, 4),
    words: AbstractSet[str] = frozenset(),
    max_word_share: float = 1.0,
) -> list[list[int]]:
    """For each item of a ``、`` list in ``unit`` that looks like two glued items, the offsets in
    ``unit`` where the lost separator may go (before a surname, both pieces ``piece`` long).

    ``unit``: one sentence-like unit (no sentence-final mark inside); ``surnames``: characters
    that start a name. A list needs two ``、`` and ``min_items`` items of Han characters whose
    median length is at most ``max_median``; a glued item is at least 4 characters and twice the
    median (less half a character), bounded by a ``、`` on one side at least.

    ``words`` (known words) and ``max_word_share``: a list whose short items (two or three
    characters, the glued ones left out) are known words more often than this share is a list of
    things, not of names (隧道、轨道、线网: 损坏车辆 there is a verb and its object, not two names),
    and nothing in it is split (:func:`name_list_word_share`). 1.0 keeps every list.

    >>> glued_items("损坏车辆、隧道、轨道、线网、路基", frozenset("车"))
    [[2]]
    >>> glued_items("损坏车辆、隧道、轨道、线网、路基", frozenset("车"), words={"隧道", "轨道", "线网", "路基"}, max_word_share=0.8)
    []
    """
    if unit.count("、") < 2:
        return []
    items = [(m.start(), m.group()) for m in _ITEM.finditer(unit) if all(is_han(c) for c in m.group())]
    if len(items) < min_items:
        return []
    median = statistics.median(len(text) for _, text in items)
    if median > max_median:
        return []
    if max_word_share < 1.0 and name_list_word_share(items, median, words) > max_word_share:
        return []
    low, high = piece
    found: list[list[int]] = []
    for start, text in items:
        end = start + len(text)
        if len(text) < 4 or len(text) < 2 * median - 0.5:
            continue
        before = unit[start - 1] if start else ""
        after = unit[end] if end < len(unit) else ""
        if "、" not in (before, after) or (before and before not in _OPENS_ITEM) or (after and after not in _CLOSES_ITEM):
            continue
        splits = [start + k for k in range(low, len(text) - low + 1) if k <= high and len(text) - k <= high and text[k] in surnames]
        if splits:
            found.append(splits)
    return found


def name_list_word_share(items: list[tuple[int, str]], median: float, words: AbstractSet[str]) -> float:
    """The share of a list's short items (2-3 Han characters, not glued: shorter than twice the
    ``median`` less half a character) that are known ``words``; 0.0 when it has none.

    Names are seldom in the word list (on the DEV renders, ocr_dev, the name lists where a glued
    item was split right had at most 4 of 6 short items there, two of them annotations such as
    回族), while every item of a list of things is a word.

    >>> name_list_word_share([(0, "隧道"), (3, "轨道"), (6, "损坏车辆")], 2.0, {"隧道", "轨道"})
    1.0
    >>> name_list_word_share([(0, "王志远"), (4, "李明")], 3.0, {"隧道"})
    0.0
    """
    short = [text for _, text in items if len(text) in (2, 3) and len(text) < 2 * median - 0.5]
    if not short:
        return 0.0
    return sum(text in words for text in short) / len(short)


# A Chinese name in a list: two or three Han characters, the first a surname.
_NAME_LENGTHS = (2, 3)


def misread_interpuncts(unit: str, surnames: AbstractSet[str], given: AbstractSet[str] | None = None) -> list[int]:
    """Offsets in ``unit`` of each ``·`` that stands between two Chinese names: a misread ``、``.

    A name: a run of two or three Han characters (up to the next other character or the end)
    that starts with one of ``surnames`` and, with ``given``, goes on with given-name characters
    only. The run after the ``·`` is a name; so is the run before it, or a closing bracket
    precedes it (王林（女）·张明). A transliterated name keeps its ``·``: its parts are rarely both
    that short and led by a surname (穆罕默德·拉斐克, 约翰·施特劳斯). With the name characters of
    ``data/lm/names.txt`` in both scripts, no ``·`` of People's Daily lines 1-16000 (865 of them) is
    found, and 13 on the DEV renders (ocr_dev), all ``、`` in the truth and all PP-OCRv4's
    (without ``given``: 15 of 15 there, but a Dai name, 伍并亚·温撒, in People's Daily DEV).

    >>> misread_interpuncts("会见约翰·施特劳斯", frozenset("王张李约施"))
    []
    >>> misread_interpuncts("李明（女）·王林峰（回族）", frozenset("王张李"))
    [5]
    """
    found = []
    i = unit.find("·")
    while i >= 0:
        if _is_name(_han_run(unit, i + 1, 1), surnames, given):
            before = _han_run(unit, i - 1, -1)
            if _is_name(before, surnames, given) or (not before and i and unit[i - 1] in "）)"):
                found.append(i)
        i = unit.find("·", i + 1)
    return found


# A name's annotation in a list: （女）, （回族）, （女，蒙古族）, either bracket width.
_ANNOTATION = re.compile(r"[（(](?:女|女[，、,][^（()）\s]{1,6}族|[^（()）\s]{1,6}族)[）)]")
# A surname that also starts what follows an annotation in running text (（女）任市长: holds an office).
_NOT_A_NAME_AFTER_ANNOTATION = frozenset("任")


def dropped_annotation_separators(unit: str, surnames: AbstractSet[str], given: AbstractSet[str]) -> list[int]:
    """Offsets in ``unit`` where a ``、`` was lost between a name's annotation and the next name.

    An annotation (``（女）``, ``（回族）``, ``（女，蒙古族）``) closes a list item; what follows it in
    a list is a separator. A name straight after the closing bracket (a surname of ``surnames``,
    then a character of ``given``) is the next item with its ``、`` dropped, as PP-OCRv4 drops it.
    In People's Daily lines 1-16000 an annotation is followed by ``、`` 101 times, by ``为`` 27
    times (当选: 张明（女）为副市长), by ``，`` 5 times and never by a name; on the DEV renders
    (ocr_dev) the pattern is found 18 times, all a dropped ``、`` in the truth.

    >>> dropped_annotation_separators("李明（回族）王林峰（女）", frozenset("王李"), frozenset("林峰明"))
    [6]
    >>> dropped_annotation_separators("张明（女）为副市长，李强（女）任市长", frozenset("张李任"), frozenset("明强市"))
    []
    """
    found = []
    for match in _ANNOTATION.finditer(unit):
        at = match.end()
        if (
            at + 1 < len(unit)
            and unit[at] in surnames
            and unit[at] not in _NOT_A_NAME_AFTER_ANNOTATION
            and unit[at + 1] in given
        ):
            found.append(at)
    return found


def _is_name(run: str, surnames: AbstractSet[str], given: AbstractSet[str] | None) -> bool:
    return (
        len(run) in _NAME_LENGTHS
        and run[0] in surnames
        and (given is None or all(char in given for char in run[1:]))
    )


def _han_run(unit: str, start: int, step: int) -> str:
    """The run of Han characters from ``start`` walking by ``step`` (+1 right, -1 left), in reading order."""
    end = start
    while 0 <= end < len(unit) and is_han(unit[end]):
        end += step
    return unit[start:end] if step > 0 else unit[end + 1 : start + 1]
