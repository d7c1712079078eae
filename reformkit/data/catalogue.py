"""The dataset catalogue (``data/sources.yaml`` of the project, else the packaged one): source, licence and
attribution per dataset."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .._io import read_text_limited
from ..errors import DataError
from ..paths import sources_file

REQUIRED_KEYS = ("title", "publisher", "url", "licence", "attribution")


def catalogue() -> dict[str, dict]:
    """All datasets of the catalogue by name. Raises DataError if the file is malformed."""
    return _read(sources_file())


@lru_cache(maxsize=4)
def _read(path: Path) -> dict[str, dict]:
    text = read_text_limited(path, 1_000_000, "dataset catalogue", DataError)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: cannot read the dataset catalogue: {' '.join(str(exc).split())}") from None
    datasets = raw.get("datasets") if isinstance(raw, dict) else None
    if not isinstance(datasets, dict):
        raise DataError(f"{path}: expected a 'datasets' mapping")
    problems = [f"{path}: dataset {name!r} lacks {key!r}"
                for name, entry in datasets.items() for key in REQUIRED_KEYS if key not in (entry or {})]
    if problems:
        raise DataError(f"{path}: incomplete catalogue", problems)
    return datasets


def attribution(names: list[str] | None = None) -> list[str]:
    """Attribution lines (Norwegian) for the named datasets, or all; duplicates removed, order kept."""
    cat = catalogue()
    lines = [cat[n]["attribution"] for n in (names or list(cat))]
    return list(dict.fromkeys(lines))
