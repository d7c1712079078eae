"""reformkit: model Norwegian kommune and region reform options.

Data flows one way: data -> Atlas -> (population, geo) -> scenario/propose -> evaluate -> charts ->
notebooks/report/workbench.

>>> import reformkit as rk
>>> atlas = rk.load_atlas(borders=2024)
"""
from .data import Atlas, load_atlas
from .errors import DataError, ParameterError, ReformkitError, ScenarioError

__version__ = "0.1.0"

__all__ = ["Atlas", "load_atlas", "ReformkitError", "DataError", "ScenarioError", "ParameterError"]
