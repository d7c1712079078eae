"""Geography of kommuner: centre points, the neighbour graph and travel times (see the modules)."""
from .neighbours import METRIC_CRS, adjacency_lists, centre_points, neighbour_graph
from .travel import (MATRIX_COLUMNS, TRAVEL_PARAMS, ba_centre_flags, calibrate, calibration_report, distance_km,
                     model_minutes, read_travel_matrix, travel_minutes, travel_params, write_travel_params)

__all__ = ["METRIC_CRS", "adjacency_lists", "centre_points", "neighbour_graph", "MATRIX_COLUMNS", "TRAVEL_PARAMS",
           "ba_centre_flags", "calibrate", "calibration_report", "distance_km", "model_minutes", "read_travel_matrix",
           "travel_minutes", "travel_params", "write_travel_params"]
