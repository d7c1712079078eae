"""Every Norwegian word of reformkit: labels, report text, tables with Norwegian headers, terminal summaries.

Every sentence here is computed from data passed in (results, proposals, figures); nothing is a canned figure
and nothing is loaded or solved here. Functions return Markdown strings or DataFrames with Norwegian column
headers (numbers already formatted with :mod:`reformkit.fmt`); :func:`table_html` turns such a table into
deterministic HTML. Modules: :mod:`.labels` (the one label table), :mod:`.notices` (notices as sentences, the
worded result document), :mod:`.county` (county overview), :mod:`.scenario` (one scenario), :mod:`.economy`
(economy and cooperation), :mod:`.method` (method notes), :mod:`.compare` (several scenarios),
:mod:`.population` (projection method and back-test), :mod:`.propose` (proposals), :mod:`.summary` (the
terminal summary of ``reformkit evaluate``).
"""
from . import compare, economy, labels, method, population, profile, scenario
from ..evaluate.county import names
from .common import TABLE_MIME, Table, change_text, join_nb, md, note_html, sources_md, table, table_html, text, thresholds
from .county import (apportioned_until, ba_map_table, ba_regions, candidates, complete_years, county_change,
                     county_change_title, county_kommune_table, county_population, county_summary, county_tables,
                     county_years, fylke_code, fylke_name, kommune_totals)
from .labels import NOT_COMPUTED
from .notices import document, notice_text, worded
from .population import format_backtest, method_note
from .propose import block_names, proposal_scenario, proposal_summary, sweep_display
from .summary import summary_text

__all__ = ["compare", "economy", "labels", "method", "population", "profile", "scenario",
           "NOT_COMPUTED", "TABLE_MIME", "Table", "change_text", "join_nb", "md", "names", "note_html", "sources_md",
           "table", "table_html", "text", "thresholds", "fylke_code",
           "apportioned_until", "ba_map_table", "ba_regions", "candidates", "complete_years", "county_change",
           "county_change_title", "county_kommune_table", "county_population", "county_summary", "county_tables",
           "county_years", "fylke_name", "kommune_totals", "document", "notice_text", "worded", "format_backtest",
           "method_note", "block_names", "proposal_scenario", "proposal_summary", "sweep_display", "summary_text"]
