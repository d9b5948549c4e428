"""Options shared by the commands that restore text (``fix``, ``clean``)."""

from __future__ import annotations

import argparse
import dataclasses

from restore.config import Config


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--config``, ``--min-confidence``, ``--lexicon``, ``--lm``, ``--phonetic`` and ``--engine``."""
    parser.add_argument("--config", metavar="TOML", help="configuration file (unknown keys are an error)")
    parser.add_argument("--min-confidence", type=unit_interval, metavar="X", help="apply edits at or above X (0..1)")
    parser.add_argument(
        "--lexicon", action="append", default=[], metavar="TSV", help="an extra lexicon file (repeatable)"
    )
    parser.add_argument(
        "--lm", metavar="MODEL",
        help="character model instead of the shipped one: a kenlm file, or what `restore lm build "
        "--mix-with-default` wrote (as [char] model)",
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


def unit_interval(value: str) -> float:
    """``value`` as a number in [0, 1], else an argparse error naming the option's range.

    >>> unit_interval("0.9")
    0.9
    """
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= number <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{value} is outside 0..1")
    return number


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


def config_from_arguments(args: argparse.Namespace, *, open_model: bool = False) -> Config:
    """The Config the shared options describe; user lexicons are checked now, before any work.

    ``open_model``: open the char model now too (``clean``: a bad ``--lm`` stops the batch
    before any worker starts, rather than failing every file)."""
    from restore.lexicon.loading import with_user_lexicons

    config = Config.from_toml(args.config) if args.config else Config()
    if args.min_confidence is not None:
        config = config.replace(min_confidence=args.min_confidence)
    if getattr(args, "lm", None):
        config = config.replace(char=dataclasses.replace(config.char, model=args.lm))
    if open_model and config.char.model:
        check_model(config.char.model)
    if args.phonetic:
        config = config.replace(char=dataclasses.replace(config.char, phonetic=True))
    if getattr(args, "engine", None):
        config = config.replace(char=dataclasses.replace(config.char, engine=args.engine))
    return with_user_lexicons(config, args.lexicon)


def check_model(path: str) -> None:
    """Open the char model now, so a bad ``--lm`` stops the command before any work
    (:class:`~restore.errors.ResourceError` naming the file)."""
    from restore.lm.model import CharLanguageModel

    CharLanguageModel(path).model  # noqa: B018 - loading is the check (lazy mmap: cheap)
