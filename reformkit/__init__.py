"""reformkit: model Norwegian kommune and region reform options.

Layers, bottom up (an import only ever points down): data → geo → geodata, population → scenario, propose →
economy, cooperation → evaluate → narrative → charts → report, workbench, cli. See the README.

>>> import reformkit as rk
>>> atlas = rk.load_atlas(borders=2024)
>>> sc = rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml")
>>> res = rk.evaluate(sc, atlas)
>>> proj = rk.project(atlas, horizon=2050, alternative="main")

The names below are imported when first used (PEP 562), so a command that needs none of the heavy
libraries (``reformkit render`` with nothing to do, ``reformkit --help``) starts in a fraction of a second.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

#: public name -> (module, attribute or None for the module itself)
_LAZY: dict[str, tuple[str, str | None]] = {
    "geodata": ("reformkit.geodata", None), "propose": ("reformkit.propose", None),
    "paths": ("reformkit.paths", None),
    "Atlas": ("reformkit.data", "Atlas"), "load_atlas": ("reformkit.data", "load_atlas"),
    "best_practice": ("reformkit.economy", "best_practice"),
    "ScenarioResult": ("reformkit.evaluate", "ScenarioResult"),
    "KommuneProfile": ("reformkit.evaluate", "KommuneProfile"),
    "kommune_profile": ("reformkit.evaluate", "kommune_profile"),
    "Parameters": ("reformkit.params", "Parameters"), "load_parameters": ("reformkit.params", "load_parameters"),
    "project": ("reformkit.population", "project"),
    "Block": ("reformkit.scenario", "Block"), "Scenario": ("reformkit.scenario", "Scenario"),
    "Track": ("reformkit.scenario", "Track"), "load_scenario": ("reformkit.scenario", "load_scenario"),
    **{name: ("reformkit.errors", name) for name in ("CacheMissingError", "DataError", "InfeasibleError",
                                                      "ParameterError", "ReformkitError", "ScenarioError")},
}

if TYPE_CHECKING:   # for type checkers and editors: the same names, imported eagerly
    from . import geodata, paths, propose  # noqa: F401
    from .data import Atlas, load_atlas  # noqa: F401
    from .economy import best_practice  # noqa: F401
    from .errors import (CacheMissingError, DataError, InfeasibleError, ParameterError,  # noqa: F401
                         ReformkitError, ScenarioError)
    from .evaluate import KommuneProfile, ScenarioResult, evaluate, kommune_profile  # noqa: F401
    from .params import Parameters, load_parameters  # noqa: F401
    from .population import project  # noqa: F401
    from .scenario import Block, Scenario, Track, load_scenario  # noqa: F401


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'reformkit' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    value = value if attr is None else getattr(value, attr)
    globals()[name] = value   # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"evaluate"})


class _Package(types.ModuleType):
    """The package module with ``evaluate`` as the function, never the subpackage of the same name: importing
    ``reformkit.evaluate.x`` sets the package's attribute to the subpackage, which eager imports used to
    overwrite with the function right after."""

    @property
    def evaluate(self):
        from .evaluate import evaluate
        return evaluate

    @evaluate.setter
    def evaluate(self, value) -> None:   # the import system setting the subpackage: keep the function
        pass


sys.modules[__name__].__class__ = _Package


__all__ = ["Atlas", "load_atlas", "Scenario", "Block", "Track", "load_scenario", "ScenarioResult", "evaluate",
           "KommuneProfile", "kommune_profile",
           "project", "best_practice", "Parameters", "load_parameters", "ReformkitError", "DataError",
           "CacheMissingError", "ScenarioError", "ParameterError", "InfeasibleError"]
