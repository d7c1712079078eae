"""Schemas of the data, as tables: what every mirror file and every cache file must hold.

One :class:`Table` per dataset lists its columns (:class:`Column`: kind, range, whether it may be empty or
may be missing), the columns that together identify a row (``key``: no two rows share it), complete groups
(``complete``: every group of rows holds every combination, e.g. all ages and sexes of a kommune-year), and
for geometry the CRS and Norway's envelope. :data:`TOTALS` lists figures that two tables must agree on.

The same checks run on import and fetch (:data:`MIRROR`, by the keys of :data:`reformkit.data.mirror.FILES`,
from :func:`reformkit.data.core.build_core`) and when the cache is loaded (:data:`CACHE`, from
:func:`reformkit.data.atlas.validate_atlas`), so a broken mirror or cache gives one line per fault naming the
file, the column and the rows — never a traceback, never a silently wrong number.

The checks themselves are in :mod:`reformkit.data.validate` (:func:`~reformkit.data.validate.check_table`).
To add a dataset, give it a key in ``mirror.FILES`` and a ``Table`` here under the same key, and call
``check_table`` where it is read (``build_core`` does so for every key of :data:`MIRROR` it is given), as the
N1000 layers (``roads``, ``places``, ``builtup``) are.
"""
from __future__ import annotations

from dataclasses import dataclass

from .crs import METRIC_CRS

#: Geometry types allowed by default and for line and point datasets.
POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")
POINTS = ("Point", "MultiPoint")
#: Mainland Norway with a margin, in lon/lat (EPSG:4326): every kommune lies inside it.
ENVELOPE_LONLAT = (3.0, 57.0, 33.0, 72.0)
#: Text patterns of the code kinds.
PATTERNS = {"code4": r"\d{4}", "code2": r"\d{2}"}


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is ``number``, ``int`` (whole numbers), ``code4`` / ``code2`` (kommune / fylke
    numbers as 4 / 2 digit text), ``text`` or ``geometry``; ``low``/``high`` bound numbers (inclusive);
    ``values`` lists the allowed texts; ``nullable`` allows empty cells; ``required=False`` allows the column
    to be absent (it is checked when present)."""

    name: str
    kind: str = "number"
    low: float | None = None
    high: float | None = None
    nullable: bool = False
    values: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Table:
    """A dataset's schema (see the module docstring). ``crs``: the CRS (EPSG code) the data must declare, or
    None for any declared CRS (an offline mirror's files may come in any; the envelope still applies).
    ``first_row``/``row`` number the rows in messages as the file does (CSV: line 2 is the first record)."""

    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    complete: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    crs: int | None = None
    geometry: tuple[str, ...] = POLYGONS
    first_row: int = 1
    row: str = "row"

    def required(self) -> list[str]:
        """Names of the columns the data must have."""
        return [c.name for c in self.columns if c.required]


@dataclass(frozen=True)
class Total:
    """``column`` of table ``table`` must equal, per ``by``, the sum of ``of_column`` in table ``of``
    over the rows where ``year`` is ``year`` (e.g. the register's population against the population table)."""

    table: str
    column: str
    of: str
    of_column: str
    year: int
    by: str = "kommunenummer"


def _c(name: str, kind: str = "number", low: float | None = None, high: float | None = None, **kw) -> Column:
    return Column(name, kind, low, high, **kw)


CODE, FYLKE, NAME = _c("kommunenummer", "code4"), _c("fylkesnummer", "code2"), _c("kommunenavn", "text")
YEAR, AGE = _c("year", "int", 1900, 2100), _c("age", "int", 0, 105)
COUNT = _c("population", "int", 0, 1_000_000)
MINUTES, PCT = dict(low=0, high=600), dict(low=0, high=100)
CSV = dict(first_row=2, row="line")
BA = (_c("ba_nr", "text", nullable=True), _c("ba_region", "text", nullable=True))

#: The raw tables of an offline mirror or an online fetch, by the keys of ``mirror.FILES``.
MIRROR: dict[str, Table] = {
    "kommuner_2024_geo": Table((CODE, NAME, _c("geometry", "geometry")), key=("kommunenummer",), row="feature"),
    "fylker_2024_geo": Table((FYLKE, _c("fylkesnavn", "text"), _c("geometry", "geometry")), key=("fylkesnummer",),
                             row="feature"),
    "kommuner_2019_geo": Table((CODE, NAME, _c("geometry", "geometry")), key=("kommunenummer",), row="feature"),
    "population_2024": Table((CODE, YEAR, AGE, _c("sex", "text", values=("female", "male")), COUNT),
                             key=("kommunenummer", "year", "age", "sex"),
                             complete=(("kommunenummer", "year"), ("age", "sex"))),
    "population_2019": Table((CODE, YEAR, AGE, COUNT), key=("kommunenummer", "year", "age"),
                             complete=(("kommunenummer", "year"), ("age",))),
    "register_2024": Table((CODE, NAME, _c("kommunenavn_norsk", "text"),
                            _c("administrasjonssenter", "text", nullable=True), _c("areal_km2", low=0.01, high=50_000),
                            FYLKE, _c("fylkesnavn", "text"),
                            _c("population_2024", "int", 0, 2_000_000, required=False)),
                           key=("kommunenummer",), **CSV),
    "ba_regions": Table((CODE, *BA, _c("reisetid_min", nullable=True, **MINUTES),
                         _c("utpendling_pct", nullable=True, **PCT), _c("innpendling_pct", nullable=True, **PCT)),
                        key=("kommunenummer",), **CSV),
    "codes_til_2024": Table((_c("kommunenummer_original", "code4"), _c("kommunenummer_2024", "code4"), YEAR,
                             _c("weight", low=0.0, high=1.0)),
                            key=("kommunenummer_original", "kommunenummer_2024", "year"), **CSV),
    "codes_2013_2020": Table(tuple(c for y in (2013, 2017, 2018, 2019, 2020) for c in (
        _c(f"kommunenummer_{y}", "code4", nullable=True), _c(f"kommunenavn_{y}", "text", nullable=True))), **CSV),
    "expenditure_index": Table((CODE, YEAR, _c("index", low=0.1, high=10.0)), key=("kommunenummer", "year")),
    # Kartverket N1000 (both border years): roads, place names, built-up areas
    "roads": Table((_c("type_veg", "text", values=("enkelBilveg", "bilferje", "passasjerferje")),
                    # ferry links carry no road category or phase in N1000
                    _c("vegkategori", "text", values=("E", "R", "F", "K", "P"), nullable=True),
                    _c("vegfase", "text", values=("V", "P"), nullable=True),
                    _c("motorvegtype", "text", nullable=True),
                    _c("medium", "text", nullable=True), _c("geometry", "geometry")),
                   geometry=LINES, crs=METRIC_CRS),
    "places": Table((_c("navn", "text"), _c("fulltekst", "text", nullable=True, required=False),
                     _c("navneobjekttype", "text"), _c("navneobjektgruppe", "text"), _c("geometry", "geometry")),
                    geometry=POINTS, crs=METRIC_CRS),
    "builtup": Table((_c("geometry", "geometry"),), crs=METRIC_CRS),
}

_KOMMUNER = (CODE, NAME, _c("kommunenavn_kort", "text"), FYLKE, _c("fylkesnavn", "text"),
             _c("administrasjonssenter", "text", nullable=True), _c("areal_km2", low=0.01, high=50_000),
             *BA, *(Column(c.name, c.kind, c.low, c.high, nullable=True, required=False)   # not on 2019 borders
                    for c in (_c("ba_reisetid_min", **MINUTES), _c("utpendling_pct", **PCT), _c("innpendling_pct", **PCT))),
             _c("area_km2_geom", low=0, high=50_000),
             _c("geometry", "geometry"))

#: The tables of the data cache (both border years), by file stem.
CACHE: dict[str, Table] = {
    "kommuner": Table(_KOMMUNER, key=("kommunenummer",), crs=METRIC_CRS),
    "fylker": Table((FYLKE, _c("fylkesnavn", "text"), _c("geometry", "geometry")), key=("fylkesnummer",),
                    crs=METRIC_CRS),
    "population": Table((CODE, YEAR, AGE, _c("sex", "text", values=("female", "male", "total")), COUNT),
                        key=("kommunenummer", "year", "sex", "age"),   # the order the cache is sorted in
                        complete=(("kommunenummer", "year"), ("age", "sex"))),
    "codes_til_2024": MIRROR["codes_til_2024"],
    "codes_2013_2020": MIRROR["codes_2013_2020"],
    "expenditure_index": MIRROR["expenditure_index"],
    "roads": MIRROR["roads"],
    "places": MIRROR["places"],
    "builtup": MIRROR["builtup"],
}

#: The cache manifest's fields and their JSON types (``required`` ones must be there); one ``BORDERS`` entry per
#: border year under ``borders``.
MANIFEST = {"borders": (dict, True), "datasets": (dict, True), "method": (str, False), "origin": (str, False),
            "created": (str, False), "retrieved": (str, False), "corrections": (list, False)}
BORDERS = {"kommuner": int, "fylker": int, "population_years": list, "population_latest": int}

#: Figures two mirror tables must agree on.
TOTALS = (Total("register_2024", "population_2024", "population_2024", "population", 2024),)


__all__ = ["Column", "Table", "Total", "MIRROR", "CACHE", "TOTALS", "MANIFEST", "BORDERS", "POLYGONS", "LINES",
           "POINTS", "ENVELOPE_LONLAT"]
