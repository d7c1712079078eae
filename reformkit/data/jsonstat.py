"""JSON-stat 2.0 datasets (the output of SSB's PxWebApi v2) as long DataFrames, and PxWebApi v2 request URLs.

A JSON-stat2 dataset stores its cells as one flat ``value`` array (or a sparse ``{"index": value}`` object) in
row-major order over the dimensions listed in ``id`` with sizes ``size``; each dimension's
``category.index`` gives the position of every category code (a ``{code: position}`` object or a list of
codes). See https://json-stat.org/format/ and https://www.pxtools.net/PxWebApi/documentation/user-guide.

Example::

    >>> doc = {"version": "2.0", "class": "dataset", "id": ["Region", "Tid"], "size": [1, 2],
    ...        "dimension": {"Region": {"category": {"index": {"0301": 0}}},
    ...                      "Tid": {"category": {"index": ["2023", "2024"]}}},
    ...        "value": [717710, 728128]}
    >>> jsonstat_to_frame(doc)
      Region   Tid     value
    0   0301  2023  717710.0
    1   0301  2024  728128.0
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..errors import DataError

PXWEB_V2 = "https://data.ssb.no/api/pxwebapi/v2"


def _category_codes(name: str, dim: Mapping) -> list[str]:
    """Category codes of one dimension in storage order."""
    cat = dim.get("category") or {}
    index = cat.get("index")
    if index is None:
        # JSON-stat allows omitting the index for a single-category dimension; the code is then the label's key.
        labels = cat.get("label") or {}
        if len(labels) != 1:
            raise DataError(f"JSON-stat dimension {name!r}: no category index")
        return [str(next(iter(labels)))]
    if isinstance(index, Mapping):
        codes = [None] * len(index)
        try:
            for code, pos in index.items():
                codes[int(pos)] = str(code)
        except (IndexError, TypeError, ValueError):
            codes = [None]
        if any(c is None for c in codes):
            raise DataError(f"JSON-stat dimension {name!r}: category positions are not 0..{len(index) - 1}")
        return codes
    return [str(c) for c in index]


def jsonstat_dimensions(doc: Mapping) -> dict[str, dict[str, str]]:
    """Every dimension of a JSON-stat2 dataset (or PxWebApi v2 metadata) as ``{id: {code: label}}``, in order.

    PxWebApi v2 answers ``/tables/<id>/metadata?outputFormat=json-stat2`` with a dataset without ``value``;
    this reads its dimensions so a request can be planned (codes, cell counts) before fetching data.
    """
    try:
        ids = [str(i) for i in doc["id"]]
        dims = doc["dimension"]
    except (KeyError, TypeError) as exc:
        raise DataError(f"JSON-stat: not a dataset (missing {exc})") from None
    out = {}
    for name in ids:
        if name not in dims:
            raise DataError(f"JSON-stat: dimension {name!r} listed in 'id' but not described")
        codes = _category_codes(name, dims[name])
        lab = (dims[name].get("category") or {}).get("label") or {}
        out[name] = {c: str(lab.get(c, c)) for c in codes}
    return out


def jsonstat_to_frame(doc: Mapping, labels: bool = False, value_name: str = "value") -> pd.DataFrame:
    """A JSON-stat2 dataset as a long DataFrame: one column per dimension id (category codes) plus ``value``.

    Missing cells (``null`` in ``value``, or absent from a sparse value object) become NaN. With
    ``labels=True`` a ``<dimension>_label`` column with the category label is added per dimension.
    Raises DataError if the document is not a JSON-stat2 dataset or its sizes do not add up.
    """
    if not isinstance(doc, Mapping):
        raise DataError("JSON-stat: expected a JSON object")
    if doc.get("class") == "collection" or "link" in doc and "id" not in doc:
        items = (doc.get("link") or {}).get("item") or []
        if len(items) == 1 and isinstance(items[0], Mapping):
            doc = items[0]
    try:
        ids = [str(i) for i in doc["id"]]
        size = [int(s) for s in doc["size"]]
        dims = doc["dimension"]
        raw = doc["value"]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"JSON-stat: not a dataset (missing or bad {exc})") from None
    if len(ids) != len(size):
        raise DataError(f"JSON-stat: {len(ids)} dimension ids but {len(size)} sizes")
    codes = []
    for name, n in zip(ids, size):
        if name not in dims:
            raise DataError(f"JSON-stat: dimension {name!r} listed in 'id' but not described")
        c = _category_codes(name, dims[name])
        if len(c) != n:
            raise DataError(f"JSON-stat dimension {name!r}: {len(c)} categories, size says {n}")
        codes.append(c)
    total = int(np.prod(size, dtype=np.int64)) if size else 1
    values = np.full(total, np.nan)
    if isinstance(raw, Mapping):  # sparse form: {"<flat index>": value}
        for k, v in raw.items():
            if v is not None:
                values[int(k)] = float(v)
    elif isinstance(raw, Sequence):
        if len(raw) != total:
            raise DataError(f"JSON-stat: {len(raw)} values for {total} cells ({' x '.join(map(str, size))})")
        values = pd.to_numeric(pd.Series(list(raw), dtype="object"), errors="coerce").to_numpy(dtype=float)
    else:
        raise DataError("JSON-stat: 'value' is neither an array nor an object")
    # Row-major order: the last dimension varies fastest.
    grids = np.meshgrid(*[np.arange(n) for n in size], indexing="ij") if size else []
    out = {}
    for name, c, g in zip(ids, codes, grids):
        arr = np.asarray(c, dtype=object)[g.ravel()]
        out[name] = pd.array(arr, dtype="string")
        if labels:
            lab = (dims[name].get("category") or {}).get("label") or {}
            out[f"{name}_label"] = pd.array([lab.get(x, x) for x in arr], dtype="string")
    out[value_name] = values
    return pd.DataFrame(out)


def pxweb_v2_url(table: str, value_codes: Mapping[str, Sequence[str] | str] | None = None, lang: str = "no",
                 base: str = PXWEB_V2, output_format: str = "json-stat2",
                 codelists: Mapping[str, str] | None = None) -> str:
    """The GET URL of a PxWebApi v2 data request for ``table`` (e.g. ``"07459"``).

    ``value_codes`` maps a variable code to its value codes (a list, or one string such as ``"*"`` or
    ``"from(2005)"``); ``codelists`` optionally selects a codelist per variable (e.g. ``{"Region":
    "agg_KommSummer"}``). GET URLs are limited to about 2000 characters by SSB; use POST (see
    :func:`pxweb_v2_selection`) for long selections.

    >>> pxweb_v2_url("07459", {"Region": ["0301"], "Tid": "from(2024)"})
    'https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no&outputFormat=json-stat2&valueCodes[Region]=0301&valueCodes[Tid]=from(2024)'
    """
    parts = [f"lang={lang}", f"outputFormat={output_format}"]
    for var, vals in (codelists or {}).items():
        parts.append(f"codelist[{var}]={quote(str(vals), safe='_-')}")
    for var, vals in (value_codes or {}).items():
        text = vals if isinstance(vals, str) else ",".join(str(v) for v in vals)
        parts.append(f"valueCodes[{var}]={quote(text, safe=',*?()_-')}")
    return f"{base}/tables/{table}/data?" + "&".join(parts)


def pxweb_v2_selection(value_codes: Mapping[str, Sequence[str] | str],
                       codelists: Mapping[str, str] | None = None) -> dict:
    """The JSON body of a PxWebApi v2 POST data request (``{"selection": [{variableCode, valueCodes}, ...]}``)."""
    selection = []
    for var, vals in value_codes.items():
        item = {"variableCode": var, "valueCodes": [vals] if isinstance(vals, str) else [str(v) for v in vals]}
        if codelists and var in codelists:
            item["codelist"] = codelists[var]
        selection.append(item)
    return {"selection": selection}
