"""Evaluate a scenario on an Atlas: population by block and new kommune, age structure, travel, criteria and
economy — numbers and codes only; :mod:`reformkit.narrative` words them.

>>> import reformkit as rk
>>> res = rk.evaluate(rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml"), rk.load_atlas())  # doctest: +SKIP
>>> res.blocks[["population_base", "population_horizon"]]                                        # doctest: +SKIP
"""
from .compute import criteria, evaluate, evaluate_files, scenario_parameters
from .benchmark import BestPractice, choose_references, kommune_best_practice
from .options import merger_options, rank_options
from .profile import KommuneProfile, kommune_profile, normalise_kommune
from .result import ScenarioResult, plain
from .series import COLUMNS, kommune_series

__all__ = ["evaluate", "evaluate_files", "ScenarioResult", "criteria", "scenario_parameters", "kommune_series", "COLUMNS", "plain",
           "KommuneProfile", "kommune_profile", "normalise_kommune", "merger_options", "rank_options",
           "BestPractice", "choose_references", "kommune_best_practice"]
