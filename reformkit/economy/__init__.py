"""Economy of reform options: demographic expenditure need, merger grants and savings, best practice.

* :mod:`.params`         the ``economy`` parameter group (:mod:`reformkit.params`) and its overrides
* :mod:`.demography`     expenditure need from the cost key's age criteria ("dans med demografien")
* :mod:`.merger`         inndelingstilskudd, regionsenter, engangstilskudd, reformstøtte, administrative savings
* :mod:`.block`          ``blocks[].economy`` of the result document, waterfall table
* :mod:`.best_practice`  KOSTRA beste praksis
* :mod:`.sustainability` KOSTRA comparison and financial key figures from the optional online data

Functions take data and parameters and return numbers and codes (notes are
:class:`~reformkit.notices.Notice`); :mod:`reformkit.narrative` words them.
"""
from .best_practice import best_practice, expenditure_corrected
from .block import block_economy, expenditure_need_tables, waterfall_table
from .demography import aggregate_need, demography_dance, expenditure_need
from .merger import (engangstilskudd, inndelingstilskudd_factor, lost_basis, merger_schedule, present_value,
                     reformstotte, regional_loss, regionsenter)
from .params import EconomyParams, apply_assumptions, load_economy_params
from .sustainability import kostra_comparison, sustainability_indicators

__all__ = ["best_practice", "expenditure_corrected", "block_economy", "expenditure_need_tables",
           "waterfall_table", "aggregate_need", "demography_dance", "expenditure_need", "engangstilskudd",
           "inndelingstilskudd_factor", "lost_basis", "merger_schedule", "present_value", "reformstotte",
           "regional_loss", "regionsenter", "EconomyParams", "apply_assumptions", "load_economy_params",
           "kostra_comparison", "sustainability_indicators"]
