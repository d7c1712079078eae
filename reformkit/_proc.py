"""Processes: a process's children and descendants (from /proc) and whether one is alive."""
from __future__ import annotations

import os
from pathlib import Path


def _parents() -> dict[int, list[int]]:
    """Each parent pid with its children, from /proc (empty where there is no /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(entry.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.parent.name))
    return parents


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    return _parents().get(pid, [])


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren, ...)."""
    parents = _parents()
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def alive(pid: int) -> bool:
    """True while process ``pid`` exists (also someone else's, which this user may not signal)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


__all__ = ["alive", "children", "descendants"]
