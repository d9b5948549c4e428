"""Cost of learning from review decisions and of applying the learned rules.

Run: ``nice python benchmarks/bench_learn.py [--documents 2000] [--items 100] [--rules-text-mb 1] [--workdir DIR]``.

Synthetic documents (Han characters drawn from a pool written into this script, with
full stops) are written to ``DIR/in/`` (default ``benchmarks/out/bench_learn``); each gets ``--items``
one-character decisions (a random other character), a quarter of them decided by the
"reviewer", half of those accepted. Measured:

- ``restore learn`` in-process (:func:`read_lessons`, :func:`learn_rules`, :func:`render_rules`):
  wall time, then peak Python memory (tracemalloc, in a second, untimed run) for the whole review;
- the project stage: throughput of :meth:`ProjectStage.propose` with the learned rules over
  ``--rules-text-mb`` of the documents' text, beside a corrector without rules (layout and punct
  stages only, so the difference is the rules).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "bench_learn"
POOL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理"


def write_batch(root: Path, documents: int, items: int, seed: int) -> Path:
    """The originals and one decisions file; returns the decisions file."""
    rng = random.Random(seed)
    source = root / "in"
    source.mkdir(parents=True, exist_ok=True)
    listed = []
    for number in range(documents):
        text = "".join(rng.choice(POOL) if i % 25 else "。" for i in range(1, 2001)) + "\n"
        path = f"doc{number:05d}.txt"
        (source / path).write_text(text, encoding="utf-8")
        edits = []
        for position in sorted(rng.sample(range(len(text) - 1), items)):
            before = text[position]
            after = rng.choice(POOL.replace(before, ""))
            decided = rng.random() < 0.25
            edits.append({"start": position, "end": position + 1, "before": before, "after": after,
                          "kind": "char", "source": "char:bench", "confidence": 0.7, "origin": "suggestion",
                          "accepted": decided and rng.random() < 0.5, "decided": decided})
        listed.append({"path": path, "root": str(source), "edits": edits,
                       "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    decisions = root / "decisions.json"
    decisions.write_text(json.dumps({"schema": "restore.decisions/1", "documents": listed}, ensure_ascii=False),
                         encoding="utf-8")
    return decisions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--items", type=int, default=100, help="decisions per document")
    parser.add_argument("--rules-text-mb", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--workdir", type=Path, default=OUT, help="scratch folder for the synthetic batch")
    args = parser.parse_args()
    work = args.workdir
    sys.path.insert(0, str(HERE.parent / "src"))
    from restore import Config, Corrector
    from restore.lexicon.learn import learn_rules, render_rules
    from restore.lexicon.lessons import read_lessons
    from restore.stages.base import Document
    from restore.stages.project import ProjectStage

    decisions = write_batch(work, args.documents, args.items, args.seed)
    size = decisions.stat().st_size

    def learn():  # type: ignore[no-untyped-def]
        lessons = read_lessons([decisions])
        learned = learn_rules(lessons)
        return lessons, learned, render_rules(learned.rules)

    started = time.perf_counter()
    lessons, learned, text = learn()
    elapsed = time.perf_counter() - started
    # Memory in a second run: tracemalloc slows Python down several times, so it is not timed.
    tracemalloc.start()
    learn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rules = work / "project.tsv"
    rules.write_text(text, encoding="utf-8")
    counts = learned.counts()
    print(f"decisions: {args.documents * args.items:,} items ({size / 1e6:.1f} MB), {len(lessons):,} decided")
    print(f"learn: {elapsed:.2f} s, peak {peak / 1e6:.0f} MB; {len(learned.rules):,} rules "
          f"({counts['keep']:,} keep, {counts['variant']:,} variant), {len(learned.contradictions):,} contradictions")

    corpus = []
    total = 0
    for path in sorted((work / "in").glob("*.txt")):
        corpus.append(path.read_text(encoding="utf-8"))
        total += len(corpus[-1].encode("utf-8"))
        if total >= args.rules_text_mb * 1e6:
            break
    stage = ProjectStage(Config(lexicons=(str(rules),)))
    started = time.perf_counter()
    stage.automaton  # noqa: B018 - the build, timed apart
    build = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(len(stage.propose(doc, Document()).proposals) for doc in corpus)
    scan = time.perf_counter() - started
    print(f"project stage: build {build:.2f} s, {total / 1e6 / scan:.1f} MB/s over {total / 1e6:.1f} MB "
          f"({found:,} fixes proposed)")
    for label, config in (("without rules", Config(stages=("layout", "punct"))),
                          ("with rules", Config(stages=("layout", "punct"), lexicons=(str(rules),)))):
        corrector = Corrector(config)
        corrector.fix(corpus[0])
        started = time.perf_counter()
        for doc in corpus:
            corrector.fix(doc)
        print(f"layout+punct {label}: {total / 1e6 / (time.perf_counter() - started):.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
