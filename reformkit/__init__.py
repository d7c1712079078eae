"""reformkit: model Norwegian kommune and region reform options.

Data flows one way: data -> Atlas -> (population, geo) -> scenario/propose -> evaluate -> charts ->
notebooks/report/workbench.

>>> import reformkit as rk
>>> atlas = rk.load_atlas(borders=2024)
"""
from .data import Atlas, load_atlas
from .errors import DataError, ParameterError, ReformkitError, ScenarioError
from .scenario import Block, Scenario, Track, load_scenario  # issue 3: scenarios
from .evaluate import ScenarioResult, evaluate  # issue 3: evaluation
from .population import project  # issue 6: cohort projection
from .economy import best_practice  # issue 7: economy

__version__ = "0.1.0"

__all__ = ["Atlas", "load_atlas", "ReformkitError", "DataError", "ScenarioError", "ParameterError"]
__all__ += ["Scenario", "Block", "Track", "load_scenario", "ScenarioResult", "evaluate"]  # issue 3
