"""Helpers shared by the subcommands: JSON output, option types, terminal-safe output, SIGTERM as an interrupt."""
from __future__ import annotations

import argparse
import contextlib
import math
import sys
from typing import Callable, Iterator, TextIO

from .._io import json_text, sigterm_raises, write_text_atomic
from ..fmt import terminal_safe


def emit_json(doc: dict, dest: str) -> None:
    """Write ``doc`` as indented JSON to ``dest`` (a path, written atomically, or ``-`` for stdout).

    NaN and infinity are refused with a ReformkitError naming ``dest`` and the value (nothing is written).
    """
    text = json_text(doc, "standard output" if dest == "-" else dest)
    if dest == "-":
        sys.stdout.write(text + "\n")
    else:
        write_text_atomic(dest, text + "\n")


# ---- option types: argparse reports a bad value as "argument --port: ..." with exit status 2 ---------------------
def _number_type(kind: type, low: float | None, high: float | None, what: str) -> Callable[[str], float]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value
    parse.__name__ = what   # argparse names the type in some messages
    return parse


#: A TCP port.
port_number = _number_type(int, 1, 65535, "a port number from 1 to 65535")
#: A count of at least one (``--jobs``, ``--centres``, ``--sweep``).
positive_int = _number_type(int, 1, None, "a whole number of at least 1")
#: A count of zero or more (``--min-population``).
count = _number_type(int, 0, None, "a whole number of 0 or more")
#: A finite number above zero (``--time-limit``).
positive_float = _number_type(float, 1e-9, None, "a finite number above 0")
#: A finite number of zero or more (``--max-travel-minutes``).
non_negative_float = _number_type(float, 0, None, "a finite number of 0 or more")


# ---- terminal-safe output ---------------------------------------------------------------------------------------
class _SafeStream:
    """A text stream whose writes pass through :func:`reformkit.fmt.terminal_safe` (``keep`` controls stay)."""

    def __init__(self, stream: TextIO, keep: str):
        self._stream, self._keep = stream, keep

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text, self._keep))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    """Everything the command prints loses terminal escape codes and control characters that came from files
    or data (names, messages quoting them); stderr keeps carriage returns for progress bars."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(out, "\n\t"), _SafeStream(err, "\n\t\r")
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


# ---- SIGTERM ----------------------------------------------------------------------------------------------------
class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl+C so every ``finally`` on the way out removes what it had half written."""


def sigterm_interrupts() -> contextlib.AbstractContextManager[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (main thread only; elsewhere nothing changes)."""
    return sigterm_raises(Terminated)
