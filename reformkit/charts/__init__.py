"""Altair charts and maps for reports, notebooks and the workbench (Norwegian labels and number format).

Every function takes tidy tables (documented per function) and returns an altair chart; nothing here
reads files. Call :func:`setup` once per notebook (``offline=True`` in batch reports).

>>> from reformkit import charts
>>> charts.setup()
>>> chart = charts.population_lines(df, series="name", observed_until=2026)   # doctest: +SKIP
"""
from .embed import EMBED_OPTIONS, FORMAT_LOCALE, embed_html, setup, vega_bundle
from .maps import block_map, group_colours, kommune_map, scenario_colours
from .profile import need_change_chart, support_ratio_profile
from .style import LEGEND_MAX, PALETTE, block_colours
from .plots import (age_group_bars, exit_chart, age_pyramid, bar_chart, economy_waterfall, population_lines, support_ratio_lines,
                    sweep_chart, travel_time_chart)

__all__ = ["scenario_colours", "group_colours", "block_colours", "LEGEND_MAX", "PALETTE", "setup", "vega_bundle",
           "embed_html", "EMBED_OPTIONS", "FORMAT_LOCALE", "block_map", "kommune_map", "population_lines",
           "support_ratio_lines", "age_pyramid", "travel_time_chart", "bar_chart", "sweep_chart", "economy_waterfall",
           "age_group_bars", "exit_chart", "support_ratio_profile", "need_change_chart"]
