"""The ``reformkit`` command: a thin layer over the library.

User errors (bad files, unknown kommuner, impossible constraints, missing cache, bad option values) print one
line per problem on stderr and exit 2, with no traceback. ``--debug`` shows tracebacks for developers. Ctrl+C
and SIGTERM stop a command cleanly (what it was writing is removed) with one line and exit 130 / 143.
Everything printed passes through :func:`reformkit.fmt.terminal_safe`, so names from files or data cannot
send escape codes to the terminal. The commands live in
:mod:`.data` (data import/fetch/status), :mod:`.model` (evaluate, project, propose), :mod:`.travel`
(travel), :mod:`.kostra` (the KOSTRA file for beste praksis) and :mod:`.output` (render, workshop); each module
adds its own subcommands to the parser.
"""
from __future__ import annotations

import argparse
import sys

from ..errors import ReformkitError
from . import data, kostra, model, output, travel
from .common import Terminated, safe_output, sigterm_interrupts

EPILOG = """\
examples:
  reformkit data import ../shared/data      fill the cache from the offline mirror
  reformkit data status --json               what is cached, with sources
  reformkit evaluate data/scenarios/more-og-romsdal-4.yaml
  reformkit evaluate data/scenarios/reform-2020.yaml --json -
  reformkit project --horizon 2050 --out projection.csv
  reformkit propose --area 15 --centres 4 -o mr-4.yaml
  reformkit propose --area Molde Aukra Hustadvika --centres 1 -o molde.yaml
  reformkit propose --area 15 --sweep 8 -o sweep-15.csv
  reformkit travel --from Molde --to Ålesund
  reformkit travel --matrix reisetider.csv
  reformkit kostra template --kommune 1837 --references 1563 1840 5027 -o kostra.csv
  reformkit kostra check kostra.csv
  reformkit render data/scenarios/*.yaml --out reports/ --jobs 2
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(
        prog="reformkit",
        description="Model Norwegian kommune and region reform options: tyngdepunkter, kommuneblokker and "
                    "the two-track reform, with population, map and cost scenarios.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", help="show tracebacks (for developers)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (data, model, travel, kostra, output):
        module.add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 a failure, 2 a user error, 130 interrupted by
    Ctrl+C, 143 by SIGTERM)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:   # --help (0) or a bad option value (2): argparse has printed the line why
        return exc.code if isinstance(exc.code, int) else 2
    with safe_output(), sigterm_interrupts():
        try:
            return int(args.func(args) or 0)
        except ReformkitError as exc:
            if args.debug:
                raise
            print(f"reformkit: {exc.message}", file=sys.stderr)
            if exc.problems != [exc.message]:
                for problem in exc.problems:
                    print(f"  - {problem}", file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            print(f"reformkit: avbrutt ({'SIGTERM' if terminated else 'Ctrl+C'}); det som ble skrevet halvveis, "
                  f"er fjernet", file=sys.stderr)
            return 143 if terminated else 130
        except BrokenPipeError:
            return 0
