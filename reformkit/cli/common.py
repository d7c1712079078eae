"""Helpers shared by the subcommands: JSON output."""
from __future__ import annotations

import json
import sys

from .._io import write_text_atomic


def emit_json(doc: dict, dest: str) -> None:
    """Write ``doc`` as indented JSON to ``dest`` (a path, written atomically, or ``-`` for stdout)."""
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if dest == "-":
        sys.stdout.write(text + "\n")
    else:
        write_text_atomic(dest, text + "\n")
