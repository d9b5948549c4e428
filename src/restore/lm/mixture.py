"""An adapted character model: the user's archive model linearly interpolated with the shipped one.

``restore lm build CORPUS... -o MODEL --mix-with-default [--weight W]`` estimates a model of the
archive (:mod:`restore.lm.build`) and writes ``MODEL``, a small JSON manifest naming the
components, their weights and sources, beside the archive model (``MODEL.archive.klm`` or
``.arpa``). ``[char] model = "MODEL"`` (or ``--lm MODEL``) loads it like any model file.

Why at run time: the shipped model is a quantised kenlm trie, and its n-grams cannot be read back
out of it, so it cannot be re-estimated together with the archive (the shipped model itself was
interpolated from kenlm's intermediate files of its two corpora, which are not shipped:
``scripts/build/build_default_lm.py``). Instead every token is scored by both models and mixed
linearly, the classic adapted/cache language model (Kuhn & De Mori 1990; Jelinek's deleted
interpolation)::

    p(w | h) = W * p_archive(w | h) + (1 - W) * p_default(w | h)

which is a proper distribution again (both are), unlike a log-linear mix without its normaliser.
A state is the pair of the components' kenlm states, so :class:`MixedModel` answers the calls the
char stage makes on a ``kenlm.Model`` (``BaseScore``, ``BeginSentenceWrite``, ``NullContextWrite``,
``full_scores``, ``score``, ``order``) and costs about two kenlm look-ups per token.

>>> import math
>>> round(10 ** mix_logprob((0.25, 0.75), (math.log10(0.4), math.log10(0.2))), 6)  # 0.25*0.4 + 0.75*0.2
0.25
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from restore.errors import ResourceError

FORMAT = "restore-mixed-char-lm/1"
DEFAULT_COMPONENT = "default"  # the shipped char5.klm, wherever the package is installed
# The archive model's share of each token's probability when --weight is not given. On the modern
# DEV renders (ocr_modern_dev) with the held-out law-tune text as the archive, more weight only cost
# recall (CER reduction -30.0 % shipped; -29.6 / -29.3 / -29.0 / -28.5 % at 0.1 / 0.2 / 0.3 / 0.5, same
# precision) although 0.3 had the lowest perplexity (21.2 -> 18.4); 0.1 already turns a name only the
# archive knows into a candidate (tests/test_lm_mix.py). benchmarks/CHAR_NOTES.md, "Adapted models".
DEFAULT_WEIGHT = 0.1
SNIFF_BYTES = 64


@dataclass(frozen=True)
class Component:
    """One model of a mixture: its file (None = the shipped model), weight and provenance."""

    name: str
    path: Path | None
    weight: float
    sha256: str = ""
    sources: tuple[dict[str, Any], ...] = ()


def is_manifest(path: Path) -> bool:
    """True when ``path`` is a mixture manifest (JSON) rather than a kenlm binary or ARPA file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    return head.lstrip().startswith(b"{")


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_text(components: Sequence[Component]) -> str:
    """The manifest naming ``components`` (file names relative to the manifest's folder), as JSON."""
    data = {
        "format": FORMAT,
        "method": "linear interpolation per token: p(w|h) = sum of weight * p_component(w|h)",
        "components": [
            {
                "name": c.name,
                "path": c.path.name if c.path is not None else None,
                "weight": c.weight,
                "sha256": c.sha256,
                "sources": list(c.sources),
            }
            for c in components
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def read_manifest(path: Path, default_path: Path) -> list[Component]:
    """The components a manifest names; :class:`ResourceError` naming the file when it is malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ResourceError(f"language model {path}: not a readable mixture manifest: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ResourceError(f"language model {path}: not a restore mixture manifest (format {FORMAT!r} expected)")
    components = []
    try:
        for entry in data["components"]:
            weight = float(entry["weight"])
            if not 0.0 < weight <= 1.0:
                raise ResourceError(f"language model {path}: weight {weight} of {entry['name']!r} is not in (0, 1]")
            file = entry["path"]
            components.append(
                Component(
                    name=str(entry["name"]),
                    path=default_path if file is None else path.parent / file,
                    weight=weight,
                    sha256=str(entry.get("sha256", "")),
                    sources=tuple(entry.get("sources", ())),
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise ResourceError(f"language model {path}: malformed component list: {exc!r}") from exc
    if len(components) != 2 or abs(sum(c.weight for c in components) - 1.0) > 1e-6:
        raise ResourceError(f"language model {path}: a mixture needs two components whose weights sum to 1")
    return components


def mix_logprob(weights: Sequence[float], logprobs: Sequence[float]) -> float:
    """log10 of the weighted sum of the components' probabilities."""
    return math.log10(sum(w * 10.0**lp for w, lp in zip(weights, logprobs)))


class MixedState:
    """The pair (or tuple) of the components' kenlm states; hashable and compared by content."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Any, ...]) -> None:
        self.parts = parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MixedState) and self.parts == other.parts


class MixedModel:
    """Linear interpolation of two kenlm models, answering the calls the char stage makes on one.

    ``models`` are two loaded ``kenlm.Model`` objects, ``weights`` their shares (summing to 1),
    ``description`` the text evidence records name the model by.
    """

    def __init__(self, models: Sequence[Any], weights: Sequence[float], description: str) -> None:
        if len(models) != 2 or len(weights) != 2:
            raise ValueError("a mixture has two models and two weights")
        self.models = tuple(models)
        self.weights = tuple(weights)
        self.description = description
        self.order = max(int(m.order) for m in self.models)
        # Bound once: BaseScore is the char stage's hot loop (about 2x one kenlm model's time).
        self._scores = (self.models[0].BaseScore, self.models[1].BaseScore)

    def State(self) -> MixedState:  # noqa: N802 - mirrors kenlm.State, which the char stage creates
        """A fresh state (see :func:`restore.lm.windows.state_class`)."""
        import kenlm

        return MixedState((kenlm.State(), kenlm.State()))

    def BeginSentenceWrite(self, state: MixedState) -> None:  # noqa: N802 - kenlm's name
        for model, part in zip(self.models, state.parts):
            model.BeginSentenceWrite(part)

    def NullContextWrite(self, state: MixedState) -> None:  # noqa: N802 - kenlm's name
        for model, part in zip(self.models, state.parts):
            model.NullContextWrite(part)

    def BaseScore(self, state: MixedState, word: str, out: MixedState) -> float:  # noqa: N802 - kenlm's name
        """log10 p(word | state), writing the state after ``word`` into ``out``."""
        (first, second), (first_out, second_out) = state.parts, out.parts
        score_first, score_second = self._scores
        weight_first, weight_second = self.weights
        return math.log10(
            weight_first * 10.0 ** score_first(first, word, first_out)
            + weight_second * 10.0 ** score_second(second, word, second_out)
        )

    def full_scores(self, sentence: str, bos: bool = True, eos: bool = True) -> Iterator[tuple[float, int, bool]]:
        """(log10 prob, longest matched n-gram, out of every vocabulary) per token, as kenlm's."""
        walks = [model.full_scores(sentence, bos=bos, eos=eos) for model in self.models]
        for scores in zip(*walks):
            yield (
                mix_logprob(self.weights, [s[0] for s in scores]),
                max(s[1] for s in scores),
                all(s[2] for s in scores),
            )

    def score(self, sentence: str, bos: bool = True, eos: bool = True) -> float:
        """Total log10 probability of a space-separated sentence."""
        return sum(prob for prob, _length, _oov in self.full_scores(sentence, bos=bos, eos=eos))


def load_mixture(path: Path, default_path: Path, load: Any) -> MixedModel:
    """The mixture a manifest describes; ``load(path)`` opens one kenlm file (errors name the file)."""
    components = read_manifest(path, default_path)
    models = []
    for component in components:
        assert component.path is not None  # read_manifest resolves the shipped model's path
        if not component.path.is_file():
            raise ResourceError(f"language model {path}: component {component.name!r} is missing ({component.path})")
        models.append(load(component.path))
    parts = " + ".join(f"{c.weight:.2f} {c.path.name if c.path else c.name}" for c in components)
    description = f"{path.name} (adapted: {parts})"
    return MixedModel(models, [c.weight for c in components], description)
