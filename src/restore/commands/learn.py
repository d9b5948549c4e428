"""``restore learn DECISIONS.json... -o project.tsv``: turn review decisions into project rules.

Explicit decisions (``decided`` items) become keep rules (rejected changes), variant rules
(accepted changes, with their context) and entity entries (accepted name fixes) in a
version-2 lexicon (``lexicons/README.md``); an existing OUT is merged into. Contradicting
decisions are listed on stderr and make no rule. Nothing is written unless every file and
original checks out.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from restore.commands import help_text
from restore.errors import InputError

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``learn`` subcommand."""
    parser = subparsers.add_parser(
        "learn",
        help="learn project rules (a lexicon) from review decisions",
        description=help_text(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("decisions", nargs="+", metavar="DECISIONS.json", type=Path, help="decisions files")
    parser.add_argument("-o", "--output", metavar="TSV", type=Path, required=True,
                        help="rule file to write (merged into when it exists)")
    parser.add_argument("--root", type=Path, help="directory of the originals (default: the one recorded)")
    parser.add_argument("--name", help="the rules' lexicon name (default: from OUT's file name)")
    parser.add_argument("--only-rules", action="store_true",
                        help="learn only from 'never change this' / 'always make this change' decisions")
    parser.add_argument("--config", metavar="TOML", help="configuration naming the lexicons the run used")
    parser.add_argument("--lexicon", action="append", default=[], metavar="TSV",
                        help="a lexicon the run used, to recognise accepted name fixes (repeatable)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Learn, merge, lint and write; contradictions and skipped decisions go to stderr."""
    from restore.config import Config
    from restore.lexicon.learn import existing_rules, learn_rules, lexicon_entity_finder, render_rules
    from restore.lexicon.lessons import read_lessons
    from restore.lexicon.loading import with_user_lexicons
    from restore.lexicon.parse import load_lexicon
    from restore.textio import atomic_write_text

    name = args.name or _name_from(args.output)
    if not _NAME.match(name):
        raise InputError(f"--name {name!r} must be lowercase letters, digits and '-'")
    existing = []
    if args.output.exists():
        existing = existing_rules(load_lexicon(args.output))
    lessons = read_lessons(args.decisions, root=args.root, only_rules=args.only_rules)
    if not lessons:
        raise InputError("no explicit decisions in " + ", ".join(str(p) for p in args.decisions)
                         + " (untouched defaults teach nothing; decide items in the report and export again)")
    config = Config.from_toml(args.config) if args.config else Config()
    config = with_user_lexicons(config, args.lexicon)
    names_fixed = any(lesson.accepted and lesson.kind == "entity" for lesson in lessons)
    finder = lexicon_entity_finder(config) if names_fixed else None
    learned = learn_rules(lessons, existing=existing, find_entity=finder)
    for line in learned.skipped:
        sys.stderr.write(f"restore: skipped: {line}\n")
    for line in learned.contradictions:
        sys.stderr.write(f"restore: contradiction: {line}\n")
    if not learned.rules:
        raise InputError("no rule learned; nothing was written")
    atomic_write_text(args.output, render_rules(learned.rules, name=name))
    counts = learned.counts()
    sys.stderr.write(
        f"restore: {args.output}: {len(learned.rules)} rule(s) ({counts['keep']} keep, {counts['variant']} variant, "
        f"{counts['entity']} entity) from {len(lessons)} decision(s); "
        f"{len(learned.contradictions)} contradiction(s) left undecided\n"
    )
    return 0


def _name_from(path: Path) -> str:
    """A lexicon name from a file name: ``Project Rules.tsv`` -> ``project-rules``."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return stem or "project"
