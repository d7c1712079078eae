"""``reformkit kostra template | check``: the KOSTRA file a user fills in for beste praksis.

The format is documented in :mod:`reformkit.data.kostra_csv`; the kommune profile
(``notebooks/kommune_profile.ipynb``, parameter ``kostra_csv``) reads it when KOSTRA has not been fetched.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ReformkitError
from ..fmt import nb_int


def _resolve(atlas, refs: list[str], flag: str) -> list[str]:
    """Kommune numbers of names or numbers, each once; every unknown one is listed (exit 2)."""
    from ..propose import resolve_kommuner
    return resolve_kommuner(atlas, refs, [], atlas.codes, flag)


def cmd_template(args: argparse.Namespace) -> int:
    """Write the empty template for the kommune and its reference kommuner."""
    from ..data import load_atlas
    from ..data.kostra_csv import write_kostra_template
    out = Path(args.out)
    if out.exists() and not args.force:
        raise ReformkitError(f"{out}: the file exists (it may hold figures someone filled in); give --force to "
                             f"overwrite it or choose another name")
    atlas = load_atlas(borders=2024)
    codes = _resolve(atlas, [args.kommune], "--kommune") + [
        c for c in _resolve(atlas, args.references or [], "--references") if c != args.kommune]
    codes = list(dict.fromkeys(codes))
    names = atlas.kommuner["kommunenavn_kort"].astype(str)
    write_kostra_template(out, [(c, names[c]) for c in codes], args.year)
    others = len(codes) - 1
    print(f"Skrev KOSTRA-mal for {names[codes[0]]}" + (f" og {others} referansekommune{'r' if others > 1 else ''}"
                                                       if others else "")
          + f" til {out}. Fyll inn kr_per_inhabitant (utgiftskorrigerte netto driftsutgifter per innbygger, kr)"
          + ("" if args.year else " og year (KOSTRA-året)")
          + f" for hvert tjenesteområde, og sjekk filen med `reformkit kostra check {out}`.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check a filled file: every problem on its own line (exit 2), or what it holds."""
    from ..data import load_atlas
    from ..data.kostra_csv import read_kostra_csv
    atlas = load_atlas(borders=2024)
    frame = read_kostra_csv(args.file, known=set(atlas.codes))
    if args.kommune:
        code = _resolve(atlas, [args.kommune], "--kommune")[0]
        if not (frame["kommunenummer"] == code).any():
            raise ReformkitError(f"{args.file}: no figures for kommune {code}; the profile needs them for beste praksis")
    if frame.empty:
        raise ReformkitError(f"{args.file}: no figures yet (every kr_per_inhabitant is empty)")
    years = sorted(int(y) for y in frame["year"].unique())
    print(f"{args.file} er i orden: {nb_int(len(frame))} tall for {frame['kommunenummer'].nunique()} kommuner og "
          f"{frame['service_area'].nunique()} tjenesteområder (KOSTRA-år {', '.join(map(str, years))}).")
    return 0


def add_commands(sub) -> None:
    """Add ``kostra template`` and ``kostra check`` to the subcommand parser."""
    k = sub.add_parser("kostra", help="the KOSTRA file for beste praksis: write the template, check a filled one",
                       description="When KOSTRA has not been fetched (`reformkit data fetch --only kostra`), the "
                                   "kommune profile reads expenditure-corrected net operating expenditure per "
                                   "inhabitant from a CSV file: one row per kommune and service area, columns "
                                   "kommunenummer, kommunenavn, service_area, year, kr_per_inhabitant.")
    ksub = k.add_subparsers(dest="kostra_command", metavar="ACTION", required=True)
    t = ksub.add_parser("template", help="write the empty template for a kommune and its reference kommuner")
    t.add_argument("--kommune", required=True, metavar="NAME", help="the kommune (name or number), e.g. 1837")
    t.add_argument("--references", nargs="+", metavar="NAME", help="reference kommuner, e.g. 1563 1840 5027")
    t.add_argument("--year", type=int, help="fill in this KOSTRA year (default: left empty for the user)")
    t.add_argument("-o", "--out", required=True, metavar="FILE.csv", help="the file to write")
    t.add_argument("--force", action="store_true", help="overwrite an existing file")
    t.set_defaults(func=cmd_template)
    c = ksub.add_parser("check", help="check a filled file; each problem is printed with its row and column")
    c.add_argument("file", metavar="FILE.csv")
    c.add_argument("--kommune", metavar="NAME", help="also require figures for this kommune")
    c.set_defaults(func=cmd_check)
