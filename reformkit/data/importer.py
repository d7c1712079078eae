"""``reformkit data import DIR``: fill the cache from an offline mirror laid out like ../shared/data."""
from __future__ import annotations

from pathlib import Path

from tqdm.auto import tqdm

from ..errors import DataError
from . import cache
from .core import build_core
from .mirror import FILES, read_file, read_expenditure_index

DATASETS = ["population-2024", "population-2019", "kommuner-2024-boundaries", "fylker-2024-boundaries",
            "kommuner-2019-boundaries", "kommuneregister-2024", "ba-regioner", "kommunenummer-til-2024",
            "kommunenummer-2013-2020", "utgiftsbehovsindeks", "n1000-veglenker", "n1000-stedsnavn",
            "n1000-tettbebyggelse"]


def import_mirror(directory: str | Path, root: Path | None = None, progress: bool = True) -> Path:
    """Read, validate and cache an offline mirror; return the cache's core folder.

    Everything is read and validated before anything is written, and the new cache replaces the old one
    only at the end, so a bad mirror (missing file, wrong columns, wrong kommune count) leaves the cache
    as it was and raises :class:`~reformkit.errors.DataError` naming the file. Leftovers of an earlier import
    or fetch that was killed are removed first.
    """
    cache.remove_stale(root)   # what an import killed mid-write left behind
    directory = Path(directory).expanduser().resolve()
    if not directory.is_dir():
        raise DataError(f"{directory}: no such directory (expected an offline mirror laid out like ../shared/data)")
    missing = [f"{directory / rel}: file missing from the mirror (expected {rel})"
               for rel in FILES.values() if not (directory / rel).exists()]
    if missing:
        raise DataError(f"{directory}: the mirror is incomplete; nothing was changed in the cache", missing)
    raw = {}
    steps = tqdm(list(FILES), desc="Leser datafiler", unit="fil", disable=not progress)
    for key in steps:
        steps.set_postfix_str(FILES[key])
        raw[key] = read_file(directory, key)
    raw["expenditure_index"] = read_expenditure_index(directory)
    with tqdm(total=2, desc="Bygger atlas", disable=not progress) as bar:
        core = build_core(raw)
        bar.update(1)
        path = cache.write_core(core, origin=str(directory), method="import", datasets=DATASETS, root=root)
        bar.update(1)
    return path
