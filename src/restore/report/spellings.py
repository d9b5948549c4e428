"""Names and terms spelled two ways across a batch, for the report to list once each.

The batch's first pass (:meth:`restore.pipeline.Corrector.survey`, the lexicon stage's
:class:`EntityVotes`) says how many documents print each lexicon entry right; the edits and
suggestions of kind ``entity`` say where an entry was printed otherwise (the printed form is
the original under the name the change completes, :meth:`LexiconIndex.fixed_entry`). An entry
printed right somewhere and otherwise elsewhere, or otherwise in two ways, is listed with each
way, the documents printing it and the report items that change it, so a reviewer decides each
spelling once.

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
    form; the right form (``right``) is the entry's canonical form, counted over both
    scripts as the first pass counts it. Empty without the lexicon stage.
    """
    if "lexicon" not in config.stages or not records:
        return []
    from restore.pipeline import Corrector
    from restore.stages.lexicon import EntityVotes, LexiconStage

    corrector = Corrector(config)
    votes = corrector.survey(record.get("original") or "" for record in records).get("lexicon")
    right = votes.documents if isinstance(votes, EntityVotes) else {}
    index = next(stage for stage in corrector.stages if isinstance(stage, LexiconStage)).index
    wrong: dict[str, dict[str, tuple[set[int], list[str]]]] = defaultdict(dict)
    for number, record in enumerate(records):
        original = record.get("original") or ""
        for origin, key in (("e", "edits"), ("s", "suggestions")):
            for position, item in enumerate(record.get(key) or ()):
                if item.get("kind") != "entity":
                    continue
                found = index.fixed_entry(original, item["start"], item["end"], item["after"])
                if found is None:
                    continue
                canonical, printed = index.entries[found[0]].entry.canonical, original[found[1] : found[2]]
                if printed == canonical:
                    continue
                documents, ids = wrong[canonical].setdefault(printed, (set(), []))
                documents.add(number)
                ids.append(f"d{number}-{origin}{position}")
    listed: list[dict[str, Any]] = []
    for canonical, printed in sorted(wrong.items()):
        forms: list[dict[str, Any]] = [{"form": form, "right": False, "documents": len(docs), "items": ids}
                 for form, (docs, ids) in sorted(printed.items())]
        if right.get(canonical):
            forms.append({"form": canonical, "right": True, "documents": right[canonical], "items": []})
        if len(forms) >= 2:
            forms.sort(key=lambda f: (f["right"], -f["documents"], f["form"]))
            listed.append({"entry": canonical, "forms": forms})
    listed.sort(key=lambda s: (-sum(len(f["items"]) for f in s["forms"]), s["entry"]))
    return listed[:MAX_LISTED]
