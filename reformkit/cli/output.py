"""``reformkit render | workshop``."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from ..fmt import nb_float, nb_int
from ..errors import ReformkitError
from .common import port_number, positive_float, positive_int


def cmd_render(args: argparse.Namespace) -> int:
    """Render reports; every failure is listed but never stops the others.

    Exit status: 0 all rendered; 2 a user error (bad option, unwritable --out, and when every failure was an
    invalid scenario file); 1 otherwise; 130 / 143 when Ctrl+C / SIGTERM stopped it (workers, kernels and
    half-written files gone).
    """
    from ..report import Interrupted, render_batch
    if not (args.scenarios or args.fylke or args.kommune):
        raise ReformkitError("ingenting å lage: gi scenariofiler, --fylke eller --kommune")
    try:
        if args.kostra and not args.kommune:
            raise ReformkitError("--kostra gjelder kommuneprofiler: gi også --kommune")
        result = render_batch(args.scenarios, args.out, jobs=args.jobs, fylker=args.fylke or (),
                              kommuner=args.kommune or (), borders=args.borders, force=args.force,
                              kostra=args.kostra)
    except Interrupted as exc:
        what = "Ctrl+C" if exc.signum == signal.SIGINT else "SIGTERM"
        print(f"reformkit: avbrutt ({what}); {exc.done} av {exc.total} rapporter ble ferdige, ingen halvferdige "
              f"filer er igjen", file=sys.stderr)
        return exc.exit_code
    for o in result.outcomes:
        if o.skipped:
            print(f"  uendret {o.task.out}")
        elif o.ok:
            print(f"  ok    {o.task.out}  ({nb_int(o.bytes / 1024)} kB, {nb_float(o.seconds)} s)")
        else:
            print(f"  FEIL  {o.task.label}: {o.error}", file=sys.stderr)
    print(f"Indeks: {result.index}")
    if result.failures:
        print(f"reformkit: {len(result.failures)} av {len(result.outcomes)} rapporter feilet", file=sys.stderr)
        return 2 if all(o.bad_input for o in result.failures) else 1
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    """Serve the workshop notebook with Voilà on a scenario file (see :mod:`reformkit.workbench.server`)."""
    import os

    from ..paths import notebook_file, project_dir, scenario_file
    from ..scenario import load_scenario
    from ..workbench import server
    scenario = Path(args.scenario_pos or args.scenario)
    if not scenario.exists() and scenario.parent == Path("data", "scenarios"):
        # e.g. the default outside a checkout: the project's scenario of that name, else the packaged one
        scenario = scenario_file(scenario.name)
    scenario = scenario.resolve()
    load_scenario(scenario)  # a bad file fails here, with exit 2, before any server starts
    folder = Path(args.folder).resolve()
    if not folder.is_dir():
        raise ReformkitError(f"--folder {args.folder}: not a folder")
    env = {**os.environ, "REFORMKIT_WORKSHOP_SCENARIO": str(scenario), "REFORMKIT_WORKSHOP_FOLDER": str(folder),
           server.ENV_HOSTS: ",".join(args.allow_host or []), "JUPYTER_PATH": server.jupyter_path()}
    cmd = server.voila_args(notebook_file("workshop.ipynb"), port=args.port, ip=args.ip,
                            idle_minutes=args.idle_minutes, closed_seconds=args.closed_seconds)
    print(f"Arbeidsverksted for {scenario.name}: åpne http://{args.ip}:{args.port}/ i nettleseren. Lagrede filer "
          f"havner i {folder}. Ctrl+C avslutter.", flush=True)
    return server.serve(cmd, env, project_dir())


def add_commands(sub) -> None:
    """Add ``render`` and ``workshop`` to the subcommand parser."""
    r = sub.add_parser("render", help="render reports (HTML, Excel, SVG/PNG) with papermill + nbconvert",
                       description="Render scenario reports (with a county overview per fylke of their area and a "
                                   "comparison of scenarios of the same area), county overviews and kommune "
                                   "profiles. A report whose inputs did not change since it was rendered into "
                                   "--out is not rendered again; index.html lists every report of the folder.",
                       epilog="examples:\n  reformkit render data/scenarios/*.yaml --out reports --jobs 2\n"
                              "  reformkit render --fylke 15 46\n  reformkit render --fylke all --jobs 2\n"
                              "  reformkit render --kommune 1837 Meløy",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("scenarios", nargs="*", help="scenario YAML files")
    r.add_argument("--fylke", nargs="+", metavar="FYLKE", help="county overviews: fylkesnummer or name, or 'all'")
    r.add_argument("--kommune", nargs="+", metavar="KOMMUNE", help="kommune profiles: kommunenummer or name")
    r.add_argument("--kostra", metavar="CSV", help="a filled KOSTRA file for the kommune profiles' beste praksis "
                                                  "(`reformkit kostra template`)")
    r.add_argument("--borders", type=int, default=2024, choices=(2019, 2024),
                   help="borders of --fylke and --kommune (default 2024)")
    r.add_argument("--out", default="reports", help="output folder (default reports/)")
    r.add_argument("--jobs", type=positive_int, default=1, help="reports rendered in parallel (default 1)")
    r.add_argument("--force", action="store_true", help="render every report, even those whose inputs are unchanged")
    r.set_defaults(func=cmd_render)

    w = sub.add_parser("workshop", help="start the live workbench (Voilà) for a workshop",
                       description="Serve the workbench: move kommuner between blocks and tracks in a browser and "
                                   "see population, travel, criteria and money update at once. Saved files go to --folder, never "
                                   "into the package.")
    w.add_argument("scenario_pos", nargs="?", metavar="SCENARIO",
                   help="scenario to start from (default data/scenarios/more-og-romsdal-4.yaml)")
    w.add_argument("--scenario", default="data/scenarios/more-og-romsdal-4.yaml", help=argparse.SUPPRESS)
    w.add_argument("--port", type=port_number, default=8866, help="port, 1-65535 (default 8866)")
    w.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    w.add_argument("--allow-host", action="append", metavar="NAME",
                   help="another host name the browser may use (repeatable; localhost and the --ip are allowed; "
                        "requests naming any other host are refused)")
    w.add_argument("--folder", default=".", help="working folder where saved scenarios and reports go "
                                                 "(default: the current directory)")
    w.add_argument("--idle-minutes", type=positive_float, default=120,
                   help="stop a kernel left idle this long with its tab open (default 120)")
    w.add_argument("--closed-seconds", type=positive_int, default=60,
                   help="stop a kernel this many seconds after its browser tab closed (default 60)")
    w.set_defaults(func=cmd_workshop)
