"""Population: cost-key age groups, support ratios and cohort projections per kommune.

See :mod:`reformkit.population.projection` for the projection method and its limits.
"""
from .groups import AGE_GROUPS, age_group_table, old_age_support_ratio

__all__ = ["AGE_GROUPS", "age_group_table", "old_age_support_ratio"]
