"""``reformkit travel``: one trip between two kommuner, or the whole travel-time matrix as CSV."""
from __future__ import annotations

import argparse

from .._io import atomic_path
from ..errors import ReformkitError
from ..fmt import nb_float, nb_int


def _code(atlas, ref: str, what: str) -> str:
    from ..scenario import kommune_index
    res = kommune_index(atlas).resolve(ref)
    if res.code is None:
        raise ReformkitError(f"{what} {ref}: {res.problem}")
    return res.code


def _minutes_text(minutes: float) -> str:
    hours, mins = divmod(int(round(minutes)), 60)
    return f"{hours} t {mins} min" if hours else f"{mins} min"


def cmd_travel(args: argparse.Namespace) -> int:
    """Print one trip (``--from``/``--to``) or write the matrix (``--matrix FILE.csv``)."""
    from .. import geodata
    from ..data import load_atlas
    if bool(args.matrix) == bool(args.origin or args.destination) or (args.origin is None) != (args.destination is None):
        raise ReformkitError("give either --from NAME --to NAME (one trip) or --matrix FILE.csv (every pair)")
    atlas = load_atlas(borders=args.borders)
    if args.matrix:
        table = geodata.travel_table(atlas)
        long = table["minutes"].stack().rename("minutes").reset_index()
        long.columns = ["kommunenummer_from", "kommunenummer_to", "minutes"]
        long["minutes"] = long["minutes"].round(1)
        long["km"] = table["km"].stack().round(1).to_numpy()
        long["ferries"] = table["ferries"].stack().to_numpy()
        long = long[long["kommunenummer_from"] != long["kommunenummer_to"]]
        with atomic_path(args.matrix, suffix=".csv") as tmp:
            long.to_csv(tmp, index=False)
        print(f"Skrev reisetider for {nb_int(len(long))} kommunepar ({args.borders}-grenser) til {args.matrix}; "
              f"filen kan brukes med --travel-matrix.")
        return 0
    a, b = _code(atlas, args.origin, "--from"), _code(atlas, args.destination, "--to")
    trip = geodata.trip(atlas, a, b)
    names = geodata.centre_table(atlas)["centre_name"]
    ferries = trip["ferries"]
    print(f"{names[a]} ({atlas.kommuner.at[a, 'kommunenavn_kort']}) → {names[b]} "
          f"({atlas.kommuner.at[b, 'kommunenavn_kort']}): {_minutes_text(trip['minutes'])} med bil, "
          f"{nb_float(trip['km'], 0)} km, {ferries} {'ferje' if ferries == 1 else 'ferjer'}")
    return 0


def add_commands(sub) -> None:
    """Add ``travel`` to the subcommand parser."""
    t = sub.add_parser("travel", help="car travel time between two kommuner, or the whole matrix as CSV",
                       description="Travel times over Kartverket's N1000 road network between the kommuner's "
                                   "administrative centres (see `reformkit data status` for the model's accuracy).")
    t.add_argument("--from", dest="origin", metavar="NAME", help="kommune name or number, e.g. Molde")
    t.add_argument("--to", dest="destination", metavar="NAME", help="kommune name or number, e.g. Ålesund")
    t.add_argument("--matrix", metavar="FILE.csv",
                   help="write every pair (kommunenummer_from, kommunenummer_to, minutes, km, ferries); "
                        "the format --travel-matrix reads")
    t.add_argument("--borders", type=int, default=2024, choices=[2024, 2019], help="border year (default 2024)")
    t.set_defaults(func=cmd_travel)
