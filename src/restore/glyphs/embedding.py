"""Visual similarity for any pair of characters, from a quantised glyph embedding.

``data/glyph_embedding.bin`` (built by ``scripts/build/build_glyph_embedding.py``) holds one
int8 vector per character for about 10,600 characters (GB2312, Big5 level 1, their OpenCC
counterparts, the lexicons' and mined tables' characters), rendered in simplified and
traditional faces (Noto Sans/Serif CJK SC and TC, AR PL UMing and UKai): 128 PCA components of
the renderings and the norm of the rest. ``similarity`` approximates the cosine of the two
characters' rendered glyphs, mean over faces and grid sizes (16x16, 8x8), within 0.011 on
average (the builder's ``--check``): about 0.93 for near-identical glyphs (未/末), 0.6 for a
shared component in the same place (墓/基), under 0.4 for unrelated shapes.

Unlike ``glyph_neighbours.tsv`` (each character's top 30), it answers for pairs no table lists,
so a candidate the context proposes can be weighed by how alike the glyphs are. Loaded on first
use, never at import; a malformed file raises :class:`~restore.errors.ResourceError`.
"""

from __future__ import annotations

import importlib.resources
import struct
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path

from restore.errors import ResourceError

EMBEDDING_FILE = "glyph_embedding.bin"
_MAGIC = b"RGLE"
_HEADER = struct.Struct("<HHIf")


class GlyphEmbedding:
    """Glyph vectors of the characters that matter; ``similarity(a, b)`` in [-1, 1] (0.0 when unknown).

    >>> emb = GlyphEmbedding()
    >>> emb.similarity("未", "末") > 0.8 > emb.similarity("未", "鬱")
    True
    >>> emb.similarity("未", "未"), emb.similarity("未", "x")
    (1.0, 0.0)
    """

    def __init__(self, path: str | Path | None = None) -> None:
        import numpy as np

        self.path = Path(path) if path else Path(str(importlib.resources.files("restore") / "data" / EMBEDDING_FILE))
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise ResourceError(f"{self.path}: cannot read glyph embedding: {exc}") from exc
        head = len(_MAGIC) + _HEADER.size
        if raw[: len(_MAGIC)] != _MAGIC or len(raw) < head:
            raise ResourceError(f"{self.path}: not a glyph embedding (bad magic)")
        version, dim, count, scale = _HEADER.unpack_from(raw, len(_MAGIC))
        if version != 1 or len(raw) != head + 4 * count + dim * count + count or not scale > 0:
            raise ResourceError(f"{self.path}: glyph embedding header does not match its size (version {version})")
        codes = np.frombuffer(raw, dtype="<u4", count=count, offset=head)
        vectors = np.frombuffer(raw, dtype=np.int8, count=count * dim, offset=head + 4 * count)
        self._vectors = vectors.reshape(count, dim).astype(np.float32) * scale
        residual = np.frombuffer(raw, dtype=np.uint8, offset=head + 4 * count + count * dim)
        self._residual = residual.astype(np.float32) / 255.0
        self._norms = np.maximum(np.linalg.norm(self._vectors, axis=1), 1e-6)
        self._index = {chr(code): row for row, code in enumerate(codes.tolist())}
        self._chars = [chr(code) for code in codes.tolist()]
        self._pairs: dict[tuple[str, str], float] = {}
        self._neighbours: dict[tuple[str, int], dict[str, float]] = {}
        self._alike: dict[tuple[str, float], dict[str, float]] = {}

    @property
    def dim(self) -> int:
        """Components per character."""
        return int(self._vectors.shape[1])

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, char: object) -> bool:
        return char in self._index

    def similarity(self, a: str, b: str) -> float:
        """Approximate glyph cosine of ``a`` and ``b``; 1.0 when equal, 0.0 when either is unknown."""
        if a == b:
            return 1.0
        key = (a, b) if a < b else (b, a)
        cached = self._pairs.get(key)
        if cached is None:
            i, j = self._index.get(a), self._index.get(b)
            cached = 0.0 if i is None or j is None else round(float(self._combine(self._vectors[i] @ self._vectors[j], i, j)), 3)
            self._pairs[key] = cached
        return cached

    def similarities(self, char: str, others: list[str]) -> list[float]:
        """``similarity(char, other)`` for each of ``others`` (one matrix product)."""
        row = self._index.get(char)
        if row is None:
            return [1.0 if other == char else 0.0 for other in others]
        known = [(k, self._index[o]) for k, o in enumerate(others) if o in self._index]
        result = [0.0] * len(others)
        if known:
            rows = [j for _, j in known]
            sims = self._combine(self._vectors[rows] @ self._vectors[row], row, rows)
            for (k, _), sim in zip(known, sims.tolist()):
                result[k] = round(sim, 3)
        for k, other in enumerate(others):
            if other == char:
                result[k] = 1.0
        return result

    def _combine(self, dot, row: int, others, among: GlyphEmbedding | None = None):
        """Projected dot product plus the residuals' share (near-parallel only for near-identical
        glyphs); ``others`` index the rows of ``among`` (default: this embedding)."""
        import numpy as np

        target = self if among is None else among
        cosine = np.clip(dot / (self._norms[row] * target._norms[others]), 0.0, 1.0)
        return dot + self._residual[row] * target._residual[others] * cosine**8

    def alike(self, char: str, floor: float) -> dict[str, float]:
        """Every other character at least ``floor`` similar to ``char`` (cached per char and floor; empty when unknown).

        One matrix-vector product over all characters (0.3-2 ms); the context candidates
        intersect their pools with this set instead of scoring each pool member.
        """
        import numpy as np

        return self._select(self._alike, (char, floor), char, lambda sims: np.nonzero(sims >= floor)[0])

    def alike_among(self, char: str, floor: float, pool: AbstractSet[str]) -> dict[str, float]:
        """The entries of :meth:`alike` whose character is in ``pool``, in the same order, with the
        same similarities (not cached).

        A context proposes a few hundred characters, a few percent of the rows: when :meth:`alike`
        has not been asked for ``char`` and ``floor``, only the pool's rows are scored (the product
        over all rows costs about 1 ms at each character's first sight). Each row's similarity is
        its own dot product and combination, so the pool's are the very floats of all rows'.

        >>> emb = GlyphEmbedding()
        >>> emb.alike_among("间", 0.5, {"问", "鬱", "间"}) == {c: s for c, s in emb.alike("间", 0.5).items() if c in "问鬱间"}
        True
        """
        cached = self._alike.get((char, floor))
        if cached is not None:
            return {other: sim for other, sim in cached.items() if other in pool}
        row = self._index.get(char)
        if row is None:
            return {}
        index = self._index
        rows = sorted(index[other] for other in pool if other != char and other in index)
        if not rows:
            return {}
        import numpy as np

        # As _select: einsum's own loop (see there), then the same combination, row by row.
        sims = self._combine(np.einsum("ij,j->i", self._vectors[rows], self._vectors[row]), row, rows)
        kept = np.nonzero(sims >= floor)[0]
        return dict(zip((self._chars[rows[k]] for k in kept.tolist()), _thousandths(sims[kept])))

    def neighbours(self, char: str, k: int) -> dict[str, float]:
        """The ``k`` most similar other characters of ``char`` with their similarity (cached; empty when unknown)."""
        import numpy as np

        def top(sims):
            best = np.argpartition(-sims, k)[:k]
            return best[np.argsort(-sims[best])]

        return self._select(self._neighbours, (char, k), char, top)

    def _select(self, cache: dict, key: tuple, char: str, pick) -> dict[str, float]:
        """``{other: similarity}`` for the rows ``pick(similarities to char)`` returns, in its order (cached)."""
        cached = cache.get(key)
        if cached is not None:
            return cached
        sims = self.row_similarities(char)
        found: dict[str, float] = {}
        if sims is not None:
            picked = pick(sims)
            found = dict(zip(map(self._chars.__getitem__, picked.tolist()), _thousandths(sims[picked])))
        cache[key] = found
        return found

    @property
    def chars(self) -> list[str]:
        """The characters of the rows, in row order (the order of :meth:`row_similarities`)."""
        return self._chars

    def row_similarities(self, char: str, among: GlyphEmbedding | None = None):
        """The similarity of ``char`` to every row's character of ``among`` (default: this
        embedding; a :meth:`subset` of it scores fewer rows), as a float32 array in its row order,
        not rounded, -2.0 at the row of ``char`` itself; None when ``char`` is unknown. Not cached.

        >>> emb = GlyphEmbedding()
        >>> sims = emb.row_similarities("末")
        >>> round(float(sims[emb.chars.index("未")]), 3) == emb.similarity("末", "未"), emb.row_similarities("x")
        (True, None)
        >>> few = emb.subset("未末木")
        >>> few.chars
        ['未', '末', '木']
        >>> [round(float(s), 3) for s in emb.row_similarities("末", few)] == [emb.similarity("末", "未"), -2.0, emb.similarity("末", "木")]
        True
        """
        row = self._index.get(char)
        if row is None:
            return None
        import numpy as np

        target = self if among is None else among
        # einsum's own single-threaded loop, not BLAS: a multi-threaded BLAS matrix-vector
        # product of this size (10,600 x 129) took 10-20 ms on a busy 2-core machine against
        # 0.5 ms on one thread (threads waiting on each other); einsum 0.3-2 ms either way.
        sims = self._combine(np.einsum("ij,j->i", target._vectors, self._vectors[row]), row, slice(None), target)
        own = target._index.get(char)
        if own is not None:
            sims[own] = -2.0  # never the character itself
        return sims

    def subset(self, chars: Iterable[str]) -> GlyphEmbedding:
        """An embedding of only those of ``chars`` this one knows, in that order (their own
        contiguous copy, so a product over its rows reads only them; nothing cached is shared)."""
        rows = [self._index[ch] for ch in dict.fromkeys(chars) if ch in self._index]
        part = object.__new__(GlyphEmbedding)
        part.path = self.path
        part._vectors = self._vectors[rows]
        part._residual = self._residual[rows]
        part._norms = self._norms[rows]
        part._chars = [self._chars[row] for row in rows]
        part._index = {ch: k for k, ch in enumerate(part._chars)}
        part._pairs, part._neighbours, part._alike = {}, {}, {}
        return part


def _thousandths(values) -> list[float]:
    """``[round(float(v), 3) for v in values]`` for float32 ``values``, without a
    ``round`` per value (a deferral's ``alike`` keeps about a thousand characters).

    Exact, not approximate: a float32 times 1000 has at most 34 significant bits, so ``v * 1000``
    is exact in float64 and ``rint`` rounds it to the nearest integer ``m``, halves to even (0.0625
    is 62.5 thousandths) as ``round`` does; ``m / 1000`` is the float64 nearest to ``m``
    thousandths, which is what ``round`` returns. A zero keeps ``round``'s sign
    (``round(-0.0004, 3)`` is ``-0.0``).

    >>> import numpy as np
    >>> values = np.array([0.4215, 0.0625, -1.9375, -0.0004, 1.0], dtype=np.float32)
    >>> _thousandths(values) == [round(float(v), 3) for v in values]
    True
    """
    import numpy as np

    wide = np.asarray(values, dtype=np.float32).astype(np.float64)
    return np.copysign(np.rint(wide * 1000.0) / 1000.0, wide).tolist()
