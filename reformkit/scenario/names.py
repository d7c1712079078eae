"""Resolve kommune references (number or name) against an Atlas.

A reference is a kommunenummer ("1505", or the int 1505 that unquoted YAML gives) or a name. Names match
case-insensitively on the official name, the Norwegian short name and every language part of a Sami/Kven
double name, in any order: "Kåfjord", "gáivuotna", "Kåfjord - Gáivuotna - Kaivuono" all give 5540. A name
shared by two kommuner (Herøy, Våler) is narrowed to the scenario's ``area`` or by a fylke in brackets:
"Herøy (Møre og Romsdal)" or "Herøy (15)".
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from ..data.store import Dataset

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-"})
_PARTS = re.compile(r"\s+-\s+")
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*\((?P<fylke>[^()]+)\)\s*$")


def normalise(name: str) -> str:
    """Case-folded, NFC, single-spaced, with en/em dashes as '-': the key names are compared on."""
    text = unicodedata.normalize("NFC", str(name)).translate(_DASHES).casefold()
    return " ".join(text.split())


def _parts(name: str) -> frozenset[str]:
    return frozenset(p for p in _PARTS.split(normalise(name)) if p)


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one reference: ``code`` on success, else ``problem`` (one line)."""

    code: str | None
    problem: str | None = None


class KommuneIndex:
    """Name and number look-up for the kommuner of one Atlas (build once per Atlas, see :func:`kommune_index`)."""

    def __init__(self, kommuner) -> None:
        self.codes: set[str] = set(map(str, kommuner.index))
        self.label: dict[str, str] = {}
        self.short: dict[str, str] = {}
        self.fylke: dict[str, str] = {}
        self.fylke_names: dict[str, str] = {}
        self._names: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}
        self._parts: dict[str, frozenset[str]] = {}
        columns = ["kommunenavn", "kommunenavn_kort", "fylkesnummer", "fylkesnavn"]
        table = pd.DataFrame(kommuner).reindex(columns=columns)  # a plain frame: row access without geometry
        for code, row in zip(kommuner.index, table.to_dict("records")):
            code = str(code)
            full = str(row["kommunenavn"])
            short = row["kommunenavn_kort"]
            short = short if isinstance(short, str) and short else full
            self.label[code] = full
            self.short[code] = short
            self.fylke[code] = str(row["fylkesnummer"])
            fylke_name = normalise(row["fylkesnavn"])
            # "Troms-Romssa" / "Troms Romsa": the Norwegian first part names the fylke too
            for key in (fylke_name, re.split(r"[-\s]", fylke_name)[0]):
                self.fylke_names.setdefault(key, str(row["fylkesnummer"]))
            self._parts[code] = _parts(full) | {normalise(short)}
            for name in {full, short, *(_PARTS.split(full))}:
                key = normalise(name)
                if key:
                    self._names.setdefault(key, set()).add(code)
                    self._display.setdefault(key, name.strip())

    def describe(self, code: str) -> str:
        """``"1515 Herøy (fylke 15)"``: unambiguous text for messages."""
        return f"{code} {self.short.get(code, '?')} (fylke {self.fylke.get(code, '?')})"

    def suggestions(self, name: str, n: int = 3) -> list[str]:
        """Close matches among all names (difflib), best first, as display names."""
        key = normalise(name)
        hits = difflib.get_close_matches(key, list(self._names), n=n, cutoff=0.6)
        return list(dict.fromkeys(self._display[h] for h in hits))

    def _candidates(self, name: str) -> set[str]:
        key = normalise(name)
        if key in self._names:
            return set(self._names[key])
        wanted = _parts(name)
        if len(wanted) > 1:
            return {c for c, parts in self._parts.items() if wanted <= parts}
        return set()

    def resolve(self, ref, area: list[str] | None = None) -> Resolution:
        """Resolve a number or name to a kommunenummer.

        >>> idx = KommuneIndex(atlas.kommuner)                 # doctest: +SKIP
        >>> idx.resolve("Kåfjord - Gáivuotna - Kaivuono").code  # doctest: +SKIP
        '5540'
        """
        if isinstance(ref, bool) or not isinstance(ref, (str, int)):
            return Resolution(None, f"expected a kommune name or number, got {type(ref).__name__} {ref!r}")
        if isinstance(ref, int):
            if not 0 < ref < 10000:
                return Resolution(None, f"{ref} is not a kommunenummer (four digits)")
            ref = f"{ref:04d}"
        text = ref.strip()
        if not text:
            return Resolution(None, "empty kommune name")
        if text.isdigit():
            if len(text) == 4 and text in self.codes:
                return Resolution(text)
            if len(text) != 4:
                return Resolution(None, f"'{text}' is not a kommunenummer (four digits, e.g. '0301')")
            return Resolution(None, f"no kommune has number {text} on these borders")
        qualified = _QUALIFIED.match(text)
        fylke_filter = None
        if qualified and not self._candidates(text):
            qual = qualified.group("fylke").strip()
            fylke_filter = qual.zfill(2) if qual.isdigit() else self.fylke_names.get(normalise(qual))
            if fylke_filter is None:
                return Resolution(None, f"'{text}': unknown fylke '{qual}' in brackets")
            text = qualified.group("name")
        found = self._candidates(text)
        if fylke_filter is not None:
            found = {c for c in found if self.fylke[c] == fylke_filter}
        if not found:
            hint = self.suggestions(text)
            more = f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
            return Resolution(None, f"unknown kommune '{ref}'{more}")
        if len(found) > 1 and area:
            inside = {c for c in found if self.fylke[c] in area}
            if inside:
                found = inside
        if len(found) > 1:
            options = ", ".join(self.describe(c) for c in sorted(found))
            return Resolution(None, f"'{ref}' is ambiguous: {options}; write the number or e.g. "
                                    f"'{self.short[min(found)]} ({self.fylke[min(found)]})'")
        return Resolution(next(iter(found)))


#: The name index of an Atlas (in memory only: built in ~25 ms from the kommune table).
INDEX = Dataset("kommune_index", version=1, format="json", persist=False)


def kommune_index(atlas) -> KommuneIndex:
    """The :class:`KommuneIndex` of an Atlas, kept by the Atlas's store."""
    return atlas.store.get(INDEX, {"generation": atlas.generation, "borders": atlas.borders},
                           lambda: KommuneIndex(atlas.kommuner))
