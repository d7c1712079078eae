"""Track 2 — forpliktende samarbeid: forms, cost sharing, exit, dominance and the governance scorecard.

Pure functions over plain data; numbers and codes only (every Norwegian word is in the data files:
``resources/reference/cooperation-forms.yaml`` for the legal forms, ``resources/params/cooperation.yaml`` for
services, cost keys, the checklist, pitfall lessons and the model parameters, each with its source).

* :func:`load_forms`, :func:`form` — the legal forms as frozen :class:`CooperationForm` records;
* :func:`load_cooperation_params` — parameters and vocabulary (:class:`CooperationParams`);
* :func:`key_shares`, :func:`split`, :func:`service_shares`, :func:`exit_shares` — cost sharing and exit;
* :func:`cost_basis`, :func:`default_cost_per_inhabitant`, :func:`kostra_cost` — cost per inhabitant;
* :func:`dominance`, :func:`scorecard` — governance indicators;
* :func:`cooperation_members`, :func:`cooperation_result` — one block's cooperation as a JSON-ready dict.

The block's section in the scenario file is :class:`reformkit.scenario.cooperation.BlockCooperation`.

>>> import reformkit as rk                                              # doctest: +SKIP
>>> from reformkit.cooperation import cooperation_result
>>> sc = rk.load_scenario("more-og-romsdal-4.yaml")                     # doctest: +SKIP
>>> cooperation_result(sc.block("Nordmøre"), population)["dominance"]  # doctest: +SKIP
"""
from __future__ import annotations

from .costbasis import cost_basis, default_cost_per_inhabitant, kostra_cost
from .forms import CooperationForm, form, load_forms
from .governance import dominance, scorecard
from .params import CooperationParams, load_cooperation_params
from .result import cooperation_members, cooperation_result
from .sharing import KEYS, exit_shares, key_shares, service_shares, split

__all__ = ["CooperationForm", "CooperationParams", "KEYS", "cooperation_members", "cooperation_result",
           "cost_basis", "default_cost_per_inhabitant", "dominance", "exit_shares", "form", "key_shares",
           "kostra_cost", "load_cooperation_params", "load_forms", "scorecard", "service_shares", "split"]
