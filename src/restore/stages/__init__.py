"""Pipeline stages, one module each, and the registry the pipeline builds them from.

:data:`STAGES` maps a stage name (as written in ``Config.stages`` and in edit sources) to its
class; the pipeline builds each as ``cls(config, plan=StagePlan(...))``. Importing a stage
module is cheap: every stage loads its resources (OpenCC, lexicons, the LM) on first use.

>>> list(STAGES)
['layout', 'punct', 'script', 'lexicon', 'char']
"""

from __future__ import annotations

from typing import Protocol

from restore.config import Config
from restore.stages.base import Stage, StagePlan
from restore.stages.char import CharStage
from restore.stages.layout import LayoutStage
from restore.stages.lexicon import LexiconStage
from restore.stages.project import ProjectStage
from restore.stages.punct import PunctStage
from restore.stages.script import ScriptStage



class StageFactory(Protocol):
    """How a stage is built: from the config, told which stages follow it."""

    def __call__(self, config: Config, *, plan: StagePlan | None = None) -> Stage: ...


# Stage name -> class, in the default pipeline order (``config.STAGE_NAMES`` lists the same names).
STAGES: dict[str, StageFactory] = {
    "layout": LayoutStage,
    "punct": PunctStage,
    "script": ScriptStage,
    "lexicon": LexiconStage,
    "char": CharStage,
}


def build_stages(config: Config) -> list[Stage]:
    """Instantiate the configured stages in ``config.stages`` order, each told what follows it.

    With user lexicons, the project stage (rules learned from review decisions,
    :mod:`restore.stages.project`) comes first whatever ``config.stages`` says: a keep rule
    protects its text from every stage.
    """
    stages: list[Stage] = [ProjectStage(config)] if config.lexicons else []
    stages.extend(STAGES[name](config, plan=StagePlan.of(config.stages, name)) for name in config.stages)
    return stages
