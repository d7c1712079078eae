"""The Atlas's geography as derived datasets: the neighbour graph, kommune centres at their administrative
centres, the N1000 road network, the travel-time matrix and its accuracy, and web geometry for maps. Each is
built by the pure functions of :mod:`reformkit.geo` from the Atlas's tables, under a key of the inputs and
parameters it depends on, and kept by the Atlas's store (memory and cache; see :mod:`reformkit.data.store`).

>>> import reformkit as rk
>>> from reformkit import geodata
>>> atlas = rk.load_atlas()
>>> geodata.centre_table(atlas).loc["1506", "centre_name"]     # doctest: +SKIP
'Molde'
>>> geodata.travel_minutes(atlas).loc["1505", "1506"]          # Kristiansund–Molde   # doctest: +SKIP
"""
from .maps import MapLayers, map_layers, web_centres, web_geometry, web_roads
from .neighbours import neighbour_matrix, neighbours
from .travel import (centre_table, centres, road_network, travel_accuracy, travel_array, travel_minutes, travel_table,
                     trip)

__all__ = ["MapLayers", "map_layers", "web_centres", "web_geometry", "web_roads", "neighbour_matrix", "neighbours",
           "centre_table", "centres", "road_network", "travel_accuracy", "travel_array", "travel_minutes", "travel_table",
           "trip"]
