"""SSB PxWebApi v2 (https://data.ssb.no/api/pxwebapi/v2): configuration, table metadata, chunked data requests.

Requests are POSTed (``/tables/<id>/data?lang=no&outputFormat=json-stat2`` with a ``{"selection": [...]}``
body) because a kommune list does not fit in the ~2000-character GET URL. The API caps the cells of one
answer (``maxDataCells`` in ``/config``, 800 000 at SSB), so selections are split into chunks below that.
"""
from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from tqdm.auto import tqdm

from ...errors import DataError
from ..jsonstat import PXWEB_V2, jsonstat_dimensions, jsonstat_to_frame, pxweb_v2_selection
from .http import get_json

DEFAULT_MAX_CELLS = 800_000  # SSB's documented maxDataCells; /config is asked first
RESPECT_RATE_LIMIT = True    # space data requests by timeWindow / maxCallsPerTimeWindow (tests turn it off)
_pace = {"interval": 0.0, "last": 0.0}


def config(session, base: str = PXWEB_V2) -> dict:
    """The API's ``/config`` (maxDataCells, maxCallsPerTimeWindow, timeWindow, ...).

    Also sets the pace of later data requests from the rate limit it states (30 calls per 60 s at SSB
    in the user guide: one request every 2 s), so long chunked fetches do not run into HTTP 429.
    """
    doc = get_json(session, f"{base}/config")
    if not isinstance(doc, dict):
        raise DataError(f"{base}/config: expected a JSON object")
    try:
        calls, window = int(doc.get("maxCallsPerTimeWindow") or 0), float(doc.get("timeWindow") or 0)
    except (TypeError, ValueError):
        calls, window = 0, 0.0
    _pace["interval"] = window / calls if calls > 0 and window > 0 else 0.0
    return doc


def _wait_turn() -> None:
    if not RESPECT_RATE_LIMIT or _pace["interval"] <= 0:
        return
    delay = _pace["last"] + _pace["interval"] - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    _pace["last"] = time.monotonic()


def max_cells(cfg: Mapping) -> int:
    """The cell limit of one data request from a ``/config`` answer (default 800 000)."""
    try:
        n = int(cfg.get("maxDataCells") or 0)
    except (TypeError, ValueError):
        n = 0
    return n if n > 0 else DEFAULT_MAX_CELLS


def metadata(session, table: str, lang: str = "no", base: str = PXWEB_V2) -> dict[str, dict[str, str]]:
    """The variables of ``table`` as ``{variable: {code: label}}`` (from the JSON-stat2 metadata)."""
    doc = get_json(session, f"{base}/tables/{table}/metadata?lang={lang}&outputFormat=json-stat2")
    return jsonstat_dimensions(doc)


def n_cells(selection: Mapping[str, Sequence]) -> int:
    """Cells a selection asks for: the product of the number of values per variable."""
    return math.prod(len(v) for v in selection.values())


def plan_chunks(selection: Mapping[str, Sequence[str]], limit: int,
                split_order: Sequence[str]) -> list[dict[str, list[str]]]:
    """Split ``selection`` into selections of at most ``limit`` cells, cutting the variables in ``split_order``.

    The first variable that can be cut into groups small enough is cut into as few groups as possible;
    if even one value of it is too large, it is cut into single values and the next variable is cut too.

    >>> [len(c["Tid"]) for c in plan_chunks({"Region": ["a"] * 10, "Tid": list("abcde")}, 20, ["Tid"])]
    [2, 2, 1]
    """
    selection = {k: list(v) for k, v in selection.items()}
    total = n_cells(selection)
    if total <= limit:
        return [selection]
    for var in split_order:
        values = selection[var]
        if len(values) > 1 and total // len(values) <= limit:
            k = max(1, limit // (total // len(values)))
            return [{**selection, var: values[i:i + k]} for i in range(0, len(values), k)]
    for var in split_order:
        values = selection[var]
        if len(values) > 1:
            out = []
            for v in values:
                out += plan_chunks({**selection, var: [v]}, limit, split_order)
            return out
    raise DataError(f"a single PxWebApi request of {total:,} cells exceeds the API's limit of {limit:,} "
                    f"and cannot be split further")


def chunk_by_year(codes_by_year: Mapping[int, Iterable[str]], cells_per_code_year: int,
                  limit: int) -> list[tuple[list[int], list[str]]]:
    """Group consecutive years so each request (union of their region codes × years × other cells) fits.

    Region codes differ from year to year (a table reports each year on that year's kommuner), so each
    group asks only for the codes valid in some year of the group.

    >>> chunk_by_year({2019: ["a", "b"], 2020: ["c"], 2021: ["c"]}, 10, 40)
    [([2019], ['a', 'b']), ([2020, 2021], ['c'])]
    """
    groups: list[tuple[list[int], list[str]]] = []
    years: list[int] = []
    union: set[str] = set()
    for year in sorted(codes_by_year):
        codes = set(codes_by_year[year])
        if len(codes) * cells_per_code_year > limit:
            raise DataError(f"year {year}: {len(codes)} regions × {cells_per_code_year} cells exceed the "
                            f"API's limit of {limit:,} cells")
        candidate = union | codes
        if years and len(candidate) * cells_per_code_year * (len(years) + 1) > limit:
            groups.append((years, sorted(union)))
            years, candidate = [], codes
        years = years + [year]
        union = candidate
    if years:
        groups.append((years, sorted(union)))
    return groups


def fetch(session, table: str, chunks: Sequence[Mapping[str, Sequence[str]]], *, lang: str = "no",
          codelists: Mapping[str, str] | None = None, progress: bool = False, desc: str | None = None,
          base: str = PXWEB_V2) -> pd.DataFrame:
    """POST every chunk selection to ``/tables/<table>/data`` and concatenate the long frames.

    Each answer is JSON-stat2, parsed by :func:`reformkit.data.jsonstat.jsonstat_to_frame` (one column
    per variable code and ``value``; missing cells are NaN).
    """
    url = f"{base}/tables/{table}/data?lang={lang}&outputFormat=json-stat2"
    frames = []
    for chunk in tqdm(chunks, desc=desc or f"SSB tabell {table}", unit="del", disable=not progress):
        _wait_turn()
        doc = get_json(session, url, body=pxweb_v2_selection(chunk, codelists))
        frames.append(jsonstat_to_frame(doc))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
