"""Build ``src/restore/data/phonetic_neighbours.tsv``: characters grouped by their toneless reading.

Typed text (pinyin input methods) swaps a character for another with the same sound: 在/再,
已/以, 的/得. This table is the char stage's phonetic channel (``CharConfig.phonetic``, off
for OCR input). Characters: the keys of ``glyph_neighbours.tsv`` (GB2312, their traditional
counterparts and the lexicons' characters). Readings: pypinyin's toneless readings of each
character with heteronyms (了 = le, liao), so a character sits in one group per reading.
How often each character is read each way comes from jieba's dictionary: every word is read
by pypinyin in context (phrase-aware) and its frequency credited to each (character, reading).
A heteronym read less than ``MIN_READING_SHARE`` of the time is dropped (也 is listed under
yi by pypinyin but practically never read so), except a character's first reading. Each
group lists its characters most frequent in that reading first, so the run time takes the
first few as candidates; traditional characters count as their OpenCC t2s simplified form;
ties by overall frequency, then code point. pypinyin and jieba are build-time tools only:
the run time reads the shipped table.

Run: ``python scripts/build/build_phonetic_table.py`` (a few seconds; byte-identical on rebuild).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

import jieba
import pypinyin
from pypinyin import Style, lazy_pinyin, pinyin

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "restore" / "data"
OUT = DATA / "phonetic_neighbours.tsv"
COMMAND = "python scripts/build/build_phonetic_table.py"
# A secondary reading used for less than this share of a character's occurrences is not listed.
MIN_READING_SHARE = 0.02
# Particle readings a dictionary of words never shows (地 as de: 慢慢地), kept regardless:
# 的/地/得 is among the commonest typing confusions.
PARTICLES = {"地": "de"}


def characters() -> list[str]:
    """The characters that matter: the glyph table's keys (built from GB2312 + OpenCC + lexicons)."""
    chars = []
    for line in (DATA / "glyph_neighbours.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            chars.append(line.split("\t", 1)[0])
    return sorted(set(chars))


def t2s_map() -> dict[str, str]:
    """OpenCC's first simplified form of each traditional character (one char to one char)."""
    mapping = {}
    for line in (DATA / "opencc_tables.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("t2s-char\t"):
            _, key, values = line.split("\t")
            first = values.split(" ")[0]
            if len(key) == 1 and len(first) == 1:
                mapping[key] = first
    return mapping


def jieba_reading_counts() -> tuple[Counter, Counter]:
    """(character counts, (character, reading) counts) from jieba's dictionary words read in context."""
    chars: Counter = Counter()
    pairs: Counter = Counter()
    path = Path(jieba.__file__).parent / "dict.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split(" ")
        if len(fields) < 2 or not fields[1].isdigit():
            continue
        word, count = fields[0], int(fields[1])
        read = lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)
        if len(read) != len(word):
            read = [""] * len(word)  # pypinyin split the word otherwise: count the characters only
        for ch, reading in zip(word, read):
            chars[ch] += count
            if reading:
                pairs[ch, reading] += count
    return chars, pairs


def readings(ch: str) -> list[str]:
    """Toneless pinyin readings of one character (heteronyms included), or [] when pypinyin has none."""
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    out = []
    for reading in found[0] if found else []:
        reading = reading.replace("ü", "v")
        if reading.isascii() and reading.isalpha() and reading not in out:
            out.append(reading)
    return out


def build() -> tuple[list[str], int]:
    """The table's lines (header included) and the number of characters with a reading."""
    chars = characters()
    t2s = t2s_map()
    counts, reading_counts = jieba_reading_counts()
    groups: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    covered = 0
    for ch in chars:
        found = readings(ch)
        covered += bool(found)
        forms = {ch, t2s.get(ch, ch)}
        used = {r: sum(reading_counts[form, r] for form in forms) for r in found}
        total = sum(used.values())
        frequency = sum(counts[form] for form in forms)
        for number, reading in enumerate(found):
            if number and total and used[reading] < MIN_READING_SHARE * total and PARTICLES.get(ch) != reading:
                continue
            groups[reading].append((-used[reading], -frequency, ord(ch), ch))

    lines = [
        "# restore phonetic neighbours: characters sharing a toneless pinyin reading (typing errors)",
        f"# readings: pypinyin {pypinyin.__version__} (Style.NORMAL, heteronyms); characters: the keys of glyph_neighbours.tsv",
        (
            "# order: most frequent in this reading first (jieba dict.txt words read in context by pypinyin; traditional"
            f" counted as the OpenCC t2s form); readings under {MIN_READING_SHARE:.0%} of a character's use dropped"
        ),
        f"# characters: {covered}; readings: {len(groups)}",
        f"# command: {COMMAND}",
        "# columns: reading<TAB>characters (no separator)",
    ]
    for reading in sorted(groups):
        lines.append(f"{reading}\t{''.join(ch for *_, ch in sorted(groups[reading]))}")
    return lines, covered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    start = time.time()
    lines, covered = build()
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = args.output.stat().st_size
    print(f"{args.output}: {covered} characters, {len(lines) - 6} readings, {size} bytes, {time.time() - start:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
