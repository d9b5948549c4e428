"""Parallel items of an enumeration: a reading the writer repeats on purpose.

News and official prose lists parallel phrases with the same ending or opening: 时代之问、发展之问、
人民之问. Each 之问 looks like a misread of the common word 之间 to a language model that never saw
the phrase, and the char stage would change all three. An engine's misread of one glyph does repeat,
but a reading that ends (or opens) several items of one enumeration in the same place is the
writer's pattern, not the engine's: :func:`parallel_reading` finds it, and the char stage offers a
change there as a suggestion only (``CharConfig.parallel_max_confidence``).

An enumeration is a clause (text between ，。；：！？ and their half-width forms, or line breaks,
read at most :data:`REACH` characters either side) with at least two 、; its items are the
stretches between them.

>>> text = "面对时代之问、发展之问、人民之问，我们要回答。"
>>> parallel_reading(text, text.index("问"))
'之问'
>>> parallel_reading(text, text.index("们")) is None
True
>>> parallel_reading("苹果、香蕉、橘子都很甜。", 1) is None
True
"""

from __future__ import annotations

# What ends a clause: an enumeration never runs across one.
CLAUSE_ENDS = frozenset("，。；：！？,;:!?\n\r")
ENUMERATION_MARK = "、"
# How far a clause is read either side of the offset, in characters: keeps a text without marks
# (one 10 MB line) linear; an enumeration's items lie well within it.
REACH = 200


def parallel_reading(text: str, offset: int, others: int = 2) -> str | None:
    """The two characters as read, holding ``text[offset]``, that sit at the same place from the end
    (or from the start) of at least ``others`` other items of ``offset``'s enumeration; None when
    there is none (or ``offset`` is in no enumeration, or is the mark itself).

    ``offset`` must be within ``text`` (:class:`IndexError` otherwise); ``others`` >= 1.
    """
    if not 0 <= offset < len(text):
        raise IndexError(f"offset {offset} outside a text of {len(text)} characters")
    if text[offset] == ENUMERATION_MARK or text[offset] in CLAUSE_ENDS:
        return None
    start, low = offset, max(0, offset - REACH)
    while start > low and text[start - 1] not in CLAUSE_ENDS:
        start -= 1
    end, high = offset, min(len(text), offset + REACH)
    while end < high and text[end] not in CLAUSE_ENDS:
        end += 1
    clause = text[start:end]
    if clause.count(ENUMERATION_MARK) < others:
        return None
    items: list[tuple[int, int]] = []  # (start, end) in text
    at = start
    for piece in clause.split(ENUMERATION_MARK):
        items.append((at, at + len(piece)))
        at += len(piece) + 1
    own = next(item for item in items if item[0] <= offset < item[1])
    for first in (offset - 1, offset):  # the pair ending at offset, then the one starting there
        if first < own[0] or first + 1 >= own[1]:
            continue
        pair = text[first : first + 2]
        from_start, from_end = first - own[0], own[1] - first
        same = sum(
            1
            for item in items
            if item != own
            and (
                (item[0] + from_start + 2 <= item[1] and text[item[0] + from_start : item[0] + from_start + 2] == pair)
                or (item[1] - from_end >= item[0] and text[item[1] - from_end : item[1] - from_end + 2] == pair)
            )
        )
        if same >= others:
            return pair
    return None
