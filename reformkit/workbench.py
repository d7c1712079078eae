"""Live workbench for workshops: move kommuner between blocks and tracks and see the consequences at once.

The Workbench holds a Scenario and its evaluation; every edit makes a new Scenario (``Scenario.moved``) and
re-evaluates it against the same Atlas (no data is reloaded). The widgets are ipywidgets, so it runs in
JupyterLab and in Voilà (``reformkit workshop``). The logic (``move``, ``undo``, ``save``) is plain Python
and is tested without a browser.

>>> import reformkit as rk
>>> wb = Workbench(rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml"))   # doctest: +SKIP
>>> wb.move("Gjemnes", to_block="Nordmøre", track="merge")                     # doctest: +SKIP
>>> wb.widget                                                                   # doctest: +SKIP
"""
from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import display

from . import charts, geodata, narrative
from .data import Atlas, load_atlas
from .errors import ReformkitError
from .evaluate import ScenarioResult, evaluate
from .scenario import Scenario, Track

TRACK_OPTIONS = [(narrative.labels.TRACK_BUTTON[t.value], t.value) for t in Track]


class Workbench:
    """An editable scenario with its current evaluation and an undo history.

    Parameters
    ----------
    scenario : Scenario
        The starting point (e.g. from :func:`reformkit.load_scenario`).
    atlas : Atlas, optional
        Defaults to ``load_atlas(scenario.borders)``.
    """

    def __init__(self, scenario: Scenario, atlas: Atlas | None = None):
        self.atlas = atlas or load_atlas(scenario.borders)
        self.history: list[Scenario] = []
        self.scenario = scenario.resolve(self.atlas)
        self.result: ScenarioResult = evaluate(self.scenario, self.atlas)
        self.message = ""
        self._widget: w.Widget | None = None

    # ---- logic (no widgets) -------------------------------------------------------------------------------------
    def move(self, kommune: str, to_block: str | None = None, track: str | None = None) -> ScenarioResult:
        """Move a kommune to another block and/or track, re-evaluate, and remember the previous state."""
        new = self.scenario.moved(kommune, to_block=to_block, track=track)
        result = evaluate(new, self.atlas)
        self.history.append(self.scenario)
        self.scenario, self.result = new, result
        self.message = f"{self._name(kommune)} flyttet til {to_block or 'samme blokk'}" + (
            f" ({dict((v, k) for k, v in TRACK_OPTIONS)[str(track)]})" if track else "")
        self._refresh()
        return result

    def undo(self) -> ScenarioResult:
        """Go back one edit (no-op at the start)."""
        if self.history:
            self.scenario = self.history.pop()
            self.result = evaluate(self.scenario, self.atlas)
            self.message = "Angret siste endring"
            self._refresh()
        return self.result

    def save(self, path: str | Path) -> Path:
        """Write the current scenario as YAML (atomically); it loads to an equal Scenario."""
        self.scenario.to_yaml(path)
        self.message = f"Lagret {path}"
        self._refresh()
        return Path(path)

    def summary_table(self) -> pd.DataFrame:
        """The block table shown in the workbench (Norwegian headers)."""
        return narrative.scenario.block_table(self.result)

    def _name(self, kommune: str) -> str:
        code = self.scenario._ref(kommune)
        return str(self.atlas.kommuner.at[code, "kommunenavn_kort"])

    # ---- widgets ------------------------------------------------------------------------------------------------
    @property
    def widget(self) -> w.Widget:
        """The ipywidgets user interface (built on first use)."""
        if self._widget is None:
            self._build()
        return self._widget

    def _kommune_options(self) -> list[tuple[str, str]]:
        k = self.result.kommuner
        return sorted(((f"{row.kommunenavn_kort} ({code})", code) for code, row in k.iterrows()), key=lambda t: t[0])

    def _build(self) -> None:
        self._kommune = w.Dropdown(options=self._kommune_options(), description="Kommune")
        self._block = w.Dropdown(options=list(self.result.blocks.index), description="Til blokk")
        self._track = w.ToggleButtons(options=TRACK_OPTIONS, description="Spor")
        move = w.Button(description="Flytt", button_style="primary", icon="arrow-right")
        undo = w.Button(description="Angre", icon="undo")
        self._path = w.Text(value=f"{self.scenario.name}.yaml", description="Fil")
        save = w.Button(description="Lagre scenario", icon="save")
        self._status = w.HTML()
        self._table = w.Output()
        self._map = w.HTML()
        move.on_click(lambda _: self._guard(lambda: self.move(self._kommune.value, self._block.value,
                                                              self._track.value)))
        undo.on_click(lambda _: self._guard(self.undo))
        save.on_click(lambda _: self._guard(lambda: self.save(self._path.value)))
        self._kommune.observe(self._on_kommune, names="value")
        controls = w.VBox([w.HTML(f"<h3>{self.scenario.name}</h3>"), self._kommune, self._block, self._track,
                           w.HBox([move, undo]), w.HBox([self._path, save]), self._status])
        self._widget = w.VBox([w.HBox([controls, self._map]), self._table])
        self._on_kommune({"new": self._kommune.value})
        self._refresh()

    def _on_kommune(self, change) -> None:
        row = self.result.kommuner.loc[change["new"]]
        if isinstance(row["block"], str):
            self._block.value = row["block"]
        if isinstance(row["track"], str):
            self._track.value = row["track"]

    def _guard(self, action) -> None:
        try:
            action()
        except (ReformkitError, OSError) as exc:  # user errors show in the status line; nothing changes
            text = exc.message if isinstance(exc, ReformkitError) else f"kunne ikke lagre: {exc.strerror or exc}"
            self.message = f"<span style='color:#b00'>{html.escape(text)}</span>"
            self._refresh()

    def _refresh(self) -> None:
        if self._widget is None:
            return
        res = self.result
        self._status.value = (f"<b>{res.kommuner_before} kommuner før, {res.kommuner_after} etter.</b> "
                              f"{self.message}")
        self._table.clear_output(wait=True)
        with self._table:
            display(self.summary_table())
            for warning in res.warnings:
                print(narrative.notice_text(warning))
        self._map.value = self.map_svg()

    def map_svg(self) -> str:
        """The block map as static SVG: renders the same in JupyterLab and Voilà, with no network."""
        import vl_convert as vlc
        members, centres, context = narrative.scenario.map_table(self.result)
        chart = charts.block_map(geodata.map_layers(self.atlas), members, centres=centres, context_codes=context,
                                 width=420, height=420)
        return vlc.vegalite_to_svg(chart.to_dict(), vl_version=charts.embed.vl_version())


def workbench(scenario: str | Path | Scenario, atlas: Atlas | None = None) -> Workbench:
    """Open a Workbench on a scenario file or Scenario; display ``.widget`` in a notebook."""
    from .scenario import load_scenario
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, atlas)
    return Workbench(sc, atlas)
