"""Reform scenarios: kommuneblokker around tyngdepunkter, each kommune on one of two tracks.

A scenario is a YAML file (see design.md); :func:`load_scenario` reads, validates and resolves it against the
Atlas of its borders. ``merge`` puts a kommune in the block's new regionkommune; ``cooperate`` keeps it a
kommune of its own inside the block's binding cooperation.

>>> import reformkit as rk
>>> sc = rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml")     # doctest: +SKIP
>>> sc2 = sc.moved("Gjemnes", to_block="Nordmøre", track="merge")      # doctest: +SKIP
"""
from .cooperation import BlockCooperation, ServiceSpec
from .model import Block, Scenario, Track, check_structure, projection_alternatives
from .names import KommuneIndex, kommune_index
from .parse import load_scenario
from .reading import MAX_FILE_BYTES

__all__ = ["Block", "BlockCooperation", "Scenario", "ServiceSpec", "Track", "load_scenario", "KommuneIndex",
           "kommune_index", "MAX_FILE_BYTES", "projection_alternatives", "check_structure"]
