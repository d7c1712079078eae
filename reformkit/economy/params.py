"""Economy parameters: the ``economy`` group of :mod:`reformkit.params` (five files merged into one tree).

Files (each leaf ``{value, source}``; see the files for the sources): ``economy-2023.yaml`` (cost key and the
service split of the age criteria), ``grants-2022.yaml`` (innbyggertilskudd, småkommunetilskudd,
Nord-Norge-tilskudd, distriktstilskudd), ``grants-2021.yaml`` (regionsentertilskudd), ``grants-2019.yaml``
(inndelingstilskudd, engangstilskudd, reformstøtte) and ``economy-model.yaml`` (model assumptions). A value
may be ``unknown``: whatever needs it is reported as not computed unless a scenario supplies it. The override
syntax of a scenario's ``assumptions.economy`` and the rules every value must meet are described in
:mod:`reformkit.params.tree` and :mod:`reformkit.params.rules`.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..params import UNKNOWN, ParamTree, load_group

#: The economy's parameters: a :class:`~reformkit.params.ParamTree` (``params.get("discount_rate")``).
EconomyParams = ParamTree

__all__ = ["EconomyParams", "UNKNOWN", "load_economy_params", "apply_assumptions"]


def load_economy_params(params_dir: str | Path | None = None) -> EconomyParams:
    """Read, merge and validate the economy parameter files (ParameterError lists every problem).

    >>> load_economy_params().get("cost_key.basis.unit_amount")
    19860180
    """
    return load_group("economy", params_dir)


def apply_assumptions(params: EconomyParams, assumptions: Mapping | None, origin: str = "scenario") -> EconomyParams:
    """``params`` with a scenario's ``assumptions["economy"]`` applied; other groups are left alone."""
    return params.with_overrides((assumptions or {}).get("economy"), origin)
