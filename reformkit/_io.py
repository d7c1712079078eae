"""Atomic file output: write to a temporary file beside the target, then rename over it."""
from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import ReformkitError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it onto ``target``.

    If the block raises, the temporary file is removed and ``target`` is left as it was. The file gets the
    mode a plain ``open(..., "w")`` would give it (temporary files are created private). A target that
    cannot be written (a folder, a read-only place) is a user error naming the path.
    """
    target = Path(target)
    if target.is_dir():
        raise ReformkitError(f"{target}: is a folder; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=target.parent)
    except OSError as exc:
        raise ReformkitError(f"{target}: cannot write ({exc.strerror or exc})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(target)


def write_bytes_atomic(target: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def json_number(value: float | None, digits: int = 2) -> float | None:
    """A number for a JSON document: rounded to ``digits``, None/NaN -> None (null), -0.0 -> 0.0.

    >>> json_number(3.14159), json_number(-0.001), json_number(float("nan")), json_number(1234.5, 0)
    (3.14, 0.0, None, 1234.0)
    """
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
