"""``restore lm build CORPUS... -o MODEL [--order N] [--mix-with-default [--weight W]]``: build a character n-gram model.

Uses kenlm's ``lmplz``/``build_binary`` when on PATH (kenlm binary output), otherwise the
built-in modified Kneser-Ney estimator (ARPA output, which kenlm loads too). Bad input stops
with a message naming the file; no partial model is ever left behind.

``--mix-with-default`` adapts the shipped model to an archive: MODEL becomes a small manifest
that mixes the archive's model (written beside it as MODEL.archive.klm or .arpa) with the
shipped one, the archive weighing W of every token's probability (see restore.lm.mixture).
Use it with ``restore fix --lm MODEL``, ``restore clean --lm MODEL`` or ``[char] model``.
"""

from __future__ import annotations

import argparse
import logging

from restore.commands import help_text
from restore.errors import InputError
from restore.lm.build import build_adapted_model, build_model
from restore.lm.mixture import DEFAULT_WEIGHT

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``lm`` command group (``lm build``)."""
    parser = subparsers.add_parser("lm", help="language-model tools", description=help_text(__doc__))
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
    build.add_argument(
        "--mix-with-default", action="store_true",
        help="interpolate the corpus's model with the shipped one (MODEL is then a mixture manifest)",
    )
    build.add_argument(
        "--weight", type=float, metavar="W",
        help=f"with --mix-with-default: the corpus model's share of each token's probability, "
        f"strictly between 0 and 1 (default {DEFAULT_WEIGHT})",
    )
    build.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    """Build the model; errors are :class:`~restore.errors.RestoreError` (exit 1 via the CLI)."""
    options = {
        "order": args.order,
        "use_kenlm_tools": not args.no_kenlm_tools,
        "discount_fallback": args.discount_fallback,
    }
    if args.mix_with_default:
        weight = DEFAULT_WEIGHT if args.weight is None else args.weight
        output = build_adapted_model(args.corpora, args.output, weight=weight, **options)
    elif args.weight is not None:
        raise InputError("--weight is the mixture weight: it needs --mix-with-default")
    else:
        output = build_model(args.corpora, args.output, **options)
    log.info("wrote %s", output)
    return 0
