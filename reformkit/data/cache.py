"""The data cache: GeoParquet/Parquet files of the core plus a manifest, replaced as a whole.

Layout (under :func:`reformkit.paths.cache_dir`)::

    core/manifest.json            what was imported/fetched, when, from where, counts, sources
    core/borders-2024/{kommuner,fylker,population}.parquet
    core/borders-2019/...
    core/tables/{codes_til_2024,codes_2013_2020,expenditure_index}.parquet
    core/geo/{roads,places,builtup}.parquet   Kartverket N1000 layers for both border years (GeoParquet)
    extra/<dataset>.parquet       optional online datasets (KOSTRA, projections, ...), with extra/manifest.json

A new core is written to a staging folder beside ``core/`` (``.core-staging-<pid>-…``) and swapped in with two
renames at the end (Ctrl+C and SIGTERM wait until both are done), so a failed or interrupted import or fetch
leaves the cache that was there untouched. A process killed outright leaves its staging or old folder behind;
the next import or fetch removes such leftovers (:func:`remove_stale`).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from .._io import atomic_path, json_text, read_bytes_limited, signals_deferred, write_json_atomic
from .._proc import alive
from ..errors import CacheMissingError, ReformkitError
from ..paths import cache_dir
from .catalogue import catalogue
from .validate import check_manifest

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 10_000_000
#: Name prefixes of a core being written and of the core it replaces, followed by the writer's process id.
STAGING, OLD = ".core-staging-", ".core-old-"
_LOADED = time.time()
#: The border years a core holds.
BORDER_YEARS = (2024, 2019)
FIX_HINT = "run `reformkit data import ../shared/data` (offline mirror) or `reformkit data fetch` (online), or `make data`"


def core_dir(root: Path | None = None) -> Path:
    """Folder of the core datasets in the cache (``root`` defaults to :func:`reformkit.paths.cache_dir`)."""
    return (root or cache_dir()) / "core"


def extra_dir(root: Path | None = None) -> Path:
    """Folder of the optional (online) datasets in the cache (``root`` defaults to the cache folder)."""
    return (root or cache_dir()) / "extra"


def write_core(core: dict, origin: str, method: str, datasets: list[str], root: Path | None = None) -> Path:
    """Write a built core to a staging folder and swap it in; return the core folder."""
    root = root or cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=root))
    try:
        counts = {}
        for borders in BORDER_YEARS:
            folder = staging / f"borders-{borders}"
            folder.mkdir()
            c = core[borders]
            c["kommuner"].to_parquet(folder / "kommuner.parquet")
            c["fylker"].to_parquet(folder / "fylker.parquet")
            c["population"].to_parquet(folder / "population.parquet", index=False)
            pop = c["population"]
            counts[str(borders)] = {
                "kommuner": int(len(c["kommuner"])),
                "fylker": int(c["fylker"]["fylkesnummer"].nunique()),
                "population_years": [int(pop["year"].min()), int(pop["year"].max())],
                "population_rows": int(len(pop)),
                "population_latest": int(pop.loc[pop["year"] == pop["year"].max(), "population"].sum()),
            }
        if core.get("geo"):
            (staging / "geo").mkdir()
            for name, gdf in core["geo"].items():
                gdf.to_parquet(staging / "geo" / f"{name}.parquet")
        tables = staging / "tables"
        tables.mkdir()
        for name, df in core["tables"].items():
            df.to_parquet(tables / f"{name}.parquet", index=False)
        cat = catalogue()
        manifest = {
            "method": method,
            "origin": origin,
            "retrieved": dt.date.today().isoformat(),
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "borders": counts,
            "corrections": core.get("notes", []),
            "datasets": {name: {**cat[name], "retrieved": dt.date.today().isoformat()} for name in datasets},
        }
        (staging / MANIFEST).write_text(json_text(manifest, str(core_dir(root) / MANIFEST)), encoding="utf-8")
        target = core_dir(root)
        old = None
        with signals_deferred():   # never stop between the two renames: the cache would have no core
            if target.exists():
                old = root / f"{OLD}{os.getpid()}"
                os.replace(target, old)
            os.replace(staging, target)
        shutil.rmtree(root / "derived", ignore_errors=True)  # derived data of the old generation
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return target
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _process_started() -> float:
    """When this process started (epoch seconds), from /proc; the time this module was loaded elsewhere."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return _LOADED


def _is_stale(path: Path, started: float) -> bool:
    """A staging or old core folder that no running process owns: its owner (the pid in its name) has gone,
    or, for a name without a pid, it is older than this process. Never this process's own."""
    rest = path.name.removeprefix(STAGING).removeprefix(OLD)
    pid = rest.split("-", 1)[0]
    if pid.isdigit():
        return int(pid) != os.getpid() and not alive(int(pid))
    try:
        return path.stat().st_mtime < started
    except OSError:
        return False


def remove_stale(root: Path | None = None) -> list[Path]:
    """Remove the staging and old core folders an import or fetch killed mid-write left in the cache (see
    :func:`_is_stale`); return what was removed."""
    root = root or cache_dir()
    if not root.is_dir():
        return []
    started = _process_started()
    stale = [p for pattern in (f"{STAGING}*", f"{OLD}*") for p in root.glob(pattern)
             if p.is_dir() and not p.is_symlink() and _is_stale(p, started)]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def read_manifest(root: Path | None = None) -> dict:
    """The core's manifest; CacheMissingError (naming the fix) if the cache is empty or corrupt."""
    path = core_dir(root) / MANIFEST
    if not path.is_file():
        raise CacheMissingError(f"the data cache at {core_dir(root)} is empty: {FIX_HINT}")
    try:
        doc = json.loads(read_bytes_limited(path, MAX_MANIFEST_BYTES, "cache manifest", CacheMissingError))
    except ValueError as exc:
        raise CacheMissingError(f"{path}: corrupt cache manifest ({exc}); {FIX_HINT}") from None
    problems = check_manifest(doc, BORDER_YEARS)
    if problems:
        raise CacheMissingError(f"{path}: corrupt cache manifest ({'; '.join(problems[:3])}); {FIX_HINT}")
    return doc


def read_extra_manifest(root: Path | None = None) -> dict:
    """The manifest of the optional datasets (name -> info); ``{}`` when there is none."""
    path = extra_dir(root) / MANIFEST
    if not path.is_file():
        return {}
    try:
        doc = json.loads(read_bytes_limited(path, MAX_MANIFEST_BYTES, "cache manifest"))
    except (ReformkitError, ValueError):
        return {}
    return {k: v for k, v in doc.items() if isinstance(v, dict)} if isinstance(doc, dict) else {}


def write_extra(name: str, df: pd.DataFrame, info: dict, root: Path | None = None) -> Path:
    """Store an optional online dataset (e.g. KOSTRA) as ``extra/<name>.parquet`` and record it in the manifest."""
    folder = extra_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.parquet"
    with atomic_path(target, ".parquet") as tmp:
        df.to_parquet(tmp, index=False)
    manifest = read_extra_manifest(root)
    manifest[name] = {**info, "rows": int(len(df)), "retrieved": dt.date.today().isoformat()}
    write_json_atomic(folder / MANIFEST, manifest)
    return target


def read_extra(name: str, root: Path | None = None) -> pd.DataFrame | None:
    """An optional online dataset from ``extra/``, or None when it has not been fetched."""
    path = extra_dir(root) / f"{name}.parquet"
    if not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except Exception as exc:   # a damaged file: the user's fix is to fetch again
        raise CacheMissingError(f"{path}: corrupt cache file ({type(exc).__name__}); run `reformkit data fetch "
                                f"--only {name.replace('_', '-')}`") from None


def status(root: Path | None = None) -> dict:
    """What is cached: counts per border year, population years, sources, optional datasets."""
    root = root or cache_dir()
    manifest = read_manifest(root)
    b24 = manifest["borders"].get("2024", {})
    return {
        "cache": str(root),
        "method": manifest.get("method"),
        "origin": manifest.get("origin"),
        "retrieved": manifest.get("retrieved"),
        "kommuner": b24.get("kommuner"),
        "fylker": b24.get("fylker"),
        "population_years": b24.get("population_years"),
        "borders": manifest["borders"],
        "sources": manifest.get("datasets", {}),
        "corrections": manifest.get("corrections", []),
        "extra": read_extra_manifest(root),
    }
