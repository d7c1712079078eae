"""The ``reformkit`` command: a thin layer over the library.

User errors (bad files, unknown kommuner, impossible constraints, missing cache) print one line per problem
on stderr and exit 2, with no traceback. ``--debug`` shows tracebacks for developers.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import ReformkitError
from .fmt import nb_float, nb_int, nb_pct

EPILOG = """\
examples:
  reformkit data import ../shared/data      fill the cache from the offline mirror
  reformkit data status --json               what is cached, with sources
  reformkit evaluate data/scenarios/more-og-romsdal-4.yaml
  reformkit evaluate data/scenarios/reform-2020.yaml --json -
  reformkit project --horizon 2050 --out projection.csv
  reformkit propose --area 15 --centres 4 -o mr-4.yaml
  reformkit propose --area 15 --sweep 8 -o sweep-15.csv
  reformkit render data/scenarios/*.yaml --out reports/ --jobs 2
"""


def _emit_json(doc: dict, dest: str) -> None:
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if dest == "-":
        sys.stdout.write(text + "\n")
    else:
        from ._io import write_text_atomic
        write_text_atomic(dest, text + "\n")


# ---- data ---------------------------------------------------------------------------------------------------
def cmd_data_import(args: argparse.Namespace) -> int:
    """Build the data cache from an offline mirror folder (`reformkit data import DIR`)."""
    from .data.importer import import_mirror
    path = import_mirror(args.directory, progress=not args.quiet)
    return _print_status(path.parent, as_json=False)


def cmd_data_fetch(args: argparse.Namespace) -> int:
    """Fill the data cache from the online sources (`reformkit data fetch`)."""
    from .data.fetch import fetch_all
    result = fetch_all(progress=not args.quiet, only=args.only, mirror=getattr(args, "mirror", None))
    for note in result.get("notes", []):
        print(f"Merk: {note}", file=sys.stderr)
    return _print_status(None, as_json=False)


def cmd_data_status(args: argparse.Namespace) -> int:
    """Print what the data cache holds, and the travel-time calibration (`reformkit data status`)."""
    return _print_status(None, as_json=args.json)


def _print_status(root, as_json: bool) -> int:
    from .data.cache import status
    st = status(root)
    try:  # the travel-time model's calibration error, when the geo module provides it
        from .geo import calibration_report
        st["travel_time_calibration"] = calibration_report()
    except (ImportError, ReformkitError):
        pass
    if as_json:
        _emit_json(st, "-")
        return 0
    print(f"Databuffer: {st['cache']}  (metode: {st['method']}, hentet {st['retrieved']})")
    for borders, c in st["borders"].items():
        y0, y1 = c["population_years"]
        print(f"  {borders}-grenser: {c['kommuner']} kommuner, {c['fylker']} fylker, befolkning {y0}–{y1} "
              f"({nb_int(c['population_latest'])} innbyggere i {y1})")
    if "travel_time_calibration" in st:
        cal = st["travel_time_calibration"]
        print(f"  Reisetidsmodell: gjennomsnittlig avvik {nb_float(cal['mae_minutes'])} min, "
              f"{nb_pct(cal['share_within_15_min'], 0)} innenfor ±15 min (mot BA-regionenes reisetider)")
    for note in st.get("corrections", []):
        print(f"  Korrigert ved import: {note}")
    print("Kilder:")
    for name, d in st["sources"].items():
        print(f"  {name}: {d['attribution']}")
    for name, d in st["extra"].items():
        print(f"  {name} (nettdata): {d.get('attribution', '')}, {d.get('rows', 0)} rader, hentet {d.get('retrieved')}")
    return 0


# ---- model commands (each filled by its module) --------------------------------------------------------------
def cmd_evaluate(args: argparse.Namespace) -> int:
    """Evaluate a scenario file: print the Norwegian summary, optionally write the result JSON."""
    from .evaluate import evaluate, summary_text
    from .scenario import load_scenario
    sc = load_scenario(args.scenario)
    from .data import load_atlas
    res = evaluate(sc, load_atlas(sc.borders))
    if args.json != "-":  # with --json - stdout carries only the document
        sys.stdout.write(summary_text(res))
    if args.json:
        _emit_json(res.to_dict(), args.json)
    return 0


def cmd_project(args: argparse.Namespace) -> int:
    """Project the population of every kommune to a horizon and write it as CSV."""
    from ._io import atomic_path
    from .data import load_atlas
    from .population import project
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
    from .population.notes import ALTERNATIVE_LABELS_NB
    print(f"Framskrevet folkemengde ({ALTERNATIVE_LABELS_NB.get(args.alternative, args.alternative)}, {args.borders}-grenser) for {atlas.kommuner.shape[0]} "
          f"kommuner {y0}–{y1}: {nb_int(totals.iloc[0])} i {y0}, {nb_int(totals.iloc[-1])} i {y1}. "
          f"Skrev {nb_int(len(out))} rader til {args.out}.")
    return 0


def cmd_propose(args: argparse.Namespace) -> int:
    """Propose k centres and blocks for an area (scenario YAML), or sweep k = 1..K (CSV)."""
    from . import load_atlas, propose
    if (args.centres is None) == (args.sweep is None):
        raise ReformkitError("give either --centres K (one proposal) or --sweep K (k = 1..K)")
    bad = [f"{flag} {value}: must be at least {least}" for flag, value, least in (
        ("--centres", args.centres, 1), ("--sweep", args.sweep, 1), ("--min-population", args.min_population, 0),
        ("--max-travel-minutes", args.max_travel_minutes, 0)) if value is not None and value < least]
    if args.time_limit is not None and args.time_limit <= 0:
        bad.append(f"--time-limit {args.time_limit}: must be more than 0 seconds")
    if bad:
        raise ReformkitError("invalid options for propose", bad)
    atlas = load_atlas(borders=args.borders)
    opts = dict(min_population=args.min_population, max_travel_minutes=args.max_travel_minutes,
                fixed_centres=args.fixed_centre, time_limit=args.time_limit)
    travel = None
    if args.travel_matrix:
        from .geo import travel_minutes
        travel = travel_minutes(atlas, matrix_csv=args.travel_matrix)
    if args.sweep is not None:
        table = propose.sweep(atlas, args.area, args.sweep, travel=travel, progress=not args.quiet, **opts)
        from ._io import atomic_path
        with atomic_path(args.out, suffix=".csv") as tmp:
            table.to_csv(tmp, index=False)
        from .propose.output import sweep_display
        print(sweep_display(table).to_string(index=False))
        print(f"Skrev {args.out}")
        return 0
    prop = propose.propose(atlas, args.area, args.centres, travel=travel, **opts)
    prop.write(args.out, atlas)
    print(prop.summary())
    print(f"Skrev scenariet {args.out}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    """Render reports; every failure is listed but never stops the others.

    Exit status: 0 all rendered; 2 when every failure was an invalid scenario file (a user error); 1 otherwise.
    """
    from .report import render_batch
    if args.jobs < 1:
        raise ReformkitError(f"--jobs {args.jobs}: must be at least 1")
    result = render_batch(args.scenarios, args.out, jobs=args.jobs)
    for o in result.outcomes:
        if o.ok:
            print(f"  ok    {o.task.out}  ({nb_int(o.bytes / 1024)} kB, {nb_float(o.seconds)} s)")
        else:
            print(f"  FEIL  {o.task.label}: {o.error}", file=sys.stderr)
    print(f"Indeks: {result.index}")
    if result.failures:
        print(f"reformkit: {len(result.failures)} av {len(result.outcomes)} rapporter feilet", file=sys.stderr)
        return 2 if all(o.bad_input for o in result.failures) else 1
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    """Start the Voilà workshop notebook on a scenario file."""
    import os
    import subprocess

    from .paths import notebook_file, project_dir, scenario_file
    from .scenario import load_scenario
    scenario = Path(args.scenario)
    if not scenario.exists() and scenario.parent == Path("data", "scenarios"):
        # e.g. the default outside a checkout: the project's scenario of that name, else the packaged one
        scenario = scenario_file(scenario.name)
    scenario = scenario.resolve()
    load_scenario(scenario)  # a bad file fails here, with exit 2, before any server starts
    notebook = notebook_file("workshop.ipynb")
    env = {**os.environ, "REFORMKIT_WORKSHOP_SCENARIO": str(scenario)}
    print(f"Arbeidsverksted for {scenario.name}: åpne http://{args.ip}:{args.port}/ i nettleseren "
          f"(Ctrl+C avslutter).", flush=True)
    cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={args.port}", f"--Voila.ip={args.ip}",
           "--no-browser", "--show_tracebacks=False"]
    return subprocess.call(cmd, env=env, cwd=project_dir())


# ---- parser ---------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="reformkit",
        description="Model Norwegian kommune and region reform options: tyngdepunkter, kommuneblokker and "
                    "the two-track reform, with population, map and cost scenarios.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", help="show tracebacks (for developers)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

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
    d = dsub.add_parser("status", help="what is cached: counts, years, sources")
    d.add_argument("--json", action="store_true", help="print the status as JSON")
    d.set_defaults(func=cmd_data_status)

    e = sub.add_parser("evaluate", help="evaluate a scenario file: population, travel times, economy by block")
    e.add_argument("scenario", help="scenario YAML file")
    e.add_argument("--json", metavar="PATH", help="write the result document as JSON to PATH ('-' for stdout)")
    e.set_defaults(func=cmd_evaluate)

    pr = sub.add_parser("project", help="project population by kommune, age and sex")
    pr.add_argument("--horizon", type=int, required=True, help="last projected year, e.g. 2050")
    pr.add_argument("--alternative", default="main", help="projection alternative (main, low, high, zero-migration, ...)")
    pr.add_argument("--by-age", action="store_true", help="keep single-year age and sex (default: totals per kommune and year)")
    pr.add_argument("--borders", type=int, default=2024, choices=[2024, 2019], help="border year (default 2024)")
    pr.add_argument("--out", required=True, help="output CSV path")
    pr.set_defaults(func=cmd_project)

    po = sub.add_parser("propose", help="propose tyngdepunkter and kommuneblokker for a fylke (exact p-median)")
    po.add_argument("--area", required=True, nargs="+", help="fylkesnummer, e.g. 15")
    po.add_argument("--centres", type=int, default=None, help="number of tyngdepunkter (blocks)")
    po.add_argument("--sweep", type=int, default=None, metavar="K",
                    help="instead of one proposal, solve k = 1..K and write the table as CSV to -o")
    po.add_argument("--min-population", type=int, default=None, help="minimum block population")
    po.add_argument("--max-travel-minutes", type=float, default=None, help="maximum travel time to the centre")
    po.add_argument("--fixed-centre", nargs="+", default=[], metavar="KOMMUNE", help="kommuner that must be centres")
    po.add_argument("--time-limit", type=float, default=None,
                    help="solver time limit in seconds per k (default in data/params/propose.yaml: 30)")
    po.add_argument("--travel-matrix", metavar="CSV", default=None,
                    help="real travel times (kommunenummer_from, kommunenummer_to, minutes) instead of the model")
    po.add_argument("--borders", type=int, default=2024, choices=[2024, 2019], help="border year (default 2024)")
    po.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    po.add_argument("-o", "--out", required=True, help="scenario YAML to write (CSV with --sweep)")
    po.set_defaults(func=cmd_propose)

    r = sub.add_parser("render", help="render scenario reports (HTML) with papermill + nbconvert")
    r.add_argument("scenarios", nargs="+", help="scenario YAML files")
    r.add_argument("--out", default="reports", help="output folder (default reports/)")
    r.add_argument("--jobs", type=int, default=1, help="reports rendered in parallel (default 1)")
    r.set_defaults(func=cmd_render)

    w = sub.add_parser("workshop", help="start the live workbench (Voilà) for a workshop",
                       description="Serve the workbench: move kommuner between blocks and tracks in a browser and "
                                   "see population, travel times and the map update at once.")
    w.add_argument("--scenario", default="data/scenarios/more-og-romsdal-4.yaml",
                   help="scenario to start from (default data/scenarios/more-og-romsdal-4.yaml)")
    w.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    w.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    w.set_defaults(func=cmd_workshop)
    return p


def main(argv: list[str] | None = None) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
