"""Geography of kommuner as pure functions: centre points, the neighbour graph, graph connectivity and travel
times. Nothing here reads files or knows the Atlas; :mod:`reformkit.derived` feeds it the tables."""
from ..data.crs import METRIC_CRS, WEB_CRS
from .graph import adjacency_matrix, component_labels, from_lists, is_connected, reachable
from .matrix import MATRIX_COLUMNS, apply_matrix, read_travel_matrix
from .neighbours import adjacency_lists, centre_points, neighbour_graph
from .travel import (TRAVEL_PARAMS, ba_centre_flags, calibrate, calibration_error, distance_km, model_minutes,
                     write_travel_params)

__all__ = ["METRIC_CRS", "WEB_CRS", "adjacency_matrix", "component_labels", "from_lists", "is_connected",
           "reachable", "MATRIX_COLUMNS", "apply_matrix", "read_travel_matrix", "adjacency_lists", "centre_points",
           "neighbour_graph", "TRAVEL_PARAMS", "ba_centre_flags", "calibrate", "calibration_error", "distance_km",
           "model_minutes", "write_travel_params"]
