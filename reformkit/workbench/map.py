"""The interactive block map of the workshop.

Technology: altair's ``JupyterChart`` (an anywidget) around :func:`reformkit.charts.maps.live_block_map`,
chosen over ipyleaflet because

* it draws the same Vega-Lite maps as the reports (one look, one label table, Norwegian number format);
* it needs no tile server: ipyleaflet's maps are built around web tiles, which a council hall may not reach,
  and without them a leaflet map is only polygons on grey;
* an edit sends only the block assignment (the ``assign`` parameter, a few hundred bytes): the polygons go to
  the browser once, and Vega re-colours them in place, which keeps the map update far below the table's;
* a click is a Vega-Lite point selection that ``JupyterChart.selections`` reports back to Python.

It works offline in JupyterLab and Voilà because :func:`enable_offline` makes ``JupyterChart`` load Vega,
Vega-Lite and vega-embed from the bundle vl-convert ships (altair's default imports them from a CDN).
"""
from __future__ import annotations

import functools
from typing import Callable

from .. import geodata
from ..charts.embed import FORMAT_LOCALE, TIME_FORMAT_LOCALE
from ..charts.maps import LIVE_ASSIGN, LIVE_PICK, LIVE_PICKED, live_block_map
from ..charts.style import PALETTE
from ..evaluate import ScenarioResult

#: vega-embed options of every workshop chart: no action menu (it links to the online editor), SVG, Norwegian.
EMBED = {"actions": False, "renderer": "svg", "formatLocale": FORMAT_LOCALE, "timeFormatLocale": TIME_FORMAT_LOCALE}


@functools.cache
def enable_offline() -> None:
    """Make altair's ``JupyterChart`` work without network (once per process; takes about a second)."""
    import altair as alt
    alt.JupyterChart.enable_offline()


def jupyter_chart(chart, **kwargs):
    """A ``JupyterChart`` of ``chart`` with the workshop's embed options, offline."""
    import altair as alt
    enable_offline()
    return alt.JupyterChart(chart, embed_options=EMBED, **kwargs)


def block_colour(position: int) -> str:
    """The map's colour of the block at ``position`` in the scenario (the legend and the table use it too)."""
    return PALETTE[position % len(PALETTE)]


def assignment(res: ScenarioResult) -> dict[str, dict]:
    """The map's ``assign`` parameter for a result: block position, track (m/c) and centre flag per kommune."""
    pos = {name: i % len(PALETTE) for i, name in enumerate(res.blocks.index)}
    k = res.kommuner
    return {code: {"b": pos.get(block, -1) if isinstance(block, str) else -1,
                   "t": {"merge": "m", "cooperate": "c"}.get(track, ""), "c": int(bool(centre))}
            for code, block, track, centre in zip(k.index, k["block"], k["track"], k["is_centre"])}


class BlockMap:
    """A live block map: :meth:`show` a result; ``on_pick`` is called with the kommunenummer clicked."""

    def __init__(self, atlas, res: ScenarioResult, *, selectable: bool = True, width: int = 560,
                 height: int = 560, on_pick: Callable[[str], None] | None = None):
        self.atlas, self.selectable, self.size = atlas, selectable, (width, height)
        self.on_pick = on_pick
        self.codes: list[str] = []
        self.widget = None
        self._wanted: dict[str, object] = {LIVE_PICKED: ""}
        self.show(res)

    def _chart(self, codes: list[str], res: ScenarioResult):
        layers = geodata.map_layers(self.atlas, roads=False)   # the live map draws no roads
        return live_block_map(layers, codes, width=self.size[0], height=self.size[1], selectable=self.selectable,
                              assign=assignment(res))

    def show(self, res: ScenarioResult) -> None:
        """Draw ``res``: only the assignment changes unless the scope of kommuner did."""
        codes = list(res.kommuner.index)
        if self.widget is None or codes != self.codes:
            self.codes = codes
            chart = self._chart(codes, res)
            if self.widget is None:
                self.widget = jupyter_chart(chart)
                self.widget.observe(self._keep, names=["_params"])
            else:
                self.widget.chart = chart
            if self.selectable:
                self.widget.selections.observe(self._picked, names=[LIVE_PICK])
        self._set(LIVE_ASSIGN, assignment(res))

    def _set(self, name: str, value) -> None:
        self._wanted[name] = value
        setattr(self.widget.params, name, value)

    def _keep(self, change) -> None:
        # A view that finishes drawing reports its parameters as its spec had them; when an edit came in
        # meanwhile that echo is stale, so the values Python wants are sent again. This watches the synced
        # dict itself, after altair's own observer has copied it into ``params``, and replaces it whole: setting
        # single ``params`` from here re-enters altair's two observers, which then undo each other without end
        # (a RecursionError in the kernel and a storm of messages that swallowed clicks on the map).
        current = change["new"] or {}
        if any(current.get(name) != value for name, value in self._wanted.items()):
            self.widget._params = {**current, **self._wanted}

    def highlight(self, code: str | None) -> None:
        """Outline kommune ``code`` (the one chosen in the controls)."""
        self._set(LIVE_PICKED, code or "")

    def _picked(self, change) -> None:
        value = getattr(change["new"], "value", None) or []
        code = value[0].get("kommunenummer") if value and isinstance(value[0], dict) else None
        if code and self.on_pick is not None:
            self.on_pick(str(code))


__all__ = ["BlockMap", "assignment", "block_colour", "enable_offline", "jupyter_chart"]
