"""The ``reformkit`` command: a thin layer over the library.

User errors (bad files, unknown kommuner, impossible constraints, missing cache) print one line per problem
on stderr and exit 2, with no traceback. ``--debug`` shows tracebacks for developers. The commands live in
:mod:`.data` (data import/fetch/status), :mod:`.model` (evaluate, project, propose), :mod:`.travel`
(travel), :mod:`.kostra` (the KOSTRA file for beste praksis) and :mod:`.output` (render, workshop); each module
adds its own subcommands to the parser.
"""
from __future__ import annotations

import argparse
import sys

from ..errors import ReformkitError
from . import data, kostra, model, output, travel

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
    """Run the command line; returns the exit status (0 ok, 1 a failure, 2 a user error, 130 interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)
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
    except KeyboardInterrupt:
        print("reformkit: avbrutt", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
