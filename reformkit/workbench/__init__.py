"""The live workshop: reshape kommuneblokker on a map and see what each change does, in JupyterLab or Voilà.

* :mod:`.state`  the editing logic without widgets: :class:`Session` (edits, undo/redo, start, pin, save)
* :mod:`.map`    the interactive block map (altair ``JupyterChart``; why in its docstring)
* :mod:`.panels` the summary table with changes, the legend, the comparison and the download links
* :mod:`.view`   :class:`Workbench`: the widgets wired to a Session
* :mod:`.server` ``reformkit workshop``: Voilà on 127.0.0.1 with a host allow-list, kernel culling and a
  clean stop

>>> wb = workbench("data/scenarios/more-og-romsdal-4.yaml")   # doctest: +SKIP
>>> wb.widget                                                # doctest: +SKIP
"""
from __future__ import annotations

__all__ = ["Message", "Session", "Workbench", "workbench", "slug"]


def __getattr__(name: str):
    # Loaded on first use: the Voilà server process imports .server only, without widgets and charts.
    if name in ("Message", "Session", "slug"):
        from . import state
        return getattr(state, name)
    if name in ("Workbench", "workbench"):
        from . import view
        return getattr(view, name)
    raise AttributeError(name)
