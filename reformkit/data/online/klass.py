"""SSB KLASS (https://data.ssb.no/api/klass/v1): kommune and fylke codes, names and code changes.

Endpoints used (JSON, documented in KLASS' API guide, https://data.ssb.no/api/klass/v1/api-guide.html):

* ``/classifications/<id>/codesAt.json?date=YYYY-MM-DD`` → ``{"codes": [{"code", "name", "level", ...}]}``
* ``/classifications/<id>/codes.json?from=...&to=...`` → ``{"codes": [{..., "validFromInRequestedRange",
  "validToInRequestedRange"}]}`` (``to`` is exclusive, so ``to`` is 2 January to include 1 January)
* ``/classifications/<id>/changes.json?from=...&to=...`` → ``{"codeChanges": [{"oldCode", "oldName",
  "newCode", "newName", "changeOccurred"}]}``

Classification 131 is the kommune register, 104 the fylker. The recoding functions here are pure
(tables in, tables out) so they are tested without any network.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ...errors import DataError
from .http import get_json

KLASS = "https://data.ssb.no/api/klass/v1"
KOMMUNER, FYLKER = "131", "104"
# Codes in classification 131 that are not kommuner on the mainland register: Svalbard (21xx), Jan Mayen
# (22xx), the continental shelf (23xx) and "unknown" (9999).
NON_KOMMUNE_PREFIXES = ("21", "22", "23", "99")


def url(classification: str, endpoint: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{KLASS}/classifications/{classification}/{endpoint}.json" + (f"?{query}" if query else "")


def _records(doc, key: str, what: str) -> list[dict]:
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise DataError(f"KLASS {what}: expected a {key!r} list in the answer")
    return items


def is_kommune(code: str) -> bool:
    """True for a mainland kommune number (not Svalbard, Jan Mayen, the shelf or 'unknown')."""
    return len(code) == 4 and code.isdigit() and not code.startswith(NON_KOMMUNE_PREFIXES)


def codes_at(session, classification: str, date: str) -> pd.DataFrame:
    """Codes valid on ``date`` as ``code, name, level, parent``."""
    doc = get_json(session, url(classification, "codesAt", date=date))
    rows = [{"code": str(c["code"]), "name": c.get("name"), "level": str(c.get("level", "1")),
             "parent": c.get("parentCode")} for c in _records(doc, "codes", f"{classification} at {date}")]
    return pd.DataFrame(rows, columns=["code", "name", "level", "parent"])


def codes_between(session, classification: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Every code valid some time from 1 January ``first_year`` to 1 January ``last_year``.

    Columns ``code, name, valid_from, valid_to`` (dates; ``valid_to`` exclusive, NaT when still valid).
    """
    doc = get_json(session, url(classification, "codes", **{"from": f"{first_year}-01-01",
                                                           "to": f"{last_year}-01-02"}))
    rows = []
    for c in _records(doc, "codes", f"{classification} {first_year}–{last_year}"):
        rows.append({"code": str(c["code"]), "name": c.get("name"),
                     "valid_from": c.get("validFromInRequestedRange") or c.get("validFrom"),
                     "valid_to": c.get("validToInRequestedRange") or c.get("validTo")})
    df = pd.DataFrame(rows, columns=["code", "name", "valid_from", "valid_to"])
    for col in ("valid_from", "valid_to"):
        df[col] = pd.to_datetime(df[col], errors="coerce")
    return df


def changes(session, classification: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Code changes from 1 January ``first_year`` to 1 January ``last_year`` inclusive.

    Columns ``old_code, old_name, new_code, new_name, date``.
    """
    doc = get_json(session, url(classification, "changes", **{"from": f"{first_year}-01-01",
                                                             "to": f"{last_year}-01-02"}))
    rows = [{"old_code": str(c["oldCode"]), "old_name": c.get("oldName"), "new_code": str(c["newCode"]),
             "new_name": c.get("newName"), "date": c.get("changeOccurred")}
            for c in _records(doc, "codeChanges", f"{classification} changes")]
    df = pd.DataFrame(rows, columns=["old_code", "old_name", "new_code", "new_name", "date"])
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    return df


def valid_by_year(codes: pd.DataFrame, years: Iterable[int], kommuner_only: bool = True) -> dict[int, dict[str, str]]:
    """``{year: {code: name}}`` of the codes valid on 1 January of each year (from :func:`codes_between`)."""
    out = {}
    for year in years:
        day = pd.Timestamp(year=year, month=1, day=1)
        ok = (codes["valid_from"].isna() | (codes["valid_from"] <= day)) & \
             (codes["valid_to"].isna() | (codes["valid_to"] > day))
        sub = codes[ok]
        out[year] = {c: n for c, n in zip(sub["code"], sub["name"]) if not kommuner_only or is_kommune(c)}
    return out


def _steps(chg: pd.DataFrame, after: pd.Timestamp, until: pd.Timestamp, reverse: bool) -> list[dict[str, list[str]]]:
    """Per change date in (after, until], the mapping old -> [new...] (or new -> [old...] when reversing)."""
    sub = chg[(chg["date"] > after) & (chg["date"] <= until)]
    steps = []
    for _, day in sorted(sub.groupby("date"), key=lambda kv: kv[0], reverse=reverse):
        src, dst = ("new_code", "old_code") if reverse else ("old_code", "new_code")
        mapping: dict[str, list[str]] = {}
        for a, b in zip(day[src], day[dst]):
            mapping.setdefault(a, [])
            if b not in mapping[a]:
                mapping[a].append(b)
        steps.append(mapping)
    return steps


def code_weights(valid: Mapping[int, Iterable[str]], chg: pd.DataFrame, target_year: int) -> pd.DataFrame:
    """Map each year's kommune codes to the codes of ``target_year`` with weights.

    For a year before the target, the KLASS changes after 1 January of that year up to 1 January of the
    target year are applied in order; a code that went to several codes in one change gets flat weights
    (1/n each) — the same convention as the offline mirror (the Ålesund/Haram split of 2024 gives 0.5).
    Years after the target are mapped backwards the same way (a later merger then spreads flat over the
    kommuner it came from). Returns ``kommunenummer_original, kommunenummer_<target>, year, weight``;
    raises DataError if a code ends outside the target year's register.
    """
    target_col = f"kommunenummer_{target_year}"
    targets = set(valid[target_year]) if target_year in valid else None
    t_day = pd.Timestamp(year=target_year, month=1, day=1)
    rows, problems = [], []
    for year in sorted(valid):
        day = pd.Timestamp(year=year, month=1, day=1)
        if year < target_year:
            steps = _steps(chg, day, t_day, reverse=False)
        elif year > target_year:
            steps = _steps(chg, t_day, day, reverse=True)
        else:
            steps = []
        for code in sorted(valid[year]):
            state = {code: 1.0}
            for mapping in steps:
                nxt: dict[str, float] = {}
                for c, w in state.items():
                    dest = mapping.get(c, [c])
                    for d in dest:
                        nxt[d] = nxt.get(d, 0.0) + w / len(dest)
                state = nxt
            for dest, w in state.items():
                if targets is not None and dest not in targets:
                    problems.append(f"{code} ({year}) maps to {dest}, which is not a {target_year} kommune")
                rows.append((code, dest, year, round(w, 10)))
    if problems:
        raise DataError(f"KLASS code changes do not lead every kommune code to the {target_year} register",
                        sorted(set(problems))[:20])
    return pd.DataFrame(rows, columns=["kommunenummer_original", target_col, "year", "weight"])


def _step_note(a: int, b: int, old: str, news: list[str], n_sources: Mapping[str, int]) -> str:
    span = f"fra {a} til {b}"
    merged = any(n_sources.get(n, 0) > 1 for n in news)
    if len(news) > 1:
        return (f"slått sammen {span} - splittet {span}" if merged else f"splittet {span}")
    if merged:
        return f"slått sammen {span}"
    return f"uendret {span}" if news[0] == old else f"kun endret nummer {span}"


def codes_2013_2020(valid: Mapping[int, Mapping[str, str]], chg: pd.DataFrame) -> pd.DataFrame:
    """The code table 2013 → 2017 → 2018 → 2019 → 2020 with names and change notes (mirror's layout).

    One row per path of a 2013 kommune through the steps (a split gives one row per part).
    """
    years = [y for y in (2013, 2017, 2018, 2019, 2020) if y in valid]
    if 2019 not in years:
        raise DataError("KLASS 131: no kommune register for 1 January 2019")
    paths = [[c] for c in sorted(valid[years[0]])]
    notes: list[list[str]] = [[] for _ in paths]
    for a, b in zip(years, years[1:]):
        steps = _steps(chg, pd.Timestamp(year=a, month=1, day=1), pd.Timestamp(year=b, month=1, day=1), False)
        sources: dict[str, int] = {}
        for mapping in steps:
            for news in mapping.values():
                for n in news:
                    sources[n] = sources.get(n, 0) + 1
        new_paths, new_notes = [], []
        for path, note in zip(paths, notes):
            dests = [path[-1]]
            for mapping in steps:
                dests = [d for c in dests for d in mapping.get(c, [c])]
            dests = list(dict.fromkeys(dests))
            text = _step_note(a, b, path[-1], dests, sources)
            for d in dests:
                new_paths.append(path + [d])
                new_notes.append(note + [text])
        paths, notes = new_paths, new_notes
    rows = []
    for path, note in zip(paths, notes):
        row = {}
        for i, (year, code) in enumerate(zip(years, path)):
            row[f"kommunenummer_{year}"] = code
            row[f"kommunenavn_{year}"] = valid[year].get(code)
            if i:
                row[f"endringsmerknad_{str(years[i - 1])[2:]}_{str(year)[2:]}"] = note[i - 1]
        rows.append(row)
    # A year missing from ``valid`` (a shorter fetch) leaves its columns empty.
    columns = ["kommunenummer_2013", "kommunenavn_2013", "kommunenummer_2017", "kommunenavn_2017",
               "endringsmerknad_13_17", "kommunenummer_2018", "kommunenavn_2018", "endringsmerknad_17_18",
               "kommunenummer_2019", "kommunenavn_2019", "endringsmerknad_18_19", "kommunenummer_2020",
               "kommunenavn_2020", "endringsmerknad_19_20"]
    return pd.DataFrame(rows, columns=columns)
