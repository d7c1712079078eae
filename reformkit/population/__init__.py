"""Population: cost-key age groups, support ratios and cohort projections per kommune.

See :mod:`reformkit.population.projection` for the projection method and its limits.
"""
from .groups import AGE_GROUPS, age_group_table, old_age_support_ratio, sum_age_groups, support_ratio_of_groups
from .cube import CUBE, Cube, population_cube
from .projection import ENGINE_ALTERNATIVES, SSB_ALTERNATIVES, ProjectionParams
from .backtest import BACKTEST_GROUPS, METHODS, backtest, backtest_errors
from .series import population_series, project, project_cube, project_units, read_ssb_projection, series_cube

ALTERNATIVES = ENGINE_ALTERNATIVES + SSB_ALTERNATIVES

__all__ = ["AGE_GROUPS", "age_group_table", "old_age_support_ratio", "sum_age_groups", "support_ratio_of_groups", "ALTERNATIVES",
           "ENGINE_ALTERNATIVES", "SSB_ALTERNATIVES", "ProjectionParams", "population_cube", "population_series",
           "series_cube", "project", "project_cube", "project_units", "read_ssb_projection", "backtest",
           "backtest_errors", "BACKTEST_GROUPS", "METHODS", "Cube", "CUBE"]
