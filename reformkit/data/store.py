"""Derived datasets: named, versioned values computed from the core tables, kept in memory and in the cache.

A :class:`Dataset` names what is derived (the neighbour graph, the kommune centres, the travel-time matrix,
the population cube, web geometry …), its version (raised when the code that builds it changes its output)
and its storage format. :meth:`DerivedStore.get` returns the value for an explicit *key* — the inputs and
parameters it depends on, e.g. ``{"generation": …, "params": …}`` — building it once:

* in memory per store (one store per Atlas), so a workshop edit never rebuilds anything;
* on disk under ``derived/`` in the data cache, so a fresh process (a report kernel) loads instead of
  recomputing. Each file has a sidecar ``.json`` manifest holding the dataset name, version, key and the
  file's SHA-256; the file is used only when the manifest matches the key and the checksum matches the bytes.

Formats are data only — Parquet (``table``, ``geo``), NumPy ``.npz`` read with ``allow_pickle=False``
(``arrays``) and JSON (``json``) — so a file planted in the cache can be wrong but can never run code; a
file that fails its checksum is ignored and rebuilt. A new import or fetch clears ``derived/``.
"""
from __future__ import annotations

import hashlib
import io
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._io import read_bytes_limited, write_bytes_atomic, write_text_atomic
from ..errors import ReformkitError

FORMATS = {"table": ".parquet", "geo": ".parquet", "arrays": ".npz", "json": ".json"}
#: Larger derived files are not read (the largest, the population cube, is a few MB).
MAX_FILE_BYTES = 512_000_000
MAX_MANIFEST_BYTES = 100_000


@dataclass(frozen=True)
class Dataset:
    """A kind of derived data: ``name``, ``version`` and ``format`` (table, geo, arrays or json).

    ``persist=False`` keeps it in memory only (cheap to build, or not worth the disk).
    """

    name: str
    version: int
    format: str
    persist: bool = True

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"dataset {self.name}: unknown format {self.format!r}")


def canonical_key(key: Mapping[str, Any]) -> str:
    """The key as canonical JSON (sorted, no spaces): equal keys give equal text."""
    return json.dumps(key, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)


class DerivedStore:
    """The derived datasets of one Atlas: an in-memory memo plus, when ``root`` is given, the cache folder."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) / "derived" if root is not None else None
        self._memo: dict[tuple[str, int, str], Any] = {}
        self._lock = threading.Lock()   # the workbench may evaluate from a widget callback thread

    def get(self, dataset: Dataset, key: Mapping[str, Any], build: Callable[[], Any]) -> Any:
        """The value of ``dataset`` for ``key``: from memory, else from a verified cache file, else built."""
        text = canonical_key(key)
        memo_key = (dataset.name, dataset.version, text)
        with self._lock:
            if memo_key in self._memo:
                return self._memo[memo_key]
        value = self._load(dataset, text) if self._persisted(dataset) else None
        if value is None:
            value = build()
            if self._persisted(dataset):
                self._save(dataset, text, value)
        with self._lock:
            self._memo[memo_key] = value
        return value

    # ---- disk ---------------------------------------------------------------------------------------------------
    def _persisted(self, dataset: Dataset) -> bool:
        return dataset.persist and self.root is not None

    def _paths(self, dataset: Dataset, text: str) -> tuple[Path, Path]:
        digest = hashlib.sha256(text.encode()).hexdigest()[:20]
        stem = f"{dataset.name}-v{dataset.version}-{digest}"
        return self.root / f"{stem}{FORMATS[dataset.format]}", self.root / f"{stem}.manifest.json"

    def _load(self, dataset: Dataset, text: str) -> Any:
        path, manifest_path = self._paths(dataset, text)
        try:   # bounded reads of regular files only: a FIFO or device planted here is skipped, not waited on
            manifest = json.loads(read_bytes_limited(manifest_path, MAX_MANIFEST_BYTES))
            data = read_bytes_limited(path, MAX_FILE_BYTES)
        except (ReformkitError, ValueError):
            return None
        expected = {"name": dataset.name, "version": dataset.version, "format": dataset.format, "key": text}
        if not isinstance(manifest, dict) or any(manifest.get(k) != v for k, v in expected.items()):
            return None
        if manifest.get("sha256") != hashlib.sha256(data).hexdigest():
            return None   # changed or planted: never trusted, rebuilt and rewritten
        try:
            return _decode(dataset.format, data)
        except Exception:  # noqa: BLE001 - a damaged file with a matching checksum is only a missed shortcut
            return None

    def _save(self, dataset: Dataset, text: str, value: Any) -> None:
        path, manifest_path = self._paths(dataset, text)
        try:
            data = _encode(dataset.format, value)
            write_bytes_atomic(path, data)
            manifest = {"name": dataset.name, "version": dataset.version, "format": dataset.format, "key": text,
                        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            write_text_atomic(manifest_path, json.dumps(manifest, indent=1))
        except OSError:
            pass   # a read-only cache still works, only slower


def _encode(fmt: str, value: Any) -> bytes:
    buf = io.BytesIO()
    if fmt == "table":
        value.to_parquet(buf)
    elif fmt == "geo":
        frame = value.to_frame("geometry") if isinstance(value, gpd.GeoSeries) else value
        frame.to_parquet(buf)
    elif fmt == "arrays":
        np.savez(buf, **{k: np.asarray(v) for k, v in value.items()})
    else:
        return json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    return buf.getvalue()


def _decode(fmt: str, data: bytes) -> Any:
    if fmt == "table":
        return pd.read_parquet(io.BytesIO(data))
    if fmt == "geo":
        frame = gpd.read_parquet(io.BytesIO(data))
        return frame.geometry if list(frame.columns) == ["geometry"] else frame
    if fmt == "arrays":
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    return json.loads(data.decode())
