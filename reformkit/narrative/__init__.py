"""Norwegian report text generated from the numbers, and the tidy tables the report notebooks show.

Every sentence here is computed from data passed in; nothing is a canned figure. Functions return Markdown
strings or DataFrames with Norwegian column headers (numbers already formatted with :mod:`reformkit.fmt`);
:func:`table_html` turns such a table into deterministic HTML. Modules: :mod:`.county` (county overview),
:mod:`.scenario` (one scenario), :mod:`.economy` (economy and cooperation), :mod:`.method` (method notes),
:mod:`.compare` (several scenarios).
"""
from . import compare, economy, method, scenario
from .common import NOT_COMPUTED, change_text, join_nb, names, note_html, sources_md, table_html, thresholds
from .county import (apportioned_until, ba_map_table, ba_regions, candidates, complete_years, county_change, county_change_title,
                     county_kommune_table, county_population, county_summary, county_tables, county_years,
                     fylke_name, kommune_totals)

__all__ = ["compare", "economy", "method", "scenario",
           "NOT_COMPUTED", "change_text", "join_nb", "names", "note_html", "sources_md", "table_html", "thresholds",
           "apportioned_until", "ba_map_table", "ba_regions", "candidates", "complete_years", "county_change", "county_change_title",
           "county_kommune_table", "county_population", "county_summary", "county_tables", "county_years",
           "fylke_name", "kommune_totals"]
