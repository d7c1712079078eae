"""reformkit: model Norwegian kommune and region reform options.

Layers, bottom up (an import only ever points down): data → geo → geodata, population → scenario, propose →
economy, cooperation → evaluate → narrative → charts → report, workbench, cli. See the README.

>>> import reformkit as rk
>>> atlas = rk.load_atlas(borders=2024)
>>> sc = rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml")
>>> res = rk.evaluate(sc, atlas)
>>> proj = rk.project(atlas, horizon=2050, alternative="main")
"""
from . import geodata, propose
from .data import Atlas, load_atlas
from .economy import best_practice
from .errors import (CacheMissingError, DataError, InfeasibleError, ParameterError, ReformkitError,
                     ScenarioError)
from .evaluate import KommuneProfile, ScenarioResult, evaluate, kommune_profile
from .params import Parameters, load_parameters
from .population import project
from .scenario import Block, Scenario, Track, load_scenario

__version__ = "0.2.0"

__all__ = ["Atlas", "load_atlas", "Scenario", "Block", "Track", "load_scenario", "ScenarioResult", "evaluate",
           "KommuneProfile", "kommune_profile",
           "project", "best_practice", "Parameters", "load_parameters", "ReformkitError", "DataError",
           "CacheMissingError", "ScenarioError", "ParameterError", "InfeasibleError"]
