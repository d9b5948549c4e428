"""Cost of reading an ALTO page and of writing corrections back into it.

Run: ``nice python benchmarks/bench_formats.py [--lines 3000] [--edits-every 1000] [--repeat 3]``.

A synthetic ALTO 4 page (``--lines`` TextLines of 25 Han characters drawn from a pool written into
this script, one String per line with a Glyph per character, like kraken's output; 3,000 lines are
about 8 MB) is read with :func:`restore.formats.read_document`, then one character in every
``--edits-every`` is replaced and the file written with :func:`restore.formats.write_document`:

- ``write (splice)``: the writers' path, which copies every unchanged byte of the source
  (:mod:`restore.formats.splice`, C14N-checked);
- ``write (lxml)``: the same edits with the splice disabled, lxml writing the whole root element.

Best of ``--repeat`` wall times, in seconds; peak Python memory (tracemalloc) of one write.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from unittest import mock

POOL = "区图书馆周六上午九点开门欢迎市民带孩子来借书新馆己经开放三层阅览室读者可以在服务台办理借阅证"


def alto_page(lines: int, seed: int = 1) -> bytes:
    """An ALTO 4 page of ``lines`` Strings with a Glyph per character."""
    rng = random.Random(seed)
    body = []
    for number in range(lines):
        text = "".join(rng.choice(POOL) for _ in range(25))
        glyphs = "".join(
            f'\n        <Glyph ID="g{number}_{i}" HPOS="{i * 20}" VPOS="{number * 30}" WIDTH="20" HEIGHT="30" '
            f'CONTENT="{char}" GC="0.9"/>'
            for i, char in enumerate(text)
        )
        body.append(f'    <TextLine ID="l{number}">\n      <String ID="s{number}" HPOS="0" VPOS="{number * 30}" '
                    f'WIDTH="500" HEIGHT="30" CONTENT="{text}">{glyphs}\n      </String>\n    </TextLine>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">'
            '<Layout><Page ID="p" PHYSICAL_IMG_NR="1"><PrintSpace><TextBlock ID="b">\n'
            + "\n".join(body) + "\n</TextBlock></PrintSpace></Page></Layout></alto>\n").encode()


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    from restore.edits import Edit
    from restore.formats import read_document, write_document

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--edits-every", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    source = alto_page(args.lines)
    document = read_document(source, "page.xml")
    edits = [Edit(i, i + 1, document.text[i], "甲", kind="char", confidence=0.9, source="bench")
             for i in range(5, len(document.text), args.edits_every) if document.text[i] != "\n"]
    print(f"ALTO page: {len(source) / 1e6:.1f} MB, {len(document.text):,} characters, {len(edits)} edits")
    print(f"read            {best(lambda: read_document(source, 'page.xml'), args.repeat):.2f} s")
    print(f"write (splice)  {best(lambda: write_document(document, edits), args.repeat):.2f} s")
    with mock.patch("restore.formats.xmledit.serialize_spliced", return_value=None):
        print(f"write (lxml)    {best(lambda: write_document(document, edits), args.repeat):.2f} s")
    tracemalloc.start()
    write_document(document, edits)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak Python memory of one write (splice): {peak / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
