"""``reformkit evaluate | project | propose``."""
from __future__ import annotations

import argparse
import sys

from .._io import atomic_path
from ..errors import InfeasibleError, ReformkitError
from ..fmt import nb_int
from .common import count, emit_json, non_negative_float, positive_float, positive_int

#: The library names a constraint by its argument; the command line by its flag.
FLAGS = {"k (centres)": "--centres", "min_population": "--min-population",
         "max_travel_minutes": "--max-travel-minutes", "time_limit": "--time-limit", "fixed_centres": "--fixed-centre"}


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Evaluate a scenario file: print the Norwegian summary, optionally write the result JSON."""
    from .. import narrative
    from ..data import load_atlas
    from ..evaluate import evaluate
    from ..scenario import load_scenario
    sc = load_scenario(args.scenario)
    res = evaluate(sc, load_atlas(sc.borders))
    if args.json != "-":  # with --json - stdout carries only the document
        sys.stdout.write(narrative.summary_text(res))
    if args.json:
        emit_json(narrative.document(res), args.json)
    return 0


def cmd_project(args: argparse.Namespace) -> int:
    """Project the population of every kommune to a horizon and write it as CSV."""
    from ..data import load_atlas
    from ..narrative.labels import ALTERNATIVE
    from ..population import project
    atlas = load_atlas(borders=args.borders)
    proj = project(atlas, horizon=args.horizon, alternative=args.alternative)
    totals = proj.groupby("year", sort=True)["population"].sum()
    if args.by_age:
        out = proj.assign(population=proj["population"].round(2))
    else:
        out = (proj.groupby(["kommunenummer", "year"], sort=True)["population"].sum().round(1).reset_index())
        out.insert(1, "kommunenavn", out["kommunenummer"].map(atlas.kommuner["kommunenavn"]))
    with atomic_path(args.out, suffix=".csv") as tmp:
        out.to_csv(tmp, index=False)
    y0, y1 = int(totals.index[0]), int(totals.index[-1])
    print(f"Framskrevet folkemengde ({ALTERNATIVE.get(args.alternative, args.alternative)}, {args.borders}-grenser) "
          f"for {atlas.kommuner.shape[0]} kommuner {y0}–{y1}: {nb_int(totals.iloc[0])} i {y0}, "
          f"{nb_int(totals.iloc[-1])} i {y1}. Skrev {nb_int(len(out))} rader til {args.out}.")
    return 0


def _check_propose_options(args: argparse.Namespace) -> None:
    # the value of each option is checked by its argparse type (see add_commands)
    if (args.centres is None) == (args.sweep is None):
        raise ReformkitError("give either --centres K (one proposal) or --sweep K (k = 1..K)")


def _flagged(exc: InfeasibleError) -> InfeasibleError:
    """The library's error with its argument names replaced by this command's flags."""
    def swap(text: str) -> str:
        for name, flag in FLAGS.items():
            text = text.replace(name, flag)
        return text
    return InfeasibleError(swap(exc.message), [swap(p) for p in exc.problems])


def cmd_propose(args: argparse.Namespace) -> int:
    """Propose k centres and blocks for an area (scenario YAML), or sweep k = 1..K (CSV)."""
    from .. import geodata, narrative, propose
    from ..data import load_atlas
    from ..scenario import Scenario
    _check_propose_options(args)
    atlas = load_atlas(borders=args.borders)
    propose.area_codes(atlas, args.area)   # an unknown area fails here, before any solving
    opts = dict(min_population=args.min_population, max_travel_minutes=args.max_travel_minutes,
                fixed_centres=args.fixed_centre, time_limit=args.time_limit)
    travel = geodata.travel_minutes(atlas, matrix_csv=args.travel_matrix) if args.travel_matrix else None
    try:
        if args.sweep is not None:
            table = propose.sweep(atlas, args.area, args.sweep, travel=travel, progress=not args.quiet, **opts)
        else:
            prop = propose.propose(atlas, args.area, args.centres, travel=travel, **opts)
    except InfeasibleError as exc:
        raise _flagged(exc) from None
    if args.sweep is not None:
        with atomic_path(args.out, suffix=".csv") as tmp:
            table.to_csv(tmp, index=False)
        print(narrative.sweep_display(table).to_string(index=False))
        print(f"Skrev {args.out}")
        return 0
    Scenario.from_dict(narrative.proposal_scenario(prop, atlas), atlas=atlas, source=str(args.out)).to_yaml(args.out)
    print(narrative.proposal_summary(prop))
    print(f"Skrev scenariet {args.out}")
    return 0


def add_commands(sub) -> None:
    """Add ``evaluate``, ``project`` and ``propose`` to the subcommand parser."""
    e = sub.add_parser("evaluate", help="evaluate a scenario file: population, travel times, economy by block")
    e.add_argument("scenario", help="scenario YAML file")
    e.add_argument("--json", metavar="PATH", help="write the result document as JSON to PATH ('-' for stdout)")
    e.set_defaults(func=cmd_evaluate)

    pr = sub.add_parser("project", help="project population by kommune, age and sex")
    pr.add_argument("--horizon", type=positive_int, required=True, help="last projected year, e.g. 2050")
    pr.add_argument("--alternative", default="main", help="projection alternative (main, low, high, zero-migration, ...)")
    pr.add_argument("--by-age", action="store_true", help="keep single-year age and sex (default: totals per kommune and year)")
    pr.add_argument("--borders", type=int, default=2024, choices=[2024, 2019], help="border year (default 2024)")
    pr.add_argument("--out", required=True, help="output CSV path")
    pr.set_defaults(func=cmd_project)

    po = sub.add_parser("propose", help="propose tyngdepunkter and kommuneblokker for an area (exact p-median)")
    po.add_argument("--area", required=True, nargs="+", metavar="AREA",
                    help="fylkesnummer (15), kommunenummer (1505) or kommune names (Molde); several may be given")
    po.add_argument("--centres", type=positive_int, default=None, help="number of tyngdepunkter (blocks)")
    po.add_argument("--sweep", type=positive_int, default=None, metavar="K",
                    help="instead of one proposal, solve k = 1..K and write the table as CSV to -o")
    po.add_argument("--min-population", type=count, default=None, help="minimum block population")
    po.add_argument("--max-travel-minutes", type=non_negative_float, default=None,
                    help="maximum travel time to the centre")
    po.add_argument("--fixed-centre", nargs="+", default=[], metavar="KOMMUNE", help="kommuner that must be centres")
    po.add_argument("--time-limit", type=positive_float, default=None,
                    help="solver time limit in seconds per k (default in params/propose.yaml: 30)")
    po.add_argument("--travel-matrix", metavar="CSV", default=None,
                    help="real travel times (kommunenummer_from, kommunenummer_to, minutes) instead of the model")
    po.add_argument("--borders", type=int, default=2024, choices=[2024, 2019], help="border year (default 2024)")
    po.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    po.add_argument("-o", "--out", required=True, help="scenario YAML to write (CSV with --sweep)")
    po.set_defaults(func=cmd_propose)
