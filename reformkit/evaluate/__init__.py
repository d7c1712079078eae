"""Evaluate a scenario on an Atlas: population by block and new kommune, age structure, travel, criteria.

>>> import reformkit as rk
>>> res = rk.evaluate(rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml"), rk.load_atlas())  # doctest: +SKIP
>>> res.blocks[["population_base", "population_horizon"]]                                        # doctest: +SKIP
"""
from .compute import criteria, evaluate
from .result import ScenarioResult
from .series import COLUMNS, kommune_series
from .summary import summary_text

__all__ = ["evaluate", "ScenarioResult", "summary_text", "criteria", "kommune_series", "COLUMNS"]
