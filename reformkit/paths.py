"""Where the packaged resources (parameters, scenarios, notebooks, catalogue) and the data cache live."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
PARAMS_DIR = RESOURCES_DIR / "params"
SCENARIOS_DIR = RESOURCES_DIR / "scenarios"
REFERENCE_DIR = RESOURCES_DIR / "reference"
NOTEBOOK_DIR = RESOURCES_DIR / "notebooks"
SOURCES_FILE = RESOURCES_DIR / "sources.yaml"
DATA_DIR = PROJECT_ROOT / "data"


def cache_dir() -> Path:
    """The data cache: ``$REFORMKIT_DATA_DIR`` if set, else ``data/cache`` in the project."""
    env = os.environ.get("REFORMKIT_DATA_DIR")
    return Path(env).expanduser().resolve() if env else DATA_DIR / "cache"
