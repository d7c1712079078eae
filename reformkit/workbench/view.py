"""The workshop's widgets (ipywidgets), wired to a :class:`~.state.Session`.

Map first: the block map fills the middle; a click on a kommune selects it in the controls. The controls are
tabs (edit, blocks, start, save) with undo and redo always in view; after every change the heading, the
messages, the map, the summary (with changes against the starting point), the population chart and, when an
option is pinned, the comparison update. Runs the same in JupyterLab and Voilà (``reformkit workshop``).
"""
from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

import ipywidgets as w

from .. import charts
from ..data import Atlas
from ..narrative import scenario as sc_words
from ..narrative.labels import ALTERNATIVE, CHART, TRACK_BUTTON, WORKSHOP
from ..narrative.workshop import text
from ..scenario import Scenario, Track, projection_alternatives
from . import panels
from .map import BlockMap, jupyter_chart
from .state import Message, Refused, Session

L = WORKSHOP


def _button(key: str, icon: str = "", style: str = "") -> w.Button:
    return w.Button(description=L[key], icon=icon, button_style=style, layout=w.Layout(width="auto"))


def _full(widget: w.Widget) -> w.Widget:
    widget.layout.width = "96%"
    widget.style.description_width = "90px"
    return widget


class Workbench:
    """The workshop user interface on a Session; ``.widget`` is what a notebook displays.

    ``timings`` keeps the seconds of the last update (``edit``: the session's edit and evaluation, ``view``:
    redrawing every widget), which the benchmark reads.
    """

    def __init__(self, session: Session):
        self.session = session
        self.timings: dict[str, float] = {}
        self._widget: w.Widget | None = None
        self._pinned_maps: tuple[BlockMap, BlockMap] | None = None

    @property
    def widget(self) -> w.Widget:
        """The user interface (built on first use)."""
        if self._widget is None:
            self._build()
        return self._widget

    # ---- building -----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        res = self.session.result
        self.map = BlockMap(self.session.atlas, res, on_pick=self._on_map_pick, width=540, height=540)
        self._heading, self._status, self._legend = w.HTML(), w.HTML(), w.HTML()
        self._summary, self._cooperation, self._compare_box = w.HTML(), w.HTML(), w.VBox()
        self._population = jupyter_chart(self._population_chart())
        self._undo, self._redo = _button("undo", "undo"), _button("redo", "repeat")
        self._undo.on_click(lambda _: self._run(self.session.undo))
        self._redo.on_click(lambda _: self._run(self.session.redo))
        tabs = w.Tab(children=[self._edit_tab(), self._blocks_tab(), self._start_tab(), self._leave_tab()])
        for i, key in enumerate(("edit_tab", "blocks_tab", "start_tab", "leave_tab")):
            tabs.set_title(i, L[key])
        controls = w.VBox([self._heading, w.HBox([self._undo, self._redo, self._pin_button()]), tabs, self._status],
                          layout=w.Layout(width="370px", min_width="370px"))
        side = w.VBox([self._legend, self._population, self._horizon_controls()], layout=w.Layout(width="400px"))
        top = w.HBox([controls, self.map.widget, side], layout=w.Layout(align_items="flex-start"))
        self._widget = w.VBox([w.HTML(panels.CSS), top, self._summary, self._cooperation, self._compare_box],
                              layout=w.Layout(width="100%"))
        self._widget.add_class("rk-workbench")
        self._refresh()

    def _kommune_options(self) -> list[tuple[str, str]]:
        k = self.session.result.kommuner
        return sorted(((str(n), c) for c, n in k["kommunenavn_kort"].items()), key=lambda t: t[0])

    def _edit_tab(self) -> w.Widget:
        self._kommune = _full(w.Dropdown(options=self._kommune_options(), description=L["kommune"]))
        self._where = w.HTML()
        self._block = _full(w.Dropdown(options=list(self.session.result.blocks.index), description=L["to_block"]))
        self._track = w.RadioButtons(options=[(TRACK_BUTTON[t.value], t.value) for t in Track],
                                     description=L["track"], style={"description_width": "90px"})
        move, centre = _button("move", "arrow-right", "primary"), _button("make_centre", "star")
        move.on_click(lambda _: self._run(lambda: self.session.move(self._kommune.value, self._block.value,
                                                                    self._track.value)))
        centre.on_click(lambda _: self._run(lambda: self.session.make_centre(self._kommune.value)))
        self._kommune.observe(self._on_kommune, names="value")
        return w.VBox([self._kommune, self._where, self._block, self._track, w.HBox([move, centre])])

    def _blocks_tab(self) -> w.Widget:
        self._which = _full(w.Dropdown(options=list(self.session.result.blocks.index), description=L["block"]))
        self._rename_to = _full(w.Text(description=L["rename_to"]))
        self._new_name = _full(w.Text(description=L["new_block_name"], placeholder=L["kommune"]))
        self._into = _full(w.Dropdown(description=L["remove_into"]))
        rename, add, remove = _button("rename", "pencil"), _button("add_block", "plus"), _button("remove_block", "trash")
        rename.on_click(lambda _: self._run(lambda: self.session.rename_block(self._which.value, self._rename_to.value)))
        add.on_click(lambda _: self._run(lambda: self.session.add_block(self._new_name.value, self._kommune.value)))
        remove.on_click(lambda _: self._run(lambda: self.session.remove_block(self._which.value, self._into.value)))
        return w.VBox([self._which, self._rename_to, rename, w.HTML("<hr>"), self._new_name, add, w.HTML("<hr>"),
                       self._into, remove])

    def _start_tab(self) -> w.Widget:
        atlas = self.session.atlas
        fylker = atlas.fylker if hasattr(atlas, "fylker") else None
        options = ([(str(r["fylkesnavn"]), str(c)) for c, r in fylker.iterrows()] if fylker is not None else [])
        area = self.session.scenario.area_fylker
        self._fylke = _full(w.Dropdown(options=options, description=L["fylke"],
                                       value=area[0] if area and area[0] in dict(map(reversed, options)) else None))
        self._k = _full(w.IntSlider(value=max(2, len(self.session.scenario.blocks)), min=1, max=12,
                                    description=L["k"]))
        self._file = _full(w.Text(description=L["scenario_file"], placeholder="scenario.yaml"))
        propose, open_file = _button("propose", "magic"), _button("open_file", "folder-open")
        propose.on_click(lambda _: self._run(lambda: self.session.from_proposal(self._fylke.value, self._k.value),
                                             rebuild=True))
        open_file.on_click(lambda _: self._run(lambda: self.session.open_file(self._resolve(self._file.value)),
                                               rebuild=True))
        return w.VBox([self._fylke, self._k, propose, w.HTML("<hr>"), self._file, open_file])

    def _leave_tab(self) -> w.Widget:
        self._save_name = _full(w.Text(description=L["save_name"]))
        self._save_desc = _full(w.Textarea(description=L["save_description"], rows=4))
        save, download, report = _button("save", "save"), _button("download", "download"), _button("report", "file")
        self._links = w.HTML()
        self._save_name.add_class("rkw-save-name")   # stable hooks for the browser test
        self._save_desc.add_class("rkw-save-desc")
        save.on_click(lambda _: self._run(lambda: self.session.save(self._save_name.value, self._save_desc.value)))
        download.on_click(lambda _: self._run(self._download))
        report.on_click(lambda _: self._run(self._report))
        return w.VBox([self._save_name, self._save_desc, w.HBox([save, download]), report, self._links])

    def _pin_button(self) -> w.Widget:
        self._pin = w.ToggleButton(description=L["pin"], icon="thumb-tack", layout=w.Layout(width="auto"))
        self._pin.observe(lambda ch: self._run(self.session.pin if ch["new"] else self.session.unpin), names="value")
        return self._pin

    def _horizon_controls(self) -> w.Widget:
        sc = self.session.scenario
        self._horizon = _full(w.IntSlider(value=sc.horizon, min=sc.base_year + 1, max=max(2050, sc.horizon),
                                          description=L["horizon"], continuous_update=False))
        self._projection = _full(w.Dropdown(options=[(ALTERNATIVE.get(a, a), a) for a in projection_alternatives()],
                                            value=sc.projection, description=L["projection"]))
        self._horizon.observe(self._on_horizon, names="value")
        self._projection.observe(self._on_projection, names="value")
        return w.VBox([self._horizon, self._projection])

    # A reload sets these controls to the scenario's own values: no edit, no second redraw.
    def _on_horizon(self, change) -> None:
        if change["new"] != self.session.scenario.horizon:
            self._run(lambda: self.session.set_horizon(change["new"]))

    def _on_projection(self, change) -> None:
        if change["new"] != self.session.scenario.projection:
            self._run(lambda: self.session.set_projection(change["new"]))

    # ---- events -------------------------------------------------------------------------------------------------
    def _resolve(self, name: str) -> Path:
        path = Path(name.strip())
        return path if path.is_absolute() else self.session.folder / path

    def _run(self, action, rebuild: bool = False) -> None:
        """Run an edit and redraw; any failure shows as a Norwegian message, never as an exception text."""
        t0 = time.perf_counter()
        self._status.value = panels.messages_html([Message("info", L["working"])])
        try:
            action()
        except Refused as exc:
            self.session.messages = [exc.message]
        except Exception:   # a bug must not leave the hall with a traceback: say so, log it for the developer
            traceback.print_exc(file=sys.stderr)
            self.session.messages = [Message("error", text("not_possible"))]
        t1 = time.perf_counter()
        self._refresh(rebuild=rebuild)
        self.timings = {"edit": t1 - t0, "view": time.perf_counter() - t1}

    def _on_map_pick(self, code: str) -> None:
        if code in dict((c, n) for n, c in self._kommune.options):
            self._kommune.value = code

    def _on_kommune(self, change) -> None:
        code = change["new"]
        self.map.highlight(code)
        res = self.session.result
        block = res.kommuner.at[code, "block"] if code is not None else None
        self._cooperation.value = panels.cooperation_html(res, block if isinstance(block, str) else None)
        if code is None:
            return
        row = res.kommuner.loc[code]
        if isinstance(row["block"], str):
            self._block.value = row["block"]
            self._track.value = row["track"]
            role = f", {L['centre_role']}" if row["is_centre"] else ""
            where = f"{row['block']}, {sc_words.TRACK[row['track']]}{role}"
        else:
            where = L["nowhere"]
        self._where.value = f'<div style="margin-left:94px;font-size:12px;color:#444">{panels.escape(where)}</div>'

    def _download(self) -> None:
        name, yaml_text = self.session.yaml_text(self._save_name.value, self._save_desc.value)
        self._links.value = panels.download_link(name, yaml_text.encode("utf-8"), "application/x-yaml")

    def _report(self) -> None:
        messages, path = self.session.render_report(self._save_name.value, self._save_desc.value)
        if path is not None:
            link = panels.download_link(path.name, path.read_bytes(), "text/html")
            self._links.value = link
        self.session.messages = messages

    # ---- redrawing ----------------------------------------------------------------------------------------------
    def _population_chart(self):
        res = self.session.result
        return charts.population_lines(sc_words.population_long(res), observed_until=res.observed_years[-1],
                                       title=L["population_heading"], series_title=CHART["block"], width=300,
                                       height=170).configure_legend(disable=True)

    def _refresh(self, rebuild: bool = False) -> None:
        if self._widget is None:
            return
        s, res = self.session, self.session.result
        self._heading.value = panels.heading_html(res)
        self._status.value = panels.messages_html(s.messages)
        self.map.show(res)
        self._summary.value = panels.summary_html(res, s.start_result())
        self._legend.value = panels.legend_html(res)
        self._population.chart = self._population_chart()
        self._undo.disabled, self._redo.disabled = not s.can_undo, not s.can_redo
        self._sync_choices(rebuild)
        self._refresh_compare()

    def _sync_choices(self, rebuild: bool) -> None:
        s = self.session
        blocks = list(s.result.blocks.index)
        for dd in (self._block, self._which):
            if list(dd.options) != blocks:
                keep = dd.value if dd.value in blocks else blocks[0]
                dd.options, dd.value = blocks, keep
        into = [(L["nowhere"], None)] + [(b, b) for b in blocks]
        if list(self._into.options) != into:
            self._into.options = into
        if rebuild:
            self._kommune.options = self._kommune_options()
            self._horizon.value, self._projection.value = s.scenario.horizon, s.scenario.projection
        self._on_kommune({"new": self._kommune.value})

    def _refresh_compare(self) -> None:
        s = self.session
        if s.pinned is None:
            self._compare_box.children = ()
            return
        if self._pinned_maps is None:   # built once: an edit only updates them (new widgets would pile up)
            a = BlockMap(s.atlas, s.pinned.result, selectable=False, width=330, height=330)
            b = BlockMap(s.atlas, s.result, selectable=False, width=330, height=330)
            self._pinned_maps = (a, b)
            self._pinned_label, self._compare_table = w.HTML(), w.HTML(layout=w.Layout(width="560px"))
            current = w.HTML(f"<b>{panels.escape(L['current'])}</b>")
            self._compare_row = w.HBox([w.VBox([self._pinned_label, a.widget]), w.VBox([current, b.widget]),
                                        self._compare_table])
        a, b = self._pinned_maps
        a.show(s.pinned.result)
        b.show(s.result)
        self._pinned_label.value = f"<b>{panels.escape(text('pinned', name=s.pinned.scenario.name))}</b>"
        self._compare_table.value = panels.comparison_html(s.pinned.result, s.result)
        if self._compare_box.children != (self._compare_row,):
            self._compare_box.children = (self._compare_row,)


def workbench(scenario: str | Path | Scenario, atlas: Atlas | None = None, folder: str | Path | None = None) -> Workbench:
    """Open the workshop on a scenario file or Scenario; display ``.widget`` in a notebook. Saved files go to
    ``folder`` (default: the current directory)."""
    from ..scenario import load_scenario
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, atlas)
    return Workbench(Session(sc, atlas=atlas, folder=folder))
