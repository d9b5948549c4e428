"""Parallel items of an enumeration: a reading the writer repeats on purpose.

News and official prose lists parallel phrases with the same ending or opening: 时代之问、发展之问、
人民之问. Each 之问 looks like a misread of the common word 之间 to a language model that never saw
the phrase, and the char stage would change all three. An engine's misread of one glyph does repeat,
but a reading that several items of one enumeration share is the writer's pattern, not the
engine's: :func:`parallel_reading` finds it, and the char stage offers a
change there as a suggestion only (``CharConfig.parallel_max_confidence``).

An enumeration is a clause (text between ，。；：！？ and their half-width forms, or line breaks,
read at most :data:`REACH` characters either side) of at least three items: the stretches between
its 、, the last of which may be joined by 和, 与 or 及 instead.

>>> text = "面对时代之问、发展之问、人民之问，我们要回答。"
>>> parallel_reading(text, text.index("问"))
'之问'
>>> parallel_reading(text, text.index("们")) is None
True
>>> parallel_reading("苹果、香蕉、橘子都很甜。", 1) is None
True
>>> joined = "讨论了发展之问、改革之问和民生之问。"
>>> parallel_reading(joined, joined.rindex("问"))
'之问'
"""

from __future__ import annotations

# What ends a clause: an enumeration never runs across one.
CLAUSE_ENDS = frozenset("，。；：！？,;:!?\n\r")
ENUMERATION_MARK = "、"
# A conjunction may join the last item instead of 、 (发展之问、改革之问和民生之问).
LAST_JOINS = "和与及"
# How far a clause is read either side of the offset, in characters: keeps a text without marks
# (one 10 MB line) linear; an enumeration's items lie well within it.
REACH = 200


def parallel_reading(text: str, offset: int, others: int = 2) -> str | None:
    """The two characters as read, holding ``text[offset]``, that at least ``others`` other items of
    ``offset``'s enumeration also hold; None when there are none (or ``offset`` is in no
    enumeration, or is a mark or conjunction between items).

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
    if clause.count(ENUMERATION_MARK) < others - 1:
        return None
    items: list[tuple[int, int]] = []  # (start, end) in text
    at = start
    for piece in clause.split(ENUMERATION_MARK):
        items.append((at, at + len(piece)))
        at += len(piece) + 1
    # The last item may hold the conjunction that joins it (a split inside a word such as 和平 only
    # makes items that do not match).
    last_start, last_end = items[-1]
    join = next((i for i in range(last_start, last_end) if text[i] in LAST_JOINS), None)
    if join is not None:
        items[-1:] = [(last_start, join), (join + 1, last_end)]
    if len(items) < others + 1 or not any(item[0] <= offset < item[1] for item in items):
        return None
    own = next(item for item in items if item[0] <= offset < item[1])
    for first in (offset - 1, offset):  # the pair ending at offset, then the one starting there
        if first < own[0] or first + 1 >= own[1]:
            continue
        pair = text[first : first + 2]
        # In the other items anywhere: a first item may follow a lead-in (讨论了发展之问) and a last
        # one run into the rest of the clause (民生之问三个方面).
        if sum(1 for item in items if item != own and pair in text[item[0] : item[1]]) >= others:
            return pair
    return None
