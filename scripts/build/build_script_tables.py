"""Build ``src/restore/data/opencc_tables.tsv`` from the dictionaries of the installed OpenCC.

The script stage converts with OpenCC at run time; these tables only tell it how
sure to be: every form a character may take in the other script (so a one-to-many
character is known to be ambiguous) and the dictionary phrases that decide such
characters. OpenCC's dictionaries are Apache-2.0; the header says which version.

Run: ``python scripts/build/build_script_tables.py`` (needs the ``opencc`` wheel, which
ships its dictionaries and the ``opencc_dict`` tool).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parents[2] / "src" / "restore" / "data" / "opencc_tables.tsv"


def dump(share: Path, tool: Path, name: str, workdir: Path) -> list[tuple[str, list[str]]]:
    target = workdir / f"{name}.txt"
    subprocess.run(
        [str(tool), "-i", str(share / f"{name}.ocd2"), "-o", str(target), "-f", "ocd2", "-t", "text"],
        check=True,
    )
    rows = []
    for line in target.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        rows.append((key, values.split(" ")))
    return rows


def main() -> int:
    package = Path(opencc.__file__).parent
    share = package / "clib" / "share" / "opencc"
    tool = package / "clib" / "bin" / "opencc_dict"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        st_chars = dump(share, tool, "STCharacters", work)
        ts_chars = dump(share, tool, "TSCharacters", work)
        st_phrases = dump(share, tool, "STPhrases", work)
        ts_phrases = dump(share, tool, "TSPhrases", work)
        tw_variants = dump(share, tool, "TWVariants", work)
    ambiguous_s = {key for key, values in st_chars if len(values) > 1}
    ambiguous_t = {key for key, values in ts_chars if len(values) > 1}
    lines = [
        "# restore script tables: derived from OpenCC dictionaries (Apache-2.0)",
        f"# opencc {metadata.version('opencc')}; built by scripts/build/build_script_tables.py",
        "# section<TAB>key<TAB>space-separated values",
    ]
    sections = [
        ("s2t-char", st_chars, None),
        ("t2s-char", ts_chars, None),
        ("tw-variant", tw_variants, None),
        ("s2t-phrase", st_phrases, ambiguous_s),
        ("t2s-phrase", ts_phrases, ambiguous_t),
    ]
    for section, rows, ambiguous in sections:
        for key, values in sorted(rows):
            if ambiguous is not None and not (set(key) & ambiguous):
                continue
            if ambiguous is not None and len(values[0]) != len(key):
                continue
            lines.append(f"{section}\t{key}\t{' '.join(values)}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines)} lines)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
