"""Data: the dataset catalogue, offline import, online fetch, the cache and the Atlas."""
from .atlas import Atlas, load_atlas, read_atlas
from .catalogue import attribution, catalogue

__all__ = ["Atlas", "load_atlas", "read_atlas", "catalogue", "attribution"]
