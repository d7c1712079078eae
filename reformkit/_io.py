"""File input and output: bounded reads of user files, and atomic writes (a temporary file renamed over the target).

Every file a user hands to reformkit (a scenario, a travel-time CSV, a project's parameter file, a mirror
file) is read through :func:`read_bytes_limited`: it refuses anything that is not a regular file (a FIFO would
block forever, ``/dev/zero`` never ends) and reads at most the limit plus one byte, whatever ``st_size``
says, so a wrong file costs at most the limit in memory.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import ReformkitError


#: Kinds of non-regular files, by the ``stat`` test that recognises them, for the refusal message.
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is ("a named pipe (FIFO)", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def _size_text(n: int) -> str:
    return f"{n / 1e6:.3g} MB" if n >= 1_000_000 else f"{n / 1e3:.3g} kB" if n >= 1000 else f"{n} bytes"


def read_bytes_limited(path: str | os.PathLike, limit: int, what: str = "file",
                       error: type[ReformkitError] = ReformkitError) -> bytes:
    """The bytes of the regular file ``path``, refusing more than ``limit`` bytes.

    Raises ``error`` (a :class:`ReformkitError` subclass) naming the path and the fault: missing, a folder, a
    FIFO/device/socket (refused before opening where possible, and checked again on the open descriptor),
    larger than ``limit`` (counted while reading, not trusted from ``st_size``), or unreadable. ``what`` names
    the kind of file in messages ("scenario file", "travel-time matrix").
    """
    path = Path(path)
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind:
            raise error(f"{path}: is {kind}, not a regular file; give a {what}")
        # O_NONBLOCK: opening a FIFO swapped in after the check must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind:
            raise error(f"{path}: is {kind}, not a regular file; give a {what}")
        chunks, size = [], 0
        try:
            while size <= limit:
                chunk = handle.read(min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError as exc:
            raise error(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    if size > limit:
        raise error(f"{path}: more than {_size_text(limit)}; a {what} is at most {_size_text(limit)} "
                    f"(is it the right file?)")
    return b"".join(chunks)


def read_text_limited(path: str | os.PathLike, limit: int, what: str = "file",
                      error: type[ReformkitError] = ReformkitError) -> str:
    """:func:`read_bytes_limited` decoded as UTF-8 (a byte-order mark is dropped); ``error`` if it is not UTF-8."""
    raw = read_bytes_limited(path, limit, what, error)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not a UTF-8 text file (byte {exc.start} cannot be decoded)") from None


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


#: Characters JSON leaves raw with ``ensure_ascii=False`` that a terminal may act on (C1 controls such as
#: U+009B CSI) or that reorder text (bidirectional overrides, line separators); written as \\u escapes.
_JSON_UNSAFE = re.compile("[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _non_finite(node: Any, path: str = "$") -> str | None:
    """The path of the first NaN or infinite number in a JSON-like document, or None."""
    if isinstance(node, float) and not math.isfinite(node):
        return f"{path} = {node}"
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, (list, tuple)) else ()
    for key, value in items:
        found = _non_finite(value, f"{path}.{key}" if isinstance(node, dict) else f"{path}[{key}]")
        if found:
            return found
    return None


def json_text(doc: Any, where: str, indent: int | None = 2) -> str:
    """``doc`` as strict JSON text: NaN and infinity are refused (JSON has no such numbers; a bare ``NaN``
    breaks other readers), with a ReformkitError naming ``where`` (the output) and the value's path.
    Non-ASCII text stays readable; control and bidirectional characters are escaped."""
    try:
        text = json.dumps(doc, indent=indent, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise ReformkitError(f"{where}: the result holds a number that is not finite ({_non_finite(doc)}); "
                             f"nothing was written") from None
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_json_atomic(target: str | os.PathLike, doc: Any, indent: int | None = 2) -> Path:
    """Write ``doc`` as strict JSON (:func:`json_text`) to ``target`` atomically; nothing is written on error."""
    return write_text_atomic(target, json_text(doc, str(target), indent) + "\n")


@contextlib.contextmanager
def signals_deferred(signums: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """Hold Ctrl+C and SIGTERM while the block runs (e.g. two renames that swap a folder in), then act on the
    first that came. Only the main thread can set handlers; elsewhere the block runs as is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    old = {n: signal.getsignal(n) for n in signums}
    old = {n: h for n, h in old.items() if h is not None}   # a handler not set from Python cannot be restored
    for n in old:
        signal.signal(n, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for n, handler in old.items():
            signal.signal(n, handler)
        if caught:
            signal.raise_signal(caught[0])


@contextlib.contextmanager
def sigterm_raises(error: Callable[[], BaseException]) -> Iterator[None]:
    """While the block runs, SIGTERM raises ``error()`` (main thread only: signal handlers can only be set there,
    and a library caller in another thread keeps its own handling). The previous handler comes back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise error()
    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old if old is not None else signal.SIG_DFL)
