"""Copy fcitx5's word trigram into the package, with its licence: ``src/restore/data/lm/zh_CN.lm``.

The word-level second opinion (:mod:`restore.lm.wordlm`) scores windows with this model. It comes
from Debian's ``libime-data-language-model`` (``apt-get install libime-data-language-model``),
which installs it as ``/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm``: a kenlm binary word trigram of
2022 (about 165k words), LGPL-2.1-or-later (Debian's ``copyright`` file for the package). The file
is copied unchanged (its sha256 is checked) and ``zh_CN.lm.LICENSE`` gets the notice and the
LGPL-2.1 text from ``/usr/share/common-licenses/LGPL-2.1``, so the package never needs the Debian
package at run time.

Run: ``python scripts/build/copy_word_model.py``
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "restore" / "data" / "lm" / "zh_CN.lm"
SOURCE = Path("/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm")
LICENCE_TEXT = Path("/usr/share/common-licenses/LGPL-2.1")
# libime-data-language-model 1.0.16-1 (Debian 12).
SHA256 = "e4097ca9ca1082928c2ea7d5e368080a696611efa0714dfe563c769f26a415d2"
NOTICE = """\
zh_CN.lm: the word trigram of fcitx5's libime (Debian package libime-data-language-model 1.0.16-1,
data of 2022), copied unchanged from {source} by scripts/build/copy_word_model.py
(sha256 {sha}). Copyright 2015-2022 CSSlayer <wengxt@gmail.com>, licensed under the GNU Lesser
General Public License version 2.1 or (at your option) any later version; its text follows.
Source project: fcitx/libime. restore reads the file with the kenlm module and does not modify it.

"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    args = parser.parse_args()
    digest = hashlib.sha256(args.source.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{args.source}: sha256 {digest}, expected {SHA256} (another package version?)")
    shutil.copyfile(args.source, OUT)
    licence = NOTICE.format(source=args.source, sha=SHA256) + LICENCE_TEXT.read_text(encoding="utf-8")
    OUT.with_name(OUT.name + ".LICENSE").write_text(licence, encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB) and its LICENSE")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
