"""Tyngdepunkter and kommuneblokker: candidate ranking, p-median blocks with contiguity, and the k sweep.

>>> import reformkit as rk
>>> from reformkit import propose
>>> atlas = rk.load_atlas()
>>> prop = propose.propose(atlas, "15", k=4)            # exact, every block connected
>>> propose.sweep(atlas, "15", k_max=8)                  # "28–36? 7? 4? 2?"
>>> rk.narrative.proposal_scenario(prop, atlas)          # the proposal as a scenario file (Norwegian text)

Model and solvers: :mod:`reformkit.propose.model` (the formulation) and :mod:`reformkit.propose.solvers`
(HiGHS via scipy.optimize.milp, heuristic fallback). The area and its weights: :mod:`.area`. Travel times:
:func:`reformkit.geodata.travel_minutes`.
"""
from ..errors import InfeasibleError
from .area import Area, area_codes, area_labels, area_population, population_year, resolve_kommuner
from .engine import Proposal, build_problem, proposal_from_solution, propose, sweep
from .model import Problem, formulate
from .ranking import rank_candidates
from .solvers import Solution, solve, solve_exact, solve_heuristic

__all__ = ["propose", "sweep", "rank_candidates", "Proposal", "Problem", "Solution", "build_problem",
           "proposal_from_solution", "formulate", "solve", "solve_exact", "solve_heuristic", "area_codes",
           "area_labels", "area_population", "population_year", "resolve_kommuner", "Area", "InfeasibleError"]
