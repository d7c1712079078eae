"""A Proposal as a scenario file (design.md contract) and as Norwegian text for the CLI."""
from __future__ import annotations

from pathlib import Path

from ..fmt import nb_float, nb_int
from ..scenario import Scenario
from ..scenario.model import DEFAULT_HORIZON, DEFAULT_PROJECTION


SWEEP_LABELS = {
    "k": "Antall tyngdepunkter",
    "min_block_population": "Minste blokk (innbyggere)",
    "max_travel_minutes": "Lengste reisetid (min)",
    "mean_weighted_travel_minutes": "Gj.sn. reisetid, vektet (min)",
    "blocks_under_15000": "Blokker under 15 000",
    "blocks_under_20000": "Blokker under 20 000",
    "objective": "Personminutter",
    "gap": "Optimalitetsgap",
    "method": "Metode",
    "status": "Status",
    "seconds": "Sekunder",
    "centres": "Sentre",
    "note": "Merknad",
}
"""Norwegian display labels for the columns of :func:`reformkit.propose.sweep`."""

METHOD_TEXT = {"exact": "eksakt (HiGHS, heltallsprogrammering)", "heuristic": "heuristikk (grådig + lokalsøk)"}
STATUS_TEXT = {"optimal": "optimal", "time limit": "tidsgrensen nådd", "infeasible": "umulig"}


def _display_names(atlas, codes) -> dict[str, str]:
    """Short name per kommune, qualified with the fylke ("Herøy (15)") where the name is not unique."""
    k = atlas.kommuner
    counts = k["kommunenavn_kort"].value_counts()
    return {c: (k.loc[c, "kommunenavn_kort"] if counts[k.loc[c, "kommunenavn_kort"]] == 1
                else f"{k.loc[c, 'kommunenavn_kort']} ({k.loc[c, 'fylkesnummer']})") for c in codes}


def scenario_dict(prop, atlas) -> dict:
    """The scenario document of a Proposal: kommune names as members, default tracks, area = the fylker."""
    kom = prop.kommuner
    names = _display_names(atlas, kom.index)
    fylke_names = sorted(set(atlas.kommuner.loc[kom.index, "fylkesnavn"].astype(str)))
    blocks = []
    for centre, b in prop.blocks.iterrows():
        members = kom[kom["centre"] == centre].sort_values(["track", "population"], ascending=[False, False])
        members = members.loc[[centre] + [c for c in members.index if c != centre]]
        blocks.append({"name": str(b["name"]), "centre": names[centre],
                       "members": {names[c]: str(t) for c, t in members["track"].items()}})
    cons = prop.constraints
    parts = [f"Forslag fra `reformkit propose`: {prop.k} tyngdepunkter som minimerer befolkningsvektet reisetid "
             f"til senteret, med sammenhengende blokker.",
             f"Løst med {METHOD_TEXT.get(prop.method, prop.method)}; status {STATUS_TEXT.get(prop.status, prop.status)}; "
             f"gjennomsnittlig vektet reisetid {nb_float(prop.mean_weighted_minutes)} min"
             + (f"; optimalitetsgap {prop.gap:.2g}." if prop.gap is not None else ".")]
    if cons.get("min_population") is not None:
        parts.append(f"Minste blokkstørrelse {nb_int(cons['min_population'])} innbyggere.")
    if cons.get("max_travel_minutes") is not None:
        parts.append(f"Lengste reisetid til senteret {nb_float(cons['max_travel_minutes'], 0)} min.")
    if cons.get("fixed_centres"):
        parts.append("Faste sentre: " + ", ".join(names[c] for c in cons["fixed_centres"]) + ".")
    parts.append("Spor: senteret og små kommuner nær senteret slås sammen (merge), de andre samarbeider "
                 "(cooperate); regelen står i data/params/propose.yaml.")
    return {
        "name": f"{' og '.join(fylke_names)} – {prop.k} tyngdepunkter (forslag)",
        "description": " ".join(parts),
        "borders": int(atlas.borders),
        "base_year": int(prop.year),
        "horizon": DEFAULT_HORIZON,
        "projection": DEFAULT_PROJECTION,
        "area": list(prop.area),
        "blocks": blocks,
        "assumptions": {},
    }


def write_scenario(doc: dict, path: str | Path, atlas) -> Path:
    """Write a scenario dict through :class:`~reformkit.scenario.Scenario` (validated, round-trips), atomically."""
    Scenario.from_dict(doc, atlas=atlas, source=str(path)).to_yaml(path)
    return Path(path)


def summary_text(prop) -> str:
    """Blocks, members and solver figures in Norwegian, for the terminal."""
    lines = [f"{prop.k} tyngdepunkter i fylke {', '.join(prop.area)} "
             f"({len(prop.kommuner)} kommuner, {nb_int(prop.kommuner['population'].sum())} innbyggere):"]
    for centre, b in prop.blocks.iterrows():
        members = prop.kommuner[prop.kommuner["centre"] == centre]
        lines.append(f"  {b['name']}: {b['kommuner']} kommuner, {nb_int(b['population'])} innbyggere, "
                     f"lengste reisetid {nb_float(b['max_minutes'], 0)} min")
        lines.append("    " + ", ".join(f"{r.kommunenavn}{'' if r.track == 'merge' else ' (samarbeid)'}"
                                        for r in members.sort_values("minutes").itertuples()))
    gap = "–" if prop.gap is None else f"{nb_float(prop.gap * 100, 4)} %"
    lines.append(f"Metode: {METHOD_TEXT.get(prop.method, prop.method)}, "
                 f"status: {STATUS_TEXT.get(prop.status, prop.status)}, "
                 f"{nb_float(prop.seconds, 2)} s")
    lines.append(f"Målfunksjon: {nb_int(prop.objective)} personminutter "
                 f"(gj.sn. {nb_float(prop.mean_weighted_minutes)} min per innbygger), optimalitetsgap {gap}")
    return "\n".join(lines)


def sweep_display(df) -> "pd.DataFrame":
    """The sweep table formatted for people: Norwegian labels and number formats, '–' where infeasible."""
    import pandas as pd

    def fmt(col, f):
        return [("–" if pd.isna(v) else f(v)) for v in df[col]]

    out = pd.DataFrame({"k": df["k"].astype(int)})
    for col in df.columns:
        if col in ("k", "objective", "centres", "note"):
            continue
        if col == "min_block_population" or col.startswith("blocks_under_"):
            out[col] = fmt(col, nb_int)
        elif col in ("max_travel_minutes", "mean_weighted_travel_minutes"):
            out[col] = fmt(col, nb_float)
        elif col == "gap":
            out[col] = fmt(col, lambda v: f"{nb_float(v * 100, 4)} %")
        elif col == "seconds":
            out[col] = fmt(col, lambda v: nb_float(v, 2))
        elif col == "method":
            out[col] = [{"exact": "eksakt", "heuristic": "heuristikk"}.get(v, "") for v in df[col]]
        elif col == "status":
            out[col] = [STATUS_TEXT.get(v, v) for v in df[col]]
    return out.rename(columns=SWEEP_LABELS)
