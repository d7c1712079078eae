"""Where the project's committed data (parameters, scenarios, catalogue) and the data cache live."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
PARAMS_DIR = DATA_DIR / "params"
SCENARIOS_DIR = DATA_DIR / "scenarios"
SOURCES_FILE = DATA_DIR / "sources.yaml"


def cache_dir() -> Path:
    """The data cache: ``$REFORMKIT_DATA_DIR`` if set, else ``data/cache`` in the project."""
    env = os.environ.get("REFORMKIT_DATA_DIR")
    return Path(env).expanduser().resolve() if env else DATA_DIR / "cache"
