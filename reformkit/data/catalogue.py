"""The dataset catalogue (``data/sources.yaml``): source, licence and attribution per dataset."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..errors import DataError
from ..paths import SOURCES_FILE

REQUIRED_KEYS = ("title", "publisher", "url", "licence", "attribution")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict]:
    """All datasets of the catalogue by name. Raises DataError if the file is malformed."""
    try:
        raw = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{SOURCES_FILE}: cannot read the dataset catalogue: {exc}") from None
    datasets = (raw or {}).get("datasets")
    if not isinstance(datasets, dict):
        raise DataError(f"{SOURCES_FILE}: expected a 'datasets' mapping")
    problems = [f"{SOURCES_FILE}: dataset {name!r} lacks {key!r}"
                for name, entry in datasets.items() for key in REQUIRED_KEYS if key not in (entry or {})]
    if problems:
        raise DataError(f"{SOURCES_FILE}: incomplete catalogue", problems)
    return datasets


def attribution(names: list[str] | None = None) -> list[str]:
    """Attribution lines (Norwegian) for the named datasets, or all; duplicates removed, order kept."""
    cat = catalogue()
    lines = [cat[n]["attribution"] for n in (names or list(cat))]
    return list(dict.fromkeys(lines))
