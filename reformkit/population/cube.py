"""The population cube: an Atlas's population as a dense array ``[kommune, sex, age, year]``, a derived
dataset kept by the Atlas's store (persisted in the cache)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.store import Dataset
from ..errors import DataError
from .groups import MAX_AGE

N_AGES = MAX_AGE + 1


@dataclass(frozen=True)
class Cube:
    """Population as a dense array ``data[kommune, sex, age, year]`` with its axis labels."""

    codes: pd.Index          # kommunenummer, atlas order
    sexes: list[str]         # ["female", "male"] or ["total"]
    years: np.ndarray        # observed years, ascending
    data: np.ndarray         # float64, shape (K, S, 106, T)
    fylke: np.ndarray        # fylke index per kommune (0..F-1)
    real: np.ndarray         # float64, shape (K, T-1): 1 for a real one-year transition, 0 for a break
    present: np.ndarray      # bool, shape (K, T): the population table has rows for this kommune and year

    def upto(self, year: int) -> np.ndarray:
        """Data for the years up to and including ``year``."""
        return self.data[..., : int(np.searchsorted(self.years, year, side="right"))]

    def real_upto(self, year: int) -> np.ndarray:
        """The transition mask matching :meth:`upto` (one column fewer)."""
        return self.real[:, : max(0, int(np.searchsorted(self.years, year, side="right")) - 1)]


def apportioned_breaks(atlas, codes: pd.Index, years: np.ndarray) -> np.ndarray:
    """Transitions that are artefacts of recoding, not cohort change: ``(K, T-1)``, 1 = real, 0 = break.

    Where an old kommune was later split between several (Ålesund/Haram 2024, Snillfjord and Tysfjord 2020),
    the source data apportions its population to the new kommuner by flat weights (``codes_til_2024`` weight
    < 1). The stock series of a receiving kommune jumps where the apportioned years end; the ratio across that
    transition (e.g. Haram 2023 -> 2024: a flat half of Ålesund -> the real Haram) is not a cohort change and
    is left out of the base period. Ratios within the apportioned years are ratios of a constant share of a
    real population, so they are kept.
    """
    real = np.ones((len(codes), max(len(years) - 1, 0)))
    table = atlas.tables.get("codes_til_2024") if atlas.borders == 2024 else None
    if table is None or table.empty or real.shape[1] == 0:
        return real
    partial = table[table["weight"].astype(float) < 1.0]
    for code, yrs in partial.groupby("kommunenummer_2024")["year"]:
        k = codes.get_indexer([code])[0]
        if k >= 0:
            inside = np.isin(years, yrs.astype(int).to_numpy())
            real[k, inside[:-1] != inside[1:]] = 0.0
    return real


#: The population cube of an Atlas (a derived dataset, persisted in the cache).
CUBE = Dataset("population_cube", version=1, format="arrays")


def build_cube(atlas) -> Cube:
    """The Atlas's population table as a dense :class:`Cube` (factorize + bincount on flat cell numbers:
    much faster than np.add.at / get_indexer on 1.6 million strings)."""
    pop = atlas.population
    codes = pd.Index(atlas.kommuner.index)
    years = np.array(sorted(int(y) for y in pop["year"].unique()))
    sex = pop["sex"]
    sexes = [str(s) for s in (sex.cat.categories if hasattr(sex, "cat") else sorted(sex.unique()))]
    kcodes, kvals = pd.factorize(pop["kommunenummer"])
    k = codes.get_indexer(kvals)[kcodes]
    if (k < 0).any():
        raise DataError(f"population table: kommune(r) not among the {atlas.borders} kommuner",
                        sorted(set(kvals[codes.get_indexer(kvals) < 0]))[:10])
    s = sex.cat.codes.to_numpy().astype(np.int64) if hasattr(sex, "cat") else pd.Index(sexes).get_indexer(sex.astype(str))
    a = np.minimum(pop["age"].to_numpy().astype(np.int64), MAX_AGE)
    t = np.searchsorted(years, pop["year"].to_numpy())
    shape = (len(codes), len(sexes), N_AGES, len(years))
    flat = np.ravel_multi_index((k, s, a, t), shape)
    data = np.bincount(flat, weights=pop["population"].to_numpy().astype(np.float64),
                       minlength=int(np.prod(shape))).reshape(shape)
    present = np.zeros((len(codes), len(years)), dtype=bool)
    present[k, t] = True
    fylke = pd.factorize(atlas.kommuner["fylkesnummer"].to_numpy(), sort=True)[0]
    return Cube(codes=codes, sexes=sexes, years=years, data=data, fylke=fylke,
                real=apportioned_breaks(atlas, codes, years), present=present)


def _cube_arrays(cube: Cube) -> dict[str, np.ndarray]:
    return {"codes": np.asarray(cube.codes, dtype="U4"), "sexes": np.asarray(cube.sexes, dtype="U8"),
            "years": cube.years, "data": cube.data, "fylke": cube.fylke, "real": cube.real, "present": cube.present}


def _arrays_cube(arrays: dict[str, np.ndarray]) -> Cube:
    for name in ("data", "present"):
        arrays[name].flags.writeable = False
    return Cube(codes=pd.Index(arrays["codes"].astype(object)), sexes=[str(s) for s in arrays["sexes"]],
                years=arrays["years"], data=arrays["data"], fylke=arrays["fylke"], real=arrays["real"],
                present=arrays["present"])


def population_cube(atlas) -> Cube:
    """The Atlas's population as a :class:`Cube`: a derived dataset, built once per cache generation.

    >>> cube = population_cube(atlas)                   # doctest: +SKIP
    >>> cube.data.shape                                 # doctest: +SKIP
    (357, 2, 106, 22)
    """
    key = {"generation": atlas.generation, "borders": atlas.borders}
    return _arrays_cube(dict(atlas.store.get(CUBE, key, lambda: _cube_arrays(build_cube(atlas)))))


