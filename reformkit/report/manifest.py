"""The output folder's manifest and the inputs key that makes batches incremental.

``reformkit-manifest.json`` in the output folder lists every report rendered there — file, kind, title,
source, exports and the key of its inputs — across runs, so the index lists them all, not just this run's.
A report whose key is unchanged, and whose files are all still there, is not rendered again. The key hashes
everything a report depends on: the notebook, the parameters, the input files' bytes (scenarios), the data
cache's generation, reformkit's version and its code and resources (and the project's overrides of them).
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from .._io import write_text_atomic
from ..paths import PACKAGE_DIR, cache_dir, notebook_file, project_dir
from .plan import Task, file_digest

MANIFEST_FILE = "reformkit-manifest.json"
VERSION = 1
#: Project folders whose files override packaged ones (reformkit.paths) and so change reports.
OVERRIDES = ("data/params", "data/reference", "data/sources.yaml", "notebooks", "templates")


def _digest_files(files: list[Path], root: Path, h) -> None:
    for f in sorted(files):
        h.update(str(f.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())


@functools.cache
def code_digest() -> str:
    """SHA-256 over reformkit's modules and resources and the project's overrides (once per process: a
    batch does not change its own code)."""
    h = hashlib.sha256()
    _digest_files([p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix != ".pyc"], PACKAGE_DIR, h)
    project = project_dir()
    for sub in OVERRIDES:
        path = project / sub
        if not path.exists() or path.resolve().is_relative_to(PACKAGE_DIR):   # the checkout's links to resources
            continue
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        _digest_files(files, project, h)
    return h.hexdigest()


def cache_generation() -> str:
    """The data cache's generation: its core manifest changes with every import or fetch."""
    try:
        return hashlib.sha256((cache_dir() / "core" / "manifest.json").read_bytes()).hexdigest()
    except OSError:
        return "no-cache"


def task_key(task: Task) -> str:
    """The key of everything ``task``'s report depends on (see the module doc)."""
    from .. import __version__
    notebook = task.notebook if Path(task.notebook).name != task.notebook else notebook_file(task.notebook)
    doc = {"kind": task.kind, "notebook": file_digest(notebook), "parameters": task.parameters,
           "inputs": [file_digest(p) for p in task.inputs], "cache": cache_generation(), "version": __version__,
           "code": code_digest()}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def load(out_dir: Path) -> dict[str, Any]:
    """The manifest of ``out_dir`` (empty when missing or unreadable: then everything is rendered)."""
    try:
        doc = json.loads((Path(out_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": VERSION, "reports": {}}
    if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("reports"), dict):
        return {"version": VERSION, "reports": {}}
    return doc


def save(out_dir: Path, doc: dict[str, Any]) -> None:
    write_text_atomic(Path(out_dir) / MANIFEST_FILE, json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


def known_scenarios(doc: dict[str, Any]) -> dict[str, dict]:
    """What earlier runs learnt from scenario files, by the files' SHA-256 (name, area, borders)."""
    out = {}
    for entry in doc["reports"].values():
        meta = entry.get("meta") or {}
        if entry.get("kind") == "scenario" and meta.get("digest"):
            out[meta["digest"]] = meta
    return out


def unchanged(doc: dict[str, Any], out_dir: Path, task: Task, key: str) -> bool:
    """True when the manifest has ``task``'s report with this key and every file of it is still there."""
    entry = doc["reports"].get(task.out.name)
    if not entry or entry.get("key") != key or not task.out.is_file():
        return False
    return all((out_dir / f).is_file() for f in entry.get("exports", []))


def record(doc: dict[str, Any], task: Task, key: str, title: str, exports: list[str], size: int) -> None:
    doc["reports"][task.out.name] = {"kind": task.kind, "title": title, "source": Path(task.label).name,
                                     "key": key, "exports": exports, "bytes": size, "meta": task.meta}
