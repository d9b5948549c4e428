"""Options shared by the commands that restore text (``fix``, ``clean``)."""

from __future__ import annotations

import argparse
import dataclasses

from restore.config import Config


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--config``, ``--min-confidence``, ``--lexicon``, ``--phonetic`` and ``--engine``."""
    parser.add_argument("--config", metavar="TOML", help="configuration file (unknown keys are an error)")
    parser.add_argument("--min-confidence", type=float, metavar="X", help="apply edits at or above X (0..1)")
    parser.add_argument(
        "--lexicon", action="append", default=[], metavar="TSV", help="an extra lexicon file (repeatable)"
    )
    parser.add_argument(
        "--phonetic",
        action="store_true",
        help="typed text: also try same-sound characters (在/再); off by default, as OCR errors are look-alikes",
    )
    parser.add_argument(
        "--engine",
        choices=("tesseract", "ppocrv4", "ppocrv6", "ppocr"),
        help="the OCR engine that made an OCR input (default: as the file's metadata names it); "
        "its confidences are weighed with that engine's calibration",
    )


def add_encoding_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--encoding`` (see :mod:`restore.encodings`)."""
    from restore.encodings import ENCODINGS

    parser.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="utf-8",
        help="encoding of text input (default utf-8; auto: a byte-order mark, else UTF-8, else GB18030 or Big5 "
        "as detected); text outputs are always UTF-8, XML OCR files keep the encoding they declare",
    )


def config_from_arguments(args: argparse.Namespace) -> Config:
    """The Config the shared options describe; user lexicons are checked now, before any work."""
    from restore.lexicon.loading import with_user_lexicons

    config = Config.from_toml(args.config) if args.config else Config()
    if args.min_confidence is not None:
        config = config.replace(min_confidence=args.min_confidence)
    if args.phonetic:
        config = config.replace(char=dataclasses.replace(config.char, phonetic=True))
    if getattr(args, "engine", None):
        config = config.replace(char=dataclasses.replace(config.char, engine=args.engine))
    return with_user_lexicons(config, args.lexicon)
