"""Names and terms spelled two ways across a batch, for the report to list once each.

The lexicon stage's matcher, as the batch first pass uses it (:meth:`LexiconStage.entities`),
finds the entries each document prints right; the edits and suggestions of kind ``entity`` say where an entry was
printed otherwise (the printed form is the original under the name the change completes,
:meth:`LexiconIndex.fixed_entry`). An entry printed in two or more ways across the batch
is listed with each way, the documents printing it and the report items that change it, so
a reviewer decides each spelling once.

>>> from restore.config import Config
>>> records = [
...     {"original": "副区长高世昀出席。", "edits": [], "suggestions": []},
...     {"original": "高世均出席。", "edits": [], "suggestions": [{"start": 2, "end": 3, "before": "均",
...      "after": "昀", "kind": "entity", "source": "lexicon:xuhui-officials", "confidence": 0.6}]},
... ]
>>> [(s["entry"], [(f["form"], f["right"], f["documents"], f["items"]) for f in s["forms"]])
...  for s in spelled_two_ways(records, Config())]
[('高世昀', [('高世均', False, 1, ['d1-s0']), ('高世昀', True, 1, [])])]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from restore.config import Config

# Entries listed at most (the most often misprinted first); the page stays readable.
MAX_LISTED = 200


def spelled_two_ways(records: Sequence[dict[str, Any]], config: Config) -> list[dict[str, Any]]:
    """``[{"entry", "forms": [{"form", "right", "documents", "items"}]}]`` for entries printed two ways.

    ``items`` are the report's item ids (``d{document}-{e|s}{index}``) that change that
    form; ``right`` marks the entry's own forms. Empty without the lexicon stage.
    """
    if "lexicon" not in config.stages or not records:
        return []
    from restore.stages.lexicon import LexiconStage

    stage = LexiconStage(config)
    index = stage.index
    right_docs: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    wrong: dict[str, dict[str, tuple[set[int], list[str]]]] = defaultdict(dict)
    for number, record in enumerate(records):
        original = record.get("original") or ""
        for hit in index.find_exact(original):
            if hit.match == "exact":
                right_docs[index.entries[hit.entry].entry.canonical][original[hit.start : hit.end]].add(number)
        for origin, key in (("e", "edits"), ("s", "suggestions")):
            for position, item in enumerate(record.get(key) or ()):
                if item.get("kind") != "entity":
                    continue
                found = index.fixed_entry(original, item["start"], item["end"], item["after"])
                if found is None:
                    continue
                canonical = index.entries[found[0]].entry.canonical
                printed = original[found[1] : found[2]]
                documents, ids = wrong[canonical].setdefault(printed, (set(), []))
                documents.add(number)
                ids.append(f"d{number}-{origin}{position}")
    listed = []
    for canonical in sorted(set(wrong) | set(right_docs)):
        right = right_docs.get(canonical, {})
        forms = [{"form": form, "right": True, "documents": len(docs), "items": []} for form, docs in right.items()]
        forms += [{"form": form, "right": False, "documents": len(docs), "items": ids}
                  for form, (docs, ids) in wrong.get(canonical, {}).items() if form not in right]
        if len(forms) >= 2 and any(not form["right"] for form in forms):
            forms.sort(key=lambda f: (f["right"], -f["documents"], f["form"]))
            listed.append({"entry": canonical, "forms": forms})
    listed.sort(key=lambda s: (-sum(len(f["items"]) for f in s["forms"]), s["entry"]))
    return listed[:MAX_LISTED]
