"""The Atlas's geography as derived datasets: the neighbour graph, kommune centres, travel times and web
geometry. Each is built by the pure functions of :mod:`reformkit.geo` from the Atlas's tables, under a key of
the inputs and parameters it depends on, and kept by the Atlas's store (memory and cache; see
:mod:`reformkit.data.store`).

>>> import reformkit as rk
>>> from reformkit import geodata
>>> atlas = rk.load_atlas()
>>> geodata.neighbours(atlas).head()                 # doctest: +SKIP
>>> geodata.travel_minutes(atlas).loc["1505", "1506"]   # doctest: +SKIP
"""
from .datasets import (MapLayers, centres, map_layers, neighbour_matrix, neighbours, travel_calibration,
                       travel_minutes, web_centres, web_geometry)

__all__ = ["centres", "neighbours", "neighbour_matrix", "travel_minutes", "travel_calibration", "web_geometry",
           "web_centres", "MapLayers", "map_layers"]
