"""How sure a fuzzy lexicon hit is: log-odds from the evidence, turned into a confidence.

Every weight lives in :class:`~restore.config.LexiconConfig`. A three-character
name one substitution away starts at ``fuzzy_base_logodds`` (about 0.12); each
intact character beyond two adds ``intact_char_logodds`` (a long formula one
character off is rarely a coincidence); each edit beyond the first and each
script slip costs; the glyph similarity of the substituted characters, a context
cue near the span (区长 before a name) and the right form elsewhere in the
document add; a runner-up entry that explains the span as well subtracts.

>>> from restore.config import LexiconConfig
>>> s = LexiconConfig()
>>> round(confidence(fuzzy_logodds(s, length=3, edits=1, slips=0, glyph=0.9)), 2)
0.31
>>> round(confidence(fuzzy_logodds(s, length=3, edits=1, slips=0, glyph=0.9, cue=True, consistent=True)), 2)
0.94
>>> round(confidence(fuzzy_logodds(s, length=17, edits=1, slips=0, glyph=0.3)), 2)
0.9
"""

from __future__ import annotations

import math

from restore.config import LexiconConfig


def logit(probability: float) -> float:
    """Log-odds of a probability (clamped away from 0 and 1)."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def confidence(logodds: float) -> float:
    """The probability of a log-odds value."""
    return 1.0 / (1.0 + math.exp(-logodds))


def fuzzy_logodds(
    settings: LexiconConfig,
    *,
    length: int,
    edits: int,
    slips: int,
    glyph: float,
    edge_edits: int = 0,
    cue: bool = False,
    consistent: bool = False,
) -> float:
    """Log-odds that a window ``edits`` look-alike substitutions (or indels) and ``slips`` script slips
    away from an entry of ``length`` characters is that entry, misread.

    ``glyph`` is the mean similarity of the substituted pairs; ``edge_edits`` counts
    edits in the first or last two characters of a long entry, where a different
    phrase sharing most of the entry (社会主义道路 for 社会主义思想) is likelier than a misreading.
    A window differing only by script slips is the entry in a mixed script: it
    starts from the variant confidence instead.
    """
    if edits == 0:
        value = logit(settings.exact_variant_confidence) - settings.script_slip_logodds * slips
    else:
        intact = max(0, length - edits - slips)
        value = (
            settings.fuzzy_base_logodds
            + settings.intact_char_logodds * (min(intact, settings.intact_char_cap) - 2)
            - settings.extra_edit_logodds * (edits - 1)
            - settings.script_slip_logodds * slips
            + settings.glyph_logodds * (glyph - 0.5)
            - settings.long_edge_edit_logodds * edge_edits
        )
    if cue:
        value += settings.cue_logodds
    if consistent:
        value += settings.consistency_logodds
    return value


def margin_penalty(settings: LexiconConfig, best: float, runner_up: float | None) -> float:
    """Log-odds to remove when another entry explains the same span nearly as well."""
    if runner_up is None:
        return 0.0
    lead = best - runner_up
    return settings.margin_logodds * min(1.0, max(0.0, 1.0 - lead / settings.margin_scale))
