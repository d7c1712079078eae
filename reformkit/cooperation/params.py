"""Parameters of track 2: the ``cooperation`` group of :mod:`reformkit.params` (``params/cooperation.yaml``).

The file holds numbers (cost basis, dominance, scoring) and the Norwegian vocabulary (service, key and
criterion labels, checklist questions, pitfall lessons), each leaf ``{value, source}``. ``unknown`` values
come back as None from :meth:`CooperationParams.get`.

Overrides (``assumptions: {cooperation: {...}}`` in a scenario, or the ``overrides`` argument) use dotted
paths or nested mappings, e.g. ``{"dominance.max_ratio": 1.5}`` or
``{"services": {"brann": {"cost_per_inhabitant": 1400}}}``; an override may supply an ``unknown`` number but
may not change text, lists or switches (the rules in :mod:`reformkit.params.rules`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..params import ParamTree, UNKNOWN, load_group, load_parameters

__all__ = ["CooperationParams", "load_cooperation_params", "UNKNOWN"]


@dataclass(frozen=True)
class CooperationParams:
    """The ``cooperation`` parameter tree with the look-ups the cooperation model needs."""

    tree: ParamTree

    @property
    def values(self) -> dict:
        return self.tree.values

    @property
    def sources(self) -> dict[str, str]:
        return self.tree.sources

    def get(self, path: str, default: Any = KeyError) -> Any:
        """The value at a dotted path; None when it is ``unknown``. KeyError (or ``default``) if absent."""
        try:
            return self.tree.get(path)
        except KeyError:
            if default is KeyError:
                raise
            return default

    def source(self, path: str) -> str | None:
        """The source text of a leaf (``"scenario"`` when overridden)."""
        return "scenario" if path in self.tree.overridden else self.tree.sources.get(path)

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(self.values["services"])

    def label(self, kind: str, key: str) -> str:
        """Norwegian label: ``label("services", "ppt")``, ``label("keys", ...)``, ``label("criteria", "input")``,
        ``label("pitfalls", ...)``."""
        node = self.values["scorecard"]["criteria"] if kind == "criteria" else self.values[kind]
        return node[key]["label"]


def load_cooperation_params(overrides: Mapping[str, Any] | None = None, params_dir: str | Path | None = None,
                            *, where: str = "assumptions.cooperation") -> CooperationParams:
    """The cooperation parameters with dotted-path ``overrides`` applied; ParameterError lists every bad
    override, each prefixed by ``where`` (e.g. the scenario file).

    >>> p = load_cooperation_params({"dominance.max_ratio": 1.5})
    >>> p.get("dominance.max_ratio"), p.source("dominance.max_ratio")
    (1.5, 'scenario')
    """
    tree = load_group("cooperation", params_dir) if params_dir else load_parameters().tree("cooperation")
    return CooperationParams(tree.with_overrides(overrides, where))
