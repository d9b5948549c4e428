"""``restore lm build CORPUS... -o MODEL [--order N]``: build a character n-gram model.

Uses kenlm's ``lmplz``/``build_binary`` when on PATH (kenlm binary output), otherwise the
built-in modified Kneser-Ney estimator (ARPA output, which kenlm loads too). Bad input stops
with a message naming the file; no partial model is ever left behind.
"""

from __future__ import annotations

import argparse
import logging

from restore.lm.build import build_model

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``lm`` command group (``lm build``)."""
    parser = subparsers.add_parser("lm", help="language-model tools", description=__doc__)
    actions = parser.add_subparsers(dest="lm_command", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="build a character n-gram model from UTF-8 text files")
    build.add_argument("corpora", nargs="+", metavar="CORPUS", help="UTF-8 text files, one paragraph per line")
    build.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write (.arpa: ARPA)")
    build.add_argument("--order", type=int, default=5, metavar="N", help="n-gram order (default 5)")
    build.add_argument(
        "--no-kenlm-tools", action="store_true", help="use the built-in estimator even when lmplz is on PATH"
    )
    build.add_argument(
        "--discount-fallback", action="store_true", help="fixed discounts when the corpus is too small to estimate them"
    )
    build.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    """Build the model; errors are :class:`~restore.errors.RestoreError` (exit 1 via the CLI)."""
    output = build_model(
        args.corpora,
        args.output,
        order=args.order,
        use_kenlm_tools=not args.no_kenlm_tools,
        discount_fallback=args.discount_fallback,
    )
    log.info("wrote %s", output)
    return 0
