"""Geography of kommuner as pure functions: the neighbour graph, graph connectivity, administrative centres,
the road network and travel times over it, and their calibration. Nothing here reads files or knows the
Atlas; :mod:`reformkit.geodata` feeds it the tables.

* :mod:`.neighbours` — which kommuner border each other (land, sea links, joined islands);
* :mod:`.graph` — connectivity with scipy's csgraph;
* :mod:`.centres` — each kommune's centre at its administrative centre (N1000 place names);
* :mod:`.roads` — a routable graph from the N1000 road links (speeds, ferries, islands);
* :mod:`.routing` — the travel-time matrix between centres, and one route;
* :mod:`.calibration` — fitting the speed factors to the BA-regions' travel times, and the accuracy;
* :mod:`.matrix` — real travel times supplied by the user (``--travel-matrix``).
"""
from ..data.crs import METRIC_CRS, WEB_CRS
from .calibration import accuracy, ba_centre_flags, ba_errors, ba_pairs, fit, known_trip_errors, write_fitted
from .centres import admin_centres, normalise_name
from .graph import adjacency_matrix, component_labels, from_lists, is_connected, reachable
from .matrix import MATRIX_COLUMNS, apply_matrix, read_travel_matrix
from .neighbours import adjacency_lists, centre_points, neighbour_graph
from .roads import RoadGraph, road_graph
from .routing import route, travel_matrix

__all__ = ["METRIC_CRS", "WEB_CRS", "accuracy", "ba_centre_flags", "ba_errors", "ba_pairs", "fit",
           "known_trip_errors", "write_fitted", "admin_centres", "normalise_name", "adjacency_matrix",
           "component_labels", "from_lists", "is_connected", "reachable", "MATRIX_COLUMNS", "apply_matrix",
           "read_travel_matrix", "adjacency_lists", "centre_points", "neighbour_graph", "RoadGraph", "road_graph",
           "route", "travel_matrix"]
