"""Re-fit the road travel-time model to the BA-regions' travel times and rewrite the fitted values in roads.yaml.

    PYTHONPATH=. REFORMKIT_DATA_DIR=... .venv/bin/python scripts/calibrate_roads.py \
        [--dry-run] [--keep-ferry-wait] [--loss minutes]

Fits the parameters in reformkit.geo.calibration.FREE on the calibration half of the BA trips (least absolute
relative error), prints the held-out error, and writes the values with the date (unless --dry-run).
"""
from __future__ import annotations

import time

from _roads_inputs import centres_for, parser, read_inputs

from reformkit.geo import calibration as cal
from reformkit.geo.roads import road_graph


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="print the fit, do not write roads.yaml")
    p.add_argument("--keep-ferry-wait", action="store_true", help="do not fit ferry.car_wait_min; keep its value")
    p.add_argument("--loss", choices=("relative", "minutes"), default="relative")
    args = p.parse_args()
    inputs = read_inputs()
    kommuner, centres = centres_for(2024, inputs)
    graph = road_graph(inputs["roads"], inputs["params"], builtup=inputs["builtup"])
    pairs = cal.ba_pairs(kommuner)
    free = tuple(f for f in cal.FREE if not (args.keep_ferry_wait and f == "ferry.car_wait_min"))
    t0 = time.perf_counter()
    result = cal.fit(graph, centres["centre"], pairs, free=free, loss=args.loss)
    print(f"fit in {time.perf_counter() - t0:.0f} s on {result['n_trips']} trips: {result['values']} "
          f"(loss {result['loss']})")
    acc = cal.accuracy(graph, centres["centre"], pairs, inputs["known"], result["params"])
    held = acc["held_out"]
    print("held-out:", held, "\nknown trips:", acc["known_summary"])
    if not args.dry_run:
        note = (f" Held-out half: {held['n']} trips, mean absolute error {held['mae_min']} min, "
                f"{held['share_within_15_min']:.0%} within 15 min.")
        print("wrote", cal.write_fitted(result, note=note))


if __name__ == "__main__":
    main()
