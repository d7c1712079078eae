"""``reformkit data import | fetch | status``."""
from __future__ import annotations

import argparse
import sys

from ..errors import ReformkitError
from ..fmt import nb_float, nb_int, nb_pct
from .common import emit_json


def cmd_data_import(args: argparse.Namespace) -> int:
    """Build the data cache from an offline mirror folder (`reformkit data import DIR`)."""
    from ..data.importer import import_mirror
    path = import_mirror(args.directory, progress=not args.quiet)
    return _print_status(path.parent, as_json=False)


def cmd_data_fetch(args: argparse.Namespace) -> int:
    """Fill the data cache from the online sources (`reformkit data fetch`)."""
    from ..data.fetch import fetch_all
    result = fetch_all(progress=not args.quiet, only=args.only, mirror=getattr(args, "mirror", None))
    for note in result.get("notes", []):
        print(f"Merk: {note}", file=sys.stderr)
    return _print_status(None, as_json=False)


def cmd_data_status(args: argparse.Namespace) -> int:
    """Print what the data cache holds, and the travel-time calibration (`reformkit data status`)."""
    return _print_status(None, as_json=args.json)


def derived_status(root) -> dict:
    """Figures of the derived datasets (built now if needed): neighbour links and how each kommune's centre was
    found, per border year, and the road travel model's measured accuracy."""
    from .. import geodata
    from ..data import load_atlas
    from ..data.cache import BORDER_YEARS
    out: dict = {"neighbour_links": {}, "centre_methods": {}}
    for borders in BORDER_YEARS:
        atlas = load_atlas(borders, root)
        out["neighbour_links"][str(borders)] = geodata.neighbours(atlas)["kind"].value_counts().to_dict()
        out["centre_methods"][str(borders)] = geodata.centre_table(atlas)["method"].value_counts().to_dict()
        if borders == 2024:
            out["travel_accuracy"] = {k: v for k, v in geodata.travel_accuracy(atlas).items() if k != "known"}
    return out


def _print_travel(st: dict) -> None:
    acc = st["travel_accuracy"]
    for name, label in (("held_out", "alle"), ("held_out_long", "over 45 min"), ("held_out_ferry", "med ferje")):
        e = acc[name]
        print(f"  Reisetid mot BA-regionene, holdt utenfor kalibreringen, {label} ({e['n']} reiser): gjennomsnittlig "
              f"avvik {nb_float(e['mae_min'])} min, median {nb_float(e['median_abs_min'])} min, "
              f"{nb_pct(e['share_within_15_min'], 0)} innenfor ±15 min")
    k = acc["known_summary"]
    if k:
        print(f"  Reisetid mot {k['n']} publiserte kjøretider: medianavvik {nb_float(k['median_abs_pct'])} %, "
              f"største {nb_float(k['max_abs_pct'])} %; 100–250 km ({k['n_100_250_km']}): median "
              f"{nb_float(k['median_abs_pct_100_250_km'])} %, største {nb_float(k['max_abs_pct_100_250_km'])} %")


def _print_status(root, as_json: bool) -> int:
    from ..data.cache import status
    st = status(root)
    st.update(derived_status(root))
    if as_json:
        emit_json(st, "-")
        return 0
    print(f"Databuffer: {st['cache']}  (metode: {st['method']}, hentet {st['retrieved']})")
    for borders, c in st["borders"].items():
        y0, y1 = c["population_years"]
        links = st["neighbour_links"].get(borders, {})
        print(f"  {borders}-grenser: {c['kommuner']} kommuner, {c['fylker']} fylker, befolkning {y0}–{y1} "
              f"({nb_int(c['population_latest'])} innbyggere i {y1}); nabogrenser: {links.get('land', 0)} over "
              f"land, {links.get('sea', 0)} over sjø, {links.get('joined', 0)} skjøtet")
    for borders, methods in st["centre_methods"].items():
        print(f"  Kommunesentre ({borders}): " + ", ".join(f"{m} {n}" for m, n in methods.items()))
    _print_travel(st)
    for note in st.get("corrections", []):
        print(f"  Korrigert ved import: {note}")
    print("Kilder:")
    for name, d in st["sources"].items():
        print(f"  {name}: {d['attribution']}")
    for name, d in st["extra"].items():
        print(f"  {name} (nettdata): {d.get('attribution', '')}, {d.get('rows', 0)} rader, hentet {d.get('retrieved')}")
    return 0


def add_commands(sub) -> None:
    """Add ``data import | fetch | status`` to the subcommand parser."""
    data = sub.add_parser("data", help="fill and inspect the data cache")
    dsub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    d = dsub.add_parser("import", help="import an offline mirror laid out like ../shared/data")
    d.add_argument("directory", help="the mirror's folder, e.g. ../shared/data")
    d.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    d.set_defaults(func=cmd_data_import)
    d = dsub.add_parser("fetch", help="download the datasets from SSB and Kartverket/Geonorge (needs internet)")
    d.add_argument("--only", nargs="+", metavar="DATASET", help="fetch only these datasets")
    d.add_argument("--mirror", metavar="DIR", help="offline mirror for the parts with no online source "
                                                   "(2019 polygons, BA-regions); default: the current cache")
    d.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    d.set_defaults(func=cmd_data_fetch)
    d = dsub.add_parser("status", help="what is cached: counts, years, sources, neighbour links, travel model")
    d.add_argument("--json", action="store_true", help="print the status as JSON")
    d.set_defaults(func=cmd_data_status)


__all__ = ["add_commands", "ReformkitError"]
